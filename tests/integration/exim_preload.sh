#!/bin/sh
# Preload mode with a second real sender: Exim (Debian's binary, unpacked
# beside the installed Postfix) with libmxshim.so preloaded, kept through
# its re-executions by keep_environment; resolv.conf points at a real
# Unbound only.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
. "$TOP/tests/helpers/exim.sh"
# unpacked out here: the namespace has no network
if [ -z "${T_IN_NS:-}" ] && [ "$(id -u)" = 0 ] && ! ex_fetch; then
	t_missing "exim4 (apt-get download $EX_PKGS failed)"
fi
pf_ns_enter "$@"
SHIM_LIB="$TOP/shim/.libs/libmxshim.so"
[ -f "$SHIM_LIB" ] || t_missing "shim/.libs/libmxshim.so (make)"
ex_fetch || t_missing "exim4 (not unpacked: apt-get download)"
PF_MTA=ex

R="$T_DIR/rules.conf"
{
	cat "$TOP/tests/postfix/overrides.conf"
	echo "port.example        smtp.isp.example:2526"
} >"$R"
chmod 644 "$R"
SHIM=$(t_preload_env "$SHIM_LIB")	# words, split where it is used

t_unbound 53 "$TOP/tests/postfix/zones.conf" ||
    t_bail "unbound did not start"
pf_sink relay 127.0.0.5 && pf_sink real 127.0.0.6 &&
    pf_sink relay2526 127.0.0.5:2526
t_ok $? "smtp-sinks on 127.0.0.5:25, 127.0.0.6:25 and 127.0.0.5:2526"
ex_setup
t_ok $? "Exim configured"

# control: without the shim Exim follows the real MX
ex_send control1 alice@mta.test bob@partner.example
pf_delivered control1 real "mx.example[127.0.0.6]:25" \
    "Exim without the shim: partner.example's real MX (control)"
ex_send partner1 alice@mta.test bob@partner.example $SHIM MXSHIM_RULES="$R"
pf_delivered partner1 relay "smtp.isp.example[127.0.0.5]:25" \
    "Exim with the shim: overridden domain"
ex_send plain1 alice@mta.test bob@plain.example $SHIM MXSHIM_RULES="$R"
pf_delivered plain1 real "mx.example[127.0.0.6]:25" \
    "Exim with the shim: domain without override"
# The port redirect, through connect() ...
ex_conf "$T_DIR/exim-notfo.conf" "hosts_try_fastopen =" 
t_ok $? "Exim configured without TCP Fast Open"
EX_STOCK=$EX_CONF EX_CONF="$T_DIR/exim-notfo.conf"
ex_send port1 alice@mta.test bob@port.example $SHIM MXSHIM_RULES="$R"
pf_delivered port1 relay2526 "smtp.isp.example[127.0.0.5]:25" \
    "Exim with the shim, connect(): override with a port (Exim believes 25)"
# ... and through TCP Fast Open, Exim's default: it opens the connection
# with sendto(MSG_FASTOPEN), no connect() at all.
EX_CONF=$EX_STOCK
ex_send port2 alice@mta.test bob@port.example $SHIM MXSHIM_RULES="$R"
pf_delivered port2 relay2526 "smtp.isp.example[127.0.0.5]:25" \
    "Exim with the shim, TCP Fast Open: override with a port"
t_absent ' \*\* ' "$EX_LOG" "nothing bounced"

t_done
