# doc: the man pages and the pages the README links to
dist_man_MANS += doc/mxshim.conf.5 doc/mxshim.1
dist_man_MANS += doc/mxshimd.8
EXTRA_DIST += doc/benchmarks.md doc/hardening.md doc/import.md doc/deploy.md \
	doc/internals.md doc/resolver.md doc/shim.md doc/testing.md
