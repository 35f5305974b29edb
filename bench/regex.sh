#!/bin/sh
# bench/regex.sh - what a `$from~=/REGEX/` condition costs: compiling, JIT
# compiling and probing it at load, and one evaluation with JIT (what the
# engine does) against the PCRE2 interpreter, on an ordinary sender and on
# the worst sender for a regex that hits the match limit (100000) but
# passes the load probe.  Run after building:
#
#   ./bootstrap.sh build && bench/regex.sh
set -e
cd "$(dirname "$0")/.."
make -s bench/regex_bench
bench/regex_bench
