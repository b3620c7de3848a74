// File: tests/fuzz/analysis_fuzzer.cc
// Stage: fuzzing (the exact analysis). A policy pair goes through
// DiffPolicies, AnalyzePolicy and WouldPassWith with small search budgets:
//   - no call may fail with an Internal status (a witness the two evaluators
//     decide differently from the analysis), crash, hang or blow up memory;
//   - every reported witness is decided as reported by the reference
//     evaluator; a would-pass request is ALLOWed and differs from the denied
//     request only in method, path, query and headers;
//   - a complete `equivalent` answer is checked on random requests (in the
//     analysed context): both policies must decide each alike.
//
// The input chooses one of two sources (last byte: odd = generated):
//   - generated: a seed and generator knobs drive RandomPolicy; the second
//     policy is a mutation of the first (a statement dropped, its effect
//     flipped, a condition dropped) or another random policy;
//   - text: the policy is taken from the input (parsed leniently), the second
//     is the same policy without one statement.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_util.h"
#include "latticepol/analysis.h"
#include "latticepol/authorize.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"
#include "testing/random.h"

namespace {

using latticepol::fuzz::Fail;

constexpr size_t kMaxNodes = 3000;

latticepol::DecisionKind Decide(const latticepol::PolicyDocument& doc,
                                const latticepol::Request& r) {
  latticepol::ChainPolicies chain;
  chain.service_policy = &doc;
  return latticepol::AuthorizeReference(chain, r.view()).result.decision;
}

std::string Pair(const latticepol::PolicyDocument& a, const latticepol::PolicyDocument& b) {
  return "old: " + latticepol::PolicyToJson(a) + "\nnew: " + latticepol::PolicyToJson(b);
}

void CheckStatus(const absl::Status& status, const std::string& what, const std::string& details) {
  if (status.code() == absl::StatusCode::kInternal) {
    Fail(what + " failed its witness check", std::string(status.message()) + "\n" + details);
  }
}

// A request in the analysed context (the default service, no tags, IP or time).
latticepol::Request InContext(latticepol::Request r, const latticepol::AnalysisOptions& options) {
  r.service_arn = options.context.service_arn;
  r.service_network_arn = options.context.service_network_arn;
  r.resource_tags = options.context.resource_tags;
  r.source_ip = options.context.source_ip;
  r.time = options.context.time;
  r.raw_query.clear();
  return r;
}

void RunDiff(const latticepol::PolicyDocument& a, const latticepol::PolicyDocument& b,
             const latticepol::AnalysisOptions& options, latticepol::Rng& rng) {
  auto diff = latticepol::DiffPolicies(a, b, options);
  if (!diff.ok()) {
    CheckStatus(diff.status(), "DiffPolicies", Pair(a, b));
    return;
  }
  for (const latticepol::Difference& d : diff->differences) {
    if (d.old_decision == d.new_decision) Fail("a difference with equal decisions", Pair(a, b));
    if (Decide(a, d.old_witness.request) != d.old_decision ||
        Decide(b, d.new_witness.request) != d.new_decision) {
      Fail("a diff witness is decided otherwise",
           Pair(a, b) + "\nwitness: " + latticepol::RequestToJson(d.old_witness.request));
    }
  }
  if (!diff->equivalent || !diff->complete) return;
  latticepol::RandomRequestOptions ro;
  ro.other_action_percent = 0;  // the analysis covers Invoke and Connect
  if (!options.include_signed) ro.anonymous_percent = 100;
  for (int i = 0; i < 16; ++i) {
    latticepol::Request r = InContext(latticepol::RandomRequest(rng, i % 2 ? b : a, ro), options);
    if (options.include_anonymous == false && !r.principal) continue;
    // A request as Lattice delivers it (docs/analysis.md, fields): from a
    // VPC, on a port, a signed caller with an account.
    if (r.principal && r.principal->account.empty()) continue;
    // Callers are IAM roles and users (account root callers are not a caller
    // class: docs/analysis.md).
    if (r.principal && r.principal->type != "AssumedRole" && r.principal->type != "User") continue;
    if (!r.source_vpc) r.source_vpc = "vpc-0fuzz";
    if (!r.source_vpc_owner_account) r.source_vpc_owner_account = "123456789012";
    if (!r.port) r.port = 443;
    if (Decide(a, r) != Decide(b, r)) {
      Fail("a complete `equivalent` answer is wrong",
           Pair(a, b) + "\nrequest: " + latticepol::RequestToJson(r));
    }
  }
}

void RunAnalyze(const latticepol::PolicyDocument& a, const latticepol::AnalysisOptions& options) {
  auto result = latticepol::AnalyzePolicy(a, options);
  if (!result.ok()) {
    CheckStatus(result.status(), "AnalyzePolicy", latticepol::PolicyToJson(a));
    return;
  }
  for (const auto* list : {&result->allowed, &result->explicitly_denied}) {
    for (const latticepol::DecidedRegion& r : *list) {
      if (Decide(a, r.witness.request) != r.witness.decision) {
        Fail("an analyze witness is decided otherwise",
             latticepol::PolicyToJson(a) + "\nwitness: " + latticepol::RequestToJson(r.witness.request));
      }
    }
  }
}

bool SameOutsideControlled(const latticepol::Request& x, const latticepol::Request& y) {
  return x.action == y.action && x.source_vpc == y.source_vpc &&
         x.source_vpc_owner_account == y.source_vpc_owner_account &&
         x.service_arn == y.service_arn && x.service_network_arn == y.service_network_arn &&
         x.port == y.port && x.principal.has_value() == y.principal.has_value() &&
         (!x.principal || x.principal->arn == y.principal->arn) &&
         x.resource_tags == y.resource_tags && x.source_ip == y.source_ip && x.time == y.time;
}

void RunWouldPass(const latticepol::PolicyDocument& a, latticepol::Rng& rng) {
  latticepol::RandomRequestOptions ro;
  latticepol::Request r = latticepol::RandomRequest(rng, a, ro);
  r.raw_query.clear();
  if (Decide(a, r) == latticepol::DecisionKind::kAllow) return;
  auto result = latticepol::WouldPassWith(&a, r);
  if (!result.ok()) {
    CheckStatus(result.status(), "WouldPassWith",
                latticepol::PolicyToJson(a) + "\nrequest: " + latticepol::RequestToJson(r));
    return;
  }
  if (!result->hint) return;
  const latticepol::Request& w = result->hint->witness.request;
  if (Decide(a, w) != latticepol::DecisionKind::kAllow || !SameOutsideControlled(r, w)) {
    Fail("a would-pass request is not allowed or changes what the caller does not control",
         latticepol::PolicyToJson(a) + "\nrequest: " + latticepol::RequestToJson(r) +
             "\nhint: " + latticepol::RequestToJson(w));
  }
}

latticepol::AnalysisOptions Options(FuzzedDataProvider& fdp) {
  latticepol::AnalysisOptions options;
  options.max_nodes = kMaxNodes;
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: options.include_signed = false; break;
    case 1: options.include_anonymous = false; break;
    default: break;
  }
  return options;
}

void Run(const latticepol::PolicyDocument& a, const latticepol::PolicyDocument& b,
         FuzzedDataProvider& fdp, latticepol::Rng& rng) {
  const latticepol::AnalysisOptions options = Options(fdp);
  RunDiff(a, b, options, rng);
  if (fdp.ConsumeBool()) RunAnalyze(a, options);
  RunWouldPass(a, rng);
}

latticepol::PolicyDocument Mutate(const latticepol::PolicyDocument& doc, FuzzedDataProvider& fdp) {
  latticepol::PolicyDocument out = doc;
  if (out.statements.empty()) return out;
  const size_t i = fdp.ConsumeIntegralInRange<size_t>(0, out.statements.size() - 1);
  latticepol::Statement& s = out.statements[i];
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: out.statements.erase(out.statements.begin() + static_cast<long>(i)); break;
    case 1:
      if (!s.not_principal) {
        s.effect = s.effect == latticepol::Effect::kAllow ? latticepol::Effect::kDeny
                                                          : latticepol::Effect::kAllow;
      }
      break;
    default:
      if (!s.conditions.empty()) s.conditions.pop_back();
      break;
  }
  for (size_t k = 0; k < out.statements.size(); ++k) out.statements[k].index = static_cast<int>(k);
  return out;
}

bool Reparse(const latticepol::PolicyDocument& generated, latticepol::PolicyDocument* out) {
  latticepol::ParseResult parsed = latticepol::ParsePolicy(latticepol::PolicyToJson(generated));
  if (!parsed.ok()) return false;
  *out = std::move(parsed.doc);
  return true;
}

void RunGenerated(FuzzedDataProvider& fdp) {
  latticepol::Rng rng(fdp.ConsumeIntegral<uint64_t>());
  latticepol::RandomPolicyOptions po;
  po.max_statements = fdp.ConsumeIntegralInRange<int>(1, 5);
  po.max_conditions = fdp.ConsumeIntegralInRange<int>(0, 3);
  po.max_values = fdp.ConsumeIntegralInRange<int>(1, 4);
  po.max_principals = fdp.ConsumeIntegralInRange<int>(1, 3);
  po.variable_percent = fdp.ConsumeIntegralInRange<int>(0, 30);
  po.large_percent = 0;
  po.glob_heavy_percent = fdp.ConsumeIntegralInRange<int>(0, 10);
  latticepol::PolicyDocument a, b;
  if (!Reparse(latticepol::RandomPolicy(rng, po), &a)) return;
  if (fdp.ConsumeBool()) {
    b = Mutate(a, fdp);
  } else if (!Reparse(latticepol::RandomPolicy(rng, po), &b)) {
    return;
  }
  Run(a, b, fdp, rng);
}

void RunText(FuzzedDataProvider& fdp) {
  latticepol::Rng rng(fdp.ConsumeIntegral<uint64_t>());
  const std::string text = fdp.ConsumeRandomLengthString(8 << 10);
  latticepol::ParseOptions options;
  options.strict = false;
  latticepol::ParseResult parsed = latticepol::ParsePolicy(text, options);
  if (!parsed.ok() || parsed.doc.is_identity_policy || parsed.doc.statements.size() > 12) return;
  latticepol::PolicyDocument b = parsed.doc;
  if (!b.statements.empty()) {
    b.statements.erase(b.statements.begin() +
                       static_cast<long>(fdp.ConsumeIntegralInRange<size_t>(0, b.statements.size() - 1)));
  }
  Run(parsed.doc, b, fdp, rng);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > latticepol::fuzz::kMaxInputBytes) return 0;
  const bool generated = data[size - 1] & 1;
  FuzzedDataProvider fdp(data, size - 1);
  if (generated) {
    RunGenerated(fdp);
  } else {
    RunText(fdp);
  }
  return 0;
}
