/*
 * cli/route.h - what `mxshim route` and `mxshim test` share: the message
 * context options, the way real data is reached, and the JSON form of
 * one evaluation.  Both evaluate with nexthop_eval(), so a test case
 * passes exactly when route shows the expected next hops.
 */
#ifndef MXSHIM_ROUTE_H
#define MXSHIM_ROUTE_H

#include <stdio.h>

#include "nexthop.h"
#include "rules.h"
#include "upstreams.h"

/* The DNS servers real data comes from (--upstream, --control). */
struct route_upstream {
	char		*given[UPSTREAMS_MAX];	/* --upstream, in order */
	size_t		 ngiven;
	const char	*control;		/* mxshimd's control socket */
	struct upstreams def;			/* when none was given */
};

/*
 * A nexthop_source open(): a lookup context for the --upstream servers,
 * or for upstreams_default()'s; arg is a struct route_upstream.
 */
struct realmx *route_open(void *arg, char *err, size_t errlen);

/*
 * Add an --upstream value (kept, not copied) for the subcommand cmd;
 * 0, or -1 with a message when there are UPSTREAMS_MAX already.
 */
int route_add_upstream(const char *cmd, struct route_upstream *up,
    char *value);

/*
 * Apply a message context option (name without the dashes: "from",
 * "authsender", "size", "retries", "client") with its value to ctx.
 * Returns 0, 1 when name is not one of them, or -1 with what the value
 * should be in why (size whylen).  value must outlive ctx.
 */
int route_ctx_option(const char *name, const char *value,
    struct rules_ctx *ctx, char *why, size_t whylen);

/* The domain of a route argument: what follows the last '@', if any. */
const char *route_domain(const char *arg);

/*
 * Write the evaluation of query (the argument as given; nh its
 * nexthop_eval()) as one JSON object and a newline: name, rcode, mta,
 * outcome, ttl, records (host, port, preference, source line or "real"),
 * the trace.  Credentials only with show_secrets.  Returns 0 or -1 (out
 * of memory, write error).
 */
int route_json(FILE *f, const struct rules *set, const char *query,
    const struct nexthop *nh, const struct rules_ctx *ctx, uint32_t ttl,
    int show_secrets);

#endif /* MXSHIM_ROUTE_H */
