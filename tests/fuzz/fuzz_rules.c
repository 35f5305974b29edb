/*
 * tests/fuzz/fuzz_rules.c - libFuzzer target for the rules parser and
 * evaluator: any bytes as a rules file.  A file that loads is linted and
 * evaluated for a few fixed names and for names made from its own
 * patterns and servers, with and without a context, with stubbed real
 * data; every answer is built with answer_mx() and read back with ldns.
 */
#include "config.h"

#include <string.h>

#include <ldns/ldns.h>

#include "fuzz.h"

#define MAX_DERIVED	4	/* names taken from the input */

static const char *const fixed_names[] = {
	"example.com", "a.b.example.com", "partner.example",
	"192-0-2-1.v4.mxshim.invalid",
};

/*
 * Diagnostics must say something, and errors where.  (rules_lint() ends
 * with a line-0 warning, "N more warnings not shown", about the file.)
 */
static void
check_diag(void *arg, const struct rules_diag *d)
{
	FUZZ_CHECK(d->message != NULL && strlen(d->message) > 0,
	    "diagnostic without a message");
	FUZZ_CHECK(d->line >= 1 || !d->is_error, "error without a line");
	FUZZ_CHECK(d->file != NULL, "diagnostic without a file name");
}

/*
 * The field of a line starting at p (up to the end, a blank or a newline),
 * made into a name a pattern of that form could match: `*` and `?` become
 * letters.  Returns where the field ends.
 */
static const char *
field_name(const char *p, const char *end, char *out)
{
	size_t	n = 0;

	for (; p < end && *p != ' ' && *p != '\t' && *p != '\n'; p++)
		if (n < RULES_MAX_NAME)
			out[n++] = *p == '*' ? 'x' : *p == '?' ? 'q' : *p;
	out[n] = '\0';
	return p;
}

/* Names from the first two fields of the input's first lines. */
static size_t
derive_names(const char *text, size_t len, char names[][RULES_MAX_NAME + 1])
{
	const char	*p = text, *end = text + len, *nl;
	size_t		 n = 0;

	while (p < end && n + 2 <= MAX_DERIVED) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		if (p < nl && *p != '#') {
			p = field_name(p, nl, names[n++]);
			while (p < nl && (*p == ' ' || *p == '\t'))
				p++;
			/* the server, without credentials or port */
			if (memchr(p, '@', (size_t)(nl - p)) != NULL)
				p = (const char *)memchr(p, '@',
				    (size_t)(nl - p)) + 1;
			field_name(p, nl, names[n]);
			names[n][strcspn(names[n], ":")] = '\0';
			n++;
		}
		p = nl + 1;
	}
	return n;
}

/* One name in one context, and its answer when there is one. */
static void
run(const struct rules *set, const char *name, const struct rules_ctx *ctx,
    int trace)
{
	struct fuzz_real	fr;
	struct rules_result	res;
	struct answer_question	q;
	enum rules_rc		rc;

	fuzz_real_init(&fr);
	rc = fuzz_eval(set, name, ctx, &fr, trace, &res);
	if (rc != RULES_ANSWER && rc != RULES_NULL_MX)
		return;
	/* names with zone-file escapes may mean something else there */
	if (answer_question_make(&q, 0x1234, name, LDNS_RR_CLASS_IN,
	    LDNS_RR_TYPE_MX, 1) == 0)
		fuzz_answer_mx(&q, &res, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* limits small enough for inputs of -max_len to reach them */
	struct rules_load_opts	 opts = { .diag = check_diag,
				    .max_lines = 100, .max_errors = 3 };
	char			 names[MAX_DERIVED][RULES_MAX_NAME + 1];
	struct rules		*set;
	size_t			 i, n;

	set = rules_load_buffer("fuzz.conf", (const char *)data, size, &opts);
	if (set == NULL)
		return 0;
	rules_lint(set, check_diag, NULL);
	FUZZ_CHECK(rules_count(set) <= size, "more rules than bytes");
	(void)rules_has_ports(set);
	(void)rules_has_credentials(set);
	for (i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++)
		run(set, fixed_names[i], &fuzz_ctx_full, i == 0);
	n = derive_names((const char *)data, size, names);
	for (i = 0; i < n; i++) {
		run(set, names[i], &fuzz_ctx_full, 1);
		run(set, names[i], &fuzz_ctx_none, 0);
	}
	rules_free(set);
	return 0;
}
