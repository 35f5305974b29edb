#!/bin/sh
# mxshim route and mxshim test never ask mxshimd about its own rules: in a
# namespace of its own, /etc/resolv.conf says "nameserver 127.0.0.1" and
# a real mxshimd listens there (port 53) in front of a real Unbound.  With
# its control socket, route takes the daemon's upstreams; without it, it
# refuses, naming --upstream; a real resolver there is used as it is.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/resolver.sh"
t_ns_enter --pid "$@"
# never touch the machine's own resolv.conf or port 53
if [ -z "${T_IN_NS:-}" ]; then
	echo "Bail out! not in a namespace of its own"
	exit 1
fi
t_ns_resolver 1

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
UP=$(t_port)
t_unbound "$UP" "$TOP/examples/upstream-zones.conf" ||
    t_bail "unbound did not start"
RULES="$T_DIR/rules.conf"
cp "$TOP/examples/overrides.conf" "$RULES"
SOCK="$T_DIR/ctl.sock"

route() {	# route ARGS...: output in $T_DIR/out (both streams), status
	"$MXSHIM" route --rules "$RULES" "$@" >"$T_DIR/out" 2>&1
}

# nothing on 127.0.0.1@53: it cannot be told apart from a busy mxshimd
route --control "$SOCK" hosted.example
t_is "$?" 2 "a silent loopback resolver: refused, exit 2"
t_like "$(cat "$T_DIR/out")" "127\.0\.0\.1@53, which does not answer.*--upstream ADDR@PORT" \
    "... with a message naming the server and --upstream"

# mxshimd on 127.0.0.1@53: what it answers for hosted.example is the
# override, whose MX fails $dnsmx: asking it gives "no override"
t_mxshimd 53 "$RULES" --upstream "127.0.0.1@$UP" --control "$SOCK" ||
    t_bail "mxshimd did not start on 127.0.0.1@53"
t_is "$(dig +short hosted.example MX)" "10 smtp.myisp.example." \
    "resolv.conf's server is mxshimd (dig through resolv.conf)"

route --control "$SOCK" hosted.example
t_is "$?" 0 "route through the daemon's control socket: exit 0"
t_is "$(sed -n 1p "$T_DIR/out")" "10 smtp.myisp.example" \
    "route takes the daemon's upstream: the override, not the daemon's answer"
t_like "$(cat "$T_DIR/out")" "real MX of hosted\.example: 1 aspmx\.l\.google\.com" \
    "... \$dnsmx compared the real MX records from Unbound"
route --control "$SOCK" own.example
t_is "$(sed -n 1p "$T_DIR/out")" "10 mx.own.example	# real MX" \
    "route: no override, the real MX records from the daemon's upstream"

route --control "$T_DIR/nosuch.sock" hosted.example
t_is "$?" 2 "mxshimd without a control socket to ask: refused, exit 2"
t_like "$(cat "$T_DIR/out")" "127\.0\.0\.1@53, which answers as mxshimd" \
    "... it says the server answers as mxshimd"
t_like "$(cat "$T_DIR/out")" "nosuch\.sock cannot be asked.*--upstream ADDR@PORT" \
    "... names the socket it tried and --upstream"
t_absent "^10 smtp|no override" "$T_DIR/out" "... and prints no route"

route --control "$T_DIR/nosuch.sock" --upstream "127.0.0.1@$UP" hosted.example
t_is "$(sed -n 1p "$T_DIR/out")" "10 smtp.myisp.example" \
    "--upstream: no question for resolv.conf's server"

printf 'hosted.example => smtp.myisp.example\n' >"$T_DIR/cases"
"$MXSHIM" test --rules "$RULES" --control "$T_DIR/nosuch.sock" \
    "$T_DIR/cases" >"$T_DIR/out" 2>&1
t_is "$?" 2 "mxshim test refuses the loop too"
"$MXSHIM" test --rules "$RULES" --control "$SOCK" "$T_DIR/cases" \
    >"$T_DIR/out" 2>&1
t_is "$?" 0 "mxshim test with the daemon's upstreams: the case passes"

# a real resolver on 127.0.0.1@53 instead: used as it is
kill "$MXSHIMD_PID"
t_wait_for t_gone "$MXSHIMD_PID"
t_unbound 53 "$TOP/examples/upstream-zones.conf" ||
    t_bail "unbound did not start on 127.0.0.1@53"
route --control "$T_DIR/nosuch.sock" hosted.example
t_is "$?" 0 "a loopback resolver that is not mxshimd: used"
t_is "$(sed -n 1p "$T_DIR/out")" "10 smtp.myisp.example" \
    "... and route gives the override"
t_done
