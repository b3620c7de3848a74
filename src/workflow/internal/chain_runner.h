// File: src/workflow/internal/chain_runner.h
// Stage: simulate (internal). The per-request part of running the Lattice
// chain, shared by the simulator and the log replayer: the chain's policies
// compiled once (network, service, identity, and a shadow candidate for the
// service layer), then for each request the layers evaluated with the
// compiled matcher, the deciding statements counted, the outcome composed
// from the ComposeTable, and the candidate's outcome and its change.
// Generation, reading, the reference check for uncertainty, parallel
// dispatch and merging stay with the callers.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_CHAIN_RUNNER_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_CHAIN_RUNNER_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "workflow/internal/chain_util.h"

namespace latticepol::internal {

// Compiles one layer's policy; the error names the layer (`what`:
// "service-network", "service", "identity", "shadow").
absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompileLayer(const PolicyDocument& doc,
                                                                   const char* what);

// The compiled network and service layers of a chain and the shadow
// candidate. The identity layer is kept by the caller (it differs per caller
// in a simulation).
struct CompiledLayers {
  std::shared_ptr<const CompiledPolicy> network, service, shadow;
  bool eval_network = false;  // AWS_IAM with a policy
  bool eval_service = false;
  bool service_iam = false;   // the candidate is evaluated (else it allows)
  size_t network_statements = 0;
};

// Compiles `chain`'s network and service policies and `shadow` (may be null).
// A slot of `out` that is already set is kept (compiled by the caller).
absl::Status CompileLayers(const ChainPolicies& chain, const PolicyDocument* shadow,
                           CompiledLayers* out);

// One request through the chain.
struct ChainStep {
  const ComposedDecision* result = nullptr;
  DecisionIdMask maybe = 0;  // the layers' "maybe uncertain" flags
  // Each layer's own decision (kAllow for a layer that was not evaluated).
  DecisionKind network = DecisionKind::kAllow;
  DecisionKind service = DecisionKind::kAllow;
  DecisionKind identity = DecisionKind::kAllow;
  DecisionKind shadow_kind = DecisionKind::kImplicitDeny;  // with a shadow only
  ShadowChange change = ShadowChange::kSame;
  // The network and service layers' deciding statements (Decision::statement;
  // -1 when none decided or the layer was not evaluated).
  int32_t network_statement = -1;
  int32_t service_statement = -1;
};

// ++hits[offset + statement] when a statement decided (statement >= 0),
// without a branch on the outcome (it would be mispredicted as often as the
// decisions vary): a statement of -1 adds 0 to hits[0].
inline void AddHit(uint64_t* hits, size_t offset, int32_t statement) {
  const uint64_t decided = statement >= 0 ? 1 : 0;
  const size_t index = (offset + static_cast<size_t>(statement)) & (size_t{0} - decided);
  hits[index] += decided;
}

// Evaluates the layers for `view` (identity only when `identity` is not
// null), adds one hit per deciding statement to `hits` (network statements
// first, then service statements; at least one element even when the layers
// have no statement), composes with `table` and, with a shadow,
// composes the candidate's outcome the same way.
inline ChainStep RunChainStep(const CompiledLayers& c, const CompiledPolicy* identity,
                              const ComposeTable& table, const RequestView& view,
                              uint64_t* hits) {
  ChainStep step;
  // Layers that are not evaluated keep kAllow; the table ignores them.
  DecisionKind nk = DecisionKind::kAllow, sk = nk, ik = nk;
  if (c.eval_network) {
    const Decision d = Evaluate(*c.network, view);
    step.maybe |= d.uncertain;
    nk = d.kind;
    step.network_statement = d.statement;
    AddHit(hits, 0, d.statement);
  }
  if (c.eval_service) {
    const Decision d = Evaluate(*c.service, view);
    step.maybe |= d.uncertain;
    sk = d.kind;
    step.service_statement = d.statement;
    AddHit(hits, c.network_statements, d.statement);
  }
  if (identity != nullptr) {
    const Decision d = Evaluate(*identity, view);
    step.maybe |= d.uncertain;
    ik = d.kind;
  }
  step.network = nk;
  step.service = sk;
  step.identity = ik;
  step.result = &table.Get(nk, sk, ik);
  step.shadow_kind = step.result->kind;
  if (c.shadow != nullptr) {
    const DecisionKind shk =
        c.service_iam ? Evaluate(*c.shadow, view).kind : DecisionKind::kAllow;
    step.shadow_kind = table.Get(nk, shk, ik).kind;
    step.change = CompareShadow(step.result->kind, step.shadow_kind);
  }
  return step;
}

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_CHAIN_RUNNER_H_
