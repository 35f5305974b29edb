# The rules engine: parse, compile and evaluate override lines. No network code.
noinst_LTLIBRARIES += rules/librules.la
rules_librules_la_SOURCES = \
	rules/rules.h rules/rules_int.h \
	rules/arena.c rules/arena.h \
	rules/glob.c rules/glob.h rules/ascii.h \
	rules/parse.c rules/server.c rules/cond.c rules/probe.c \
	rules/diag.c rules/diag.h rules/value.c \
	rules/index.c rules/eval.c rules/synth.c rules/lint.c rules/parse.h \
	rules/lines.c rules/explain.c rules/explain.h
rules_librules_la_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
rules_librules_la_LIBADD = $(PCRE2_LIBS)
