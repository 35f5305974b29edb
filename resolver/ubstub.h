/*
 * resolver/ubstub.h - what makes a libunbound context a stub that relays
 * every question to its forwarders: the one list of options shared by
 * mxshimd's worker contexts (resolver/upstream.c) and `mxshim route`
 * (cli/realmx.c), so the two always ask the upstream the same way.
 */
#ifndef MXSHIM_UBSTUB_H
#define MXSHIM_UBSTUB_H

#include <stddef.h>

struct ub_ctx;

/*
 * The zones libunbound serves itself by default that a stub must relay
 * instead (made transparent), NULL-terminated, each with its trailing
 * dot.  The AS112 reverse zones are not listed: unblock-lan-zones drops
 * them all, whatever the libunbound version.  localhost stays local.
 */
extern const char *const ubstub_relayed_zones[];

/*
 * Set one option ("name:", value) on ub, before its first lookup.
 * Returns 0, or -1 with a message naming the option in err.
 */
int ubstub_set(struct ub_ctx *ub, const char *opt, const char *val,
    char *err, size_t errlen);

/*
 * Make ub a stub: forwarders on loopback allowed, no validation (the
 * upstream's job), every question relayed to the forwarders except names
 * under localhost (RFC 6761: 127.0.0.1 and ::1, answered by libunbound).
 * Call before the first lookup.  Returns 0, or -1 with a message in err.
 */
int ubstub_configure(struct ub_ctx *ub, char *err, size_t errlen);

#endif /* MXSHIM_UBSTUB_H */
