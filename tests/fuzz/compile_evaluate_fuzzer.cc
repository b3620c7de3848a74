// File: tests/fuzz/compile_evaluate_fuzzer.cc
// Stage: fuzzing (compile -> evaluate, differential). The reference evaluator
// is the oracle: for every policy and request the compiled matcher must give
// the same DecisionKind and deciding statement, set its "maybe uncertain" bit
// whenever the reference reports a DECISION id, and decide the raw-query view
// like the pre-split one; Authorize must agree with AuthorizeReference on a
// chain. A disagreement aborts with the policy and request.
//
// The input chooses one of two sources:
//   - generated: a seed and generator knobs from the input drive RandomPolicy
//     and RandomRequest (random.h), so the fuzzer searches the generator's
//     space with coverage feedback;
//   - text: the policy is taken verbatim from the input (parsed leniently,
//     then strictly), requests are generated for it from a seed, and one more
//     request is read from the input as request JSON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_util.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "testing/random.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"

namespace {

using latticepol::fuzz::Fail;

std::string Describe(const latticepol::Decision& d) {
  return std::string(latticepol::DecisionName(d.kind)) + " #" + std::to_string(d.statement) +
         (d.uncertain ? " (uncertain)" : "");
}

void Compare(const latticepol::PolicyDocument& doc, const latticepol::CompiledPolicy& compiled,
             const latticepol::Request& request, const std::string* raw_query) {
  latticepol::RequestView split = request.view();
  latticepol::Decision ref = latticepol::EvaluateReference(doc, split).decision;
  latticepol::Decision fast = latticepol::Evaluate(compiled, split);
  auto details = [&](const latticepol::Decision& r, const latticepol::Decision& f) {
    return "policy: " + latticepol::PolicyToJson(doc) +
           "\nrequest: " + latticepol::RequestToJson(request) +
           (raw_query ? "\nraw query: " + *raw_query : std::string()) + "\nreference: " +
           Describe(r) + "\ncompiled:  " + Describe(f);
  };
  if (ref.kind != fast.kind || ref.statement != fast.statement) {
    Fail("compiled and reference disagree", details(ref, fast));
  }
  if (ref.uncertain != 0 && fast.uncertain == 0) {
    Fail("reference is uncertain but the compiled path did not say maybe", details(ref, fast));
  }
  latticepol::Decision batch[1];
  if (!latticepol::EvaluateBatch(compiled, absl::MakeConstSpan(&split, 1), absl::MakeSpan(batch))
           .ok()) {
    Fail("EvaluateBatch rejected equal sizes", "");
  }
  if (batch[0].kind != fast.kind || batch[0].statement != fast.statement ||
      batch[0].uncertain != fast.uncertain) {
    Fail("EvaluateBatch differs from Evaluate", details(fast, batch[0]));
  }
  if (raw_query != nullptr) {
    latticepol::RequestView raw = latticepol::RawQueryView(request, *raw_query);
    latticepol::Decision ref_raw = latticepol::EvaluateReference(doc, raw).decision;
    latticepol::Decision fast_raw = latticepol::Evaluate(compiled, raw);
    if (ref_raw.kind != ref.kind || ref_raw.statement != ref.statement) {
      Fail("reference differs between raw and pre-split query", details(ref, ref_raw));
    }
    if (fast_raw.kind != ref_raw.kind || fast_raw.statement != ref_raw.statement) {
      Fail("compiled and reference disagree on the raw query", details(ref_raw, fast_raw));
    }
  }
}

void CompareChain(const latticepol::PolicyDocument& network,
                  const latticepol::PolicyDocument& service,
                  std::shared_ptr<const latticepol::CompiledPolicy> network_compiled,
                  std::shared_ptr<const latticepol::CompiledPolicy> service_compiled,
                  FuzzedDataProvider& fdp, const latticepol::Request& request) {
  latticepol::ChainConfig config;
  config.network_auth_type =
      fdp.ConsumeBool() ? latticepol::AuthType::kAwsIam : latticepol::AuthType::kNone;
  config.service_auth_type =
      fdp.ConsumeBool() ? latticepol::AuthType::kAwsIam : latticepol::AuthType::kNone;
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: config.identity_decision = latticepol::DecisionKind::kAllow; break;
    case 1: config.identity_decision = latticepol::DecisionKind::kExplicitDeny; break;
    case 2: config.identity_decision = latticepol::DecisionKind::kImplicitDeny; break;
    default: break;
  }
  const bool with_network = fdp.ConsumeBool();
  latticepol::ChainPolicies policies;
  policies.config = config;
  policies.network_policy = with_network ? &network : nullptr;
  policies.service_policy = &service;
  latticepol::CompiledChain chain;
  chain.config = config;
  if (with_network) chain.network_policy = network_compiled;
  chain.service_policy = service_compiled;
  latticepol::RequestView view = request.view();
  latticepol::ChainResult ref = latticepol::AuthorizeReference(policies, view).result;
  latticepol::ChainResult fast = latticepol::Authorize(chain, view);
  if (ref.decision != fast.decision || ref.layer != fast.layer ||
      ref.failing_layers != fast.failing_layers) {
    Fail("Authorize and AuthorizeReference disagree",
         "network: " + (with_network ? latticepol::PolicyToJson(network) : std::string("none")) +
             "\nservice: " + latticepol::PolicyToJson(service) +
             "\nrequest: " + latticepol::RequestToJson(request) + "\nreference: " +
             std::string(latticepol::DecisionName(ref.decision)) + " at " +
             std::string(latticepol::LayerName(ref.layer)) + "\ncompiled:  " +
             std::string(latticepol::DecisionName(fast.decision)) + " at " +
             std::string(latticepol::LayerName(fast.layer)));
  }
}

latticepol::RandomPolicyOptions PolicyOptions(FuzzedDataProvider& fdp) {
  latticepol::RandomPolicyOptions o;
  o.max_statements = fdp.ConsumeIntegralInRange<int>(1, 8);
  o.max_conditions = fdp.ConsumeIntegralInRange<int>(0, 5);
  o.max_values = fdp.ConsumeIntegralInRange<int>(1, 5);
  o.max_principals = fdp.ConsumeIntegralInRange<int>(1, 4);
  o.version_2008_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  o.no_version_percent = fdp.ConsumeIntegralInRange<int>(0, 100 - o.version_2008_percent);
  o.variable_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  return o;
}

latticepol::RandomRequestOptions RequestOptions(FuzzedDataProvider& fdp) {
  latticepol::RandomRequestOptions o;
  o.anonymous_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  o.connect_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  o.other_action_percent = fdp.ConsumeIntegralInRange<int>(0, 100 - o.connect_percent);
  o.absent_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  o.policy_value_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  o.near_miss_percent = fdp.ConsumeIntegralInRange<int>(0, 100);
  return o;
}

// Parses generated JSON the way a user's policy is parsed.
bool Reparse(const latticepol::PolicyDocument& generated, bool lenient,
             latticepol::PolicyDocument* out) {
  std::string json = latticepol::PolicyToJson(generated);
  latticepol::ParseOptions options;
  options.strict = !lenient;
  latticepol::ParseResult parsed = latticepol::ParsePolicy(json, options);
  if (!parsed.ok()) {
    Fail("RandomPolicy generated a policy the parser rejects",
         json + "\n" + latticepol::FormatIssues(parsed.issues, "generated"));
  }
  *out = std::move(parsed.doc);
  return true;
}

void RunGenerated(FuzzedDataProvider& fdp) {
  const uint64_t seed = fdp.ConsumeIntegral<uint64_t>();
  const bool lenient = fdp.ConsumeBool();
  latticepol::RandomPolicyOptions policy_options = PolicyOptions(fdp);
  latticepol::RandomRequestOptions request_options = RequestOptions(fdp);
  latticepol::Rng rng(seed);
  latticepol::PolicyDocument service, network;
  Reparse(latticepol::RandomPolicy(rng, policy_options), lenient, &service);
  Reparse(latticepol::RandomPolicy(rng, policy_options), lenient, &network);
  auto service_compiled = latticepol::Compile(service);
  auto network_compiled = latticepol::Compile(network);
  if (!service_compiled.ok() || !network_compiled.ok()) {
    Fail("a generated policy does not compile", latticepol::PolicyToJson(service));
  }
  const int requests = fdp.ConsumeIntegralInRange<int>(1, 16);
  for (int i = 0; i < requests; ++i) {
    std::string raw;
    latticepol::Request request = latticepol::RandomRequest(rng, service, request_options, &raw);
    Compare(service, **service_compiled, request, &raw);
    CompareChain(network, service, *network_compiled, *service_compiled, fdp, request);
  }
}

void RunText(FuzzedDataProvider& fdp) {
  const uint64_t seed = fdp.ConsumeIntegral<uint64_t>();
  const bool lenient = fdp.ConsumeBool();
  std::string policy_text = fdp.ConsumeRandomLengthString(16 << 10);
  latticepol::ParseOptions options;
  options.strict = !lenient;
  options.max_size = 1 << 20;
  latticepol::ParseResult parsed = latticepol::ParsePolicy(policy_text, options);
  if (!parsed.ok()) return;
  auto compiled = latticepol::Compile(parsed.doc);
  if (!compiled.ok()) return;  // limits (ResourceExhausted)
  latticepol::Rng rng(seed);
  latticepol::RandomRequestOptions request_options = RequestOptions(fdp);
  for (int i = 0; i < 8; ++i) {
    std::string raw;
    latticepol::Request request =
        latticepol::RandomRequest(rng, parsed.doc, request_options, &raw);
    Compare(parsed.doc, **compiled, request, &raw);
  }
  latticepol::RequestParseResult request =
      latticepol::ParseRequestJson(fdp.ConsumeRemainingBytesAsString());
  if (request.ok()) Compare(parsed.doc, **compiled, request.request, nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > latticepol::fuzz::kMaxInputBytes) return 0;
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeBool()) {
    RunGenerated(fdp);
  } else {
    RunText(fdp);
  }
  return 0;
}
