#!/bin/sh
# mxshim import --format kumomta: a queues.toml-style table
# (tests/import/kumo.toml).  An exact queue domain wins over '*.suffix' and
# over 'default'; routing_domain is MX-resolved ($lookupmx); an mx_list is
# tried in order (increasing preferences), its names resolved for
# addresses, its {name, addr} entries by address.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/helpers/import.sh"

cat >"$T_DIR/zone.conf" <<'ZONE'
	local-zone: "example." static
	local-data: "relay.isp.example. MX 10 in.relay.isp.example."
	local-data: "gw.corp.example. MX 5 in1.gw.corp.example."
	local-data: "gw.corp.example. MX 15 in2.gw.corp.example."
ZONE
start_dns "$T_DIR/zone.conf"

rules="$T_DIR/kumo.rules"
"$MXSHIM" import --format kumomta "$FIXTURES/kumo.toml" -o "$rules" \
    2>"$T_DIR/import.err"
t_is "$?" 0 "import succeeds"
err=$(cat "$T_DIR/import.err")
t_like "$err" "kumo.toml:14: warning: the settings for tenant 'mytenant'" \
    "tenant settings are reported"
t_like "$err" 'kumo.toml:14: warning: .*not carried: max_age, retry_interval' \
    "settings that do not route are reported"
t_like "$err" 'kumo.toml:33: warning: protocol.maildir_path' \
    "a non-SMTP delivery is reported"
t_like "$err" 'kumo.toml:2: warning: .scheduling_header. is not queue routing' \
    "top-level options are reported"

RELAY="10 in.relay.isp.example"
V6=20010db8000000000000000000000025.v6.mxshim.invalid
check_table "$rules" "
# mx_list: in order; a name, an [IP] literal, a {name, addr} entry
acme.example||10 smart.host.example,20 192-0-2-30.v4.mxshim.invalid,30 192-0-2-31.v4.mxshim.invalid
# the exact key does not cover subdomains: the default applies
sub.acme.example||$RELAY
# '*.corp.example': subdomains, through the routing domain's MX records
x.corp.example||5 in1.gw.corp.example,15 in2.gw.corp.example
corp.example||$RELAY
v6.example||10 $V6
maildir.example||$RELAY
# queue.default: routing_domain for everything else
other.example||$RELAY
"

# TOML errors name their line
printf '[queue.default]\nrouting_domain = "a.example"\nrouting_domain = "b.example"\n' \
    >"$T_DIR/dup.toml"
err=$("$MXSHIM" import --format kumomta "$T_DIR/dup.toml" 2>&1)
t_is "$?" 1 "a key defined twice fails the import"
t_like "$err" 'dup.toml:3: error: TOML: key defined twice' "at its line"
printf '[queue.a.example]\nrouting_domain = """x"""\n' >"$T_DIR/ml.toml"
err=$("$MXSHIM" import --format kumomta "$T_DIR/ml.toml" 2>&1)
t_like "$err" 'ml.toml:2: error: TOML: multi-line strings are not supported' \
    "what the reader does not support is refused, not misread"

t_done
