/*
 * rules/explain.c - a result and its trace in words, as `mxshim route`
 * prints them and mxshimd's `route` control command sends them: one
 * "PREF HOST[:PORT]" line per record, then per candidate line whether it
 * applied, and which condition failed when it did not.  Passwords are
 * shown as *** unless show_secrets is set.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "explain.h"

static void
print_record(FILE *f, const struct rules_record *rec, int show_secrets)
{
	uint8_t	addr[16];
	char	text[INET6_ADDRSTRLEN];
	int	family;

	fprintf(f, "%u ", rec->pref);
	if (rec->user != NULL)
		fprintf(f, "%s:%s@", rec->user, show_secrets ? rec->pass : "***");
	fprintf(f, "%s", rec->host);
	if (rec->port != RULES_DEFAULT_PORT)
		fprintf(f, ":%u", rec->port);
	if ((family = rules_synth_addr(rec->host, addr)) != 0 &&
	    inet_ntop(family, addr, text, sizeof(text)) != NULL)
		fprintf(f, "\t# address %s", text);
	else if (rec->real)
		fprintf(f, "\t# real MX (line %u)", rec->line);
	fputc('\n', f);
}

int
rules_explain_secret(const char *text, size_t len, size_t *start,
    size_t *end)
{
	size_t	i = 0, first, last, at = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	while (i < len && text[i] != ' ' && text[i] != '\t')
		i++;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	first = i;
	while (i < len && text[i] != ' ' && text[i] != '\t')
		i++;
	last = i;
	for (i = first; i < last; i++)
		if (text[i] == '@')
			at = i;
	for (i = first; at && i < at; i++)
		if (text[i] == ':') {
			*start = i + 1;
			*end = at;
			return 1;
		}
	return 0;
}

/* The line, with the password of its SERVER field masked. */
static void
print_line_text(FILE *f, const char *text, size_t len, int show_secrets)
{
	size_t	start, end;

	if (show_secrets || !rules_explain_secret(text, len, &start, &end)) {
		fprintf(f, "%.*s", (int)len, text);
		return;
	}
	fprintf(f, "%.*s***%.*s", (int)start, text, (int)(len - end),
	    text + end);
}

const struct rules_real_rrset *
rules_explain_dnsmx(const struct rules *set, const char *name,
    const struct rules_real *real, const struct rules_trace_event *ev)
{
	struct rules_line	rl;
	const char		*cond;
	size_t			 i, k, len;
	int			 has = 0;

	if (ev->kind == RULES_TRACE_FAILED)
		has = ev->token_len >= 6 &&
		    strncasecmp(ev->token, "$dnsmx", 6) == 0;
	else if (ev->kind == RULES_TRACE_APPLIED &&
	    (i = rules_line_index(set, ev->line)) != (size_t)-1 &&
	    rules_line_get(set, i, &rl) == 0)
		for (k = 0; k < rl.cond_count && !has; k++)
			has = (cond = rules_line_cond(set, i, k, &len)) !=
			    NULL && len >= 6 && strncasecmp(cond, "$dnsmx", 6)
			    == 0;
	if (!has || real == NULL)
		return NULL;
	return rules_real_find(real, name);
}

/* "real MX of NAME: a, b" under an entry whose $dnsmx was compared. */
static void
print_dnsmx(FILE *f, const struct rules_real_rrset *rr)
{
	size_t	i;

	fprintf(f, "                real MX of %s:", rr->name);
	switch (rr->status) {
	case RULES_REAL_OK:
		for (i = 0; i < rr->count; i++)
			fprintf(f, "%s %u %s", i ? "," : "", rr->mx[i].pref,
			    rr->mx[i].host[0] ? rr->mx[i].host : ".");
		break;
	case RULES_REAL_NODATA:
		fprintf(f, " none (no MX records)");
		break;
	default:
		fprintf(f, " none (NXDOMAIN)");
		break;
	}
	fputc('\n', f);
}

struct trace_state {
	FILE			*f;
	int			 show_secrets;
	const struct rules	*set;
	const char		*name;
	const struct rules_real	*real;
};

static void
print_event(void *arg, const struct rules_trace_event *ev)
{
	struct trace_state		*ts = arg;
	FILE				*f = ts->f;
	const struct rules_real_rrset	*rr;

	if (ev->kind == RULES_TRACE_END) {
		fprintf(f, "  line %u: $end, no further lines are looked at\n",
		    ev->line);
		return;
	}
	if (ev->kind == RULES_TRACE_TEMPFAIL) {
		fprintf(f, "  line %u: needs real DNS data that could not be "
		    "fetched: SERVFAIL\n                ", ev->line);
		print_line_text(f, ev->line_text, ev->line_len, ts->show_secrets);
		fputc('\n', f);
		return;
	}
	fprintf(f, "  line %u: ", ev->line);
	switch (ev->kind) {
	case RULES_TRACE_APPLIED:
		fprintf(f, "applied      ");
		break;
	case RULES_TRACE_FAILED:
		fprintf(f, "not applied  %.*s is false\n                ",
		    (int)ev->token_len, ev->token);
		break;
	default:
		fprintf(f, "not applied  %.*s is unknown in this context "
		    "(false)\n                ", (int)ev->token_len, ev->token);
		break;
	}
	print_line_text(f, ev->line_text, ev->line_len, ts->show_secrets);
	fputc('\n', f);
	if ((rr = rules_explain_dnsmx(ts->set, ts->name, ts->real, ev)) != NULL)
		print_dnsmx(f, rr);
}

void
rules_explain_result(FILE *f, const struct rules_result *res,
    int show_secrets)
{
	size_t i;

	switch (res->rc) {
	case RULES_ANSWER:
		for (i = 0; i < res->count; i++)
			print_record(f, res->record + i, show_secrets);
		fprintf(f, "# TTL %u%s\n", res->ttl, res->client_dependent ?
		    ", depends on the client address" : "");
		break;
	case RULES_NULL_MX:
		fprintf(f, "0 .\t# null MX: the domain accepts no mail; the MTA "
		    "would bounce\n");
		break;
	case RULES_SERVFAIL:
		fprintf(f, "# SERVFAIL: the real MX records of %s could not be "
		    "fetched; the MTA would defer and retry\n",
		    res->need[0] ? res->need : res->name);
		break;
	default:
		fprintf(f, "# no override: %s is answered from real DNS, "
		    "unchanged\n", res->name);
		break;
	}
}

void
rules_explain_trace(FILE *f, const struct rules *set, const char *name,
    const struct rules_ctx *ctx, const struct rules_real *real, uint32_t ttl,
    int show_secrets)
{
	struct trace_state	ts = { f, show_secrets, set, NULL, real };
	struct rules_trace	tr = { print_event, &ts };
	struct rules_result	*res = malloc(sizeof(*res));

	if (res == NULL)
		return;
	/* the trace runs inside rules_eval(), which fills res->name first */
	ts.name = res->name;
	rules_eval(set, name, ctx, real, ttl, &tr, res);
	free(res);
}

int
rules_explain_client(const char *text, struct rules_ctx *ctx)
{
	if (inet_pton(AF_INET, text, ctx->client_addr) == 1)
		ctx->client_family = AF_INET;
	else if (inet_pton(AF_INET6, text, ctx->client_addr) == 1)
		ctx->client_family = AF_INET6;
	else
		return -1;
	ctx->known |= RULES_CTX_CLIENT;
	return 0;
}
