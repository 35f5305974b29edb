/*
 * resolver/commands.h - what `mxshim ctl` can ask mxshimd: reload,
 * status, stats [--reset], top [N], route NAME [--client IP], flush.
 * Run by the main thread (control.h), one request at a time; each writes
 * its reply lines to a stream and says ok or error.
 */
#ifndef MXSHIMD_COMMANDS_H
#define MXSHIMD_COMMANDS_H

#include <stdio.h>
#include <time.h>

#include "options.h"

struct worker;

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
	const char		*last_reload;	/* "none", "ok at ...", ... */
};

/* A control_fn: arg is a struct commands_env. */
int commands_run(void *arg, int argc, char **argv, FILE *out);

#endif /* MXSHIMD_COMMANDS_H */
