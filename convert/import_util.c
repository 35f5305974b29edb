/*
 * cli/import_util.c - small helpers the importers and exporters share:
 * a growing string, host[:port] splitting, SERVER field formatting.
 *
 * Only the source formats' syntax is read here; whether a host name or an
 * address is acceptable to the rules language is left to the engine
 * (imp_validate() loads every converted entry).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

void
imp_buf_add(struct imp_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *p;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((p = realloc(b->s, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
imp_buf_printf(struct imp_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	imp_buf_add(b, s, (size_t)n);
	free(s);
}

void
imp_tok(char *t, size_t len, const char *fmt, ...)
{
	size_t used = strlen(t);
	char word[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(word, sizeof(word), fmt, ap);
	va_end(ap);
	if (word[0] == '\0')
		return;
	snprintf(t + used, len - used, "%s%s", used ? " " : "", word);
}

int
imp_number(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

void
imp_domain_lower(char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		s[n] = (char)tolower((unsigned char)s[n]);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
}

int
imp_is_domain(const char *s)
{
	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return 1;
}

int
imp_has_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 1;
	return 0;
}

static int
copy_host(const char *s, size_t n, char *hbuf, size_t hlen)
{
	if (n == 0 || n >= hlen)
		return -1;
	memcpy(hbuf, s, n);
	hbuf[n] = '\0';
	return 0;
}

/* The kind of a host with brackets removed. */
static int
host_kind(const char *h)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, h, a) == 1)
		return IMP_HOST_V4;
	if (inet_pton(AF_INET6, h, a) == 1)
		return IMP_HOST_V6;
	return IMP_HOST_NAME;
}

static int
split_port(const char *p, size_t n, unsigned *port, const char **why)
{
	unsigned long v;

	if (imp_number(p, n, 65535, &v) != 0 || v == 0) {
		*why = "port is not a number in 1-65535";
		return -1;
	}
	*port = (unsigned)v;
	return 0;
}

int
imp_split_hostport(const char *s, size_t len, char *hbuf, size_t hlen,
    unsigned *port, const char **why)
{
	const char *colon;
	size_t hn;
	int kind;

	*port = 0;
	*why = "host is empty or too long";
	if (len > 0 && s[0] == '[') {
		const char *end = memchr(s, ']', len);
		size_t skip = 1;

		if (end == NULL) {
			*why = "'[' without ']'";
			return -1;
		}
		if ((size_t)(end - s) > 6 &&
		    strncasecmp(s + 1, "IPv6:", 5) == 0)
			skip = 6;
		if (copy_host(s + skip, (size_t)(end - s) - skip, hbuf,
		    hlen) != 0)
			return -1;
		if ((kind = host_kind(hbuf)) == IMP_HOST_NAME) {
			*why = "brackets hold no address";
			return -1;
		}
		if ((size_t)(end - s) + 1 == len)
			return kind;
		if (end[1] != ':') {
			*why = "unexpected text after ']'";
			return -1;
		}
		if (split_port(end + 2, len - (size_t)(end - s) - 2, port,
		    why) != 0)
			return -1;
		return kind;
	}
	colon = memchr(s, ':', len);
	if (colon != NULL && memchr(colon + 1, ':', len -
	    (size_t)(colon - s) - 1) != NULL) {
		/* a bare IPv6 address: it cannot carry a port */
		if (copy_host(s, len, hbuf, hlen) != 0)
			return -1;
		if (host_kind(hbuf) != IMP_HOST_V6) {
			*why = "several ':' but not an IPv6 address";
			return -1;
		}
		return IMP_HOST_V6;
	}
	hn = colon ? (size_t)(colon - s) : len;
	if (copy_host(s, hn, hbuf, hlen) != 0)
		return -1;
	if (colon != NULL && split_port(colon + 1, len - hn - 1, port,
	    why) != 0)
		return -1;
	kind = host_kind(hbuf);
	if (kind == IMP_HOST_NAME)
		imp_domain_lower(hbuf);
	return kind;
}

int
imp_server(char *out, size_t len, const char *host, int kind, unsigned port,
    const char *user, const char *pass)
{
	char portbuf[16] = "";
	int n;

	if (port != 0)
		snprintf(portbuf, sizeof(portbuf), ":%u", port);
	n = snprintf(out, len, "%s%s%s%s%s%s%s%s", user ? user : "",
	    user && pass ? ":" : "", user && pass ? pass : "",
	    user ? "@" : "", kind == IMP_HOST_V6 ? "[" : "", host,
	    kind == IMP_HOST_V6 ? "]" : "", portbuf);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
