#!/bin/sh
# bench/engine.sh - the rules engine at 10k, 100k and 1M lines: load time,
# peak memory (max RSS of the whole process, file and set included) and
# evaluations per second on one core.
#
#   make bench-engine
set -e
cd "$(dirname "$0")/.."
[ -x bench/rules_bench ] || { echo "build first: make bench-engine" >&2; exit 1; }
out=bench/out
mkdir -p "$out"
echo "| lines | load | peak RSS | evaluations/s | answered |"
echo "|---|---|---|---|---|"
for n in 10000 100000 1000000; do
	[ -f "$out/rules-$n.conf" ] || bench/gen-rules.sh "$n" >"$out/rules-$n.conf"
	bench/rules_bench "$out/rules-$n.conf" "$n"
done
