/*
 * bench/answer_bench.c - micro-benchmark of the synthesized path: parse a
 * query, build the MX answer, or patch a cached one; and, for scale, the
 * same answer built the generic way with ldns_pkt objects.
 *
 *   bench/answer_bench [ITERATIONS]   (make bench-answer runs it)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "answer.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
query(uint8_t *out)
{
	ldns_pkt	*p = NULL;
	uint8_t		*wire = NULL;
	size_t		 len = 0;

	if (ldns_pkt_query_new_frm_str(&p, "MaIl.ExAmPlE.CoM.",
	    LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN, LDNS_RD) != LDNS_STATUS_OK)
		exit(1);
	ldns_pkt_set_edns_udp_size(p, 1232);
	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		exit(1);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

/* The generic way: ldns_pkt objects per answer, records cloned. */
static ldns_rr	*mx1, *mx2, *glue;

static void
ldns_records(void)
{
	if (ldns_rr_new_frm_str(&mx1, "MaIl.ExAmPlE.CoM. 60 IN MX 10 "
	    "relay.example.", 0, NULL, NULL) != LDNS_STATUS_OK ||
	    ldns_rr_new_frm_str(&mx2, "MaIl.ExAmPlE.CoM. 60 IN MX 20 "
	    "192-0-2-1.v4.mxshim.invalid.", 0, NULL, NULL) != LDNS_STATUS_OK ||
	    ldns_rr_new_frm_str(&glue, "192-0-2-1.v4.mxshim.invalid. 60 IN A "
	    "192.0.2.1", 0, NULL, NULL) != LDNS_STATUS_OK)
		exit(1);
}

static int
with_ldns_pkt(const uint8_t *pkt, size_t len, uint8_t *out)
{
	ldns_pkt	*q = NULL, *a;
	uint8_t		*wire = NULL;
	size_t		 n = 0;

	if (ldns_wire2pkt(&q, pkt, len) != LDNS_STATUS_OK)
		return -1;
	a = ldns_pkt_new();
	ldns_pkt_set_id(a, ldns_pkt_id(q));
	ldns_pkt_set_qr(a, 1);
	ldns_pkt_set_ra(a, 1);
	ldns_pkt_set_rd(a, ldns_pkt_rd(q));
	ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION,
	    ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0)));
	ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, ldns_rr_clone(mx1));
	ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, ldns_rr_clone(mx2));
	ldns_pkt_push_rr(a, LDNS_SECTION_ADDITIONAL, ldns_rr_clone(glue));
	ldns_pkt_set_edns_udp_size(a, 1232);
	ldns_pkt2wire(&wire, a, &n);
	memcpy(out, wire, n);
	free(wire);
	ldns_pkt_free(a);
	ldns_pkt_free(q);
	return (int)n;
}

int
main(int argc, char **argv)
{
	long			 i, iters = argc > 1 ? atol(argv[1]) : 1000000;
	uint8_t			 pkt[512], out[ANSWER_MAX_UDP];
	size_t			 len = query(pkt);
	struct answer_question	 q;
	struct rules_result	 res = { .rc = RULES_ANSWER, .ttl = 60,
	    .count = 2 };
	double			 t;
	int			 n = 0;
	volatile long		 sink = 0;

	res.record[0].pref = 10;
	res.record[0].host = "relay.example";
	res.record[1].pref = 20;
	res.record[1].host = "192-0-2-1.v4.mxshim.invalid";

	t = now();
	for (i = 0; i < iters; i++)
		sink += answer_parse_query(pkt, len, &q);
	printf("parse            %7.1f ns\n", (now() - t) * 1e9 / iters);

	t = now();
	for (i = 0; i < iters; i++)
		sink += answer_mx(&q, &res, answer_udp_limit(&q), out,
		    sizeof(out));
	printf("answer_mx        %7.1f ns (%d bytes)\n",
	    (now() - t) * 1e9 / iters, n = answer_mx(&q, &res, 1232, out,
	    sizeof(out)));

	t = now();
	for (i = 0; i < iters; i++) {
		sink += answer_parse_query(pkt, len, &q);
		sink += answer_mx(&q, &res, answer_udp_limit(&q), out,
		    sizeof(out));
	}
	printf("parse+answer_mx  %7.1f ns\n", (now() - t) * 1e9 / iters);

	t = now();
	for (i = 0; i < iters; i++) {
		sink += answer_parse_query(pkt, len, &q);
		sink += answer_patch(out, (size_t)n, &q, answer_udp_limit(&q));
	}
	printf("parse+patch      %7.1f ns\n", (now() - t) * 1e9 / iters);

	ldns_records();
	t = now();
	for (i = 0; i < iters / 10; i++)
		sink += with_ldns_pkt(pkt, len, out);
	printf("ldns_pkt way     %7.1f ns\n", (now() - t) * 1e9 / (iters / 10));
	return sink == 0;
}
