# doc: see its README section
dist_man_MANS += doc/mxshim.conf.5 doc/mxshim.1
dist_man_MANS += doc/mxshimd.8
