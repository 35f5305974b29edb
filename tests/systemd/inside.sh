#!/bin/sh
# tests/systemd/inside.sh - run by tests/systemd/boot.sh inside a booted
# Debian 12 container (systemd as PID 1, a private network): install the
# package, then start, reload and stop mxshimd.service as an operator
# would, with the unit's whole sandbox applied by systemd, against a real
# Unbound on 127.0.0.1@5353.  TAP on standard output.
MXSHIM_TOP=/mxshim-test
. "$MXSHIM_TOP/tests/lib.sh"
RULES=/etc/mxshim/overrides.conf
export DEBIAN_FRONTEND=noninteractive

t_is "$(ps -o comm= -p 1)" systemd "PID 1 is systemd"

# --- the package, installed under systemd -----------------------------------
# (no network: its Depends are in the root already)
apt-get install -y -qq /mxshim-test/mxshim.deb >"$T_DIR/apt.log" 2>&1
st=$?
t_ok $st "apt-get install ./mxshim.deb"
[ $st = 0 ] || sed 's/^/# /' "$T_DIR/apt.log"
t_is "$(systemctl is-enabled mxshimd 2>&1)" enabled "the unit is enabled on install"
t_is "$(stat -c '%U:%G %a' $RULES 2>&1)" "root:_mxshim 640" \
    "$RULES is root:_mxshim 0640"
systemctl stop mxshimd

# --- the "Internet": a real Unbound on 127.0.0.1@5353 ------------------------
ip link set lo up
cat >"$T_DIR/zones.conf" <<'ZEOF'
local-zone: "partner.example." static
local-data: "partner.example. 300 IN MX 10 mx.partner.example."
local-zone: "other.example." static
local-data: "other.example. 300 IN MX 10 mx.other.example."
ZEOF
t_unbound 5353 "$T_DIR/zones.conf" || t_bail "unbound did not start"

# put FILE: replace the rules with FILE as doc/deploy.md says (mv)
put() {
	install -m 0640 -o root -g _mxshim "$1" $RULES.new && mv $RULES.new $RULES
}
# cursor: where the unit's journal stands now; since CURSOR: what came after
cursor() { journalctl -u mxshimd -n 0 --show-cursor | sed -n 's/^-- cursor: //p'; }
since() { journalctl -u mxshimd -o cat --after-cursor="$1"; }
mx() { dig @127.0.0.1 +short $T_DIGOPTS "$@" MX; }
mainpid() { systemctl show -p MainPID --value mxshimd; }
status() { systemctl show -p StatusText --value mxshimd; }
# reloaded FILE HOST: put FILE, `systemctl reload mxshimd` succeeds, and
# partner.example's MX becomes HOST (the reload is asynchronous: waited for)
reloaded() {
	put "$1"
	systemctl reload mxshimd
	t_ok $? "systemctl reload with a good file succeeds"
	t_wait_for sh -c 'dig @127.0.0.1 +short $1 partner.example MX |
	    grep -qx "10 $2\."' sh "$T_DIGOPTS" "$2"
	t_ok $? "... the new rules answer ($2): _mxshim read the root:_mxshim 0640 file"
}
# refused VERB WHAT REGEX: `systemctl VERB mxshimd` exits 1 to 125 and the
# unit's journal gets a line matching REGEX (journald may lag: waited for)
refused() {
	c=$(cursor)
	systemctl "$1" mxshimd 2>/dev/null
	t_failed $? "systemctl $1 $2 exits non-zero"
	t_wait_for sh -c 'journalctl -u mxshimd -o cat --after-cursor="$1" |
	    grep -Eq -- "$2"' sh "$c" "$3"
	st=$?
	t_ok $st "... the journal says why: $3"
	[ $st = 0 ] || since "$c" | sed 's/^/# journal: /'
}

# --- systemctl start ----------------------------------------------------------
# Type=notify: start returns once mxshimd said READY=1, and fails when it
# exits before.  After each refused start the unit would be restarted
# (Restart=on-failure): stopped, and its start counter reset.
stopped() { systemctl stop mxshimd; systemctl reset-failed mxshimd 2>/dev/null; }
echo 'MXSHIMD_OPTS="--upstream 127.0.0.1@5353"' >>/etc/default/mxshimd
printf 'partner.example  relay0.isp.example $nosuch\n' >"$T_DIR/bad0.conf"
put "$T_DIR/bad0.conf"
refused start "with a bad rules file" "(^|: )$RULES:1:[0-9]+: "
stopped
printf 'partner.example  relay.isp.example\n' >"$T_DIR/one.conf"
put "$T_DIR/one.conf"
# port 53 taken (by an Unbound, which sets SO_REUSEPORT as mxshimd does)
t_unbound 53 "$T_DIR/zones.conf" || t_bail "unbound on port 53 did not start"
refused start "with port 53 taken" "127\.0\.0\.1.*53.*[Aa]ddress already in use"
t_is "$(systemctl show -p Result --value mxshimd)" exit-code \
    "... the unit failed (Result=exit-code)"
stopped
kill "$UNBOUND_PID" && t_wait_for t_gone "$UNBOUND_PID"
c0=$(cursor)
systemctl start mxshimd
t_ok $? "systemctl start mxshimd"
# no wait, no retry: start returned, so mxshimd answers
t_is "$(mx partner.example)$(mx +tcp partner.example)" \
    "10 relay.isp.example.10 relay.isp.example." \
    "... and returned only once mxshimd answers from the rules, UDP and TCP"
t_is "$(status)" "serving 1 rules, generation 1" \
    "... its status (StatusText): the rules it serves"
t_wait_for sh -c 'ss -Hlnu "src 127.0.0.1 and sport = :53" | grep -q . &&
    ss -Hlnt "src 127.0.0.1 and sport = :53" | grep -q .'
t_ok $? "... it listens on 127.0.0.1:53, UDP and TCP"
t_is "$(systemctl is-active mxshimd)" active "... and is active"
pid=$(mainpid)
t_is "$(ps -o user=,group= -p "$pid" | tr -s ' ')" "_mxshim _mxshim" \
    "... running as _mxshim:_mxshim"
t_is "$(grep CapEff /proc/$pid/status | tr -d '\t')" \
    "CapEff:0000000000000400" "... holding CAP_NET_BIND_SERVICE alone"
t_is "$(grep -E '^(NoNewPrivs|Seccomp):' /proc/$pid/status | tr -d '\t' |
    tr '\n' ' ')" "NoNewPrivs:1 Seccomp:2 " \
    "... under its seccomp filter, with no new privileges"
t_like "$(nsenter --target "$pid" --mount touch /etc/mxshim/probe 2>&1)" \
    "Read-only file system" "... seeing /etc read-only (ProtectSystem=strict)"
t_is "$(mx partner.example)" "10 relay.isp.example." \
    "the overridden MX is answered (UDP)"
t_is "$(mx +tcp partner.example)" "10 relay.isp.example." "... and over TCP"
t_is "$(mx other.example)" "10 mx.other.example." \
    "a name without an override is relayed to the upstream Unbound"

# --- systemctl reload, a good file -------------------------------------------
printf 'partner.example  relay2.isp.example\n' >"$T_DIR/two.conf"
reloaded "$T_DIR/two.conf" relay2.isp.example
t_is "$(mainpid)" "$pid" "... in the same process"
t_like "$(status)" \
    "^serving 1 rules, generation 2; last reload ok at [0-9TZ:-]+ \(generation 2\)$" \
    "... its status says the new generation"

# --- systemctl reload, a bad file ---------------------------------------------
printf 'partner.example  relay3.isp.example $nosuch\n' >"$T_DIR/bad.conf"
put "$T_DIR/bad.conf"
refused reload "with a bad file" "^$RULES:1:[0-9]+: "
t_is "$(systemctl is-active mxshimd)" active "... the service stays active"
t_is "$(mx partner.example)" "10 relay2.isp.example." "... the old rules answer"
t_like "$(status)" \
    "^serving 1 rules, generation 2; last reload failed at [0-9TZ:-]+ \(generation 2\)$" \
    "... its status says the reload failed"

# --- a file _mxshim cannot read ----------------------------------------------
install -m 0600 -o root -g root "$T_DIR/two.conf" $RULES
refused reload "of a file _mxshim cannot read" "Permission denied"
t_is "$(mx partner.example)" "10 relay2.isp.example." "... the old rules answer"
put "$T_DIR/two.conf"

# --- the system call filter: what EPERM hides, SIGSYS shows -------------------
# The unit says SystemCallErrorNumber=EPERM: a call outside the filter
# fails quietly.  Here a drop-in makes it kill the process instead, and
# the same steps run again: a SIGSYS would stop the service.
mkdir -p /run/systemd/system/mxshimd.service.d
printf '[Service]\nSystemCallErrorNumber=kill\nRestart=no\n' \
    >/run/systemd/system/mxshimd.service.d/sigsys.conf
systemctl daemon-reload
systemctl restart mxshimd
t_ok $? "with SystemCallErrorNumber=kill: systemctl restart"
t_wait_for sh -c 'ss -Hlnu "src 127.0.0.1 and sport = :53" | grep -q .'
pid=$(mainpid)
t_is "$(mx partner.example)$(mx +tcp partner.example)$(mx other.example)" \
    "10 relay2.isp.example.10 relay2.isp.example.10 mx.other.example." \
    "... UDP, TCP and relayed questions are answered"
reloaded "$T_DIR/one.conf" relay.isp.example
put "$T_DIR/bad.conf"
systemctl reload mxshimd 2>/dev/null
t_failed $? "... a refused reload still exits non-zero"
put "$T_DIR/one.conf"
t_is "$(systemctl is-active mxshimd):$(mainpid)" "active:$pid" \
    "... the same process is still running"
systemctl stop mxshimd
t_ok $? "systemctl stop mxshimd"
t_is "$(systemctl show -p Result --value mxshimd)" success \
    "... the service ended with Result=success"
rm -r /run/systemd/system/mxshimd.service.d
systemctl daemon-reload
journalctl -u mxshimd -o cat --after-cursor="$c0" >"$T_DIR/journal"
t_like "$(cat "$T_DIR/journal")" "Stopped mxshimd" \
    "the unit's journal of this test is there (for the next check)"
t_absent 'SYS|code=killed|code=dumped|core dump' "$T_DIR/journal" \
    "no SIGSYS, no killed or dumped process in the unit's journal"
t_done
