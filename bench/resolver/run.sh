#!/bin/sh
# bench/resolver/run.sh - mxshimd against Unbound and dnsmasq, in one run.
#
#   bench/resolver/run.sh [-l SECONDS] [-r ROUNDS] [THREADS...]
#
# Synthesized path: 1,000,000 rules (bench/gen-rules.sh) loaded in mxshimd
# (once as by default, once without prebuilt answers, so every question is
# evaluated); the same MX records as local-data of a typetransparent zone in
# Unbound and as mx-host lines in dnsmasq; dnsperf asks MX for 100,000 of
# those names, over and over.
# Relayed path: A questions for 10,000 names that an upstream Unbound
# serves, answered from cache by mxshimd and by Unbound as a forwarder
# (both warmed first).  Every server runs THREADS threads (dnsmasq has
# one).  Each measurement: dnsperf for SECONDS (default 10) at full speed
# for queries per second, the best of ROUNDS (default 3) runs; then five
# 5 s runs at a fixed rate (20,000 q/s, or half of that server's best if
# less) with -v for the median p50 and p99 latency.  The servers of a path
# take turns in every round.  Every server is stopped by its PID.
#
# Results: bench/out/resolver/results.md (and the raw dnsperf outputs).
# Only loopback is used.
set -eu
cd "$(dirname "$0")/../.."
OUT="$(pwd)/bench/out/resolver"
. bench/resolver/lib.sh
DUR=10
ROUNDS=3
RATE=20000		# queries per second of the latency runs
while getopts l:r: o; do
	case $o in
	l) DUR=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	*) echo "usage: $0 [-l SECONDS] [-r ROUNDS] [THREADS...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
THREADS=${*:-$(seq 1 "$(nproc)")}
need dnsperf unbound dnsmasq dig
mkdir -p "$OUT"

# ---- data ----------------------------------------------------------------
bench_rules 1000000
if [ ! -s "$OUT/q-synth.txt" ] || [ "$RULES" -nt "$OUT/q-synth.txt" ]; then
	synth_queries "$RULES" 100000 "$OUT/q-synth.txt"
	awk -v what=unbound -f bench/resolver/derive.awk "$RULES" \
	    >"$OUT/unbound-local-data.conf"
	awk -v what=dnsmasq -f bench/resolver/derive.awk "$RULES" \
	    >"$OUT/dnsmasq-mx.conf"
fi
relay_data

# ---- servers -------------------------------------------------------------
start_upstream

# ---- measuring -----------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END {
	print NR ? v[int((NR + 1) / 2)] : "-" }'; }

# throughput ROUND LABEL PORT QUERIES THREADS: one full-speed run; the
# best so far is kept in $OUT/qps-LABEL as "qps lost".
throughput() {
	r=$1 label=$2 port=$3 q=$4 t=$5
	f="$OUT/dnsperf-$label-r$r.txt"
	dnsperf -s 127.0.0.1 -p "$port" -d "$q" -l "$DUR" \
	    -T "$t" -c $((8 * t)) -q $((500 * t)) >"$f" 2>&1 || true
	v=$(qps_of "$f")
	best=$(cut -d' ' -f1 "$OUT/qps-$label")
	if awk -v a="${v:-0}" -v b="$best" 'BEGIN { exit !(a > b) }'; then
		echo "$v $(lost_of "$f")" >"$OUT/qps-$label"
	fi
}

# latency ROUND LABEL PORT QUERIES: one 5 s run at a fixed rate, the same
# for every server but never more than half of what it can do (dnsmasq's
# linear mx-host list cannot take it); adds "p50 p99" to $OUT/pct-LABEL.
latency() {
	r=$1 label=$2 port=$3 q=$4
	rate=$(awk -v b="$(cut -d' ' -f1 "$OUT/qps-$label")" -v r="$RATE" \
	    'BEGIN { h = int(b / 2); print (h < r ? (h < 1 ? 1 : h) : r) }')
	echo "$rate" >"$OUT/rate-$label"
	f="$OUT/dnsperf-$label-latency.$r"
	dnsperf -s 127.0.0.1 -p "$port" -d "$q" -l 5 -Q "$rate" -T 1 -c 8 -v \
	    2>/dev/null | awk '$1 == ">" && $NF ~ /^[0-9.]+$/ { print $NF }' |
	    sort -n >"$f"
	awk '{ v[NR] = $1 } END { if (NR > 0)
		printf "%.3f %.3f\n", v[int(NR * 0.50) + 1] * 1000,
		    v[int(NR * 0.99) + 1] * 1000 }' "$f" >>"$OUT/pct-$label"
}

# measure QUERIES THREADS LABEL PORT [LABEL PORT...]: ROUNDS throughput
# rounds then five latency rounds, the servers taking turns in each (so a
# neighbour's burst on a shared machine hits them alike); the best
# throughput and the median p50 and p99 of each server go to $OUT/figures
# as "LABEL qps lost p50 p99 rate".
measure() {
	q=$1 t=$2
	shift 2
	list="$*"
	while [ $# -ge 2 ]; do
		echo "0 0" >"$OUT/qps-$1"
		: >"$OUT/pct-$1"
		shift 2
	done
	r=1
	while [ $r -le "$ROUNDS" ]; do
		set -- $list
		while [ $# -ge 2 ]; do
			throughput "$r" "$1" "$2" "$q" "$t"
			shift 2
		done
		r=$((r + 1))
	done
	for r in 1 2 3 4 5; do
		set -- $list
		while [ $# -ge 2 ]; do
			latency "$r" "$1" "$2" "$q"
			shift 2
		done
	done
	set -- $list
	while [ $# -ge 2 ]; do
		p="$(cut -d' ' -f1 "$OUT/pct-$1" | median) $(cut -d' ' -f2 "$OUT/pct-$1" | median)"
		echo "$1 $(cat "$OUT/qps-$1") $p $(cat "$OUT/rate-$1")" \
		    >>"$OUT/figures"
		echo "  $1: $(cut -d' ' -f1 "$OUT/qps-$1") q/s," \
		    "p50/p99 ms at $(cat "$OUT/rate-$1") q/s: $p"
		shift 2
	done
}

: >"$OUT/figures"
for T in $THREADS; do
	echo "== $T thread(s): synthesized MX, 1,000,000 rules"
	PM=$(free_port 35310)
	start "mxshimd-synth-$T" "$MXSHIMD" --rules "$RULES" \
	    --listen "127.0.0.1@$PM" --upstream "127.0.0.1@$UP" \
	    --foreground --threads "$T"
	PN=$(free_port $((PM + 1)))
	start "mxshimd-nocache-$T" "$MXSHIMD" --rules "$RULES" \
	    --listen "127.0.0.1@$PN" --upstream "127.0.0.1@$UP" \
	    --foreground --threads "$T" --answer-cache 0
	PU=$(free_port $((PN + 1)))
	unbound_conf "$PU" "$T" "	local-zone: \"example.\" typetransparent
	include: \"$OUT/unbound-local-data.conf\"
forward-zone:
	name: \".\"
	forward-addr: 127.0.0.1@$UP" >"$OUT/unbound-local-$T.conf"
	start "unbound-local-$T" unbound -d -c "$OUT/unbound-local-$T.conf"
	PD=$(free_port $((PU + 1)))
	start "dnsmasq-$T" dnsmasq -k --port="$PD" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --user=root \
	    --server="127.0.0.1#$UP" --conf-file="$OUT/dnsmasq-mx.conf" \
	    --pid-file=
	first=$(head -1 "$OUT/q-synth.txt" | cut -d' ' -f1)
	ready "$PM" "$first" MX
	ready "$PN" "$first" MX
	ready "$PU" "$first" MX
	ready "$PD" "$first" MX
	measure "$OUT/q-synth.txt" "$T" "synth-mxshimd-T$T" "$PM" \
	    "synth-mxshimdnc-T$T" "$PN" "synth-unbound-T$T" "$PU" \
	    "synth-dnsmasq-T$T" "$PD"
	stop_all
	restart_upstream

	echo "== $T thread(s): relayed A, answered from the cache"
	PM=$(free_port 35320)
	start "mxshimd-relay-$T" "$MXSHIMD" --rules "$RULES" \
	    --listen "127.0.0.1@$PM" --upstream "127.0.0.1@$UP" \
	    --foreground --threads "$T"
	PU=$(free_port $((PM + 1)))
	unbound_conf "$PU" "$T" "forward-zone:
	name: \".\"
	forward-addr: 127.0.0.1@$UP" >"$OUT/unbound-forward-$T.conf"
	start "unbound-forward-$T" unbound -d -c "$OUT/unbound-forward-$T.conf"
	ready "$PM" r1.relay.example A
	ready "$PU" r1.relay.example A
	# warm the caches: mxshimd's are per worker and the kernel picks the
	# worker by source port, so ask every name from many ports
	for port in $PM $PU; do
		for i in 1 2 3 4 5 6 7 8; do
			dnsperf -s 127.0.0.1 -p "$port" -d "$OUT/q-relay.txt" \
			    -n 1 -T "$T" -c $((8 * T)) -q 100 >/dev/null 2>&1 ||
			    true
		done
	done
	measure "$OUT/q-relay.txt" "$T" "relay-mxshimd-T$T" "$PM" \
	    "relay-unbound-T$T" "$PU"
	stop_all
	restart_upstream
done
stop_all

# ---- the table -----------------------------------------------------------
awk -v rate="$RATE" -v dur="$DUR" -v rounds="$ROUNDS" '
{ split($1, k, "-"); path = k[1]; srv = k[2]; t = substr(k[3], 2)
  qps[path, srv, t] = $2; lost[path, srv, t] = $3
  p50[path, srv, t] = $4; p99[path, srv, t] = $5; rt[path, srv, t] = $6
  if (!(t in seen)) { seen[t] = 1; ts[++nt] = t } }
END {
  printf "| threads | path | server | queries/s | lost | p50 ms | p99 ms | at q/s | mxshimd / Unbound |\n"
  printf "|---|---|---|---|---|---|---|---|---|\n"
  for (i = 1; i <= nt; i++) {
    t = ts[i]
    split("synth relay", paths, " ")
    for (j = 1; j <= 2; j++) {
      path = paths[j]
      split("mxshimd mxshimdnc unbound dnsmasq", srvs, " ")
      name["mxshimd"] = "mxshimd"
      name["mxshimdnc"] = "mxshimd --answer-cache 0"
      name["unbound"] = "unbound"
      name["dnsmasq"] = "dnsmasq (1 thread)"
      for (s = 1; s <= 4; s++) {
        srv = srvs[s]
        if (!((path, srv, t) in qps)) continue
        ratio = ""
        if (srv ~ /^mxshimd/ && qps[path, "unbound", t] > 0)
          ratio = sprintf("%.2f", qps[path, srv, t] / qps[path, "unbound", t])
        printf "| %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n", t,
            path == "synth" ? "synthesized MX" : "relayed A (cached)",
            name[srv],
            qps[path, srv, t], lost[path, srv, t],
            p50[path, srv, t], p99[path, srv, t], rt[path, srv, t], ratio
      }
    }
  }
  printf "\nqueries/s: best of %s runs of %s s at full speed (lost: queries\n", rounds, dur
  printf "unanswered in that run); p50/p99: medians of five 5 s runs at a fixed\n"
  printf "rate, %s queries/s or half of what the server did at full speed if less.\n", rate
  printf "The servers of a path take turns in every round.\n"
}' "$OUT/figures" >"$OUT/results.md"
{
	echo
	machine
	dnsmasq --version | head -1
	echo "Command: bench/resolver/run.sh $*"
} >>"$OUT/results.md"
cat "$OUT/results.md"
