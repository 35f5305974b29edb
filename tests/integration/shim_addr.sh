#!/bin/sh
# libmxshim.so, address targets and ports: getaddrinfo / gethostbyname* /
# res_* A and AAAA for the synthetic names, and connect() to port 25 of a
# server whose override names a port going to that port instead.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
t_ns_enter "$@"
shim_ns_setup

R="$T_DIR/rules.conf"
cat >"$R" <<'RULES'
partner.example   joe:secret@relay.example.net:2587
plain25.example   relay.example.net
corp.example      127.0.0.14:2526
v6.example        [2001:db8::25]
RULES
V4=127-0-0-14.v4.mxshim.invalid
V6=20010db8000000000000000000000025.v6.mxshim.invalid
TAB=$(printf '\t')

# Mail servers: each greets with its address and port.
for l in 127.0.0.11:25 127.0.0.12:25 127.0.0.12:2587 127.0.0.14:25 \
    127.0.0.14:2526; do
	"$Q" listen "${l%:*}" "${l#*:}" &
	T_PIDS="$T_PIDS $!"
	t_wait_port "${l#*:}" tcp
done

# Address targets.
out=$("$Q" getaddrinfo $V4)
t_like "$out" '^rc=-?[1-9]' "without the shim the synthetic name does not resolve"
out=$(shim "$R" "$Q" getaddrinfo $V4)
t_like "$out" '^addr=127\.0\.0\.14$' "getaddrinfo: synthetic IPv4 name"
t_like "$out" "^canon=$V4\$" "getaddrinfo: canonical name is the name asked"
out=$(shim "$R" "$Q" getaddrinfo $V6)
t_like "$out" '^addr=2001:db8::25$' "getaddrinfo: synthetic IPv6 name"
out=$(shim "$R" "$Q" getaddrinfo $V6 4)
t_like "$out" '^rc=-?[1-9]' "getaddrinfo: IPv6 name, AF_INET asked: no address"
out=$(shim "$R" "$Q" gethostbyname $V4)
t_like "$out" "^name=$V4\$" "gethostbyname: name"
t_like "$out" '^addr=127\.0\.0\.14$' "gethostbyname: address"
out=$(shim "$R" "$Q" gethostbyname $V6)
t_like "$out" '^null h_errno=4$' "gethostbyname: IPv6 name: NO_DATA"
out=$(shim "$R" "$Q" gethostbyname2 $V6 6)
t_like "$out" '^addr=2001:db8::25$' "gethostbyname2: AF_INET6"
out=$(shim "$R" "$Q" gethostbyname_r $V4)
t_like "$out" '^addr=127\.0\.0\.14$' "gethostbyname_r: address"
out=$(shim "$R" "$Q" gethostbyname2_r $V6 6)
t_like "$out" '^addr=2001:db8::25$' "gethostbyname2_r: AF_INET6"
out=$(shim "$R" "$Q" gethostbyname2_r $V6 4)
t_like "$out" '^null h_errno=4$' "gethostbyname2_r: IPv6 name, AF_INET: NO_DATA"
out=$(shim "$R" "$Q" res_query $V4 A)
t_like "$out" "^an: $V4.${TAB}60${TAB}IN${TAB}A${TAB}127.0.0.14\$" "res_query A: synthetic name"
out=$(shim "$R" "$Q" res_nsearch $V6 AAAA)
t_like "$out" "^an: $V6.${TAB}60${TAB}IN${TAB}AAAA${TAB}2001:db8::25\$" "res_nsearch AAAA: synthetic name"
out=$(shim "$R" "$Q" getaddrinfo mx1.example.net)
t_like "$out" '^addr=127\.0\.0\.11$' "getaddrinfo: real names pass through"

# Ports: MX lookup, address lookup, connect to 25 -> the override's port.
out=$(shim "$R" "$Q" deliver partner.example)
t_like "$out" '^greeting=220 127.0.0.12 2587$' "port: res_nsearch A then connect(:25) goes to :2587"
out=$(shim "$R" "$Q" deliver partner.example gai)
t_like "$out" '^greeting=220 127.0.0.12 2587$' "port: getaddrinfo then connect(:25) goes to :2587"
out=$(shim "$R" "$Q" deliver partner.example nb)
t_like "$out" '^connect=-1 errno=Operation now in progress$' "port: non-blocking connect keeps EINPROGRESS"
t_like "$out" '^greeting=220 127.0.0.12 2587$' "port: non-blocking connect redirected"
out=$(shim "$R" "$Q" deliver corp.example)
t_like "$out" '^greeting=220 127.0.0.14 2526$' "port: address target with a port"
out=$(shim "$R" "$Q" deliver plain.example.net)
t_like "$out" '^greeting=220 127.0.0.11 25$' "port: real MX, port 25 untouched"
out=$(shim "$R" "$Q" connect relay.example.net)
t_like "$out" '^greeting=220 127.0.0.12 25$' "port: no MX answer named the server: not redirected"
out=$(shim "$R" "$Q" deliver plain25.example pre=partner.example)
t_like "$out" '^greeting=220 127.0.0.12 25$' "port: a later answer naming the host at port 25 wins"
out=$(shim "$R" "$Q" deliver partner.example pre=plain25.example)
t_like "$out" '^greeting=220 127.0.0.12 2587$' "port: and a later answer with the port wins again"
# A redirect follows the host an address was last resolved for, not the
# address: the real MX of shared.example.net shares relay.example.net's
# address, and mail for it stays on port 25 (issue 11, item 2).
for how in res gai; do
	opt=; [ $how = gai ] && opt=gai
	out=$(shim "$R" "$Q" deliver partner.example shared.example.net $opt)
	t_like "$out" '^greeting=220 127.0.0.12 2587$' "port ($how): the override goes to :2587"
	t_like "$(printf '%s\n' "$out" | sed -n '/^mx=mx.shared/,$p')" \
	    '^greeting=220 127.0.0.12 25$' "port ($how): then another domain's MX at the same address stays at :25"
	out=$(shim "$R" "$Q" deliver shared.example.net partner.example $opt)
	t_like "$(printf '%s\n' "$out" | sed -n '/^mx=relay/,$p')" \
	    '^greeting=220 127.0.0.12 2587$' "port ($how): resolving the override's host again redirects again"
done
out=$(shim "$R" "$Q" deliver partner.example plain25.example)
t_like "$(printf '%s\n' "$out" | sed -n '/^mx=relay/,$p' | sed 1,3d)" \
    '^greeting=220 127.0.0.12 25$' "port: the same host named at port 25 by a later answer: :25"
out=$("$Q" deliver partner.example 2>&1)
t_like "$out" '^no MX' "port: without the shim nothing happens (control)"

t_done
