/*
 * resolver/netaddr.c - ADDR@PORT parsing and printing.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

static int
parse_port(const char *s, uint16_t *port)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
netaddr_parse(const char *text, uint16_t default_port, struct netaddr *na)
{
	char			 host[NETADDR_STRLEN];
	const char		*at;
	size_t			 hlen;
	uint16_t		 port = default_port;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&na->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&na->ss;

	at = strrchr(text, '@');
	hlen = at ? (size_t)(at - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (at && parse_port(at + 1, &port) == -1)
		return -1;
	memset(na, 0, sizeof(*na));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		na->len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		na->len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

void
netaddr_format_host(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (inet_ntop(sa->sa_family, a, buf, len) == NULL)
		snprintf(buf, len, "?");
}

void
netaddr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	size_t n;

	netaddr_format_host(sa, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "@%u", (unsigned)netaddr_port(sa));
}

uint16_t
netaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

int
netaddr_raw(const struct sockaddr *sa, uint8_t addr[16])
{
	const struct in6_addr *a6;

	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return AF_INET;
	}
	a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(a6)) {
		memcpy(addr, a6->s6_addr + 12, 4);
		return AF_INET;
	}
	memcpy(addr, a6->s6_addr, 16);
	return AF_INET6;
}

int
netaddr_is_any(const struct sockaddr *sa)
{
	uint8_t	 a[16];
	int	 fam = netaddr_raw(sa, a);
	size_t	 i, n = fam == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		if (a[i] != 0)
			return 0;
	return 1;
}

int
netaddr_same_host(const struct sockaddr *a, const struct sockaddr *b)
{
	uint8_t	ra[16], rb[16];
	int	fa = netaddr_raw(a, ra), fb = netaddr_raw(b, rb);

	return fa == fb && memcmp(ra, rb, fa == AF_INET ? 4 : 16) == 0;
}
