/*
 * cli/route.c - `mxshim route DOMAIN`: the MX set the rules give a domain
 * in a given context, then the explain trace (which lines applied, and
 * for every candidate line that did not, which condition failed).
 *
 * Real data is fetched the way the resolver fetches it, one RRset per
 * RULES_NEED, so what route prints is what mxshimd would answer.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explain.h"
#include "realmx.h"

#define ROUTE_MAX_UPSTREAMS	8
#define ROUTE_TIMEOUT_MS	5000
#define DECIMAL			"an unsigned decimal number"

static const char route_usage[] =
"usage: mxshim route [--rules FILE] [--upstream ADDR@PORT]... [--from ADDR]\n"
"                    [--authsender USER] [--size N] [--retries N]\n"
"                    [--client IP] [--ttl SECONDS] [--show-secrets] DOMAIN\n"
"\n"
"Print the MX set the rules give DOMAIN, one \"PREF HOST[:PORT]\" line per\n"
"record, then which lines applied and why the others did not.\n"
"\n"
"  --rules FILE       rules file (default " RULES_DEFAULT_FILE ")\n"
"  --upstream A@P     DNS server for the real lookups $dnsmx, $adddns,\n"
"                     USEDNS and $lookupmx need (default: /etc/resolv.conf)\n"
"  --from, --authsender, --size, --retries, --client\n"
"                     the message context; attributes not given are\n"
"                     unknown, and conditions on them are false\n"
"  --ttl SECONDS      TTL of synthesized records (default 60)\n"
"  --show-secrets     print credentials (hidden by default)\n"
"\n"
"Exit status: 0 an answer (or no override), 1 bad rules or domain,\n"
"2 usage, 75 real DNS failed temporarily (the MTA would defer).\n";

struct route_opts {
	const char		*rules;
	char			*upstream[ROUTE_MAX_UPSTREAMS];
	size_t			 nupstream;
	struct rules_ctx	 ctx;
	uint32_t		 ttl;
	int			 show_secrets;
	const char		*domain;
};

static int
parse_u64(const char *s, uint64_t *out)
{
	return rules_parse_number(s, strlen(s), out);
}

static int
bad_value(const char *opt, const char *value, const char *expected)
{
	fprintf(stderr, "mxshim route: %s: '%s' is not %s\n", opt, value,
	    expected);
	return 2;
}

static int
parse_options(int argc, char **argv, struct route_opts *o)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 'f' },
		{ "authsender", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "retries", required_argument, NULL, 'n' },
		{ "client", required_argument, NULL, 'c' },
		{ "ttl", required_argument, NULL, 't' },
		{ "show-secrets", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t	v;
	int		c;

	o->rules = RULES_DEFAULT_FILE;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rules = optarg; break;
		case 'u':
			if (o->nupstream == ROUTE_MAX_UPSTREAMS) {
				fprintf(stderr, "mxshim route: at most %d "
				    "--upstream\n", ROUTE_MAX_UPSTREAMS);
				return 2;
			}
			o->upstream[o->nupstream++] = optarg;
			break;
		case 'f':
			o->ctx.from = optarg;
			o->ctx.known |= RULES_CTX_FROM;
			break;
		case 'a':
			o->ctx.authsender = optarg;
			o->ctx.known |= RULES_CTX_AUTHSENDER;
			break;
		case 's':
			if (parse_u64(optarg, &o->ctx.size) < 0)
				return bad_value("--size", optarg, DECIMAL);
			o->ctx.known |= RULES_CTX_SIZE;
			break;
		case 'n':
			if (parse_u64(optarg, &o->ctx.retries) < 0)
				return bad_value("--retries", optarg, DECIMAL);
			o->ctx.known |= RULES_CTX_RETRIES;
			break;
		case 'c':
			if (rules_explain_client(optarg, &o->ctx) < 0)
				return bad_value("--client", optarg,
				    "an IP address");
			break;
		case 't':
			if (parse_u64(optarg, &v) < 0 || v > 0x7fffffff)
				return bad_value("--ttl", optarg,
				    "a number of seconds (0-2147483647)");
			o->ttl = (uint32_t)v;
			break;
		case 'S': o->show_secrets = 1; break;
		case 'h': fputs(route_usage, stdout); return 0;
		default: fputs(route_usage, stderr); return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(route_usage, stderr);
		return 2;
	}
	o->domain = argv[optind];
	return -1;
}

/* ---- the lookup ---- */

struct real_data {
	struct rules_real		real;
	struct answer_real_store	store[RULES_MAX_REAL];
};

static enum rules_rc
evaluate(const struct rules *set, const struct route_opts *o,
    struct realmx **rm, struct real_data *rd, struct rules_result *res)
{
	struct rules_real_rrset	rr;
	char			err[256];
	enum rules_rc		rc;

	while ((rc = rules_eval(set, o->domain, &o->ctx, &rd->real, o->ttl,
	    NULL, res)) == RULES_NEED) {
		if (rd->real.count == RULES_MAX_REAL)
			return res->rc = RULES_SERVFAIL;
		if (*rm == NULL && (*rm = realmx_new(o->upstream, o->nupstream,
		    ROUTE_TIMEOUT_MS, err, sizeof(err))) == NULL) {
			fprintf(stderr, "mxshim route: %s\n", err);
			return res->rc = RULES_SERVFAIL;
		}
		realmx_fetch(*rm, res->need, rd->store + rd->real.count, &rr);
		rules_real_add(&rd->real, &rr);
	}
	return rc;
}

static int
route(const struct rules *set, const struct route_opts *o)
{
	struct realmx		*rm = NULL;
	struct real_data	*rd = calloc(1, sizeof(*rd));
	struct rules_result	*res = malloc(sizeof(*res));
	enum rules_rc		 rc;
	int			 status;

	if (rd == NULL || res == NULL) {
		free(rd);
		free(res);
		fprintf(stderr, "mxshim route: out of memory\n");
		return 1;
	}
	rc = evaluate(set, o, &rm, rd, res);
	if (rc == RULES_BADNAME) {
		fprintf(stderr, "mxshim route: '%s' is not a valid domain "
		    "name\n", o->domain);
		status = 1;
	} else {
		rules_explain_result(stdout, res, o->show_secrets);
		printf("\nexplain (%s):\n", o->domain);
		rules_explain_trace(stdout, set, o->domain, &o->ctx, &rd->real,
		    o->ttl, o->show_secrets);
		status = rc == RULES_SERVFAIL ? 75 : 0;
	}
	realmx_free(rm);
	free(rd);
	free(res);
	return status;
}

int
cmd_route(int argc, char **argv)
{
	struct route_opts	 o;
	struct rules_load_opts	 lo = { .diag = cli_print_diag };
	struct rules		*set;
	int			 rc, errors = 0;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_options(argc, argv, &o)) >= 0)
		return rc;
	lo.diag_arg = &errors;
	if ((set = rules_load_file(o.rules, &lo)) == NULL) {
		if (errors == 0)
			fprintf(stderr, "mxshim route: cannot read %s: %s\n",
			    o.rules, strerror(errno));
		return 1;
	}
	rc = route(set, &o);
	rules_free(set);
	return rc;
}
