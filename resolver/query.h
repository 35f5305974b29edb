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

/*
 * A pool answering with cfg's settings on base, counting waiting
 * questions in inflight (--client-inflight, shared by the workers); later
 * answers go to reply(arg, ...).  cfg and inflight must outlive the pool.
 * NULL when out of memory.
 */
struct query_pool *query_pool_new(const struct config *cfg,
    struct event_base *base, struct clients *inflight, query_reply_fn *reply,
    void *arg);

/*
 * Create the pool's libunbound context (after privileges were dropped).
 * Returns 0, or -1 with a message in err.
 */
int query_pool_upstream(struct query_pool *p, char *err, size_t errlen);

/*
 * Move to the newest published rule set.  Questions do it themselves; an
 * idle worker calls this now and then so that it does not keep a retired
 * set (a million rules) alive.
 */
void query_pool_refresh(struct query_pool *p);

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
