/*
 * resolver/main.c - mxshimd: a DNS stub resolver that answers MX questions
 * from the override rules and relays every other question to real DNS.
 *
 * Start-up order matters: everything that can fail for a reason the
 * operator must see (options, rules, upstreams, sockets) is done before
 * detaching, so the exit status and message reach the terminal; sockets
 * are bound before privileges are dropped; the workers start last.  The
 * main thread then only waits for signals: SIGHUP loads the rules anew
 * (the workers keep answering with the old set meanwhile), SIGTERM and
 * SIGINT stop.
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients.h"
#include "log.h"
#include "options.h"
#include "rules.h"
#include "ruleset.h"
#include "upstream.h"
#include "worker.h"

#define REAP_INTERVAL_MS	200

static struct worker	*workers[OPT_MAX_THREADS];
static unsigned		 nworkers;
static struct worker_shared shared;

static void
diag(void *arg, const struct rules_diag *d)
{
	enum log_level level = d->is_error ? LOG_LVL_ERR : LOG_LVL_WARN;

	(void)arg;
	if (d->line == 0)
		log_msg(level, "%s: %s", d->file, d->message);
	else
		log_msg(level, "%s:%u:%u: %s", d->file, d->line, d->column,
		    d->message);
}

/* Load the rules file; NULL after logging why. */
static struct rules *
load_rules(const struct config *cfg)
{
	struct rules_load_opts	opts = { .diag = diag,
				    .max_bytes = cfg->rules_max_bytes,
				    .max_lines = cfg->rules_max_lines };
	const char		*path = cfg->rules_path;
	struct rules		*set;

	errno = 0;
	if ((set = rules_load_file(path, &opts)) != NULL)
		return set;
	if (errno == EFBIG)
		log_err("%s: over the limits (--max-rules-bytes %zu, "
		    "--max-rules-lines %zu)", path, cfg->rules_max_bytes,
		    cfg->rules_max_lines);
	else if (errno != 0)
		log_err("%s: %s", path, strerror(errno));
	log_err("%s: rules not loaded", path);
	return NULL;
}

static void
announce(const char *path, const struct rules *set, const char *what)
{
	log_info("%s %zu rules from %s", what, rules_count(set), path);
	if (rules_has_ports(set))
		log_info("%s: ports in the rules are ignored by mxshimd: an MX "
		    "record cannot carry a port (the preload shim honours "
		    "them)", path);
}

static int
drop_privileges(const char *user)
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

static int
write_pidfile(const char *path)
{
	FILE *f;

	if (path == NULL)
		return 0;
	if ((f = fopen(path, "w")) == NULL) {
		log_err("--pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : -1;
}

static int
detach(void)
{
	int fd;

	if (daemon(0, 1) == -1) {
		log_err("cannot detach: %s", strerror(errno));
		return -1;
	}
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

static void
reload(const struct config *cfg)
{
	const char	*path = cfg->rules_path;
	struct rules	*set;

	log_info("SIGHUP: reloading %s", path);
	if ((set = load_rules(cfg)) == NULL) {
		log_err("%s: keeping the rules loaded before", path);
		return;
	}
	if (ruleset_publish(set) == -1) {
		rules_free(set);
		log_err("out of memory: keeping the rules loaded before");
		return;
	}
	announce(path, set, "loaded");
}

/* Wait for signals until told to stop; frees retired rule sets. */
static void
serve(const struct config *cfg, const sigset_t *sigs)
{
	struct timespec	tick = { 0, REAP_INTERVAL_MS * 1000000L };
	int		sig;

	for (;;) {
		sig = sigtimedwait(sigs, NULL, &tick);
		if (sig == SIGHUP)
			reload(cfg);
		else if (sig == SIGTERM || sig == SIGINT) {
			log_info("signal %d: stopping", sig);
			return;
		}
		ruleset_reap(0);
	}
}

static int
make_workers(const struct config *cfg, int stop_fd)
{
	char		err[512];
	unsigned	i, n = cfg->threads;
	long		cores;

	if (n == 0) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores < 1 ? 1 : cores > OPT_MAX_THREADS ?
		    OPT_MAX_THREADS : (unsigned)cores;
	}
	for (i = 0; i < n; i++) {
		if ((workers[i] = worker_new(i, cfg, &shared, stop_fd, err,
		    sizeof(err))) == NULL) {
			log_err("%s", err);
			return -1;
		}
		nworkers++;
	}
	return 0;
}

static int
start_workers(void)
{
	char		err[512];
	unsigned	i;

	for (i = 0; i < nworkers; i++)
		if (worker_upstream(workers[i], err, sizeof(err)) == -1) {
			log_err("%s", err);
			return -1;
		}
	for (i = 0; i < nworkers; i++)
		if (worker_start(workers[i]) == -1) {
			log_err("cannot start worker %u", i);
			return -1;
		}
	return 0;
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct rules	*set;
	char		 err[512];
	sigset_t	 sigs;
	unsigned	 i;
	int		 rc, stop_fd;

	if ((rc = options_parse(argc, argv, &cfg)) != 0)
		return rc == 1 ? 0 : 1;
	log_setup(1, cfg.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if ((set = load_rules(&cfg)) == NULL)
		return 1;
	shared.tcp = clients_new(cfg.tcp_client_conn, "--tcp-client-conn",
	    cfg.tcp_max_conn, "--tcp-max-conn", "TCP connection closed");
	shared.inflight = clients_new(cfg.client_inflight, "--client-inflight",
	    0, NULL, "answering SERVFAIL to questions for real DNS");
	if (shared.tcp == NULL || shared.inflight == NULL) {
		log_err("out of memory");
		goto fail;
	}
	if (upstream_defaults(&cfg, err, sizeof(err)) == -1 ||
	    upstream_check_loop(&cfg, err, sizeof(err)) == -1) {
		log_err("%s", err);
		goto fail;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	/* every thread inherits the mask: only serve() takes signals */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((stop_fd = eventfd(0, EFD_CLOEXEC)) == -1 ||
	    make_workers(&cfg, stop_fd) == -1 ||
	    (!cfg.foreground && detach() == -1))
		goto fail;
	if (!cfg.foreground)
		log_setup(0, cfg.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (write_pidfile(cfg.pidfile) == -1 ||
	    drop_privileges(cfg.user) == -1 || ruleset_publish(set) == -1)
		goto fail;
	if (start_workers() == -1)
		return 1;	/* the set belongs to ruleset.c now */
	announce(cfg.rules_path, set, "serving");
	serve(&cfg, &sigs);
	(void)!write(stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	for (i = 0; i < nworkers; i++)
		worker_join(workers[i]);
	ruleset_reap(1);
	clients_free(shared.tcp);
	clients_free(shared.inflight);
	if (cfg.pidfile != NULL)
		(void)unlink(cfg.pidfile);
	log_info("stopped");
	return 0;
fail:
	rules_free(set);
	return 1;
}
