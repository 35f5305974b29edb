# The converters: other products' routing tables to override lines (import)
# and back (export).  Needs only the engine and libxml2; the command's
# front ends (options, files) stay in cli/.
noinst_LTLIBRARIES += convert/libconvert.la
convert_libconvert_la_SOURCES = convert/import.h convert/import_doc.c \
	convert/import_util.c \
	convert/import_cisco.c convert/import_xeams.c convert/import_tmail.c \
	convert/import_kumo.c convert/import_toml.c convert/import_toml.h \
	convert/export.h convert/export_read.c convert/export_order.c \
	convert/export_cisco.c convert/export_postfix.c \
	convert/export_exim.c convert/export_opensmtpd.c
convert_libconvert_la_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS)
# users link rules/librules.la themselves: one copy of the engine
convert_libconvert_la_LIBADD = $(LIBXML2_LIBS)
EXTRA_DIST += tests/import/cisco.txt tests/import/xeams.xml \
	tests/import/tmail.txt tests/import/kumo.toml tests/helpers/import.sh \
	tests/integration/import_cisco.sh tests/integration/import_xeams.sh \
	tests/integration/import_tmail.sh tests/integration/import_kumomta.sh \
	tests/integration/import_export.sh \
	tests/integration/import_roundtrip.sh \
	tests/integration/import_postfix.sh \
	tests/integration/import_vendor.sh \
	tests/integration/export_exim.sh tests/integration/export_opensmtpd.sh \
	tests/integration/export_postfix.sh tests/helpers/export.sh \
	tests/helpers/opensmtpd.sh tests/helpers/smtp_submit.py \
	tests/postfix/export.conf tests/postfix/export-zones.conf \
	tests/helpers/auth_sink.py
# tests/unit/test_import (listed in tests/local.mk): the importers without
# the command, against models of the sources
tests_unit_test_import_SOURCES = tests/unit/test_import.c
tests_unit_test_import_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_unit_test_import_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/convert
tests_unit_test_import_LDADD = convert/libconvert.la rules/librules.la \
	$(CRITERION_LIBS)
