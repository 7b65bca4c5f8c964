#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: install, build, run every test with ctest.
# Tests that need root run too (CI runs as root); a test that cannot run fails with its reason.
# Then the fuzz targets run for FUZZ_SECONDS each (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 600 "$@")
# The parsers that take input from the network or from users, fuzzed for a bounded time
# (clang's libFuzzer with AddressSanitizer and UBSan).
bash scripts/fuzz.sh
