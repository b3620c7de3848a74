// File: bench/lint_bench.cc
// Stage: lint. Google Benchmark of LintPolicy (parse + every check, including
// the analysis-backed ones) on:
//   Seed  the shipped blue/green policy (policies/shared-service/auth-policy.json)
//         target: <= 1 ms
//   TenK  a policy of exactly 10,000 characters (policies/bench/ten-thousand-chars.json)
//         target: <= 50 ms
// and of FormatPolicyText (fmt --pretty) on the 10,000-character policy.
//
// Run: cmake -B build -DLATTICEPOL_BUILD_BENCHMARKS=ON && cmake --build build --target lint_bench
//      && build/lint_bench
#include <fstream>
#include <sstream>
#include <string>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "latticepol/lint.h"
#include "latticepol/policy_format.h"

namespace latticepol {
namespace {

using bench::ReadFile;

void LintFile(benchmark::State& state, const char* path) {
  const std::string text = ReadFile(path);
  size_t findings = 0;
  for (auto _ : state) {
    LintResult r = LintPolicy(text);
    findings = r.findings.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["chars"] = static_cast<double>(text.size());
}

void BM_Lint_Seed(benchmark::State& state) {
  LintFile(state, "policies/shared-service/auth-policy.json");
}
BENCHMARK(BM_Lint_Seed)->Unit(benchmark::kMicrosecond);

void BM_Lint_TenK(benchmark::State& state) {
  LintFile(state, "policies/bench/ten-thousand-chars.json");
}
BENCHMARK(BM_Lint_TenK)->Unit(benchmark::kMillisecond);

void BM_Fmt_Pretty_TenK(benchmark::State& state) {
  const std::string text = ReadFile("policies/bench/ten-thousand-chars.json");
  for (auto _ : state) {
    FormatPolicyResult r = FormatPolicyText(text, PolicyLayout::kPretty);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Fmt_Pretty_TenK)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
