#!/bin/sh
# tests/integration/fuzz_build.sh - the libFuzzer targets keep building and
# running: each is built with clang (tests/fuzz/run.sh), runs a few
# thousand inputs from its seed corpus on, and replays the saved findings,
# without a crash.  Nothing touches the network; everything is written
# under the test's scratch directory.
. "$(dirname "$0")/../lib.sh"

RUNS=3000
FUZZ="$TOP/tests/fuzz/run.sh"

command -v "${CLANG:-clang}" >/dev/null 2>&1 ||
    t_missing "clang (bootstrap.sh installs it)"

FUZZ_OUT="$T_DIR/fuzz"
FUZZ_CRASHES="$T_DIR/crashes"
export FUZZ_OUT FUZZ_CRASHES

"$FUZZ" build >"$T_DIR/build.log" 2>&1
rc=$?
t_ok $rc "the fuzz targets build with clang -fsanitize=fuzzer,address,undefined"
[ $rc -eq 0 ] || sed 's/^/# /' "$T_DIR/build.log" | tail -n 20

for t in rules answer shim; do
	if [ $rc -ne 0 ]; then
		t_ok 1 "fuzz_$t: not built"
		continue
	fi
	out=$("$FUZZ" runs "$RUNS" "$t" 2>&1)
	t_like "$out" "^$t: [0-9]+ runs in [0-9]+ s, [0-9]+ corpus files, no crash$" \
	    "fuzz_$t: $RUNS inputs from the seeds on, no crash"
	n=$(printf '%s\n' "$out" | sed -n 's/^[a-z]*: \([0-9]*\) runs.*/\1/p')
	[ "${n:-0}" -ge "$RUNS" ]
	t_ok $? "fuzz_$t: ran at least $RUNS inputs (${n:-none})"
	# run.sh makes the directory: missing, it proves nothing
	[ -d "$FUZZ_CRASHES" ] && [ -z "$(ls -A "$FUZZ_CRASHES")" ]
	t_ok $? "fuzz_$t: no crash input written"
	out=$("$FUZZ" replay "$t" 2>&1)
	t_like "$out" "^$t: (no findings saved|[0-9]+ findings replayed, no crash)$" \
	    "fuzz_$t: the saved findings replay without a crash"
done
t_done
