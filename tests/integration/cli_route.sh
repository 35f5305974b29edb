#!/bin/sh
# mxshim route against a real Unbound upstream on loopback.
. "${MXSHIM_TOP:-.}/tests/lib.sh"

port=$(t_port)
t_unbound "$port" "$TOP/examples/upstream-zones.conf"
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

"$MXSHIM" route --rules "$rules" --upstream "$up" 'bad..name' 2>"$T_DIR/err"; rc=$?
t_is "$rc" 1 "route: an invalid domain exits 1"
"$MXSHIM" route --rules "$T_DIR/nope.conf" x.example 2>"$T_DIR/err"; rc=$?
t_is "$rc" 1 "route: a missing rules file exits 1"
"$MXSHIM" route --rules "$rules" --size 12k x.example 2>"$T_DIR/err"; rc=$?
t_is "$rc" 2 "route: a bad --size is a usage error"
t_like "$(cat "$T_DIR/err")" "--size: '12k' is not an unsigned decimal number" \
    "route: says what is wrong with the option"
t_done
