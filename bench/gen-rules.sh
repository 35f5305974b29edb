#!/bin/sh
# bench/gen-rules.sh N [SEED] - write an N-line rules file to stdout with a
# realistic mix: 70% exact domains, 29% `*.suffix` lines, at most 100
# general wildcards, some with $priority, $client or $size conditions, and
# a few catch-all lines at the end.  Names are d<i>.example / s<i>.example.
set -e
n=${1:?usage: gen-rules.sh N [SEED]}
seed=${2:-1}
awk -v n="$n" -v seed="$seed" 'BEGIN {
	srand(seed)
	general = int(n / 100); if (general > 100) general = 100
	for (i = 0; i < n - general - 2; i++) {
		r = rand()
		if (i % 100 < 70)
			pat = "d" i ".example"
		else
			pat = "*.s" i ".example"
		line = pat " relay" (i % 50) ".isp.example"
		if (r < 0.10) line = line " $priority:" int(rand() * 100)
		else if (r < 0.12) line = line " $client=10." (i % 256) ".0.0/16"
		else if (r < 0.13) line = line " $size>=10000000 $end"
		else if (r < 0.14) line = line ":587"
		print line
	}
	for (g = 0; g < general; g++)
		print "mx" g "-*.gen" g ".example backup" g ".example $end"
	print "* catchall.example $size>=50000000 $end"
	print "*.internal 10.1.2.3"
}'
