/*
 * rules/parse.h - what the parts of the parser share: the position being
 * parsed and the way errors are reported.  Not for users of the engine.
 */
#ifndef MXSHIM_PARSE_H
#define MXSHIM_PARSE_H

#include "rules_int.h"

struct parse_state {
	struct rules			*set;
	const struct rules_load_opts	*opts;
	const char			*file;
	unsigned			 line;
	const char			*line_start;
	int				 errors;
	int				 reported;
	int				 max_errors;
	int				 too_big;	/* over a limit */
};

/* Report an error at byte `at` of the current line; always returns -1. */
int parse_error(struct parse_state *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report a warning at byte `at` of the current line. */
void parse_warning(struct parse_state *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
