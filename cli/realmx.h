/*
 * cli/realmx.h - real MX lookups for the mxshim command, through
 * libunbound: the system's resolv.conf nameservers or --upstream
 * forwarders, with a deadline so a dead upstream reads as a temporary
 * failure instead of a hang.
 */
#ifndef MXSHIM_REALMX_H
#define MXSHIM_REALMX_H

#include <stddef.h>

#include "answer.h"
#include "rules.h"

struct realmx;

/*
 * A lookup context forwarding to upstream[0..n) ("ADDR" or "ADDR@PORT"),
 * or to the nameservers of /etc/resolv.conf when n is 0.  timeout_ms
 * bounds each lookup.  Returns NULL and a message in err on failure.
 */
struct realmx *realmx_new(char *const *upstream, size_t n, int timeout_ms,
    char *err, size_t errlen);

/*
 * Fetch the MX RRset of name into rr (pointers into st).  A lookup that
 * fails or times out gives RULES_REAL_TEMPFAIL.  Returns 0, or -1 when
 * name is not a valid name.
 */
int realmx_fetch(struct realmx *rm, const char *name,
    struct answer_real_store *st, struct rules_real_rrset *rr);

void realmx_free(struct realmx *rm);

#endif
