/*
 * resolver/metrics.h - `--metrics ADDR@PORT`: the counters of stats.h in
 * Prometheus text format at /metrics, served by libevent's HTTP server on
 * the main thread's loop.  Only clients --allow admits (loopback by
 * default) get them; others get 403.
 */
#ifndef MXSHIMD_METRICS_H
#define MXSHIMD_METRICS_H

#include <stddef.h>

#include "options.h"

struct event_base;
struct metrics;

/* Listen at cfg->metrics on base; NULL with a message in err. */
struct metrics *metrics_open(const struct mxshimd_options *cfg,
    struct event_base *base, char *err, size_t errlen);

/* Stop serving; NULL is fine. */
void metrics_close(struct metrics *m);

#endif /* MXSHIMD_METRICS_H */
