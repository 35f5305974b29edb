/*
 * resolver/cache.c - the prebuilt answer table: direct-mapped, one slot per
 * hash, a colliding newcomer replaces the old entry.  The key is the
 * question name's wire bytes in lowercase with the query type and the EDNS
 * shape (OPT present, DO bit), which decide the answer's bytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "ascii.h"
#include "cache.h"

#define CACHE_MAX_ANSWER	ANSWER_MIN_UDP

struct entry {
	uint64_t	 hash;
	unsigned long	 gen;
	uint16_t	 keylen, anslen;
	uint8_t		 nrules;
	uint8_t		*data;		/* key, answer, rule indexes */
};

struct answer_cache {
	uint64_t	mask;
	struct entry	slot[];
};

/* Key bytes: lowercase name, then type and EDNS shape.  Returns length. */
static size_t
make_key(const struct answer_question *q, uint8_t *key)
{
	size_t i, n = q->qname_wire_len;

	for (i = 0; i < n; i++)
		key[i] = (uint8_t)ascii_lower(q->qname_wire[i]);
	key[n++] = (uint8_t)(q->qtype >> 8);
	key[n++] = (uint8_t)q->qtype;
	key[n++] = (uint8_t)(q->has_edns | q->do_bit << 1);
	return n;
}

static uint64_t
hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

struct answer_cache *
cache_new(unsigned long entries)
{
	struct answer_cache	*c;
	size_t			 n = 1;

	while (n * 2 <= entries)
		n *= 2;
	/* calloc: pages of slots never used are never touched */
	if ((c = calloc(1, sizeof(*c) + sizeof(struct entry) * n)) != NULL)
		c->mask = n - 1;
	return c;
}

void
cache_clear(struct answer_cache *c)
{
	uint64_t i;

	for (i = 0; c != NULL && i <= c->mask; i++) {
		free(c->slot[i].data);
		memset(&c->slot[i], 0, sizeof(c->slot[i]));
	}
}

void
cache_free(struct answer_cache *c)
{
	cache_clear(c);
	free(c);
}

size_t
cache_get(struct answer_cache *c, unsigned long gen,
    const struct answer_question *q, uint8_t *out, size_t cap,
    uint32_t *rules, size_t *nrules)
{
	uint8_t		 key[LDNS_MAX_DOMAINLEN + 8];
	size_t		 n = make_key(q, key);
	uint64_t	 h = hash(key, n);
	struct entry	*e = &c->slot[h & c->mask];

	if (e->hash != h || e->gen != gen || e->keylen != n ||
	    e->anslen > cap || memcmp(e->data, key, n) != 0)
		return 0;
	memcpy(out, e->data + n, e->anslen);
	if (answer_patch(out, e->anslen, q, cap) == -1)
		return 0;
	memcpy(rules, e->data + n + e->anslen, e->nrules * sizeof(*rules));
	*nrules = e->nrules;
	return e->anslen;
}

void
cache_put(struct answer_cache *c, unsigned long gen,
    const struct answer_question *q, const uint8_t *ans, size_t len,
    const uint32_t *rules, size_t nrules)
{
	uint8_t		 key[LDNS_MAX_DOMAINLEN + 8];
	size_t		 n = make_key(q, key);
	uint64_t	 h = hash(key, n);
	struct entry	*e = &c->slot[h & c->mask];
	uint8_t		*d;

	/* a truncated answer is not the answer: never keep it */
	if (len > CACHE_MAX_ANSWER || len < LDNS_HEADER_SIZE ||
	    (ans[2] & LDNS_TC_MASK) != 0 ||
	    (ans[3] & 0x0f) != LDNS_RCODE_NOERROR)
		return;
	if (nrules > CACHE_MAX_RULES)
		nrules = CACHE_MAX_RULES;
	if ((d = realloc(e->data, n + len + nrules * sizeof(*rules))) == NULL)
		return;
	memcpy(d, key, n);
	memcpy(d + n, ans, len);
	memcpy(d + n + len, rules, nrules * sizeof(*rules));
	e->nrules = (uint8_t)nrules;
	e->data = d;
	e->hash = h;
	e->gen = gen;
	e->keylen = (uint16_t)n;
	e->anslen = (uint16_t)len;
}
