# tests/helpers/opensmtpd.sh - sourced by tests/integration/export_opensmtpd.sh
# after lib.sh and tests/helpers/pf.sh: OpenSMTPD as a real sender beside
# Postfix.
#
# apt will not install OpenSMTPD beside Postfix (both are the system's
# MTA), so its Debian package is unpacked into tests/out/opensmtpd (apt-get
# download, dpkg-deb -x) before the test enters its namespace; smtpd runs
# from there with a configuration of our own (-f).  It has its spool, its
# chroot and its control socket at fixed paths (/var/spool/smtpd,
# /var/lib/opensmtpd/empty, /run/smtpd.sock): inside the namespace private
# tmpfs mounts on /var/spool, /var/lib and /run give it those, and private
# /etc/passwd and /etc/group its users opensmtpd and opensmtpq.
#
#   os_fetch          outside: unpack opensmtpd (once); sets SMTPD, or
#                     says on stdout why it cannot run
#   os_setup          inside: users, directories
#   os_start CONF     check CONF (smtpd -n) and start smtpd on it

OS_PKGS="opensmtpd"

os_fetch() {
	SMTPD="$TOP/tests/out/opensmtpd/root/usr/sbin/smtpd"
	if ! pf_deb_fetch opensmtpd /usr/sbin/smtpd os_unpack; then
		echo "opensmtpd (apt-get download $OS_PKGS failed)"
		return 1
	fi
	missing=$(ldd "$SMTPD" |
	    sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
	if [ -n "$missing" ]; then
		echo "the libraries of smtpd: $missing"
		return 1
	fi
}

os_unpack() {
	# shellcheck disable=SC2086
	pf_deb_unpack "$1" $OS_PKGS
}

os_setup() {
	for u in opensmtpd opensmtpq; do
		pf_user "$u" "$(pf_free_id 64980)" /var/lib/opensmtpd/empty ||
		    return 1
	done
	for d in /var/spool /var/lib /run; do
		mount -t tmpfs -o mode=755 tmpfs "$d" || return 1
	done
	mkdir -p /var/lib/opensmtpd/empty
}

os_start() {
	"$SMTPD" -n -f "$1" >"$T_DIR/smtpd-n.log" 2>&1 || return 1
	"$SMTPD" -d -f "$1" >"$T_DIR/smtpd.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	i=0
	while [ $i -lt 100 ]; do
		[ -S /run/smtpd.sock ] && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}
