# mxshim import/export: owned by the import work (sets CLI_IMPORT_*)
# Other products' routing tables to override lines and back.
CLI_IMPORT_SOURCES += cli/import.c convert/import.h convert/import_doc.c \
	convert/import_util.c cli/file.c \
	convert/import_cisco.c convert/import_xeams.c convert/import_tmail.c \
	convert/import_kumo.c convert/import_toml.c convert/import_toml.h \
	cli/export.c convert/export.h convert/export_order.c \
	convert/export_cisco.c convert/export_postfix.c
CLI_IMPORT_CFLAGS += $(LIBXML2_CFLAGS) -I$(top_srcdir)/convert
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
tests_unit_test_import_SOURCES = tests/unit/test_import.c convert/import.h \
	convert/import_doc.c convert/import_util.c convert/import_cisco.c \
	convert/import_xeams.c convert/import_tmail.c convert/import_toml.c \
	convert/import_toml.h
tests_unit_test_import_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) \
	$(LIBXML2_CFLAGS)
tests_unit_test_import_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/convert
tests_unit_test_import_LDADD = rules/librules.la $(CRITERION_LIBS) \
	$(LIBXML2_LIBS)
