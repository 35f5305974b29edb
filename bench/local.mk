# Benchmarks (not tests): bench/engine.sh, bench/regex.sh, and the
# resolver and shim benchmarks in their folders.
EXTRA_PROGRAMS = bench/rules_bench
bench_rules_bench_SOURCES = bench/rules_bench.c bench/bench.h
bench_rules_bench_LDADD = rules/librules.la
CLEANFILES += bench/rules_bench
EXTRA_PROGRAMS += bench/regex_bench
bench_regex_bench_SOURCES = bench/regex_bench.c bench/bench.h
bench_regex_bench_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
bench_regex_bench_LDADD = rules/librules.la
CLEANFILES += bench/regex_bench
