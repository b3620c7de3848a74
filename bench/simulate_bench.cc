// File: bench/simulate_bench.cc
// Stage: simulate (benchmarks). End-to-end throughput of `latticepol simulate`
// on the shipped blue/green scenario (generation + compiled chain +
// aggregation, per thread count), of request generation alone, and of replay
// over canonical JSON Lines and access-log records (bytes/s).
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "latticepol/compiled_policy.h"
#include "testing/random.h"
#include "latticepol/replay.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"

namespace latticepol {
namespace {

const Scenario& Shipped() {
  static const Scenario* scenario = [] {
    ScenarioLoadResult r = LoadScenarioFile(std::string(LATTICEPOL_SOURCE_DIR) +
                                            "/policies/shared-service/scenario.yaml");
    if (!r.ok()) std::abort();
    return new Scenario(std::move(r.scenario));
  }();
  return *scenario;
}

// Whole runs of 2^20 requests; the argument is the thread count.
void BM_SimulateShipped(benchmark::State& state) {
  SimulationOptions options;
  options.count = 1 << 20;
  options.threads = static_cast<int>(state.range(0));
  auto sim = Simulation::Create(Shipped(), options);
  if (!sim.ok()) {
    state.SkipWithError("cannot create the simulation");
    return;
  }
  for (auto _ : state) {
    SimulationReport report = (*sim)->Run();
    benchmark::DoNotOptimize(report.totals);
  }
  state.SetItemsProcessed(state.iterations() * (1 << 20));
}
BENCHMARK(BM_SimulateShipped)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// GenerateRequest (the owning, allocating form used by tests and
// --emit-requests; the engine's own loop does not allocate).
void BM_GenerateRequest(benchmark::State& state) {
  auto sim = Simulation::Create(Shipped());
  uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize((*sim)->GenerateRequest(i++));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GenerateRequest);

// The compiled service policy alone on the scenario's requests (raw query
// form, as the engine evaluates them): the floor under BM_SimulateShipped.
void BM_EvaluateScenarioRequests(benchmark::State& state) {
  auto sim = Simulation::Create(Shipped());
  auto compiled = Compile(*Shipped().service_policy);
  constexpr int kRequests = 4096;
  std::vector<Request> requests(kRequests);
  std::vector<std::string> raws(kRequests);
  std::vector<RequestView> views(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    requests[i] = (*sim)->GenerateRequest(i, nullptr, &raws[i]);
  }
  for (int i = 0; i < kRequests; ++i) views[i] = RawQueryView(requests[i], raws[i]);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Evaluate(**compiled, views[i++ % kRequests]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateScenarioRequests);

std::string CanonicalLines(int n) {
  auto sim = Simulation::Create(Shipped());
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += RequestToJson((*sim)->GenerateRequest(i));
    text.push_back('\n');
  }
  return text;
}

std::string AccessLogLines(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    const bool blue = i % 3 != 0;
    text += std::string("{\"startTime\":\"2024-06-11T10:00:00Z\",\"serviceNetworkArn\":\"arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001\",") +
            "\"serviceArn\":\"arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0\"," +
            "\"sourceVpcArn\":\"arn:aws:ec2:us-east-1:" + (blue ? "111111111111" : "999999999999") +
            ":vpc/vpc-0b1e\",\"sourceVpcId\":\"vpc-0b1e\",\"requestMethod\":\"GET\",\"requestPath\":\"/items\"," +
            "\"protocol\":\"HTTP/1.1\",\"hostHeader\":\"shared.example\",\"userAgent\":\"curl/8.0\"," +
            "\"callerPrincipal\":\"arn:aws:sts::111111111111:assumed-role/blue-service/s\"," +
            "\"authDeniedReason\":\"" + (blue ? "-" : "Service") + "\",\"responseCode\":" +
            (blue ? "200" : "403") + ",\"tlsVersion\":\"TLSv1.3\",\"duration\":3}\n";
  }
  return text;
}

void ReplayBench(benchmark::State& state, const std::string& text) {
  ChainPolicies chain;
  chain.config.service_auth_type = AuthType::kAwsIam;
  chain.service_policy = &*Shipped().service_policy;
  ReplayOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto report = ReplayText(text, chain, options);
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

void BM_ReplayCanonical(benchmark::State& state) {
  static const std::string text = CanonicalLines(200000);
  ReplayBench(state, text);
}
BENCHMARK(BM_ReplayCanonical)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReplayAccessLog(benchmark::State& state) {
  static const std::string text = AccessLogLines(100000);
  ReplayBench(state, text);
}
BENCHMARK(BM_ReplayAccessLog)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
