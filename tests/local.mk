# Tests: Criterion unit tests in tests/unit, shell integration tests in
# tests/integration, all reporting TAP to tests/run.
CRIT_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
CRIT_LIBS = $(CRITERION_LIBS)

UNIT_TESTS = tests/unit/test_rules
tests_unit_test_rules_SOURCES = tests/unit/test_rules.c tests/unit/rules_fixture.h
tests_unit_test_rules_CFLAGS = $(CRIT_CFLAGS)
tests_unit_test_rules_LDADD = rules/librules.la $(CRIT_LIBS) $(PTHREAD_LIBS)

UNIT_TESTS += tests/unit/test_answer
tests_unit_test_answer_SOURCES = tests/unit/test_answer.c
tests_unit_test_answer_CFLAGS = $(CRIT_CFLAGS) $(LDNS_CFLAGS)
tests_unit_test_answer_LDADD = answer/libanswer.la rules/librules.la \
	$(LDNS_LIBS) $(CRIT_LIBS)
tests_unit_test_rules_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit

# Build every test program without running anything: tests/run does that.
check-build: check-criterion $(check_PROGRAMS) $(bin_PROGRAMS) $(sbin_PROGRAMS) $(lib_LTLIBRARIES) $(pkglib_LTLIBRARIES)
.PHONY: check-build
include $(srcdir)/tests/shim/local.mk
UNIT_TESTS += tests/unit/test_import	# its sources: convert/local.mk
UNIT_TESTS += tests/unit/test_answer_relay	# mxshimd's relayed answers
tests_unit_test_answer_relay_SOURCES = tests/unit/test_answer_relay.c
tests_unit_test_answer_relay_CFLAGS = $(CRIT_CFLAGS) $(LDNS_CFLAGS)
tests_unit_test_answer_relay_LDADD = answer/libanswer.la rules/librules.la $(LDNS_LIBS) $(CRIT_LIBS)
UNIT_TESTS += tests/unit/test_explain	# rules/explain.h
tests_unit_test_explain_SOURCES = tests/unit/test_explain.c
tests_unit_test_explain_CFLAGS = $(CRIT_CFLAGS)
tests_unit_test_explain_LDADD = rules/librules.la $(CRIT_LIBS)

# The unit tests need Criterion, which configure does not insist on (a
# production build does not need it): without it, check-build and check
# stop and say what to install.
if HAVE_CRITERION
check_PROGRAMS += $(UNIT_TESTS)
endif
check-criterion:
if !HAVE_CRITERION
	@echo "Criterion not found: apt-get install libcriterion-dev, then ./configure" >&2; exit 1
endif
# make check: the whole suite (tests/run), failing when a test fails.  In
# a build outside the source tree (make distcheck) only the unit tests
# run: tests/run and the integration tests take the programs from the
# source tree (CI runs them there).
check-local: check-criterion
	@if test '$(srcdir)' = .; then $(SHELL) $(srcdir)/tests/run; else \
	    echo "make check: built outside the source tree: unit tests only"; \
	    for t in $(UNIT_TESTS); do ./$$t -j1 || exit 1; done; fi
.PHONY: check-criterion
# the test helpers not listed beside the tests that use them
EXTRA_DIST += tests/helpers/pf.sh tests/helpers/exim.sh
# what tests/run needs in a tarball (other folders list their own scripts)
EXTRA_DIST += tests/run tests/lib.sh \
	tests/integration/cli_check.sh tests/integration/cli_route.sh \
	tests/integration/example.sh \
	tests/integration/exim_preload.sh tests/integration/exim_resolver.sh \
	tests/integration/postfix_plain.sh tests/integration/postfix_preload.sh \
	tests/integration/postfix_resolver.sh tests/integration/package_smoke.sh \
	tests/integration/deploy_postfix.sh tests/helpers/systemctl \
	tests/postfix/exim.conf.in tests/postfix/main.cf.in \
	tests/postfix/overrides.conf tests/postfix/zones.conf
# make check-systemd: the Debian package's unit under a real systemd, in
# a booted Debian 12 container (tests/systemd/boot.sh); opt-in, as root:
# it builds the package, and the container's root once (about a minute).
check-systemd:
	cd $(srcdir) && ./bootstrap.sh systemd
.PHONY: check-systemd
EXTRA_DIST += tests/systemd/boot.sh tests/systemd/inside.sh
UNIT_TESTS += tests/unit/test_confirm	# resolver/confirm.h, the second look
tests_unit_test_confirm_SOURCES = tests/unit/test_confirm.c
tests_unit_test_confirm_CFLAGS = $(CRIT_CFLAGS) $(LDNS_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_confirm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/resolver
tests_unit_test_confirm_LDADD = resolver/libubstub.la answer/libanswer.la \
	rules/librules.la $(UNBOUND_LIBS) $(LDNS_LIBS) $(LIBEVENT_LIBS) $(CRIT_LIBS)
# Postfix unpacked, as where another MTA is installed (tests/helpers/pf.sh)
EXTRA_DIST += tests/integration/postfix_unpacked.sh
