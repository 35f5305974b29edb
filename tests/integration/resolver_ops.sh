#!/bin/sh
# mxshimd as a service: start-up errors, SIGHUP reloads (good, bad, under
# load, of a file being written), SIGTERM, upstream down, loop refusal,
# --user, --pidfile, detaching.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"

# a bad file at start: non-zero exit, FILE:LINE:COLUMN
printf 'good.example relay.example\nbad.example relay.example $priority:70000\n' \
    >"$T_DIR/bad.conf"
P=$(t_port)
$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$T_DIR/bad.conf" --listen "127.0.0.1@$P" \
    --upstream "127.0.0.1@$UP" --foreground >"$T_DIR/bad.out" 2>&1
t_failed $? "a rules file with an error: non-zero exit"
t_like "$(cat "$T_DIR/bad.out")" "bad\.conf:2:[0-9]+: " \
    "the error names FILE:LINE:COLUMN"
$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$T_DIR/missing.conf" --foreground \
    --upstream "127.0.0.1@$UP" >"$T_DIR/missing.out" 2>&1
t_failed $? "a missing rules file: non-zero exit"
t_like "$(cat "$T_DIR/missing.out")" "missing\.conf: No such file" \
    "... saying so"

# forwarding to ourselves is refused
printf 'good.example relay.example\n' >"$T_DIR/good.conf"
$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$T_DIR/good.conf" --listen "127.0.0.1@$P" \
    --upstream "127.0.0.1@$P" --foreground >"$T_DIR/loop.out" 2>&1
t_failed $? "--upstream equal to --listen: refused"
t_like "$(cat "$T_DIR/loop.out")" "upstream 127\.0\.0\.1@$P is mxshimd itself" \
    "... saying why"
$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$T_DIR/good.conf" --listen "0.0.0.0@$P" \
    --upstream "127.0.0.1@$P" --foreground >"$T_DIR/loop1.out" 2>&1
t_failed $? "--upstream on a local address of a wildcard --listen: refused"
t_like "$(cat "$T_DIR/loop1.out")" "would loop" "... saying why"
printf 'search example\nnameserver 127.0.0.1\n' >"$T_DIR/resolv.conf"
$MXSHIMD_WRAPPER "$MXSHIMD" --control none \
    --rules "$T_DIR/good.conf" --resolv-conf "$T_DIR/resolv.conf" \
    --foreground >"$T_DIR/loop2.out" 2>&1
t_failed $? "resolv.conf naming 127.0.0.1 with the default listener: refused"
t_like "$(cat "$T_DIR/loop2.out")" "upstream 127\.0\.0\.1@53 from .*resolv\.conf is mxshimd itself.*would loop" \
    "... with a clear message"

# SIGHUP: good file, bad file
printf 'reload.example old.relay.example\n' >"$T_DIR/rules.conf"
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP"
t_is "$(mx $P reload.example)" "10 old.relay.example.;" "first rules served"
printf 'reload.example new.relay.example\n' >"$T_DIR/rules.conf"
kill -HUP "$MXSHIMD_PID"
t_is "$(wait_mx $P reload.example "10 new.relay.example.;")" \
    "10 new.relay.example.;" "SIGHUP: new rules"
printf 'reload.example newer.relay.example\nreload.example x $nosuch\n' \
    >"$T_DIR/rules.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/mxshimd-$P.log" "keeping the rules loaded before"
t_is "$(mx $P reload.example)" "10 new.relay.example.;" \
    "SIGHUP with a bad file: the old rules keep serving"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "rules\.conf:2:[0-9]+: .*" \
    "... and the error is logged with FILE:LINE:COLUMN"
grep -q "rules\.conf: Invalid argument" "$T_DIR/mxshimd-$P.log"
t_is "$?" "1" "... and no system error made up for it"

# reloads under load: every question answered, from one set or the other
if command -v dnsperf >/dev/null; then
	printf 'reload.example MX\n' >"$T_DIR/q.txt"
	printf 'reload.example a.relay.example\n' >"$T_DIR/a.conf"
	printf 'reload.example b.relay.example\n' >"$T_DIR/b.conf"
	cp "$T_DIR/a.conf" "$T_DIR/rules.conf"
	kill -HUP "$MXSHIMD_PID"
	dnsperf -s 127.0.0.1 -p "$P" -d "$T_DIR/q.txt" -l 7 \
	    -Q $((3000 / T_SLOW)) >"$T_DIR/perf.out" 2>&1 &
	perf=$!
	i=0
	while [ $i -lt 20 ]; do
		# replace the file atomically, as mxshimd(8) asks: a file
		# caught half-written by cp is a valid, shorter, rules file
		if [ $((i % 2)) -eq 0 ]; then
			cp "$T_DIR/b.conf" "$T_DIR/rules.tmp"
		else
			cp "$T_DIR/a.conf" "$T_DIR/rules.tmp"
		fi
		mv "$T_DIR/rules.tmp" "$T_DIR/rules.conf"
		kill -HUP "$MXSHIMD_PID"
		sleep 0.3	# more than --settle, so each is loaded
		i=$((i + 1))
	done
	wait $perf
	t_like "$(cat "$T_DIR/perf.out")" "Queries lost:[[:space:]]+0 " \
	    "20 reloads under load: no question lost"
	t_like "$(cat "$T_DIR/perf.out")" "NOERROR [0-9]+ \(100\.00%\)" \
	    "... all answered NOERROR"
else
	t_skip_missing "20 reloads under load" dnsperf
fi

# SIGTERM: clean exit
kill -TERM "$MXSHIMD_PID"
t_wait_for t_gone "$MXSHIMD_PID"
wait "$MXSHIMD_PID"
t_is "$?" "0" "SIGTERM: exit status 0"

# upstream down: SERVFAIL, never NXDOMAIN; synthesized answers still work
resolver_rules "$T_DIR/rules.conf"
DEAD=$(t_port)
P2=$(t_port)
t_mxshimd "$P2" "$T_DIR/rules.conf" --upstream "127.0.0.1@$DEAD" \
    --timeout 1000
t_is "$(status $P2 plain.example A)" "SERVFAIL" \
    "upstream down: relayed question SERVFAIL"
t_is "$(status $P2 mx.example MX)" "SERVFAIL" \
    "upstream down: real data needed: SERVFAIL, not NXDOMAIN"
t_is "$(status $P2 nx.example MX)" "SERVFAIL" \
    "upstream down: an override that merges real data is deferred too"
t_is "$(mx $P2 partner.example)" "10 smtp.myisp.example.;" \
    "upstream down: overrides without real data still answered"
kill -INT "$MXSHIMD_PID"
wait "$MXSHIMD_PID"
t_is "$?" "0" "SIGINT: exit status 0"

# A SIGHUP while the file is written in place, as a watcher on the file
# sends it at the first write: the first part, itself a valid file, is
# never loaded; the whole file is, once it has been still for --settle.
P4=$(t_port)
printf 'inplace.example old.relay.example\n' >"$T_DIR/inplace.conf"
t_mxshimd "$P4" "$T_DIR/inplace.conf" --upstream "127.0.0.1@$UP" \
    --settle 3000
exec 3>"$T_DIR/inplace.conf"
printf 'inplace.example half.relay.example $priority:20\n' >&3
kill -HUP "$MXSHIMD_PID"
sleep 0.3
printf 'inplace.example whole.relay.example $priority:5\n' >&3
exec 3>&-
kill -HUP "$MXSHIMD_PID"
whole="5 whole.relay.example.;20 half.relay.example.;"
t_is "$(wait_mx $P4 inplace.example "$whole")" "$whole" \
    "in-place write, SIGHUP at its first part: the whole file is loaded"
t_is "$(grep -c 'loaded [0-9]* rules' "$T_DIR/mxshimd-$P4.log")" "1" \
    "... and only it: the first part never was"
t_like "$(cat "$T_DIR/mxshimd-$P4.log")" \
    "inplace\.conf is being written: reloading once it has been still for 3000 ms" \
    "... the wait is logged"
kill -TERM "$MXSHIMD_PID"
wait "$MXSHIMD_PID"

# detaching, --pidfile, --user (which must reach the rules file to
# reload it: mktemp made T_DIR 0700)
chmod 755 "$T_DIR"
P3=$(t_port)
$MXSHIMD_WRAPPER "$MXSHIMD" --control none \
    --rules "$T_DIR/rules.conf" --listen "127.0.0.1@$P3" \
    --upstream "127.0.0.1@$UP" --pidfile "$T_DIR/mxshimd.pid" --user nobody
t_is "$?" "0" "without --foreground: the starting process exits 0"
t_wait_port "$P3"
# it binds before it detaches and writes the file
t_wait_for test -s "$T_DIR/mxshimd.pid"
pid=$(cat "$T_DIR/mxshimd.pid" 2>/dev/null)
T_PIDS="$T_PIDS $pid"
t_like "$pid" "^[0-9]+$" "--pidfile holds the daemon's PID"
t_is "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" \
    "$(id -u nobody)" "--user: privileges dropped after binding"
t_is "$(mx $P3 partner.example)" "10 smtp.myisp.example.;" \
    "the daemon answers"
kill -TERM "$pid"
t_wait_for t_gone "$pid"
t_ok $? "the daemon stops on SIGTERM"
t_done
