# mxshim run: owned by the shim work (sets CLI_RUN_SOURCES)
CLI_RUN_SOURCES += cli/run.c
# where `mxshim run` finds an installed libmxshim.so
$(cli_mxshim_OBJECTS): cli/run-paths.h
cli/run-paths.h: Makefile
	$(AM_V_GEN)echo '#define MXSHIM_LIBDIR "$(pkglibdir)"' >$@
CLEANFILES += cli/run-paths.h
