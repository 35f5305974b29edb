/*
 * rules/value.c - the readers of plain values that the language shares
 * with the programs' command lines: unsigned numbers, sizes with a K, M
 * or G suffix, addresses with an optional prefix length; and the writer
 * of percent-encoded credentials for the programs that write rules.
 * They report nothing: the callers know what the value was for.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rules.h"

int
rules_parse_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t	n = 0, digit;
	size_t		i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		digit = (uint64_t)(s[i] - '0');
		if (n > UINT64_MAX / 10 || (n == UINT64_MAX / 10 &&
		    digit > UINT64_MAX % 10))
			return -1;
		n = n * 10 + digit;
	}
	*out = n;
	return 0;
}

int
rules_parse_size(const char *s, size_t *out)
{
	size_t		len = strlen(s);
	uint64_t	n, mult = 1;

	if (len > 1 && strchr("kKmMgG", s[len - 1]) != NULL) {
		switch (s[--len] | 0x20) {
		case 'k':	mult = 1024; break;
		case 'm':	mult = 1024 * 1024; break;
		default:	mult = 1024 * 1024 * 1024; break;
		}
	}
	if (rules_parse_number(s, len, &n) < 0 || n > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(n * mult);
	return 0;
}

int
rules_parse_cidr(const char *s, int *family, uint8_t addr[16],
    unsigned *prefix)
{
	char		 buf[INET6_ADDRSTRLEN + 8];
	const char	*slash = strchr(s, '/');
	size_t		 alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long	 p;
	char		*end;

	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = AF_INET6;
	else
		return -1;
	*prefix = *family == AF_INET ? 32 : 128;
	if (slash == NULL)
		return 0;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	p = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || p > *prefix)
		return -1;
	*prefix = (unsigned)p;
	return 0;
}

int
rules_userinfo_encode(const char *in, char *out, size_t len)
{
	static const char	hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 n = 0;

	for (; *p != '\0'; p++) {
		if (*p > ' ' && *p < 0x7f && *p != '%' && *p != '@' &&
		    *p != ':') {
			if (n + 1 >= len)
				return -1;
			out[n++] = (char)*p;
			continue;
		}
		if (n + 3 >= len)
			return -1;
		out[n++] = '%';
		out[n++] = hex[*p >> 4];
		out[n++] = hex[*p & 0x0f];
	}
	if (len == 0)
		return -1;
	out[n] = '\0';
	return (int)n;
}
