#!/bin/sh
# libmxshim.so, the res_* hooks: every hooked function under its new and
# its old versioned name, passthrough, the shape of synthesized answers,
# h_errno as glibc sets it, anslen/TC, and fail-closed.
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/shim.sh"
t_ns_enter "$@"
shim_ns_setup

R="$T_DIR/rules.conf"
cat >"$R" <<'RULES'
partner.example   joe:secret@relay.example.net:2587
null.example      .
v4.example        127.0.0.14
v6.example        [2001:db8::25]
RULES
TAB=$(printf '\t')
OVR="an: partner.example.${TAB}60${TAB}IN${TAB}MX${TAB}10 relay.example.net."
REAL="an: plain.example.net.${TAB}300${TAB}IN${TAB}MX${TAB}10 mx1.example.net."

# The old binary really uses the pre-2.34 names (else this proves nothing):
# __res_query@GLIBC_2.2.5 on x86-64, the version configure found elsewhere.
compat=$(sed -n 's/^#define MXSHIM_RES_COMPAT_VERSION "\(.*\)"$/\1/p' "$TOP/config.h")
if [ -n "$compat" ]; then
	syms=$(objdump -T "$QOLD" | grep -c "($compat) *__res_n\{0,1\}\(query\|search\|querydomain\|send\)\$")
	t_is "$syms" 8 "shimq_old references the 8 __res_*@$compat names"
else
	t_skip "shimq_old: the pre-2.34 names" "this glibc has none"
	QOLD=
fi

# Without the shim, the overridden name does not exist (control).
out=$("$Q" res_query partner.example MX)
t_like "$out" '^rc=-1' "without the shim partner.example has no MX"

for prog in "$Q" $QOLD; do
	p=$(basename "$prog")
	for f in res_query res_search res_nquery res_nsearch res_send \
	    res_nsend res_querydomain res_nquerydomain; do
		case $f in
		*domain) ovr="partner example"; real="plain example.net" ;;
		*) ovr=partner.example; real=plain.example.net ;;
		esac
		out=$(shim "$R" "$prog" $f $ovr MX)
		t_like "$out" "^$OVR\$" "$p $f: override answered"
		real_out=$(shim "$R" "$prog" $f $real MX)
		t_like "$real_out" "^$REAL\$" "$p $f: other names pass through"
	done
done

# Shape of a synthesized answer.
out=$(shim "$R" "$Q" res_query PaRtNeR.example MX)
t_like "$out" "^qd: PaRtNeR.example.${TAB}IN${TAB}MX\$" "question echoed, case kept"
t_like "$out" '^rcode=NOERROR tc=0 id=[0-9]+ an=1 ar=0$' "header counts right"
t_like "$out" '^rc=[1-9]' "returns the answer length"
case $out in *secret*|*joe*) t_ok 1 "credentials stay out of the answer" ;;
*) t_ok 0 "credentials stay out of the answer" ;; esac
out=$(shim "$R" "$Q" res_query null.example MX)
t_like "$out" "^an: null.example.${TAB}60${TAB}IN${TAB}MX${TAB}0 .\$" "null MX"
out=$(shim "$R" "$Q" res_query v4.example MX)
t_like "$out" "^ad: 127-0-0-14.v4.mxshim.invalid.${TAB}60${TAB}IN${TAB}A${TAB}127.0.0.14\$" \
    "address target: glue in the additional section"
t_like "$out" 'an=1 ar=1$' "address target: counts"
out=$(shim "$R" "$Q" res_send v6.example MX)
t_like "$out" "^ad: 20010db8000000000000000000000025.v6.mxshim.invalid.${TAB}60${TAB}IN${TAB}AAAA${TAB}2001:db8::25\$" \
    "res_send: IPv6 address target glue"
t_like "$out" '^rcode=NOERROR tc=0 id=[1-9]' "res_send: the query's ID is echoed"

# Other types for overridden names go to real DNS.
out=$(shim "$R" "$Q" res_query txt.example.net TXT)
t_like "$out" 'TXT.*"real txt"' "TXT passes through"
out=$(shim "$R" "$Q" res_query partner.example A)
t_like "$out" '^rc=-1 h_errno=1 ' "A for an overridden domain goes to real DNS (NXDOMAIN there)"

# h_errno and errno: as glibc sets them for the same kind of reply.
for f in res_query res_search res_nquery res_nsearch; do
	want=$(shim "$R" "$Q" $f plain.example.net MX | sed -n '1s/^rc=[0-9]* \(h_errno=[^ ]* res_h_errno=[^ ]*\).*/\1/p')
	got=$(shim "$R" "$Q" $f partner.example MX | sed -n '1s/^rc=[0-9]* \(h_errno=[^ ]* res_h_errno=[^ ]*\).*/\1/p')
	t_is "$got" "$want" "$f: h_errno on success as glibc's ($want)"
	want=$(shim "$R" "$Q" $f nomx.example.net MX | sed -n '1s/ errno=.*//p')
	got=$(shim "$R" "$Q" $f 127-0-0-14.v4.mxshim.invalid AAAA | sed -n '1s/ errno=.*//p')
	t_is "$got" "$want" "$f: NODATA gives glibc's -1/NO_DATA"
done
out=$(shim "$R" "$Q" res_nsearch partner.example MX | head -1)
t_like "$out" 'errno=kept$' "errno preserved"

# anslen: an answer that does not fit is cut to header+question with TC.
out=$(shim "$R" "$Q" -l 40 res_query partner.example MX)
t_like "$out" '^rcode=NOERROR tc=1 id=[0-9]+ an=0 ar=0$' "TC when the answer does not fit anslen"
t_like "$out" '^rc=33 ' "TC answer length within anslen"
out=$(shim "$R" "$Q" -l 40 res_send partner.example MX)
t_like "$out" 'tc=1 .*an=0' "res_send: TC when it does not fit"
out=$(shim "$R" "$Q" -l 20 res_query partner.example MX)
t_like "$out" '^rc=-1 h_errno=2 ' "no room even for the question: TRY_AGAIN"

# Fail closed: no rules file.
shim "$T_DIR/missing.conf" "$Q" res_query partner.example MX \
    >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?" 0 "missing rules: the program does not crash"
t_like "$(cat "$T_DIR/out")" '^rc=-1 h_errno=2 res_h_errno=2 ' "missing rules: MX fails with TRY_AGAIN"
t_is "$(wc -l <"$T_DIR/err")" 1 "missing rules: one line on stderr"
t_like "$(cat "$T_DIR/err")" 'libmxshim: cannot load .*missing.conf' "missing rules: the line says why"
out=$(shim "$T_DIR/missing.conf" "$Q" res_query plain.example.net MX 2>/dev/null)
t_like "$out" '^rc=-1 h_errno=2 ' "missing rules: even unmatched MX defers (never misrouted)"
out=$(shim "$T_DIR/missing.conf" "$Q" res_query mx1.example.net A 2>/dev/null)
t_like "$out" '127\.0\.0\.11$' "missing rules: A lookups still work"
out=$(shim "$T_DIR/missing.conf" "$Q" res_send partner.example MX 2>/dev/null)
t_like "$out" 'rcode=SERVFAIL' "missing rules: res_send gets SERVFAIL"

# Fail closed: a file with an error is rejected whole.
printf 'partner.example relay.example.net\nbad.example relay.example.net $bogus\n' >"$T_DIR/bad.conf"
shim "$T_DIR/bad.conf" "$Q" res_search partner.example MX >"$T_DIR/out" 2>"$T_DIR/err"
t_like "$(cat "$T_DIR/out")" '^rc=-1 h_errno=2 ' "bad rules: TRY_AGAIN, the good line is not used"
t_like "$(cat "$T_DIR/err")" 'bad.conf:2:[0-9]+:' "bad rules: FILE:LINE:COLUMN on stderr"
t_is "$(wc -l <"$T_DIR/err")" 1 "bad rules: one line on stderr"

# Real data unavailable ($adddns on a name the resolver refuses): defer.
printf 'broken.example.net relay.example.net $adddns\n' >"$T_DIR/adddns.conf"
out=$(shim "$T_DIR/adddns.conf" "$Q" res_nquery broken.example.net MX)
t_like "$out" '^rc=-1 h_errno=2 res_h_errno=2 ' "real lookup fails: TRY_AGAIN, not NXDOMAIN"

t_done
