#!/usr/bin/env bash
# Three vigild in network namespaces of their own (a bridge in a namespace of its own joins
# them): `vigil status` on n2; a Dummy configured with `crm` on n2, placed on n1; n1 killed with -9
# and the Dummy started on a survivor; then a clean stop.
# Needs root and a built tree. Everything it creates is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/bin
tag=$$
work=$(mktemp -d /tmp/vigil-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for i in 1 2 3; do ip netns del "vd$i$tag" 2>/dev/null || true; done
  ip netns del "vdbr$tag" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "vdbr$tag"
ip -n "vdbr$tag" link add br0 type bridge
ip -n "vdbr$tag" link set br0 up
"$bin/vigil" keygen -k "$work/authkey" >/dev/null
for i in 1 2 3; do
  ns=vd$i$tag
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add name eth0 netns "$ns" type veth peer name "vp$i$tag" netns "vdbr$tag"
  ip -n "vdbr$tag" link set "vp$i$tag" master br0 up
  ip -n "$ns" addr add "10.76.0.$i/24" dev eth0
  ip -n "$ns" link set eth0 up
done
{
  printf 'totem {\n\tversion: 2\n\tcluster_name: demo\n\ttransport: udpu\n\tkeyfile: %s\n}\nnodelist {\n' "$work/authkey"
  for i in 1 2 3; do printf '\tnode {\n\t\tring0_addr: 10.76.0.%s\n\t\tnodeid: %s\n\t\tname: n%s\n\t}\n' "$i" "$i" "$i"; done
  printf '}\nquorum {\n\tprovider: corosync_votequorum\n}\nlogging {\n\tto_syslog: no\n}\n'
} > "$work/vigil.conf"
for i in 1 2 3; do
  ip netns exec "vd$i$tag" "$bin/vigild" -f -c "$work/vigil.conf" --state-dir "$work/state$i" \
    --run-dir "$work/run$i" >"$work/log$i" 2>&1 &
  pids+=($!)
done
status() {
  for _ in $(seq 100); do "$bin/vigil" status --run-dir "$work/run2" --xml 2>/dev/null | grep -q "$1" && break; sleep 0.05; done
  "$bin/vigil" status --run-dir "$work/run2"
}
# Waits until `crm resource status d` on n2 says $1.
resource() {
  for _ in $(seq 200); do "$bin/crm" --run-dir "$work/run2" resource status d 2>/dev/null | grep -q "$1" && break; sleep 0.05; done
}
echo "== vigil status on n2, three nodes up"
status 'name="n1" online="true"'
echo
echo "== crm on n2: a Dummy that prefers n1, as the tutorial's commands configure one"
crm2() { echo "# crm $*"; "$bin/crm" --run-dir "$work/run2" "$@"; }
crm2 configure property stonith-enabled=false
crm2 configure primitive d ocf:heartbeat:Dummy op monitor interval=10s
crm2 configure location prefer-n1 d 50: n1
crm2 configure show
resource "running on: n1"
crm2 status
echo
echo "== kill -9 of n1's vigild; crm status on n2 once d runs elsewhere (after the token, 1 s)"
kill -9 "${pids[0]}"
resource "running on: n[23]"
crm2 status
echo
echo "== n2's log"
kill "${pids[1]}" "${pids[2]}"
wait "${pids[1]}" "${pids[2]}" 2>/dev/null || true
sed 's/^[A-Z][a-z]* [0-9]* [0-9:]* [^ ]* //' "$work/log2"
