# mxshimd: the DNS stub resolver that answers MX questions from the rules.
# libevent drives each worker and its libunbound context
# (ub_ctx_create_event); Debian's libunbound is built against it.
# libunbound as a stub relaying every question, and the second look at
# what libunbound cannot vouch for: shared with `mxshim route`.
noinst_LTLIBRARIES += resolver/libubstub.la
resolver_libubstub_la_SOURCES = resolver/ubstub.c resolver/ubstub.h \
	resolver/confirm.c resolver/confirm.h
resolver_libubstub_la_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LIBEVENT_CFLAGS)

sbin_PROGRAMS += resolver/mxshimd
resolver_mxshimd_SOURCES = resolver/main.c \
	resolver/options.c resolver/options.h \
	resolver/netaddr.c resolver/netaddr.h \
	resolver/acl.c resolver/acl.h \
	resolver/clients.c resolver/clients.h \
	resolver/listen.c resolver/listen.h \
	resolver/upstream.c resolver/upstream.h \
	resolver/ruleset.c resolver/ruleset.h \
	resolver/worker.c resolver/worker.h \
	resolver/query.c resolver/query.h \
	resolver/cache.c resolver/cache.h \
	resolver/stats.c resolver/stats.h \
	resolver/control.c resolver/control.h \
	resolver/commands.c resolver/commands.h \
	resolver/metrics.c resolver/metrics.h \
	resolver/log.c resolver/log.h \
	resolver/harden.c resolver/harden.h \
	resolver/notify.c resolver/notify.h
resolver_mxshimd_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LDNS_CFLAGS) \
	$(LIBSYSTEMD_CFLAGS) -I$(top_srcdir)/cli
resolver_mxshimd_LDADD = cli/librealmx.la resolver/libubstub.la \
	rules/librules.la answer/libanswer.la \
	$(UNBOUND_LIBS) $(LDNS_LIBS) $(LIBEVENT_LIBS) $(PTHREAD_LIBS) \
	$(LIBSYSTEMD_LIBS)
# what the resolver's tests, benchmark and example need in a tarball
EXTRA_DIST += tests/integration/resolver_rules.sh \
	tests/integration/resolver_protocol.sh \
	tests/integration/resolver_limits.sh tests/helpers/tcp_hold.py \
	tests/integration/resolver_chaos.sh tests/helpers/chaos_upstream.py \
	tests/integration/resolver_ops.sh tests/helpers/resolver.sh \
	tests/integration/resolver_harden.sh tests/integration/resolver_ctl.sh \
	bench/resolver/run.sh bench/resolver/derive.awk \
	bench/resolver/lib.sh bench/resolver/soak.sh \
	bench/resolver/fairness.sh bench/resolver/tcp_greedy.sh bench/resolver/ops.sh \
	bench/resolver/instr.sh tests/integration/resolver_zones.sh
# sd_notify(3): resolver/notify.c
EXTRA_DIST += tests/integration/resolver_notify.sh tests/helpers/notify_listen.py
# the control socket's slow commands off the main loop: resolver/control.h
EXTRA_DIST += tests/integration/resolver_ctl_async.sh
