#!/bin/sh
# mxshimd answers every evaluation rule of mxshim.conf(5), against a
# real Unbound upstream, queried with dig.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"
resolver_rules "$T_DIR/rules.conf"
P=$(t_port)
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP"
t_ok $? "mxshimd listens on UDP and TCP"

# 1-2: a line contributes PRIORITY SERVER-HOST; no credentials, no port
t_is "$(mx $P partner.example)" "10 smtp.myisp.example.;" "exact name"
# (names are compared without case: compression may point into the
# question, whose case is the client's)
t_is "$(mx $P PARTNER.Example. | tr A-Z a-z)" "10 smtp.myisp.example.;" \
    "case-insensitive, trailing dot"
t_is "$(mx $P a.wild.example)" "10 wild-relay.example.;" "*.domain"
t_is "$(mx $P a.b.wild.example)" "10 wild-relay.example.;" \
    "* spans dots"
t_is "$(status $P wild.example MX)" "NXDOMAIN" \
    "*.domain does not match the domain itself: real answer"
t_is "$(mx $P host7.q.example)" "10 q-relay.example.;" "? is one character"
t_is "$(status $P host77.q.example MX)" "NXDOMAIN" "? is only one"

# address targets: synthetic name, glue, A/AAAA answered
out=$(t_dig $P corp.internal MX)
t_like "$out" "corp.internal\.[[:space:]]+60[[:space:]]+IN[[:space:]]+MX[[:space:]]+10 10-1-2-3\.v4\.mxshim\.invalid\." \
    "IPv4 target: synthetic host name"
t_like "$out" "10-1-2-3\.v4\.mxshim\.invalid\.[[:space:]]+60[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.1\.2\.3" \
    "IPv4 target: A glue in the additional section"
synth6=$(t_dig $P +short v6.internal MX | awk '{print $2}')
t_like "$synth6" "\.v6\.mxshim\.invalid\.$" "IPv6 target: synthetic name"
t_like "$(t_dig $P v6.internal MX)" "AAAA[[:space:]]+2001:db8::25" \
    "IPv6 target: AAAA glue"
t_is "$(t_dig $P +short 10-1-2-3.v4.mxshim.invalid A)" "10.1.2.3" \
    "A of a synthetic name"
t_is "$(t_dig $P +short "$synth6" AAAA)" "2001:db8::25" \
    "AAAA of a synthetic name"
t_is "$(status $P 10-1-2-3.v4.mxshim.invalid AAAA)" "NOERROR" \
    "AAAA of an IPv4 synthetic name: NOERROR"
t_is "$(t_dig $P +short 10-1-2-3.v4.mxshim.invalid AAAA)" "" \
    "... and no data"

# null MX
t_is "$(mx $P blackhole.example)" "0 .;" "null MX line: MX 0 ."

# 5: ordered by preference then line, one record per host
t_is "$(mx $P ordered.example)" \
    "5 c.relay.example.;20 b.relay.example.;20 a.relay.example.;" \
    "preference, then line order, lowest preference per host"

# 3: $end
t_is "$(mx $P stop.example)" "10 first.relay.example.;" "\$end stops"

# $adddns, TTL rule 10
out=$(mx $P mx.example)
t_is "$out" "10 mx1.mx.example.;20 mx2.mx.example.;50 backup.relay.example.;" \
    "\$adddns merges the real MX records"
t_is "$(t_dig $P +noall +answer mx.example MX | awk '{print $2}' | sort -u)" \
    "60" "real records taking part: every record at the smallest TTL"

# 8: NODATA merged gives the implicit MX
t_is "$(mx $P nomx.example)" "0 nomx.example.;10 relay.example.;" \
    "real NODATA: implicit MX of the name itself at 0"
# 7: NXDOMAIN while an override applies
t_is "$(status $P nx.example MX)" "NOERROR" "real NXDOMAIN: override answered"
t_is "$(mx $P nx.example)" "10 inside.relay.example.;" "... with the override"
# 9: a real null MX is not merged
t_is "$(mx $P nullmx.example)" "10 relay.example.;" \
    "real null MX is never merged; the override wins"

# $lookupmx
t_is "$(mx $P lookmx.example)" \
    "5 relay1.lookup.example.;15 relay2.lookup.example.;" \
    "\$lookupmx contributes the server's real MX"
t_is "$(mx $P lookmx2.example)" "7 nomx.example.;" \
    "\$lookupmx server without MX contributes itself"

# 6: real data needed, upstream fails
t_is "$(status $P fail.example MX)" "SERVFAIL" \
    "real lookup fails: SERVFAIL, not NXDOMAIN"

# $client, and no cross-client caching
for i in 1 2 3; do
	a=$(mx $P client.example -b 127.0.0.1)
	b=$(mx $P client.example -b 127.0.0.2)
	t_is "$a;$b" "10 outside.relay.example.;;10 inside.relay.example.;" \
	    "\$client: each client its own answer (round $i)"
done

# $dnsmx
t_is "$(mx $P google.example)" "10 smtp.myisp.example.;" \
    "\$dnsmx:GLOB holds: override"
t_is "$(mx $P notgoogle.example)" "10 smtp.myisp.example.;" \
    "\$dnsmx:!GLOB holds: override"

# USEDNS
t_is "$(mx $P usedns.example)" "10 mx.usedns.example.;99 extra.relay.example.;" \
    "USEDNS contributes the real MX records"
t_is "$(mx $P keep.example)" "10 mx.keep.example.;" \
    "USEDNS \$end: real records only"

# 4, 11: no line applies / not an MX question: real DNS, unchanged
t_is "$(mx $P plain.example)" "10 mx.plain.example.;" "no line: real answer"
ttl=$(t_dig $P +noall +answer plain.example MX | awk '{print $2}')
[ "${ttl:-0}" -gt 60 ]
t_ok $? "no line: the upstream's TTL is kept ($ttl)"
t_is "$(mx $P sized.example)" "10 mx.sized.example.;" \
    "condition on an attribute the resolver does not know: false"
t_is "$(t_dig $P +short partner.example A)" "192.0.2.1" \
    "A of an overridden domain comes from real DNS"
t_is "$(t_dig $P +short plain.example TXT)" '"hello"' "TXT relayed"
t_is "$(status $P nothing.example A)" "NXDOMAIN" "NXDOMAIN relayed"

# --ttl
P2=$(t_port)
t_mxshimd "$P2" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" --ttl 30 \
    --verbose
t_is "$(t_dig $P2 +noall +answer partner.example MX | awk '{print $2}')" "30" \
    "--ttl sets the TTL of synthesized records"

# a one-entry answer cache: every question evicts the last one; the
# answers (whatever the case, with or without EDNS) stay the same
P3=$(t_port)
t_mxshimd "$P3" "$T_DIR/rules.conf" --upstream "127.0.0.1@$UP" \
    --answer-cache 1 --threads 1
same=0
for round in 1 2; do
	for n in partner.example PaRtNeR.example ordered.example \
	    blackhole.example corp.internal stop.example; do
		for e in +edns +noedns; do
			[ "$(mx $P3 $n $e | tr A-Z a-z)" = \
			    "$(mx $P $n $e | tr A-Z a-z)" ] || same=1
		done
	done
done
t_ok $same "--answer-cache 1: every eviction gives the same answers"
t_like "$(t_dig $P3 +noedns stop.example MX)" "^;stop\.example\..*MX" \
    "... with the question as asked"

# credentials never reach DNS or the log
t_dig $P2 partner.example MX >"$T_DIR/partner.out"
for f in "$T_DIR/partner.out" "$T_DIR"/mxshimd-*.log; do
	t_absent letmein "$f" "credentials appear nowhere in $(basename "$f")"
done
t_like "$(cat "$T_DIR/mxshimd-$P2.log")" "override partner.example MX .*smtp.myisp.example" \
    "one debug line per overridden answer"
t_done
