#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install, build, then show the agent host at work
# (the agents it can run, the ocf-tester sequence on resource-agents' Dummy) and the scheduler
# on the tutorial's cluster after node1 crashed; then three vigild in network namespaces, a
# Dummy configured with crm, and the node running it killed with -9.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
export VIGIL_RUN_DIR=${VIGIL_RUN_DIR:-$(mktemp -d /tmp/vigil-main.XXXXXX)}
echo
echo "== vigil agent list ocf:heartbeat (first lines)"
./build/bin/vigil agent list ocf:heartbeat | head -n 12
echo
echo "== vigil agent test ocf:heartbeat:Dummy"
./build/bin/vigil agent test ocf:heartbeat:Dummy
echo
echo "== vigil simulate: the tutorial's ip and mysql after node1 crashed"
./build/bin/vigil simulate tests/scheduler/cases/tutorial_node1_lost_failover.xml --scores
echo
echo "== three vigild in network namespaces; crm configures a Dummy on n1; n1 killed with -9"
bash scripts/membership_demo.sh
