/*
 * convert/export_postfix.c - override routes as a Postfix transport(5) map,
 * with sasl_passwd(5) lines for the credentials, so that Postfix itself
 * is handed the ports and passwords that DNS cannot carry.
 *
 *   NAME      -> "NAME"      (transport_maps match the name only)
 *   *.NAME    -> ".NAME"     (subdomains)
 *   *         -> "*"
 *   HOST      -> smtp:[HOST]:PORT     (brackets: no MX lookup)
 *   HOST $lookupmx -> smtp:HOST:PORT  (MX lookup of HOST)
 *   USEDNS    -> smtp:        (the recipient domain's MX records)
 *   .         -> error:...    (the null MX: mail bounces)
 * Several hosts become a next-hop list, lowest preference first (Postfix
 * 3.5 and later); Postfix tries them in that order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "export.h"

/* The next-hop text of one host line. */
static void
nexthop(const struct exp_line *l, FILE *out)
{
	const char *v6 = l->host_kind == RULES_SERVER_IPV6 ? "ipv6:" : "";

	if (l->lookupmx && l->host_kind == RULES_SERVER_NAME)
		fprintf(out, "%s", l->host);
	else
		fprintf(out, "[%s%s]", v6, l->host);
	if (l->port != RULES_DEFAULT_PORT)
		fprintf(out, ":%u", l->port);
}

static void
sasl_line(const struct exp_doc *d, const struct exp_line *l,
    FILE *sasl)
{
	if (l->user == NULL)
		return;
	if (ftell(sasl) == 0)
		fprintf(sasl, "# sasl_passwd(5) from %s: postmap it, "
		    "and set smtp_sasl_auth_enable = yes,\n# "
		    "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n",
		    d->srcname);
	nexthop(l, sasl);
	fprintf(sasl, " %s:%s\n", l->user, l->pass ? l->pass : "");
}

/* The value of the transport entry for route g. */
static int
route_value(struct exp_doc *d, const struct exp_group *g, FILE *out,
    FILE *sasl, int *listed)
{
	const struct exp_line **v;
	size_t i, n = 0;

	for (i = 0; i < g->n; i++)
		if (g->l[i].skind == EXP_NULL) {
			fprintf(out, "error:5.1.10 this domain accepts "
			    "no mail (null MX)");
			return 0;
		}
	if ((v = malloc(g->n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < g->n; i++) {
		const struct exp_line *l = &g->l[i];

		if (l->skind == EXP_USEDNS && g->n > 1 &&
		    l->pkind != EXP_EXACT) {
			exp_note(d, l->line, "USEDNS beside other hosts for a "
			    "wildcard: a next-hop list cannot name the "
			    "recipient's domain; left out");
			continue;
		}
		v[n++] = l;
	}
	qsort(v, n, sizeof(*v), exp_by_pri);
	fprintf(out, "smtp:");
	for (i = 0; i < n; i++) {
		if (v[i]->skind == EXP_USEDNS) {
			/* the domain itself, MX-resolved; alone: empty */
			if (n > 1)
				fprintf(out, "%s%s", i ? ", " : "",
				    v[i]->pattern);
			continue;
		}
		if (i > 0)
			fprintf(out, ", ");
		nexthop(v[i], out);
		sasl_line(d, v[i], sasl);
		if (i > 0 && v[i]->pri == v[i - 1]->pri)
			exp_note(d, v[i]->line, "equal preferences: Postfix "
			    "tries the next hops in the order listed instead "
			    "of sharing the load");
	}
	if (n > 1)
		*listed = 1;
	free(v);
	return 0;
}

int
export_postfix(struct exp_doc *d, FILE *out, FILE *sasl)
{
	size_t i;
	int listed = 0;

	for (i = 0; i < d->ngroup; i++) {
		const struct exp_group *g = &d->group[i];
		const struct exp_line *l = g->l;

		if (g->n == 0)
			continue;
		if (l->pkind == EXP_SUFFIX)
			fprintf(out, ".%s\t", l->suffix);
		else
			fprintf(out, "%s\t", l->pattern);
		if (l->pkind == EXP_ALL)
			exp_note(d, l->line, "the * entry matches local "
			    "domains too: give them their own entries (local:) "
			    "or use default_transport instead");
		if (route_value(d, g, out, sasl, &listed) != 0)
			return -1;
		fputc('\n', out);
	}
	if (listed)
		exp_note(d, 0, "routes with several next hops need Postfix 3.5 "
		    "or later");
	fprintf(out, "# main.cf: transport_maps = "
	    "hash:/etc/postfix/transport\n");
	return ferror(out) || ferror(sasl) ? -1 : 0;
}
