#!/bin/sh
# libmxshim.so, the message context and real data: MXSHIM_FROM,
# MXSHIM_AUTHSENDER, MXSHIM_SIZE, MXSHIM_RETRIES (read once, before the
# program wipes its environment), and $dnsmx / $adddns / USEDNS /
# $lookupmx fed by the program's own resolver.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
t_ns_enter "$@"
shim_ns_setup

R="$T_DIR/rules.conf"
cat >"$R" <<'RULES'
from.example    from-relay.example.net     $from~=*@sender.example
from.example    other-relay.example.net
auth.example    auth-relay.example.net     $authsender=alice $end
auth.example    other-relay.example.net
size.example    big-relay.example.net      $size>=1000000 $end
size.example    small-relay.example.net
retry.example   retry-relay.example.net    $retries>2 $end
retry.example   first-relay.example.net
*               google-relay.example.net   $dnsmx:*.aspmx.l.google.example $end
kept.example.net backup.example.net        $adddns $priority:50
hub.example     hub.example.net            $lookupmx
nomx.example.net USEDNS
RULES
TAB=$(printf '\t')

# mx PROGRAM-ENV... NAME: the first MX target the shim answers with.
mx() {
	name=$1; shift
	env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R" "$@" \
	    "$Q" -c res_search "$name" MX | sed -n 's/^an: .*MX\t[0-9]* //p' |
	    head -1
}
mxall() {
	name=$1; shift
	env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R" "$@" \
	    "$Q" -c res_query "$name" MX | sed -n 's/^an: [^\t]*\t[0-9]*\tIN\tMX\t//p' |
	    tr '\n' ',' 
}

t_is "$(mx from.example MXSHIM_FROM=bob@sender.example)" from-relay.example.net. \
    "MXSHIM_FROM matches \$from (read before the environment is wiped)"
t_is "$(mx from.example MXSHIM_FROM=bob@elsewhere.example)" other-relay.example.net. \
    "MXSHIM_FROM not matching"
t_is "$(mx from.example)" other-relay.example.net. \
    "no MXSHIM_FROM: the \$from condition is false"
t_is "$(mx auth.example MXSHIM_AUTHSENDER=ALICE)" auth-relay.example.net. \
    "MXSHIM_AUTHSENDER (case-insensitive)"
t_is "$(mx auth.example MXSHIM_AUTHSENDER=bob)" other-relay.example.net. \
    "MXSHIM_AUTHSENDER not matching"
t_is "$(mx size.example MXSHIM_SIZE=2000000)" big-relay.example.net. \
    "MXSHIM_SIZE >= 1000000"
t_is "$(mx size.example MXSHIM_SIZE=999999)" small-relay.example.net. \
    "MXSHIM_SIZE below"
t_is "$(mx retry.example MXSHIM_RETRIES=3)" retry-relay.example.net. \
    "MXSHIM_RETRIES > 2"
t_is "$(mx retry.example MXSHIM_RETRIES=2)" first-relay.example.net. \
    "MXSHIM_RETRIES not > 2"

env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R" MXSHIM_SIZE=12k \
    "$Q" res_query size.example MX >"$T_DIR/out" 2>"$T_DIR/err"
t_like "$(sed -n 's/^an: .*MX\t[0-9]* //p' "$T_DIR/out")" '^small-relay' \
    "bad MXSHIM_SIZE: the attribute is unknown, its condition false"
t_like "$(cat "$T_DIR/err")" 'MXSHIM_SIZE="12k" is not an unsigned decimal' \
    "bad MXSHIM_SIZE: said on stderr"
t_is "$(wc -l <"$T_DIR/err")" 1 "bad MXSHIM_SIZE: one line"
env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R" MXSHIM_RETRIES=-1 \
    "$Q" res_query retry.example MX >"$T_DIR/out" 2>"$T_DIR/err"
t_like "$(cat "$T_DIR/err")" 'MXSHIM_RETRIES="-1"' "bad MXSHIM_RETRIES: said on stderr"

# Real data, through the program's own resolver (Unbound in the namespace).
t_is "$(mx gmail.example.net)" google-relay.example.net. \
    "\$dnsmx matches the real MX host"
out=$(env LD_PRELOAD="$SHIM_PRELOAD" MXSHIM_RULES="$R" "$Q" res_query plain.example.net MX)
t_like "$out" "^an: plain.example.net.${TAB}300${TAB}IN${TAB}MX${TAB}10 mx1.example.net.\$" \
    "\$dnsmx not matching: the real answer, untouched"
t_is "$(mxall kept.example.net)" "10 real-mx.example.net.,50 backup.example.net.," \
    "\$adddns: real MX plus the override, by preference"
t_is "$(mxall hub.example)" "20 in1.hub.example.net.,30 in2.hub.example.net.," \
    "\$lookupmx: the real MX of the server"
t_is "$(mxall nomx.example.net)" "0 nomx.example.net.," \
    "USEDNS on a name without MX: the implicit MX (RFC 5321 5.1)"

t_done
