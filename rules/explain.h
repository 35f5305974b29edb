/*
 * rules/explain.h - the words for an evaluation: the result and the
 * explain trace, written to a stdio stream.  Used by `mxshim route` and
 * by mxshimd's control command `route`, so both explain alike.
 */
#ifndef MXSHIM_EXPLAIN_H
#define MXSHIM_EXPLAIN_H

#include <stdio.h>

#include "rules.h"

/*
 * The records of res, one "PREF HOST[:PORT]" line each (with the address
 * of a synthetic host, or the line of a real record), then "# TTL N"; or
 * one "#" line saying null MX, SERVFAIL (the MTA defers) or no override.
 * Credentials appear only with show_secrets.
 */
void rules_explain_result(FILE *f, const struct rules_result *res,
    int show_secrets);

/*
 * Evaluate name again with a trace and write one entry per candidate
 * line: applied, not applied with the condition that was false or
 * unknown, $end, or real data that could not be fetched; each with the
 * line's text (password masked unless show_secrets), and under a line
 * whose $dnsmx was compared the real MX hosts it was compared with.
 */
void rules_explain_trace(FILE *f, const struct rules *set, const char *name,
    const struct rules_ctx *ctx, const struct rules_real *real, uint32_t ttl,
    int show_secrets);

/*
 * Where the password of a rules line's SERVER field is (text, len bytes:
 * the line as a trace event gives it): 1 and [*start, *end), or 0 when
 * the line has none.  Whoever shows a line masks that span.
 */
int rules_explain_secret(const char *text, size_t len, size_t *start,
    size_t *end);

/*
 * The real MX RRset of name (the normalized query name) that the $dnsmx
 * conditions of the event's line were compared with, or NULL when they
 * were not compared (no $dnsmx, or another condition decided first).
 */
const struct rules_real_rrset *rules_explain_dnsmx(const struct rules *set,
    const char *name, const struct rules_real *real,
    const struct rules_trace_event *ev);

/*
 * Put the client address text (IPv4 or IPv6) into ctx and mark it known;
 * 0, or -1 when it is not an address.
 */
int rules_explain_client(const char *text, struct rules_ctx *ctx);

#endif /* MXSHIM_EXPLAIN_H */
