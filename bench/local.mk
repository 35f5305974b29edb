# Benchmarks (not tests), one make target each, building what it needs
# first; `make bench` runs them all.  Figures go to bench/out/ and the
# doc/ pages (doc/benchmarks.md).  BENCH_ARGS: options for the script.
#   bench-engine    the rules engine at 10k, 100k, 1M lines (bench/engine.sh)
#   bench-regex     what a regex condition costs (bench/regex_bench)
#   bench-answer    the wire code's synthesized path (bench/answer_bench)
#   bench-shim      libmxshim.so's res_query against a loopback round trip
#                   and cwrap (bench/shim/run.sh; root)
#   bench-resolver  mxshimd against Unbound and dnsmasq (bench/resolver/run.sh)
#   bench-soak      reloads under load (bench/resolver/soak.sh)
#   bench-fairness  a flooding client beside an ordinary one
#                   (bench/resolver/fairness.sh)
#   bench-ops       counting and --log-queries against a build without
#                   counting: rates and CPU (bench/resolver/ops.sh), and
#                   instructions per question (bench/resolver/instr.sh)
EXTRA_PROGRAMS = bench/rules_bench
bench_rules_bench_SOURCES = bench/rules_bench.c bench/bench.h
bench_rules_bench_LDADD = rules/librules.la
CLEANFILES += bench/rules_bench
EXTRA_PROGRAMS += bench/regex_bench
bench_regex_bench_SOURCES = bench/regex_bench.c bench/bench.h
bench_regex_bench_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
bench_regex_bench_LDADD = rules/librules.la
CLEANFILES += bench/regex_bench
EXTRA_PROGRAMS += bench/answer_bench
bench_answer_bench_SOURCES = bench/answer_bench.c
bench_answer_bench_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
bench_answer_bench_LDADD = answer/libanswer.la rules/librules.la $(LDNS_LIBS)
CLEANFILES += bench/answer_bench
# res_query as an MTA calls it: libc only, the shim comes by LD_PRELOAD
EXTRA_PROGRAMS += bench/resbench
bench_resbench_SOURCES = bench/shim/resbench.c
CLEANFILES += bench/resbench

bench: bench-engine bench-regex bench-answer bench-shim bench-resolver \
	bench-soak bench-fairness bench-ops
bench-engine: bench/rules_bench
	$(SHELL) $(srcdir)/bench/engine.sh $(BENCH_ARGS)
bench-regex: bench/regex_bench
	bench/regex_bench $(BENCH_ARGS)
bench-answer: bench/answer_bench
	bench/answer_bench $(BENCH_ARGS)
bench-shim: bench/resbench $(pkglib_LTLIBRARIES)
	$(SHELL) $(srcdir)/bench/shim/run.sh $(BENCH_ARGS)
bench-resolver: $(sbin_PROGRAMS)
	$(SHELL) $(srcdir)/bench/resolver/run.sh $(BENCH_ARGS)
bench-soak: $(sbin_PROGRAMS)
	$(SHELL) $(srcdir)/bench/resolver/soak.sh $(BENCH_ARGS)
bench-fairness: $(sbin_PROGRAMS)
	$(SHELL) $(srcdir)/bench/resolver/fairness.sh $(BENCH_ARGS)
bench-ops: $(sbin_PROGRAMS) bench/resolver/mxshimd_nostats
	$(SHELL) $(srcdir)/bench/resolver/ops.sh $(BENCH_ARGS)
	$(SHELL) $(srcdir)/bench/resolver/instr.sh
.PHONY: bench bench-engine bench-regex bench-answer bench-shim \
	bench-resolver bench-soak bench-fairness bench-ops
EXTRA_DIST += bench/engine.sh bench/gen-rules.sh
# bench-tcp-greedy: mxshimd's memory under TCP clients that read no answer
bench-tcp-greedy: $(sbin_PROGRAMS)
	$(SHELL) $(srcdir)/bench/resolver/tcp_greedy.sh $(BENCH_ARGS)
.PHONY: bench-tcp-greedy
# mxshimd with its counters compiled out (MXSHIMD_NO_STATS): the peer
# bench/resolver/ops.sh measures counting against.
EXTRA_PROGRAMS += bench/resolver/mxshimd_nostats
bench_resolver_mxshimd_nostats_SOURCES = $(resolver_mxshimd_SOURCES)
bench_resolver_mxshimd_nostats_CFLAGS = $(resolver_mxshimd_CFLAGS) \
	-DMXSHIMD_NO_STATS
bench_resolver_mxshimd_nostats_LDADD = $(resolver_mxshimd_LDADD)
CLEANFILES += bench/resolver/mxshimd_nostats
