/*
 * tests/fuzz/fuzz_shim.c - libFuzzer target for the shim's decision,
 * shim_answer() in shim/decide.c, linked alone: the configuration, the
 * real-function table and the port map are stubs here, so no hook is
 * installed and nothing leaves the process.
 *
 * Input: a 2-byte big-endian length L, L bytes of query, and the rest as
 * the reply the stubbed res_nsend gives to every real MX lookup the rules
 * make (none at all when the rest is empty: a timeout).
 */
#include "config.h"

#include <string.h>

#include <ldns/ldns.h>

#include "fuzz.h"
#include "shim.h"

static const uint8_t	*reply;
static size_t		 reply_len;
static struct __res_state state;

/* The upstream of every real lookup: the fuzzer's reply bytes. */
static int
stub_nsend(res_state statp, const unsigned char *query, int qlen,
    unsigned char *ans, int anslen)
{
	ldns_pkt	*p = NULL;

	FUZZ_CHECK(ldns_wire2pkt(&p, query, (size_t)qlen) == LDNS_STATUS_OK,
	    "the shim sent a query ldns cannot read");
	FUZZ_CHECK(ldns_pkt_get_rcode(p) == 0 && !ldns_pkt_qr(p) &&
	    ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(p), 0)) ==
	    LDNS_RR_TYPE_MX, "the shim's real lookup is not an MX query");
	ldns_pkt_free(p);
	if (reply_len == 0)
		return -1;
	if (reply_len < (size_t)anslen)
		anslen = (int)reply_len;
	memcpy(ans, reply, (size_t)anslen);
	return (int)reply_len;	/* as res_nsend: the full length */
}

const struct shim_real *
shim_real(void)
{
	static const struct shim_real	r = { .res_nsend = stub_nsend };

	return &r;
}

const struct shim_config *
shim_config(void)
{
	static struct shim_config	c;

	c.set = (struct rules *)fuzz_fixed_rules();
	c.ctx = fuzz_ctx_full;
	return &c;
}

void
shim_port_host(const char *host, uint16_t port)
{
	FUZZ_CHECK(strlen(host) <= RULES_MAX_NAME && port != 0,
	    "port noted for a bad host or port 0");
}

void
shim_port_learn(const char *host, int family, const void *addr)
{
	FUZZ_CHECK(family == AF_INET || family == AF_INET6,
	    "port learned for an unknown family");
	FUZZ_CHECK(rules_synth_addr(host, (uint8_t[16]){ 0 }) == family,
	    "port learned for a host that is not that synthetic name");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FUZZ_CHECK(res_ninit(&state) == 0, "res_ninit");
	return 0;
}

static void
decide(const struct answer_question *q, size_t cap)
{
	static uint8_t		out[ANSWER_MAX_WIRE];
	enum shim_verdict	v;
	int			n = -1;

	v = shim_answer(&state, q, out, cap, &n);
	switch (v) {
	case SHIM_ANSWERED:
		FUZZ_CHECK(n >= 0, "answered without an answer");
		fuzz_check_answer(q, out, n, cap, -1);
		break;
	case SHIM_PASS:
	case SHIM_TEMPFAIL:
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "unknown verdict");
	}
	if (q->qclass != LDNS_RR_CLASS_IN || (q->qtype != LDNS_RR_TYPE_MX &&
	    q->qtype != LDNS_RR_TYPE_A && q->qtype != LDNS_RR_TYPE_AAAA))
		FUZZ_CHECK(v == SHIM_PASS, "the shim took a question it "
		    "must pass");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_question	q;
	size_t			qlen;

	if (size < 2)
		return 0;
	qlen = (size_t)data[0] << 8 | data[1];
	if (qlen > size - 2)
		qlen = size - 2;
	reply = data + 2 + qlen;
	reply_len = size - 2 - qlen;
	if (answer_parse_query(data + 2, qlen, &q) != ANSWER_PARSE_OK)
		return 0;
	decide(&q, ANSWER_MIN_UDP);
	decide(&q, ANSWER_MAX_WIRE);
	return 0;
}
