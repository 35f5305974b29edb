#!/bin/sh
# mxshimd on the wire: flags, EDNS, truncation and TCP, 0x20 case,
# malformed and garbage input, the client ACL, IPv6 listeners.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"
resolver_rules "$T_DIR/rules.conf"
P=$(t_port)
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP"
t_ok $? "mxshimd started"

flags() {	# flags PORT DIG-ARGS...: the header flags, sorted
	port=$1
	shift
	t_dig "$port" "$@" | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' |
	    tr ' ' '\n' | sort | tr '\n' ' '
}

# RD and CD copied, RA set, AD never set
for q in "partner.example MX" "mx.example MX" "plain.example MX"; do
	t_is "$(flags $P $q)" "qr ra rd " "$q: qr rd ra"
	t_is "$(flags $P +norecurse $q)" "qr ra " "$q: RD copied (clear)"
	t_is "$(flags $P +cd $q)" "cd qr ra rd " "$q: CD copied"
	t_is "$(flags $P +adflag $q)" "qr ra rd " "$q: AD never set"
done
t_is "$(flags $P 10-1-2-3.v4.mxshim.invalid A)" "qr ra rd " \
    "synthetic A: qr rd ra"

# EDNS: OPT only when the query had one; our size is 1232
for q in "partner.example MX" "plain.example MX"; do
	t_like "$(t_dig $P $q)" "EDNS: version: 0, flags:; udp: 1232" \
	    "$q: OPT answered with 1232"
	out=$(t_dig $P +noedns $q)
	t_like "$out" "status: NOERROR" "$q without EDNS: answered"
	t_unlike "$out" "OPT PSEUDOSECTION" "$q: no OPT without EDNS"
done
t_like "$(t_dig $P +dnssec plain.example MX)" "EDNS: version: 0, flags: do;" \
    "relayed: DO bit echoed"

# truncation and TCP (RFC 7766)
t_is "$(flags $P +noedns +ignore bigmx.example MX)" "qr ra rd tc " \
    "synthesized answer over 512 bytes without EDNS: TC"
t_is "$(answers $P +noedns +ignore bigmx.example MX)" "0" \
    "... with no records"
t_is "$(answers $P +bufsize=1232 bigmx.example MX)" "12" \
    "the same fits the advertised 1232"
t_is "$(answers $P +noedns +tcp bigmx.example MX)" "12" \
    "TCP: the whole answer"
t_is "$(flags $P +bufsize=4096 +ignore big.example MX)" "qr ra rd tc " \
    "relayed answer over 1232 bytes: TC even when 4096 is advertised"
t_is "$(answers $P +tcp big.example MX)" "40" \
    "relayed over TCP: all 40 records"
t_is "$(answers $P +ignore +noedns big.example MX)" "0" \
    "relayed, truncated: no records"
out=$(t_dig $P +tcp +keepopen partner.example MX plain.example MX \
    corp.internal MX big.example MX)
t_is "$(printf '%s\n' "$out" | grep -c 'status: NOERROR')" "4" \
    "four questions on one TCP connection"

# 0x20: the question comes back byte for byte
t_like "$(t_dig $P PaRtNeR.ExAmPlE MX)" "^;PaRtNeR\.ExAmPlE\.[[:space:]]+IN[[:space:]]+MX" \
    "synthesized: question case kept"
t_like "$(t_dig $P PlAiN.eXaMpLe TXT)" "^;PlAiN\.eXaMpLe\.[[:space:]]+IN[[:space:]]+TXT" \
    "relayed: question case kept"
t_like "$(t_dig $P PlAiN.eXaMpLe TXT)" "^PlAiN\.eXaMpLe\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+TXT" \
    "relayed: owner name compressed to the question, case kept"

# other opcodes
t_is "$(status $P +opcode=2 partner.example MX)" "NOTIMP" "opcode STATUS: NOTIMP"

# malformed and garbage input
if command -v python3 >/dev/null; then
	raw=$(python3 - "$P" <<'PYEOF'
import os, socket, struct, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
def ask(pkt):
    s.sendto(pkt, ("127.0.0.1", port))
    try:
        return s.recv(2048)
    except socket.timeout:
        return b""
# question cut in the middle of the name
r = ask(struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x07partner")
print("cut", r[:2].hex() if r else "none", (r[3] & 15) if r else -1)
# two questions
q = b"\x07partner\x07example\x00\x00\x0f\x00\x01"
r = ask(struct.pack(">HHHHHH", 0x4321, 0x0100, 2, 0, 0, 0) + q + q)
print("two", r[:2].hex() if r else "none", (r[3] & 15) if r else -1)
# a thousand random datagrams, then a real question over TCP with junk first
for i in range(1000):
    s.sendto(os.urandom(i % 300), ("127.0.0.1", port))
t = socket.create_connection(("127.0.0.1", port))
t.sendall(os.urandom(5000))
t.close()
print("done")
PYEOF
)
	t_like "$raw" "cut 1234 1" "question cut short: FORMERR with the ID"
	t_like "$raw" "two 4321 1" "two questions: FORMERR"
	t_is "$(mx $P partner.example)" "10 smtp.myisp.example.;" \
	    "after 1000 garbage datagrams and TCP junk: still answering"
	t_is "$(mx $P partner.example +tcp)" "10 smtp.myisp.example.;" \
	    "... over TCP too"
else
	t_skip_missing "malformed packets" python3
fi
kill -0 "$MXSHIMD_PID"
t_ok $? "mxshimd is still running"

# out of file descriptors: TCP connections are shed, nothing spins, UDP
# still answered
if command -v python3 >/dev/null; then
	PF=$(t_port)
	(ulimit -n 48; exec $MXSHIMD_WRAPPER "$MXSHIMD" --control none \
	    --rules "$T_DIR/rules.conf" --listen "127.0.0.1@$PF" \
	    --upstream "127.0.0.1@$UP" --foreground --threads 1) \
	    >>"$T_DIR/mxshimdf.log" 2>&1 &
	pf=$!
	T_PIDS="$T_PIDS $pf"
	t_wait_port "$PF" tcp
	python3 - "$PF" <<'PYEOF' &
import socket, sys, time
held = []
for i in range(100):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1))
    except OSError:
        pass
time.sleep(3)
PYEOF
	held=$!
	T_PIDS="$T_PIDS $held"
	sleep 1.5
	t1=$(awk '{ print $14 + $15 }' "/proc/$pf/stat")
	sleep 1
	t2=$(awk '{ print $14 + $15 }' "/proc/$pf/stat")
	[ $((t2 - t1)) -lt 20 ]
	t_ok $? "100 TCP clients with 48 descriptors: no busy loop ($((t2 - t1)) ticks in 1 s)"
	t_is "$(mx $PF partner.example)" "10 smtp.myisp.example.;" \
	    "... and UDP is still answered"
	# its client ports must be free again before t_port picks ports
	wait "$held"
fi

# the ACL: default loopback only; --allow replaces it
P2=$(t_port)
t_mxshimd "$P2" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
    --allow 127.0.0.2/32
t_is "$(status $P2 -b 127.0.0.1 partner.example MX)" "REFUSED" \
    "a client outside --allow: REFUSED"
t_is "$(status $P2 -b 127.0.0.1 plain.example A)" "REFUSED" \
    "... for relayed questions too"
t_is "$(status $P2 -b 127.0.0.2 partner.example MX)" "NOERROR" \
    "a client inside --allow: answered"

# a wildcard listener answers from the address it was asked on
PW=$(t_port)
$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$T_DIR/rules.conf" \
    --listen "0.0.0.0@$PW" --upstream "127.0.0.1@$UP" --foreground \
    >>"$T_DIR/mxshimdw.log" 2>&1 &
T_PIDS="$T_PIDS $!"
t_wait_port "$PW"
t_is "$(dig @127.0.0.2 -p "$PW" $T_DIGOPTS +short partner.example MX)" \
    "10 smtp.myisp.example." "0.0.0.0 listener: the answer comes from 127.0.0.2"
t_is "$(dig @127.0.0.3 -p "$PW" $T_DIGOPTS +short plain.example TXT)" \
    '"hello"' "... and a relayed one from 127.0.0.3"

# IPv6 listener
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
	P6=$(t_port)
	$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$T_DIR/rules.conf" \
	    --listen "::1@$P6" --upstream "127.0.0.1@$UP" --foreground \
	    >>"$T_DIR/mxshimd6.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	t_wait_port "$P6" && t_wait_port "$P6" tcp
	t_is "$(dig @::1 -p "$P6" $T_DIGOPTS +short partner.example MX)" \
	    "10 smtp.myisp.example." "IPv6 listener ::1@PORT, UDP"
	t_is "$(dig @::1 -p "$P6" $T_DIGOPTS +tcp +short partner.example MX)" \
	    "10 smtp.myisp.example." "IPv6 listener, TCP"
else
	t_skip "IPv6 listener" "no ::1 on lo"
fi
t_done
