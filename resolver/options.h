/*
 * resolver/options.h - mxshimd's command line, checked and turned into a
 * struct mxshimd_options (not to be confused with autoconf's config.h).
 * Nothing here opens sockets or files.
 */
#ifndef MXSHIMD_OPTIONS_H
#define MXSHIMD_OPTIONS_H

#include <stdint.h>

#include "acl.h"
#include "ctl.h"
#include "netaddr.h"

#define OPT_MAX_LISTEN		16
#define OPT_MAX_UPSTREAM	16
#define OPT_MAX_THREADS		64
#define OPT_DEFAULT_TIMEOUT_MS	4000
#define OPT_DEFAULT_CACHE	524288	/* prebuilt answers per worker */
#define OPT_MAX_CACHE		16777216
#define OPT_DEFAULT_SETTLE_MS	200
#define OPT_DEFAULT_TCP_CONN	1024	/* TCP connections in all */
#define OPT_DEFAULT_TCP_CLIENT	128	/* TCP connections per client */
#define OPT_DEFAULT_TCP_IDLE	10	/* seconds */
#define OPT_DEFAULT_INFLIGHT	64	/* per client, waiting for real DNS */
#define OPT_DEFAULT_CONTROL	CTL_DEFAULT_PATH	/* cli/ctl.h */

struct mxshimd_options {
	const char	*rules_path;
	struct netaddr	 listen[OPT_MAX_LISTEN];
	size_t		 nlisten;
	struct netaddr	 upstream[OPT_MAX_UPSTREAM];
	size_t		 nupstream;	/* 0: from resolv.conf */
	const char	*resolv_conf;	/* where default upstreams come from */
	int		 upstream_from_file;	/* they did */
	int		 foreground;
	uint32_t	 ttl;
	struct acl	 acl;
	const char	*user;
	const char	*pidfile;
	unsigned	 threads;	/* 0: one per core */
	unsigned	 timeout_ms;	/* give up on upstream, SERVFAIL */
	int		 verbose;	/* 1: debug lines per overridden answer */
	int		 log_queries;	/* 1: a line per question */
	const char	*control;	/* control socket path, or NULL: none */
	int		 control_default;	/* not given: may fail softly */
	struct netaddr	 metrics;	/* /metrics here when has_metrics */
	int		 has_metrics;
	unsigned long	 cache_entries;	/* prebuilt answers per worker, 0:
					   none (rounded down to a power of 2) */
	unsigned	 settle_ms;	/* SIGHUP: reload once the file has
					   been still this long */
	size_t		 rules_max_bytes;	/* 0: no limit */
	size_t		 rules_max_lines;	/* 0: no limit */
	unsigned	 tcp_max_conn;		/* in all, > 0 */
	unsigned	 tcp_client_conn;	/* per client, 0: no limit */
	unsigned	 tcp_idle;		/* seconds, > 0 */
	unsigned	 client_inflight;	/* per client, 0: no limit */
};

/*
 * Fill cfg from argv.  Returns 0 to run, 1 when --help or --version was
 * printed (exit 0), -1 after printing an error (exit with failure).
 */
int options_parse(int argc, char **argv, struct mxshimd_options *cfg);

#endif /* MXSHIMD_OPTIONS_H */
