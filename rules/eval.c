/*
 * rules/eval.c - evaluation of one queried name in one context (mxshim.conf(5),
 * EVALUATION).
 *
 * The candidate lines are the union of a few chains already in file order
 * (the exact name, each `*.suffix` of the name, `*`, the general
 * wildcards); a k-way merge visits them in file order, so `$end` and the
 * first-match semantics hold without touching unrelated lines.
 *
 * Evaluation is restartable: when a line needs real data the caller has
 * not supplied, it stops with RULES_NEED and the caller evaluates again
 * with more data.  Nothing is allocated.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "glob.h"
#include "rules_int.h"

#define MAX_CURSORS	(RULES_MAX_NAME / 2 + 4)

/* One chain being merged. */
struct cursor {
	uint32_t	at;		/* current rule or RULE_NONE */
	int		general;	/* rules must be glob-matched */
};

struct walk {
	const struct rules		*set;
	const char			*q;
	size_t				 qlen;
	struct cursor			 cur[MAX_CURSORS];
	size_t				 ncur;
};

struct eval {
	const struct rules		*set;
	const struct rules_ctx		*ctx;
	const struct rules_real		*real;
	const struct rules_trace	*trace;
	struct rules_result		*res;
	uint32_t			 ttl;
};

int
rules_name_normalize(const char *in, char *out)
{
	size_t i, len = strlen(in);

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > RULES_MAX_NAME)
		return -1;
	for (i = 0; i < len; i++) {
		/* `\` escapes (ldns presentation of odd labels) never name a
		 * mail domain; refusing them keeps every name handed out in
		 * RULES_NEED a plain one */
		if (in[i] == '\\' || (in[i] == '.' && (i == 0 ||
		    in[i - 1] == '.')))
			return -1;
		out[i] = ascii_lower(in[i]);
	}
	out[len] = '\0';
	return (int)len;
}

/* ---- the merge ---- */

static void
cursor_skip_general(struct walk *w, struct cursor *c)
{
	const struct rule *r;

	while (c->at != RULE_NONE) {
		r = w->set->rule + c->at;
		if (rules_glob_match(RULE_PATTERN(w->set, r), r->pattern_len,
		    w->q, w->qlen))
			return;
		c->at = r->next;
	}
}

static void
walk_add(struct walk *w, uint32_t head, int general)
{
	struct cursor *c;

	if (head == RULE_NONE || w->ncur == MAX_CURSORS)
		return;
	c = w->cur + w->ncur++;
	c->at = head;
	c->general = general;
	if (general)
		cursor_skip_general(w, c);
}

static void
walk_init(struct walk *w, const struct rules *set, const char *q, size_t qlen)
{
	size_t i;

	w->set = set;
	w->q = q;
	w->qlen = qlen;
	w->ncur = 0;
	walk_add(w, index_find(set, &set->exact, q, qlen), 0);
	for (i = 0; i < qlen; i++)
		if (q[i] == '.')
			walk_add(w, index_find(set, &set->suffix, q + i + 1,
			    qlen - i - 1), 0);
	walk_add(w, set->all_head, 0);
	walk_add(w, set->general_head, 1);
}

/* The next candidate line in file order, or NULL. */
static const struct rule *
walk_next(struct walk *w)
{
	struct cursor	*best = NULL;
	uint32_t	 at;
	size_t		 i;

	for (i = 0; i < w->ncur; i++)
		if (w->cur[i].at != RULE_NONE &&
		    (best == NULL || w->cur[i].at < best->at))
			best = w->cur + i;
	if (best == NULL)
		return NULL;
	at = best->at;
	best->at = w->set->rule[at].next;
	if (best->general)
		cursor_skip_general(w, best);
	return w->set->rule + at;
}

/* ---- the answer being built ---- */

static void
trace(struct eval *ev, enum rules_trace_kind kind, const struct rule *r,
    const struct cond *c)
{
	struct rules_trace_event e;

	if (ev->trace == NULL || ev->trace->fn == NULL)
		return;
	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.line = r->line;
	e.line_text = ev->set->text + r->text_off;
	e.line_len = r->text_len;
	if (c != NULL) {
		e.column = c->column;
		e.token = e.line_text + c->column - 1;
		e.token_len = c->token_len;
	}
	ev->trace->fn(ev->trace->arg, &e);
}

static void
record_remove(struct rules_result *res, size_t i)
{
	memmove(res->record + i, res->record + i + 1,
	    (res->count - i - 1) * sizeof(res->record[0]));
	res->count--;
}

/*
 * Add a record, one per host, lowest preference kept: a better preference
 * replaces the old record and takes the new line's place in line order.
 * A full answer keeps the best RULES_MAX_RECORDS records.
 */
static void
record_add(struct rules_result *res, const struct rules_record *rec)
{
	size_t i, worst = 0;

	for (i = 0; i < res->count; i++) {
		if (strcmp(res->record[i].host, rec->host) != 0)
			continue;
		if (res->record[i].pref <= rec->pref)
			return;
		record_remove(res, i);
		break;
	}
	if (res->count == RULES_MAX_RECORDS) {
		for (i = 1; i < res->count; i++)
			if (res->record[i].pref >= res->record[worst].pref)
				worst = i;
		if (res->record[worst].pref <= rec->pref)
			return;
		record_remove(res, worst);
	}
	res->record[res->count++] = *rec;
}

/* Stable: equal preferences stay in line order. */
static void
records_sort(struct rules_result *res)
{
	struct rules_record	tmp;
	size_t			i, j;

	for (i = 1; i < res->count; i++) {
		tmp = res->record[i];
		for (j = i; j > 0 && res->record[j - 1].pref > tmp.pref; j--)
			res->record[j] = res->record[j - 1];
		res->record[j] = tmp;
	}
}

/*
 * The real MX RRset of name: NULL with res->rc set to RULES_NEED or
 * RULES_SERVFAIL when evaluation must stop.
 */
static const struct rules_real_rrset *
real_get(struct eval *ev, const struct rule *r, const char *name)
{
	const struct rules_real_rrset *rr = NULL;

	if (ev->real != NULL)
		rr = rules_real_find(ev->real, name);
	if (rr == NULL) {
		ev->res->rc = RULES_NEED;
		strcpy(ev->res->need, name);
		return NULL;
	}
	if (rr->status == RULES_REAL_TEMPFAIL) {
		trace(ev, RULES_TRACE_TEMPFAIL, r, NULL);
		strcpy(ev->res->need, rr->name);
		ev->res->rc = RULES_SERVFAIL;
		return NULL;
	}
	ev->res->used_real = 1;
	return rr;
}

static int
is_null_mx(const struct rules_real_rrset *rr)
{
	return rr->status == RULES_REAL_OK && rr->count == 1 &&
	    rr->mx[0].host[0] == '\0';
}

/*
 * Contribute the real MX records of rr.  A null MX contributes nothing
 * (rule 9); NODATA contributes the implicit MX (rule 8) when implicit is
 * given; NXDOMAIN nothing (rule 7).  Only an RRset whose records take part
 * lowers the answer's TTL (rule 10): data that merely decided a condition
 * does not.
 */
static void
contribute_real(struct eval *ev, const struct rule *r,
    const struct rules_real_rrset *rr, const char *implicit, int as_server)
{
	struct rules_record	rec;
	size_t			i;

	if ((rr->status == RULES_REAL_NODATA && implicit != NULL) ||
	    (rr->status == RULES_REAL_OK && !is_null_mx(rr) && rr->count > 0))
		if (rr->ttl < ev->ttl)
			ev->ttl = rr->ttl;
	memset(&rec, 0, sizeof(rec));
	rec.line = r->line;
	rec.real = 1;
	rec.port = RULES_DEFAULT_PORT;
	if (as_server) {
		/* $lookupmx: SERVER's port and credentials go to its MX hosts */
		rec.port = r->port;
		if (r->user != ARENA_NONE) {
			rec.user = ARENA_STR(&ev->set->str, r->user);
			rec.pass = ARENA_STR(&ev->set->str, r->pass);
		}
	}
	if (rr->status == RULES_REAL_NODATA && implicit != NULL) {
		rec.host = implicit;
		record_add(ev->res, &rec);
		return;
	}
	if (rr->status != RULES_REAL_OK || is_null_mx(rr))
		return;
	for (i = 0; i < rr->count; i++) {
		if (rr->mx[i].host[0] == '\0')
			continue;	/* a root target beside others: not mail */
		rec.pref = rr->mx[i].pref;
		rec.host = rr->mx[i].host;
		record_add(ev->res, &rec);
	}
}

static void
contribute_server(struct eval *ev, const struct rule *r)
{
	struct rules_record	rec;
	const struct rules	*set = ev->set;

	memset(&rec, 0, sizeof(rec));
	rec.pref = r->priority;
	rec.port = r->port;
	rec.host = RULE_HOST(set, r);
	rec.line = r->line;
	if (r->user != ARENA_NONE) {
		rec.user = ARENA_STR(&set->str, r->user);
		rec.pass = ARENA_STR(&set->str, r->pass);
	}
	record_add(ev->res, &rec);
}

/* The $dnsmx conditions of r; -1 when evaluation must stop. */
static int
dnsmx_hold(struct eval *ev, const struct rule *r, const struct cond **failed)
{
	const struct rules_real_rrset	*rr;
	const struct cond		*c = ev->set->cond + r->cond_first;
	uint16_t			 i;

	if ((rr = real_get(ev, r, ev->res->name)) == NULL)
		return -1;
	for (i = 0; i < r->cond_count; i++, c++)
		if (c->attr == ATTR_DNSMX && !cond_eval_dnsmx(ev->set, c, rr)) {
			*failed = c;
			return 0;
		}
	return 1;
}

/* What an applying line contributes; -1 when evaluation must stop. */
static int
apply(struct eval *ev, const struct rule *r)
{
	const struct rules_real_rrset	*rr;
	const char			*host = RULE_HOST(ev->set, r);

	switch (r->server_kind) {
	case SERVER_USEDNS:
		if ((rr = real_get(ev, r, ev->res->name)) == NULL)
			return -1;
		contribute_real(ev, r, rr, ev->res->name, 0);
		break;
	case SERVER_NAME:
		if (r->flags & RULE_LOOKUPMX) {
			if ((rr = real_get(ev, r, host)) == NULL)
				return -1;
			if (rr->status == RULES_REAL_OK)
				contribute_real(ev, r, rr, NULL, 1);
			else
				contribute_server(ev, r);
			break;
		}
		/* FALLTHROUGH */
	default:
		contribute_server(ev, r);
		break;
	}
	if (r->flags & RULE_ADDDNS) {
		if ((rr = real_get(ev, r, ev->res->name)) == NULL)
			return -1;
		contribute_real(ev, r, rr, ev->res->name, 0);
	}
	return 0;
}

/*
 * Whether r applies: 1 yes, 0 no, -1 evaluation must stop (res->rc set).
 */
static int
applies(struct eval *ev, const struct rule *r)
{
	const struct cond	*failed = NULL;
	int			 unknown = 0, rc;

	if (!cond_eval_context(ev->set, r, ev->ctx, &failed, &unknown,
	    &ev->res->client_dependent)) {
		trace(ev, unknown ? RULES_TRACE_UNKNOWN : RULES_TRACE_FAILED,
		    r, failed);
		return 0;
	}
	if (r->flags & RULE_DNSMX) {
		if ((rc = dnsmx_hold(ev, r, &failed)) <= 0) {
			if (rc == 0)
				trace(ev, RULES_TRACE_FAILED, r, failed);
			return rc;
		}
	}
	return 1;
}

static enum rules_rc
finish(struct eval *ev, enum rules_rc rc)
{
	struct rules_result *res = ev->res;

	if (rc == RULES_ANSWER && res->count == 0)
		rc = RULES_NO_OVERRIDE;	/* only real data, and it had none */
	if (rc == RULES_ANSWER)
		records_sort(res);
	res->ttl = ev->ttl;
	res->rc = rc;
	return rc;
}

static void
result_init(struct rules_result *res)
{
	res->rc = RULES_NO_OVERRIDE;
	res->count = 0;
	res->ttl = 0;
	res->client_dependent = 0;
	res->used_real = 0;
	res->need[0] = '\0';
	res->end_line = 0;
}

enum rules_rc
rules_eval(const struct rules *set, const char *qname,
    const struct rules_ctx *ctx, const struct rules_real *real,
    uint32_t ttl, const struct rules_trace *tr, struct rules_result *res)
{
	struct eval	 ev = { set, ctx, real, tr, res,
			    ttl ? ttl : RULES_DEFAULT_TTL };
	struct walk	 w;
	const struct rule *r;
	int		 len, any = 0, rc;

	result_init(res);
	if ((len = rules_name_normalize(qname, res->name)) < 0)
		return res->rc = RULES_BADNAME;
	walk_init(&w, set, res->name, (size_t)len);
	while ((r = walk_next(&w)) != NULL) {
		if ((rc = applies(&ev, r)) < 0)
			return res->rc;
		if (rc == 0)
			continue;
		trace(&ev, RULES_TRACE_APPLIED, r, NULL);
		any = 1;
		if (r->server_kind == SERVER_NULL) {
			res->count = 0;
			res->end_line = r->line;
			return finish(&ev, RULES_NULL_MX);
		}
		if (apply(&ev, r) < 0)
			return res->rc;
		if (r->flags & RULE_END) {
			trace(&ev, RULES_TRACE_END, r, NULL);
			res->end_line = r->line;
			break;
		}
	}
	return finish(&ev, any ? RULES_ANSWER : RULES_NO_OVERRIDE);
}

int
rules_real_add(struct rules_real *real, const struct rules_real_rrset *rr)
{
	if (real->count == RULES_MAX_REAL)
		return -1;
	real->rrset[real->count++] = *rr;
	return 0;
}

const struct rules_real_rrset *
rules_real_find(const struct rules_real *real, const char *name)
{
	size_t i;

	for (i = 0; i < real->count; i++)
		if (strcasecmp(real->rrset[i].name, name) == 0)
			return real->rrset + i;
	return NULL;
}
