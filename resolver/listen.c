/*
 * resolver/listen.c - opening the listening sockets.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"

#define UDP_RCVBUF	(4 * 1024 * 1024)	/* absorb bursts */
#define TCP_BACKLOG	256

static int
set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

static int
setup(int fd, const struct netaddr *na, int type)
{
	const struct sockaddr *sa = (const struct sockaddr *)&na->ss;

	if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) == -1 ||
	    set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) == -1)
		return -1;
	if (sa->sa_family == AF_INET6 &&
	    set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) == -1)
		return -1;
	if (type == SOCK_DGRAM) {
		(void)set_int(fd, SOL_SOCKET, SO_RCVBUF, UDP_RCVBUF);
		if (netaddr_is_any(sa) && (sa->sa_family == AF_INET ?
		    set_int(fd, IPPROTO_IP, IP_PKTINFO, 1) :
		    set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) == -1)
			return -1;
	}
	if (bind(fd, sa, na->len) == -1)
		return -1;
	if (type == SOCK_STREAM && listen(fd, TCP_BACKLOG) == -1)
		return -1;
	return 0;
}

/*
 * SO_REUSEPORT would let us share the port silently with another server
 * that also set it (Unbound does): bind once without it first, so a port
 * in use is reported as such.
 */
static int
probe(const struct netaddr *na, int type)
{
	int fd, rc;

	if ((fd = socket(na->ss.ss_family, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (na->ss.ss_family == AF_INET6)
		(void)set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	(void)set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	rc = bind(fd, (const struct sockaddr *)&na->ss, na->len);
	close(fd);
	return rc;
}

int
listen_open(const struct netaddr *na, int type, int first, char *err,
    size_t errlen)
{
	char	addr[NETADDR_STRLEN];
	int	fd = -1;

	if (!first || probe(na, type) == 0)
		fd = socket(na->ss.ss_family,
		    type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd != -1 && setup(fd, na, type) == 0)
		return fd;
	netaddr_format((const struct sockaddr *)&na->ss, addr, sizeof(addr));
	snprintf(err, errlen, "cannot listen on %s (%s): %s", addr,
	    type == SOCK_DGRAM ? "udp" : "tcp", strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}
