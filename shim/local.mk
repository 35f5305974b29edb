# libmxshim.so: the LD_PRELOAD library that makes a program's own libc
# resolver calls see the override rules.  Built as a module so that it is
# installed as plain libmxshim.so; deliberately no symbol version script
# (unversioned definitions are what let it interpose both the GLIBC_2.34
# and the old GLIBC_2.2.5 names).  Only the hooks are exported: the shim's
# own code is built with hidden visibility and the engine's archives are
# linked with --exclude-libs, so nothing else leaks into the program.
pkglib_LTLIBRARIES = shim/libmxshim.la
shim_libmxshim_la_SOURCES = shim/shim.h shim/real.c shim/config.c \
	shim/decide.c shim/res.c shim/addr.c shim/portmap.c
shim_libmxshim_la_CFLAGS = $(AM_CFLAGS) $(LDNS_CFLAGS) -fvisibility=hidden
shim_libmxshim_la_LDFLAGS = -module -avoid-version -shared \
	-Wl,--exclude-libs,ALL
shim_libmxshim_la_LIBADD = rules/librules.la answer/libanswer.la \
	$(LDNS_LIBS) $(PCRE2_LIBS) -ldl
