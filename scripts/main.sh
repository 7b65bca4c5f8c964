#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine, as root: install, build, then `vigil demo`, the
# tutorial end to end on this machine (two nodes and a client in network namespaces; see
# docs/demo.md). Arguments go to `vigil demo` (for example --token 200).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
exec ./build/bin/vigil demo "$@"
