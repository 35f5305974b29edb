# The shim's test program, built twice: the way programs link today
# (res_query@GLIBC_2.34) and against the names older binaries reference
# (__res_query@GLIBC_2.2.5 ...).  tests/integration/shim_*.sh run them.
check_PROGRAMS += tests/shim/shimq tests/shim/shimq_old
tests_shim_shimq_SOURCES = tests/shim/shimq.c
tests_shim_shimq_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
tests_shim_shimq_LDADD = $(LDNS_LIBS) $(PTHREAD_LIBS)
tests_shim_shimq_old_SOURCES = tests/shim/shimq.c
tests_shim_shimq_old_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) -DSHIMQ_OLD_NAMES
tests_shim_shimq_old_LDADD = $(LDNS_LIBS) $(PTHREAD_LIBS)
EXTRA_DIST += tests/helpers/shim.sh tests/shim/zone.conf \
	tests/integration/shim_res.sh tests/integration/shim_context.sh \
	tests/integration/shim_addr.sh tests/integration/shim_threads.sh \
	tests/integration/shim_run.sh tests/integration/shim_postfix.sh \
	tests/integration/shim_core.sh \
	bench/shim/run.sh bench/shim/resbench.c
