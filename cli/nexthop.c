/*
 * cli/nexthop.c - the final next hops of a name: the rules evaluated with
 * the real data they ask for, then, when no line applied, the real MX
 * RRset mxshimd would relay.  The rules' real data is reused when it
 * already holds that RRset ($dnsmx, USEDNS on the name itself).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "nexthop.h"
#include "realmx.h"

static int
by_pref(const void *a, const void *b)
{
	const struct rules_mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->host, y->host);
}

/*
 * Fetch the MX RRset of name into the next free store; NULL: no source.
 * The records are put in preference order, as they are shown (the
 * evaluation does not depend on their order).
 */
static const struct rules_real_rrset *
fetch(struct nexthop_source *src, const char *name, struct nexthop *nh,
    struct rules_real_rrset *rr)
{
	struct answer_real_store *st = nh->store + nh->real.count;

	if (src->rm == NULL &&
	    (src->rm = src->open(src->arg, src->err, sizeof(src->err))) == NULL)
		return NULL;
	realmx_fetch(src->rm, name, st, rr);
	if (rr->mx == st->mx)
		qsort(st->mx, rr->count, sizeof(st->mx[0]), by_pref);
	return rr;
}

static void
servfail(struct nexthop *nh, const char *name)
{
	nh->kind = NEXTHOP_SERVFAIL;
	nh->res.rc = RULES_SERVFAIL;
	if (name != nh->res.need)
		strcpy(nh->res.need, name);
}

/* No line applied: the name's own real MX RRset decides. */
static int
final_real(struct nexthop_source *src, struct nexthop *nh)
{
	const struct rules_real_rrset *rr;

	if ((rr = rules_real_find(&nh->real, nh->res.name)) == NULL &&
	    (rr = fetch(src, nh->res.name, nh, &nh->own)) == NULL) {
		servfail(nh, nh->res.name);
		return -1;
	}
	nh->final = rr;
	switch (rr->status) {
	case RULES_REAL_OK:
		nh->kind = rr->count == 1 && rr->mx[0].host[0] == '\0' ?
		    NEXTHOP_REAL_NULL : NEXTHOP_REAL;
		break;
	case RULES_REAL_NODATA:
		nh->kind = NEXTHOP_IMPLICIT;
		break;
	case RULES_REAL_NXDOMAIN:
		nh->kind = NEXTHOP_NXDOMAIN;
		break;
	default:
		servfail(nh, nh->res.name);
		break;
	}
	return 0;
}

static int
kind_of(struct nexthop_source *src, struct nexthop *nh, unsigned flags)
{
	switch (nh->res.rc) {
	case RULES_ANSWER:
		nh->kind = NEXTHOP_OVERRIDE;
		return 0;
	case RULES_NULL_MX:
		nh->kind = NEXTHOP_NULL;
		return 0;
	case RULES_BADNAME:
		nh->kind = NEXTHOP_BADNAME;
		return 0;
	case RULES_NO_OVERRIDE:
		nh->kind = NEXTHOP_NOT_LOOKED_UP;
		return flags & NEXTHOP_RULES_ONLY ? 0 :
		    final_real(src, nh);
	default:
		servfail(nh, nh->res.need);
		return 0;
	}
}

int
nexthop_eval(const struct rules *set, struct nexthop_source *src,
    const char *name, const struct rules_ctx *ctx, uint32_t ttl,
    unsigned flags, struct nexthop *nh)
{
	struct rules_real_rrset	rr;

	nh->real.count = 0;
	nh->final = NULL;
	while (rules_eval(set, name, ctx, &nh->real, ttl, NULL, &nh->res) ==
	    RULES_NEED) {
		if (nh->real.count == RULES_MAX_REAL) {
			servfail(nh, nh->res.need);
			return 0;
		}
		if (fetch(src, nh->res.need, nh, &rr) == NULL) {
			servfail(nh, nh->res.need);
			return -1;
		}
		rules_real_add(&nh->real, &rr);
	}
	return kind_of(src, nh, flags);
}

const char *
nexthop_mta(const struct nexthop *nh)
{
	switch (nh->kind) {
	case NEXTHOP_NULL:
	case NEXTHOP_REAL_NULL:
	case NEXTHOP_NXDOMAIN:
		return "bounce";
	case NEXTHOP_SERVFAIL:
		return "defer";
	case NEXTHOP_BADNAME:
		return NULL;
	default:
		return "deliver";
	}
}

const char *
nexthop_rcode(const struct nexthop *nh)
{
	switch (nh->kind) {
	case NEXTHOP_NXDOMAIN:
		return "NXDOMAIN";
	case NEXTHOP_SERVFAIL:
		return "SERVFAIL";
	case NEXTHOP_BADNAME:
		return "FORMERR";
	default:
		return "NOERROR";
	}
}

static void
print_real(FILE *f, const struct nexthop *nh)
{
	const struct rules_real_rrset	*rr = nh->final;
	size_t				 i;

	switch (nh->kind) {
	case NEXTHOP_REAL:
		for (i = 0; i < rr->count; i++)
			if (rr->mx[i].host[0] != '\0')
				fprintf(f, "%u %s\t# real MX\n",
				    rr->mx[i].pref, rr->mx[i].host);
		break;
	case NEXTHOP_REAL_NULL:
		fprintf(f, "0 .\t# real null MX: the domain accepts no mail; "
		    "the MTA would bounce\n");
		break;
	case NEXTHOP_IMPLICIT:
		fprintf(f, "0 %s\t# implicit MX: no MX records, the MTA "
		    "delivers to the domain's own address\n", rr->name);
		break;
	case NEXTHOP_NXDOMAIN:
		fprintf(f, "# NXDOMAIN: %s does not exist; the MTA would "
		    "bounce\n", rr->name);
		return;
	default:	/* SERVFAIL: the explanation says it */
		return;
	}
	fprintf(f, "# TTL %u\n", rr->ttl);
}

void
nexthop_print(FILE *f, const struct nexthop *nh, int show_secrets)
{
	if (nh->final != NULL)
		print_real(f, nh);
	rules_explain_result(f, &nh->res, show_secrets);
}
