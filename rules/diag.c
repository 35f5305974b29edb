/*
 * rules/diag.c - the parser's diagnostics: counted, capped at
 * max_errors, handed to the caller's callback with their position.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

static void
diag_emit(struct parse_state *ps, const char *at, int is_error,
    const char *fmt, va_list ap)
{
	struct rules_diag	d;
	char			msg[512];

	if (ps->opts == NULL || ps->opts->diag == NULL)
		return;
	if (ps->reported >= ps->max_errors)
		return;
	if (++ps->reported == ps->max_errors)
		snprintf(msg, sizeof(msg), "too many errors, stopping here");
	else
		vsnprintf(msg, sizeof(msg), fmt, ap);
	d.file = ps->file;
	d.line = ps->line;
	d.column = at ? (unsigned)(at - ps->line_start) + 1 : 0;
	d.is_error = is_error;
	d.message = msg;
	ps->opts->diag(ps->opts->diag_arg, &d);
}

void
rules_first_error(void *arg, const struct rules_diag *d)
{
	struct rules_first *first = arg;

	if (!d->is_error || first->found)
		return;
	first->found = 1;
	first->line = d->line;
	first->column = d->column;
	snprintf(first->message, sizeof(first->message), "%s", d->message);
}

int
parse_error(struct parse_state *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	ps->errors++;
	va_start(ap, fmt);
	diag_emit(ps, at, 1, fmt, ap);
	va_end(ap);
	return -1;
}

void
parse_warning(struct parse_state *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(ps, at, 0, fmt, ap);
	va_end(ap);
}

const char *
diag_quote(const struct parse_state *ps, const char *s, size_t len, char *buf,
    size_t size)
{
	if (ps->secret)
		snprintf(buf, size, "text not shown (the line may hold "
		    "credentials)");
	else if (len + 3 <= size)
		snprintf(buf, size, "'%.*s'", (int)len, s);
	else	/* cut long text, keep the closing quote */
		snprintf(buf, size, "'%.*s...'", (int)(size - 6), s);
	return buf;
}

void
diag_file(const char *file, const struct rules_load_opts *opts, int is_error,
    const char *fmt, ...)
{
	struct rules_diag	d = { file, 0, 0, is_error, NULL };
	char			msg[512];
	va_list			ap;

	if (opts == NULL || opts->diag == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.message = msg;
	opts->diag(opts->diag_arg, &d);
}
