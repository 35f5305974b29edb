/*
 * shim/res.c - the res_* hooks.
 *
 * Each function is exported under its plain name and its __-prefixed
 * name: binaries linked before glibc 2.34 reference __res_query@GLIBC_2.2.5
 * (x86-64's tag) and friends, newer ones res_query@GLIBC_2.34.  The library has no symbol
 * versions at all, which lets its unversioned definitions satisfy both.
 *
 * A question the shim answers (see decide.c) gets h_errno and
 * statp->res_h_errno as glibc's own code sets them for the same reply;
 * errno is left as the caller had it.  Everything else goes to the real
 * function untouched; A/AAAA replies are only looked at afterwards, for
 * the connect() port map.
 */
#include "config.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>

#include "shim.h"

#define ALIAS(f) \
	extern __typeof(f) __##f \
	    __attribute__((alias(#f), copy(f), visibility("default")))

/* Whether the shim may answer this class and type (cheap filter). */
static int
interesting(int class, int type)
{
	return class == C_IN && (type == T_MX || type == T_A ||
	    type == T_AAAA);
}

/* The state behind the non-n functions, initialized as they would. */
static res_state
global_state(void)
{
	if ((_res.options & RES_INIT) == 0)
		res_init();
	return &_res;
}

static void
set_herr(res_state statp, int e)
{
	statp->res_h_errno = e;
	h_errno = e;
}

/*
 * What glibc's res_nquery returns for a reply of n bytes: the length, or
 * -1 with h_errno from the RCODE when there is no answer record.  A
 * truncated reply is returned as it is: the caller retries bigger.
 */
static int
query_result(res_state statp, const uint8_t *ans, int n)
{
	if (LDNS_TC_WIRE(ans) ||
	    (LDNS_RCODE_WIRE(ans) == LDNS_RCODE_NOERROR && LDNS_ANCOUNT(ans)))
		return n;
	switch (LDNS_RCODE_WIRE(ans)) {
	case LDNS_RCODE_NXDOMAIN:
		set_herr(statp, HOST_NOT_FOUND);
		break;
	case LDNS_RCODE_SERVFAIL:
		set_herr(statp, TRY_AGAIN);
		break;
	case LDNS_RCODE_NOERROR:
		set_herr(statp, NO_DATA);
		break;
	default:
		set_herr(statp, NO_RECOVERY);
		break;
	}
	return -1;
}

/*
 * The common path of the query, search and querydomain families: returns
 * 1 and sets *rc when the shim answered, 0 to pass.  statp NULL: _res.
 * search: glibc's search functions set HOST_NOT_FOUND before they query
 * and leave it there on success; so do we.
 */
static int
hook_query(res_state statp, const char *name, int class, int type,
    unsigned char *ans, int anslen, int search, int *rc)
{
	struct answer_question	q;
	int			saved = errno, n = -1;

	if (name == NULL || ans == NULL || anslen <= 0 ||
	    !interesting(class, type) ||
	    answer_question_make(&q, 0, name, class, type, 1) == -1) {
		errno = saved;
		return 0;
	}
	if (statp == NULL)
		statp = global_state();
	switch (shim_answer(statp, &q, ans, anslen, &n)) {
	case SHIM_PASS:
		errno = saved;
		return 0;
	case SHIM_TEMPFAIL:
		set_herr(statp, TRY_AGAIN);
		*rc = -1;
		break;
	case SHIM_ANSWERED:
		if (search)
			set_herr(statp, HOST_NOT_FOUND);
		*rc = query_result(statp, ans, n);
		break;
	}
	errno = saved;
	return 1;
}

/* After a real A/AAAA query: learn addresses for the port map. */
static int
learned(const char *name, int type, const unsigned char *ans, int n)
{
	int	saved = errno;

	if (n > 0 && name != NULL && (type == T_A || type == T_AAAA) &&
	    shim_port_any())
		shim_port_learn_wire(name, ans, n);
	errno = saved;
	return n;
}

static int
missing(res_state statp)
{
	if (statp != NULL)
		statp->res_h_errno = NETDB_INTERNAL;
	h_errno = NETDB_INTERNAL;
	errno = ENOSYS;
	return -1;
}

/*
 * Search functions: the name as given is judged when glibc would try it
 * first (a trailing dot, or at least ndots dots); names completed from
 * the search list are not overridden.
 */
static int
searched_as_is(res_state statp, const char *name)
{
	const char	*p;
	unsigned	 dots = 0;
	size_t		 len;

	if (name == NULL || (len = strlen(name)) == 0)
		return 0;
	if (name[len - 1] == '.')
		return 1;
	for (p = name; *p != '\0'; p++)
		dots += *p == '.';
	if (statp == NULL)
		statp = global_state();
	return dots >= statp->ndots;
}

/* querydomain: the name glibc queries, or NULL when it refuses it. */
static const char *
joined(const char *name, const char *domain, char *buf, size_t len)
{
	int	n;

	if (name == NULL)
		return NULL;
	if (domain == NULL)
		return name;
	n = snprintf(buf, len, "%s.%s", name, domain);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

SHIM_EXPORT int
res_nquery(res_state statp, const char *name, int class, int type,
    unsigned char *ans, int anslen)
{
	const struct shim_real	*r = shim_real();
	int			 n;

	if (hook_query(statp, name, class, type, ans, anslen, 0, &n))
		return n;
	if (r->res_nquery == NULL)
		return missing(statp);
	n = r->res_nquery(statp, name, class, type, ans, anslen);
	return learned(name, type, ans, n);
}
ALIAS(res_nquery);

SHIM_EXPORT int
res_query(const char *name, int class, int type, unsigned char *ans,
    int anslen)
{
	const struct shim_real	*r = shim_real();
	int			 n;

	if (hook_query(NULL, name, class, type, ans, anslen, 0, &n))
		return n;
	if (r->res_query == NULL)
		return missing(NULL);
	n = r->res_query(name, class, type, ans, anslen);
	return learned(name, type, ans, n);
}
ALIAS(res_query);

SHIM_EXPORT int
res_nsearch(res_state statp, const char *name, int class, int type,
    unsigned char *ans, int anslen)
{
	const struct shim_real	*r = shim_real();
	int			 n;

	if (interesting(class, type) && searched_as_is(statp, name) &&
	    hook_query(statp, name, class, type, ans, anslen, 1, &n))
		return n;
	if (r->res_nsearch == NULL)
		return missing(statp);
	n = r->res_nsearch(statp, name, class, type, ans, anslen);
	return learned(name, type, ans, n);
}
ALIAS(res_nsearch);

SHIM_EXPORT int
res_search(const char *name, int class, int type, unsigned char *ans,
    int anslen)
{
	const struct shim_real	*r = shim_real();
	int			 n;

	if (interesting(class, type) && searched_as_is(NULL, name) &&
	    hook_query(NULL, name, class, type, ans, anslen, 1, &n))
		return n;
	if (r->res_search == NULL)
		return missing(NULL);
	n = r->res_search(name, class, type, ans, anslen);
	return learned(name, type, ans, n);
}
ALIAS(res_search);

SHIM_EXPORT int
res_nquerydomain(res_state statp, const char *name, const char *domain,
    int class, int type, unsigned char *ans, int anslen)
{
	const struct shim_real	*r = shim_real();
	char			 buf[MAXDNAME + 1];
	const char		*full = joined(name, domain, buf, sizeof(buf));
	int			 n;

	if (full != NULL &&
	    hook_query(statp, full, class, type, ans, anslen, 0, &n))
		return n;
	if (r->res_nquerydomain == NULL)
		return missing(statp);
	n = r->res_nquerydomain(statp, name, domain, class, type, ans, anslen);
	return learned(full, type, ans, n);
}
ALIAS(res_nquerydomain);

SHIM_EXPORT int
res_querydomain(const char *name, const char *domain, int class, int type,
    unsigned char *ans, int anslen)
{
	const struct shim_real	*r = shim_real();
	char			 buf[MAXDNAME + 1];
	const char		*full = joined(name, domain, buf, sizeof(buf));
	int			 n;

	if (full != NULL &&
	    hook_query(NULL, full, class, type, ans, anslen, 0, &n))
		return n;
	if (r->res_querydomain == NULL)
		return missing(NULL);
	n = r->res_querydomain(name, domain, class, type, ans, anslen);
	return learned(full, type, ans, n);
}
ALIAS(res_querydomain);

/*
 * res_send / res_nsend, for callers that build their own query: the reply
 * is a whole DNS message, so a deferral is a SERVFAIL reply, as a server
 * would send it.  *qp gets the question when the packet was one.
 */
static int
hook_send(res_state statp, const unsigned char *msg, int msglen,
    unsigned char *ans, int anslen, int *rc, struct answer_question *q)
{
	int	saved = errno, n = -1;

	if (msg == NULL || msglen <= 0 ||
	    answer_parse_query(msg, msglen, q) != ANSWER_PARSE_OK)
		q->qtype = 0;
	if (q->qtype == 0 || ans == NULL || anslen <= 0 ||
	    !interesting(q->qclass, q->qtype)) {
		errno = saved;
		return 0;
	}
	if (statp == NULL)
		statp = global_state();
	switch (shim_answer(statp, q, ans, anslen, &n)) {
	case SHIM_PASS:
		errno = saved;
		return 0;
	case SHIM_TEMPFAIL:
		n = answer_rcode(q, LDNS_RCODE_SERVFAIL, ans, anslen);
		if (n < 0)
			set_herr(statp, TRY_AGAIN);
		break;
	case SHIM_ANSWERED:
		break;
	}
	*rc = n;
	errno = saved;
	return 1;
}

SHIM_EXPORT int
res_nsend(res_state statp, const unsigned char *msg, int msglen,
    unsigned char *ans, int anslen)
{
	const struct shim_real	*r = shim_real();
	struct answer_question	 q;
	int			 n;

	if (hook_send(statp, msg, msglen, ans, anslen, &n, &q))
		return n;
	if (r->res_nsend == NULL)
		return missing(statp);
	n = r->res_nsend(statp, msg, msglen, ans, anslen);
	return learned(q.qtype ? q.qname : NULL, q.qtype, ans, n);
}
ALIAS(res_nsend);

SHIM_EXPORT int
res_send(const unsigned char *msg, int msglen, unsigned char *ans,
    int anslen)
{
	const struct shim_real	*r = shim_real();
	struct answer_question	 q;
	int			 n;

	if (hook_send(NULL, msg, msglen, ans, anslen, &n, &q))
		return n;
	if (r->res_send == NULL)
		return missing(NULL);
	n = r->res_send(msg, msglen, ans, anslen);
	return learned(q.qtype ? q.qname : NULL, q.qtype, ans, n);
}
ALIAS(res_send);
