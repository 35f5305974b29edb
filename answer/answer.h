/*
 * answer/answer.h - DNS wire format for mxshim, with ldns: the one copy of
 * the code that reads questions and real MX answers and writes synthesized
 * answers.  mxshimd, libmxshim.so and the mxshim command all use it.
 * Programs that link answer/libanswer.la also link rules/librules.la.
 *
 * Synthesized answers follow mxshim.conf(5) and mxshimd(8): the question is echoed
 * byte for byte (0x20 case kept), RD and CD are copied, QR and RA are set,
 * AA and AD are never set, an OPT record (1232 bytes, version 0, the
 * query's DO bit copied as RFC 3225 asks; nothing is signed) is present
 * only when the query had one, and an answer that
 * does not fit the size limit is cut to the header and question (and OPT)
 * with TC set.  Record owners point at the question name, so they carry the
 * client's case; other names are compressed.  Credentials never reach the
 * wire.  answer_mx(), answer_synth_addr(), answer_rcode() and
 * answer_patch() allocate nothing; answer_parse_query() only inside
 * ldns_wire2dname() (the question name, freed at once).  Everything is
 * thread-safe: no state outside the caller's structures.  Figures
 * (make bench-answer, one core): parse ~90 ns, answer_mx with two
 * records and glue ~300 ns, answer_patch ~15 ns.  Functions returning -1 set errno: EINVAL (a bad
 * argument) or ENOSPC (out too small).
 */
#ifndef MXSHIM_ANSWER_H
#define MXSHIM_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define ANSWER_MAX_UDP		1232	/* most we ever send over UDP */
#define ANSWER_MIN_UDP		512
#define ANSWER_MAX_WIRE		65535
#define ANSWER_MAX_PRES		1024	/* any escaped wire name, with NUL */

/* The question of a query, as found on the wire. */
struct answer_question {
	uint16_t	id;
	uint16_t	flags;		/* header flags word of the query */
	uint16_t	qtype;
	uint16_t	qclass;
	uint8_t		qname_wire[256];	/* exactly as received */
	size_t		qname_wire_len;
	char		qname[ANSWER_MAX_PRES];	/* presentation, as received
					   (case kept), no trailing dot, ""
					   for the root; escaped like
					   ldns_rdf2str() ("a\.b", "\200") */
	int		has_edns;	/* the query had an OPT record */
	uint16_t	edns_size;	/* advertised UDP size, as received
					   (0 without EDNS) */
	int		do_bit;
};

/* Result of answer_parse_query(). */
enum answer_parse_rc {
	ANSWER_PARSE_OK = 0,
	ANSWER_PARSE_FORMERR,	/* answer with answer_formerr() */
	ANSWER_PARSE_DROP	/* not even a header, or a response: drop */
};

/*
 * Read the header and question of the query in pkt (untrusted: any bytes
 * and length are safe).  Returns ANSWER_PARSE_OK and fills q, or says how
 * to react.  DROP: shorter than a header, or QR set.  FORMERR (the answer
 * may in fact be NOTIMP or BADVERS, see answer_formerr()): opcode not
 * QUERY, TC set, QDCOUNT != 1, ANCOUNT or NSCOUNT != 0, ARCOUNT > 1, a
 * question that is truncated or compressed or not a valid name, an OPT
 * record that is malformed, not owned by the root or of EDNS version > 0.
 * An additional record other than OPT is ignored, as are bytes after the
 * last record.  On FORMERR, q->id and q->flags are filled.
 */
enum answer_parse_rc answer_parse_query(const uint8_t *pkt, size_t len,
    struct answer_question *q);

/*
 * Step over the name at *pos of the len bytes at pkt (untrusted), checked
 * as ldns_wire2dname() checks it (labels of at most 63 bytes, pointers
 * inside the packet, at most 255 bytes uncompressed) but without building
 * it: the relay and the query parser do this for every record, and need
 * only where the name ends.  Pointer chains longer than 255 are refused
 * (ldns allows 65535; no encoder makes more than one per name).  Returns
 * the uncompressed length and sets *pos past the name as it stands in pkt
 * (after its first pointer, if any), or returns -1.
 */
int answer_skip_name(const uint8_t *pkt, size_t len, size_t *pos);

/*
 * Build a question for callers that have no packet (the shim's res_query):
 * qname in presentation form as the program gave it (trailing dot
 * optional, "" or "." for the root, \ escapes as in zone files).  No EDNS.
 * Returns 0 or -1 for a name that is not valid.
 */
int answer_question_make(struct answer_question *q, uint16_t id,
    const char *qname, uint16_t qclass, uint16_t qtype, int rd);

/*
 * The UDP size limit for an answer to q: 512 without EDNS, else the
 * advertised size clamped to [512, ANSWER_MAX_UDP].
 */
size_t answer_udp_limit(const struct answer_question *q);

/*
 * Write the answer for an engine result (RULES_ANSWER or RULES_NULL_MX) to
 * out: the MX records at res->ttl (RULES_NULL_MX: the single record
 * "MX 0 ."), and in the additional section the A or AAAA glue of every
 * synthetic host (rules_synth_addr() != 0), at res->ttl too.  limit is the
 * size the client accepts (answer_udp_limit(), or ANSWER_MAX_WIRE for
 * TCP); when the answer does not fit min(limit, cap), the truncated answer
 * (TC, header, question, OPT if the query had one) is written.  Returns the
 * length written, or -1: another res->rc or a bad host name (EINVAL), out
 * too small even for the truncated answer (ENOSPC).
 */
int answer_mx(const struct answer_question *q, const struct rules_result *res,
    size_t limit, uint8_t *out, size_t cap);

/*
 * The A or AAAA answer for a synthetic name (rules_synth_addr(q->qname) !=
 * 0): the address when qclass is IN and the family matches qtype, NODATA
 * (NOERROR, no records, no SOA) otherwise.  ttl is the synthesized TTL.
 * Limit as answer_mx().  Returns the length, or -1: q->qname is not a
 * synthetic name (EINVAL), out too small (ENOSPC).
 */
int answer_synth_addr(const struct answer_question *q, uint32_t ttl,
    size_t limit, uint8_t *out, size_t cap);

/*
 * A header-and-question answer with the given RCODE (LDNS_RCODE_SERVFAIL,
 * LDNS_RCODE_REFUSED, LDNS_RCODE_FORMERR, ...), plus OPT when the query had
 * one.  An extended RCODE (> 15, e.g. 16 BADVERS) needs q->has_edns.
 * Returns the length or -1 (EINVAL, ENOSPC).  At most 282 bytes.
 */
int answer_rcode(const struct answer_question *q, int rcode, uint8_t *out,
    size_t cap);

/*
 * The error answer for a packet answer_parse_query() refused with
 * ANSWER_PARSE_FORMERR: NOTIMP (opcode not QUERY) or FORMERR as a bare
 * header echoing the ID, opcode and RD; BADVERS (EDNS version > 0) with the
 * question and an OPT record.  Returns the length, or -1 for a packet to
 * drop (ANSWER_PARSE_DROP) or cap < 12.
 */
int answer_formerr(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

/*
 * Reuse an answer (len bytes in ans, built by answer_mx() or
 * answer_synth_addr() for an earlier query) for q: writes q's ID, RD, CD
 * and question bytes (0x20 case) into ans.  The caller keys its cache on
 * the lowercased name, qtype, qclass and has_edns of the question, and on
 * the rule-set generation.  Returns len, or -1 (ans unchanged) when ans is
 * not for this question or len > limit (then build it with answer_mx(),
 * which truncates).  Names in the records that were compressed against the
 * question take the new query's case; DNS names compare without case.
 */
int answer_patch(uint8_t *ans, size_t len, const struct answer_question *q,
    size_t limit);

/*
 * The answer for one client made from an upstream answer (mxshimd relays
 * every question the rules do not answer): the client's ID, its question
 * bytes (0x20 case kept), RD and CD copied, RA set, AA and AD cleared
 * (mxshimd is neither authoritative nor validating), the upstream's RCODE,
 * an OPT record only when the client sent one, DNSSEC records only when it
 * set DO (RFC 3225), and the size limit applied: the additional section is
 * dropped first (RFC 2181 9), then the answer is cut to header and
 * question with TC set.  pkt (len bytes, untrusted) is the upstream packet
 * as libunbound gives it; limit is answer_udp_limit() or ANSWER_MAX_WIRE
 * for TCP.  Returns the length written to out, or -1 when pkt cannot be
 * read or does not answer q's question (the caller sends SERVFAIL).
 * Allocates only when DNSSEC records must go (the packet is rebuilt).
 */
int answer_relay(const struct answer_question *q, const uint8_t *pkt,
    size_t len, size_t limit, uint8_t *out, size_t cap);

/*
 * Storage for one real MX RRset read from the wire: the strings that a
 * struct rules_real_rrset points at.
 */
struct answer_real_store {
	char		name[RULES_MAX_NAME + 1];
	struct rules_mx	mx[RULES_MAX_REAL_MX];
	char		host[RULES_MAX_REAL_MX][RULES_MAX_NAME + 1];
	/*
	 * Set with RULES_REAL_NODATA when no SOA came with it (RFC 2308
	 * "type 3"): libunbound hands on a BADVERS answer in that very form
	 * (it drops the extended RCODE), so a caller fed by libunbound asks
	 * the upstream itself before believing it (resolver/confirm.h).
	 */
	int		nodata_bare;
};

/*
 * Read the upstream response to an MX query for name (wire format, as
 * libunbound or res_query return it) into rr, whose pointers go into st.
 * rcode NOERROR with MX records gives RULES_REAL_OK (ttl: smallest of the
 * RRset), NOERROR without gives NODATA (ttl: SOA minimum or 0), NXDOMAIN
 * gives NXDOMAIN, anything else (SERVFAIL, REFUSED, garbage, len 0) gives
 * TEMPFAIL.  Returns 0, or -1 when name is not a valid name.
 * Details: a CNAME chain in the answer section is followed (its TTLs count
 * in the smallest); a response without QR, or whose question is not MX of
 * name, or with TC and no MX records, is TEMPFAIL; the negative TTL is
 * min(SOA TTL, SOA MINIMUM) (RFC 2308); hosts are lowercased, without the
 * trailing dot ("" for the root of a null MX); records past
 * RULES_MAX_REAL_MX, and hosts whose escaped form exceeds RULES_MAX_NAME,
 * are left out.
 */
int answer_read_real_mx(const char *name, const uint8_t *pkt, size_t len,
    struct answer_real_store *st, struct rules_real_rrset *rr);

/*
 * Write into out (cap bytes) the question answer_read_real_mx() reads the
 * answer to, as a stub asks it: MX of name, class IN, RD set, an OPT
 * record (version 0, 1232 bytes, DO clear), query ID id.  Returns the
 * length, or -1 (EINVAL: not a valid name; ENOSPC: out too small).
 */
int answer_query_mx(const char *name, uint16_t id, uint8_t *out, size_t cap);

/* The same for a failed lookup (timeout, no upstream): TEMPFAIL. */
void answer_real_tempfail(const char *name, struct answer_real_store *st,
    struct rules_real_rrset *rr);

#endif /* MXSHIM_ANSWER_H */
