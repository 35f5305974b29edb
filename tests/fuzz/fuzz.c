/*
 * tests/fuzz/fuzz.c - invariants, the stubbed real DNS data and the fixed
 * rule set shared by the libFuzzer targets (see fuzz.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "fuzz.h"

/* Every kind of line and condition, so each question meets some. */
static const char fixed_rules[] =
    "# the fixed rule set of the answer and shim fuzz targets\n"
    "partner.example joe:secret@smtp.relay.example:587\n"
    "*.corp.example [192.0.2.1] $priority:5\n"
    "*.corp.example [IPv6:2001:db8::1]:2525 $priority:5 $end\n"
    "null.example .\n"
    "add.example backup.relay.example $adddns $priority:50\n"
    "real.example USEDNS $end\n"
    "lookup.example mx.example.net $lookupmx\n"
    "*.inside.example 10.1.2.3 $client=192.0.2.0/24\n"
    "*.inside.example [2001:db8::2] $client!=192.0.2.0/24 $end\n"
    "*.bulk.example bulk.relay.example $size>=10000000 $retries>=3"
    " $from~=/^bounce-/i $end\n"
    "*.g?.example google.relay.example $dnsmx:*.aspmx.l.google.com $end\n"
    "*.example fallback.example $authsender<>joe $dnsmx:!*.example.net\n";

const struct rules_ctx fuzz_ctx_full = {
	.known = RULES_CTX_RETRIES | RULES_CTX_SIZE | RULES_CTX_AUTHSENDER |
	    RULES_CTX_FROM | RULES_CTX_CLIENT,
	.retries = 3,
	.size = 10000000,
	.authsender = "joe",
	.from = "Bounce-7@list.example",
	.client_family = AF_INET,
	.client_addr = { 192, 0, 2, 9 },
};

const struct rules_ctx fuzz_ctx_none = { .known = 0 };

/* The stubbed real MX data, one of these per name. */
static const struct rules_mx mx_two[] = {
	{ 10, "mx1.example.net" }, { 20, "mx2.example.net" } };
static const struct rules_mx mx_google[] = {
	{ 1, "aspmx.l.google.com" }, { 5, "alt1.aspmx.l.google.com" } };
static const struct rules_mx mx_synth[] = {
	{ 5, "192-0-2-7.v4.mxshim.invalid" } };
static const struct rules_mx mx_null[] = { { 0, "" } };

static const struct rules_real_rrset stub[] = {
	{ NULL, RULES_REAL_OK, 300, 2, mx_two },
	{ NULL, RULES_REAL_OK, 30, 2, mx_google },
	{ NULL, RULES_REAL_OK, 60, 1, mx_synth },
	{ NULL, RULES_REAL_OK, 3600, 1, mx_null },
	{ NULL, RULES_REAL_NODATA, 900, 0, NULL },
	{ NULL, RULES_REAL_NXDOMAIN, 900, 0, NULL },
	{ NULL, RULES_REAL_TEMPFAIL, 0, 0, NULL },
};

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line,
	    what);
	abort();
}

void
fuzz_real_init(struct fuzz_real *fr)
{
	fr->real.count = 0;
}

/* FNV-1a: the same name always gets the same stub. */
static const struct rules_real_rrset *
stub_for(const char *name)
{
	uint32_t	h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return &stub[h % (sizeof(stub) / sizeof(stub[0]))];
}

/* Add the stub RRset of name; -1 when the table is full. */
static int
supply(struct fuzz_real *fr, const char *name)
{
	struct rules_real_rrset	rr;
	char			*copy;

	if (fr->real.count >= RULES_MAX_REAL)
		return -1;
	copy = fr->name[fr->real.count];
	FUZZ_CHECK(strlen(name) <= RULES_MAX_NAME, "RULES_NEED name too long");
	strcpy(copy, name);
	rr = *stub_for(name);
	rr.name = copy;
	return rules_real_add(&fr->real, &rr);
}

/* Read every byte the trace gives: ASan checks they are in bounds. */
static void
touch_trace(void *arg, const struct rules_trace_event *ev)
{
	volatile unsigned	*sum = arg;
	size_t			 i;

	FUZZ_CHECK(ev->line > 0, "trace event without a line");
	for (i = 0; i < ev->line_len; i++)
		*sum += (uint8_t)ev->line_text[i];
	for (i = 0; ev->token != NULL && i < ev->token_len; i++)
		*sum += (uint8_t)ev->token[i];
}

enum rules_rc
fuzz_eval(const struct rules *set, const char *qname,
    const struct rules_ctx *ctx, struct fuzz_real *fr, int trace,
    struct rules_result *res)
{
	volatile unsigned	sum = 0;
	struct rules_trace	tr = { touch_trace, (void *)&sum };
	enum rules_rc		rc;
	int			rounds;

	for (rounds = 0;; rounds++) {
		rc = rules_eval(set, qname, ctx, &fr->real, 0,
		    trace ? &tr : NULL, res);
		if (rc != RULES_NEED)
			break;
		FUZZ_CHECK(rounds <= RULES_MAX_REAL,
		    "RULES_NEED does not stop");
		FUZZ_CHECK(rules_real_find(&fr->real, res->need) == NULL,
		    "RULES_NEED for a name already supplied");
		if (supply(fr, res->need) == -1) {
			rc = RULES_SERVFAIL;	/* what every caller does */
			break;
		}
	}
	if (rc != RULES_SERVFAIL || res->rc == RULES_SERVFAIL)
		fuzz_check_result(res);
	return rc;
}

static int
has_upper(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 1;
	return 0;
}

void
fuzz_check_result(const struct rules_result *res)
{
	size_t	i, j;

	FUZZ_CHECK(res->rc >= RULES_NO_OVERRIDE && res->rc <= RULES_BADNAME &&
	    res->rc != RULES_NEED, "unknown result code");
	if (res->rc != RULES_ANSWER)
		return;
	FUZZ_CHECK(res->count >= 1 && res->count <= RULES_MAX_RECORDS,
	    "RULES_ANSWER with a record count out of range");
	for (i = 0; i < res->count; i++) {
		const struct rules_record *r = &res->record[i];

		FUZZ_CHECK(r->host != NULL, "record without a host");
		FUZZ_CHECK(strlen(r->host) <= RULES_MAX_NAME,
		    "record host longer than RULES_MAX_NAME");
		FUZZ_CHECK(r->host[0] != '\0',
		    "null MX merged with other records (spec 9)");
		FUZZ_CHECK(!has_upper(r->host), "record host not lowercase");
		FUZZ_CHECK(i == 0 || res->record[i - 1].pref <= r->pref,
		    "records not ordered by preference (spec 5)");
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(res->record[j].host, r->host) != 0,
			    "two records for one host (spec 5)");
	}
}

/* The question's name in the answer, byte for byte. */
static void
check_question(const struct answer_question *q, ldns_pkt *p)
{
	ldns_rr		*qr;
	ldns_rdf	*owner;

	FUZZ_CHECK(ldns_pkt_qdcount(p) == 1, "answer without the question");
	qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	owner = ldns_rr_owner(qr);
	FUZZ_CHECK(ldns_rdf_size(owner) == q->qname_wire_len &&
	    memcmp(ldns_rdf_data(owner), q->qname_wire, q->qname_wire_len) == 0,
	    "question not echoed byte for byte");
	FUZZ_CHECK(ldns_rr_get_type(qr) == q->qtype &&
	    ldns_rr_get_class(qr) == q->qclass,
	    "question type or class changed");
}

void
fuzz_check_answer(const struct answer_question *q, const uint8_t *ans,
    int n, size_t max, int ancount)
{
	ldns_pkt	*p = NULL;

	if (n < 0)
		return;
	FUZZ_CHECK((size_t)n <= max, "answer longer than its limit");
	FUZZ_CHECK(ldns_wire2pkt(&p, ans, (size_t)n) == LDNS_STATUS_OK,
	    "ldns cannot read the answer");
	FUZZ_CHECK(ldns_pkt_qr(p) && !ldns_pkt_aa(p) && !ldns_pkt_ad(p),
	    "QR not set, or AA or AD set");
	if (q != NULL) {
		FUZZ_CHECK(ldns_pkt_id(p) == q->id, "answer ID differs");
		check_question(q, p);
		FUZZ_CHECK((ldns_pkt_edns(p) != 0) == (q->has_edns != 0),
		    "OPT in the answer without one in the query, or lost");
	}
	if (ldns_pkt_tc(p))
		FUZZ_CHECK(ldns_pkt_ancount(p) == 0,
		    "truncated answer with records");
	else if (ancount >= 0)
		FUZZ_CHECK(ldns_pkt_ancount(p) == (size_t)ancount,
		    "answer record count differs from the result");
	ldns_pkt_free(p);
}

void
fuzz_answer_mx(const struct answer_question *q,
    const struct rules_result *res, int all)
{
	static uint8_t	 out[ANSWER_MAX_WIRE];
	const size_t	 limit[] = { ANSWER_MIN_UDP, answer_udp_limit(q),
			    ANSWER_MAX_WIRE };
	const size_t	 cap[] = { sizeof(out), 300 };	/* TC always fits */
	int		 expect = res->rc == RULES_NULL_MX ? 1 :
			    (int)res->count;
	size_t		 l, c, max;
	int		 n;

	for (l = all ? 0 : 2; l < 3; l++)
		for (c = 0; c < (all ? 2u : 1u); c++) {
			n = answer_mx(q, res, limit[l], out, cap[c]);
			FUZZ_CHECK(n >= 0, "answer_mx refused an engine result");
			max = limit[l] < cap[c] ? limit[l] : cap[c];
			fuzz_check_answer(q, out, n, max, expect);
			FUZZ_CHECK(answer_patch(out, (size_t)n, q, limit[l]) ==
			    n, "answer_patch refused the answer to its own "
			    "question");
		}
}

const struct rules *
fuzz_fixed_rules(void)
{
	static struct rules	*set;

	if (set == NULL)
		set = rules_load_buffer("fixed.conf", fixed_rules,
		    sizeof(fixed_rules) - 1, NULL);
	FUZZ_CHECK(set != NULL, "the fixed rule set does not load");
	return set;
}
