# tests/helpers/exim.sh - sourced by tests/integration/exim_*.sh after
# tests/helpers/pf.sh: Exim as a second real sender beside Postfix.
#
# apt will not install Exim beside Postfix (both are the system's MTA), so
# its Debian packages are unpacked into tests/out/exim (apt-get download,
# dpkg-deb -x) before the test enters its namespace; the binary runs from
# there with a configuration of our own (-C).  Inside the namespace a
# private /etc/passwd and /etc/group give it the Debian-exim user its
# binary asks for before reading any configuration.
#
#   ex_fetch        outside: unpack exim4 into tests/out/exim (once); sets EXIM
#   ex_setup        inside: user, directories, configuration; sets EX_CONF
#   ex_conf FILE [OPTION]  another configuration, one more smtp option
#   ex_send TAG FROM TO [ENV...]   submit and deliver at once (-odi)
#   ex_wait TAG / ex_relay TAG     as pf_wait / pf_relay, for pf_delivered

EX_PKGS="exim4-base exim4-daemon-light"

# ex_fetch: the packages of the candidate version, unpacked (into a
# private directory renamed into place, so that two runs at once do not
# trip over each other); a failure (no network, no such package, a
# library missing) is for the caller to skip on.
ex_fetch() {
	EXIM="$TOP/tests/out/exim/root/usr/sbin/exim4"
	pf_deb_fetch exim /usr/sbin/exim4 ex_unpack &&
	    ! ldd "$EXIM" | grep -q 'not found'
}

# ex_unpack DIR: the packages, unpacked in DIR/root (pf_deb_unpack).
ex_unpack() {
	# shellcheck disable=SC2086
	pf_deb_unpack "$1" $EX_PKGS || return 1
	# We are root already.  Set-uid, the re-executed Exim processes would
	# run in the loader's secure mode, which ignores LD_PRELOAD.
	chmod u-s "$1/root/usr/sbin/exim4"
}

# ex_setup: the Debian-exim user (a free uid) in private copies of
# /etc/passwd and /etc/group (pf_user), spool and log directories it owns,
# and the configuration from tests/postfix/exim.conf.in.
ex_setup() {
	pf_user Debian-exim "$(pf_free_id 64990)" || return 1
	mkdir -p "$T_DIR/exim-spool" "$T_DIR/exim-log"
	chown Debian-exim:Debian-exim "$T_DIR/exim-spool" "$T_DIR/exim-log"
	EX_LOG="$T_DIR/exim-log/mainlog"
	ex_conf "$T_DIR/exim.conf" && EX_CONF="$T_DIR/exim.conf"
}

# ex_conf FILE [SMTP-TRANSPORT-OPTION]: write a configuration to FILE from
# tests/postfix/exim.conf.in, with one more option for the smtp transport
# and the names of t_preload_env's variables kept, and have Exim check it.
ex_conf() {
	keep=$(t_preload_env x | sed 's/=[^ ]*//g; s/ / : /g')
	sed -e "s|@DIR@|$T_DIR|g" -e "s|@EXIM@|$EXIM|g" -e "s|@SMTP@|${2:-}|" \
	    -e "s|@KEEP@|$keep|" "$TOP/tests/postfix/exim.conf.in" >"$1"
	"$EXIM" -C "$1" -bV >"$T_DIR/exim-bV.log" 2>&1
}

# ex_send TAG FROM TO [NAME=VALUE...]: submit a message (Message-ID
# <TAG@mta.test>) and have Exim deliver it before returning (-odi), with
# the given variables in its environment.
ex_send() {
	tag=$1 from=$2 to=$3
	shift 3
	printf 'From: %s\nTo: %s\nSubject: mxshim test %s\nMessage-ID: <%s@mta.test>\n\nThis message is %s.\n' \
	    "$from" "$to" "$tag" "$tag" "$tag" |
	    env "$@" "$EXIM" -C "$EX_CONF" -odi -f "$from" -- "$to" \
	    >>"$T_DIR/exim-send.log" 2>&1
}

# ex_log TAG: the main log lines of that message.
ex_log() {
	id=$(sed -n "s/^[-0-9]* [0-9:]* \([^ ]*\) <= .* id=$1@mta\.test.*/\1/p" \
	    "$EX_LOG" | head -n 1)
	[ -n "$id" ] && grep " $id " "$EX_LOG"
}

# ex_wait TAG: "sent" once Exim logged the delivery (=>), "deferred" when
# it kept the message (==), "bounced" on a failure (**).  ex_send returns
# after the attempt, so there is nothing to wait for.
ex_wait() {
	l=$(ex_log "$1")
	case "$l" in
	*" => "*)	echo sent ;;
	*" ** "*)	echo bounced ;;
	*" == "*)	echo deferred ;;
	*)		echo none; return 1 ;;
	esac
}

# ex_relay TAG: "HOST[ADDR]:PORT" of the delivery, in Postfix's notation.
ex_relay() {
	ex_log "$1" |
	    sed -n 's/.* => .* H=\([^ ]*\) \[\([0-9.]*\)\]:\([0-9]*\) .*/\1[\2]:\3/p' |
	    tail -n 1
}
