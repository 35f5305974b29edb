/*
 * resolver/commands.h - what `mxshim ctl` can ask mxshimd: reload,
 * status, stats [--reset], top [N], route NAME [--client IP], flush.
 * Each writes its reply lines to a stream and says ok or error.  status
 * and route wait on the network (upstream probes, real MX lookups), so
 * they are slow (control.h): they run in threads of their own and read
 * only what is safe from any thread (the options, the reference-counted
 * rule set, last_reload()).  The others run on the main thread.
 */
#ifndef MXSHIMD_COMMANDS_H
#define MXSHIMD_COMMANDS_H

#include <stdio.h>
#include <time.h>

#include "options.h"

struct worker;

/* last_reload()'s text at most, the NUL included */
#define COMMANDS_LAST_RELOAD_MAX	160

/* What the commands work on, owned by main(). */
struct commands_env {
	const struct mxshimd_options	*cfg;
	time_t			 started;
	struct worker *const	*workers;
	unsigned		 nworkers;
	/*
	 * Load the rules file now and publish it; the outcome lines to out
	 * ("loaded N rules from FILE (generation G)", or the errors and
	 * "kept generation G").  0 or -1.
	 */
	int			(*reload)(FILE *out);
	/* How the last reload went, "none", "ok at ...", into buf (len
	   COMMANDS_LAST_RELOAD_MAX is enough); safe from any thread. */
	void			(*last_reload)(char *buf, size_t len);
};

/* A control_fn: arg is a struct commands_env. */
int commands_run(void *arg, int argc, char **argv, FILE *out);

/* A control_slow_fn: status and route, which wait on the network. */
int commands_slow(void *arg, int argc, char **argv);

#endif /* MXSHIMD_COMMANDS_H */
