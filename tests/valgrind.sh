#!/bin/sh
# tests/valgrind.sh - run the tests that start mxshimd with mxshimd under
# valgrind's memcheck, and fail on any memory error or leak.
#
#   tests/valgrind.sh [TEST...]    TEST: a name in tests/integration
#                                  (default: every test that starts mxshimd)
#
# Each test runs through tests/run with MXSHIMD_WRAPPER (tests/lib.sh)
# set to valgrind, which also makes the tests' waits longer; every mxshimd
# process leaves tests/out/valgrind/TEST.PID.log.  A test counts as its
# own checks plus one, "no memcheck error and no leak in its logs".  The
# last line is "N passed, N failed"; the exit status is 0 when nothing
# failed.  Build first (make check-build).
cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)
MXSHIMD="$TOP/resolver/mxshimd"
. tests/helpers/valgrind.sh

if why=$(vg_unusable); then
	echo "valgrind: $why"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ $# -eq 0 ]; then
	# t_mxshimd, a direct start, or the example's script
	set -- $(grep -l -E 't_mxshimd|MXSHIMD_WRAPPER|run-example' \
	    tests/integration/*.sh | sed 's|.*/||; s|\.sh$||' |
	    grep -vx resolver_valgrind)
fi
logs="$TOP/tests/out/valgrind"
rm -rf "$logs" && mkdir -p "$logs" || exit 2
start=$(cut -d' ' -f1 /proc/uptime)
pass=0 fail=0
for name in "$@"; do
	MXSHIMD_WRAPPER=$(vg_wrapper "$logs/$name") tests/run "$name" \
	    >"$logs/$name.run"
	sed '$d' "$logs/$name.run"
	last=$(tail -n 1 "$logs/$name.run")
	case "$last" in
	[0-9]*" passed, "[0-9]*" failed"*)	# ", N skipped" too
		pass=$((pass + ${last%% *}))
		last=${last#* passed, }
		fail=$((fail + ${last%% *})) ;;
	*)	fail=$((fail + 1)) ;;
	esac
	if vg_report "$logs/$name".*.log >"$logs/$name.report"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		sed '$d' "$logs/$name.report" |
		    grep -v ': 0 errors, 0 bytes lost$' | sed "s|^|  $name: |"
	fi
	tail -n 1 "$logs/$name.report" | sed "s|^|  $name: |"
done
vg_report "$logs"/*.log >"$logs/report"
tail -n 1 "$logs/report"
awk -v s="$start" -v n=$# \
    '{ printf "valgrind: %d tests in %.0f s\n", n, $1 - s }' /proc/uptime
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
