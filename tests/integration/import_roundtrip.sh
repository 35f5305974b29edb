#!/bin/sh
# Export to AsyncOS and import back: for random rule sets whose export
# reports nothing lost, every recipient domain must get the same next hops
# from the re-imported table as from the original rules.  (Two notes lose
# nothing: /dev/null's, and a line that never applies, which is left out
# since the route covering it takes its names in AsyncOS too.)  This is
# what lets an operator move a table both ways.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/helpers/import.sh"

printf '\tlocal-zone: "example." static\n' >"$T_DIR/zone.conf"
start_dns "$T_DIR/zone.conf"

SETS=60
QUERIES="a.example b.a.example c.b.a.example d.a.example x.example
y.x.example z.example q.z.example"
compared=0
differ=0
i=0
while [ $i -lt $SETS ]; do
	i=$((i + 1))
	awk -v seed="$i" 'BEGIN {
		srand(seed)
		np = split("* a.example *.a.example *.example b.a.example " \
		    "*.b.a.example x.example *.x.example", pat, " ")
		n = 1 + int(rand() * 8)
		for (k = 0; k < n; k++) {
			r = rand()
			if (r < 0.2) srv = "."
			else if (r < 0.5) srv = "192.0.2." (1 + int(rand() * 3)) ":2525"
			else srv = "192.0.2." (1 + int(rand() * 9))
			tok = ""
			if (rand() < 0.4 && srv != ".")
				tok = tok " $priority:" int(rand() * 30)
			if (rand() < 0.85) tok = tok " $end"
			print pat[1 + int(rand() * np)], srv tok
		}
	}' >"$T_DIR/r$i"
	"$MXSHIM" export --format cisco "$T_DIR/r$i" -o "$T_DIR/c$i" \
	    2>"$T_DIR/e$i" || { differ=$((differ + 1)); continue; }
	grep ': warning:' "$T_DIR/e$i" |
	    grep -v -e '/dev/null' -e 'never applies here' | grep -q . &&
	    continue
	if ! "$MXSHIM" import --format cisco "$T_DIR/c$i" -o "$T_DIR/b$i" \
	    2>/dev/null; then
		echo "# set $i: the exported table does not import"
		differ=$((differ + 1))
		continue
	fi
	compared=$((compared + 1))
	for q in $QUERIES; do
		a=$(hops "$T_DIR/r$i" "$q")
		b=$(hops "$T_DIR/b$i" "$q")
		if [ "$a" != "$b" ]; then
			echo "# set $i, $q: rules give '$a', the round trip '$b'"
			differ=$((differ + 1))
			break
		fi
	done
done
t_ok "$([ $compared -ge 35 ]; echo $?)" \
    "enough sets are exported without loss to compare ($compared of $SETS)"
t_is "$differ" 0 "every compared set routes every domain the same"
t_done
