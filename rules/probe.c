/*
 * rules/probe.c - refusing, at load, regexes that backtrack
 * catastrophically.
 *
 * Every match runs under PCRE2's match, depth and heap limits, so no
 * regex can stall a query: a match that hits a limit counts as "no match".
 * But a regex that hits a limit on ordinary input silently never applies,
 * and costs the limit's worth of CPU (a millisecond or more) on every
 * evaluation.  So each regex is tried at load against the inputs that
 * expose exponential backtracking in the usual shapes ((a+)+$, (a|aa)+$,
 * (.*a){20}, ^(\w+\s?)*$): long runs of one character, with and without a
 * trailing character that makes the match fail, at the longest length an
 * address can have.  Runs are made of a few common characters and of each
 * character the pattern names, and are tried alone and after the literal
 * text the pattern starts with (^bounce-(\d+)+$ needs "bounce-" first).
 * A regex that hits any limit is an error.
 *
 * This catches the shapes people write by accident, not every regex that
 * can be made slow; the runtime limits stay the guarantee.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rules_int.h"

/* RFC 5321 4.5.3.1.3: a path is at most 256 bytes with its brackets. */
#define PROBE_LEN	254
#define PROBE_COMMON	"a0.-_@"
#define PROBE_FAIL	'!'

/* Which subject hit a limit. */
struct probe_at {
	size_t	plen;		/* bytes of the pattern's leading literal */
	char	c;		/* the run's character */
	int	fail;		/* 1: the run ended in PROBE_FAIL */
};

static const char *
limit_name(int rc)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:	return "match limit";
	case PCRE2_ERROR_DEPTHLIMIT:	return "depth limit";
	case PCRE2_ERROR_HEAPLIMIT:	return "heap limit";
	case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack limit";
	default:			return NULL;
	}
}

/* The characters runs are made of: the common ones and the pattern's. */
static size_t
probe_chars(const char *pat, size_t len, char *out, size_t cap)
{
	size_t	i, n = 0;
	char	c;

	for (i = 0; i < sizeof(PROBE_COMMON) - 1 + len && n < cap; i++) {
		c = i < sizeof(PROBE_COMMON) - 1 ? PROBE_COMMON[i] :
		    pat[i - (sizeof(PROBE_COMMON) - 1)];
		if (c == PROBE_FAIL || c < 0x21 || c > 0x7e ||
		    memchr(out, c, n) != NULL)
			continue;
		out[n++] = c;
	}
	return n;
}

/* Whether pat[i] is a quantifier, so the atom before it is optional. */
static int
is_quantifier(const char *pat, size_t len, size_t i)
{
	return i < len && strchr("?*+{", pat[i]) != NULL;
}

/*
 * The literal text a pattern starts with, after ^: letters, digits and
 * escaped punctuation, up to the first other construct.  "^bounce-\d" gives
 * "bounce-".  Returns its length.
 */
static size_t
leading_literal(const char *pat, size_t len, char *out, size_t cap)
{
	size_t	i = 0, n = 0, next;
	char	c;

	if (len > 0 && pat[0] == '^')
		i = 1;
	while (i < len && n < cap) {
		c = pat[i];
		next = i + 1;
		if (c == '\\' && i + 1 < len && strchr(".-_@+$^*?()[]{}|/\\",
		    pat[i + 1]) != NULL) {
			c = pat[i + 1];
			next = i + 2;
		} else if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && strchr("-_@%=,:;'\"#&!~<>",
		    c) == NULL)
			break;
		if (is_quantifier(pat, len, next))
			break;
		out[n++] = c;
		i = next;
	}
	return n;
}

/* One subject under both engines; the limit it hit, or NULL. */
static const char *
probe_one(const pcre2_code *code, const pcre2_match_context *mctx,
    pcre2_match_data *md, const char *subject, size_t len)
{
	const char	*hit;
	int		 rc;

	rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, PCRE2_NO_JIT, md,
	    (pcre2_match_context *)mctx);
	if ((hit = limit_name(rc)) != NULL)
		return hit;
	rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, md,
	    (pcre2_match_context *)mctx);
	return limit_name(rc);
}

/*
 * Try runs of each character after each prefix; the limit hit, or NULL.
 * *at says which subject hit it.
 */
static const char *
probe_runs(const pcre2_code *code, const pcre2_match_context *mctx,
    pcre2_match_data *md, const char *chars, size_t nchars,
    const char *prefix, size_t plen, char *subject, struct probe_at *at)
{
	const char	*hit;
	size_t		 p, i;
	int		 fail;

	for (p = 0; p <= (plen > 0); p++) {
		memcpy(subject, prefix, p ? plen : 0);
		for (i = 0; i < nchars; i++) {
			memset(subject + (p ? plen : 0), chars[i],
			    PROBE_LEN - (p ? plen : 0));
			for (fail = 0; fail <= 1; fail++) {
				subject[PROBE_LEN - 1] = fail ? PROBE_FAIL :
				    chars[i];
				if ((hit = probe_one(code, mctx, md, subject,
				    PROBE_LEN)) != NULL) {
					at->c = chars[i];
					at->fail = fail;
					at->plen = p ? plen : 0;
					return hit;
				}
			}
		}
	}
	return NULL;
}

int
regex_probe(const pcre2_code *code, const pcre2_match_context *mctx,
    const char *pat, size_t len, char *why, size_t whylen)
{
	pcre2_match_data	*md;
	struct probe_at		 at;
	char			 chars[96], prefix[PROBE_LEN / 2];
	char			 subject[PROBE_LEN];
	const char		*hit;
	size_t			 n, plen;

	if ((md = pcre2_match_data_create_from_pattern(code, NULL)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	n = probe_chars(pat, len, chars, sizeof(chars));
	plen = leading_literal(pat, len, prefix, sizeof(prefix));
	hit = probe_runs(code, mctx, md, chars, n, prefix, plen, subject, &at);
	pcre2_match_data_free(md);
	if (hit == NULL)
		return 0;
	snprintf(why, whylen, "regex backtracks catastrophically: on %s%.*s%s"
	    "a run of %zu '%c'%s it hits the PCRE2 %s, so it would never match "
	    "such input; avoid nested quantifiers such as (a+)+ or (a|aa)+",
	    at.plen ? "'" : "", (int)at.plen, subject, at.plen ? "' and " : "",
	    PROBE_LEN - at.plen - at.fail, at.c, at.fail ? " followed by '!'" :
	    "", hit);
	return -1;
}
