/*
 * bench/shim/resbench.c - time res_query for one MX question, the call an
 * MTA makes per delivery, to measure libmxshim.so against the alternatives
 * (make bench-shim runs it under each).
 *
 *   resbench NAME ITERATIONS
 *
 * Prints "NAME: N calls, X ns/call" and fails when a call fails, so a
 * broken setup cannot pass for a fast one.
 */
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	unsigned char	ans[4096];
	long		i, n;
	double		t0, t1;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: resbench NAME ITERATIONS\n");
		return 2;
	}
	/* warm up: load the rules, fill caches, check the answer */
	if (res_query(argv[1], ns_c_in, ns_t_mx, ans, sizeof(ans)) <= 0) {
		fprintf(stderr, "resbench: %s MX failed (h_errno %d)\n",
		    argv[1], h_errno);
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (res_query(argv[1], ns_c_in, ns_t_mx, ans,
		    sizeof(ans)) <= 0) {
			fprintf(stderr, "resbench: call %ld failed\n", i);
			return 1;
		}
	t1 = now_ns();
	printf("%s: %ld calls, %.0f ns/call\n", argv[1], n, (t1 - t0) / n);
	return 0;
}
