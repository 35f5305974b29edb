/*
 * resolver/harden.c - non-dumpable, stray signals ignored, absolute
 * paths, the privilege drop and the check that it leaves reloads working.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harden.h"
#include "log.h"

#define REREAD_DROP_FAILED	255	/* the child's exit: it said why */

/*
 * Terminate by default; nothing in mxshimd uses them (see harden.h).
 * SIGUSR1, SIGUSR2 and SIGALRM are not here: main.c takes them.
 */
static const int stray_signals[] = {
	SIGVTALRM, SIGPROF, SIGPIPE, SIGIO, SIGPWR
};

int
harden_process(void)
{
	struct sigaction	sa;
	size_t			i;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		log_err("cannot make the process non-dumpable: %s",
		    strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stray_signals) / sizeof(stray_signals[0]); i++)
		if (sigaction(stray_signals[i], &sa, NULL) == -1) {
			log_err("cannot ignore signal %d: %s", stray_signals[i],
			    strerror(errno));
			return -1;
		}
	return 0;
}

/* path, or the working directory and path joined in buf. */
static const char *
absolute(const char *opt, const char *path, char *buf, size_t len)
{
	char	cwd[PATH_MAX];
	int	n;

	if (path == NULL || path[0] == '/')
		return path;
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		log_err("%s %s: cannot name the working directory: %s", opt,
		    path, strerror(errno));
		return NULL;
	}
	n = snprintf(buf, len, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
	    path);
	if (n < 0 || (size_t)n >= len) {
		log_err("%s %s: the absolute path is too long", opt, path);
		return NULL;
	}
	return buf;
}

int
harden_paths(struct mxshimd_options *cfg)
{
	static char	rules[PATH_MAX], pidfile[PATH_MAX], control[PATH_MAX];

	if ((cfg->rules_path = absolute("--rules", cfg->rules_path, rules,
	    sizeof(rules))) == NULL)
		return -1;
	if (cfg->pidfile != NULL && (cfg->pidfile = absolute("--pidfile",
	    cfg->pidfile, pidfile, sizeof(pidfile))) == NULL)
		return -1;
	if (cfg->control != NULL && (cfg->control = absolute("--control",
	    cfg->control, control, sizeof(control))) == NULL)
		return -1;
	return 0;
}

int
harden_drop(const char *user)
{
	struct passwd *pw;

	if (user == NULL)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_err("--user %s: no such user", user);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		log_err("--user %s: cannot switch: %s", user, strerror(errno));
		return -1;
	}
	return 0;
}

/* In the child: 0 when the user can open path, else errno. */
static void
reread_child(const char *user, const char *path)
{
	int fd;

	if (harden_drop(user) == -1)
		_exit(REREAD_DROP_FAILED);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		_exit(errno > 0 && errno < REREAD_DROP_FAILED ? errno : EIO);
	_exit(0);
}

static void
reread_advice(const char *user, const char *path, int err)
{
	struct passwd	*pw = getpwnam(user);
	struct group	*gr = pw ? getgrgid(pw->pw_gid) : NULL;
	const char	*group = gr ? gr->gr_name : user;

	log_err("--user %s could not re-read %s (%s), so every reload would "
	    "fail: make it owned by root, group %s, mode 0640 (chown root:%s "
	    "%s && chmod 640 %s), its directories searchable by %s",
	    user, path, strerror(err), group, group, path, path, user);
}

int
harden_check_reread(const char *user, const char *path)
{
	pid_t	pid;
	int	status;

	if (user == NULL)
		return 0;
	if ((pid = fork()) == -1) {
		log_err("--user %s: cannot check the rules file: %s", user,
		    strerror(errno));
		return -1;
	}
	if (pid == 0)
		reread_child(user, path);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			log_err("--user %s: cannot check the rules file: %s",
			    user, strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == REREAD_DROP_FAILED)
		return -1;
	if (WEXITSTATUS(status) == 0)
		return 0;
	reread_advice(user, path, WEXITSTATUS(status));
	return -1;
}
