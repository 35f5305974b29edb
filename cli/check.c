/*
 * cli/check.c - `mxshim check FILE`: validate a rules file the way every
 * mxshim program will load it, and warn about what is valid but probably
 * wrong.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* The system group the package creates for mxshimd's user (mxshimd(8)). */
#define DAEMON_GROUP	"_mxshim"

static const char check_usage[] =
"usage: mxshim check [--max-rules-bytes SIZE] [--max-rules-lines N] [FILE]\n"
"\n"
"Check a rules file (default " RULES_DEFAULT_FILE ").  Errors are printed as\n"
"FILE:LINE:COLUMN: message and the exit status is 1; warnings (lines that\n"
"can never apply in resolver mode, lines hidden behind an earlier `$end`,\n"
"credentials in a file others can read, an empty file) leave the status\n"
"at 0.\n"
"\n"
"  --max-rules-bytes SIZE  refuse a larger file, as mxshimd does (default\n"
"                          64M; K, M, G suffixes; 0: no limit)\n"
"  --max-rules-lines N     refuse a file of more lines (default 2000000)\n";

/* A limit option's value into *out; 0, or -1 after printing why. */
static int
limit_arg(const char *opt, const char *arg, int size, size_t *out)
{
	uint64_t n;

	if (size && rules_parse_size(arg, out) == 0)
		return 0;
	if (!size && rules_parse_number(arg, strlen(arg), &n) == 0 &&
	    n <= SIZE_MAX) {
		*out = (size_t)n;
		return 0;
	}
	fprintf(stderr, "mxshim: --%s %s: expected %s\n", opt, arg, size ?
	    "a size in bytes such as 1048576 or 64M" : "a number of lines");
	return -1;
}

/*
 * Credentials in a file that others, or a group other than mxshimd's, may
 * read.  The arrangement recommended (mxshimd(8)): owner root, group of
 * the user mxshimd runs as, mode 0640, so that it can re-read the file on
 * reload and nobody else can read it.
 */
static void
check_permissions(const char *path, const struct rules *set)
{
	struct stat	 st;
	struct group	*gr;
	char		 gname[32];

	if (!rules_has_credentials(set) || stat(path, &st) != 0)
		return;
	if ((st.st_mode & (S_IRGRP | S_IROTH)) == 0)
		return;
	gr = getgrgid(st.st_gid);
	if (gr != NULL)
		snprintf(gname, sizeof(gname), "%s", gr->gr_name);
	else
		snprintf(gname, sizeof(gname), "%lu", (unsigned long)st.st_gid);
	if ((st.st_mode & S_IROTH) == 0 && strcmp(gname, DAEMON_GROUP) == 0)
		return;
	fprintf(stderr, "%s: warning: the file holds credentials and can be "
	    "read by %s%s (chown root:" DAEMON_GROUP " %s && chmod 640 %s, "
	    DAEMON_GROUP " being mxshimd's group)\n", path,
	    (st.st_mode & S_IROTH) ? "every user" : "group ",
	    (st.st_mode & S_IROTH) ? "" : gname, path, path);
}

/*
 * The options into *opts and the path; 0 to go on, else the exit status
 * (0 after --help, 2 after a usage error).
 */
static int
check_options(int argc, char **argv, struct rules_load_opts *opts,
    const char **path)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "max-rules-bytes", required_argument, NULL, 'B' },
		{ "max-rules-lines", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(check_usage, stdout);
			return -1;
		case 'B':
			if (limit_arg("max-rules-bytes", optarg, 1,
			    &opts->max_bytes) < 0)
				return 2;
			break;
		case 'L':
			if (limit_arg("max-rules-lines", optarg, 0,
			    &opts->max_lines) < 0)
				return 2;
			break;
		default:
			fputs(check_usage, stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fputs(check_usage, stderr);
		return 2;
	}
	if (optind < argc)
		*path = argv[optind];
	return 0;
}

/* Why a file was not loaded, when no diagnostic said it. */
static void
load_failed(const char *path, const struct rules_load_opts *opts, int errors)
{
	if (errno == EFBIG)
		fprintf(stderr, "mxshim: %s is over the limits "
		    "(--max-rules-bytes %zu, --max-rules-lines %zu)\n",
		    path, opts->max_bytes, opts->max_lines);
	else if (errno == EAGAIN)
		fprintf(stderr, "mxshim: %s changed while it was read; "
		    "check it again once it is written\n", path);
	else if (errors == 0)
		fprintf(stderr, "mxshim: cannot read %s: %s\n", path,
		    strerror(errno));
}

int
cmd_check(int argc, char **argv)
{
	struct rules_load_opts	 opts = { .diag = cli_print_diag,
				    .max_bytes = RULES_DEFAULT_MAX_BYTES,
				    .max_lines = RULES_DEFAULT_MAX_LINES,
				    .empty = RULES_EMPTY_WARN };
	const char		*path = RULES_DEFAULT_FILE;
	struct rules		*set;
	int			 errors = 0, rc;

	if ((rc = check_options(argc, argv, &opts, &path)) != 0)
		return rc < 0 ? 0 : rc;
	opts.diag_arg = &errors;
	if ((set = rules_load_file(path, &opts)) == NULL) {
		load_failed(path, &opts, errors);
		return 1;
	}
	rules_lint(set, cli_print_diag, NULL);
	check_permissions(path, set);
	printf("%s: %zu override%s, valid\n", path, rules_count(set),
	    rules_count(set) == 1 ? "" : "s");
	if (rules_has_ports(set))
		printf("%s: ports are honoured by libmxshim.so and shown by "
		    "`mxshim route`; mxshimd cannot put a port in an MX record "
		    "and ignores them\n", path);
	rules_free(set);
	return 0;
}
