# answer: DNS wire format (questions, synthesized answers, real MX answers)
# with ldns.  Programs that link it also link rules/librules.la.
noinst_LTLIBRARIES += answer/libanswer.la
answer_libanswer_la_SOURCES = \
	answer/answer.h answer/answer_int.h \
	answer/name.c answer/query.c answer/build.c answer/real.c \
	answer/relay.c
answer_libanswer_la_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS)
answer_libanswer_la_LIBADD = $(LDNS_LIBS)

# libFuzzer target; how to build it is in its header comment.
