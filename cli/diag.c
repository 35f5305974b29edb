/*
 * cli/diag.c - how the command prints diagnostics: errors as
 * "FILE:LINE:COLUMN: message", warnings with "warning: " before the message,
 * so editors and scripts can jump to them.  With a non-NULL arg (an int),
 * errors are also counted there.
 */
#include "config.h"

#include <stdio.h>

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
