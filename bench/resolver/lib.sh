# bench/resolver/lib.sh - shared by the resolver benchmarks (sourced, POSIX
# sh, after `cd` to the top of the tree and with OUT set): servers started
# in the background and stopped by their PID, free loopback ports, the
# upstream Unbound and its relayed names, the big rules file, dnsperf's
# figures.  Only loopback is used.

TOP=$(pwd)
MXSHIMD="$TOP/resolver/mxshimd"
PIDS=""

stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	PIDS=""
}
trap stop_all EXIT
trap 'exit 1' INT TERM

need() {	# need TOOL...: every tool is installed, mxshimd is built
	for tool in "$@"; do
		command -v "$tool" >/dev/null ||
		    { echo "missing: $tool" >&2; exit 1; }
	done
	[ -x "$MXSHIMD" ] || { echo "build first: make" >&2; exit 1; }
}

free_port() {	# a port free for UDP and TCP on 127.0.0.1
	p=$1
	while ss -Hlnu "sport = :$p" | grep -q . ||
	    ss -Hlnt "sport = :$p" | grep -q .; do
		p=$((p + 1))
	done
	echo "$p"
}

# bench_rules N: $OUT/rules-N.conf from bench/gen-rules.sh (kept between
# runs); sets RULES.
bench_rules() {
	RULES="$OUT/rules-$1.conf"
	if [ ! -s "$RULES" ]; then
		echo "generating $RULES"
		sh bench/gen-rules.sh "$1" >"$RULES"
	fi
}

# synth_queries RULES N FILE: "NAME MX" for N random exact names of RULES
# that every server answers alike (bench/resolver/derive.awk).
synth_queries() {
	awk -v what=queries -f bench/resolver/derive.awk "$1" |
	    awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort -n |
	    head -n "$2" | cut -f2- >"$3"
}

# relay_data: the upstream's zone relay.example. (10,000 A records) in
# $OUT/upstream-data.conf, and the questions for them in $OUT/q-relay.txt.
relay_data() {
	awk 'BEGIN { print "local-zone: \"relay.example.\" static"
		print "local-data: \"relay.example. 3600 IN SOA ns.relay.example. h.relay.example. 1 3600 600 86400 3600\""
		for (i = 1; i <= 10000; i++) {
			printf "local-data: \"r%d.relay.example. 3600 IN A 192.0.2.%d\"\n", i, i % 250 + 1
			printf "r%d.relay.example A\n", i > "'"$OUT"'/q-relay.txt"
		} }' >"$OUT/upstream-data.conf"
}

unbound_conf() {	# unbound_conf PORT THREADS EXTRA-LINES
	cat <<UBEOF
server:
	interface: 127.0.0.1@$1
	port: $1
	num-threads: $2
	so-reuseport: yes
	do-ip6: no
	do-daemonize: no
	use-syslog: no
	logfile: ""
	username: ""
	chroot: ""
	directory: "$OUT"
	pidfile: ""
	verbosity: 0
	access-control: 127.0.0.0/8 allow
	do-not-query-localhost: no
	module-config: "iterator"
	msg-cache-size: 16m
	rrset-cache-size: 32m
$3
remote-control:
	control-enable: no
UBEOF
}

start() {	# start NAME COMMAND...: background, remember the PID
	name=$1
	shift
	"$@" >"$OUT/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	LAST_PID=$!
}

# start_upstream [EXTRA-LINES]: the upstream Unbound on a free port (UP),
# serving $OUT/upstream-data.conf (relay_data) and refusing everything
# else; its configuration is $OUT/upstream.conf, for restarts.
start_upstream() {
	UP=$(free_port 35300)
	unbound_conf "$UP" 1 "	local-zone: \".\" refuse
	include: \"$OUT/upstream-data.conf\"
${1:-}" >"$OUT/upstream.conf"
	restart_upstream
}

restart_upstream() {
	start upstream unbound -d -c "$OUT/upstream.conf"
	ready "$UP" r1.relay.example A
}

ready() {	# ready PORT NAME TYPE: wait (up to 5 min) for an answer
	i=0
	while [ $i -lt 600 ]; do
		# an answer, not dig's ";; communications error" on stdout
		if dig @127.0.0.1 -p "$1" +time=1 +tries=1 +short "$2" "$3" \
		    2>/dev/null | grep -q '^[^;]'; then
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	echo "server on port $1 never answered" >&2
	return 1
}

# dnsperf's figures, from its output file
qps_of() { sed -n 's/.*Queries per second:[[:space:]]*\([0-9.]*\).*/\1/p' "$1"; }
lost_of() { sed -n 's/.*Queries lost:[[:space:]]*\([0-9]*\).*/\1/p' "$1"; }
sent_of() { sed -n 's/.*Queries sent:[[:space:]]*\([0-9]*\).*/\1/p' "$1"; }
completed_of() { sed -n 's/.*Queries completed:[[:space:]]*\([0-9]*\).*/\1/p' "$1"; }

machine() {	# one line on the machine and the tools
	echo "Machine: $(nproc) cores, $(uname -sr); Unbound $(unbound -V | sed -n "s/^Version //p");" \
	    "dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p')."
}
