/*
 * convert/export_cisco.c - override routes as a Cisco AsyncOS SMTP routes file
 * (the reverse of import_cisco.c).
 *
 * "NAME" and "*.NAME" with the same hosts become one route "NAME" (which
 * AsyncOS applies to the domain and its subdomains); "NAME" alone gets a
 * ".NAME" route too, carrying what the subdomains get here (the next less
 * specific route, or USEDNS), since AsyncOS would otherwise send them
 * where NAME goes.  "*" becomes "ALL:".
 */
#include "config.h"

#include <string.h>

#include "export.h"

/* "HOST[:PORT][/pri=N]" of one line into out. */
static void
one_host(struct exp_doc *d, const struct exp_line *l, int pri,
    FILE *out, int quiet)
{
	switch (l->skind) {
	case EXP_NULL:
		if (!quiet)
			exp_note(d, l->line, "the null MX becomes /dev/null: "
			    "AsyncOS drops the mail silently where senders "
			    "bounce it here");
		fprintf(out, "/dev/null");
		return;
	case EXP_USEDNS:
		fprintf(out, "USEDNS");
		return;
	case EXP_HOST:
		break;
	}
	if (l->host_kind == RULES_SERVER_IPV6 && l->port != RULES_DEFAULT_PORT)
		fprintf(out, "[%s]:%u", l->host, l->port);
	else if (l->port != RULES_DEFAULT_PORT)
		fprintf(out, "%s:%u", l->host, l->port);
	else
		fprintf(out, "%s", l->host);
	if (pri)
		fprintf(out, "/pri=%u", l->pri);
	if (quiet)
		return;
	if (l->user != NULL)
		exp_note(d, l->line, "the SMTP AUTH credentials for %s are not "
		    "carried: set an SMTP authentication profile", l->host);
	if (l->host_kind == RULES_SERVER_NAME && !l->lookupmx)
		exp_note(d, l->line, "AsyncOS looks up the MX records of %s "
		    "first; here it is the mail server itself (no $lookupmx)",
		    l->host);
}

/* The host list of a route. */
static void
hosts(struct exp_doc *d, const struct exp_group *g, FILE *out,
    int quiet)
{
	size_t i;
	int pri = 0;

	for (i = 0; i < g->n; i++)
		if (g->l[i].pri_set)
			pri = 1;
	for (i = 0; i < g->n; i++) {
		if (i > 0)
			fputc(',', out);
		one_host(d, &g->l[i], pri && g->l[i].skind == EXP_HOST, out,
		    quiet);
	}
}

/* "NAME" routes apply to the subdomains too: say what they get here. */
static void
subdomains(struct exp_doc *d, const struct exp_group *g, FILE *out)
{
	const struct exp_group *p = exp_parent(d, g->l->pattern);

	fprintf(out, ".%s ", g->l->pattern);
	if (p != NULL)
		hosts(d, p, out, 1);
	else
		fprintf(out, "USEDNS");
	fputc('\n', out);
}

int
export_cisco(struct exp_doc *d, FILE *out)
{
	size_t i;

	for (i = 0; i < d->ngroup; i++) {
		const struct exp_group *g = &d->group[i], *o;
		const struct exp_line *l = g->l;

		if (g->n == 0)
			continue;
		switch (l->pkind) {
		case EXP_ALL:
			fprintf(out, "ALL: ");
			break;
		case EXP_SUFFIX:
			o = exp_find(d, EXP_EXACT, l->suffix);
			if (o != NULL && exp_same_hosts(o, g))
				continue;	/* written with NAME */
			fprintf(out, ".%s ", l->suffix);
			break;
		default:
			fprintf(out, "%s ", l->pattern);
			break;
		}
		hosts(d, g, out, 0);
		fputc('\n', out);
		if (l->pkind == EXP_EXACT &&
		    exp_find(d, EXP_SUFFIX, l->pattern) == NULL)
			subdomains(d, g, out);
	}
	return ferror(out) ? -1 : 0;
}
