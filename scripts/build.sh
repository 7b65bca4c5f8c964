#!/usr/bin/env bash
# Configures and builds Vigil into ./build (two jobs: the machines have two cores).
# In CI (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -G Ninja -DVIGIL_WERROR="$werror" >/dev/null
cmake --build build -j2
