/*
 * tests/unit/test_import.c - the importers against models of the sources:
 * a large random AsyncOS table, imported, loaded and evaluated by the
 * engine, must give every query the route AsyncOS' "most specific wins"
 * gives it; random Xeams route lists (senders, @domain and ANY recipients,
 * exceptions) the route Xeams' "first match" gives each sender and
 * domain; random tmail route sets the group tmail's lookup picks; and the
 * TOML and host[:port] readers on their edge cases; and the exporters of
 * conditional lines (exim, opensmtpd, postfix) on what each writes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "rules.h"
#include "export.h"
#include "import.h"
#include "import_toml.h"

/* ---- AsyncOS most specific route, at scale ---------------------------- */

#define NROUTES		3000
#define NQUERIES	20000

struct croute {
	char	dom[64];	/* as written: "a.b.x", ".a.b.x" or "ALL:" */
	int	id;		/* the route's host is 10.x.y.z for id */
};

static void
random_name(char *out, size_t len, int maxdepth)
{
	static const char *labels[] = { "a", "b", "c", "mail", "x-1" };
	int depth = 1 + rand() % maxdepth, i;

	out[0] = '\0';
	for (i = 0; i < depth; i++) {
		strncat(out, labels[rand() % 5], len - strlen(out) - 1);
		strncat(out, ".", len - strlen(out) - 1);
	}
	strncat(out, "x", len - strlen(out) - 1);
}

/* Whether name ends with "." suffix, or is it (when exact is set). */
static int
ends_with(const char *name, const char *suffix, int exact)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n == s)
		return exact && strcmp(name, suffix) == 0;
	return n > s && name[n - s - 1] == '.' && !strcmp(name + n - s, suffix);
}

/*
 * The model: the exact route for the name wins, then the route with the
 * longest matching suffix (on a tie ".suffix" over the subdomains that
 * "suffix" implies, else the first in the file), then ALL:.
 * Returns the id, or -1 when no route matches.
 */
static int
model(const struct croute *r, int n, const char *q)
{
	int i, best = -1, all = -1, explicit = 0;
	size_t bestlen = 0;

	for (i = 0; i < n; i++) {
		const char *d = r[i].dom;

		if (strcmp(d, "ALL:") == 0) {
			if (all < 0)
				all = r[i].id;
			continue;
		}
		if (d[0] != '.' && strcmp(d, q) == 0)
			return r[i].id;		/* the name's own route */
	}
	for (i = 0; i < n; i++) {
		const char *d = r[i].dom, *s = d[0] == '.' ? d + 1 : d;

		if (strcmp(d, "ALL:") == 0 || !ends_with(q, s, 0))
			continue;
		/* ".s" beats the subdomains "s" implies; else the first */
		if (best < 0 || strlen(s) > bestlen || (strlen(s) == bestlen &&
		    d[0] == '.' && !explicit)) {
			best = r[i].id;
			bestlen = strlen(s);
			explicit = d[0] == '.';
		}
	}
	return best >= 0 ? best : all;
}

static int
route_id(const struct rules *set, const char *q)
{
	struct rules_ctx ctx = { 0 };
	struct rules_result res;
	uint8_t a[16];

	switch (rules_eval(set, q, &ctx, NULL, 0, NULL, &res)) {
	case RULES_NO_OVERRIDE:
		return -1;
	case RULES_ANSWER:
		cr_assert_eq(res.count, 1, "%s: %zu records", q, res.count);
		cr_assert_eq(rules_synth_addr(res.record[0].host, a), AF_INET);
		return a[1] << 16 | a[2] << 8 | a[3];
	default:
		cr_assert_fail("%s: unexpected result", q);
		return -2;
	}
}

Test(cisco, most_specific_route_wins_in_a_large_table)
{
	static struct croute r[NROUTES];
	struct imp_doc doc;
	size_t src_len = 0;
	char *src_s = NULL;
	FILE *src = open_memstream(&src_s, &src_len);
	struct rules *set;
	char q[128], *out;
	size_t len;
	int i, wrong = 0;

	srand(7);
	for (i = 0; i < NROUTES; i++) {
		r[i].id = i + 1;
		if (i == NROUTES / 2)
			strcpy(r[i].dom, "ALL:");
		else {
			random_name(r[i].dom + 1, sizeof(r[i].dom) - 1, 4);
			r[i].dom[0] = rand() % 3 == 0 ? '.' : 'z';
			if (r[i].dom[0] == 'z')
				memmove(r[i].dom, r[i].dom + 1,
				    strlen(r[i].dom));
		}
		fprintf(src, "%s 10.%d.%d.%d\n", r[i].dom,
		    r[i].id >> 16, (r[i].id >> 8) & 255, r[i].id & 255);
	}
	imp_doc_init(&doc, "model", "cisco");
	doc.err = fopen("/dev/null", "w");
	cr_assert_eq(fclose(src), 0);
	cr_assert_eq(import_cisco(&doc, src_s, src_len), 0);
	cr_assert_eq(imp_validate(&doc), 0);
	out = imp_render(&doc, &len);
	set = rules_load_buffer("model", out, len, NULL);
	cr_assert_not_null(set, "the imported table loads");
	for (i = 0; i < NQUERIES; i++) {
		int want, got;

		random_name(q, sizeof(q), 5);
		want = model(r, NROUTES, q);
		got = route_id(set, q);
		if (want != got && wrong++ < 5)
			cr_log_error("%s: route %d expected, %d given", q, want,
			    got);
	}
	cr_assert_eq(wrong, 0, "%d of %d queries routed differently", wrong,
	    NQUERIES);
	rules_free(set);
	free(out);
	free(src_s);
	fclose(doc.err);
	imp_doc_free(&doc);
}

/* ---- host[:port] ---------------------------------------------------- */

static char *
hostport(const char *s)
{
	static char out[300];
	struct rules_server srv;
	char why[256];
	unsigned port;

	if (imp_split_hostport(s, strlen(s), &srv, &port, why,
	    sizeof(why)) != 0)
		snprintf(out, sizeof(out), "error: %s", why);
	else
		snprintf(out, sizeof(out), "%d %s %u", (int)srv.kind,
		    srv.host, port);
	return out;
}

Test(hostport, forms)
{
	cr_assert_str_eq(hostport("Mail.Example."), "0 mail.example 0");
	cr_assert_str_eq(hostport("mail.example:587"), "0 mail.example 587");
	cr_assert_str_eq(hostport("192.0.2.1:25"), "1 192.0.2.1 25");
	cr_assert_str_eq(hostport("[192.0.2.1]"), "1 192.0.2.1 0");
	cr_assert_str_eq(hostport("2001:db8::1"), "2 2001:db8::1 0");
	cr_assert_str_eq(hostport("[2001:db8::1]:2525"), "2 2001:db8::1 2525");
	cr_assert_str_eq(hostport("[IPv6:2001:db8::1]"), "2 2001:db8::1 0");
	/* the engine's reader, with the engine's words */
	cr_assert_str_eq(hostport("h.example:0"),
	    "error: port '0' out of range (1-65535)");
	cr_assert_str_eq(hostport("h.example:65536"),
	    "error: port '65536' out of range (1-65535)");
	cr_assert_str_eq(hostport("[h.example]"), "error: expected an IPv4 "
	    "or IPv6 address inside [ ], found 'h.example'");
	cr_assert_str_eq(hostport("a:b:c"), "error: expected an IPv4 or IPv6 "
	    "address inside [ ], found 'a:b:c'");
	cr_assert_str_eq(hostport("USEDNS"),
	    "error: expected a host name or address");
	cr_assert_str_eq(hostport("u:p@h.example"),
	    "error: credentials are not read here");
}

/* ---- the TOML reader ------------------------------------------------ */

static char errmsg[256];
static unsigned errline;

static int
parse(const char *text, struct toml_val *root)
{
	return toml_parse(text, strlen(text), root, &errline, errmsg,
	    sizeof(errmsg));
}

Test(toml, tables_dotted_keys_inline_tables_and_arrays)
{
	struct toml_val root;
	const struct toml_val *q, *list;

	cr_assert_eq(parse("# c\n[queue.'a.example'] # c\n"
	    "protocol.smtp = { mx_list = [ 'x', # one\n"
	    "  \"y\\\"z\",\n  { name = 'n', addr = '[192.0.2.1]' },\n] }\n"
	    "max_age = '1 hour'\nn = 5\nb = true\n"
	    "[queue.\"b.example\".protocol]\nsmtp.mx_list = []\n", &root), 0,
	    "%u: %s", errline, errmsg);
	q = toml_get(toml_get(&root, "queue"), "a.example");
	cr_assert_not_null(q);
	list = toml_get(toml_get(toml_get(q, "protocol"), "smtp"), "mx_list");
	cr_assert_not_null(list);
	cr_assert_eq(list->type, TOML_ARRAY);
	cr_assert_eq(list->nitem, 3);
	cr_assert_str_eq(list->item[1].s, "y\"z");
	cr_assert_str_eq(toml_get(&list->item[2], "addr")->s, "[192.0.2.1]");
	cr_assert_eq(list->item[2].line, 5);
	cr_assert_str_eq(toml_get(q, "n")->s, "5");
	cr_assert_eq(toml_get(q, "b")->type, TOML_BOOL);
	q = toml_get(toml_get(&root, "queue"), "b.example");
	list = toml_get(toml_get(toml_get(q, "protocol"), "smtp"), "mx_list");
	cr_assert_eq(list->nitem, 0);
	toml_free(&root);
}

Test(toml, errors_name_their_line)
{
	struct toml_val root;

	cr_assert_eq(parse("a = 1\n\nb = 'x\n", &root), -1);
	cr_assert_eq(errline, 3);
	cr_assert_str_eq(errmsg, "unterminated string");
	cr_assert_eq(parse("[t]\na = 1\n[t]\na = 2\n", &root), -1);
	cr_assert_eq(errline, 4);
	cr_assert_str_eq(errmsg, "key defined twice");
	cr_assert_eq(parse("[[t]]\n", &root), -1);
	cr_assert_str_eq(errmsg,
	    "arrays of tables ([[...]]) are not supported");
	cr_assert_eq(parse("a = '''x'''\n", &root), -1);
	cr_assert_str_eq(errmsg, "multi-line strings are not supported");
	cr_assert_eq(parse("a = 1 b = 2\n", &root), -1);
	cr_assert_str_eq(errmsg, "unexpected text after the value");
	cr_assert_eq(parse("a = [1, 2\n", &root), -1);
	cr_assert_eq(parse("a = { b = 1\n", &root), -1);
	cr_assert_eq(parse("a.b = 1\na = 2\n", &root), -1);
}

/* ---- Xeams: the first matching route, exceptions included ----------- */

#define XROUTES	12
#define XDOCS	300

static const char *xsenders[] = {
	"ANY", "a@s1.example", "b@s1.example", "@s1.example", "@s2.example"
};
static const char *xfroms[] = {
	"a@s1.example", "B@S1.example", "c@s2.example", "d@s3.example"
};
static const char *xdomains[] = {
	"d1.example", "d2.example", "d3.example", "d4.example"
};

struct xr {
	int	sender;		/* index in xsenders */
	int	rcpt;		/* -1: ANY, else index in xdomains */
	int	except[3];	/* with ANY: domains excepted */
};

static int
x_sender_matches(const char *s, const char *from)
{
	if (strcmp(s, "ANY") == 0)
		return 1;
	if (s[0] == '@')
		return strcasecmp(strchr(from, '@'), s) == 0;
	return strcasecmp(s, from) == 0;
}

/* Xeams' documented walk: the first route whose sender and recipient
   match; -1 for none (the MX lookup). */
static int
x_model(const struct xr *r, int n, const char *from, int dom)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!x_sender_matches(xsenders[r[i].sender], from))
			continue;
		if (r[i].rcpt >= 0 ? r[i].rcpt == dom :
		    !(dom < 3 && r[i].except[dom]))
			return i + 1;
	}
	return -1;
}

/* The engine's route; USEDNS gets NXDOMAIN, i.e. no record. */
static int
x_engine(const struct rules *set, const char *from, const char *dom)
{
	static const struct rules_real_rrset none = { 0 };
	struct rules_real_rrset rr[RULES_MAX_REAL];
	struct rules_ctx ctx = { .known = RULES_CTX_FROM, .from = from };
	struct rules_real real = { 0 };
	struct rules_result res;
	enum rules_rc rc;
	uint8_t a[16];
	size_t k = 0;

	while ((rc = rules_eval(set, dom, &ctx, &real, 0, NULL, &res)) ==
	    RULES_NEED && k < RULES_MAX_REAL) {
		rr[k] = none;
		rr[k].name = strdup(res.need);
		rr[k].status = RULES_REAL_NXDOMAIN;
		rules_real_add(&real, &rr[k++]);
	}
	while (k > 0)
		free((char *)rr[--k].name);
	if (rc == RULES_NO_OVERRIDE)
		return -1;
	cr_assert_eq(rc, RULES_ANSWER);
	cr_assert_eq(res.count, 1);
	cr_assert_eq(rules_synth_addr(res.record[0].host, a), AF_INET);
	return a[3];
}

Test(xeams, first_matching_route_with_exceptions)
{
	int d, wrong = 0, checked = 0;

	srand(11);
	for (d = 0; d < XDOCS; d++) {
		struct xr r[XROUTES];
		size_t x_len = 0;
		char *x_s = NULL;
		FILE *x = open_memstream(&x_s, &x_len);
		struct imp_doc doc;
		struct rules *set;
		char *out;
		size_t len;
		int i, f, q, n = 1 + rand() % XROUTES;

		fprintf(x, "<CustomRouting><Routes>\n");
		for (i = 0; i < n; i++) {
			r[i].sender = rand() % 5;
			r[i].rcpt = rand() % 3 == 0 ? -1 : rand() % 3;
			fprintf(x, "<Route><sender>%s</sender>"
			    "<recipient>", xsenders[r[i].sender]);
			if (r[i].rcpt < 0)
				fprintf(x, "ANY");
			else
				fprintf(x, "@%s", xdomains[r[i].rcpt]);
			fprintf(x, "</recipient>");
			if (r[i].rcpt < 0) {
				fprintf(x, "<recipientExceptions>");
				for (q = 0; q < 3; q++) {
					r[i].except[q] = rand() % 2;
					if (r[i].except[q])
						fprintf(x, "@%s|",
						    xdomains[q]);
				}
				fprintf(x, "</recipientExceptions>");
			}
			fprintf(x, "<ip>10.0.0.%d</ip></Route>\n",
			    i + 1);
		}
		fprintf(x, "</Routes></CustomRouting>\n");
		imp_doc_init(&doc, "model.xml", "xeams");
		doc.err = fopen("/dev/null", "w");
		cr_assert_eq(fclose(x), 0);
		cr_assert_eq(import_xeams(&doc, x_s, x_len), 0, "%s", x_s);
		cr_assert_eq(imp_validate(&doc), 0);
		out = imp_render(&doc, &len);
		set = rules_load_buffer("model", out, len, NULL);
		cr_assert_not_null(set, "%s", out);
		for (f = 0; f < 4; f++)
			for (q = 0; q < 4; q++) {
				int want = x_model(r, n, xfroms[f], q);
				int got = x_engine(set, xfroms[f], xdomains[q]);

				checked++;
				if (want != got && wrong++ < 3)
					cr_log_error("%s to %s: route %d "
					    "expected, %d given\n%s\n%s",
					    xfroms[f], xdomains[q], want, got,
					    x_s, out);
			}
		rules_free(set);
		free(out);
		free(x_s);
		fclose(doc.err);
		imp_doc_free(&doc);
	}
	cr_assert_eq(wrong, 0, "%d of %d routed differently", wrong, checked);
}

/* ---- tmail: the most specific group, all its routes by priority ----- */

#define TROUTES	10
#define TDOCS	300

static const char *tdests[] = { "d1.example", "d2.example", "*" };
static const char *tusers[] = { "", "u1@x.example", "u2@x.example" };
static const char *tfroms[] = { "", "f1@y.example" };

struct tr {
	int	dest, user, from;
	int	prio;
};

/* Whether route t is in the group tmail's lookup step selects. */
static int
t_step(const struct tr *t, int step, const char *user, const char *from,
    const char *dom)
{
	int host = strcmp(tdests[t->dest], dom) == 0;

	switch (step) {
	case 0:		/* user, destination and MAIL FROM */
		return *user && host && !strcmp(tusers[t->user], user) &&
		    *tfroms[t->from] && !strcmp(tfroms[t->from], from);
	case 1:		/* user and destination */
		return *user && host && !strcmp(tusers[t->user], user) &&
		    !*tfroms[t->from];
	case 2:		/* the destination alone */
		return host && !*tusers[t->user] && !*tfroms[t->from];
	default:	/* the "*" destination */
		return t->dest == 2 && !*tusers[t->user] && !*tfroms[t->from];
	}
}

/* tmail's getRoutes(): "PRIO.ID,..." of the first step with routes. */
static void
t_model(const struct tr *t, int n, const char *user, const char *from,
    const char *dom, char *out, size_t len)
{
	int step, i, p;

	out[0] = '\0';
	for (step = 0; step < 4 && out[0] == '\0'; step++)
		for (p = 0; p < 100; p++)
			for (i = 0; i < n; i++)
				if (t[i].prio == p &&
				    t_step(&t[i], step, user, from, dom))
					snprintf(out + strlen(out),
					    len - strlen(out), "%d.%d,", p,
					    i + 1);
}

static void
t_engine(const struct rules *set, const char *user, const char *from,
    const char *dom, char *out, size_t len)
{
	struct rules_ctx ctx = { .known = RULES_CTX_FROM |
	    RULES_CTX_AUTHSENDER, .from = from, .authsender = user };
	struct rules_result res;
	uint8_t a[16];
	size_t i;

	out[0] = '\0';
	if (rules_eval(set, dom, &ctx, NULL, 0, NULL, &res) != RULES_ANSWER)
		return;
	for (i = 0; i < res.count; i++) {
		cr_assert_eq(rules_synth_addr(res.record[i].host, a), AF_INET);
		snprintf(out + strlen(out), len - strlen(out), "%u.%u,",
		    res.record[i].pref, a[3]);
	}
}

Test(tmail, the_most_specific_group_by_priority)
{
	int d, wrong = 0, checked = 0;

	srand(13);
	for (d = 0; d < TDOCS; d++) {
		struct tr t[TROUTES];
		size_t src_len = 0;
		char *src_s = NULL;
		FILE *src = open_memstream(&src_s, &src_len);
		struct imp_doc doc;
		struct rules *set;
		char *out, want[256], got[256];
		size_t len;
		int i, u, f, q, n = 1 + rand() % TROUTES;

		for (i = 0; i < n; i++) {
			t[i].dest = rand() % 3;
			/* tmail skips user routes for "*" and MAIL FROM
			   without a user: not modelled here */
			t[i].user = t[i].dest == 2 ? 0 : rand() % 3;
			t[i].from = t[i].user ? rand() % 2 : 0;
			t[i].prio = rand() % 4;
			fprintf(src, "tmail routes add -d '%s' "
			    "-rh 10.0.0.%d -p %d%s%s%s%s\n", tdests[t[i].dest],
			    i + 1, t[i].prio, t[i].user ? " -u " : "",
			    tusers[t[i].user], t[i].from ? " -f " : "",
			    tfroms[t[i].from]);
		}
		imp_doc_init(&doc, "model.txt", "tmail");
		doc.err = fopen("/dev/null", "w");
		cr_assert_eq(fclose(src), 0);
		cr_assert_eq(import_tmail(&doc, src_s, src_len), 0,
		    "%s", src_s);
		cr_assert_eq(imp_validate(&doc), 0);
		out = imp_render(&doc, &len);
		set = rules_load_buffer("model", out, len, NULL);
		cr_assert_not_null(set, "%s", out);
		for (u = 0; u < 3; u++)
			for (f = 0; f < 2; f++)
				for (q = 0; q < 3; q++) {
					const char *from = f ?
					    "f1@y.example" : "f2@y.example";
					const char *dom = q < 2 ? tdests[q] :
					    "d3.example";

					t_model(t, n, tusers[u], from, dom,
					    want, sizeof(want));
					t_engine(set, tusers[u], from, dom,
					    got, sizeof(got));
					checked++;
					if (strcmp(want, got) != 0 &&
					    wrong++ < 3)
						cr_log_error("user '%s' from %s "
						    "to %s: '%s' expected, "
						    "'%s' given\n%s\n%s",
						    tusers[u], from, dom, want,
						    got, src_s, out);
				}
		rules_free(set);
		free(out);
		free(src_s);
		fclose(doc.err);
		imp_doc_free(&doc);
	}
	cr_assert_eq(wrong, 0, "%d of %d routed differently", wrong, checked);
}

/* ---- the exporters of conditional lines -------------------------------- */

/* rules exported as format; the output (and the secrets, the warnings)
   in static buffers. */
static char fx_secrets[4096], fx_warn[4096];

static const char *
fx_export(const char *format, const char *rules)
{
	static char out[16384];
	struct rules_load_opts opts = { 0 };
	struct rules *set = rules_load_buffer("t.conf", rules, strlen(rules),
	    &opts);
	FILE *fo, *fs, *fw;
	struct exp_doc d;
	int rc;

	/* fmemopen() leaves the buffer as it was until something is
	   written */
	memset(out, 0, sizeof(out));
	memset(fx_secrets, 0, sizeof(fx_secrets));
	memset(fx_warn, 0, sizeof(fx_warn));
	fo = fmemopen(out, sizeof(out), "w");
	fs = fmemopen(fx_secrets, sizeof(fx_secrets), "w");
	fw = fmemopen(fx_warn, sizeof(fx_warn), "w");

	cr_assert_not_null(set);
	cr_assert_eq(exp_read(&d, set, "t.conf", fw, EXP_CONDS), 0);
	if (strcmp(format, "postfix") == 0)
		rc = export_postfix(&d, fo, fs);
	else {
		cr_assert_eq(exp_groups(&d), 0);
		rc = strcmp(format, "exim") == 0 ?
		    export_exim(&d, fo, fs, "/s") :
		    export_opensmtpd(&d, fo, fs, "/s");
	}
	cr_assert_eq(rc, 0);
	fclose(fo);
	fclose(fs);
	fclose(fw);
	exp_doc_free(&d);
	rules_free(set);
	return out;
}

Test(export, exim_hosts_conditions_and_secrets)
{
	const char *o = fx_export("exim",
	    "a.example [2001:db8::1] $adddns $end\n"
	    "b.example [2001:db8::2]:26 $end\n"
	    "c.example r.example:2526 $lookupmx\n"
	    "c.example [::3] $priority:20 $end\n"
	    "d.example u:p\"q\\r@h.example:587 $retries<1 $end\n"
	    "e.example h.example $retries>=2\n"
	    "f.example h.example $from~=*@News.example $size>10\n");

	cr_assert_not_null(strstr(o, "route_data = <,2001:db8::1,"
	    "${domain}/MX\n"));
	cr_assert_not_null(strstr(o, "route_data = <,[2001:db8::2]:26\n"));
	/* the port of the /MX hosts is the route's transport's */
	cr_assert_not_null(strstr(o, "route_data = <,r.example/MX,"
	    "[::3]:25\n"));
	cr_assert_not_null(strstr(o, "mxshim_l3:\n  driver = smtp\n"
	    "  port = 2526\n"));
	cr_assert_not_null(strstr(o, "condition = ${if and{"
	    "{bool{$first_delivery}}}}"));
	cr_assert_not_null(strstr(o, "hosts_require_auth = *"));
	cr_assert_not_null(strstr(fx_secrets,
	    "mxshim_l5: user=\"u\" pass=\"p\\\"q\\\\r\"\n"));
	/* more mail than the rules: disabled, and said */
	cr_assert_not_null(strstr(o, "# mxshim_l6:\n"));
	cr_assert_not_null(strstr(fx_warn, "t.conf:6: warning: Exim cannot "
	    "test $retries>=2"));
	cr_assert_not_null(strstr(o, "{match{$sender_address}"
	    "{\\N(?is)^.*\\@news\\.example\\z\\N}}{>{$message_size}{10}}"));
	cr_assert_null(strstr(o, "p\"q"));
}

Test(export, opensmtpd_matches_actions_and_secrets)
{
	const char *o = fx_export("opensmtpd",
	    "a.example u:pw@10.0.0.1:587 $from~=*@X.example $end\n"
	    "b.example h.example $authsender=bob\n"
	    "c.example h.example $authsender!=bob\n"
	    "* h.example $from~=/^x/\n"
	    "d.example .\n");

	cr_assert_not_null(strstr(o, "table mxshim_secrets file:/s\n"));
	cr_assert_not_null(strstr(o, "action \"mxshim_l1\" relay host "
	    "smtp+tls://mxshim_l1@10.0.0.1:587 auth <mxshim_secrets>\n"));
	cr_assert_not_null(strstr(o, "match from local for domain "
	    "\"a.example\" mail-from regex \"^.*[@][xX][.][eE][xX][aA][mM]"
	    "[pP][lL][eE]$\" action \"mxshim_l1\"\n"));
	cr_assert_not_null(strstr(o, "match from auth \"bob\" for domain "
	    "\"b.example\" action \"mxshim_l2\"\n"));
	cr_assert_null(strstr(o, "\nmatch from local for domain "
	    "\"b.example\""));
	cr_assert_not_null(strstr(o, "# # rules line 3\n"));
	cr_assert_not_null(strstr(o, "# # rules line 4\n"));
	cr_assert_not_null(strstr(o, "match from local for domain "
	    "\"d.example\" reject\n"));
	cr_assert_str_eq(fx_secrets, "# The credentials of `mxshim export "
	    "--format opensmtpd`, a table(5) file:\n# keep it mode 0600.\n"
	    "mxshim_l1 u:pw\n");
}

Test(export, postfix_sender_relays_and_fallback)
{
	const char *o = fx_export("postfix",
	    "* u:pw@r.example:587 $from=Al@X.example $end\n"
	    "* n.example $from~=*@news.example $end\n"
	    "* f.example $retries>=1\n"
	    "* g.example $retries>2\n"
	    "* s.example $size>1\n");

	cr_assert_not_null(strstr(o, "# main.cf: sender_dependent_relayhost_"
	    "maps = inline:{ al@x.example=[r.example]:587, "
	    "@news.example=[n.example] }\n"));
	cr_assert_not_null(strstr(o, "# main.cf: smtp_fallback_relay = "
	    "[f.example]\n"));
	cr_assert_not_null(strstr(o, "# main.cf: # smtp_fallback_relay = "
	    "[g.example]\n"));
	cr_assert_not_null(strstr(fx_warn, "t.conf:5: warning: condition "
	    "$size>1 cannot be expressed"));
	cr_assert_not_null(strstr(fx_secrets, "[r.example]:587 u:pw\n"));
}

Test(export, decoded_credentials_are_escaped_or_refused)
{
	const char *o;

	/* user "j e", password "a b\n%" after the percent-decoding */
	o = fx_export("exim", "a.example j%20e:a%20b%0A%25@h.example $end\n");
	cr_assert_not_null(strstr(fx_secrets,
	    "mxshim_l1: user=\"j e\" pass=\"a b\\x0a%\"\n"));
	cr_assert_not_null(strstr(o, "transport = mxshim_l1\n"));
	o = fx_export("opensmtpd", "a.example j:a%20b@h.example $end\n");
	cr_assert_not_null(strstr(o, "# action \"mxshim_l1\""));
	cr_assert_null(strstr(fx_secrets, "a b"));
	fx_export("postfix", "a.example j:a%20b@h.example\n"
	    "b.example j:x%0Ay@h2.example\n");
	cr_assert_not_null(strstr(fx_secrets, "[h.example] j:a b\n"));
	cr_assert_null(strstr(fx_secrets, "h2.example"));
	cr_assert_not_null(strstr(fx_warn, "t.conf:2: warning: credentials "
	    "with a colon"));
}
