/*
 * convert/import_doc.c - the document an importer fills: entries, their
 * override lines and notes, sorting, checking with the engine, rendering.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "import.h"

void
imp_doc_init(struct imp_doc *doc, const char *srcname, const char *format)
{
	memset(doc, 0, sizeof(*doc));
	doc->srcname = srcname;
	doc->format = format;
	doc->err = stderr;
}

static void
entry_free(struct imp_entry *e)
{
	size_t i;

	for (i = 0; i < e->nline; i++) {
		free(e->line[i].pattern);
		free(e->line[i].server);
		free(e->line[i].tokens);
	}
	for (i = 0; i < e->nnote; i++)
		free(e->note[i]);
	free(e->line);
	free(e->note);
	free(e->src_text);
}

void
imp_doc_free(struct imp_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->nentry; i++)
		entry_free(&doc->entry[i]);
	free(doc->entry);
	doc->entry = NULL;
	doc->nentry = doc->cap = 0;
}

struct imp_entry *
imp_entry_new(struct imp_doc *doc, unsigned src_line, const char *text)
{
	struct imp_entry *e;

	if (doc->nentry == doc->cap) {
		size_t ncap = doc->cap ? doc->cap * 2 : 64;
		struct imp_entry *n = realloc(doc->entry, ncap * sizeof(*n));

		if (n == NULL)
			return NULL;
		doc->entry = n;
		doc->cap = ncap;
	}
	e = &doc->entry[doc->nentry];
	memset(e, 0, sizeof(*e));
	e->src_line = src_line;
	e->order = doc->nentry;
	if ((e->src_text = strdup(text)) == NULL)
		return NULL;
	doc->nentry++;
	return e;
}

void
imp_entry_drop(struct imp_doc *doc, size_t i)
{
	if (i >= doc->nentry)
		return;
	entry_free(&doc->entry[i]);
	memmove(&doc->entry[i], &doc->entry[i + 1],
	    (doc->nentry - i - 1) * sizeof(doc->entry[0]));
	doc->nentry--;
}

int
imp_line_add(struct imp_entry *e, const char *pattern, const char *server,
    const char *tokfmt, ...)
{
	struct imp_line *n, *l;
	va_list ap;
	char *tok;
	int r;

	va_start(ap, tokfmt);
	r = vasprintf(&tok, tokfmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	n = realloc(e->line, (e->nline + 1) * sizeof(*n));
	if (n == NULL) {
		free(tok);
		return -1;
	}
	e->line = n;
	l = &e->line[e->nline];
	l->pattern = strdup(pattern);
	l->server = strdup(server);
	l->tokens = tok;
	if (l->pattern == NULL || l->server == NULL) {
		free(l->pattern);
		free(l->server);
		free(tok);
		return -1;
	}
	e->nline++;
	return 0;
}

void
imp_note(struct imp_doc *doc, struct imp_entry *e, const char *fmt, ...)
{
	va_list ap;
	char *msg, **n;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	if (!doc->quiet) {
		fprintf(doc->err, "%s:%u: warning: %s\n", doc->srcname,
		    e->src_line, msg);
		doc->warnings++;
	}
	n = realloc(e->note, (e->nnote + 1) * sizeof(*n));
	if (n == NULL) {
		free(msg);
		return;
	}
	e->note = n;
	e->note[e->nnote++] = msg;
}

void
imp_error(struct imp_doc *doc, unsigned src_line, const char *fmt, ...)
{
	va_list ap;

	fprintf(doc->err, "%s:%u: error: ", doc->srcname, src_line);
	va_start(ap, fmt);
	vfprintf(doc->err, fmt, ap);
	va_end(ap);
	fputc('\n', doc->err);
	doc->errors++;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct imp_entry *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->speclen != y->speclen)
		return x->speclen > y->speclen ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return 0;
}

void
imp_sort(struct imp_doc *doc, const char *why)
{
	/* order is unique, so qsort is stable here */
	if (doc->nentry > 1)
		qsort(doc->entry, doc->nentry, sizeof(*doc->entry),
		    entry_cmp);
	doc->order = why;
}

/* ---- checking with the engine ------------------------------------------ */

static void
render_line(FILE *f, const struct imp_line *l, int disabled)
{
	fprintf(f, "%s%s %s%s%s\n", disabled ? "# off: " : "", l->pattern,
	    l->server, l->tokens[0] ? " " : "", l->tokens);
}

/* Load the lines of e; returns 0 when the engine accepts them. */
static int
entry_check(struct imp_doc *doc, const struct imp_entry *e)
{
	struct rules_load_opts opts = { 0 };
	struct rules_first fe = { .found = 0 };
	struct rules *set;
	size_t i, len;
	char *text = NULL;
	FILE *f;

	if ((f = open_memstream(&text, &len)) != NULL)
		for (i = 0; i < e->nline; i++)
			render_line(f, &e->line[i], 0);
	if (f == NULL || imp_memclose(f) != 0) {
		free(text);
		imp_error(doc, e->src_line, "out of memory");
		return -1;
	}
	opts.diag = rules_first_error;
	opts.diag_arg = &fe;
	set = rules_load_buffer(doc->srcname, text, len, &opts);
	free(text);
	if (set != NULL) {
		rules_free(set);
		return 0;
	}
	if (fe.found)
		imp_error(doc, e->src_line, "cannot be written as an override "
		    "(column %u: %s)", fe.column, fe.message);
	else
		imp_error(doc, e->src_line, "cannot be written as an override "
		    "(rejected)");
	return -1;
}

int
imp_validate(struct imp_doc *doc)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < doc->nentry; i++)
		if (entry_check(doc, &doc->entry[i]) != 0)
			bad++;
	return bad;
}

/* ---- rendering --------------------------------------------------------- */

static void
render_comment(FILE *f, const char *prefix, const char *text)
{
	const char *p = text, *nl;

	/* keep multi-line source text inside the comment */
	do {
		nl = strchr(p, '\n');
		fprintf(f, "# %s%.*s\n", prefix,
		    (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		prefix = "  ";
		p = nl ? nl + 1 : NULL;
	} while (p != NULL && *p != '\0');
}

static void
render_entry(FILE *f, const struct imp_doc *doc, const struct imp_entry *e)
{
	char where[512];
	size_t i;

	snprintf(where, sizeof(where), "%s:%u: ", doc->srcname, e->src_line);
	fputc('\n', f);
	render_comment(f, where, e->src_text);
	for (i = 0; i < e->nnote; i++)
		render_comment(f, "not carried: ", e->note[i]);
	for (i = 0; i < e->nline; i++)
		render_line(f, &e->line[i], e->disabled);
}

char *
imp_render(const struct imp_doc *doc, size_t *lenp)
{
	char *text = NULL;
	size_t i;
	FILE *f;

	if ((f = open_memstream(&text, lenp)) == NULL)
		return NULL;
	fprintf(f, "# Override lines imported by `mxshim import --format %s` "
	    "from %s.\n", doc->format, doc->srcname);
	fprintf(f, "# Each source entry is quoted above its lines; "
	    "\"not carried\" says what DNS\n# cannot express, \"off:\" marks "
	    "lines left disabled.\n");
	if (doc->order)
		fprintf(f, "# Ordered %s;\n# $end stops the walk at the route "
		    "that applies.\n", doc->order);
	for (i = 0; i < doc->nentry; i++)
		render_entry(f, doc, &doc->entry[i]);
	if (imp_memclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
