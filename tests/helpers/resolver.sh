# tests/helpers/resolver.sh - shared by the resolver_*.sh tests
# (sourced after tests/lib.sh): the upstream test zones, the rules that
# exercise every evaluation rule of mxshim.conf(5), and starting mxshimd.

# The upstream's data: everything under example. is NXDOMAIN unless listed;
# fail.example. is REFUSED (a temporary failure for mxshimd).
resolver_zones() {
	cat >"$1" <<'ZEOF'
local-zone: "example." static
local-data: "example. 300 IN SOA ns.example. host.example. 1 3600 600 86400 300"
local-data: "partner.example. 300 IN A 192.0.2.1"
local-data: "partner.example. 300 IN MX 10 mx.partner.example."
local-data: "mx.example. 300 IN MX 10 mx1.mx.example."
local-data: "mx.example. 300 IN MX 20 mx2.mx.example."
local-data: "mx.example. 300 IN A 192.0.2.3"
local-data: "nomx.example. 300 IN A 192.0.2.2"
local-data: "nullmx.example. 300 IN MX 0 ."
local-data: "lookup.example. 300 IN MX 5 relay1.lookup.example."
local-data: "lookup.example. 300 IN MX 15 relay2.lookup.example."
local-data: "google.example. 300 IN MX 1 alt1.aspmx.l.google.com."
local-data: "notgoogle.example. 300 IN MX 10 mail.notgoogle.example."
local-data: "usedns.example. 300 IN MX 10 mx.usedns.example."
local-data: "keep.example. 300 IN MX 10 mx.keep.example."
local-data: "plain.example. 300 IN MX 10 mx.plain.example."
local-data: 'plain.example. 300 IN TXT "hello"'
local-data: "client.example. 300 IN MX 10 mx.client.example."
local-data: "sized.example. 300 IN MX 10 mx.sized.example."
local-zone: "fail.example." refuse
ZEOF
	# forty long MX records: more than 512 bytes, more than 1232 too
	i=1
	while [ $i -le 40 ]; do
		echo "local-data: \"big.example. 300 IN MX $i a-rather-long-mail-exchanger-name-number-$i.big.example.\""
		i=$((i + 1))
	done >>"$1"
}

# One line per evaluation rule of mxshim.conf(5); line numbers matter to
# nothing but the reader.
resolver_rules() {
	cat >"$1" <<'REOF'
# exact name; credentials and port never reach DNS
partner.example        joe:letmein@smtp.myisp.example:587
# wildcards
*.wild.example         wild-relay.example
host?.q.example        q-relay.example
# address targets get synthetic names and glue
corp.internal          10.1.2.3
v6.internal            [2001:db8::25]
# null MX (RFC 7505)
blackhole.example      .
# ordering: preference, then line; one record per host, lowest preference
ordered.example        b.relay.example $priority:20
ordered.example        a.relay.example $priority:20
ordered.example        c.relay.example $priority:5
ordered.example        b.relay.example $priority:30
# $end stops the walk
stop.example           first.relay.example $end
stop.example           never.relay.example
# $adddns merges the real MX records
mx.example             backup.relay.example $adddns $priority:50
# real NODATA merged: the implicit MX (the name itself, preference 0)
nomx.example           relay.example $adddns
# real NXDOMAIN: the override is answered
nx.example             inside.relay.example $adddns
# a real null MX is never merged
nullmx.example         relay.example $adddns
# $lookupmx: the server's own MX, or itself when it has none
lookmx.example         lookup.example $lookupmx
lookmx2.example        nomx.example $lookupmx $priority:7
# real data needed but the upstream fails: SERVFAIL
fail.example           relay.example $adddns
# $client: the source address of the question
client.example         inside.relay.example $client=127.0.0.2
client.example         outside.relay.example $client!=127.0.0.2
# $dnsmx
google.example         smtp.myisp.example $dnsmx:*.aspmx.l.google.com $end
notgoogle.example      smtp.myisp.example $dnsmx:!*.aspmx.l.google.com
# USEDNS
usedns.example         USEDNS
usedns.example         extra.relay.example $priority:99
keep.example           USEDNS $end
keep.example           never.relay.example
# attributes the resolver does not know make conditions false
sized.example          bulk.relay.example $size>=100
# too many records for 512 bytes
bigmx.example          a-long-relay-host-name-number-01.relay.example
bigmx.example          a-long-relay-host-name-number-02.relay.example
bigmx.example          a-long-relay-host-name-number-03.relay.example
bigmx.example          a-long-relay-host-name-number-04.relay.example
bigmx.example          a-long-relay-host-name-number-05.relay.example
bigmx.example          a-long-relay-host-name-number-06.relay.example
bigmx.example          a-long-relay-host-name-number-07.relay.example
bigmx.example          a-long-relay-host-name-number-08.relay.example
bigmx.example          a-long-relay-host-name-number-09.relay.example
bigmx.example          a-long-relay-host-name-number-10.relay.example
bigmx.example          a-long-relay-host-name-number-11.relay.example
bigmx.example          a-long-relay-host-name-number-12.relay.example
REOF
}

# resolver_flood_upstream: start an upstream Unbound (port in $UP) with the
# zones above that also forwards flood.example. to a loopback port where
# nothing answers, so questions for it hang until mxshimd's --timeout, and
# good.example. to a second Unbound answering 192.0.2.9 for every name
# under it, so those questions need the upstream to ask further, as
# uncached names do.  Sets FLOOD_PIDS to the two Unbounds' PIDs.  (Unbound
# soon takes a forwarder that never answers for down and fails at once:
# start afresh for each measurement.)
resolver_flood_upstream() {
	dead=$(t_port) good=$(t_port)
	printf '%s\n' 'local-zone: "good.example." redirect' \
	    'local-data: "good.example. 300 IN A 192.0.2.9"' >"$T_DIR/good.conf"
	t_unbound "$good" "$T_DIR/good.conf" || return 1
	FLOOD_PIDS=$UNBOUND_PID
	resolver_zones "$T_DIR/zones.conf"
	cat >>"$T_DIR/zones.conf" <<FEOF
do-not-query-localhost: no
infra-keep-probing: yes
local-zone: "flood.example." transparent
local-zone: "good.example." transparent
forward-zone:
	name: "flood.example."
	forward-addr: 127.0.0.1@$dead
forward-zone:
	name: "good.example."
	forward-addr: 127.0.0.1@$good
FEOF
	UP=$(t_port)
	t_unbound "$UP" "$T_DIR/zones.conf" || return 1
	FLOOD_PIDS="$FLOOD_PIDS $UNBOUND_PID"
}

# t_mxshimd PORT RULES [OPTION...]: start mxshimd in the foreground on
# 127.0.0.1@PORT, log in $T_DIR/mxshimd-PORT.log.  Sets MXSHIMD_PID.
# (Without --verbose: the prebuilt-answer cache is on, as in production.)
# Under $MXSHIMD_WRAPPER when set (tests/lib.sh).
t_mxshimd() {
	port=$1 rules=$2
	shift 2
	$MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules "$rules" \
	    --listen "127.0.0.1@$port" --foreground --threads 2 "$@" \
	    >>"$T_DIR/mxshimd-$port.log" 2>&1 &
	MXSHIMD_PID=$!
	T_PIDS="$T_PIDS $MXSHIMD_PID"
	t_wait_port "$port" && t_wait_port "$port" tcp
}

# t_mxshimd_once OUT RULES [OPTION...]: run mxshimd in the foreground on a
# free port with upstream $UP, for what it says when it refuses to start;
# its output in OUT, returns its exit status.
t_mxshimd_once() {
	out=$1 rules=$2
	shift 2
	"$MXSHIMD" --control none --rules "$rules" --listen "127.0.0.1@$(t_port)" \
	    --upstream "127.0.0.1@$UP" --foreground "$@" >"$out" 2>&1
}

# mx PORT NAME [DIG-OPTION...]: the MX records, one "PREF HOST" a line.
mx() {
	port=$1 name=$2
	shift 2
	t_dig "$port" +short "$@" "$name" MX | tr '\n' ';'
}

# wait_mx PORT NAME WANT: mx until it is WANT, for up to 15 s (a reload
# waits for the file to be still first: --settle); prints the last answer.
wait_mx() {
	T_WAIT=15 t_wait_for mx_is "$@" || :
	mx "$1" "$2"
}

mx_is() {	# mx_is PORT NAME WANT
	[ "$(mx "$1" "$2")" = "$3" ]
}

# wait_log FILE EXTENDED-REGEX [COUNT]: wait up to 15 s for COUNT (default
# 1) lines of FILE to match.
wait_log() {
	T_WAIT=15 t_wait_for log_has "$@" || :
}

log_has() {	# log_has FILE EXTENDED-REGEX [COUNT]
	[ "$(grep -Ec -- "$2" "$1")" -ge "${3:-1}" ]
}

# status PORT NAME TYPE [DIG-OPTION...]: the RCODE.
status() {
	port=$1
	shift
	t_dig "$port" "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# answers PORT DIG-ARGUMENT...: how many records the answer has.
answers() {
	t_dig "$@" | sed -n 's/.*ANSWER: \([0-9]*\),.*/\1/p' | head -1
}

# resolver_setup: skip the test unless mxshimd is built; start the
# upstream Unbound with resolver_zones on a free port, in UP.
resolver_setup() {
	[ -x "$MXSHIMD" ] || t_missing "resolver/mxshimd (make)"
	UP=$(t_port)
	resolver_zones "$T_DIR/zones.conf"
	t_unbound "$UP" "$T_DIR/zones.conf" || t_bail "unbound did not start"
}
