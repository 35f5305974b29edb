#!/bin/sh
# libmxshim.so keeps the credentials of the rules out of core dumps of the
# program it is preloaded in (issue 11, item 6): a program that has
# resolved an override with a password dumps core, once through gcore
# (gdb, which honours MADV_DONTDUMP as the kernel does) and once through
# the kernel itself, and neither core holds the password.  Each core must
# exist and hold a marker the program does keep, so a missing or
# unreadable core fails instead of passing.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
t_ns_enter "$@"
shim_ns_setup

rand() {
	od -An -N8 -tx1 /dev/urandom | tr -d ' \n'
}
PW="pw-$(rand)"
LOGIN="joe-$(rand)"
MARK="marker-$(rand)"	# in the program's environment and heap
R="$T_DIR/rules.conf"
# The credentials first, then enough lines that the string arena grows
# (by copying) several times after they are in it.
{
	printf 'partner.example   %s:%s@relay.example.net:2587\n' "$LOGIN" "$PW"
	i=0
	while [ $i -lt 3000 ]; do
		echo "n$i.example h$i.example.net"
		i=$((i + 1))
	done
} >"$R"

# core_check FILE WHO: the core exists, holds the marker, and neither the
# password nor the user name.
core_check() {
	[ -s "$1" ]; t_ok $? "$2: a core was written"
	grep -qaF "$MARK" "$1" 2>/dev/null
	t_ok $? "$2: the core holds the program's memory (control)"
	t_absent "$PW" "$1" "$2: the core does not hold the password"
	t_absent "$LOGIN" "$1" "$2: the core does not hold the user name"
}

# A sanitizer build's program reserves terabytes of address space, and
# gcore wrote 20 GB of it before it was stopped: no cores there.
[ -z "$(t_asan_runtime)" ] ||
    t_skip_all "a sanitizer build's cores are too big to take"

mkdir "$T_DIR/cwd"
cd "$T_DIR/cwd" || exit 1
# the program's core is a few MB; a bound keeps a surprise off the disk (a
# core cut short loses the stack, and with it the marker: a failure)
ulimit -c 1000000
# (env execs the program: $! is its PID, which a function's would not be)
env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R" MXSHIM_FROM="$MARK" \
    "$Q" -w res_query partner.example MX >"$T_DIR/out" 2>&1 &
pid=$!
T_PIDS="$T_PIDS $pid"
t_wait_for grep -q '^waiting' "$T_DIR/out"
t_like "$(cat "$T_DIR/out")" 'MX.10 relay\.example\.net\.$' \
    "the program resolved the override with credentials"
out=$(shim "$R" "$Q" res_query n2999.example MX)
t_like "$out" 'MX.10 h2999\.example\.net\.$' \
    "the last line, after the arena grew, answers too"

if command -v gcore >/dev/null; then
	gcore -o "$T_DIR/gcore" "$pid" >"$T_DIR/gcore.log" 2>&1
	core_check "$T_DIR/gcore.$pid" gcore
else
	t_skip_missing "gcore" "gdb (bootstrap.sh)"
fi

# The kernel writes the core itself when core_pattern names a file in the
# program's directory; a pipe to a collector is the machine's business,
# and this test does not change it.
pattern=$(cat /proc/sys/kernel/core_pattern)
kill -ABRT "$pid"
wait "$pid" 2>/dev/null
case $pattern in
core|core.%p)
	core=core
	[ -e "core.$pid" ] && core="core.$pid"
	core_check "$T_DIR/cwd/$core" kernel
	;;
*)
	t_skip "kernel core" "core_pattern is '$pattern'"
	;;
esac

t_done
