#!/bin/sh
# Private and special-use zones are relayed: mxshimd and `mxshim route`
# ask the upstream for test., home.arpa., onion., invalid. and the private
# reverse zones (which libunbound would answer NXDOMAIN itself), and give
# what it says; localhost is answered locally (127.0.0.1, ::1).
#  (a) every zone the installed Unbound serves by default (asked of a
#      default Unbound with unbound-control list_local_zones) is relayed:
#      a zone missing from resolver/ubstub.c fails here;
#  (b) for MX, A and PTR questions in a LAN's zones, mxshimd's answer
#      (RCODE, answer and authority records) is the upstream's own;
#  (c) `mxshim route` shows the upstream's MX records for them.
# hosts.lan.test is served without an SOA, as dnsmasq's hosts and router
# host overrides are: its NODATA (which libunbound also makes of a
# BADVERS, so mxshimd and route ask the upstream again) stays "no MX".
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_skip_all "resolver/mxshimd not built"
command -v unbound-control >/dev/null || t_skip_all "unbound-control missing"

# The default local zones of this Unbound (libunbound has the same):
# an Unbound with nothing configured, asked over its control socket.
DEF=$(t_port)
{
	t_unbound_server "$DEF"
	printf 'remote-control:\n\tcontrol-enable: yes\n'
	printf '\tcontrol-interface: "%s"\n' "$T_DIR/control.sock"
} >"$T_DIR/default.conf"
unbound -d -c "$T_DIR/default.conf" >"$T_DIR/default.log" 2>&1 &
T_PIDS="$T_PIDS $!"
t_wait_port "$DEF" || t_skip_all "the default Unbound did not start"
T_WAIT=5 t_wait_for test -S "$T_DIR/control.sock"
unbound-control -c "$T_DIR/default.conf" list_local_zones |
    awk '{ print tolower($1) }' | sort -u >"$T_DIR/zones.list"
n=$(wc -l <"$T_DIR/zones.list")
t_ok $([ "$n" -ge 20 ] && grep -qx 'home.arpa.' "$T_DIR/zones.list" &&
    grep -qx 'localhost.' "$T_DIR/zones.list"; echo $?) \
    "Unbound $(unbound -V | sed -n 's/^Version //p') lists its $n default local zones"

# The upstream serves every one of those zones (a zone of its own
# configuration replaces the default), with probe.ZONE A 192.0.2.77 and
# MX 10 mx.probe.example, and a LAN's names in the zones of (b).
{
	while read -r z; do
		[ "$z" = localhost. ] && continue
		echo "local-zone: \"$z\" static"
		echo "local-data: \"$z 300 IN SOA ns.lan.test. host.lan.test. 1 3600 600 86400 300\""
		echo "local-data: \"probe.$z 300 IN A 192.0.2.77\""
		echo "local-data: \"probe.$z 300 IN MX 10 mx.probe.example.\""
	done <"$T_DIR/zones.list"
	cat <<'ZEOF'
local-data: "localhost. 300 IN A 192.0.2.66"
local-data: "mail.lan.test. 300 IN MX 10 mx.lan.test."
local-data: "mail.lan.test. 300 IN MX 20 mx2.lan.test."
local-data: "mx.lan.test. 300 IN A 10.1.2.3"
local-data: "corp.home.arpa. 300 IN MX 5 mx.corp.home.arpa."
local-data: "mx.corp.home.arpa. 300 IN A 192.168.1.25"
local-data: "usedns.home.arpa. 300 IN MX 10 mx.corp.home.arpa."
local-data: "nomx.home.arpa. 300 IN A 192.168.1.26"
local-data: "site.onion. 300 IN MX 10 mx.site.onion."
local-zone: "hosts.lan.test." static
local-data: "printer.hosts.lan.test. 300 IN A 10.1.2.9"
local-data: "scanner.hosts.lan.test. 300 IN A 10.1.2.10"
local-data-ptr: "10.1.2.3 mx.lan.test."
local-data-ptr: "192.168.1.25 mx.corp.home.arpa."
local-data-ptr: "172.20.0.1 gw.lan.test."
local-data-ptr: "169.254.1.1 link.lan.test."
local-data-ptr: "100.64.0.1 cgn.lan.test."
local-data-ptr: "100.127.255.1 cgn2.lan.test."
local-data-ptr: "fd00::25 mx6.lan.test."
local-data-ptr: "fe80::1 ll.lan.test."
ZEOF
} >"$T_DIR/zones.conf"
UP=$(t_port)
t_unbound "$UP" "$T_DIR/zones.conf" || t_skip_all "unbound did not start"

cat >"$T_DIR/rules.conf" <<'REOF'
override.home.arpa     relay.example
usedns.home.arpa       USEDNS $end
scanner.hosts.lan.test USEDNS $end
REOF
P=$(t_port)
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP"
t_ok $? "mxshimd listens"

# (a) every default zone is relayed; localhost is answered locally
missing=""
while read -r z; do
	[ "$z" = localhost. ] && continue
	a=$(t_dig "$P" +short "probe.$z" A)
	[ "$a" = 192.0.2.77 ] || missing="$missing $z($a)"
done <"$T_DIR/zones.list"
t_is "${missing:-none}" none \
    "mxshimd relays a name in each of the $((n - 1)) other default zones"
t_is "$(t_dig "$P" +short localhost A)" 127.0.0.1 \
    "localhost A is 127.0.0.1, answered locally (the upstream says 192.0.2.66)"
t_is "$(t_dig "$P" +short localhost AAAA)" ::1 "localhost AAAA is ::1"
t_is "$(t_dig "$P" +short a.b.localhost A)" 127.0.0.1 \
    "a name under localhost is 127.0.0.1 (RFC 6761)"

# (b) mxshimd answers as the upstream does: RCODE, then the answer and
# authority records without their TTLs (mxshimd's cache counts them down)
view() {	# view PORT NAME TYPE
	t_dig "$1" +noall +comments +answer +authority "$2" "$3" | awk '
	/status:/ { s = $6; sub(",", "", s); print s }
	/^[^;]/ && NF >= 5 { $2 = ""; print | "sort" }'
}
same() {	# same NAME TYPE
	want=$(view "$UP" "$1" "$2")
	got=$(view "$P" "$1" "$2")
	t_is "$got" "$want" "$1 $2: mxshimd answers as the upstream ($(echo "$want" | head -1), $(($(echo "$want" | wc -l) - 1)) records)"
}
for q in mail.lan.test/MX mx.lan.test/A nothere.lan.test/MX \
    nothere.lan.test/A mx.lan.test/MX corp.home.arpa/MX \
    mx.corp.home.arpa/A nomx.home.arpa/MX nothere.home.arpa/MX \
    usedns.home.arpa/MX site.onion/MX nothere.invalid/A \
    printer.hosts.lan.test/MX printer.hosts.lan.test/A \
    3.2.1.10.in-addr.arpa/PTR 4.2.1.10.in-addr.arpa/PTR \
    25.1.168.192.in-addr.arpa/PTR 1.0.20.172.in-addr.arpa/PTR \
    1.1.254.169.in-addr.arpa/PTR 1.0.64.100.in-addr.arpa/PTR \
    1.255.127.100.in-addr.arpa/PTR \
    5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa/PTR \
    1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa/PTR; do
	same "${q%/*}" "${q#*/}"
done
t_is "$(t_dig "$P" +short override.home.arpa MX)" "10 relay.example." \
    "an override under home.arpa still applies"
t_is "$(t_dig "$P" +short scanner.hosts.lan.test MX)" \
    "0 scanner.hosts.lan.test." \
    "USEDNS on a NODATA without SOA: the implicit MX (RFC 5321 5.1)"

# (c) mxshim route sees the same real MX records
printf '* USEDNS $end\n' >"$T_DIR/all.conf"
route() {	# route DOMAIN: the MX lines, without the explanation
	"$MXSHIM" route --rules "$T_DIR/all.conf" \
	    --upstream "127.0.0.1@$UP" "$1" |
	    awk -F '\t' '/^$/ { exit } !/^#/ { printf "%s;", $1 }'
}
t_is "$(route mail.lan.test)" "10 mx.lan.test;20 mx2.lan.test;" \
    "mxshim route: the real MX of a .test domain"
t_is "$(route usedns.home.arpa)" "10 mx.corp.home.arpa;" \
    "mxshim route: USEDNS under home.arpa gives the upstream's MX"
t_is "$(route printer.hosts.lan.test)" "0 printer.hosts.lan.test;" \
    "mxshim route: a NODATA without SOA is \"no MX\": the implicit MX"
missing=""
while read -r z; do
	[ "$z" = localhost. ] && continue
	r=$(route "probe.$z")
	[ "$r" = "10 mx.probe.example;" ] || missing="$missing $z($r)"
done <"$T_DIR/zones.list"
t_is "${missing:-none}" none \
    "mxshim route relays a name in each of the $((n - 1)) other default zones"

kill -0 "$MXSHIMD_PID"
t_ok $? "mxshimd is still running"
t_done
