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

#include "absl/status/statusor.h"
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

// The timed loop of the Compile benchmarks: compiles `doc` once per
// iteration. Returns false (the run marked skipped) when `doc` did not parse
// or does not compile.
bool CompileEach(benchmark::State& state, const absl::StatusOr<PolicyDocument>& doc) {
  if (!doc.ok()) {
    state.SkipWithError(std::string(doc.status().message()).c_str());
    return false;
  }
  for (auto _ : state) {
    auto compiled = Compile(*doc);
    if (!compiled.ok()) {
      state.SkipWithError("compile failed");
      return false;
    }
    benchmark::DoNotOptimize(compiled->get());
  }
  return true;
}

template <const char* const* kPath>
void BM_Compile(benchmark::State& state) {
  const std::string text = ReadFile(*kPath);
  if (!CompileEach(state, ParsePolicyOrStatus(text))) return;
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

// One statement whose condition lists `state.range(0)` values (past
// Lattice's size limit above a few hundred: parsed leniently), by
// `state.range(1)`: 0, accounts under StringEquals; 1, values that share
// size, first and last eight bytes and differ only in their middle (the
// exact index then hashes whole values); 2, path prefixes under StringLike
// (glob patterns). Compile stays linear in the list: exact values and glob
// patterns are interned through hash maps, the index's seed search is
// bounded.
void BM_CompileValueList(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int kind = static_cast<int>(state.range(1));
  std::string values;
  for (int i = 0; i < n; ++i) {
    char buf[32];
    if (kind == 1) {
      std::snprintf(buf, sizeof buf, "\"aaaaaaaa%04dbbbbbbbb\"", i);
    } else if (kind == 2) {
      std::snprintf(buf, sizeof buf, "\"/p%06d/*\"", i);
    } else {
      std::snprintf(buf, sizeof buf, "\"%012d\"", 100000000 + 7 * i);
    }
    values += (i ? "," : "") + std::string(buf);
  }
  const std::string condition =
      kind == 2 ? R"("StringLike": {"vpc-lattice-svcs:RequestPath": [)"
                : R"("StringEquals": {"vpc-lattice-svcs:SourceVpcOwnerAccount": [)";
  const std::string text =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",)"
      R"( "Action": "vpc-lattice-svcs:Invoke", "Resource": "*", "Condition": {)" +
      condition + values + "]}}}]}";
  ParseOptions lenient;
  lenient.strict = false;
  if (!CompileEach(state, ParsePolicyOrStatus(text, lenient))) return;
  state.SetItemsProcessed(state.iterations() * n);
}

BENCHMARK_TEMPLATE(BM_Compile, &kSeed)->Name("BM_Compile_Seed");
BENCHMARK_TEMPLATE(BM_Compile, &kTwenty)->Name("BM_Compile_Twenty");
BENCHMARK_TEMPLATE(BM_Compile, &kTenK)->Name("BM_Compile_TenK");
BENCHMARK_TEMPLATE(BM_ParseAndCompile, &kSeed)->Name("BM_ParseAndCompile_Seed");
BENCHMARK_TEMPLATE(BM_ParseAndCompile, &kTenK)->Name("BM_ParseAndCompile_TenK");
BENCHMARK(BM_CompileValueList)->ArgsProduct({{60, 250, 1000}, {0, 1, 2}});

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
