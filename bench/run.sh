#!/usr/bin/env bash
# Runs the agent-host benchmarks, each pinned to one core (taskset), and prints their figures.
#   bench/run.sh [RUNS] [OPS]
# Run it on an otherwise idle machine; figures vary with the machine, ratios less so.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
ops=${2:-1000000}
bash scripts/build.sh >/dev/null
bin=build/bin/agent_ops_bench
echo "== $(date -u +%F) $(nproc) cores, $(uname -r), pinned to CPU 1"
echo
taskset -c 1 "$bin" overhead "$runs"
echo
taskset -c 1 "$bin" throughput "$ops"
