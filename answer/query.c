/*
 * answer/query.c - reading the question of a query, and the answer to a
 * query that cannot be read.
 *
 * The checks are those of Unbound's worker_check_request(), so that mxshimd
 * refuses what the resolver it stands in front of would refuse.  This code
 * reads untrusted packets: every read is bounded by the packet length.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "answer.h"
#include "answer_int.h"

#define PARSE_DROP	(-1)

/* The first name of the packet: a label sequence, no compression. */
static int
parse_qname(ldns_buffer *b, struct answer_question *q)
{
	size_t	start = ldns_buffer_position(b), pos = start;
	int	n;

	n = answer_skip_name(ldns_buffer_begin(b), ldns_buffer_limit(b), &pos);
	/* A pointer here can only point into the header: nonsense. */
	if (n == -1 || pos - start != (size_t)n)
		return LDNS_RCODE_FORMERR;
	memcpy(q->qname_wire, ldns_buffer_current(b), (size_t)n);
	q->qname_wire_len = (size_t)n;
	ldns_buffer_set_position(b, pos);
	if (name_wire2str(q->qname_wire, (size_t)n, q->qname,
	    sizeof(q->qname)) == -1)
		return LDNS_RCODE_FORMERR;
	return 0;
}

static int
parse_question(ldns_buffer *b, struct answer_question *q)
{
	int	rc;

	if ((rc = parse_qname(b, q)) != 0)
		return rc;
	if (!ldns_buffer_available(b, 4))
		return LDNS_RCODE_FORMERR;
	q->qtype = ldns_buffer_read_u16(b);
	q->qclass = ldns_buffer_read_u16(b);
	return 0;
}

/* Skip the owner of the additional record; 1 when it is the root. */
static int
skip_owner(ldns_buffer *b, int *is_root)
{
	size_t pos = ldns_buffer_position(b);

	*is_root = ldns_buffer_available(b, 1) &&
	    ldns_buffer_read_u8_at(b, pos) == 0;
	if (answer_skip_name(ldns_buffer_begin(b), ldns_buffer_limit(b),
	    &pos) == -1)
		return -1;
	ldns_buffer_set_position(b, pos);
	return 0;
}

/* EDNS options must fill the RDATA exactly (RFC 6891 6.1.2). */
static int
options_ok(ldns_buffer *b, size_t rdlen)
{
	size_t	olen;

	while (rdlen >= 4) {
		olen = ldns_buffer_read_u16_at(b, ldns_buffer_position(b) + 2);
		if (4 + olen > rdlen)
			return 0;
		ldns_buffer_skip(b, (ssize_t)(4 + olen));
		rdlen -= 4 + olen;
	}
	return rdlen == 0;
}

/* The one additional record a query may carry: OPT, or ignored. */
static int
parse_additional(ldns_buffer *b, struct answer_question *q)
{
	uint16_t	type, size, rdlen;
	uint32_t	ttl;
	int		is_root;

	if (skip_owner(b, &is_root) == -1 || !ldns_buffer_available(b, 10))
		return LDNS_RCODE_FORMERR;
	type = ldns_buffer_read_u16(b);
	size = ldns_buffer_read_u16(b);
	ttl = ldns_buffer_read_u32(b);
	rdlen = ldns_buffer_read_u16(b);
	if (!ldns_buffer_available(b, rdlen))
		return LDNS_RCODE_FORMERR;
	if (type != LDNS_RR_TYPE_OPT)
		return 0;
	if (!is_root || !options_ok(b, rdlen))
		return LDNS_RCODE_FORMERR;
	q->has_edns = 1;
	q->edns_size = size;
	q->do_bit = (ttl & 0x8000) != 0;
	if (((ttl >> 16) & 0xff) != 0)	/* EDNS version */
		return ANSWER_RCODE_BADVERS;
	return 0;
}

/*
 * Returns 0 for a good query, PARSE_DROP, or the RCODE of the error
 * answer (FORMERR, NOTIMPL, BADVERS).
 */
static int
parse(const uint8_t *pkt, size_t len, struct answer_question *q)
{
	ldns_buffer	b;
	int		rc;

	q->has_edns = 0;
	q->edns_size = 0;
	q->do_bit = 0;
	q->qname_wire_len = 0;
	q->qname[0] = '\0';
	if (pkt == NULL || len < LDNS_HEADER_SIZE || LDNS_QR_WIRE(pkt))
		return PARSE_DROP;
	q->id = LDNS_ID_WIRE(pkt);
	q->flags = ldns_read_uint16(pkt + 2);
	if (LDNS_OPCODE_WIRE(pkt) != LDNS_PACKET_QUERY)
		return LDNS_RCODE_NOTIMPL;
	if (LDNS_TC_WIRE(pkt) || LDNS_QDCOUNT(pkt) != 1 ||
	    LDNS_ANCOUNT(pkt) != 0 || LDNS_NSCOUNT(pkt) != 0 ||
	    LDNS_ARCOUNT(pkt) > 1)
		return LDNS_RCODE_FORMERR;
	buffer_over(&b, (void *)(uintptr_t)pkt, len);
	ldns_buffer_set_position(&b, LDNS_HEADER_SIZE);
	if ((rc = parse_question(&b, q)) != 0)
		return rc;
	if (LDNS_ARCOUNT(pkt) == 1)
		return parse_additional(&b, q);
	return 0;
}

enum answer_parse_rc
answer_parse_query(const uint8_t *pkt, size_t len, struct answer_question *q)
{
	int	rc = parse(pkt, len, q);

	if (rc == PARSE_DROP)
		return ANSWER_PARSE_DROP;
	return rc == 0 ? ANSWER_PARSE_OK : ANSWER_PARSE_FORMERR;
}

int
answer_formerr(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	struct answer_question	q;
	int			rcode;

	if (pkt == NULL || len < 3 || cap < LDNS_HEADER_SIZE) {
		errno = EINVAL;
		return -1;
	}
	rcode = parse(pkt, len, &q);
	if (rcode == PARSE_DROP) {	/* never answer a response */
		errno = EINVAL;
		return -1;
	}
	if (rcode == ANSWER_RCODE_BADVERS)	/* needs the OPT record */
		return answer_rcode(&q, rcode, out, cap);
	if (rcode == 0)
		rcode = LDNS_RCODE_FORMERR;
	memset(out, 0, LDNS_HEADER_SIZE);
	memcpy(out, pkt, 2);
	out[2] = pkt[2] & (LDNS_OPCODE_MASK | LDNS_RD_MASK);
	LDNS_QR_SET(out);
	LDNS_RA_SET(out);
	LDNS_RCODE_SET(out, rcode);
	return LDNS_HEADER_SIZE;
}

int
answer_question_make(struct answer_question *q, uint16_t id,
    const char *qname, uint16_t qclass, uint16_t qtype, int rd)
{
	int	n;

	if (qname == NULL || (n = name_str2wire(qname, q->qname_wire)) == -1)
		return -1;
	q->qname_wire_len = (size_t)n;
	if (name_wire2str(q->qname_wire, q->qname_wire_len, q->qname,
	    sizeof(q->qname)) == -1)
		return -1;
	q->id = id;
	q->flags = rd ? LDNS_RD_MASK << 8 : 0;
	q->qtype = qtype;
	q->qclass = qclass;
	q->has_edns = 0;
	q->edns_size = 0;
	q->do_bit = 0;
	return 0;
}

size_t
answer_udp_limit(const struct answer_question *q)
{
	if (!q->has_edns || q->edns_size <= ANSWER_MIN_UDP)
		return ANSWER_MIN_UDP;
	if (q->edns_size >= ANSWER_MAX_UDP)
		return ANSWER_MAX_UDP;
	return q->edns_size;
}
