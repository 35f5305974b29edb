/*
 * cli/run.c - `mxshim run`: run a command with libmxshim.so preloaded and
 * the message context in its environment.
 *
 * The rules file is checked first, so a typo is reported here instead of
 * making every MX lookup of the command fail temporarily; and a set-user-ID
 * or set-group-ID command, for which the loader ignores LD_PRELOAD, is
 * refused rather than run without the shim.  The library is
 * looked for in the build tree next to this executable (../shim/.libs),
 * then where `make install` puts it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli.h"
#include "cli/run-paths.h"

#define SHIM_NAME	"libmxshim.so"

static const char run_usage[] =
    "usage: mxshim run [--rules FILE] [--from ADDR] [--authsender USER]\n"
    "                  [--size N] [--retries N] -- COMMAND [ARGS...]\n"
    "A set-user-ID or set-group-ID COMMAND is refused: the loader ignores\n"
    "LD_PRELOAD for it.  Point such a program at mxshimd instead.\n";

struct run_opts {
	const char	*rules;
	const char	*from;
	const char	*authsender;
	const char	*size;
	const char	*retries;
};

static int
is_decimal(const char *s)
{
	uint64_t n;

	return rules_parse_number(s, strlen(s), &n) == 0;
}

static int
parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ "authsender", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "retries", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	/* '+': the command's own options are not ours */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rules = optarg; break;
		case 'f': o->from = optarg; break;
		case 'a': o->authsender = optarg; break;
		case 's': o->size = optarg; break;
		case 'n': o->retries = optarg; break;
		case 'h': fputs(run_usage, stdout); return 0;
		default: fputs(run_usage, stderr); return 2;
		}
	}
	if ((o->size != NULL && !is_decimal(o->size)) ||
	    (o->retries != NULL && !is_decimal(o->retries))) {
		fprintf(stderr, "mxshim run: --size and --retries take an "
		    "unsigned decimal number\n");
		return 2;
	}
	if (optind >= argc) {
		fputs(run_usage, stderr);
		return 2;
	}
	return -1;
}

/* The library: build tree beside this executable, else the install. */
static int
find_shim(char *out, size_t len)
{
	char	exe[PATH_MAX], *slash;
	ssize_t	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if ((size_t)snprintf(out, len, "%s/../shim/.libs/" SHIM_NAME,
		    exe) < len && access(out, R_OK) == 0)
			return 0;
	}
	if ((size_t)snprintf(out, len, "%s/" SHIM_NAME, MXSHIM_LIBDIR) < len &&
	    access(out, R_OK) == 0)
		return 0;
	fprintf(stderr, "mxshim run: %s not found in the build tree nor in "
	    "%s\n", SHIM_NAME, MXSHIM_LIBDIR);
	return -1;
}

/* Load the rules as the library will, reporting every error here. */
static int
check_rules(const char *path, char *abs, size_t len)
{
	struct rules_load_opts	 opts = { .diag = cli_print_diag,
				    .no_dump = 1 };
	struct rules		*set;
	int			 errors = 0;

	opts.diag_arg = &errors;
	if ((set = rules_load_file(path, &opts)) == NULL) {
		if (errors == 0)
			fprintf(stderr, "mxshim run: cannot read %s: %s\n",
			    path, strerror(errno));
		return -1;
	}
	rules_free(set);
	/* the command may chdir before the library reads the variable */
	if (realpath(path, abs) == NULL || strlen(abs) >= len) {
		fprintf(stderr, "mxshim run: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Where execvp() will find cmd: cmd itself when it has a slash, else the
 * first executable regular file of that name along PATH (confstr's
 * default path when PATH is unset).  0 with the path in out, -1 when
 * there is none (execvp will say so).
 */
static int
find_command(const char *cmd, char *out, size_t len)
{
	char		 defpath[PATH_MAX];
	const char	*path = getenv("PATH"), *p, *end;
	struct stat	 st;
	int		 n;

	if (strchr(cmd, '/') != NULL)
		return (size_t)snprintf(out, len, "%s", cmd) < len ? 0 : -1;
	if (path == NULL) {
		if (confstr(_CS_PATH, defpath, sizeof(defpath)) == 0)
			return -1;
		path = defpath;
	}
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		/* an empty entry is the current directory, as for execvp */
		n = end == p ? snprintf(out, len, "%s", cmd) :
		    snprintf(out, len, "%.*s/%s", (int)(end - p), p, cmd);
		if (n > 0 && (size_t)n < len && stat(out, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		if (*end == '\0')
			return -1;
	}
}

/*
 * Whether executing path changes the user or group ID: then the dynamic
 * loader runs it in secure mode and ignores LD_PRELOAD, and the shim would
 * never be loaded.  *what says which bit.  A file system mounted nosuid
 * ignores the bits, and the loader honours LD_PRELOAD there.
 */
static int
changes_ids(const char *path, const char **what)
{
	struct stat	st;
	struct statvfs	vfs;

	if (stat(path, &st) == -1 ||
	    (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID)))
		return 0;
	if ((st.st_mode & S_ISUID) && st.st_uid != getuid()) {
		*what = "set-user-ID";
		return 1;
	}
	/* set-group-ID without group execute is a locking mark, not an ID */
	if ((st.st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
	    st.st_gid != getgid()) {
		*what = "set-group-ID";
		return 1;
	}
	return 0;
}

/* Refuse a command the preload cannot reach, saying why and what works. */
static int
preload_reaches(const char *cmd)
{
	char		 path[PATH_MAX];
	const char	*what;

	if (find_command(cmd, path, sizeof(path)) == -1 ||
	    !changes_ids(path, &what))
		return 1;
	fprintf(stderr, "mxshim run: %s is %s: the dynamic loader ignores "
	    "LD_PRELOAD for it, so libmxshim.so would not be loaded and its "
	    "mail would take the real MX.\nPoint its resolver at mxshimd "
	    "instead (resolver mode: see mxshimd(8)).\n", path, what);
	return 0;
}

/*
 * A sanitizer build of the shim inside a program built without ASan: the
 * ASan runtime must be the first library loaded, before the shim.
 */
#ifdef MXSHIM_ASAN_RUNTIME
#define PRELOAD_FIRST	MXSHIM_ASAN_RUNTIME ":"
#else
#define PRELOAD_FIRST	""
#endif

/* LD_PRELOAD with the shim first (after PRELOAD_FIRST); -1 on error. */
static int
set_preload(const char *lib)
{
	const char	*old = getenv("LD_PRELOAD");
	char		*val;
	int		 rc;

	if (strpbrk(lib, " :") != NULL) {
		fprintf(stderr, "mxshim run: %s: LD_PRELOAD cannot hold a path "
		    "with spaces or colons\n", lib);
		return -1;
	}
	if (old == NULL)
		old = "";
	if (asprintf(&val, PRELOAD_FIRST "%s%s%s", lib, *old ? ":" : "",
	    old) == -1)
		return -1;
	rc = setenv("LD_PRELOAD", val, 1);
	free(val);
	return rc;
}

static int
set_context(const struct run_opts *o, const char *rules)
{
	if (setenv("MXSHIM_RULES", rules, 1) == -1 ||
	    (o->from && setenv("MXSHIM_FROM", o->from, 1) == -1) ||
	    (o->authsender &&
	    setenv("MXSHIM_AUTHSENDER", o->authsender, 1) == -1) ||
	    (o->size && setenv("MXSHIM_SIZE", o->size, 1) == -1) ||
	    (o->retries && setenv("MXSHIM_RETRIES", o->retries, 1) == -1))
		return -1;
	return 0;
}

int
cmd_run(int argc, char **argv)
{
	struct run_opts	 o = { NULL, NULL, NULL, NULL, NULL };
	char		 lib[PATH_MAX], rules[PATH_MAX];
	int		 rc;

	if ((rc = parse(argc, argv, &o)) != -1)
		return rc;
	if (o.rules == NULL)
		o.rules = getenv("MXSHIM_RULES");
	if (o.rules == NULL || *o.rules == '\0')
		o.rules = RULES_DEFAULT_FILE;
	if (!preload_reaches(argv[optind]))
		return 1;
	if (check_rules(o.rules, rules, sizeof(rules)) == -1)
		return 1;
	if (find_shim(lib, sizeof(lib)) == -1)
		return 1;
	if (set_context(&o, rules) == -1 || set_preload(lib) == -1) {
		fprintf(stderr, "mxshim run: cannot set the environment: %s\n",
		    strerror(errno));
		return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "mxshim run: %s: %s\n", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
