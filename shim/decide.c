/*
 * shim/decide.c - what the shim answers: the one place where a question
 * meets the rules engine and the answer builder.
 *
 * An MX question is evaluated with the rules; when they need real MX data
 * ($dnsmx, $adddns, USEDNS, $lookupmx) it is fetched with the program's
 * own resolver state through the real res_nsend, so it goes wherever the
 * program's resolv.conf says.  A or AAAA for a synthetic name (an address
 * target) is answered with the address.  Everything else passes.
 */
#include "config.h"

#include <stdlib.h>

#include "shim.h"

/*
 * Room for the real MX data of one evaluation.  Allocated only when the
 * rules need real data, a path that waits on the network anyway.
 */
struct fetch {
	struct answer_real_store store[RULES_MAX_REAL];
	uint8_t			 query[HFIXEDSZ + MAXCDNAME + QFIXEDSZ];
	uint8_t			 reply[ANSWER_MAX_WIRE];
};

/* Fetch the real MX RRset of name and add it to real; -1 when full. */
static int
fetch_real(res_state statp, struct fetch **fp, struct rules_real *real,
    const char *name)
{
	const struct shim_real	*r = shim_real();
	struct rules_real_rrset	 rr;
	struct answer_real_store *st;
	int			 qlen, len = -1;

	if (real->count >= RULES_MAX_REAL)
		return -1;
	if (*fp == NULL && (*fp = malloc(sizeof(**fp))) == NULL)
		return -1;
	st = &(*fp)->store[real->count];
	qlen = res_nmkquery(statp, QUERY, name, C_IN, T_MX, NULL, 0, NULL,
	    (*fp)->query, sizeof((*fp)->query));
	if (qlen > 0 && r->res_nsend != NULL)
		len = r->res_nsend(statp, (*fp)->query, qlen, (*fp)->reply,
		    sizeof((*fp)->reply));
	if (len <= 0)
		answer_real_tempfail(name, st, &rr);
	else if (answer_read_real_mx(name, (*fp)->reply, len, st, &rr) == -1)
		return -1;
	return rules_real_add(real, &rr);
}

/*
 * Remember the ports of the answer's targets for connect(): every record,
 * so that a later answer naming the same host at port 25 takes its port
 * back (shim_port_host() only keeps hosts that ever had another port).
 */
static void
note_ports(const struct rules_result *res)
{
	size_t	i;

	for (i = 0; i < res->count; i++)
		shim_port_host(res->record[i].host, res->record[i].port);
}

static enum shim_verdict
decide_mx(res_state statp, const struct answer_question *q, uint8_t *out,
    size_t cap, int *outlen)
{
	const struct shim_config *c = shim_config();
	struct rules_real	 real = { .count = 0 };
	struct rules_result	 res;
	struct fetch		*f = NULL;
	enum rules_rc		 rc;
	enum shim_verdict	 v = SHIM_PASS;

	if (c->set == NULL)
		return SHIM_TEMPFAIL;
	while ((rc = rules_eval(c->set, q->qname, &c->ctx, &real, 0, NULL,
	    &res)) == RULES_NEED)
		if (fetch_real(statp, &f, &real, res.need) == -1) {
			rc = RULES_SERVFAIL;
			break;
		}
	switch (rc) {
	case RULES_ANSWER:
	case RULES_NULL_MX:
		/* before free(f): res points into the fetched data */
		*outlen = answer_mx(q, &res, cap, out, cap);
		v = *outlen < 0 ? SHIM_TEMPFAIL : SHIM_ANSWERED;
		if (v == SHIM_ANSWERED)
			note_ports(&res);
		break;
	case RULES_SERVFAIL:
		v = SHIM_TEMPFAIL;
		break;
	default:	/* no override, not a name the rules can judge */
		break;
	}
	free(f);
	return v;
}

static enum shim_verdict
decide_addr(const struct answer_question *q, uint8_t *out, size_t cap,
    int *outlen)
{
	uint8_t	addr[16];
	int	family = rules_synth_addr(q->qname, addr);

	if (family == 0)
		return SHIM_PASS;
	*outlen = answer_synth_addr(q, RULES_DEFAULT_TTL, cap, out, cap);
	if (*outlen < 0)
		return SHIM_TEMPFAIL;
	if ((family == AF_INET) == (q->qtype == T_A))
		shim_port_learn(q->qname, family, addr);
	return SHIM_ANSWERED;
}

enum shim_verdict
shim_answer(res_state statp, const struct answer_question *q, uint8_t *out,
    size_t cap, int *outlen)
{
	if (q->qclass != C_IN)
		return SHIM_PASS;
	if (q->qtype == T_MX)
		return decide_mx(statp, q, out, cap, outlen);
	if (q->qtype == T_A || q->qtype == T_AAAA)
		return decide_addr(q, out, cap, outlen);
	return SHIM_PASS;
}
