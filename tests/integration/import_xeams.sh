#!/bin/sh
# mxshim import --format xeams: for each sender and recipient domain, the
# next hops of the imported rules are those Xeams documents for
# tests/import/xeams.xml: the first matching <Route> is used, @domain
# exceptions of an ANY route fall through to the later routes and then to
# the MX lookup, <ip> hosts are picked at random (equal preferences).
# A subject or a single recipient address narrows a route beyond what DNS
# sees: such routes are written disabled and reported.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/helpers/import.sh"

cat >"$T_DIR/zone.conf" <<'ZONE'
	local-zone: "example." static
	local-data: "example1.example. MX 10 mx.example1.example."
	local-data: "example2.example. MX 10 mx.example2.example."
	local-data: "example3.example. MX 10 mx.example3.example."
ZONE
start_dns "$T_DIR/zone.conf"

rules="$T_DIR/xeams.rules"
"$MXSHIM" import --format xeams "$FIXTURES/xeams.xml" -o "$rules" \
    2>"$T_DIR/import.err"
t_is "$?" 0 "import succeeds"
err=$(cat "$T_DIR/import.err")
t_like "$err" 'xeams.xml:22: warning: subject condition \(sw "\[Newsletter\]"\)' \
    "the subject route is reported"
t_like "$err" 'xeams.xml:29: warning: recipient ceo@partner.example is one address' \
    "the address-level recipient is reported"
t_like "$err" 'xeams.xml:8: warning: the exception for the address auser@example3.example' \
    "the address-level exception is reported"
t_like "$(cat "$rules")" '# off: \* 192.0.2.60 \$from~=\*@yourcompany.example \$end' \
    "the subject route is written disabled"

S=--from=sales@yourcompany.example
B=--from=bob@yourcompany.example
R1="10 relay-a.yourcompany.example,10 relay-b.yourcompany.example"
check_table "$rules" "
# route 1: sales@ to anyone but the exceptions goes to 192.0.2.50
anywhere.example|$S|10 192-0-2-50.v4.mxshim.invalid
# excepted domain: route 2 matches next (@yourcompany -> @example1)
example1.example|$S|$R1
# excepted domain: route 3 needs a subject, route 5 matches
example2.example|$S|10 192-0-2-90.v4.mxshim.invalid:2525
# an address exception cannot be carried: the route applies (reported)
example3.example|$S|10 192-0-2-50.v4.mxshim.invalid
# others at yourcompany: route 3 needs a subject, so no route: MX lookup
anywhere.example|$B|none
example1.example|$B|$R1
example2.example|$B|10 192-0-2-90.v4.mxshim.invalid:2525
# route 4 names one recipient address: left off
partner.example|--from=boss@yourcompany.example|none
# sender matching is by address or domain, any case
example1.example|--from=Bob@YourCompany.Example|$R1
example1.example|--from=x@other.example|none
# without a known sender no route applies
anywhere.example||none
"

# bad input: the line of the XML error, status 1, nothing written
printf '<CustomRouting><Routes>\n<Route><sender>a@b.example</sender>\n</Routes></CustomRouting>\n' \
    >"$T_DIR/bad.xml"
err=$("$MXSHIM" import --format xeams "$T_DIR/bad.xml" -o "$T_DIR/bad.rules" 2>&1)
t_is "$?" 1 "malformed XML fails the import"
t_like "$err" 'bad.xml:3: error: XML: ' "the XML error names its line"
t_no_file "$T_DIR/bad.rules" "nothing is written"
printf '<CustomRouting><Routes><Route><sender>a@b.example</sender><recipient>ANY</recipient></Route></Routes></CustomRouting>\n' \
    >"$T_DIR/noip.xml"
err=$("$MXSHIM" import --format xeams "$T_DIR/noip.xml" 2>&1)
t_is "$?" 1 "a route without <ip> fails the import"
t_like "$err" 'noip.xml:1: error: <ip> is mandatory' "and says why"

# no entity expansion, no network: an external entity is not read
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<CustomRouting><Routes><Route><sender>&x;</sender><recipient>ANY</recipient><ip>192.0.2.1</ip></Route></Routes></CustomRouting>\n' \
    >"$T_DIR/xxe.xml"
out=$("$MXSHIM" import --format xeams "$T_DIR/xxe.xml" 2>&1)
t_unlike "$out" 'root:' "an external entity is never expanded"

t_done
