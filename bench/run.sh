#!/usr/bin/env bash
# Runs the agent-host benchmarks, each pinned to one core (taskset), and prints their figures.
#   bench/run.sh [RUNS] [OPS]   (IPADDR_RUNS, GARP_RUNS, MYSQL_RUNS, MYSQL_START_RUNS, LATENCY_OPS, FENCE_FAILOVER_RUNS,
#                               SCHED_RUNS, CHAOS_CYCLES, CRM_MON_RESOURCES, CRM_MON_RUNS: runs of the other
#                               benchmarks; the IPaddr and mysql
#                               ones need root, the scheduler's needs pacemaker-cli-utils)
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
echo
echo "unpinned (both cores):"
"$bin" throughput "$ops"
echo
taskset -c 1 "$bin" latency "${LATENCY_OPS:-20000}"
echo
# Root: the IPaddr benchmarks build their own network namespaces.
taskset -c 1 build/bin/ipaddr_bench monitor "${IPADDR_RUNS:-2000}"
echo
taskset -c 1 build/bin/ipaddr_bench garp "${GARP_RUNS:-200}"
echo
# Root and Debian's mariadb-server: a MariaDB in a data directory of its own.
taskset -c 1 build/bin/mysql_bench monitor "${MYSQL_RUNS:-1000}"
echo
build/bin/mysql_bench start "${MYSQL_START_RUNS:-5}"
echo
# Debian's pacemaker-cli-utils: the scheduler against crm_simulate on generated CIBs.
build/bin/sched_bench "${SCHED_RUNS:-5}"
echo
build/bin/sched_bench "${SCHED_RUNS:-5}" --state running
echo
# Root: vigild in network namespaces beside Corosync measured the same way (bench/corosync_detect.sh).
bash bench/membership.sh "${MEMBERSHIP_RUNS:-20}"
echo
# Root: a Dummy moved by vigild after its owner's vigild is killed, 2 and 3 nodes.
build/bin/failover_bench 2 "${FAILOVER_RUNS:-20}"
echo
build/bin/failover_bench 3 "${FAILOVER_RUNS:-20}"
echo
# Root: Pacemaker's Stateful as a promotable clone on 3 nodes, the promoted node's vigild killed.
build/bin/failover_bench 3 "${FAILOVER_RUNS:-20}" 1000 --promotable
echo
# Root, and keepalived (bench/deps.sh): the floating IP's failover from a client's point of view,
# Vigil beside keepalived and Pacemaker + Corosync on the same lab; the table goes to
# bench/results/vip_failover.md.
build/bin/vip_failover_bench "${VIP_FAILOVER_RUNS:-20}"
echo
# The same with fencing: the owner frozen, fenced with fence_ipmilan through its simulated BMC
# before the other starts the IP, Vigil beside Pacemaker + Corosync; bench/results/fence_failover.md.
build/bin/vip_failover_bench --fencing "${FENCE_FAILOVER_RUNS:-10}"
echo
# Root: the seeded random mix of faults on three vigild, counted by fault kind (tests/support/chaos.h);
# the table goes to bench/results/chaos.md by hand.
build/bin/chaos_bench "${CHAOS_CYCLES:-300}"
echo
# Pacemaker's tools (a monitoring scrape, crm_resource, crm_simulate's scores) on a live vigild
# beside Pacemaker's printing the same cluster from its CIB file (Debian's pacemaker-cli-utils).
bash bench/pcmk_tools_bench.sh "${CRM_MON_RESOURCES:-20}" "${CRM_MON_RUNS:-50}"
echo
# Debian's pacemaker-cli-utils: Pacemaker's own scheduler corpus (../shared/pcmk-cts), counted.
build/bin/pcmk_corpus | head -20
