#!/bin/sh
# bench/resolver/tcp_greedy.sh - mxshimd's memory under TCP clients that
# pipeline questions and never read the answers (RFC 7766 backpressure).
#
#   bench/resolver/tcp_greedy.sh [-n CONNECTIONS] [-l SECONDS] [-b MXSHIMD]
#
# mxshimd (2 threads, --tcp-max-conn CONNECTIONS, no per-client limit,
# --tcp-idle longer than the run) answers from the rules of the resolver
# tests and greedy.example (nine MX hosts: a 490-byte answer, kept
# prebuilt, for a 34-byte question); tests/helpers/tcp_hold.py opens
# CONNECTIONS (default 1024) connections from 127.0.0.2 with a 4 KiB
# receive buffer and asks "greedy.example MX" as fast as mxshimd takes the
# questions for SECONDS (default 20), reading nothing.  The
# table has mxshimd's resident memory before, the most seen during, 3 s
# and 10 s after the clients closed, how many connections mxshimd closed
# and on how many it stopped reading (the client could send nothing in
# the last second).
# With -b, the binary MXSHIMD (a build before a change) is measured too.
# Results: bench/out/tcp_greedy/results.md.  Only loopback is used.
set -eu
N=1024
DUR=20
BEFORE=""
while getopts b:l:n: o; do
	case $o in
	b) BEFORE=$OPTARG ;;
	l) DUR=$OPTARG ;;
	n) N=$OPTARG ;;
	*) echo "usage: $0 [-n CONNECTIONS] [-l SECONDS] [-b MXSHIMD]" >&2
	   exit 2 ;;
	esac
done
command -v unbound >/dev/null || { echo "missing: unbound" >&2; exit 1; }
. "$(dirname "$0")/../../tests/lib.sh"
. "$TOP/tests/helpers/resolver.sh"
[ -x "$MXSHIMD" ] || { echo "build first: make" >&2; exit 1; }
OUT="$TOP/bench/out/tcp_greedy"
mkdir -p "$OUT"
resolver_rules "$T_DIR/rules.conf"
for i in 1 2 3 4 5 6 7 8 9; do
	echo "greedy.example a-long-relay-host-name-number-0$i.relay.example"
done >>"$T_DIR/rules.conf"
resolver_zones "$T_DIR/zones.conf"
UP=$(t_port)
t_unbound "$UP" "$T_DIR/zones.conf" || { echo "unbound did not start" >&2
	exit 1; }

figure() {	# figure FILE WORD: the value of "WORD N", KiB shown as MB
	sed -n "s/^$2 //p" "$1" | awk -v w="$2" '{
	    if (w ~ /^rss/) printf "%.1f MB", $1 / 1024; else print $1 }'
}

one() {	# one NAME BINARY
	P=$(t_port)
	bin=$MXSHIMD
	MXSHIMD=$2
	t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
	    --tcp-max-conn "$N" --tcp-client-conn 0 --tcp-idle $((DUR + 30))
	MXSHIMD=$bin
	TCP_HOLD_LATER=10 python3 "$TOP/tests/helpers/tcp_hold.py" "$P" \
	    127.0.0.2 "$N" "$DUR" greedy "$MXSHIMD_PID" greedy.example \
	    >"$OUT/$1.out" 2>&1
	kill "$MXSHIMD_PID" 2>/dev/null || :
	wait "$MXSHIMD_PID" 2>/dev/null || :
	f="$OUT/$1.out"
	echo "| $1 | $N | $(figure "$f" asked) | $(figure "$f" rss_start) |" \
	    "$(figure "$f" rss_peak) | $(figure "$f" rss_end) |" \
	    "$(figure "$f" rss_later) | $(figure "$f" closed) |" \
	    "$(figure "$f" stalled) |"
}

{
	echo "| mxshimd | connections | questions sent | RSS before | RSS peak | RSS 3 s after | 10 s after | closed by mxshimd | not read |"
	echo "|---|---|---|---|---|---|---|---|---|"
	[ -z "$BEFORE" ] || one before "$BEFORE"
	one now "$MXSHIMD"
} | tee "$OUT/results.md"
