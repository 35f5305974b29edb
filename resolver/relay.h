/*
 * resolver/relay.h - an upstream answer made into the answer for one
 * client: the client's ID, its question bytes (0x20 case kept), RD and CD
 * copied, RA set, AA and AD cleared (mxshimd is neither authoritative nor
 * validating), an OPT record only when the client sent one, and the size
 * limit applied: the additional section is dropped first (RFC 2181 9), then
 * the answer is cut to header and question with TC set.
 */
#ifndef MXSHIMD_RELAY_H
#define MXSHIMD_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"

/*
 * Write the client's answer made from the upstream packet pkt (as
 * libunbound gives it) into out.  limit: answer_udp_limit() or
 * ANSWER_MAX_WIRE for TCP.  Returns the length, or -1 when pkt cannot be
 * read or does not answer q's question (the caller sends SERVFAIL).
 */
int relay_answer(const struct answer_question *q, const uint8_t *pkt,
    size_t len, size_t limit, uint8_t *out, size_t cap);

#endif /* MXSHIMD_RELAY_H */
