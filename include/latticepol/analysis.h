// File: latticepol/analysis.h
// Stage: analysis. Exact questions over ALL requests, not a sample:
//
//   DiffPolicies        are two service policies equivalent; if not, every
//                       changed region with old/new decision and a witness.
//   ProveScenario       does every expectation of a scenario hold for every
//                       request its callers can send; else a counterexample.
//   AnalyzePolicy       the regions a policy allows / explicitly denies, and
//   StatementReachability  per statement whether it ever applies and whether
//                       it is ever effective (removing it changes a decision).
//
// How (docs/analysis.md): each request field a policy tests (action, caller,
// method, path, each named header and query key, source VPC and its owner)
// is partitioned into atoms, the value classes the policies' predicates
// cannot tell apart (string globs and literals by a product automaton,
// multi-valued query keys by the set of value classes present). Regions are
// found by splitting on fields until every decision is fixed.
//
// Contracts:
//  - Witnesses are proved, not trusted: every reported request is evaluated
//    again by the reference evaluator and the compiled matcher; when either
//    disagrees with the analysis the call fails with an Internal status.
//  - `complete == false` (with reasons naming the statement) when a policy
//    uses something the atoms do not model exactly (policy variables, typed
//    operators on request-part keys, non-ASCII patterns, caller attributes
//    beyond the principals and accounts the policies name, search budgets).
//    Answers are then still backed by verified witnesses, but "equivalent" /
//    "holds" is not a proof.
//  - Bad input is the caller's job: documents must be parsed (parse.h) and
//    scenarios loaded cleanly; InvalidArgument otherwise. Never throws.
#ifndef LATTICEPOL_ANALYSIS_H_
#define LATTICEPOL_ANALYSIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "latticepol/scenario.h"

namespace latticepol {

// What every analysed request has in common (the service the policy guards).
struct AnalysisContext {
  std::string service_arn =
      "arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0";
  std::optional<std::string> service_network_arn;
  std::optional<int32_t> port;
  std::vector<StringPair> resource_tags;
  std::optional<std::string> source_ip;
  std::optional<std::string> time;
};

struct AnalysisOptions {
  // Auth types and identity input, as for `eval`. The service policy is the
  // one under analysis; `network_policy` / `identity_policy` are optional.
  ChainConfig config;
  const PolicyDocument* network_policy = nullptr;
  const PolicyDocument* identity_policy = nullptr;
  AnalysisContext context;
  // Caller classes to consider: anonymous callers and/or signed ones.
  bool include_anonymous = true;
  bool include_signed = true;
  // Search budget: regions visited before the answer is marked incomplete.
  size_t max_nodes = 200000;
};

// One constraint of a region: `field` is "action", "caller", "method",
// "path", "header x-team", "query q", "sourceVpc", "sourceVpcOwnerAccount".
struct FieldConstraint {
  std::string field;
  std::string description;  // e.g. `= "GET"`, `not = "GET"`, `absent`
};

// A set of requests: every field not listed is unconstrained.
struct Region {
  std::vector<FieldConstraint> constraints;
  // "caller anonymous, method = \"GET\", query q = \"blue\"" or "any request".
  std::string Describe() const;
};

// A verified witness: a concrete request and what the chain decides for it.
struct Witness {
  Request request;
  DecisionKind decision = DecisionKind::kImplicitDeny;
  Layer layer = Layer::kNone;
  // Deciding statements per layer, e.g. "service: statement 1 (AllowBlue)".
  std::vector<std::string> deciding;
  std::vector<std::string> uncertain;  // DECISION ids (reference evaluator)
};

struct Difference {
  Region region;
  DecisionKind old_decision = DecisionKind::kImplicitDeny;
  DecisionKind new_decision = DecisionKind::kImplicitDeny;
  Witness old_witness;  // the same request, evaluated with each policy
  Witness new_witness;
  bool new_access() const { return new_decision == DecisionKind::kAllow &&
                                   old_decision != DecisionKind::kAllow; }
};

struct DiffResult {
  bool equivalent = true;
  bool complete = true;
  std::vector<std::string> incomplete_reasons;
  std::vector<Difference> differences;
  bool has_new_access() const;
};

// Compares two service policies under the same chain.
absl::StatusOr<DiffResult> DiffPolicies(const PolicyDocument& old_policy,
                                        const PolicyDocument& new_policy,
                                        const AnalysisOptions& options = {});

struct ExpectationProof {
  std::string name;
  ExpectedOutcome expected = ExpectedOutcome::kAllow;
  bool holds = true;
  std::string caller;                   // the counterexample's caller
  std::optional<Witness> counterexample;
};

struct ProofResult {
  bool complete = true;
  std::vector<std::string> incomplete_reasons;
  std::vector<ExpectationProof> expectations;
  bool all_hold() const;
};

// Proves every expectation of a cleanly loaded scenario over every request
// its callers can send (they control method, path, query and headers; the
// scenario fixes the rest: action(s) and port(s) of the caller's mix, VPC,
// principal, identity input, service). First matching expectation wins, as
// in `simulate`. `candidate` replaces the scenario's service policy.
absl::StatusOr<ProofResult> ProveScenario(const Scenario& scenario,
                                          const PolicyDocument* candidate = nullptr);

struct StatementReach {
  int index = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  bool applicable = false;  // some request satisfies the whole statement
  std::optional<Request> applies_witness;
  // Allow only: some request where it applies and no Deny statement does
  // (false with `applicable`: fully shadowed by Denies).
  bool escapes_denies = false;
  // Some request whose decision changes when the statement is removed
  // (an applicable, unshadowed Allow that is not effective is redundant:
  // other Allows cover it).
  bool effective = false;
  std::optional<Witness> effective_witness;
};

struct DecidedRegion {
  Region region;
  Witness witness;
};

struct AnalyzeResult {
  bool complete = true;
  std::vector<std::string> incomplete_reasons;
  std::vector<DecidedRegion> allowed;         // decision ALLOW
  std::vector<DecidedRegion> explicitly_denied;  // a Deny statement carves out
  std::vector<StatementReach> statements;
};

// Per statement: ever applicable, escaping the Denies, ever effective (the
// facts lint builds on). "Allow reachable anonymously from any VPC" is an
// AnalyzePolicy allowed region whose witness has no principal and whose
// region has no sourceVpc / sourceVpcOwnerAccount constraint.
absl::StatusOr<std::vector<StatementReach>> StatementReachability(
    const PolicyDocument& policy, const AnalysisOptions& options = {},
    bool* complete = nullptr);

absl::StatusOr<AnalyzeResult> AnalyzePolicy(const PolicyDocument& policy,
                                            const AnalysisOptions& options = {});

// One field a would-pass hint changes: `field` as in FieldConstraint
// ("method", "path", "header x-team", "query q"); `from` and `to` are the
// values as JSON text (`"GET"`, `["a", "b"]`) or `absent`.
struct RequestChange {
  std::string field;
  std::string from;
  std::string to;
};

struct WouldPass {
  std::vector<RequestChange> changes;
  Witness witness;  // the changed request, ALLOW by both evaluators
};

struct WouldPassResult {
  // The smallest change, or nullopt: no change of what the caller controls
  // passes (when `complete`), or the search budget ran out.
  std::optional<WouldPass> hint;
  bool complete = true;
  std::vector<std::string> incomplete_reasons;
};

// "Would pass with ...": the fewest fields of `request` its caller controls
// (method, path, each header and query key the policies name) whose change
// makes the chain ALLOW it; everything else (action, caller, VPC, port,
// service) stays as in the request. `service_policy` may be null (chain with
// no service policy attached); `options` gives the auth types, identity
// input and network / identity policies (its context and caller classes are
// taken from the request). The hint's request is evaluated again by both
// evaluators; a disagreement is an Internal error.
absl::StatusOr<WouldPassResult> WouldPassWith(const PolicyDocument* service_policy,
                                              const Request& request,
                                              const AnalysisOptions& options = {});

// Renderers (pretty JSON objects as the CLI prints them).
std::string DiffResultToJson(const DiffResult& result);
std::string DiffResultToText(const DiffResult& result);
std::string ProofResultToJson(const ProofResult& result);
std::string ProofResultToText(const ProofResult& result);
std::string AnalyzeResultToJson(const AnalyzeResult& result);
std::string AnalyzeResultToText(const AnalyzeResult& result);
// {"changes": [{"field", "from", "to"}], "request": {...}} or null (one line).
std::string WouldPassToJson(const WouldPassResult& result);
// `would pass with: method "GET" (was "DELETE"), ...` or why there is none.
std::string WouldPassToText(const WouldPassResult& result);

}  // namespace latticepol

#endif  // LATTICEPOL_ANALYSIS_H_
