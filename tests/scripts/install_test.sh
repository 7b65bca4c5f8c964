#!/usr/bin/env bash
# `cmake --install` lays out a normal tree, and the installed vigil finds its plugins relative to
# itself (bin/../lib/vigil/plugins) with no option or environment variable. Installed under
# DESTDIR with the prefix /usr, as a package is: the files for /etc land under DESTDIR too, never
# in this machine's /etc.
set -euo pipefail
build=$1
root=$(mktemp -d /tmp/vigil-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
DESTDIR=$root cmake --install "$build" --prefix /usr >/dev/null
prefix=$root/usr
for f in bin/vigil lib/vigil/bin/crm sbin/vigild lib/vigil/plugins/shell-ocf.so lib/vigil/sbin/crm_node \
         include/vigil/agent.h share/man/man8/vigild.8.gz lib/systemd/system/vigild.service; do
  [ -e "$prefix/$f" ] || { echo "install: $f missing"; exit 1; }
done
for f in etc/init.d/vigild etc/logrotate.d/vigil etc/profile.d/vigil.sh etc/vigil/vigil.conf.example; do
  [ -e "$root/$f" ] || { echo "install: /$f missing"; exit 1; }
done
# Vigil's crm, installed beside crmsh's, finds the plugins from lib/vigil/bin.
env -u VIGIL_PLUGIN_DIR "$prefix/lib/vigil/bin/crm" ra info ocf:heartbeat:IPaddr2 | grep -q "(native)" \
  || { echo "installed crm did not find the native IPaddr2 plugin"; exit 1; }
unset VIGIL_PLUGIN_DIR
out=$(env -u VIGIL_PLUGIN_DIR "$prefix/bin/vigil" agent list ocf:heartbeat)
echo "$out" | grep -q '^ocf:heartbeat:Dummy  *script  /usr/lib/ocf/resource.d/heartbeat/Dummy$' \
  || { echo "installed vigil did not list Dummy through its plugin:"; echo "$out" | head; exit 1; }
echo "installed tree works: $(echo "$out" | wc -l) heartbeat agents listed"
