#!/bin/sh
# libmxshim.so is thread-safe and fork-safe: threads asking at once (MX
# synthesized, MX needing real data, getaddrinfo of synthetic and real
# names) all get the answer a single call gets, and so does a forked child.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
t_ns_enter "$@"
shim_ns_setup

R="$T_DIR/rules.conf"
cat >"$R" <<'RULES'
partner.example   relay.example.net:2587
corp.example      127.0.0.14
kept.example.net  relay.example.net $adddns $priority:5
RULES

for name in partner.example corp.example kept.example.net; do
	out=$(shim "$R" "$Q" stress 8 200 $name)
	t_like "$out" '^route=[a-z0-9.-]+ 127\.0\.0\.1[24]$' "$name: the route (single call)"
	t_like "$out" '^threads=8 calls=1600 wrong=0$' "$name: 8 threads, every answer right"
	t_like "$out" '^child=ok$' "$name: a forked child gets it right too"
done
t_done
