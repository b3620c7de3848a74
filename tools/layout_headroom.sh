#!/usr/bin/env bash
# How much of the Twenty and TenK condition streams' time is code layout.
# Builds the bench programs twice more with GCC profile feedback (once
# instrumented, once optimised with the profile that the instrumented
# seed_insn_bench wrote while running the TRAIN stream, or the instrumented
# differential test on its random policies and requests), then times
# BM_Twenty_Stream_Compiled and BM_TenK_Stream_Compiled in the plain build
# (build-bench/, as tools/bench.sh builds it) and in the profiled one, and
# counts their instructions per decision in both.
#
# A diagnostic, not a build mode: the profile only fits the workload it was
# trained on (see "Code layout" in bench/README.md: trained on random
# policies the streams get slower), so the library is not shipped built
# with it.
#
# Usage: tools/layout_headroom.sh [twenty|tenk|both|random]   (default: both)
#   random: 100,000 pairs of the differential test's generator (random
#   policies of every construct, random requests), none of the streams timed
# Build directories: build-headroom/gen and build-headroom/use (the
# profile in build-headroom/profile); LATTICEPOL_HEADROOM_DIR moves them.
set -euo pipefail
cd "$(dirname "$0")/.."
train="${1:-both}"
case "$train" in
  twenty | tenk) modes=("$train") ;;
  both) modes=(twenty tenk) ;;
  random) modes=() ;;
  *)
    echo "usage: tools/layout_headroom.sh [twenty|tenk|both|random]" >&2
    exit 2
    ;;
esac
root="$(pwd)/${LATTICEPOL_HEADROOM_DIR:-build-headroom}"
profile="$root/profile"
jobs="$(nproc)"
configure() {  # configure DIR CXX_FLAGS [TESTS]
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLATTICEPOL_BUILD_BENCHMARKS=ON \
        -DLATTICEPOL_BUILD_TESTS="${3:-OFF}" -DLATTICEPOL_BUILD_PYTHON=OFF \
        -DCMAKE_CXX_FLAGS="$2" >/dev/null
}

echo "== plain build (build-bench)"
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DLATTICEPOL_BUILD_BENCHMARKS=ON -DLATTICEPOL_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j "$jobs" --target evaluate_bench seed_insn_bench >/dev/null

echo "== instrumented build, trained on: $train"
# -fprofile-prefix-path: the profile's file names relative to the build
# directory, so the second build (another directory) finds them.
gen_flags="-fprofile-generate=$profile -fprofile-prefix-path=$root/gen -fprofile-update=atomic"
rm -rf "$profile"
if [ "$train" = random ]; then
  configure "$root/gen" "$gen_flags" ON
  cmake --build "$root/gen" -j "$jobs" --target differential_test >/dev/null
  LATTICEPOL_DIFF_PAIRS=100000 "$root/gen/differential_test" \
      --gtest_filter=DifferentialTest.CompiledMatchesReference >/dev/null
else
  configure "$root/gen" "$gen_flags"
  cmake --build "$root/gen" -j "$jobs" --target seed_insn_bench >/dev/null
  for m in "${modes[@]}"; do "$root/gen/seed_insn_bench" "$m" 100 >/dev/null; done
fi

echo "== build with the profile"
# -fprofile-partial-training: code the training did not run is optimised as
# without a profile (not for size). A fresh directory: the build cannot see
# that the profile changed.
rm -rf "$root/use"
configure "$root/use" "-fprofile-use=$profile -fprofile-partial-training -fprofile-prefix-path=$root/use -Wno-missing-profile"
cmake --build "$root/use" -j "$jobs" --target evaluate_bench seed_insn_bench >/dev/null 2>&1

# min_ns BINARY: the minimum CPU time of 7 repetitions of each stream.
min_ns() {
  "$1" --benchmark_filter='Twenty_Stream|TenK_Stream' --benchmark_repetitions=7 \
       --benchmark_min_time=0.3 --benchmark_format=json 2>/dev/null |
    python3 -c '
import json, sys
best = {}
for b in json.load(sys.stdin)["benchmarks"]:
    if b.get("run_type") == "iteration":
        n = b["run_name"].replace("BM_", "").replace("_Stream_Compiled", "")
        best[n] = min(best.get(n, 1e9), b["cpu_time"])
print("  ".join(f"{k} {v:.1f} ns" for k, v in sorted(best.items())))'
}
# insn BINARY MODE: instructions per decision (as tools/insn_count.sh).
insn() {
  command -v valgrind >/dev/null || { echo n/a; return; }
  local a b
  a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" 10 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
  b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" 0 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
  echo $(((a - b) / 40960))
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for pass in 1 2; do
  echo "plain    (pass $pass): $(min_ns build-bench/evaluate_bench)"
  echo "profiled (pass $pass): $(min_ns "$root/use/evaluate_bench")"
done
echo "instructions/decision plain: Twenty $(insn build-bench/seed_insn_bench twenty)," \
     "TenK $(insn build-bench/seed_insn_bench tenk)"
echo "instructions/decision profiled: Twenty $(insn "$root/use/seed_insn_bench" twenty)," \
     "TenK $(insn "$root/use/seed_insn_bench" tenk)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
