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
sasl_line(struct exp_doc *d, const struct exp_line *l, FILE *sasl)
{
	const char *pass = l->pass ? l->pass : "";

	if (l->user == NULL)
		return;
	/* a map line: the user ends at the first colon, the value is
	   trimmed, a line cannot hold a control character */
	if (strchr(l->user, ':') != NULL || !exp_printable(l->user, 0) ||
	    !exp_printable(pass, 1)) {
		exp_note(d, l->line, "credentials with a colon in the user, a "
		    "control character, a non-ASCII byte or a space at either "
		    "end cannot be written in sasl_passwd(5): not written");
		return;
	}
	if (ftell(sasl) == 0)
		fprintf(sasl, "# sasl_passwd(5) from %s: postmap it, "
		    "and set smtp_sasl_auth_enable = yes,\n# "
		    "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n",
		    d->srcname);
	nexthop(l, sasl);
	fprintf(sasl, " %s:%s\n", l->user, pass);
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

/* ---- the lines with a condition ---------------------------------------- */

/*
 * A `*` line with one condition that a main.cf parameter carries:
 *   $from=ADDR, $from~=*@DOMAIN   sender_dependent_relayhost_maps, keyed
 *                                 ADDR, @DOMAIN
 *   $retries>=1, $retries>0       smtp_fallback_relay
 * The key (empty for the fallback) goes to key; 0, or -1 not carried.
 */
static int
carried(struct exp_doc *d, const struct exp_line *l, char *key,
    size_t keylen, unsigned *after)
{
	struct rules_cond c;

	if (l->pkind != EXP_ALL || l->nconds != 1 || l->skind != EXP_HOST)
		return -1;
	exp_cond(d, l, 0, &c);
	*key = '\0';
	if (c.attr == RULES_COND_FROM && c.op == RULES_OP_EQ &&
	    c.text_len > 0) {
		snprintf(key, keylen, "%.*s", (int)c.text_len, c.text);
		return 0;
	}
	if (c.attr == RULES_COND_FROM && c.op == RULES_OP_MATCH &&
	    c.value == RULES_VALUE_GLOB && c.text_len > 2 &&
	    c.text[0] == '*' && c.text[1] == '@' &&
	    strcspn(c.text + 2, "*?@") >= c.text_len - 2) {
		snprintf(key, keylen, "%.*s", (int)c.text_len - 1, c.text + 1);
		return 0;
	}
	if (c.attr != RULES_COND_RETRIES || (c.op != RULES_OP_GE &&
	    c.op != RULES_OP_GT) || c.number > 1000000)
		return -1;
	*after = (unsigned)c.number + (c.op == RULES_OP_GT);
	return *after == 0 ? -1 : 0;	/* >=0: no condition at all */
}

/* Whether a transport entry can take mail the rules give line l: one that
   comes later, or an earlier one without $end. */
static int
transport_wins(const struct exp_doc *d, const struct exp_line *l)
{
	size_t i;

	for (i = 0; i < d->ngroup; i++) {
		const struct exp_group *g = &d->group[i];

		if (g->n > 0 && (g->l[0].line > l->line || !g->end))
			return 1;
	}
	return 0;
}

static void
sender_entry(struct exp_doc *d, const struct exp_line *l, const char *key,
    FILE *map, FILE *sasl)
{
	fprintf(map, "%s%s=", ftell(map) ? ", " : "", key);
	nexthop(l, map);
	sasl_line(d, l, sasl);
	if (!l->end)
		exp_note(d, l->line, "no $end: the rules add later lines' hosts "
		    "for this sender, Postfix uses its relay alone");
	if (transport_wins(d, l))
		exp_note(d, l->line, "Postfix prefers a domain's transport entry "
		    "to the sender's relay; the rules go in file order");
}

static void
fallback_entry(struct exp_doc *d, const struct exp_line *l, unsigned after,
    FILE *fb, FILE *off, FILE *sasl)
{
	FILE *f = after == 1 ? fb : off;

	fprintf(f, "%s", ftell(f) ? ", " : "");
	nexthop(l, f);
	if (after > 1) {
		exp_note(d, l->line, "Postfix tries smtp_fallback_relay as soon "
		    "as the normal route fails, not after %u attempts: it would "
		    "reroute more mail than the rules do; written disabled",
		    after);
		return;
	}
	sasl_line(d, l, sasl);
	exp_note(d, l->line, "Postfix tries smtp_fallback_relay in the same "
	    "attempt once the normal route fails, and the normal route first "
	    "on every later attempt");
}

/* A main.cf setting from the text of f, commented out when off. */
static int
setting(FILE *out, const char *name, FILE *f, char **text, size_t *len,
    int off, const char *open, const char *close)
{
	if (fclose(f) != 0)
		return -1;
	if (*len > 0)
		fprintf(out, "# main.cf: %s%s = %s%s%s\n", off ? "# " : "",
		    name, open, *text, close);
	free(*text);
	return 0;
}

/*
 * Take the lines with conditions out of the routes: those a main.cf
 * parameter carries are written as such after the map, the others
 * reported.
 */
static int
conditional(struct exp_doc *d, FILE *out, FILE *sasl)
{
	char *mt = NULL, *ft = NULL, *ot = NULL;
	size_t ml = 0, fl = 0, ol = 0, i;
	FILE *map = open_memstream(&mt, &ml);
	FILE *fb = open_memstream(&ft, &fl);
	FILE *off = open_memstream(&ot, &ol);
	char key[RULES_MAX_NAME * 2];
	unsigned after = 0;
	int rc = 0;

	if (map == NULL || fb == NULL || off == NULL)
		return -1;
	for (i = 0; i < d->nline; i++) {
		struct exp_line *l = &d->line[i];

		if (l->skip || l->nconds == 0)
			continue;
		if (carried(d, l, key, sizeof(key), &after) != 0)
			exp_drop(d, l);
		else if (*key != '\0')
			sender_entry(d, l, key, map, sasl);
		else
			fallback_entry(d, l, after, fb, off, sasl);
		l->skip = 1;
	}
	rc |= setting(out, "sender_dependent_relayhost_maps", map, &mt, &ml,
	    0, "inline:{ ", " }");
	rc |= setting(out, "smtp_fallback_relay", fb, &ft, &fl, 0, "", "");
	rc |= setting(out, "smtp_fallback_relay", off, &ot, &ol, 1, "", "");
	return rc;
}

/* ---- the map ----------------------------------------------------------- */

int
export_postfix(struct exp_doc *d, FILE *out, FILE *sasl)
{
	char *tail = NULL;
	size_t taillen = 0, i;
	FILE *ft;
	int listed = 0;

	/* the routes first (without the conditional lines), so that the
	   sender entries can be checked against them */
	for (i = 0; i < d->nline; i++)
		d->line[i].skip |= d->line[i].nconds > 0;
	if (exp_routes(d) != 0)
		return -1;
	for (i = 0; i < d->nline; i++)
		if (d->line[i].nconds > 0 && d->line[i].pkind != EXP_GLOB)
			d->line[i].skip = 0;
	if ((ft = open_memstream(&tail, &taillen)) == NULL)
		return -1;
	if (conditional(d, ft, sasl) != 0 || fclose(ft) != 0) {
		free(tail);
		return -1;
	}

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
	fwrite(tail, 1, taillen, out);
	free(tail);
	return ferror(out) || ferror(sasl) ? -1 : 0;
}
