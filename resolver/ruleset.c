/*
 * resolver/ruleset.c - publication and reclamation of rule sets; the
 * scheme is described in ruleset.h.
 */
#include "config.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "ruleset.h"

static pthread_mutex_t		 current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ruleset		*current;
static atomic_ulong		 current_generation;
static struct ruleset		*retired;	/* main thread only */

int
ruleset_publish(struct rules *set)
{
	struct ruleset *rs, *old;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return -1;
	rs->rules = set;
	rs->loaded = time(NULL);
	atomic_init(&rs->refs, 1);
	pthread_mutex_lock(&current_lock);
	old = current;
	rs->generation = (old ? old->generation : 0) + 1;
	current = rs;
	atomic_store_explicit(&current_generation, rs->generation,
	    memory_order_release);
	pthread_mutex_unlock(&current_lock);
	if (old != NULL) {
		old->next_retired = retired;
		retired = old;
		ruleset_release(old);
	}
	return 0;
}

unsigned long
ruleset_generation(void)
{
	return atomic_load_explicit(&current_generation, memory_order_relaxed);
}

struct ruleset *
ruleset_acquire(void)
{
	struct ruleset *rs;

	pthread_mutex_lock(&current_lock);
	rs = current;
	if (rs != NULL)
		atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&current_lock);
	return rs;
}

void
ruleset_ref(struct ruleset *rs)
{
	atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
}

void
ruleset_release(struct ruleset *rs)
{
	atomic_fetch_sub_explicit(&rs->refs, 1, memory_order_release);
}

void
ruleset_hit(struct ruleset *rs, unsigned worker, size_t rule)
{
	atomic_uint_least32_t	*h;
	size_t			 n = rules_count(rs->rules);

	if (rule >= n || worker >= OPT_MAX_THREADS)
		return;
	h = atomic_load_explicit(&rs->hits[worker], memory_order_relaxed);
	if (h == NULL) {
		/* calloc: the pages of rules never counted stay untouched */
		if ((h = calloc(n, sizeof(*h))) == NULL)
			return;
		atomic_store_explicit(&rs->hits[worker], h,
		    memory_order_release);
	}
	atomic_store_explicit(&h[rule], atomic_load_explicit(&h[rule],
	    memory_order_relaxed) + 1, memory_order_relaxed);
}

uint64_t
ruleset_hits(struct ruleset *rs, size_t rule)
{
	atomic_uint_least32_t	*h;
	uint64_t		 sum = 0;
	size_t			 i;

	for (i = 0; i < OPT_MAX_THREADS; i++)
		if ((h = atomic_load_explicit(&rs->hits[i],
		    memory_order_acquire)) != NULL)
			sum += atomic_load_explicit(&h[rule],
			    memory_order_relaxed);
	return sum;
}

static void
free_set(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < OPT_MAX_THREADS; i++)
		free(atomic_load_explicit(&rs->hits[i], memory_order_relaxed));
	rules_free(rs->rules);
	free(rs);
}

void
ruleset_reap(int all)
{
	struct ruleset	**p, *rs;
	int		  freed = 0;

	if (all && current != NULL) {
		pthread_mutex_lock(&current_lock);
		rs = current;
		current = NULL;
		pthread_mutex_unlock(&current_lock);
		rs->next_retired = retired;
		retired = rs;
		ruleset_release(rs);
	}
	p = &retired;
	while ((rs = *p) != NULL) {
		if (atomic_load_explicit(&rs->refs, memory_order_acquire)
		    != 0) {
			p = &rs->next_retired;
			continue;
		}
		*p = rs->next_retired;
		free_set(rs);
		freed = 1;
	}
	/* a big set leaves big holes: give them back to the system */
	if (freed)
		malloc_trim(0);
}
