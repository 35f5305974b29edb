/*
 * convert/export_exim.c - override lines as Exim routers, with the
 * transports and the authenticator they use, in one file that the Exim
 * configuration includes once in each of those sections (export.h).
 *
 * Exim tries its routers in order and the first whose preconditions hold
 * routes the address, which is the rules file's walk when a line has
 * $end; so each route (export_order.c) becomes one router, in file order:
 *
 *   NAME / *.NAME / *   domains = ! +local_domains : NAME (*.NAME, *)
 *   conditions          condition = ${if and{...}}: $from is
 *                       $sender_address, $authsender $authenticated_id,
 *                       $size $message_size, $retries only as
 *                       $first_delivery (0 or not), $dnsmx a dnsdb lookup
 *   hosts               manualroute, route_data = <,HOST:PORT,... by
 *                       preference; $lookupmx HOST/MX, $adddns and USEDNS
 *                       beside hosts $domain/MX
 *   USEDNS alone        a dnslookup router
 *   .                   a redirect router that fails the address
 *   USER:PASS@          a transport of the route's own that requires AUTH,
 *                       the credentials in a separate lsearch file
 *
 * A condition Exim cannot test exactly ($client, $retries beyond the
 * first delivery) would make the router take more mail than the rules
 * do, so such a router is written commented out.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define EX_NAME		"mxshim_l"	/* + the first line of the route */

/* ---- conditions ------------------------------------------------------ */

/* A wildcard as an anchored, case-insensitive PCRE, inside \N...\N. */
static void
glob_regex(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputs("\\N(?is)^", out);
	for (i = 0; i < len; i++) {
		if (s[i] == '*')
			fputs(".*", out);
		else if (s[i] == '?')
			fputc('.', out);
		else if (isalnum((unsigned char)s[i]))
			fputc(s[i], out);
		else
			fprintf(out, "\\%c", s[i]);
	}
	fputs("\\z\\N", out);
}

/* Whether text can sit inside \N...\N (which nothing can escape). */
static int
literal_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '\\' && (s[i + 1] == 'N' || s[i + 1] == 'n'))
			return 0;
	return len == 0 || s[len - 1] != '\\';
}

/* The text value of c as an Exim string test of var. */
static int
text_cond(FILE *out, const struct rules_cond *c, const char *var)
{
	static const char *const ops[] = {
		[RULES_OP_EQ] = "eqi", [RULES_OP_NE] = "!eqi",
		[RULES_OP_LT] = "lti", [RULES_OP_LE] = "lei",
		[RULES_OP_GT] = "gti", [RULES_OP_GE] = "gei"
	};

	if (!literal_ok(c->text, c->text_len))
		return -1;
	if (c->op == RULES_OP_MATCH || c->op == RULES_OP_NOMATCH) {
		fprintf(out, "%smatch{%s}{", c->op == RULES_OP_NOMATCH ?
		    "!" : "", var);
		if (c->value == RULES_VALUE_GLOB)
			glob_regex(out, c->text, c->text_len);
		else
			fprintf(out, "\\N%s%.*s\\N", c->icase ? "(?i)" : "",
			    (int)c->text_len, c->text);
		fputc('}', out);
		return 0;
	}
	fprintf(out, "%s{%s}{\\N%.*s\\N}", ops[c->op], var, (int)c->text_len,
	    c->text);
	return 0;
}

/* Whether $retries OP N holds for n attempts made. */
static int
retries_hold(enum rules_cond_op op, uint64_t n, uint64_t v)
{
	switch (op) {
	case RULES_OP_EQ:	return n == v;
	case RULES_OP_NE:	return n != v;
	case RULES_OP_LT:	return n < v;
	case RULES_OP_LE:	return n <= v;
	case RULES_OP_GT:	return n > v;
	default:		return n >= v;
	}
}

/*
 * Exim knows only whether this is the first delivery attempt: a $retries
 * condition is carried when it holds alike for every count from 1 up,
 * which is so away from v, so those around it and one far off decide.
 */
static int
retries_cond(FILE *out, const struct rules_cond *c)
{
	const uint64_t probe[] = { 1, c->number - 1, c->number,
	    c->number + 1, UINT64_MAX - 8 };
	int first = retries_hold(c->op, 0, c->number);
	int later = retries_hold(c->op, 1, c->number);
	size_t i;

	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		if (probe[i] >= 1 && probe[i] < UINT64_MAX - 4 &&
		    retries_hold(c->op, probe[i], c->number) != later)
			return -1;
	if (first && later)
		fputs("bool{true}", out);
	else if (first)
		fputs("bool{$first_delivery}", out);
	else if (later)
		fputs("!bool{$first_delivery}", out);
	else
		fputs("bool{false}", out);
	return 0;
}

static int
size_cond(FILE *out, const struct rules_cond *c)
{
	static const char *const ops[] = {
		[RULES_OP_EQ] = "=", [RULES_OP_NE] = "!=",
		[RULES_OP_LT] = "<", [RULES_OP_LE] = "<=",
		[RULES_OP_GT] = ">", [RULES_OP_GE] = ">="
	};

	if (c->number > INT64_MAX)	/* Exim's arithmetic is signed */
		return -1;
	fprintf(out, "%s{$message_size}{%llu}", ops[c->op],
	    (unsigned long long)c->number);
	return 0;
}

/* The real MX hosts of the domain through Exim's own DNS lookup: one
   that fails temporarily defers the address. */
static int
dnsmx_cond(FILE *out, const struct rules_cond *c)
{
	if (c->op == RULES_OP_NOMATCH)
		fputc('!', out);
	fputs("forany{${lookup dnsdb{>: mxh=$domain}}}"
	    "{and{{!eq{$item}{}}{match{$item}{", out);
	glob_regex(out, c->text, c->text_len);
	fputs("}}}}", out);
	return 0;
}

/* One condition of l as an Exim condition; -1: not expressible. */
static int
one_cond(FILE *out, const struct rules_cond *c)
{
	switch (c->attr) {
	case RULES_COND_FROM:
		return text_cond(out, c, "$sender_address");
	case RULES_COND_AUTHSENDER:
		/* not authenticated: the attribute is unknown, and a
		   condition on an unknown attribute is false */
		fputs("and{{!eq{$authenticated_id}{}}{", out);
		if (text_cond(out, c, "$authenticated_id") != 0)
			return -1;
		fputs("}}", out);
		return 0;
	case RULES_COND_SIZE:
		return size_cond(out, c);
	case RULES_COND_RETRIES:
		return retries_cond(out, c);
	case RULES_COND_DNSMX:
		return dnsmx_cond(out, c);
	default:
		return -1;
	}
}

/* The condition option of route g; 0, or -1 with the route off. */
static int
conditions(struct exp_doc *d, struct exp_group *g, FILE *out)
{
	const struct exp_line *l = g->l;
	struct rules_cond c;
	size_t k;

	if (l->nconds == 0)
		return 0;
	fputs("  condition = ${if and{", out);
	for (k = 0; k < l->nconds; k++) {
		exp_cond(d, l, k, &c);
		fputc('{', out);
		if (one_cond(out, &c) != 0) {
			fprintf(out, "NOT CARRIED: %.*s", (int)c.token_len,
			    c.token);
			exp_note(d, l->line, "Exim cannot test %.*s exactly; "
			    "the router would take more mail than the rules "
			    "do: written disabled", (int)c.token_len,
			    c.token);
			g->off = 1;
		}
		fputc('}', out);
	}
	fputs("}}\n", out);
	return g->off ? -1 : 0;
}

/* ---- hosts and credentials ------------------------------------------- */

/* mx_port: the port of the route's own transport, for its $lookupmx
   hosts (Exim takes no port on a /MX item); 0 for none. */
static void
host_item(const struct exp_line *l, unsigned mx_port, FILE *out)
{
	if (l->skind == EXP_USEDNS) {
		fputs("${domain}/MX", out);
		return;
	}
	/* an IPv6 address is bracketed only before a port */
	if (l->lookupmx)
		fprintf(out, "%s/MX", l->host);
	else if (l->port != RULES_DEFAULT_PORT || mx_port != 0)
		fprintf(out, l->host_kind == RULES_SERVER_IPV6 ? "[%s]:%u" :
		    "%s:%u", l->host, l->port);
	else
		fputs(l->host, out);
	if (l->adddns)
		fputs(",${domain}/MX", out);
}

/* route_data, the hosts by preference. */
static int
route_data(struct exp_doc *d, const struct exp_group *g, unsigned mx_port,
    FILE *out)
{
	const struct exp_line **v;
	size_t i;

	if ((v = malloc(g->n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < g->n; i++)
		v[i] = &g->l[i];
	qsort(v, g->n, sizeof(*v), exp_by_pri);
	fputs("  route_data = <,", out);
	for (i = 0; i < g->n; i++) {
		if (i > 0)
			fputc(',', out);
		host_item(v[i], mx_port, out);
		if (v[i]->skind == EXP_USEDNS || v[i]->adddns)
			exp_note(d, v[i]->line, "the domain's real MX hosts "
			    "are tried in this line's place, not merged by "
			    "preference with the other hosts");
	}
	fputc('\n', out);
	free(v);
	return 0;
}

/* Whether two lines have the same credentials. */
static int
same_secret(const struct exp_line *a, const struct exp_line *b)
{
	return strcmp(a->user, b->user) == 0 &&
	    strcmp(a->pass ? a->pass : "", b->pass ? b->pass : "") == 0;
}

/*
 * The credentials of route g: the one pair its lines hold, or NULL.  The
 * authenticator finds them by transport name, so a route with two
 * different pairs, or a $lookupmx host with them beside hosts without,
 * cannot be told apart: off.
 */
static const struct exp_line *
route_secret(struct exp_doc *d, struct exp_group *g, int *all)
{
	const struct exp_line *s = NULL;
	size_t i;

	*all = 1;
	for (i = 0; i < g->n; i++) {
		const struct exp_line *l = &g->l[i];

		if (l->user == NULL) {
			*all = 0;
			continue;
		}
		if (s != NULL && !same_secret(s, l)) {
			exp_note(d, l->line, "a second pair of credentials on "
			    "the route of line %u: Exim's authenticator finds "
			    "them by route; written disabled", g->l[0].line);
			g->off = 1;
		}
		s = l;
	}
	for (i = 0; s != NULL && !*all && i < g->n; i++)
		if (g->l[i].user != NULL && g->l[i].lookupmx) {
			exp_note(d, g->l[i].line, "credentials for the MX hosts "
			    "of %s beside hosts without: Exim cannot tell "
			    "them apart; written disabled", g->l[i].host);
			g->off = 1;
		}
	return s;
}

/* A value of the secrets file: double-quoted, with Exim's escapes. */
static void
secret_value(FILE *out, const char *key, const char *s)
{
	fprintf(out, " %s=\"", key);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/*
 * The port of the $lookupmx hosts of g, which Exim takes from the
 * transport: 0 when they use 25 or there are none; several: off.
 */
static unsigned
mx_port(struct exp_doc *d, struct exp_group *g)
{
	unsigned port = 0;
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct exp_line *l = &g->l[i];

		if (!l->lookupmx)
			continue;
		if (port != 0 && l->port != port) {
			exp_note(d, l->line, "$lookupmx hosts on two ports in "
			    "the route of line %u: Exim takes their port from "
			    "the transport; written disabled", g->l[0].line);
			g->off = 1;
		}
		port = l->port;
	}
	return port == RULES_DEFAULT_PORT ? 0 : port;
}

static void
transport(const struct exp_group *g, const struct exp_line *s, int all,
    unsigned port, FILE *tr, FILE *secrets)
{
	size_t i;
	int first = 1;

	fprintf(tr, "%s%u:\n  driver = smtp\n", EX_NAME, g->l[0].line);
	if (port != 0)
		fprintf(tr, "  port = %u\n", port);
	if (s == NULL) {
		fputc('\n', tr);
		return;
	}
	fputs("  hosts_require_auth = ", tr);
	if (all)
		fputc('*', tr);
	else
		for (i = 0; i < g->n; i++) {
			if (g->l[i].user == NULL)
				continue;
			fprintf(tr, "%s%s", first ? "<; " : " ; ",
			    g->l[i].host);
			first = 0;
		}
	fputs("\n\n", tr);
	if (ftell(secrets) == 0)
		fputs("# The credentials of `mxshim export --format exim`, "
		    "an lsearch file: keep it\n# mode 0600, owned by the user "
		    "Exim delivers as (Debian-exim).\n", secrets);
	fprintf(secrets, "%s%u:", EX_NAME, g->l[0].line);
	secret_value(secrets, "user", s->user);
	secret_value(secrets, "pass", s->pass ? s->pass : "");
	fputc('\n', secrets);
}

/* ---- routers --------------------------------------------------------- */

static void
domains(const struct exp_line *l, FILE *out)
{
	fputs("  domains = ! +local_domains", out);
	if (l->pkind == EXP_EXACT)
		fprintf(out, " : %s", l->pattern);
	else if (l->pkind == EXP_SUFFIX)
		fprintf(out, " : *.%s", l->suffix);
	else
		fputs(" : *", out);
	fputc('\n', out);
}

/* What the route does, after its preconditions. */
static int
router_body(struct exp_doc *d, struct exp_group *g, FILE *out,
    FILE *tr, FILE *secrets)
{
	const struct exp_line *s;
	unsigned port;
	size_t i;
	int all;

	for (i = 0; i < g->n; i++)
		if (g->l[i].skind == EXP_NULL) {
			fputs("  driver = redirect\n  allow_fail\n"
			    "  data = :fail: this domain accepts no mail "
			    "(null MX)\n", out);
			return 0;
		}
	if (g->n == 1 && g->l->skind == EXP_USEDNS) {
		fprintf(out, "  driver = dnslookup\n  transport = "
		    "mxshim_smtp\n%s", g->end ? "  no_more\n" : "");
		return 0;
	}
	s = route_secret(d, g, &all);
	port = mx_port(d, g);
	fputs("  driver = manualroute\n", out);
	if (route_data(d, g, port, out) != 0)
		return -1;
	fputs("  host_find_failed = defer\n  host_all_ignored = defer\n",
	    out);
	if ((s != NULL || port != 0) && !g->off) {
		fprintf(out, "  transport = %s%u\n", EX_NAME, g->l[0].line);
		transport(g, s, all, port, tr, secrets);
	} else
		fputs("  transport = mxshim_smtp\n", out);
	return 0;
}

static int
router(struct exp_doc *d, struct exp_group *g, FILE *out, FILE *tr,
    FILE *secrets)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((f = open_memstream(&text, &len)) == NULL)
		return -1;
	if (g->n > 1)
		fprintf(f, "# rules lines %u-%u\n", g->l[0].line,
		    g->l[g->n - 1].line);
	else
		fprintf(f, "# rules line %u\n", g->l[0].line);
	fprintf(f, "%s%u:\n", EX_NAME, g->l[0].line);
	domains(g->l, f);
	conditions(d, g, f);
	rc = router_body(d, g, f, tr, secrets);
	fputc('\n', f);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0)
		exp_put(out, text, len, g->off);
	free(text);
	return rc;
}

/* ---- the file -------------------------------------------------------- */

static void
usage_comment(FILE *out)
{
	fputs("# Include this file three times, in this order: in the "
	    "routers section,\n# before the router that sends by DNS; in "
	    "the transports section; in the\n# authenticators section, "
	    "each time after the macro naming the section:\n"
	    "#   begin routers\n#   .include /etc/exim4/mxshim.conf\n"
	    "#   begin transports\n#   MXSHIM_TRANSPORTS = yes\n"
	    "#   .include /etc/exim4/mxshim.conf\n"
	    "#   begin authenticators\n#   MXSHIM_AUTHENTICATORS = yes\n"
	    "#   .include /etc/exim4/mxshim.conf\n"
	    "# The domain list local_domains must exist: those domains are "
	    "never rerouted.\n", out);
}

static void
auth_part(FILE *out, const char *secrets_path)
{
	static const char get[] = "${sg{${extract{%s}{${lookup{"
	    "$transport_name}lsearch{MXSHIM_SECRETS}}}}}{\\N\\^\\N}{^^}}";

	fprintf(out, ".ifdef MXSHIM_AUTHENTICATORS\n"
	    "MXSHIM_SECRETS = %s\n\n"
	    "mxshim_plain:\n  driver = plaintext\n  public_name = PLAIN\n"
	    "  client_condition = ${if match{$transport_name}"
	    "{\\N^%s[0-9]+\\z\\N}}\n  client_send = ^", secrets_path, EX_NAME);
	fprintf(out, get, "user");
	fputc('^', out);
	fprintf(out, get, "pass");
	fputs("\n\n", out);
}

int
export_exim(struct exp_doc *d, FILE *out, FILE *secrets,
    const char *secrets_path)
{
	char *tr = NULL, *rt = NULL;
	size_t trlen = 0, rtlen = 0, i;
	FILE *ftr = open_memstream(&tr, &trlen);
	FILE *frt = open_memstream(&rt, &rtlen);
	int rc = 0;

	if (ftr == NULL || frt == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < d->ngroup; i++)
		rc = router(d, &d->group[i], frt, ftr, secrets);
	if (ftr != NULL && fclose(ftr) != 0)
		rc = -1;
	if (frt != NULL && fclose(frt) != 0)
		rc = -1;
	if (rc == 0) {
		exp_first_wins(d, "Exim");
		usage_comment(out);
		auth_part(out, secrets_path);
		fprintf(out, ".elifdef MXSHIM_TRANSPORTS\n\n"
		    "mxshim_smtp:\n  driver = smtp\n\n");
		fwrite(tr, 1, trlen, out);
		fputs(".else\n\n", out);
		fwrite(rt, 1, rtlen, out);
		fputs(".endif\n", out);
	}
	free(tr);
	free(rt);
	return rc != 0 || ferror(out) || ferror(secrets) ? -1 : 0;
}
