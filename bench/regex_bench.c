/*
 * bench/regex_bench.c - what regex conditions cost: compiling, JIT
 * compiling and probing one regex at load (rules/probe.c), and one
 * evaluation of a `$from~=/REGEX/` line, with JIT (what the engine does)
 * and with the interpreter, on an ordinary sender and on the worst sender
 * for a regex that hits the PCRE2 match limit yet passes the load probe.
 *
 *   regex_bench          (make bench-regex runs it)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "rules_int.h"

#define ROUNDS_SECONDS	0.5

struct sample {
	const char	*regex;
	const char	*from;
	const char	*what;
};

/* Microseconds per call of one rules_eval() on set with ctx. */
static double
time_eval(const struct rules *set, const struct rules_ctx *ctx)
{
	struct rules_result	res;
	double			t0 = bench_now(), el;
	long			n = 0;

	do {
		rules_eval(set, "x.example", ctx, NULL, 0, NULL, &res);
		n++;
	} while ((el = bench_now() - t0) < ROUNDS_SECONDS);
	return el / n * 1e6;
}

/* Microseconds per pcre2_match() without JIT, under the set's limits. */
static double
time_interp(const struct rules *set, const char *from, int *rc)
{
	pcre2_match_data	*md = pcre2_match_data_create(1, NULL);
	double			 t0 = bench_now(), el;
	long			 n = 0;

	do {
		*rc = pcre2_match(set->regex[0], (PCRE2_SPTR)from,
		    strlen(from), 0, PCRE2_NO_JIT, md, set->match_ctx);
		n++;
	} while ((el = bench_now() - t0) < ROUNDS_SECONDS);
	pcre2_match_data_free(md);
	return el / n * 1e6;
}

/* Microseconds to compile, JIT-compile and probe the regex, each. */
static void
time_load(const struct rules *set, const char *re, double us[3])
{
	pcre2_code	*code;
	PCRE2_SIZE	 off;
	char		 why[256];
	double		 t[4];
	int		 err, i, n = 200;

	memset(us, 0, 3 * sizeof(*us));
	for (i = 0; i < n; i++) {
		t[0] = bench_now();
		code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0,
		    &err, &off, NULL);
		t[1] = bench_now();
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
		t[2] = bench_now();
		(void)regex_probe(code, set->match_ctx, re, strlen(re), why,
		    sizeof(why));
		t[3] = bench_now();
		pcre2_code_free(code);
		us[0] += (t[1] - t[0]) * 1e6 / n;
		us[1] += (t[2] - t[1]) * 1e6 / n;
		us[2] += (t[3] - t[2]) * 1e6 / n;
	}
}

static void
run(const struct sample *s)
{
	struct rules_ctx	 ctx = { 0 };
	struct rules		*set;
	char			 line[512];
	double			 load[3], jit, interp;
	int			 rc;

	snprintf(line, sizeof(line), "x.example h $from~=/%s/\n", s->regex);
	if ((set = rules_load_buffer("bench", line, strlen(line), NULL)) ==
	    NULL) {
		printf("| `%s` | refused at load |\n", s->regex);
		return;
	}
	ctx.known = RULES_CTX_FROM;
	ctx.from = s->from;
	time_load(set, s->regex, load);
	jit = time_eval(set, &ctx);
	interp = time_interp(set, s->from, &rc);
	printf("| `%s` | %s | %.1f / %.1f / %.1f | %.2f | %.2f | %s |\n",
	    s->regex, s->what, load[0], load[1], load[2], jit, interp,
	    rc == PCRE2_ERROR_MATCHLIMIT ? "match limit" : rc >= 0 ? "match" :
	    "no match");
	rules_free(set);
}

int
main(void)
{
	static char	worst[300];
	size_t		i;
	struct sample	s[] = {
		{ "^bounce-[0-9]+@", "bounce-1234@lists.example", "ordinary" },
		{ "^[a-z0-9._%+-]+@example\\.(com|org)$",
		    "bob.smith@example.org", "ordinary" },
		{ "^(a+)+@example\\.com$", "bob@example.com", "ordinary" },
		{ "^(a+)+@example\\.com$", worst, "worst" },
	};

	/* 240 'a' and "@example.co": the 'm' is there, the end is not */
	memset(worst, 'a', 240);
	strcpy(worst + 240, "@example.co");
	printf("| regex | sender | compile / JIT / probe (us) | "
	    "evaluation, JIT (us) | match, interpreter (us) | result |\n");
	printf("|---|---|---|---|---|---|\n");
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		run(&s[i]);
	return 0;
}
