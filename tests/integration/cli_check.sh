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

"$MXSHIM" check --bogus 2>/dev/null; rc=$?
t_is "$rc" 2 "check: a usage error exits 2"
t_like "$("$MXSHIM" check --help)" "usage: mxshim check" "check --help"
t_done
