/*
 * cli/route.c - `mxshim route NAME...`: where mail for each name finally
 * goes (the rules' MX set, or the real MX records when no line applies,
 * or what the MTA does on NXDOMAIN and SERVFAIL), then the explain trace
 * (which lines applied, and for every candidate line that did not, which
 * condition failed); or all of it as JSON.
 *
 * Real data is fetched the way the resolver fetches it (cli/nexthop.h),
 * never from mxshimd itself (cli/upstreams.h).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "explain.h"
#include "realmx.h"
#include "route.h"

#define ROUTE_TIMEOUT_MS	5000
#define DECIMAL			"an unsigned decimal number"
#define EXIT_TEMPFAIL		75
#define EXIT_BADNAME		1

static const char route_usage[] =
"usage: mxshim route [--rules FILE] [--upstream ADDR@PORT]... [--control PATH]\n"
"                    [--from ADDR] [--authsender USER] [--size N]\n"
"                    [--retries N] [--client IP] [--ttl SECONDS]\n"
"                    [--json] [--show-secrets] NAME... | -\n"
"\n"
"For each NAME (a domain, or user@domain), print where mail finally goes:\n"
"the MX set the rules give it, one \"PREF HOST[:PORT]\" line per record, or\n"
"its real MX records when no line applies, or NXDOMAIN (the MTA bounces)\n"
"or SERVFAIL (the MTA defers); then which lines applied and why the others\n"
"did not.  \"-\" reads the names from standard input, one a line.\n"
"\n"
"  --rules FILE       rules file (default " RULES_DEFAULT_FILE ")\n"
"  --upstream A@P     DNS server for the real lookups (up to 8; default:\n"
"                     those of /etc/resolv.conf, where a loopback server\n"
"                     that is mxshimd is replaced by the daemon's own\n"
"                     upstreams, or refused)\n"
"  --control PATH     mxshimd's control socket, asked for its upstreams\n"
"                     (default " CTL_DEFAULT_PATH ")\n"
"  --from, --authsender, --size, --retries, --client\n"
"                     the message context; attributes not given are\n"
"                     unknown, and conditions on them are false\n"
"  --ttl SECONDS      TTL of synthesized records (default 60)\n"
"  --json             one JSON object per name, one a line\n"
"  --show-secrets     print credentials (hidden by default)\n"
"\n"
"Exit status: 0 every name has an answer (NXDOMAIN and no override\n"
"included), 1 bad rules or a bad name, 2 usage or no upstream that is\n"
"not mxshimd, 75 real DNS failed temporarily for a name (the MTA would\n"
"defer).\n";

struct route_opts {
	const char		*rules;
	struct route_upstream	 up;
	struct rules_ctx	 ctx;
	uint32_t		 ttl;
	int			 show_secrets;
	int			 json;
	int			 shown;		/* names printed so far */
	char			**names;
	int			 nnames;
};

/* ---- shared with `mxshim test` (route.h) ---- */

struct realmx *
route_open(void *arg, char *err, size_t errlen)
{
	struct route_upstream *up = arg;

	if (up->ngiven > 0)
		return realmx_new(up->given, up->ngiven, ROUTE_TIMEOUT_MS, err,
		    errlen);
	if (upstreams_default(up->control, &up->def, err, errlen) == -1)
		return NULL;
	return realmx_new(up->def.list, up->def.n, ROUTE_TIMEOUT_MS, err,
	    errlen);
}

static int
set_number(const char *value, uint64_t *out, char *why, size_t whylen)
{
	if (rules_parse_number(value, strlen(value), out) == 0)
		return 0;
	snprintf(why, whylen, "%s", DECIMAL);
	return -1;
}

int
route_ctx_option(const char *name, const char *value, struct rules_ctx *ctx,
    char *why, size_t whylen)
{
	if (strcmp(name, "from") == 0) {
		ctx->from = value;
		ctx->known |= RULES_CTX_FROM;
	} else if (strcmp(name, "authsender") == 0) {
		ctx->authsender = value;
		ctx->known |= RULES_CTX_AUTHSENDER;
	} else if (strcmp(name, "size") == 0) {
		if (set_number(value, &ctx->size, why, whylen) == -1)
			return -1;
		ctx->known |= RULES_CTX_SIZE;
	} else if (strcmp(name, "retries") == 0) {
		if (set_number(value, &ctx->retries, why, whylen) == -1)
			return -1;
		ctx->known |= RULES_CTX_RETRIES;
	} else if (strcmp(name, "client") == 0) {
		if (rules_explain_client(value, ctx) == -1) {
			snprintf(why, whylen, "an IP address");
			return -1;
		}
	} else
		return 1;
	return 0;
}

int
route_add_upstream(const char *cmd, struct route_upstream *up, char *value)
{
	if (up->ngiven == UPSTREAMS_MAX) {
		fprintf(stderr, "mxshim %s: at most %d --upstream\n", cmd,
		    UPSTREAMS_MAX);
		return -1;
	}
	up->given[up->ngiven++] = value;
	return 0;
}

const char *
route_domain(const char *arg)
{
	const char *at = strrchr(arg, '@');

	return at != NULL ? at + 1 : arg;
}

/* ---- options ---- */

static int
bad_value(const char *opt, const char *value, const char *expected)
{
	fprintf(stderr, "mxshim route: --%s: '%s' is not %s\n", opt, value,
	    expected);
	return 2;
}


static int
set_ttl(struct route_opts *o, const char *value)
{
	uint64_t v;

	if (rules_parse_number(value, strlen(value), &v) < 0 ||
	    v > 0x7fffffff)
		return bad_value("ttl", value,
		    "a number of seconds (0-2147483647)");
	o->ttl = (uint32_t)v;
	return -1;
}

static const struct option route_longopts[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "upstream", required_argument, NULL, 'u' },
	{ "control", required_argument, NULL, 'C' },
	{ "from", required_argument, NULL, 'x' },
	{ "authsender", required_argument, NULL, 'x' },
	{ "size", required_argument, NULL, 'x' },
	{ "retries", required_argument, NULL, 'x' },
	{ "client", required_argument, NULL, 'x' },
	{ "ttl", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "show-secrets", no_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* One option; -1 to go on, else the exit status. */
static int
option(struct route_opts *o, int c, int index)
{
	char why[64];

	switch (c) {
	case 'r': o->rules = optarg; return -1;
	case 'u': return route_add_upstream("route", &o->up, optarg) ? 2 : -1;
	case 'C': o->up.control = optarg; return -1;
	case 'x':
		if (route_ctx_option(route_longopts[index].name, optarg,
		    &o->ctx, why, sizeof(why)) == 0)
			return -1;
		return bad_value(route_longopts[index].name, optarg, why);
	case 't': return set_ttl(o, optarg);
	case 'j': o->json = 1; return -1;
	case 'S': o->show_secrets = 1; return -1;
	case 'h': fputs(route_usage, stdout); return 0;
	default: fputs(route_usage, stderr); return 2;
	}
}

/* -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct route_opts *o)
{
	int c, index = 0, rc;

	o->rules = RULES_DEFAULT_FILE;
	o->up.control = CTL_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, "h", route_longopts, &index)) !=
	    -1)
		if ((rc = option(o, c, index)) >= 0)
			return rc;
	if (argc == optind) {
		fputs(route_usage, stderr);
		return 2;
	}
	o->names = argv + optind;
	o->nnames = argc - optind;
	return -1;
}

/* ---- the routes ---- */

/* The exit status for one name's outcome. */
static int
status_of(const struct nexthop *nh)
{
	if (nh->kind == NEXTHOP_BADNAME)
		return EXIT_BADNAME;
	return nh->kind == NEXTHOP_SERVFAIL ? EXIT_TEMPFAIL : 0;
}

/* A bad name outranks a temporary failure: it will not go away. */
static int
worse(int a, int b)
{
	if (a == EXIT_BADNAME || b == EXIT_BADNAME)
		return EXIT_BADNAME;
	return a ? a : b;
}

static void
print_text(const struct rules *set, struct route_opts *o,
    const char *query, const struct nexthop *nh)
{
	const char *name = route_domain(query);

	if (o->shown++ > 0)
		putchar('\n');
	if (o->nnames > 1 || strcmp(o->names[0], "-") == 0)
		printf("route (%s):\n", query);
	if (nh->kind == NEXTHOP_BADNAME) {
		fprintf(stderr, "mxshim route: '%s' is not a valid domain "
		    "name\n", name);
		return;
	}
	nexthop_print(stdout, nh, o->show_secrets);
	printf("\nexplain (%s):\n", name);
	rules_explain_trace(stdout, set, name, &o->ctx, &nh->real, o->ttl,
	    o->show_secrets);
}

/* One name: its status, or 2 when no upstream may be asked. */
static int
route_one(const struct rules *set, struct route_opts *o,
    struct nexthop_source *src, const char *query, struct nexthop *nh)
{
	if (nexthop_eval(set, src, route_domain(query), &o->ctx, o->ttl, 0,
	    nh) == -1) {
		fprintf(stderr, "mxshim route: %s\n", src->err);
		return 2;
	}
	if (o->json) {
		if (route_json(stdout, set, query, nh, &o->ctx, o->ttl,
		    o->show_secrets) == -1)
			fprintf(stderr, "mxshim route: cannot write JSON\n");
		if (nh->kind == NEXTHOP_BADNAME)
			fprintf(stderr, "mxshim route: '%s' is not a valid "
			    "domain name\n", route_domain(query));
	} else
		print_text(set, o, query, nh);
	return status_of(nh);
}

/* The names of standard input, one a line, blanks around them ignored. */
static int
route_stdin(const struct rules *set, struct route_opts *o,
    struct nexthop_source *src, struct nexthop *nh)
{
	char	*line = NULL, *name, *end;
	size_t	 cap = 0;
	int	 status = 0, rc;

	while (getline(&line, &cap, stdin) != -1) {
		name = line + strspn(line, " \t\r\n");
		end = name + strcspn(name, " \t\r\n");
		*end = '\0';
		if (*name == '\0')
			continue;
		if ((rc = route_one(set, o, src, name, nh)) == 2) {
			status = 2;
			break;
		}
		status = worse(status, rc);
	}
	free(line);
	return status;
}

static int
route_all(const struct rules *set, struct route_opts *o)
{
	struct nexthop_source	 src = { route_open, &o->up, NULL, "" };
	struct nexthop		*nh = malloc(sizeof(*nh));
	int			 i, status = 0, rc;

	if (nh == NULL) {
		fprintf(stderr, "mxshim route: out of memory\n");
		return 1;
	}
	for (i = 0; i < o->nnames; i++) {
		rc = strcmp(o->names[i], "-") == 0 ?
		    route_stdin(set, o, &src, nh) :
		    route_one(set, o, &src, o->names[i], nh);
		if (rc == 2) {
			status = 2;
			break;
		}
		status = worse(status, rc);
	}
	realmx_free(src.rm);
	free(nh);
	return status;
}

int
cmd_route(int argc, char **argv)
{
	struct route_opts	 o;
	struct rules		*set;
	int			 rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_options(argc, argv, &o)) >= 0)
		return rc;
	if ((set = cli_load_rules("route", o.rules)) == NULL)
		return 1;
	rc = route_all(set, &o);
	rules_free(set);
	fflush(stdout);
	return rc;
}
