// File: bench/glob_bench.cc
// Stage: evaluate. The RequestPath glob set of the Twenty and TenK bench
// policies on its own: internal::GlobSet::ForEachMatch, which the general
// plan's GlobOneValue calls once per decision, over the paths of the
// condition streams (bench/varying_stream.h's VaryingValues::paths), 4,096
// draws in drawn order (`Shuffled`) and sorted (`Sorted`); ns per path. In
// a decision the path's value (this match, the exact lookup, the call and
// the hit callback's mask loads) costs about twice this (bench/README.md,
// "Where a decision's time goes, by component"): this is the short loop for
// work on the matcher, evaluate_bench's stream rows are the verdict.
//
// Run: build-bench/glob_bench (tools/bench.sh builds it but does not run it).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "condition_stream.h"
#include "internal/compiled_impl.h"
#include "latticepol/compiled_policy.h"
#include "testing/random.h"
#include "varying_stream.h"

namespace latticepol {
namespace {

// The policy at `relative`, compiled; aborts when it does not parse or compile.
std::shared_ptr<const CompiledPolicy> MustCompile(const char* relative) {
  auto compiled = Compile(bench::MustParse(relative));
  if (!compiled.ok()) std::abort();
  return *std::move(compiled);
}

// The compiled RequestPath key's glob set of `policy` (aborts without one).
const internal::GlobSet& PathGlobs(const CompiledPolicy& policy) {
  for (const internal::CompiledKey& k : internal::CompiledPolicyAccess::Plan(policy).keys) {
    if (k.key.name == "vpc-lattice-svcs:RequestPath" && !k.globs.empty()) return k.globs;
  }
  std::fprintf(stderr, "no RequestPath globs\n");
  std::abort();
}

// 4,096 paths drawn from the varying streams' paths, sorted or not.
std::vector<std::string> DrawPaths(bool sorted) {
  const std::vector<std::string> paths = bench::VaryingValues().paths;
  Rng rng(bench::kStreamSeed);
  std::vector<std::string> drawn;
  for (size_t i = 0; i < bench::ConditionStream::kSize; ++i) drawn.push_back(rng.Pick(paths));
  if (sorted) std::sort(drawn.begin(), drawn.end());
  return drawn;
}

void BM_PathGlobs(benchmark::State& state, const char* policy_file, bool sorted) {
  const std::shared_ptr<const CompiledPolicy> policy = MustCompile(policy_file);
  const internal::GlobSet& globs = PathGlobs(*policy);
  const std::vector<std::string> drawn = DrawPaths(sorted);
  std::vector<std::string_view> texts(drawn.begin(), drawn.end());
  size_t i = 0;
  uint64_t hits = 0;
  for (auto _ : state) {
    uint64_t h = 0;
    globs.ForEachMatch(texts[i], [&](size_t id) { h |= uint64_t{1} << (id % 64); });
    hits += h;
    if (++i == texts.size()) i = 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["patterns"] = static_cast<double>(globs.size());
}

#define LATTICEPOL_PATH_GLOBS(policy, file)                                           \
  BENCHMARK_CAPTURE(BM_PathGlobs, policy##Shuffled, file, false)                        \
      ->Name("BM_" #policy "_PathGlobs_Shuffled");                                     \
  BENCHMARK_CAPTURE(BM_PathGlobs, policy##Sorted, file, true)                           \
      ->Name("BM_" #policy "_PathGlobs_Sorted")
LATTICEPOL_PATH_GLOBS(Twenty, "policies/bench/twenty-statements.json");
LATTICEPOL_PATH_GLOBS(TenK, "policies/bench/ten-thousand-chars.json");
#undef LATTICEPOL_PATH_GLOBS

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
