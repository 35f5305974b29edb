/*
 * resolver/main.c - mxshimd: a DNS stub resolver that answers MX questions
 * from the override rules and relays every other question to real DNS.
 *
 * Start-up order matters: everything that can fail for a reason the
 * operator must see (options, rules, upstreams, sockets) is done before
 * detaching, so the exit status and message reach the terminal; sockets
 * (the control socket too) are bound before privileges are dropped; the
 * workers start last, and only then is the service manager told that
 * mxshimd is ready (notify.h), so that a start failing at any step fails
 * `systemctl start`.  The main thread then runs a libevent loop of its
 * own for the operator: signals (through a signalfd), the control socket
 * and /metrics.  SIGHUP loads the rules anew once the file has been still
 * for --settle (the workers keep answering with the old set meanwhile),
 * `mxshim ctl reload` loads them at once, SIGUSR1 logs the counters,
 * SIGTERM, SIGINT and SIGQUIT stop, SIGUSR2 and SIGALRM are logged and
 * ignored (harden.c ignores the other stray signals).
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clients.h"
#include "commands.h"
#include "control.h"
#include "harden.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "options.h"
#include "rules.h"
#include "ruleset.h"
#include "stats.h"
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
/* written by the main thread; read by `status` in its own thread too */
static char		 last_reload[COMMANDS_LAST_RELOAD_MAX] = "none";
static pthread_mutex_t	 last_reload_lock = PTHREAD_MUTEX_INITIALIZER;

/* Where a load's messages go: the log, and a control client's reply. */
struct load_report {
	unsigned	 errors;
	FILE		*out;		/* or NULL */
};

/* Log a message and copy it to the reply, if any. */
static void __attribute__((format(printf, 3, 4)))
report(FILE *out, enum log_level level, const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(level, "%s", msg);
	if (out != NULL)
		fprintf(out, "%s\n", msg);
}

static void
diag(void *arg, const struct rules_diag *d)
{
	enum log_level		 level = d->is_error ? LOG_LVL_ERR :
				    LOG_LVL_WARN;
	struct load_report	*rep = arg;

	if (d->is_error)
		rep->errors++;
	if (d->line == 0)
		report(rep->out, level, "%s: %s", d->file, d->message);
	else
		report(rep->out, level, "%s:%u:%u: %s", d->file, d->line,
		    d->column, d->message);
}

/*
 * Load the rules file; NULL after logging why (and saying it to out, when
 * not NULL).  With expect, only the file as it looked then: errno EAGAIN
 * (logged as a warning) when it changed.  empty: RULES_EMPTY_REFUSE on
 * reload, where it would drop every override.
 */
static struct rules *
load_rules(const struct mxshimd_options *cfg, const struct stat *expect,
    int empty, FILE *out)
{
	struct load_report	rep = { 0, out };
	struct rules_load_opts	opts = { .diag = diag, .diag_arg = &rep,
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
		report(out, LOG_LVL_WARN, "%s: changed while it was read: not "
		    "loaded", path);
	else {
		if (saved == EFBIG)
			report(out, LOG_LVL_ERR, "%s: over the limits "
			    "(--max-rules-bytes %zu, --max-rules-lines %zu)",
			    path, cfg->rules_max_bytes, cfg->rules_max_lines);
		else if (saved != 0 && rep.errors == 0)	/* no parse error */
			report(out, LOG_LVL_ERR, "%s: %s", path,
			    strerror(saved));
		report(out, LOG_LVL_ERR, "%s: rules not loaded", path);
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
 * Tell the service manager what is served (and how the last reload went,
 * after one): with ready, that mxshimd answers now.
 */
static void
tell_status(int ready)
{
	struct ruleset	*rs = ruleset_acquire();
	char		 msg[320];
	int		 n;

	n = snprintf(msg, sizeof(msg), "serving %zu rules, generation %lu",
	    rules_count(rs->rules), rs->generation);
	ruleset_release(rs);
	if (strcmp(last_reload, "none") != 0 && n > 0 &&
	    (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, "; last reload %s",
		    last_reload);
	if (ready)
		notify_ready(msg);
	else
		notify_status(msg);
}

/*
 * Remember how the last reload went, for `status` and the service
 * manager, and count it.
 */
static void
reload_result(int ok)
{
	char		when[32];
	time_t		now = time(NULL);
	struct tm	tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	pthread_mutex_lock(&last_reload_lock);
	snprintf(last_reload, sizeof(last_reload), "%s at %s (generation %lu)",
	    ok ? "ok" : "failed", when, ruleset_generation());
	pthread_mutex_unlock(&last_reload_lock);
	stats_add(stats_main(), ok ? STAT_RELOAD_OK : STAT_RELOAD_FAILED);
	tell_status(0);
}

/* The old set stays: say so, and which it is, to the log and out. */
static void
kept(const char *path, FILE *out)
{
	log_err("%s: keeping the rules loaded before (generation %lu)", path,
	    ruleset_generation());
	if (out != NULL)
		fprintf(out, "kept generation %lu\n", ruleset_generation());
	reload_result(0);
}

/*
 * Load the file as it looked (expect) and publish it; the outcome to out
 * too when not NULL.  Returns 1 when loaded, 0 when the old set stays, -1
 * when the file changed since: try again once it is still.
 */
static int
reload(const struct mxshimd_options *cfg, const struct stat *expect, FILE *out)
{
	const char	*path = cfg->rules_path;
	struct rules	*set;
	int		 rc;

	if ((set = load_rules(cfg, expect, RULES_EMPTY_REFUSE, out)) == NULL) {
		rc = errno == EAGAIN ? -1 : 0;
		/* what was parsed was freed: as big as a set, give it back */
		malloc_trim(0);
		if (rc == 0 || out != NULL)
			kept(path, out);
		return rc;
	}
	if (ruleset_publish(set) == -1) {
		rules_free(set);
		report(out, LOG_LVL_ERR, "out of memory: not loaded");
		kept(path, out);
		return 0;
	}
	announce(path, set, "loaded");
	if (out != NULL)
		fprintf(out, "loaded %zu rules from %s (generation %lu)\n",
		    rules_count(set), path, ruleset_generation());
	reload_result(1);
	return 1;
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
reload_step(struct reload *rl, const struct mxshimd_options *cfg)
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
	if (reload(cfg, found ? &rl->seen : NULL, NULL) == -1) {
		rl->looked = 0;
		return;
	}
	memset(rl, 0, sizeof(*rl));
}

/* The main thread's loop: signals, control socket, /metrics, reloads. */
struct main_loop {
	const struct mxshimd_options	*cfg;
	struct event_base	*base;
	struct event		*sig_ev, *tick_ev;
	struct reload		 rl;
	int			 sigfd;
	struct control		*control;
	struct metrics		*metrics;
	struct commands_env	 env;
};

static struct main_loop	loop = { .sigfd = -1 };

/* Next look: soon while a reload waits for the file, else to reap. */
static void
tick_arm(struct main_loop *m)
{
	struct timeval tv = { 0, (m->rl.pending ? SETTLE_POLL_MS :
	    REAP_INTERVAL_MS) * 1000L };

	evtimer_add(m->tick_ev, &tv);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct main_loop *m = arg;

	(void)fd;
	(void)what;
	if (m->rl.pending)
		reload_step(&m->rl, m->cfg);
	ruleset_reap(0);
	tick_arm(m);
}

static void
on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct main_loop	*m = arg;
	struct signalfd_siginfo	 si;
	uint64_t		 v[STAT_COUNT];

	(void)what;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			if (m->rl.pending)
				break;
			log_info("SIGHUP: reloading %s", m->cfg->rules_path);
			m->rl.pending = 1;
			event_active(m->tick_ev, EV_TIMEOUT, 1);
			break;
		case SIGUSR1:
			stats_sum(v, 0);
			stats_log(v);
			break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			log_info("signal %u: stopping", si.ssi_signo);
			event_base_loopbreak(m->base);
			break;
		default:
			log_info("signal %u ignored", si.ssi_signo);
			break;
		}
	}
}

/* `status`, from its own thread: a copy made under the lock. */
static void
ctl_last_reload(char *buf, size_t len)
{
	pthread_mutex_lock(&last_reload_lock);
	snprintf(buf, len, "%s", last_reload);
	pthread_mutex_unlock(&last_reload_lock);
}

/* `mxshim ctl reload`: at once, without waiting for the file to settle. */
static int
ctl_reload(FILE *out)
{
	return reload(loop.cfg, NULL, out) == 1 ? 0 : -1;
}

/*
 * The loop's events, the control socket and /metrics: before detaching
 * and dropping privileges, so errors reach the terminal and low ports
 * and /run can be bound.  0, or -1 after logging.
 */
static int
loop_open(const struct mxshimd_options *cfg, const sigset_t *sigs)
{
	char err[512];

	loop.cfg = cfg;
	if ((loop.base = event_base_new()) == NULL ||
	    (loop.sigfd = signalfd(-1, sigs, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1 ||
	    (loop.sig_ev = event_new(loop.base, loop.sigfd,
	    EV_READ | EV_PERSIST, on_signal, &loop)) == NULL ||
	    (loop.tick_ev = evtimer_new(loop.base, on_tick, &loop)) == NULL) {
		log_err("cannot set up the main loop");
		return -1;
	}
	loop.env = (struct commands_env){ .cfg = cfg, .started = time(NULL),
	    .workers = workers, .reload = ctl_reload,
	    .last_reload = ctl_last_reload };
	if (cfg->control != NULL && (loop.control = control_open(cfg->control,
	    loop.base, commands_run, commands_slow, &loop.env, err,
	    sizeof(err))) == NULL) {
		/* the default is a convenience; a path asked for is a must */
		if (!cfg->control_default) {
			log_err("%s", err);
			return -1;
		}
		log_warn("%s: no control socket (--control PATH, or "
		    "--control none to say so)", err);
	}
	if (cfg->has_metrics &&
	    (loop.metrics = metrics_open(cfg, loop.base, err, sizeof(err))) ==
	    NULL) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

static void
loop_close(void)
{
	metrics_close(loop.metrics);
	control_close(loop.control);
	if (loop.sig_ev != NULL)
		event_free(loop.sig_ev);
	if (loop.tick_ev != NULL)
		event_free(loop.tick_ev);
	if (loop.sigfd != -1)
		close(loop.sigfd);
	if (loop.base != NULL)
		event_base_free(loop.base);
}

/* Serve the operator until told to stop. */
static void
serve(void)
{
	loop.env.nworkers = nworkers;
	memset(&loop.rl, 0, sizeof(loop.rl));
	event_add(loop.sig_ev, NULL);
	tick_arm(&loop);
	event_base_dispatch(loop.base);
}

static int
make_workers(const struct mxshimd_options *cfg, int stop_fd)
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
prepare(struct mxshimd_options *cfg)
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

/*
 * Block the signals serve() takes (through a signalfd), in every thread
 * started after this: the ones an operator sends (SIGUSR2 and SIGALRM
 * are logged and ignored rather than fatal; harden_process() ignores the
 * other stray ones).
 */
static void
block_signals(sigset_t *sigs)
{
	static const int taken[] = { SIGHUP, SIGTERM, SIGINT, SIGQUIT,
	    SIGUSR1, SIGUSR2, SIGALRM };
	size_t i;

	sigemptyset(sigs);
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		sigaddset(sigs, taken[i]);
	pthread_sigmask(SIG_BLOCK, sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Workers and sockets, then detach, pid file, privileges and the first
 * rule set (which ruleset.c owns from then on); 0, or -1 after logging.
 */
static int
launch(const struct mxshimd_options *cfg, const sigset_t *sigs,
    struct rules *set, int stop_fd)
{
	if (make_workers(cfg, stop_fd) == -1 || loop_open(cfg, sigs) == -1 ||
	    (!cfg->foreground && detach() == -1))
		return -1;
	if (!cfg->foreground)
		(void)event_reinit(loop.base);	/* a new process */
	if (!cfg->foreground)
		log_setup(0, cfg->verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (write_pidfile(cfg->pidfile) == -1 ||
	    harden_drop(cfg->user) == -1 || ruleset_publish(set) == -1)
		return -1;
	return 0;
}

/* Stop the workers and free what main() made. */
static void
finish(const struct mxshimd_options *cfg, int stop_fd)
{
	unsigned i;

	(void)!write(stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	for (i = 0; i < nworkers; i++)
		worker_join(workers[i]);
	loop_close();		/* waits for control commands using the rules */
	ruleset_reap(1);
	stats_free();
	clients_free(shared.tcp);
	clients_free(shared.inflight);
	if (cfg->pidfile != NULL)
		(void)unlink(cfg->pidfile);
	log_info("stopped");
}

int
main(int argc, char **argv)
{
	struct mxshimd_options	 cfg;
	struct rules	*set;
	sigset_t	 sigs;
	int		 rc, stop_fd;

	if ((rc = options_parse(argc, argv, &cfg)) != 0)
		return rc == 1 ? 0 : 1;
	log_setup(1, cfg.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (harden_process() == -1 || harden_paths(&cfg) == -1)
		return 1;
	if ((set = load_rules(&cfg, NULL, RULES_EMPTY_WARN, NULL)) == NULL)
		return 1;
	if (harden_check_reread(cfg.user, cfg.rules_path) == -1 ||
	    prepare(&cfg) == -1)
		goto fail;
	/* every thread inherits the mask: only serve() takes signals */
	block_signals(&sigs);
	if ((stop_fd = eventfd(0, EFD_CLOEXEC)) == -1 ||
	    launch(&cfg, &sigs, set, stop_fd) == -1)
		goto fail;
	if (start_workers() == -1)
		return 1;	/* the set belongs to ruleset.c now */
	announce(cfg.rules_path, set, "serving");
	tell_status(1);
	serve();
	notify_stopping();
	finish(&cfg, stop_fd);
	return 0;
fail:
	rules_free(set);
	return 1;
}
