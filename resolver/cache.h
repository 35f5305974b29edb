/*
 * resolver/cache.h - prebuilt answers: the synthesized MX answers that do
 * not depend on the client nor on real DNS data, kept per worker so that a
 * repeated question skips evaluation and building (architecture.md, "hot
 * path").  Entries belong to one rule-set generation and are ignored once
 * a reload published another.  Only answers of at most 512 bytes are kept:
 * they fit every client's size limit, so an entry serves UDP and TCP alike.
 *
 * A worker's cache is used by that worker's thread only: no locks.
 */
#ifndef MXSHIMD_CACHE_H
#define MXSHIMD_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"

#define CACHE_MAX_RULES	8	/* rules kept with an answer */

struct answer_cache;

/* A cache of entries (rounded down to a power of two, at least 1), or NULL. */
struct answer_cache *cache_new(unsigned long entries);

void cache_free(struct answer_cache *c);

/*
 * Copy the answer kept for q (same name without case, type, EDNS and DO)
 * in generation gen into out, patched with q's ID, RD and CD flags and
 * question bytes, and the rules that decided it into rules
 * (CACHE_MAX_RULES entries) and *nrules.  Returns its length, or 0 when
 * nothing is kept.
 */
size_t cache_get(struct answer_cache *c, unsigned long gen,
    const struct answer_question *q, uint8_t *out, size_t cap,
    uint32_t *rules, size_t *nrules);

/*
 * Keep the answer ans (len bytes) built for q in generation gen, decided
 * by rules[0..nrules) (rule indexes; at most CACHE_MAX_RULES are kept).
 */
void cache_put(struct answer_cache *c, unsigned long gen,
    const struct answer_question *q, const uint8_t *ans, size_t len,
    const uint32_t *rules, size_t nrules);

/* Forget every answer. */
void cache_clear(struct answer_cache *c);

#endif /* MXSHIMD_CACHE_H */
