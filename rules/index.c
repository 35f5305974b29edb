/*
 * rules/index.c - the indexes that keep evaluation from walking the file:
 * exact names and `*.suffix` keys in open-addressing hash tables, each
 * entry the head of a chain of rules in file order; `*` lines and general
 * wildcards on two more chains.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "rules_int.h"

static size_t
table_size(size_t n)
{
	size_t size = 16;

	while (size < n * 2)
		size *= 2;
	return size;
}

static int
index_init(struct rules_index *ix, size_t n, size_t key_skip)
{
	size_t i, size = table_size(n);

	ix->slot = malloc(size * sizeof(*ix->slot));
	if (ix->slot == NULL)
		return -1;
	for (i = 0; i < size; i++)
		ix->slot[i].head = RULE_NONE;
	ix->mask = size - 1;
	ix->used = 0;
	ix->key_skip = key_skip;
	return 0;
}

static const char *
slot_key(const struct rules *set, const struct rules_index *ix,
    const struct index_slot *sl, size_t *len)
{
	const struct rule *r = set->rule + sl->head;

	*len = r->pattern_len - ix->key_skip;
	return RULE_PATTERN(set, r) + ix->key_skip;
}

/* The slot holding key, or the empty slot where it would go. */
static struct index_slot *
slot_lookup(const struct rules *set, const struct rules_index *ix,
    const char *key, size_t len, uint32_t hash)
{
	struct index_slot	*sl;
	const char		*k;
	size_t			 i = hash & ix->mask, klen;

	for (;; i = (i + 1) & ix->mask) {
		sl = ix->slot + i;
		if (sl->head == RULE_NONE)
			return sl;
		if (sl->hash != hash)
			continue;
		k = slot_key(set, ix, sl, &klen);
		if (klen == len && glob_ieq(k, key, len))
			return sl;
	}
}

static void
chain_append(struct rules *set, uint32_t *head, uint32_t *tail, uint32_t i)
{
	if (*head == RULE_NONE)
		*head = i;
	else
		set->rule[*tail].next = i;
	*tail = i;
}

static void
index_insert(struct rules *set, struct rules_index *ix, uint32_t i)
{
	const struct rule	*r = set->rule + i;
	const char		*key = RULE_PATTERN(set, r) + ix->key_skip;
	size_t			 len = r->pattern_len - ix->key_skip;
	uint32_t		 hash = (uint32_t)glob_ihash(key, len);
	struct index_slot	*sl = slot_lookup(set, ix, key, len, hash);

	if (sl->head == RULE_NONE) {
		sl->hash = hash;
		sl->head = sl->tail = i;
		ix->used++;
		return;
	}
	set->rule[sl->tail].next = i;
	sl->tail = i;
}

int
index_build(struct rules *set)
{
	size_t		 n_exact = 0, n_suffix = 0;
	uint32_t	 i;
	struct rule	*r;

	set->all_head = set->general_head = RULE_NONE;
	for (i = 0; i < set->rule_count; i++) {
		set->rule[i].next = RULE_NONE;
		if (set->rule[i].pattern_kind == PATTERN_EXACT)
			n_exact++;
		else if (set->rule[i].pattern_kind == PATTERN_SUFFIX)
			n_suffix++;
	}
	if (index_init(&set->exact, n_exact, 0) < 0 ||
	    index_init(&set->suffix, n_suffix, 2) < 0)
		return -1;
	for (i = 0; i < set->rule_count; i++) {
		r = set->rule + i;
		switch (r->pattern_kind) {
		case PATTERN_EXACT:
			index_insert(set, &set->exact, i);
			break;
		case PATTERN_SUFFIX:
			index_insert(set, &set->suffix, i);
			break;
		case PATTERN_ALL:
			chain_append(set, &set->all_head, &set->all_tail, i);
			break;
		default:
			chain_append(set, &set->general_head,
			    &set->general_tail, i);
			break;
		}
	}
	return 0;
}

uint32_t
index_find(const struct rules *set, const struct rules_index *ix,
    const char *key, size_t len)
{
	uint32_t hash;

	if (ix->used == 0)
		return RULE_NONE;
	hash = (uint32_t)glob_ihash(key, len);
	return slot_lookup(set, ix, key, len, hash)->head;
}

void
index_free(struct rules_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
}
