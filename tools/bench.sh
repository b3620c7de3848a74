#!/usr/bin/env bash
# Builds latticepol in Release with the Google Benchmark programs (build dir
# build-bench/) and runs them, writing one JSON file per program:
#   bench/results.json          evaluate_bench (decisions)
#   bench/results-compile.json  compile_bench (Compile and parse+compile)
# Usage: tools/bench.sh [extra --benchmark_* flags, e.g. --benchmark_filter=Seed]
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DLATTICEPOL_BUILD_BENCHMARKS=ON -DLATTICEPOL_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
cmake --build build-bench -j "$(nproc)" --target evaluate_bench compile_bench
build-bench/evaluate_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out=bench/results.json --benchmark_out_format=json "$@"
build-bench/compile_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out=bench/results-compile.json --benchmark_out_format=json "$@"
