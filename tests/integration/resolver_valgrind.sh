#!/bin/sh
# mxshimd under valgrind's memcheck: overrides, real data merged, relayed
# questions, TCP, garbage, a good and a bad SIGHUP reload, questions still
# waiting for the upstream at SIGTERM; then no memory error and no leak.
# (tests/valgrind.sh runs the other resolver tests the same way.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"
. "$TOP/tests/helpers/valgrind.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
command -v valgrind >/dev/null || t_missing "valgrind (Debian package valgrind)"
why=$(vg_unusable) && t_skip_all "$why"
t_wrap "$(vg_wrapper "$T_DIR/vg")"
UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"
resolver_rules "$T_DIR/rules.conf"
P=$(t_port)
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
    --answer-cache 4
t_ok $? "mxshimd under valgrind listens on UDP and TCP"

# every kind of answer, twice (the second from the answer cache, which
# holds 4 and evicts)
for round in 1 2; do
	t_is "$(mx $P partner.example)" "10 smtp.myisp.example.;" \
	    "round $round: override"
	t_is "$(mx $P ordered.example)" \
	    "5 c.relay.example.;20 b.relay.example.;20 a.relay.example.;" \
	    "round $round: ordered override"
	t_like "$(t_dig $P corp.internal MX)" \
	    "10-1-2-3\.v4\.mxshim\.invalid\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.1\.2\.3" \
	    "round $round: address target with glue"
	t_is "$(mx $P mx.example)" \
	    "10 mx1.mx.example.;20 mx2.mx.example.;50 backup.relay.example.;" \
	    "round $round: real MX merged (\$adddns)"
	t_is "$(mx $P lookmx.example)" \
	    "5 relay1.lookup.example.;15 relay2.lookup.example.;" \
	    "round $round: \$lookupmx"
	t_is "$(status $P fail.example MX)" "SERVFAIL" \
	    "round $round: upstream failure: SERVFAIL"
	t_is "$(t_dig $P +short plain.example TXT)" '"hello"' \
	    "round $round: relayed"
	t_is "$(status $P nothing.example A)" "NXDOMAIN" \
	    "round $round: NXDOMAIN relayed"
done
t_like "$(t_dig $P +noedns +ignore bigmx.example MX)" "flags:[a-z ]* tc[ ;]" \
    "over 512 bytes without EDNS: TC"
t_is "$(answers $P +noedns +tcp bigmx.example MX)" "12" \
    "TCP: the whole synthesized answer"
t_is "$(answers $P +tcp big.example MX)" "40" "TCP: relayed, 40 records"
out=$(t_dig $P +tcp +keepopen partner.example MX plain.example MX \
    mx.example MX big.example MX)
t_is "$(printf '%s\n' "$out" | grep -c 'status: NOERROR')" "4" \
    "four questions on one TCP connection"
if command -v python3 >/dev/null; then
	python3 - "$P" <<'PYEOF'
import os, socket, struct, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x07partner",
    ("127.0.0.1", port))
for i in range(200):
    s.sendto(os.urandom(i), ("127.0.0.1", port))
t = socket.create_connection(("127.0.0.1", port))
t.sendall(b"\x00\x40" + os.urandom(30))    # a question cut short
t.close()
PYEOF
fi
t_is "$(mx $P partner.example +tcp)" "10 smtp.myisp.example.;" \
    "after garbage: still answering"

# reloads: a good file, then a bad one
sed 's/^partner\.example .*//' "$T_DIR/rules.conf" >"$T_DIR/rules.tmp"
printf 'partner.example new.relay.example\n' >>"$T_DIR/rules.tmp"
mv "$T_DIR/rules.tmp" "$T_DIR/rules.conf"
kill -HUP "$MXSHIMD_PID"
t_wait_for grep -q "loaded" "$T_DIR/mxshimd-$P.log"
t_is "$(mx $P partner.example)" "10 new.relay.example.;" "SIGHUP: new rules"
printf 'partner.example x $nosuch\n' >>"$T_DIR/rules.conf"
kill -HUP "$MXSHIMD_PID"
t_wait_for grep -q "keeping the rules" "$T_DIR/mxshimd-$P.log"
t_is "$(mx $P partner.example)" "10 new.relay.example.;" \
    "SIGHUP with a bad file: the old rules keep serving"
kill -TERM "$MXSHIMD_PID"
t_wait_for t_gone "$MXSHIMD_PID"
wait "$MXSHIMD_PID"
t_is "$?" "0" "SIGTERM: exit status 0 (memcheck's is $VG_ERROR_EXIT)"

# an upstream that never answers: one question abandoned at its deadline,
# one over UDP and one over TCP still waiting when SIGTERM comes
if command -v python3 >/dev/null; then
	HOLE=$(t_port)
	python3 - "$HOLE" <<'PYEOF' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(120)
PYEOF
	T_PIDS="$T_PIDS $!"
	t_wait_port "$HOLE"
	P2=$(t_port)
	resolver_rules "$T_DIR/rules2.conf"
	t_mxshimd "$P2" "$T_DIR/rules2.conf" --upstream "127.0.0.1@$HOLE" \
	    --timeout 1500
	t_is "$(status $P2 plain.example TXT)" "SERVFAIL" \
	    "silent upstream: SERVFAIL at the deadline"
	t_dig "$P2" mx.example MX >/dev/null &
	q1=$!
	t_dig "$P2" +tcp plain.example MX >/dev/null &
	q2=$!
	sleep 1
	kill -TERM "$MXSHIMD_PID"
	t_wait_for t_gone "$MXSHIMD_PID"
	wait "$MXSHIMD_PID"
	t_is "$?" "0" "SIGTERM with questions waiting: exit status 0"
	wait "$q1" "$q2"
fi

report=$(vg_report "$T_DIR"/vg.*.log)
t_ok $? "memcheck: no error and no leak in any mxshimd"
printf '%s\n' "$report" | sed "s|$T_DIR/||; s|^|# |"
t_done
