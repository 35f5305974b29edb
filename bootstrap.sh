#!/bin/sh
# bootstrap.sh - set up, build and run mxshim on a fresh Debian 12 machine.
#
#   ./bootstrap.sh example   install, build, run the bundled example
#   ./bootstrap.sh test      install, build, run the whole test suite
#   ./bootstrap.sh build     install and build only
#   ./bootstrap.sh package   install, build the Debian package (in
#                            tests/out/pkg, from a copy of the tree), lintian
#   ./bootstrap.sh systemd [DEB]
#                            install, build the package (or take DEB), run
#                            its unit under a real systemd (tests/systemd/boot.sh)
#   ./bootstrap.sh deps      install the Debian packages of every command
#
# Run as root (apt-get).  Each command installs only what it needs, only
# the missing packages, and never removes or replaces an installed one: a
# package apt could install only by removing another (Postfix where exim4
# or sendmail is the MTA) is left out with a message.  The tests then use
# Debian's postfix package unpacked into tests/out/postfix instead
# (tests/helpers/pf.sh, doc/testing.md), as they always do for Exim and
# OpenSMTPD, which are never installed (tests/helpers/exim.sh,
# tests/helpers/opensmtpd.sh).
set -e
cd "$(dirname "$0")"

# libsystemd-dev: mxshimd's sd_notify (the unit is Type=notify)
BUILD_PKGS="build-essential autoconf automake libtool pkg-config \
libldns-dev libunbound-dev libpcre2-dev libxml2-dev libevent-dev \
libjansson-dev libsystemd-dev"
EXAMPLE_PKGS="unbound dnsutils iproute2"
# libcriterion-dev: the unit tests; gdb: its gcore, for shim_core;
# python3-aiosmtpd: the mail servers of the export tests; curl: the
# /metrics scrape; openssl: the OpenSMTPD export test's certificates
TEST_PKGS="$EXAMPLE_PKGS libcriterion-dev ldnsutils dnsperf dnsmasq-base \
procps util-linux clang libclang-rt-14-dev valgrind postfix \
libresolv-wrapper python3 libidn12 gdb python3-aiosmtpd curl openssl"
PACKAGE_PKGS="debhelper dpkg-dev fakeroot lintian systemd"
# tests/systemd/boot.sh: a Debian 12 root booted by systemd-nspawn
SYSTEMD_PKGS="systemd-container mmdebstrap"

# deps PACKAGE...: install the missing ones, never removing anything.
deps() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
		    grep -q " installed$" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "bootstrap: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix must not ask questions nor start a system-wide instance.
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends --no-remove $missing \
	    >/dev/null 2>&1 && return 0
	# One of them would remove an installed package: each on its own.
	for p in $missing; do
		apt-get install -y -qq --no-install-recommends --no-remove "$p" \
		    >/dev/null 2>&1 && continue
		removes=$(apt-get -s install "$p" 2>/dev/null |
		    sed -n 's/^Remv \([^ ]*\).*/\1/p' | tr '\n' ' ')
		if [ -z "$removes" ]; then	# another failure: show it
			apt-get install -y -qq --no-install-recommends \
			    --no-remove "$p"
			return 1
		fi
		why="its tests skip"
		[ "$p" != postfix ] ||
		    why="the tests unpack a copy into tests/out/postfix"
		echo "bootstrap: not installing $p: it would remove" \
		    "$removes(installed packages are never removed; $why)"
	done
}

build() {
	[ -x configure ] || ./autogen.sh
	[ -f Makefile ] || ./configure -q $CONFIGURE_FLAGS
	make -s -j"$(nproc)"
}

# package: dpkg-buildpackage in a copy of the tracked files (it cleans
# the tree it builds in), then lintian; the .deb lands in tests/out/pkg.
package() {
	out=tests/out/pkg
	rm -rf "$out" && mkdir -p "$out/mxshim"
	if [ -e .git ]; then
		git ls-files -z | tar --null -T - -cf - | tar -x -C "$out/mxshim"
	else
		tar --exclude=./tests/out -cf - . | tar -x -C "$out/mxshim"
	fi
	(cd "$out/mxshim" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	    { tail -n 30 "$out/build.log"; return 1; }
	lintian --fail-on error "$out"/mxshim_*.changes
	ls "$out"/mxshim_*.deb
}

case "${1:-}" in
deps)	deps $BUILD_PKGS $TEST_PKGS $PACKAGE_PKGS $SYSTEMD_PKGS ;;
build)	deps $BUILD_PKGS; build ;;
example) deps $BUILD_PKGS $EXAMPLE_PKGS; build; exec examples/run-example.sh ;;
test)	deps $BUILD_PKGS $TEST_PKGS; build
	make -s -j"$(nproc)" check-build; exec tests/run ;;
package) deps $BUILD_PKGS $PACKAGE_PKGS; package ;;
systemd) deps $BUILD_PKGS $PACKAGE_PKGS $SYSTEMD_PKGS
	# ./bootstrap.sh systemd DEB: that package, already built
	[ -n "${2:-}" ] || package
	exec tests/systemd/boot.sh ${2:+"$2"} ;;
*)	echo "usage: $0 example|test|build|package|systemd|deps" >&2; exit 2 ;;
esac
