/*
 * cli/realmx.c - synchronous real MX lookups for `mxshim route` (and
 * mxshimd's control command `route`, through cli/librealmx.la) on top of
 * libunbound's asynchronous API, so a lookup can be abandoned at a
 * deadline.  The context is set up by ubstub_configure(), as mxshimd's
 * are, so `route` asks the upstream what mxshimd would (private and
 * special-use zones included).  The wire answer is read by
 * answer_read_real_mx(), the same code the resolver and the shim use, and
 * a NODATA without SOA is asked again of the upstreams themselves, as
 * mxshimd does (resolver/confirm.h: it may be a BADVERS libunbound
 * hid), on a private event base.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>
#include <unbound.h>

#include "realmx.h"
#include "resolver/confirm.h"
#include "resolver/netaddr.h"
#include "resolver/ubstub.h"

#define REALMX_MAX_UPSTREAM	16

struct realmx {
	struct ub_ctx	*ub;
	int		 timeout_ms;
	struct netaddr	 up[REALMX_MAX_UPSTREAM];	/* for confirm.h */
	size_t		 nup;
};

struct pending {
	int		 done;
	int		 err;
	struct ub_result *result;
};

struct realmx *
realmx_new(char *const *upstream, size_t n, int timeout_ms, char *err,
    size_t errlen)
{
	struct realmx	*rm;
	size_t		 i;
	int		 rc = 0;

	if ((rm = calloc(1, sizeof(*rm))) == NULL ||
	    (rm->ub = ub_ctx_create()) == NULL) {
		snprintf(err, errlen, "cannot create a resolver: out of memory");
		free(rm);
		return NULL;
	}
	rm->timeout_ms = timeout_ms;
	/* a thread, not a forked process: mxshimd's `route` uses this too,
	   and a multi-threaded daemon should not fork */
	(void)ub_ctx_async(rm->ub, 1);
	if (ubstub_configure(rm->ub, err, errlen) == -1) {
		realmx_free(rm);
		return NULL;
	}
	if (n == 0)
		rc = ub_ctx_resolvconf(rm->ub, NULL);
	for (i = 0; i < n && rc == 0; i++) {
		rc = ub_ctx_set_fwd(rm->ub, upstream[i]);
		if (rc == 0 && rm->nup < REALMX_MAX_UPSTREAM &&
		    netaddr_parse(upstream[i], 53, &rm->up[rm->nup]) == 0)
			rm->nup++;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", n ? upstream[i - 1] :
		    "/etc/resolv.conf", ub_strerror(rc));
		realmx_free(rm);
		return NULL;
	}
	return rm;
}

static void
on_result(void *arg, int err, struct ub_result *result)
{
	struct pending *p = arg;

	p->done = 1;
	p->err = err;
	p->result = result;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Wait for the answer until the deadline; 0 when it came. */
static int
wait_result(struct realmx *rm, struct pending *p)
{
	struct pollfd	pfd = { ub_fd(rm->ub), POLLIN, 0 };
	long		deadline = now_ms() + rm->timeout_ms, left;

	while (!p->done) {
		if ((left = deadline - now_ms()) <= 0)
			return -1;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -1;
		if (ub_process(rm->ub) != 0)
			return -1;
	}
	return 0;
}

struct second_look {
	int		 done;
	const char	*name;
	struct answer_real_store *st;
	struct rules_real_rrset	*rr;
};

static void
on_confirm(void *arg, const uint8_t *pkt, size_t len)
{
	struct second_look *sl = arg;

	sl->done = 1;
	if (answer_read_real_mx(sl->name, pkt, len, sl->st, sl->rr) == -1)
		answer_real_tempfail(sl->name, sl->st, sl->rr);
}

/*
 * rr is a NODATA without SOA: ask the upstreams themselves (confirm.h),
 * and take their word, or a temporary failure when none is had.  With
 * resolv.conf's servers (no list given) there is no one to ask.
 */
static void
confirm_nodata(struct realmx *rm, const char *name,
    struct answer_real_store *st, struct rules_real_rrset *rr)
{
	struct second_look	 sl = { 0, name, st, rr };
	struct event_base	*base;
	struct confirm		*c;

	if (rm->nup == 0)
		return;
	if ((base = event_base_new()) == NULL) {
		answer_real_tempfail(name, st, rr);
		return;
	}
	c = confirm_start(base, rm->up, rm->nup, name,
	    (unsigned)rm->timeout_ms, on_confirm, &sl);
	while (c != NULL && !sl.done &&
	    event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	if (!sl.done) {
		confirm_cancel(c);
		answer_real_tempfail(name, st, rr);
	}
	event_base_free(base);
}

int
realmx_fetch(struct realmx *rm, const char *name,
    struct answer_real_store *st, struct rules_real_rrset *rr)
{
	struct pending	p = { 0, 0, NULL };
	int		id, rc;

	if (ub_resolve_async(rm->ub, name, 15 /* MX */, 1 /* IN */, &p,
	    on_result, &id) != 0 || wait_result(rm, &p) != 0) {
		if (!p.done)
			ub_cancel(rm->ub, id);
		answer_real_tempfail(name, st, rr);
		return 0;
	}
	if (p.err != 0 || p.result == NULL || p.result->bogus) {
		answer_real_tempfail(name, st, rr);
		rc = 0;
	} else
		rc = answer_read_real_mx(name, p.result->answer_packet,
		    (size_t)p.result->answer_len, st, rr);
	ub_resolve_free(p.result);
	if (rc == 0 && rr->status == RULES_REAL_NODATA && st->nodata_bare)
		confirm_nodata(rm, name, st, rr);
	return rc;
}

void
realmx_free(struct realmx *rm)
{
	if (rm == NULL)
		return;
	ub_ctx_delete(rm->ub);
	free(rm);
}
