#!/bin/sh
# tests/fuzz/run.sh - build the libFuzzer targets with clang straight from
# the sources (no configure needed) and run them.
#
#   tests/fuzz/run.sh build                 build only
#   tests/fuzz/run.sh seeds                 rewrite the seed corpora
#   tests/fuzz/run.sh SECONDS [TARGET...]   build, then fuzz each target
#                                           (all by default) for SECONDS
#   tests/fuzz/run.sh runs N [TARGET...]    the same for N runs each
#   tests/fuzz/run.sh replay [TARGET...]    run the saved findings once
#   tests/fuzz/run.sh coverage [TARGET...]  line coverage by the corpora
#
# Targets: rules (parser + evaluator), answer (query parsing, answers,
# real MX reading), shim (shim_answer() of shim/decide.c).  One process
# per target, one after the other.  Programs, object files and the growing
# corpora go to $FUZZ_OUT (default tests/fuzz/out, not tracked); the seed
# corpora in tests/fuzz/corpus/TARGET are only read.  A crash is saved as
# tests/fuzz/crashes/TARGET-crash-SHA1 and makes the exit status 1.
#
# Environment: CLANG (default clang), FUZZ_OUT, FUZZ_CRASHES (where crashes
# go, default tests/fuzz/crashes), FUZZ_FLAGS (more libFuzzer flags).
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd)
fz="$top/tests/fuzz"
out="${FUZZ_OUT:-$fz/out}"
crashes="${FUZZ_CRASHES:-$fz/crashes}"
cc="${CLANG:-clang}"
TARGETS="rules answer shim"

# UBSan findings halt (UBSAN_OPTIONS below) unless ubsan.supp lists them,
# which needs them built recoverable.
SAN="-fsanitize=address,undefined"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$fz/ubsan.supp"
export UBSAN_OPTIONS
CFLAGS="-g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter"
CPPFLAGS="-I$out -I$top -I$top/rules -I$top/answer -I$top/shim -I$fz
    $(pkg-config --cflags ldns libpcre2-8)"
LIBS="$(pkg-config --libs ldns libpcre2-8)"

# The .c files of a library, as its local.mk lists them (one list to keep).
mk_sources() {	# mk_sources FILE VARIABLE
	sed -n "/^$2 *=/,/[^\\\\]\$/p" "$1" | grep -o '[a-z_/]*\.c'
}

# Compile each source into $obj; prints the object names.
objects() {	# objects FLAGS SOURCE...
	flags=$1; shift
	for s in "$@"; do
		o="$obj/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')"
		if [ ! -f "$o" ] || [ "$top/$s" -nt "$o" ] ||
		    [ -n "$(find "$top/rules" "$top/answer" "$top/shim" "$fz" \
		    -name '*.h' -newer "$o" 2>/dev/null | head -n1)" ]; then
			# shellcheck disable=SC2086
			$cc $CFLAGS $CPPFLAGS $flags -c "$top/$s" -o "$o" || return 1
		fi
		echo "$o"
	done
}

# The project's sources each target runs (for the coverage report).
sources() {	# sources TARGET
	mk_sources rules/local.mk rules_librules_la_SOURCES
	mk_sources answer/local.mk answer_libanswer_la_SOURCES
	[ "$1" = shim ] && echo shim/decide.c
}

# build [cov]: the targets with the sanitizers into $out, or with clang's
# coverage mapping and no sanitizer into $out/cov.
build() {
	bin=$out obj=$out/obj inst=$SAN
	if [ "${1:-}" = cov ]; then
		bin=$out/cov obj=$out/cov/obj
		inst="-fprofile-instr-generate -fcoverage-mapping"
	fi
	mkdir -p "$obj" || return 1
	# what configure's config.h gives the sources
	[ -f "$out/config.h" ] || echo '#define _GNU_SOURCE 1' >"$out/config.h"
	lib=$(objects "$inst -fsanitize=fuzzer-no-link" \
	    $(mk_sources rules/local.mk rules_librules_la_SOURCES) \
	    $(mk_sources answer/local.mk answer_libanswer_la_SOURCES)) ||
	    return 1
	common=$(objects "$inst -fsanitize=fuzzer-no-link" tests/fuzz/fuzz.c) ||
	    return 1
	shim=$(objects "$inst -fsanitize=fuzzer-no-link" shim/decide.c) ||
	    return 1
	for t in $TARGETS; do
		extra=""
		[ "$t" = shim ] && extra=$shim
		# shellcheck disable=SC2086
		$cc $CFLAGS $CPPFLAGS $inst -fsanitize=fuzzer \
		    "$fz/fuzz_$t.c" $common $extra $lib $LIBS \
		    -o "$bin/fuzz_$t" || return 1
	done
}

# Line coverage of the project's code by each target's corpora (seeds and
# what fuzzing added), per file, from llvm-cov.
coverage() {
	build cov || return 1
	for t in $TARGETS; do
		mkdir -p "$out/corpus/$t"
		LLVM_PROFILE_FILE="$out/cov/$t.profraw" "$out/cov/fuzz_$t" \
		    -runs=0 "$out/corpus/$t" "$fz/corpus/$t" \
		    >"$out/cov/$t.log" 2>&1 || return 1
		llvm-profdata merge -sparse "$out/cov/$t.profraw" \
		    -o "$out/cov/$t.profdata" || return 1
		echo "== fuzz_$t ($(ls "$out/corpus/$t" "$fz/corpus/$t" |
		    grep -c .) inputs)"
		# shellcheck disable=SC2046
		llvm-cov report "$out/cov/fuzz_$t" \
		    -instr-profile="$out/cov/$t.profdata" \
		    $(sources "$t" | sed "s|^|$top/|") |
		    sed "s|^$top/||" | awk '/^[a-z].*\.c |^TOTAL/ {
			printf "  %-16s %5d lines, %7s run\n", $1, $8, $10 }'
	done
}

# Fuzz one target; prints "TARGET: RUNS runs in S s, STATUS".
fuzz() {	# fuzz TARGET SECONDS
	work="$out/corpus/$1"
	mkdir -p "$work" "$crashes"
	opts=""
	[ -f "$fz/$1.dict" ] && opts="-dict=$fz/$1.dict"
	# The entropic schedule's bookkeeping per run took 3/4 of the time
	# on the rules target (15k features); the plain one runs 4x faster.
	[ "$1" = rules ] && opts="$opts -entropic=0"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$out/fuzz_$1" -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=4096 -print_final_stats=1 $opts ${FUZZ_FLAGS:-} \
	    -artifact_prefix="$crashes/$1-" "$work" "$fz/corpus/$1" \
	    >"$out/$1.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$1.log")
	if [ $rc -eq 0 ]; then
		status="no crash"
	else
		status="CRASH (exit $rc, log $out/$1.log)"
	fi
	echo "$1: ${runs:-?} runs in $(( $(date +%s) - start )) s," \
	    "$(ls "$work" | wc -l) corpus files, $status"
	return $rc
}

# Rewrite the seed corpora with mkseeds.c (they are committed).
seeds() {
	build || return 1
	mkdir -p "$fz/corpus/rules" "$fz/corpus/answer" "$fz/corpus/shim"
	# shellcheck disable=SC2086
	$cc $CFLAGS $CPPFLAGS $SAN -fsanitize=fuzzer-no-link "$fz/mkseeds.c" \
	    $lib $LIBS -o "$out/mkseeds" && "$out/mkseeds" "$fz/corpus"
}

# Run each saved finding of a target once; prints "TARGET: N findings
# replayed, STATUS".
replay() {	# replay TARGET
	set -- "$1" "$fz"/crashes/"$1"-crash-*
	[ -f "$2" ] || { echo "$1: no findings saved"; return 0; }
	t=$1; shift
	if "$out/fuzz_$t" "$@" >"$out/$t-replay.log" 2>&1; then
		echo "$t: $# findings replayed, no crash"
	else
		echo "$t: $# findings replayed, CRASH (log $out/$t-replay.log)"
		return 1
	fi
}

case "${1:-}" in
build)
	build; exit $? ;;
seeds)
	seeds; exit $? ;;
coverage)
	shift
	[ $# -gt 0 ] && TARGETS="$*"
	coverage; exit $? ;;
replay)
	shift
	[ $# -gt 0 ] && TARGETS="$*"
	build || exit 1
	failed=0
	for t in $TARGETS; do
		replay "$t" || failed=1
	done
	exit $failed ;;
runs)
	[ -n "${2:-}" ] || { echo "usage: $0 runs N [TARGET...]" >&2; exit 2; }
	FUZZ_FLAGS="${FUZZ_FLAGS:-} -runs=$2"
	shift 2
	set -- 0 "$@" ;;	# 0 seconds: no time limit
''|*[!0-9]*)
	echo "usage: $0 build | seeds | replay | coverage | SECONDS |" \
	    "runs N [TARGET...]" >&2
	exit 2 ;;
esac
secs=$1; shift
[ $# -gt 0 ] && TARGETS="$*"
build || exit 1
failed=0
for t in $TARGETS; do
	fuzz "$t" "$secs" || failed=1
done
exit $failed
