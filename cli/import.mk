# mxshim import/export: owned by the import work (sets CLI_IMPORT_*)
# Other products' routing tables to override lines and back.
CLI_IMPORT_SOURCES += cli/import.c cli/import.h cli/import_doc.c \
	cli/import_util.c cli/import_write.c \
	cli/import_cisco.c cli/import_xeams.c cli/import_tmail.c \
	cli/import_kumo.c cli/import_toml.c cli/import_toml.h \
	cli/export.c cli/export.h cli/export_order.c \
	cli/export_cisco.c cli/export_postfix.c
CLI_IMPORT_CFLAGS += $(LIBXML2_CFLAGS)
CLI_IMPORT_LIBS += $(LIBXML2_LIBS)
EXTRA_DIST += tests/import/cisco.txt tests/import/xeams.xml \
	tests/import/tmail.txt tests/import/kumo.toml tests/import/lib.sh \
	tests/integration/import_cisco.sh tests/integration/import_xeams.sh \
	tests/integration/import_tmail.sh tests/integration/import_kumomta.sh \
	tests/integration/import_export.sh \
	tests/integration/import_roundtrip.sh \
	tests/integration/import_postfix.sh
# tests/unit/test_import (listed in tests/local.mk): the importers without
# the command, against models of the sources
tests_unit_test_import_SOURCES = tests/unit/test_import.c cli/import.h \
	cli/import_doc.c cli/import_util.c cli/import_cisco.c \
	cli/import_xeams.c cli/import_tmail.c cli/import_toml.c \
	cli/import_toml.h
tests_unit_test_import_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) \
	$(LIBXML2_CFLAGS)
tests_unit_test_import_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_unit_test_import_LDADD = rules/librules.la $(CRITERION_LIBS) \
	$(LIBXML2_LIBS)
