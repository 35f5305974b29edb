#!/bin/sh
# bench/resolver/fairness.sh - one client flooding names whose upstream
# hangs, another client asking ordinary names: how the second one fares
# with and without --client-inflight.
#
#   bench/resolver/fairness.sh [-l SECONDS] [-r ROUNDS] [-Q RATE]
#       [-b MXSHIMD] [CAP...]
#
# The upstream is the Unbound of the resolver tests (tests/helpers/resolver.sh:
# resolver_flood_upstream): flood.example. is forwarded to a loopback port
# where nothing answers, good.example. to a second Unbound.  For each CAP
# (default: 0, i.e. no limit, 64, the default, and 256) the upstream and
# mxshimd are started afresh; client A (127.0.0.2) sends RATE (default 300)
# questions a second for distinct flood.example names for SECONDS (default
# 10); client B (127.0.0.3) starts a second later and asks 200 distinct
# good.example names a second (each one new, so the upstream must ask
# further) for SECONDS-2, with a 2 s timeout.  Also a baseline: B alone.
# The CAPs take turns in every round; the table has the median of ROUNDS
# (default 3) for the share of B's questions answered NOERROR (the right
# answer), B's mean latency (SERVFAILs included) and A's answers per
# second.  With -b, every CAP is also measured with the mxshimd binary
# MXSHIMD (a copy of a build before a change), in the same rounds, each
# build's CAPs in a row, that build's first.  Results:
# bench/out/fairness/results.md.  Only loopback is used.
set -eu
DUR=10
ROUNDS=3
RATE=300
BEFORE=""
while getopts b:l:r:Q: o; do
	case $o in
	l) DUR=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	Q) RATE=$OPTARG ;;
	b) BEFORE=$OPTARG ;;
	*) echo "usage: $0 [-l SECONDS] [-r ROUNDS] [-Q RATE] [-b MXSHIMD]" \
	       "[CAP...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
CAPS=${*:-0 64 256}
for tool in dnsperf unbound; do
	command -v $tool >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
. "$(dirname "$0")/../../tests/lib.sh"
. "$TOP/tests/helpers/resolver.sh"
[ -x "$MXSHIMD" ] || { echo "build first: make" >&2; exit 1; }
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || { echo "$BEFORE: not a program" >&2
	exit 1; }
RUNS="alone"	# the measurements of a round: CAP, or CAPb with -b
if [ -n "$BEFORE" ]; then
	for cap in $CAPS; do RUNS="$RUNS ${cap}b"; done
fi
RUNS="$RUNS $CAPS"
OUT="$TOP/bench/out/fairness"
mkdir -p "$OUT"
resolver_rules "$T_DIR/rules.conf"
awk -v n=$((RATE * DUR)) 'BEGIN { for (i = 1; i <= n; i++)
    printf "f%d.flood.example A\n", i }' >"$T_DIR/flood.txt"

stop() {	# stop PID: by its PID, and wait for it
	kill "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :
}

# B's figures from a dnsperf output: the share of its questions answered
# NOERROR (good.example answers nothing else), and the mean latency of
# every answer (SERVFAIL included)
b_figures() {
	awk '/Queries sent:/ { s = $3 }
	    /Response codes:/ { for (i = 3; i < NF; i++)
		if ($i == "NOERROR") ok = $(i + 1) }
	    /Average Latency/ { l = $4 * 1000 }
	    END { printf "%.1f %.1f\n", s ? 100 * ok / s : 0, l }' "$1"
}

# one RUN ROUND: B's figures and A's answers per second
one() {
	cap=$1 round=$2
	resolver_flood_upstream || { echo "unbound did not start" >&2; exit 1; }
	P=$(t_port)
	opt=${cap%b}
	[ "$cap" != alone ] || opt=64
	bin=$MXSHIMD
	[ "$opt" = "$cap" ] || MXSHIMD=$BEFORE
	t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
	    --client-inflight "$opt"
	MXSHIMD=$bin
	awk -v p="r$round$cap" -v n=$((200 * DUR)) 'BEGIN {
	    for (i = 1; i <= n; i++) printf "%sb%d.good.example A\n", p, i }' \
	    >"$T_DIR/b.txt"
	a=""
	if [ "$cap" != alone ]; then
		dnsperf -a 127.0.0.2 -s 127.0.0.1 -p "$P" -d "$T_DIR/flood.txt" \
		    -l "$DUR" -Q "$RATE" -q 20000 -t 5 >"$OUT/a-$cap-$round.out" 2>&1 &
		a=$!
		T_PIDS="$T_PIDS $a"
		sleep 1
	fi
	dnsperf -a 127.0.0.3 -s 127.0.0.1 -p "$P" -d "$T_DIR/b.txt" \
	    -l $((DUR - 2)) -Q 200 -t 2 >"$OUT/b-$cap-$round.out" 2>&1
	[ -z "$a" ] || wait "$a"
	for p in "$MXSHIMD_PID" $FLOOD_PIDS; do stop "$p"; done
	aq=0
	[ -z "$a" ] || aq=$(awk '/Queries per second:/ { printf "%.0f", $4 }' \
	    "$OUT/a-$cap-$round.out")
	echo "$(b_figures "$OUT/b-$cap-$round.out") $aq"
}

median() {	# median of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for cap in $RUNS; do : >"$T_DIR/res-$cap"; done
r=1
while [ $r -le "$ROUNDS" ]; do
	for cap in $RUNS; do
		one "$cap" "$r" >>"$T_DIR/res-$cap"
		echo "round $r $cap: $(tail -1 "$T_DIR/res-$cap")" >&2
	done
	r=$((r + 1))
done
{
	echo "| A's flood | --client-inflight | B answered NOERROR | B mean latency | A answers/s |"
	echo "|---|---|---|---|---|"
	for cap in $RUNS; do
		f="$T_DIR/res-$cap"
		if [ "$cap" = alone ]; then
			flood="none" c="64"
		else
			flood="$RATE q/s" c=${cap%b} was=""
			[ "$c" = "$cap" ] || was=", before"
			[ "$c" = 0 ] && c="0 (no limit)"
			c=$c$was
		fi
		echo "| $flood | $c | $(cut -d' ' -f1 "$f" | median)% |" \
		    "$(cut -d' ' -f2 "$f" | median) ms |" \
		    "$(cut -d' ' -f3 "$f" | median) |"
	done
} | tee "$OUT/results.md"
