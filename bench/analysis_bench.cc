// File: bench/analysis_bench.cc
// Stage: analysis. Google Benchmark of the exact analysis (latticepol/analysis.h):
//   DiffSeedOneStatement  the shipped blue/green policy against a copy whose
//                         AllowGreen statement grants `q=teal` instead (target <= 1 ms)
//   DiffTenK              policies/bench/ten-thousand-chars.json against
//                         ten-thousand-chars-changed.json (one statement changed)
//   ProveShipped          policies/shared-service/scenario.yaml (target <= 50 ms)
//   AnalyzeSeed           who-can-do-what of the shipped policy, with per-statement
//                         reachability
//   AnalyzeGlobHeavy      policies/bench/glob-heavy.json: 8 statements, each with 10
//                         random globs (`*`, `?`, `a`, `b`, `ab`) on the path, header
//                         x-a, query q (plain, ForAnyValue, ForAllValues) and method
//   DiffGlobHeavy         glob-heavy.json against glob-heavy-changed.json (one more
//                         path glob in statement S7)
// Whole CLI runs (process start, parsing, output) are measured with hyperfine,
// see bench/README.md.
#include <fstream>
#include <sstream>
#include <string>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "latticepol/analysis.h"
#include "latticepol/parse.h"
#include "latticepol/scenario.h"

namespace latticepol {
namespace {

using bench::ReadFile;

PolicyDocument Load(const std::string& relative) {
  auto doc = ParsePolicyOrStatus(ReadFile(relative));
  return doc.ok() ? *doc : PolicyDocument{};
}

void Diff(benchmark::State& state, const PolicyDocument& a, const PolicyDocument& b) {
  for (auto _ : state) {
    auto result = DiffPolicies(a, b);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(result->differences.size());
  }
}

void BM_DiffSeedOneStatement(benchmark::State& state) {
  const std::string text = ReadFile("policies/shared-service/auth-policy.json");
  std::string changed = text;
  changed.replace(changed.find("\"green\""), 7, "\"teal\"");
  Diff(state, Load("policies/shared-service/auth-policy.json"),
       *ParsePolicyOrStatus(changed));
}
BENCHMARK(BM_DiffSeedOneStatement)->Unit(benchmark::kMicrosecond);

void BM_DiffTenK(benchmark::State& state) {
  Diff(state, Load("policies/bench/ten-thousand-chars.json"),
       Load("policies/bench/ten-thousand-chars-changed.json"));
}
BENCHMARK(BM_DiffTenK)->Unit(benchmark::kMillisecond);

void BM_ProveShipped(benchmark::State& state) {
  ScenarioLoadResult loaded =
      LoadScenarioFile(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/scenario.yaml");
  if (!loaded.ok()) {
    state.SkipWithError("scenario does not load");
    return;
  }
  for (auto _ : state) {
    auto result = ProveScenario(loaded.scenario);
    if (!result.ok() || !result->all_hold()) {
      state.SkipWithError("prove failed");
      return;
    }
  }
}
BENCHMARK(BM_ProveShipped)->Unit(benchmark::kMillisecond);

void BM_AnalyzeSeed(benchmark::State& state) {
  const PolicyDocument doc = Load("policies/shared-service/auth-policy.json");
  for (auto _ : state) {
    auto result = AnalyzePolicy(doc);
    if (!result.ok()) {
      state.SkipWithError("analyze failed");
      return;
    }
    benchmark::DoNotOptimize(result->allowed.size());
  }
}
BENCHMARK(BM_AnalyzeSeed)->Unit(benchmark::kMicrosecond);

void BM_AnalyzeGlobHeavy(benchmark::State& state) {
  const PolicyDocument doc = Load("policies/bench/glob-heavy.json");
  for (auto _ : state) {
    auto result = AnalyzePolicy(doc);
    if (!result.ok() || !result->complete) {
      state.SkipWithError("analyze failed or incomplete");
      return;
    }
    benchmark::DoNotOptimize(result->allowed.size());
  }
}
BENCHMARK(BM_AnalyzeGlobHeavy)->Unit(benchmark::kMillisecond);

void BM_DiffGlobHeavy(benchmark::State& state) {
  Diff(state, Load("policies/bench/glob-heavy.json"),
       Load("policies/bench/glob-heavy-changed.json"));
}
BENCHMARK(BM_DiffGlobHeavy)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
