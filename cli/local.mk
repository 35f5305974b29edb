# The mxshim command: check, route, run, import, export.
# Each subcommand family keeps its sources in its own .mk file.
CLI_RUN_SOURCES =
CLI_RUN_LIBS =
CLI_IMPORT_SOURCES =
CLI_IMPORT_CFLAGS =
CLI_IMPORT_LIBS =
include $(srcdir)/cli/run.mk
include $(srcdir)/convert/local.mk

bin_PROGRAMS += cli/mxshim
cli_mxshim_SOURCES = cli/main.c cli/cli.h cli/check.c cli/route.c \
	cli/realmx.c cli/realmx.h cli/diag.c \
	$(CLI_RUN_SOURCES) $(CLI_IMPORT_SOURCES)
cli_mxshim_CFLAGS = $(AM_CFLAGS) $(UNBOUND_CFLAGS) $(LDNS_CFLAGS) $(CLI_IMPORT_CFLAGS)
cli_mxshim_LDADD = rules/librules.la answer/libanswer.la $(UNBOUND_LIBS) \
	$(LDNS_LIBS) $(CLI_RUN_LIBS) $(CLI_IMPORT_LIBS)
