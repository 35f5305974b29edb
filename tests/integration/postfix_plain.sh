#!/bin/sh
# A stock Postfix in a private namespace delivers to the MX a real Unbound
# gives it: the ground the mxshimd and preload tests stand on (no mxshim
# here).  If this fails, the mail set-up is broken, not mxshim.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"

t_unbound 53 "$TOP/tests/postfix/zones.conf" ||
    t_bail "unbound did not start"
t_is "$(dig +short +time=2 +tries=1 plain.example MX)" "10 mx.example." \
    "the namespace's resolv.conf reaches Unbound"
pf_sink real 127.0.0.6
t_ok $? "smtp-sink listens on 127.0.0.6:25"

pf_setup
pf_start
t_ok $? "private Postfix instance started (postfix -c)"
t_is "$(ss -Hlntp 'sport = :25' | grep '"master"' | awk '{print $4}')" \
    "127.0.0.1:25" "... its smtpd listening on 127.0.0.1 only"

pf_send plain1 alice@mta.test bob@plain.example
pf_delivered plain1 real "mx.example[127.0.0.6]:25" \
    "plain.example, to its real MX host"
f=$(pf_sink_has real plain1)
t_like "$(cat "$f" 2>/dev/null)" "^X-Rcpt-Args: <bob@plain\.example>" \
    "... for bob@plain.example"
t_is "$(pf_queue)" "" "the queue is empty"
pf_no_problems
! pf_unpacked || pf_from_copy

pf_stop
t_ok $? "postfix stop"
t_done
