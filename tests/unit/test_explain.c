/*
 * tests/unit/test_explain.c - rules/explain.h: where a line's password
 * is (every shown line masks it), and which real MX records a $dnsmx
 * entry of the trace was compared with.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

static int
secret(const char *line, char *out)
{
	size_t	start, end;
	int	found = rules_explain_secret(line, strlen(line), &start, &end);

	if (found)
		snprintf(out, 64, "%.*s", (int)(end - start), line + start);
	return found;
}

Test(secret, the_password_of_the_server_field)
{
	char s[64];

	cr_assert(secret("x.example  joe:letmein@smtp.example:587 $end", s));
	cr_assert_str_eq(s, "letmein");
	cr_assert(secret("\tx.example\tjoe:p:w@h.example", s));
	cr_assert_str_eq(s, "p:w");
}

Test(secret, none_without_credentials)
{
	char s[64];

	cr_assert_not(secret("x.example smtp.example:587", s));
	cr_assert_not(secret("x.example smtp.example $from=a@b:c", s));
	cr_assert_not(secret("x.example", s));
}

struct seen {
	const struct rules	*set;
	const struct rules_real	*real;
	const char		*name;
	size_t			 compared, events;
};

static void
on_event(void *arg, const struct rules_trace_event *ev)
{
	struct seen *s = arg;

	s->events++;
	if (rules_explain_dnsmx(s->set, s->name, s->real, ev) != NULL)
		s->compared++;
}

static size_t
compared(const char *text, unsigned known, size_t *events)
{
	static const struct rules_mx mx[] = { { 10, "mx.google.com" } };
	struct rules_real_rrset	rr = { "x.example", RULES_REAL_OK, 300, 1, mx };
	struct rules_real	real = { 0 };
	struct rules_ctx	ctx = { 0 };
	struct rules		*set = rules_load_buffer("t.conf", text,
				    strlen(text), NULL);
	struct seen		s = { set, &real, "x.example", 0, 0 };
	struct rules_trace	tr = { on_event, &s };
	struct rules_result	*res = malloc(sizeof(*res));

	cr_assert_not_null(set);
	rules_real_add(&real, &rr);
	ctx.known = known;
	rules_eval(set, "x.example", &ctx, &real, 0, &tr, res);
	free(res);
	rules_free(set);
	*events = s.events;
	return s.compared;
}

Test(dnsmx, listed_when_compared)
{
	size_t events;

	/* applied, and false: both compared */
	cr_assert_eq(compared("x.example a.example $dnsmx:*.google.com\n"
	    "x.example b.example $dnsmx:*.other.com\n", 0, &events), 2);
	cr_assert_eq(events, 2);
}

Test(dnsmx, not_listed_when_another_condition_decided)
{
	size_t events;

	cr_assert_eq(compared("x.example a.example $size>5 "
	    "$dnsmx:*.google.com\nx.example b.example\n", 0, &events), 0);
	cr_assert_eq(events, 2);
}
