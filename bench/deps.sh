#!/usr/bin/env bash
# What the benchmarks need beyond scripts/deps.sh: keepalived, for vip_failover_bench's side by
# side rows (Pacemaker, Corosync and crmsh come with scripts/deps.sh). Root; Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
packages=(keepalived pacemaker corosync crmsh resource-agents)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
