#!/bin/sh
# The installed Debian package (.ci/run installs it, then runs this): its
# files, its user, its unit, and mxshimd from /usr/sbin started by the
# installed unit's own lines (tests/helpers/systemctl: its ExecStart as
# User= with AmbientCapabilities=, the options of /etc/default/mxshimd) on the
# installed rules file, answering in a private network namespace; a reload
# (the unit's ExecReload lines) of a root:_mxshim 0640 file, a refused one,
# and `mxshim run` finding the installed library.  Skipped when the
# package is not installed.  PID 1 of a CI machine or container is often
# not systemd, so the rest of the unit's sandbox is not applied here.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
UNIT=/lib/systemd/system/mxshimd.service
RULES=/etc/mxshim/overrides.conf

. "$TOP/tests/lib.sh"
dpkg-query -W -f '${Status}' mxshim 2>/dev/null | grep -q ' installed$' ||
    t_skip_all "the mxshim package is not installed"
t_ns_enter --pid "$@"
PATH=/usr/sbin:/usr/bin:/sbin:/bin

# --- the files, as Debian policy has them ---------------------------------
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
    gcc -print-multiarch)
LIB=/usr/lib/$ma/mxshim/libmxshim.so
for f in /usr/sbin/mxshimd /usr/bin/mxshim; do
	t_ok "$([ -x $f ]; echo $?)" "installed: $f"
done
t_ok "$([ -f "$LIB" ]; echo $?)" "installed: $LIB"
t_is "$(dpkg -L mxshim | grep -c '\.la$')" 0 "no libtool .la in the package"
for m in man1/mxshim.1 man5/mxshim.conf.5 man8/mxshimd.8; do
	t_ok "$([ -f /usr/share/man/$m.gz ]; echo $?)" "man page $m"
done
t_ok "$([ -f $UNIT ]; echo $?)" "installed: $UNIT"
conff=$(dpkg-query -W -f '${Conffiles}' mxshim)
for f in $RULES /etc/default/mxshimd; do
	t_like "$conff" " $f " "$f is a conffile"
done
t_is "$(stat -c '%U:%G %a' $RULES 2>&1)" "root:_mxshim 640" \
    "$RULES is root:_mxshim 0640"
t_like "$(getent passwd _mxshim)" "^_mxshim:x:[0-9]*:[0-9]*:.*:/nonexistent:/usr/sbin/nologin$" \
    "system user _mxshim, no home, no shell"
uid=$(id -u _mxshim 2>/dev/null || echo 65535)
t_ok "$([ "$uid" -lt 1000 ]; echo $?)" "_mxshim is a system user ($uid)"
t_is "$(grep -v '^#' $RULES | grep -c .)" 0 \
    "the shipped rules file holds comments only"
t_like "$(mxshim check $RULES 2>&1)" ": 0 overrides, valid$" \
    "mxshim check: the shipped file is valid"
out=$(systemd-analyze verify $UNIT 2>&1)
t_is "$?:$out" "0:" "systemd-analyze verify $UNIT: clean"

# --- mxshimd as the unit starts it -----------------------------------------
# The private namespace gets its own copies of the files the test changes.
mkdir "$T_DIR/etc-mxshim"
cp -p $RULES "$T_DIR/etc-mxshim/"
mount --bind "$T_DIR/etc-mxshim" /etc/mxshim || t_skip_all "cannot bind /etc/mxshim"
ip link set lo up
# a private /run: the unit's RuntimeDirectory (the control socket) in it
mount -t tmpfs -o mode=0755 tmpfs /run || t_skip_all "cannot mount a private /run"
# The "Internet": a real Unbound on 127.0.0.2@53 (127.0.0.1 is mxshimd's
# default), the machine's resolver in the private resolv.conf, so that
# mxshimd's default upstream is found.
printf 'nameserver 127.0.0.2\n' >"$T_DIR/resolv.conf"
mount --bind "$T_DIR/resolv.conf" /etc/resolv.conf
cat >"$T_DIR/zones.conf" <<'EOF'
local-zone: "partner.example." static
local-data: "partner.example. 300 IN MX 10 mx.partner.example."
local-data: "mx.partner.example. 300 IN A 192.0.2.10"
EOF
t_unbound 53 "$T_DIR/zones.conf" 127.0.0.2 || t_bail "unbound did not start"

# The unit's own lines run it (tests/helpers/systemctl: no systemd here).
key() { sed -n "s/^$1=//p" $UNIT; }
t_is "$(key User):$(key Group):$(key AmbientCapabilities)" \
    "_mxshim:_mxshim:CAP_NET_BIND_SERVICE" \
    "the unit: User=_mxshim, Group=_mxshim, only CAP_NET_BIND_SERVICE"
export SYSTEMCTL_STATE="$T_DIR"
systemctl() { "$TOP/tests/helpers/systemctl" "$@"; }
systemctl start mxshimd >"$T_DIR/mxshimd.log" 2>&1
MAINPID=$(cat "$T_DIR/mxshimd.pid")
T_PIDS="$T_PIDS $MAINPID"
# (Unbound holds port 53 too, on 127.0.0.2)
t_wait_for sh -c 'ss -Hlnu "src 127.0.0.1 and sport = :53" | grep -q . &&
    ss -Hlnt "src 127.0.0.1 and sport = :53" | grep -q .'
t_ok $? "mxshimd from the unit's ExecStart listens on 127.0.0.1:53"
t_is "$(ps -o user= -p $MAINPID)" _mxshim "... running as _mxshim"
t_is "$(grep CapEff /proc/$MAINPID/status | tr -d '\t')" \
    "CapEff:0000000000000400" "... holding CAP_NET_BIND_SERVICE alone"

t_is "$(stat -c '%U:%G %a' /run/mxshim 2>&1)" "_mxshim:_mxshim 750" \
    "the unit's RuntimeDirectory: /run/mxshim, _mxshim's, 0750"
t_wait_for test -S /run/mxshim/mxshimd.ctl
t_ok $? "... the control socket in it"
t_like "$(mxshim ctl status 2>&1)" "^rules: $RULES$" \
    "mxshim ctl status: the daemon answers on its default control socket"

mx() { dig @127.0.0.1 +short $T_DIGOPTS partner.example MX; }
t_is "$(mx)" "10 mx.partner.example." \
    "the installed (empty) rules: the real MX is relayed"

# put FILE: replace the rules with FILE as an administrator would
put() {
	install -m 0640 -o root -g _mxshim "$1" $RULES.tmp && mv $RULES.tmp $RULES
}
printf 'partner.example  relay.isp.example\n' >"$T_DIR/new.conf"
put "$T_DIR/new.conf"
out=$(systemctl reload mxshimd 2>&1)
t_ok $? "systemctl reload: the unit's ExecReload lines succeed"
t_wait_for sh -c "dig @127.0.0.1 +short $T_DIGOPTS partner.example MX |
    grep -q relay.isp.example"
t_is "$(mx)" "10 relay.isp.example." \
    "after the reload, _mxshim read the root:_mxshim 0640 file"

printf 'partner.example  relay.isp.example $nosuch\n' >"$T_DIR/bad.conf"
put "$T_DIR/bad.conf"
out=$(systemctl reload mxshimd 2>&1)
t_is "$?" 1 "a rules file with an error: the reload fails"
t_like "$out" "^$RULES:1:[0-9]*: " "... and says FILE:LINE:COLUMN"
sleep 0.5
t_is "$(mx)" "10 relay.isp.example." "... the daemon kept the rules it had"

install -m 0600 -o root -g root "$T_DIR/new.conf" $RULES
out=$(systemctl reload mxshimd 2>&1)
t_is "$?" 1 "a file _mxshim cannot read: the reload fails"
t_like "$out" "^$RULES: Permission denied$" "... and says why"
kill -0 $MAINPID 2>/dev/null
t_ok $? "... and mxshimd is still running"

# --- the preload library --------------------------------------------------
env=$(mxshim run --rules "$T_DIR/new.conf" -- sh -c 'echo "$LD_PRELOAD"')
t_is "$env" "$LIB" "mxshim run finds the installed library"
t_is "$(mxshim run --rules "$T_DIR/new.conf" -- \
    sh -c 'getent ahosts x >/dev/null; echo ok')" ok \
    "a program runs under the installed library"

t_done
