# The mxshim command: check, route, run, import, export.
# Each subcommand family keeps its sources in its own .mk file.
CLI_RUN_SOURCES =
CLI_RUN_LIBS =
include $(srcdir)/cli/run.mk

# Real MX lookups through libunbound: `mxshim route` and mxshimd's
# control command `route` both use them.
noinst_LTLIBRARIES += cli/librealmx.la
cli_librealmx_la_SOURCES = cli/realmx.c cli/realmx.h \
	cli/nexthop.c cli/nexthop.h
cli_librealmx_la_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LDNS_CFLAGS) \
	$(LIBEVENT_CFLAGS)

bin_PROGRAMS += cli/mxshim
cli_mxshim_SOURCES = cli/main.c cli/cli.h cli/check.c cli/route.c \
	cli/ctl.c cli/diag.c \
	cli/route.h cli/route_json.c cli/test.c cli/ctl.h \
	cli/upstreams.c cli/upstreams.h \
	resolver/netaddr.c resolver/netaddr.h resolver/acl.c resolver/acl.h \
	cli/import.c cli/export.c cli/file.c cli/file.h \
	$(CLI_RUN_SOURCES)
cli_mxshim_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LDNS_CFLAGS) \
	$(JANSSON_CFLAGS)
cli_mxshim_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/convert \
	-I$(top_srcdir)/resolver
cli_mxshim_LDADD = convert/libconvert.la cli/librealmx.la resolver/libubstub.la \
	rules/librules.la answer/libanswer.la $(UNBOUND_LIBS) $(LIBEVENT_LIBS) \
	$(LDNS_LIBS) $(JANSSON_LIBS) $(CLI_RUN_LIBS)
# the command's newer tests (tests/local.mk lists cli_check and cli_route)
EXTRA_DIST += tests/integration/cli_route_loop.sh tests/integration/cli_test.sh
