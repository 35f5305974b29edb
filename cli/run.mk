# mxshim run: owned by the shim work (sets CLI_RUN_SOURCES)
