/*
 * rules/diag.h - where the parser is and how it reports: the position
 * being parsed and errors and warnings at a byte of the current line.
 * Shared by the parts of the parser (parse.c, server.c, cond.c); not for
 * users of the engine, who get struct rules_diag through their callback.
 */
#ifndef MXSHIM_DIAG_H
#define MXSHIM_DIAG_H

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
	int				 secret;	/* the current line may
						   hold credentials */
};

/*
 * Report an error at byte `at` of the current line (NULL: the whole file,
 * column 0); always returns -1.  Never pass text from a credential field
 * (USER, PASS of a SERVER) as an argument: messages end up in logs.
 */
int parse_error(struct parse_state *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report a warning at byte `at` of the current line; the same rules. */
void parse_warning(struct parse_state *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Text of the current line for a message: "'s'" in buf, or, on a line
 * that may hold credentials (ps->secret), words that show none of it: a
 * password with an unencoded space is split into fields that the parser
 * reads as a port, a token or a condition.  Returns buf.
 */
const char *diag_quote(const struct parse_state *ps, const char *s,
    size_t len, char *buf, size_t size);

/*
 * Report about a whole file outside a parse (line 0, column 0) to opts'
 * callback, if any: is_error 1 for an error, 0 for a warning.
 */
void diag_file(const char *file, const struct rules_load_opts *opts,
    int is_error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* MXSHIM_DIAG_H */
