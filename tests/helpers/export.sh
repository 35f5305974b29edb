# tests/helpers/export.sh - sourced by tests/integration/export_*.sh after
# lib.sh and tests/helpers/pf.sh; used inside the namespace: the rules of
# tests/postfix/export.conf exported to a real MTA, a table of messages
# sent through it, and for each one a check that it reached the server,
# the port and (where the line has credentials) the AUTH user that
# `mxshim route` gives the same message.
#
#   xp_setup [--tls CERT KEY]   Unbound on 127.0.0.1:53 (the MTA's DNS and
#                     route's), the aiosmtpd servers of
#                     tests/postfix/export-zones.conf (offering STARTTLS)
#   xp_want DOMAIN [ROUTE-OPTION...]   "ADDR:PORT USER" route gives, "-" as
#                     USER when the line has no credentials; "null" for a
#                     null MX
#   xp_got TAG        "ADDR:PORT USER" the servers logged for message TAG
#   xp_case TAG DOMAIN [ROUTE-OPTION...]   TAP: the message landed as
#                     route says, and once
#   xp_body N         a message body of about N bytes
#   xp_table SEND     for each "TAG FROM TO BYTES AUTH-USER-or--" line of
#                     standard input: SEND those five words (it sends the
#                     message and prints more route options, if any), then
#                     xp_case with the same sender and authenticated user

# the Debian python3 that python3-aiosmtpd is installed for, whatever PATH says
XP_PYTHON=/usr/bin/python3
XP_RULES="$TOP/tests/postfix/export.conf"
XP_SINKS="127.0.0.5:25 127.0.0.5:587=joe:p\"w^x:y@z 127.0.0.6:25
127.0.0.8:2525 127.0.0.9:2526 127.0.0.10:2500=bob:s3cret"

# The messages every MTA's table starts with: "TAG FROM TO BYTES AUTH"
# (the lines each MTA carries).
XP_COMMON="p1 alice@mta.test bob@partner.example 200 -
s1 n@news.example u@a.sub.example 200 -
s2 alice@mta.test u@a.sub.example 200 -
v2 alice@mta.test u@viaauth.example 200 -
n1 alice@mta.test u@plain.example 200 -
r1 alice@mta.test u@late.example 200 -"

xp_setup() {
	"$XP_PYTHON" -c "import aiosmtpd" 2>/dev/null ||
	    t_missing "python3-aiosmtpd"
	t_unbound 53 "$TOP/tests/postfix/export-zones.conf" ||
	    t_bail "unbound did not start"
	XP_LOG="$T_DIR/sinks.log"
	: >"$XP_LOG"
	# shellcheck disable=SC2086
	"$XP_PYTHON" "$TOP/tests/helpers/auth_sink.py" "$@" "$XP_LOG" $XP_SINKS \
	    >"$T_DIR/sinks.err" 2>&1 &
	T_PIDS="$T_PIDS $!"
	for s in $XP_SINKS; do
		a=${s%%=*}
		pf_wait_addr "${a%:*}" "${a##*:}" || return 1
	done
}

# xp_addr HOST: its address (the synthetic names hold theirs).
xp_addr() {
	case "$1" in
	*.v4.mxshim.invalid) echo "${1%%.v4.*}" | tr - . ;;
	*) t_dig 53 +short A "$1" | head -n 1 ;;
	esac
}

xp_want() {
	d=$1; shift
	r=$("$MXSHIM" route --rules "$XP_RULES" --upstream 127.0.0.1@53 \
	    --show-secrets "$@" "$d" 2>/dev/null | sed -n 1p)
	case "$r" in
	"0 ."*)	echo null; return ;;
	"# no override"*)
		r=$(t_dig 53 +short MX "$d" | sort -n | head -n 1) ;;
	esac
	set -- $r
	hp=${2##*@} user=-
	case "$2" in *@*) u=${2%@*}; user=${u%%:*} ;; esac
	host=${hp%%:*} port=25
	case "$hp" in *:*) port=${hp##*:} ;; esac
	echo "$(xp_addr "${host%.}"):$port $user"
}

xp_got() {
	sed -n "s/^$1 //p" "$XP_LOG"
}

xp_case() {
	tag=$1 d=$2; shift 2
	want=$(xp_want "$d" "$@")
	got=$(xp_got "$tag")
	if [ "$want" = null ]; then
		t_is "$got" "" "$tag: $d has a null MX: delivered nowhere"
		return
	fi
	t_is "$got" "$want" "$tag: $d $* lands where route says ($want)"
}

xp_body() {
	i=0
	while [ $i -lt "$1" ]; do
		echo "0123456789012345678901234567890123456789012345678901234567890123456789"
		i=$((i + 71))
	done
}

xp_table() {
	while read -r tag from to bytes auth; do
		more=$("$1" "$tag" "$from" "$to" "$bytes" "$auth")
		ctx=""
		[ "$auth" = - ] || ctx="--authsender $auth"
		# shellcheck disable=SC2086
		xp_case "$tag" "${to#*@}" --from "$from" $ctx $more
	done
}
