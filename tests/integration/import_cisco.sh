#!/bin/sh
# mxshim import --format cisco: the next hops of the imported rules are
# those AsyncOS documents for its SMTP routes table (tests/import/cisco.txt):
# the most specific route wins wherever it stands, "acme.example" covers the
# subdomains and ".lab.example" only them, ALL: is the default, USEDNS is a
# normal MX lookup, /dev/null becomes the null MX, names are MX-resolved.
# (Names are under .example: libunbound answers .test itself, NXDOMAIN.)
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/helpers/import.sh"

cat >"$T_DIR/zone.conf" <<'ZONE'
	local-zone: "example." static
	local-data: "relay.isp.example. MX 10 in.relay.isp.example."
	local-data: "in.relay.isp.example. A 192.0.2.1"
	local-data: "mx1.corp.example. A 192.0.2.11"
	local-data: "mx2.corp.example. A 192.0.2.12"
	local-data: "gw1.shop-relay.example. MX 10 in.gw1.shop-relay.example."
	local-data: "gw2.shop-relay.example. MX 20 in.gw2.shop-relay.example."
	local-data: "partner.example. MX 10 mx.partner.example."
	local-data: "sub.partner.example. MX 20 mx.sub.partner.example."
	local-data: "other.example. MX 10 mx.other.example."
ZONE
start_dns "$T_DIR/zone.conf"

rules="$T_DIR/cisco.rules"
"$MXSHIM" import --format cisco "$FIXTURES/cisco.txt" -o "$rules" \
    2>"$T_DIR/import.err"
t_is "$?" 0 "import succeeds"
t_like "$(cat "$T_DIR/import.err")" \
    'cisco.txt:13: warning: .*drops the mail silently' \
    "the /dev/null route is reported: it bounces instead"
t_is "$(grep -c 'silently' "$T_DIR/import.err")" 1 \
    "one warning per source route, not per pattern"
t_like "$(cat "$rules")" '# not carried: AsyncOS drops' \
    "the report is in the output too"
"$MXSHIM" check "$rules" >/dev/null 2>&1
t_is "$?" 0 "mxshim check accepts the output"

# recipient domain | route options | next hops AsyncOS documents
check_table "$rules" "
# exact route, two hosts by /pri=, names without MX records
acme.example||0 mx1.corp.example,10 mx2.corp.example
# acme.example covers every subdomain too
a.b.acme.example||0 mx1.corp.example,10 mx2.corp.example
# the more specific route wins though it stands after acme.example
eu.acme.example||10 192-0-2-80.v4.mxshim.invalid
x.eu.acme.example||10 192-0-2-80.v4.mxshim.invalid
# .lab.example: the subdomains only, with the port; lab.example takes ALL:
host.lab.example||10 192-0-2-25.v4.mxshim.invalid:2525
lab.example||10 in.relay.isp.example
# USEDNS: the domain's own MX, for it and its subdomains
partner.example||10 mx.partner.example
sub.partner.example||20 mx.sub.partner.example
# /dev/null
spam.example||0 .
x.spam.example||0 .
# equal priorities, each host MX-resolved (\$lookupmx)
www.shop.example||10 in.gw1.shop-relay.example,20 in.gw2.shop-relay.example
shop.example||10 in.relay.isp.example
# ALL: the default route, MX-resolved
other.example||10 in.relay.isp.example
"

# round trip: export back to AsyncOS, import again, same rules
"$MXSHIM" export --format cisco "$rules" -o "$T_DIR/back.txt" 2>/dev/null
t_is "$?" 0 "export --format cisco succeeds"
"$MXSHIM" import --format cisco "$T_DIR/back.txt" -o "$T_DIR/again.rules" \
    2>/dev/null
t_is "$?" 0 "the exported table imports again"
t_is "$(grep -v '^#' "$T_DIR/again.rules" | grep .)" \
    "$(grep -v '^#' "$rules" | grep .)" \
    "import, export, import: the same override lines"
t_is "$(grep -v '^#' "$T_DIR/back.txt" | sort)" \
    "$(sed -e 's/#.*//' -e 's/\[192.0.2.80\]/192.0.2.80/' \
        "$FIXTURES/cisco.txt" | grep . | sort)" \
    "the exported table is the source table"

# bad input: reported with its line, nothing written, status 1
printf 'good.example relay.example\nbad.example host.example/pri=70000\n' \
    >"$T_DIR/bad.txt"
err=$("$MXSHIM" import --format cisco "$T_DIR/bad.txt" -o "$T_DIR/bad.rules" 2>&1)
t_is "$?" 1 "a bad priority fails the import"
t_like "$err" 'bad.txt:2: error: .*pri' "the error names the source line"
t_no_file "$T_DIR/bad.rules" "nothing is written"

# a duplicate route: the first wins, the second is left off and reported
printf 'dup.example a.example\ndup.example b.example\n' >"$T_DIR/dup.txt"
out=$("$MXSHIM" import --format cisco "$T_DIR/dup.txt" 2>"$T_DIR/dup.err")
t_like "$out" '# off: dup.example b.example' "the second route is written disabled"
t_like "$(cat "$T_DIR/dup.err")" 'dup.txt:2: warning: .*line 1 wins' \
    "and reported"

t_done
