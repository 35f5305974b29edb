#!/bin/sh
# The Postfix the tests use where Postfix is not installed (another MTA
# is the system's): Debian's package unpacked into tests/out/postfix and
# shown at Postfix's own paths in the namespace (tests/helpers/pf.sh,
# pf_use), forced here with MXSHIM_TEST_POSTFIX=unpacked so that every run
# proves it, installed Postfix or not.  It delivers a message through
# sendmail, postdrop, pickup and smtp, and every Postfix program and
# library its processes run is a file of the unpacked tree, none an
# installed one.
MXSHIM_TEST_POSTFIX=unpacked
export MXSHIM_TEST_POSTFIX
TOP="${MXSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP/tests/lib.sh"
. "$TOP/tests/helpers/pf.sh"
pf_ns_enter "$@"

t_unbound 53 "$TOP/tests/postfix/zones.conf" ||
    t_bail "unbound did not start"
pf_sink real 127.0.0.6
t_ok $? "smtp-sink listens on 127.0.0.6:25"
pf_setup
pf_start
t_ok $? "the unpacked Postfix started (postfix -c)"
pf_send plain1 alice@mta.test bob@plain.example
pf_delivered plain1 real "mx.example[127.0.0.6]:25" \
    "plain.example, to its real MX host"
t_is "$(pf_queue)" "" "postqueue (set-gid postdrop) lists an empty queue"

# unpacked FILE: the inode of FILE in the unpacked tree, to compare with
# what a process maps and what a path shows (an overlay shows the inode
# of its layer's file when the layers share a file system, as here).
unpacked() {
	stat -c '%i' "$PF_ROOT$1"
}
# the files of /usr/lib/postfix that our processes map (the pid
# namespace's /proc has only them), with their inodes
mapped=$(cat /proc/[0-9]*/maps 2>/dev/null |
    awk '$6 ~ /^\/usr\/lib\/postfix\// { print $5, $6 }' | sort -u)
t_like "$mapped" '/usr/lib/postfix/sbin/master$' \
    "the daemons' maps name /usr/lib/postfix/sbin/master"
t_like "$mapped" '/usr/lib/postfix/sbin/smtp$' "... and smtp"
t_like "$mapped" '/usr/lib/postfix/libpostfix-global\.so$' \
    "... and libpostfix-global.so"
wrong=$(printf '%s\n' "$mapped" | while read -r ino f; do
	[ "$ino" = "$(unpacked "$f")" ] || echo "$f"
done)
t_is "$wrong" "" "each of them is the unpacked tree's file"
wrong=$(for f in /usr/sbin/postfix /usr/sbin/sendmail /usr/sbin/postdrop \
    /usr/sbin/postqueue /usr/sbin/postconf /usr/sbin/smtp-sink \
    /etc/postfix/postfix-script; do
	[ "$(stat -c %i "$f")" = "$(unpacked "$f")" ] || echo "$f"
done)
t_is "$wrong" "" "the commands and postfix-script are the unpacked tree's"
pf_no_problems

pf_stop
t_ok $? "postfix stop"
t_done
