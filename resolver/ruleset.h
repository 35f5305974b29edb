/*
 * resolver/ruleset.h - the rule set that the workers read, replaced
 * atomically on SIGHUP.
 *
 * Reclamation is by reference count: the published set holds one
 * reference, each worker holds one on the set it is currently using and
 * each query waiting for real DNS data holds one on the set it started
 * with (so a reload never changes the rules under a query in flight).
 * Workers notice a new set by comparing a generation number once per
 * MX question (and once a second when idle): a relaxed load of a
 * read-mostly word, no lock on the hot path.  Taking a reference on the current set happens under a mutex, so
 * a set cannot be retired between reading the pointer and counting the
 * reference.  Retired sets are freed by the main thread (ruleset_reap()),
 * never by a worker, because freeing a million-line set takes a while.
 */
#ifndef MXSHIMD_RULESET_H
#define MXSHIMD_RULESET_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "options.h"
#include "rules.h"

struct ruleset {
	struct rules		*rules;
	atomic_uint		 refs;
	unsigned long		 generation;
	time_t			 loaded;	/* when it was published */
	struct ruleset		*next_retired;	/* main thread only */
	/* per worker: answers each rule decided (`mxshim ctl top`), made
	   by that worker on its first count, written by it alone */
	_Atomic(atomic_uint_least32_t *) hits[OPT_MAX_THREADS];
};

/* Make set the current set (main thread only).  Takes ownership. */
int ruleset_publish(struct rules *set);

/* The generation of the current set, for a cheap "changed?" check. */
unsigned long ruleset_generation(void);

/* A reference to the current set (never NULL once one was published). */
struct ruleset *ruleset_acquire(void);

/* Another reference to a set the caller already holds. */
void ruleset_ref(struct ruleset *rs);

/* Drop a reference; the set is freed later by ruleset_reap(). */
void ruleset_release(struct ruleset *rs);

/*
 * Count one answer that rule `rule` (index in file order, < rules_count())
 * decided, in worker's own counters (allocated on the first count; no
 * write shared with another thread).  Worker threads.
 */
void ruleset_hit(struct ruleset *rs, unsigned worker, size_t rule);

/* The answers rule `rule` decided, summed over the workers. */
uint64_t ruleset_hits(struct ruleset *rs, size_t rule);

/*
 * Free retired sets that nobody uses any more (main thread only).  With
 * all set, also retire and free the current set: for shutdown, after the
 * workers stopped.
 */
void ruleset_reap(int all);

#endif /* MXSHIMD_RULESET_H */
