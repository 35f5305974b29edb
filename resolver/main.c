/*
 * resolver/main.c - mxshimd: a DNS stub resolver that answers MX questions
 * from the override rules and relays every other question to real DNS.
 *
 * Start-up order matters: everything that can fail for a reason the
 * operator must see (options, rules, upstreams, sockets) is done before
 * detaching, so the exit status and message reach the terminal; sockets
 * are bound before privileges are dropped; the workers start last.  The
 * main thread then only waits for signals: SIGHUP loads the rules anew
 * once the file has been still for --settle (the workers keep answering
 * with the old set meanwhile), SIGTERM and SIGINT stop.
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients.h"
#include "harden.h"
#include "log.h"
#include "options.h"
#include "rules.h"
#include "ruleset.h"
#include "upstream.h"
#include "worker.h"

#define REAP_INTERVAL_MS	200
#define SETTLE_POLL_MS		20	/* looks at the file of a pending reload */

/* A reload asked for by SIGHUP, waiting for the file to be still. */
struct reload {
	int		pending;
	int		looked;		/* seen and found hold a look */
	int		found;		/* the path existed then */
	struct stat	seen;
	uint64_t	since_ms;	/* when it last looked different */
	int		told;		/* "being written" logged */
};

static struct worker	*workers[OPT_MAX_THREADS];
static unsigned		 nworkers;
static struct worker_shared shared;

static void
diag(void *arg, const struct rules_diag *d)
{
	enum log_level	 level = d->is_error ? LOG_LVL_ERR : LOG_LVL_WARN;
	unsigned	*errors = arg;

	if (d->is_error)
		(*errors)++;
	if (d->line == 0)
		log_msg(level, "%s: %s", d->file, d->message);
	else
		log_msg(level, "%s:%u:%u: %s", d->file, d->line, d->column,
		    d->message);
}

/*
 * Load the rules file; NULL after logging why.  With expect, only the file
 * as it looked then: errno EAGAIN (logged as a warning) when it changed.
 * empty: RULES_EMPTY_REFUSE on reload, where it would drop every override.
 */
static struct rules *
load_rules(const struct config *cfg, const struct stat *expect, int empty)
{
	unsigned		errors = 0;
	struct rules_load_opts	opts = { .diag = diag, .diag_arg = &errors,
				    .expect = expect, .empty = empty,
				    .max_bytes = cfg->rules_max_bytes,
				    .max_lines = cfg->rules_max_lines };
	const char		*path = cfg->rules_path;
	struct rules		*set;
	int			 saved;

	errno = 0;
	if ((set = rules_load_file(path, &opts)) != NULL)
		return set;
	saved = errno;
	if (saved == EAGAIN)
		log_warn("%s: changed while it was read: not loaded", path);
	else {
		if (saved == EFBIG)
			log_err("%s: over the limits (--max-rules-bytes %zu, "
			    "--max-rules-lines %zu)", path,
			    cfg->rules_max_bytes, cfg->rules_max_lines);
		else if (saved != 0 && errors == 0)	/* not a parse error */
			log_err("%s: %s", path, strerror(saved));
		log_err("%s: rules not loaded", path);
	}
	errno = saved;	/* the caller tells EAGAIN from the rest */
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

/*
 * Load the file as it looked (expect) and publish it.  Returns -1 when it
 * changed since: try again once it is still.
 */
static int
reload(const struct config *cfg, const struct stat *expect)
{
	const char	*path = cfg->rules_path;
	struct rules	*set;
	int		 rc;

	if ((set = load_rules(cfg, expect, RULES_EMPTY_REFUSE)) == NULL) {
		rc = errno == EAGAIN ? -1 : 0;
		/* what was parsed was freed: as big as a set, give it back */
		malloc_trim(0);
		if (rc == 0)
			log_err("%s: keeping the rules loaded before", path);
		return rc;
	}
	if (ruleset_publish(set) == -1) {
		rules_free(set);
		log_err("out of memory: keeping the rules loaded before");
		return 0;
	}
	announce(path, set, "loaded");
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A SIGHUP sent before the file is read asks for what this read gets. */
static void
drain_sighup(void)
{
	struct timespec	zero = { 0, 0 };
	sigset_t	hup;

	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	while (sigtimedwait(&hup, NULL, &zero) == SIGHUP)
		continue;
}

/*
 * One look at the file for a pending reload; loads it once it has looked
 * the same (rules_file_same()) for --settle.  A file written in place is
 * whole only when its writer is done, and a SIGHUP may come before that
 * (from a watcher on the file, or an operator in a hurry); the load then
 * takes the file only if it still looks as it did all that time.  A
 * missing file settles too, and fails to load.
 */
static void
reload_step(struct reload *rl, const struct config *cfg)
{
	struct stat	st;
	uint64_t	now = now_ms();
	int		found;

	found = stat(cfg->rules_path, &st) == 0;
	if (!rl->looked || found != rl->found ||
	    (found && !rules_file_same(&st, &rl->seen))) {
		if (rl->looked && !rl->told) {
			log_info("%s is being written: reloading once it has "
			    "been still for %u ms", cfg->rules_path,
			    cfg->settle_ms);
			rl->told = 1;
		}
		rl->looked = 1;
		rl->found = found;
		rl->seen = st;
		rl->since_ms = now;
	}
	if (now - rl->since_ms < cfg->settle_ms)
		return;
	drain_sighup();
	if (reload(cfg, found ? &rl->seen : NULL) == -1) {
		rl->looked = 0;
		return;
	}
	memset(rl, 0, sizeof(*rl));
}

/* Wait for signals until told to stop; frees retired rule sets. */
static void
serve(const struct config *cfg, const sigset_t *sigs)
{
	struct reload	rl;
	struct timespec	tick;
	int		sig;

	memset(&rl, 0, sizeof(rl));
	for (;;) {
		tick.tv_sec = 0;
		tick.tv_nsec = (rl.pending ? SETTLE_POLL_MS :
		    REAP_INTERVAL_MS) * 1000000L;
		sig = sigtimedwait(sigs, NULL, &tick);
		if (sig == SIGHUP && !rl.pending) {
			log_info("SIGHUP: reloading %s", cfg->rules_path);
			rl.pending = 1;
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_info("signal %d: stopping", sig);
			return;
		}
		if (rl.pending)
			reload_step(&rl, cfg);
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

/* What the workers share, and the upstreams; 0, or -1 after logging. */
static int
prepare(struct config *cfg)
{
	char err[512];

	shared.tcp = clients_new(cfg->tcp_client_conn, "--tcp-client-conn",
	    cfg->tcp_max_conn, "--tcp-max-conn", "TCP connection closed");
	shared.inflight = clients_new(cfg->client_inflight,
	    "--client-inflight", 0, NULL,
	    "answering SERVFAIL to questions for real DNS");
	if (shared.tcp == NULL || shared.inflight == NULL) {
		log_err("out of memory");
		return -1;
	}
	if (upstream_defaults(cfg, err, sizeof(err)) == -1 ||
	    upstream_check_loop(cfg, err, sizeof(err)) == -1) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/* Block the signals serve() takes, in every thread started after this. */
static void
block_signals(sigset_t *sigs)
{
	sigemptyset(sigs);
	sigaddset(sigs, SIGHUP);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Workers and sockets, then detach, pid file, privileges and the first
 * rule set (which ruleset.c owns from then on); 0, or -1 after logging.
 */
static int
launch(const struct config *cfg, struct rules *set, int stop_fd)
{
	if (make_workers(cfg, stop_fd) == -1 ||
	    (!cfg->foreground && detach() == -1))
		return -1;
	if (!cfg->foreground)
		log_setup(0, cfg->verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (write_pidfile(cfg->pidfile) == -1 ||
	    harden_drop(cfg->user) == -1 || ruleset_publish(set) == -1)
		return -1;
	return 0;
}

/* Stop the workers and free what main() made. */
static void
finish(const struct config *cfg, int stop_fd)
{
	unsigned i;

	(void)!write(stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	for (i = 0; i < nworkers; i++)
		worker_join(workers[i]);
	ruleset_reap(1);
	clients_free(shared.tcp);
	clients_free(shared.inflight);
	if (cfg->pidfile != NULL)
		(void)unlink(cfg->pidfile);
	log_info("stopped");
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct rules	*set;
	sigset_t	 sigs;
	int		 rc, stop_fd;

	if ((rc = options_parse(argc, argv, &cfg)) != 0)
		return rc == 1 ? 0 : 1;
	log_setup(1, cfg.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (harden_process() == -1 || harden_paths(&cfg) == -1)
		return 1;
	if ((set = load_rules(&cfg, NULL, RULES_EMPTY_WARN)) == NULL)
		return 1;
	if (harden_check_reread(cfg.user, cfg.rules_path) == -1 ||
	    prepare(&cfg) == -1)
		goto fail;
	/* every thread inherits the mask: only serve() takes signals */
	block_signals(&sigs);
	if ((stop_fd = eventfd(0, EFD_CLOEXEC)) == -1 ||
	    launch(&cfg, set, stop_fd) == -1)
		goto fail;
	if (start_workers() == -1)
		return 1;	/* the set belongs to ruleset.c now */
	announce(cfg.rules_path, set, "serving");
	serve(&cfg, &sigs);
	finish(&cfg, stop_fd);
	return 0;
fail:
	rules_free(set);
	return 1;
}
