#!/usr/bin/env bash
# Builds latticepol in Release with the Google Benchmark programs (build dir
# build-bench/), runs them, and prints the goal table of issue 15: one row
# per goal (measured, goal, the hand-written yardstick where there is one,
# pass/FAIL) and the load average at the time. Writes one JSON file per
# program:
#   bench/results.json          evaluate_bench (decisions)
#   bench/results-compile.json  compile_bench (Compile and parse+compile)
# Times are the median CPU time over 3 repetitions (CPU time: the machine is
# shared, so wall time is inflated by other jobs); instruction counts come
# from tools/insn_count.sh (callgrind) and do not depend on load; the
# uncertainty rows from bench/uncertainty_bench.cc.
# Usage: tools/bench.sh [extra --benchmark_* flags, e.g. --benchmark_filter=Seed]
#        GOALS_ONLY=1 tools/bench.sh   runs only the benchmarks of the table
# Other scripts add rows with tools/goal_row.sh (goal_row NAME MEASURED GOAL UNIT).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/goal_row.sh
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DLATTICEPOL_BUILD_BENCHMARKS=ON -DLATTICEPOL_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
cmake --build build-bench -j "$(nproc)" --target evaluate_bench compile_bench seed_insn_bench \
    uncertainty_bench glob_bench
filter=()
compile_filter=()
if [ -n "${GOALS_ONLY:-}" ]; then
  filter=(--benchmark_filter='Stream')
  compile_filter=(--benchmark_filter='BM_Compile_TenK')
fi
build-bench/evaluate_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out=bench/results.json --benchmark_out_format=json "${filter[@]}" "$@"
build-bench/compile_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out=bench/results-compile.json --benchmark_out_format=json \
    "${compile_filter[@]}" "$@"

# median FILE NAME [SCALE]: the median CPU time of benchmark NAME in ns (or
# divided by SCALE), "n/a" when it did not run.
median() {
  python3 - "$1" "$2" "${3:-1}" <<'PY'
import json, sys
path, name, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
units = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
try:
    runs = json.load(open(path))["benchmarks"]
except Exception:
    runs = []
for b in runs:
    if b.get("run_name") == name and b.get("aggregate_name") == "median":
        print(f'{b["cpu_time"] * units[b.get("time_unit", "ns")] / scale:.1f}')
        break
else:
    print("n/a")
PY
}

# The instruction counts (callgrind; skipped without valgrind).
insn_raw=n/a
insn_hand=n/a
insn_twenty=n/a
insn_tenk=n/a
if command -v valgrind >/dev/null 2>&1; then
  insn=$(tools/insn_count.sh build-bench)
  echo "$insn"
  insn_raw=$(echo "$insn" | sed -n 's/^raw: \([0-9]*\).*/\1/p')
  insn_hand=$(echo "$insn" | sed -n 's/^ifchain: \([0-9]*\).*/\1/p')
  insn_twenty=$(echo "$insn" | sed -n 's/^twenty: \([0-9]*\).*/\1/p')
  insn_tenk=$(echo "$insn" | sed -n 's/^tenk: \([0-9]*\).*/\1/p')
fi
insn_ratio=n/a
if [ -n "$insn_raw" ] && [ -n "$insn_hand" ] && [ "$insn_raw" != n/a ]; then
  insn_ratio=$(awk -v a="$insn_raw" -v b="$insn_hand" 'BEGIN { printf "%.2f", a / b }')
fi

# Uncertainty without cost: false "maybe uncertain" flags (the reference
# records no id) per request, on the shipped scenario's simulated stream and
# on the same requests replayed from JSON Lines.
unc=$(build-bench/uncertainty_bench 100000 || true)
echo "$unc"
false_rate() {
  echo "$unc" | awk -v s="$1" '$1 == s { for (i = 1; i <= NF; ++i) if ($i == "flags") { v = $(i + 2); gsub(/[(%]/, "", v); print v } }'
}

r=bench/results.json
echo
echo "## Goal table (issue 15)"
echo
goal_table_header
goal_row "seed, compiled, 1M-request stream" "$(median $r BM_Seed_Stream1M_Compiled)" "<=20" \
    ns/decision "$(median $r BM_Seed_Stream1M_HandWritten)"
goal_row "seed, EvaluateBatch (256), 1M-request stream" \
    "$(median $r BM_Seed_Stream1M_CompiledBatch 256)" - ns/decision \
    "$(median $r BM_Seed_Stream1M_HandWritten)"
goal_row "seed, compiled, 4,096-request stream" "$(median $r BM_Seed_Stream4K_Compiled)" - \
    ns/decision "$(median $r BM_Seed_Stream4K_HandWritten)"
goal_row "seed, instructions/decision" "$insn_raw" - instructions "$insn_hand"
goal_row "seed, instructions vs hand-written" "$insn_ratio" "<=1.5" x
goal_row "Twenty, compiled, condition stream" "$(median $r BM_Twenty_Stream_Compiled)" "<=50" \
    ns/decision
goal_row "TenK, compiled, condition stream" "$(median $r BM_TenK_Stream_Compiled)" "<=50" \
    ns/decision
# Where the streams' time goes (bench/README): the same traffic with the
# texts in cache (256 requests, shuffled), and also in a learnable order
# (the 256 cycled).
goal_row "Twenty, 256 of its stream shuffled (texts cached)" \
    "$(median $r BM_Twenty_StreamShuffled256_Compiled)" - ns/decision
goal_row "Twenty, 256 of its stream cycled (cached, learnable)" \
    "$(median $r BM_Twenty_StreamCycled256_Compiled)" - ns/decision
goal_row "TenK, 256 of its stream shuffled (texts cached)" \
    "$(median $r BM_TenK_StreamShuffled256_Compiled)" - ns/decision
goal_row "TenK, 256 of its stream cycled (cached, learnable)" \
    "$(median $r BM_TenK_StreamCycled256_Compiled)" - ns/decision
goal_row "Twenty, condition stream, instructions/decision" "$insn_twenty" - instructions
goal_row "TenK, condition stream, instructions/decision" "$insn_tenk" - instructions
goal_row "compile, 10,000-character policy" \
    "$(median bench/results-compile.json BM_Compile_TenK 1000)" "<=100" us
goal_row "false uncertain flags, shipped scenario" "$(false_rate scenario)" "<=0.1" %
goal_row "false uncertain flags, replayed stream" "$(false_rate replay)" "<=0.1" %
# simulate and replay throughput: the CLI end to end (tools/throughput.sh).
cmake --build build-bench --target latticepol_cli >/dev/null && GOAL_ROWS=1 tools/throughput.sh build-bench
echo
echo "load average: $(load_average)"
