/*
 * resolver/upstream.c - forwarders and the libunbound contexts.
 *
 * Each worker has its own context driven by its own libevent base
 * (ub_ctx_create_event): no background thread, no pipe, cached answers
 * come back inside the worker's loop.  The contexts forward everything
 * ("." forward zone) to the upstreams, private and special-use zones too,
 * and do not validate: validation is the upstream resolver's job, and
 * mxshimd never sets AD (ubstub.c, shared with `mxshim route`).
 *
 * An upstream that stops answering: libunbound doubles the timeout of each
 * try up to infra-cache-max-rtt; an upstream at that cap counts as down and
 * lookups fail at once until its infra-cache entry expires (infra-host-ttl)
 * and a probe goes out.  With Unbound's defaults (120 s, 900 s) mxshimd
 * kept answering SERVFAIL for up to 15 minutes after its upstream came
 * back (tests/integration/resolver_chaos.sh).  Here the entries live 0 s:
 * an entry expires when libunbound's clock passes to the next second, so
 * each worker probes a down upstream about once a second and answers
 * come back within a second of its return.  Entries of 5 s (the previous
 * setting) left one worker answering SERVFAIL at once while the other
 * answered, for up to 6 s; infra-keep-probing changes nothing here, since
 * libunbound 1.17 only probes that way past 12 s of timeout (PROBE_MAXRTO),
 * above the cap below (doc/hardening.md has the figures).  What remains: a
 * try sent during the outage that times out after the return finds the
 * entry expired and marks the upstream down again, for up to a second,
 * until infra-cache-max-rtt after the return; query.c then moves to a
 * new context.
 *
 * A try waits at most three times --timeout: an abandoned question does
 * not keep libunbound busy for minutes, and an upstream that answers
 * within the timeout does not reach the cap (a try waits srtt + 4 rttvar,
 * which overshoots while a slow upstream is being learnt).  An expired
 * entry has also forgotten the round trip time: its first tries wait
 * 1128 ms (unbound.conf(5)'s value for a satellite link) rather than
 * 376 ms, or an upstream slower than that (a slow link, a resolver
 * chasing a cold name) would be asked three times, its late answers
 * thrown away, every second.
 *
 * A try also waits at least 1 s (half of --timeout when that is shorter,
 * so a lost packet is still sent again in time).  libunbound learns one
 * round trip time per upstream; Unbound's floor of 50 ms is made for
 * authoritative servers.  An upstream that answers cached names in a
 * millisecond taught libunbound to give up on a name it is still
 * resolving after a few tries 100 ms apart: each such name freed its
 * --client-inflight slot within 2 s while the upstream kept working on
 * it, so a client flooding names that hang upstream could fill the
 * upstream's own request list and the other clients' questions were
 * dropped there (bench/resolver/fairness.sh: B answered 18-20% in 6
 * runs of 11).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <unbound.h>
#include <unbound-event.h>

#include "ubstub.h"
#include "upstream.h"

/* libunbound 1.17 gives a probe of a down upstream infra-cache-max-rtt
   minus 1 s: keep that above its 400 ms band */
#define UPSTREAM_MIN_MAX_RTT	2000u
/* the shortest wait of a try, when --timeout is long enough */
#define UPSTREAM_MIN_RTT	1000u

int
upstream_defaults(struct mxshimd_options *cfg, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[512], word[32], addr[NETADDR_STRLEN];

	if (cfg->nupstream != 0)
		return 0;
	if ((f = fopen(cfg->resolv_conf, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s; give --upstream ADDR@PORT",
		    cfg->resolv_conf, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL &&
	    cfg->nupstream < OPT_MAX_UPSTREAM) {
		if (sscanf(line, "%31s %63s", word, addr) != 2 ||
		    strcmp(word, "nameserver") != 0)
			continue;
		/* a scoped address ("fe80::1%eth0") cannot be forwarded to */
		if (netaddr_parse(addr, 53,
		    &cfg->upstream[cfg->nupstream]) == 0)
			cfg->nupstream++;
	}
	fclose(f);
	cfg->upstream_from_file = 1;
	if (cfg->nupstream == 0) {
		snprintf(err, errlen, "%s names no usable nameserver; give "
		    "--upstream ADDR@PORT", cfg->resolv_conf);
		return -1;
	}
	return 0;
}

/* Whether addr belongs to this host: it can be bound to. */
static int
is_local_address(const struct netaddr *na)
{
	struct sockaddr_storage	ss = na->ss;
	int			fd, ok;

	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) == -1)
		return 0;
	ok = bind(fd, (struct sockaddr *)&ss, na->len) == 0;
	close(fd);
	return ok;
}

static int
is_self(const struct netaddr *up, const struct netaddr *lis)
{
	const struct sockaddr *u = (const struct sockaddr *)&up->ss;
	const struct sockaddr *l = (const struct sockaddr *)&lis->ss;

	if (netaddr_port(u) != netaddr_port(l))
		return 0;
	if (netaddr_same_host(u, l))
		return 1;
	return netaddr_is_any(l) && u->sa_family == l->sa_family &&
	    is_local_address(up);
}

int
upstream_check_loop(const struct mxshimd_options *cfg, char *err, size_t errlen)
{
	char	up[NETADDR_STRLEN], lis[NETADDR_STRLEN];
	size_t	i, j;

	for (i = 0; i < cfg->nupstream; i++)
		for (j = 0; j < cfg->nlisten; j++) {
			if (!is_self(&cfg->upstream[i], &cfg->listen[j]))
				continue;
			netaddr_format((const struct sockaddr *)
			    &cfg->upstream[i].ss, up, sizeof(up));
			netaddr_format((const struct sockaddr *)
			    &cfg->listen[j].ss, lis, sizeof(lis));
			snprintf(err, errlen, "upstream %s%s%s is mxshimd "
			    "itself (listening on %s): queries would loop; "
			    "give --upstream with the address of a real "
			    "resolver", up,
			    cfg->upstream_from_file ? " from " : "",
			    cfg->upstream_from_file ? cfg->resolv_conf : "",
			    lis);
			return -1;
		}
	return 0;
}

static int
set_ms(struct ub_ctx *ub, const char *opt, unsigned ms, char *err,
    size_t errlen)
{
	char val[16];

	snprintf(val, sizeof(val), "%u", ms);
	return ubstub_set(ub, opt, val, err, errlen);
}

unsigned
upstream_try_max_ms(const struct mxshimd_options *cfg)
{
	unsigned max = 3 * cfg->timeout_ms;

	return max < UPSTREAM_MIN_MAX_RTT ? UPSTREAM_MIN_MAX_RTT : max;
}

/* The bounds of a try's timeout: see the top. */
static int
set_rtt_bounds(struct ub_ctx *ub, const struct mxshimd_options *cfg, char *err,
    size_t errlen)
{
	unsigned max = upstream_try_max_ms(cfg), min = cfg->timeout_ms / 2;

	if (min > UPSTREAM_MIN_RTT)
		min = UPSTREAM_MIN_RTT;
	if (set_ms(ub, "infra-cache-max-rtt:", max, err, errlen) == -1)
		return -1;
	return set_ms(ub, "infra-cache-min-rtt:", min, err, errlen);
}

struct ub_ctx *
upstream_context(const struct mxshimd_options *cfg, struct event_base *base,
    char *err, size_t errlen)
{
	/* A resolver's capacity on top of ubstub_configure(). */
	static const char *const opts[][2] = {
		{ "num-queries-per-thread:", "4096" },
		{ "outgoing-range:", "8192" },
		/* libunbound's defaults are made for one program's lookups
		   (1 MB caches, 2 TCP sockets); a resolver needs Unbound's */
		{ "msg-cache-size:", "16m" },
		{ "rrset-cache-size:", "32m" },
		{ "outgoing-num-tcp:", "64" },
		{ "incoming-num-tcp:", "0" },
		{ "prefetch:", "yes" },	/* hot names stay cached */
		{ "minimal-responses:", "no" },
		/* a down upstream is probed every second; see the top */
		{ "infra-host-ttl:", "0" },
		{ "unknown-server-time-limit:", "1128" },
	};
	struct ub_ctx	*ub;
	char		 addr[NETADDR_STRLEN];
	size_t		 i;
	int		 rc;

	if ((ub = ub_ctx_create_event(base)) == NULL) {
		snprintf(err, errlen, "cannot create a libunbound context");
		return NULL;
	}
	if (ubstub_configure(ub, err, errlen) == -1)
		goto fail;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (ubstub_set(ub, opts[i][0], opts[i][1], err, errlen) == -1)
			goto fail;
	if (set_rtt_bounds(ub, cfg, err, errlen) == -1)
		goto fail;
	for (i = 0; i < cfg->nupstream; i++) {
		netaddr_format((const struct sockaddr *)&cfg->upstream[i].ss,
		    addr, sizeof(addr));
		if ((rc = ub_ctx_set_fwd(ub, addr)) != 0) {
			snprintf(err, errlen, "upstream %s: %s", addr,
			    ub_strerror(rc));
			goto fail;
		}
	}
	return ub;
fail:
	ub_ctx_delete(ub);
	return NULL;
}
