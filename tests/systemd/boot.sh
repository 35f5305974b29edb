#!/bin/sh
# tests/systemd/boot.sh - the installed package's unit under a real systemd
# (make check-systemd; opt-in: not part of tests/run).
#
#   tests/systemd/boot.sh [DEB]     default: tests/out/pkg/mxshim_*.deb
#                                   (./bootstrap.sh package makes it)
#
# Boots a minimal Debian 12 root with systemd-nspawn (--boot, systemd as
# the container's PID 1, --private-network: only its own loopback,
# --volatile=overlay: the root stays as built, every change goes to a
# tmpfs), installs DEB in it with apt-get (the postinst under systemd),
# then runs tests/systemd/inside.sh in the container: systemctl start,
# reload and stop of mxshimd.service with its whole sandbox, against a
# real Unbound inside.  Prints its TAP and "N passed, N failed".
#
# The root is built once by mmdebstrap from the Debian mirror apt uses
# here (the Debian entries of /etc/apt/sources.list*; or MXSHIM_MIRROR)
# and kept in tests/out/systemd/root, with the package list it was built
# from; a changed list (the package's Depends) rebuilds it.  Nothing but
# that mirror is contacted, and only while building the root.
# Needs root, systemd-container and mmdebstrap (./bootstrap.sh systemd).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$TOP/tests/out/systemd"
ROOT="$OUT/root"
deb=${1:-$(ls "$TOP"/tests/out/pkg/mxshim_*_*.deb 2>/dev/null |
    grep -v dbgsym | head -n 1)}

skip() { echo "1..0 # SKIP $1"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
fail() { echo "not ok - $1"; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root (systemd-nspawn)"
for p in systemd-nspawn mmdebstrap nsenter; do
	command -v $p >/dev/null ||
	    fail "missing dependency: $p (./bootstrap.sh systemd)"
done
[ -f "$deb" ] || fail "no package: run ./bootstrap.sh package first"
mkdir -p "$OUT"

# The root: systemd as init, what the test runs (Unbound, dig, ss, ps),
# and the package's dependencies, so that apt installs it offline.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
    sed 's/|.*//; s/(.*//; s/[[:space:]]//g' | grep .)
pkgs=$(printf '%s\n' systemd systemd-sysv dbus unbound dnsutils iproute2 \
    procps $deps | sort -u | tr '\n' ',' | sed 's/,$//')
mirrors() {	# the Debian entries apt uses here, as mmdebstrap arguments
	if [ -n "${MXSHIM_MIRROR:-}" ]; then echo "$MXSHIM_MIRROR"; return; fi
	grep -l 'debian-archive-keyring' /etc/apt/sources.list.d/*.sources \
	    2>/dev/null
	# one-line entries: in a file, one argument
	grep -h '^deb .*debian' /etc/apt/sources.list >"$OUT/sources.list" \
	    2>/dev/null && echo "$OUT/sources.list"
}
if [ "$(cat "$OUT/root.pkgs" 2>/dev/null)" != "$pkgs" ] || [ ! -x "$ROOT/sbin/init" ]; then
	rm -rf "$ROOT" "$OUT/root.pkgs"
	t0=$(date +%s)
	# unbound's own service would take port 53: the test runs its own
	set -- $(mirrors)
	mmdebstrap --quiet --variant=minbase --include="$pkgs" \
	    --customize-hook='systemctl --root="$1" mask unbound.service' \
	    bookworm "$ROOT" "$@" >"$OUT/mmdebstrap.log" 2>&1 ||
	    { tail -n 20 "$OUT/mmdebstrap.log"; fail "mmdebstrap: see $OUT/mmdebstrap.log"; }
	echo "$pkgs" >"$OUT/root.pkgs"
	echo "# root built in $(( $(date +%s) - t0 )) s ($ROOT)"
fi

# What the container sees, read-only, in /mxshim-test.
rm -rf "$OUT/share" && mkdir -p "$OUT/share/tests/systemd" || exit 1
cp "$deb" "$OUT/share/mxshim.deb"
cp "$TOP/tests/lib.sh" "$OUT/share/tests/"
cp "$TOP/tests/systemd/inside.sh" "$OUT/share/tests/systemd/"

t0=$(date +%s)
systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
    --volatile=overlay --directory="$ROOT" --machine=mxshim-test \
    --bind-ro="$OUT/share:/mxshim-test" --console=read-only \
    >"$OUT/console.log" 2>&1 </dev/null &
NSPAWN=$!
LEADER=
stop() {
	# SIGTERM: nspawn asks the container's systemd to power off
	kill "$NSPAWN" 2>/dev/null
	i=0
	while kill -0 "$NSPAWN" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if kill -0 "$NSPAWN" 2>/dev/null; then
		[ -z "$LEADER" ] || kill -9 "$LEADER" 2>/dev/null
		kill -9 "$NSPAWN" 2>/dev/null
	fi
	wait "$NSPAWN" 2>/dev/null
}
trap stop EXIT
trap 'exit 1' INT TERM

# the container's PID 1, a child of nspawn
i=0
while [ -z "$LEADER" ] && [ $i -lt 100 ]; do
	LEADER=$(ps -o pid= --ppid "$NSPAWN" | head -n 1 | tr -d ' ')
	[ -n "$LEADER" ] && [ "$(ps -o comm= -p "$LEADER")" = systemd ] ||
	    LEADER=
	sleep 0.1; i=$((i + 1))
done
[ -n "$LEADER" ] || { cat "$OUT/console.log"; fail "the container's systemd did not start"; }
inside() { nsenter --target "$LEADER" --all --root --wd env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# until its bus is up, then until the boot is over
i=0
until state=$(inside timeout 60 systemctl is-system-running --wait 2>&1) ||
    [ "$state" = degraded ] || [ $i -ge 100 ]; do
	sleep 0.2; i=$((i + 1))
done
echo "# booted in $(( $(date +%s) - t0 )) s: $state"
case "$state" in running|degraded) ;; *)
	cat "$OUT/console.log"; fail "the container did not boot: $state" ;;
esac
[ "$state" = running ] || inside systemctl --failed --no-legend | sed 's/^/# failed: /'

inside sh /mxshim-test/tests/systemd/inside.sh | tee "$OUT/inside.tap"
st=$?
echo "# the test ran in $(( $(date +%s) - t0 )) s from boot"
p=$(grep -c '^ok' "$OUT/inside.tap")
f=$(grep -c '^not ok' "$OUT/inside.tap")
[ "$p" -gt 0 ] || f=$((f + 1))
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
