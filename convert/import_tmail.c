/*
 * convert/import_tmail.c - tmail outgoing SMTP routes into override lines.
 *
 * Two inputs are read, mixed freely:
 *   - the output of `tmail routes list`:
 *     "1 - Destination host: D [- if mail from: F] - Prority: P
 *      - Local IPs: L - Remote host: [LOGIN[:PASS]@]HOST:PORT"
 *   - `tmail routes add` command lines: -d DESTINATION -rh REMOTE_HOST
 *     [-rp PORT] [-p PRIORITY] [-l LOCAL_IP] [-u SMTP_USER] [-f MAIL_FROM]
 *     [-rl LOGIN] [-rpwd PASSWORD] (long names and -flag=value too).
 *
 * tmail takes every route of the most specific group that matches (SMTP
 * user and MAIL FROM, then SMTP user, then the destination alone, then
 * the "*" destination) and tries them by priority, lowest first, equal
 * priorities sharing the load.  So one group becomes one entry whose
 * lines all apply, $end on its last line, and the groups are sorted in
 * tmail's order.  Remote hosts are connected to directly (no MX lookup).
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "import.h"

#define FIELD	1024

struct troute {
	unsigned	line;
	char		dest[FIELD], rhost[FIELD], local[FIELD];
	char		user[FIELD], from[FIELD], login[FIELD], pass[FIELD];
	unsigned long	port, prio;
	int		listed;		/* read from `tmail routes list` */
};

/* ---- `tmail routes list` lines ------------------------------------------ */

/* A field of a route into dst (FIELD bytes), cut to fit. */
static void
field_copy(char *dst, const char *s, size_t n)
{
	if (n >= FIELD)
		n = FIELD - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Split "[LOGIN[:PASS]@]HOST[:PORT]" into r. */
static int
remote_host(struct troute *r, const char *s)
{
	const char *at = strrchr(s, '@'), *h = at ? at + 1 : s;
	const char *colon = strrchr(h, ':');

	if (at != NULL) {
		const char *c = memchr(s, ':', (size_t)(at - s));

		field_copy(r->login, s, c ? (size_t)(c - s) : (size_t)(at - s));
		if (c != NULL)
			field_copy(r->pass, c + 1, (size_t)(at - c - 1));
	}
	/* tmail prints HOST:PORT even for IPv6, so the last ':' is the port */
	if (colon != NULL && colon[1] != ']' && imp_number(colon + 1,
	    strlen(colon + 1), 65535, &r->port) == 0) {
		field_copy(r->rhost, h, (size_t)(colon - h));
		return 0;
	}
	field_copy(r->rhost, h, strlen(h));
	return 0;
}

static int
list_field(struct troute *r, const char *f, size_t n, const char **why)
{
	static const struct { const char *name; int which; } names[] = {
		{ "Destination host:", 0 }, { "if mail from:", 1 },
		{ "Prority:", 2 }, { "Priority:", 2 }, { "Local IPs:", 3 },
		{ "Remote host:", 4 }
	};
	char val[FIELD];
	size_t i, l;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		l = strlen(names[i].name);
		if (n >= l && strncasecmp(f, names[i].name, l) == 0)
			break;
	}
	if (i == sizeof(names) / sizeof(names[0])) {
		*why = "unknown field";
		return -1;
	}
	f += l;
	n -= l;
	while (n > 0 && isspace((unsigned char)*f))
		f++, n--;
	field_copy(val, f, n);
	switch (names[i].which) {
	case 0:
		strcpy(r->dest, val);
		return 0;
	case 1:
		strcpy(r->from, val);
		return 0;
	case 2:
		*why = "priority is not a number";
		return imp_number(val, strlen(val), 65535, &r->prio);
	case 3:
		if (strcasecmp(val, "default") != 0)
			strcpy(r->local, val);
		return 0;
	default:
		return remote_host(r, val);
	}
}

/* "ID - Field: value - Field: value ..." */
static int
list_line(struct troute *r, const char *s, const char **why)
{
	const char *sep;

	s += strspn(s, "0123456789");
	while (*s != '\0') {
		if (strncmp(s, " - ", 3) != 0) {
			*why = "expected ' - ' between fields";
			return -1;
		}
		s += 3;
		sep = strstr(s, " - ");
		if (list_field(r, s, sep ? (size_t)(sep - s) : strlen(s),
		    why) != 0)
			return -1;
		s = sep ? sep : s + strlen(s);
	}
	return 0;
}

/* ---- `tmail routes add` command lines -------------------------------- */

/* Split a shell command line into words ('...', "...", backslash). */
static int
shell_words(const char *s, char **w, int max, char *store, size_t len)
{
	int n = 0;
	size_t o = 0;

	for (;;) {
		char q = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || n == max)
			return n;
		w[n++] = store + o;
		for (; *s != '\0' && (q || !isspace((unsigned char)*s)); s++) {
			if (q == 0 && (*s == '\'' || *s == '"')) {
				q = *s;
				continue;
			}
			if (q != 0 && *s == q) {
				q = 0;
				continue;
			}
			if (*s == '\\' && q != '\'' && s[1] != '\0')
				s++;
			if (o + 2 >= len)
				return -1;
			store[o++] = *s;
		}
		if (q != 0)
			return -1;
		store[o++] = '\0';
	}
}

static char *
add_flag(struct troute *r, const char *name, int *isnum)
{
	static const struct { const char *a, *b; size_t off; int num; } f[] = {
		{ "destination", "d", offsetof(struct troute, dest), 0 },
		{ "remote host", "rh", offsetof(struct troute, rhost), 0 },
		{ "remotePort", "rp", offsetof(struct troute, port), 1 },
		{ "priority", "p", offsetof(struct troute, prio), 2 },
		{ "localIp", "l", offsetof(struct troute, local), 0 },
		{ "smtpUser", "u", offsetof(struct troute, user), 0 },
		{ "mailFrom", "f", offsetof(struct troute, from), 0 },
		{ "remoteLogin", "rl", offsetof(struct troute, login), 0 },
		{ "remotePasswd", "rpwd", offsetof(struct troute, pass), 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(name, f[i].a) == 0 || strcmp(name, f[i].b) == 0) {
			*isnum = f[i].num;
			return (char *)r + f[i].off;
		}
	return NULL;
}

static int
add_line(struct troute *r, const char *s, const char **why)
{
	char store[4 * FIELD], *w[64];
	int n, i;

	if ((n = shell_words(s, w, 64, store, sizeof(store))) < 0) {
		*why = "unbalanced quotes";
		return -1;
	}
	/* [path/]tmail routes add ... */
	for (i = 3; i < n; i++) {
		char *name = w[i], *eq, *val, *slot;
		int isnum;

		if (name[0] != '-') {
			*why = "unexpected argument";
			return -1;
		}
		name += 1 + (name[1] == '-');
		if ((eq = strchr(name, '=')) != NULL)
			*eq = '\0';
		if ((slot = add_flag(r, name, &isnum)) == NULL) {
			*why = "unknown option";
			return -1;
		}
		if (eq == NULL && i + 1 == n) {
			*why = "option without value";
			return -1;
		}
		val = eq ? eq + 1 : w[++i];
		if (isnum) {
			*why = isnum == 1 ? "port is not a number in 1-65535" :
			    "priority is not a number";
			if (imp_number(val, strlen(val), 65535,
			    (unsigned long *)(void *)slot) != 0)
				return -1;
		} else
			field_copy(slot, val, strlen(val));
	}
	return 0;
}

static int
is_add_line(const char *s)
{
	char store[256], *w[3];
	const char *base;

	if (shell_words(s, w, 3, store, sizeof(store)) != 3)
		return 0;
	base = strrchr(w[0], '/');
	base = base ? base + 1 : w[0];
	/* tmail's own examples write `tmail route add` too */
	return strcmp(base, "tmail") == 0 && (strcmp(w[1], "routes") == 0 ||
	    strcmp(w[1], "route") == 0) && strcmp(w[2], "add") == 0;
}

/* ---- groups and lines ------------------------------------------------ */

static int
is_list_line(const char *s)
{
	size_t d = strspn(s, "0123456789");

	return d > 0 && strncmp(s + d, " - ", 3) == 0;
}

/* tmail's order: user and from, user, from, none; then exact hosts. */
static int
route_rank(const struct troute *r)
{
	int rank;

	if (r->user[0] && r->from[0])
		rank = 0;
	else if (r->user[0])
		rank = 10;
	else if (r->from[0])
		rank = 20;
	else
		rank = 30;
	if (strcmp(r->dest, "*") == 0)
		rank += 5;
	if (r->user[0] && strchr(r->user, '@') == NULL)
		rank += 1;	/* the user's domain comes after the user */
	if (r->from[0] && strchr(r->from, '@') == NULL)
		rank += 2;
	return rank;
}

/*
 * A * route read from `tmail routes list`: the list does not show the
 * SMTP user, and `tmail routes add -u USER` without -d gives such a route.
 */
static int
user_unknown(const struct troute *r)
{
	return r->listed && strcmp(r->dest, "*") == 0;
}

static int
same_group(const struct troute *a, const struct troute *b)
{
	return strcmp(a->dest, b->dest) == 0 &&
	    strcasecmp(a->user, b->user) == 0 &&
	    strcasecmp(a->from, b->from) == 0 &&
	    user_unknown(a) == user_unknown(b);
}

/* Conditions of a group, as tokens. */
static void
group_conds(const struct troute *r, char *tok, size_t len)
{
	if (r->user[0] != '\0' && strchr(r->user, '@') != NULL)
		imp_tok(tok, len, "$authsender=%s", r->user);
	else if (r->user[0] != '\0') {
		/* the user itself, or any user@ that domain */
		char re[FIELD * 2];
		size_t i, o = 0;

		for (i = 0; r->user[i] != '\0' && o + 3 < sizeof(re); i++) {
			if (!isalnum((unsigned char)r->user[i]) &&
			    r->user[i] != '-' && r->user[i] != '_')
				re[o++] = '\\';
			re[o++] = r->user[i];
		}
		re[o] = '\0';
		imp_tok(tok, len, "$authsender~=/^([^@]*@)?%s$/i", re);
	}
	if (r->from[0] != '\0' && strchr(r->from, '@') != NULL)
		imp_tok(tok, len, "$from=%s", r->from);
	else if (r->from[0] != '\0')
		imp_tok(tok, len, "$from~=*@%s", r->from);
	/* "-f: User need to be authentified": some SMTP user, then */
	if (r->from[0] != '\0' && r->user[0] == '\0')
		imp_tok(tok, len, "$authsender~=?*");
}

static void
summary(const struct troute *r, char *out, size_t len)
{
	snprintf(out, len, "Destination host: %s%s%s - Priority: %lu - Local "
	    "IPs: %s - Remote host: %s%s%s%s:%lu%s%s", r->dest,
	    r->from[0] ? " - if mail from: " : "", r->from, r->prio,
	    r->local[0] ? r->local : "default", r->login,
	    r->login[0] && r->pass[0] ? ":****" : "", r->login[0] ? "@" : "",
	    r->rhost, r->port, r->user[0] ? " - SMTP user: " : "", r->user);
}

/* The override line of route r (end: it closes its group). */
static int
route_line(struct imp_doc *doc, struct imp_entry *e, const struct troute *r,
    int end)
{
	char server[3 * FIELD], tok[3 * FIELD] = "", why[256];
	struct rules_server srv;
	unsigned port;

	if (imp_split_hostport(r->rhost, strlen(r->rhost), &srv, &port, why,
	    sizeof(why)) != 0) {
		imp_error(doc, r->line, "remote host '%s': %s", r->rhost, why);
		return 0;
	}
	if (r->pass[0] != '\0' && r->login[0] == '\0')
		imp_note(doc, e, "a password without a login is not carried");
	if (r->login[0] != '\0')
		doc->credentials = 1;
	if (port == 0)
		port = (unsigned)r->port;	/* -rh HOST:PORT wins */
	if (imp_server(server, sizeof(server), srv.host, srv.kind,
	    port == RULES_DEFAULT_PORT ? 0 : port,
	    r->login[0] ? r->login : NULL, r->pass[0] ? r->pass : NULL) != 0) {
		imp_error(doc, r->line, "remote host too long");
		return 0;
	}
	if (r->local[0] != '\0')
		imp_note(doc, e, "local IP(s) %s: DNS cannot choose the "
		    "address mail leaves from; set it in the MTA", r->local);
	group_conds(r, tok, sizeof(tok));
	imp_tok(tok, sizeof(tok), "$priority:%lu", r->prio);
	if (end)
		imp_tok(tok, sizeof(tok), "$end");
	return imp_line_add(e, r->dest, server, "%s", tok);
}

/* Whether b repeats route a: tmail counts repeated routes as weights. */
static int
same_route(const struct troute *a, const struct troute *b)
{
	return strcasecmp(a->rhost, b->rhost) == 0 && a->port == b->port &&
	    a->prio == b->prio && strcmp(a->login, b->login) == 0 &&
	    strcmp(a->pass, b->pass) == 0 && strcmp(a->local, b->local) == 0;
}

/* How often v[j] stands in its group (v[i] first) before j, and in all. */
static size_t
repeats(const struct troute *v, size_t i, size_t j, size_t n, size_t *total)
{
	size_t k, before = 0;

	*total = 0;
	for (k = i; k < n; k++)
		if (same_group(&v[i], &v[k]) && same_route(&v[j], &v[k])) {
			before += k < j;
			(*total)++;
		}
	return before;
}

/*
 * The quote of the group that v[i] starts: its routes, one a line.  *last
 * is the last route written (a repeated one is not).  NULL: no memory.
 */
static char *
group_quote(const struct troute *v, size_t i, size_t n, size_t *last)
{
	char text[4 * FIELD], *quote = NULL;
	size_t j, len, total;
	FILE *f;

	if ((f = open_memstream(&quote, &len)) == NULL)
		return NULL;
	for (j = i, *last = i; j < n; j++)
		if (same_group(&v[i], &v[j])) {
			summary(&v[j], text, sizeof(text));
			fprintf(f, "%s%s", ftell(f) > 0 ? "\n" : "", text);
			if (repeats(v, i, j, n, &total) == 0)
				*last = j;
		}
	if (imp_memclose(f) != 0) {
		free(quote);
		return NULL;
	}
	return quote;
}

/* The lines of the group that v[i] starts; done marks its routes. */
static int
group_lines(struct imp_doc *doc, struct imp_entry *e, const struct troute *v,
    size_t i, size_t n, size_t last, char *done)
{
	size_t j, total;

	for (j = i; j < n; j++) {
		if (done[j] || !same_group(&v[i], &v[j]))
			continue;
		done[j] = 1;
		e->src_line = v[j].line;	/* for the notes */
		if (repeats(v, i, j, n, &total) > 0)
			continue;
		if (total > 1)
			imp_note(doc, e, "the route to %s is given %zu times: "
			    "tmail sends it %zu shares of the mail, DNS "
			    "preferences carry no weights; written once, it "
			    "shares the load equally with the other routes of "
			    "priority %lu", v[j].rhost, total, total,
			    v[j].prio);
		if (route_line(doc, e, &v[j], j == last) != 0)
			return -1;
	}
	e->src_line = v[i].line;
	return 0;
}

/*
 * The routes tmail takes together (one group: same destination, SMTP user
 * and MAIL FROM) become one entry, in first-appearance order; then sort.
 */
static int
group_routes(struct imp_doc *doc, struct troute *v, size_t n)
{
	char *done = calloc(n ? n : 1, 1), *quote;
	struct imp_entry *e;
	size_t i, last;

	if (done == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		if ((quote = group_quote(v, i, n, &last)) == NULL ||
		    (e = imp_entry_new(doc, v[i].line, quote)) == NULL) {
			free(quote);
			free(done);
			return -1;
		}
		free(quote);
		e->rank = route_rank(&v[i]);
		if (user_unknown(&v[i])) {
			e->disabled = 1;
			imp_note(doc, e, "`tmail routes list` does not show "
			    "the SMTP user (-u): this * route may be one "
			    "user's, and applying it to all mail would reroute "
			    "mail tmail does not; the route is left off");
		}
		if (group_lines(doc, e, v, i, n, last, done) != 0) {
			free(done);
			return -1;
		}
	}
	free(done);
	imp_sort(doc, "in tmail's lookup order: SMTP user and MAIL FROM, "
	    "SMTP user, MAIL\n# FROM, destination alone; an exact "
	    "destination before *");
	return 0;
}

/* ---- the input --------------------------------------------------------- */

static int
read_line(struct imp_doc *doc, struct troute *r, const char *s)
{
	const char *why = "not a `tmail routes list` line nor a `tmail routes "
	    "add` command";
	int rc = -1;

	if ((r->listed = is_list_line(s)))
		rc = list_line(r, s, &why);
	else if (is_add_line(s))
		rc = add_line(r, s, &why);
	if (rc != 0) {
		imp_error(doc, r->line, "%s", why);
		return -1;
	}
	if (r->dest[0] == '\0')
		strcpy(r->dest, "*");	/* as `tmail routes add` does */
	imp_domain_lower(r->dest);
	if (r->rhost[0] == '\0') {
		imp_error(doc, r->line, "route without a remote host");
		return -1;
	}
	if (strcmp(r->dest, "*") != 0 && !imp_is_domain(r->dest)) {
		imp_error(doc, r->line, "destination '%s' is not a domain",
		    r->dest);
		return -1;
	}
	return 0;
}

int
import_tmail(struct imp_doc *doc, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct troute *v = NULL, *nv;
	size_t n = 0;
	unsigned lineno = 0;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[FIELD];	/* so no field can be cut short */

		lineno++;
		p += l + (nl != NULL);
		if (l >= sizeof(line)) {
			imp_error(doc, lineno, "line longer than %zu bytes",
			    sizeof(line) - 1);
			continue;
		}
		memcpy(line, p - l - (nl != NULL), l);
		line[l] = '\0';
		while (l > 0 && isspace((unsigned char)line[l - 1]))
			line[--l] = '\0';
		l = strspn(line, " \t");
		if (line[l] == '\0' || line[l] == '#' ||
		    strncmp(line + l, "There is no routes", 18) == 0)
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			free(v);
			return -1;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].line = lineno;
		v[n].port = RULES_DEFAULT_PORT;
		v[n].prio = 1;		/* `tmail routes add` default */
		if (read_line(doc, &v[n], line + l) == 0)
			n++;
	}
	r = group_routes(doc, v, n);
	free(v);
	return r != 0 || doc->errors ? -1 : 0;
}
