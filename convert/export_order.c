/*
 * convert/export_order.c - the routes of a rules file for export: lines
 * grouped into routes, a pattern index, and where AsyncOS' or Postfix'
 * "most specific route wins" differs from the rules file's walk in order.
 *
 * Patterns here are NAME, *.SUFFIX and *: one covers another exactly when
 * it is *, or a *.SUFFIX whose suffix ends the other's name at a label
 * boundary, or the same pattern.  So the routes covering a given one are
 * found by looking up each label suffix of its name in a sorted index:
 * the whole check is linear in the number of labels, not quadratic in the
 * number of routes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "export.h"

/* Whether two lines have the same conditions, written the same way. */
static int
same_conds(const struct exp_doc *d, const struct exp_line *a,
    const struct exp_line *b)
{
	struct rules_cond x, y;
	size_t k;

	if (a->nconds != b->nconds)
		return 0;
	for (k = 0; k < a->nconds; k++) {
		exp_cond(d, a, k, &x);
		exp_cond(d, b, k, &y);
		if (x.token_len != y.token_len ||
		    memcmp(x.token, y.token, x.token_len) != 0)
			return 0;
	}
	return 1;
}

static int
group_lines(struct exp_doc *d)
{
	size_t i;

	for (i = 0; i < d->nline; i++) {
		struct exp_line *l = &d->line[i];
		struct exp_group *g = d->ngroup ? &d->group[d->ngroup - 1] :
		    NULL;

		if (l->skip)
			continue;
		/* all lines of a route apply; $end closes it */
		if (g != NULL && !g->end && strcmp(g->l[0].pattern,
		    l->pattern) == 0 && g->l + g->n == l &&
		    same_conds(d, g->l, l)) {
			g->n++;
			g->end = l->end || l->skind == EXP_NULL;
			continue;
		}
		g = realloc(d->group, (d->ngroup + 1) * sizeof(*g));
		if (g == NULL)
			return -1;
		d->group = g;
		g = &d->group[d->ngroup++];
		g->l = l;
		g->n = 1;
		g->end = l->end || l->skind == EXP_NULL;
		g->off = 0;
	}
	return 0;
}

/* ---- the index ------------------------------------------------------- */

static const char *
key_name(const struct exp_line *l)
{
	return l->pkind == EXP_SUFFIX ? l->suffix : l->pattern;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct exp_key *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->g < y->g ? -1 : x->g > y->g;
}

static int
build_index(struct exp_doc *d)
{
	size_t i;

	if ((d->index = calloc(d->ngroup + 1, sizeof(*d->index))) == NULL)
		return -1;
	for (i = 0; i < d->ngroup; i++) {
		d->index[i].kind = d->group[i].l->pkind;
		d->index[i].name = key_name(d->group[i].l);
		d->index[i].g = i;
	}
	qsort(d->index, d->ngroup, sizeof(*d->index), key_cmp);
	return 0;
}

/* The first index entry of (kind, name), or NULL. */
static const struct exp_key *
lookup(const struct exp_doc *d, enum exp_pkind kind, const char *name)
{
	size_t lo = 0, hi = d->ngroup;
	struct exp_key k = { kind, name, 0 };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(&d->index[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->ngroup && d->index[lo].kind == kind &&
	    strcmp(d->index[lo].name, name) == 0)
		return &d->index[lo];
	return NULL;
}

/* The entries of one key follow each other. */
static const struct exp_key *
next_of(const struct exp_doc *d, const struct exp_key *k)
{
	const struct exp_key *n = k + 1;

	if (n < d->index + d->ngroup && n->kind == k->kind &&
	    strcmp(n->name, k->name) == 0)
		return n;
	return NULL;
}

const struct exp_group *
exp_find(const struct exp_doc *d, enum exp_pkind k, const char *name)
{
	const struct exp_key *e;

	for (e = lookup(d, k, name); e != NULL; e = next_of(d, e))
		if (d->group[e->g].n > 0)
			return &d->group[e->g];
	return NULL;
}

const struct exp_group *
exp_parent(const struct exp_doc *d, const char *name)
{
	const struct exp_group *g;
	const char *p;

	/* the label suffixes of name, longest first */
	for (p = strchr(name, '.'); p != NULL; p = strchr(p + 1, '.'))
		if ((g = exp_find(d, EXP_SUFFIX, p + 1)) != NULL)
			return g;
	return exp_find(d, EXP_ALL, "*");
}

int
exp_same_hosts(const struct exp_group *a, const struct exp_group *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct exp_line *x = &a->l[i], *y = &b->l[i];

		if (x->skind != y->skind || strcmp(x->host, y->host) ||
		    x->port != y->port || x->pri != y->pri ||
		    x->lookupmx != y->lookupmx)
			return 0;
	}
	return 1;
}

int
exp_by_pri(const void *a, const void *b)
{
	const struct exp_line *x = *(const struct exp_line *const *)a;
	const struct exp_line *y = *(const struct exp_line *const *)b;

	if (x->pri != y->pri)
		return x->pri < y->pri ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* ---- the order ------------------------------------------------------- */

/*
 * Call fn(d, x, y) for every exported group y whose pattern covers that
 * of group x, x's own pattern included (self: y == x is skipped).
 */
typedef void cover_fn(struct exp_doc *, size_t, size_t);

static void
each_cover(struct exp_doc *d, size_t x, cover_fn *fn)
{
	const struct exp_line *l = d->group[x].l;
	const char *name = key_name(l), *p;
	const struct exp_key *e;

	if (l->pkind != EXP_ALL) {
		for (e = lookup(d, l->pkind, name); e; e = next_of(d, e))
			fn(d, x, e->g);
		for (p = strchr(name, '.'); p != NULL; p = strchr(p + 1, '.'))
			for (e = lookup(d, EXP_SUFFIX, p + 1); e;
			    e = next_of(d, e))
				fn(d, x, e->g);
	}
	for (e = lookup(d, EXP_ALL, "*"); e; e = next_of(d, e))
		fn(d, x, e->g);
}

/* Pass 1: y covers x and comes first. */
static void
earlier_cover(struct exp_doc *d, size_t x, size_t y)
{
	struct exp_group *gx = &d->group[x];
	const struct exp_group *gy = &d->group[y];

	if (y >= x || gx->n == 0 || gy->n == 0)
		return;
	if (gy->end) {
		exp_note(d, gx->l[0].line, "never applies here (line %u "
		    "stops the walk first), but the exported table would use "
		    "it; not exported", gy->l[0].line);
		gx->n = 0;
	} else if (strcmp(gx->l[0].pattern, gy->l[0].pattern) == 0) {
		exp_note(d, gx->l[0].line, "a second route for %s (line %u "
		    "has no $end): its records are added here, but a table "
		    "holds one route per domain; not exported",
		    gx->l[0].pattern, gy->l[0].line);
		gx->n = 0;
	} else
		exp_note(d, gx->l[0].line, "lines %u and %u both apply to "
		    "some names here (no $end on the first); the exported "
		    "table uses only the more specific one", gy->l[0].line,
		    gx->l[0].line);
}

/* Pass 2: y covers x and comes later, x has no $end: merged here. */
static void
later_cover(struct exp_doc *d, size_t x, size_t y)
{
	const struct exp_group *gx = &d->group[x], *gy = &d->group[y];

	if (y <= x || gx->n == 0 || gy->n == 0 || gx->end)
		return;
	exp_note(d, gy->l[0].line, "lines %u and %u both apply to some names "
	    "here (no $end on the first); the exported table uses only the "
	    "more specific one", gx->l[0].line, gy->l[0].line);
}

int
exp_groups(struct exp_doc *d)
{
	if (group_lines(d) != 0 || build_index(d) != 0)
		return -1;
	return 0;
}

/* x and y overlap (y covers x): the earlier one without $end merges. */
static void
first_wins(struct exp_doc *d, size_t x, size_t y)
{
	const struct exp_group *a, *b;

	if (x == y || (y < x && strcmp(d->group[x].l->pattern,
	    d->group[y].l->pattern) == 0))
		return;		/* one pattern: seen from the earlier one */
	a = &d->group[x < y ? x : y];
	b = &d->group[x < y ? y : x];
	if (a->n == 0 || b->n == 0 || a->end || a->off || b->off)
		return;
	exp_note(d, b->l[0].line, "lines %u and %u both apply to some mail "
	    "(no $end on the first): the rules add up their hosts, %s uses "
	    "line %u's alone", a->l[0].line, b->l[0].line, d->product,
	    a->l[0].line);
}

void
exp_first_wins(struct exp_doc *d, const char *product)
{
	size_t i;

	d->product = product;
	for (i = 0; i < d->ngroup; i++)
		each_cover(d, i, first_wins);
}

int
exp_routes(struct exp_doc *d)
{
	size_t i;

	if (exp_groups(d) != 0)
		return -1;
	for (i = 0; i < d->ngroup; i++)
		each_cover(d, i, earlier_cover);
	for (i = 0; i < d->ngroup; i++)
		each_cover(d, i, later_cover);
	return 0;
}
