#!/bin/sh
# mxshim run: the command runs with libmxshim.so preloaded and the context
# set, the library is found in the build tree and where it is installed,
# set-ID programs (which the preload cannot reach) are refused, and
# mistakes are reported before anything runs.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
t_ns_enter "$@"
shim_ns_setup
[ -x "$MXSHIM" ] || t_missing "cli/mxshim (make)"

R="$T_DIR/rules.conf"
cat >"$R" <<'RULES'
partner.example   relay.example.net         $end
from.example      from-relay.example.net    $from=bob@sender.example $end
auth.example      auth-relay.example.net    $authsender=alice $end
size.example      big-relay.example.net     $size>=1000 $end
retry.example     retry-relay.example.net   $retries>=3 $end
*.example         default-relay.example.net
RULES

# target NAME [RUN-OPTIONS]: the MX target the command sees.
target() {
	name=$1; shift
	"$MXSHIM" run --rules "$R" "$@" -- "$Q" -c res_search "$name" MX |
	    sed -n 's/^an: .*MX\t[0-9]* //p'
}

t_is "$(target partner.example)" relay.example.net. "run: the command sees the override"
t_is "$(target from.example --from bob@sender.example)" from-relay.example.net. "run --from"
t_is "$(target auth.example --authsender alice)" auth-relay.example.net. "run --authsender"
t_is "$(target size.example --size 1000)" big-relay.example.net. "run --size"
t_is "$(target retry.example --retries 3)" retry-relay.example.net. "run --retries"
t_is "$(target size.example)" default-relay.example.net. "run without --size: the condition is false"

env=$("$MXSHIM" run --rules "$R" -- sh -c 'echo "$LD_PRELOAD"')
# (in a sanitizer build, after the ASan runtime: see t_preload)
t_is "$env" "$(t_preload "$TOP/cli/../shim/.libs/libmxshim.so")" "run: the library is found in the build tree"
env=$(LD_PRELOAD=/nonexistent.so "$MXSHIM" run --rules "$R" -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
t_like "$env" 'libmxshim\.so:/nonexistent\.so$' "run: an existing LD_PRELOAD is kept, after the shim"
env=$(cd "$T_DIR" && "$MXSHIM" run --rules rules.conf -- sh -c 'echo "$MXSHIM_RULES"')
t_is "$env" "$T_DIR/rules.conf" "run: a relative --rules becomes absolute"

# Installed: a copy of the command outside the build tree finds the
# library in its configured libdir (a private tmpfs over it, here).
libdir=$(sed -n 's/^#define MXSHIM_LIBDIR "\(.*\)"$/\1/p' "$TOP/cli/run-paths.h")
if [ -n "$libdir" ] && mkdir -p "$libdir" && mount -t tmpfs tmpfs "$libdir"; then
	mkdir -p "$T_DIR/bin"
	cp "$MXSHIM" "$T_DIR/bin/mxshim"
	cp "$SHIM_LIB" "$libdir/libmxshim.so"
	env=$("$T_DIR/bin/mxshim" run --rules "$R" -- sh -c 'echo "$LD_PRELOAD"')
	t_is "$env" "$(t_preload "$libdir/libmxshim.so")" "run: the installed library is found"
	out=$("$T_DIR/bin/mxshim" run --rules "$R" -- "$Q" res_query partner.example MX)
	t_like "$out" 'MX.10 relay.example.net.$' "run: the installed library answers"
	rm "$libdir/libmxshim.so"
	"$T_DIR/bin/mxshim" run --rules "$R" -- true 2>"$T_DIR/err"
	t_is "$?" 1 "run: no library anywhere: status 1"
	t_like "$(cat "$T_DIR/err")" 'libmxshim.so not found' "run: no library: said so"
	umount "$libdir"
else
	t_ok 1 "run: cannot fake an installed libdir ($libdir)"
fi

# Set-ID programs (Debian's sendmail and dma are set-group-ID): the loader
# ignores LD_PRELOAD for them, so run refuses them, saying why and what
# works instead (issue 11, item 11).  Copies of the test program on a
# private tmpfs that honours the bits.
sid="$T_DIR/sid"
mkdir -p "$sid" "$T_DIR/nosuid"
if mount -t tmpfs -o suid,exec tmpfs "$sid" &&
    mount -t tmpfs -o nosuid,exec tmpfs "$T_DIR/nosuid"; then
	mkdir "$sid/bin"
	for c in sgid suid own nosuid; do
		d="$sid/bin"; [ $c = nosuid ] && d="$T_DIR/nosuid"
		cp "$Q" "$d/q-$c"
	done
	chgrp nogroup "$sid/bin/q-sgid" && chmod 2755 "$sid/bin/q-sgid"
	chown nobody "$sid/bin/q-suid" && chmod 4755 "$sid/bin/q-suid"
	chgrp "$(id -g)" "$sid/bin/q-own" && chmod 2755 "$sid/bin/q-own"
	chgrp nogroup "$T_DIR/nosuid/q-nosuid" && chmod 2755 "$T_DIR/nosuid/q-nosuid"
	ovr='MX.10 relay\.example\.net\.$'

	# the reason is real: the loader does not load the shim
	out=$(shim "$R" "$sid/bin/q-sgid" res_query partner.example MX)
	t_like "$out" '^rc=-1' "set-group-ID program under LD_PRELOAD: no override (control)"
	for c in sgid suid; do
		what=set-group-ID; [ $c = suid ] && what=set-user-ID
		out=$("$MXSHIM" run --rules "$R" -- "$sid/bin/q-$c" res_query partner.example MX 2>&1)
		t_is "$?" 1 "run: a $what program is refused: status 1"
		t_like "$out" "q-$c is $what: the dynamic loader ignores LD_PRELOAD" "run: $what: says why"
		t_like "$out" 'resolver mode: see mxshimd\(8\)' "run: $what: points to mxshimd"
		t_unlike "$out" '^rc=' "run: $what: the program did not run"
	done
	out=$(PATH="$sid/bin:$PATH" "$MXSHIM" run --rules "$R" -- q-sgid res_query partner.example MX 2>&1)
	t_like "$out" "^mxshim run: $sid/bin/q-sgid is set-group-ID" "run: a set-ID program found along PATH is refused"
	out=$(PATH="$sid/bin:$PATH" "$MXSHIM" run --rules "$R" -- q-own res_query partner.example MX 2>&1)
	t_like "$out" "$ovr" "run: set-group-ID to the caller's own group changes nothing: runs, shim loaded"
	out=$("$MXSHIM" run --rules "$R" -- "$T_DIR/nosuid/q-nosuid" res_query partner.example MX 2>&1)
	t_like "$out" "$ovr" "run: set-group-ID on a nosuid mount changes nothing: runs, shim loaded"
	umount "$sid" "$T_DIR/nosuid"
else
	t_skip "run: set-ID programs" "cannot mount a tmpfs"
fi

# Mistakes are reported before anything runs.
printf 'x.example relay.example.net $size>big\n' >"$T_DIR/bad.conf"
out=$("$MXSHIM" run --rules "$T_DIR/bad.conf" -- touch "$T_DIR/ran" 2>&1)
t_is "$?" 1 "run: invalid rules: status 1"
t_like "$out" 'bad.conf:1:[0-9]+:' "run: invalid rules: FILE:LINE:COLUMN"
t_no_file "$T_DIR/ran" "run: invalid rules: the command did not run"
"$MXSHIM" run --rules "$R" --size 10k -- true 2>/dev/null
t_is "$?" 2 "run: --size must be a number (usage error)"
"$MXSHIM" run --rules "$R" 2>/dev/null
t_is "$?" 2 "run: no command (usage error)"
"$MXSHIM" run --rules "$R" -- "$T_DIR/no-such-command" 2>/dev/null
t_is "$?" 127 "run: command not found: 127"
"$MXSHIM" run --rules "$R" -- sh -c 'exit 7'
t_is "$?" 7 "run: the command's exit status is returned"

t_done
