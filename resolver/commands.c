/*
 * resolver/commands.c - the control commands.  Each reads what the
 * workers publish for it (counters, per-rule counts, the current rule
 * set) without stopping them; only `flush` asks them to do something.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "commands.h"
#include "explain.h"
#include "netaddr.h"
#include "nexthop.h"
#include "realmx.h"
#include "ruleset.h"
#include "stats.h"
#include "worker.h"

#define PROBE_TIMEOUT_S		1	/* `status`: an upstream is up when it
					   answers within that */
#define TOP_DEFAULT		10
#define UNUSED_MAX		1000	/* never-used lines listed at most */
#define FLUSH_WAIT_MS		2000

static void
iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/*
 * Whether the upstream at sa answers at all: ". NS" without recursion,
 * which any server answers at once (from its cache, or with a referral
 * or a refusal) without going out to the Internet.
 */
static int
probe(const struct sockaddr_storage *ss)
{
	ldns_resolver	*r;
	ldns_rdf	*ns, *root;
	ldns_pkt	*p = NULL;
	uint16_t	 port = 0;
	int		 up = 0;

	if ((r = ldns_resolver_new()) == NULL)
		return 0;
	if ((ns = ldns_sockaddr_storage2rdf(ss, &port)) != NULL &&
	    ldns_resolver_push_nameserver(r, ns) == LDNS_STATUS_OK &&
	    (root = ldns_dname_new_frm_str(".")) != NULL) {
		ldns_resolver_set_port(r, port);
		ldns_resolver_set_timeout(r,
		    (struct timeval){ PROBE_TIMEOUT_S, 0 });
		ldns_resolver_set_retry(r, 1);
		ldns_resolver_set_recursive(r, false);
		up = ldns_resolver_query_status(&p, r, root, LDNS_RR_TYPE_NS,
		    LDNS_RR_CLASS_IN, 0) == LDNS_STATUS_OK && p != NULL;
		ldns_pkt_free(p);
		ldns_rdf_deep_free(root);
	}
	ldns_rdf_deep_free(ns);
	ldns_resolver_deep_free(r);
	return up;
}

static void
status_rules(FILE *out)
{
	struct ruleset	*rs = ruleset_acquire();
	char		 when[32];

	if (rs == NULL)
		return;
	iso_time(rs->loaded, when, sizeof(when));
	fprintf(out, "rule-count: %zu\ngeneration: %lu\nloaded: %s\n",
	    rules_count(rs->rules), rs->generation, when);
	ruleset_release(rs);
}

static void
status_limits(const struct mxshimd_options *cfg, FILE *out)
{
	fprintf(out, "timeout-ms: %u\nclient-inflight: %u\n"
	    "tcp-max-conn: %u\ntcp-client-conn: %u\ntcp-idle: %u\n"
	    "max-rules-bytes: %zu\nmax-rules-lines: %zu\nanswer-cache: %lu\n"
	    "ttl: %u\n", cfg->timeout_ms, cfg->client_inflight,
	    cfg->tcp_max_conn, cfg->tcp_client_conn, cfg->tcp_idle,
	    cfg->rules_max_bytes, cfg->rules_max_lines, cfg->cache_entries,
	    (unsigned)cfg->ttl);
}

static int
cmd_status(const struct commands_env *env, FILE *out)
{
	const struct mxshimd_options	*cfg = env->cfg;
	char			 addr[NETADDR_STRLEN];
	char			 last[COMMANDS_LAST_RELOAD_MAX];
	size_t			 i;

	fprintf(out, "version: %s\nuptime: %lld\nrules: %s\n",
	    PACKAGE_VERSION, (long long)(time(NULL) - env->started),
	    cfg->rules_path);
	status_rules(out);
	env->last_reload(last, sizeof(last));
	fprintf(out, "last-reload: %s\n", last);
	for (i = 0; i < cfg->nupstream; i++) {
		netaddr_format((const struct sockaddr *)&cfg->upstream[i].ss,
		    addr, sizeof(addr));
		fprintf(out, "upstream: %s %s\n", addr,
		    probe(&cfg->upstream[i].ss) ? "up" : "down");
	}
	for (i = 0; i < cfg->nlisten; i++) {
		netaddr_format((const struct sockaddr *)&cfg->listen[i].ss,
		    addr, sizeof(addr));
		fprintf(out, "listen: %s\n", addr);
	}
	fprintf(out, "threads: %u\n", env->nworkers);
	status_limits(cfg, out);
	if (cfg->has_metrics)
		netaddr_format((const struct sockaddr *)&cfg->metrics.ss,
		    addr, sizeof(addr));
	fprintf(out, "metrics: %s\nlog-queries: %s\n",
	    cfg->has_metrics ? addr : "off", cfg->log_queries ? "on" : "off");
	return 0;
}

static int
cmd_stats(int argc, char **argv, FILE *out)
{
	uint64_t v[STAT_COUNT];

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--reset") != 0)) {
		fprintf(out, "usage: stats [--reset]\n");
		return -1;
	}
	stats_sum(v, 1);
	stats_print(out, v);
	if (argc == 2)
		stats_reset();
	return 0;
}

struct hit {
	uint64_t	count;
	size_t		rule;
};

static int
by_count(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* The used rules by count, the unused ones in file order. */
static void
top_print(struct ruleset *rs, unsigned long n, FILE *out)
{
	size_t		 total = rules_count(rs->rules), used = 0, i, unused = 0;
	struct hit	*h;
	char		 when[32];

	if ((h = calloc(total ? total : 1, sizeof(*h))) == NULL) {
		fprintf(out, "out of memory\n");
		return;
	}
	for (i = 0; i < total; i++)
		if ((h[used].count = ruleset_hits(rs, i)) > 0)
			h[used++].rule = i;
	qsort(h, used, sizeof(*h), by_count);
	iso_time(rs->loaded, when, sizeof(when));
	fprintf(out, "# generation %lu, loaded %s: %zu of %zu lines decided "
	    "answers\n", rs->generation, when, used, total);
	for (i = 0; i < used && i < n; i++)
		fprintf(out, "line %u: %llu\n", rules_line_number(rs->rules,
		    h[i].rule), (unsigned long long)h[i].count);
	for (i = 0; i < total; i++) {
		if (ruleset_hits(rs, i) > 0)
			continue;
		if (unused++ < UNUSED_MAX)
			fprintf(out, "never used: line %u\n",
			    rules_line_number(rs->rules, i));
	}
	if (unused > UNUSED_MAX)
		fprintf(out, "never used: %zu more lines\n",
		    unused - UNUSED_MAX);
	free(h);
}

static int
cmd_top(int argc, char **argv, FILE *out)
{
	struct ruleset	*rs;
	unsigned long	 n = TOP_DEFAULT;
	char		*end;

	if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9' ||
	    (n = strtoul(argv[1], &end, 10), *end != '\0')))) {
		fprintf(out, "usage: top [N]\n");
		return -1;
	}
	if ((rs = ruleset_acquire()) == NULL) {
		fprintf(out, "no rules loaded\n");
		return -1;
	}
	top_print(rs, n, out);
	ruleset_release(rs);
	return 0;
}

/* Real MX data for route, from the daemon's upstreams (a nexthop_source). */
static struct realmx *
route_upstream(void *arg, char *err, size_t errlen)
{
	const struct mxshimd_options	*cfg = arg;
	char			 addr[OPT_MAX_UPSTREAM][NETADDR_STRLEN];
	char			*list[OPT_MAX_UPSTREAM];
	size_t			 i;

	for (i = 0; i < cfg->nupstream; i++) {
		netaddr_format((const struct sockaddr *)&cfg->upstream[i].ss,
		    addr[i], sizeof(addr[i]));
		list[i] = addr[i];
	}
	return realmx_new(list, cfg->nupstream, (int)cfg->timeout_ms, err,
	    errlen);
}

static int
cmd_route(const struct commands_env *env, int argc, char **argv, FILE *out)
{
	struct nexthop_source	 src = { route_upstream, (void *)env->cfg,
				    NULL, "" };
	struct rules_ctx	 ctx;
	struct nexthop		*nh;
	struct ruleset		*rs;
	int			 rc = 0;

	memset(&ctx, 0, sizeof(ctx));
	if (!(argc == 2 || (argc == 4 && strcmp(argv[2], "--client") == 0 &&
	    rules_explain_client(argv[3], &ctx) == 0))) {
		fprintf(out, "usage: route NAME [--client IP]\n");
		return -1;
	}
	if ((nh = malloc(sizeof(*nh))) == NULL ||
	    (rs = ruleset_acquire()) == NULL) {
		free(nh);
		fprintf(out, "out of memory, or no rules loaded\n");
		return -1;
	}
	if (nexthop_eval(rs->rules, &src, argv[1], &ctx, env->cfg->ttl, 0,
	    nh) == -1)
		fprintf(out, "# cannot look up real data: %s\n", src.err);
	if (nh->kind == NEXTHOP_BADNAME) {
		fprintf(out, "'%s' is not a valid domain name\n", argv[1]);
		rc = -1;
	} else {
		nexthop_print(out, nh, 0);
		fprintf(out, "\nexplain (%s, generation %lu%s):\n", argv[1],
		    rs->generation, argc == 2 ? ", client unknown" : "");
		rules_explain_trace(out, rs->rules, argv[1], &ctx, &nh->real,
		    env->cfg->ttl, 0);
	}
	realmx_free(src.rm);
	ruleset_release(rs);
	free(nh);
	return rc;
}

static int
cmd_flush(const struct commands_env *env, FILE *out)
{
	unsigned	before[OPT_MAX_THREADS], i, done = 0;
	struct timespec	nap = { 0, 5 * 1000000L };
	int		waited;

	for (i = 0; i < env->nworkers; i++) {
		before[i] = worker_flushed(env->workers[i]);
		if (worker_flush(env->workers[i]) == -1) {
			fprintf(out, "cannot reach worker %u: %s\n", i,
			    strerror(errno));
			return -1;
		}
	}
	for (waited = 0; waited < FLUSH_WAIT_MS; waited += 5) {
		for (i = 0, done = 0; i < env->nworkers; i++)
			done += worker_flushed(env->workers[i]) != before[i];
		if (done == env->nworkers)
			break;
		nanosleep(&nap, NULL);
	}
	fprintf(out, "flushed %u of %u workers\n", done, env->nworkers);
	return done == env->nworkers ? 0 : -1;
}

int
commands_slow(void *arg, int argc, char **argv)
{
	(void)arg;
	(void)argc;
	return strcmp(argv[0], "status") == 0 || strcmp(argv[0], "route") == 0;
}

int
commands_run(void *arg, int argc, char **argv, FILE *out)
{
	const struct commands_env *env = arg;

	if (strcmp(argv[0], "reload") == 0 && argc == 1)
		return env->reload(out);
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		return cmd_status(env, out);
	if (strcmp(argv[0], "stats") == 0)
		return cmd_stats(argc, argv, out);
	if (strcmp(argv[0], "top") == 0)
		return cmd_top(argc, argv, out);
	if (strcmp(argv[0], "route") == 0)
		return cmd_route(env, argc, argv, out);
	if (strcmp(argv[0], "flush") == 0 && argc == 1)
		return cmd_flush(env, out);
	fprintf(out, "unknown command or arguments: %s (commands: reload, "
	    "status, stats [--reset], top [N], route NAME [--client IP], "
	    "flush)\n", argv[0]);
	return -1;
}
