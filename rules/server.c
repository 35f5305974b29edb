/*
 * rules/server.c - the SERVER field: [USER:PASS@]HOST[:PORT], the null MX
 * `.` and `USEDNS`.
 *
 * Credentials are split at the last `@` so passwords may hold `@`; user
 * and password at the first `:` so passwords may hold `:`.  Both are
 * percent-encoded (RFC 3986 userinfo), so that any byte but NUL can be
 * written, a space as %20.  An address
 * target gets its synthetic `.invalid` name here, once, so evaluation never
 * formats anything.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "glob.h"
#include "parse.h"

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
name_valid(const char *s, size_t len, const char **bad, const char **why)
{
	size_t	i, label = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	*bad = s;
	if (len == 0) {
		*why = "an empty name";
		return 0;
	}
	if (len > RULES_MAX_NAME) {
		*why = "a name longer than 253 bytes";
		return 0;
	}
	for (i = 0; i < len; i++) {
		*bad = s + i;
		if (s[i] == '.') {
			if (label == 0) {
				*why = "an empty label";
				return 0;
			}
			label = 0;
			continue;
		}
		if (!name_char(s[i])) {
			*why = "a character not allowed in a host name";
			return 0;
		}
		if (++label > 63) {
			*why = "a label longer than 63 bytes";
			return 0;
		}
	}
	if (label == 0) {
		*bad = s + len - 1;
		*why = "an empty label";
		return 0;
	}
	return 1;
}

static int
store_host(struct parse_state *ps, struct rule *r, const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '.')
		len--;
	r->host = arena_add(&ps->set->str, s, len, 1);
	return r->host == ARENA_FAIL ? parse_error(ps, s, "out of memory") : 0;
}

static int
store_address(struct parse_state *ps, struct rule *r, int family,
    const uint8_t *addr, const char *at)
{
	char	name[RULES_MAX_NAME + 1];
	int	n;

	n = rules_synth_name(family, addr, name, sizeof(name));
	if (n < 0)
		return parse_error(ps, at, "cannot name this address");
	r->server_kind = family == AF_INET ? SERVER_IPV4 : SERVER_IPV6;
	r->host = arena_add(&ps->set->str, name, (size_t)n, 0);
	return r->host == ARENA_FAIL ? parse_error(ps, at, "out of memory") : 0;
}

/* An address in brackets: [192.0.2.1], [2001:db8::1], [IPv6:2001:db8::1]. */
static int
parse_bracketed(struct parse_state *ps, struct rule *r, const char *s,
    size_t len)
{
	char		 buf[INET6_ADDRSTRLEN + 8], q[80];
	uint8_t		 addr[16];
	const char	*in = s + 1;
	size_t		 inlen = len - 2;

	if (inlen >= 5 && strncasecmp(in, "IPv6:", 5) == 0) {
		in += 5;
		inlen -= 5;
		if (inlen >= sizeof(buf))
			goto bad6;
		memcpy(buf, in, inlen);
		buf[inlen] = '\0';
		if (inet_pton(AF_INET6, buf, addr) != 1)
			goto bad6;
		return store_address(ps, r, AF_INET6, addr, s);
	}
	if (inlen == 0 || inlen >= sizeof(buf))
		return parse_error(ps, s, "expected an address inside [ ]");
	memcpy(buf, in, inlen);
	buf[inlen] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		return store_address(ps, r, AF_INET, addr, s);
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return store_address(ps, r, AF_INET6, addr, s);
	return parse_error(ps, in, "expected an IPv4 or IPv6 address inside "
	    "[ ], found %s", diag_quote(ps, in, inlen, q, sizeof(q)));
bad6:
	return parse_error(ps, in, "expected an IPv6 address after 'IPv6:'");
}

static int
parse_port(struct parse_state *ps, struct rule *r, const char *s, size_t len)
{
	unsigned long	port = 0;
	size_t		i;
	char		q[64];

	if (len == 0)
		return parse_error(ps, s, "expected a port number after ':'");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return parse_error(ps, s + i,
			    "expected a port number (1-65535)");
		port = port * 10 + (unsigned long)(s[i] - '0');
		if (port > 65535)
			break;
	}
	if (port < 1 || port > 65535)
		return parse_error(ps, s, "port %s out of range (1-65535)",
		    diag_quote(ps, s, len, q, sizeof(q)));
	r->port = (uint16_t)port;
	if (port != RULES_DEFAULT_PORT)
		ps->set->has_ports = 1;
	return 0;
}

/* HOST[:PORT] without credentials. */
static int
parse_hostport(struct parse_state *ps, struct rule *r, const char *s,
    size_t len)
{
	const char	*colon, *close, *bad, *why;
	char		 buf[INET_ADDRSTRLEN], q[64];
	uint8_t		 addr[16];
	size_t		 hostlen = len;

	if (len == 0)
		return parse_error(ps, s, "expected a host name or address");
	if (s[0] == '[') {
		if ((close = memchr(s, ']', len)) == NULL)
			return parse_error(ps, s, "expected ']' to close the "
			    "address");
		hostlen = (size_t)(close - s) + 1;
		if (hostlen < len) {
			if (s[hostlen] != ':')
				return parse_error(ps, s + hostlen,
				    "expected ':PORT' or the end of the server "
				    "after ']'");
			if (parse_port(ps, r, s + hostlen + 1,
			    len - hostlen - 1) < 0)
				return -1;
		}
		return parse_bracketed(ps, r, s, hostlen);
	}
	if ((colon = memchr(s, ':', len)) != NULL) {
		if (memchr(colon + 1, ':', len - (size_t)(colon - s) - 1))
			return parse_error(ps, s, "an IPv6 address must be "
			    "written in brackets: [2001:db8::1]");
		hostlen = (size_t)(colon - s);
		if (parse_port(ps, r, colon + 1, len - hostlen - 1) < 0)
			return -1;
	}
	if (hostlen > 0 && hostlen < sizeof(buf)) {
		memcpy(buf, s, hostlen);
		buf[hostlen] = '\0';
		if (inet_pton(AF_INET, buf, addr) == 1)
			return store_address(ps, r, AF_INET, addr, s);
	}
	if (hostlen > 0 && s[0] >= '0' && s[0] <= '9' &&
	    strspn(s, "0123456789.") >= hostlen)
		return parse_error(ps, s, "%s is not an IPv4 address "
		    "(four numbers 0-255, no leading zeros)",
		    diag_quote(ps, s, hostlen, q, sizeof(q)));
	if (hostlen == 6 && strncasecmp(s, "USEDNS", 6) == 0)
		return parse_error(ps, s, "USEDNS takes no port or "
		    "credentials");
	if (!name_valid(s, hostlen, &bad, &why))
		return parse_error(ps, bad, "expected a host name or address, "
		    "found %s", why);
	r->server_kind = SERVER_NAME;
	return store_host(ps, r, s, hostlen);
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode the percent-encoding of a USER or PASS (RFC 3986 userinfo: %20 a
 * space, %40 '@', %3A ':', %25 '%') into the arena at *off.  The errors
 * point at the '%' and never quote the field.
 */
static int
store_userinfo(struct parse_state *ps, const char *s, size_t len,
    const char *what, uint32_t *off)
{
	char	buf[RULES_MAX_LINE];
	size_t	i, n = 0;
	int	hi, lo, rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		if (s[i] != '%') {
			buf[n++] = s[i];
			continue;
		}
		hi = i + 1 < len ? hex_digit(s[i + 1]) : -1;
		lo = i + 2 < len ? hex_digit(s[i + 2]) : -1;
		if (hi < 0 || lo < 0)
			rc = parse_error(ps, s + i, "expected two hex digits "
			    "after '%%' in the %s (%%20 a space, %%25 '%%')",
			    what);
		else if (hi == 0 && lo == 0)
			rc = parse_error(ps, s + i, "%%00 is not allowed in "
			    "the %s", what);
		else
			buf[n++] = (char)(hi << 4 | lo);
		i += 2;
	}
	if (rc == 0 && (*off = arena_add(&ps->set->str, buf, n, 0)) ==
	    ARENA_FAIL)
		rc = parse_error(ps, s, "out of memory");
	explicit_bzero(buf, n);
	return rc;
}

int
server_parse(struct parse_state *ps, const char *s, size_t len,
    struct rule *r)
{
	const char	*at = NULL, *colon;
	size_t		 i;

	r->port = RULES_DEFAULT_PORT;
	if (len == 1 && s[0] == '.') {
		r->server_kind = SERVER_NULL;
		r->host = ARENA_NONE;
		return 0;
	}
	if (len == 6 && strncasecmp(s, "USEDNS", 6) == 0) {
		r->server_kind = SERVER_USEDNS;
		r->host = ARENA_NONE;
		return 0;
	}
	for (i = 0; i < len; i++)
		if (s[i] == '@')
			at = s + i;
	if (at == NULL)
		return parse_hostport(ps, r, s, len);

	if ((colon = memchr(s, ':', (size_t)(at - s))) == NULL)
		return parse_error(ps, s, "expected USER:PASS before '@'");
	if (colon == s)
		return parse_error(ps, s, "expected a user name before ':'");
	if (store_userinfo(ps, s, (size_t)(colon - s), "user name",
	    &r->user) < 0 || store_userinfo(ps, colon + 1,
	    (size_t)(at - colon - 1), "password", &r->pass) < 0)
		return -1;
	ps->set->has_credentials = 1;
	return parse_hostport(ps, r, at + 1, len - (size_t)(at - s) - 1);
}
