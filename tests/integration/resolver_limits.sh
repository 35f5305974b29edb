#!/bin/sh
# mxshimd's limits: rules file size and lines, regexes that backtrack
# catastrophically, TCP connections per client and in all, idle TCP
# connections, and questions per client waiting for real DNS (a client
# flooding names whose upstream hangs does not starve another client).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
resolver_flood_upstream || t_bail "unbound did not start"
resolver_rules "$T_DIR/rules.conf"

# ---- the rules file -------------------------------------------------------
printf 'a.example h.example\n# two\nc.example h.example\nd.example h.example\n' \
    >"$T_DIR/four.conf"
t_mxshimd_once "$T_DIR/lines.out" "$T_DIR/four.conf" --max-rules-lines 3
t_failed $? "--max-rules-lines 3, a 4-line file: non-zero exit"
t_like "$(cat "$T_DIR/lines.out")" "four\.conf:4:1: over the limit of 3 lines" \
    "... naming FILE:LINE"
t_like "$(cat "$T_DIR/lines.out")" "over the limits \(--max-rules-bytes [0-9]+, --max-rules-lines 3\)" \
    "... and the options that set the limits"
t_mxshimd_once "$T_DIR/bytes.out" "$T_DIR/four.conf" --max-rules-bytes 40
t_failed $? "--max-rules-bytes 40, a 66-byte file: non-zero exit"
t_like "$(cat "$T_DIR/bytes.out")" "four\.conf: 66 bytes, over the limit of 40 bytes" \
    "... saying how large it is"
"$MXSHIM" check --max-rules-lines 3 "$T_DIR/four.conf" >"$T_DIR/check.out" 2>&1
t_failed $? "mxshim check --max-rules-lines 3: the same file is invalid"
t_like "$(cat "$T_DIR/check.out")" "four\.conf:4:1: over the limit of 3 lines" \
    "... with the same message"
"$MXSHIM" check "$T_DIR/four.conf" >/dev/null 2>&1
t_ok $? "mxshim check with the default limits: valid"

printf 'a.example h.example $from~=/^bounce-(\\d+)+$/\n' >"$T_DIR/regex.conf"
t_mxshimd_once "$T_DIR/regex.out" "$T_DIR/regex.conf"
t_failed $? "a regex that backtracks catastrophically: refused at start"
t_like "$(cat "$T_DIR/regex.out")" "regex\.conf:1:28: regex backtracks catastrophically: .* PCRE2 match limit" \
    "... at FILE:LINE:COLUMN, saying why"

# a reload over a limit keeps the old set
P=$(t_port)
cp "$T_DIR/rules.conf" "$T_DIR/live.conf"
t_mxshimd "$P" "$T_DIR/live.conf" --upstream "127.0.0.1@$UP" \
    --max-rules-lines 100 --tcp-client-conn 4 --tcp-max-conn 6 \
    --tcp-idle 30 --client-inflight 20
{ cat "$T_DIR/rules.conf"; awk 'BEGIN { for (i = 0; i < 100; i++)
    print "n" i ".example h.example" }'; } >"$T_DIR/live.tmp"
mv "$T_DIR/live.tmp" "$T_DIR/live.conf"
kill -HUP "$MXSHIMD_PID"
sleep 1
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "live\.conf:101:1: over the limit of 100 lines" \
    "SIGHUP with a file over --max-rules-lines: refused at FILE:LINE"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "keeping the rules loaded before" \
    "... keeping the old set"
t_is "$(mx $P partner.example)" "10 smtp.myisp.example.;" \
    "... which still answers"
t_is "$(mx $P n5.example)" "" "... and the refused lines do not"

# ---- TCP connections --------------------------------------------------------
HOLD="python3 $TOP/tests/helpers/tcp_hold.py"
wait_line() {	# wait_line FILE WORD: the value of "WORD N" once printed
	i=0
	while ! grep -q "^$2 " "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sed -n "s/^$2 //p" "$1"
}
$HOLD "$P" 127.0.0.2 8 3 >"$T_DIR/hold2.out" 2>&1 &
hold2=$!
T_PIDS="$T_PIDS $hold2"
t_is "$(wait_line "$T_DIR/hold2.out" open)" "4" \
    "--tcp-client-conn 4: 4 of 8 connections from one address kept"
t_is "$(mx $P partner.example +tcp -b 127.0.0.3)" "10 smtp.myisp.example.;" \
    "... another address is still answered over TCP"
$HOLD "$P" 127.0.0.4 4 2 >"$T_DIR/hold4.out" 2>&1 &
hold4=$!
T_PIDS="$T_PIDS $hold4"
t_is "$(wait_line "$T_DIR/hold4.out" open)" "2" \
    "--tcp-max-conn 6: a third address gets the 2 connections left"
t_like "$(mx $P partner.example +tcp -b 127.0.0.3)" \
    "connection reset|end of file|no servers could be reached" \
    "... and then no address gets one"
wait $hold2 $hold4
t_is "$(mx $P partner.example +tcp -b 127.0.0.3)" "10 smtp.myisp.example.;" \
    "connections closed by the clients are counted back"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "127\.0\.0\.2: over --tcp-client-conn 4: TCP connection closed" \
    "the refusals are logged, per client ..."
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "127\.0\.0\.(3|4): over --tcp-max-conn 6" \
    "... and in all"

P2=$(t_port)
t_mxshimd "$P2" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" --tcp-idle 1
$HOLD "$P2" 127.0.0.2 3 3 >"$T_DIR/idle.out" 2>&1
t_is "$(sed -n 's/^open //p' "$T_DIR/idle.out")" "3" \
    "--tcp-idle 1: connections open at first"
t_is "$(sed -n 's/^open_at_end //p' "$T_DIR/idle.out")" "0" \
    "... closed by mxshimd once idle"
$HOLD "$P2" 127.0.0.2 3 3 drip >"$T_DIR/drip.out" 2>&1
t_is "$(sed -n 's/^open //p' "$T_DIR/drip.out")" "3" \
    "--tcp-idle 1: connections sending a question a byte every 0.25 s open at first"
t_is "$(sed -n 's/^open_at_end //p' "$T_DIR/drip.out")" "0" \
    "... closed: a byte is not a question, the question must be whole within --tcp-idle"
$HOLD "$P2" 127.0.0.2 3 3 ask >"$T_DIR/ask.out" 2>&1
t_is "$(sed -n 's/^open_at_end //p' "$T_DIR/ask.out")" "3" \
    "--tcp-idle 1: connections asking a whole question every 0.5 s are kept"
t_like "$(sed -n 's/^asked //p' "$T_DIR/ask.out")" "^([6-9]|[1-9][0-9])$" \
    "... each asking twice or more"
t_is "$(sed -n 's/^answered //p' "$T_DIR/ask.out")" \
    "$(sed -n 's/^asked //p' "$T_DIR/ask.out")" \
    "... and every question answered"

# clients outside --allow: closed at accept, never counted
P3=$(t_port)
t_mxshimd "$P3" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
    --allow 127.0.0.0/30 --tcp-client-conn 4 --tcp-max-conn 6 --tcp-idle 30
$HOLD "$P3" 127.0.0.5 8 5 >"$T_DIR/acl.out" 2>&1 &
acl=$!
T_PIDS="$T_PIDS $acl"
t_is "$(wait_line "$T_DIR/acl.out" open)" "0" \
    "--allow 127.0.0.0/30: 127.0.0.5's TCP connections are closed at accept"
t_is "$(python3 "$TOP/tests/helpers/tcp_hold.py" "$P3" 127.0.0.3 6 0 |
    sed -n 's/^open //p')" "4" \
    "... and take no slot: 127.0.0.3 still gets --tcp-client-conn 4 of --tcp-max-conn 6"
t_like "$(t_dig "$P3" -b 127.0.0.5 partner.example MX)" "status: REFUSED" \
    "... while 127.0.0.5 is answered REFUSED over UDP"
wait $acl
t_absent '127\.0\.0\.5: over' "$T_DIR/mxshimd-$P3.log" \
    "... and its connections were never counted against a limit"

# clients pipelining questions and reading no answer (RFC 7766
# backpressure): mxshimd stops reading them, its memory stays small and
# comes back when they leave, the connections are counted back
{ cat "$T_DIR/rules.conf"; for i in 1 2 3 4 5 6 7 8 9; do
	echo "greedy.example a-long-relay-host-name-number-0$i.relay.example"
done; } >"$T_DIR/greedy.conf"
P4=$(t_port)
t_mxshimd "$P4" "$T_DIR/greedy.conf" --upstream "127.0.0.1@$UP" \
    --tcp-client-conn 0 --tcp-max-conn 64 --tcp-idle 30
$HOLD "$P4" 127.0.0.2 3 0 huge >"$T_DIR/huge.out" 2>&1
t_is "$(sed -n 's/^open //p' "$T_DIR/huge.out")" "0" \
    "a TCP message announcing 65535 bytes is no question: closed at once"
$HOLD "$P4" 127.0.0.2 64 6 greedy "$MXSHIMD_PID" greedy.example \
    >"$T_DIR/greedy.out" 2>&1
g() { sed -n "s/^$1 //p" "$T_DIR/greedy.out"; }
t_ok $(( $(g asked) < 200000 )) \
    "64 greedy connections asked $(g asked) questions (490-byte answers), reading none"
t_is "$(g stalled)" "64" \
    "... mxshimd stopped reading every one of them"
t_is "$(g closed)" "0" "... without closing them (--tcp-idle 30)"
if [ -n "$MXSHIMD_WRAPPER$(t_asan_runtime)" ]; then
	for what in "... its memory grew under 16 MB" \
	    "... and is back within 4 MB 3 s after they left"; do
		t_skip "$what" "mxshimd runs under valgrind or ASan, not glibc's malloc"
	done
else
	t_ok $(( $(g rss_peak) - $(g rss_start) > 16384 )) \
	    "... its memory grew $(( ($(g rss_peak) - $(g rss_start)) / 1024 )) MB, under 16 MB"
	t_ok $(( $(g rss_end) - $(g rss_start) > 4096 )) \
	    "... and $(( ($(g rss_end) - $(g rss_start)) / 1024 )) MB over the start 3 s after they left, under 4 MB"
fi
t_is "$(mx "$P4" partner.example +tcp)" "10 smtp.myisp.example.;" \
    "... and every connection was counted back (--tcp-max-conn 64)"
$HOLD "$P2" 127.0.0.2 8 3 greedy >"$T_DIR/greedy2.out" 2>&1
t_is "$(sed -n 's/^open_at_end //p' "$T_DIR/greedy2.out")" "0" \
    "--tcp-idle 1: greedy connections whose answers wait unread are closed"

# ---- questions waiting for real DNS, per client -------------------------------
if ! command -v dnsperf >/dev/null; then
	t_skip_missing "questions waiting for real DNS, per client" dnsperf
	t_done
	exit
fi
t_like "$(t_dig "$P" +time=6 f0.flood.example A)" "status: SERVFAIL" \
    "the upstream lets flood.example hang: SERVFAIL at --timeout"
awk 'BEGIN { for (i = 1; i <= 50000; i++) printf "f%d.flood.example A\n", i }' \
    >"$T_DIR/flood.txt"
dnsperf -a 127.0.0.2 -s 127.0.0.1 -p "$P" -d "$T_DIR/flood.txt" -l 5 \
    -Q 500 -q 5000 -t 6 >"$T_DIR/flood.out" 2>&1 &
flood=$!
T_PIDS="$T_PIDS $flood"
sleep 1
good=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(t_dig "$P" -b 127.0.0.3 +short "b$i.good.example" A)" = 192.0.2.9 ] &&
	    good=$((good + 1))
done
t_is "$good" "10" \
    "while 127.0.0.2 floods hanging names, 127.0.0.3's relayed questions are answered"
t_is "$(mx $P partner.example -b 127.0.0.3)" "10 smtp.myisp.example.;" \
    "... and its overrides too"
t_is "$(mx $P partner.example -b 127.0.0.2)" "10 smtp.myisp.example.;" \
    "the flooding client's overrides need no real DNS: still answered"
t_like "$(t_dig "$P" -b 127.0.0.2 b0.good.example A)" "status: SERVFAIL" \
    "... but its relayed questions over --client-inflight 20 get SERVFAIL"
t_like "$(t_dig "$P" -b 127.0.0.2 b0.good.example A)" "Query time: [0-9]{1,3} msec" \
    "... at once, not at --timeout"
wait $flood
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "127\.0\.0\.2: over --client-inflight 20: answering SERVFAIL" \
    "the flood is logged"
t_like "$(cat "$T_DIR/flood.out")" "Queries lost: +0 " \
    "every flood question got an answer (SERVFAIL), none was dropped"
t_done
