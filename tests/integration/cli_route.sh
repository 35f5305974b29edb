#!/bin/sh
# mxshim route against a real Unbound upstream on loopback.
. "${MXSHIM_TOP:-.}/tests/lib.sh"

port=$(t_port)
# the example's zones, and a real null MX and a name without MX records
cat "$TOP/examples/upstream-zones.conf" - >"$T_DIR/zones.conf" <<'EOF'
local-zone: "nullmx.example." static
local-data: "nullmx.example. 300 IN MX 0 ."
local-zone: "nomx.example." static
local-data: "nomx.example. 300 IN A 127.0.0.11"
EOF
t_unbound "$port" "$T_DIR/zones.conf"

t_ok $? "a real Unbound serves the example zones on 127.0.0.1@$port"
rules="$T_DIR/rules.conf"
cp "$TOP/examples/overrides.conf" "$rules"
up="127.0.0.1@$port"

route() {
	"$MXSHIM" route --rules "$rules" --upstream "$up" "$@"
}

out=$(route hosted.example); rc=$?
t_is "$rc" 0 "route: exit 0 with an answer"
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 smtp.myisp.example" \
    "route: a Google-hosted domain (real MX from Unbound) goes to the ISP relay"
t_like "$out" "# TTL 60" "route: synthesized TTL 60 (real TTL 3600 is larger)"
t_like "$out" "line 5: applied" "route: the trace names the line that applied"
t_like "$out" "line 5: \\\$end, no further lines" "route: the trace shows \$end"

out=$(route partner.example)
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 joe:***@smtp.myisp.example:587" \
    "route: port shown, password hidden"
t_unlike "$out" letmein "route: the password appears nowhere by default"
t_like "$out" "line 5: not applied  \\\$dnsmx:\\*.aspmx.l.google.com is false" \
    "route: the trace says which condition failed"
t_like "$out" "line 11: not applied  \\\$size>=10000000 is unknown in this context" \
    "route: unknown attributes are reported as unknown (false)"
out=$(route --show-secrets partner.example)
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 joe:letmein@smtp.myisp.example:587" \
    "route --show-secrets prints credentials"

out=$(route test.example)
t_is "$(printf '%s\n' "$out" | grep -v '^#' | sed -n '1,3p' | cut -f1 | tr '\n' ,)" \
    "10 mx1.test.example,20 mx2.test.example,50 backup.relay.example," \
    "route: \$adddns merges the real MX set from Unbound, ordered by preference"
t_like "$out" "# real MX \\(line 9\\)" "route: real records are marked"

out=$(route corp.internal)
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 10-1-2-3.v4.mxshim.invalid	# address 10.1.2.3" \
    "route: an address target gets its synthetic name and shows the address"

out=$(route own.example); rc=$?
t_is "$rc" 0 "route: no override exits 0"
t_like "$out" "no override: own.example is answered from real DNS" \
    "route: says when no line applies"
t_is "$(printf '%s\n' "$out" | sed -n '1,2p' | tr '\n' ,)" \
    "10 mx.own.example	# real MX,# TTL 3600," \
    "route: no override shows the real MX records (from Unbound), marked real"
t_like "$out" "real MX of own\.example: 10 mx\.own\.example$" \
    "route: the \$dnsmx explanation lists the real MX hosts it compared"
out=$(route nx.example); rc=$?
t_is "$rc" 0 "route: NXDOMAIN exits 0 (an answer)"
t_is "$(printf '%s\n' "$out" | sed -n 1p)" \
    "# NXDOMAIN: nx.example does not exist; the MTA would bounce" \
    "route: NXDOMAIN, and the MTA bounces"
t_like "$out" "real MX of nx\.example: none \(NXDOMAIN\)" \
    "route: the \$dnsmx explanation says NXDOMAIN"
out=$(route nullmx.example)
t_like "$(printf '%s\n' "$out" | sed -n 1p)" "^0 \.	# real null MX.*bounce" \
    "route: a real null MX, the MTA bounces"
out=$(route nomx.example)
t_like "$(printf '%s\n' "$out" | sed -n 1p)" "^0 nomx\.example	# implicit MX" \
    "route: no MX records, the implicit MX"

# several names, user@domain, names from standard input
heads() {	# the "route (NAME):" and record lines, joined by commas
	printf '%s\n' "$1" | grep -E '^(route [(]|[0-9])' | tr '\n' ,
}
out=$(route joe@partner.example own.example)
t_is "$(heads "$out")" \
    "route (joe@partner.example):,10 joe:***@smtp.myisp.example:587,route (own.example):,10 mx.own.example	# real MX," \
    "route: several names, user@domain uses the domain"
out=$(printf 'own.example\n\n  hosted.example  \n' | route -)
t_is "$(heads "$out")" \
    "route (own.example):,10 mx.own.example	# real MX,route (hosted.example):,10 smtp.myisp.example," \
    "route -: the names of standard input"

# --json, read back with a real JSON parser
json() {	# json PYTHON-EXPRESSION: over o, the objects of $T_DIR/json
	python3 -c "import json,sys; o=[json.loads(l) for l in open(sys.argv[1])]; print($1)" "$T_DIR/json"
}
route --json partner.example own.example nx.example hosted.example >"$T_DIR/json"
t_is "$?" 0 "route --json: exit 0"
t_is "$(json 'len(o)')" 4 "route --json: one object per name, one a line"
t_is "$(json 'o[0]["records"][0]')" \
    "{'preference': 10, 'host': 'smtp.myisp.example', 'port': 587, 'source': 7, 'user': 'joe', 'password': '***'}" \
    "route --json: a record with host, port, preference, source line"
t_absent letmein "$T_DIR/json" "route --json: no password without --show-secrets"
t_is "$(json '[(x["outcome"], x["rcode"], x["mta"], x["ttl"]) for x in o[1:3]]')" \
    "[('real', 'NOERROR', 'deliver', 3600), ('nxdomain', 'NXDOMAIN', 'bounce', 0)]" \
    "route --json: outcome, rcode, what the MTA does, TTL"
t_is "$(json 'o[1]["records"]')" \
    "[{'preference': 10, 'host': 'mx.own.example', 'port': 25, 'source': 'real'}]" \
    "route --json: the real records, source real"
t_is "$(json '[(e["line"], e["event"], [m["host"] for m in e.get("dnsmx_compared", [])]) for e in o[3]["trace"]]')" \
    "[(5, 'applied', ['aspmx.l.google.com', 'alt1.aspmx.l.google.com', 'alt2.aspmx.l.google.com']), (5, 'end', [])]" \
    "route --json: the trace, with the real MX hosts \$dnsmx compared"
route --json --show-secrets partner.example >"$T_DIR/json"
t_is "$(json 'o[0]["records"][0]["password"], o[0]["trace"][1]["text"]')" \
    "letmein partner.example   joe:letmein@smtp.myisp.example:587" \
    "route --json --show-secrets: the password"
out=$(route --size 20000000 --retries 3 own.example)
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 bulk.relay.example" \
    "route: --size and --retries make the bulk line apply"
out=$(route --size 20000000 --retries 2 own.example)
t_like "$out" "line 11: not applied  \\\$retries>=3 is false" \
    "route: the failing condition is named"

printf 'x.example in.example $client=10.0.0.0/8\nx.example out.example $client!=10.0.0.0/8\n' >"$T_DIR/client.conf"
out=$("$MXSHIM" route --rules "$T_DIR/client.conf" --client 10.9.8.7 x.example)
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 in.example" "route --client inside a CIDR"
t_like "$out" "depends on the client address" "route: client-dependent answers are marked"
out=$("$MXSHIM" route --rules "$T_DIR/client.conf" --client 2001:db8::1 x.example)
t_is "$(printf '%s\n' "$out" | sed -n 1p)" "10 out.example" "route --client outside a CIDR (IPv6)"

printf 'nomx.example USEDNS\n' >"$T_DIR/null.conf"
printf 'x.example .\n' >>"$T_DIR/null.conf"
out=$("$MXSHIM" route --rules "$T_DIR/null.conf" x.example)
t_is "$(printf '%s\n' "$out" | sed -n 1p | cut -f1)" "0 ." "route: the null MX"

# upstream down: a line that needs real data gives SERVFAIL, exit 75
dead=$(t_port)
out=$("$MXSHIM" route --rules "$rules" --upstream "127.0.0.1@$dead" hosted.example); rc=$?
t_is "$rc" 75 "route: upstream down exits 75 (temporary)"
t_like "$out" "SERVFAIL" "route: upstream down says SERVFAIL, the MTA would defer"
t_like "$out" "line 5: needs real DNS data that could not be fetched" \
    "route: the trace names the line that needed the data"
"$MXSHIM" route --rules "$rules" --upstream "127.0.0.1@$dead" --json \
    hosted.example >"$T_DIR/json"; rc=$?
t_is "$rc" 75 "route --json: upstream down exits 75"
t_is "$(json '[(x["outcome"], x["rcode"], x["mta"], x["failed_lookup"]) for x in o]')" \
    "[('servfail', 'SERVFAIL', 'defer', 'hosted.example')]" \
    "route --json: SERVFAIL, the MTA defers, and the lookup that failed"
out=$("$MXSHIM" route --rules "$T_DIR/client.conf" --upstream "127.0.0.1@$dead" own.example); rc=$?
t_is "$rc" 75 "route: no override and upstream down exits 75 (the real MX unknown)"
t_like "$out" "SERVFAIL: the real MX records of own\.example could not be fetched" \
    "... and says SERVFAIL for the name's own records"
printf '%s\n' "$out" >"$T_DIR/route-down.out"
t_absent 'NXDOMAIN|bounce' "$T_DIR/route-down.out" \
    "... and nothing about NXDOMAIN or a bounce"

"$MXSHIM" route --rules "$rules" --upstream "$up" 'bad..name' 2>"$T_DIR/err"; rc=$?
t_is "$rc" 1 "route: an invalid domain exits 1"
"$MXSHIM" route --rules "$rules" --upstream "127.0.0.1@$dead" bad..name \
    own.example >/dev/null 2>&1; rc=$?
t_is "$rc" 1 "route: a bad name outranks a temporary failure in the exit status"
"$MXSHIM" route --rules "$T_DIR/nope.conf" x.example 2>"$T_DIR/err"; rc=$?
t_is "$rc" 1 "route: a missing rules file exits 1"
"$MXSHIM" route --rules "$rules" --size 12k x.example 2>"$T_DIR/err"; rc=$?
t_is "$rc" 2 "route: a bad --size is a usage error"
t_like "$(cat "$T_DIR/err")" "--size: '12k' is not an unsigned decimal number" \
    "route: says what is wrong with the option"
t_done
