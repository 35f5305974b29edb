/*
 * cli/test.c - `mxshim test --rules FILE CASES`: routing regression tests.
 * CASES holds one expectation a line,
 *
 *   NAME [--from ADDR] [--authsender USER] [--size N] [--retries N]
 *        [--client IP] => NEXTHOP...
 *
 * NEXTHOP is [PREF ]HOST[:PORT] in preference order, or one of `real` (no
 * override applies), `null` (the rules' null MX), `SERVFAIL`.  Each case
 * is evaluated as `mxshim route` evaluates it (nexthop_eval()), without
 * the final real lookup: `real` says only that no line applied.  The
 * whole file is read first; a malformed line is a FILE:LINE:COLUMN error
 * and then no case runs.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "ctl.h"
#include "nexthop.h"
#include "realmx.h"
#include "route.h"

#define TEST_MAX_HOPS	RULES_MAX_RECORDS
#define TEST_MAX_WORDS	32

static const char test_usage[] =
"usage: mxshim test [--rules FILE] [--upstream ADDR@PORT]... [--control PATH]\n"
"                   CASES\n"
"\n"
"Check the routes the rules give against CASES, one expectation a line:\n"
"  NAME [--from ADDR] [--authsender USER] [--size N] [--retries N]\n"
"       [--client IP] => NEXTHOP...\n"
"NEXTHOP: [PREF ]HOST[:PORT]... in preference order, or real (no override\n"
"applies), null (null MX) or SERVFAIL.  \"#\" starts a comment; \"\" is an\n"
"empty value (--from \"\": the null sender).\n"
"\n"
"  --rules FILE       rules file (default " RULES_DEFAULT_FILE ")\n"
"  --upstream A@P     DNS server for the real lookups, as for route\n"
"  --control PATH     mxshimd's control socket, as for route\n"
"\n"
"One line per failing case: CASES:LINE: NAME: expected ..., got ...; then\n"
"a summary.  Exit status: 0 every case passed, 1 a case failed or CASES\n"
"or the rules are malformed, 2 usage or no upstream that is not mxshimd.\n";

enum expect_kind { EXPECT_HOPS, EXPECT_REAL, EXPECT_NULL, EXPECT_SERVFAIL };

struct hop {
	int		has_pref;
	uint16_t	pref;
	uint16_t	port;
	char		host[RULES_MAX_NAME + 1];
};

struct test_case {
	unsigned		 line;
	char			*text;		/* the line, words cut in place */
	char			*name;
	struct rules_ctx	 ctx;
	enum expect_kind	 kind;
	size_t			 nhops;
	struct hop		 hop[TEST_MAX_HOPS];
};

struct cases {
	const char		*file;
	struct test_case	*c;
	size_t			 n, cap;
	int			 errors;
};

/* ---- reading CASES ---- */

struct word {
	char	*s;
	size_t	 column;
};

static int __attribute__((format(printf, 4, 5)))
case_error(struct cases *cs, unsigned line, size_t column, const char *fmt,
    ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u:%zu: ", cs->file, line, column);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cs->errors++;
	return -1;
}

/* Cut line into words (up to a '#'); "" is the empty word. */
static int
split(char *line, struct word *w, size_t *n)
{
	char *p = line;

	*n = 0;
	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p == '\0' || *p == '#')
			return 0;
		if (*n == TEST_MAX_WORDS)
			return -1;
		w[*n].column = (size_t)(p - line) + 1;
		w[*n].s = p;
		p += strcspn(p, " \t\r\n");
		if (*p != '\0')
			*p++ = '\0';
		if (strcmp(w[*n].s, "\"\"") == 0)
			w[*n].s[0] = '\0';
		(*n)++;
	}
}

/* HOST[:PORT] as a rules file reads it; an address as its synthetic name. */
static int
read_host(struct cases *cs, unsigned line, const struct word *w,
    struct hop *h)
{
	struct rules_server	srv;
	uint8_t			addr[16];
	char			why[256];
	int			family;

	if (rules_server_read(w->s, strlen(w->s), &srv, why, sizeof(why)) ==
	    -1)
		return case_error(cs, line, w->column, "%s", why);
	if (srv.kind == RULES_SERVER_NULL || srv.kind == RULES_SERVER_USEDNS)
		return case_error(cs, line, w->column, "'%s' is not a host: "
		    "write null or real alone", w->s);
	h->port = srv.port;
	family = srv.kind == RULES_SERVER_IPV4 ? AF_INET : AF_INET6;
	if (srv.kind == RULES_SERVER_NAME)
		snprintf(h->host, sizeof(h->host), "%s", srv.host);
	else if (inet_pton(family, srv.host, addr) != 1 ||
	    rules_synth_name(family, addr, h->host, sizeof(h->host)) < 0)
		return case_error(cs, line, w->column, "'%s' is not an "
		    "address", w->s);
	return 0;
}

static int
is_pref(const char *s, uint16_t *pref)
{
	uint64_t v;

	if (rules_parse_number(s, strlen(s), &v) == -1 || v > 65535)
		return 0;
	*pref = (uint16_t)v;
	return 1;
}

static int
read_keyword(struct test_case *c, const char *s)
{
	if (strcmp(s, "real") == 0)
		c->kind = EXPECT_REAL;
	else if (strcmp(s, "null") == 0)
		c->kind = EXPECT_NULL;
	else if (strcmp(s, "SERVFAIL") == 0)
		c->kind = EXPECT_SERVFAIL;
	else
		return 0;
	return 1;
}

/* The next hops after "=>": w[0..n). */
static int
read_hops(struct cases *cs, struct test_case *c, const struct word *w,
    size_t n, size_t arrow)
{
	size_t	i;
	struct hop *h;

	if (n == 0)
		return case_error(cs, c->line, arrow + 2, "expected next hops "
		    "after '=>': [PREF ]HOST[:PORT]..., real, null or SERVFAIL");
	if (read_keyword(c, w[0].s)) {
		if (n > 1)
			return case_error(cs, c->line, w[1].column, "'%s' "
			    "after real, null or SERVFAIL: they stand alone",
			    w[1].s);
		return 0;
	}
	c->kind = EXPECT_HOPS;
	for (i = 0; i < n; i++) {
		if (c->nhops == TEST_MAX_HOPS)
			return case_error(cs, c->line, w[i].column, "more "
			    "than %d next hops", TEST_MAX_HOPS);
		h = c->hop + c->nhops++;
		if ((h->has_pref = is_pref(w[i].s, &h->pref)) && ++i == n)
			return case_error(cs, c->line, w[i - 1].column,
			    "expected a host after the preference '%s'",
			    w[i - 1].s);
		if (read_keyword(c, w[i].s))
			return case_error(cs, c->line, w[i].column, "'%s' "
			    "stands alone, not among hosts", w[i].s);
		if (read_host(cs, c->line, w + i, h) == -1)
			return -1;
	}
	return 0;
}

/* The options between NAME and "=>": w[0..n). */
static int
read_options(struct cases *cs, struct test_case *c, const struct word *w,
    size_t n)
{
	char	why[64];
	size_t	i;
	int	rc;

	for (i = 0; i < n; i += 2) {
		if (i + 1 == n)
			return case_error(cs, c->line, w[i].column, "'%s' "
			    "needs a value, or '=>' is missing", w[i].s);
		rc = strncmp(w[i].s, "--", 2) != 0 ? 1 :
		    route_ctx_option(w[i].s + 2, w[i + 1].s, &c->ctx, why,
		    sizeof(why));
		if (rc == 1)
			return case_error(cs, c->line, w[i].column, "'%s' is "
			    "not an option (--from, --authsender, --size, "
			    "--retries, --client) nor '=>'", w[i].s);
		if (rc == -1)
			return case_error(cs, c->line, w[i + 1].column, "%s: "
			    "'%s' is not %s", w[i].s, w[i + 1].s, why);
	}
	return 0;
}

static int
read_case(struct cases *cs, struct test_case *c)
{
	struct word	w[TEST_MAX_WORDS];
	size_t		n, arrow;
	char		norm[RULES_MAX_NAME + 1];

	if (split(c->text, w, &n) == -1)
		return case_error(cs, c->line, 1, "more than %d words",
		    TEST_MAX_WORDS);
	if (n == 0)
		return 1;	/* blank or comment */
	for (arrow = 0; arrow < n && strcmp(w[arrow].s, "=>") != 0; arrow++)
		;
	if (arrow == n)
		return case_error(cs, c->line, w[n - 1].column +
		    strlen(w[n - 1].s), "expected '=>' and the next hops");
	if (arrow == 0 || rules_name_normalize(route_domain(w[0].s), norm) <
	    0)
		return case_error(cs, c->line, w[0].column, "expected a "
		    "domain name first, not '%s'", w[0].s);
	c->name = w[0].s;
	if (read_options(cs, c, w + 1, arrow - 1) == -1)
		return -1;
	return read_hops(cs, c, w + arrow + 1, n - arrow - 1,
	    w[arrow].column);
}

static struct test_case *
next_case(struct cases *cs)
{
	struct test_case *c;

	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 64;
		if ((c = reallocarray(cs->c, cs->cap, sizeof(*c))) == NULL)
			return NULL;
		cs->c = c;
	}
	c = cs->c + cs->n;
	memset(c, 0, sizeof(*c));
	return c;
}

static void
cases_free(struct cases *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		free(cs->c[i].text);
	free(cs->c);
}

/* Read every case of f; -1 on an I/O or memory error. */
static int
read_cases(FILE *f, struct cases *cs)
{
	struct test_case	*c;
	char			*line = NULL;
	size_t			 cap = 0;
	unsigned		 lineno = 0;
	int			 rc = 0;

	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if ((c = next_case(cs)) == NULL ||
		    (c->text = strdup(line)) == NULL) {
			rc = -1;
			break;
		}
		c->line = lineno;
		if (read_case(cs, c) != 0)
			free(c->text);
		else
			cs->n++;
	}
	if (ferror(f))
		rc = -1;
	free(line);
	return rc;
}

/* ---- running them ---- */

/* HOST[:PORT] in the cases' notation: an address target as its address. */
static void
say_host(FILE *f, const char *host, uint16_t port)
{
	uint8_t	addr[16];
	char	text[INET6_ADDRSTRLEN];
	int	family = rules_synth_addr(host, addr);

	if (family != 0 && inet_ntop(family, addr, text, sizeof(text)) != NULL)
		fprintf(f, family == AF_INET6 ? "[%s]" : "%s", text);
	else
		fputs(host, f);
	if (port != RULES_DEFAULT_PORT)
		fprintf(f, ":%u", port);
}

/* The next hops in the cases' notation, for the failure line. */
static void
say_hops(FILE *f, const struct hop *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(f, "%s", i ? " " : "");
		if (h[i].has_pref)
			fprintf(f, "%u ", h[i].pref);
		say_host(f, h[i].host, h[i].port);
	}
}

static void
say_expected(FILE *f, const struct test_case *c)
{
	static const char *const words[] = { "", "real", "null", "SERVFAIL" };

	if (c->kind == EXPECT_HOPS)
		say_hops(f, c->hop, c->nhops);
	else
		fputs(words[c->kind], f);
}

static void
say_actual(FILE *f, const struct nexthop *nh)
{
	const struct rules_record	*r;
	size_t				 i;

	switch (nh->kind) {
	case NEXTHOP_OVERRIDE:
		for (i = 0; i < nh->res.count; i++) {
			r = nh->res.record + i;
			fprintf(f, "%s%u ", i ? " " : "", r->pref);
			say_host(f, r->host, r->port);
		}
		break;
	case NEXTHOP_NULL:
		fputs("null", f);
		break;
	case NEXTHOP_SERVFAIL:
		fputs("SERVFAIL", f);
		break;
	case NEXTHOP_BADNAME:
		fputs("an invalid name", f);
		break;
	default:
		fputs("real", f);
		break;
	}
}

static int
hop_is(const struct hop *h, const struct rules_record *r)
{
	return (!h->has_pref || h->pref == r->pref) && h->port == r->port &&
	    strcasecmp(h->host, r->host) == 0;
}

/*
 * Whether the records are the hops, in order; records of equal
 * preference may come in any order (an MTA picks among them at random).
 */
static int
hops_match(const struct test_case *c, const struct rules_result *res)
{
	int	used[RULES_MAX_RECORDS] = { 0 };
	size_t	i, j, first;

	if (c->nhops != res->count)
		return 0;
	for (i = 0; i < c->nhops; i++) {
		for (first = i; first > 0 && res->record[first - 1].pref ==
		    res->record[i].pref; first--)
			;
		for (j = first; j < res->count && res->record[j].pref ==
		    res->record[i].pref; j++)
			if (!used[j] && hop_is(c->hop + i, res->record + j))
				break;
		if (j == res->count || res->record[j].pref !=
		    res->record[i].pref)
			return 0;
		used[j] = 1;
	}
	return 1;
}

static int
passes(const struct test_case *c, const struct nexthop *nh)
{
	switch (c->kind) {
	case EXPECT_REAL:
		return nh->kind == NEXTHOP_NOT_LOOKED_UP;
	case EXPECT_NULL:
		return nh->kind == NEXTHOP_NULL;
	case EXPECT_SERVFAIL:
		return nh->kind == NEXTHOP_SERVFAIL;
	default:
		return nh->kind == NEXTHOP_OVERRIDE && hops_match(c, &nh->res);
	}
}

/* Run every case; the number that failed, or -1 when none could run. */
static int
run_cases(const struct rules *set, const struct cases *cs,
    struct route_upstream *up)
{
	struct nexthop_source	 src = { route_open, up, NULL, "" };
	struct nexthop		*nh = malloc(sizeof(*nh));
	const struct test_case	*c;
	size_t			 i;
	int			 failed = 0;

	if (nh == NULL)
		return -1;
	for (i = 0; i < cs->n; i++) {
		c = cs->c + i;
		if (nexthop_eval(set, &src, route_domain(c->name), &c->ctx, 0,
		    NEXTHOP_RULES_ONLY, nh) == -1) {
			fprintf(stderr, "mxshim test: %s\n", src.err);
			failed = -1;
			break;
		}
		if (passes(c, nh))
			continue;
		failed++;
		printf("%s:%u: %s: expected ", cs->file, c->line, c->name);
		say_expected(stdout, c);
		printf(", got ");
		say_actual(stdout, nh);
		putchar('\n');
	}
	realmx_free(src.rm);
	free(nh);
	return failed;
}

/* ---- the command ---- */

struct test_opts {
	const char		*rules;
	struct route_upstream	 up;
	const char		*cases;
};

static int
parse_options(int argc, char **argv, struct test_opts *o)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "control", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	o->rules = RULES_DEFAULT_FILE;
	o->up.control = CTL_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rules = optarg; break;
		case 'C': o->up.control = optarg; break;
		case 'u':
			if (route_add_upstream("test", &o->up, optarg) == -1)
				return 2;
			break;
		case 'h': fputs(test_usage, stdout); return 0;
		default: fputs(test_usage, stderr); return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(test_usage, stderr);
		return 2;
	}
	o->cases = argv[optind];
	return -1;
}

static int
load_cases(const char *path, struct cases *cs)
{
	FILE	*f;
	int	 rc;

	cs->file = path;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "mxshim test: cannot read %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	rc = read_cases(f, cs);
	fclose(f);
	if (rc == -1) {
		fprintf(stderr, "mxshim test: %s: read error or out of "
		    "memory\n", path);
		return -1;
	}
	if (cs->errors > 0) {
		fprintf(stderr, "%s: %d malformed case%s, no case was run\n",
		    path, cs->errors, cs->errors == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

static int
test(const struct rules *set, struct test_opts *o)
{
	struct cases	cs = { 0 };
	int		failed;

	if (load_cases(o->cases, &cs) == -1) {
		cases_free(&cs);
		return 1;
	}
	failed = run_cases(set, &cs, &o->up);
	if (failed >= 0)
		printf("%zu cases: %zu passed, %d failed\n", cs.n,
		    cs.n - (size_t)failed, failed);
	cases_free(&cs);
	return failed < 0 ? 2 : failed > 0;
}

int
cmd_test(int argc, char **argv)
{
	struct test_opts	 o;
	struct rules		*set;
	int			 rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_options(argc, argv, &o)) >= 0)
		return rc;
	if ((set = cli_load_rules("test", o.rules)) == NULL)
		return 1;
	rc = test(set, &o);
	rules_free(set);
	return rc;
}
