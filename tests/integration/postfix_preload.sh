#!/bin/sh
# Preload mode, end to end: a stock Postfix whose resolv.conf points at a
# real Unbound only, with libmxshim.so and the rules handed to its daemons
# through import_environment.  The override lines route the mail, an
# override with a port reaches a sink listening on that port, and another
# domain whose real MX shares that address is not redirected.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"
SHIM_LIB="$TOP/shim/.libs/libmxshim.so"
[ -f "$SHIM_LIB" ] || t_missing "shim/.libs/libmxshim.so (make)"

R="$T_DIR/rules.conf"
{
	cat "$TOP/tests/postfix/overrides.conf"
	echo "# the relay's other port, reached through connect()"
	echo "port.example        smtp.isp.example:2526"
	echo "portaddr.example    127.0.0.5:2526"
} >"$R"
chmod 644 "$R"

# shared.example's real MX host shares the relay's address, which an
# override with a port also names (issue 11, item 2)
{
	cat "$TOP/tests/postfix/zones.conf"
	echo 'local-data: "shared.example. 300 IN MX 10 mx2.example."'
	echo 'local-data: "mx2.example. 300 IN A 127.0.0.5"'
} >"$T_DIR/zones.conf"
t_unbound 53 "$T_DIR/zones.conf" ||
    t_bail "unbound did not start"
t_is "$(dig +short +time=2 +tries=1 partner.example MX)" "10 mx.example." \
    "resolv.conf points at the real Unbound: partner.example's real MX"
pf_sink relay 127.0.0.5 && pf_sink real 127.0.0.6 &&
    pf_sink relay2526 127.0.0.5:2526
t_ok $? "smtp-sinks on 127.0.0.5:25, 127.0.0.6:25 and 127.0.0.5:2526"

# Postfix clears its daemons' environment but for import_environment.
pf_setup "import_environment = $(postconf -dh import_environment) \
$(t_preload_env "$SHIM_LIB") MXSHIM_RULES=$R"
# one smtp process delivers everything, as a quiet server's does: what one
# delivery taught the shim is still there for the next
postconf -c "$PF" -F 'smtp/unix/maxproc = 1'
pf_start
t_ok $? "Postfix started with LD_PRELOAD and MXSHIM_RULES imported"

pf_send partner1 alice@mta.test bob@partner.example
pf_delivered partner1 relay "smtp.isp.example[127.0.0.5]:25" \
    "overridden domain"
pid=$(pf_log partner1 |
    sed -n 's/.* postfix\/smtp\[\([0-9]*\)\]: .*status=sent .*/\1/p')
grep -q libmxshim "/proc/$pid/maps" 2>/dev/null
t_ok $? "Postfix's smtp process has libmxshim.so loaded"
pf_send plain1 alice@mta.test bob@plain.example
pf_delivered plain1 real "mx.example[127.0.0.6]:25" "domain without override"
pf_send backup1 alice@mta.test bob@backup.example
pf_delivered backup1 relay "smtp.isp.example[127.0.0.5]:25" \
    "\$adddns, real MX host down: the override is the fallback"
pf_send port1 alice@mta.test bob@port.example
pf_delivered port1 relay2526 "smtp.isp.example[127.0.0.5]:25" \
    "override with a port (host name; Postfix believes it used 25)"
pf_send portaddr1 alice@mta.test bob@portaddr.example
pf_delivered portaddr1 relay2526 \
    "127-0-0-5.v4.mxshim.invalid[127.0.0.5]:25" \
    "override with a port (address)"
t_like "$(cat "$(pf_sink_has relay2526 port1)")" \
    "^X-Rcpt-Args: <bob@port\.example>" "... the port sink got bob@port.example"
pf_send shared1 alice@mta.test bob@shared.example
pf_delivered shared1 relay "mx2.example[127.0.0.5]:25" \
    "right after it, another domain's real MX at the same address: port 25"
pf_send port2 alice@mta.test bob@port.example
pf_delivered port2 relay2526 "smtp.isp.example[127.0.0.5]:25" \
    "and the override with a port again: its port"
t_is "$(pf_queue)" "" "the queue is empty"
pf_no_problems

pf_stop
t_done
