/*
 * convert/import.h - converting other products' routing tables into override
 * lines (mxshim import), and override lines back into them (mxshim export).
 *
 * Each importer reads one source format and fills a struct imp_doc: one
 * struct imp_entry per source entry (a route), holding the override lines
 * that carry it and the notes that say what could not be carried.  The
 * document is then sorted where the source format is "most specific wins",
 * checked by loading it with the engine, and rendered as text.  Nothing of
 * a source entry is ever dropped silently: what the rules language cannot
 * express becomes a "# not carried:" comment in the output and a warning on
 * stderr, both naming the source line.
 */
#ifndef MXSHIM_IMPORT_H
#define MXSHIM_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "rules.h"

/* One override line: PATTERN SERVER [TOKENS]. */
struct imp_line {
	char	*pattern;
	char	*server;	/* as written in the rules file */
	char	*tokens;	/* conditions and flags, may be "" */
};

/* One source entry and what it became. */
struct imp_entry {
	unsigned	  src_line;	/* 1-based line in the source file */
	char		 *src_text;	/* the entry as shown in the comment
					   (passwords masked) */
	int		  disabled;	/* lines written commented out: applying
					   them would reroute mail the source
					   does not */
	int		  implied;	/* the pattern is implied by another
					   one; an explicit entry for the same
					   pattern wins over it */
	struct imp_line	 *line;
	size_t		  nline;
	char		**note;		/* what could not be carried */
	size_t		  nnote;
	/* sort key for "most specific first" formats; see imp_sort() */
	int		  rank;
	size_t		  speclen;
	size_t		  order;	/* position in the source */
};

struct imp_doc {
	const char		*srcname;	/* for messages */
	const char		*format;
	struct imp_entry	*entry;
	size_t			 nentry;
	size_t			 cap;
	int			 errors;	/* bad source entries */
	int			 warnings;
	int			 credentials;	/* USER:PASS in some line */
	const char		*order;		/* how the entries are ordered
						   (for the header), or NULL */
	int			 quiet;		/* notes go to the output only: a
					   second entry of one source line */
	FILE			*err;		/* where warnings go (stderr) */
};

/* ---- building a document (import_doc.c) ------------------------------ */

void imp_doc_init(struct imp_doc *doc, const char *srcname,
    const char *format);
void imp_doc_free(struct imp_doc *doc);

/*
 * A new entry for the source line; text is copied.  NULL on no memory.
 * The pointer is valid until the next imp_entry_new(): entries move.
 */
struct imp_entry *imp_entry_new(struct imp_doc *doc, unsigned src_line,
    const char *text);

/*
 * Add an override line to entry; tokens is a printf format (may expand to
 * "").  Returns 0, or -1 on no memory.
 */
int imp_line_add(struct imp_entry *e, const char *pattern,
    const char *server, const char *tokfmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Record what entry e cannot carry: kept for the "# not carried:" comment
 * and printed now as "SRC:LINE: warning: ..." on doc->err (unless
 * doc->quiet).
 */
void imp_note(struct imp_doc *doc, struct imp_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report a source entry that cannot be read at all (the import fails). */
void imp_error(struct imp_doc *doc, unsigned src_line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Drop entry i: one that turns out to be an error, or one that says
 * nothing another entry does not say better.  The later entries move down.
 */
void imp_entry_drop(struct imp_doc *doc, size_t i);

/*
 * Sort the entries most specific first: by rank, then longer speclen
 * first, then source order.  Stable.  why says, for the header of the
 * output, which order of the source this reproduces.
 */
void imp_sort(struct imp_doc *doc, const char *why);

/*
 * Load each enabled entry's lines with the engine, so that a source value
 * the rules language rejects (a bad host name, a password with a space...)
 * is reported against its source line.  Returns the number of bad entries
 * (also added to doc->errors).
 */
int imp_validate(struct imp_doc *doc);

/* Render the whole document; returns a malloc'ed NUL-ended string. */
char *imp_render(const struct imp_doc *doc, size_t *lenp);

/* ---- helpers shared by the importers (import_util.c) ---------------- */

/*
 * Close a stream of open_memstream(3), the way text is built here: 0 when
 * everything written reached the buffer, -1 when memory ran out.
 */
int imp_memclose(FILE *f);

/*
 * Read "HOST[:PORT]" as written in a source ("[v6]:port", "[IPv6:v6]", and
 * a bare v6 address without a port) with the engine's SERVER reader:
 * fills out (kind NAME, IPV4 or IPV6; a name lowercase, an address without
 * brackets) and *port (0: none written).  Returns 0, or -1 with why (size
 * whylen) saying what is wrong.
 */
int imp_split_hostport(const char *s, size_t len, struct rules_server *out,
    unsigned *port, char *why, size_t whylen);

/*
 * The SERVER field for host of kind (RULES_SERVER_NAME, IPV4 or IPV6),
 * port (0: none) and credentials (NULL: none, else written
 * percent-encoded), written into out.  Returns 0, or -1 when it does not
 * fit.
 */
int imp_server(char *out, size_t len, const char *host,
    enum rules_server_kind kind, unsigned port, const char *user,
    const char *pass);

/*
 * Append a token to the space-separated list t (size len), printf-style.
 * An empty expansion adds nothing.
 */
void imp_tok(char *t, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse a decimal number in [0, max]; 0 on success. */
int imp_number(const char *s, size_t len, unsigned long max,
    unsigned long *out);

/* Lowercase a domain and strip one trailing dot, in place. */
void imp_domain_lower(char *s);

/* Whether s is a plausible domain name (letters, digits, '-', '_', '.'). */
int imp_is_domain(const char *s);

/* Whether s (len bytes) holds a space, tab or control character: the
 * rules language has no quoting, so such a value cannot be written. */
int imp_has_space(const char *s, size_t len);

/* ---- the importers ----------------------------------------------------- */

/*
 * Each reads text (len bytes, not NUL-ended necessarily but with a NUL at
 * text[len]) into doc.  They return 0 when every entry could be read, -1
 * when some could not (already reported through imp_error).
 */
int import_cisco(struct imp_doc *doc, const char *text, size_t len);
int import_xeams(struct imp_doc *doc, const char *text, size_t len);
int import_tmail(struct imp_doc *doc, const char *text, size_t len);
int import_kumo(struct imp_doc *doc, const char *text, size_t len);

#endif /* MXSHIM_IMPORT_H */
