/*
 * resolver/query.h - what mxshimd does with one question: refuse it, answer
 * it from the rules (MX, and A/AAAA of synthetic names), or relay it to
 * real DNS; questions whose rules need real MX data wait for libunbound.
 *
 * A query pool belongs to one worker thread and is used by it alone: its
 * libunbound context, the questions waiting for it, the prebuilt answers
 * (cache.h) and the worker's reference on the current rule set.  It knows
 * nothing of sockets: the transport (worker.c) passes packets in, sends
 * what comes out at once, and is called back for answers that come later.
 */
#ifndef MXSHIMD_QUERY_H
#define MXSHIMD_QUERY_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct event_base;
struct clients;
struct stats;
struct query_pool;
struct udp_sock;
struct tcp_conn;

/*
 * Where an answer goes, filled by the transport.  query.c reads the peer
 * (ACL, --client-inflight) and gives the whole back to the reply callback.
 */
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

enum query_rc {
	QUERY_ANSWER,	/* *outlen bytes in out: send them now */
	QUERY_DROP,	/* send nothing */
	QUERY_PENDING	/* the answer will come through the reply callback */
};

/*
 * Send an answer that was not ready when its question arrived, and forget
 * the client: called exactly once per QUERY_PENDING, from the pool's event
 * loop.  buf is NULL (len 0) when there is nothing to send.
 */
typedef void query_reply_fn(void *arg, const struct reply_to *to,
    const uint8_t *buf, size_t len);

/* What a pool works with; everything must outlive the pool. */
struct query_env {
	const struct mxshimd_options	*cfg;
	struct event_base	*base;		/* the worker's loop */
	struct clients		*inflight;	/* --client-inflight, shared */
	struct stats		*stats;		/* the worker's counters */
	unsigned		 worker;	/* its index, for rule counts */
	query_reply_fn		*reply;		/* later answers */
	void			*reply_arg;
};

/* A pool working with env (copied).  NULL when out of memory. */
struct query_pool *query_pool_new(const struct query_env *env);

/*
 * Create the pool's libunbound context (after privileges were dropped).
 * Returns 0, or -1 with a message in err.
 */
int query_pool_upstream(struct query_pool *p, char *err, size_t errlen);

/*
 * Housekeeping, about once a second: move to the newest published rule
 * set (questions do it themselves; an idle worker must not keep a retired
 * set of a million rules alive) and free flushed libunbound contexts that
 * no question waits on any more.
 */
void query_pool_tick(struct query_pool *p);

/*
 * Forget the prebuilt answers and the real data libunbound cached: later
 * lookups go to a new context; questions waiting on the old one still get
 * their answers from it.
 */
void query_pool_flush(struct query_pool *p);

/*
 * Free the pool: its libunbound context first (no callback runs after),
 * then every question, waiting or not, without answering.  NULL is fine.
 */
void query_pool_free(struct query_pool *p);

/*
 * Handle the query packet pkt from to->peer.  tcp: the query came over
 * TCP (no size limit but 65535).  out must hold ANSWER_MAX_WIRE bytes for
 * TCP, ANSWER_MAX_UDP for UDP.
 */
enum query_rc query_handle(struct query_pool *p, const uint8_t *pkt,
    size_t len, const struct reply_to *to, int tcp, uint8_t *out, size_t cap,
    size_t *outlen);

#endif /* MXSHIMD_QUERY_H */
