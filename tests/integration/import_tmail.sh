#!/bin/sh
# mxshim import --format tmail: `tmail routes list` output and `tmail
# routes add` command lines (tests/import/tmail.txt).  tmail takes every
# route of the most specific group (SMTP user and MAIL FROM, SMTP user,
# destination, "*") and tries them by priority, lowest first, equal
# priorities sharing the load; remote hosts are used as they are (no MX
# lookup).  Logins and passwords become USER:PASS@HOST; local IPs are
# reported.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/helpers/import.sh"

cat >"$T_DIR/zone.conf" <<'ZONE'
	local-zone: "example." static
ZONE
start_dns "$T_DIR/zone.conf"

rules="$T_DIR/sub/tmail.rules"
mkdir "$T_DIR/sub"
"$MXSHIM" import --format tmail "$FIXTURES/tmail.txt" -o "$rules" \
    2>"$T_DIR/import.err"
t_is "$?" 0 "import succeeds"
t_like "$(cat "$T_DIR/import.err")" \
    'tmail.txt:4: warning: local IP\(s\) 192.0.2.10&192.0.2.11' \
    "local IPs are reported"
t_is "$(stat -c %a "$rules")" 600 "with credentials the output is mode 0600"
t_is "$(ls "$T_DIR/sub")" tmail.rules "no temporary file is left behind"
t_is "$(grep -c 's3cret' "$rules")" 1 \
    "the password is in the override line only, not in the comments"
t_absent s3cret "$T_DIR/import.err" "and never on stderr"

A="--authsender=alice@corp.example"
P40="5 192-0-2-40.v4.mxshim.invalid,5 192-0-2-41.v4.mxshim.invalid"
check_table "$rules" "
# destination routes, by priority
toorop.example||1 mail.toorop.example
tmail.example||1 mail.tmail.example,2 backup.tmail.example:2525
# equal priorities share the load
partner.example||$P40
# priority 0 before tmail's default 1
prio.example||0 192-0-2-50.v4.mxshim.invalid,1 192-0-2-51.v4.mxshim.invalid
# SMTP user and MAIL FROM both match: that group alone
partner.example|$A --from=alice@corp.example|1 alice:***@mx.partner.example
# the MAIL FROM differs: the destination routes
partner.example|$A --from=other@corp.example|$P40
# a user given as a domain: that user, or any user of that domain
bulk.example|--authsender=bob@corp.example|1 bulk-relay.example:2525
bulk.example|--authsender=corp.example|1 bulk-relay.example:2525
bulk.example|--authsender=bob@other.example|1 relayuser:***@smarthost.isp.example:587
# the * destination, with its port and credentials (hidden)
anything.example||1 relayuser:***@smarthost.isp.example:587
"
out=$("$MXSHIM" route --rules "$rules" --upstream "127.0.0.1@$PORT" \
    --show-secrets anything.example 2>&1)
t_like "$out" 'relayuser' "the credentials are kept for mxshim route"

# postfix export: the transport map, and sasl_passwd for the passwords
"$MXSHIM" export --format postfix "$rules" -o "$T_DIR/transport" \
    --sasl-passwd "$T_DIR/sasl_passwd" 2>"$T_DIR/export.err"
t_is "$?" 0 "export --format postfix succeeds"
tr=$(grep -v '^#' "$T_DIR/transport")
t_like "$tr" '^toorop\.example	smtp:\[mail\.toorop\.example\]$' \
    "a host is a bracketed next hop (no MX lookup)"
t_like "$tr" '^tmail\.example	smtp:\[mail\.tmail\.example\], \[backup\.tmail\.example\]:2525$' \
    "several hosts, lowest preference first, with ports"
t_like "$tr" '^\*	smtp:\[smarthost\.isp\.example\]:587$' "the * route"
t_like "$(cat "$T_DIR/sasl_passwd")" \
    '^\[smarthost\.isp\.example\]:587 relayuser:s3cret$' \
    "the password goes to sasl_passwd, keyed like the next hop"
t_is "$(stat -c %a "$T_DIR/sasl_passwd")" 600 "sasl_passwd is mode 0600"
t_absent s3cret "$T_DIR/transport" "no password in the transport map"
t_like "$(cat "$T_DIR/export.err")" \
    'warning: condition \$authsender=alice@corp.example cannot be expressed' \
    "routes by SMTP user are reported, not exported"
t_absent '^partner\.example.*mx\.partner' "$T_DIR/transport" \
    "so they are not in the map"
out=$("$MXSHIM" export --format postfix "$rules" 2>&1 >/dev/null)
t_like "$out" 'credentials are not written without --sasl-passwd' \
    "without --sasl-passwd the passwords are left out, and that is said"

# a password with a space or a '%' is written percent-encoded (%20, %25)
printf 'tmail routes add -d a.example -rh h.example --rl u --rpwd "a b%%"\n' \
    >"$T_DIR/sp.txt"
out=$("$MXSHIM" import --format tmail --output "$T_DIR/sp.conf" "$T_DIR/sp.txt" 2>&1)
t_is "$?" 0 "a password with a space and a '%': imported"
t_ok "$(grep -q '^a\.example  *u:a%20b%25@h\.example' "$T_DIR/sp.conf"; echo $?)" \
    "... percent-encoded"
t_like "$("$MXSHIM" route --rules "$T_DIR/sp.conf" --show-secrets a.example 2>&1)" \
    "u:a b%@h\.example" "... and read back as it was"

t_done
