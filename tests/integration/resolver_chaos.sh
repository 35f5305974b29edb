#!/bin/sh
# mxshimd when its upstream misbehaves: black-holed, killed, slow (1 s),
# answering garbage (several kinds), answering "try later" in well-formed
# packets (a lame referral).  tests/helpers/chaos_upstream.py stands
# between mxshimd and a real Unbound and switches behaviour at run time.
# In every mode:
#  (a) overrides that need no real data are answered, right, before the
#      deadline;
#  (b) questions that need real data get SERVFAIL before the deadline
#      (plus a margin for a busy machine): never NXDOMAIN, NODATA or data
#      made from garbage ($adddns never adds the domain itself, $dnsmx:!*
#      is never true for want of an answer);
#  (c) once the upstream behaves again, right answers come back by
#      themselves within a second, and SERVFAIL stops for good within that
#      second too, even when a try sent during the outage times out later
#      and libunbound marks the upstream down again (query.c then asks
#      again on a new libunbound context).
# A fresh mxshimd with the default timeout also answers right, slowly,
# from an upstream that takes 1 s.  Lines starting "# figure" are the
# README's table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
command -v python3 >/dev/null || t_missing python3

TMO=1500		# mxshimd's --timeout, ms
MARGIN=1000		# a loaded machine's delay on top of it, ms
OUTAGE=60		# seconds of black hole: libunbound backs off for long
RECOVER=1000		# ms: right answers again within a second of the return
SLACK=500		# ms on top for a loaded machine
MAXRTT=$((3 * TMO))	# a try sent during the outage ends by then

# The real data: every name under chaos.example exists, so that fresh
# names (never cached) have real answers.
UP=$(t_port)
resolver_zones "$T_DIR/zones.conf"
cat >>"$T_DIR/zones.conf" <<'ZEOF'
local-zone: "chaos.example." redirect
local-data: "chaos.example. 300 IN A 192.0.2.9"
local-data: "chaos.example. 300 IN MX 10 mx.chaos.example."
ZEOF
t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"

CH=$(t_port)
MODE="$T_DIR/mode"
echo pass >"$MODE"
chaos_start() {
	python3 "$TOP/tests/helpers/chaos_upstream.py" "$CH" "$UP" "$MODE" \
	    2>>"$T_DIR/chaos.log" &
	CHAOS_PID=$!
	T_PIDS="$T_PIDS $CHAOS_PID"
	t_wait_port "$CH" && t_wait_port "$CH" tcp
}
chaos_start || t_bail "the chaos upstream did not start"

resolver_rules "$T_DIR/rules.conf"
cat >>"$T_DIR/rules.conf" <<'REOF'
*.adddns.chaos.example  relay.example $adddns
*.dnsmx.chaos.example   smtp.myisp.example $dnsmx:mx.chaos.example $end
*.nomx.chaos.example    smtp.myisp.example $dnsmx:!* $end
REOF
P=$(t_port)
t_mxshimd "$P" "$T_DIR/rules.conf" --upstream "127.0.0.1@$CH" \
    --timeout "$TMO"
t_ok $? "mxshimd listens, upstream through the chaos upstream"

# ask PORT NAME TYPE: "STATUS MS RDATA;RDATA;" from one dig, MS by dig's
# clock; STATUS "none" when nothing came back.
ask() {
	dig @127.0.0.1 -p "$1" +tries=1 +time=5 +noauthority +noadditional \
	    "$2" "$3" | awk '
	/status:/ { s = $6; sub(",", "", s) }
	/^;; Query time:/ { ms = $4 }
	/^[^;]/ && NF >= 5 {
		rd = $5
		for (i = 6; i <= NF; i++)
			rd = rd " " $i
		a = a rd ";"
	}
	END { print (s == "" ? "none" : s), (ms == "" ? 0 : ms), a }'
}
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# The overrides that need no real data, and what they answer.
OVERRIDES="partner.example/MX/10 smtp.myisp.example.;
corp.internal/MX/10 10-1-2-3.v4.mxshim.invalid.;
10-1-2-3.v4.mxshim.invalid/A/10.1.2.3;
blackhole.example/MX/0 .;
stop.example/MX/10 first.relay.example.;
FRESH.wild.example/MX/10 wild-relay.example.;"
# Questions that need real data (FRESH: a name never asked before), and
# their right answers: $adddns, $dnsmx, a relayed A, an MX no line matches.
REAL="FRESH.adddns.chaos.example/MX/10 relay.example.;10 mx.chaos.example.;
FRESH.dnsmx.chaos.example/MX/10 smtp.myisp.example.;
FRESH.nomx.chaos.example/MX/10 mx.chaos.example.;
FRESH.chaos.example/A/192.0.2.9;
FRESH.chaos.example/MX/10 mx.chaos.example.;"
# The same, without the relayed A: the upstream's answers that mean "ask
# again later" (a lame referral, BADVERS) are relayed as they are, except
# to an MX question, and never read as "no MX" by a line that needs real
# data.
NEEDREAL=$(echo "$REAL" | grep -v '^FRESH\.chaos\.example/A/')

# fresh NAME: NAME with FRESH made into a label never used before (64
# random bits), so no cache has its answer
fresh() {
	echo "$1" | sed "s/FRESH/f$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')/"
}

# each LIST FUNCTION: FUNCTION NAME TYPE EXPECTED LINE for every line of
# LIST, FRESH made into a new label every time.
each() {
	while IFS=/ read -r name type want; do
		"$2" "$(fresh "$name")" "$type" "$want" "$name $type"
	done <<EOF
$1
EOF
}

# (a) an override: right, and before the deadline
check_override() {
	r=$(ask "$P" "$1" "$2")
	t_is "${r%% *}: ${r#* * }" "NOERROR: $3" "$MODE_NAME: $4 answered"
	ms=$(echo "$r" | cut -d' ' -f2)
	t_ok $(( ms >= TMO )) "$MODE_NAME: ... before the deadline (${ms} ms)"
	echo "$ms" >>"$T_DIR/override.ms"
}

# (b) real data needed: SERVFAIL before the deadline, or (SLOW_OK) the
# right answer
check_real() {
	r=$(ask "$P" "$1" "$2")
	got="${r%% *}: ${r#* * }"
	ms=$(echo "$r" | cut -d' ' -f2)
	if [ -n "${SLOW_OK:-}" ] && [ "$got" = "NOERROR: $3" ]; then
		t_ok 0 "$MODE_NAME: $4 answered right, slowly (${ms} ms)"
		return
	fi
	t_is "$got" "SERVFAIL: " "$MODE_NAME: $4 SERVFAIL"
	t_ok $(( ms >= TMO + MARGIN )) \
	    "$MODE_NAME: ... within the timeout (${ms} ms)"
	echo "$ms" >>"$T_DIR/servfail.ms"
}

# (c) after the upstream is back: right answers again
check_right() {
	t_is "$(ask "$P" "$1" "$2" | cut -d' ' -f1,3-)" "NOERROR $3" \
	    "after $MODE_NAME: $4 answered right again"
}

# Poll with fresh names every 0.2 s for WINDOW ms after the upstream is
# back; prints "FIRST LAST": the milliseconds from $1 to the asking of the
# first right answer ("none") and of the last wrong one ("none" when every
# answer was right).  Each worker has its own libunbound, which probes a
# down upstream every second (infra-host-ttl 0; with 5 s one worker kept
# answering SERVFAIL at once for up to 6 s while the other answered); a
# try sent during the outage that times out after the return (up to
# MAXRTT later) can mark the upstream down again for up to a second, so
# the window goes on past that.
WINDOW=$((MAXRTT + RECOVER + 2 * SLACK + 1000))
recovery() {
	first=none last=none
	while [ $(( (asked = $(now_ms)) - $1 )) -lt $WINDOW ]; do
		if ask "$P" "$(fresh FRESH.chaos.example)" A | grep -q "^NOERROR .* 192.0.2.9;$"; then
			[ "$first" != none ] || first=$((asked - $1))
		else
			last=$((asked - $1))
		fi
		sleep 0.2
	done
	echo "$first $last"
}

max_of() { sort -n "$1" 2>/dev/null | tail -1; }

# phase NAME RESTORE [SECONDS]: the checks while the upstream is in the
# state the caller put it in (for SECONDS since $START at least), then
# RESTORE and the way back.
phase() {
	MODE_NAME=$1 RESTORE=$2 HOLD=${3:-}
	rm -f "$T_DIR/override.ms" "$T_DIR/servfail.ms"
	each "$OVERRIDES" check_override
	each "${REAL_SET:-$REAL}" check_real
	if [ -n "${HOLD:-}" ]; then	# a long outage: libunbound backs off
		while [ $(( $(now_ms) - START )) -lt $((HOLD * 1000)) ]; do
			ask "$P" "$(fresh FRESH.chaos.example)" A >/dev/null
			sleep 0.5
		done
	fi
	$RESTORE
	back=$(now_ms)
	set -- $(recovery "$back")
	t_ok $([ "$1" != none ] && [ "$1" -le $((RECOVER + SLACK)) ]; echo $?) \
	    "after $MODE_NAME: right answers again within $RECOVER ms (first asked after $1 ms)"
	t_ok $([ "$2" = none ] || [ "$2" -le $((RECOVER + SLACK)) ]; echo $?) \
	    "after $MODE_NAME: SERVFAIL stops for good within $RECOVER ms (last wrong answer asked after $2 ms)"
	each "$REAL" check_right
	echo "# figure $MODE_NAME override_max_ms=$(max_of "$T_DIR/override.ms") servfail_max_ms=$(max_of "$T_DIR/servfail.ms") recovery_ms=$1 last_servfail_ms=$2"
}

set_mode() { echo "$1" >"$MODE"; }
to_pass() { set_mode pass; }

# baseline: everything right through the chaos upstream
MODE_NAME=pass
each "$OVERRIDES" check_override
each "$REAL" check_right

# black hole, long enough for libunbound to back off far
START=$(now_ms)
set_mode drop
phase drop to_pass "$OUTAGE"

# killed: the port closes, then the upstream comes back
chaos_kill() {
	kill "$CHAOS_PID"
	wait "$CHAOS_PID" 2>/dev/null
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $CHAOS_PID\$//; s/ $CHAOS_PID / /")
}
chaos_kill
phase killed chaos_start

# slow: answers after 1 s, while mxshimd waits 1.5 s; an answer that
# comes through must be the right one
set_mode slow
SLOW_OK=1
phase slow to_pass
SLOW_OK=

for kind in garbage random malformed wrong-id wrong-name tc; do
	set_mode "$kind"
	phase "$kind" to_pass
done
t_like "$(grep -c ' tcp tc ' "$T_DIR/chaos.log")" "^[1-9]" \
    "tc: libunbound asked again over TCP, and got TC there too"
REAL_SET=$NEEDREAL
for kind in lame badvers; do
	set_mode "$kind"
	"$MXSHIM" route --rules "$T_DIR/rules.conf" --upstream "127.0.0.1@$CH" \
	    "$(fresh FRESH.nomx.chaos.example)" >"$T_DIR/route.out" 2>&1
	t_is "$?" 75 "$kind: mxshim route defers (exit 75), \$dnsmx:!* not true"
	phase "$kind" to_pass
done
REAL_SET=

# killed again, in front of an mxshimd with one worker: with two, the
# first right answer can come from the worker that probed first while the
# other still fails at once; here it is the one worker's own recovery.
FIRST_PID=$MXSHIMD_PID
P1=$(t_port)
t_mxshimd "$P1" "$T_DIR/rules.conf" --upstream "127.0.0.1@$CH" \
    --timeout "$TMO" --threads 1
P_TWO=$P P=$P1
chaos_kill
phase killed-one-worker chaos_start
P=$P_TWO
ONE_PID=$MXSHIMD_PID

# A slow upstream and the default --timeout (4 s): slow but right.
set_mode slow
P2=$(t_port)
t_mxshimd "$P2" "$T_DIR/rules.conf" --upstream "127.0.0.1@$CH"
check_slow() {
	r=$(ask "$P2" "$1" "$2")
	ms=$(echo "$r" | cut -d' ' -f2)
	t_is "$(echo "$r" | cut -d' ' -f1,3-)" "NOERROR $3" \
	    "slow upstream, --timeout 4000: $4 right (${ms} ms)"
	# (the chaos upstream's second, by another clock than dig's)
	t_ok $(( ms < 900 )) "... after the upstream's second"
}
each "$REAL" check_slow

kill -0 "$FIRST_PID" && kill -0 "$ONE_PID" && kill -0 "$MXSHIMD_PID"
t_ok $? "mxshimd is still running"
t_done
