/*
 * rules/glob.c - wildcard matching and the case-folding helpers the
 * indexes use.
 *
 * Matching keeps one backtrack point (the last `*`), which is linear for
 * patterns with a single star and O(n*m) at worst, never exponential.
 */
#include "config.h"

#include "glob.h"
#include "rules.h"

int
rules_glob_match(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t	pi = 0, si = 0;
	size_t	star = (size_t)-1, mark = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < plen && (p[pi] == '?' ||
		    ascii_lower(p[pi]) == ascii_lower(s[si]))) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else
			return 0;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

int
glob_ieq(const char *a, const char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return 0;
	return 1;
}

unsigned long
glob_ihash(const char *s, size_t len)
{
	unsigned long	h = 1469598103934665603UL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)ascii_lower(s[i]);
		h *= 1099511628211UL;
	}
	return h;
}

int
glob_has_wild(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?')
			return 1;
	return 0;
}
