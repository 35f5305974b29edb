#!/bin/sh
# bench/resolver/soak.sh - reloads under load: mxshimd at saturation while
# its rules file is rewritten and SIGHUP'd every second.
#
#   bench/resolver/soak.sh [-l SECONDS] [-n LINES] [-T THREADS] [-m PERCENT]
#
# mxshimd (THREADS workers, default one per core) serves a LINES-line file
# (default 100,000, from bench/gen-rules.sh) plus a set of marker lines,
# with a real Unbound on a loopback port as upstream.  For SECONDS (default
# 60) at once:
#   - dnsperf at full speed, many queries outstanding, asks MX for names of
#     the file and A for names mxshimd relays (and the marker names);
#   - a writer, every second, writes version i of the file and sends
#     SIGHUP: odd versions are valid, even ones have a syntax error near
#     the end, after two canary lines.  Versions 2, 3, 6, 7... are written
#     in place: first a part (for an invalid version: up to the canaries,
#     a valid shorter file), then SIGHUP, as a watcher on the file would
#     send, then the rest and SIGHUP again; the others are replaced
#     atomically with mv;
#   - a checker asks, several times a second, gen.soak.example MX (one
#     answer with records from the first line, the middle and the last
#     line: all three of one valid version), tail.soak.example MX (a name
#     on the next-to-last line only: always there) and canary.soak.example
#     MX (only in invalid versions: always the upstream's answer);
#   - mxshimd's RSS is sampled every second.
# Then it checks that dnsperf lost nothing, that every sample came from one
# complete valid version and versions never went back, that the last valid
# version is served at the end, that every invalid version was logged with
# FILE:LINE:COLUMN and rejected, and that memory is flat: the RSS after the
# run within PERCENT (default 10) of the lowest RSS in the second sixth of
# the run (after warm-up).  Prints a table (also $OUT/soak.md) and exits 1
# if any check failed.  Results and logs: bench/out/soak/.
set -eu
cd "$(dirname "$0")/../.."
OUT="$(pwd)/bench/out/soak"
. bench/resolver/lib.sh
DUR=60
LINES=100000
THREADS=$(nproc)
MARGIN=10
while getopts l:n:T:m: o; do
	case $o in
	l) DUR=$OPTARG ;;
	n) LINES=$OPTARG ;;
	T) THREADS=$OPTARG ;;
	m) MARGIN=$OPTARG ;;
	*) echo "usage: $0 [-l SECONDS] [-n LINES] [-T THREADS] [-m PERCENT]" >&2
	   exit 2 ;;
	esac
done
need dnsperf unbound dig
mkdir -p "$OUT"
rm -f "$OUT"/stop "$OUT"/written "$OUT"/samples "$OUT"/rss \
    "$OUT"/mxshimd.log

# ---- data ----------------------------------------------------------------
bench_rules "$LINES"
half=$((LINES / 2))
head -n "$half" "$RULES" >"$OUT/body-a"
tail -n +$((half + 1)) "$RULES" >"$OUT/body-b"
LIVE="$OUT/rules.conf"

# version I FILE: version I of the rules file.  Sets ERRLINE (0 for a
# valid version) and CUT, the byte where an in-place write pauses: after
# the canaries of an invalid version, in the middle of a valid one.
version() {
	v=$1
	{
		echo "# mxshim soak: version $v"
		echo "gen.soak.example first.v$v.soak.example \$priority:1"
		cat "$OUT/body-a"
		echo "gen.soak.example mid.v$v.soak.example \$priority:2"
		cat "$OUT/body-b"
	} >"$2"
	ERRLINE=0
	CUT=$(($(wc -c <"$2") - $(wc -c <"$OUT/body-b") / 2))
	if [ $((v % 2)) -eq 0 ]; then
		# padding: the error is on another line in every version
		awk -v n=$((v / 2)) 'BEGIN { while (n-- > 0) print "#" }' \
		    >>"$2"
		{
			echo "canary.soak.example canary.v$v.soak.example"
			echo "gen.soak.example canary.v$v.soak.example \$priority:4"
		} >>"$2"
		CUT=$(wc -c <"$2")
		echo "broken.soak.example relay.soak.example \$nosuch" >>"$2"
		ERRLINE=$(wc -l <"$2")
	fi
	{
		echo "tail.soak.example tail.v$v.soak.example"
		echo "gen.soak.example last.v$v.soak.example \$priority:3"
	} >>"$2"
}

# writer: a new version every second until $OUT/stop; one line per version
# in $OUT/written: "VERSION ERRLINE inplace|mv".
writer() {
	v=2
	while [ ! -e "$OUT/stop" ]; do
		sleep 1
		version "$v" "$OUT/next.conf"
		if [ $((v / 2 % 2)) -eq 1 ]; then
			how=inplace
			head -c "$CUT" "$OUT/next.conf" >"$LIVE"
			kill -HUP "$MXPID"
			sleep 0.05
			tail -c +$((CUT + 1)) "$OUT/next.conf" >>"$LIVE"
		else
			how=mv
			mv "$OUT/next.conf" "$LIVE"
		fi
		kill -HUP "$MXPID"
		echo "$v $ERRLINE $how" >>"$OUT/written"
		v=$((v + 1))
	done
}

# sample: one look at the three names, as "ok VERSION" or "bad WHY".
sample() {
	dig @127.0.0.1 -p "$PM" +time=2 +tries=1 +noall +answer \
	    gen.soak.example MX tail.soak.example MX canary.soak.example MX |
	    awk '
	/^;;/ { why = why " no-answer"; next }
	$1 == "gen.soak.example." { n++; split($6, h, "."); role[h[1]] = 1
		if (v == "") v = h[2]; else if (h[2] != v) why = why " mixed" }
	$1 == "tail.soak.example." { tail = $6 }
	$1 == "canary.soak.example." { canary = $6 }
	/canary\.v/ { why = why " canary" }
	END {
		if (n != 3 || !role["first"] || !role["mid"] || !role["last"])
			why = why " incomplete"
		if (substr(v, 2) % 2 != 1) why = why " invalid-version"
		if (tail !~ /^tail\.v[0-9]+\.soak\.example\.$/) why = why " no-tail"
		if (canary != "real.canary.soak.example.") why = why " canary"
		print why == "" ? "ok " substr(v, 2) : "bad" why " (" v ")" }'
}

checker() {
	while [ ! -e "$OUT/stop" ]; do
		sample >>"$OUT/samples"
		sleep 0.1
	done
}

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$MXPID/status"; }

sampler() {
	t=0
	while [ ! -e "$OUT/stop" ]; do
		echo "$t $(rss)" >>"$OUT/rss"
		sleep 1
		t=$((t + 1))
	done
}

# ---- servers -------------------------------------------------------------
relay_data
cat >"$OUT/upstream-soak.conf" <<'EOF'
	local-zone: "soak.example." static
	local-data: "soak.example. 3600 IN SOA ns.soak.example. h.soak.example. 1 3600 600 86400 3600"
	local-data: "canary.soak.example. 3600 IN MX 10 real.canary.soak.example."
EOF
start_upstream "	include: \"$OUT/upstream-soak.conf\""
synth_queries "$RULES" 50000 "$OUT/q-synth.txt"
{
	cat "$OUT/q-synth.txt" "$OUT/q-relay.txt"
	for n in gen tail canary; do echo "$n.soak.example MX"; done
} | awk 'BEGIN { srand(11) } { print rand() "\t" $0 }' | sort -n |
    cut -f2- >"$OUT/q-soak.txt"

version 1 "$LIVE"
PM=$(free_port 35330)
start mxshimd "$MXSHIMD" --rules "$LIVE" --listen "127.0.0.1@$PM" \
    --upstream "127.0.0.1@$UP" --foreground --threads "$THREADS"
MXPID=$LAST_PID
ready "$PM" gen.soak.example MX
RSS_START=$(rss)

# ---- the soak ------------------------------------------------------------
echo "soak: $DUR s, $LINES lines, $THREADS thread(s), mxshimd on port $PM"
start dnsperf dnsperf -s 127.0.0.1 -p "$PM" -d "$OUT/q-soak.txt" -l "$DUR" \
    -T "$THREADS" -c $((8 * THREADS)) -q $((500 * THREADS))
PERF=$LAST_PID
writer & W=$!
checker & C=$!
sampler & S=$!
PIDS="$PIDS $W $C $S"
wait "$PERF" || true
touch "$OUT/stop"
wait "$W" "$C" "$S" || true
sleep 3			# the last reload, and the old set freed
RSS_END=$(rss)
FINAL=$(sample)
cp "$OUT/mxshimd.log" "$OUT/mxshimd-kept.log"
stop_all

# ---- the checks ----------------------------------------------------------
FAILED=0
row() {	# row WHAT FIGURE PASS(0|1)
	if [ "$3" -eq 0 ]; then r=ok; else r=FAIL; FAILED=1; fi
	printf '| %s | %s | %s |\n' "$1" "$2" "$r" >>"$OUT/soak.md"
}
f="$OUT/dnsperf.log"
sent=$(sent_of "$f")
lost=$(lost_of "$f")
qps=$(qps_of "$f")
nv=$(wc -l <"$OUT/written")
ninv=$(awk '$2 > 0' "$OUT/written" | wc -l)
ninp=$(awk '$3 == "inplace"' "$OUT/written" | wc -l)
lastvalid=$(awk '$2 == 0 { v = $1 } END { print v ? v : 1 }' "$OUT/written")
ns=$(wc -l <"$OUT/samples")
nbad=$(grep -c '^bad' "$OUT/samples" || true)
seen=$(awk '$1 == "ok" && !s[$2]++' "$OUT/samples" | wc -l)
back=$(awk '$1 == "ok" { if ($2 < last) n++; last = $2 } END { print n + 0 }' \
    "$OUT/samples")
# every invalid version: its FILE:LINE:COLUMN, then "rules not loaded"
rejected=0
for e in $(awk '$2 > 0 { print $2 }' "$OUT/written"); do
	grep -Eq "rules\.conf:$e:[0-9]+: " "$OUT/mxshimd-kept.log" &&
	    rejected=$((rejected + 1))
done
notloaded=$(grep -c 'rules not loaded' "$OUT/mxshimd-kept.log" || true)
loaded=$(grep -c 'loaded [0-9]* rules from' "$OUT/mxshimd-kept.log" || true)
RSS_WARM=$(awk -v d="$DUR" '$1 >= d / 6 && $1 < d / 3 && $2 > 0 &&
	(m == "" || $2 < m) { m = $2 } END { print m }' "$OUT/rss")
RSS_LATE=$(awk -v d="$DUR" '$1 >= d - d / 6 && $2 > 0 &&
	(m == "" || $2 < m) { m = $2 } END { print m }' "$OUT/rss")
RSS_MAX=$(awk '$2 > m { m = $2 } END { print m }' "$OUT/rss")
flat=$(awk -v e="$RSS_END" -v w="$RSS_WARM" -v m="$MARGIN" \
    'BEGIN { print (e <= w * (1 + m / 100)) ? 0 : 1 }')
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

{
	echo "| check | figure | result |"
	echo "|---|---|---|"
} >"$OUT/soak.md"
row "dnsperf: sent / completed / lost" \
    "$sent / $(completed_of "$f") / $lost ($qps q/s)" "$((lost != 0))"
row "versions written (invalid, in place)" "$nv ($ninv, $ninp)" \
    "$((nv < DUR / 2))"
row "checker samples: from one complete valid version" \
    "$((ns - nbad)) of $ns, $seen versions seen" "$((nbad != 0 || ns == 0))"
row "versions going back between samples" "$back" "$((back != 0))"
row "served at the end: last valid version" "${FINAL#ok } (want $lastvalid)" \
    "$([ "$FINAL" = "ok $lastvalid" ] && echo 0 || echo 1)"
row "invalid versions logged FILE:LINE:COLUMN and rejected" \
    "$rejected of $ninv ($notloaded rejections, $loaded loads)" \
    "$((rejected != ninv || notloaded < ninv))"
row "RSS start / after warm-up / max / end (lowest in the last $((DUR / 6)) s)" \
    "$(mb "$RSS_START") / $(mb "$RSS_WARM") / $(mb "$RSS_MAX") / $(mb "$RSS_END") ($(mb "$RSS_LATE"))" \
    "$flat"
{
	echo
	echo "end RSS within $MARGIN% of the lowest RSS between $((DUR / 6)) and" \
	    "$((DUR / 3)) s: flat."
	machine
	echo "Command: bench/resolver/soak.sh -l $DUR -n $LINES -T $THREADS -m $MARGIN"
} >>"$OUT/soak.md"
cat "$OUT/soak.md"
if [ "$nbad" -ne 0 ]; then
	echo "bad samples (first 10):"
	grep '^bad' "$OUT/samples" | sort | uniq -c | sort -rn | head -10
fi
exit "$FAILED"
