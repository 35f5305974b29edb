/*
 * shim/config.c - the rules and the message context of this process.
 *
 * Read exactly once, in a constructor, because the programs this library
 * is for (Postfix, sendmail) chroot, drop privileges and wipe their
 * environment soon after they start: by the time they resolve anything
 * the file and the variables may be out of reach.  After that the
 * configuration is immutable, so the hooks read it without locks.
 *
 *   MXSHIM_RULES       rules file (default /etc/mxshim/overrides.conf)
 *   MXSHIM_FROM        $from          MXSHIM_AUTHSENDER  $authsender
 *   MXSHIM_SIZE        $size          MXSHIM_RETRIES     $retries
 *
 * A rules file that cannot be loaded leaves set NULL: MX questions then
 * fail with TRY_AGAIN (fail closed) and one line says why on stderr.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

static struct shim_config	conf;
static pthread_once_t		conf_once = PTHREAD_ONCE_INIT;

static void
load_rules(void)
{
	struct rules_first	 fe = { .found = 0 };
	/* the program may dump core: its credentials must not be in it */
	struct rules_load_opts	 opts = { .diag = rules_first_error,
				    .diag_arg = &fe, .no_dump = 1 };
	const char		*path = getenv("MXSHIM_RULES");

	if (path == NULL || *path == '\0')
		path = RULES_DEFAULT_FILE;
	conf.set = rules_load_file(path, &opts);
	if (conf.set != NULL)
		return;
	if (fe.found)
		fprintf(stderr, "libmxshim: %s:%u:%u: %s; MX lookups fail "
		    "temporarily\n", path, fe.line, fe.column, fe.message);
	else
		fprintf(stderr, "libmxshim: cannot load %s: %s; MX lookups "
		    "fail temporarily\n", path, strerror(errno));
}

/* A text attribute: copied, because the environment may be wiped later. */
static void
ctx_text(const char *var, unsigned bit, const char **dst)
{
	const char	*v = getenv(var);

	if (v == NULL || (*dst = strdup(v)) == NULL)
		return;
	conf.ctx.known |= bit;
}

/* A number attribute: unsigned decimal, else unknown with one line. */
static void
ctx_number(const char *var, unsigned bit, uint64_t *dst)
{
	const char	*v = getenv(var);

	if (v == NULL)
		return;
	if (rules_parse_number(v, strlen(v), dst) < 0) {
		fprintf(stderr, "libmxshim: %s=\"%s\" is not an unsigned "
		    "decimal number; conditions on it are false\n", var, v);
		return;
	}
	conf.ctx.known |= bit;
}

static void
conf_init(void)
{
	int	saved = errno;

	load_rules();
	ctx_text("MXSHIM_FROM", RULES_CTX_FROM, &conf.ctx.from);
	ctx_text("MXSHIM_AUTHSENDER", RULES_CTX_AUTHSENDER,
	    &conf.ctx.authsender);
	ctx_number("MXSHIM_SIZE", RULES_CTX_SIZE, &conf.ctx.size);
	ctx_number("MXSHIM_RETRIES", RULES_CTX_RETRIES, &conf.ctx.retries);
	errno = saved;
}

const struct shim_config *
shim_config(void)
{
	pthread_once(&conf_once, conf_init);
	return &conf;
}

/* Before main(), so before any chroot, setuid or clearenv. */
__attribute__((constructor)) static void
shim_init(void)
{
	shim_real();
	shim_config();
}
