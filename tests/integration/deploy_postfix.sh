#!/bin/sh
# doc/deploy.md's Postfix recipe, word for word: the code blocks marked
# <!-- deploy_postfix --> are extracted from the guide and run in order, as
# root, against Debian's own Postfix (installed, or its package unpacked
# where another MTA is the machine's: tests/helpers/pf.sh; its master.cf
# with smtp chrooted, /etc/postfix, /var/spool/postfix, its
# postfix@.service lines) and
# mxshimd's unit, in a private network, mount and pid namespace where
# those paths are private copies.  systemctl is tests/helpers/systemctl
# (no systemd in the namespace); mxshim, mxshimd and the unit are the build
# tree's.  Then mail shows the recipe works: a domain hosted by Google
# goes to the ISP relay (only if Postfix's chroot copy of resolv.conf was
# refreshed), the partner to the relay's port 587 with its password.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"
[ -x "$MXSHIMD" ] && [ -f "$TOP/etc/mxshimd.service" ] ||
    t_missing "resolver/mxshimd and etc/mxshimd.service (make)"
[ -f /lib/systemd/system/postfix@.service ] ||
    t_missing "Debian's postfix@.service (postfix)"

# --- the machine before the recipe: private copies of its paths ----------
# (what the recipe writes in /etc and /var, and the directories made for
# the copies where the machine has none, stay in $T_DIR: overlays, that
# of pf_use on /etc with Postfix unpacked)
{ pf_unpacked || pf_overlay "" /etc; } && pf_overlay "" /var ||
    t_bail "cannot overlay /etc and /var"
private() {	# private DIR: a writable copy of DIR, for this namespace only
	mkdir -p "$T_DIR/root$1"
	[ -d "$1" ] && cp -a "$1/." "$T_DIR/root$1/"
	mkdir -p "$1" && mount --bind "$T_DIR/root$1" "$1"
}
for d in /etc/postfix /var/spool/postfix /var/lib/postfix /etc/mxshim \
    /etc/default /etc/dhcp; do
	private $d || t_skip_all "cannot make $d private"
done
pf_user _mxshim 799	# the package's user
install -m 0640 -o root -g _mxshim "$TOP/etc/overrides.conf" \
    /etc/mxshim/overrides.conf
install -m 0644 "$TOP/etc/mxshimd.default" /etc/default/mxshimd
rm -f /etc/default/postfix
rm -rf /var/spool/postfix/* /var/lib/postfix/*
chown postfix /var/lib/postfix
# A stock Postfix sending mail, as pf_setup has it, but at Debian's paths
# with Debian's master.cf (smtp chrooted).
sed -e "s|@DIR@/pf-spool|/var/spool/postfix|" \
    -e "s|@DIR@/pf-data|/var/lib/postfix|" -e "s|@DIR@|$T_DIR|g" \
    "$TOP/tests/postfix/main.cf.in" >/etc/postfix/main.cf
touch -d '-1 min' /etc/postfix/main.cf
PF=/etc/postfix PF_LOG="$T_DIR/maillog"
: >"$PF_LOG"

# The Internet: Unbound on 127.0.0.2@53 is the machine's resolver.
cat >"$T_DIR/zones.conf" <<'EOF'
local-zone: "hosted.example." static
local-data: "hosted.example. 300 IN MX 1 alt1.aspmx.l.google.com."
local-zone: "aspmx.l.google.com." static
local-data: "alt1.aspmx.l.google.com. 300 IN A 127.0.0.6"
local-zone: "partner.example." static
local-data: "partner.example. 300 IN MX 10 mx.partner.example."
local-data: "mx.partner.example. 300 IN A 127.0.0.6"
local-zone: "plain.example." static
local-data: "plain.example. 300 IN MX 10 mx.plain.example."
local-data: "mx.plain.example. 300 IN A 127.0.0.6"
local-zone: "smtp.myisp.example." static
local-data: "smtp.myisp.example. 300 IN A 127.0.0.5"
EOF
t_unbound 53 "$T_DIR/zones.conf" 127.0.0.2 || t_bail "unbound did not start"
printf 'nameserver 127.0.0.2\n' >/etc/resolv.conf

pf_sink relay 127.0.0.5 && pf_sink submission 127.0.0.5:587 &&
    pf_sink real 127.0.0.6
t_ok $? "smtp-sinks: the ISP relay (25 and 587), the real MX hosts"

# systemctl and the programs the recipe names, from the build tree
mkdir "$T_DIR/bin"
ln -s "$TOP/tests/helpers/systemctl" "$T_DIR/bin/systemctl"
ln -s "$TOP/cli/mxshim" "$T_DIR/bin/mxshim"
export PATH="$T_DIR/bin:$PATH"
export SYSTEMCTL_STATE="$T_DIR" SYSTEMCTL_UNITS="$TOP/etc /lib/systemd/system"
export SYSTEMCTL_ALIAS="postfix=postfix@-"
export SYSTEMCTL_MAP="s|[^ ]*/sbin/mxshimd |$TOP/resolver/mxshimd |;s|[^ ]*/bin/mxshim |$TOP/cli/mxshim |;s|/usr/local/etc/|/etc/|g"

systemctl start mxshimd >>"$T_DIR/mxshimd.log" 2>&1
t_ok $? "before: mxshimd started from its unit (the shipped rules)"
systemctl start postfix >>"$T_DIR/postfix-start.log" 2>&1
t_ok $? "before: Debian's Postfix started from postfix@.service"
T_PIDS="$T_PIDS $(cat "$T_DIR/mxshimd.pid") \
    $(tr -d ' ' </var/spool/postfix/pid/master.pid 2>/dev/null)"
t_is "$(cat /var/spool/postfix/etc/resolv.conf)" "nameserver 127.0.0.2" \
    "before: the chroot's copy of resolv.conf names the machine's resolver"
pf_send before1 alice@mta.test bob@hosted.example
pf_delivered before1 real "alt1.aspmx.l.google.com[127.0.0.6]:25" \
    "before: hosted.example goes to its real MX"

# --- the recipe, as the guide has it -------------------------------------
awk '/^<!-- deploy_postfix -->$/ { mark = 1; next }
	mark && /^```/ { if (inside) { mark = inside = 0 } else inside = 1; next }
	inside' "$TOP/doc/deploy.md" >"$T_DIR/recipe.sh"
t_ok "$([ "$(grep -c . "$T_DIR/recipe.sh")" -ge 15 ]; echo $?)" \
    "the guide's marked blocks extracted ($(grep -c . "$T_DIR/recipe.sh") lines)"
(cd / && sh -ex "$T_DIR/recipe.sh") >"$T_DIR/recipe.log" 2>&1
t_ok $? "the recipe ran without an error (log: recipe.log)"
T_PIDS="$T_PIDS $(cat "$T_DIR/mxshimd.pid") \
    $(tr -d ' ' </var/spool/postfix/pid/master.pid 2>/dev/null)"
sed 's/^/# /' "$T_DIR/recipe.log"

# --- what it did ----------------------------------------------------------
t_is "$(stat -c '%U:%G %a' /etc/mxshim/overrides.conf)" "root:_mxshim 640" \
    "the rules file is still root:_mxshim 0640"
t_is "$(ps -o user= -p "$(cat "$T_DIR/mxshimd.pid")")" _mxshim \
    "mxshimd runs as _mxshim"
t_is "$(cat /var/spool/postfix/etc/resolv.conf)" "nameserver 127.0.0.1" \
    "the chroot's copy of resolv.conf names mxshimd"
t_wait_for sh -c 'dig @127.0.0.1 +short hosted.example MX |
    grep -q smtp.myisp.example'
t_ok $? "mxshimd answers the override for hosted.example"

pf_send hosted1 alice@mta.test bob@hosted.example
pf_delivered hosted1 relay "smtp.myisp.example[127.0.0.5]:25" \
    "after: a domain hosted by Google goes through the ISP relay"
pf_send partner1 alice@mta.test bob@partner.example
pf_delivered partner1 submission "smtp.myisp.example[127.0.0.5]:587" \
    "after: the partner goes to the relay's port 587 (transport map)"
t_is "$(postmap -q '[smtp.myisp.example]:587' hash:/etc/postfix/sasl_passwd)" \
    "joe:secret" "... with the password for that next hop (sasl_passwd)"
t_is "$(stat -c %a /etc/postfix/sasl_passwd)" 600 "... in a file of mode 0600"
pf_send plain1 alice@mta.test bob@plain.example
pf_delivered plain1 real "mx.plain.example[127.0.0.6]:25" \
    "after: a domain without override keeps its real MX"
t_is "$(grep -c 'status=bounced' "$PF_LOG")" 0 "nothing bounced"
pf_no_problems

postfix -c /etc/postfix stop >/dev/null 2>&1
t_done
