#!/bin/sh
# bootstrap.sh - set up, build and run mxshim on a fresh Debian 12 machine.
#
#   ./bootstrap.sh example   install, build, run the bundled example
#   ./bootstrap.sh test      install, build, run the whole test suite
#   ./bootstrap.sh build     install and build only
#   ./bootstrap.sh deps      install the Debian packages only
#
# Run as root (apt-get).  Packages already installed are not fetched again.
set -e
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake libtool pkg-config \
libldns-dev libunbound-dev libpcre2-dev libcriterion-dev libxml2-dev \
unbound dnsutils ldnsutils dnsperf dnsmasq-base iproute2 procps util-linux \
clang libclang-rt-14-dev valgrind postfix libresolv-wrapper \
libevent-dev python3 libidn12 gdb"

deps() {
	missing=""
	for p in $PACKAGES; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "bootstrap: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix must not ask questions nor start a system-wide instance.
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() {
	[ -x configure ] || ./autogen.sh
	[ -f Makefile ] || ./configure -q $CONFIGURE_FLAGS
	make -s -j"$(nproc)"
}

case "${1:-}" in
deps)	deps ;;
build)	deps; build ;;
example) deps; build; exec examples/run-example.sh ;;
test)	deps; build; make -s -j"$(nproc)" check-build; exec tests/run ;;
*)	echo "usage: $0 example|test|build|deps" >&2; exit 2 ;;
esac
