/*
 * resolver/query.h - what mxshimd does with one question: refuse it, answer
 * it from the rules (MX, and A/AAAA of synthetic names), or relay it to
 * real DNS; questions whose rules need real MX data wait for libunbound.
 * Transport-agnostic: worker.c passes packets in and sends what comes out.
 */
#ifndef MXSHIMD_QUERY_H
#define MXSHIMD_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "worker.h"

enum query_rc {
	QUERY_ANSWER,	/* *outlen bytes in out: send them now */
	QUERY_DROP,	/* send nothing */
	QUERY_PENDING	/* the answer will come through worker_reply() */
};

/*
 * Handle the query packet pkt from to->peer.  tcp: the query came over
 * TCP (no size limit but 65535).  out must hold ANSWER_MAX_WIRE bytes for
 * TCP, ANSWER_MAX_UDP for UDP.
 */
enum query_rc query_handle(struct worker *w, const uint8_t *pkt, size_t len,
    const struct reply_to *to, int tcp, uint8_t *out, size_t cap,
    size_t *outlen);

/* Free every query of w (at shutdown, after the libunbound context). */
void query_free_all(struct worker *w);

#endif /* MXSHIMD_QUERY_H */
