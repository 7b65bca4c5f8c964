#!/usr/bin/env bash
# `cmake --install` lays out a normal tree, and the installed vigil finds its plugins relative to
# itself (bin/../lib/vigil/plugins) with no option or environment variable.
set -euo pipefail
build=$1
prefix=$(mktemp -d /tmp/vigil-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/vigil bin/crm sbin/vigild lib/vigil/plugins/shell-ocf.so include/vigil/agent.h; do
  [ -e "$prefix/$f" ] || { echo "install: $f missing"; exit 1; }
done
unset VIGIL_PLUGIN_DIR
out=$(env -u VIGIL_PLUGIN_DIR "$prefix/bin/vigil" agent list ocf:heartbeat)
echo "$out" | grep -q '^ocf:heartbeat:Dummy  *script  /usr/lib/ocf/resource.d/heartbeat/Dummy$' \
  || { echo "installed vigil did not list Dummy through its plugin:"; echo "$out" | head; exit 1; }
echo "installed tree works: $(echo "$out" | wc -l) heartbeat agents listed"
