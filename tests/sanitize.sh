#!/bin/sh
# tests/sanitize.sh - build the tree with --enable-sanitizers (ASan+UBSan)
# away from the working tree and run the whole suite there.
#
#   tests/sanitize.sh [PATTERN]    PATTERN as for tests/run
#
# SANITIZE_DIR: where to work (default: a new directory under $TMPDIR);
# JOBS: make -j (default 2); SANITIZE_TIMEOUT: seconds the suite may take
# (default 3600).
#
# The last line is tests/run's "N passed, N failed, N skipped", plus one
# failure a sanitizer report (when the suite is cut short: the tests that
# finished, plus one failure); the exit status is 0 when nothing failed.  Why not a plain VPATH build (mkdir b && cd b &&
# SRCDIR/configure): configure refuses a source directory that is itself
# configured ("source directory already configured"), which the working
# tree normally is, and tests/run and tests/lib.sh find the programs next
# to the scripts, i.e. in the source directory.  So the sources are copied
# (tracked files plus new files not ignored, as they are in the working
# tree, leaving out built programs) and built in place in the copy.
#
# Sanitizer reports go to SANITIZE_DIR/reports/, one file a process; a
# report makes the program exit non-zero, which tests/run counts, and each
# report file counts as one more failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work="${SANITIZE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mxshim-sanitize.XXXXXX")}"
src="$work/src"
jobs="${JOBS:-2}"
limit="${SANITIZE_TIMEOUT:-3600}"

# Whether a working-tree file is a build product that is not ignored: an
# executable linked in place, or a libtool wrapper script.
is_built() {
	[ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] && return 0
	sed -n 2p "$1" 2>/dev/null | grep -q 'libtool'
}

snapshot() {
	rm -rf "$src" && mkdir -p "$src" || return 1
	(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
	    tr '\0' '\n' | while IFS= read -r f; do
		[ -f "$top/$f" ] || continue	# deleted, not yet committed
		is_built "$top/$f" && continue
		mkdir -p "$src/$(dirname "$f")" && cp -p "$top/$f" "$src/$f"
	done
}

step() {	# step NAME COMMAND...: run quietly, show the log on failure
	log="$work/$1.log"
	if ! (cd "$src" && shift && "$@") >"$log" 2>&1; then
		echo "sanitize: $1 failed; last lines of $log:" >&2
		tail -n 30 "$log" >&2
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
}

echo "sanitize: sources copied to $src" >&2
snapshot || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
step autogen ./autogen.sh
step configure ./configure -q --enable-sanitizers
step make make -j"$jobs"
step check-build make -j"$jobs" check-build

# Leaks are reported at exit and fail the program; UBSan stops at the
# first error (configure's -fno-sanitize-recover).  Every report also goes
# to a file in $reports, and each file counts as one failure: a daemon or
# helper program whose exit status no test looks at (mxshimd, the tests'
# shimq, a Criterion test's child) cannot hide one.  Readable by all: the
# programs may have dropped privileges (mxshimd --user).  Programs that
# clear their environment (Postfix, Exim) do not see these settings: the
# tests that load the shim into them pass what they need (t_preload_env).
reports="$work/reports"
rm -rf "$reports" && mkdir -p "$reports" && chmod 1777 "$reports" &&
    chmod go+x "$work" || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:log_path=$reports/asan:log_exe_name=1"
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$reports/ubsan:log_exe_name=1"
export ASAN_OPTIONS UBSAN_OPTIONS

# valgrind and ASan cannot share a process: resolver_valgrind has nothing
# to run here (ASan's leak check covers the same mxshimd in the other
# resolver tests).
TESTS_EXCLUDE="resolver_valgrind ${TESTS_EXCLUDE:-}"
export TESTS_EXCLUDE

# A test that hangs must not hang CI: timeout signals tests/run's whole
# process group (the tests' namespaces die with their unshare).
log="$work/run.log"
timeout -k 30 "$limit" "$src/tests/run" "$@" | tee "$log"
last=$(tail -n 1 "$log")
case "$last" in
[0-9]*" passed, "[0-9]*" failed, "[0-9]*" skipped") ;;
*)	echo "sanitize: the suite did not finish within $limit s"
	last=$(awk '/ passed, [0-9]+ failed, [0-9]+ skipped$/ {
		p += $(NF-5); f += $(NF-3); s += $(NF-1) }
	    END { printf "%d passed, %d failed, %d skipped\n", p, f + 1, s }' \
	    "$log") ;;
esac
found=0
for r in "$reports"/*; do
	[ -f "$r" ] || continue
	[ $found -gt 0 ] || echo "sanitize: sanitizer reports (in $reports):"
	found=$((found + 1))
	echo "  $(basename "$r"): $(grep -m 1 '^SUMMARY' "$r")"
done
set -- $last
[ $found -eq 0 ] && [ "$last" = "$(tail -n 1 "$log")" ] ||
    echo "$1 passed, $(($3 + found)) failed, $5 skipped"
[ $(($3 + found)) -eq 0 ]
