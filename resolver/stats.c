/*
 * resolver/stats.c - the counter blocks, their sums and their names.
 *
 * Names: `stats` prints "group.item value"; Prometheus gets one family
 * per group, mxshim_GROUP_total, with the item as a label (transport,
 * type, path, rcode, cause, result) where the group has several.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "log.h"
#include "options.h"
#include "stats.h"

#define MAX_BLOCKS	(OPT_MAX_THREADS + 1)

struct stat_name {
	const char	*text;		/* `stats` */
	const char	*family;	/* mxshim_<family>_total */
	const char	*label;		/* label name, or NULL */
	const char	*value;		/* label value */
	const char	*help;		/* once per family */
};

static const struct stat_name names[STAT_COUNT] = {
	[STAT_Q_UDP] = { "questions.udp", "questions", "transport", "udp",
	    "Questions received, by transport." },
	[STAT_Q_TCP] = { "questions.tcp", "questions", "transport", "tcp", 0 },
	[STAT_QT_A] = { "questions.type.A", "questions_by_type", "type", "A",
	    "Questions received, by query type." },
	[STAT_QT_AAAA] = { "questions.type.AAAA", "questions_by_type", "type",
	    "AAAA", 0 },
	[STAT_QT_MX] = { "questions.type.MX", "questions_by_type", "type",
	    "MX", 0 },
	[STAT_QT_TXT] = { "questions.type.TXT", "questions_by_type", "type",
	    "TXT", 0 },
	[STAT_QT_PTR] = { "questions.type.PTR", "questions_by_type", "type",
	    "PTR", 0 },
	[STAT_QT_SRV] = { "questions.type.SRV", "questions_by_type", "type",
	    "SRV", 0 },
	[STAT_QT_CNAME] = { "questions.type.CNAME", "questions_by_type",
	    "type", "CNAME", 0 },
	[STAT_QT_NS] = { "questions.type.NS", "questions_by_type", "type",
	    "NS", 0 },
	[STAT_QT_SOA] = { "questions.type.SOA", "questions_by_type", "type",
	    "SOA", 0 },
	[STAT_QT_ANY] = { "questions.type.ANY", "questions_by_type", "type",
	    "ANY", 0 },
	[STAT_QT_OTHER] = { "questions.type.other", "questions_by_type",
	    "type", "other", 0 },
	[STAT_PATH_SYNTH] = { "answers.synthesized", "answers", "path",
	    "synthesized", "Answers sent, by how they were made." },
	[STAT_PATH_SYNTH_REAL] = { "answers.synthesized-real", "answers",
	    "path", "synthesized_real", 0 },
	[STAT_PATH_RELAY] = { "answers.relayed", "answers", "path", "relayed",
	    0 },
	[STAT_PATH_CACHE] = { "answers.prebuilt", "answers", "path",
	    "prebuilt", 0 },
	[STAT_PATH_LOCAL] = { "answers.local", "answers", "path", "local", 0 },
	[STAT_RC_NOERROR] = { "answers.rcode.NOERROR", "answers_by_rcode",
	    "rcode", "NOERROR", "Answers sent, by RCODE." },
	[STAT_RC_FORMERR] = { "answers.rcode.FORMERR", "answers_by_rcode",
	    "rcode", "FORMERR", 0 },
	[STAT_RC_SERVFAIL] = { "answers.rcode.SERVFAIL", "answers_by_rcode",
	    "rcode", "SERVFAIL", 0 },
	[STAT_RC_NXDOMAIN] = { "answers.rcode.NXDOMAIN", "answers_by_rcode",
	    "rcode", "NXDOMAIN", 0 },
	[STAT_RC_NOTIMP] = { "answers.rcode.NOTIMP", "answers_by_rcode",
	    "rcode", "NOTIMP", 0 },
	[STAT_RC_REFUSED] = { "answers.rcode.REFUSED", "answers_by_rcode",
	    "rcode", "REFUSED", 0 },
	[STAT_RC_OTHER] = { "answers.rcode.other", "answers_by_rcode",
	    "rcode", "other", 0 },
	[STAT_UP_LOOKUPS] = { "upstream.lookups", "upstream_lookups", 0, 0,
	    "Lookups handed to the upstreams (libunbound)." },
	[STAT_UP_TIMEOUTS] = { "upstream.timeouts", "upstream_timeouts", 0, 0,
	    "Lookups not answered within --timeout." },
	[STAT_UP_FAILURES] = { "upstream.failures", "upstream_failures", 0, 0,
	    "Lookups that failed (no usable answer)." },
	[STAT_UP_SECOND_LOOKS] = { "upstream.second-looks",
	    "upstream_second_looks", 0, 0,
	    "NODATA answers without SOA asked again of the upstreams "
	    "(libunbound hides BADVERS)." },
	[STAT_SF_TIMEOUT] = { "servfail.upstream-timeout", "servfail",
	    "cause", "upstream_timeout",
	    "SERVFAIL answers made by mxshimd, by cause." },
	[STAT_SF_FAILURE] = { "servfail.upstream-failure", "servfail",
	    "cause", "upstream_failure", 0 },
	[STAT_SF_INFLIGHT] = { "servfail.client-inflight", "servfail",
	    "cause", "client_inflight", 0 },
	[STAT_TCP_ACCEPTED] = { "tcp.accepted", "tcp_accepted", 0, 0,
	    "TCP connections accepted." },
	[STAT_TCP_REFUSED] = { "tcp.refused", "tcp_refused", 0, 0,
	    "TCP connections closed at once (--tcp-max-conn, "
	    "--tcp-client-conn, out of descriptors)." },
	[STAT_TCP_IDLE] = { "tcp.closed-idle", "tcp_closed_idle", 0, 0,
	    "TCP connections closed after --tcp-idle." },
	[STAT_RELOAD_OK] = { "reloads.ok", "reloads", "result", "ok",
	    "Rules file reloads, by result." },
	[STAT_RELOAD_FAILED] = { "reloads.failed", "reloads", "result",
	    "failed", 0 },
};

static struct stats	*blocks[MAX_BLOCKS];
static size_t		 nblocks;
static struct stats	 main_block;
static uint64_t		 baseline[STAT_COUNT];

const char *
stats_name(enum stat_id id)
{
	return names[id].text;
}

enum stat_id
stats_qtype(uint16_t qtype)
{
	switch (qtype) {
	case LDNS_RR_TYPE_A:		return STAT_QT_A;
	case LDNS_RR_TYPE_AAAA:		return STAT_QT_AAAA;
	case LDNS_RR_TYPE_MX:		return STAT_QT_MX;
	case LDNS_RR_TYPE_TXT:		return STAT_QT_TXT;
	case LDNS_RR_TYPE_PTR:		return STAT_QT_PTR;
	case LDNS_RR_TYPE_SRV:		return STAT_QT_SRV;
	case LDNS_RR_TYPE_CNAME:	return STAT_QT_CNAME;
	case LDNS_RR_TYPE_NS:		return STAT_QT_NS;
	case LDNS_RR_TYPE_SOA:		return STAT_QT_SOA;
	case LDNS_RR_TYPE_ANY:		return STAT_QT_ANY;
	default:			return STAT_QT_OTHER;
	}
}

enum stat_id
stats_rcode(int rcode)
{
	switch (rcode) {
	case LDNS_RCODE_NOERROR:	return STAT_RC_NOERROR;
	case LDNS_RCODE_FORMERR:	return STAT_RC_FORMERR;
	case LDNS_RCODE_SERVFAIL:	return STAT_RC_SERVFAIL;
	case LDNS_RCODE_NXDOMAIN:	return STAT_RC_NXDOMAIN;
	case LDNS_RCODE_NOTIMPL:	return STAT_RC_NOTIMP;
	case LDNS_RCODE_REFUSED:	return STAT_RC_REFUSED;
	default:			return STAT_RC_OTHER;
	}
}

struct stats *
stats_block(void)
{
	struct stats *s;

	if (nblocks == MAX_BLOCKS ||
	    (s = aligned_alloc(_Alignof(struct stats), sizeof(*s))) == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	blocks[nblocks++] = s;
	return s;
}

struct stats *
stats_main(void)
{
	return &main_block;
}

void
stats_free(void)
{
	while (nblocks > 0)
		free(blocks[--nblocks]);
}

static void
add_block(uint64_t out[STAT_COUNT], struct stats *s)
{
	size_t i;

	for (i = 0; i < STAT_COUNT; i++)
		out[i] += atomic_load_explicit(&s->c[i], memory_order_relaxed);
}

void
stats_sum(uint64_t out[STAT_COUNT], int since_reset)
{
	size_t i;

	memset(out, 0, sizeof(uint64_t) * STAT_COUNT);
	for (i = 0; i < nblocks; i++)
		add_block(out, blocks[i]);
	add_block(out, &main_block);
	if (!since_reset)
		return;
	for (i = 0; i < STAT_COUNT; i++)
		out[i] -= out[i] >= baseline[i] ? baseline[i] : out[i];
}

void
stats_reset(void)
{
	stats_sum(baseline, 0);
}

void
stats_print(FILE *f, const uint64_t v[STAT_COUNT])
{
	size_t i;

	for (i = 0; i < STAT_COUNT; i++)
		fprintf(f, "%s %llu\n", names[i].text,
		    (unsigned long long)v[i]);
}

void
stats_prometheus(FILE *f, const uint64_t v[STAT_COUNT])
{
	const struct stat_name	*n;
	size_t			 i;

	for (i = 0; i < STAT_COUNT; i++) {
		n = &names[i];
		if (n->help != NULL)
			fprintf(f, "# HELP mxshim_%s_total %s\n"
			    "# TYPE mxshim_%s_total counter\n", n->family,
			    n->help, n->family);
		if (n->label != NULL)
			fprintf(f, "mxshim_%s_total{%s=\"%s\"} %llu\n",
			    n->family, n->label, n->value,
			    (unsigned long long)v[i]);
		else
			fprintf(f, "mxshim_%s_total %llu\n", n->family,
			    (unsigned long long)v[i]);
	}
}

void
stats_log(const uint64_t v[STAT_COUNT])
{
	char	line[2048];
	size_t	i, n = 0;
	int	k;

	line[0] = '\0';
	for (i = 0; i < STAT_COUNT && n < sizeof(line); i++) {
		if (v[i] == 0)
			continue;
		k = snprintf(line + n, sizeof(line) - n, "%s%s %llu",
		    n ? ", " : "", names[i].text, (unsigned long long)v[i]);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	log_info("statistics since start: %s", n ? line : "all zero");
}
