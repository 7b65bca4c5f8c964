#!/bin/bash
# Vigil's crm_simulate beside the installed one on Pacemaker's scheduler corpus
# (../shared/pcmk-cts/xml): how many CIBs print the same with -S (status, transition summary,
# revised status; the actions executed left out, as Vigil lists its own). Prints the count and
# the names that differ to build/crm_simulate_corpus.txt. Usage: bash scripts/crm_simulate_corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ours=build/lib/vigil/sbin/crm_simulate
corpus=../shared/pcmk-cts/xml
[ -x "$ours" ] || { echo "build first: bash scripts/build.sh" >&2; exit 1; }
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 1; }
without_actions() { awk '/^Executing Cluster Transition:/{skip=1;next} /^Revised Cluster Status:/{skip=0} !skip'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same=0 total=0
: > build/crm_simulate_corpus.txt
for f in "$corpus"/*.xml; do
  total=$((total + 1))
  TZ=UTC timeout 60 "$ours" -x "$f" -S 2>&1 | without_actions > "$tmp/ours" || true
  TZ=UTC timeout 60 crm_simulate -x "$f" -S 2>&1 | without_actions > "$tmp/theirs" || true
  if cmp -s "$tmp/ours" "$tmp/theirs"; then same=$((same + 1)); else basename "$f" .xml >> build/crm_simulate_corpus.txt; fi
done
echo "crm_simulate -S: $same of $total CIBs print the same (the differing ones: build/crm_simulate_corpus.txt)"
