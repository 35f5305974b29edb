# The mxshim command: check, route, run, import, export.
# Each subcommand family keeps its sources in its own .mk file.
CLI_RUN_SOURCES =
CLI_RUN_LIBS =
include $(srcdir)/cli/run.mk

# Real MX lookups through libunbound: `mxshim route` and mxshimd's
# control command `route` both use them.
noinst_LTLIBRARIES += cli/librealmx.la
cli_librealmx_la_SOURCES = cli/realmx.c cli/realmx.h
cli_librealmx_la_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LDNS_CFLAGS)

bin_PROGRAMS += cli/mxshim
cli_mxshim_SOURCES = cli/main.c cli/cli.h cli/check.c cli/route.c \
	cli/ctl.c cli/diag.c \
	cli/import.c cli/export.c cli/file.c cli/file.h \
	$(CLI_RUN_SOURCES)
cli_mxshim_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LDNS_CFLAGS)
cli_mxshim_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/convert
cli_mxshim_LDADD = convert/libconvert.la cli/librealmx.la rules/librules.la \
	answer/libanswer.la resolver/libubstub.la $(UNBOUND_LIBS) \
	$(LDNS_LIBS) $(CLI_RUN_LIBS)
