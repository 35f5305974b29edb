#!/bin/sh
# mxshim test: routing regression tests against a real Unbound upstream on
# loopback; failing cases, malformed case files, the exit status.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"

port=$(t_port)
t_unbound "$port" "$TOP/examples/upstream-zones.conf" ||
    t_bail "unbound did not start"
rules="$T_DIR/rules.conf"
cp "$TOP/examples/overrides.conf" "$rules"
printf 'null.example .\n' >>"$rules"
up="127.0.0.1@$port"

mxtest() {	# mxtest CASES [OPTION...]: output in $T_DIR/out, err in err
	cases=$1
	shift
	"$MXSHIM" test --rules "$rules" --upstream "$up" "$@" "$cases" \
	    >"$T_DIR/out" 2>"$T_DIR/err"
}

cat >"$T_DIR/pass.cases" <<'EOF'
# every way to write an expectation, all true
hosted.example => 10 smtp.myisp.example
joe@partner.example => smtp.myisp.example:587     # user@domain, no PREF
test.example => 10 mx1.test.example 20 mx2.test.example 50 backup.relay.example
own.example => real
own.example --size 20000000 --retries 3 => bulk.relay.example
own.example --size 20000000 --retries 2 => real
corp.internal => 10.1.2.3
null.example => null
  hosted.example --from "" --client 10.0.0.1 => smtp.myisp.example
EOF
mxtest "$T_DIR/pass.cases"
t_is "$?" 0 "test: every case passes, exit 0"
t_is "$(cat "$T_DIR/out")" "9 cases: 9 passed, 0 failed" "test: the summary line"

cat >"$T_DIR/fail.cases" <<'EOF'
hosted.example => 10 smtp.myisp.example
own.example => 10 mx.own.example
partner.example => 20 smtp.myisp.example:587
test.example => 10 mx2.test.example 20 mx1.test.example 50 backup.relay.example
hosted.example => real
own.example --size 20000000 --retries 3 => null
EOF
mxtest "$T_DIR/fail.cases"
t_is "$?" 1 "test: a failing case, exit 1"
t_is "$(cat "$T_DIR/out")" "$T_DIR/fail.cases:2: own.example: expected 10 mx.own.example, got real
$T_DIR/fail.cases:3: partner.example: expected 20 smtp.myisp.example:587, got 10 smtp.myisp.example:587
$T_DIR/fail.cases:4: test.example: expected 10 mx2.test.example 20 mx1.test.example 50 backup.relay.example, got 10 mx1.test.example 20 mx2.test.example 50 backup.relay.example
$T_DIR/fail.cases:5: hosted.example: expected real, got 10 smtp.myisp.example
$T_DIR/fail.cases:6: own.example: expected null, got 10 bulk.relay.example
6 cases: 1 passed, 5 failed" \
    "test: one line per failing case with its line, expected and got; the summary"

printf 'x.example [2001:db8::25]:2525\n' >"$T_DIR/v6.conf"
printf 'x.example => 10 [2001:db8::25]:2525\nx.example => [2001:db8::25]\n' \
    >"$T_DIR/v6.cases"
"$MXSHIM" test --rules "$T_DIR/v6.conf" "$T_DIR/v6.cases" >"$T_DIR/out" 2>&1
t_is "$(cat "$T_DIR/out")" "$T_DIR/v6.cases:2: x.example: expected [2001:db8::25], got 10 [2001:db8::25]:2525
2 cases: 1 passed, 1 failed" "test: address targets as addresses, in brackets with a port"

# the upstream down: the cases that need real data are SERVFAIL
dead=$(t_port)
printf 'hosted.example => SERVFAIL\nown.example => SERVFAIL\n' \
    >"$T_DIR/down.cases"
"$MXSHIM" test --rules "$rules" --upstream "127.0.0.1@$dead" \
    "$T_DIR/down.cases" >"$T_DIR/out" 2>&1
t_is "$?" 0 "test: SERVFAIL expected when the upstream is down"
printf 'hosted.example => 10 smtp.myisp.example\n' >"$T_DIR/down.cases"
"$MXSHIM" test --rules "$rules" --upstream "127.0.0.1@$dead" \
    "$T_DIR/down.cases" >"$T_DIR/out" 2>&1
t_is "$?" 1 "test: ... and a route expected then fails"
t_like "$(cat "$T_DIR/out")" "down\.cases:1: hosted\.example: expected 10 smtp\.myisp\.example, got SERVFAIL" \
    "... got SERVFAIL"

# malformed lines: FILE:LINE:COLUMN, every one, and no case runs
cat >"$T_DIR/bad.cases" <<'EOF'
hosted.example => 10 smtp.myisp.example
hosted.example 10 smtp.myisp.example
x.example --size 12k => real
x.example --bogus 1 => real
x..example => real
x.example => real null
x.example =>
x.example => 10
x.example => bad_host!
EOF
mxtest "$T_DIR/bad.cases"
t_is "$?" 1 "test: malformed cases, exit 1"
t_is "$(cat "$T_DIR/err")" "$T_DIR/bad.cases:2:37: expected '=>' and the next hops
$T_DIR/bad.cases:3:18: --size: '12k' is not an unsigned decimal number
$T_DIR/bad.cases:4:11: '--bogus' is not an option (--from, --authsender, --size, --retries, --client) nor '=>'
$T_DIR/bad.cases:5:1: expected a domain name first, not 'x..example'
$T_DIR/bad.cases:6:19: 'null' after real, null or SERVFAIL: they stand alone
$T_DIR/bad.cases:7:13: expected next hops after '=>': [PREF ]HOST[:PORT]..., real, null or SERVFAIL
$T_DIR/bad.cases:8:14: expected a host after the preference '10'
$T_DIR/bad.cases:9:14: expected a host name or address, found a character not allowed in a host name
$T_DIR/bad.cases: 8 malformed cases, no case was run" \
    "test: each malformed line as FILE:LINE:COLUMN"
t_is "$(wc -c <"$T_DIR/out")" 0 "test: no case ran, no summary"

"$MXSHIM" test --rules "$rules" "$T_DIR/nope.cases" 2>"$T_DIR/err"
t_is "$?" 1 "test: a missing cases file, exit 1"
printf 'x.example => real\n' >"$T_DIR/one.cases"
"$MXSHIM" test --rules "$T_DIR/nope.conf" "$T_DIR/one.cases" 2>"$T_DIR/err"
t_is "$?" 1 "test: missing rules, exit 1"
"$MXSHIM" test --rules "$rules" 2>"$T_DIR/err"
t_is "$?" 2 "test: no CASES, usage, exit 2"
"$MXSHIM" test --help >"$T_DIR/out"
t_like "$(cat "$T_DIR/out")" "=> NEXTHOP" "test --help: the case syntax"
t_done
