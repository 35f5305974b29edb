/*
 * resolver/metrics.c - /metrics with evhttp.  Besides the counters: two
 * gauges, the rules loaded and their generation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "acl.h"
#include "metrics.h"
#include "netaddr.h"
#include "ruleset.h"
#include "stats.h"

#define METRICS_TIMEOUT_S	10
#define METRICS_MAX_HEADERS	8192

struct metrics {
	const struct mxshimd_options	*cfg;
	struct evhttp		*http;
};

static int
allowed(const struct metrics *m, struct evhttp_request *req)
{
	struct evhttp_connection	*conn;
	const struct sockaddr		*sa;
	uint8_t				 addr[16];
	int				 family;

	if ((conn = evhttp_request_get_connection(req)) == NULL ||
	    (sa = evhttp_connection_get_addr(conn)) == NULL)
		return 0;
	family = netaddr_raw(sa, addr);
	return acl_allows(&m->cfg->acl, family, addr);
}

static void
gauges(FILE *f)
{
	struct ruleset *rs = ruleset_acquire();

	if (rs == NULL)
		return;
	fprintf(f, "# HELP mxshim_rules Override lines loaded.\n"
	    "# TYPE mxshim_rules gauge\nmxshim_rules %zu\n"
	    "# HELP mxshim_rules_generation Rule sets loaded since start.\n"
	    "# TYPE mxshim_rules_generation gauge\n"
	    "mxshim_rules_generation %lu\n", rules_count(rs->rules),
	    rs->generation);
	ruleset_release(rs);
}

static void
serve_metrics(struct evhttp_request *req, void *arg)
{
	struct metrics	*m = arg;
	struct evbuffer	*body;
	uint64_t	 v[STAT_COUNT];
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*f;

	if (!allowed(m, req)) {
		evhttp_send_error(req, 403, "Forbidden");
		return;
	}
	if ((body = evbuffer_new()) == NULL ||
	    (f = open_memstream(&text, &len)) == NULL) {
		if (body != NULL)
			evbuffer_free(body);
		evhttp_send_error(req, 500, "Out of memory");
		return;
	}
	stats_sum(v, 0);
	stats_prometheus(f, v);
	gauges(f);
	if (fclose(f) == 0)
		evbuffer_add(body, text, len);
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

static void
not_found(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, "Only /metrics here");
}

struct metrics *
metrics_open(const struct mxshimd_options *cfg, struct event_base *base,
    char *err, size_t errlen)
{
	struct metrics	*m;
	char		 host[NETADDR_STRLEN], where[NETADDR_STRLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&cfg->metrics.ss;

	netaddr_format(sa, where, sizeof(where));
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->http = evhttp_new(base)) == NULL) {
		free(m);
		snprintf(err, errlen, "--metrics %s: out of memory", where);
		return NULL;
	}
	m->cfg = cfg;
	netaddr_format_host(sa, host, sizeof(host));
	evhttp_set_timeout(m->http, METRICS_TIMEOUT_S);
	evhttp_set_max_headers_size(m->http, METRICS_MAX_HEADERS);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_cb(m->http, "/metrics", serve_metrics, m);
	evhttp_set_gencb(m->http, not_found, NULL);
	if (evhttp_bind_socket(m->http, host, netaddr_port(sa)) != 0) {
		snprintf(err, errlen, "--metrics %s: cannot listen there",
		    where);
		metrics_close(m);
		return NULL;
	}
	return m;
}

void
metrics_close(struct metrics *m)
{
	if (m == NULL)
		return;
	evhttp_free(m->http);
	free(m);
}
