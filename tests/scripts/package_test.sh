#!/usr/bin/env bash
# Vigil's Debian package on a clean Debian 12: built from the build tree (CPack), lintian without
# errors, then installed with apt into a fresh root made by debootstrap (minbase, from Debian's
# mirror; the base is kept in /var/cache/vigil/bookworm-minbase for the next run), where the
# installed files run: vigild --version, vigil agent list, the man page, and a one-node vigild on
# loopback, started and stopped by the init script, that elects itself and takes a change from
# the installed crm. Needs root.
set -euo pipefail
build=$(cd "$1" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "package test: needs root (chroot, mounts)"; exit 1; }
command -v lintian > /dev/null || { echo "package test: lintian is not installed (bash scripts/deps.sh installs it)"; exit 1; }
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/packages/vigil_*.deb | head -1)
lintian --tag-display-limit 0 "$deb" > "$build/packages/lintian.txt" 2>&1 || true
if grep '^E: ' "$build/packages/lintian.txt"; then echo "package test: lintian errors"; exit 1; fi

cache=/var/cache/vigil/bookworm-minbase
if [ ! -x "$cache/bin/sh" ]; then
  rm -rf "$cache.new"
  mkdir -p "$(dirname "$cache")"
  debootstrap --variant=minbase bookworm "$cache.new" http://deb.debian.org/debian > "$build/packages/debootstrap.log" 2>&1 \
    || { tail -5 "$build/packages/debootstrap.log"; echo "package test: debootstrap failed"; exit 1; }
  mv "$cache.new" "$cache"
fi
root=$(mktemp -d /tmp/vigil-chroot.XXXXXX)
cleanup() {
  if [ -s "$root/run/vigil/vigild.pid" ]; then kill -9 "$(cat "$root/run/vigil/vigild.pid")" 2>/dev/null || true; fi
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
cp -a "$cache/." "$root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/vigil.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
in_root apt-get update -qq > "$build/packages/apt.log" 2>&1
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/vigil.deb >> "$build/packages/apt.log" 2>&1 \
  || { tail -20 "$build/packages/apt.log"; echo "package test: apt could not install the package"; exit 1; }

fail() { echo "package test: $*"; exit 1; }
in_root vigild --version | grep -q "^vigild [0-9]" || fail "vigild --version"
in_root vigil agent list ocf:heartbeat | grep -q "^ocf:heartbeat:IPaddr2 " || fail "vigil agent list found no IPaddr2 plugin"
in_root getent group haclient > /dev/null || fail "no haclient group"
[ -s "$root/usr/share/man/man8/vigild.8.gz" ] || fail "no vigild(8)"
[ -s "$root/usr/lib/systemd/system/vigild.service" ] || fail "no systemd unit"

# A one-node cluster from the installed files, as a user sets it up.
port=$((20000 + RANDOM % 20000))
cat > "$root/etc/vigil/vigil.conf" <<CONF
totem {
	cluster_name: solo
	interface {
		ringnumber: 0
		bindnetaddr: 127.0.0.0
		mcastport: $port
	}
}
nodelist {
	node {
		ring0_addr: 127.0.0.1
		nodeid: 1
		name: solo1
	}
}
CONF
in_root vigil keygen | grep -q "to /etc/vigil/authkey" || fail "vigil keygen did not write /etc/vigil/authkey"
# Started as a host without systemd starts it: the init script.
in_root /etc/init.d/vigild start || fail "/etc/init.d/vigild start did not start vigild"
for _ in $(seq 1 100); do
  in_root vigil status 2>/dev/null | grep -q "Current DC: solo1" && break
  sleep 0.1
done
in_root vigil status | grep -q "Current DC: solo1" || fail "the installed vigild did not elect itself"
in_root /usr/lib/vigil/bin/crm configure property stonith-enabled=false > /dev/null || fail "the installed crm could not change the configuration"
in_root sh -c '. /etc/profile.d/vigil.sh; command -v crm' | grep -q "^/usr/lib/vigil/bin/crm$" || fail "profile.d does not put Vigil's crm first"
in_root /etc/init.d/vigild status | grep -q "^vigild is running (pid " || fail "/etc/init.d/vigild status"
in_root /etc/init.d/vigild stop || fail "/etc/init.d/vigild stop"
if in_root /etc/init.d/vigild status > /dev/null; then fail "vigild still runs after /etc/init.d/vigild stop"; fi
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq vigil >> "$build/packages/apt.log" 2>&1 || fail "apt could not remove the package"
[ ! -e "$root/usr/sbin/vigild" ] || fail "vigild is still there after the removal"
echo "package test: $(basename "$deb") installed on a clean Debian 12 root and ran a one-node cluster"
