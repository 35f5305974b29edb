#!/bin/sh
# Resolver mode with a second real sender: Exim (Debian's binary, unpacked
# beside the installed Postfix) whose resolv.conf points at mxshimd, a real
# Unbound behind it, smtp-sinks as the mail servers.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
. "$TOP/tests/helpers/exim.sh"
# unpacked out here: the namespace has no network
if [ -z "${T_IN_NS:-}" ] && [ "$(id -u)" = 0 ] && ! ex_fetch; then
	t_missing "exim4 (apt-get download $EX_PKGS failed)"
fi
pf_ns_enter "$@"
[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
ex_fetch || t_missing "exim4 (not unpacked: apt-get download)"
PF_MTA=ex

UP=5300
RULES="$TOP/tests/postfix/overrides.conf"
t_unbound $UP "$TOP/tests/postfix/zones.conf" ||
    t_bail "unbound did not start"
$MXSHIMD_WRAPPER "$MXSHIMD" --control none \
    --rules "$RULES" --listen 127.0.0.1@53 --upstream 127.0.0.1@$UP \
    --foreground >"$T_DIR/mxshimd.log" 2>&1 &
T_PIDS="$T_PIDS $!"
t_wait_port 53 && t_wait_port 53 tcp
t_ok $? "mxshimd listens on 127.0.0.1:53"
pf_sink relay 127.0.0.5 && pf_sink real 127.0.0.6
t_ok $? "smtp-sinks on 127.0.0.5 (relay) and 127.0.0.6 (real MX)"
ex_setup
t_ok $? "Exim configured ($("$EXIM" -C "$EX_CONF" -bV 2>/dev/null | head -n 1))"

ex_send partner1 alice@mta.test bob@partner.example
pf_delivered partner1 relay "smtp.isp.example[127.0.0.5]:25" \
    "Exim, overridden domain"
ex_send plain1 alice@mta.test bob@plain.example
pf_delivered plain1 real "mx.example[127.0.0.6]:25" \
    "Exim, domain without override"
ex_send lan1 alice@mta.test bob@lan.test
pf_delivered lan1 real "mx.lan.test[127.0.0.6]:25" \
    "Exim, a .test domain without override goes to its real MX"
ex_send backup1 alice@mta.test bob@backup.example
pf_delivered backup1 relay "smtp.isp.example[127.0.0.5]:25" \
    "Exim, \$adddns, real MX host down: the override is the fallback"
ex_send inside1 alice@mta.test bob@inside.example
pf_delivered inside1 relay "127-0-0-5.v4.mxshim.invalid[127.0.0.5]:25" \
    "Exim, override to an address"
t_absent ' \*\* ' "$EX_LOG" "nothing bounced"

t_done
