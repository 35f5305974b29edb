/*
 * convert/export_read.c - a loaded rule set's lines as export records,
 * and the notes on what cannot be carried (export.h).
 *
 * The lines come from the engine (rules_line_get()): the parser stays the
 * only reader of the language.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

void
exp_note(struct exp_doc *d, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line != 0) {
		fprintf(d->err, "%s:%u: warning: %s\n", d->srcname, line, msg);
		fprintf(d->notes, "#   line %u: %s\n", line, msg);
	} else {
		fprintf(d->err, "%s: warning: %s\n", d->srcname, msg);
		fprintf(d->notes, "#   %s\n", msg);
	}
	d->warnings++;
}

static enum exp_pkind
pattern_kind(enum rules_pattern_kind k)
{
	switch (k) {
	case RULES_PATTERN_EXACT:
		return EXP_EXACT;
	case RULES_PATTERN_SUFFIX:
		return EXP_SUFFIX;
	case RULES_PATTERN_ALL:
		return EXP_ALL;
	default:
		return EXP_GLOB;
	}
}

static void
take_server(struct exp_line *l, const struct rules_server *s)
{
	if (s->kind == RULES_SERVER_NULL) {
		l->skind = EXP_NULL;
		return;
	}
	if (s->kind == RULES_SERVER_USEDNS) {
		l->skind = EXP_USEDNS;
		return;
	}
	l->skind = EXP_HOST;
	l->host_kind = s->kind;
	snprintf(l->host, sizeof(l->host), "%s", s->host);
	l->port = s->port;
	l->user = s->user;
	l->pass = s->pass;
}

void
exp_drop(struct exp_doc *d, struct exp_line *l)
{
	const char *tok;
	size_t len;

	tok = rules_line_cond(d->set, l->idx, 0, &len);
	l->skip = 1;
	exp_note(d, l->line, "condition %.*s cannot be expressed; the line "
	    "is not exported", (int)len, tok);
}

/* What no product can carry marks the line skipped. */
static void
check_line(struct exp_doc *d, struct exp_line *l, size_t nconds,
    unsigned flags)
{
	if (flags & EXP_CONDS)
		l->nconds = nconds;
	else if (nconds > 0)
		/* conditions and $dnsmx depend on the message or on real
		   DNS: a static table cannot say that */
		exp_drop(d, l);
	if (l->pkind == EXP_GLOB && !l->skip) {
		l->skip = 1;
		exp_note(d, l->line, "pattern %s is a general wildcard; only "
		    "NAME, *.NAME and * can be exported", l->pattern);
	}
	if (l->adddns && !l->skip)
		exp_note(d, l->line, "$adddns (keep the real MX records too) "
		    "is not carried");
}

static void
take_line(struct exp_doc *d, size_t i, unsigned flags)
{
	struct exp_line *l = &d->line[i];
	struct rules_line rl;

	rules_line_get(d->set, i, &rl);
	memset(l, 0, sizeof(*l));
	l->line = rl.line;
	l->idx = i;
	snprintf(l->pattern, sizeof(l->pattern), "%s", rl.pattern);
	l->pkind = pattern_kind(rl.pattern_kind);
	if (l->pkind == EXP_SUFFIX)
		l->suffix = l->pattern + 2;
	take_server(l, &rl.server);
	l->pri = rl.priority;
	l->pri_set = (rl.flags & RULES_LINE_PRIORITY) != 0;
	l->end = (rl.flags & RULES_LINE_END) != 0;
	l->lookupmx = (rl.flags & RULES_LINE_LOOKUPMX) != 0;
	l->adddns = (rl.flags & RULES_LINE_ADDDNS) != 0;
	check_line(d, l, rl.cond_count, flags);
}

int
exp_read(struct exp_doc *d, const struct rules *set, const char *srcname,
    FILE *err, unsigned flags)
{
	size_t i, n = rules_count(set);

	memset(d, 0, sizeof(*d));
	d->srcname = srcname;
	d->set = set;
	d->err = err;
	d->notes = open_memstream(&d->notes_text, &d->notes_len);
	d->line = calloc(n ? n : 1, sizeof(*d->line));
	if (d->notes == NULL || d->line == NULL)
		return -1;
	d->nline = n;
	for (i = 0; i < n; i++)
		take_line(d, i, flags);
	return ferror(d->notes) ? -1 : 0;
}

int
exp_printable(const char *s, int inner_spaces)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f)
			return 0;
		if (c == ' ' && (!inner_spaces || i == 0 || i == n - 1))
			return 0;
	}
	return 1;
}

void
exp_put(FILE *out, const char *text, size_t len, int off)
{
	size_t i;
	int bol = 1;

	for (i = 0; i < len; i++) {
		if (bol && off)
			fputs("# ", out);
		fputc(text[i], out);
		bol = text[i] == '\n';
	}
}

void
exp_cond(const struct exp_doc *d, const struct exp_line *l, size_t k,
    struct rules_cond *c)
{
	rules_line_cond_get(d->set, l->idx, k, c);
}

void
exp_doc_free(struct exp_doc *d)
{
	if (d->notes != NULL)
		fclose(d->notes);
	free(d->notes_text);
	free(d->line);
	free(d->group);
	free(d->index);
	memset(d, 0, sizeof(*d));
}
