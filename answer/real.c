/*
 * answer/real.c - reading an upstream answer to an MX query into the form
 * the engine takes (struct rules_real_rrset).
 *
 * These packets come from libunbound or the system resolver, once per real
 * lookup and never on the synthesized path, so ldns_wire2pkt() reads them
 * whole.  Anything that is not a clear answer counts as a temporary
 * failure: the engine then answers SERVFAIL and the MTA retries later,
 * which is safe, where a wrong NXDOMAIN would bounce mail.
 *
 * An empty NOERROR is "no MX" only when it is a NODATA (RFC 2308 2.2):
 * with the zone's SOA, or without SOA and without NS records from a server
 * that recurses (RA).  A lame referral (NS records and no SOA, RA often
 * clear) and an answer with an extended RCODE (BADVERS) mean "ask again
 * later": read as NODATA they made $adddns add the domain itself and
 * $dnsmx:! true.  Through libunbound BADVERS cannot be seen: libunbound
 * keeps no extended RCODE and hands on a bare NOERROR, no SOA, which a LAN
 * zone served without an SOA also gives.  So a NODATA without SOA is
 * marked (nodata_bare), and the callers fed by libunbound ask the
 * upstream itself with answer_query_mx() before believing it
 * (resolver/confirm.h).  A referral can be seen when libunbound keeps its
 * NS records, as it does for a delegation.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "answer.h"
#include "answer_int.h"

#define CNAME_MAX_HOPS	16	/* a longer chain is a failure */

static void
real_reset(struct answer_real_store *st, struct rules_real_rrset *rr)
{
	rr->name = st->name;
	rr->status = RULES_REAL_TEMPFAIL;
	rr->ttl = 0;
	rr->count = 0;
	rr->mx = st->mx;
	st->nodata_bare = 0;
}

static int
real_init(const char *name, struct answer_real_store *st,
    struct rules_real_rrset *rr)
{
	if (name == NULL || rules_name_normalize(name, st->name) == -1)
		return -1;
	real_reset(st, rr);
	return 0;
}

static uint32_t
min_ttl(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Whether the response is to our question (when it carries one). */
static int
same_question(const ldns_pkt *p, const ldns_rdf *qname)
{
	const ldns_rr	*q;

	if (ldns_rr_list_rr_count(ldns_pkt_question(p)) == 0)
		return 1;
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	return ldns_rr_get_type(q) == LDNS_RR_TYPE_MX &&
	    ldns_dname_compare(ldns_rr_owner(q), qname) == 0;
}

/* The SOA record of the authority section, or NULL. */
static const ldns_rr *
authority_soa(const ldns_pkt *p)
{
	const ldns_rr_list	*ns = ldns_pkt_authority(p);
	const ldns_rr		*soa;
	size_t			 i;

	for (i = 0; i < ldns_rr_list_rr_count(ns); i++) {
		soa = ldns_rr_list_rr(ns, i);
		if (ldns_rr_get_type(soa) == LDNS_RR_TYPE_SOA &&
		    ldns_rr_rd_count(soa) == 7)
			return soa;
	}
	return NULL;
}

/*
 * Whether an empty NOERROR means "no such record" (see the top): with the
 * zone's SOA, or without one (RFC 2308 "type 3") from a server that
 * recurses and gave no referral.
 */
static int
is_nodata(const ldns_pkt *p)
{
	const ldns_rr_list	*ns = ldns_pkt_authority(p);
	size_t			 i;

	if (authority_soa(p) != NULL)
		return 1;
	if (!ldns_pkt_ra(p))
		return 0;
	for (i = 0; i < ldns_rr_list_rr_count(ns); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(ns, i)) ==
		    LDNS_RR_TYPE_NS)
			return 0;
	return 1;
}

/* The negative TTL of RFC 2308 5: SOA TTL capped by its MINIMUM. */
static uint32_t
negative_ttl(const ldns_pkt *p)
{
	const ldns_rr *soa = authority_soa(p);

	if (soa == NULL)
		return 0;
	return min_ttl(ldns_rr_ttl(soa),
	    ldns_rdf2native_int32(ldns_rr_rdf(soa, 6)));
}

/*
 * Follow the CNAME chain from qname in the answer section; returns the
 * name that owns the MX records, or NULL for a chain too long.  *ttl is
 * lowered to the chain's smallest TTL.
 */
static const ldns_rdf *
chase_cname(const ldns_rr_list *an, const ldns_rdf *qname, uint32_t *ttl)
{
	const ldns_rdf	*owner = qname;
	const ldns_rr	*rr;
	size_t		 i, hops = 0;

	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME ||
		    ldns_rr_rd_count(rr) != 1 ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		if (++hops > CNAME_MAX_HOPS)
			return NULL;
		owner = ldns_rr_rdf(rr, 0);
		*ttl = min_ttl(*ttl, ldns_rr_ttl(rr));
		i = (size_t)-1;	/* the next link may come earlier */
	}
	return owner;
}

/* Keep one MX record; a host too long to present is skipped. */
static void
add_mx(const ldns_rr *rr, struct answer_real_store *st,
    struct rules_real_rrset *rrset)
{
	const ldns_rdf	*host = ldns_rr_mx_exchange(rr);
	char		*s = st->host[rrset->count];
	size_t		 i;

	if (name_wire2str(ldns_rdf_data(host), ldns_rdf_size(host), s,
	    sizeof(st->host[0])) == -1)
		return;
	for (i = 0; s[i] != '\0'; i++)
		s[i] = (char)ascii_lower((uint8_t)s[i]);
	st->mx[rrset->count].host = s;
	st->mx[rrset->count].pref =
	    ldns_rdf2native_int16(ldns_rr_mx_preference(rr));
	if (rrset->count == 0 || ldns_rr_ttl(rr) < rrset->ttl)
		rrset->ttl = ldns_rr_ttl(rr);
	rrset->count++;
}

static void
read_noerror(const ldns_pkt *p, const ldns_rdf *qname,
    struct answer_real_store *st, struct rules_real_rrset *rr)
{
	const ldns_rr_list	*an = ldns_pkt_answer(p);
	const ldns_rdf		*owner;
	const ldns_rr		*r;
	uint32_t		 chain_ttl = UINT32_MAX;
	size_t			 i;

	if ((owner = chase_cname(an, qname, &chain_ttl)) == NULL)
		return;
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		r = ldns_rr_list_rr(an, i);
		if (rr->count < RULES_MAX_REAL_MX &&
		    ldns_rr_get_type(r) == LDNS_RR_TYPE_MX &&
		    ldns_rr_rd_count(r) == 2 &&
		    ldns_dname_compare(ldns_rr_owner(r), owner) == 0)
			add_mx(r, st, rr);
	}
	if (rr->count > 0) {
		rr->status = RULES_REAL_OK;
		rr->ttl = min_ttl(rr->ttl, chain_ttl);
	} else if (!ldns_pkt_tc(p) && is_nodata(p)) {
		/* TC without records: unknown */
		rr->status = RULES_REAL_NODATA;
		rr->ttl = min_ttl(negative_ttl(p), chain_ttl);
		st->nodata_bare = authority_soa(p) == NULL;
	}
}

static void
classify(const ldns_pkt *p, const ldns_rdf *qname,
    struct answer_real_store *st, struct rules_real_rrset *rr)
{
	if (!ldns_pkt_qr(p) || !same_question(p, qname) ||
	    ldns_pkt_edns_extended_rcode(p) != 0)	/* BADVERS, ... */
		return;
	switch (ldns_pkt_get_rcode(p)) {
	case LDNS_RCODE_NOERROR:
		read_noerror(p, qname, st, rr);
		break;
	case LDNS_RCODE_NXDOMAIN:
		rr->status = RULES_REAL_NXDOMAIN;
		rr->ttl = negative_ttl(p);
		break;
	default:
		break;
	}
}

int
answer_read_real_mx(const char *name, const uint8_t *pkt, size_t len,
    struct answer_real_store *st, struct rules_real_rrset *rr)
{
	ldns_pkt	*p = NULL;
	ldns_rdf	*qname = NULL;

	if (real_init(name, st, rr) == -1)
		return -1;
	if (ldns_str2rdf_dname(&qname, st->name) != LDNS_STATUS_OK)
		return -1;
	if (pkt != NULL && len > 0 &&
	    ldns_wire2pkt(&p, pkt, len) == LDNS_STATUS_OK) {
		classify(p, qname, st, rr);
		ldns_pkt_free(p);
	}
	ldns_rdf_deep_free(qname);
	return 0;
}

int
answer_query_mx(const char *name, uint16_t id, uint8_t *out, size_t cap)
{
	ldns_pkt	*p = NULL;
	uint8_t		*wire = NULL;
	size_t		 len = 0;
	int		 rc = -1;

	if (name == NULL || ldns_pkt_query_new_frm_str(&p, name,
	    LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN, LDNS_RD) != LDNS_STATUS_OK) {
		errno = EINVAL;
		return -1;
	}
	ldns_pkt_set_id(p, id);
	ldns_pkt_set_edns_udp_size(p, ANSWER_MAX_UDP);
	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		errno = ENOMEM;
	else if (len > cap)
		errno = ENOSPC;
	else {
		memcpy(out, wire, len);
		rc = (int)len;
	}
	free(wire);
	ldns_pkt_free(p);
	return rc;
}

void
answer_real_tempfail(const char *name, struct answer_real_store *st,
    struct rules_real_rrset *rr)
{
	/* A bad name is kept as given: it is only reported, never used. */
	if (real_init(name, st, rr) == -1) {
		snprintf(st->name, sizeof(st->name), "%s", name ? name : "");
		real_reset(st, rr);
	}
}
