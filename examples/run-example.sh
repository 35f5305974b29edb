#!/bin/sh
# examples/run-example.sh - the main job on the bundled example: a real
# Unbound on 127.0.0.1 plays the Internet (examples/upstream-zones.conf),
# and mxshim checks examples/overrides.conf and routes a few domains
# through it.  Only loopback is contacted; Unbound is stopped at the end.
set -e
cd "$(dirname "$0")/.."
MXSHIM_TOP=$(pwd)
export MXSHIM_TOP
. tests/lib.sh
trap 't_cleanup' EXIT

port=$(t_port)
t_unbound "$port" "$MXSHIM_TOP/examples/upstream-zones.conf" ||
    { echo "unbound did not start" >&2; exit 1; }
rules=examples/overrides.conf

show() {
	echo
	echo "\$ mxshim $*"
	cli/mxshim "$@" || true
}
show check "$rules"
show route --rules "$rules" --upstream "127.0.0.1@$port" hosted.example
show route --rules "$rules" --upstream "127.0.0.1@$port" partner.example
show route --rules "$rules" --upstream "127.0.0.1@$port" test.example
show route --rules "$rules" --upstream "127.0.0.1@$port" corp.internal
show route --rules "$rules" --upstream "127.0.0.1@$port" --size 20000000 \
    --retries 3 own.example
