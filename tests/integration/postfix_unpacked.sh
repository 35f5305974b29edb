#!/bin/sh
# postfix_plain.sh with the Postfix the tests use where it is not installed
# (another MTA is the system's): Debian's package unpacked into
# tests/out/postfix and shown at Postfix's own paths in the namespace
# (tests/helpers/pf.sh, pf_use), forced here so that every run proves it,
# installed Postfix or not.  postfix_plain.sh then also checks that every
# Postfix program and library its processes run is the copy's
# (pf_from_copy).
MXSHIM_TEST_POSTFIX=unpacked
export MXSHIM_TEST_POSTFIX
. "$(dirname "$0")/postfix_plain.sh"
