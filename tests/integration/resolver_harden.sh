#!/bin/sh
# mxshimd hardening (doc/hardening.md): --user and reloads, relative paths
# after detaching, credentials never in its messages, non-dumpable, a FIFO
# or an empty file at the rules path, stray signals.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/resolver.sh"

resolver_setup
# the unprivileged user must reach the files: mktemp made T_DIR 0700
chmod 755 "$T_DIR"

root=0
[ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && root=1
NOGROUP=$(id -gn nobody 2>/dev/null)

# ---- --user: the dropped user must be able to re-read the file ----
if [ $root -eq 1 ]; then
	printf 'user.example joe:letmein@one.relay.example\n' >"$T_DIR/priv.conf"
	chmod 600 "$T_DIR/priv.conf"
	# (timeout: a mxshimd that does not check runs on)
	timeout 10 "$MXSHIMD" --control none --rules "$T_DIR/priv.conf" \
	    --listen "127.0.0.1@$(t_port)" --upstream "127.0.0.1@$UP" \
	    --foreground --user nobody >"$T_DIR/priv.out" 2>&1
	t_is "$?" 1 "--user nobody, file root 0600: refuses to start"
	t_like "$(cat "$T_DIR/priv.out")" \
	    "--user nobody could not re-read .*priv\.conf \(Permission denied\), so every reload would fail" \
	    "... saying why"
	t_like "$(cat "$T_DIR/priv.out")" \
	    "chown root:$NOGROUP .*priv\.conf && chmod 640 " \
	    "... and the arrangement that works"
	chgrp "$NOGROUP" "$T_DIR/priv.conf"
	chmod 640 "$T_DIR/priv.conf"
	P=$(t_port)
	t_mxshimd "$P" "$T_DIR/priv.conf" --upstream "127.0.0.1@$UP" \
	    --user nobody
	t_is "$(mx $P user.example)" "10 one.relay.example.;" \
	    "root:nogroup 0640: starts as nobody"
	printf 'user.example joe:letmein@two.relay.example\n' >"$T_DIR/priv.tmp"
	chgrp "$NOGROUP" "$T_DIR/priv.tmp"
	chmod 640 "$T_DIR/priv.tmp"
	mv "$T_DIR/priv.tmp" "$T_DIR/priv.conf"
	kill -HUP "$MXSHIMD_PID"
	t_is "$(wait_mx $P user.example "10 two.relay.example.;")" \
	    "10 two.relay.example.;" "... and reloads as nobody"
	t_is "$(awk '/^Uid:/ {print $2}' "/proc/$MXSHIMD_PID/status")" \
	    "$(id -u nobody)" "... running as nobody"
	kill -TERM "$MXSHIMD_PID"
	wait "$MXSHIMD_PID"
else
	t_skip "--user checks" "needs root and a user nobody"
fi

# ---- a detached mxshimd started with a relative --rules reloads ----
printf 'rel.example old.relay.example\n' >"$T_DIR/rel.conf"
P=$(t_port)
(cd "$T_DIR" && $MXSHIMD_WRAPPER "$MXSHIMD" --control none --rules rel.conf \
    --listen "127.0.0.1@$P" --upstream "127.0.0.1@$UP" --pidfile rel.pid)
t_is "$?" "0" "detached, relative --rules and --pidfile: started"
t_wait_for test -s "$T_DIR/rel.pid"
pid=$(cat "$T_DIR/rel.pid" 2>/dev/null)
T_PIDS="$T_PIDS $pid"
t_like "$pid" "^[0-9]+$" "... the relative --pidfile is written where it was started"
t_is "$(mx $P rel.example)" "10 old.relay.example.;" "... it answers"
printf 'rel.example new.relay.example\n' >"$T_DIR/rel.tmp"
mv "$T_DIR/rel.tmp" "$T_DIR/rel.conf"
kill -HUP "$pid"
t_is "$(wait_mx $P rel.example "10 new.relay.example.;")" \
    "10 new.relay.example.;" "... and SIGHUP reloads the relative path"
kill -TERM "$pid"
t_wait_for t_gone "$pid"
t_ok $? "... SIGTERM stops it"
t_no_file "$T_DIR/rel.pid" "... and removes its pidfile"

# ---- signals a user might send do not kill it ----
printf 'sig.example sig.relay.example\n' >"$T_DIR/sig.conf"
P=$(t_port)
t_mxshimd "$P" "$T_DIR/sig.conf" --upstream "127.0.0.1@$UP"
for sig in USR1 USR2 ALRM PIPE VTALRM PROF IO PWR; do
	kill -$sig "$MXSHIMD_PID"
done
sleep 0.3
t_ok "$(kill -0 "$MXSHIMD_PID" 2>/dev/null; echo $?)" \
    "SIGUSR1, USR2, ALRM, PIPE, VTALRM, PROF, IO, PWR: still running"
t_is "$(mx $P sig.example)" "10 sig.relay.example.;" "... and answering"

kill -TERM "$MXSHIMD_PID"
wait "$MXSHIMD_PID"

# ---- a 0-byte file is refused on reload; only comments is valid ----
P=$(t_port)
t_mxshimd "$P" "$T_DIR/sig.conf" --upstream "127.0.0.1@$UP"
: >"$T_DIR/sig.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/mxshimd-$P.log" "keeping the rules loaded before"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" \
    "sig\.conf: the file is empty \(0 bytes\), as a file being written is: refused" \
    "truncated to 0 bytes, SIGHUP: refused"
t_is "$(mx $P sig.example)" "10 sig.relay.example.;" \
    "... the old rules keep serving"
t_absent 'loaded 0 rules' "$T_DIR/mxshimd-$P.log" \
    "... no empty set was loaded"
printf '# no overrides for now\n' >"$T_DIR/sig.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/mxshimd-$P.log" "loaded 0 rules"
t_is "$(mx $P sig.example)" "" "a file of only comments: a valid empty set"

# ---- a FIFO at the rules path: an error, never a hang ----
rm -f "$T_DIR/sig.conf"
mkfifo "$T_DIR/sig.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/mxshimd-$P.log" "sig\.conf: a FIFO, not a regular file: refused"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" "sig\.conf: a FIFO, not a regular file: refused" \
    "SIGHUP with a FIFO at the rules path: refused"
kill -TERM "$MXSHIMD_PID"
T_WAIT=3 t_wait_for t_gone "$MXSHIMD_PID"
t_ok $? "... and SIGTERM still stops it"
kill -9 "$MXSHIMD_PID" 2>/dev/null
timeout 10 "$MXSHIMD" --control none --rules "$T_DIR/sig.conf" --listen "127.0.0.1@$P" \
    --upstream "127.0.0.1@$UP" --foreground >"$T_DIR/fifo.out" 2>&1
rc=$?
t_ok $(( rc == 0 || rc == 124 )) "a FIFO at start: exits with an error, no hang (status $rc)"
t_like "$(cat "$T_DIR/fifo.out")" "a FIFO, not a regular file" "... saying why"

# ---- credentials never in its messages ----
printf 'pw.example joe:Zq7 Wx9 Yv3@relay.example\n' >"$T_DIR/pw.conf"
t_mxshimd_once "$T_DIR/pw.out" "$T_DIR/pw.conf"
t_failed $? "a password with an unencoded space: refused"
t_like "$(cat "$T_DIR/pw.out")" "pw\.conf:1:[0-9]+: " "... at FILE:LINE:COLUMN"
t_absent 'Zq7|Wx9|Yv3' "$T_DIR/pw.out" "... without a word of the password"
printf 'pw.example joe:Zq7%%20Wx9%%25@relay.example\n' >"$T_DIR/pw.conf"
P=$(t_port)
t_mxshimd "$P" "$T_DIR/pw.conf" --upstream "127.0.0.1@$UP"
t_is "$(mx $P pw.example)" "10 relay.example.;" "the same password percent-encoded: loaded"
printf 'pw.example joe:Zq7%%2Wx9@relay.example\n' >"$T_DIR/pw.conf"
kill -HUP "$MXSHIMD_PID"
wait_log "$T_DIR/mxshimd-$P.log" "keeping the rules loaded before"
t_like "$(cat "$T_DIR/mxshimd-$P.log")" \
    "pw\.conf:1:19: expected two hex digits after '%' in the password" \
    "a bad escape: FILE:LINE:COLUMN of the '%'"
t_absent 'Zq7|Wx9' "$T_DIR/mxshimd-$P.log" \
    "... and nothing of the password in the log"
kill -TERM "$MXSHIMD_PID"
wait "$MXSHIMD_PID"

# ---- non-dumpable: its /proc files belong to root, whoever runs it ----
# (a process that is not dumpable has /proc/PID owned by root: no
# other user can read its memory, and the kernel writes no core)
if [ $root -eq 1 ] && command -v setpriv >/dev/null; then
	chgrp "$NOGROUP" "$T_DIR/pw.conf"
	printf 'pw.example joe:Zq7%%20Wx9@relay.example\n' >"$T_DIR/pw.conf"
	chmod 644 "$T_DIR/pw.conf"
	P=$(t_port)
	setpriv --reuid nobody --regid "$NOGROUP" --clear-groups \
	    "$MXSHIMD" --control none --rules "$T_DIR/pw.conf" --listen "127.0.0.1@$P" \
	    --upstream "127.0.0.1@$UP" --foreground \
	    >"$T_DIR/nd.out" 2>&1 &
	pid=$!
	T_PIDS="$T_PIDS $pid"
	t_wait_port "$P"
	t_is "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" \
	    "$(id -u nobody)" "started as nobody"
	t_is "$(stat -c %U "/proc/$pid/status")" "root" \
	    "... and not dumpable: /proc/PID belongs to root"
	t_is "$(setpriv --reuid nobody --regid "$NOGROUP" --clear-groups \
	    cat "/proc/$pid/environ" 2>/dev/null | wc -c)" "0" \
	    "... so its own user cannot read its memory"
	kill -TERM "$pid"
	wait "$pid"
else
	t_skip "non-dumpable" "needs root and setpriv"
fi
t_done
