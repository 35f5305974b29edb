/*
 * answer/relay.c - rewriting upstream answers for the client (mxshimd).
 *
 * The common case is patched in place, which keeps the upstream's name
 * compression and costs no allocation per record: the packet's layout
 * (where the question ends, where the additional section and the OPT
 * record are) is found by stepping over the records, ldns reading the
 * names; the header is the client's, libunbound's OPT record (it always
 * asks with EDNS and DO) is replaced by the client's or dropped, and the
 * size limit cuts the additional section, then everything but the
 * question.
 *
 * When DNSSEC records came back that a client without DO must not get
 * (RFC 3225), the packet is rebuilt with ldns instead: read into an
 * ldns_pkt whose sections move into a fresh packet with the client's
 * header and EDNS (ldns cannot forget an OPT record it has read), minus
 * those records.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "answer_int.h"

/* Where things are in an upstream packet. */
struct layout {
	size_t		question_end;	/* offset after the question */
	size_t		additional;	/* offset of the additional section */
	size_t		opt, opt_end;	/* the OPT record, or 0 */
	uint8_t		ext_rcode;	/* upper RCODE bits from the OPT */
	uint16_t	an, ns, ar;	/* section counts */
	int		dnssec;		/* DNSSEC records not asked for */
};

static int
is_dnssec_type(uint16_t type)
{
	return type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_NSEC ||
	    type == LDNS_RR_TYPE_NSEC3;
}

/* Step over one record; fills its type.  0, or -1 when it runs over. */
static int
skip_rr(const uint8_t *pkt, size_t len, size_t *pos, uint16_t *type,
    uint8_t *ttl0)
{
	size_t rdlen;

	if (answer_skip_name(pkt, len, pos) == -1 || len - *pos < 10)
		return -1;
	*type = ldns_read_uint16(pkt + *pos);
	*ttl0 = pkt[*pos + 4];	/* for OPT: the extended RCODE */
	rdlen = ldns_read_uint16(pkt + *pos + 8);
	if (len - *pos - 10 < rdlen)
		return -1;
	*pos += 10 + rdlen;
	return 0;
}

static int
read_layout(const struct answer_question *q, const uint8_t *pkt, size_t len,
    struct layout *l)
{
	size_t		pos = LDNS_HEADER_SIZE, start, i, n;
	uint16_t	type;
	uint8_t		ttl0;

	memset(l, 0, sizeof(*l));
	if (len < LDNS_HEADER_SIZE || LDNS_QDCOUNT(pkt) != 1 ||
	    answer_skip_name(pkt, len, &pos) == -1 || len - pos < 4)
		return -1;
	l->question_end = pos += 4;
	l->an = ldns_read_uint16(pkt + LDNS_ANCOUNT_OFF);
	l->ns = ldns_read_uint16(pkt + LDNS_NSCOUNT_OFF);
	l->ar = ldns_read_uint16(pkt + LDNS_ARCOUNT_OFF);
	n = (size_t)l->an + l->ns + l->ar;
	for (i = 0; i < n; i++) {
		if (i == (size_t)l->an + l->ns)
			l->additional = pos;
		start = pos;
		if (skip_rr(pkt, len, &pos, &type, &ttl0) == -1)
			return -1;
		if (type == LDNS_RR_TYPE_OPT) {
			if (i < (size_t)l->an + l->ns || l->opt != 0)
				return -1;	/* misplaced or twice */
			l->opt = start;
			l->opt_end = pos;
			l->ext_rcode = ttl0;
		} else if (is_dnssec_type(type) && type != q->qtype)
			l->dnssec = 1;
	}
	if (l->ar == 0)
		l->additional = pos;
	return pos == len ? 0 : -1;
}

/*
 * The in-place rewrite: the whole answer without upstream's OPT, or
 * without the additional section, or header and question with TC,
 * whichever fits first.  Returns the length or -1.
 */
static int
relay_patch(const struct answer_question *q, const uint8_t *pkt, size_t len,
    const struct layout *l, size_t limit, uint8_t *out, size_t cap)
{
	size_t	 opt = q->has_edns ? ANSWER_OPT_LEN : 0, n;
	size_t	 optlen = l->opt_end - l->opt;
	uint16_t ar = (uint16_t)(l->ar - (l->opt != 0));
	int	 rcode = pkt[3] & LDNS_RCODE_MASK;	/* the upstream's */

	if (limit > cap)
		limit = cap;
	if (len - optlen + opt <= limit) {
		n = l->opt != 0 ? l->opt : len;
		memcpy(out, pkt, n);
		if (l->opt != 0) {
			memcpy(out + n, pkt + l->opt_end, len - l->opt_end);
			n += len - l->opt_end;
		}
		wire_header(out, q, rcode, 0, l->an, l->ns,
		    (uint16_t)(ar + !!opt));
	} else if (l->additional + opt <= limit) {
		n = l->additional;
		memcpy(out, pkt, n);
		wire_header(out, q, rcode, 0, l->an, l->ns, (uint16_t)!!opt);
	} else if (l->question_end + opt <= limit) {
		n = l->question_end;
		memcpy(out, pkt, n);
		wire_header(out, q, rcode, 1, 0, 0, (uint16_t)!!opt);
	} else
		return -1;
	if (opt != 0)
		n += wire_opt(out + n, q, l->ext_rcode);
	return (int)n;
}

/* Move one section of from into to. */
static void
move_section(ldns_pkt *to, ldns_pkt *from, ldns_pkt_section s)
{
	ldns_rr_list *list, *empty;

	empty = ldns_rr_list_new();
	switch (s) {
	case LDNS_SECTION_QUESTION:
		list = ldns_pkt_question(from);
		ldns_pkt_set_question(from, empty);
		ldns_rr_list_free(ldns_pkt_question(to));
		ldns_pkt_set_question(to, list);
		break;
	case LDNS_SECTION_ANSWER:
		list = ldns_pkt_answer(from);
		ldns_pkt_set_answer(from, empty);
		ldns_rr_list_free(ldns_pkt_answer(to));
		ldns_pkt_set_answer(to, list);
		break;
	case LDNS_SECTION_AUTHORITY:
		list = ldns_pkt_authority(from);
		ldns_pkt_set_authority(from, empty);
		ldns_rr_list_free(ldns_pkt_authority(to));
		ldns_pkt_set_authority(to, list);
		break;
	default:
		list = ldns_pkt_additional(from);
		ldns_pkt_set_additional(from, empty);
		ldns_rr_list_free(ldns_pkt_additional(to));
		ldns_pkt_set_additional(to, list);
		break;
	}
	ldns_pkt_set_section_count(from, s, 0);
	ldns_pkt_set_section_count(to, s, (uint16_t)ldns_rr_list_rr_count(list));
}

/* Empty one section of p. */
static void
clear_section(ldns_pkt *p, ldns_pkt_section s)
{
	ldns_pkt *junk = ldns_pkt_new();

	if (junk == NULL)
		return;
	move_section(junk, p, s);
	ldns_pkt_free(junk);
}

/* Drop the DNSSEC records of one section that q did not ask for. */
static void
strip_dnssec(ldns_pkt *p, ldns_pkt_section s, uint16_t qtype)
{
	ldns_rr_list	*all;
	ldns_pkt	*fresh;
	ldns_rr		*rr;
	size_t		 i;

	if ((all = ldns_pkt_get_section_clone(p, s)) == NULL)
		return;
	if ((fresh = ldns_pkt_new()) != NULL) {
		for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
			rr = ldns_rr_list_rr(all, i);
			if (!is_dnssec_type(ldns_rr_get_type(rr)) ||
			    ldns_rr_get_type(rr) == qtype)
				ldns_pkt_push_rr(fresh, s, ldns_rr_clone(rr));
		}
		clear_section(p, s);
		move_section(p, fresh, s);
		ldns_pkt_free(fresh);
	}
	ldns_rr_list_deep_free(all);
}

/* The client's packet around the upstream sections, or NULL. */
static ldns_pkt *
client_packet(const struct answer_question *q, ldns_pkt *up)
{
	ldns_pkt *p;

	if ((p = ldns_pkt_new()) == NULL)
		return NULL;
	ldns_pkt_set_id(p, q->id);
	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_opcode(p, LDNS_PACKET_QUERY);
	ldns_pkt_set_rd(p, (q->flags & LDNS_RD_MASK << 8) != 0);
	ldns_pkt_set_cd(p, (q->flags & LDNS_CD_MASK) != 0);
	ldns_pkt_set_ra(p, 1);
	ldns_pkt_set_rcode(p, ldns_pkt_get_rcode(up));
	move_section(p, up, LDNS_SECTION_QUESTION);
	move_section(p, up, LDNS_SECTION_ANSWER);
	move_section(p, up, LDNS_SECTION_AUTHORITY);
	move_section(p, up, LDNS_SECTION_ADDITIONAL);
	if (q->has_edns) {
		ldns_pkt_set_edns_udp_size(p, ANSWER_MAX_UDP);
		ldns_pkt_set_edns_do(p, q->do_bit);
		ldns_pkt_set_edns_extended_rcode(p,
		    ldns_pkt_edns_extended_rcode(up));
	}
	return p;
}

/* Serialize p into out when it fits limit; the length, 0 or -1. */
static int
serialize(const ldns_pkt *p, size_t limit, uint8_t *out, size_t cap)
{
	uint8_t	*wire = NULL;
	size_t	 len = 0;

	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		return -1;
	if (len > limit || len > cap) {
		free(wire);
		return 0;
	}
	memcpy(out, wire, len);
	free(wire);
	return (int)len;
}

/* Put the client's question name bytes back (0x20 case), same length. */
static int
restore_qname(const struct answer_question *q, uint8_t *out, size_t len)
{
	size_t n = q->qname_wire_len;

	if (len < LDNS_HEADER_SIZE + n ||
	    strncasecmp((const char *)out + LDNS_HEADER_SIZE,
	    (const char *)q->qname_wire, n) != 0)
		return -1;
	memcpy(out + LDNS_HEADER_SIZE, q->qname_wire, n);
	return 0;
}

/* The rebuild through ldns, for answers that lose DNSSEC records. */
static int
relay_rebuild(const struct answer_question *q, const uint8_t *pkt,
    size_t len, size_t limit, uint8_t *out, size_t cap)
{
	ldns_pkt	*up = NULL, *p = NULL;
	int		 n = -1;

	if (ldns_wire2pkt(&up, pkt, len) != LDNS_STATUS_OK)
		return -1;
	if (ldns_pkt_qdcount(up) != 1 || (p = client_packet(q, up)) == NULL)
		goto done;
	if (!q->do_bit) {
		strip_dnssec(p, LDNS_SECTION_ANSWER, q->qtype);
		strip_dnssec(p, LDNS_SECTION_AUTHORITY, q->qtype);
		strip_dnssec(p, LDNS_SECTION_ADDITIONAL, q->qtype);
	}
	if ((n = serialize(p, limit, out, cap)) != 0)
		goto done;
	clear_section(p, LDNS_SECTION_ADDITIONAL);
	if ((n = serialize(p, limit, out, cap)) != 0)
		goto done;
	clear_section(p, LDNS_SECTION_ANSWER);
	clear_section(p, LDNS_SECTION_AUTHORITY);
	ldns_pkt_set_tc(p, 1);
	if ((n = serialize(p, limit, out, cap)) == 0)
		n = -1;
done:
	if (n > 0 && restore_qname(q, out, (size_t)n) == -1)
		n = -1;
	ldns_pkt_free(p);
	ldns_pkt_free(up);
	return n;
}

int
answer_relay(const struct answer_question *q, const uint8_t *pkt,
    size_t len, size_t limit, uint8_t *out, size_t cap)
{
	struct layout	l;
	int		n;

	if (read_layout(q, pkt, len, &l) == -1)
		return -1;
	if (l.dnssec && !q->do_bit)
		return relay_rebuild(q, pkt, len, limit, out, cap);
	n = relay_patch(q, pkt, len, &l, limit, out, cap);
	if (n > 0 && restore_qname(q, out, (size_t)n) == -1)
		n = -1;
	return n;
}
