# mxshim import/export: owned by the import work (sets CLI_IMPORT_*)
# Other products' routing tables to override lines and back.
CLI_IMPORT_SOURCES += cli/import.c cli/import.h cli/import_doc.c \
	cli/import_util.c cli/import_write.c \
	cli/import_cisco.c cli/import_xeams.c cli/import_tmail.c \
	cli/import_kumo.c cli/import_toml.c cli/import_toml.h \
	cli/export.c cli/export.h cli/export_cisco.c cli/export_postfix.c
CLI_IMPORT_CFLAGS += $(LIBXML2_CFLAGS)
CLI_IMPORT_LIBS += $(LIBXML2_LIBS)
