# Hardening: fuzzing, the sanitizer build and valgrind.
#
# The fuzz targets are built by tests/fuzz/run.sh with clang itself
# (-fsanitize=fuzzer,address,undefined), whatever compiler configure
# chose, so they are not automake programs.  `make fuzz` fuzzes each
# target for FUZZ_SECONDS; tests/integration/fuzz_build.sh keeps them
# building in the suite.  `make sanitize` builds a copy of the tree with
# --enable-sanitizers and runs the suite there (tests/sanitize.sh).
# `make valgrind` runs the tests that start mxshimd with mxshimd under
# memcheck (tests/valgrind.sh); tests/integration/resolver_valgrind.sh
# keeps one flow of it in the suite.
FUZZ_SECONDS = 300

fuzz:
	FUZZ_OUT="$(abs_builddir)/tests/fuzz/out" \
	    $(SHELL) $(srcdir)/tests/fuzz/run.sh $(FUZZ_SECONDS)

sanitize:
	$(SHELL) $(srcdir)/tests/sanitize.sh

valgrind: check-build
	$(SHELL) $(srcdir)/tests/valgrind.sh

.PHONY: fuzz sanitize valgrind

EXTRA_DIST += tests/fuzz/local.mk tests/fuzz/run.sh tests/fuzz/fuzz.h \
	tests/fuzz/fuzz.c tests/fuzz/fuzz_rules.c tests/fuzz/fuzz_answer.c \
	tests/fuzz/fuzz_shim.c tests/fuzz/mkseeds.c tests/fuzz/rules.dict \
	tests/fuzz/ubsan.supp tests/fuzz/corpus tests/fuzz/crashes \
	tests/integration/fuzz_build.sh tests/sanitize.sh \
	tests/valgrind.sh tests/helpers/valgrind.sh tests/valgrind.supp \
	tests/integration/resolver_valgrind.sh
