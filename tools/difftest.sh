#!/usr/bin/env bash
# Runs the differential test (compiled matcher vs reference evaluator, see
# tests/unit/differential_test.cc) on any number of random policy/request
# pairs, building what it needs in Release first.
#
# Usage: tools/difftest.sh [PAIRS] [SEED] [JOBS]
#   PAIRS  pairs to run in total (default 200000); each pair is evaluated on a
#          pre-split and on a raw-query view, by both evaluators
#   SEED   base seed (default 20260101); job k uses SEED+k
#   JOBS   parallel processes (default 1); PAIRS is split between them
# Environment: LATTICEPOL_BUILD_DIR (default build-difftest);
#   LATTICEPOL_DIFF_FILTER (gtest filter, default the strict-policy test;
#   'DifferentialTest.*' also runs the lenient run (PAIRS/4) and the Lattice
#   chain run (PAIRS/10)).
# Examples:
#   tools/difftest.sh 10000000          # 10^7 pairs
#   tools/difftest.sh 10000000 7 2      # 10^7 pairs from seed 7, two processes
# Replay a printed failure with the printed line, e.g.
#   LATTICEPOL_DIFF_ONLY=<seed> <build>/differential_test --gtest_filter=<test>
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-200000}"
seed="${2:-20260101}"
jobs="${3:-1}"
build="${LATTICEPOL_BUILD_DIR:-build-difftest}"
filter="${LATTICEPOL_DIFF_FILTER:-DifferentialTest.CompiledMatchesReference}"

if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
fi
cmake --build "$build" --target differential_test -j "$(nproc)" >/dev/null

per_job=$(( (pairs + jobs - 1) / jobs ))
start=$(date +%s)
pids=()
for ((k = 0; k < jobs; ++k)); do
  LATTICEPOL_DIFF_PAIRS="$per_job" LATTICEPOL_DIFF_SEED="$((seed + k))" \
    "$build/differential_test" --gtest_filter="$filter" \
    >"$build/difftest.$k.log" 2>&1 &
  pids+=($!)
done
status=0
for ((k = 0; k < jobs; ++k)); do
  if ! wait "${pids[$k]}"; then
    status=1
    echo "job $k (seed $((seed + k))) FAILED; log: $build/difftest.$k.log" >&2
    grep -A12 'disagree\|rejected\|Failure' "$build/difftest.$k.log" | cut -c1-1500 | head -60 >&2 || true
  fi
  grep '^differential:\|^chain differential:' "$build/difftest.$k.log" || true
done
echo "difftest: $((per_job * jobs)) pairs from seed $seed in $jobs job(s), $(( $(date +%s) - start )) s:" \
     "$([ $status -eq 0 ] && echo clean || echo FAILURES)"
exit $status
