/*
 * shim/addr.c - getaddrinfo and gethostbyname* for the synthetic names of
 * address targets (192-0-2-1.v4.mxshim.invalid), which exist nowhere in
 * DNS: the name decodes to its address.
 *
 * getaddrinfo hands the address to the real getaddrinfo as a numeric host,
 * so hints, services and freeaddrinfo() behave exactly as libc's.  The
 * gethostbyname family fills the hostent itself.  Every successful lookup
 * of a host with a port, synthetic or real, feeds the connect() port map.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

/* Where gethostbyname / gethostbyname2 keep their result, per thread. */
struct he_space {
	struct hostent	he;
	char		buf[2 * sizeof(char *) * 2 + 16 + RULES_MAX_NAME + 2 +
			    sizeof(char *)];
};
static _Thread_local struct he_space he_tls;

static int
synth_getaddrinfo(const char *node, int family, const uint8_t *addr,
    const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo	 h = { .ai_family = AF_UNSPEC };
	char		 text[INET6_ADDRSTRLEN], *canon;
	int		 rc;

	if (hints != NULL)
		h = *hints;
	h.ai_flags |= AI_NUMERICHOST;
	inet_ntop(family, addr, text, sizeof(text));
	if ((rc = shim_real()->getaddrinfo(text, service, &h, res)) != 0)
		return rc;
	/* the canonical name is the name asked for, not the address */
	if ((*res)->ai_canonname != NULL && (canon = strdup(node)) != NULL) {
		free((*res)->ai_canonname);
		(*res)->ai_canonname = canon;
	}
	return 0;
}

SHIM_EXPORT int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	const struct shim_real	*r = shim_real();
	uint8_t			 addr[16];
	int			 family = 0, rc;

	if (r->getaddrinfo == NULL)
		return EAI_SYSTEM;
	if (node != NULL)
		family = rules_synth_addr(node, addr);
	if (family != 0)
		rc = synth_getaddrinfo(node, family, addr, service, hints, res);
	else
		rc = r->getaddrinfo(node, service, hints, res);
	if (rc == 0 && node != NULL && shim_port_any())
		shim_port_learn_ai(node, *res);
	return rc;
}

/*
 * Fill he for a synthetic name in buf: 0, ERANGE when buf is too small,
 * or ENOENT when the name has no address of family af (*herr set).
 */
static int
synth_hostent(const char *name, int af, struct hostent *he, char *buf,
    size_t len, int *herr)
{
	uint8_t		 addr[16];
	int		 family = rules_synth_addr(name, addr);
	size_t		 alen = family == AF_INET ? 4 : 16;
	size_t		 nlen = strlen(name) + 1;
	uintptr_t	 pad = (uintptr_t)buf % sizeof(char *);
	char		**ptrs;

	if (family != af) {
		*herr = NO_DATA;
		return ENOENT;
	}
	pad = pad ? sizeof(char *) - pad : 0;
	if (len < pad + 3 * sizeof(char *) + alen + nlen) {
		*herr = NETDB_INTERNAL;
		return ERANGE;
	}
	ptrs = (char **)(void *)(buf + pad);	/* aliases, addr_list */
	ptrs[0] = NULL;
	ptrs[1] = (char *)(ptrs + 3);
	ptrs[2] = NULL;
	memcpy(ptrs[1], addr, alen);
	he->h_name = ptrs[1] + alen;
	memcpy(he->h_name, name, nlen);
	he->h_aliases = ptrs;
	he->h_addr_list = ptrs + 1;
	he->h_addrtype = af;
	he->h_length = (int)alen;
	*herr = NETDB_SUCCESS;
	return 0;
}

static int
is_synth(const char *name)
{
	uint8_t	addr[16];

	return name != NULL && rules_synth_addr(name, addr) != 0;
}

static struct hostent *
synth_static(const char *name, int af)
{
	int	herr;

	if (synth_hostent(name, af, &he_tls.he, he_tls.buf,
	    sizeof(he_tls.buf), &herr) != 0) {
		h_errno = herr;
		return NULL;
	}
	shim_port_learn_he(name, &he_tls.he);
	return &he_tls.he;
}

static int
synth_r(const char *name, int af, struct hostent *ret, char *buf,
    size_t len, struct hostent **result, int *herr)
{
	int	rc = synth_hostent(name, af, ret, buf, len, herr);

	*result = rc == 0 ? ret : NULL;
	if (rc == ERANGE)
		errno = ERANGE;
	if (rc == 0)
		shim_port_learn_he(name, ret);
	return rc == ERANGE ? ERANGE : 0;
}

/* The port map hears about real hostents too. */
static struct hostent *
learn_he(const char *name, struct hostent *he)
{
	int	saved = errno;

	if (he != NULL && name != NULL && shim_port_any())
		shim_port_learn_he(name, he);
	errno = saved;
	return he;
}

SHIM_EXPORT struct hostent *
gethostbyname(const char *name)
{
	const struct shim_real	*r = shim_real();

	if (is_synth(name))
		return synth_static(name, AF_INET);
	if (r->gethostbyname == NULL) {
		h_errno = NETDB_INTERNAL;
		return NULL;
	}
	return learn_he(name, r->gethostbyname(name));
}

SHIM_EXPORT struct hostent *
gethostbyname2(const char *name, int af)
{
	const struct shim_real	*r = shim_real();

	if (is_synth(name))
		return synth_static(name, af);
	if (r->gethostbyname2 == NULL) {
		h_errno = NETDB_INTERNAL;
		return NULL;
	}
	return learn_he(name, r->gethostbyname2(name, af));
}

SHIM_EXPORT int
gethostbyname_r(const char *name, struct hostent *ret, char *buf,
    size_t len, struct hostent **result, int *herr)
{
	const struct shim_real	*r = shim_real();
	int			 rc;

	if (is_synth(name))
		return synth_r(name, AF_INET, ret, buf, len, result, herr);
	if (r->gethostbyname_r == NULL)
		return ENOSYS;
	rc = r->gethostbyname_r(name, ret, buf, len, result, herr);
	if (rc == 0)
		learn_he(name, *result);
	return rc;
}

SHIM_EXPORT int
gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf,
    size_t len, struct hostent **result, int *herr)
{
	const struct shim_real	*r = shim_real();
	int			 rc;

	if (is_synth(name))
		return synth_r(name, af, ret, buf, len, result, herr);
	if (r->gethostbyname2_r == NULL)
		return ENOSYS;
	rc = r->gethostbyname2_r(name, af, ret, buf, len, result, herr);
	if (rc == 0)
		learn_he(name, *result);
	return rc;
}
