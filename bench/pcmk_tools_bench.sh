#!/usr/bin/env bash
# pcmk_tools_bench.sh - how long Pacemaker's tools take on Vigil, beside Pacemaker 2.1.5's own
# printing the same cluster: a monitoring scrape (crm_mon -1 --output-as=xml), where a resource
# runs (crm_resource --locate), the resource list (crm_resource --list) and the scheduler's
# scores (crm_simulate -s, as crmsh's `crm resource scores` asks).
#   bench/pcmk_tools_bench.sh [RESOURCES] [RUNS]      (defaults 20 and 50; from the build tree)
#
# A one-node vigild on loopback (its own directory under /tmp, a free port) is given RESOURCES
# Dummy primitives with a 10 s monitor through Vigil's cibadmin, and the bench waits until every
# monitor result is on record. Its CIB (cibadmin -Q, with the live status) goes to a file, and
# each run times, one after the other, for each tool:
#   vigil:     VIGIL_RUN_DIR=... build/lib/vigil/sbin/TOOL ... (asking the live vigild; -L)
#   pacemaker: CIB_file=cib.xml /usr/sbin/TOOL ... (crm_simulate: -x cib.xml)
# Both print the same for that state (the tests hold Vigil's to Pacemaker's on it). Pacemaker's
# read a file here, not its CIB daemon, so they do less than on a live cluster: the ratio favours
# them. Wall time per run from EPOCHREALTIME (µs).
# stdout, a line per tool: "TOOL RESOURCES=N runs=R vigil median=X ms pacemaker median=Y ms
# (pacemaker/vigil Z)".
set -euo pipefail
RESOURCES=${1:-20}; RUNS=${2:-50}
[[ $RESOURCES =~ ^[0-9]+$ && $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || { echo "usage: $0 [RESOURCES] [RUNS]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin
tools=$root/build/lib/vigil/sbin
for f in "$bin/vigild" "$bin/vigil" "$tools/crm_mon" "$tools/cibadmin" "$tools/crm_resource" "$tools/crm_simulate" \
         /usr/sbin/crm_mon /usr/sbin/crm_resource /usr/sbin/crm_simulate; do
  [[ -x $f ]] || { echo "$0: $f is missing (build first; pacemaker-cli-utils for Pacemaker's tools)" >&2; exit 2; }
done
dir=$(mktemp -d /tmp/vigil-crm-mon-bench.XXXXXX)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
port=$(( 20000 + RANDOM % 12000 ))
"$bin/vigil" keygen -k "$dir/authkey" >/dev/null
cat > "$dir/conf" <<EOF
totem {
  cluster_name: bench
  keyfile: $dir/authkey
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
    name: bench1
  }
}
logging {
  to_syslog: no
  to_logfile: yes
  logfile: $dir/vigild.log
}
EOF
"$bin/vigild" -f -c "$dir/conf" --state-dir "$dir/state" --run-dir "$dir/run" >"$dir/stderr" 2>&1 &
pid=$!
export VIGIL_RUN_DIR=$dir/run
for _ in $(seq 100); do "$tools/crm_mon" -s >/dev/null 2>&1 && break; sleep 0.1; done
"$tools/crm_mon" -s >/dev/null || { echo "$0: vigild did not come up:" >&2; cat "$dir/stderr" >&2; exit 1; }
"$tools/cibadmin" -M -o crm_config -X '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/></cluster_property_set>' -c
for i in $(seq "$RESOURCES"); do
  "$tools/cibadmin" -C -o resources -X "<primitive id=\"d$i\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><operations><op id=\"d$i-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive>"
done
for _ in $(seq 300); do
  [[ $("$tools/cibadmin" -Q -o status | grep -c '_monitor_10000"') -ge $RESOURCES ]] && break
  sleep 0.1
done
"$tools/cibadmin" -Q > "$dir/cib.xml"
# The median of a list of µs figures, in ms with one decimal.
median() { sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f", m / 1000}'; }
# compare NAME VIGIL-COMMAND PACEMAKER-COMMAND: each run once per round, RUNS rounds.
compare() {
  local name=$1 ours=$2 theirs=$3
  : > "$dir/vigil.us"; : > "$dir/pacemaker.us"
  for _ in $(seq "$RUNS"); do
    t0=${EPOCHREALTIME/./}; eval "$ours" >/dev/null; t1=${EPOCHREALTIME/./}
    echo $((t1 - t0)) >> "$dir/vigil.us"
    t0=${EPOCHREALTIME/./}; eval "$theirs" >/dev/null; t1=${EPOCHREALTIME/./}
    echo $((t1 - t0)) >> "$dir/pacemaker.us"
  done
  local v p
  v=$(median < "$dir/vigil.us"); p=$(median < "$dir/pacemaker.us")
  echo "$name RESOURCES=$RESOURCES runs=$RUNS vigil median=$v ms pacemaker median=$p ms (pacemaker/vigil $(awk -v p="$p" -v v="$v" 'BEGIN {printf "%.1f", p / v}'))"
}
compare "crm_mon" "$tools/crm_mon -1 --output-as=xml" "CIB_file=$dir/cib.xml /usr/sbin/crm_mon -1 --output-as=xml"
compare "crm_resource_locate" "$tools/crm_resource --locate -r d1" "CIB_file=$dir/cib.xml /usr/sbin/crm_resource --locate -r d1"
compare "crm_resource_list" "$tools/crm_resource --list" "CIB_file=$dir/cib.xml /usr/sbin/crm_resource --list"
compare "crm_simulate_scores" "$tools/crm_simulate -s -L" "/usr/sbin/crm_simulate -s -x $dir/cib.xml"
