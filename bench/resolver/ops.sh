#!/bin/sh
# bench/resolver/ops.sh - what operating mxshimd costs: the query rate
# with its counters (as built by default) and with --log-queries, against
# the same sources built without counting (bench/resolver/mxshimd_nostats,
# -DMXSHIMD_NO_STATS), in one run.
#
#   bench/resolver/ops.sh [-l SECONDS] [-r ROUNDS] [-t THREADS] [-q RATE]
#
# Paths: synthesized MX (100,000 names of the 1,000,000-line file of
# bench/gen-rules.sh, prebuilt answers on as by default) and relayed A
# (10,000 names an upstream Unbound serves, answered from mxshimd's
# cache).  The three servers take turns in every round.  Two figures for
# each: the queries per second, best of ROUNDS (default 5) dnsperf runs of
# SECONDS (default 10) at full speed; and the server's CPU time per
# question (all its threads, from /proc/PID/task/*/schedstat), median of
# ROUNDS runs of SECONDS at a fixed RATE (default 10,000 q/s) that every
# server keeps up with.  On a machine shared with other work the second is
# the steadier: a neighbour's burst takes rate away, but hardly changes
# what a question costs.  --log-queries writes to a file on disk
# (--foreground, its standard error), as a journal would receive it.
#
# Results: bench/out/resolver/ops.md.  Only loopback is used.
set -eu
cd "$(dirname "$0")/../.."
OUT="$(pwd)/bench/out/resolver"
. bench/resolver/lib.sh
DUR=10
ROUNDS=5
T=1
RATE=10000
while getopts l:r:t:q: o; do
	case $o in
	l) DUR=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	t) T=$OPTARG ;;
	q) RATE=$OPTARG ;;
	*) echo "usage: $0 [-l SECONDS] [-r ROUNDS] [-t THREADS] [-q RATE]" >&2
	   exit 2 ;;
	esac
done
need dnsperf unbound dig
make -s bench/resolver/mxshimd_nostats
NOSTATS="$TOP/bench/resolver/mxshimd_nostats"
mkdir -p "$OUT"
bench_rules 1000000
if [ ! -s "$OUT/q-synth.txt" ] || [ "$RULES" -nt "$OUT/q-synth.txt" ]; then
	synth_queries "$RULES" 100000 "$OUT/q-synth.txt"
fi
relay_data
start_upstream

# serve LABEL BINARY [OPTION...]: start one mxshimd (LABEL: letters and
# _); its port in PORT_LABEL
serve() {
	label=$1 bin=$2
	shift 2
	p=$(free_port "${NEXT_PORT:-35400}")
	NEXT_PORT=$((p + 1))
	start "ops-$label" "$bin" --rules "$RULES" --listen "127.0.0.1@$p" \
	    --upstream "127.0.0.1@$UP" --foreground --threads "$T" \
	    --control none "$@"
	eval "PORT_$label=$p PID_$label=$LAST_PID"
}

port_of() { eval echo "\$PORT_$1"; }
pid_of() { eval echo "\$PID_$1"; }

# CPU nanoseconds a process has used, all its threads
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { print s }'
}

# cost LABEL QUERIES ROUND: one fixed-rate run; adds the server's CPU
# nanoseconds per completed question to ops-cpu-LABEL
cost() {
	f="$OUT/ops-dnsperf-$1-rate-r$3.txt"
	before=$(cpu_ns "$(pid_of "$1")")
	dnsperf -s 127.0.0.1 -p "$(port_of "$1")" -d "$2" -l "$DUR" \
	    -Q "$RATE" -T 1 -c 8 >"$f" 2>&1 || true
	after=$(cpu_ns "$(pid_of "$1")")
	awk -v a="$after" -v b="$before" -v n="$(completed_of "$f")" \
	    'BEGIN { if (n > 0) printf "%.0f\n", (a - b) / n }' \
	    >>"$OUT/ops-cpu-$1"
}

median() { sort -n | awk '{ v[NR] = $1 } END {
	print NR ? v[int((NR + 1) / 2)] : 0 }'; }

# best LABEL QUERIES ROUND: one full-speed run; the best in ops-qps-LABEL
best() {
	f="$OUT/ops-dnsperf-$1-r$3.txt"
	dnsperf -s 127.0.0.1 -p "$(port_of "$1")" -d "$2" -l "$DUR" \
	    -T "$T" -c $((8 * T)) -q $((500 * T)) >"$f" 2>&1 || true
	v=$(qps_of "$f")
	old=$(cat "$OUT/ops-qps-$1" 2>/dev/null || echo 0)
	if awk -v a="${v:-0}" -v b="$old" 'BEGIN { exit !(a > b) }'; then
		echo "$v" >"$OUT/ops-qps-$1"
	fi
}

# path PATH QUERIES: the three servers, ROUNDS rounds taking turns
path() {
	pth=$1 q=$2
	serve "${pth}_nostats" "$NOSTATS"
	serve "${pth}_stats" "$MXSHIMD"
	serve "${pth}_logq" "$MXSHIMD" --log-queries
	first=$(head -1 "$q" | cut -d' ' -f1)
	qt=$(head -1 "$q" | cut -d' ' -f2)
	for s in nostats stats logq; do
		ready "$(port_of "${pth}_$s")" "$first" "$qt"
		rm -f "$OUT/ops-qps-${pth}_$s" "$OUT/ops-cpu-${pth}_$s"
		# fill every worker's caches (the kernel picks the worker by
		# source port): ask every name from many ports
		for i in 1 2 3 4; do
			dnsperf -s 127.0.0.1 -p "$(port_of "${pth}_$s")" \
			    -d "$q" -n 1 -T "$T" -c $((8 * T)) -q 100 \
			    >/dev/null 2>&1 || true
		done
	done
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		for s in nostats stats logq; do
			best "${pth}_$s" "$q" "$r"
		done
		for s in nostats stats logq; do
			cost "${pth}_$s" "$q" "$r"
		done
		r=$((r + 1))
	done
	stop_all
	restart_upstream
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

echo "== synthesized MX, 1,000,000 rules, $T thread(s)"
path synth "$OUT/q-synth.txt"
echo "== relayed A from the cache, $T thread(s)"
path relay "$OUT/q-relay.txt"

{
	echo "| path | server | queries/s (best) | / no counting | CPU ns per question (median) | / no counting |"
	echo "|---|---|---|---|---|---|"
	for pth in synth relay; do
		n=$(cat "$OUT/ops-qps-${pth}_nostats")
		nc=$(median <"$OUT/ops-cpu-${pth}_nostats")
		for s in nostats stats logq; do
			v=$(cat "$OUT/ops-qps-${pth}_$s")
			c=$(median <"$OUT/ops-cpu-${pth}_$s")
			printf '| %s | %s | %.0f | %s | %s | %s |\n' "$pth" "$s" \
			    "$v" "$(ratio "$v" "$n")" "$c" "$(ratio "$c" "$nc")"
		done
	done
	echo
	echo "$T thread(s); queries/s: best of $ROUNDS runs of $DUR s at full speed;"
	echo "CPU: median of $ROUNDS runs of $DUR s at $RATE q/s; servers taking turns."
	machine
} >"$OUT/ops.md"
cat "$OUT/ops.md"
