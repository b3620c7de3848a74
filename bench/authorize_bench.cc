// File: bench/authorize_bench.cc
// Stage: evaluate. Google Benchmark of the compiled Lattice chain
// (`Authorize`): the shipped candidate policy (with its DenyDeletes) as the
// service-network policy, the shipped blue/green policy as the service
// policy, a signed caller with an identity decision, and three request
// classes: allowed (`Allow`), denied by both resource layers (`Deny`:
// network explicit, service implicit) and implicitly denied by both
// (`Implicit`). items/s is chain decisions per second; `Authorize` allocates
// nothing (tests/unit/no_alloc_test.cc), so the deny paths cost what the
// layers' Evaluate calls cost.
//
// Run: cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
//        -DLATTICEPOL_BUILD_BENCHMARKS=ON -DLATTICEPOL_BUILD_TESTS=OFF
//      cmake --build build-bench --target authorize_bench && build-bench/authorize_bench
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "benchmark/benchmark.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"

namespace latticepol {
namespace {

PolicyDocument ShippedPolicy(const std::string& name) {
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = ParsePolicyOrStatus(ss.str());
  if (!doc.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), std::string(doc.status().message()).c_str());
    std::abort();
  }
  return *std::move(doc);
}

Request MakeRequest(std::string_view owner, std::string_view method, std::string_view query) {
  Request r;
  r.method = std::string(method);
  r.path = "/items";
  r.query.emplace_back("q", std::string(query));
  r.source_vpc_owner_account = std::string(owner);
  r.service_arn = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";
  Principal p;
  p.arn = "arn:aws:iam::" + std::string(owner) + ":role/caller";
  p.account = std::string(owner);
  p.type = "AssumedRole";
  r.principal = p;
  return r;
}

struct Fixture {
  PolicyDocument network = ShippedPolicy("candidate.json");
  PolicyDocument service = ShippedPolicy("auth-policy.json");
  CompiledChain chain;
  Fixture() {
    ChainPolicies description;
    description.config.network_auth_type = AuthType::kAwsIam;
    description.config.service_auth_type = AuthType::kAwsIam;
    description.config.identity_decision = DecisionKind::kAllow;
    description.network_policy = &network;
    description.service_policy = &service;
    auto compiled = CompileChain(description);
    if (!compiled.ok()) std::abort();
    chain = *std::move(compiled);
  }
};

const Fixture& TheFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

void RunChain(benchmark::State& state, const Request& request, DecisionKind expected) {
  const CompiledChain& chain = TheFixture().chain;
  const RequestView view = request.view();
  const ChainResult first = Authorize(chain, view);
  if (first.decision != expected ||
      (expected != DecisionKind::kAllow && first.failing_layers.size() != 2)) {
    state.SkipWithError("unexpected decision");
    return;
  }
  for (auto _ : state) {
    ChainResult r = Authorize(chain, view);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Authorize_Allow(benchmark::State& state) {
  RunChain(state, MakeRequest("111111111111", "GET", "blue"), DecisionKind::kAllow);
}
void BM_Authorize_Deny(benchmark::State& state) {
  RunChain(state, MakeRequest("111111111111", "DELETE", "blue"), DecisionKind::kExplicitDeny);
}
void BM_Authorize_Implicit(benchmark::State& state) {
  RunChain(state, MakeRequest("999999999999", "GET", "blue"), DecisionKind::kImplicitDeny);
}
BENCHMARK(BM_Authorize_Allow);
BENCHMARK(BM_Authorize_Deny);
BENCHMARK(BM_Authorize_Implicit);

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
