#!/usr/bin/env bash
# The rule of DESIGN.md and docs/architecture.md, checked on the sources: each part includes only
# the parts below it (plugins only the ABI, host nothing of the cluster, the scheduler only the
# CIB, ...). A violation names the file and the include.
set -euo pipefail
root=$1
# part: the folders (besides its own and common/) whose headers it may include
allowed() {
  case $1 in
    common) echo "vigil" ;;
    host) echo "vigil" ;;
    plugins/common) echo "vigil" ;;
    plugins/shell-ocf | plugins/fence-agents | plugins/ipaddr | plugins/mysql) echo "vigil plugins/common" ;;
    cluster/cib | cluster/config | cluster/membership | cluster/control) echo "" ;;
    cluster/scheduler | cluster/fencing) echo "cluster/cib" ;;
    cluster/peer) echo "cluster/cib cluster/membership" ;;
    cluster/lrm) echo "host vigil" ;;
    cluster/crm) echo "cluster/cib cluster/control cluster/fencing host vigil" ;;
    cluster/daemon) echo "cluster/cib cluster/config cluster/control cluster/fencing cluster/lrm cluster/membership cluster/peer cluster/scheduler host vigil" ;;
    lab) echo "" ;;
    *) echo "?" ;;
  esac
}
bad=0
checked=0
for part in common host plugins/shell-ocf plugins/fence-agents plugins/common plugins/ipaddr plugins/mysql cluster/cib cluster/config \
            cluster/membership cluster/control cluster/scheduler cluster/fencing cluster/peer cluster/lrm cluster/crm cluster/daemon lab; do
  ok=" $part common $(allowed "$part") "
  for file in "$root/$part"/*.cc "$root/$part"/*.h; do
    [ -e "$file" ] || continue
    checked=$((checked + 1))
    while IFS= read -r included; do
      dir=${included%/*}
      case "$ok" in
        *" $dir "*) ;;
        *) echo "${file#"$root"/} includes $included: $part may include only$ok"; bad=1 ;;
      esac
    done < <(sed -n 's/^#include "\([^"]*\/[^"]*\)".*/\1/p' "$file")
  done
done
[ "$checked" -gt 100 ] || { echo "only $checked files found under $root"; exit 1; }
[ "$bad" -eq 0 ] || exit 1
echo "include graph: $checked files, every include points down"
