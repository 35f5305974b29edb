/*
 * cli/main.c - the mxshim command: dispatch to the subcommands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
"usage: mxshim COMMAND [OPTIONS]\n"
"\n"
"VPOP3-style DNS overrides for any MTA.\n"
"\n"
"commands:\n"
"  check [FILE]          check a rules file; errors as FILE:LINE:COLUMN\n"
"  route [OPTIONS] NAME... | -\n"
"                        show where mail for each NAME goes, and why\n"
"  test [OPTIONS] CASES  check the routes against a table of expectations\n"
"  run [OPTIONS] -- COMMAND [ARGS]\n"
"                        run COMMAND with libmxshim.so preloaded\n"
"  import --format FORMAT FILE [-o OUT]\n"
"                        convert routes from cisco, xeams, tmail, kumomta\n"
"  export --format FORMAT [FILE] [-o OUT] [--secrets FILE]\n"
"                        write rules as cisco, postfix, exim or opensmtpd\n"
"                        routes\n"
"  ctl [--control PATH] COMMAND\n"
"                        ask a running mxshimd: reload, status, stats, top,\n"
"                        route, flush\n"
"\n"
"`mxshim COMMAND --help` describes each command; mxshim(1) and\n"
"mxshim.conf(5) describe everything.\n";

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} commands[] = {
	{ "check", cmd_check },
	{ "route", cmd_route },
	{ "run", cmd_run },
	{ "import", cmd_import },
	{ "export", cmd_export },
	{ "ctl", cmd_ctl },
	{ "test", cmd_test },
};

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mxshim %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "mxshim: unknown command '%s'\n\n%s", argv[1], usage);
	return 2;
}
