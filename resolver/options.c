/*
 * resolver/options.c - command line parsing for mxshimd.
 *
 * Long options carry the names the issue fixed; every value is checked here
 * so that main() only deals with valid settings.
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "rules.h"

enum {
	OPT_RULES = 'r', OPT_LISTEN = 'l', OPT_UPSTREAM = 'u',
	OPT_FOREGROUND = 'f', OPT_TTL = 't', OPT_ALLOW = 'a',
	OPT_USER = 'U', OPT_PIDFILE = 'p', OPT_THREADS = 'n',
	OPT_VERBOSE = 'v', OPT_HELP = 'h', OPT_VERSION = 'V',
	OPT_TIMEOUT = 256, OPT_RESOLV_CONF, OPT_ANSWER_CACHE,
	OPT_MAX_BYTES, OPT_MAX_LINES, OPT_TCP_MAX_CONN, OPT_TCP_CLIENT_CONN,
	OPT_TCP_IDLE, OPT_CLIENT_INFLIGHT, OPT_SETTLE, OPT_LOG_QUERIES,
	OPT_CONTROL, OPT_METRICS
};

static const struct option longopts[] = {
	{ "rules",	required_argument,	NULL, OPT_RULES },
	{ "listen",	required_argument,	NULL, OPT_LISTEN },
	{ "upstream",	required_argument,	NULL, OPT_UPSTREAM },
	{ "foreground",	no_argument,		NULL, OPT_FOREGROUND },
	{ "ttl",	required_argument,	NULL, OPT_TTL },
	{ "allow",	required_argument,	NULL, OPT_ALLOW },
	{ "user",	required_argument,	NULL, OPT_USER },
	{ "pidfile",	required_argument,	NULL, OPT_PIDFILE },
	{ "threads",	required_argument,	NULL, OPT_THREADS },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "resolv-conf", required_argument,	NULL, OPT_RESOLV_CONF },
	{ "answer-cache", required_argument,	NULL, OPT_ANSWER_CACHE },
	{ "settle",	required_argument,	NULL, OPT_SETTLE },
	{ "max-rules-bytes", required_argument,	NULL, OPT_MAX_BYTES },
	{ "max-rules-lines", required_argument,	NULL, OPT_MAX_LINES },
	{ "tcp-max-conn", required_argument,	NULL, OPT_TCP_MAX_CONN },
	{ "tcp-client-conn", required_argument,	NULL, OPT_TCP_CLIENT_CONN },
	{ "tcp-idle",	required_argument,	NULL, OPT_TCP_IDLE },
	{ "client-inflight", required_argument,	NULL, OPT_CLIENT_INFLIGHT },
	{ "verbose",	no_argument,		NULL, OPT_VERBOSE },
	{ "log-queries", no_argument,		NULL, OPT_LOG_QUERIES },
	{ "control",	required_argument,	NULL, OPT_CONTROL },
	{ "metrics",	required_argument,	NULL, OPT_METRICS },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: mxshimd --rules FILE [--listen ADDR@PORT]... [--upstream ADDR@PORT]...\n"
"               [--foreground] [--ttl SECONDS] [--allow CIDR]... [--user USER]\n"
"               [--pidfile FILE] [--threads N] [--timeout MS]\n"
"               [--resolv-conf FILE] [--answer-cache ENTRIES] [--settle MS]\n"
"               [--verbose] [--log-queries] [--control PATH|none]\n"
"               [--metrics ADDR@PORT]\n"
"               [--max-rules-bytes SIZE] [--max-rules-lines N]\n"
"               [--tcp-max-conn N] [--tcp-client-conn N] [--tcp-idle SECONDS]\n"
"               [--client-inflight N]\n"
"Answers MX questions from the override rules, relays the rest to real DNS.\n"
"\n"
"  --rules FILE            the rules file (required); SIGHUP or\n"
"                          `mxshim ctl reload` reloads it\n"
"  --listen ADDR@PORT      where to answer, UDP and TCP (default 127.0.0.1@53)\n"
"  --upstream ADDR@PORT    real DNS (default: nameservers of --resolv-conf)\n"
"  --foreground            stay attached, log to stderr (default: syslog)\n"
"  --ttl SECONDS           TTL of synthesized records (default 60)\n"
"  --allow CIDR            who may ask (default loopback only); others REFUSED\n"
"  --user USER             drop to USER after binding\n"
"  --pidfile FILE          write the process ID there\n"
"  --threads N             worker threads (default one per CPU)\n"
"  --timeout MS            SERVFAIL after waiting that long for real DNS\n"
"                          (default 4000)\n"
"  --resolv-conf FILE      where default upstreams come from\n"
"                          (default /etc/resolv.conf)\n"
"  --answer-cache ENTRIES  prebuilt answers per worker (default 524288)\n"
"  --settle MS             on SIGHUP, wait until the file is still that long\n"
"                          (default 200)\n"
"  --verbose               log each overridden answer (never credentials)\n"
"  --log-queries           log a line per question: client, name, type,\n"
"                          transport, path, rcode, latency, rule lines\n"
"  --control PATH          control socket for `mxshim ctl` (default\n"
"                          " OPT_DEFAULT_CONTROL "; none: no socket)\n"
"  --metrics ADDR@PORT     serve Prometheus /metrics there (default off;\n"
"                          clients as --allow, loopback by default)\n"
"\n"
"Limits (0 turns a per-client or rules limit off):\n"
"  --max-rules-bytes SIZE  refuse a larger rules file (default 64M; K, M, G)\n"
"  --max-rules-lines N     refuse a rules file of more lines (default 2000000)\n"
"  --tcp-max-conn N        open TCP connections in all (default 1024)\n"
"  --tcp-client-conn N     open TCP connections per client (default 128)\n"
"  --tcp-idle SECONDS      close a TCP connection with no whole question nor\n"
"                          answer sent for that long (default 10)\n"
"  --client-inflight N     questions per client waiting for real DNS; more\n"
"                          are answered SERVFAIL at once (default 64)\n"
"See mxshimd(8).\n");
}

/* Parse an unsigned decimal in [min, max]; -1 on anything else. */
static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoul(s, &end, 10);
	if (*end != '\0' || *out < min || *out > max)
		return -1;
	return 0;
}

static int
bad(const char *opt, const char *val, const char *expected)
{
	fprintf(stderr, "mxshimd: --%s %s: expected %s\n", opt, val, expected);
	return -1;
}

static int
add_addr(struct netaddr *list, size_t *n, size_t max, const char *opt,
    const char *val)
{
	if (*n == max)
		return bad(opt, val, "fewer addresses (limit reached)");
	if (netaddr_parse(val, 53, &list[*n]) == -1)
		return bad(opt, val, "ADDR or ADDR@PORT, e.g. 127.0.0.1@53 "
		    "or ::1@5353");
	(*n)++;
	return 0;
}

/* The options of the limits section of usage(). */
static int
limit_option(int c, const char *arg, struct mxshimd_options *cfg)
{
	unsigned long v;

	switch (c) {
	case OPT_MAX_BYTES:
		if (rules_parse_size(arg, &cfg->rules_max_bytes) == -1)
			return bad("max-rules-bytes", arg, "a size in bytes "
			    "such as 1048576 or 64M");
		return 0;
	case OPT_MAX_LINES:
		if (parse_uint(arg, 0, UINT32_MAX, &v) == -1)
			return bad("max-rules-lines", arg, "a number of lines");
		cfg->rules_max_lines = v;
		return 0;
	case OPT_TCP_MAX_CONN:
		if (parse_uint(arg, 1, 1000000, &v) == -1)
			return bad("tcp-max-conn", arg, "a number of "
			    "connections, 1-1000000");
		cfg->tcp_max_conn = (unsigned)v;
		return 0;
	case OPT_TCP_CLIENT_CONN:
		if (parse_uint(arg, 0, 1000000, &v) == -1)
			return bad("tcp-client-conn", arg, "a number of "
			    "connections, 0-1000000");
		cfg->tcp_client_conn = (unsigned)v;
		return 0;
	case OPT_TCP_IDLE:
		if (parse_uint(arg, 1, 3600, &v) == -1)
			return bad("tcp-idle", arg, "seconds, 1-3600");
		cfg->tcp_idle = (unsigned)v;
		return 0;
	case OPT_CLIENT_INFLIGHT:
		if (parse_uint(arg, 0, 1000000, &v) == -1)
			return bad("client-inflight", arg, "a number of "
			    "questions, 0-1000000");
		cfg->client_inflight = (unsigned)v;
		return 0;
	}
	usage(stderr);
	return -1;
}

/* The numbers that tune answering: TTL, threads, timeout, cache, settle. */
static int
tuning_option(int c, const char *arg, struct mxshimd_options *cfg)
{
	unsigned long v;

	switch (c) {
	case OPT_TTL:
		if (parse_uint(arg, 0, 2147483647UL, &v) == -1)
			return bad("ttl", arg, "seconds, 0-2147483647");
		cfg->ttl = (uint32_t)v;
		return 0;
	case OPT_THREADS:
		if (parse_uint(arg, 1, OPT_MAX_THREADS, &v) == -1)
			return bad("threads", arg, "a number of threads, 1-64");
		cfg->threads = (unsigned)v;
		return 0;
	case OPT_TIMEOUT:
		if (parse_uint(arg, 100, 60000, &v) == -1)
			return bad("timeout", arg, "milliseconds, 100-60000");
		cfg->timeout_ms = (unsigned)v;
		return 0;
	case OPT_ANSWER_CACHE:
		if (parse_uint(arg, 0, OPT_MAX_CACHE, &v) == -1)
			return bad("answer-cache", arg, "a number of entries, "
			    "0-16777216");
		cfg->cache_entries = v;
		return 0;
	case OPT_SETTLE:
		if (parse_uint(arg, 0, 60000, &v) == -1)
			return bad("settle", arg, "milliseconds, 0-60000");
		cfg->settle_ms = (unsigned)v;
		return 0;
	}
	return limit_option(c, arg, cfg);
}

/* What the operator watches it with: control, metrics, query log. */
static int
ops_option(int c, const char *arg, struct mxshimd_options *cfg)
{
	switch (c) {
	case OPT_LOG_QUERIES:
		cfg->log_queries = 1;
		return 0;
	case OPT_CONTROL:
		if (*arg == '\0')
			return bad("control", arg, "a socket path or none");
		cfg->control = strcmp(arg, "none") == 0 ? NULL : arg;
		cfg->control_default = 0;
		return 0;
	case OPT_METRICS:
		if (netaddr_parse(arg, 0, &cfg->metrics) == -1 ||
		    netaddr_port((struct sockaddr *)&cfg->metrics.ss) == 0)
			return bad("metrics", arg, "ADDR@PORT, e.g. "
			    "127.0.0.1@9153");
		cfg->has_metrics = 1;
		return 0;
	}
	return tuning_option(c, arg, cfg);
}

/* Files, addresses, who may ask, and the switches. */
static int
one_option(int c, const char *arg, struct mxshimd_options *cfg)
{
	switch (c) {
	case OPT_RULES:
		cfg->rules_path = arg;
		return 0;
	case OPT_LISTEN:
		return add_addr(cfg->listen, &cfg->nlisten, OPT_MAX_LISTEN,
		    "listen", arg);
	case OPT_UPSTREAM:
		return add_addr(cfg->upstream, &cfg->nupstream,
		    OPT_MAX_UPSTREAM, "upstream", arg);
	case OPT_ALLOW:
		if (acl_add(&cfg->acl, arg) == -1)
			return bad("allow", arg, "an address or CIDR such as "
			    "10.0.0.0/8 or 2001:db8::/32");
		return 0;
	case OPT_USER:
		cfg->user = arg;
		return 0;
	case OPT_PIDFILE:
		cfg->pidfile = arg;
		return 0;
	case OPT_RESOLV_CONF:
		cfg->resolv_conf = arg;
		return 0;
	case OPT_FOREGROUND:
		cfg->foreground = 1;
		return 0;
	case OPT_VERBOSE:
		cfg->verbose = 1;
		return 0;
	}
	return ops_option(c, arg, cfg);
}

int
options_parse(int argc, char **argv, struct mxshimd_options *cfg)
{
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->ttl = 60;
	cfg->timeout_ms = OPT_DEFAULT_TIMEOUT_MS;
	cfg->cache_entries = OPT_DEFAULT_CACHE;
	cfg->settle_ms = OPT_DEFAULT_SETTLE_MS;
	cfg->resolv_conf = "/etc/resolv.conf";
	cfg->control = OPT_DEFAULT_CONTROL;
	cfg->control_default = 1;
	cfg->rules_max_bytes = RULES_DEFAULT_MAX_BYTES;
	cfg->rules_max_lines = RULES_DEFAULT_MAX_LINES;
	cfg->tcp_max_conn = OPT_DEFAULT_TCP_CONN;
	cfg->tcp_client_conn = OPT_DEFAULT_TCP_CLIENT;
	cfg->tcp_idle = OPT_DEFAULT_TCP_IDLE;
	cfg->client_inflight = OPT_DEFAULT_INFLIGHT;
	while ((c = getopt_long(argc, argv, "r:l:u:ft:a:U:p:n:vhV", longopts,
	    NULL)) != -1) {
		if (c == OPT_HELP) {
			usage(stdout);
			return 1;
		}
		if (c == OPT_VERSION) {
			printf("mxshimd %s\n", PACKAGE_VERSION);
			return 1;
		}
		if (one_option(c, optarg, cfg) == -1)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "mxshimd: unexpected argument: %s\n",
		    argv[optind]);
		usage(stderr);
		return -1;
	}
	if (cfg->rules_path == NULL) {
		fprintf(stderr, "mxshimd: --rules FILE is required\n");
		usage(stderr);
		return -1;
	}
	if (cfg->nlisten == 0) {
		(void)netaddr_parse("127.0.0.1@53", 53, &cfg->listen[0]);
		cfg->nlisten = 1;
	}
	acl_default(&cfg->acl);
	return 0;
}
