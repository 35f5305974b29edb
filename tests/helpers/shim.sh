# tests/helpers/shim.sh - sourced by the shim tests after tests/lib.sh.
#
# The shim is tested the way it is used: a program resolving through its
# own libc, whose /etc/resolv.conf points at a real resolver.  To do that
# without touching the machine, the test re-runs itself in a private
# network and mount namespace (`t_ns_enter "$@"`, root only): loopback is
# brought up, a private resolv.conf is bind-mounted over /etc/resolv.conf,
# and a real Unbound answers on 127.0.0.1:53 from tests/shim/zone.conf.
#
#   shim_ns_setup        inside: loopback, resolv.conf, Unbound
#   SHIM_PRELOAD         (set by shim_ns_setup) LD_PRELOAD for the shim

shim_ns_setup() {
	SHIM_LIB="$TOP/shim/.libs/libmxshim.so"
	Q="$TOP/tests/shim/shimq"
	QOLD="$TOP/tests/shim/shimq_old"
	for f in "$SHIM_LIB" "$Q" "$QOLD"; do
		[ -e "$f" ] || t_missing "$f (make check-build)"
	done
	t_ns_resolver 1
	t_unbound 53 "$TOP/tests/shim/zone.conf" ||
	    t_bail "unbound did not start"
	SHIM_PRELOAD=$(t_preload "$SHIM_LIB")
}

# shim RULES-FILE PROGRAM ARGS...: run PROGRAM with the shim, no context.
shim() {
	rules=$1; shift
	env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$rules" "$@"
}
