/*
 * cli/diag.c - how the command prints diagnostics: errors as
 * "FILE:LINE:COLUMN: message", warnings with "warning: " before the message,
 * so editors and scripts can jump to them.  With a non-NULL arg (an int),
 * errors are also counted there.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void
cli_print_diag(void *arg, const struct rules_diag *d)
{
	const char *kind = d->is_error ? "" : "warning: ";

	if (arg != NULL && d->is_error)
		(*(int *)arg)++;
	if (d->line == 0)
		fprintf(stderr, "%s: %s%s\n", d->file, kind, d->message);
	else
		fprintf(stderr, "%s:%u:%u: %s%s\n", d->file, d->line,
		    d->column, kind, d->message);
}

struct rules *
cli_load_rules(const char *cmd, const char *path)
{
	struct rules_load_opts	 opts = { .diag = cli_print_diag };
	struct rules		*set;
	int			 errors = 0;

	opts.diag_arg = &errors;
	if ((set = rules_load_file(path, &opts)) == NULL && errors == 0)
		fprintf(stderr, "mxshim %s: cannot read %s: %s\n", cmd, path,
		    strerror(errno));
	return set;
}
