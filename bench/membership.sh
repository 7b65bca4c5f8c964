#!/usr/bin/env bash
# Detection time after kill -9, vigild beside Corosync 3 (Debian's corosync), for tokens of 1000,
# 500 and 200 ms, RUNS runs each, both 3-node clusters in network namespaces; then the idle CPU
# and memory of a 3-node vigild cluster over IDLE_SECONDS. Prints each summary and the ratios.
#   bench/membership.sh [RUNS]     (root; a built tree)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
median() { sed -n 's/.*median \([0-9.]*\).*/\1/p; s/.*median=\([0-9.]*\).*/\1/p' | head -n 1; }
for token in 1000 500 200; do
  v=$(build/bin/membership_bench detect "$token" "$runs" | tail -n 1)
  c=$(bash bench/corosync_detect.sh "$token" "$runs" | tail -n 1)
  echo "$v"
  echo "$c"
  awk -v a="$(echo "$v" | median)" -v b="$(echo "$c" | median)" -v t="$token" \
    'BEGIN { printf "token %d ms: vigild detects in %.2f of Corosync'"'"'s median time\n", t, a / b }'
done
echo
build/bin/membership_bench idle "${IDLE_SECONDS:-30}"
