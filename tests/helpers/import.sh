# tests/helpers/import.sh - shared by tests/integration/import_*.sh (sourced
# after tests/lib.sh).
#
# The next hops a rules file gives a recipient domain are read the way an
# operator reads them: `mxshim route`, against a real Unbound on loopback
# that serves the zone data of the test.

FIXTURES="$TOP/tests/import"

# start_dns LOCALDATA: Unbound on a free port serving LOCALDATA; sets PORT.
start_dns() {
	PORT=$(t_port)
	t_unbound "$PORT" "$1" || t_bail "unbound did not start"
}

# hops RULES DOMAIN [ROUTE-OPTIONS...]: "PREF HOST[:PORT]" records,
# comma-separated, in answer order; "none" when no line applies.
hops() {
	rules=$1 dom=$2
	shift 2
	out=$("$MXSHIM" route --rules "$rules" --upstream "127.0.0.1@$PORT" \
	    "$@" "$dom" 2>&1)
	recs=$(printf '%s\n' "$out" | awk '/^[0-9]+ /{ printf "%s%s %s", sep, $1, $2; sep="," }')
	# no override first: route shows the real records then too
	if printf '%s\n' "$out" | grep -qi 'no override'; then
		echo none
	elif [ -n "$recs" ]; then
		echo "$recs"
	else
		printf 'error: %s\n' "$out" | head -3 | tr '\n' ' '
	fi
}

# check_table RULES TABLE: each TABLE line is "DOMAIN|OPTIONS|EXPECTED"
# (OPTIONS are `mxshim route` options, may be empty).
check_table() {
	while IFS='|' read -r dom opts want; do
		case "$dom" in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2086
		got=$(hops "$1" "$dom" $opts)
		t_is "$got" "$want" "$dom${opts:+ ($opts)} -> $want"
	done <<EOT
$2
EOT
}
