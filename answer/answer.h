/*
 * answer/answer.h - DNS wire format for mxshim, with ldns: the one copy of
 * the code that reads questions and real MX answers and writes synthesized
 * answers.  mxshimd, libmxshim.so and the mxshim command all use it.
 *
 * Synthesized answers follow rules.md and mxshimd(8): the question is echoed
 * byte for byte (0x20 case kept), RD and CD are copied, RA is set, AA and AD
 * are never set, an OPT record is present only when the query had one, and
 * an answer that does not fit the size limit is cut to the header and
 * question with TC set.  Credentials never reach the wire.
 */
#ifndef MXSHIM_ANSWER_H
#define MXSHIM_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define ANSWER_MAX_UDP		1232	/* most we ever send over UDP */
#define ANSWER_MIN_UDP		512
#define ANSWER_MAX_WIRE		65535

/* The question of a query, as found on the wire. */
struct answer_question {
	uint16_t	id;
	uint16_t	flags;		/* header flags word of the query */
	uint16_t	qtype;
	uint16_t	qclass;
	uint8_t		qname_wire[256];	/* exactly as received */
	size_t		qname_wire_len;
	char		qname[RULES_MAX_NAME + 2];	/* presentation, as received
						   (case kept), no trailing dot */
	int		has_edns;	/* the query had an OPT record */
	uint16_t	edns_size;	/* advertised UDP size (0 without EDNS) */
	int		do_bit;
};

/* Result of answer_parse_query(). */
enum answer_parse_rc {
	ANSWER_PARSE_OK = 0,
	ANSWER_PARSE_FORMERR,	/* answer with answer_formerr() */
	ANSWER_PARSE_DROP	/* not even a header, or a response: drop */
};

/*
 * Read the header and question of the query in pkt.  Returns
 * ANSWER_PARSE_OK and fills q, or says how to react.
 */
enum answer_parse_rc answer_parse_query(const uint8_t *pkt, size_t len,
    struct answer_question *q);

/*
 * Build a question for callers that have no packet (the shim's res_query):
 * qname in presentation form as the program gave it.  Returns 0 or -1 for a
 * name that is not valid.
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
 * out: the MX records at res->ttl, and in the additional section the A or
 * AAAA glue of every synthetic (address target) host.  limit is the size
 * the client accepts (answer_udp_limit(), or 65535 for TCP); when the
 * answer does not fit, a truncated answer (TC, no records) is written.
 * Returns the length written, or -1 when out (of size cap) is too small or
 * memory runs out.
 */
int answer_mx(const struct answer_question *q, const struct rules_result *res,
    size_t limit, uint8_t *out, size_t cap);

/*
 * The A or AAAA answer for a synthetic name (rules_synth_addr() != 0): the
 * address when the family matches qtype, NODATA (NOERROR, no records)
 * otherwise.  ttl is the synthesized TTL.  Returns the length or -1.
 */
int answer_synth_addr(const struct answer_question *q, uint32_t ttl,
    size_t limit, uint8_t *out, size_t cap);

/*
 * A header-and-question answer with the given RCODE (LDNS_RCODE_SERVFAIL,
 * LDNS_RCODE_REFUSED, LDNS_RCODE_FORMERR, ...).  Returns the length or -1.
 */
int answer_rcode(const struct answer_question *q, int rcode, uint8_t *out,
    size_t cap);

/* FORMERR for a packet answer_parse_query() refused: echoes only the ID. */
int answer_formerr(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

/*
 * Storage for one real MX RRset read from the wire: the strings that a
 * struct rules_real_rrset points at.
 */
struct answer_real_store {
	char		name[RULES_MAX_NAME + 1];
	struct rules_mx	mx[RULES_MAX_REAL_MX];
	char		host[RULES_MAX_REAL_MX][RULES_MAX_NAME + 1];
};

/*
 * Read the upstream response to an MX query for name (wire format, as
 * libunbound or res_query return it) into rr, whose pointers go into st.
 * rcode NOERROR with MX records gives RULES_REAL_OK (ttl: smallest of the
 * RRset), NOERROR without gives NODATA (ttl: SOA minimum or 0), NXDOMAIN
 * gives NXDOMAIN, anything else (SERVFAIL, REFUSED, garbage, len 0) gives
 * TEMPFAIL.  Returns 0, or -1 when name is not a valid name.
 */
int answer_read_real_mx(const char *name, const uint8_t *pkt, size_t len,
    struct answer_real_store *st, struct rules_real_rrset *rr);

/* The same for a failed lookup (timeout, no upstream): TEMPFAIL. */
void answer_real_tempfail(const char *name, struct answer_real_store *st,
    struct rules_real_rrset *rr);

#endif /* MXSHIM_ANSWER_H */
