/*
 * convert/export_opensmtpd.c - override lines as OpenSMTPD smtpd.conf(5)
 * actions and match rules, with a credentials table(5) (export.h).
 *
 * OpenSMTPD evaluates its match rules in order and the first that holds
 * picks the action, when the message is received; so each route
 * (export_order.c) becomes one action and its match rules, in file order:
 *
 *   NAME / *.NAME / *   for domain "NAME" / "*.NAME" / ! for local
 *   $from               mail-from regex (a POSIX ERE: wildcards and plain
 *                       text only, not a PCRE)
 *   $authsender = ~=    from auth "USER" / from auth regex
 *   HOST[:PORT]         relay host smtp://HOST:PORT (one host an action)
 *   USER:PASS@          relay host smtp+tls://LABEL@HOST:PORT auth <table>
 *                       (OpenSMTPD authenticates over TLS only)
 *   USEDNS              relay (by the domain's MX records)
 *   .                   reject
 *
 * Match rules also decide who may relay: a route is given to local
 * senders (from local) and to authenticated ones (from auth), never to
 * any client.  Conditions on the message size, the retries, the DNS
 * client or real DNS data cannot be tested when the message is received:
 * such a route is written commented out.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define OS_NAME		"mxshim_l"	/* + the first line of the route */
#define OS_TABLE	"mxshim_secrets"

/* ---- conditions ------------------------------------------------------ */

/* One character of an ERE matching c alone, case-insensitively; inside a
   double-quoted smtpd.conf string. */
static void
ere_char(FILE *out, char c)
{
	if (isalpha((unsigned char)c))
		fprintf(out, "[%c%c]", tolower((unsigned char)c),
		    toupper((unsigned char)c));
	else if (isdigit((unsigned char)c))
		fputc(c, out);
	else if (c == '^')
		fputs("\\^", out);
	else if (c == '"')
		fputs("[\\\"]", out);
	else
		fprintf(out, "[%c]", c);
}

/* Text (glob: with * and ?) as an anchored ERE, quoted. */
static void
ere(FILE *out, const char *s, size_t len, int glob)
{
	size_t i;

	fputs("\"^", out);
	for (i = 0; i < len; i++) {
		if (glob && s[i] == '*')
			fputs(".*", out);
		else if (glob && s[i] == '?')
			fputc('.', out);
		else
			ere_char(out, s[i]);
	}
	fputs("$\"", out);
}

/* Whether a text condition can be a match option: 0 as it is, 1 negated
   (with "!"), -1 not at all (a PCRE, an order, a negation not allowed). */
static int
text_test(const struct rules_cond *c, int negate_ok)
{
	int neg = c->op == RULES_OP_NE || c->op == RULES_OP_NOMATCH;

	if (c->value == RULES_VALUE_REGEX || (neg && !negate_ok) ||
	    (c->op != RULES_OP_EQ && c->op != RULES_OP_MATCH && !neg))
		return -1;
	return neg;
}

/*
 * The options of route g's match rules: "for ...", the mail-from test,
 * and the auth test apart (it decides the from part).  -1: a condition
 * OpenSMTPD cannot test, the route is off.
 */
static int
options(struct exp_doc *d, struct exp_group *g, FILE *opt, FILE *auth)
{
	const struct exp_line *l = g->l;
	struct rules_cond c;
	int from = 0, who = 0, t;
	size_t k;

	for (k = 0; k < l->nconds && !g->off; k++) {
		exp_cond(d, l, k, &c);
		if (c.attr == RULES_COND_FROM && !from++ &&
		    (t = text_test(&c, 1)) >= 0) {
			fprintf(opt, " %smail-from regex ", t ? "! " : "");
			ere(opt, c.text, c.text_len,
			    c.value == RULES_VALUE_GLOB);
			continue;
		}
		if (c.attr == RULES_COND_AUTHSENDER && !who++ &&
		    text_test(&c, 0) == 0) {
			if (c.op == RULES_OP_EQ)
				fprintf(auth, "\"%.*s\"", (int)c.text_len,
				    c.text);
			else {
				fputs("regex ", auth);
				ere(auth, c.text, c.text_len, 1);
			}
			continue;
		}
		exp_note(d, l->line, "OpenSMTPD cannot test %.*s when the "
		    "message is received; the route would take more mail than "
		    "the rules do: written disabled", (int)c.token_len,
		    c.token);
		g->off = 1;
	}
	return g->off ? -1 : 0;
}

static void
domain(const struct exp_line *l, FILE *out)
{
	if (l->pkind == EXP_EXACT)
		fprintf(out, " for domain \"%s\"", l->pattern);
	else if (l->pkind == EXP_SUFFIX)
		fprintf(out, " for domain \"*.%s\"", l->suffix);
	else
		fputs(" ! for local", out);	/* local domains stay local */
}

/* ---- actions --------------------------------------------------------- */

static void
relay_url(const struct exp_line *l, FILE *out)
{
	if (l->user != NULL)
		fprintf(out, "smtp+tls://%s%u@", OS_NAME, l->line);
	else
		fputs("smtp://", out);
	if (l->host_kind == RULES_SERVER_IPV6)
		fprintf(out, "[%s]", l->host);
	else
		fputs(l->host, out);
	if (l->port != RULES_DEFAULT_PORT)
		fprintf(out, ":%u", l->port);
}

/* The best host of g, the others reported; NULL for a null MX. */
static const struct exp_line *
best_host(struct exp_doc *d, const struct exp_group *g)
{
	const struct exp_line *best = NULL;
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct exp_line *l = &g->l[i];

		if (l->skind == EXP_NULL)
			return NULL;
		if (best == NULL || l->pri < best->pri)
			best = l;
	}
	for (i = 0; i < g->n; i++)
		if (&g->l[i] != best)
			exp_note(d, g->l[i].line, "OpenSMTPD relays an action "
			    "to one host: only line %u's is used", best->line);
	return best;
}

/* The action of route g; 1 for a null MX (the match rules reject). */
static int
action(struct exp_doc *d, struct exp_group *g, FILE *out, FILE *secrets,
    int *table)
{
	const struct exp_line *l = best_host(d, g);

	if (l == NULL)
		return 1;
	if (l->adddns)
		exp_note(d, l->line, "$adddns (keep the real MX records too) "
		    "is not carried");
	if (l->lookupmx) {
		exp_note(d, l->line, "OpenSMTPD relays to a host, not to the "
		    "MX hosts of %s ($lookupmx): written disabled", l->host);
		g->off = 1;
	}
	/* table(5): "label user:password", split at the first colon */
	if (l->user != NULL && (!exp_printable(l->user, 0) ||
	    strpbrk(l->user, ":#") != NULL || !exp_printable(l->pass ?
	    l->pass : "", 0) || strchr(l->pass ? l->pass : "", '#'))) {
		exp_note(d, l->line, "credentials with a space, a control "
		    "character, a non-ASCII byte, # or a colon in the user "
		    "cannot be written in a table(5) file: written disabled");
		g->off = 1;
	}
	fprintf(out, "action \"%s%u\" relay", OS_NAME, g->l[0].line);
	if (l->skind == EXP_HOST) {
		fputs(" host ", out);
		relay_url(l, out);
	}
	if (l->user != NULL) {
		fprintf(out, " auth <%s>", OS_TABLE);
		if (!g->off) {
			if (ftell(secrets) == 0)
				fputs("# The credentials of `mxshim export "
				    "--format opensmtpd`, a table(5) file:\n"
				    "# keep it mode 0600.\n", secrets);
			fprintf(secrets, "%s%u %s:%s\n", OS_NAME, l->line,
			    l->user, l->pass ? l->pass : "");
			*table = 1;
		}
	}
	fputc('\n', out);
	return 0;
}

/* ---- routes ---------------------------------------------------------- */

static void
matches(const struct exp_group *g, const char *opt, const char *auth,
    int reject, FILE *out)
{
	char act[64];

	if (reject)
		snprintf(act, sizeof(act), "reject");
	else
		snprintf(act, sizeof(act), "action \"%s%u\"", OS_NAME,
		    g->l[0].line);
	if (*auth == '\0')
		fprintf(out, "match from local%s %s\n", opt, act);
	fprintf(out, "match from auth%s%s%s %s\n", *auth ? " " : "", auth, opt,
	    act);
}

static int
route(struct exp_doc *d, struct exp_group *g, FILE *out, FILE *secrets,
    int *table)
{
	char *text = NULL, *opt = NULL, *auth = NULL;
	size_t len = 0, optlen = 0, authlen = 0;
	FILE *f = open_memstream(&text, &len);
	FILE *fo = open_memstream(&opt, &optlen);
	FILE *fa = open_memstream(&auth, &authlen);
	int rc = -1, reject;

	if (f != NULL && fo != NULL && fa != NULL) {
		domain(g->l, fo);
		options(d, g, fo, fa);
		rc = 0;
	}
	if (fo != NULL && fclose(fo) != 0)
		rc = -1;
	if (fa != NULL && fclose(fa) != 0)
		rc = -1;
	if (rc == 0) {
		if (g->n > 1)
			fprintf(f, "# rules lines %u-%u\n", g->l[0].line,
			    g->l[g->n - 1].line);
		else
			fprintf(f, "# rules line %u\n", g->l[0].line);
		reject = action(d, g, f, secrets, table);
		matches(g, opt, auth, reject, f);
	}
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	if (rc == 0)
		exp_put(out, text, len, g->off);
	free(text);
	free(opt);
	free(auth);
	return rc;
}

int
export_opensmtpd(struct exp_doc *d, FILE *out, FILE *secrets,
    const char *secrets_path)
{
	char *body = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&body, &len);
	int rc = f == NULL ? -1 : 0, table = 0;

	for (i = 0; rc == 0 && i < d->ngroup; i++)
		rc = route(d, &d->group[i], f, secrets, &table);
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	if (rc == 0) {
		exp_first_wins(d, "OpenSMTPD");
		fputs("# Include this file in smtpd.conf before your own match "
		    "rules:\n#   include \"/etc/mail/mxshim.conf\"\n", out);
		if (table)
			fprintf(out, "table %s file:%s\n", OS_TABLE,
			    secrets_path);
		fwrite(body, 1, len, out);
	}
	free(body);
	return rc != 0 || ferror(out) || ferror(secrets) ? -1 : 0;
}
