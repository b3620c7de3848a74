// File: bench/uncertainty_bench.cc
// Stage: benchmark support. A plain driver (not Google Benchmark) that
// measures how often the compiled matcher's "maybe uncertain" flag
// (kMaybeUncertain) is raised where the reference evaluator records no
// DECISION id: the fraction of requests that would consult the reference for
// nothing. Streams:
//   scenario  the shipped blue/green scenario's simulated requests
//             (policies/shared-service/scenario.yaml, Simulation::GenerateRequest,
//             raw query views, as `simulate` evaluates them), against its
//             service policy;
//   replay    the same requests written as canonical JSON Lines and read
//             back with ParseRequestJson (pre-split queries, as `replay`
//             reads them);
//   random-<policy>  tests/testing/random.h requests (adversarial: encodings,
//             repeats, case variants) for the seed, Twenty and TenK policies,
//             replayed through JSON Lines the same way.
// For each: requests, flagged, false flags (flagged, no reference id) and
// missed ids (reference id, not flagged: must be 0). Exit status 1 if any id
// is missed.
//
// Usage: uncertainty_bench [n]   (default 100000 requests per stream)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"
#include "testing/random.h"

namespace latticepol {
namespace {

using bench::ReadFile;

struct Rate {
  uint64_t requests = 0, flagged = 0, false_flags = 0, missed = 0, with_ids = 0;

  void Add(const PolicyDocument& doc, const CompiledPolicy& policy, const RequestView& v) {
    const Decision fast = Evaluate(policy, v);
    const Decision ref = EvaluateReference(doc, v).decision;
    ++requests;
    const bool maybe = fast.uncertain_is_maybe();
    flagged += maybe;
    with_ids += ref.uncertain != 0;
    false_flags += maybe && ref.uncertain == 0;
    missed += !maybe && ref.uncertain != 0;
  }

  void Print(const char* name) const {
    std::printf("%-16s requests %8llu  flagged %8llu  reference ids %8llu  false flags %8llu "
                "(%.3f%% of requests)  missed %llu\n",
                name, static_cast<unsigned long long>(requests),
                static_cast<unsigned long long>(flagged),
                static_cast<unsigned long long>(with_ids),
                static_cast<unsigned long long>(false_flags),
                requests == 0 ? 0.0 : 100.0 * static_cast<double>(false_flags) /
                                          static_cast<double>(requests),
                static_cast<unsigned long long>(missed));
  }
};

// A request written as a canonical JSON line and read back (replay's path).
bool Replayed(const Request& r, Request* out) {
  RequestParseResult parsed = ParseRequestJson(RequestToJson(r));
  if (!parsed.ok()) return false;
  *out = std::move(parsed.request);
  return true;
}

int Main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  ScenarioLoadResult loaded = LoadScenarioFile(std::string(LATTICEPOL_SOURCE_DIR) +
                                               "/policies/shared-service/scenario.yaml");
  if (!loaded.ok() || !loaded.scenario.service_policy) return 2;
  const Scenario& scenario = loaded.scenario;
  auto sim = Simulation::Create(scenario);
  if (!sim.ok()) return 2;
  const PolicyDocument& service = *scenario.service_policy;
  auto compiled = Compile(service);
  if (!compiled.ok()) return 2;
  Rate simulated, replayed;
  for (uint64_t i = 0; i < n; ++i) {
    std::string raw;
    const Request r = (*sim)->GenerateRequest(i, nullptr, &raw);
    simulated.Add(service, **compiled, RawQueryView(r, raw));
    Request back;
    if (Replayed(r, &back)) replayed.Add(service, **compiled, back.view());
  }
  simulated.Print("scenario");
  replayed.Print("replay");
  uint64_t missed = simulated.missed + replayed.missed;
  const char* const kPolicies[][2] = {
      {"random-seed", "policies/shared-service/auth-policy.json"},
      {"random-twenty", "policies/bench/twenty-statements.json"},
      {"random-tenk", "policies/bench/ten-thousand-chars.json"}};
  for (const auto& p : kPolicies) {
    auto doc = ParsePolicyOrStatus(ReadFile(p[1]));
    if (!doc.ok()) return 2;
    auto c = Compile(*doc);
    if (!c.ok()) return 2;
    Rng rng(20261204);
    Rate rate;
    for (uint64_t i = 0; i < n / 4; ++i) {
      const Request r = RandomRequest(rng, *doc, {});
      Request back;
      if (Replayed(r, &back)) rate.Add(*doc, **c, back.view());
    }
    rate.Print(p[0]);
    missed += rate.missed;
  }
  return missed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace latticepol

int main(int argc, char** argv) { return latticepol::Main(argc, argv); }
