#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer, UBSan) in build-fuzz/ and runs each for
# FUZZ_SECONDS (default 20), starting from the checked-in seeds. A crash, a leak or undefined
# behaviour fails the script and leaves the input in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g -O1"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DVIGIL_FUZZ=ON -DVIGIL_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" >/dev/null
ninja -C build-fuzz -j2 fuzz_conf fuzz_packet fuzz_cib fuzz_control >/dev/null
rm -rf build-fuzz/artifacts
mkdir -p build-fuzz/artifacts
for target in conf packet cib control; do
  corpus=build-fuzz/corpus-$target
  mkdir -p "$corpus"
  case $target in
    conf) cp tests/fixtures/conf/*.conf "$corpus"/ ;;
    cib) cp tests/cluster/scheduler/cases/*.xml "$corpus"/ ;;
  esac
  echo "fuzz: $target for ${seconds}s"
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    build-fuzz/bin/fuzz_$target "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=build-fuzz/artifacts/$target- -print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|==|SUMMARY|INFO: seed corpus)" || true
  # libFuzzer exits non-zero on a finding; pipefail is defeated by grep, so check artifacts.
  if ls build-fuzz/artifacts/$target-* >/dev/null 2>&1; then
    echo "fuzz: $target found a failing input: $(ls build-fuzz/artifacts/$target-*)" >&2
    exit 1
  fi
done
echo "fuzz: no findings"
