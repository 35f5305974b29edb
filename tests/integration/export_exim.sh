#!/bin/sh
# mxshim export --format exim with a real Exim (Debian's binary, unpacked
# as in exim_*.sh): the rules of tests/postfix/export.conf become Exim
# routers, and a table of messages lands where `mxshim route` says, on the
# port it says, authenticated as the line says (tests/helpers/export.sh).
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
. "$TOP/tests/helpers/exim.sh"
. "$TOP/tests/helpers/export.sh"
# unpacked out here: the namespace has no network
if [ -z "${T_IN_NS:-}" ] && [ "$(id -u)" = 0 ] && ! ex_fetch; then
	t_missing "exim4 (apt-get download $EX_PKGS failed)"
fi
t_ns_enter --pid "$@"
pf_ns_net
ex_fetch || t_missing "exim4 (not unpacked: apt-get download)"
xp_setup
t_ok $? "Unbound and the mail servers are up"

"$MXSHIM" export --format exim "$XP_RULES" -o "$T_DIR/mxshim.exim" \
    --secrets "$T_DIR/mxshim.secrets" 2>"$T_DIR/export.err"
t_ok $? "mxshim export --format exim"
t_like "$(cat "$T_DIR/export.err")" "export.conf:11: warning: .*retries>=3" \
    "the \$retries>=3 line is reported"
t_like "$(grep -A3 '^# # rules line 11' "$T_DIR/mxshim.exim")" \
    "# *domains = .*late.example" "and written disabled"
t_is "$(stat -c %a "$T_DIR/mxshim.secrets")" 600 "the secrets are mode 0600"
t_like "$(cat "$T_DIR/mxshim.exim")" "^" "the fragment exists"
grep -q 's3cret' "$T_DIR/mxshim.exim"
t_ok $((! $?)) "the fragment holds no password"

ex_setup
t_ok $? "Exim set up"
chown Debian-exim "$T_DIR/mxshim.secrets"
# the fragment included in each section, as its header says
cat >"$T_DIR/exim-export.conf" <<EOF
exim_path = $EXIM
spool_directory = $T_DIR/exim-spool
log_file_path = $T_DIR/exim-log/%slog
log_selector = +outgoing_port
primary_hostname = mta.test
qualify_domain = mta.test
local_interfaces = 127.0.0.1
domainlist local_domains = localhost
keep_environment =
begin routers
.include $T_DIR/mxshim.exim
# the test's senders are here: o1's bounce is dropped
senders:
  driver = redirect
  domains = mta.test
  data = :blackhole:
dnslookup:
  driver = dnslookup
  transport = remote_smtp
  no_more
begin transports
MXSHIM_TRANSPORTS = yes
.include $T_DIR/mxshim.exim
remote_smtp:
  driver = smtp
begin retry
*  *  F,1h,1m
begin authenticators
MXSHIM_AUTHENTICATORS = yes
.include $T_DIR/mxshim.exim
EOF
EX_CONF="$T_DIR/exim-export.conf"
"$EXIM" -C "$EX_CONF" -bV >"$T_DIR/exim-bV.log" 2>&1
t_ok $? "Exim accepts the fragment ($(sed -n 's/^Exim version \([^ ]*\).*/\1/p' "$T_DIR/exim-bV.log"))"

# xs TAG FROM TO BYTES [EXIM-OPTION...]: submit a message of about BYTES
# and have Exim deliver it at once (-odi).
xs() {
	tag=$1 from=$2 to=$3 bytes=$4
	shift 4
	{
		printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@mta.test>\n\n' \
		    "$from" "$to" "$tag" "$tag"
		xp_body "$bytes"
	} | "$EXIM" -C "$EX_CONF" -odi -f "$from" "$@" -- "$to" \
	    >>"$T_DIR/exim-send.log" 2>&1
}

# xt TAG FROM TO BYTES AUTH: send (as AUTH with -oMai), and give route the
# size Exim logged (S=)
xt() {
	if [ "$5" = - ]; then
		xs "$1" "$2" "$3" "$4"
	else
		xs "$1" "$2" "$3" "$4" -oMai "$5"
	fi
	size=$(sed -n "s/.* <= .* S=\([0-9]*\) id=$1@.*/\1/p" "$EX_LOG" |
	    head -n 1)
	echo "--size ${size:-0}"
}

xp_table xt <<EOF
$XP_COMMON
b1 alice@mta.test u@big.example 200 -
b2 alice@mta.test u@big.example 6000 -
v1 alice@mta.test u@viaauth.example 200 bob
l1 alice@mta.test u@lmx.example 200 -
k1 bulk@mta.test u@keep.example 200 -
k2 alice@mta.test u@keep.example 200 -
n2 BULK@mta.test u@plain.example 200 -
o1 alice@mta.test u@old.example 200 -
EOF
t_like "$(ex_log o1)" " \*\* u@old.example .*null MX" \
    "o1: the null MX fails the address"
t_is "$(grep -c ' == ' "$EX_LOG")" 0 "nothing deferred"

t_done
