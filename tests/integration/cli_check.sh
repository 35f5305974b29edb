#!/bin/sh
# mxshim check: exit status, FILE:LINE:COLUMN errors, warnings.
. "${MXSHIM_TOP:-.}/tests/lib.sh"

f="$T_DIR/good.conf"
cp "$TOP/examples/overrides.conf" "$f"
chmod 600 "$f"
out=$("$MXSHIM" check "$f" 2>"$T_DIR/err"); rc=$?
t_is "$rc" 0 "check: the spec's example is valid"
t_like "$out" "good.conf: 5 overrides, valid" "check: says how many overrides"
t_like "$(cat "$T_DIR/err")" "good.conf:11:1: warning: this line can never apply in resolver mode" \
    "check: warns about a line the resolver can never apply"
t_absent credentials "$T_DIR/err" \
    "check: no credentials warning for a 0600 file"

chmod 644 "$f"
"$MXSHIM" check "$f" >/dev/null 2>"$T_DIR/err"; rc=$?
t_is "$rc" 0 "check: readable credentials are a warning, not an error"
t_like "$(cat "$T_DIR/err")" "warning: the file holds credentials and can be read by every user" \
    "check: warns about credentials others can read"
t_absent letmein "$T_DIR/err" "check: never prints the password"

cat >"$T_DIR/bad.conf" <<'R'
# two errors, one good line
good.example relay.example
bad.example relay.example $priority:99999
*.x.example relay.example $size~=1
R
out=$("$MXSHIM" check "$T_DIR/bad.conf" 2>&1); rc=$?
t_is "$rc" 1 "check: a file with errors exits 1"
t_is "$(printf '%s\n' "$out" | grep -c '^.*bad.conf:[0-9]*:[0-9]*: ')" 2 \
    "check: one FILE:LINE:COLUMN line per error"
t_like "$out" "bad.conf:3:37: priority '99999' out of range \(0-65535\)" \
    "check: priority error at its column"
t_like "$out" "bad.conf:4:32: ~= and ~! compare text; \\\$size is a number" \
    "check: operator error at its column"

cat >"$T_DIR/hidden.conf" <<'R'
*  relay.example $end
partner.example other.example
R
out=$("$MXSHIM" check "$T_DIR/hidden.conf" 2>&1); rc=$?
t_is "$rc" 0 "check: hidden lines are a warning"
t_like "$out" "hidden.conf:2:1: warning: this line is never reached: line 1 always stops first" \
    "check: warns about a line behind a catch-all \$end"

"$MXSHIM" check "$T_DIR/missing.conf" 2>"$T_DIR/err"; rc=$?
t_is "$rc" 1 "check: a missing file exits 1"
t_like "$(cat "$T_DIR/err")" "cannot read .*missing.conf: No such file" \
    "check: says why the file cannot be read"

# credentials: the recommended arrangement (root, mxshimd's group, 0640)
printf 'x.example joe:letmein@relay.example\n' >"$T_DIR/cred.conf"
chmod 640 "$T_DIR/cred.conf"
grp=$(id -gn)
"$MXSHIM" check "$T_DIR/cred.conf" >/dev/null 2>"$T_DIR/err"
if [ "$grp" = _mxshim ]; then
	t_skip "check: another group" "the test runs as group _mxshim"
else
	t_like "$(cat "$T_DIR/err")" \
	    "can be read by group $grp \(chown root:_mxshim .*cred\.conf && chmod 640 .*cred\.conf, _mxshim being mxshimd's group\)" \
	    "check: a group other than mxshimd's can read credentials: recommends root:_mxshim 0640"
fi
t_absent 'chmod 600' "$T_DIR/err" \
    "check: no longer recommends chmod 600 (reloads as --user fail)"
if getent group _mxshim >/dev/null && [ "$(id -u)" -eq 0 ]; then
	chgrp _mxshim "$T_DIR/cred.conf"
	"$MXSHIM" check "$T_DIR/cred.conf" >/dev/null 2>"$T_DIR/err"
	t_is "$(cat "$T_DIR/err")" "" "check: root:_mxshim 0640 draws no warning"
else
	t_skip "check: root:_mxshim 0640" "no group _mxshim (the package creates it)"
fi

# a password with an unencoded space: an error that quotes none of it
printf 'x.example joe:Zq7 Wx9 Yv3@relay.example\n' >"$T_DIR/pw.conf"
"$MXSHIM" check "$T_DIR/pw.conf" >"$T_DIR/out" 2>&1; rc=$?
t_is "$rc" 1 "check: a password with a space is an error"
t_absent 'Zq7|Wx9|Yv3' "$T_DIR/out" \
    "check: ... that prints no word of the password"
printf 'x.example joe:Zq7%%20Wx9%%40Yv3@relay.example\n' >"$T_DIR/pw.conf"
"$MXSHIM" check "$T_DIR/pw.conf" >/dev/null 2>&1
t_is "$?" 0 "check: the password percent-encoded is valid"

# what is not a regular file is an error, never a hang
mkfifo "$T_DIR/fifo.conf"
timeout 10 "$MXSHIM" check "$T_DIR/fifo.conf" >"$T_DIR/out" 2>&1; rc=$?
t_is "$rc" 1 "check: a FIFO exits 1 at once (124: it hung)"
t_like "$(cat "$T_DIR/out")" "fifo\.conf: a FIFO, not a regular file: refused" \
    "check: ... saying what it is"

# an empty file is a warning; a file of comments is a valid empty set
: >"$T_DIR/empty.conf"
out=$("$MXSHIM" check "$T_DIR/empty.conf" 2>&1); rc=$?
t_is "$rc" 0 "check: an empty file exits 0"
t_like "$out" "empty\.conf: warning: the file is empty \(0 bytes\): no overrides; mxshimd refuses to reload an empty file" \
    "check: ... with a warning"
printf '# nothing yet\n' >"$T_DIR/comments.conf"
out=$("$MXSHIM" check "$T_DIR/comments.conf" 2>&1); rc=$?
t_is "$out" "$T_DIR/comments.conf: 0 overrides, valid" \
    "check: a file of only comments: valid, no warning"

"$MXSHIM" check --bogus 2>/dev/null; rc=$?
t_is "$rc" 2 "check: a usage error exits 2"
t_like "$("$MXSHIM" check --help)" "usage: mxshim check" "check --help"
"$MXSHIM" check --max-rules-lines x "$T_DIR/comments.conf" 2>"$T_DIR/err"; rc=$?
t_is "$rc" 2 "check: a bad option value exits 2"
t_like "$(cat "$T_DIR/err")" "--max-rules-lines x: expected a number of lines"     "check: ... saying what was expected"
t_done
