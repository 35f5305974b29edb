/*
 * cli/route_json.c - `mxshim route --json`: one evaluation as one JSON
 * object, built with jansson.  Credentials are left out unless asked
 * for: a record says "password": "***", and the trace's line text has the
 * password masked as the text output masks it (rules_explain_secret()).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "explain.h"
#include "route.h"

struct trace_json {
	json_t			*events;
	const struct rules	*set;
	const char		*name;
	const struct rules_real	*real;
	int			 show_secrets;
	int			 failed;
};

static const char *
outcome(enum nexthop_kind k)
{
	static const char *const words[] = {
		[NEXTHOP_OVERRIDE] = "override",
		[NEXTHOP_NULL] = "null",
		[NEXTHOP_REAL] = "real",
		[NEXTHOP_REAL_NULL] = "real-null",
		[NEXTHOP_IMPLICIT] = "implicit",
		[NEXTHOP_NXDOMAIN] = "nxdomain",
		[NEXTHOP_NOT_LOOKED_UP] = "real",
		[NEXTHOP_SERVFAIL] = "servfail",
		[NEXTHOP_BADNAME] = "badname",
	};

	return words[k];
}

static const char *
event_word(enum rules_trace_kind k)
{
	switch (k) {
	case RULES_TRACE_APPLIED: return "applied";
	case RULES_TRACE_FAILED: return "false";
	case RULES_TRACE_UNKNOWN: return "unknown";
	case RULES_TRACE_END: return "end";
	default: return "servfail";
	}
}

/* The line's text, its password masked unless show_secrets. */
static json_t *
line_text(const char *text, size_t len, int show_secrets)
{
	size_t	 start, end;
	char	*buf;
	json_t	*j;

	if (show_secrets || !rules_explain_secret(text, len, &start, &end))
		return json_stringn(text, len);
	if ((buf = malloc(len + 4)) == NULL)
		return NULL;
	memcpy(buf, text, start);
	memcpy(buf + start, "***", 3);
	memcpy(buf + start + 3, text + end, len - end);
	j = json_stringn(buf, start + 3 + len - end);
	free(buf);
	return j;
}

/* The hosts of a real MX RRset, in its order. */
static json_t *
real_hosts(const struct rules_real_rrset *rr)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; rr->status == RULES_REAL_OK && i < rr->count; i++)
		json_array_append_new(a, json_pack("{s:i,s:s}", "preference",
		    (json_int_t)rr->mx[i].pref, "host",
		    rr->mx[i].host[0] ? rr->mx[i].host : "."));
	return a;
}

static void
on_event(void *arg, const struct rules_trace_event *ev)
{
	struct trace_json		*tj = arg;
	const struct rules_real_rrset	*rr;
	json_t				*e;

	e = json_pack("{s:i,s:s,s:o*}", "line", (json_int_t)ev->line,
	    "event", event_word(ev->kind), "text",
	    line_text(ev->line_text, ev->line_len, tj->show_secrets));
	if (e == NULL) {
		tj->failed = 1;
		return;
	}
	if (ev->token != NULL && (ev->kind == RULES_TRACE_FAILED ||
	    ev->kind == RULES_TRACE_UNKNOWN))
		json_object_set_new(e, "condition",
		    json_stringn(ev->token, ev->token_len));
	if ((rr = rules_explain_dnsmx(tj->set, tj->name, tj->real, ev)) !=
	    NULL)
		json_object_set_new(e, "dnsmx_compared", real_hosts(rr));
	json_array_append_new(tj->events, e);
}

static json_t *
trace(const struct rules *set, const struct nexthop *nh,
    const struct rules_ctx *ctx, uint32_t ttl, int show_secrets)
{
	struct trace_json	 tj = { json_array(), set, NULL, &nh->real,
				    show_secrets, 0 };
	struct rules_trace	 tr = { on_event, &tj };
	struct rules_result	*res = malloc(sizeof(*res));

	if (res == NULL || tj.events == NULL) {
		free(res);
		json_decref(tj.events);
		return NULL;
	}
	tj.name = res->name;	/* filled before the first event */
	rules_eval(set, nh->res.name, ctx, &nh->real, ttl, &tr, res);
	free(res);
	if (tj.failed) {
		json_decref(tj.events);
		return NULL;
	}
	return tj.events;
}

static json_t *
record(const struct rules_record *rec, int show_secrets)
{
	uint8_t	 addr[16];
	char	 text[INET6_ADDRSTRLEN];
	int	 family;
	json_t	*r;

	r = json_pack("{s:i,s:s,s:i}", "preference", (json_int_t)rec->pref,
	    "host", rec->host, "port", (json_int_t)rec->port);
	if (r == NULL)
		return NULL;
	if (rec->real) {
		json_object_set_new(r, "source", json_string("real"));
		json_object_set_new(r, "line", json_integer(rec->line));
	} else
		json_object_set_new(r, "source", json_integer(rec->line));
	if ((family = rules_synth_addr(rec->host, addr)) != 0 &&
	    inet_ntop(family, addr, text, sizeof(text)) != NULL)
		json_object_set_new(r, "address", json_string(text));
	if (rec->user != NULL) {
		json_object_set_new(r, "user", json_string(rec->user));
		json_object_set_new(r, "password",
		    json_string(show_secrets ? rec->pass : "***"));
	}
	return r;
}

/* The final next hops: the rules' records, or the real ones. */
static json_t *
records(const struct nexthop *nh, int show_secrets)
{
	const struct rules_real_rrset	*rr = nh->final;
	json_t				*a = json_array();
	size_t				 i;

	if (nh->kind == NEXTHOP_OVERRIDE)
		for (i = 0; i < nh->res.count; i++)
			json_array_append_new(a, record(nh->res.record + i,
			    show_secrets));
	else if (nh->kind == NEXTHOP_NULL)
		json_array_append_new(a, json_pack("{s:i,s:s,s:i}",
		    "preference", 0, "host", ".", "source",
		    (json_int_t)nh->res.end_line));
	else if (nh->kind == NEXTHOP_REAL_NULL)
		json_array_append_new(a, json_pack("{s:i,s:s,s:s}",
		    "preference", 0, "host", ".", "source", "real"));
	else if (nh->kind == NEXTHOP_IMPLICIT)
		json_array_append_new(a, json_pack("{s:i,s:s,s:i,s:s}",
		    "preference", 0, "host", rr->name, "port", 25,
		    "source", "real"));
	else if (nh->kind == NEXTHOP_REAL)
		for (i = 0; i < rr->count; i++)
			if (rr->mx[i].host[0] != '\0')
				json_array_append_new(a, json_pack(
				    "{s:i,s:s,s:i,s:s}", "preference",
				    (json_int_t)rr->mx[i].pref, "host",
				    rr->mx[i].host, "port", 25, "source",
				    "real"));
	return a;
}

static json_int_t
ttl_of(const struct nexthop *nh)
{
	if (nh->final != NULL)
		return nh->final->ttl;
	return nh->kind == NEXTHOP_OVERRIDE || nh->kind == NEXTHOP_NULL ?
	    (json_int_t)nh->res.ttl : 0;
}

int
route_json(FILE *f, const struct rules *set, const char *query,
    const struct nexthop *nh, const struct rules_ctx *ctx, uint32_t ttl,
    int show_secrets)
{
	json_t	*o;
	int	 rc;

	if (nh->kind == NEXTHOP_BADNAME)
		o = json_pack("{s:s,s:s,s:s}", "query", query, "name",
		    route_domain(query), "error", "not a valid domain name");
	else
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:o,s:o*}",
		    "query", query, "name", nh->res.name, "outcome",
		    outcome(nh->kind), "rcode", nexthop_rcode(nh), "mta",
		    nexthop_mta(nh), "ttl", ttl_of(nh), "client_dependent",
		    nh->res.client_dependent, "records",
		    records(nh, show_secrets), "trace",
		    trace(set, nh, ctx, ttl, show_secrets));
	if (o == NULL)
		return -1;
	if (nh->kind == NEXTHOP_SERVFAIL)
		json_object_set_new(o, "failed_lookup",
		    json_string(nh->res.need));
	rc = json_dumpf(o, f, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc == -1 || fputc('\n', f) == EOF)
		return -1;
	return 0;
}
