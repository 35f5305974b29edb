#!/bin/sh
# mxshimd and its service manager (sd_notify(3), resolver/notify.h): with
# NOTIFY_SOCKET set, READY=1 comes once it answers from its rules, over
# UDP and TCP; STATUS= says what it serves and how each reload went;
# STOPPING=1 on SIGTERM; a start that fails (its port taken) never says
# READY=1; a notify socket that is not there does not stop it.
# tests/systemd runs the same under a real systemd (Type=notify).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

grep -q '^#define HAVE_LIBSYSTEMD 1' "$TOP/config.h" ||
    t_missing "libsystemd-dev (mxshimd was configured without sd_notify)"
command -v python3 >/dev/null || t_missing python3
resolver_setup

# listen SOCKET OUT [COMMAND...]: a notify socket (tests/helpers/
# notify_listen.py) at SOCKET, messages in OUT; sets LISTEN_PID
listen() {
	: >"$2"
	python3 "$TOP/tests/helpers/notify_listen.py" "$@" &
	LISTEN_PID=$!
	T_PIDS="$T_PIDS $LISTEN_PID"
	t_wait_for test -S "$1"
}

P=$(t_port)
printf 'partner.example  relay.isp.example\n' >"$T_DIR/one.conf"
# what a client gets the moment READY=1 comes: one try each, no retry
listen "$T_DIR/notify.sock" "$T_DIR/notify.out" sh -c '
    dig @127.0.0.1 -p "$1" +short +time=2 +tries=1 partner.example MX
    dig @127.0.0.1 -p "$1" +short +time=2 +tries=1 +tcp partner.example MX' \
    sh "$P" || t_bail "the notify socket is not there"
NOTIFY_SOCKET=$T_DIR/notify.sock
export NOTIFY_SOCKET
t_mxshimd "$P" "$T_DIR/one.conf" --upstream "127.0.0.1@$UP" ||
    t_bail "mxshimd did not start"
unset NOTIFY_SOCKET
wait_log "$T_DIR/notify.out" '^ready: '
t_like "$(grep -v '^ready: ' "$T_DIR/notify.out" | head -n 1)" \
    '^READY=1 \| STATUS=serving 1 rules, generation 1$' \
    "READY=1 with its status is the first message"
t_is "$(sed -n 's/^ready: //p' "$T_DIR/notify.out" | tr '\n' ';')" \
    "10 relay.isp.example.;10 relay.isp.example.;" \
    "... sent once the rules answer, over UDP and TCP, at the first try"

# reloads: a good file, then one refused
printf 'partner.example  relay2.isp.example\nx.example y.example\n' \
    >"$T_DIR/two.conf"
mv "$T_DIR/two.conf" "$T_DIR/one.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/notify.out" 'generation 2'
t_like "$(tail -n 1 "$T_DIR/notify.out")" \
    '^STATUS=serving 2 rules, generation 2; last reload ok at [0-9TZ:-]+ \(generation 2\)$' \
    "a reload: STATUS= says the new rules and generation"
printf 'partner.example  relay3.isp.example $nosuch\n' >"$T_DIR/bad.conf"
mv "$T_DIR/bad.conf" "$T_DIR/one.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/notify.out" 'last reload failed'
t_like "$(tail -n 1 "$T_DIR/notify.out")" \
    '^STATUS=serving 2 rules, generation 2; last reload failed at [0-9TZ:-]+ \(generation 2\)$' \
    "a refused reload: STATUS= says the old rules stay"

# a second mxshimd on the same port fails, and never says it is ready
printf 'partner.example  relay3.isp.example\n' >"$T_DIR/three.conf"
listen "$T_DIR/notify2.sock" "$T_DIR/notify2.out" ||
    t_bail "the second notify socket is not there"
NOTIFY_SOCKET=$T_DIR/notify2.sock timeout 10 "$MXSHIMD" --control none \
    --rules "$T_DIR/three.conf" --listen "127.0.0.1@$P" \
    --upstream "127.0.0.1@$UP" --foreground >"$T_DIR/taken.log" 2>&1
t_is "$?" 1 "its port taken: mxshimd exits 1"
t_like "$(cat "$T_DIR/taken.log")" "127\.0\.0\.1.*$P.*[Aa]ddress already in use" \
    "... saying why"
t_absent 'READY=1' "$T_DIR/notify2.out" "... and never sends READY=1"

# SIGTERM
kill -TERM "$MXSHIMD_PID"
wait "$MXSHIMD_PID"
t_like "$(tail -n 1 "$T_DIR/notify.out")" '^STOPPING=1 \| STATUS=stopping$' \
    "SIGTERM: STOPPING=1"

# a notify socket that is not there: logged, and mxshimd serves all the same
printf 'partner.example  relay.isp.example\n' >"$T_DIR/one.conf"
P=$(t_port)
NOTIFY_SOCKET=$T_DIR/nosuch.sock
export NOTIFY_SOCKET
t_mxshimd "$P" "$T_DIR/one.conf" --upstream "127.0.0.1@$UP"
unset NOTIFY_SOCKET
t_is "$(mx $P partner.example)" "10 relay.isp.example.;" \
    "NOTIFY_SOCKET names no socket: it answers all the same"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" \
    "cannot tell the service manager that mxshimd is ready \(NOTIFY_SOCKET=.*nosuch\.sock\)" \
    "... and logs that it could not say it is ready"
t_done
