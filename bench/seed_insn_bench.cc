// File: bench/seed_insn_bench.cc
// Stage: benchmark support. A plain driver (not Google Benchmark) for
// load-independent instruction counts of the seed blue/green policy under
// valgrind --tool=callgrind: it evaluates the 4,096-request yardstick stream
// (tests/testing/seed_yardstick.h, the one bench/evaluate_bench.cc times)
// `n` times with one evaluator and prints a checksum. tools/insn_count.sh
// runs it with n and with 0 and reports (Ir(n) - Ir(0)) / (4096 n)
// instructions per decision. Modes `twenty` and `tenk` do the same for the
// condition streams of the Twenty and TenK bench policies
// (bench/condition_stream.h, the streams BM_Twenty_Stream_Compiled and
// BM_TenK_Stream_Compiled time), also 4,096 requests.
//
// Usage: seed_insn_bench <raw|batch|ifchain|twenty|tenk> <n>
//   raw      the compiled matcher (Evaluate) on the raw views
//   batch    the same through EvaluateBatch, 256 views per call
//   ifchain  the hand-written check (yardstick::BlueGreenIfChain)
//   twenty   the compiled matcher on the Twenty condition stream
//   tenk     the compiled matcher on the TenK condition stream
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "condition_stream.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/seed_yardstick.h"

namespace latticepol {
namespace {

using bench::ReadFile;

// The condition-stream modes: `n` passes of Evaluate over the stream of
// `policy` (a path under the source tree) built from `own`.
int RunConditionStream(const std::string& mode, long n, const char* policy,
                       const std::vector<bench::BenchRequest>& own) {
  auto doc = ParsePolicyOrStatus(ReadFile(policy));
  if (!doc.ok()) return 1;
  auto compiled = Compile(*doc);
  if (!compiled.ok()) return 1;
  bench::ConditionStream stream;
  bench::BuildConditionStream(own, &stream);
  long checksum = 0;
  for (long i = 0; i < n; ++i) {
    for (const RequestView& v : stream.views) checksum += Evaluate(**compiled, v).statement;
  }
  std::printf("%s n=%ld checksum=%ld\n", mode.c_str(), n, checksum);
  return 0;
}

// Out of line, as Evaluate is: both sides pay one call per decision.
__attribute__((noinline)) Decision HandWritten(const RequestView& r) {
  return yardstick::BlueGreenIfChain(r);
}

int Main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <raw|batch|ifchain|twenty|tenk> <n>\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  if (mode == "twenty") {
    return RunConditionStream(mode, n, "policies/bench/twenty-statements.json",
                              bench::TwentyRequests());
  }
  if (mode == "tenk") {
    return RunConditionStream(mode, n, "policies/bench/ten-thousand-chars.json",
                              bench::TenKRequests());
  }
  if (mode != "raw" && mode != "batch" && mode != "ifchain") {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  auto doc = ParsePolicyOrStatus(ReadFile("policies/shared-service/auth-policy.json"));
  if (!doc.ok()) return 1;
  auto compiled = Compile(*doc);
  if (!compiled.ok()) return 1;
  // Same seed as bench/evaluate_bench.cc.
  const std::vector<RequestView> views =
      yardstick::SeedStream(yardstick::kSmallStream, bench::kStreamSeed);
  // The evaluators must agree on the stream before anything is counted.
  for (const RequestView& v : views) {
    if (HandWritten(v).statement != Evaluate(**compiled, v).statement) {
      std::fprintf(stderr, "hand-written check and compiled policy disagree\n");
      return 1;
    }
  }
  long checksum = 0;
  if (mode == "batch") {
    constexpr size_t kBatch = 256;
    std::vector<Decision> out(kBatch);
    for (long i = 0; i < n; ++i) {
      for (size_t b = 0; b < views.size(); b += kBatch) {
        if (!EvaluateBatch(**compiled, absl::MakeConstSpan(views.data() + b, kBatch),
                           absl::MakeSpan(out))
                 .ok()) {
          return 1;
        }
        for (const Decision& d : out) checksum += d.statement;
      }
    }
    std::printf("%s n=%ld checksum=%ld\n", mode.c_str(), n, checksum);
    return 0;
  }
  const bool hand = mode == "ifchain";
  for (long i = 0; i < n; ++i) {
    for (const RequestView& v : views) {
      checksum += hand ? HandWritten(v).statement : Evaluate(**compiled, v).statement;
    }
  }
  std::printf("%s n=%ld checksum=%ld\n", mode.c_str(), n, checksum);
  return 0;
}

}  // namespace
}  // namespace latticepol

int main(int argc, char** argv) { return latticepol::Main(argc, argv); }
