/*
 * resolver/stats.h - mxshimd's counters: questions, answers, upstream
 * lookups, TCP connections, reloads.
 *
 * Each worker counts in its own block, written by that thread alone with
 * relaxed atomic loads and stores (a plain add on the hot path: no locked
 * instruction, no cache line shared with another writer); the main thread
 * sums the blocks on demand (`mxshim ctl stats`, /metrics, SIGUSR1).
 * Built with MXSHIMD_NO_STATS (the benchmark's peer build), counting
 * compiles to nothing.
 */
#ifndef MXSHIMD_STATS_H
#define MXSHIMD_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

enum stat_id {
	STAT_Q_UDP, STAT_Q_TCP,
	STAT_QT_A, STAT_QT_AAAA, STAT_QT_MX, STAT_QT_TXT, STAT_QT_PTR,
	STAT_QT_SRV, STAT_QT_CNAME, STAT_QT_NS, STAT_QT_SOA, STAT_QT_ANY,
	STAT_QT_OTHER,
	STAT_PATH_SYNTH,	/* from the rules alone */
	STAT_PATH_SYNTH_REAL,	/* from the rules with real MX data */
	STAT_PATH_RELAY,	/* real DNS, relayed */
	STAT_PATH_CACHE,	/* a prebuilt answer */
	STAT_PATH_LOCAL,	/* refused, malformed, SERVFAIL made here */
	STAT_RC_NOERROR, STAT_RC_FORMERR, STAT_RC_SERVFAIL, STAT_RC_NXDOMAIN,
	STAT_RC_NOTIMP, STAT_RC_REFUSED, STAT_RC_OTHER,
	STAT_UP_LOOKUPS, STAT_UP_TIMEOUTS, STAT_UP_FAILURES,
	STAT_UP_SECOND_LOOKS,	/* NODATA without SOA asked again (confirm.h) */
	STAT_SF_TIMEOUT,	/* SERVFAIL: upstream did not answer in time */
	STAT_SF_FAILURE,	/* SERVFAIL: upstream failed */
	STAT_SF_INFLIGHT,	/* SERVFAIL: over --client-inflight */
	STAT_TCP_ACCEPTED, STAT_TCP_REFUSED, STAT_TCP_IDLE,
	STAT_RELOAD_OK, STAT_RELOAD_FAILED,	/* main thread */
	STAT_COUNT
};

struct stats {
	_Alignas(64) atomic_uint_least64_t c[STAT_COUNT];
};

/* Count one event in a block only its own thread writes. */
static inline void
stats_add(struct stats *s, enum stat_id id)
{
#ifndef MXSHIMD_NO_STATS
	atomic_store_explicit(&s->c[id], atomic_load_explicit(&s->c[id],
	    memory_order_relaxed) + 1, memory_order_relaxed);
#else
	(void)s;
	(void)id;
#endif
}

/* The `stats` name of a counter ("answers.relayed"). */
const char *stats_name(enum stat_id id);

/* The question-type counter of a query type. */
enum stat_id stats_qtype(uint16_t qtype);

/* The answer-rcode counter of an RCODE. */
enum stat_id stats_rcode(int rcode);

/*
 * A new zeroed block for one worker, summed from then on; NULL when out of
 * memory.  Main thread, before the workers start.
 */
struct stats *stats_block(void);

/* The main thread's own block (reloads). */
struct stats *stats_main(void);

/* Free every block (at exit, after the workers stopped). */
void stats_free(void);

/*
 * The sums over every block into out, minus what stats_reset() put aside
 * when since_reset is set.  Main thread.
 */
void stats_sum(uint64_t out[STAT_COUNT], int since_reset);

/* Put the current sums aside: `stats` counts from zero again. */
void stats_reset(void);

/* "name value" lines ("questions.udp 12"), one per counter. */
void stats_print(FILE *f, const uint64_t v[STAT_COUNT]);

/* The same in Prometheus text format, mxshim_..._total. */
void stats_prometheus(FILE *f, const uint64_t v[STAT_COUNT]);

/* One log line with every counter that is not zero (SIGUSR1). */
void stats_log(const uint64_t v[STAT_COUNT]);

#endif /* MXSHIMD_STATS_H */
