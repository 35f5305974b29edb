#!/bin/sh
# examples/run-example.sh - the main job on the bundled example: a real
# Unbound on 127.0.0.1 plays the Internet (examples/upstream-zones.conf);
# mxshimd serves examples/overrides.conf in front of it and dig asks it
# what an MTA would ask; then mxshim checks the file and explains a few
# routes.  Only loopback is contacted; both servers are stopped, by PID,
# at the end.
set -e
cd "$(dirname "$0")/.."
MXSHIM_TOP=$(pwd)
export MXSHIM_TOP
. tests/lib.sh
trap 't_cleanup' EXIT

uport=$(t_port)
t_unbound "$uport" "$MXSHIM_TOP/examples/upstream-zones.conf" ||
    { echo "unbound did not start" >&2; exit 1; }
rules=examples/overrides.conf

dport=$(t_port)
echo "\$ mxshimd --rules $rules --listen 127.0.0.1@$dport --upstream 127.0.0.1@$uport --foreground &"
# ($MXSHIMD_WRAPPER: tests/valgrind.sh runs it under valgrind)
$MXSHIMD_WRAPPER resolver/mxshimd --rules "$rules" \
    --listen "127.0.0.1@$dport" --upstream "127.0.0.1@$uport" --foreground \
    2>"$T_DIR/mxshimd.log" &
T_PIDS="$T_PIDS $!"
t_wait_port "$dport" || { cat "$T_DIR/mxshimd.log" >&2; exit 1; }
# it binds before it says what it serves
t_wait_for grep -q serving "$T_DIR/mxshimd.log"
cat "$T_DIR/mxshimd.log"
ask() {
	echo
	echo "\$ dig @127.0.0.1 -p $dport +noall +answer +additional $*"
	t_dig "$dport" +noall +answer +additional "$@"
}
ask hosted.example MX		# real MX is Google's: line 5, the ISP relay
ask partner.example MX		# line 7 (the port is for the preload shim)
ask test.example MX		# line 9: $adddns merges the real MX
ask corp.internal MX		# line 13: an address, with glue
ask own.example MX		# no line applies: relayed unchanged

show() {
	echo
	echo "\$ mxshim $*"
	cli/mxshim "$@" || true
}
show check "$rules"
show route --rules "$rules" --upstream "127.0.0.1@$uport" hosted.example
show route --rules "$rules" --upstream "127.0.0.1@$uport" partner.example
show route --rules "$rules" --upstream "127.0.0.1@$uport" test.example
show route --rules "$rules" --upstream "127.0.0.1@$uport" corp.internal
show route --rules "$rules" --upstream "127.0.0.1@$uport" --size 20000000 \
    --retries 3 own.example
exit 0
