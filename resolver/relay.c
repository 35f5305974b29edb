/*
 * resolver/relay.c - rewriting upstream answers for the client, with ldns.
 *
 * The upstream packet is read into an ldns_pkt and its sections are moved
 * into a fresh packet whose header and EDNS are the client's: ldns cannot
 * forget an OPT record it has read, and the client's view of EDNS must not
 * depend on what libunbound asked upstream.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "relay.h"

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

int
relay_answer(const struct answer_question *q, const uint8_t *pkt,
    size_t len, size_t limit, uint8_t *out, size_t cap)
{
	ldns_pkt	*up = NULL, *p = NULL;
	int		 n = -1;

	if (ldns_wire2pkt(&up, pkt, len) != LDNS_STATUS_OK)
		return -1;
	if (ldns_pkt_qdcount(up) != 1 || (p = client_packet(q, up)) == NULL)
		goto done;
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
