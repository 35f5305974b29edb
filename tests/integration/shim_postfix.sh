#!/bin/sh
# libmxshim.so under real MTA code: Postfix's posttls-finger looks up the
# MX with res_search, resolves the host and connects, exactly as Postfix's
# smtp client does; smtp-sink plays the relay on the override's port.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
. "$TOP/tests/helpers/pf.sh"
pf_need
t_ns_enter "$@"
pf_use
command -v posttls-finger >/dev/null && command -v smtp-sink >/dev/null ||
    t_missing "postfix (posttls-finger, smtp-sink)"
shim_ns_setup

R="$T_DIR/rules.conf"
printf 'partner.example  joe:secret@relay.example.net:2587\n' >"$R"
mkdir "$T_DIR/postfix"
: >"$T_DIR/postfix/main.cf"
smtp-sink -u nobody 127.0.0.12:2587 10 &
T_PIDS="$T_PIDS $!"
t_wait_port 2587 tcp

finger() {
	MAIL_CONFIG="$T_DIR/postfix" timeout 20 "$@" posttls-finger -l none \
	    partner.example 2>&1 | grep -v DNSSEC
}

out=$(finger env)
t_like "$out" 'lookup failed' "without the shim partner.example has no route (control)"
out=$(finger env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R")
t_like "$out" 'Connected to relay\.example\.net\[127\.0\.0\.12\]' "posttls-finger follows the override"
t_like "$out" '< 220 smtp-sink' "and talks to the relay on port 2587"
if [ -x "$MXSHIM" ]; then
	out=$(finger "$MXSHIM" run --rules "$R" --)
	t_like "$out" '< 220 smtp-sink' "the same through mxshim run"
fi
t_done
