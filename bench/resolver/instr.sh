#!/bin/sh
# bench/resolver/instr.sh - what counting and --log-queries cost, in
# instructions: mxshimd's own (user space) instructions per question under
# valgrind's cachegrind, for the build without counting
# (bench/resolver/mxshimd_nostats), the default build, and the default
# build with --log-queries.  Unlike a rate, an instruction count does not
# move with the neighbours of a shared machine; it leaves out the
# kernel's share (system calls, the UDP stack), so the ratios it gives
# are upper bounds of the share of the CPU.
#
#   bench/resolver/instr.sh [-q RATE]
#
# Each server (one thread) is run twice under cachegrind: once asked every
# question of a path once, once three times; the difference divided by
# the questions between is the cost of a question, start-up, loading and
# the first (cache-filling) pass cancelled out.  Paths: synthesized MX for
# the 10,000 names of a 10,000-line file (bench/gen-rules.sh), relayed A
# for 10,000 names from the cache.
#
# Results: bench/out/resolver/instr.md.  Only loopback is used.
set -eu
cd "$(dirname "$0")/../.."
OUT="$(pwd)/bench/out/resolver"
. bench/resolver/lib.sh
RATE=2000
while getopts q: o; do
	case $o in
	q) RATE=$OPTARG ;;
	*) echo "usage: $0 [-q RATE]" >&2; exit 2 ;;
	esac
done
need dnsperf unbound dig valgrind
make -s bench/resolver/mxshimd_nostats
NOSTATS="$TOP/bench/resolver/mxshimd_nostats"
mkdir -p "$OUT"
bench_rules 10000
synth_queries "$RULES" 10000 "$OUT/q-synth-10k.txt"
relay_data
start_upstream

# run LABEL BINARY QUERIES PASSES [OPTION...]: "INSTRUCTIONS COMPLETED"
run() {
	label=$1 bin=$2 q=$3 passes=$4
	shift 4
	p=$(free_port 35500)
	cg="$OUT/instr-$label-$passes.cg"
	start "instr-$label-$passes" valgrind --tool=cachegrind \
	    --cache-sim=no --cachegrind-out-file="$cg" "$bin" \
	    --rules "$RULES" --listen "127.0.0.1@$p" \
	    --upstream "127.0.0.1@$UP" --foreground --threads 1 \
	    --control none "$@"
	pid=$LAST_PID
	ready "$p" "$(head -1 "$q" | cut -d' ' -f1)" \
	    "$(head -1 "$q" | cut -d' ' -f2)" >/dev/null
	f="$OUT/instr-dnsperf-$label-$passes.txt"
	dnsperf -s 127.0.0.1 -p "$p" -d "$q" -n "$passes" -Q "$RATE" \
	    -T 1 -c 1 >"$f" 2>&1 || true
	kill "$pid"
	wait "$pid" || true
	echo "$(sed -n 's/^summary: *//p' "$cg") $(completed_of "$f")"
}

# per LABEL BINARY QUERIES [OPTION...]: instructions per question
per() {
	label=$1 bin=$2 q=$3
	shift 3
	one=$(run "$label" "$bin" "$q" 1 "$@")
	three=$(run "$label" "$bin" "$q" 3 "$@")
	echo "$one $three" | awk '{ if ($4 > $2)
		printf "%.0f\n", ($3 - $1) / ($4 - $2); else print 0 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }

{
	echo "| path | server | instructions per question | / no counting |"
	echo "|---|---|---|---|"
	for pth in synth relay; do
		if [ "$pth" = synth ]; then q="$OUT/q-synth-10k.txt"
		else q="$OUT/q-relay.txt"; fi
		n=$(per "$pth-nostats" "$NOSTATS" "$q")
		c=$(per "$pth-stats" "$MXSHIMD" "$q")
		l=$(per "$pth-logq" "$MXSHIMD" "$q" --log-queries)
		echo "| $pth | no counting | $n | 1.0000 |"
		echo "| $pth | counting (default) | $c | $(ratio "$c" "$n") |"
		echo "| $pth | counting, --log-queries | $l | $(ratio "$l" "$n") |"
	done
	echo
	echo "mxshimd's user-space instructions per question (cachegrind),"
	echo "one thread, questions at $RATE q/s; valgrind $(valgrind --version)."
} >"$OUT/instr.md"
stop_all
cat "$OUT/instr.md"
