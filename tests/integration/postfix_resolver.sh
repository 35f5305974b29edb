#!/bin/sh
# Resolver mode, end to end: a stock Postfix whose resolv.conf points at
# mxshimd on 127.0.0.1:53, a real Unbound behind it on 127.0.0.1:5300,
# smtp-sinks as the mail servers.  Where each message lands, what the
# Postfix log says, and what stays queued while the upstream is down.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"
[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"

UP=5300
RULES="$TOP/tests/postfix/overrides.conf"
t_unbound $UP "$TOP/tests/postfix/zones.conf" ||
    t_bail "unbound did not start"
$MXSHIMD_WRAPPER "$MXSHIMD" --control none \
    --rules "$RULES" --listen 127.0.0.1@53 --upstream 127.0.0.1@$UP \
    --foreground --timeout 1000 >"$T_DIR/mxshimd.log" 2>&1 &
T_PIDS="$T_PIDS $!"
t_wait_port 53 && t_wait_port 53 tcp
t_ok $? "mxshimd listens on 127.0.0.1:53"

# What Postfix's resolver will be told (resolv.conf: 127.0.0.1).
d() { dig +short $T_DIGOPTS "$@" | tr '\n' ';'; }
t_is "$(d partner.example MX)" "10 smtp.isp.example.;" \
    "dig: partner.example is overridden to the relay"
t_is "$(d plain.example MX)" "10 mx.example.;" \
    "dig: plain.example keeps its real MX"
t_is "$(d backup.example MX)" "10 dead.example.;50 smtp.isp.example.;" \
    "dig: backup.example has its real MX, then the relay"

pf_sink relay 127.0.0.5 && pf_sink real 127.0.0.6
t_ok $? "smtp-sinks on 127.0.0.5 (relay) and 127.0.0.6 (real MX)"
pf_setup
pf_start
t_ok $? "Postfix started"

pf_send partner1 alice@mta.test bob@partner.example
pf_delivered partner1 relay "smtp.isp.example[127.0.0.5]:25" \
    "overridden domain"
pf_send plain1 alice@mta.test bob@plain.example
pf_delivered plain1 real "mx.example[127.0.0.6]:25" \
    "domain without override"
pf_send lan1 alice@mta.test bob@lan.test
pf_delivered lan1 real "mx.lan.test[127.0.0.6]:25" \
    "a .test domain without override goes to its real MX (upstream's zone)"
pf_send backup1 alice@mta.test bob@backup.example
pf_delivered backup1 relay "smtp.isp.example[127.0.0.5]:25" \
    "\$adddns, real MX host down: the override is the fallback"
t_like "$(cat "$PF_LOG")" \
    "connect to dead\.example\[127\.0\.0\.7\]:25: Connection refused" \
    "... after the real MX host was tried"

# The upstream goes away.  A domain that needs real data stays queued
# (SERVFAIL: try again), one whose override needs nothing real still goes.
kill "$UNBOUND_PID"
while kill -0 "$UNBOUND_PID" 2>/dev/null; do sleep 0.1; done
t_is "$(dig +time=3 +tries=1 needreal.example MX |
    sed -n 's/.*status: \([A-Z]*\),.*/\1/p')" SERVFAIL \
    "upstream down: mxshimd answers SERVFAIL where real data is needed"
pf_send needreal1 alice@mta.test bob@needreal.example
t_is "$(pf_wait needreal1)" deferred "upstream down: \$adddns domain deferred"
t_like "$(pf_log needreal1)" "status=deferred .*needreal\.example.*try again" \
    "... because the lookup is to be tried again"
q=$(pf_qid needreal1)
t_is "$(pf_queue)" "$q" "... and the message stays in the queue"
pf_flush
i=0
while [ $i -lt 50 ] &&
    [ "$(pf_log needreal1 | grep -c 'status=deferred')" -lt 2 ]; do
	sleep 0.1; i=$((i + 1))
done
[ "$(pf_log needreal1 | grep -c 'status=deferred')" -ge 2 ]
t_ok $? "... deferred again when the queue is flushed during the outage"
t_is "$(pf_queue)" "$q" "... still queued"
pf_send inside1 alice@mta.test bob@inside.example
pf_delivered inside1 relay "127-0-0-5.v4.mxshim.invalid[127.0.0.5]:25" \
    "upstream down: an override to an address still delivers"

# The upstream comes back: the queued message goes to the real MX.
t_unbound $UP "$TOP/tests/postfix/zones.conf"
t_ok $? "upstream back"
pf_flush
i=0
while [ $i -lt 4 ] && [ "$(PF_WAIT=5 pf_wait needreal1 sent)" != sent ]; do
	pf_flush	# mxshimd may still have the SERVFAIL for a moment
	i=$((i + 1))
done
pf_delivered needreal1 real "mx.example[127.0.0.6]:25" \
    "upstream back: the deferred message"
t_is "$(pf_queue)" "" "the queue is empty"
t_absent 'status=bounced' "$PF_LOG" "nothing bounced"
t_is "$(cat "$T_DIR"/sink-*/* | grep -c '^Message-ID: ')" 6 \
    "nothing lost: six messages sent, six stored"
pf_no_problems

pf_stop
t_done
