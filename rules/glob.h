/*
 * rules/glob.h - the wildcard language of patterns, `~=` values and
 * `$dnsmx:` globs: `*` any run (dots and empty included), `?` one byte,
 * anchored at both ends, ASCII case-insensitive.
 */
#ifndef MXSHIM_GLOB_H
#define MXSHIM_GLOB_H

#include <stddef.h>

#include "ascii.h"

/* Case-insensitive equality of two byte runs of the same length. */
int glob_ieq(const char *a, const char *b, size_t len);

/* Case-folded hash of a byte run (FNV-1a). */
unsigned long glob_ihash(const char *s, size_t len);

/* Whether s contains `*` or `?`. */
int glob_has_wild(const char *s, size_t len);

#endif
