#!/bin/sh
# mxshimd's slow control commands (status, route: they wait on the
# network) run off the main loop: with an upstream that never answers
# (tests/helpers/chaos_upstream.py in drop mode, in front of a real
# Unbound), a `route` in flight holds up neither `ctl reload`, a SIGHUP
# reload, `ctl stats` nor /metrics (each within 0.5 s, where the main
# loop of old took the route's 3 s), and still gets its reply (a
# temporary failure); a `status` probing the silent upstream holds up
# nothing either;
# more than CONTROL_MAX_SLOW (4) at once are answered "busy"; SIGTERM with
# a route in flight stops the daemon cleanly, once the route has its
# reply (the sanitizer build and tests/valgrind.sh check the memory side).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
command -v python3 >/dev/null || t_missing "python3"
command -v curl >/dev/null || t_missing "curl"
date +%s%N | grep -q '^[0-9]*$' || t_missing "date +%N (GNU coreutils)"

TMO=3000			# --timeout: how long a route waits, ms
QUICK=$((500 * T_SLOW))		# ms an answer may take while one waits

UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"
resolver_rules "$T_DIR/rules.conf"
CH=$(t_port)
echo drop >"$T_DIR/mode"
python3 "$TOP/tests/helpers/chaos_upstream.py" "$CH" "$UP" "$T_DIR/mode" \
    2>>"$T_DIR/chaos.log" &
T_PIDS="$T_PIDS $!"
t_wait_port "$CH" || t_bail "the chaos upstream did not start"

SOCK="$T_DIR/ctl.sock"
P=$(t_port)
M=$(t_port)
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$CH" \
    --control "$SOCK" --metrics "127.0.0.1@$M" --timeout "$TMO" --threads 1 \
    --settle 0
LOG="$T_DIR/mxshimd-$P.log"
t_wait_for test -S "$SOCK"
t_wait_port "$M" tcp

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# timed NAME COMMAND...: run it, its output in $T_DIR/NAME.out; prints
# "STATUS MS"
timed() {
	name=$1
	shift
	t0=$(now_ms)
	"$@" >"$T_DIR/$name.out" 2>&1
	rc=$?
	echo "$rc $(( $(now_ms) - t0 ))"
}

ctl() {
	"$MXSHIM" ctl --control "$SOCK" "$@"
}

# route_bg NAME OUT: `ctl route NAME` in the background, output in OUT,
# "STATUS MS" in OUT.rc; sets BG
route_bg() {
	(timed "$(basename "$2")" ctl route "$1" >"$2.rc") &
	BG=$!
}

# asked NAME...: wait until the upstream was asked for each NAME (the
# route is then waiting for it)
asked() {
	for name in "$@"; do
		T_WAIT=10 t_wait_for log_has "$T_DIR/chaos.log" " $name" ||
		    return 1
	done
}

# sighup_reload: SIGHUP, then wait for its reload in the log (the second
# "loaded" line: `ctl reload` logs one too)
sighup_reload() {
	kill -HUP "$MXSHIMD_PID" &&
	    T_WAIT=15 t_wait_for log_has "$LOG" "loaded 40 rules from" 2
}

# ---- a route in flight holds up nothing else ----
route_bg first.plain.example "$T_DIR/r1"
R1=$BG
asked first.plain.example
# all at once: on a stuck loop each would wait for the route (--settle 0:
# a SIGHUP reloads at once)
(timed reload ctl reload >"$T_DIR/reload.rc") &
A=$!
(timed stats ctl stats >"$T_DIR/stats.rc") &
B=$!
(timed metrics curl -sf "http://127.0.0.1:$M/metrics" >"$T_DIR/metrics.rc") &
C=$!
(timed sighup sighup_reload >"$T_DIR/sighup.rc") &
D=$!
wait "$A" "$B" "$C" "$D"
for what in reload stats metrics sighup; do
	set -- $(cat "$T_DIR/$what.rc")
	t_is "$1" 0 "while a route waits: $what done"
	t_ok $(( $2 >= QUICK )) "... within ${QUICK} ms ($2 ms)"
done
t_like "$(cat "$T_DIR/reload.out")" \
    "^loaded 40 rules from $T_DIR/rules\.conf \(generation [23]\)$" \
    "... reload: loaded"
t_like "$(cat "$T_DIR/metrics.out")" "^mxshim_rules 40$" \
    "... /metrics: the rules"
t_is "$(mx "$P" partner.example)" "10 smtp.myisp.example.;" \
    "while a route waits: overrides are answered"
wait "$R1"
set -- $(cat "$T_DIR/r1.rc")
t_is "$1" 0 "the route gets its reply afterwards"
t_ok $(( $2 < TMO - 500 )) "... after waiting for the upstream ($2 ms)"
TEMPFAIL="^# SERVFAIL: the real MX records of .* could not be fetched; "
TEMPFAIL="${TEMPFAIL}the MTA would defer and retry$"
t_like "$(cat "$T_DIR/r1.out")" "$TEMPFAIL" "... a temporary failure"
t_like "$(cat "$T_DIR/r1.out")" \
    "^explain \(first\.plain\.example, generation 1," \
    "... explained with the rules it started with"

# ---- status waits on the upstream too ----
(timed status ctl status >"$T_DIR/status.rc") &
S1=$!
sleep 0.3
set -- $(timed stats ctl stats)
t_ok $(( $2 >= QUICK )) "while status probes: stats within ${QUICK} ms ($2 ms)"
wait "$S1"
t_like "$(cat "$T_DIR/status.out")" "^upstream: 127\.0\.0\.1@$CH down$" \
    "status: the silent upstream is down"
t_like "$(cat "$T_DIR/status.out")" "^last-reload: ok at " \
    "status: the last reload"

# ---- more than 4 at once: busy ----
BGS=""
for n in 1 2 3; do
	route_bg "busy$n.plain.example" "$T_DIR/b$n"
	BGS="$BGS $BG"
done
# the fourth client goes away at once: its route runs on all the same,
# and its reply goes nowhere
python3 - "$SOCK" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"route busy4.plain.example\n")
s.close()
PYEOF
asked busy1.plain.example busy2.plain.example busy3.plain.example \
    busy4.plain.example
set -- $(timed busy ctl route busy5.plain.example)
t_is "$1" 1 "a fifth route: error"
t_ok $(( $2 >= QUICK )) "... at once ($2 ms)"
t_like "$(cat "$T_DIR/busy.out")" "^busy: 4 slow commands" "... busy"
ctl status >"$T_DIR/busy.out" 2>&1
t_is "$?" 1 "status while 4 routes wait: error"
t_like "$(cat "$T_DIR/busy.out")" "^busy: " "... busy"
ctl stats >/dev/null
t_is "$?" 0 "stats while 4 routes wait: answers"
for pid in $BGS; do
	wait "$pid"
done
ok=0
for n in 1 2 3; do
	set -- $(cat "$T_DIR/b$n.rc")
	[ "$1" = 0 ] && grep -Eq "$TEMPFAIL" "$T_DIR/b$n.out" && ok=$((ok + 1))
done
t_is "$ok" 3 "the 3 routes whose clients wait all get their reply"
set -- $(timed again ctl route again.plain.example)
t_is "$1" 0 "once they are done, a route is served again"

# ---- SIGTERM with a route in flight ----
route_bg last.plain.example "$T_DIR/r2"
R2=$BG
asked last.plain.example
t0=$(now_ms)
kill "$MXSHIMD_PID"
T_WAIT=$((TMO / 1000 + 5)) t_wait_for t_gone "$MXSHIMD_PID"
t_ok $? "SIGTERM with a route in flight: stops ($(( $(now_ms) - t0 )) ms)"
wait "$MXSHIMD_PID"
t_is "$?" 0 "... with exit status 0"
wait_log "$LOG" "stopped"
t_like "$(tail -1 "$LOG")" "stopped" "... cleanly"
t_like "$(cat "$LOG")" "waiting for 1 command in flight" \
    "... after waiting for the route"
wait "$R2"
set -- $(cat "$T_DIR/r2.rc")
t_is "$1" 0 "... whose client gets its reply"
t_like "$(cat "$T_DIR/r2.out")" "$TEMPFAIL" "... a temporary failure"
t_no_file "$SOCK" "... and the socket is removed"
t_done
