#!/bin/sh
# mxshim export --format opensmtpd with a real OpenSMTPD (Debian's smtpd,
# unpacked: tests/helpers/opensmtpd.sh): the rules of
# tests/postfix/export.conf become actions and match rules, and a table of
# messages lands where `mxshim route` says, on the port it says,
# authenticated as the line says (tests/helpers/export.sh); the lines
# OpenSMTPD cannot carry leave their mail on its real route.
#
# smtpd's own resolver sends no query inside the test's namespace (its
# MX and host lookups fail at once, "No MX found for domain", with no
# packet sent; Exim, dig and Python resolve there), so this test gives it
# none to make: the relay hosts of the rules are named by their addresses,
# and its default route, standing for delivery by MX, is a relay to the
# domains' real MX host 127.0.0.6.  USEDNS, which needs its MX lookup, is
# checked in the configuration only.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
. "$TOP/tests/helpers/opensmtpd.sh"
. "$TOP/tests/helpers/export.sh"
# unpacked out here: the namespace has no network
if [ -z "${T_IN_NS:-}" ] && [ "$(id -u)" = 0 ] && ! why=$(os_fetch); then
	t_missing "$why"
fi
t_ns_enter --pid "$@"
pf_ns_net
# smtpd looks up MX hosts with AI_ADDRCONFIG, which counts no loopback
# interface: with only lo up it asks nothing and gives up on every MX
# ("No MX found for domain").  A veth pair inside this namespace, with a
# documentation address and no route anywhere, makes IPv4 "configured".
ip link add mxs-v0 type veth peer name mxs-v1 &&
    ip addr add 192.0.2.200/32 dev mxs-v0 && ip link set mxs-v0 up &&
    ip link set mxs-v1 up
t_ok $? "a non-loopback IPv4 address in the namespace, for AI_ADDRCONFIG"
os_fetch >"$T_DIR/os-fetch.why" || t_missing "$(cat "$T_DIR/os-fetch.why")"
command -v openssl >/dev/null || t_missing "openssl"

# A CA of our own, trusted by smtpd (its CA file, bind-mounted), and one
# certificate for the mail servers and the submission port.
cd "$T_DIR" || exit 1
{
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
	    -subj /CN=mxshim-test-ca -days 2 &&
	openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr \
	    -subj /CN=smtp.isp.example &&
	printf 'subjectAltName=DNS:mta.test,IP:127.0.0.1,IP:127.0.0.5,IP:127.0.0.10\n' \
	    >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key \
	    -CAcreateserial -out srv.crt -days 2 -extfile srv.ext
} >openssl.log 2>&1
t_ok $? "a test CA and a server certificate"
chmod 600 srv.key
mount --bind ca.crt /etc/ssl/certs/ca-certificates.crt
cd "$TOP" || exit 1

xp_setup --tls "$T_DIR/srv.crt" "$T_DIR/srv.key"
t_ok $? "Unbound and the mail servers are up"
sed -e 's/@smtp\.isp\.example/@127.0.0.5/' -e 's/@auth\.isp\.example/@127.0.0.10/' \
    -e 's/^\*  *smtp\.isp\.example/*  127.0.0.5/' "$XP_RULES" >"$T_DIR/export.conf"
XP_RULES="$T_DIR/export.conf"

"$MXSHIM" export --format opensmtpd "$XP_RULES" -o "$T_DIR/mxshim.smtpd" \
    --secrets "$T_DIR/mxshim.secrets" 2>"$T_DIR/export.err"
t_ok $? "mxshim export --format opensmtpd"
for l in 5:size 7:lookupmx 9:from 11:retries; do
	t_like "$(cat "$T_DIR/export.err")" \
	    "export.conf:${l%%:*}: warning: .*${l#*:}" \
	    "line ${l%%:*} (\$${l#*:}) is reported"
	t_like "$(grep -A1 "^# # rules line ${l%%:*}\$" "$T_DIR/mxshim.smtpd" |
	    sed -n 2p)" '^# action ' "and written disabled"
done
t_is "$(stat -c %a "$T_DIR/mxshim.secrets")" 600 "the secrets are mode 0600"
grep -q 's3cret' "$T_DIR/mxshim.smtpd"
t_ok $((! $?)) "the configuration holds no password"

os_setup
t_ok $? "OpenSMTPD's users and directories"
printf 'bob %s\n' "$("$XP_PYTHON" -c \
    'import crypt; print(crypt.crypt("bobpw", crypt.mksalt(crypt.METHOD_SHA512)))' \
    2>/dev/null)" >"$T_DIR/users"
cat >"$T_DIR/smtpd.conf" <<EOF
pki mta.test cert "$T_DIR/srv.crt"
pki mta.test key "$T_DIR/srv.key"
table users file:$T_DIR/users
listen on 127.0.0.1 port 25 hostname mta.test
listen on 127.0.0.1 port 587 hostname mta.test tls pki mta.test auth <users>
include "$T_DIR/mxshim.smtpd"
action "outbound" relay host smtp://127.0.0.6
match from local for any action "outbound"
match from auth for any action "outbound"
EOF
os_start "$T_DIR/smtpd.conf"
t_ok $? "smtpd accepts the export and runs ($(cat "$T_DIR/smtpd-n.log"))"
pf_wait_addr 127.0.0.1 25 && pf_wait_addr 127.0.0.1 587
t_ok $? "smtpd listens on 25 and 587"

# xs TAG FROM TO BYTES [USER]: submit over SMTP, as USER on the
# submission port (TLS, AUTH) if given and not "-"
xs() {
	if [ "${5:--}" != - ]; then
		"$XP_PYTHON" "$TOP/tests/helpers/smtp_submit.py" mta.test 587 \
		    "$2" "$3" "$1" "$4" "$T_DIR/ca.crt" "$5" bobpw
	else
		"$XP_PYTHON" "$TOP/tests/helpers/smtp_submit.py" 127.0.0.1 25 \
		    "$2" "$3" "$1" "$4"
	fi >>"$T_DIR/submit.log" 2>&1
}

# xp_wait TAG: until a server logged the message (10 s at most)
xw() {
	i=0
	while [ $i -lt 100 ] && [ -z "$(xp_got "$1")" ]; do
		sleep 0.1; i=$((i + 1))
	done
}

# xt TAG FROM TO BYTES AUTH: send, and wait for the servers to log it
xt() {
	xs "$@"
	xw "$1"
}

# the lines OpenSMTPD carries: where route says, with this context
xp_table xt <<EOF
$XP_COMMON
k2 alice@mta.test u@keep.example 200 -
EOF
# smtpd offers AUTH after STARTTLS only, and its own TLS fails under
# OpenSSL 3: the privilege-separated key operations end in "EVP lib"
t_skip "v1: viaauth.example, submitted as bob, relayed as bob" \
    "OpenSMTPD 6.8's server-side TLS fails under OpenSSL 3 (EVP lib), and it offers AUTH over TLS only"

# the lines written disabled: their mail keeps its real route
while read -r tag from to bytes what; do
	xs "$tag" "$from" "$to" "$bytes"
	xw "$tag"
	t_is "$(xp_got "$tag")" "127.0.0.6:25 -" \
	    "$tag: $what is not carried: ${to#*@}'s real MX, no rerouting"
done <<EOF
b2 alice@mta.test u@big.example 6000 \$size
l1 alice@mta.test u@lmx.example 200 \$lookupmx
n2 BULK@mta.test u@plain.example 200 a-PCRE-\$from
EOF
t_like "$(grep -A1 '^# rules line 10$' "$T_DIR/mxshim.smtpd" | sed -n 2p)" \
    '^action "mxshim_l10" relay$' "USEDNS: a relay by MX (not sent: see above)"
xs o1 alice@mta.test u@old.example 200
t_ok $((! $?)) "o1: old.example has a null MX: refused at submission"
sleep 1
t_is "$(xp_got o1)" "" "o1: and delivered nowhere"

t_done
