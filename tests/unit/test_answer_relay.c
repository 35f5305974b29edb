/*
 * tests/unit/test_answer_relay.c - mxshimd's rewriting of upstream
 * answers (answer_relay(), answer/relay.c).
 *
 * Upstream packets are built with ldns the way libunbound hands them over
 * (ID 0, lowercase question, an OPT record with DO), and every answer is
 * read back with ldns_wire2pkt(), as the client would see it.
 */
#include <string.h>

#include <criterion/criterion.h>
#include <ldns/ldns.h>

#include "answer.h"

static uint8_t	out[ANSWER_MAX_WIRE];

/* An upstream answer for name/type with the records in rrs (text). */
static size_t
upstream(const char *name, ldns_rr_type type, const char *const *rrs,
    size_t n, const char *const *extra, size_t nextra, uint8_t *buf)
{
	ldns_pkt	*p;
	ldns_rr		*rr;
	uint8_t		*wire = NULL;
	size_t		 len = 0, i;

	p = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	cr_assert(p != NULL);
	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_ra(p, 1);
	ldns_pkt_set_id(p, 0);
	for (i = 0; i < n; i++) {
		cr_assert(ldns_rr_new_frm_str(&rr, rrs[i], 0, NULL, NULL) ==
		    LDNS_STATUS_OK, "%s", rrs[i]);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	for (i = 0; i < nextra; i++) {
		cr_assert(ldns_rr_new_frm_str(&rr, extra[i], 0, NULL, NULL) ==
		    LDNS_STATUS_OK, "%s", extra[i]);
		ldns_pkt_push_rr(p, LDNS_SECTION_ADDITIONAL, rr);
	}
	ldns_pkt_set_edns_udp_size(p, 65535);
	ldns_pkt_set_edns_do(p, 1);
	cr_assert(ldns_pkt2wire(&wire, p, &len) == LDNS_STATUS_OK);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

/* The client's question: name as typed (case kept), EDNS shape. */
static void
question(struct answer_question *q, const char *name, uint16_t type,
    int edns, int do_bit, int cd)
{
	cr_assert(answer_question_make(q, 0x4242, name, LDNS_RR_CLASS_IN,
	    type, 1) == 0);
	q->has_edns = edns;
	q->edns_size = edns ? 4096 : 0;
	q->do_bit = do_bit;
	if (cd)
		q->flags |= LDNS_CD_MASK;
}

static ldns_pkt *
client_sees(int n)
{
	ldns_pkt *p = NULL;

	cr_assert(n > 0, "answer_relay failed: %d", n);
	cr_assert(ldns_wire2pkt(&p, out, (size_t)n) == LDNS_STATUS_OK);
	return p;
}

static const char *const a_signed[] = {
	"www.example.com. 300 IN A 192.0.2.1",
	"www.example.com. 300 IN RRSIG A 8 3 300 20300101000000 "
	    "20200101000000 12345 example.com. AAAA",
};

Test(relay, header_is_the_clients)
{
	struct answer_question	 q;
	uint8_t			 up[4096];
	size_t			 len = upstream("www.example.com", LDNS_RR_TYPE_A,
	    a_signed, 1, NULL, 0, up);
	ldns_pkt		*p;
	int			 n;

	question(&q, "WwW.ExAmPlE.cOm", LDNS_RR_TYPE_A, 0, 0, 1);
	n = answer_relay(&q, up, len, 512, out, sizeof(out));
	p = client_sees(n);
	cr_expect_eq(ldns_pkt_id(p), 0x4242);
	cr_expect(ldns_pkt_qr(p) && ldns_pkt_ra(p) && ldns_pkt_rd(p));
	cr_expect(ldns_pkt_cd(p), "CD copied");
	cr_expect(!ldns_pkt_ad(p) && !ldns_pkt_aa(p) && !ldns_pkt_tc(p));
	cr_expect_eq(ldns_pkt_ancount(p), 1);
	cr_expect(!ldns_pkt_edns(p), "no OPT for a client without EDNS");
	cr_expect_eq(memcmp(out + 12, q.qname_wire, q.qname_wire_len), 0,
	    "question bytes as the client sent them");
	ldns_pkt_free(p);
}

Test(relay, opt_is_the_clients)
{
	struct answer_question	 q;
	uint8_t			 up[4096];
	size_t			 len = upstream("www.example.com", LDNS_RR_TYPE_A,
	    a_signed, 1, NULL, 0, up);
	ldns_pkt		*p;

	question(&q, "www.example.com", LDNS_RR_TYPE_A, 1, 0, 0);
	p = client_sees(answer_relay(&q, up, len, 1232, out, sizeof(out)));
	cr_expect(ldns_pkt_edns(p));
	cr_expect_eq(ldns_pkt_edns_udp_size(p), ANSWER_MAX_UDP);
	cr_expect(!ldns_pkt_edns_do(p), "DO as the client asked, not upstream");
	cr_expect(!ldns_pkt_cd(p));
	cr_expect_eq(ldns_pkt_arcount(p), 0, "one OPT, counted apart by ldns");
	ldns_pkt_free(p);
}

Test(relay, dnssec_records_only_with_do)
{
	struct answer_question	 q;
	uint8_t			 up[4096];
	size_t			 len = upstream("www.example.com", LDNS_RR_TYPE_A,
	    a_signed, 2, NULL, 0, up);
	ldns_pkt		*p;

	question(&q, "www.example.com", LDNS_RR_TYPE_A, 1, 0, 0);
	p = client_sees(answer_relay(&q, up, len, 1232, out, sizeof(out)));
	cr_expect_eq(ldns_pkt_ancount(p), 1, "RRSIG dropped without DO");
	cr_expect_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 0)),
	    LDNS_RR_TYPE_A);
	cr_expect_eq(memcmp(out + 12, q.qname_wire, q.qname_wire_len), 0);
	ldns_pkt_free(p);

	question(&q, "www.example.com", LDNS_RR_TYPE_A, 0, 0, 0);
	p = client_sees(answer_relay(&q, up, len, 512, out, sizeof(out)));
	cr_expect_eq(ldns_pkt_ancount(p), 1, "and without EDNS");
	cr_expect(!ldns_pkt_edns(p));
	ldns_pkt_free(p);

	question(&q, "www.example.com", LDNS_RR_TYPE_A, 1, 1, 0);
	p = client_sees(answer_relay(&q, up, len, 1232, out, sizeof(out)));
	cr_expect_eq(ldns_pkt_ancount(p), 2, "RRSIG kept with DO");
	cr_expect(ldns_pkt_edns_do(p), "DO echoed");
	ldns_pkt_free(p);
}

Test(relay, too_big_loses_additional_then_everything)
{
	struct answer_question	 q;
	uint8_t			 up[ANSWER_MAX_WIRE];
	char			 rr[40][128];
	const char		*rrs[40], *glue[40];
	size_t			 len, i;
	ldns_pkt		*p;

	for (i = 0; i < 40; i++) {
		snprintf(rr[i], sizeof(rr[i]), "big.example. 300 IN MX %zu "
		    "a-long-mail-exchanger-name-%02zu.big.example.", i, i);
		rrs[i] = rr[i];
		glue[i] = "a-long-mail-exchanger-name-00.big.example. 300 IN "
		    "AAAA 2001:db8::1";
	}
	/* 8 MX records (about 500 bytes) and 40 AAAA of glue */
	len = upstream("big.example", LDNS_RR_TYPE_MX, rrs, 8, glue, 40, up);
	question(&q, "big.example", LDNS_RR_TYPE_MX, 1, 0, 0);
	p = client_sees(answer_relay(&q, up, len, 1232, out, sizeof(out)));
	cr_expect(!ldns_pkt_tc(p), "the answer fits once the glue is gone");
	cr_expect_eq(ldns_pkt_ancount(p), 8);
	cr_expect_eq(ldns_pkt_arcount(p), 0);
	cr_expect(ldns_pkt_edns(p));
	ldns_pkt_free(p);

	len = upstream("big.example", LDNS_RR_TYPE_MX, rrs, 40, NULL, 0, up);
	question(&q, "BIG.example", LDNS_RR_TYPE_MX, 0, 0, 0);
	p = client_sees(answer_relay(&q, up, len, 512, out, sizeof(out)));
	cr_expect(ldns_pkt_tc(p), "TC when the answer does not fit");
	cr_expect_eq(ldns_pkt_ancount(p) + ldns_pkt_nscount(p) +
	    ldns_pkt_arcount(p), 0);
	cr_expect_eq(ldns_pkt_qdcount(p), 1);
	cr_expect_eq(memcmp(out + 12, q.qname_wire, q.qname_wire_len), 0);
	ldns_pkt_free(p);

	p = client_sees(answer_relay(&q, up, len, ANSWER_MAX_WIRE, out,
	    sizeof(out)));
	cr_expect(!ldns_pkt_tc(p));
	cr_expect_eq(ldns_pkt_ancount(p), 40, "TCP: everything");
	ldns_pkt_free(p);
}

Test(relay, rcode_kept)
{
	struct answer_question	 q;
	uint8_t			 up[4096];
	size_t			 len = upstream("nx.example", LDNS_RR_TYPE_A,
	    NULL, 0, NULL, 0, up);
	ldns_pkt		*p;

	up[3] = (uint8_t)((up[3] & 0xf0) | LDNS_RCODE_NXDOMAIN);
	question(&q, "nx.example", LDNS_RR_TYPE_A, 1, 0, 0);
	p = client_sees(answer_relay(&q, up, len, 1232, out, sizeof(out)));
	cr_expect_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(p);
}

Test(relay, refuses_what_is_not_the_answer)
{
	struct answer_question	 q;
	uint8_t			 up[4096];
	size_t			 len = upstream("www.example.com", LDNS_RR_TYPE_A,
	    a_signed, 1, NULL, 0, up), i;

	question(&q, "other.example.com", LDNS_RR_TYPE_A, 1, 0, 0);
	cr_expect_eq(answer_relay(&q, up, len, 1232, out, sizeof(out)), -1,
	    "an answer to another name");
	question(&q, "www.example.com", LDNS_RR_TYPE_A, 1, 0, 0);
	for (i = 0; i < len; i++)	/* every cut of the packet */
		cr_expect_eq(answer_relay(&q, up, i, 1232, out, sizeof(out)),
		    -1, "cut at %zu", i);
	up[len] = 0;
	cr_expect_eq(answer_relay(&q, up, len + 1, 1232, out, sizeof(out)),
	    -1, "trailing garbage");
}
