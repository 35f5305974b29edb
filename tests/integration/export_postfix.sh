#!/bin/sh
# mxshim export --format postfix for the lines with a $from or $retries
# condition: a private Postfix (tests/helpers/pf.sh) given the main.cf
# settings the export writes sends each message where `mxshim route` says,
# on the port it says, authenticated as the line says (aiosmtpd servers,
# tests/helpers/export.sh).
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
. "$TOP/tests/helpers/export.sh"
pf_ns_enter "$@"
xp_setup
t_ok $? "Unbound and the mail servers are up"

XP_RULES="$T_DIR/senders.conf"
cat >"$XP_RULES" <<'EOF'
*  joe:p"w^x:y@z@smtp.isp.example:587  $from=alice@corp.example $end
*  127.0.0.8:2525  $from~=*@news.example $end
*  127.0.0.9:2526  $retries>=3
EOF
"$MXSHIM" export --format postfix "$XP_RULES" -o "$T_DIR/transport" \
    --sasl-passwd "$T_DIR/sasl_passwd" 2>"$T_DIR/export.err"
t_ok $? "mxshim export --format postfix"
t_like "$(cat "$T_DIR/export.err")" "senders.conf:3: warning: .*written disabled" \
    "the \$retries>=3 fallback is reported"
t_like "$(cat "$T_DIR/transport")" '^# main.cf: # smtp_fallback_relay = ' \
    "and written disabled"
t_is "$(stat -c %a "$T_DIR/sasl_passwd")" 600 "the secrets are mode 0600"
settings=$(sed -n 's/^# main\.cf: \(sender_dependent_relayhost_maps = .*\)$/\1/p' \
    "$T_DIR/transport")
t_like "$settings" "alice@corp.example=\\[smtp.isp.example\\]:587" \
    "the \$from lines become sender_dependent_relayhost_maps"

pf_setup "$settings" "smtp_sasl_auth_enable = yes" \
    "smtp_sasl_password_maps = hash:$T_DIR/sasl_passwd" \
    "smtp_sasl_security_options = noanonymous"
postmap -c "$PF" "hash:$T_DIR/sasl_passwd"
t_ok $? "postmap accepts the sasl_passwd file"
pf_start
t_ok $? "private Postfix instance started with the settings"

# xt TAG FROM TO BYTES AUTH: send through sendmail(1), wait for the attempt
xt() {
	pf_send "$1" "$2" "$3"
	pf_wait "$1" >/dev/null
}

xp_table xt <<EOF
a1 alice@corp.example u@plain.example 200 -
a2 ALICE@Corp.Example u@partner.example 200 -
b1 bob@corp.example u@plain.example 200 -
n1 x@news.example u@plain.example 200 -
n2 x@sub.news.example u@plain.example 200 -
EOF
t_is "$(pf_problems)" "" "Postfix logged no warning"
pf_stop
t_done
