/*
 * convert/export.h - override lines back into other products' routing tables
 * (mxshim export).
 *
 * export_read.c takes a set the engine loaded and turns its lines, as
 * the parser read them (rules_line_get()), their conditions through
 * rules_line_cond_get(), into exp_line records; export_order.c groups the
 * lines of each route and checks where the products' "most specific route
 * wins" (AsyncOS, Postfix) or "first route that applies" (Exim, OpenSMTPD)
 * differs from the rules file's walk in order.  Each exporter then writes what it can and reports the rest
 * through exp_note(): a comment at the top of its output and a warning on
 * stderr, never a silent drop.
 */
#ifndef MXSHIM_EXPORT_H
#define MXSHIM_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "rules.h"

enum exp_pkind {
	EXP_EXACT,	/* example.com */
	EXP_SUFFIX,	/* *.example.com */
	EXP_ALL,	/* * */
	EXP_GLOB	/* any other wildcard: not exportable */
};

enum exp_skind {
	EXP_HOST,	/* a mail server */
	EXP_USEDNS,	/* the domain's real MX records */
	EXP_NULL	/* the null MX */
};

struct exp_line {
	unsigned	 line;			/* in the rules file */
	char		 pattern[RULES_MAX_NAME + 3];	/* lowercase */
	enum exp_pkind	 pkind;
	const char	*suffix;		/* EXP_SUFFIX: after "*." */
	enum exp_skind	 skind;
	char		 host[RULES_MAX_NAME + 1];	/* name or address */
	enum rules_server_kind host_kind;	/* NAME, IPV4 or IPV6 */
	unsigned	 port;			/* 25 by default */
	const char	*user, *pass;		/* NULL: none; in the set */
	unsigned	 pri;
	int		 pri_set;
	int		 end, lookupmx, adddns;
	int		 skip;			/* not exported (reported) */
	size_t		 idx;			/* in the set */
	size_t		 nconds;		/* kept with EXP_CONDS */
};

/* A route: consecutive exportable lines of one pattern; the last one
   ends the walk (end) or not. */
struct exp_group {
	struct exp_line	*l;
	size_t		 n;
	int		 end;
	int		 off;		/* written disabled (reported) */
};

/* One key of the pattern index: the groups of a pattern, in file order. */
struct exp_key {
	enum exp_pkind	 kind;
	const char	*name;		/* pattern, or suffix for EXP_SUFFIX */
	size_t		 g;		/* index in exp_doc.group */
};

struct exp_doc {
	const char		*srcname;
	const struct rules	*set;		/* what the lines point into */
	struct exp_line		*line;
	size_t			 nline;
	struct exp_group	*group;
	size_t			 ngroup;
	struct exp_key		*index;		/* sorted by kind, name, g */
	FILE			*notes;		/* the comment block */
	char			*notes_text;	/* its text, after fflush() */
	size_t			 notes_len;
	int			 warnings;
	FILE			*err;
	const char		*product;	/* for exp_first_wins() */
};

/*
 * Read the lines of set, which must outlive d, into d (export_read.c):
 * what no product can carry (general wildcards; conditions, unless flags
 * has EXP_CONDS: then the exporter decides) is marked skipped and
 * reported.  srcname names the file in messages, err is where warnings go.
 * Returns 0, or -1 on no memory; exp_doc_free() in both cases.
 */
#define EXP_CONDS	0x01	/* the format has message conditions */

int exp_read(struct exp_doc *d, const struct rules *set, const char *srcname,
    FILE *err, unsigned flags);

/* Whether s is printable ASCII that a product's secrets file can hold as
   it is: no control character nor byte past ASCII, and no space at all,
   or with inner_spaces none at either end. */
int exp_printable(const char *s, int inner_spaces);

/* Write len bytes of text to out, each line commented out ("# ") when
   off: a route written disabled. */
void exp_put(FILE *out, const char *text, size_t len, int off);

/* Leave line l out, reported: a condition the format cannot carry. */
void exp_drop(struct exp_doc *d, struct exp_line *l);

/* Condition k of line l (0 <= k < l->nconds). */
void exp_cond(const struct exp_doc *d, const struct exp_line *l, size_t k,
    struct rules_cond *c);

void exp_doc_free(struct exp_doc *d);

/*
 * Report what could not be carried about rules line `line` (0: the file
 * as a whole): a warning on stderr and a line of the comment block.
 */
void exp_note(struct exp_doc *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Group the lines into routes (export_order.c), index them by pattern,
 * and check where the products' "most specific route wins" differs from
 * the walk in order: a route that never applies here is dropped
 * (group.n = 0) and reported, records merged here are reported.
 * Returns 0, or -1 on no memory.
 */
int exp_routes(struct exp_doc *d);

/*
 * For products that walk their routes in order and stop at the first that
 * applies (Exim routers, OpenSMTPD match rules): group the lines into
 * routes (consecutive lines of one pattern and the same conditions, up to
 * $end) and index them, keeping every route.  Returns 0, or -1 on no
 * memory.
 */
int exp_groups(struct exp_doc *d);

/*
 * Once the exporter has marked the routes it writes disabled (off): report
 * each pair of live routes that the rules file merges (the earlier one has
 * no $end, their patterns overlap) while product, stopping at the first,
 * uses the earlier one alone.
 */
void exp_first_wins(struct exp_doc *d, const char *product);

/* The first exported group with the pattern given (the exact name, or the
   suffix of a "*.suffix" pattern), or NULL. */
const struct exp_group *exp_find(const struct exp_doc *d, enum exp_pkind k,
    const char *name);

/*
 * The most specific *.suffix or * group that covers the subdomains of
 * name (a group for "*.name" itself excluded), or NULL.
 */
const struct exp_group *exp_parent(const struct exp_doc *d,
    const char *name);

/* qsort() order of an array of line pointers: by preference, then by line:
   the order the hosts of a route are tried in. */
int exp_by_pri(const void *a, const void *b);

/* Whether the hosts of two groups are the same, in the same order. */
int exp_same_hosts(const struct exp_group *a, const struct exp_group *b);

/*
 * The exporters append their text to out and report through exp_note();
 * postfix also fills sasl with sasl_passwd(5) lines (credentials).
 * They return 0, or -1 on no memory.  cisco takes a doc grouped by
 * exp_routes(); postfix one read with EXP_CONDS, which it groups itself
 * once it has taken the conditional lines it can carry out of the routes.
 */
int export_cisco(struct exp_doc *d, FILE *out);
int export_postfix(struct exp_doc *d, FILE *out, FILE *sasl);

/*
 * Exim (export_exim.c): routers, transports and authenticators in one
 * file included in each section; secrets gets the credentials, read by
 * Exim from secrets_path.  OpenSMTPD (export_opensmtpd.c): a table
 * declaration, actions and match rules; secrets gets the credentials
 * table(5), read from secrets_path.
 */
int export_exim(struct exp_doc *d, FILE *out, FILE *secrets,
    const char *secrets_path);
int export_opensmtpd(struct exp_doc *d, FILE *out, FILE *secrets,
    const char *secrets_path);

#endif /* MXSHIM_EXPORT_H */
