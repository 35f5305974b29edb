# etc: what `make install` and the Debian package put outside the program
# directories: the systemd unit (one source, paths substituted here), the
# rules file and the daemon's options, the last two only where none exists
# so that an upgrade never overwrites an administrator's file.
EXTRA_DIST += etc/mxshimd.service.in etc/overrides.conf etc/mxshimd.default
CLEANFILES += etc/mxshimd.service
noinst_DATA = etc/mxshimd.service
if HAVE_SYSTEMD
systemdsystemunit_DATA = etc/mxshimd.service
endif

etc/mxshimd.service: $(srcdir)/etc/mxshimd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@bindir[@]|$(bindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/etc/mxshimd.service.in >$@.tmp && mv $@.tmp $@

# Where none exists: the shipped rules file, mode 0640 (group _mxshim is
# set by the package, or by hand: doc/deploy.md), and the options.
ETC_FILES = overrides.conf:mxshim/overrides.conf:0640 \
	mxshimd.default:default/mxshimd:0644
install-data-hook:
	@for f in $(ETC_FILES); do \
	    src=$(srcdir)/etc/$${f%%:*}; f=$${f#*:}; mode=$${f#*:}; \
	    dst='$(DESTDIR)$(sysconfdir)'/$${f%:*}; \
	    $(MKDIR_P) "$${dst%/*}" || exit 1; \
	    if test -e "$$dst"; then echo "  keeping $$dst"; \
	    else echo "  INSTALL  $$dst"; $(INSTALL) -m $$mode "$$src" "$$dst" || exit 1; fi; \
	done

# The preload library is a module loaded by path, never linked against:
# libtool's .la is of no use to anyone once installed.
install-exec-hook:
	rm -f '$(DESTDIR)$(pkglibdir)/libmxshim.la'

# ... so libtool's uninstall, which reads the .la, needs help; the files
# under etc go only when unchanged.
uninstall-hook:
	rm -f '$(DESTDIR)$(pkglibdir)/libmxshim.so'
	@for f in $(ETC_FILES); do \
	    src=$(srcdir)/etc/$${f%%:*}; f=$${f#*:}; \
	    dst='$(DESTDIR)$(sysconfdir)'/$${f%:*}; \
	    if cmp -s "$$src" "$$dst"; then rm -f "$$dst"; \
	    elif test -e "$$dst"; then echo "  keeping changed $$dst"; fi; \
	done

# The unit's directory is outside the prefix: distcheck installs under its own.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$$(prefix)/lib/systemd/system'
