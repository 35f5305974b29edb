/*
 * convert/import_cisco.c - Cisco AsyncOS SMTP routes (the `smtproutes`
 * import/export file) into override lines.
 *
 * One route per line, "DOMAIN HOST[,HOST...]", '#' comments.  A DOMAIN
 * "example.com" matches that domain and every subdomain, ".example.com"
 * only the subdomains, "ALL:" is the default route; the most specific
 * route wins wherever it stands.  Hosts are "NAME|ADDRESS[:PORT][/pri=N]",
 * "USEDNS" (normal MX lookup) or "/dev/null" (drop the mail).  Destination
 * names are themselves MX-resolved.
 *
 * The rules file is walked in order, so the entries are sorted most
 * specific first (exact names, then "*.suffix" longest suffix first, then
 * "*") and every route ends with $end: the walk stops at the most specific
 * route, as AsyncOS does.  "example.com" becomes two entries, for
 * "example.com" and "*.example.com", which sort apart.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "import.h"

#define RANK_EXACT	0
#define RANK_SUFFIX	1
#define RANK_ALL	2

/* One destination host of a route, as read. */
struct chost {
	char		host[RULES_MAX_NAME + 1];
	int		kind;		/* enum rules_server_kind, or: */
#define CH_USEDNS	10
#define CH_DEVNULL	11
	unsigned	port;
	long		pri;		/* -1: none given */
};

/* Read "HOST[:PORT][/pri=N]"; 0, or -1 with why set. */
static int
parse_host(const char *s, size_t n, struct chost *h, char *why,
    size_t whylen)
{
	struct rules_server srv;
	const char *slash;
	unsigned long v;

	h->pri = -1;
	h->port = 0;
	if (n == 9 && strncmp(s, "/dev/null", 9) == 0) {
		h->kind = CH_DEVNULL;
		return 0;
	}
	slash = NULL;
	if (n > 5) {
		const char *p;

		for (p = s; p + 5 <= s + n; p++)
			if (strncasecmp(p, "/pri=", 5) == 0) {
				slash = p;
				break;
			}
	}
	if (slash != NULL) {
		if (imp_number(slash + 5, (size_t)(s + n - slash - 5), 65535,
		    &v) != 0) {
			snprintf(why, whylen, "/pri= wants a number in "
			    "0-65535");
			return -1;
		}
		h->pri = (long)v;
		n = (size_t)(slash - s);
	}
	if (n == 6 && strncasecmp(s, "USEDNS", 6) == 0) {
		h->kind = CH_USEDNS;
		return 0;
	}
	if (imp_split_hostport(s, n, &srv, &h->port, why, whylen) != 0)
		return -1;
	h->kind = srv.kind;
	snprintf(h->host, sizeof(h->host), "%s", srv.host);
	return 0;
}

/* Split the host list on commas and blanks; returns the count, -1. */
static int
parse_hosts(const char *s, struct chost **out, char *why, size_t whylen,
    char *bad, size_t badlen)
{
	struct chost *v = NULL, *nv;
	int n = 0;

	for (;;) {
		size_t len;

		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		len = strcspn(s, ", \t");
		if ((nv = realloc(v, (size_t)(n + 1) * sizeof(*v))) == NULL) {
			snprintf(why, whylen, "out of memory");
			free(v);
			return -1;
		}
		v = nv;
		if (parse_host(s, len, &v[n], why, whylen) != 0) {
			snprintf(bad, badlen, "%.*s", (int)len, s);
			free(v);
			return -1;
		}
		n++;
		s += len;
	}
	*out = v;
	return n;
}

/* Whether the MX-resolved hosts of a route differ in priority. */
static int
names_differ(const struct chost *h, int n)
{
	long first = -2;
	int i;

	for (i = 0; i < n; i++) {
		if (h[i].kind != RULES_SERVER_NAME)
			continue;
		if (first != -2 && h[i].pri != first)
			return 1;
		first = h[i].pri;
	}
	return 0;
}

/* Write the lines of one route for pattern into e. */
static int
route_lines(struct imp_doc *doc, struct imp_entry *e, const char *pattern,
    const struct chost *h, int n)
{
	char server[RULES_MAX_NAME + 64], tok[128];
	int i, anypri = 0;

	for (i = 0; i < n; i++) {
		if (h[i].kind == CH_DEVNULL) {
			if (n > 1)
				imp_note(doc, e, "/dev/null discards the mail, "
				    "so the other hosts of this route are "
				    "never used; only the null MX is written");
			imp_note(doc, e, "AsyncOS drops the mail silently; "
			    "the null MX (RFC 7505) makes the sender bounce "
			    "it at once");
			return imp_line_add(e, pattern, ".", "$end");
		}
		if (h[i].pri >= 0)
			anypri = 1;
	}
	if (anypri && names_differ(h, n))
		imp_note(doc, e, "the MX records of the hosts keep their own "
		    "preferences: the /pri= order holds between hosts "
		    "without MX records only");
	for (i = 0; i < n; i++) {
		tok[0] = '\0';
		if (h[i].kind == CH_USEDNS) {
			if (h[i].pri >= 0)
				imp_note(doc, e, "USEDNS/pri=%ld: the real MX "
				    "records keep their own preferences",
				    h[i].pri);
			strcpy(server, "USEDNS");
		} else {
			if (imp_server(server, sizeof(server), h[i].host,
			    h[i].kind, h[i].port, NULL, NULL) != 0)
				return -1;
			/* AsyncOS MX-resolves names, not addresses */
			if (h[i].kind == RULES_SERVER_NAME)
				imp_tok(tok, sizeof(tok), "$lookupmx");
			/* hosts without /pri= are the most preferred, 0 */
			if (anypri)
				imp_tok(tok, sizeof(tok), "$priority:%ld",
				    h[i].pri >= 0 ? h[i].pri : 0);
		}
		/* all lines of the route apply; the walk stops after them */
		if (i == n - 1)
			imp_tok(tok, sizeof(tok), "$end");
		if (imp_line_add(e, pattern, server, "%s", tok) != 0)
			return -1;
	}
	return 0;
}

static int
add_entry(struct imp_doc *doc, unsigned lineno, const char *text,
    const char *pattern, int rank, size_t speclen, int implied,
    const struct chost *h, int n)
{
	struct imp_entry *e = imp_entry_new(doc, lineno, text);

	if (e == NULL)
		return -1;
	e->rank = rank;
	e->speclen = speclen;
	e->implied = implied;
	return route_lines(doc, e, pattern, h, n);
}

/* Whether dom names AsyncOS's default route. */
static int
is_all(const char *dom)
{
	return strcasecmp(dom, "ALL:") == 0 || strcasecmp(dom, "ALL") == 0;
}

/* Convert one non-comment line (trimmed, comment removed). */
static int
one_route(struct imp_doc *doc, unsigned lineno, const char *line)
{
	char dom[RULES_MAX_NAME + 3], sub[RULES_MAX_NAME + 6], bad[256] = "";
	char why[256] = "";
	struct chost *h = NULL;
	const char *rest;
	size_t dlen;
	int n, r;

	dlen = strcspn(line, " \t");
	rest = line + dlen;
	if (dlen >= sizeof(dom) - 2) {
		imp_error(doc, lineno, "domain too long");
		return 0;
	}
	memcpy(dom, line, dlen);
	dom[dlen] = '\0';
	if ((n = parse_hosts(rest, &h, why, sizeof(why), bad,
	    sizeof(bad))) < 0) {
		imp_error(doc, lineno, "destination host '%s': %s", bad, why);
		return 0;
	}
	if (n == 0 && is_all(dom))
		return 0;	/* the cleared default: no route, the MX lookup */
	if (n == 0) {
		imp_error(doc, lineno, "route '%s' has no destination host",
		    dom);
		return 0;
	}
	if (is_all(dom)) {
		r = add_entry(doc, lineno, line, "*", RANK_ALL, 0, 0, h, n);
		free(h);
		return r;
	}
	imp_domain_lower(dom);
	if (!imp_is_domain(dom + (dom[0] == '.')) || strstr(dom, "..")) {
		imp_error(doc, lineno, "'%s' is not a domain, '.domain' or "
		    "'ALL:'", dom);
		free(h);
		return 0;
	}
	if (dom[0] == '.') {
		snprintf(sub, sizeof(sub), "*%s", dom);
		r = add_entry(doc, lineno, line, sub, RANK_SUFFIX, strlen(dom),
		    0, h, n);
	} else {
		/* the domain itself, and every subdomain */
		snprintf(sub, sizeof(sub), "*.%s", dom);
		r = add_entry(doc, lineno, line, dom, RANK_EXACT, 0, 0, h, n);
		doc->quiet = 1;	/* its notes were printed once already */
		if (r == 0)
			r = add_entry(doc, lineno, line, sub, RANK_SUFFIX,
			    strlen(dom) + 1, 1, h, n);
		doc->quiet = 0;
	}
	free(h);
	return r;
}

static int
pattern_cmp(const void *a, const void *b)
{
	const struct imp_entry *x = *(const struct imp_entry *const *)a;
	const struct imp_entry *y = *(const struct imp_entry *const *)b;
	int c = strcmp(x->line[0].pattern, y->line[0].pattern);

	if (c != 0)
		return c;
	if (x->implied != y->implied)
		return x->implied ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * One route per pattern: ".example.com" says what the subdomains get, so
 * it wins over the subdomains that "example.com" implies, wherever either
 * stands: that pairing is how AsyncOS is meant to be used, and the
 * implied entry is dropped without a word.  Otherwise the first one in
 * the file wins and the others are left disabled, reported.
 */
static int
disable_duplicates(struct imp_doc *doc)
{
	struct imp_entry **v;
	size_t i, first = 0;

	if (doc->nentry < 2)
		return 0;
	if ((v = malloc(doc->nentry * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < doc->nentry; i++)
		v[i] = &doc->entry[i];
	qsort(v, doc->nentry, sizeof(*v), pattern_cmp);
	for (i = 1; i < doc->nentry; i++) {
		if (strcmp(v[i]->line[0].pattern, v[first]->line[0].pattern)) {
			first = i;
			continue;
		}
		v[i]->disabled = 1;
		/* an implied entry adds nothing to the route that wins: the
		   domain's own entry already carries (and reports) it */
		if (!v[i]->implied)
			imp_note(doc, v[i], "the route for %s at line %u wins; "
			    "this one is left off", v[i]->line[0].pattern,
			    v[first]->src_line);
	}
	free(v);
	for (i = doc->nentry; i-- > 0;)
		if (doc->entry[i].disabled && doc->entry[i].implied)
			imp_entry_drop(doc, i);
	return 0;
}

int
import_cisco(struct imp_doc *doc, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	char *line;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s, *hash;
		size_t l;

		lineno++;
		if ((line = strndup(p, n)) == NULL)
			return -1;
		p += n + (nl != NULL);
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (l = strlen(s); l > 0 && isspace((unsigned char)s[l - 1]);)
			s[--l] = '\0';
		if (*s != '\0' && one_route(doc, lineno, s) != 0) {
			free(line);
			return -1;
		}
		free(line);
	}
	if (disable_duplicates(doc) != 0)
		return -1;
	imp_sort(doc, "most specific first, as AsyncOS uses the most "
	    "specific route\n# wherever it stands");
	return doc->errors ? -1 : 0;
}
