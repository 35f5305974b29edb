/*
 * resolver/query.c - the decision for one question, and the life of the
 * questions that wait for real DNS.
 *
 * A waiting question is a struct query.  Its one libevent timer is first
 * the deadline (--timeout: answer SERVFAIL so the MTA defers) and, once
 * libunbound has called back, the continuation: libunbound's callback may
 * run inside ub_resolve_event() itself (cached answers), so the callback
 * only records the result and the next step runs from the event loop with
 * a clean stack.  A question that passed its deadline stays allocated
 * until libunbound calls back, because libunbound's event contexts cannot
 * cancel (ub_cancel() is for the threaded mode).
 *
 * Each waiting question counts against its client's --client-inflight
 * allowance from its start until it is freed, that is until libunbound is
 * done with it, even past the deadline: what is scarce is the upstream's
 * capacity, which a question holds that long.  A client over its
 * allowance gets SERVFAIL at once (the sender retries later), so a flood
 * of questions that hang cannot crowd out the other clients; answers from
 * the rules alone are never limited.
 *
 * Every answer is noted once, when it is sent (note_done()): the worker's
 * counters (stats.h), the rules that decided it (`mxshim ctl top`), and
 * with --log-queries one log line.  `flush` gives the pool a new
 * libunbound context (libunbound has no call that empties its cache);
 * the old one lives on until the questions it still owes are answered.
 *
 * Recovery: libunbound counts an upstream whose try reached the longest
 * wait as down, and fails lookups at once, without asking it, until the
 * next second (upstream.c).  A try sent during an outage can reach that
 * wait after the upstream is back, so for up to infra-cache-max-rtt after
 * the return a worker could answer SERVFAIL for up to a second at a time
 * while its upstream answers; and libunbound keeps each such failure in
 * its cache for 5 s (NORR_TTL), so asking the same context again does not
 * help.  No libunbound option stops either.  So when libunbound fails a
 * lookup at once (inside ub_resolve_event(), having sent nothing), within
 * that window after the upstream came back (back_sec: its first answer
 * after a timeout or such a failure), on a context older than the
 * return, the pool moves to a new context, as `flush` does, and asks
 * again there at once: the tries of the outage, their marks and the
 * cached failures stay with the old context, which lives until the
 * questions it owes are answered.  At most once per pool and return; a
 * real outage, and anything the upstream itself answers, is left alone.
 * The workers share back_sec, written once per return (a worker whose
 * own late tries keep marking the upstream down may have had no answer
 * since the return while another has); the rest is per pool.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <ldns/ldns.h>
#include <unbound.h>
#include <unbound-event.h>

#include "answer.h"
#include "cache.h"
#include "clients.h"
#include "confirm.h"
#include "log.h"
#include "netaddr.h"
#include "query.h"
#include "ruleset.h"
#include "stats.h"
#include "upstream.h"

#define FLAG_OPCODE(f)	(((f) >> 11) & 0xf)
#define TROUBLE_EVERY	10	/* seconds between upstream warnings */
#define RETRY_MAX	1	/* retries of one lookup failed at once */

enum query_mode { Q_RELAY, Q_NEED };
enum query_state {
	Q_WAITING,	/* libunbound has the question, deadline armed */
	Q_CONFIRMING,	/* the upstreams are asked again (confirm.h) */
	Q_REEVALUATE,	/* real MX data arrived: evaluate the rules again */
	Q_DONE,		/* answered: free from the loop */
	Q_ABANDONED,	/* answered SERVFAIL at the deadline: free on callback */
	Q_RETRY		/* failed at once after a return: ask again */
};

/* A libunbound context and the questions that wait for it. */
struct upstream {
	struct ub_ctx		*ub;
	unsigned		 users;
	long long		 born;		/* second of its creation */
	struct upstream		*next;		/* retired, after flush */
};

/* What became of one question, for the counters and --log-queries. */
struct note {
	enum stat_id		 path;
	enum stat_id		 servfail;	/* its cause, or STAT_COUNT */
	struct ruleset		*rs;		/* the set that decided */
	uint32_t		 rules[CACHE_MAX_RULES];
	size_t			 nrules;
	struct timespec		 start;		/* --log-queries only */
};

struct query_pool {
	struct query_env	 env;
	const struct mxshimd_options	*cfg;
	struct upstream		*up;		/* current */
	struct upstream		*retired;	/* flushed, still owing */
	struct ruleset		*rs;		/* current, one reference */
	unsigned long		 generation;
	struct answer_cache	*cache;		/* prebuilt answers, or NULL */
	int			 stopping;	/* ignore libunbound callbacks */
	struct query		*live;		/* waiting for upstream */
	struct query		*spare;		/* free list */
	time_t			 trouble_at;	/* last upstream warning */
	unsigned long		 trouble_quiet;	/* not logged since */
	struct query		*resolving;	/* in ub_resolve_event() */
	int			 failing;	/* timed out or failed at once,
						   no answer since */
	long long		 relapse_sec;	/* a late try's reach */
};

struct query {
	struct query		*next, *prev;	/* p->live, or p->spare */
	struct query_pool	*p;
	struct upstream		*up;		/* the context it waits on */
	struct note		 note;
	struct reply_to		 to;
	int			 tcp;
	enum query_mode		 mode;
	enum query_state	 state;
	struct timeval		 deadline;
	struct event		 ev;
	struct answer_question	 q;
	struct rules_ctx	 ctx;
	struct ruleset		*rs;		/* NEED: the set we started on */
	int32_t			 client;	/* clients_take() bucket */
	unsigned		 retries;	/* RETRY_MAX */
	struct confirm		*confirm;	/* Q_CONFIRMING */
	struct rules_real	 real;
	struct answer_real_store *store[RULES_MAX_REAL];
	char			 lookup[RULES_MAX_NAME + 1];
};

/*
 * The second the upstream answered a pool again after failing it: written
 * once per return and pool, read only when a lookup fails at once.
 */
static atomic_llong	back_sec;

/* Answers built outside of a socket's batch: TCP size, one per thread. */
static _Thread_local uint8_t	scratch[ANSWER_MAX_WIRE];

static void query_event(evutil_socket_t fd, short what, void *arg);

/* ---- allocation ------------------------------------------------------- */

/*
 * A query for the client at peer, or NULL with *inflight set when the
 * client may not have one more.
 */
static struct query *
query_get(struct query_pool *p, const struct sockaddr *peer, int *inflight)
{
	struct query	*qr = p->spare;
	int32_t		 client;

	*inflight = 0;
	if ((client = clients_take(p->env.inflight, peer)) == -1) {
		*inflight = 1;
		return NULL;
	}
	if (qr != NULL)
		p->spare = qr->next;
	else if ((qr = calloc(1, sizeof(*qr))) == NULL) {
		clients_give(p->env.inflight, client);
		return NULL;
	}
	qr->p = p;
	qr->up = NULL;
	qr->client = client;
	qr->rs = NULL;
	qr->retries = 0;
	qr->confirm = NULL;
	qr->real.count = 0;
	event_assign(&qr->ev, p->env.base, -1, 0, query_event, qr);
	qr->prev = NULL;
	qr->next = p->live;
	if (p->live != NULL)
		p->live->prev = qr;
	p->live = qr;
	return qr;
}

/* The query no longer waits on its libunbound context. */
static void
query_unwait(struct query *qr)
{
	if (qr->up != NULL)
		qr->up->users--;
	qr->up = NULL;
}

static void
query_put(struct query *qr)
{
	struct query_pool *p = qr->p;

	event_del(&qr->ev);
	query_unwait(qr);
	confirm_cancel(qr->confirm);
	qr->confirm = NULL;
	clients_give(p->env.inflight, qr->client);
	qr->client = -1;
	if (qr->rs != NULL)
		ruleset_release(qr->rs);
	qr->rs = NULL;
	if (qr->prev != NULL)
		qr->prev->next = qr->next;
	else
		p->live = qr->next;
	if (qr->next != NULL)
		qr->next->prev = qr->prev;
	qr->next = p->spare;	/* the stores stay for the next user */
	p->spare = qr;
}

struct query_pool *
query_pool_new(const struct query_env *env)
{
	struct query_pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->env = *env;
	p->cfg = env->cfg;
	/* a try sent before the last answer ends by then, and its mark
	   lasts less than a second more; back_sec is a whole second */
	p->relapse_sec = (upstream_try_max_ms(p->cfg) + 999) / 1000 + 2;
	/* with --verbose every override is logged: evaluate every time */
	if (!p->cfg->verbose && p->cfg->cache_entries > 0 &&
	    (p->cache = cache_new(p->cfg->cache_entries)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

static struct upstream *
upstream_new(struct query_pool *p, char *err, size_t errlen)
{
	struct upstream *up;

	if ((up = calloc(1, sizeof(*up))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	up->born = time(NULL);
	if ((up->ub = upstream_context(p->cfg, p->env.base, err, errlen)) ==
	    NULL) {
		free(up);
		return NULL;
	}
	return up;
}

int
query_pool_upstream(struct query_pool *p, char *err, size_t errlen)
{
	return (p->up = upstream_new(p, err, errlen)) == NULL ? -1 : 0;
}

/* Delete the flushed contexts nobody waits on (never from a callback). */
static void
reap_upstreams(struct query_pool *p, int all)
{
	struct upstream **u = &p->retired, *up;

	while ((up = *u) != NULL) {
		if (up->users > 0 && !all) {
			u = &up->next;
			continue;
		}
		*u = up->next;
		ub_ctx_delete(up->ub);
		free(up);
	}
}

/*
 * Later lookups go to a new context; the current one lives on until the
 * questions it owes are answered (may run in a libunbound callback).
 * Returns 0, or -1 with a message in err.
 */
static int
renew_upstream(struct query_pool *p, char *err, size_t errlen)
{
	struct upstream *up;

	if ((up = upstream_new(p, err, errlen)) == NULL)
		return -1;
	p->up->next = p->retired;
	p->retired = p->up;
	p->up = up;
	return 0;
}

void
query_pool_flush(struct query_pool *p)
{
	char err[256];

	cache_clear(p->cache);
	if (p->up == NULL)
		return;
	if (renew_upstream(p, err, sizeof(err)) == -1) {
		log_warn("flush: keeping the cached real data: %s", err);
		return;
	}
	reap_upstreams(p, 0);
}

/*
 * The rule set to evaluate with.  A new set is picked up at the next
 * question after it was published (one relaxed atomic load per question).
 */
static struct ruleset *
pool_ruleset(struct query_pool *p)
{
	struct ruleset *rs;

	if (ruleset_generation() != p->generation) {
		if ((rs = ruleset_acquire()) == NULL)
			return p->rs;
		if (p->rs != NULL)
			ruleset_release(p->rs);
		p->rs = rs;
		p->generation = rs->generation;
	}
	return p->rs;
}

void
query_pool_tick(struct query_pool *p)
{
	(void)pool_ruleset(p);
	reap_upstreams(p, 0);
}

void
query_pool_free(struct query_pool *p)
{
	struct query	*qr;
	size_t		 i;

	if (p == NULL)
		return;
	p->stopping = 1;
	for (qr = p->live; qr != NULL; qr = qr->next)
		qr->up = NULL;		/* every context goes now */
	if (p->up != NULL) {
		p->up->next = p->retired;
		p->retired = p->up;
		p->up = NULL;
	}
	reap_upstreams(p, 1);
	while (p->live != NULL)
		query_put(p->live);
	while ((qr = p->spare) != NULL) {
		p->spare = qr->next;
		for (i = 0; i < RULES_MAX_REAL; i++)
			free(qr->store[i]);
		free(qr);
	}
	if (p->rs != NULL)
		ruleset_release(p->rs);
	cache_free(p->cache);
	free(p);
}

/* ---- what became of a question ---------------------------------------- */

static void
note_start(const struct query_pool *p, struct note *n)
{
	n->path = STAT_PATH_LOCAL;
	n->servfail = STAT_COUNT;
	n->rs = NULL;
	n->nrules = 0;
	if (p->cfg->log_queries)
		clock_gettime(CLOCK_MONOTONIC, &n->start);
}

/* The rules that decided res: the lines of its records, or its $end. */
static void
note_rules(struct note *n, struct ruleset *rs, const struct rules_result *res)
{
	size_t		i, j, k;
	unsigned	line;

	n->rs = rs;
	n->nrules = 0;
	n->path = res->used_real ? STAT_PATH_SYNTH_REAL : STAT_PATH_SYNTH;
	for (i = 0; i <= res->count && n->nrules < CACHE_MAX_RULES; i++) {
		if (i < res->count)
			line = res->record[i].line;
		else if ((line = res->end_line) == 0 || res->count > 0)
			break;
		if ((k = rules_line_index(rs->rules, line)) == (size_t)-1)
			continue;
		for (j = 0; j < n->nrules && n->rules[j] != k; j++)
			continue;
		if (j == n->nrules)
			n->rules[n->nrules++] = (uint32_t)k;
	}
}

static const char *
type_name(uint16_t type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	if (d != NULL && d->_name != NULL)
		return d->_name;
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

static const char *
rcode_name(int rcode, char *buf, size_t len)
{
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);

	if (rcode < 0)
		return "none";
	if (lt != NULL)
		return lt->name;
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

/* --log-queries: one line per question; names and lines, no secrets. */
static void
log_query(const struct note *n, const struct answer_question *q,
    const struct reply_to *to, int rcode)
{
	struct timespec	now;
	char		client[NETADDR_STRLEN], tbuf[16], rbuf[16], lines[96];
	size_t		i, k = 0;
	double		ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - n->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - n->start.tv_nsec) / 1e6;
	netaddr_format_host((const struct sockaddr *)&to->peer, client,
	    sizeof(client));
	lines[0] = '\0';
	for (i = 0; n->rs != NULL && i < n->nrules && k < sizeof(lines) - 12;
	    i++)
		k += (size_t)snprintf(lines + k, sizeof(lines) - k, "%s%u",
		    i ? "," : " lines=", rules_line_number(n->rs->rules,
		    n->rules[i]));
	log_info("query client=%s name=%s. type=%s transport=%s path=%s "
	    "rcode=%s ms=%.3f%s", client, q->qname,
	    type_name(q->qtype, tbuf, sizeof(tbuf)),
	    to->tcp != NULL ? "tcp" : "udp",
	    strchr(stats_name(n->path), '.') + 1,
	    rcode_name(rcode, rbuf, sizeof(rbuf)), ms, lines);
}

/* The rules that decided an answer, counted for `mxshim ctl top`. */
static void
count_rules(struct query_pool *p, const struct note *n)
{
#ifndef MXSHIMD_NO_STATS
	size_t i;

	for (i = 0; n->rs != NULL && i < n->nrules; i++)
		ruleset_hit(n->rs, p->env.worker, n->rules[i]);
#else
	(void)p;
	(void)n;
#endif
}

/* An answer (buf, len; NULL when none) goes out: count and log it. */
static void
note_done(struct query_pool *p, const struct note *n,
    const struct answer_question *q, const struct reply_to *to,
    const uint8_t *buf, size_t len)
{
	int rcode = buf != NULL && len >= 4 ? buf[3] & 0x0f : -1;

	if (rcode >= 0) {
		stats_add(p->env.stats, n->path);
		stats_add(p->env.stats, stats_rcode(rcode));
		if (rcode == LDNS_RCODE_SERVFAIL && n->servfail != STAT_COUNT)
			stats_add(p->env.stats, n->servfail);
		count_rules(p, n);
	}
	if (p->cfg->log_queries && q != NULL)
		log_query(n, q, to, rcode);
}

/*
 * Upstream failures and timeouts are logged without --log-queries, at
 * most one line per TROUBLE_EVERY seconds per worker.
 */
static void
upstream_trouble(struct query_pool *p, const struct answer_question *q,
    const char *what)
{
	time_t	now = time(NULL);

	char	tbuf[16];

	if (now - p->trouble_at < TROUBLE_EVERY) {
		p->trouble_quiet++;
		return;
	}

	log_warn("upstream %s: %s. %s (and %lu more since the last such "
	    "line of this thread)", what, q->qname,
	    type_name(q->qtype, tbuf, sizeof(tbuf)), p->trouble_quiet);
	p->trouble_at = now;
	p->trouble_quiet = 0;
}

/* ---- answers ---------------------------------------------------------- */

/* A SERVFAIL in out when n says building the real answer failed. */
static int
or_servfail(const struct answer_question *q, int n, uint8_t *out, size_t cap)
{
	if (n >= 0)
		return n;
	return answer_rcode(q, LDNS_RCODE_SERVFAIL, out, cap);
}

static size_t
limit_for(const struct answer_question *q, int tcp)
{
	return tcp ? ANSWER_MAX_WIRE : answer_udp_limit(q);
}

/* The debug line of an overridden answer: hosts and lines, no secrets. */
static void
log_override(const struct answer_question *q, const struct rules_ctx *ctx,
    const struct rules_result *res)
{
	char	client[NETADDR_STRLEN], list[600];
	size_t	i, n = 0;

	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	if (inet_ntop(ctx->client_family, ctx->client_addr, client,
	    sizeof(client)) == NULL)
		client[0] = '\0';
	list[0] = '\0';
	for (i = 0; i < res->count && n < sizeof(list) - 80; i++)
		n += snprintf(list + n, sizeof(list) - n, "%s%u %s%s (line %u)",
		    i ? ", " : "", res->record[i].pref,
		    res->record[i].host[0] ? res->record[i].host : ".",
		    res->record[i].real ? " real" : "", res->record[i].line);
	log_debug("override %s MX for %s: %s%s", q->qname, client,
	    res->rc == RULES_NULL_MX ? "null MX" : list,
	    res->used_real ? " [real data used]" : "");
}

/*
 * The answer for a finished evaluation, or -1 when the question must go
 * to real DNS unchanged (no line applied).
 */
static int
answer_result(const struct answer_question *q, const struct rules_ctx *ctx,
    const struct rules_result *res, int tcp, uint8_t *out, size_t cap)
{
	switch (res->rc) {
	case RULES_ANSWER:
	case RULES_NULL_MX:
		log_override(q, ctx, res);
		return or_servfail(q, answer_mx(q, res, limit_for(q, tcp), out,
		    cap), out, cap);
	case RULES_SERVFAIL:
		log_debug("SERVFAIL %s MX: real data unavailable", q->qname);
		return answer_rcode(q, LDNS_RCODE_SERVFAIL, out, cap);
	default:
		return -1;
	}
}

/* ---- waiting for libunbound ------------------------------------------- */

/* Send a late answer (or none: buf NULL) and note it. */
static void
reply(struct query *qr, const uint8_t *buf, size_t len)
{
	struct query_pool *p = qr->p;

	note_done(p, &qr->note, &qr->q, &qr->to, buf, len);
	p->env.reply(p->env.reply_arg, &qr->to, buf, len);
}

static void
reply_servfail(struct query *qr, enum stat_id cause)
{
	int n = answer_rcode(&qr->q, LDNS_RCODE_SERVFAIL, scratch,
	    sizeof(scratch));

	qr->note.path = STAT_PATH_LOCAL;
	qr->note.servfail = cause;
	reply(qr, n > 0 ? scratch : NULL, n > 0 ? (size_t)n : 0);
}

/* The time left before qr's deadline; -1 when it has passed. */
static int
time_left(const struct query *qr, struct timeval *left)
{
	struct timeval now;

	event_base_gettimeofday_cached(qr->p->env.base, &now);
	if (!timercmp(&now, &qr->deadline, <))
		return -1;
	timersub(&qr->deadline, &now, left);
	return 0;
}

/* Relay the upstream's packet, or SERVFAIL when it cannot be. */
static void
relay_send(struct query *qr, const uint8_t *packet, size_t len)
{
	int n = answer_relay(&qr->q, packet, len, limit_for(&qr->q, qr->tcp),
	    scratch, sizeof(scratch));

	if (n < 0)
		reply_servfail(qr, STAT_SF_FAILURE);
	else {
		qr->note.path = STAT_PATH_RELAY;
		reply(qr, scratch, (size_t)n);
	}
}

/*
 * The store for the next real MX RRset (kept for the query's next user),
 * or NULL when out of memory.
 */
static struct answer_real_store *
store_slot(struct query *qr)
{
	struct answer_real_store **st = &qr->store[qr->real.count];

	if (qr->real.count >= RULES_MAX_REAL)
		return NULL;
	if (*st == NULL)
		*st = malloc(sizeof(**st));
	return *st;
}

/*
 * Read an upstream packet (NULL: none) answering MX of name into rr and
 * the next store slot; a failure is a temporary one.
 */
static void
read_mx(struct query *qr, const char *name, const uint8_t *pkt, size_t len,
    struct rules_real_rrset *rr)
{
	struct answer_real_store *st = qr->store[qr->real.count];

	if (answer_read_real_mx(name, pkt, len, st, rr) == -1)
		answer_real_tempfail(name, st, rr);
}

/*
 * The upstreams' own answer to MX of name (confirm.h; NULL: none in
 * time) into rr; the trouble is logged when it says "try later".
 */
static void
read_second_look(struct query *qr, const char *name, const uint8_t *pkt,
    size_t len, struct rules_real_rrset *rr)
{
	qr->confirm = NULL;	/* freed when the callback returns */
	read_mx(qr, name, pkt, len, rr);
	if (rr->status == RULES_REAL_TEMPFAIL)
		upstream_trouble(qr->p, &qr->q, pkt == NULL ?
		    "did not answer a second look in time" :
		    "answered a second look with \"try later\" "
		    "(BADVERS, a referral)");
}

/* The second look at a relayed MX question: relay it, or SERVFAIL. */
static void
relay_confirmed(void *arg, const uint8_t *pkt, size_t len)
{
	struct query		*qr = arg;
	struct rules_real_rrset	 rr;

	read_second_look(qr, qr->q.qname, pkt, len, &rr);
	if (rr.status == RULES_REAL_TEMPFAIL)
		reply_servfail(qr, STAT_SF_FAILURE);
	else
		relay_send(qr, pkt, len);
	qr->state = Q_DONE;
	event_active(&qr->ev, EV_TIMEOUT, 1);
}

/* The second look at a NODATA a rule needs: evaluate again with it. */
static void
need_confirmed(void *arg, const uint8_t *pkt, size_t len)
{
	struct query		*qr = arg;
	struct rules_real_rrset	 rr;

	read_second_look(qr, qr->lookup, pkt, len, &rr);
	(void)rules_real_add(&qr->real, &rr);
	qr->state = Q_REEVALUATE;
	event_active(&qr->ev, EV_TIMEOUT, 1);
}

/*
 * libunbound's answer to MX of name is a NODATA without SOA: it may be a
 * BADVERS libunbound hid, so ask the upstreams themselves until the
 * deadline; cb takes it from there.  Returns 0 when asked.
 */
static int
confirm_nodata(struct query *qr, const char *name, confirm_cb *cb)
{
	struct query_pool	*p = qr->p;
	struct timeval		 left;
	unsigned		 ms;

	if (time_left(qr, &left) == -1)
		return -1;
	ms = (unsigned)(left.tv_sec * 1000 + left.tv_usec / 1000);
	qr->confirm = confirm_start(p->env.base, p->cfg->upstream,
	    p->cfg->nupstream, name, ms ? ms : 1, cb, qr);
	if (qr->confirm == NULL)
		return -1;
	stats_add(p->env.stats, STAT_UP_SECOND_LOOKS);
	qr->state = Q_CONFIRMING;
	return 0;
}

/* Whether rr, just read, is a NODATA libunbound cannot vouch for. */
static int
bare_nodata(const struct query *qr, const struct rules_real_rrset *rr)
{
	return rr->status == RULES_REAL_NODATA &&
	    qr->store[qr->real.count]->nodata_bare;
}

/*
 * Whether a relayed packet is an empty NOERROR: only those can be "try
 * later" dressed as "no MX" (the header alone tells, so the answers with
 * records, most of them, are not read twice).
 */
static int
empty_noerror(const uint8_t *packet, int len)
{
	return len >= 12 && (packet[3] & 0xf) == LDNS_RCODE_NOERROR &&
	    packet[6] == 0 && packet[7] == 0;	/* ANCOUNT */
}

/*
 * A relayed answer arrived (ok: usable): send it now, unless it answers
 * an MX question with "try later" (a lame referral: SERVFAIL) or with a
 * NODATA without SOA, which a BADVERS from the upstream becomes in
 * libunbound (asked again).  An MTA takes either for "no MX" and tries
 * the domain's own address, or bounces.
 */
static void
relay_done(struct query *qr, int ok, const uint8_t *packet, int len)
{
	struct rules_real_rrset	rr;

	qr->state = Q_DONE;
	if (!ok) {
		reply_servfail(qr, STAT_SF_FAILURE);
		return;
	}
	if (qr->q.qtype == LDNS_RR_TYPE_MX &&
	    qr->q.qclass == LDNS_RR_CLASS_IN && empty_noerror(packet, len) &&
	    store_slot(qr) != NULL) {
		read_mx(qr, qr->q.qname, packet, (size_t)len, &rr);
		if (rr.status == RULES_REAL_TEMPFAIL ||	/* a referral */
		    (bare_nodata(qr, &rr) &&
		    confirm_nodata(qr, qr->q.qname, relay_confirmed) == -1)) {
			reply_servfail(qr, STAT_SF_FAILURE);
			return;
		}
		if (qr->state == Q_CONFIRMING)
			return;
	}
	relay_send(qr, packet, (size_t)len);
}

/* A real MX RRset arrived (or failed): keep it for the next evaluation. */
static void
need_done(struct query *qr, int ok, const uint8_t *packet, int len)
{
	struct rules_real_rrset	rr;

	if (store_slot(qr) == NULL) {
		reply_servfail(qr, STAT_SF_FAILURE);
		qr->state = Q_DONE;
		return;
	}
	read_mx(qr, qr->lookup, ok ? packet : NULL, (size_t)len, &rr);
	if (bare_nodata(qr, &rr)) {
		if (confirm_nodata(qr, qr->lookup, need_confirmed) == 0)
			return;
		answer_real_tempfail(qr->lookup, qr->store[qr->real.count],
		    &rr);
	}
	(void)rules_real_add(&qr->real, &rr);
	qr->state = Q_REEVALUATE;
}

/* The upstream answered a lookup: after failing, it is back. */
static void
note_answered(struct query_pool *p)
{
	if (!p->failing)
		return;
	p->failing = 0;
	atomic_store_explicit(&back_sec, (long long)time(NULL),
	    memory_order_relaxed);
}

/*
 * libunbound failed qr at once on the context up (see the top): shortly
 * after the upstream came back, move to a new context if up is older
 * than the return, and ask again there at once.  Returns 1 when the
 * retry is armed.
 */
static int
retry_fresh(struct query *qr, struct upstream *up)
{
	struct query_pool	*p = qr->p;
	struct timeval		 zero = { 0, 0 };
	long long		 back, sec = (long long)time(NULL);
	char			 err[256];

	p->failing = 1;
	back = atomic_load_explicit(&back_sec, memory_order_relaxed);
	if (qr->retries >= RETRY_MAX || up == NULL || p->up == NULL ||
	    sec - back > p->relapse_sec)
		return 0;
	if (up == p->up) {
		if (up->born > back)
			return 0;	/* not a late try's mark */
		if (renew_upstream(p, err, sizeof(err)) == -1) {
			log_warn("upstream back: %s", err);
			return 0;
		}
		log_info("upstream back: a try of the outage marked it down, "
		    "asking again on a new libunbound context");
	}
	qr->retries++;
	qr->state = Q_RETRY;
	event_del(&qr->ev);
	evtimer_add(&qr->ev, &zero);
	return 1;
}

/* libunbound's callback: record, and let the loop take the next step. */
static void
ub_done(void *arg, int rcode, void *packet, int len, int sec, char *bogus,
    int ratelimited)
{
	struct query	*qr = arg;
	struct upstream	*up = qr->up;
	int		 ok = rcode == 0 && packet != NULL && len > 0 && sec != 1;
	int		 at_once = qr->p->resolving == qr;

	(void)bogus;
	(void)ratelimited;
	if (qr->p->stopping)
		return;		/* libunbound is being deleted */
	query_unwait(qr);
	if (ok && !at_once)	/* not from the cache: the upstream answered */
		note_answered(qr->p);
	if (qr->state == Q_ABANDONED) {	/* counted as a timeout */
		query_put(qr);
		return;
	}
	if (!ok) {
		stats_add(qr->p->env.stats, STAT_UP_FAILURES);
		if (at_once && retry_fresh(qr, up))
			return;
		upstream_trouble(qr->p, &qr->q, "failed");
	}
	event_del(&qr->ev);
	if (qr->mode == Q_RELAY)
		relay_done(qr, ok, packet, len);
	else
		need_done(qr, ok, packet, len);
	if (qr->state != Q_CONFIRMING)
		event_active(&qr->ev, EV_TIMEOUT, 1);
}

/* Hand name/type/class to libunbound; 0, or -1 (answer SERVFAIL). */
static int
lookup(struct query *qr, const char *name, int type, int cls)
{
	struct query_pool	*p = qr->p;
	struct timeval		 left;
	int			 rc, id;

	if (time_left(qr, &left) == -1 || p->up == NULL)
		return -1;
	qr->state = Q_WAITING;
	evtimer_add(&qr->ev, &left);
	qr->up = p->up;
	qr->up->users++;
	stats_add(p->env.stats, STAT_UP_LOOKUPS);
	p->resolving = qr;
	rc = ub_resolve_event(p->up->ub, name[0] ? name : ".", type, cls, qr,
	    ub_done, &id);
	p->resolving = NULL;
	if (rc != 0) {
		event_del(&qr->ev);
		query_unwait(qr);
		log_warn("libunbound cannot look up %s: %s", name,
		    ub_strerror(rc));
		return -1;
	}
	return 0;
}

static int
start_relay(struct query *qr)
{
	qr->mode = Q_RELAY;
	return lookup(qr, qr->q.qname, qr->q.qtype, qr->q.qclass);
}

static int
start_need(struct query *qr, const char *need)
{
	qr->mode = Q_NEED;
	snprintf(qr->lookup, sizeof(qr->lookup), "%s", need);
	if (qr->real.count == RULES_MAX_REAL)
		return -1;
	return lookup(qr, qr->lookup, LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
}

/* The same lookup again (Q_RETRY). */
static int
relookup(struct query *qr)
{
	if (qr->mode == Q_RELAY)
		return start_relay(qr);
	return lookup(qr, qr->lookup, LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
}

/* Real MX data arrived: evaluate again on the set the query started on. */
static void
continue_need(struct query *qr)
{
	struct rules_result	res;
	int			n;

	rules_eval(qr->rs->rules, qr->q.qname, &qr->ctx, &qr->real,
	    qr->p->cfg->ttl, NULL, &res);
	if (res.rc == RULES_NEED) {
		if (start_need(qr, res.need) == -1)
			goto fail;
		return;
	}
	n = answer_result(&qr->q, &qr->ctx, &res, qr->tcp, scratch,
	    sizeof(scratch));
	if (n < 0) {		/* no override after all: relay */
		if (start_relay(qr) == -1)
			goto fail;
		return;
	}
	if (res.rc == RULES_SERVFAIL)	/* a real lookup failed */
		qr->note.servfail = STAT_SF_FAILURE;
	else
		note_rules(&qr->note, qr->rs, &res);
	reply(qr, scratch, (size_t)n);
	query_put(qr);
	return;
fail:
	reply_servfail(qr, STAT_SF_FAILURE);
	query_put(qr);
}

static void
query_event(evutil_socket_t fd, short what, void *arg)
{
	struct query *qr = arg;

	(void)fd;
	(void)what;
	switch (qr->state) {
	case Q_WAITING:		/* the deadline */
		qr->p->failing = 1;
		log_debug("SERVFAIL %s: upstream did not answer in time",
		    qr->q.qname);
		stats_add(qr->p->env.stats, STAT_UP_TIMEOUTS);
		upstream_trouble(qr->p, &qr->q, "did not answer in time");
		reply_servfail(qr, STAT_SF_TIMEOUT);
		qr->state = Q_ABANDONED;
		if (qr->rs != NULL)
			ruleset_release(qr->rs);
		qr->rs = NULL;
		return;
	case Q_REEVALUATE:
		continue_need(qr);
		return;
	case Q_DONE:
		query_put(qr);
		return;
	case Q_RETRY:
		if (relookup(qr) == -1) {
			reply_servfail(qr, STAT_SF_FAILURE);
			query_put(qr);
		}
		return;
	case Q_CONFIRMING:	/* confirmed() moves on */
	case Q_ABANDONED:
		return;
	}
}

/* Make q a waiting query; QUERY_PENDING, or an answer when that fails. */
static enum query_rc
go_async(struct query_pool *p, const struct answer_question *q,
    const struct rules_ctx *ctx, const struct reply_to *to, int tcp,
    const char *need, struct note *note, uint8_t *out, size_t cap,
    size_t *outlen)
{
	struct query	*qr;
	struct timeval	 now, tmo;
	int		 rc, n, inflight;

	if ((qr = query_get(p, (const struct sockaddr *)&to->peer,
	    &inflight)) == NULL) {
		note->servfail = inflight ? STAT_SF_INFLIGHT : STAT_SF_FAILURE;
		goto fail;
	}
	qr->q = *q;
	qr->ctx = *ctx;
	qr->to = *to;
	qr->tcp = tcp;
	qr->note = *note;
	event_base_gettimeofday_cached(p->env.base, &now);
	tmo.tv_sec = p->cfg->timeout_ms / 1000;
	tmo.tv_usec = (p->cfg->timeout_ms % 1000) * 1000;
	timeradd(&now, &tmo, &qr->deadline);
	if (need != NULL) {
		qr->rs = p->rs;
		ruleset_ref(qr->rs);
		rc = start_need(qr, need);
	} else
		rc = start_relay(qr);
	if (rc == 0)
		return QUERY_PENDING;
	query_put(qr);
	note->servfail = STAT_SF_FAILURE;
fail:
	n = answer_rcode(q, LDNS_RCODE_SERVFAIL, out, cap);
	*outlen = n > 0 ? (size_t)n : 0;
	return n > 0 ? QUERY_ANSWER : QUERY_DROP;
}

/* ---- the first look at a question ------------------------------------- */

static enum query_rc
emit(const struct answer_question *q, int n, uint8_t *out, size_t cap,
    size_t *outlen)
{
	if (q != NULL)
		n = or_servfail(q, n, out, cap);
	if (n <= 0)
		return QUERY_DROP;
	*outlen = (size_t)n;
	return QUERY_ANSWER;
}

/* An MX question: the rules decide. */
static enum query_rc
mx_question(struct query_pool *p, const struct answer_question *q,
    const struct rules_ctx *ctx, const struct reply_to *to, int tcp,
    struct note *note, uint8_t *out, size_t cap, size_t *outlen)
{
	struct ruleset		*rs = pool_ruleset(p);
	struct rules_result	 res;
	int			 n;

	if (p->cache != NULL && (*outlen = cache_get(p->cache,
	    rs->generation, q, out, cap, note->rules, &note->nrules)) > 0) {
		note->path = STAT_PATH_CACHE;
		note->rs = rs;
		return QUERY_ANSWER;
	}
	rules_eval(rs->rules, q->qname, ctx, NULL, p->cfg->ttl, NULL, &res);
	if (res.rc == RULES_NEED)
		return go_async(p, q, ctx, to, tcp, res.need, note, out, cap,
		    outlen);
	n = answer_result(q, ctx, &res, tcp, out, cap);
	if (n < 0)
		return go_async(p, q, ctx, to, tcp, NULL, note, out, cap,
		    outlen);
	note_rules(note, rs, &res);
	if (p->cache != NULL && !res.client_dependent && !res.used_real &&
	    (res.rc == RULES_ANSWER || res.rc == RULES_NULL_MX))
		cache_put(p->cache, rs->generation, q, out, (size_t)n,
		    note->rules, note->nrules);
	return emit(q, n, out, cap, outlen);
}

/* The decision for a parsed question q. */
static enum query_rc
decide(struct query_pool *p, const struct answer_question *q,
    const struct rules_ctx *ctx, const struct reply_to *to, int tcp,
    struct note *note, uint8_t *out, size_t cap, size_t *outlen)
{
	uint8_t synth[16];

	if (FLAG_OPCODE(q->flags) != LDNS_PACKET_QUERY)
		return emit(q, answer_rcode(q, LDNS_RCODE_NOTIMPL, out, cap),
		    out, cap, outlen);
	if (q->qclass == LDNS_RR_CLASS_IN) {
		if (rules_synth_addr(q->qname, synth) != 0) {
			note->path = STAT_PATH_SYNTH;
			return emit(q, answer_synth_addr(q, p->cfg->ttl,
			    limit_for(q, tcp), out, cap), out, cap, outlen);
		}
		if (q->qtype == LDNS_RR_TYPE_MX)
			return mx_question(p, q, ctx, to, tcp, note, out, cap,
			    outlen);
	}
	return go_async(p, q, ctx, to, tcp, NULL, note, out, cap, outlen);
}

enum query_rc
query_handle(struct query_pool *p, const uint8_t *pkt, size_t len,
    const struct reply_to *to, int tcp, uint8_t *out, size_t cap,
    size_t *outlen)
{
	struct answer_question	q;
	struct rules_ctx	ctx;
	struct note		note;
	enum query_rc		rc;
	int			allowed;

	stats_add(p->env.stats, tcp ? STAT_Q_TCP : STAT_Q_UDP);
	note_start(p, &note);
	memset(&ctx, 0, sizeof(ctx));
	ctx.known = RULES_CTX_CLIENT;
	ctx.client_family = netaddr_raw((const struct sockaddr *)&to->peer,
	    ctx.client_addr);
	allowed = acl_allows(&p->cfg->acl, ctx.client_family,
	    ctx.client_addr);
	switch (answer_parse_query(pkt, len, &q)) {
	case ANSWER_PARSE_OK:
		break;
	case ANSWER_PARSE_FORMERR:
		if (!allowed)
			return QUERY_DROP;	/* no reflection for strangers */
		rc = emit(NULL, answer_formerr(pkt, len, out, cap), out, cap,
		    outlen);
		if (rc == QUERY_ANSWER)
			note_done(p, &note, NULL, to, out, *outlen);
		return rc;
	default:
		return QUERY_DROP;
	}
	stats_add(p->env.stats, stats_qtype(q.qtype));
	if (!allowed)
		rc = emit(&q, answer_rcode(&q, LDNS_RCODE_REFUSED, out, cap),
		    out, cap, outlen);
	else
		rc = decide(p, &q, &ctx, to, tcp, &note, out, cap, outlen);
	if (rc != QUERY_PENDING)
		note_done(p, &note, &q, to, rc == QUERY_ANSWER ? out : NULL,
		    rc == QUERY_ANSWER ? *outlen : 0);
	return rc;
}
