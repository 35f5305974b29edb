/*
 * tests/fuzz/fuzz_answer.c - libFuzzer target for the answer path: any
 * bytes as a query from a client and as a response from upstream.
 *
 * A query that parses is evaluated with the fixed rule set and answered
 * with answer_mx() (limits 512 and 65535), answer_synth_addr() and
 * answer_rcode(); a refused one gets answer_formerr().  The same bytes
 * read as the upstream MX answer for the query's name (or example.com)
 * take part in the evaluation as its real data.  Every answer must read
 * back with ldns, fit its limit and echo the question.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "fuzz.h"

static uint8_t	out[ANSWER_MAX_WIRE];

/* What answer_read_real_mx() promises about rr. */
static void
check_real(const char *name, const struct rules_real_rrset *rr)
{
	size_t	i;

	FUZZ_CHECK(rr->status >= RULES_REAL_OK &&
	    rr->status <= RULES_REAL_TEMPFAIL, "unknown real status");
	FUZZ_CHECK(strcmp(rr->name, name) == 0, "real RRset for another name");
	FUZZ_CHECK(rr->count <= RULES_MAX_REAL_MX, "too many real records");
	FUZZ_CHECK(rr->status == RULES_REAL_OK || rr->count == 0,
	    "records with a negative status");
	for (i = 0; i < rr->count; i++) {
		FUZZ_CHECK(strlen(rr->mx[i].host) <= RULES_MAX_NAME,
		    "real host longer than RULES_MAX_NAME");
		FUZZ_CHECK(strpbrk(rr->mx[i].host, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		    == NULL, "real host not lowercase");
	}
}

/*
 * Read pkt as the upstream answer for name, then evaluate name with it
 * and answer question q.
 */
static void
with_real(const struct answer_question *q, const char *name,
    const uint8_t *pkt, size_t len)
{
	static struct answer_real_store	st;
	struct rules_real_rrset		rr;
	struct fuzz_real		fr;
	struct rules_result		res;
	enum rules_rc			rc;

	FUZZ_CHECK(answer_read_real_mx(name, pkt, len, &st, &rr) == 0,
	    "answer_read_real_mx refused a valid name");
	check_real(name, &rr);
	fuzz_real_init(&fr);
	FUZZ_CHECK(rules_real_add(&fr.real, &rr) == 0, "rules_real_add");
	rc = fuzz_eval(fuzz_fixed_rules(), q->qname, &fuzz_ctx_full, &fr, 0,
	    &res);
	if (rc == RULES_ANSWER || rc == RULES_NULL_MX)
		fuzz_answer_mx(q, &res, 1);
}

/* Every answer a parsed query can get. */
static void
answer_query(const struct answer_question *q)
{
	struct fuzz_real	fr;
	struct rules_result	res;
	enum rules_rc		rc;
	int			n;

	FUZZ_CHECK(q->qname_wire_len >= 1 && q->qname_wire_len <= 255 &&
	    strlen(q->qname) < ANSWER_MAX_PRES, "question out of bounds");
	FUZZ_CHECK(answer_udp_limit(q) >= ANSWER_MIN_UDP &&
	    answer_udp_limit(q) <= ANSWER_MAX_UDP, "UDP limit out of range");
	fuzz_real_init(&fr);
	rc = fuzz_eval(fuzz_fixed_rules(), q->qname, &fuzz_ctx_none, &fr, 0,
	    &res);
	if (rc == RULES_ANSWER || rc == RULES_NULL_MX)
		fuzz_answer_mx(q, &res, 1);
	n = answer_rcode(q, LDNS_RCODE_SERVFAIL, out, sizeof(out));
	FUZZ_CHECK(n > 0, "answer_rcode SERVFAIL");
	fuzz_check_answer(q, out, n, 282, 0);
	n = answer_rcode(q, 16, out, sizeof(out));	/* BADVERS */
	FUZZ_CHECK((n > 0) == (q->has_edns != 0),
	    "an extended RCODE needs EDNS, and only that");
	fuzz_check_answer(q, out, n, 282, 0);
	if (rules_synth_addr(q->qname, (uint8_t[16]){ 0 }) == 0)
		return;
	n = answer_synth_addr(q, 60, ANSWER_MIN_UDP, out, sizeof(out));
	FUZZ_CHECK(n > 0, "answer_synth_addr refused a synthetic name");
	fuzz_check_answer(q, out, n, ANSWER_MIN_UDP, -1);
	n = answer_synth_addr(q, 60, ANSWER_MAX_WIRE, out, 300);
	fuzz_check_answer(q, out, n, 300, -1);
}

/* The question made from q's presentation name is q's question. */
static void
check_remake(const struct answer_question *q)
{
	struct answer_question	r;

	FUZZ_CHECK(answer_question_make(&r, q->id, q->qname, q->qclass,
	    q->qtype, 1) == 0, "answer_question_make refused a parsed name");
	FUZZ_CHECK(r.qname_wire_len == q->qname_wire_len &&
	    memcmp(r.qname_wire, q->qname_wire, r.qname_wire_len) == 0,
	    "presentation name does not give back the wire name");
}

/*
 * The name the response in pkt is about (its question), when it is a
 * plain name; else add.example, whose rule merges the real MX records.
 */
static void
response_name(const uint8_t *pkt, size_t len, char name[RULES_MAX_NAME + 1])
{
	ldns_pkt	*p = NULL;
	char		*s = NULL;

	strcpy(name, "add.example");
	if (ldns_wire2pkt(&p, pkt, len) != LDNS_STATUS_OK)
		return;
	if (ldns_pkt_qdcount(p) == 1)
		s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(
		    ldns_pkt_question(p), 0)));
	if (s != NULL && strchr(s, '\\') == NULL && strcmp(s, ".") != 0 &&
	    rules_name_normalize(s, name) < 0)
		strcpy(name, "add.example");
	free(s);
	ldns_pkt_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_question	q, upq;
	char			name[RULES_MAX_NAME + 1];
	int			n;

	switch (answer_parse_query(data, size, &q)) {
	case ANSWER_PARSE_OK:
		answer_query(&q);
		check_remake(&q);
		if (rules_name_normalize(q.qname, name) >= 0)
			with_real(&q, name, data, size);
		return 0;
	case ANSWER_PARSE_FORMERR:
		n = answer_formerr(data, size, out, sizeof(out));
		FUZZ_CHECK(n >= 12, "answer_formerr refused a FORMERR query");
		fuzz_check_answer(NULL, out, n, sizeof(out), 0);
		break;
	case ANSWER_PARSE_DROP:
		FUZZ_CHECK(answer_formerr(data, size, out, sizeof(out)) == -1,
		    "answer_formerr answered a packet to drop");
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "unknown parse result");
	}
	/* a response, most likely: the upstream answer for its question */
	response_name(data, size, name);
	FUZZ_CHECK(answer_question_make(&upq, 1, name, LDNS_RR_CLASS_IN,
	    LDNS_RR_TYPE_MX, 1) == 0, "question_make");
	with_real(&upq, name, data, size);
	return 0;
}
