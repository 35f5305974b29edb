/*
 * resolver/worker.h - one worker thread: its own libevent loop, its own UDP
 * and TCP sockets (SO_REUSEPORT), its own query pool (query.h: libunbound
 * context, waiting questions, prebuilt answers).  Workers share nothing
 * but the rule set (ruleset.h), the per-client counts (clients.h) and the
 * read-only configuration.
 */
#ifndef MXSHIMD_WORKER_H
#define MXSHIMD_WORKER_H

#include <stddef.h>

#include "options.h"

struct worker;
struct clients;

/* What the workers share besides the rule set, made by main(). */
struct worker_shared {
	struct clients		*tcp;		/* open TCP connections */
	struct clients		*inflight;	/* questions for real DNS */
};

/*
 * Create a worker: its event base, query pool and sockets.
 * shared must outlive the worker.  stop_fd becomes readable when every
 * worker must stop.  Returns NULL with a message in err.
 */
struct worker *worker_new(unsigned id, const struct mxshimd_options *cfg,
    const struct worker_shared *shared, int stop_fd, char *err,
    size_t errlen);

/*
 * Create the pool's libunbound context (after privileges were dropped).  Returns
 * 0, or -1 with a message in err.
 */
int worker_upstream(struct worker *w, char *err, size_t errlen);

/* Start the thread; 0 or -1. */
int worker_start(struct worker *w);

/*
 * Ask the worker to forget cached real data and prebuilt answers
 * (query_pool_flush()) soon, from any thread; 0 or -1.
 */
int worker_flush(struct worker *w);

/* How many flushes the worker has done (it counts up once done). */
unsigned worker_flushed(struct worker *w);

/* Wait for the thread to end and free everything. */
void worker_join(struct worker *w);

#endif /* MXSHIMD_WORKER_H */
