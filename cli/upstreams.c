/*
 * cli/upstreams.c - resolv.conf's name servers, with mxshimd taken out.
 *
 * A loopback server is looked at twice.  First the control socket: a
 * daemon that lists the server among its `listen:` addresses is the
 * server, and its `upstream:` lines are what it relays to.  Otherwise the
 * server is asked for the address of a synthetic host name
 * (RULES_SYNTH_SUFFIX, under .invalid): only mxshimd, or a resolver
 * forwarding to it, answers that with the address; every other resolver
 * says NXDOMAIN (RFC 6761).  No answer at all cannot be told apart from a
 * daemon that is busy, so it is refused too.  Servers that are not on
 * loopback are used as they are: mxshimd listens on loopback only unless
 * told otherwise, and a remote one is beyond what we can find out.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "acl.h"
#include "ctl.h"
#include "netaddr.h"
#include "rules.h"
#include "upstreams.h"

#define RESOLV_CONF	"/etc/resolv.conf"
#define PROBE_TIMEOUT_S	2
#define MAX_LISTEN	16

/* 192.0.2.1 (RFC 5737): what the probe's synthetic name stands for. */
static const uint8_t probe_addr[4] = { 192, 0, 2, 1 };

enum probe_rc { PROBE_OTHER, PROBE_MXSHIMD, PROBE_SILENT };

/* The daemon at the control socket: where it listens, where it relays. */
struct daemon_status {
	int		asked;		/* 1 once asked */
	int		rc;		/* ctl_ask()'s */
	int		err;		/* its errno when it could not connect */
	size_t		nlisten, nup;
	struct netaddr	listen[MAX_LISTEN];
	char		up[UPSTREAMS_MAX][UPSTREAMS_LEN];
};

static void
status_line(struct daemon_status *ds, const char *line)
{
	char		 word[UPSTREAMS_LEN];
	struct netaddr	 na;

	if (sscanf(line, "listen: %63s", word) == 1 &&
	    ds->nlisten < MAX_LISTEN && netaddr_parse(word, 53, &na) == 0)
		ds->listen[ds->nlisten++] = na;
	else if (sscanf(line, "upstream: %63s", word) == 1 &&
	    ds->nup < UPSTREAMS_MAX)
		snprintf(ds->up[ds->nup++], UPSTREAMS_LEN, "%s", word);
}

static void
ask_daemon(const char *control, struct daemon_status *ds)
{
	char	*text = NULL, *line, *save = NULL;
	size_t	 len = 0;
	FILE	*out;

	ds->asked = 1;
	if ((out = open_memstream(&text, &len)) == NULL) {
		ds->rc = -1;
		ds->err = errno;
		return;
	}
	ds->rc = ctl_ask(control, "status\n", out);
	ds->err = errno;
	fclose(out);
	for (line = strtok_r(text, "\n", &save); ds->rc == 0 && line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		status_line(ds, line);
	free(text);
}

/* Whether the daemon listens at sa (its address, or any, and its port). */
static int
daemon_listens(const struct daemon_status *ds, const struct sockaddr *sa)
{
	const struct sockaddr	*l;
	size_t			 i;

	for (i = 0; i < ds->nlisten; i++) {
		l = (const struct sockaddr *)&ds->listen[i].ss;
		if (netaddr_port(l) == netaddr_port(sa) &&
		    (netaddr_same_host(l, sa) || (netaddr_is_any(l) &&
		    l->sa_family == sa->sa_family)))
			return 1;
	}
	return 0;
}

static int
is_loopback(const struct sockaddr *sa)
{
	struct acl	acl = { 0 };
	uint8_t		raw[16];
	int		family = netaddr_raw(sa, raw);

	acl_default(&acl);
	return acl_allows(&acl, family, raw);
}

/* Whether the answer holds the probe's address. */
static int
answers_probe(const ldns_pkt *p)
{
	ldns_rr_list	*an = ldns_pkt_answer(p);
	ldns_rr		*rr;
	ldns_rdf	*rd;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		rd = ldns_rr_rdf(rr, 0);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A && rd != NULL &&
		    ldns_rdf_size(rd) == 4 &&
		    memcmp(ldns_rdf_data(rd), probe_addr, 4) == 0)
			return 1;
	}
	return 0;
}

static enum probe_rc
probe(ldns_rdf *ns)
{
	ldns_resolver	*r;
	ldns_rdf	*name = NULL;
	ldns_pkt	*p = NULL;
	char		 text[RULES_MAX_NAME + 1];
	enum probe_rc	 rc = PROBE_SILENT;

	if ((r = ldns_resolver_new()) == NULL ||
	    rules_synth_name(AF_INET, probe_addr, text, sizeof(text)) < 0 ||
	    (name = ldns_dname_new_frm_str(text)) == NULL ||
	    ldns_resolver_push_nameserver(r, ns) != LDNS_STATUS_OK)
		goto out;
	ldns_resolver_set_timeout(r, (struct timeval){ PROBE_TIMEOUT_S, 0 });
	ldns_resolver_set_retry(r, 1);
	if (ldns_resolver_query_status(&p, r, name, LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, LDNS_RD) == LDNS_STATUS_OK && p != NULL)
		rc = answers_probe(p) ? PROBE_MXSHIMD : PROBE_OTHER;
out:
	ldns_pkt_free(p);
	ldns_rdf_deep_free(name);
	ldns_resolver_deep_free(r);
	return rc;
}

static void
add(struct upstreams *up, const char *addr)
{
	size_t i;

	for (i = 0; i < up->n; i++)
		if (strcmp(up->addr[i], addr) == 0)
			return;
	if (up->n == UPSTREAMS_MAX)
		return;
	snprintf(up->addr[up->n], UPSTREAMS_LEN, "%s", addr);
	up->list[up->n] = up->addr[up->n];
	up->n++;
}

static int
refuse(const char *addr, const char *what, const char *control,
    const struct daemon_status *ds, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s names %s, which %s, and the control socket "
	    "%s %s%s: mxshimd must not be asked about its own rules; give the "
	    "real resolver with --upstream ADDR@PORT (or --control PATH)",
	    RESOLV_CONF, addr, what, control, ds->rc == -1 ?
	    "cannot be asked: " : "does not list it",
	    ds->rc == -1 ? strerror(ds->err) : "");
	return -1;
}

/* One loopback server: the daemon's upstreams, itself, or a refusal. */
static int
loopback(const char *control, struct daemon_status *ds, ldns_rdf *ns,
    const char *addr, const struct sockaddr *sa, struct upstreams *up,
    char *err, size_t errlen)
{
	size_t i;

	if (!ds->asked)
		ask_daemon(control, ds);
	if (ds->rc == 0 && daemon_listens(ds, sa)) {
		for (i = 0; i < ds->nup; i++)
			add(up, ds->up[i]);
		return 0;
	}
	switch (probe(ns)) {
	case PROBE_MXSHIMD:
		return refuse(addr, "answers as mxshimd", control, ds, err,
		    errlen);
	case PROBE_SILENT:
		return refuse(addr, "does not answer (it cannot be told apart "
		    "from mxshimd)", control, ds, err, errlen);
	default:
		add(up, addr);
		return 0;
	}
}

static int
walk(const char *control, ldns_resolver *r, struct upstreams *up,
    char *err, size_t errlen)
{
	struct daemon_status	 ds;
	struct sockaddr_storage	*ss;
	ldns_rdf		**ns = ldns_resolver_nameservers(r);
	char			 addr[NETADDR_STRLEN];
	size_t			 i, size;
	int			 rc = 0;

	memset(&ds, 0, sizeof(ds));
	for (i = 0; i < ldns_resolver_nameserver_count(r) && rc == 0; i++) {
		if ((ss = ldns_rdf2native_sockaddr_storage(ns[i], 53, &size)) ==
		    NULL)
			continue;
		netaddr_format((struct sockaddr *)ss, addr, sizeof(addr));
		if (is_loopback((struct sockaddr *)ss))
			rc = loopback(control, &ds, ns[i], addr,
			    (struct sockaddr *)ss, up, err, errlen);
		else
			add(up, addr);
		free(ss);
	}
	return rc;
}

int
upstreams_default(const char *control, struct upstreams *up, char *err,
    size_t errlen)
{
	ldns_resolver	*r = NULL;
	ldns_status	 st;
	int		 rc;

	up->n = 0;
	if ((st = ldns_resolver_new_frm_file(&r, RESOLV_CONF)) !=
	    LDNS_STATUS_OK) {
		snprintf(err, errlen, "%s: %s; give the resolver with "
		    "--upstream ADDR@PORT", RESOLV_CONF,
		    ldns_get_errorstr_by_id(st));
		return -1;
	}
	rc = walk(control, r, up, err, errlen);
	ldns_resolver_deep_free(r);
	if (rc == 0 && up->n == 0) {
		snprintf(err, errlen, "%s names no name server; give the "
		    "resolver with --upstream ADDR@PORT", RESOLV_CONF);
		return -1;
	}
	return rc;
}
