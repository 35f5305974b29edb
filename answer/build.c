/*
 * answer/build.c - synthesized answers: MX sets with their glue, the A or
 * AAAA of a synthetic host, bare RCODEs.
 *
 * Answers are written straight into the caller's buffer through an
 * ldns_buffer, without building ldns_pkt objects: the hot path of mxshimd
 * allocates nothing.  Names are compressed as ldns_pkt2wire() does it
 * (each name points at the longest suffix already in the packet, compared
 * case-insensitively); record owners point at the question, so they carry
 * the client's case.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "answer.h"
#include "answer_int.h"

#define PTR_MASK	0xc000
#define PTR_MAX		0x3fff	/* highest offset a pointer can reach */
#define WR_TARGETS	512	/* label offsets remembered for compression */
#define EDNS_MAX_EXT	0xff	/* the upper 8 bits of an extended RCODE */
#define RCODE_MAX_PLAIN	15	/* what the header alone can carry */
#define RCODE_MAX	4095	/* with the OPT record's 8 bits */

struct writer {
	ldns_buffer	b;
	int		full;		/* a write did not fit */
	size_t		ntarget;
	uint16_t	target[WR_TARGETS];	/* where names can point */
};

/* An address target's glue: the MX exchange it belongs to. */
struct glue {
	int		 family;
	uint8_t		 addr[16];
	size_t		 name_at;	/* where the exchange was written */
	const char	*host;
};

static void
wr_init(struct writer *w, uint8_t *out, size_t size)
{
	buffer_over(&w->b, out, size);
	w->full = 0;
	w->ntarget = 0;
}

static size_t
wr_pos(const struct writer *w)
{
	return ldns_buffer_position(&w->b);
}

static void
wr_bytes(struct writer *w, const void *p, size_t n)
{
	if (w->full || !ldns_buffer_available(&w->b, n)) {
		w->full = 1;
		return;
	}
	ldns_buffer_write(&w->b, p, n);
}

static void
wr_u16(struct writer *w, uint16_t v)
{
	uint8_t	d[2];

	ldns_write_uint16(d, v);
	wr_bytes(w, d, sizeof(d));
}

static void
wr_u32(struct writer *w, uint32_t v)
{
	uint8_t	d[4];

	ldns_write_uint32(d, v);
	wr_bytes(w, d, sizeof(d));
}

static void
wr_target(struct writer *w, size_t off)
{
	if (!w->full && off <= PTR_MAX && w->ntarget < WR_TARGETS)
		w->target[w->ntarget++] = (uint16_t)off;
}

/* Whether the name at off (written by us) equals the wire name s. */
static int
wr_match(const struct writer *w, size_t off, const uint8_t *s)
{
	const uint8_t	*p = ldns_buffer_begin(&w->b);
	size_t		 i;

	for (;;) {
		while ((p[off] & 0xc0) == 0xc0)	/* ours: always backwards */
			off = ldns_read_uint16(p + off) & PTR_MAX;
		if (p[off] != *s)
			return 0;
		if (*s == 0)
			return 1;
		for (i = 1; i <= *s; i++)
			if (ascii_lower(p[off + i]) != ascii_lower(s[i]))
				return 0;
		off += *s + 1u;
		s += *s + 1u;
	}
}

static int
wr_find(const struct writer *w, const uint8_t *s, uint16_t *off)
{
	size_t	i;

	for (i = 0; i < w->ntarget; i++)
		if (wr_match(w, w->target[i], s)) {
			*off = w->target[i];
			return 1;
		}
	return 0;
}

/* Write an uncompressed wire name, compressed. */
static void
wr_name(struct writer *w, const uint8_t *wire)
{
	size_t		k, i;
	uint16_t	off = 0;
	int		found = 0;

	if (w->full)
		return;
	for (k = 0; wire[k] != 0; k += wire[k] + 1u)
		if ((found = wr_find(w, wire + k, &off)) != 0)
			break;
	for (i = 0; i < k; i += wire[i] + 1u) {
		wr_target(w, wr_pos(w));
		wr_bytes(w, wire + i, wire[i] + 1u);
	}
	if (found)
		wr_u16(w, PTR_MASK | off);
	else
		wr_bytes(w, "", 1);
}

void
wire_header(uint8_t *h, const struct answer_question *q, int rcode, int tc,
    uint16_t an, uint16_t ns, uint16_t ar)
{
	LDNS_ID_SET(h, q->id);
	h[2] = (uint8_t)(LDNS_QR_MASK | (tc ? LDNS_TC_MASK : 0) |
	    ((q->flags >> 8) & LDNS_RD_MASK));
	h[3] = (uint8_t)(LDNS_RA_MASK | (q->flags & LDNS_CD_MASK) |
	    (rcode & LDNS_RCODE_MASK));
	ldns_write_uint16(h + LDNS_QDCOUNT_OFF, 1);
	ldns_write_uint16(h + LDNS_ANCOUNT_OFF, an);
	ldns_write_uint16(h + LDNS_NSCOUNT_OFF, ns);
	ldns_write_uint16(h + LDNS_ARCOUNT_OFF, ar);
}

size_t
wire_opt(uint8_t *out, const struct answer_question *q, uint8_t ext_rcode)
{
	out[0] = 0;				/* root */
	ldns_write_uint16(out + 1, LDNS_RR_TYPE_OPT);
	ldns_write_uint16(out + 3, ANSWER_MAX_UDP);
	out[5] = ext_rcode;
	out[6] = 0;				/* version */
	out[7] = q->do_bit ? 0x80 : 0;		/* DO */
	out[8] = 0;
	ldns_write_uint16(out + 9, 0);		/* no options */
	return ANSWER_OPT_LEN;
}

static void
wr_header(struct writer *w, const struct answer_question *q, int rcode)
{
	uint8_t	h[LDNS_HEADER_SIZE];

	wire_header(h, q, rcode, 0, 0, 0, 0);
	wr_bytes(w, h, sizeof(h));
}

/* The question, byte for byte; its labels become compression targets. */
static void
wr_question(struct writer *w, const struct answer_question *q)
{
	size_t	base = wr_pos(w), i;

	wr_bytes(w, q->qname_wire, q->qname_wire_len);
	for (i = 0; q->qname_wire[i] != 0; i += q->qname_wire[i] + 1u)
		wr_target(w, base + i);
	wr_u16(w, q->qtype);
	wr_u16(w, q->qclass);
}

/* The fixed part of a record whose owner was just written. */
static void
wr_rr(struct writer *w, uint16_t type, uint32_t ttl)
{
	wr_u16(w, type);
	wr_u16(w, LDNS_RR_CLASS_IN);
	wr_u32(w, ttl);
}

static void
wr_opt(struct writer *w, const struct answer_question *q, int rcode)
{
	uint8_t	opt[ANSWER_OPT_LEN];

	wr_bytes(w, opt, wire_opt(opt, q,
	    (uint8_t)((rcode >> 4) & EDNS_MAX_EXT)));
}

static void
wr_counts(struct writer *w, uint16_t an, uint16_t ar)
{
	uint8_t	*h = ldns_buffer_begin(&w->b);

	ldns_write_uint16(h + LDNS_ANCOUNT_OFF, an);
	ldns_write_uint16(h + LDNS_ARCOUNT_OFF, ar);
}

/* Fill in the RDLENGTH reserved at rdlen_at. */
static void
wr_rdlen(struct writer *w, size_t rdlen_at)
{
	if (!w->full)
		ldns_buffer_write_u16_at(&w->b, rdlen_at,
		    (uint16_t)(wr_pos(w) - rdlen_at - 2));
}

/* One MX record owned by the question name; returns where host went. */
static size_t
wr_mx(struct writer *w, uint16_t pref, const uint8_t *host, uint32_t ttl)
{
	size_t	rdlen_at, name_at;

	wr_u16(w, PTR_MASK | LDNS_HEADER_SIZE);
	wr_rr(w, LDNS_RR_TYPE_MX, ttl);
	rdlen_at = wr_pos(w);
	wr_u16(w, 0);
	wr_u16(w, pref);
	name_at = wr_pos(w);
	wr_name(w, host);
	wr_rdlen(w, rdlen_at);
	return name_at;
}

static int
wr_glue(struct writer *w, const struct glue *g, uint32_t ttl)
{
	uint8_t	wire[NAME_MAX_WIRE];

	if (g->name_at <= PTR_MAX)
		wr_u16(w, PTR_MASK | (uint16_t)g->name_at);
	else if (name_str2wire(g->host, wire) != -1)
		wr_name(w, wire);
	else
		return -1;
	if (g->family == AF_INET) {
		wr_rr(w, LDNS_RR_TYPE_A, ttl);
		wr_u16(w, 4);
		wr_bytes(w, g->addr, 4);
	} else {
		wr_rr(w, LDNS_RR_TYPE_AAAA, ttl);
		wr_u16(w, 16);
		wr_bytes(w, g->addr, 16);
	}
	return 0;
}

/* Header and question, TC set, no records (+OPT). */
static int
wr_truncated(const struct answer_question *q, uint8_t *out, size_t size)
{
	struct writer	w;

	wr_init(&w, out, size);
	wr_header(&w, q, LDNS_RCODE_NOERROR);
	wr_question(&w, q);
	if (q->has_edns)
		wr_opt(&w, q, 0);
	if (w.full) {
		errno = ENOSPC;
		return -1;
	}
	LDNS_TC_SET(out);
	wr_counts(&w, 0, q->has_edns ? 1 : 0);
	return (int)wr_pos(&w);
}

/* The end of every answer: OPT, counts, or TC when it did not fit. */
static int
wr_finish(struct writer *w, const struct answer_question *q, uint16_t an,
    uint16_t ar)
{
	if (q->has_edns)
		wr_opt(w, q, 0);
	if (w->full)
		return wr_truncated(q, ldns_buffer_begin(&w->b),
		    ldns_buffer_capacity(&w->b));
	wr_counts(w, an, ar + (q->has_edns ? 1 : 0));
	return (int)wr_pos(w);
}

static const struct rules_record null_mx = { .pref = 0, .host = "" };

int
answer_mx(const struct answer_question *q, const struct rules_result *res,
    size_t limit, uint8_t *out, size_t cap)
{
	struct writer			 w;
	struct glue			 glue[RULES_MAX_RECORDS];
	const struct rules_record	*rec = res->record;
	uint8_t				 wire[NAME_MAX_WIRE];
	size_t				 i, n = res->count, ng = 0;

	if (res->rc == RULES_NULL_MX) {
		rec = &null_mx;
		n = 1;
	} else if (res->rc != RULES_ANSWER || n > RULES_MAX_RECORDS) {
		errno = EINVAL;
		return -1;
	}
	wr_init(&w, out, limit < cap ? limit : cap);
	wr_header(&w, q, LDNS_RCODE_NOERROR);
	wr_question(&w, q);
	for (i = 0; i < n; i++) {
		if (name_str2wire(rec[i].host, wire) == -1) {
			errno = EINVAL;
			return -1;
		}
		glue[ng].name_at = wr_mx(&w, rec[i].pref, wire, res->ttl);
		glue[ng].host = rec[i].host;
		glue[ng].family = rules_synth_addr(rec[i].host, glue[ng].addr);
		if (glue[ng].family != 0)
			ng++;
	}
	for (i = 0; i < ng; i++)
		if (wr_glue(&w, &glue[i], res->ttl) == -1) {
			errno = EINVAL;
			return -1;
		}
	return wr_finish(&w, q, (uint16_t)n, (uint16_t)ng);
}

int
answer_synth_addr(const struct answer_question *q, uint32_t ttl,
    size_t limit, uint8_t *out, size_t cap)
{
	struct writer	w;
	uint8_t		addr[16];
	int		family, an = 0;

	if ((family = rules_synth_addr(q->qname, addr)) == 0) {
		errno = EINVAL;
		return -1;
	}
	wr_init(&w, out, limit < cap ? limit : cap);
	wr_header(&w, q, LDNS_RCODE_NOERROR);
	wr_question(&w, q);
	if (q->qclass == LDNS_RR_CLASS_IN &&
	    ((q->qtype == LDNS_RR_TYPE_A && family == AF_INET) ||
	    (q->qtype == LDNS_RR_TYPE_AAAA && family == AF_INET6))) {
		wr_u16(&w, PTR_MASK | LDNS_HEADER_SIZE);
		wr_rr(&w, q->qtype, ttl);
		wr_u16(&w, family == AF_INET ? 4 : 16);
		wr_bytes(&w, addr, family == AF_INET ? 4 : 16);
		an = 1;
	}
	return wr_finish(&w, q, (uint16_t)an, 0);
}

int
answer_rcode(const struct answer_question *q, int rcode, uint8_t *out,
    size_t cap)
{
	struct writer	w;

	if (rcode < 0 || rcode > RCODE_MAX ||
	    (rcode > RCODE_MAX_PLAIN && !q->has_edns)) {
		errno = EINVAL;
		return -1;
	}
	wr_init(&w, out, cap);
	wr_header(&w, q, rcode);
	wr_question(&w, q);
	if (q->has_edns)
		wr_opt(&w, q, rcode);
	if (w.full) {
		errno = ENOSPC;
		return -1;
	}
	wr_counts(&w, 0, q->has_edns ? 1 : 0);
	return (int)wr_pos(&w);
}

int
answer_patch(uint8_t *ans, size_t len, const struct answer_question *q,
    size_t limit)
{
	size_t	qend = LDNS_HEADER_SIZE + q->qname_wire_len;

	if (len > limit || len < qend + 4 ||
	    !name_wire_equal(ans + LDNS_HEADER_SIZE, q->qname_wire) ||
	    ldns_read_uint16(ans + qend) != q->qtype ||
	    ldns_read_uint16(ans + qend + 2) != q->qclass)
		return -1;
	LDNS_ID_SET(ans, q->id);
	ans[2] = (ans[2] & ~LDNS_RD_MASK) | ((q->flags >> 8) & LDNS_RD_MASK);
	ans[3] = (ans[3] & ~LDNS_CD_MASK) | (q->flags & LDNS_CD_MASK);
	memcpy(ans + LDNS_HEADER_SIZE, q->qname_wire, q->qname_wire_len);
	return (int)len;
}
