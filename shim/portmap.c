/*
 * shim/portmap.c - the port redirect: an override that names a port
 * (relay.example:587) steers the program's connect() to that port.
 *
 * It takes two steps, because the program never tells us which name an
 * address it connects to came from:
 *   1. a synthesized MX answer lists a host whose line named a port:
 *      remember host -> port;
 *   2. the program resolves that host (getaddrinfo, gethostbyname*, res_*
 *      A/AAAA), really or synthetically: remember address -> port.
 * An address is redirected for the host it was last resolved for: when
 * the program resolves any other host (say, the real MX of another domain
 * on the same machine) to a redirected address, the redirect of that
 * address ends until the host with the port is resolved again.
 * connect() of an AF_INET/AF_INET6 stream socket to such an address at
 * port 25 then goes to the remembered port, and so does the first
 * sendto()/sendmsg() with MSG_FASTOPEN (TCP Fast Open connects that way);
 * nothing else is touched, and the real call sets errno as always
 * (EINPROGRESS stays EINPROGRESS).
 *
 * Both tables are fixed-size and append-only: a writer claims a slot with
 * an atomic counter, fills it and publishes it with a release store;
 * readers never lock, so connect() costs one atomic load while no port is
 * known, and a scan of published slots after that.  A host or address
 * seen again updates its port in place, 0 meaning none (last answer and
 * last resolution win, so a later answer naming the host at port 25 ends
 * the redirect once the program resolves the host again, as MTAs do per
 * delivery).  A full table drops new entries and says so once on stderr.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "shim.h"

#define PORTMAP_HOSTS	64
#define PORTMAP_ADDRS	256

struct host_slot {
	atomic_int		ready;
	_Atomic uint16_t	port;
	char			name[RULES_MAX_NAME + 1];	/* normalized */
};

struct addr_slot {
	atomic_int		ready;
	_Atomic uint16_t	port;
	int			family;
	uint8_t			addr[16];
};

static struct host_slot	hosts[PORTMAP_HOSTS];
static struct addr_slot	addrs[PORTMAP_ADDRS];
static atomic_uint	nhosts, naddrs;
static atomic_int	full_said;

static unsigned
published(atomic_uint *n, unsigned max)
{
	unsigned	c = atomic_load_explicit(n, memory_order_acquire);

	return c < max ? c : max;
}

static void
say_full(void)
{
	if (atomic_exchange(&full_said, 1) == 0)
		fprintf(stderr, "libmxshim: port map full; further ports "
		    "are not redirected\n");
}

int
shim_port_any(void)
{
	return atomic_load_explicit(&nhosts, memory_order_relaxed) != 0;
}

static struct host_slot *
host_find(const char *name)
{
	unsigned	i, n = published(&nhosts, PORTMAP_HOSTS);

	for (i = 0; i < n; i++)
		if (atomic_load_explicit(&hosts[i].ready,
		    memory_order_acquire) &&
		    strcasecmp(hosts[i].name, name) == 0)
			return &hosts[i];
	return NULL;
}

void
shim_port_host(const char *host, uint16_t port)
{
	char			 name[RULES_MAX_NAME + 1];
	struct host_slot	*s;
	unsigned		 i;

	if (rules_name_normalize(host, name) < 0)
		return;
	if ((s = host_find(name)) != NULL) {
		atomic_store(&s->port, port);
		return;
	}
	if (port == RULES_DEFAULT_PORT)	/* nothing to redirect */
		return;
	/* claim, fill, then publish: readers see whole slots only */
	if ((i = atomic_fetch_add(&nhosts, 1)) >= PORTMAP_HOSTS) {
		say_full();
		return;
	}
	s = &hosts[i];
	memcpy(s->name, name, sizeof(name));
	atomic_store(&s->port, port);
	atomic_store_explicit(&s->ready, 1, memory_order_release);
}

static struct addr_slot *
addr_find(int family, const uint8_t *addr)
{
	unsigned	i, n = published(&naddrs, PORTMAP_ADDRS);
	size_t		alen = family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		if (atomic_load_explicit(&addrs[i].ready,
		    memory_order_acquire) && addrs[i].family == family &&
		    memcmp(addrs[i].addr, addr, alen) == 0)
			return &addrs[i];
	return NULL;
}

/*
 * The program resolved host to addr: the address now belongs to host, so
 * its redirect becomes host's port, or none when host has no port.  An
 * address never redirected is only added when there is a port.
 */
static void
addr_note(int family, const void *addr, uint16_t port)
{
	struct addr_slot	*s;
	unsigned		 i;

	if ((s = addr_find(family, addr)) != NULL) {
		atomic_store(&s->port, port);
		return;
	}
	if (port == 0)
		return;
	if ((i = atomic_fetch_add(&naddrs, 1)) >= PORTMAP_ADDRS) {
		say_full();
		return;
	}
	s = &addrs[i];
	s->family = family;
	memcpy(s->addr, addr, family == AF_INET ? 4 : 16);
	atomic_store(&s->port, port);
	atomic_store_explicit(&s->ready, 1, memory_order_release);
}

/* The port connect() to host's addresses goes to, or 0 (port 25 too). */
static uint16_t
host_port(const char *host)
{
	char			 name[RULES_MAX_NAME + 1];
	struct host_slot	*s;
	uint16_t		 port;

	if (rules_name_normalize(host, name) < 0 ||
	    (s = host_find(name)) == NULL)
		return 0;
	port = atomic_load(&s->port);
	return port == RULES_DEFAULT_PORT ? 0 : port;
}

/*
 * Whether a resolution of host must be looked at: some host has a port,
 * and either host is one of them or some address is redirected (which
 * this resolution may take back).  *port gets host's port.
 */
static int
worth_learning(const char *host, uint16_t *port)
{
	if (!shim_port_any())
		return 0;
	*port = host_port(host);
	return *port != 0 ||
	    atomic_load_explicit(&naddrs, memory_order_relaxed) != 0;
}

void
shim_port_learn(const char *host, int family, const void *addr)
{
	uint16_t	port;

	if (worth_learning(host, &port) &&
	    (family == AF_INET || family == AF_INET6))
		addr_note(family, addr, port);
}

void
shim_port_learn_ai(const char *host, const struct addrinfo *ai)
{
	uint16_t	port;

	if (!worth_learning(host, &port))
		return;
	for (; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			addr_note(AF_INET, &((const struct sockaddr_in *)
			    (const void *)ai->ai_addr)->sin_addr, port);
		else if (ai->ai_family == AF_INET6)
			addr_note(AF_INET6, &((const struct sockaddr_in6 *)
			    (const void *)ai->ai_addr)->sin6_addr, port);
	}
}

void
shim_port_learn_he(const char *host, const struct hostent *he)
{
	uint16_t	port;
	char		**a;

	if (!worth_learning(host, &port) || (he->h_addrtype != AF_INET &&
	    he->h_addrtype != AF_INET6))
		return;
	for (a = he->h_addr_list; *a != NULL; a++)
		addr_note(he->h_addrtype, *a, port);
}

void
shim_port_learn_wire(const char *host, const uint8_t *pkt, int len)
{
	uint16_t	 port;
	ldns_pkt	*p = NULL;
	ldns_rr_list	*an;
	ldns_rr		*rr;
	ldns_rdf	*rd;
	size_t		 i;

	if (!worth_learning(host, &port) ||
	    ldns_wire2pkt(&p, pkt, (size_t)len) != LDNS_STATUS_OK)
		return;
	an = ldns_pkt_answer(p);
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if ((rd = ldns_rr_rdf(rr, 0)) == NULL)
			continue;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A &&
		    ldns_rdf_size(rd) == 4)
			addr_note(AF_INET, ldns_rdf_data(rd), port);
		else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA &&
		    ldns_rdf_size(rd) == 16)
			addr_note(AF_INET6, ldns_rdf_data(rd), port);
	}
	ldns_pkt_free(p);
}

/*
 * The port connect() should use instead of 25 for sa, or 0.  A v4-mapped
 * IPv6 address counts as the IPv4 address.
 */
static uint16_t
redirect_port(const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;
	struct addr_slot		*s = NULL;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET && len >= sizeof(*sin) &&
	    sin->sin_port == htons(25))
		s = addr_find(AF_INET, (const uint8_t *)&sin->sin_addr);
	else if (sa->sa_family == AF_INET6 && len >= sizeof(*sin6) &&
	    sin6->sin6_port == htons(25))
		s = IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) ?
		    addr_find(AF_INET, sin6->sin6_addr.s6_addr + 12) :
		    addr_find(AF_INET6, sin6->sin6_addr.s6_addr);
	return s == NULL ? 0 : atomic_load(&s->port);	/* 0: none */
}

static int
is_stream(int fd)
{
	int		type = 0, saved = errno;
	socklen_t	tlen = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == -1)
		type = 0;
	errno = saved;
	return type == SOCK_STREAM;
}

/*
 * The address the program's connection should go to: sa itself, or a copy
 * in ss with the override's port.
 */
static const struct sockaddr *
steer(int fd, const struct sockaddr *sa, socklen_t len,
    struct sockaddr_storage *ss)
{
	uint16_t port;

	if (!shim_port_any() || (port = redirect_port(sa, len)) == 0 ||
	    len > sizeof(*ss) || !is_stream(fd))
		return sa;
	memcpy(ss, sa, len);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return (const struct sockaddr *)ss;
}

SHIM_EXPORT int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	const struct shim_real	*r = shim_real();
	struct sockaddr_storage	 ss;

	if (r->connect == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return r->connect(fd, steer(fd, sa, len, &ss), len);
}

/*
 * TCP Fast Open connects with the first send (Exim does by default), so
 * sendto() and sendmsg() with MSG_FASTOPEN are connects too.  Every other
 * send passes straight through.
 */
SHIM_EXPORT ssize_t
sendto(int fd, const void *buf, size_t n, int flags,
    const struct sockaddr *sa, socklen_t len)
{
	const struct shim_real	*r = shim_real();
	struct sockaddr_storage	 ss;

	if (r->sendto == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if ((flags & MSG_FASTOPEN) && sa != NULL)
		sa = steer(fd, sa, len, &ss);
	return r->sendto(fd, buf, n, flags, sa, len);
}

SHIM_EXPORT ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	const struct shim_real	*r = shim_real();
	struct sockaddr_storage	 ss;
	struct msghdr		 m;

	if (r->sendmsg == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if (!(flags & MSG_FASTOPEN) || msg == NULL || msg->msg_name == NULL)
		return r->sendmsg(fd, msg, flags);
	m = *msg;
	m.msg_name = (void *)steer(fd, msg->msg_name, msg->msg_namelen, &ss);
	return r->sendmsg(fd, &m, flags);
}
