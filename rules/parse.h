/*
 * rules/parse.h - the readers of the parts of a line (SERVER, conditions)
 * that parse.c calls; they report through diag.h.  Not for users of the
 * engine.
 */
#ifndef MXSHIM_PARSE_H
#define MXSHIM_PARSE_H

#include "diag.h"

/*
 * Parse the SERVER field s[0..len) into r (host, kind, port, credentials).
 * Returns 0, or -1 after reporting the error.
 */
int server_parse(struct parse_state *ps, const char *s, size_t len,
    struct rule *r);

/*
 * Whether s[0..len) is a valid host name: labels of 1-63 bytes of letters,
 * digits, `-` and `_`, at most 253 bytes, one optional trailing dot.
 * On failure *bad points at the offending byte.
 */
int name_valid(const char *s, size_t len, const char **bad, const char **why);

/*
 * Parse one condition token (`$size>=100`, `$dnsmx:*.x`) into c.  Returns 0,
 * or -1 after reporting the error.
 */
int cond_parse(struct parse_state *ps, const char *tok, size_t len,
    struct cond *c);

#endif
