/*
 * resolver/upstream.h - where real DNS comes from: the forwarders
 * (--upstream, or the nameservers of resolv.conf), the check that they are
 * not mxshimd itself, and the per-worker libunbound context.
 */
#ifndef MXSHIMD_UPSTREAM_H
#define MXSHIMD_UPSTREAM_H

#include <stddef.h>

#include "options.h"

struct event_base;
struct ub_ctx;

/*
 * When cfg has no --upstream, read the nameserver lines of
 * cfg->resolv_conf.  Returns 0, or -1 with a message in err.
 */
int upstream_defaults(struct mxshimd_options *cfg, char *err, size_t errlen);

/*
 * Refuse forwarders that are mxshimd's own listening addresses (the
 * queries would come back to it for ever).  Returns 0, or -1 with a
 * message in err.
 */
int upstream_check_loop(const struct mxshimd_options *cfg, char *err,
    size_t errlen);

/*
 * A libunbound context driven by base (ub_ctx_create_event), forwarding
 * everything to cfg's upstreams, private and special-use zones included
 * (ubstub_configure()), with its own cache.  An upstream that stops
 * answering counts as down for at most a second at a time, then is probed
 * again; no try waits longer than three times cfg's timeout (see
 * upstream.c).  Returns NULL with a message in err.
 */
/*
 * The longest a single try to an upstream waits (libunbound's
 * infra-cache-max-rtt in cfg's contexts), in milliseconds.
 */
unsigned upstream_try_max_ms(const struct mxshimd_options *cfg);

struct ub_ctx *upstream_context(const struct mxshimd_options *cfg,
    struct event_base *base, char *err, size_t errlen);

#endif /* MXSHIMD_UPSTREAM_H */
