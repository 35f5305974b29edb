/*
 * answer/fuzz_answer.c - libFuzzer target for the code that reads
 * untrusted packets: questions from clients, answers from upstream.  Every
 * answer written for a query that parsed must read back with ldns.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Irules -Ianswer \
 *     answer/fuzz_answer.c answer/{name,query,build,real}.c rules/[a-z]*.c \
 *     -lldns -lpcre2-8 -o fuzz_answer && ./fuzz_answer -max_total_time=60
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_read(const uint8_t *ans, int n)
{
	ldns_pkt	*p = NULL;

	if (n < 0)
		return;
	if (ldns_wire2pkt(&p, ans, (size_t)n) != LDNS_STATUS_OK)
		abort();
	ldns_pkt_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct answer_real_store	st;
	static uint8_t			out[ANSWER_MAX_WIRE];
	struct answer_question		q;
	struct rules_real_rrset		rr;
	struct rules_result		res = { .rc = RULES_ANSWER, .ttl = 60,
	    .count = 2 };
	int				n;

	res.record[0].host = "relay.example";
	res.record[1].host = "192-0-2-1.v4.mxshim.invalid";
	switch (answer_parse_query(data, size, &q)) {
	case ANSWER_PARSE_OK:
		must_read(out, answer_mx(&q, &res, answer_udp_limit(&q), out,
		    sizeof(out)));
		n = answer_mx(&q, &res, ANSWER_MAX_WIRE, out, sizeof(out));
		must_read(out, n);
		if (n > 0 && answer_patch(out, (size_t)n, &q, 65535) != n)
			abort();
		must_read(out, answer_rcode(&q, LDNS_RCODE_SERVFAIL, out,
		    sizeof(out)));
		must_read(out, answer_synth_addr(&q, 60, 512, out,
		    sizeof(out)));
		break;
	case ANSWER_PARSE_FORMERR:
		if (answer_formerr(data, size, out, sizeof(out)) < 12)
			abort();
		break;
	default:
		break;
	}
	if (answer_read_real_mx("example.com", data, size, &st, &rr) != 0 ||
	    rr.count > RULES_MAX_REAL_MX)
		abort();
	return 0;
}
