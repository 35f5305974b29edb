/*
 * cli/nexthop.h - where mail for a name finally goes: the rules' answer
 * with the real data it needed, or, when no line applies, the name's real
 * MX records; and what the MTA does with it (deliver, defer, bounce).
 *
 * The one evaluation behind `mxshim route`, `mxshim test` and mxshimd's
 * control command `route`: real data is fetched one RRset per RULES_NEED,
 * as the resolver fetches it, so all three say what mxshimd would answer.
 */
#ifndef MXSHIM_NEXTHOP_H
#define MXSHIM_NEXTHOP_H

#include <stdio.h>

#include "answer.h"
#include "rules.h"

struct realmx;

enum nexthop_kind {
	NEXTHOP_OVERRIDE,	/* the rules' records (res.record[]) */
	NEXTHOP_NULL,		/* the rules' null MX: bounce */
	NEXTHOP_REAL,		/* no override: the real MX records (final) */
	NEXTHOP_REAL_NULL,	/* no override: a real null MX: bounce */
	NEXTHOP_IMPLICIT,	/* no override, no MX records: the MTA
				   delivers to the name's own address */
	NEXTHOP_NXDOMAIN,	/* no override, the name does not exist:
				   bounce */
	NEXTHOP_NOT_LOOKED_UP,	/* no override, the real records were not
				   asked for (NEXTHOP_RULES_ONLY) */
	NEXTHOP_SERVFAIL,	/* real data unavailable: defer */
	NEXTHOP_BADNAME		/* not a valid domain name */
};

/*
 * Where real data comes from: open() is called on the first lookup, so
 * that a question the rules answer alone needs no upstream at all.  It
 * returns a lookup context, or NULL with a message in err (the evaluation
 * then fails: see nexthop_eval()).
 */
struct nexthop_source {
	struct realmx	*(*open)(void *arg, char *err, size_t errlen);
	void		*arg;
	struct realmx	*rm;		/* NULL until opened; the caller
					   frees it with realmx_free() */
	char		 err[512];	/* why open() failed */
};

/* Flags of nexthop_eval(). */
#define NEXTHOP_RULES_ONLY	0x01	/* no override: do not look up the
					   final records */

struct nexthop {
	enum nexthop_kind		 kind;
	struct rules_result		 res;	/* the rules' evaluation */
	struct rules_real		 real;	/* the real data it used */
	struct answer_real_store	 store[RULES_MAX_REAL + 1];
	const struct rules_real_rrset	*final;	/* REAL, REAL_NULL, IMPLICIT,
						   NXDOMAIN: the name's own
						   real MX RRset */
	struct rules_real_rrset		 own;	/* storage for final when the
						   rules had not fetched it */
};

/*
 * Evaluate name in ctx with the rules of set, fetching real data from src
 * as needed, into *nh.  ttl: of synthesized records (0: the default).
 * Returns 0, or -1 when src could not be opened (src->err says why; nh
 * is then SERVFAIL).  nh points into set, ctx and itself: do not copy it.
 */
int nexthop_eval(const struct rules *set, struct nexthop_source *src,
    const char *name, const struct rules_ctx *ctx, uint32_t ttl,
    unsigned flags, struct nexthop *nh);

/* What the MTA does: "deliver", "defer" or "bounce" (NULL: BADNAME). */
const char *nexthop_mta(const struct nexthop *nh);

/* The DNS RCODE of the answer mxshimd gives: "NOERROR", "NXDOMAIN"... */
const char *nexthop_rcode(const struct nexthop *nh);

/*
 * The final next hops in words, one line each: the rules' answer as
 * rules_explain_result() writes it, or the real records each followed by
 * "# real MX", then "# TTL N" and the no-override line; the null MX,
 * NXDOMAIN and SERVFAIL with what the MTA does.
 */
void nexthop_print(FILE *f, const struct nexthop *nh, int show_secrets);

#endif /* MXSHIM_NEXTHOP_H */
