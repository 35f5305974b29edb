#!/bin/sh
# bench/shim/run.sh - how fast libmxshim.so answers an overridden MX
# question in-process, against a loopback round trip to a real resolver
# (Unbound answering from memory) and against Debian's libresolv-wrapper
# (cwrap) answering from its hosts file.
#
#   make bench-shim [BENCH_ARGS=ITERATIONS]   (root: a private namespace)
#
# Each figure is the best of three runs of bench/resbench (one res_query
# per call, same question, same answer size).  Fails when the shim needs
# 2 us or more per call.  Results also go to bench/out/shim.txt.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
[ "$(id -u)" = 0 ] || { echo "bench/shim: needs root (unshare)" >&2; exit 2; }
. "$TOP/tests/lib.sh"
t_ns_enter "$@"
N=${1:-200000}
SHIM="$TOP/shim/.libs/libmxshim.so"
RESBENCH="$TOP/bench/resbench"
CWRAP=/usr/lib/x86_64-linux-gnu/libresolv_wrapper.so
[ -e "$SHIM" ] && [ -x "$RESBENCH" ] ||
    { echo "bench/shim: build first (make bench-shim)" >&2; exit 2; }

t_ns_resolver 1
t_unbound 53 "$TOP/tests/shim/zone.conf" || { echo "unbound failed" >&2; exit 2; }
printf 'partner.example relay.example.net\n' >"$T_DIR/rules.conf"
printf 'MX partner.example relay.example.net 10\n' >"$T_DIR/hosts"

# best ITER CMD...: the lowest ns/call of three runs
best() {
	iter=$1; shift
	b=""
	for i in 1 2 3; do
		v=$("$@" "$iter" | sed -n 's/.* \([0-9]*\) ns\/call$/\1/p')
		[ -n "$v" ] || { echo "failed: $*" >&2; echo 0; return; }
		[ -z "$b" ] || [ "$v" -lt "$b" ] && b=$v
	done
	echo "$b"
}

shim=$(best "$N" env LD_PRELOAD="$SHIM" MXSHIM_RULES="$T_DIR/rules.conf" \
    "$RESBENCH" partner.example)
loop=$(best $((N / 10)) "$RESBENCH" plain.example.net)
pass=$(best $((N / 10)) env LD_PRELOAD="$SHIM" MXSHIM_RULES="$T_DIR/rules.conf" \
    "$RESBENCH" plain.example.net)
cwrap="n/a (apt-get install libresolv-wrapper)"
[ -e "$CWRAP" ] && cwrap="$(best "$N" env LD_PRELOAD="$CWRAP" \
    RESOLV_WRAPPER_HOSTS="$T_DIR/hosts" "$RESBENCH" partner.example) ns"

mkdir -p "$TOP/bench/out"
{
	echo "res_query(MX), one call, best of 3 ($(uname -m), $(nproc) CPUs):"
	echo "  libmxshim.so, overridden name (in-process):   $shim ns"
	echo "  loopback round trip to Unbound (no shim):     $loop ns"
	echo "  libmxshim.so, name not overridden (passthrough): $pass ns"
	echo "  libresolv-wrapper (cwrap), hosts file:        $cwrap"
} | tee "$TOP/bench/out/shim.txt"
[ "$shim" -gt 0 ] && [ "$shim" -lt 2000 ]
