#!/bin/sh
# mxshimd operated: `mxshim ctl` (reload, status, stats, top, route,
# flush), the control socket's protocol and its bad clients, --metrics,
# --log-queries, upstream trouble in the log, signals an operator sends.
# A real Unbound upstream, real dig questions.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
command -v python3 >/dev/null || t_missing "python3"
command -v curl >/dev/null || t_missing "curl"
UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"
resolver_rules "$T_DIR/rules.conf"

ctl() {		# ctl SOCKET COMMAND...: output in $T_DIR/ctl.out, status
	sock=$1
	shift
	"$MXSHIM" ctl --control "$sock" "$@" >"$T_DIR/ctl.out" 2>&1
}

# counter NAME: its value in the last `stats` output
counter() {
	sed -n "s/^$1 //p" "$T_DIR/ctl.out"
}

SOCK="$T_DIR/ctl.sock"
ctl "$SOCK" status
t_is "$?" 2 "ctl without a daemon: exit status 2"
t_like "$(cat "$T_DIR/ctl.out")" "cannot connect to .*ctl\.sock" \
    "... with a message naming the socket"

P=$(t_port)
M=$(t_port)
# one thread: the second question meets the first one's prebuilt answer
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
    --control "$SOCK" --metrics "127.0.0.1@$M" --log-queries --threads 1
LOG="$T_DIR/mxshimd-$P.log"
t_wait_for test -S "$SOCK"
t_is "$(stat -c %a "$SOCK")" 660 "the control socket is mode 0660"

# ---- status ----
ctl "$SOCK" status
t_is "$?" 0 "status: exit status 0"
S=$(cat "$T_DIR/ctl.out")
t_like "$S" "^version: [0-9]" "status: version"
t_like "$S" "^uptime: [0-9]+$" "status: uptime"
t_like "$S" "^rules: $T_DIR/rules\.conf$" "status: rules file"
t_like "$S" "^rule-count: 40$" "status: rule count"
t_like "$S" "^generation: 1$" "status: generation"
t_like "$S" "^loaded: 20[0-9-]+T[0-9:]+Z$" "status: when loaded"
t_like "$S" "^last-reload: none$" "status: no reload yet"
t_like "$S" "^upstream: 127\.0\.0\.1@$UP up$" "status: the upstream answers"
t_like "$S" "^listen: 127\.0\.0\.1@$P$" "status: listen address"
t_like "$S" "^threads: 1$" "status: threads"
t_like "$S" "^client-inflight: 64$" "status: limits"
t_like "$S" "^metrics: 127\.0\.0\.1@$M$" "status: metrics address"

# ---- questions of every path, then stats ----
t_is "$(mx $P partner.example)" "10 smtp.myisp.example.;" "synthesized"
t_is "$(mx $P partner.example)" "10 smtp.myisp.example.;" "prebuilt"
t_is "$(mx $P mx.example)" \
    "10 mx1.mx.example.;20 mx2.mx.example.;50 backup.relay.example.;" \
    "synthesized with real data"
t_is "$(t_dig $P +short plain.example TXT)" '"hello"' "relayed"
t_is "$(mx $P plain.example +tcp)" "10 mx.plain.example.;" "relayed over TCP"
t_is "$(status $P fail.example MX)" SERVFAIL "real data failing: SERVFAIL"
t_is "$(status $P nothere.example A)" NXDOMAIN "relayed NXDOMAIN"
ctl "$SOCK" stats
t_is "$?" 0 "stats: exit status 0"
t_is "$(counter questions.udp)" 6 "stats: questions over UDP"
t_is "$(counter questions.tcp)" 1 "stats: questions over TCP"
t_is "$(counter questions.type.MX)" 5 "stats: MX questions"
t_is "$(counter questions.type.TXT)" 1 "stats: TXT questions"
t_is "$(counter questions.type.A)" 1 "stats: A questions"
t_is "$(counter answers.synthesized)" 1 "stats: synthesized answers"
t_is "$(counter answers.prebuilt)" 1 "stats: prebuilt answers"
t_is "$(counter answers.synthesized-real)" 1 \
    "stats: synthesized with real data"
t_is "$(counter answers.local)" 1 "stats: answers made here (a SERVFAIL)"
t_is "$(counter answers.relayed)" 3 "stats: relayed answers"
t_is "$(counter answers.rcode.NOERROR)" 5 "stats: NOERROR answers"
t_is "$(counter answers.rcode.SERVFAIL)" 1 "stats: SERVFAIL answers"
t_is "$(counter answers.rcode.NXDOMAIN)" 1 "stats: NXDOMAIN answers"
t_is "$(counter servfail.upstream-failure)" 1 \
    "stats: SERVFAIL caused by an upstream failure"
t_is "$(counter upstream.lookups)" 5 "stats: upstream lookups"
t_is "$(counter tcp.accepted)" 1 "stats: TCP connections accepted"
ctl "$SOCK" stats --reset
t_is "$(counter questions.udp)" 6 "stats --reset: prints the counts first"
ctl "$SOCK" stats
t_is "$(counter questions.udp)" 0 "stats after --reset: from zero"
ctl "$SOCK" stats --bogus
t_is "$?" 1 "stats --bogus: exit status 1"

# ---- top ----
ctl "$SOCK" top 2
t_is "$?" 0 "top: exit status 0"
T=$(cat "$T_DIR/ctl.out")
t_is "$(sed -n 2p "$T_DIR/ctl.out")" "line 2: 2" \
    "top: the line that decided most answers first, with its count"
t_like "$T" "^line 20: 1$" "top: the \$adddns line"
t_is "$(grep -c '^line ' "$T_DIR/ctl.out")" 2 "top 2: two lines"
t_like "$T" "^never used: line 4$" "top: a line never used is listed"
t_like "$T" "^never used: line 57$" "... the last one too"
ctl "$SOCK" top x
t_is "$?" 1 "top x: exit status 1"

# ---- route ----
ctl "$SOCK" route mx.example
t_is "$?" 0 "route: exit status 0"
R=$(cat "$T_DIR/ctl.out")
t_like "$R" "^10 mx1\.mx\.example	# real MX \(line 20\)$" \
    "route: the real MX records merged"
t_like "$R" "^50 backup\.relay\.example$" "route: the override"
t_like "$R" "line 20: applied " "route: explained"
ctl "$SOCK" route client.example --client 127.0.0.2
t_like "$(cat "$T_DIR/ctl.out")" "^10 inside\.relay\.example$" \
    "route --client: the client's answer"
ctl "$SOCK" route client.example --client 10.9.9.9
t_like "$(cat "$T_DIR/ctl.out")" "^10 outside\.relay\.example$" \
    "route --client: another client's answer"
ctl "$SOCK" route partner.example
t_like "$(cat "$T_DIR/ctl.out")" "joe:\*\*\*@smtp" "route: the password masked"
t_absent letmein "$T_DIR/ctl.out" "route: never the password"
ctl "$SOCK" route 'a..b'
t_is "$?" 1 "route with a bad name: exit status 1"
ctl "$SOCK" route plain.example
t_like "$(cat "$T_DIR/ctl.out")" "^10 mx\.plain\.example	# real MX$" \
    "route: no override, the real MX records from the daemon's upstream"
ctl "$SOCK" route nosuch.example
t_like "$(cat "$T_DIR/ctl.out")" "^# NXDOMAIN: nosuch\.example does not exist; the MTA would bounce$" \
    "route: NXDOMAIN, the MTA bounces"

# ---- reload ----
sed 's/^partner.example .*/partner.example new.relay.example/' \
    "$T_DIR/rules.conf" >"$T_DIR/rules.new"
mv "$T_DIR/rules.new" "$T_DIR/rules.conf"
cp "$T_DIR/rules.conf" "$T_DIR/rules.good"
ctl "$SOCK" reload
t_is "$?" 0 "reload: exit status 0"
t_is "$(cat "$T_DIR/ctl.out")" \
    "loaded 40 rules from $T_DIR/rules.conf (generation 2)" \
    "reload: says what it loaded"
t_is "$(mx $P partner.example)" "10 new.relay.example.;" \
    "reload: the new rules answer at once"
printf 'partner.example x $nosuch\n' >>"$T_DIR/rules.conf"
ctl "$SOCK" reload
t_is "$?" 1 "reload of a bad file: exit status 1"
t_like "$(cat "$T_DIR/ctl.out")" "rules\.conf:58:[0-9]+: unknown token" \
    "reload of a bad file: FILE:LINE:COLUMN"
t_is "$(tail -1 "$T_DIR/ctl.out")" "kept generation 2" \
    "reload of a bad file: kept generation G"
t_is "$(mx $P partner.example)" "10 new.relay.example.;" \
    "reload of a bad file: the old rules keep answering"
ctl "$SOCK" status
t_like "$(cat "$T_DIR/ctl.out")" "^last-reload: failed at .*generation 2" \
    "status: the last reload failed"
ctl "$SOCK" stats
t_is "$(counter reloads.ok)/$(counter reloads.failed)" 1/1 \
    "stats: reloads ok and failed"

# ---- flush: the upstream's data changes under a long TTL ----
t_is "$(mx $P mx.example)" \
    "10 mx1.mx.example.;20 mx2.mx.example.;50 backup.relay.example.;" \
    "before the change"
kill "$UNBOUND_PID"
t_wait_for t_gone "$UNBOUND_PID"
sed 's/mx.example. 300 IN MX 20 mx2.mx.example./mx.example. 300 IN MX 20 mx3.mx.example./' \
    "$T_DIR/zones.conf" >"$T_DIR/zones2.conf"
t_unbound "$UP" "$T_DIR/zones2.conf"
t_is "$(mx $P mx.example)" \
    "10 mx1.mx.example.;20 mx2.mx.example.;50 backup.relay.example.;" \
    "without flush: the cached real data"
ctl "$SOCK" flush
t_is "$?" 0 "flush: exit status 0"
t_is "$(cat "$T_DIR/ctl.out")" "flushed 1 of 1 workers" "flush: says so"
t_is "$(mx $P mx.example)" \
    "10 mx1.mx.example.;20 mx3.mx.example.;50 backup.relay.example.;" \
    "after flush: the upstream's new data"

# ---- the protocol and bad clients ----
ctl "$SOCK" nosuch
t_is "$?" 1 "an unknown command: exit status 1"
raw() {		# raw MODE: what the daemon says to a bad client
	python3 - "$SOCK" "$1" <<'PYEOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
mode = sys.argv[2]
if mode == "long":
    try:
        s.sendall(b"x" * 100000)
    except OSError:
        pass
elif mode == "nonl":
    s.sendall(b"status")
    s.shutdown(socket.SHUT_WR)
elif mode == "nul":
    s.sendall(b"sta\0tus\n")
elif mode == "ctrl":
    s.sendall(b"sta\x1btus\n")
elif mode == "slow":
    s.sendall(b"sta")
    time.sleep(12)
data = b""
s.settimeout(15)
try:
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
except OSError:
    pass
sys.stdout.write(data.decode("utf-8", "replace"))
PYEOF
}
t_like "$(raw long)" "longer than 4096 bytes" "an oversized request: refused"
t_is "$(raw long | tail -1)" error "... with error"
t_is "$(raw nonl | tail -1)" error "a request without a newline: error"
t_is "$(raw nul | tail -1)" error "a request with a NUL byte: error"
t_is "$(raw ctrl | tail -1)" error "a request with control characters: error"
raw slow >"$T_DIR/slow.out" &
SLOW=$!
sleep 0.5
ctl "$SOCK" status
t_is "$?" 0 "a slow client does not hold up another"
wait "$SLOW"
t_is "$(cat "$T_DIR/slow.out")" "" "a slow client is closed at the deadline"
t_is "$(mx $P partner.example)" "10 new.relay.example.;" \
    "the daemon still answers after the bad clients"

# ---- metrics ----
ctl "$SOCK" stats
udp=$(counter questions.udp)
curl -s "http://127.0.0.1:$M/metrics" >"$T_DIR/metrics.out"
t_ok $? "metrics: scraped"
t_like "$(cat "$T_DIR/metrics.out")" \
    "^# TYPE mxshim_questions_total counter$" "metrics: Prometheus types"
t_like "$(cat "$T_DIR/metrics.out")" \
    "^mxshim_answers_total\{path=\"relayed\"\} [0-9]+$" \
    "metrics: answers by path"
t_like "$(cat "$T_DIR/metrics.out")" \
    "^mxshim_servfail_total\{cause=\"upstream_failure\"\} 1$" \
    "metrics: SERVFAIL by cause"
# metrics never reset: the count since start, not since stats --reset
t_like "$(cat "$T_DIR/metrics.out")" \
    "^mxshim_questions_total\{transport=\"udp\"\} $((udp + 6))$" \
    "metrics: counters since start"
t_like "$(cat "$T_DIR/metrics.out")" "^mxshim_rules 40$" "metrics: rules loaded"
t_is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$M/other")" \
    404 "metrics: other paths 404"

# ---- --log-queries ----
t_like "$(cat "$LOG")" \
    "query client=127\.0\.0\.1 name=partner\.example\. type=MX transport=udp path=synthesized rcode=NOERROR ms=[0-9.]+ lines=2$" \
    "log-queries: a synthesized answer with its rule line"
t_like "$(cat "$LOG")" \
    "query client=127\.0\.0\.1 name=plain\.example\. type=MX transport=tcp path=relayed rcode=NOERROR ms=" \
    "log-queries: a relayed answer over TCP"
t_like "$(cat "$LOG")" "name=fail\.example\. type=MX .* rcode=SERVFAIL" \
    "log-queries: a SERVFAIL"
t_absent letmein "$LOG" "log-queries: never the password"

# ---- signals ----
kill -USR1 "$MXSHIMD_PID"
wait_log "$LOG" "statistics since start: questions\.udp [0-9]+"
t_like "$(cat "$LOG")" "statistics since start: questions\.udp [0-9]+" \
    "SIGUSR1: the counters in the log"
kill -USR2 "$MXSHIMD_PID"
kill -ALRM "$MXSHIMD_PID"
sleep 0.3
t_is "$(mx $P partner.example)" "10 new.relay.example.;" \
    "SIGUSR1, SIGUSR2, SIGALRM: still answering"

# ---- the same socket twice; --control none ----
t_mxshimd_once "$T_DIR/twice.out" "$T_DIR/rules.good" --control "$SOCK"
t_failed $? "a second daemon on a live control socket: refused"
t_like "$(cat "$T_DIR/twice.out")" "another mxshimd answers there" \
    "... saying why"
kill -QUIT "$MXSHIMD_PID"
t_wait_for t_gone "$MXSHIMD_PID"
t_ok $? "SIGQUIT: stops"
wait_log "$LOG" "stopped"
t_like "$(tail -1 "$LOG")" "stopped" "... cleanly"
t_no_file "$SOCK" "the socket is removed at exit"

# ---- a dead upstream: status, and the log without --log-queries ----
DEAD=$(t_port)
P2=$(t_port)
t_mxshimd "$P2" "$T_DIR/rules.good" --upstream "127.0.0.1@$DEAD" \
    --control "$T_DIR/ctl2.sock" --timeout 500 --threads 1 \
    --tcp-idle 1 --tcp-max-conn 1
t_wait_for test -S "$T_DIR/ctl2.sock"
ctl "$T_DIR/ctl2.sock" status
t_like "$(cat "$T_DIR/ctl.out")" "^upstream: 127\.0\.0\.1@$DEAD down$" \
    "status: an upstream that does not answer is down"
for n in 1 2 3 4; do
	t_dig "$P2" "q$n.plain.example" TXT >/dev/null
done
ctl "$T_DIR/ctl2.sock" stats
# libunbound may give up on an upstream it holds for down before the
# deadline: then the SERVFAIL is an upstream failure, not a timeout
tmo=$(counter servfail.upstream-timeout)
t_ok $(( ${tmo:-0} < 1 )) "stats: SERVFAIL caused by upstream timeouts"
t_is "$(( tmo + $(counter servfail.upstream-failure) ))" 4 \
    "stats: each SERVFAIL for a dead upstream has its cause"
t_is "$(counter upstream.timeouts)" "$tmo" "stats: upstream timeouts"
LOG2="$T_DIR/mxshimd-$P2.log"
t_like "$(cat "$LOG2")" "upstream did not answer in time: q[0-9]\.plain\.example\. TXT" \
    "upstream timeouts are logged without --log-queries"
t_ok $(( $(grep -c "upstream did not answer" "$LOG2") > 2 )) \
    "... rate-limited (not one line per question)"
t_absent "query client=" "$LOG2" "without --log-queries: no query lines"
# TCP: one connection held until it is closed idle, a second refused
python3 - "$P2" <<'PYEOF'
import socket, sys, time
a = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(0.3)
b = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
b.settimeout(5)
b.recv(1)
a.settimeout(5)
a.recv(1)
PYEOF
ctl "$T_DIR/ctl2.sock" stats
t_is "$(counter tcp.accepted)" 1 "stats: TCP accepted"
t_is "$(counter tcp.refused)" 1 "stats: TCP refused over --tcp-max-conn"
t_is "$(counter tcp.closed-idle)" 1 "stats: TCP closed idle"
kill "$MXSHIMD_PID"

# ---- --client-inflight: a second question waiting for a dead upstream ----
P5=$(t_port)
t_mxshimd "$P5" "$T_DIR/rules.good" --upstream "127.0.0.1@$DEAD" \
    --control "$T_DIR/ctl5.sock" --timeout 3000 --client-inflight 1
t_wait_for test -S "$T_DIR/ctl5.sock"
t_dig "$P5" held.plain.example TXT >/dev/null &
HELD=$!
sleep 0.5
t_is "$(status "$P5" second.plain.example TXT)" SERVFAIL \
    "over --client-inflight: SERVFAIL at once"
ctl "$T_DIR/ctl5.sock" stats
t_is "$(counter servfail.client-inflight)" 1 \
    "stats: SERVFAIL caused by --client-inflight"
wait "$HELD"
kill "$MXSHIMD_PID"

# ---- /metrics for a client --allow does not admit ----
P4=$(t_port)
M4=$(t_port)
t_mxshimd "$P4" "$T_DIR/rules.good" --upstream "127.0.0.1@$UP" \
    --control none --metrics "127.0.0.1@$M4" --allow 10.0.0.0/8
t_wait_port "$M4" tcp
t_is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$M4/metrics")" \
    403 "metrics: a client --allow does not admit gets 403"
kill "$MXSHIMD_PID"

# ---- a relative --control path survives detaching ----
P6=$(t_port)
(cd "$T_DIR" && "$MXSHIMD" --rules "$T_DIR/rules.good" \
    --listen "127.0.0.1@$P6" --upstream "127.0.0.1@$UP" \
    --control rel.sock --pidfile "$T_DIR/rel.pid")
t_wait_for test -s "$T_DIR/rel.pid"
REL=$(cat "$T_DIR/rel.pid")
T_PIDS="$T_PIDS $REL"
ctl "$T_DIR/rel.sock" status
t_is "$?" 0 "a relative --control path: the detached daemon answers there"
kill "$REL"
t_wait_for t_gone "$REL"
t_no_file "$T_DIR/rel.sock" "... and removes it at exit"

# ---- --control none ----
P3=$(t_port)
# the last --control wins: none after a path turns it off
t_mxshimd "$P3" "$T_DIR/rules.good" --upstream "127.0.0.1@$UP" \
    --control "$T_DIR/ctl3.sock" --control none
t_is "$(mx $P3 partner.example)" "10 new.relay.example.;" \
    "--control none: answers"
ctl "$T_DIR/ctl3.sock" status
t_is "$?" 2 "--control none: nothing to connect to"
t_no_file "$T_DIR/ctl3.sock" "--control none: no socket file"
t_no_file "$(pwd)/none" "--control none: not a socket named none"
t_done
