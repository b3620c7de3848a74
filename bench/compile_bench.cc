// File: bench/compile_bench.cc
// Stage: compile. Google Benchmark of Compile() for the three benchmark
// policies (see bench/evaluate_bench.cc): the shipped blue/green policy, the
// 20-statement policy and the 10,000-character policy; plus parse + compile
// from text, which is what a service reloading a policy pays.
//
// Run: tools/bench.sh (Release build, JSON to bench/results.json).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/parse.h"

namespace latticepol {
namespace {

using bench::ReadFile;

constexpr const char* kSeed = "policies/shared-service/auth-policy.json";
constexpr const char* kTwenty = "policies/bench/twenty-statements.json";
constexpr const char* kTenK = "policies/bench/ten-thousand-chars.json";

template <const char* const* kPath>
void BM_Compile(benchmark::State& state) {
  const std::string text = ReadFile(*kPath);
  auto doc = ParsePolicyOrStatus(text);
  if (!doc.ok()) {
    state.SkipWithError(std::string(doc.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    auto compiled = Compile(*doc);
    if (!compiled.ok()) {
      state.SkipWithError("compile failed");
      return;
    }
    benchmark::DoNotOptimize(compiled->get());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["chars"] = static_cast<double>(text.size());
}

template <const char* const* kPath>
void BM_ParseAndCompile(benchmark::State& state) {
  const std::string text = ReadFile(*kPath);
  for (auto _ : state) {
    auto doc = ParsePolicyOrStatus(text);
    if (!doc.ok()) {
      state.SkipWithError("parse failed");
      return;
    }
    auto compiled = Compile(*doc);
    benchmark::DoNotOptimize(compiled.ok());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

// One statement whose StringEquals lists `state.range(0)` accounts (past
// Lattice's size limit above a few hundred: parsed leniently); with
// `state.range(1)`, values that share size, first and last eight bytes and
// differ only in their middle (the exact index then hashes whole values).
// Compile stays linear in the list: interning is hashed, the index's seed
// search bounded.
void BM_CompileValueList(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool shared_ends = state.range(1) != 0;
  std::string values;
  for (int i = 0; i < n; ++i) {
    char buf[32];
    if (shared_ends) {
      std::snprintf(buf, sizeof buf, "\"aaaaaaaa%04dbbbbbbbb\"", i);
    } else {
      std::snprintf(buf, sizeof buf, "\"%012d\"", 100000000 + 7 * i);
    }
    values += (i ? "," : "") + std::string(buf);
  }
  const std::string text =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",)"
      R"( "Action": "vpc-lattice-svcs:Invoke", "Resource": "*", "Condition": {"StringEquals":)"
      R"( {"vpc-lattice-svcs:SourceVpcOwnerAccount": [)" +
      values + "]}}}]}";
  ParseOptions lenient;
  lenient.strict = false;
  auto doc = ParsePolicyOrStatus(text, lenient);
  if (!doc.ok()) {
    state.SkipWithError(std::string(doc.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    auto compiled = Compile(*doc);
    if (!compiled.ok()) {
      state.SkipWithError("compile failed");
      return;
    }
    benchmark::DoNotOptimize(compiled->get());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

BENCHMARK_TEMPLATE(BM_Compile, &kSeed)->Name("BM_Compile_Seed");
BENCHMARK_TEMPLATE(BM_Compile, &kTwenty)->Name("BM_Compile_Twenty");
BENCHMARK_TEMPLATE(BM_Compile, &kTenK)->Name("BM_Compile_TenK");
BENCHMARK_TEMPLATE(BM_ParseAndCompile, &kSeed)->Name("BM_ParseAndCompile_Seed");
BENCHMARK_TEMPLATE(BM_ParseAndCompile, &kTenK)->Name("BM_ParseAndCompile_TenK");
BENCHMARK(BM_CompileValueList)->ArgsProduct({{60, 250, 1000}, {0, 1}});

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
