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
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <ldns/ldns.h>
#include <unbound.h>
#include <unbound-event.h>

#include "answer.h"
#include "cache.h"
#include "clients.h"
#include "log.h"
#include "netaddr.h"
#include "query.h"
#include "ruleset.h"
#include "upstream.h"

#define FLAG_OPCODE(f)	(((f) >> 11) & 0xf)

enum query_mode { Q_RELAY, Q_NEED };
enum query_state {
	Q_WAITING,	/* libunbound has the question, deadline armed */
	Q_REEVALUATE,	/* real MX data arrived: evaluate the rules again */
	Q_DONE,		/* answered: free from the loop */
	Q_ABANDONED	/* answered SERVFAIL at the deadline: free on callback */
};

struct query_pool {
	const struct config	*cfg;
	struct event_base	*base;
	struct ub_ctx		*ub;
	struct clients		*inflight;	/* --client-inflight */
	query_reply_fn		*reply;
	void			*reply_arg;
	struct ruleset		*rs;		/* current, one reference */
	unsigned long		 generation;
	struct answer_cache	*cache;		/* prebuilt answers, or NULL */
	int			 stopping;	/* ignore libunbound callbacks */
	struct query		*live;		/* waiting for upstream */
	struct query		*spare;		/* free list */
};

struct query {
	struct query		*next, *prev;	/* p->live, or p->spare */
	struct query_pool	*p;
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
	struct rules_real	 real;
	struct answer_real_store *store[RULES_MAX_REAL];
	char			 lookup[RULES_MAX_NAME + 1];
};

/* Answers built outside of a socket's batch: TCP size, one per thread. */
static _Thread_local uint8_t	scratch[ANSWER_MAX_WIRE];

static void query_event(evutil_socket_t fd, short what, void *arg);

/* ---- allocation ------------------------------------------------------- */

/* A query for the client at peer, or NULL when it may not have one more. */
static struct query *
query_get(struct query_pool *p, const struct sockaddr *peer)
{
	struct query	*qr = p->spare;
	int32_t		 client;

	if ((client = clients_take(p->inflight, peer)) == -1)
		return NULL;
	if (qr != NULL)
		p->spare = qr->next;
	else if ((qr = calloc(1, sizeof(*qr))) == NULL) {
		clients_give(p->inflight, client);
		return NULL;
	}
	qr->p = p;
	qr->client = client;
	qr->rs = NULL;
	qr->real.count = 0;
	event_assign(&qr->ev, p->base, -1, 0, query_event, qr);
	qr->prev = NULL;
	qr->next = p->live;
	if (p->live != NULL)
		p->live->prev = qr;
	p->live = qr;
	return qr;
}

static void
query_put(struct query *qr)
{
	struct query_pool *p = qr->p;

	event_del(&qr->ev);
	clients_give(p->inflight, qr->client);
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
query_pool_new(const struct config *cfg, struct event_base *base,
    struct clients *inflight, query_reply_fn *reply, void *arg)
{
	struct query_pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->cfg = cfg;
	p->base = base;
	p->inflight = inflight;
	p->reply = reply;
	p->reply_arg = arg;
	/* with --verbose every override is logged: evaluate every time */
	if (!cfg->verbose && cfg->cache_entries > 0 &&
	    (p->cache = cache_new(cfg->cache_entries)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

int
query_pool_upstream(struct query_pool *p, char *err, size_t errlen)
{
	p->ub = upstream_context(p->cfg, p->base, err, errlen);
	return p->ub == NULL ? -1 : 0;
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
query_pool_refresh(struct query_pool *p)
{
	(void)pool_ruleset(p);
}

void
query_pool_free(struct query_pool *p)
{
	struct query	*qr;
	size_t		 i;

	if (p == NULL)
		return;
	p->stopping = 1;
	if (p->ub != NULL)
		ub_ctx_delete(p->ub);
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

static void
reply_servfail(struct query *qr)
{
	int n = answer_rcode(&qr->q, LDNS_RCODE_SERVFAIL, scratch,
	    sizeof(scratch));

	qr->p->reply(qr->p->reply_arg, &qr->to, n > 0 ? scratch : NULL,
	    n > 0 ? (size_t)n : 0);
}

/* A relayed answer arrived (ok: usable): send it now. */
static void
relay_done(struct query *qr, int ok, const uint8_t *packet, int len)
{
	int n = -1;

	if (ok)
		n = answer_relay(&qr->q, packet, (size_t)len,
		    limit_for(&qr->q, qr->tcp), scratch, sizeof(scratch));
	if (n < 0)
		reply_servfail(qr);
	else
		qr->p->reply(qr->p->reply_arg, &qr->to, scratch, (size_t)n);
	qr->state = Q_DONE;
}

/* A real MX RRset arrived (or failed): keep it for the next evaluation. */
static void
need_done(struct query *qr, int ok, const uint8_t *packet, int len)
{
	struct answer_real_store	*st = qr->store[qr->real.count];
	struct rules_real_rrset		 rr;

	if (st == NULL && (st = malloc(sizeof(*st))) == NULL) {
		reply_servfail(qr);
		qr->state = Q_DONE;
		return;
	}
	qr->store[qr->real.count] = st;	/* kept for the next user */
	if (!ok || answer_read_real_mx(qr->lookup, packet, (size_t)len, st,
	    &rr) == -1)
		answer_real_tempfail(qr->lookup, st, &rr);
	(void)rules_real_add(&qr->real, &rr);
	qr->state = Q_REEVALUATE;
}

/* libunbound's callback: record, and let the loop take the next step. */
static void
ub_done(void *arg, int rcode, void *packet, int len, int sec, char *bogus,
    int ratelimited)
{
	struct query	*qr = arg;
	int		 ok = rcode == 0 && packet != NULL && len > 0 && sec != 1;

	(void)bogus;
	(void)ratelimited;
	if (qr->p->stopping)
		return;		/* libunbound is being deleted */
	if (qr->state == Q_ABANDONED) {
		query_put(qr);
		return;
	}
	event_del(&qr->ev);
	if (qr->mode == Q_RELAY)
		relay_done(qr, ok, packet, len);
	else
		need_done(qr, ok, packet, len);
	event_active(&qr->ev, EV_TIMEOUT, 1);
}

/* Hand name/type/class to libunbound; 0, or -1 (answer SERVFAIL). */
static int
lookup(struct query *qr, const char *name, int type, int cls)
{
	struct timeval	now, left;
	int		rc, id;

	event_base_gettimeofday_cached(qr->p->base, &now);
	if (!timercmp(&now, &qr->deadline, <))
		return -1;
	timersub(&qr->deadline, &now, &left);
	qr->state = Q_WAITING;
	evtimer_add(&qr->ev, &left);
	rc = ub_resolve_event(qr->p->ub, name[0] ? name : ".", type, cls, qr,
	    ub_done, &id);
	if (rc != 0) {
		event_del(&qr->ev);
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
	qr->p->reply(qr->p->reply_arg, &qr->to, scratch, (size_t)n);
	query_put(qr);
	return;
fail:
	reply_servfail(qr);
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
		log_debug("SERVFAIL %s: upstream did not answer in time",
		    qr->q.qname);
		reply_servfail(qr);
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
	case Q_ABANDONED:
		return;
	}
}

/* Make q a waiting query; QUERY_PENDING, or an answer when that fails. */
static enum query_rc
go_async(struct query_pool *p, const struct answer_question *q,
    const struct rules_ctx *ctx, const struct reply_to *to, int tcp,
    const char *need, uint8_t *out, size_t cap, size_t *outlen)
{
	struct query	*qr;
	struct timeval	 now, tmo;
	int		 rc, n;

	if ((qr = query_get(p, (const struct sockaddr *)&to->peer)) == NULL)
		goto fail;
	qr->q = *q;
	qr->ctx = *ctx;
	qr->to = *to;
	qr->tcp = tcp;
	event_base_gettimeofday_cached(p->base, &now);
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
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct ruleset		*rs = pool_ruleset(p);
	struct rules_result	 res;
	int			 n;

	if (p->cache != NULL &&
	    (*outlen = cache_get(p->cache, rs->generation, q, out, cap)) > 0)
		return QUERY_ANSWER;
	rules_eval(rs->rules, q->qname, ctx, NULL, p->cfg->ttl, NULL, &res);
	if (res.rc == RULES_NEED)
		return go_async(p, q, ctx, to, tcp, res.need, out, cap,
		    outlen);
	n = answer_result(q, ctx, &res, tcp, out, cap);
	if (n < 0)
		return go_async(p, q, ctx, to, tcp, NULL, out, cap, outlen);
	if (p->cache != NULL && !res.client_dependent && !res.used_real &&
	    (res.rc == RULES_ANSWER || res.rc == RULES_NULL_MX))
		cache_put(p->cache, rs->generation, q, out, (size_t)n);
	return emit(q, n, out, cap, outlen);
}

enum query_rc
query_handle(struct query_pool *p, const uint8_t *pkt, size_t len,
    const struct reply_to *to, int tcp, uint8_t *out, size_t cap,
    size_t *outlen)
{
	struct answer_question	q;
	struct rules_ctx	ctx;
	uint8_t			synth[16];
	int			allowed;

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
		return emit(NULL, answer_formerr(pkt, len, out, cap), out,
		    cap, outlen);
	default:
		return QUERY_DROP;
	}
	if (!allowed)
		return emit(&q, answer_rcode(&q, LDNS_RCODE_REFUSED, out, cap),
		    out, cap, outlen);
	if (FLAG_OPCODE(q.flags) != LDNS_PACKET_QUERY)
		return emit(&q, answer_rcode(&q, LDNS_RCODE_NOTIMPL, out, cap),
		    out, cap, outlen);
	if (q.qclass == LDNS_RR_CLASS_IN) {
		if (rules_synth_addr(q.qname, synth) != 0)
			return emit(&q, answer_synth_addr(&q, p->cfg->ttl,
			    limit_for(&q, tcp), out, cap), out, cap, outlen);
		if (q.qtype == LDNS_RR_TYPE_MX)
			return mx_question(p, &q, &ctx, to, tcp, out, cap,
			    outlen);
	}
	return go_async(p, &q, &ctx, to, tcp, NULL, out, cap, outlen);
}
