/*
 * convert/import_util.c - small helpers the importers and exporters
 * share: host[:port] splitting, SERVER field formatting.
 *
 * Only the source formats' own syntax is read here: a HOST[:PORT] goes
 * through the engine's SERVER reader (rules_server_read()), and every
 * converted entry is loaded by the engine (imp_validate()).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "import.h"

int
imp_memclose(FILE *f)
{
	int bad = ferror(f);

	return fclose(f) != 0 || bad ? -1 : 0;
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
	uint64_t v;

	if (rules_parse_number(s, len, &v) != 0 || v > max)
		return -1;
	*out = (unsigned long)v;
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

/*
 * The sources write a bare IPv6 address without brackets where the rules
 * language wants them: only that is rewritten, the rest is the engine's.
 */
int
imp_split_hostport(const char *s, size_t len, struct rules_server *out,
    unsigned *port, char *why, size_t whylen)
{
	char buf[RULES_MAX_LINE];
	const char *colon = memchr(s, ':', len), *close;

	if (len > 0 && s[0] != '[' && colon != NULL && memchr(colon + 1, ':',
	    len - (size_t)(colon - s) - 1) != NULL) {
		if (len + 2 >= sizeof(buf)) {
			snprintf(why, whylen, "too long");
			return -1;
		}
		snprintf(buf, sizeof(buf), "[%.*s]", (int)len, s);
		s = buf;
		len += 2;
		colon = NULL;
	}
	if (rules_server_read(s, len, out, why, whylen) != 0)
		return -1;
	if (out->kind != RULES_SERVER_NAME && out->kind !=
	    RULES_SERVER_IPV4 && out->kind != RULES_SERVER_IPV6) {
		snprintf(why, whylen, "expected a host name or address");
		return -1;
	}
	/* a port was written: after the address in brackets, or after ':' */
	close = s[0] == '[' ? memchr(s, ']', len) : NULL;
	if (close != NULL ? close + 1 < s + len : colon != NULL)
		*port = out->port;
	else
		*port = 0;
	return 0;
}

int
imp_server(char *out, size_t len, const char *host,
    enum rules_server_kind kind, unsigned port, const char *user,
    const char *pass)
{
	char	portbuf[16] = "", u[RULES_MAX_LINE], p[RULES_MAX_LINE];
	int	n = 0;

	if (port != 0)
		snprintf(portbuf, sizeof(portbuf), ":%u", port);
	/* percent-encoded, so that any password can be written */
	if ((user && rules_userinfo_encode(user, u, sizeof(u)) < 0) ||
	    (user && pass && rules_userinfo_encode(pass, p, sizeof(p)) < 0))
		n = -1;
	if (n == 0)
		n = snprintf(out, len, "%s%s%s%s%s%s%s%s", user ? u : "",
		    user && pass ? ":" : "", user && pass ? p : "",
		    user ? "@" : "", kind == RULES_SERVER_IPV6 ? "[" : "",
		    host, kind == RULES_SERVER_IPV6 ? "]" : "", portbuf);
	explicit_bzero(p, sizeof(p));
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
