/*
 * bench/rules_bench.c - load time, peak memory and evaluations per second
 * of the rules engine on one file (bench/engine.sh drives it).
 *
 *   rules_bench FILE N   (N: the line count gen-rules.sh was given)
 *
 * The queried names are a mix: 40% exact hits, 30% subdomains of suffix
 * lines, 30% names no index holds (they still meet the general lines).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"
#include "rules.h"

#define NAMES		4096
#define EVAL_SECONDS	2.0

static void
make_names(char names[NAMES][64], long n)
{
	long i, k;

	srand(42);
	for (i = 0; i < NAMES; i++) {
		k = rand() % (n > 200 ? n - 200 : 1);
		switch (i % 10) {
		case 0: case 1: case 2: case 3:
			snprintf(names[i], 64, "d%ld.example", k - k % 100 +
			    k % 70);
			break;
		case 4: case 5: case 6:
			snprintf(names[i], 64, "mail.s%ld.example",
			    k - k % 100 + 70 + k % 29);
			break;
		default:
			snprintf(names[i], 64, "nobody%ld.example.org", k);
			break;
		}
	}
}

int
main(int argc, char **argv)
{
	static char		 names[NAMES][64];
	struct rules_result	*res = malloc(sizeof(*res));
	struct rules_ctx	 ctx = { 0 };
	struct rules		*set;
	struct rusage		 ru;
	double			 t0, load, elapsed;
	long			 n, evals = 0, answers = 0;
	int			 i;

	if (argc != 3 || res == NULL) {
		fprintf(stderr, "usage: rules_bench FILE LINES\n");
		return 2;
	}
	n = atol(argv[2]);
	t0 = bench_now();
	if ((set = rules_load_file(argv[1], NULL)) == NULL) {
		perror(argv[1]);
		return 1;
	}
	load = bench_now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	make_names(names, n);
	ctx.known = RULES_CTX_CLIENT;
	ctx.client_family = 2;	/* AF_INET 10.0.0.1 */
	ctx.client_addr[0] = 10;
	ctx.client_addr[3] = 1;
	t0 = bench_now();
	do {
		for (i = 0; i < 1024; i++, evals++)
			if (rules_eval(set, names[evals % NAMES], &ctx, NULL, 0,
			    NULL, res) == RULES_ANSWER)
				answers++;
	} while ((elapsed = bench_now() - t0) < EVAL_SECONDS);
	printf("| %ld | %.0f ms | %.0f MB | %.2f M/s | %.0f%% |\n", n, load * 1000,
	    ru.ru_maxrss / 1024.0, evals / elapsed / 1e6,
	    100.0 * answers / evals);
	rules_free(set);
	free(res);
	return 0;
}
