/*
 * tests/unit/rules_fixture.h - helpers for the engine tests: load rules
 * from a string, evaluate with stubbed real DNS data, and render results
 * and diagnostics as short strings that assertions compare.
 */
#ifndef MXSHIM_RULES_FIXTURE_H
#define MXSHIM_RULES_FIXTURE_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* Diagnostics collected as "LINE:COLUMN: message" lines. */
struct diags {
	char	text[8192];
	int	errors;
	int	warnings;
};

static void
collect_diag(void *arg, const struct rules_diag *d)
{
	struct diags	*ds = arg;
	size_t		 used = strlen(ds->text);

	if (d->is_error)
		ds->errors++;
	else
		ds->warnings++;
	snprintf(ds->text + used, sizeof(ds->text) - used, "%s%u:%u: %s%s\n",
	    d->is_error ? "" : "W ", d->line, d->column, d->message, "");
}

static struct diags fx_diags;

static struct rules *
fx_load(const char *text)
{
	struct rules_load_opts opts = { .diag = collect_diag,
	    .diag_arg = &fx_diags };

	memset(&fx_diags, 0, sizeof(fx_diags));
	return rules_load_buffer("test.conf", text, strlen(text), &opts);
}

/* The first error of loading text, as "LINE:COLUMN: message". */
static const char *
fx_error(const char *text)
{
	struct rules	*set = fx_load(text);
	char		*nl;

	if (set != NULL) {
		rules_free(set);
		return "(loaded)";
	}
	if ((nl = strchr(fx_diags.text, '\n')) != NULL)
		*nl = '\0';
	return fx_diags.text;
}

/* Stubbed real DNS: a name and its MX set as "10 a.example,20 b.example",
 * or "NODATA", "NXDOMAIN", "TEMPFAIL", "NULL" (null MX). */
struct fx_zone {
	const char	*name;
	const char	*mx;
	uint32_t	 ttl;
};

struct fx_real {
	struct rules_real	real;
	struct rules_mx		mx[RULES_MAX_REAL][16];
	char			host[RULES_MAX_REAL][16][64];
	char			name[RULES_MAX_REAL][256];
	int			fetched;	/* how many RULES_NEED */
};

static void
fx_fill(struct fx_real *fr, const struct fx_zone *z, const char *name)
{
	struct rules_real_rrset	rr = { 0 };
	size_t			k = fr->real.count, n = 0;
	char			buf[512], *tok, *save = NULL;

	snprintf(fr->name[k], sizeof(fr->name[k]), "%s", name);
	rr.name = fr->name[k];
	rr.ttl = 300;
	rr.mx = fr->mx[k];
	for (; z && z->name; z++)
		if (strcmp(z->name, name) == 0)
			break;
	if (z == NULL || z->name == NULL || strcmp(z->mx, "NXDOMAIN") == 0)
		rr.status = RULES_REAL_NXDOMAIN;
	else if (strcmp(z->mx, "NODATA") == 0)
		rr.status = RULES_REAL_NODATA;
	else if (strcmp(z->mx, "TEMPFAIL") == 0)
		rr.status = RULES_REAL_TEMPFAIL;
	else {
		rr.status = RULES_REAL_OK;
		snprintf(buf, sizeof(buf), "%s", strcmp(z->mx, "NULL") == 0 ?
		    "0 " : z->mx);
		for (tok = strtok_r(buf, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save), n++) {
			unsigned pref = 0;
			char host[64] = "";

			sscanf(tok, "%u %63s", &pref, host);
			snprintf(fr->host[k][n], 64, "%s", host);
			fr->mx[k][n].pref = (uint16_t)pref;
			fr->mx[k][n].host = fr->host[k][n];
		}
		rr.count = n;
	}
	if (z && z->name && z->ttl)
		rr.ttl = z->ttl;
	rules_real_add(&fr->real, &rr);
}

static struct rules_result fx_res;
static struct fx_real fx_realdata;

/* Evaluate with real data drawn from zones on demand. */
static enum rules_rc
fx_eval_ctx(const struct rules *set, const char *q, const struct rules_ctx *ctx,
    const struct fx_zone *zones)
{
	enum rules_rc rc;

	memset(&fx_realdata, 0, sizeof(fx_realdata));
	while ((rc = rules_eval(set, q, ctx, &fx_realdata.real, 60, NULL,
	    &fx_res)) == RULES_NEED) {
		fx_realdata.fetched++;
		fx_fill(&fx_realdata, zones, fx_res.need);
	}
	return rc;
}

/* The answer as "10 a.example,20 b.example:587", "NULLMX", "NONE",
 * "SERVFAIL", "BADNAME". */
static const char *
fx_render(void)
{
	static char	out[4096];
	size_t		i, used = 0;

	switch (fx_res.rc) {
	case RULES_NULL_MX:	return "NULLMX";
	case RULES_NO_OVERRIDE:	return "NONE";
	case RULES_SERVFAIL:	return "SERVFAIL";
	case RULES_BADNAME:	return "BADNAME";
	default:		break;
	}
	out[0] = '\0';
	for (i = 0; i < fx_res.count; i++) {
		const struct rules_record *r = fx_res.record + i;

		used += (size_t)snprintf(out + used, sizeof(out) - used,
		    "%s%u %s", i ? "," : "", r->pref, r->host);
		if (r->port != 25)
			used += (size_t)snprintf(out + used, sizeof(out) - used,
			    ":%u", r->port);
	}
	return out;
}

/* Load text, evaluate q in ctx with zones, render. */
static const char *
fx_route_ctx(const char *text, const char *q, const struct rules_ctx *ctx,
    const struct fx_zone *zones)
{
	struct rules		*set = fx_load(text);
	static struct rules_ctx	 empty;
	const char		*out;

	if (set == NULL)
		return fx_diags.text;
	fx_eval_ctx(set, q, ctx ? ctx : &empty, zones);
	out = fx_render();	/* before the set's strings go away */
	rules_free(set);
	return out;
}

static const char *
fx_route(const char *text, const char *q)
{
	return fx_route_ctx(text, q, NULL, NULL);
}

static struct rules_ctx
fx_ctx_client(const char *ip)
{
	struct rules_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.known = RULES_CTX_CLIENT;
	if (inet_pton(AF_INET, ip, ctx.client_addr) == 1)
		ctx.client_family = AF_INET;
	else {
		inet_pton(AF_INET6, ip, ctx.client_addr);
		ctx.client_family = AF_INET6;
	}
	return ctx;
}

#endif
