/*
 * resolver/confirm.h - a second look, in the upstream's own words, at an
 * answer libunbound cannot vouch for.
 *
 * libunbound drops the extended RCODE of an answer (Unbound 1.17 reads the
 * OPT record's upper RCODE bits and keeps none), so an upstream's BADVERS
 * reaches mxshimd and `mxshim route` as a bare NOERROR: no records, no
 * SOA.  A LAN zone served without an SOA (Unbound local-data, dnsmasq's
 * hosts, router host overrides) gives that same form for a name without
 * MX, and there it means "no MX".  Only the upstream's own packet tells
 * the two apart, so a NODATA without SOA (answer_real_store.nodata_bare)
 * is asked again here, of every upstream at once over UDP, and the first
 * answer to the question is read by answer_read_real_mx(): BADVERS or a
 * lame referral is a temporary failure (SERVFAIL, the MTA retries), a
 * NODATA stays one.  The public DNS sends a NODATA with its zone's SOA,
 * so the second question is rare.
 *
 * Used by mxshimd's query pool (on a worker's event base) and by
 * cli/realmx.c (on a private one, dispatched until the answer).
 */
#ifndef MXSHIMD_CONFIRM_H
#define MXSHIMD_CONFIRM_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct netaddr;
struct confirm;

/*
 * Called once, from base's loop, with the first answer to the question
 * (same ID, QR set, from the upstream it was sent to; the rest is for
 * answer_read_real_mx() to judge), or with pkt NULL when none came within
 * the timeout.  The request is freed when cb returns.
 */
typedef void confirm_cb(void *arg, const uint8_t *pkt, size_t len);

/*
 * Ask each of the n upstreams for the MX records of name
 * (answer_query_mx()), waiting at most timeout_ms for an answer.
 * Returns the request, or NULL with errno set (EINVAL: no upstream or a
 * bad name; a socket's or libevent's error): cb is then never called.
 */
struct confirm *confirm_start(struct event_base *base,
    const struct netaddr *up, size_t n, const char *name,
    unsigned timeout_ms, confirm_cb *cb, void *arg);

/* Give up on c before its callback (a deadline passed): free it. */
void confirm_cancel(struct confirm *c);

#endif /* MXSHIMD_CONFIRM_H */
