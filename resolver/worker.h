/*
 * resolver/worker.h - one worker thread: its own libevent loop, its own UDP
 * and TCP sockets (SO_REUSEPORT), its own libunbound context and cache.
 * Workers share nothing but the rule set (ruleset.h) and the read-only
 * configuration.
 */
#ifndef MXSHIMD_WORKER_H
#define MXSHIMD_WORKER_H

#include <pthread.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct event_base;
struct ub_ctx;
struct udp_sock;
struct tcp_conn;
struct query;
struct ruleset;
struct tcp_listener;
struct answer_cache;
struct clients;

/* What the workers share besides the rule set, made by main(). */
struct worker_shared {
	struct clients		*tcp;		/* open TCP connections */
	struct clients		*inflight;	/* questions for real DNS */
};

/* Where an answer goes. */
struct reply_to {
	struct udp_sock		*udp;	/* one of the two is set */
	struct tcp_conn		*tcp;
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
	int			 has_pktinfo;	/* wildcard listener */
	union {
		struct in_pktinfo	v4;
		struct in6_pktinfo	v6;
	} pktinfo;
};

struct worker {
	unsigned		 id;
	pthread_t		 thread;
	const struct config	*cfg;
	const struct worker_shared *shared;
	struct event_base	*base;
	struct ub_ctx		*ub;
	struct ruleset		*rs;		/* current, one reference */
	unsigned long		 generation;
	struct udp_sock		*udp[OPT_MAX_LISTEN];
	struct tcp_listener	*tcp[OPT_MAX_LISTEN];
	size_t			 nsock;
	struct tcp_conn		*conns;
	int			 stopping;	/* ignore libunbound callbacks */
	int			 spare_fd;	/* given up when out of fds */
	struct query		*live;		/* waiting for upstream */
	struct query		*spare;		/* free list */
	struct event		*stop_ev;
	struct event		*flush_ev;	/* sends queued UDP answers */
	struct event		*tick_ev;	/* picks up new rule sets */
	struct answer_cache	*cache;		/* prebuilt answers, or NULL */
};

/*
 * Create a worker: its event base, libunbound context and sockets.
 * shared must outlive the worker.  stop_fd becomes readable when every
 * worker must stop.  Returns NULL with a message in err.
 */
struct worker *worker_new(unsigned id, const struct config *cfg,
    const struct worker_shared *shared, int stop_fd, char *err,
    size_t errlen);

/*
 * Create the libunbound context (after privileges were dropped).  Returns
 * 0, or -1 with a message in err.
 */
int worker_upstream(struct worker *w, char *err, size_t errlen);

/* Start the thread; 0 or -1. */
int worker_start(struct worker *w);

/* Wait for the thread to end and free everything. */
void worker_join(struct worker *w);

/*
 * The rule set to evaluate with.  A new set is picked up at the next
 * question after it was published (one relaxed atomic load per question).
 */
struct ruleset *worker_ruleset(struct worker *w);

/*
 * Send an answer that was not ready when its query arrived (query.c), and
 * forget the client: call exactly once per pending query.
 */
void worker_reply(struct worker *w, const struct reply_to *to,
    const uint8_t *buf, size_t len);

#endif /* MXSHIMD_WORKER_H */
