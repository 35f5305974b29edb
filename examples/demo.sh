#!/bin/sh
# examples/demo.sh - real mail through an unmodified Postfix, routed by
# mxshimd: the rules, what dig is told, what Postfix logs, and the message
# as the receiving server stored it.
#
# Run as root after a build (./bootstrap.sh build).  Everything happens in
# a private network, mount and pid namespace: a real Unbound on
# 127.0.0.1:5300 plays the Internet (tests/postfix/zones.conf), mxshimd
# answers on 127.0.0.1:53 (the namespace's resolv.conf), Postfix runs from
# a private configuration directory, and Postfix's smtp-sink plays the
# mail servers on 127.0.0.5 (the ISP relay) and 127.0.0.6 (the domains'
# own MX).  Nothing leaves the namespace; all of it is gone at the end.
# The same set-up is tested by tests/integration/postfix_resolver.sh.
TOP=$(cd "$(dirname "$0")/.." && pwd)
MXSHIM_TOP=$TOP
export MXSHIM_TOP
if [ "$(id -u)" != 0 ]; then
	echo "examples/demo.sh: run as root (namespaces, Postfix)" >&2
	exit 1
fi
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"
[ -x "$MXSHIMD" ] || { echo "build first: resolver/mxshimd is missing" >&2; exit 1; }

RULES="$TOP/tests/postfix/overrides.conf"
ZONES="$TOP/tests/postfix/zones.conf"

say() { printf '\n## %s\n\n' "$*"; }
run() { echo "\$ $*"; "$@"; }
# log TAG: the Postfix log lines of one message, without the date
log() { pf_log "$1" | sed 's/^[A-Z][a-z]* *[0-9]* [0-9:]* //'; }
send() {
	echo "\$ sendmail -C $PF -f alice@mta.test $2   # Message-ID <$1@mta.test>"
	pf_send "$1" alice@mta.test "$2"
	pf_wait "$1" >/dev/null
	log "$1"
}

say "The Internet: a real Unbound on 127.0.0.1:5300 with these records"
sed -n 's/^local-data: "\(.*\)"$/\1/p' "$ZONES" | grep -v SOA
t_unbound 5300 "$ZONES" || { echo "unbound did not start" >&2; exit 1; }

say "The override lines ($RULES)"
grep -v '^#' "$RULES" | grep .
[ -x "$MXSHIM" ] && { echo; run "$MXSHIM" check "$RULES"; }

say "mxshimd on 127.0.0.1:53, the only nameserver in resolv.conf"
echo "\$ mxshimd --rules $RULES --listen 127.0.0.1@53 --upstream 127.0.0.1@5300 --foreground"
"$MXSHIMD" --rules "$RULES" --listen 127.0.0.1@53 --upstream 127.0.0.1@5300 \
    --foreground --timeout 1000 >"$T_DIR/mxshimd.log" 2>&1 &
T_PIDS="$T_PIDS $!"
t_wait_port 53 && t_wait_port 53 tcp
cat /etc/resolv.conf

say "What any program asking DNS is told"
for q in partner.example plain.example backup.example inside.example; do
	run dig +noall +answer +additional "$q" MX
done

say "A stock Postfix (postfix -c $T_DIR/pf) and two receiving servers"
pf_sink relay 127.0.0.5
pf_sink real 127.0.0.6
pf_setup
pf_start
postconf -c "$PF" -n inet_interfaces mydestination smtp_host_lookup
echo "smtp-sink on 127.0.0.5:25 (smtp.isp.example, the relay)"
echo "smtp-sink on 127.0.0.6:25 (mx.example, the domains' own MX)"

say "partner.example is overridden: its mail goes to the relay"
send partner1 bob@partner.example
say "plain.example has no override: its real MX"
send plain1 bob@plain.example
say "backup.example keeps its real MX (down) with the relay behind it"
send backup1 bob@backup.example

say "The message as the relay stored it"
cat "$(pf_sink_has relay partner1)"

say "The upstream goes down: mail that needs real DNS waits in the queue"
kill "$UNBOUND_PID"
while kill -0 "$UNBOUND_PID" 2>/dev/null; do sleep 0.1; done
echo "\$ dig needreal.example MX"
dig +time=3 +tries=1 needreal.example MX | grep status
send needreal1 bob@needreal.example
run postqueue -c "$PF" -p

say "The upstream is back: the queue is flushed and the message delivered"
t_unbound 5300 "$ZONES"
run postqueue -c "$PF" -f
i=0
while [ $i -lt 4 ] && [ "$(PF_WAIT=5 pf_wait needreal1 sent)" != sent ]; do
	postqueue -c "$PF" -f	# mxshimd may keep the SERVFAIL a moment
	i=$((i + 1))
done
log needreal1 | grep -E 'status=sent|removed'
run postqueue -c "$PF" -p
pf_stop
