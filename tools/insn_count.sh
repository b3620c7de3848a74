#!/usr/bin/env bash
# Load-independent cost of one seed-policy decision: instructions counted by
# valgrind --tool=callgrind for bench/seed_insn_bench.cc, (Ir(n) - Ir(0)) / (4 n)
# over the evaluate_bench seed mix (2 allowed, 2 denied), for the compiled
# matcher on raw and pre-split queries and for the hand-written if-chain.
# Usage: tools/insn_count.sh [build-dir] [n]   (default build-bench, 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
n=${2:-20000}
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
for mode in raw parsed ifchain; do
  base=$(ir "$mode" 0)
  total=$(ir "$mode" "$n")
  echo "$mode: $(( (total - base) / (4 * n) )) instructions/decision"
done
