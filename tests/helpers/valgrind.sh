# tests/helpers/valgrind.sh - mxshimd under valgrind's memcheck, for
# tests/valgrind.sh and tests/integration/resolver_valgrind.sh (sourced,
# POSIX sh, after TOP and MXSHIMD are set).
#
#   vg_unusable         print why memcheck cannot check $MXSHIMD, if it
#                       cannot (status 0 then)
#   vg_wrapper PREFIX   print an MXSHIMD_WRAPPER (tests/lib.sh) that runs
#                       mxshimd under memcheck, one log per process in
#                       PREFIX.PID.log (a forked daemon gets its own)
#   vg_read LOG         print "ERRORS LOST-BYTES" of a log, or nothing when
#                       the log has no summary (the process was killed)
#   vg_report LOG...    one line per log, then a total; 0 when there is
#                       a log and every log is complete with 0 errors
#                       and 0 bytes lost
#
# Leaks are errors (--errors-for-leak-kinds), so "ERROR SUMMARY: 0" means
# no invalid access, no uninitialised value and no definite, indirect or
# possible leak.  Still-reachable blocks are not leaks: they are what a
# process that exits early (a bad rules file) still points to.
# tests/valgrind.supp holds what is not mxshimd's, each entry with why.

# what mxshimd exits with when memcheck found something
VG_ERROR_EXIT=97

vg_unusable() {
	if ! command -v valgrind >/dev/null; then
		echo "valgrind not installed (Debian package valgrind)"
	elif grep -q __asan_init "$MXSHIMD" 2>/dev/null; then
		# ASan's shadow memory and valgrind's cannot share a process
		echo "mxshimd is built with --enable-sanitizers"
	else
		return 1
	fi
}

vg_wrapper() {
	echo "valgrind --tool=memcheck --leak-check=full" \
	    "--show-leak-kinds=definite,indirect,possible" \
	    "--errors-for-leak-kinds=definite,indirect,possible" \
	    "--error-exitcode=$VG_ERROR_EXIT --track-fds=no --num-callers=30" \
	    "--suppressions=$TOP/tests/valgrind.supp --log-file=$1.%p.log"
}

vg_read() {
	awk '
	/ERROR SUMMARY:/ { gsub(",", "", $4); errors = $4; done = 1 }
	/(definitely|indirectly|possibly) lost:/ {
		for (i = 1; i < NF; i++)
			if ($i == "lost:") { v = $(i + 1); gsub(",", "", v);
			    lost += v }
	}
	END { if (done) printf "%d %d\n", errors, lost }' "$1"
}

vg_report() {
	vg_bad=0 vg_errors=0 vg_lost=0 vg_n=0
	for log in "$@"; do
		[ -f "$log" ] || continue
		vg_n=$((vg_n + 1))
		r=$(vg_read "$log")
		if [ -z "$r" ]; then
			echo "$log: no summary (killed before its end?)"
			vg_bad=$((vg_bad + 1))
			continue
		fi
		echo "$log: ${r% *} errors, ${r#* } bytes lost"
		vg_errors=$((vg_errors + ${r% *}))
		vg_lost=$((vg_lost + ${r#* }))
		[ "$r" = "0 0" ] || vg_bad=$((vg_bad + 1))
	done
	echo "valgrind: $vg_n processes, $vg_errors errors, $vg_lost bytes lost"
	[ "$vg_n" -gt 0 ] && [ "$vg_bad" -eq 0 ]
}
