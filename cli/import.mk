# mxshim import/export: owned by the import work (sets CLI_IMPORT_*)
