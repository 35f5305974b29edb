# tests/helpers/pf.sh - real mail through a real Postfix, for
# tests/integration/postfix_*.sh, exim_*.sh and examples/demo.sh.  Source
# it after tests/lib.sh, then call `pf_ns_enter "$@"`.
#
# Everything happens inside a private network, mount and pid namespace:
# only loopback exists, /etc/resolv.conf is a private file bind-mounted
# over the real one, and every process dies with the test.  Postfix runs
# from a private configuration directory (postfix -c DIR); Postfix's own
# smtp-sink plays the remote mail servers on extra loopback addresses
# (127.0.0.5 and up) and stores what it receives.
#
# Where Postfix is not installed (apt will not install it beside exim4 or
# sendmail, the system's MTA), Debian's postfix package is unpacked into
# tests/out/postfix before the test enters its namespace (pf_fetch), and
# inside it pf_use shows that copy at Postfix's own paths: overlays on
# /usr and /etc put its files first (and keep what is written there in
# the test's directory), /usr/lib/postfix (daemons, libraries)
# and /etc/postfix are bind-mounted from it alone, and private /etc/passwd
# and /etc/group give the postfix user and postdrop group.  The programs
# keep their compiled-in paths: no LD_LIBRARY_PATH, no main.cf change.
# MXSHIM_TEST_POSTFIX=unpacked does the same where Postfix is installed
# (tests/integration/postfix_unpacked.sh: postfix_plain.sh so, with
# pf_from_copy proving the installed one unused).
#
#   pf_ns_enter ARGS...       outside: pf_need, then t_ns_enter --pid;
#                             inside: pf_ns_setup
#   pf_need                   outside: pf_fetch, or skip the test
#   pf_ns_setup               inside: pf_use, loopback, a private resolv.conf
#   pf_ns_net                 inside: the same without Postfix (tests that
#                             use another MTA and no smtp-sink)
#   pf_unpacked               whether this run uses the unpacked copy
#   pf_fetch                  outside: unpack it once (if used); on failure
#                             says why on stdout
#   pf_use                    inside: show it at Postfix's paths (if used)
#   pf_from_copy              TAP: the running Postfix is the copy's files
#   pf_free_id START          the highest uid and gid below START, both free
#   pf_accounts               inside: private /etc/passwd and /etc/group
#   pf_user NAME ID           inside: user and group NAME unless NAME exists
#   pf_sink NAME ADDR[:PORT]  start an smtp-sink storing into $T_DIR/sink-NAME
#   pf_setup [KEY=VALUE...]   write the private Postfix instance
#   pf_start / pf_stop        start and stop it (pf_start needs pf_setup)
#   pf_send TAG FROM TO       submit a message through sendmail(1)
#   pf_wait TAG               wait for its delivery to end (sent or deferred)
#   pf_qid TAG                its queue ID
#   pf_log TAG                its lines of the Postfix log
#   pf_relay TAG              where it was sent: host[addr]:port
#   pf_sink_has NAME TAG      whether a sink stored it
#   pf_delivered TAG SINK ... TAP: sent, where, stored by that sink once
#   pf_queue / pf_flush       the queue IDs still queued; try them all now
#   pf_no_problems            TAP: no warning in the Postfix log

PF_WAIT=${PF_WAIT:-20}	# seconds a delivery may take before we give up

# pf_ns_enter ARGS...: pf_need, then the test again in its namespaces
# (t_ns_enter --pid), and there pf_ns_setup.
pf_ns_enter() {
	pf_need
	t_ns_enter --pid "$@"
	pf_ns_setup
}

# pf_need: before t_ns_enter, pf_fetch (the namespace has no network); a
# copy that cannot be unpacked is a missing dependency.  Inside, nothing.
pf_need() {
	if [ -z "${T_IN_NS:-}" ] && [ "$(id -u)" = 0 ]; then
		why=$(pf_fetch) || t_missing "$why"
	fi
}

# pf_ns_setup: Postfix (pf_use), then pf_ns_net.
pf_ns_setup() {
	PATH="$PATH:/usr/sbin:/sbin"
	pf_use
	for c in postfix postconf postqueue sendmail smtp-sink; do
		command -v "$c" >/dev/null 2>&1 ||
		    t_missing "$c (Debian package postfix)"
	done
	pf_ns_net
}

# pf_ns_net: loopback up, resolv.conf pointing at 127.0.0.1, and the
# scratch directory open to the postfix and nobody users (Postfix's smtp
# reads the rules and the library from there in preload mode, smtp-sink
# writes its dumps there).
pf_ns_net() {
	t_ns_resolver 2
	chmod 755 "$T_DIR"
}

PF_PKGS="postfix"
PF_ROOT="$TOP/tests/out/postfix/root"

# pf_unpacked: true when Postfix comes from tests/out/postfix: it is not
# installed, or MXSHIM_TEST_POSTFIX=unpacked.  Decided when this file is
# sourced, before pf_use puts the copy at /usr/sbin/postfix (the run in
# the namespace sources it again, before pf_use too).
PF_UNPACKED=
if [ "${MXSHIM_TEST_POSTFIX:-}" = unpacked ] || [ ! -x /usr/sbin/postfix ]
then
	PF_UNPACKED=1
fi
pf_unpacked() {
	[ -n "$PF_UNPACKED" ]
}

# pf_fetch: when the unpacked copy is used, Debian's postfix package and
# the libraries it needs that are not installed, unpacked once into
# tests/out/postfix (pf_deb_fetch); on failure, says why on stdout.
pf_fetch() {
	pf_unpacked || return 0
	pf_deb_fetch postfix /usr/sbin/postfix pf_unpack && return 0
	echo "postfix, unpacked (apt-get download $PF_PKGS failed)"
	return 1
}

# pf_unpack DIR: what pf_fetch unpacks, in DIR/root, finished the way
# Debian's postinst finishes an installation: master.cf and dynamicmaps.cf
# in /etc/postfix, postdrop and postqueue set-gid postdrop.  The ids of
# the postfix user and the postdrop group (the installed ones, else free
# ones) go into DIR/passwd and DIR/group for pf_use to add.  lib/ is moved
# into usr/lib: pf_use overlays /usr, not /lib (a link to usr/lib).
pf_unpack() {
	libs=$(apt-cache show --no-all-versions postfix |
	    sed -n 's/^Depends: //p' | tr ',' '\n' |
	    sed -n 's/^ *\(lib[^ ]*\).*/\1/p' | while read -r p; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null |
		    grep -q ' installed$' || echo "$p"
	    done)
	# shellcheck disable=SC2086
	pf_deb_unpack "$1" $PF_PKGS $libs || return 1
	r=$1/root
	if [ -d "$r/lib" ]; then
		cp -a "$r/lib/." "$r/usr/lib/" && rm -rf "${r:?}/lib" || return 1
	fi
	cp "$r/usr/share/postfix/master.cf.dist" "$r/etc/postfix/master.cf" &&
	    cp "$r/usr/share/postfix/dynamicmaps.cf" "$r/etc/postfix/" ||
	    return 1
	uid=$(id -u postfix 2>/dev/null) || uid=$(pf_free_id 64970)
	gid=$(getent group postfix | cut -d: -f3)
	drop=$(getent group postdrop | cut -d: -f3)
	: "${gid:=$uid}" "${drop:=$(pf_free_id $((uid - 1)))}"
	echo "postfix:x:$uid:$gid::/var/spool/postfix:/usr/sbin/nologin" \
	    >"$1/passwd"
	printf 'postfix:x:%s:\npostdrop:x:%s:\n' "$gid" "$drop" >"$1/group"
	chgrp "$drop" "$r/usr/sbin/postdrop" "$r/usr/sbin/postqueue" &&
	    chmod 2555 "$r/usr/sbin/postdrop" "$r/usr/sbin/postqueue"
}

# pf_use: when the unpacked copy is used, show it at Postfix's paths in
# this mount namespace (see the top of this file); a failure ends the
# test (skipped for a copy not there or missing libraries, failed for a
# mount that did not work).
pf_use() {
	pf_unpacked || return 0
	[ -x "$PF_ROOT/usr/sbin/postfix" ] ||
	    t_missing "postfix, unpacked in tests/out/postfix (pf_fetch)"
	# An overlay cannot take a layer from inside its own directory (a
	# checkout under /usr): there, a copy in the test's directory.
	PF_LAYER=$PF_ROOT
	case "$PF_ROOT/" in
	/usr/*|/etc/*)
		PF_LAYER="$T_DIR/postfix"
		cp -a "$PF_ROOT" "$PF_LAYER" || t_bail "cannot copy $PF_ROOT" ;;
	esac
	for d in /usr /etc; do
		pf_overlay "$PF_LAYER$d" "$d" ||
		    t_bail "cannot overlay $PF_LAYER$d on $d"
	done
	for d in /usr/lib/postfix /etc/postfix; do
		mount --bind "$PF_LAYER$d" "$d" ||
		    t_bail "cannot bind-mount $PF_LAYER$d on $d"
	done
	pf_accounts || t_bail "cannot make /etc/passwd and /etc/group private"
	for f in passwd group; do
		while IFS=: read -r name rest; do
			getent "$f" "$name" >/dev/null ||
			    echo "$name:$rest" >>"/etc/$f"
		done <"${PF_ROOT%/root}/$f"
	done
	# postdrop's gid since the unpacking may have changed (Postfix was
	# installed): the overlay takes a private copy of the two files
	for f in /usr/sbin/postdrop /usr/sbin/postqueue; do
		[ "$(stat -c %G "$f")" = postdrop ] && continue
		chgrp postdrop "$f" && chmod 2555 "$f" ||
		    t_bail "cannot make $f set-gid postdrop"
	done
	missing=$(ldd /usr/sbin/postfix /usr/lib/postfix/sbin/* 2>/dev/null |
	    sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' |
	    sort -u | tr '\n' ' ')
	[ -z "$missing" ] || t_missing "the libraries of Postfix: $missing"
}

# pf_from_copy: TAP, with the unpacked copy in use and Postfix running:
# every file of /usr/lib/postfix that our processes map (the daemons,
# their libraries; the pid namespace's /proc has only ours) and the
# commands the tests run are the copy's files, none an installed one.
# Files are told apart by inode: an overlay shows that of its layer's
# file when the layers share a file system, as tests/out and /usr do.
pf_from_copy() {
	mapped=$(cat /proc/[0-9]*/maps 2>/dev/null |
	    awk '$6 ~ /^\/usr\/lib\/postfix\// { print $5, $6 }' | sort -u)
	t_like "$mapped" '/usr/lib/postfix/sbin/master$' \
	    "the daemons' maps name /usr/lib/postfix/sbin/master"
	t_like "$mapped" '/usr/lib/postfix/libpostfix-global\.so$' \
	    "... and libpostfix-global.so"
	wrong=$(printf '%s\n' "$mapped" | while read -r ino f; do
		[ "$ino" = "$(stat -c %i "$PF_LAYER$f")" ] || echo "$f"
	done)
	t_is "$wrong" "" "each of them is the unpacked copy's file"
	wrong=$(for f in /usr/sbin/postfix /usr/sbin/sendmail \
	    /usr/sbin/postdrop /usr/sbin/postqueue /usr/sbin/postconf \
	    /usr/sbin/smtp-sink /etc/postfix/postfix-script; do
		[ "$(stat -c %i "$f")" = "$(stat -c %i "$PF_LAYER$f")" ] ||
		    echo "$f"
	done)
	t_is "$wrong" "" "the commands and postfix-script are the copy's"
}

# pf_overlay LOWER DIR: an overlay on DIR with LOWER's files (if LOWER is
# not empty) before DIR's own, and what is written there kept in
# $T_DIR/upper (never on the machine).  What was mounted below DIR (say
# /etc/hosts in a container, or our resolv.conf) is mounted again on top,
# from a view of DIR taken before and detached at once: left in $T_DIR,
# the view would expose the machine's DIR to t_cleanup's rm -rf.
pf_overlay() {
	subs=$(findmnt -rn -o TARGET | awk -v d="$2/" 'index($0, d) == 1')
	below="$T_DIR/below$2"
	if [ -n "$subs" ]; then
		mkdir -p "$below" && mount --rbind "$2" "$below" || return 1
	fi
	mkdir -p "$T_DIR/upper$2" "$T_DIR/work$2" &&
	    mount -t overlay overlay -o "lowerdir=${1:+$1:}$2,upperdir=$T_DIR/upper$2,workdir=$T_DIR/work$2" "$2"
	ok=$?
	for s in $subs; do
		[ $ok -eq 0 ] || break
		mount --rbind "$T_DIR/below$s" "$s"; ok=$?
	done
	if [ -n "$subs" ] && ! umount -l "$below"; then
		T_KEEP=1	# no rm -rf through it
		return 1
	fi
	return $ok
}

# pf_free_id START: the highest number up to START that is neither a uid
# nor a gid.
pf_free_id() {
	id=$1
	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null
	do
		id=$((id - 1))
	done
	echo "$id"
}

# pf_accounts: private copies of /etc/passwd and /etc/group bind-mounted
# over the real ones (once per namespace), for the users a test adds.
pf_accounts() {
	[ -f "$T_DIR/group" ] && return 0
	cp /etc/passwd "$T_DIR/passwd" &&
	    mount --bind "$T_DIR/passwd" /etc/passwd &&
	    cp /etc/group "$T_DIR/group" &&
	    mount --bind "$T_DIR/group" /etc/group
}

# pf_user NAME ID [HOME]: inside, a user NAME with its own group NAME, both
# with id ID, in the private accounts, unless NAME is a user already.
pf_user() {
	pf_accounts || return 1
	getent passwd "$1" >/dev/null && return 0
	echo "$1:x:$2:$2::${3:-/nonexistent}:/usr/sbin/nologin" >>/etc/passwd &&
	    echo "$1:x:$2:" >>/etc/group
}

# pf_sink NAME ADDR[:PORT]: an smtp-sink on ADDR (port 25 unless given)
# that stores every message it accepts into $T_DIR/sink-NAME/.  It runs as
# nobody (smtp-sink refuses to stay root), so the directory is theirs.
pf_sink() {
	name=$1 hp=$2
	case "$hp" in *:*) ;; *) hp="$hp:25" ;; esac
	mkdir -p "$T_DIR/sink-$name"
	chown nobody "$T_DIR/sink-$name"
	smtp-sink -u nobody -h "sink-$name.test" \
	    -d "$T_DIR/sink-$name/%H%M%S." "$hp" 16 \
	    >>"$T_DIR/sink-$name.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	pf_wait_addr "${hp%:*}" "${hp##*:}"
}

# pf_wait_addr ADDR PORT: wait up to 5 s for a TCP listener on ADDR:PORT.
pf_wait_addr() {
	t_wait_for pf_listening "$1" "$2"
}

pf_listening() {
	ss -Hlnt "src $1 and sport = :$2" | grep -q .
}

# pf_setup [KEY=VALUE...]: write the instance's configuration into
# $T_DIR/pf from tests/postfix/main.cf.in plus the given main.cf settings,
# and Debian's own master.cf without chroot (the chroot would hide
# resolv.conf, the rules and the library from smtp).  The queue is
# $T_DIR/pf-spool, the log $T_DIR/maillog.  Sets PF and PF_LOG.
pf_setup() {
	PF="$T_DIR/pf"
	PF_LOG="$T_DIR/maillog"
	mkdir -p "$PF" "$T_DIR/pf-data" "$T_DIR/pf-spool"
	sed "s|@DIR@|$T_DIR|g" "$TOP/tests/postfix/main.cf.in" >"$PF/main.cf"
	cp /etc/postfix/master.cf "$PF/master.cf"
	postconf -c "$PF" -F '*/*/chroot = n'
	for kv in "$@"; do
		postconf -c "$PF" -e "$kv"
	done
	chown postfix "$T_DIR/pf-data"
	: >"$PF_LOG"
	# Postfix waits ~1.5 s before using a configuration file younger
	# than a second or two; these are not being edited any more.
	touch -d '-1 min' "$PF/main.cf" "$PF/master.cf"
}

# pf_start: start the instance; its master's PID joins T_PIDS.
pf_start() {
	postfix -c "$PF" start >>"$T_DIR/postfix-start.log" 2>&1 || return 1
	pid=$(tr -d ' ' <"$T_DIR/pf-spool/pid/master.pid" 2>/dev/null)
	[ -n "$pid" ] || return 1
	T_PIDS="$T_PIDS $pid"
}

pf_stop() {
	postfix -c "$PF" stop >>"$T_DIR/postfix-start.log" 2>&1
}

# pf_send TAG FROM TO: submit a small message with Message-ID <TAG@mta.test>
# the way local programs do (sendmail -> postdrop -> pickup).  Bounded:
# with Postfix not running, sendmail would wait for it forever.
pf_send() {
	printf 'From: %s\nTo: %s\nSubject: mxshim test %s\nMessage-ID: <%s@mta.test>\n\nThis message is %s.\n' \
	    "$2" "$3" "$1" "$1" "$1" |
	    timeout 30 sendmail -C "$PF" -f "$2" -- "$3"
}

# pf_qid TAG: the queue ID cleanup gave the message (empty if not yet).
pf_qid() {
	sed -n "s/.* \([0-9A-F]\{6,\}\): message-id=<$1@mta\.test>.*/\1/p" \
	    "$PF_LOG" | head -n 1
}

# pf_log TAG: the log lines of that message, from pickup to removal.
pf_log() {
	q=$(pf_qid "$1")
	[ -n "$q" ] && grep " $q: " "$PF_LOG"
}

# pf_wait TAG [STATUS-REGEX]: wait up to PF_WAIT seconds for a delivery
# attempt of the message whose status matches (default: any final or
# deferred status); print that status ("sent", "deferred", "bounced").
pf_wait() {
	re=${2:-sent|deferred|bounced|expired}
	i=0
	while [ $i -lt $((PF_WAIT * 10)) ]; do
		st=$(pf_log "$1" |
		    sed -En "s/.* status=($re) .*/\1/p" | tail -n 1)
		[ -n "$st" ] && { echo "$st"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	echo timeout
	return 1
}

# pf_relay TAG: "HOST[ADDR]:PORT" of the delivery that got status=sent.
pf_relay() {
	pf_log "$1" | sed -n 's/.* relay=\([^,]*\), .* status=sent .*/\1/p' |
	    tail -n 1
}

# pf_sink_has NAME TAG: the file in which sink NAME stored the message
# (status 1 if it did not).
pf_sink_has() {
	grep -l "^Message-ID: <$2@mta\.test>" "$T_DIR/sink-$1"/* 2>/dev/null
}

# pf_delivered TAG SINK RELAY WHAT: four TAP lines saying that the message
# was sent, that the MTA logged RELAY ("host[addr]:port") for it, and that
# sink SINK stored it, and no sink a second copy.  The MTA is Postfix
# unless PF_MTA names another one's functions (ex: ex_wait, ex_relay).
PF_MTA=pf
pf_delivered() {
	t_is "$("${PF_MTA}_wait" "$1")" sent "$4: sent"
	t_is "$("${PF_MTA}_relay" "$1")" "$3" "$4: relay=$3"
	pf_sink_has "$2" "$1" >/dev/null
	t_ok $? "$4: stored by the $2 sink"
	n=$(cat "$T_DIR"/sink-*/* 2>/dev/null | grep -c "^Message-ID: <$1@")
	t_is "$n" 1 "$4: stored once"
}

# pf_queue: the queue IDs still queued, one a line; when postqueue fails,
# a line saying so (an empty answer must mean an empty queue).
pf_queue() {
	j=$(postqueue -c "$PF" -j 2>&1) || { echo "postqueue failed: $j"; return 1; }
	printf '%s\n' "$j" | sed -n 's/.*"queue_id": *"\([0-9A-F]*\)".*/\1/p'
}

# pf_flush: ask Postfix to try every queued message now.
pf_flush() {
	postqueue -c "$PF" -f
}

# pf_no_problems: TAP, the Postfix log has no warning nor worse (the log
# is clean in every test: a warning means the set-up is not what the test
# believes); a missing log fails.
pf_no_problems() {
	t_absent ' (warning|error|fatal|panic): ' "$PF_LOG" \
	    "no warning in the Postfix log"
}

# pf_deb_fetch NAME BINARY UNPACK: another MTA's Debian packages (apt will
# not install a second MTA beside Postfix), unpacked once into
# tests/out/NAME by the function UNPACK DIR, in a private directory renamed
# into place so that two runs at once do not trip over each other; true
# when tests/out/NAME/root/BINARY is there.
pf_deb_fetch() {
	root="$TOP/tests/out/$1"
	if [ ! -x "$root/root$2" ]; then
		mkdir -p "$TOP/tests/out" &&
		    tmp=$(mktemp -d "$TOP/tests/out/$1.XXXXXX") || return 1
		if ! "$3" "$tmp" || ! mv -T "$tmp" "$root" 2>/dev/null; then
			rm -rf "$tmp"
		fi
	fi
	[ -x "$root/root$2" ]
}

# pf_deb_unpack DIR PACKAGE...: download the packages into DIR/debs,
# unpack them in DIR/root.
pf_deb_unpack() {
	dir=$1
	shift
	mkdir -p "$dir/debs" "$dir/root" && chmod 755 "$dir" || return 1
	(cd "$dir/debs" && apt-get download "$@") >"$dir/fetch.log" 2>&1 ||
	    return 1
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root" || return 1
	done
}
