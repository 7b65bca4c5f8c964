#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: install, build, run every test with ctest.
# Tests that need root run too (CI runs as root); a test that cannot run fails with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 600 "$@"
