# tests/lib.sh - shared by the integration tests (sourced, POSIX sh).
#
# TAP output, a scratch directory removed at exit, processes stopped by
# their PID at exit, and a real Unbound on a loopback port as upstream.
# Nothing here contacts anything but loopback.

TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
MXSHIM="$TOP/cli/mxshim"
MXSHIMD="$TOP/resolver/mxshimd"
T_N=0
T_FAILED=0
T_PIDS=""
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mxshim-test.XXXXXX")
# t_wrap WRAPPER: run mxshimd under WRAPPER from now on, as
# `$MXSHIMD_WRAPPER "$MXSHIMD" ...` (valgrind: tests/helpers/valgrind.sh; the
# wrapper must exec mxshimd in its own process, so that $! is mxshimd's
# PID), and wait 4 times longer for everything (T_SLOW), so that normal
# runs keep their short timeouts.  An empty WRAPPER: mxshimd itself.
t_wrap() {
	MXSHIMD_WRAPPER=$1
	T_SLOW=1
	[ -z "$MXSHIMD_WRAPPER" ] || T_SLOW=4
	# dig's short timeouts, for every dig of the tests
	T_DIGOPTS="+time=$((2 * T_SLOW)) +tries=1"
}
# tests/valgrind.sh sets MXSHIMD_WRAPPER in the environment
t_wrap "${MXSHIMD_WRAPPER:-}"

# t_wait_for COMMAND...: run COMMAND every 0.1 s until it succeeds, for
# up to T_WAIT seconds (default 5; times T_SLOW); 0 when it did.
t_wait_for() {
	i=0
	until "$@"; do
		[ $i -lt $((${T_WAIT:-5} * 10 * T_SLOW)) ] || return 1
		sleep 0.1; i=$((i + 1))
	done
}

# t_gone PID: whether the process has ended (for t_wait_for).
t_gone() {
	! kill -0 "$1" 2>/dev/null
}

t_cleanup() {
	# `|| :` everywhere: callers may run under set -e
	for pid in $T_PIDS; do
		kill "$pid" 2>/dev/null || :
	done
	for pid in $T_PIDS; do
		# give each a moment, then insist
		t_wait_for t_gone "$pid" || kill -9 "$pid" 2>/dev/null || :
	done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_DIR"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

# ok CONDITION-EXIT-STATUS DESCRIPTION
t_ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# t_is GOT EXPECTED DESCRIPTION
t_is() {
	if [ "$1" = "$2" ]; then
		t_ok 0 "$3"
	else
		t_ok 1 "$3"
		printf '# got:      %s\n# expected: %s\n' "$1" "$2" | sed 's/^/# /'
	fi
}

# t_like GOT EXTENDED-REGEX DESCRIPTION
t_like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		t_ok 0 "$3"
	else
		t_ok 1 "$3"
		printf '%s\n' "$1" | sed 's/^/# got: /'
		echo "# expected to match: $2"
	fi
}

# t_unlike GOT EXTENDED-REGEX DESCRIPTION: GOT does not match.  An empty
# GOT fails: it proves nothing (the command that gave it likely failed).
t_unlike() {
	if [ -z "$1" ]; then
		t_ok 1 "$3"
		echo "# got nothing to look into"
	elif printf '%s\n' "$1" | grep -Eq -- "$2"; then
		t_ok 1 "$3"
		printf '%s\n' "$1" | grep -E -- "$2" | sed 's/^/# found: /'
	else
		t_ok 0 "$3"
	fi
}

# t_absent EXTENDED-REGEX FILE DESCRIPTION: FILE is a readable file with no
# line matching.  A missing or unreadable FILE fails.
t_absent() {
	grep -Eq -- "$1" "$2" 2>"$T_DIR/.absent.err"
	case $? in
	1)	t_ok 0 "$3" ;;
	0)	t_ok 1 "$3"
		grep -E -- "$1" "$2" | sed "s|^|# found in $2: |" ;;
	*)	t_ok 1 "$3"
		sed 's/^/# /' "$T_DIR/.absent.err" ;;
	esac
}

# t_no_file PATH DESCRIPTION: nothing at PATH, in a directory that exists
# (a mistyped directory proves nothing).
t_no_file() {
	if [ ! -d "$(dirname "$1")" ]; then
		t_ok 1 "$2"
		echo "# no directory $(dirname "$1")"
	elif [ -e "$1" ] || [ -L "$1" ]; then
		t_ok 1 "$2"
		echo "# $1 exists"
	else
		t_ok 0 "$2"
	fi
}

# t_failed STATUS DESCRIPTION: a command's exit status says it refused:
# 1 to 125.  Not 0, nor 126 or 127 (it never ran), nor above 128 (a signal
# killed it: a crash is no refusal).
t_failed() {
	if [ "$1" -ge 1 ] && [ "$1" -le 125 ]; then
		t_ok 0 "$2"
	else
		t_ok 1 "$2"
		echo "# exit status $1, expected 1 to 125"
	fi
}

t_done() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

# Skips are reported as skips, never as passes (tests/run counts them).
# One that is for want of something bootstrap.sh installs or the build
# makes says "missing dependency: WHAT": under CI (CI=true), where
# .ci/run installs and builds everything, tests/run counts it as a failure.
#   t_skip_all REASON        skip the whole test (not root, no namespaces)
#   t_missing WHAT           skip the whole test for want of WHAT
#   t_skip DESCRIPTION REASON        skip one check
#   t_skip_missing DESCRIPTION WHAT  skip one check for want of WHAT
#   t_bail REASON            end the test with a failure (a setup step
#                            that should have worked did not)
t_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

t_missing() {
	t_skip_all "missing dependency: $1"
}

t_skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

t_skip_missing() {
	t_skip "$1" "missing dependency: $2"
}

t_bail() {
	t_ok 1 "$1"
	t_done
	exit 1
}

# A free UDP+TCP port on 127.0.0.1 (best effort: random in 20000-32767,
# below the kernel's range for client ports, so no outgoing socket takes it).
t_port() {
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 12768 + 20000 ))
		# $(t_port) runs in a subshell: the ports handed out but
		# maybe not bound yet are remembered in a file
		grep -qx "$p" "$T_DIR/.ports" 2>/dev/null && continue
		if ! ss -Hlnu "sport = :$p" 2>/dev/null | grep -q . &&
		   ! ss -Hlnt "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p" >>"$T_DIR/.ports"
			echo "$p"; return
		fi
	done
}

# t_wait_port PORT [PROTO]: wait up to 15 s times T_SLOW (sanitizer builds
# and a busy machine are slow) for a listener on 127.0.0.1.
t_wait_port() {
	i=0
	while [ $i -lt $((300 * T_SLOW)) ]; do
		if [ "${2:-udp}" = tcp ]; then
			ss -Hlnt "sport = :$1" | grep -q . && return 0
		else
			ss -Hlnu "sport = :$1" | grep -q . && return 0
		fi
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

# t_unbound PORT LOCAL-DATA-FILE [ADDR]: start Unbound on ADDR@PORT
# (default 127.0.0.1) serving the local-zone/local-data lines in the file;
# every other name is NXDOMAIN, as unknown names are on the Internet.
# Sets UNBOUND_PID.
t_unbound() {
	conf="$T_DIR/unbound-$1.conf"
	{
		t_unbound_server "$1" "${3:-}"
		cat <<UBEOF
	do-not-query-localhost: yes
	local-zone: "." static
	include: "$2"
remote-control:
	control-enable: no
UBEOF
	} >"$conf"
	unbound -d -c "$conf" >"$T_DIR/unbound-$1.log" 2>&1 &
	UNBOUND_PID=$!
	T_PIDS="$T_PIDS $UNBOUND_PID"
	t_wait_port "$1"
}

# t_unbound_server PORT [ADDR]: the server: clause every test's Unbound
# starts from: ADDR@PORT (default 127.0.0.1), in the foreground, one
# thread, files in $T_DIR, no validation.
t_unbound_server() {
	cat <<UBEOF
server:
	interface: ${2:-127.0.0.1}@$1
	port: $1
	do-ip6: no
	do-daemonize: no
	use-syslog: no
	logfile: ""
	username: ""
	chroot: ""
	directory: "$T_DIR"
	pidfile: ""
	verbosity: 0
	num-threads: 1
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
UBEOF
}

# t_ns_enter [--pid] ARGS...: re-run the test script, with ARGS, in its
# own network and mount namespaces (--pid: and pid namespace, so that
# every process it starts dies with it); inside them, return at once.
# Call it right after sourcing this file, before starting anything: the
# scratch directory made out here goes (the run inside makes its own).
# A test that cannot get the namespaces is skipped (not root, or a
# container that forbids unshare).
t_ns_enter() {
	[ -z "${T_IN_NS:-}" ] || return 0
	ns="--net --mount"
	if [ "${1:-}" = --pid ]; then
		ns="$ns --pid --fork --kill-child --mount-proc"
		shift
	fi
	[ "$(id -u)" = 0 ] || t_skip_all "needs root for unshare $ns"
	unshare $ns true 2>/dev/null ||
	    t_skip_all "unshare $ns is not permitted here"
	rm -rf "$T_DIR"
	T_IN_NS=1 exec unshare $ns sh "$0" "$@"
}

# t_ns_resolver TIMEOUT: inside a test's own network namespace (unshare
# --net --mount), bring up lo and make /etc/resolv.conf say "nameserver
# 127.0.0.1" with that timeout and one attempt, for the programs under
# test; skips the whole test when it cannot.
t_ns_resolver() {
	ip link set lo up || t_skip_all "cannot bring up lo in the namespace"
	printf 'nameserver 127.0.0.1\noptions timeout:%s attempts:1\n' "$1" \
	    >"$T_DIR/resolv.conf"
	mount --bind "$T_DIR/resolv.conf" /etc/resolv.conf ||
	    t_skip_all "cannot bind-mount /etc/resolv.conf"
}

# t_dig PORT ARGS...: dig against 127.0.0.1@PORT, short timeouts (2 s
# times T_SLOW).
t_dig() {
	port=$1; shift
	dig @127.0.0.1 -p "$port" $T_DIGOPTS "$@"
}

# A libmxshim.so built with --enable-sanitizers, inside a program built
# without ASan, needs the ASan runtime loaded before it.  configure records
# the runtime in config.h (MXSHIM_ASAN_RUNTIME), where `mxshim run` takes
# it from too; a normal build has none.
#   t_preload LIB       LD_PRELOAD's value for LIB: the runtime first, if any
#   t_preload_env LIB   NAME=VALUE words for a program we did not build
#                       (Postfix, Exim): that LD_PRELOAD and, in a sanitizer
#                       build, ASAN_OPTIONS=detect_leaks=0 (the program's
#                       own leaks are not ours, and would fail its exit)
#   t_asan_runtime      the runtime's path; empty in a normal build
t_preload() {
	rt=$(t_asan_runtime)
	echo "${rt:+$rt:}$1"
}

t_preload_env() {
	rt=$(t_asan_runtime)
	echo "LD_PRELOAD=$(t_preload "$1")${rt:+ ASAN_OPTIONS=detect_leaks=0}"
}

t_asan_runtime() {
	sed -n 's/^#define MXSHIM_ASAN_RUNTIME "\(.*\)"$/\1/p' "$TOP/config.h"
}
