#!/bin/sh
# From AsyncOS to Postfix through mxshim: an SMTP routes table is imported,
# exported as a Postfix transport map, and a stock Postfix (in a private
# namespace, tests/helpers/pf.sh) delivers each recipient where AsyncOS
# documents it would: an address with its port, a relay MX-resolved for
# the subdomains only, /dev/null refused, the rest by the domain's MX.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"

cat >"$T_DIR/zones.conf" <<'ZONE'
local-zone: "example." static
local-data: "example. 300 IN SOA ns.example. host.example. 1 3600 600 86400 300"
local-data: "smtp.isp.example. 300 IN A 127.0.0.5"
local-data: "mx.example. 300 IN A 127.0.0.6"
local-data: "relay.example. 300 IN MX 10 smtp.isp.example."
local-data: "plain.example. 300 IN MX 10 mx.example."
local-data: "acme.example. 300 IN MX 10 mx.example."
local-data: "sub.example. 300 IN MX 10 mx.example."
local-data: "x.sub.example. 300 IN MX 10 mx.example."
ZONE
t_unbound 53 "$T_DIR/zones.conf" || t_bail "unbound did not start"

cat >"$T_DIR/smtproutes.txt" <<'ROUTES'
# acme.example and its subdomains: one server, on port 2525
acme.example [127.0.0.8]:2525
# only the subdomains of sub.example, through the relay's MX
.sub.example relay.example
gone.example /dev/null
ROUTES
"$MXSHIM" import --format cisco "$T_DIR/smtproutes.txt" \
    -o "$T_DIR/overrides.conf" 2>/dev/null
t_is "$?" 0 "mxshim import --format cisco"
"$MXSHIM" export --format postfix "$T_DIR/overrides.conf" \
    -o "$T_DIR/transport" 2>/dev/null
t_is "$?" 0 "mxshim export --format postfix"

pf_sink real 127.0.0.6
pf_sink relay 127.0.0.5
pf_sink port 127.0.0.8:2525
pf_setup "transport_maps = hash:$T_DIR/transport"
postmap -c "$PF" "hash:$T_DIR/transport"
t_is "$?" 0 "postmap accepts the transport map"
pf_start
t_ok $? "private Postfix instance started with the transport map"

pf_send a1 alice@mta.test bob@acme.example
pf_delivered a1 port "127.0.0.8[127.0.0.8]:2525" "acme.example, to its route's port"
pf_send a2 alice@mta.test bob@www.acme.example
pf_delivered a2 port "127.0.0.8[127.0.0.8]:2525" "a subdomain of acme.example too"
pf_send s1 alice@mta.test bob@x.sub.example
pf_delivered s1 relay "smtp.isp.example[127.0.0.5]:25" \
    "a subdomain of sub.example, to the relay's MX"
pf_send s2 alice@mta.test bob@sub.example
pf_delivered s2 real "mx.example[127.0.0.6]:25" \
    "sub.example itself, to its own MX"
pf_send p1 alice@mta.test bob@plain.example
pf_delivered p1 real "mx.example[127.0.0.6]:25" "no route: the domain's MX"
pf_send g1 alice@mta.test bob@gone.example
t_is "$(pf_wait g1)" bounced "gone.example (/dev/null) is refused"
t_is "$(find "$T_DIR"/sink-*/ -type f | wc -l)" 5 "no sink got anything else"

pf_stop
t_done
