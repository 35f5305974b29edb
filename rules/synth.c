/*
 * rules/synth.c - synthetic host names for address targets.
 *
 * An MX record cannot hold an address, so `10.1.2.3` becomes
 * 10-1-2-3.v4.mxshim.invalid and an IPv6 address its 32 hex digits under
 * .v6.mxshim.invalid.  The name encodes the address itself, so answering A
 * or AAAA for it needs no table and keeps working across reloads for
 * answers still cached by the MTA.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "glob.h"
#include "rules.h"

#define V4_SUFFIX	".v4." RULES_SYNTH_SUFFIX
#define V6_SUFFIX	".v6." RULES_SYNTH_SUFFIX

int
rules_synth_name(int family, const uint8_t *addr, char *buf, size_t len)
{
	int	n, i;

	if (family == AF_INET) {
		n = snprintf(buf, len, "%u-%u-%u-%u" V4_SUFFIX,
		    addr[0], addr[1], addr[2], addr[3]);
		return (n < 0 || (size_t)n >= len) ? -1 : n;
	}
	if (family != AF_INET6 || len < 32 + sizeof(V6_SUFFIX))
		return -1;
	for (i = 0; i < 16; i++)
		snprintf(buf + 2 * i, 3, "%02x", addr[i]);
	memcpy(buf + 32, V6_SUFFIX, sizeof(V6_SUFFIX));
	return 32 + (int)sizeof(V6_SUFFIX) - 1;
}

static int
hexval(char c)
{
	c = ascii_lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
decode_v4(const char *s, size_t len, uint8_t addr[16])
{
	unsigned	part = 0, value = 0, digits = 0;
	size_t		i;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '-') {
			if (digits == 0 || value > 255 || part > 3)
				return 0;
			addr[part++] = (uint8_t)value;
			value = digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
			value = value * 10 + (unsigned)(s[i] - '0');
			digits++;
		} else
			return 0;
	}
	return part == 4 ? AF_INET : 0;
}

static int
decode_v6(const char *s, size_t len, uint8_t addr[16])
{
	int	i, hi, lo;

	if (len != 32)
		return 0;
	for (i = 0; i < 16; i++) {
		if ((hi = hexval(s[2 * i])) < 0 || (lo = hexval(s[2 * i + 1])) < 0)
			return 0;
		addr[i] = (uint8_t)(hi << 4 | lo);
	}
	return AF_INET6;
}

static int
has_suffix(const char *s, size_t len, const char *suffix, size_t slen)
{
	return len > slen && strncasecmp(s + len - slen, suffix, slen) == 0;
}

int
rules_synth_addr(const char *name, uint8_t addr[16])
{
	size_t	len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (has_suffix(name, len, V4_SUFFIX, sizeof(V4_SUFFIX) - 1))
		return decode_v4(name, len - (sizeof(V4_SUFFIX) - 1), addr);
	if (has_suffix(name, len, V6_SUFFIX, sizeof(V6_SUFFIX) - 1))
		return decode_v6(name, len - (sizeof(V6_SUFFIX) - 1), addr);
	return 0;
}
