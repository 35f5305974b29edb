/*
 * tests/unit/test_answer.c - the DNS wire helpers (answer/answer.h).
 *
 * Queries and upstream answers are built with ldns, and every answer we
 * write is read back with ldns_wire2pkt(), the way a real client would see
 * it.  Name conversion is checked against ldns itself.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <ldns/ldns.h>

#include "answer.h"
#include "answer_int.h"

#define BUF	ANSWER_MAX_WIRE

struct qopts {
	uint16_t	id;
	uint16_t	type;
	int		rd, cd;
	uint16_t	edns_size;	/* 0: no OPT */
	int		do_bit;
	uint8_t		edns_version;
};

/* A query packet built by ldns; returns its length. */
static size_t
make_query(const char *name, const struct qopts *o, uint8_t *out)
{
	ldns_pkt	*p = NULL;
	ldns_rdf	*qname = NULL;
	uint8_t		*wire = NULL;
	size_t		 len = 0;

	cr_assert_eq(ldns_str2rdf_dname(&qname, name), LDNS_STATUS_OK);
	p = ldns_pkt_query_new(qname, o->type ? o->type : LDNS_RR_TYPE_MX,
	    LDNS_RR_CLASS_IN, (o->rd ? LDNS_RD : 0) | (o->cd ? LDNS_CD : 0));
	cr_assert_not_null(p);
	ldns_pkt_set_id(p, o->id);
	if (o->edns_size) {
		ldns_pkt_set_edns_udp_size(p, o->edns_size);
		ldns_pkt_set_edns_do(p, o->do_bit);
		ldns_pkt_set_edns_version(p, o->edns_version);
	}
	cr_assert_eq(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

static void
parse_ok(const char *name, const struct qopts *o, struct answer_question *q)
{
	uint8_t	pkt[512];
	size_t	len = make_query(name, o, pkt);

	cr_assert_eq(answer_parse_query(pkt, len, q), ANSWER_PARSE_OK);
}

static ldns_pkt *
read_answer(const uint8_t *ans, int len)
{
	ldns_pkt	*p = NULL;

	cr_assert_gt(len, 0, "no answer written");
	cr_assert_eq(ldns_wire2pkt(&p, ans, (size_t)len), LDNS_STATUS_OK,
	    "ldns cannot read our answer");
	return p;
}

static char *
rdf_str(const ldns_rdf *r)
{
	return ldns_rdf2str(r);
}

static void
assert_rdf(const ldns_rdf *r, const char *want)
{
	char	*s = rdf_str(r);

	cr_assert_str_eq(s, want);
	free(s);
}

static void
set_record(struct rules_result *res, size_t i, uint16_t pref,
    const char *host)
{
	memset(&res->record[i], 0, sizeof(res->record[i]));
	res->record[i].pref = pref;
	res->record[i].host = host;
	res->record[i].port = 25;
	if (res->count < i + 1)
		res->count = i + 1;
}

/* ---- parsing ----------------------------------------------------------- */

Test(parse, echoes_mixed_case_question_and_id)
{
	struct qopts		o = { .id = 0xbeef, .rd = 1 };
	struct answer_question	q;
	uint8_t			pkt[512];
	size_t			len = make_query("ExAmPlE.CoM.", &o, pkt);

	cr_assert_eq(answer_parse_query(pkt, len, &q), ANSWER_PARSE_OK);
	cr_assert_eq(q.id, 0xbeef);
	cr_assert_str_eq(q.qname, "ExAmPlE.CoM");
	cr_assert_eq(q.qname_wire_len, 13);
	cr_assert_eq(memcmp(q.qname_wire, pkt + 12, 13), 0);
	cr_assert_eq(q.qtype, LDNS_RR_TYPE_MX);
	cr_assert_eq(q.qclass, LDNS_RR_CLASS_IN);
	cr_assert_eq(q.has_edns, 0);
	cr_assert_eq(answer_udp_limit(&q), 512);
}

Test(parse, edns_size_and_do_bit)
{
	struct qopts		o = { .edns_size = 4096, .do_bit = 1 };
	struct answer_question	q;

	parse_ok("example.com", &o, &q);
	cr_assert(q.has_edns);
	cr_assert_eq(q.edns_size, 4096);
	cr_assert(q.do_bit);
	cr_assert_eq(answer_udp_limit(&q), ANSWER_MAX_UDP);
	o.edns_size = 800;
	o.do_bit = 0;
	parse_ok("example.com", &o, &q);
	cr_assert_eq(q.do_bit, 0);
	cr_assert_eq(answer_udp_limit(&q), 800);
	o.edns_size = 100;	/* below 512 counts as 512 (RFC 6891) */
	parse_ok("example.com", &o, &q);
	cr_assert_eq(q.edns_size, 100);
	cr_assert_eq(answer_udp_limit(&q), 512);
}

Test(parse, root_and_escaped_names)
{
	static const uint8_t	 wire[] = { 3, 'a', '.', 'b', 3, 0xc8, ' ', 'x',
	    0 };
	struct qopts		 o = { 0 };
	struct answer_question	 q;
	uint8_t			 pkt[512];
	size_t			 len;

	parse_ok(".", &o, &q);
	cr_assert_str_eq(q.qname, "");
	cr_assert_eq(q.qname_wire_len, 1);
	len = make_query("x.", &o, pkt);	/* then put a strange name in */
	memmove(pkt + 12 + sizeof(wire), pkt + 15, len - 15);
	memcpy(pkt + 12, wire, sizeof(wire));
	len += sizeof(wire) - 3;
	cr_assert_eq(answer_parse_query(pkt, len, &q), ANSWER_PARSE_OK);
	cr_assert_str_eq(q.qname, "a\\.b.\\200\\032x");
	cr_assert_eq(memcmp(q.qname_wire, wire, sizeof(wire)), 0);
}

Test(parse, drops_responses_and_short_packets)
{
	struct qopts		o = { 0 };
	struct answer_question	q;
	uint8_t			pkt[512], out[512];
	size_t			len = make_query("example.com", &o, pkt);

	cr_assert_eq(answer_parse_query(pkt, 11, &q), ANSWER_PARSE_DROP);
	cr_assert_eq(answer_parse_query(NULL, 0, &q), ANSWER_PARSE_DROP);
	LDNS_QR_SET(pkt);
	cr_assert_eq(answer_parse_query(pkt, len, &q), ANSWER_PARSE_DROP);
	cr_assert_eq(answer_formerr(pkt, len, out, sizeof(out)), -1);
}

/* Parse must refuse pkt with FORMERR, and answer_formerr() say rcode. */
static void
assert_refused(const uint8_t *pkt, size_t len, int rcode)
{
	struct answer_question	 q;
	uint8_t			 out[512];
	int			 n;
	ldns_pkt		*p;

	cr_assert_eq(answer_parse_query(pkt, len, &q), ANSWER_PARSE_FORMERR);
	n = answer_formerr(pkt, len, out, sizeof(out));
	p = read_answer(out, n);
	cr_assert_eq(ldns_pkt_id(p), ldns_read_uint16(pkt));
	cr_assert(ldns_pkt_qr(p));
	cr_assert_eq(ldns_pkt_get_rcode(p), rcode);
	ldns_pkt_free(p);
}

Test(parse, formerr_cases)
{
	struct qopts	o = { .id = 77 };
	uint8_t		pkt[512], bad[600];
	size_t		len = make_query("example.com", &o, pkt);

	memcpy(bad, pkt, len);
	ldns_write_uint16(bad + LDNS_QDCOUNT_OFF, 0);
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	ldns_write_uint16(bad + LDNS_QDCOUNT_OFF, 2);
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	ldns_write_uint16(bad + LDNS_ANCOUNT_OFF, 1);
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	ldns_write_uint16(bad + LDNS_NSCOUNT_OFF, 1);
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	ldns_write_uint16(bad + LDNS_ARCOUNT_OFF, 1);	/* missing record */
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	LDNS_TC_SET(bad);
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	assert_refused(pkt, len - 1, LDNS_RCODE_FORMERR);	/* no qclass */
	assert_refused(pkt, 12 + 5, LDNS_RCODE_FORMERR);	/* cut name */
	assert_refused(pkt, 12, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	bad[12] = 0xc0;		/* compression pointer to the header */
	bad[13] = 0x02;
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	bad[12] = 0x47;		/* label type 01: not a label length */
	assert_refused(bad, len, LDNS_RCODE_FORMERR);
	memcpy(bad, pkt, len);
	LDNS_OPCODE_SET(bad, LDNS_PACKET_NOTIFY);
	assert_refused(bad, len, LDNS_RCODE_NOTIMPL);
	LDNS_OPCODE_SET(bad, LDNS_PACKET_UPDATE);
	assert_refused(bad, len, LDNS_RCODE_NOTIMPL);
}

Test(parse, formerr_long_name)
{
	uint8_t	pkt[600] = { 0 };
	size_t	i, len = 12;

	ldns_write_uint16(pkt + LDNS_QDCOUNT_OFF, 1);
	for (i = 0; i < 5; i++) {	/* 5 * 64 bytes: over 255 */
		pkt[len++] = 63;
		memset(pkt + len, 'a', 63);
		len += 63;
	}
	pkt[len++] = 0;
	len += 4;
	assert_refused(pkt, len, LDNS_RCODE_FORMERR);
}

Test(parse, formerr_bad_opt)
{
	struct qopts	o = { .edns_size = 1232 };
	uint8_t		pkt[512], bad[600];
	size_t		len = make_query("example.com", &o, pkt), opt;

	opt = len - ANSWER_OPT_LEN;
	cr_assert_eq(pkt[opt], 0);
	cr_assert_eq(ldns_read_uint16(pkt + opt + 1), LDNS_RR_TYPE_OPT);
	/* an option that runs past the RDATA */
	memcpy(bad, pkt, len);
	ldns_write_uint16(bad + opt + 9, 6);
	memcpy(bad + len, "\x00\x0a\x00\x08\x01\x02", 6);
	assert_refused(bad, len + 6, LDNS_RCODE_FORMERR);
	/* RDATA longer than the packet */
	ldns_write_uint16(bad + opt + 9, 60);
	assert_refused(bad, len + 6, LDNS_RCODE_FORMERR);
	/* OPT not owned by the root */
	memcpy(bad, pkt, opt);
	memcpy(bad + opt, "\x01x\x00", 3);
	memcpy(bad + opt + 3, pkt + opt + 1, ANSWER_OPT_LEN - 1);
	assert_refused(bad, len + 2, LDNS_RCODE_FORMERR);
	/* two additional records */
	memcpy(bad, pkt, len);
	memcpy(bad + len, pkt + opt, ANSWER_OPT_LEN);
	ldns_write_uint16(bad + LDNS_ARCOUNT_OFF, 2);
	assert_refused(bad, len + ANSWER_OPT_LEN, LDNS_RCODE_FORMERR);
}

Test(parse, good_options_and_other_additional)
{
	struct qopts		o = { .edns_size = 1232 };
	struct answer_question	q;
	uint8_t			pkt[512], bad[600];
	size_t			len = make_query("example.com", &o, pkt), opt;

	opt = len - ANSWER_OPT_LEN;
	memcpy(bad, pkt, len);	/* a cookie option, 8 bytes */
	ldns_write_uint16(bad + opt + 9, 12);
	memcpy(bad + len, "\x00\x0a\x00\x08" "abcdefgh", 12);
	cr_assert_eq(answer_parse_query(bad, len + 12, &q), ANSWER_PARSE_OK);
	cr_assert(q.has_edns);
	/* an A record as the additional: not EDNS, not an error */
	memcpy(bad, pkt, opt);
	memcpy(bad + opt, "\x01x\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04"
	    "\x7f\x00\x00\x01", 17);
	cr_assert_eq(answer_parse_query(bad, opt + 17, &q), ANSWER_PARSE_OK);
	cr_assert_eq(q.has_edns, 0);
}

Test(parse, badvers)
{
	struct qopts	 o = { .id = 9, .edns_size = 1232, .edns_version = 1 };
	struct answer_question q;
	uint8_t		 pkt[512], out[512];
	size_t		 len = make_query("Example.com", &o, pkt);
	int		 n;
	ldns_pkt	*p;

	cr_assert_eq(answer_parse_query(pkt, len, &q), ANSWER_PARSE_FORMERR);
	n = answer_formerr(pkt, len, out, sizeof(out));
	p = read_answer(out, n);
	cr_assert_eq(ldns_pkt_id(p), 9);
	cr_assert_eq(ldns_pkt_get_rcode(p), 0);	/* low 4 bits of 16 */
	cr_assert(ldns_pkt_edns(p));
	cr_assert_eq(ldns_pkt_edns_extended_rcode(p), 1);
	cr_assert_eq(ldns_pkt_edns_version(p), 0);
	ldns_pkt_free(p);
}

/* Garbage and mutated queries: never a crash, always a sane verdict. */
/* answer_skip_name() agrees with ldns_wire2dname(), which it stands in
 * for: same verdict, same end, same length, on names made of a few
 * labels, pointers and stray bytes, mutated at random. */
static void
skip_agrees(const uint8_t *pkt, size_t len, size_t at)
{
	ldns_rdf	*rdf = NULL;
	size_t		 ours = at, theirs = at;
	int		 n = answer_skip_name(pkt, len, &ours);
	int		 ok = ldns_wire2dname(&rdf, pkt, len, &theirs) ==
			    LDNS_STATUS_OK;

	if ((n != -1) != ok) {
		size_t i;
		for (i = 0; i < len; i++)
			fprintf(stderr, "%02x%s", pkt[i], i + 1 == at ? "|" : " ");
		fprintf(stderr, "\n");
	}
	cr_assert_eq(n != -1, ok, "verdicts differ at %zu of %zu (ours %d)",
	    at, len, n);
	if (ok) {
		cr_assert_eq(ours, theirs);
		cr_assert_eq((size_t)n, ldns_rdf_size(rdf));
	}
	ldns_rdf_deep_free(rdf);
}

Test(parse, skip_name_agrees_with_ldns)
{
	static const uint8_t pieces[][4] = {
		{ 1, 'a' }, { 3, 'm', 'x', '1' }, { 0xc0, 0 }, { 0xc0, 2 },
		{ 0xc0, 12 }, { 0 }, { 63 }, { 0x40 }, { 0x80, 1 }, { 0xff },
	};
	uint8_t		pkt[300];
	size_t		len, k;
	unsigned	i, seed = 4242;

	for (i = 0; i < 200000; i++) {
		len = 0;
		while (len < sizeof(pkt) - 4 && rand_r(&seed) % 12 != 0) {
			k = (size_t)rand_r(&seed) % 10;
			memcpy(pkt + len, pieces[k], 4);
			len += k == 5 || k == 6 || k == 7 || k == 9 ? 1 :
			    k == 0 || (k >= 2 && k <= 4) || k == 8 ? 2 : 4;
		}
		if (rand_r(&seed) % 2 && len > 0)
			pkt[(size_t)rand_r(&seed) % len] =
			    (uint8_t)rand_r(&seed);
		skip_agrees(pkt, len, len ? (size_t)rand_r(&seed) % len : 0);
	}
}

Test(parse, survives_garbage)
{
	struct qopts		o = { .edns_size = 1232 };
	struct answer_question	q;
	uint8_t			good[512], pkt[600], out[600];
	size_t			glen = make_query("a.Example.com", &o, good), len;
	enum answer_parse_rc	rc;
	unsigned		i, j, seed = 12345;
	int			n;

	for (i = 0; i < 200000; i++) {
		if (i % 2) {
			len = (size_t)rand_r(&seed) % sizeof(pkt);
			for (j = 0; j < len; j++)
				pkt[j] = (uint8_t)rand_r(&seed);
			pkt[2] &= 0x7f;	/* mostly queries */
		} else {
			len = glen;
			memcpy(pkt, good, glen);
			for (j = 0; j < 3; j++)
				pkt[(size_t)rand_r(&seed) % glen] =
				    (uint8_t)rand_r(&seed);
			len -= (size_t)rand_r(&seed) % 3;
		}
		rc = answer_parse_query(pkt, len, &q);
		cr_assert(rc == ANSWER_PARSE_OK || rc == ANSWER_PARSE_FORMERR ||
		    rc == ANSWER_PARSE_DROP);
		if (rc == ANSWER_PARSE_FORMERR) {
			n = answer_formerr(pkt, len, out, sizeof(out));
			cr_assert_geq(n, 12);
		} else if (rc == ANSWER_PARSE_OK) {
			cr_assert_leq(q.qname_wire_len, 255);
			cr_assert_lt(strlen(q.qname), sizeof(q.qname));
			n = answer_rcode(&q, LDNS_RCODE_SERVFAIL, out,
			    sizeof(out));
			cr_assert_gt(n, 12);
		}
	}
}

Test(parse, question_make)
{
	struct answer_question	q;

	cr_assert_eq(answer_question_make(&q, 5, "Mail.Example.COM.",
	    LDNS_RR_CLASS_IN, LDNS_RR_TYPE_MX, 1), 0);
	cr_assert_str_eq(q.qname, "Mail.Example.COM");
	cr_assert_eq(q.qname_wire_len, 18);
	cr_assert_eq(memcmp(q.qname_wire, "\4Mail\7Example\3COM", 18), 0);
	cr_assert_eq(q.flags & 0x0100, 0x0100);
	cr_assert_eq(q.has_edns, 0);
	cr_assert_eq(answer_question_make(&q, 5, "a..b", 1, 15, 0), -1);
	cr_assert_eq(answer_question_make(&q, 5, "x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 1, 15, 0), -1);
	cr_assert_eq(answer_question_make(&q, 5, "a\\.b.com", 1, 15, 0), 0);
	cr_assert_eq(memcmp(q.qname_wire, "\3a.b\3com", 9), 0);
	cr_assert_str_eq(q.qname, "a\\.b.com");
}

/* ---- name conversion agrees with ldns ----------------------------------- */

Test(names, wire2str_matches_ldns)
{
	static const uint8_t	alphabet[] = "aZ0-_.;()\\ \"@*\x80\xff\x01";
	uint8_t			wire[256];
	char			ours[ANSWER_MAX_PRES], *theirs;
	unsigned		i, j, l, seed = 7;
	size_t			len;
	ldns_rdf		rdf;

	for (i = 0; i < 20000; i++) {
		len = 0;
		for (l = (unsigned)rand_r(&seed) % 5; l > 0; l--) {
			size_t n = 1 + (size_t)rand_r(&seed) % 20;

			wire[len++] = (uint8_t)n;
			for (j = 0; j < n; j++)
				wire[len++] = i % 2 ? alphabet[rand_r(&seed) %
				    (sizeof(alphabet) - 1)] : "abcXYZ-1"[
				    rand_r(&seed) % 8];
		}
		wire[len++] = 0;
		rdf._size = len;
		rdf._type = LDNS_RDF_TYPE_DNAME;
		rdf._data = wire;
		theirs = ldns_rdf2str(&rdf);
		cr_assert_neq(name_wire2str(wire, len, ours, sizeof(ours)), -1);
		if (strcmp(theirs, ".") != 0)
			theirs[strlen(theirs) - 1] = '\0';
		else
			theirs[0] = '\0';
		cr_assert_str_eq(ours, theirs);
		/* and back */
		{
			uint8_t	back[256];
			int	n = name_str2wire(ours, back);

			cr_assert_eq(n, (int)len, "%s", ours);
			cr_assert_eq(memcmp(back, wire, len), 0, "%s", ours);
		}
		free(theirs);
	}
}

Test(names, str2wire_refuses_what_ldns_refuses)
{
	static const char	*bad[] = { "a..b", ".a", "..", "a.b..",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b"
	};
	uint8_t			 wire[256];
	char			 name[400];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(name_str2wire(bad[i], wire), -1, "%s", bad[i]);
	/* 127 labels of 1 = 254 wire bytes: the most that fits, then over */
	for (i = 0; i < 127; i++)
		memcpy(name + 2 * i, "a.", 2);
	name[253] = '\0';
	cr_assert_eq(name_str2wire(name, wire), 255);
	memcpy(name + 253, ".b", 3);
	cr_assert_eq(name_str2wire(name, wire), -1);
}

/* ---- synthesized MX answers --------------------------------------------- */

Test(mx, flags_question_records_and_glue)
{
	struct qopts		 o = { .id = 0x1234, .rd = 1, .cd = 1 };
	struct answer_question	 q;
	struct rules_result	 res = { .rc = RULES_ANSWER, .ttl = 123 };
	uint8_t			 out[BUF], v4[4] = { 192, 0, 2, 1 },
				 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char			 h4[RULES_MAX_NAME + 1], h6[RULES_MAX_NAME + 1];
	ldns_pkt		*p;
	ldns_rr			*rr;
	int			 n;

	cr_assert_gt(rules_synth_name(AF_INET, v4, h4, sizeof(h4)), 0);
	cr_assert_gt(rules_synth_name(AF_INET6, v6, h6, sizeof(h6)), 0);
	parse_ok("MaIl.ExAmPlE.nEt", &o, &q);
	set_record(&res, 0, 10, "mx1.relay.example");
	set_record(&res, 1, 20, h4);
	set_record(&res, 2, 30, h6);
	n = answer_mx(&q, &res, answer_udp_limit(&q), out, sizeof(out));
	p = read_answer(out, n);
	cr_assert_eq(ldns_pkt_id(p), 0x1234);
	cr_assert(ldns_pkt_qr(p));
	cr_assert(ldns_pkt_rd(p));
	cr_assert(ldns_pkt_cd(p));
	cr_assert(ldns_pkt_ra(p));
	cr_assert_not(ldns_pkt_aa(p));
	cr_assert_not(ldns_pkt_ad(p));
	cr_assert_not(ldns_pkt_tc(p));
	cr_assert_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	cr_assert_not(ldns_pkt_edns(p));
	cr_assert_eq(LDNS_ARCOUNT(out), 2, "glue only, no OPT");
	/* the question, byte for byte */
	cr_assert_eq(memcmp(out + 12, q.qname_wire, q.qname_wire_len), 0);
	cr_assert_eq(ldns_pkt_ancount(p), 3);
	rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	assert_rdf(ldns_rr_owner(rr), "MaIl.ExAmPlE.nEt.");
	cr_assert_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_MX);
	cr_assert_eq(ldns_rr_ttl(rr), 123);
	assert_rdf(ldns_rr_mx_preference(rr), "10");
	assert_rdf(ldns_rr_mx_exchange(rr), "mx1.relay.example.");
	rr = ldns_rr_list_rr(ldns_pkt_answer(p), 2);
	assert_rdf(ldns_rr_mx_preference(rr), "30");
	/* glue, v4 then v6, at the same TTL */
	cr_assert_eq(ldns_pkt_arcount(p), 2);
	rr = ldns_rr_list_rr(ldns_pkt_additional(p), 0);
	cr_assert_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_A);
	cr_assert_eq(ldns_rr_ttl(rr), 123);
	assert_rdf(ldns_rr_rdf(rr, 0), "192.0.2.1");
	{
		char	*s = rdf_str(ldns_rr_owner(rr)), want[300];

		snprintf(want, sizeof(want), "%s.", h4);
		cr_assert_str_eq(s, want);
		free(s);
	}
	rr = ldns_rr_list_rr(ldns_pkt_additional(p), 1);
	cr_assert_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_AAAA);
	cr_assert_eq(ldns_rr_ttl(rr), 123);
	assert_rdf(ldns_rr_rdf(rr, 0), "2001:db8::1");
	ldns_pkt_free(p);
}

Test(mx, flags_off_when_query_had_none)
{
	struct qopts		 o = { .id = 1 };
	struct answer_question	 q;
	struct rules_result	 res = { .rc = RULES_ANSWER, .ttl = 60 };
	uint8_t			 out[BUF];
	ldns_pkt		*p;

	parse_ok("example.com", &o, &q);
	set_record(&res, 0, 10, "relay.example");
	p = read_answer(out, answer_mx(&q, &res, 512, out, sizeof(out)));
	cr_assert_not(ldns_pkt_rd(p));
	cr_assert_not(ldns_pkt_cd(p));
	cr_assert(ldns_pkt_ra(p));
	cr_assert_eq(ldns_pkt_arcount(p), 0);
	ldns_pkt_free(p);
}

Test(mx, opt_only_when_query_had_one)
{
	struct qopts		 o = { .edns_size = 4096, .do_bit = 1 };
	struct answer_question	 q;
	struct rules_result	 res = { .rc = RULES_ANSWER, .ttl = 60 };
	uint8_t			 out[BUF];
	ldns_pkt		*p;

	parse_ok("example.com", &o, &q);
	set_record(&res, 0, 10, "relay.example");
	p = read_answer(out, answer_mx(&q, &res, answer_udp_limit(&q), out,
	    sizeof(out)));
	cr_assert(ldns_pkt_edns(p));
	cr_assert_eq(ldns_pkt_edns_udp_size(p), ANSWER_MAX_UDP);
	cr_assert(ldns_pkt_edns_do(p), "RFC 3225: the query's DO is copied");
	cr_assert_not(ldns_pkt_ad(p));
	cr_assert_eq(ldns_pkt_edns_version(p), 0);
	cr_assert_eq(ldns_pkt_arcount(p), 0, "OPT is not a record to ldns");
	ldns_pkt_free(p);
	o.do_bit = 0;
	parse_ok("example.com", &o, &q);
	p = read_answer(out, answer_mx(&q, &res, answer_udp_limit(&q), out,
	    sizeof(out)));
	cr_assert_not(ldns_pkt_edns_do(p), "no DO asked, none answered");
	ldns_pkt_free(p);
}

static void
long_hosts(struct rules_result *res, char hosts[][RULES_MAX_NAME + 1],
    size_t n)
{
	size_t	i;

	res->rc = RULES_ANSWER;
	res->ttl = 300;
	for (i = 0; i < n; i++) {
		snprintf(hosts[i], RULES_MAX_NAME + 1,
		    "relay-%02zu-with-a-rather-long-label.mail-%02zu.example", i,
		    i % 7);
		set_record(res, i, (uint16_t)i, hosts[i]);
	}
}

Test(mx, truncates_what_does_not_fit)
{
	static char		 hosts[RULES_MAX_RECORDS][RULES_MAX_NAME + 1];
	static struct rules_result res;
	struct qopts		 o = { .id = 4, .rd = 1, .edns_size = 1232 };
	struct answer_question	 q;
	uint8_t			 out[BUF];
	ldns_pkt		*p;
	int			 n;

	long_hosts(&res, hosts, RULES_MAX_RECORDS);
	/* without EDNS: 512 */
	o.edns_size = 0;
	parse_ok("Example.COM", &o, &q);
	n = answer_mx(&q, &res, answer_udp_limit(&q), out, sizeof(out));
	cr_assert_leq(n, 512);
	p = read_answer(out, n);
	cr_assert(ldns_pkt_tc(p));
	cr_assert_eq(ldns_pkt_id(p), 4);
	cr_assert(ldns_pkt_rd(p));
	cr_assert_eq(ldns_pkt_qdcount(p), 1);
	cr_assert_eq(ldns_pkt_ancount(p), 0);
	cr_assert_eq(ldns_pkt_arcount(p), 0);
	cr_assert_not(ldns_pkt_edns(p));
	cr_assert_eq(n, 12 + (int)q.qname_wire_len + 4);
	ldns_pkt_free(p);
	/* with EDNS: 1232, still too small; OPT kept */
	o.edns_size = 1232;
	parse_ok("Example.COM", &o, &q);
	n = answer_mx(&q, &res, answer_udp_limit(&q), out, sizeof(out));
	p = read_answer(out, n);
	cr_assert(ldns_pkt_tc(p));
	cr_assert(ldns_pkt_edns(p));
	cr_assert_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
	/* a caller buffer smaller than the limit truncates too */
	n = answer_mx(&q, &res, ANSWER_MAX_WIRE, out, 300);
	cr_assert_leq(n, 300);
	p = read_answer(out, n);
	cr_assert(ldns_pkt_tc(p));
	ldns_pkt_free(p);
	cr_assert_eq(answer_mx(&q, &res, ANSWER_MAX_WIRE, out, 20), -1);
}

Test(mx, tcp_takes_all_64_and_compresses)
{
	static char		 hosts[RULES_MAX_RECORDS][RULES_MAX_NAME + 1];
	static struct rules_result res;
	struct qopts		 o = { 0 };
	struct answer_question	 q;
	uint8_t			 out[BUF];
	ldns_pkt		*p;
	size_t			 i, plain = 0;
	int			 n;
	char			 want[RULES_MAX_NAME + 2];

	long_hosts(&res, hosts, RULES_MAX_RECORDS);
	parse_ok("example.com", &o, &q);
	n = answer_mx(&q, &res, ANSWER_MAX_WIRE, out, sizeof(out));
	p = read_answer(out, n);
	cr_assert_not(ldns_pkt_tc(p));
	cr_assert_eq(ldns_pkt_ancount(p), RULES_MAX_RECORDS);
	for (i = 0; i < RULES_MAX_RECORDS; i++) {
		ldns_rr	*rr = ldns_rr_list_rr(ldns_pkt_answer(p), i);

		snprintf(want, sizeof(want), "%.*s.", RULES_MAX_NAME, hosts[i]);
		assert_rdf(ldns_rr_mx_exchange(rr), want);
		plain += 12 + 2 + strlen(hosts[i]) + 2;
	}
	/*
	 * Each record: owner pointer, fixed part, preference (14 bytes) and
	 * the exchange: whole (51 bytes) for the first, "relay-NN-..." (34)
	 * plus "mail-NN" (8) plus a pointer to "example" for the next six,
	 * the first label and a pointer to "mail-NN.example" for the rest.
	 */
	cr_assert_eq(n, 12 + 13 + 4 + 64 * 14 + 51 + 6 * 44 + 57 * 36,
	    "%d bytes, %zu uncompressed", n, plain);
	ldns_pkt_free(p);
}

Test(mx, compresses_against_question)
{
	struct qopts		 o = { 0 };
	struct answer_question	 q;
	struct rules_result	 res = { .rc = RULES_ANSWER, .ttl = 60 };
	uint8_t			 out[BUF];
	ldns_pkt		*p;
	int			 n;

	parse_ok("example.com", &o, &q);
	set_record(&res, 0, 10, "mx.example.com");
	n = answer_mx(&q, &res, 512, out, sizeof(out));
	/* header, question, owner pointer + fixed part, pref, "\2mx" + ptr */
	cr_assert_eq(n, 12 + 13 + 4 + 2 + 10 + 2 + 3 + 2);
	p = read_answer(out, n);
	assert_rdf(ldns_rr_mx_exchange(ldns_rr_list_rr(ldns_pkt_answer(p), 0)),
	    "mx.example.com.");
	ldns_pkt_free(p);
}

Test(mx, null_mx)
{
	struct qopts		 o = { .edns_size = 1232 };
	struct answer_question	 q;
	struct rules_result	 res = { .rc = RULES_NULL_MX, .ttl = 77 };
	uint8_t			 out[BUF];
	ldns_pkt		*p;
	ldns_rr			*rr;

	parse_ok("nomail.example", &o, &q);
	p = read_answer(out, answer_mx(&q, &res, 1232, out, sizeof(out)));
	cr_assert_eq(ldns_pkt_ancount(p), 1);
	rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	cr_assert_eq(ldns_rr_ttl(rr), 77);
	assert_rdf(ldns_rr_mx_preference(rr), "0");
	assert_rdf(ldns_rr_mx_exchange(rr), ".");
	ldns_pkt_free(p);
}

Test(mx, refuses_other_results)
{
	struct qopts		o = { 0 };
	struct answer_question	q;
	struct rules_result	res = { .rc = RULES_SERVFAIL };
	uint8_t			out[BUF];

	parse_ok("example.com", &o, &q);
	cr_assert_eq(answer_mx(&q, &res, 512, out, sizeof(out)), -1);
	res.rc = RULES_NO_OVERRIDE;
	cr_assert_eq(answer_mx(&q, &res, 512, out, sizeof(out)), -1);
}

Test(mx, patch_reuses_an_answer)
{
	struct qopts		o = { .id = 1, .rd = 1 };
	struct answer_question	q1, q2;
	struct rules_result	res = { .rc = RULES_ANSWER, .ttl = 60 };
	uint8_t			cached[BUF], fresh[BUF];
	int			n1, n2;

	set_record(&res, 0, 10, "relay.example");
	parse_ok("example.com", &o, &q1);
	n1 = answer_mx(&q1, &res, 512, cached, sizeof(cached));
	o.id = 2;
	o.rd = 0;
	o.cd = 1;
	parse_ok("ExAmple.COM", &o, &q2);
	n2 = answer_mx(&q2, &res, 512, fresh, sizeof(fresh));
	cr_assert_eq(answer_patch(cached, (size_t)n1, &q2, 512), n1);
	cr_assert_eq(n1, n2);
	cr_assert_eq(memcmp(cached, fresh, (size_t)n2), 0);
	cr_assert_eq(answer_patch(cached, (size_t)n1, &q2, (size_t)n1 - 1),
	    -1, "too big for the new limit");
	parse_ok("example.org", &o, &q2);
	cr_assert_eq(answer_patch(cached, (size_t)n1, &q2, 512), -1);
	o.type = LDNS_RR_TYPE_A;
	parse_ok("example.com", &o, &q2);
	cr_assert_eq(answer_patch(cached, (size_t)n1, &q2, 512), -1);
}

/* ---- synthetic A/AAAA ---------------------------------------------------- */

static ldns_pkt *
synth(const char *name, uint16_t type, uint32_t ttl)
{
	struct qopts		o = { .id = 3, .type = type, .rd = 1 };
	struct answer_question	q;
	static uint8_t		out[BUF];

	parse_ok(name, &o, &q);
	return read_answer(out, answer_synth_addr(&q, ttl, 512, out,
	    sizeof(out)));
}

Test(synth, a_and_aaaa)
{
	uint8_t		 v4[4] = { 10, 1, 2, 3 }, v6[16] = { 0xfd, [15] = 9 };
	char		 h4[RULES_MAX_NAME + 1], h6[RULES_MAX_NAME + 1];
	ldns_pkt	*p;
	ldns_rr		*rr;
	size_t		 i;

	cr_assert_gt(rules_synth_name(AF_INET, v4, h4, sizeof(h4)), 0);
	cr_assert_gt(rules_synth_name(AF_INET6, v6, h6, sizeof(h6)), 0);
	for (i = 0; h4[i] != '\0'; i += 2)	/* 0x20: the case must survive */
		h4[i] = (char)toupper((unsigned char)h4[i]);
	p = synth(h4, LDNS_RR_TYPE_A, 45);
	cr_assert_eq(ldns_pkt_ancount(p), 1);
	rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	cr_assert_eq(ldns_rr_ttl(rr), 45);
	assert_rdf(ldns_rr_rdf(rr, 0), "10.1.2.3");
	{
		char	*s = rdf_str(ldns_rr_owner(rr)), want[300];

		snprintf(want, sizeof(want), "%s.", h4);
		cr_assert_str_eq(s, want);
		free(s);
	}
	cr_assert(ldns_pkt_rd(p));
	cr_assert_not(ldns_pkt_aa(p));
	ldns_pkt_free(p);
	p = synth(h6, LDNS_RR_TYPE_AAAA, 45);
	cr_assert_eq(ldns_pkt_ancount(p), 1);
	assert_rdf(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(p), 0), 0),
	    "fd00::9");
	ldns_pkt_free(p);
	/* the other family, or another type: NODATA */
	p = synth(h6, LDNS_RR_TYPE_A, 45);
	cr_assert_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	cr_assert_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
	p = synth(h4, LDNS_RR_TYPE_TXT, 45);
	cr_assert_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	cr_assert_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
}

Test(synth, refuses_other_names)
{
	struct qopts		o = { .type = LDNS_RR_TYPE_A };
	struct answer_question	q;
	uint8_t			out[512];

	parse_ok("www.example.com", &o, &q);
	cr_assert_eq(answer_synth_addr(&q, 60, 512, out, sizeof(out)), -1);
}

/* ---- bare RCODEs ----------------------------------------------------------- */

Test(rcode, servfail_refused_with_and_without_edns)
{
	struct qopts		 o = { .id = 99, .rd = 1 };
	struct answer_question	 q;
	uint8_t			 out[512];
	ldns_pkt		*p;
	int			 n;

	parse_ok("MiXeD.example", &o, &q);
	n = answer_rcode(&q, LDNS_RCODE_SERVFAIL, out, sizeof(out));
	p = read_answer(out, n);
	cr_assert_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_SERVFAIL);
	cr_assert_eq(ldns_pkt_id(p), 99);
	cr_assert(ldns_pkt_rd(p));
	cr_assert(ldns_pkt_ra(p));
	cr_assert_eq(ldns_pkt_qdcount(p), 1);
	cr_assert_eq(memcmp(out + 12, q.qname_wire, q.qname_wire_len), 0);
	cr_assert_not(ldns_pkt_edns(p));
	ldns_pkt_free(p);
	cr_assert_eq(answer_rcode(&q, ANSWER_RCODE_BADVERS, out, sizeof(out)),
	    -1, "extended RCODE without EDNS");
	o.edns_size = 1400;
	parse_ok("MiXeD.example", &o, &q);
	n = answer_rcode(&q, LDNS_RCODE_REFUSED, out, sizeof(out));
	p = read_answer(out, n);
	cr_assert_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_REFUSED);
	cr_assert(ldns_pkt_edns(p));
	ldns_pkt_free(p);
	cr_assert_eq(answer_rcode(&q, LDNS_RCODE_REFUSED, out, 20), -1);
}

/* ---- real MX answers ----------------------------------------------------- */

/* An upstream response built by ldns from zone-file lines. */
static size_t
upstream(const char *qname, ldns_pkt_rcode rcode, const char **an,
    const char **ns, uint8_t *out)
{
	ldns_pkt	*p = ldns_pkt_new();
	ldns_rr		*rr = NULL;
	uint8_t		*wire = NULL;
	size_t		 len = 0;
	char		 qline[300];

	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_ra(p, 1);
	ldns_pkt_set_rcode(p, rcode);
	snprintf(qline, sizeof(qline), "%s IN MX", qname);
	cr_assert_eq(ldns_rr_new_question_frm_str(&rr, qline, NULL, NULL),
	    LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr);
	for (; an && *an; an++) {
		cr_assert_eq(ldns_rr_new_frm_str(&rr, *an, 0, NULL, NULL),
		    LDNS_STATUS_OK, "%s", *an);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	for (; ns && *ns; ns++) {
		cr_assert_eq(ldns_rr_new_frm_str(&rr, *ns, 0, NULL, NULL),
		    LDNS_STATUS_OK, "%s", *ns);
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	}
	cr_assert_eq(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

static const char *soa[] = {
	"example.com. 3600 IN SOA ns.example.com. h.example.com. 1 2 3 4 900",
	NULL
};

Test(real, ok_lowercased_smallest_ttl)
{
	static const char	*an[] = {
		"Example.COM. 300 IN MX 10 MX1.Example.COM.",
		"example.com. 100 IN MX 20 mx2.example.net.",
		"other.example. 5 IN MX 1 not.this.one.",
		NULL
	};
	static struct answer_real_store st;
	struct rules_real_rrset	 rr;
	uint8_t			 pkt[BUF];
	size_t			 len = upstream("example.com.", 0, an, NULL, pkt);

	cr_assert_eq(answer_read_real_mx("Example.com.", pkt, len, &st, &rr),
	    0);
	cr_assert_str_eq(rr.name, "example.com");
	cr_assert_eq(rr.status, RULES_REAL_OK);
	cr_assert_eq(rr.count, 2);
	cr_assert_eq(rr.ttl, 100);
	cr_assert_eq(rr.mx[0].pref, 10);
	cr_assert_str_eq(rr.mx[0].host, "mx1.example.com");
	cr_assert_eq(rr.mx[1].pref, 20);
	cr_assert_str_eq(rr.mx[1].host, "mx2.example.net");
}

Test(real, cname_chain_and_null_mx)
{
	static const char	*an[] = {
		"mail.example.com. 50 IN CNAME Target.example.org.",
		"target.example.org. 600 IN MX 0 .",
		NULL
	};
	static struct answer_real_store st;
	struct rules_real_rrset	 rr;
	uint8_t			 pkt[BUF];
	size_t			 len = upstream("mail.example.com.", 0, an,
	    NULL, pkt);

	cr_assert_eq(answer_read_real_mx("mail.example.com", pkt, len, &st,
	    &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_OK);
	cr_assert_eq(rr.count, 1);
	cr_assert_eq(rr.ttl, 50);
	cr_assert_eq(rr.mx[0].pref, 0);
	cr_assert_str_eq(rr.mx[0].host, "");
}

Test(real, nodata_nxdomain_negative_ttl)
{
	static struct answer_real_store st;
	struct rules_real_rrset	 rr;
	uint8_t			 pkt[BUF];
	size_t			 len;

	len = upstream("example.com.", LDNS_RCODE_NOERROR, NULL, soa, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_NODATA);
	cr_assert_eq(rr.ttl, 900);
	cr_assert_eq(rr.count, 0);
	len = upstream("example.com.", LDNS_RCODE_NXDOMAIN, NULL, soa, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_NXDOMAIN);
	cr_assert_eq(rr.ttl, 900);
	len = upstream("example.com.", LDNS_RCODE_NXDOMAIN, NULL, NULL, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_NXDOMAIN);
	cr_assert_eq(rr.ttl, 0);
}

Test(real, failures_are_tempfail)
{
	static const char	*an[] = {
		"example.com. 300 IN MX 10 mx1.example.com.", NULL
	};
	static struct answer_real_store st;
	struct rules_real_rrset	 rr;
	uint8_t			 pkt[BUF], garbage[64];
	size_t			 len, i;

	len = upstream("example.com.", LDNS_RCODE_SERVFAIL, NULL, NULL, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	len = upstream("example.com.", LDNS_RCODE_REFUSED, NULL, NULL, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (uint8_t)(i * 37 + 11);
	cr_assert_eq(answer_read_real_mx("example.com", garbage,
	    sizeof(garbage), &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	cr_assert_eq(answer_read_real_mx("example.com", NULL, 0, &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* an answer to another question */
	len = upstream("example.org.", LDNS_RCODE_NOERROR, an, NULL, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* cut in the middle of the answer */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, an, NULL, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len - 3, &st,
	    &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* TC and nothing usable */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, NULL, NULL, pkt);
	LDNS_TC_SET(pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* and the good one still reads */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, an, NULL, pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_OK);
}

/* Answers that mean "ask again later" are never "no MX" (issue 11.9). */
Test(real, try_later_is_tempfail)
{
	static const char	*referral[] = {
		"example.com. 300 IN NS ns.lame.example.", NULL
	};
	static const char	*cname[] = {
		"mail.example.com. 50 IN CNAME example.com.", NULL
	};
	static const uint8_t	 badvers[] = {	/* OPT, extended RCODE 1 */
		0, 0, 41, 0x04, 0xd0, 1, 0, 0, 0, 0, 0
	};
	static struct answer_real_store st;
	struct rules_real_rrset	 rr;
	uint8_t			 pkt[BUF];
	size_t			 len;

	static const char	*to_root[] = {
		". 300 IN NS a.root-servers.net.", NULL
	};

	/* a referral to the root (libunbound scrubs it to a bare NOERROR;
	   the second look reads the upstream's own), RA set */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, NULL, to_root,
	    pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* a lame referral: NS in the authority section, no SOA, RA clear */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, NULL, referral,
	    pkt);
	LDNS_RA_CLR(pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* BADVERS: NOERROR in the header, 16 with the OPT record's bits */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, NULL, soa, pkt);
	memcpy(pkt + len, badvers, sizeof(badvers));
	pkt[LDNS_ARCOUNT_OFF + 1] = 1;
	cr_assert_eq(answer_read_real_mx("example.com", pkt,
	    len + sizeof(badvers), &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* the same with version 0 and RCODE 0 in the OPT: NODATA */
	pkt[len + 5] = 0;
	cr_assert_eq(answer_read_real_mx("example.com", pkt,
	    len + sizeof(badvers), &st, &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_NODATA);
	/* no SOA, no NS, from a server that does not recurse */
	len = upstream("example.com.", LDNS_RCODE_NOERROR, NULL, NULL, pkt);
	LDNS_RA_CLR(pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	/* the same from a recursive server: NODATA "type 3" (a LAN zone
	   served without an SOA), TTL 0 */
	LDNS_RA_SET(pkt);
	cr_assert_eq(answer_read_real_mx("example.com", pkt, len, &st, &rr),
	    0);
	cr_assert_eq(rr.status, RULES_REAL_NODATA);
	cr_assert_eq(rr.ttl, 0);
	/* ... which libunbound also makes of a BADVERS: marked for a
	   second look (resolver/confirm.h) */
	cr_assert_eq(st.nodata_bare, 1);
	/* a CNAME to a name without MX, with the SOA: NODATA */
	len = upstream("mail.example.com.", LDNS_RCODE_NOERROR, cname, soa,
	    pkt);
	cr_assert_eq(answer_read_real_mx("mail.example.com", pkt, len, &st,
	    &rr), 0);
	cr_assert_eq(rr.status, RULES_REAL_NODATA);
	cr_assert_eq(rr.ttl, 50);
	cr_assert_eq(st.nodata_bare, 0);
}

/* The second look's question: what a stub asks, with EDNS. */
Test(real, query_mx)
{
	uint8_t		 out[512];
	ldns_pkt	*p = NULL;
	int		 n;

	n = answer_query_mx("Mail.Example.com", 0xbeef, out, sizeof(out));
	cr_assert_gt(n, 0);
	cr_assert_eq(ldns_wire2pkt(&p, out, (size_t)n), LDNS_STATUS_OK);
	cr_assert_eq(ldns_pkt_id(p), 0xbeef);
	cr_assert(ldns_pkt_rd(p));
	cr_assert(!ldns_pkt_qr(p));
	cr_assert_eq(ldns_pkt_edns_udp_size(p), ANSWER_MAX_UDP);
	cr_assert_eq(ldns_pkt_qdcount(p), 1);
	cr_assert_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(p),
	    0)), LDNS_RR_TYPE_MX);
	ldns_pkt_free(p);
	cr_assert_eq(answer_query_mx("a..b", 1, out, sizeof(out)), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(answer_query_mx("example.com", 1, out, 20), -1);
	cr_assert_eq(errno, ENOSPC);
}

Test(real, bad_name_and_tempfail_helper)
{
	static struct answer_real_store st;
	struct rules_real_rrset	rr;

	cr_assert_eq(answer_read_real_mx("a..b", NULL, 0, &st, &rr), -1);
	answer_real_tempfail("Example.COM.", &st, &rr);
	cr_assert_str_eq(rr.name, "example.com");
	cr_assert_eq(rr.status, RULES_REAL_TEMPFAIL);
	cr_assert_eq(rr.count, 0);
}
