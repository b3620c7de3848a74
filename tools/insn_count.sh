#!/usr/bin/env bash
# Load-independent cost of one seed-policy decision: instructions counted by
# valgrind --tool=callgrind for bench/seed_insn_bench.cc, (Ir(n) - Ir(0)) /
# (4096 n) over the 4,096-request yardstick stream (tests/testing/seed_yardstick.h),
# for the compiled matcher on raw views (per call, and through EvaluateBatch
# 256 at a time) and for the hand-written if-chain, and the per-call ratio;
# then the same count for the compiled matcher on the Twenty and TenK
# condition streams (bench/condition_stream.h, 4,096 requests each), as
# "twenty: N instructions/decision" and "tenk: N instructions/decision".
# Usage: tools/insn_count.sh [build-dir] [n]   (default build-bench, 20)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
n=${2:-20}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DLATTICEPOL_BUILD_BENCHMARKS=ON "${launcher[@]}" >/dev/null
cmake --build "$build" --target seed_insn_bench >/dev/null
ir() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/seed_insn_bench" "$1" "$2" \
      >/dev/null 2>"$out"
  sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$out"
  rm -f "$out"
}
declare -A per
for mode in raw batch ifchain; do
  base=$(ir "$mode" 0)
  total=$(ir "$mode" "$n")
  per[$mode]=$(( (total - base) / (4096 * n) ))
  echo "$mode: ${per[$mode]} instructions/decision"
done
awk -v a="${per[raw]}" -v b="${per[ifchain]}" 'BEGIN { printf "ratio: %.2f\n", a / b }'
for mode in twenty tenk; do
  base=$(ir "$mode" 0)
  total=$(ir "$mode" "$n")
  echo "$mode: $(( (total - base) / (4096 * n) )) instructions/decision"
done
