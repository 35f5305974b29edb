#!/bin/sh
# bench/shim/run.sh - how fast libmxshim.so answers an overridden MX
# question in-process, against a loopback round trip to a real resolver
# (Unbound answering from memory) and against Debian's libresolv-wrapper
# (cwrap) answering from its hosts file.
#
#   bench/shim/run.sh [ITERATIONS]     (root: runs in a private namespace)
#
# Each figure is the best of three runs of resbench (one res_query per
# call, same question, same answer size).  Fails when the shim needs 2 us
# or more per call.  Results also go to bench/out/shim.txt.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
if [ -z "${SHIM_IN_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/shim: needs root (unshare)" >&2; exit 2; }
	SHIM_IN_NS=1 exec unshare --net --mount sh "$0" "$@"
fi
. "$TOP/tests/lib.sh"
N=${1:-200000}
SHIM="$TOP/shim/.libs/libmxshim.so"
CWRAP=/usr/lib/x86_64-linux-gnu/libresolv_wrapper.so
[ -e "$SHIM" ] || { echo "bench/shim: build first (make)" >&2; exit 2; }
${CC:-cc} -O2 -o "$T_DIR/resbench" "$TOP/bench/shim/resbench.c" || exit 2

ip link set lo up
printf 'nameserver 127.0.0.1\n' >"$T_DIR/resolv.conf"
mount --bind "$T_DIR/resolv.conf" /etc/resolv.conf || exit 2
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
    "$T_DIR/resbench" partner.example)
loop=$(best $((N / 10)) "$T_DIR/resbench" plain.example.net)
pass=$(best $((N / 10)) env LD_PRELOAD="$SHIM" MXSHIM_RULES="$T_DIR/rules.conf" \
    "$T_DIR/resbench" plain.example.net)
cwrap="n/a (apt-get install libresolv-wrapper)"
[ -e "$CWRAP" ] && cwrap="$(best "$N" env LD_PRELOAD="$CWRAP" \
    RESOLV_WRAPPER_HOSTS="$T_DIR/hosts" "$T_DIR/resbench" partner.example) ns"

mkdir -p "$TOP/bench/out"
{
	echo "res_query(MX), one call, best of 3 ($(uname -m), $(nproc) CPUs):"
	echo "  libmxshim.so, overridden name (in-process):   $shim ns"
	echo "  loopback round trip to Unbound (no shim):     $loop ns"
	echo "  libmxshim.so, name not overridden (passthrough): $pass ns"
	echo "  libresolv-wrapper (cwrap), hosts file:        $cwrap"
} | tee "$TOP/bench/out/shim.txt"
[ "$shim" -gt 0 ] && [ "$shim" -lt 2000 ]
