/*
 * rules/lint.c - warnings about valid files that probably do not do what
 * the operator meant: lines that can never apply in resolver mode and
 * lines no query can reach because an earlier unconditional `$end` (or
 * null MX) line with a covering pattern always stops the walk first.
 *
 * Uses the indexes: each chain's first stopping line is found once, so
 * the check is linear in the file plus the labels of each name.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "rules_int.h"

#define LINT_MAX_REPORTS	100

struct lint {
	const struct rules	*set;
	rules_diag_fn		*diag;
	void			*arg;
	uint32_t		*first_stop;	/* per chain head */
	int			 reported;
	int			 suppressed;
};

static int
stops_always(const struct rule *r)
{
	return r->cond_count == 0 &&
	    ((r->flags & RULE_END) || r->server_kind == SERVER_NULL);
}

static uint32_t
chain_first_stop(const struct rules *set, uint32_t at)
{
	for (; at != RULE_NONE; at = set->rule[at].next)
		if (stops_always(set->rule + at))
			return at;
	return RULE_NONE;
}

static void __attribute__((format(printf, 3, 4)))
warn(struct lint *l, const struct rule *r, const char *fmt, ...)
{
	struct rules_diag	d;
	char			msg[256];
	va_list			ap;

	if (l->reported >= LINT_MAX_REPORTS) {
		l->suppressed++;
		return;
	}
	l->reported++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.file = l->set->file;
	d.line = r->line;
	d.column = 1;
	d.is_error = 0;
	d.message = msg;
	if (l->diag)
		l->diag(l->arg, &d);
}

/* The first always-stopping line of the chain that key names, or NONE. */
static uint32_t
stop_for(struct lint *l, const struct rules_index *ix, const char *key,
    size_t len)
{
	uint32_t head = index_find(l->set, ix, key, len);

	return head == RULE_NONE ? RULE_NONE : l->first_stop[head];
}

static uint32_t
min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The earliest always-stopping line whose pattern covers r's. */
static uint32_t
hider(struct lint *l, const struct rule *r, uint32_t catch_all)
{
	const struct rules	*set = l->set;
	const char		*p = RULE_PATTERN(set, r);
	size_t			 len = r->pattern_len, i, start = 0;
	uint32_t		 best = catch_all, at;

	if (r->pattern_kind == PATTERN_EXACT)
		best = min_u32(best, stop_for(l, &set->exact, p, len));
	else if (r->pattern_kind == PATTERN_SUFFIX)
		start = 2;	/* *.K is covered by *.K and *.SUFFIX-OF-K */
	else
		return best;
	if (start == 2)
		best = min_u32(best, stop_for(l, &set->suffix, p + 2, len - 2));
	for (i = start; i < len; i++)
		if (p[i] == '.')
			best = min_u32(best, stop_for(l, &set->suffix,
			    p + i + 1, len - i - 1));
	if (r->pattern_kind == PATTERN_EXACT)
		for (at = set->general_head; at != RULE_NONE && at < best;
		    at = set->rule[at].next)
			if (stops_always(set->rule + at) && rules_glob_match(
			    RULE_PATTERN(set, set->rule + at),
			    set->rule[at].pattern_len, p, len))
				best = at;
	return best;
}

static int
all_stars(const struct rules *set, const struct rule *r)
{
	const char	*p = RULE_PATTERN(set, r);
	size_t		 i;

	for (i = 0; i < r->pattern_len; i++)
		if (p[i] != '*')
			return 0;
	return 1;
}

static void
lint_rule(struct lint *l, uint32_t i, uint32_t *catch_all)
{
	const struct rule	*r = l->set->rule + i;
	uint32_t		 h = hider(l, r, *catch_all);

	if (r->flags & RULE_RESOLVER_DEAD)
		warn(l, r, "this line can never apply in resolver mode: "
		    "mxshimd knows only $client");
	if (h != RULE_NONE && h < i)
		warn(l, r, "this line is never reached: line %u always stops "
		    "first with a covering pattern", l->set->rule[h].line);
	if (*catch_all == RULE_NONE && stops_always(r) &&
	    (r->pattern_kind == PATTERN_ALL ||
	    (r->pattern_kind == PATTERN_GENERAL && all_stars(l->set, r))))
		*catch_all = i;
}

static void
first_stops(struct lint *l, const struct rules_index *ix)
{
	size_t i;

	for (i = 0; i <= ix->mask; i++)
		if (ix->slot[i].head != RULE_NONE)
			l->first_stop[ix->slot[i].head] =
			    chain_first_stop(l->set, ix->slot[i].head);
}

int
rules_lint(const struct rules *set, rules_diag_fn *diag, void *arg)
{
	struct lint		 l = { set, diag, arg, NULL, 0, 0 };
	struct rules_diag	 d;
	char			 msg[128];
	uint32_t		 i, catch_all = RULE_NONE;

	if (set->rule_count > 0 &&
	    (l.first_stop = calloc(set->rule_count, sizeof(uint32_t))) == NULL)
		return -1;
	first_stops(&l, &set->exact);
	first_stops(&l, &set->suffix);
	for (i = 0; i < set->rule_count; i++)
		lint_rule(&l, i, &catch_all);
	free(l.first_stop);
	if (l.suppressed && diag) {
		snprintf(msg, sizeof(msg), "%d more warnings not shown",
		    l.suppressed);
		d.file = set->file;
		d.line = 0;
		d.column = 0;
		d.is_error = 0;
		d.message = msg;
		diag(arg, &d);
	}
	return l.reported + l.suppressed;
}
