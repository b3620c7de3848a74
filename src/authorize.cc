// File: src/authorize.cc
// Stage: evaluate. The Lattice authorization chain of docs/semantics.md §4.2: identity,
// service-network and service layers, composed by one pure function
// (ComposeChain) that the reference and compiled paths share.
//
//   network  service   result
//   NONE     NONE      ALLOW, nothing evaluated (DECISION E1)
//   AWS_IAM  NONE      identity AND network
//   NONE     AWS_IAM   identity AND service
//   AWS_IAM  AWS_IAM   identity AND network AND service
//
// AND: any EXPLICIT_DENY wins, then any IMPLICIT_DENY, then ALLOW. An AWS_IAM
// layer without a policy is IMPLICIT_DENY. DECISION E2: anonymous callers skip
// the identity layer; for signed callers it is the evaluated identity policy,
// else the precomputed identity decision, else ASSUMED_ALLOW (marked E2).
// DECISION E3: the primary layer is the first explicit-deny layer in the
// order network, service, identity, else the first implicit-deny layer.
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"

namespace latticepol {
namespace {

LayerResult PolicyLayer(const Decision* decision) {
  LayerResult layer;
  layer.evaluated = true;
  layer.has_policy = decision != nullptr;
  if (decision != nullptr) {
    layer.decision = *decision;
  } else {
    layer.decision.kind = DecisionKind::kImplicitDeny;  // AWS_IAM, no policy
    layer.decision.statement = -1;
  }
  return layer;
}

}  // namespace

std::string_view AuthTypeName(AuthType t) {
  return t == AuthType::kAwsIam ? "AWS_IAM" : "NONE";
}

bool ParseAuthTypeName(std::string_view name, AuthType* t) {
  if (name == "AWS_IAM") {
    *t = AuthType::kAwsIam;
    return true;
  }
  if (name == "NONE") {
    *t = AuthType::kNone;
    return true;
  }
  return false;
}

std::string_view LayerName(Layer layer) {
  switch (layer) {
    case Layer::kNone:
      return "none";
    case Layer::kNetwork:
      return "network";
    case Layer::kService:
      return "service";
    case Layer::kIdentity:
      return "identity";
  }
  return "none";
}

ChainResult ComposeChain(const ChainConfig& config, bool signed_caller,
                         const Decision* network, const Decision* service,
                         const Decision* identity) {
  ChainResult r;
  const bool network_iam = config.network_auth_type == AuthType::kAwsIam;
  const bool service_iam = config.service_auth_type == AuthType::kAwsIam;
  if (!network_iam && !service_iam) {
    // DECISION E1: both NONE -> ALLOW, nothing evaluated.
    r.decision = DecisionKind::kAllow;
    r.layer = Layer::kNone;
    r.uncertain = Bit(DecisionId::kE1);
    return r;
  }
  if (network_iam) r.network = PolicyLayer(network);
  if (service_iam) r.service = PolicyLayer(service);
  if (signed_caller) {
    // DECISION E2: signed callers need an identity allow.
    r.identity.evaluated = true;
    if (identity != nullptr) {
      r.identity.has_policy = true;
      r.identity.decision = *identity;
    } else if (config.identity_decision.has_value()) {
      r.identity.has_policy = true;  // a precomputed identity input
      r.identity.decision.kind = *config.identity_decision;
      r.identity.decision.statement = -1;
    } else {
      r.identity.assumed = true;  // ASSUMED_ALLOW
      r.identity.decision.kind = DecisionKind::kAllow;
      r.identity.decision.statement = -1;
      r.uncertain |= Bit(DecisionId::kE2);
    }
  }

  const std::pair<Layer, const LayerResult*> order[] = {
      {Layer::kNetwork, &r.network},
      {Layer::kService, &r.service},
      {Layer::kIdentity, &r.identity},
  };
  Layer first_explicit = Layer::kNone;
  Layer first_implicit = Layer::kNone;
  for (const auto& [name, layer] : order) {
    if (!layer->evaluated) continue;
    r.uncertain |= layer->decision.uncertain;
    switch (layer->decision.kind) {
      case DecisionKind::kAllow:
        break;
      case DecisionKind::kExplicitDeny:
        if (first_explicit == Layer::kNone) first_explicit = name;
        r.failing_layers.Add(name);
        break;
      case DecisionKind::kImplicitDeny:
        if (first_implicit == Layer::kNone) first_implicit = name;
        r.failing_layers.Add(name);
        break;
    }
  }
  if (first_explicit != Layer::kNone) {
    r.decision = DecisionKind::kExplicitDeny;
    r.layer = first_explicit;
  } else if (first_implicit != Layer::kNone) {
    r.decision = DecisionKind::kImplicitDeny;
    r.layer = first_implicit;
  } else {
    r.decision = DecisionKind::kAllow;
    r.layer = Layer::kNone;
  }
  return r;
}

absl::StatusOr<CompiledChain> CompileChain(const ChainPolicies& chain,
                                           const CompileOptions& options) {
  CompiledChain out;
  out.config = chain.config;
  const std::pair<const PolicyDocument*, std::shared_ptr<const CompiledPolicy>*> layers[] = {
      {chain.network_policy, &out.network_policy},
      {chain.service_policy, &out.service_policy},
      {chain.identity_policy, &out.identity_policy},
  };
  for (const auto& [doc, slot] : layers) {
    if (doc == nullptr) continue;
    auto compiled = Compile(*doc, options);
    if (!compiled.ok()) return compiled.status();
    *slot = *std::move(compiled);
  }
  return out;
}

ChainEvaluation AuthorizeReference(const ChainPolicies& policies,
                                   const RequestView& request) {
  ChainEvaluation out;
  const ChainConfig& config = policies.config;
  const bool network_iam = config.network_auth_type == AuthType::kAwsIam;
  const bool service_iam = config.service_auth_type == AuthType::kAwsIam;
  const bool signed_caller = request.principal != nullptr;

  // Only policies whose layer is active are evaluated (a policy is Inactive
  // under NONE, docs/semantics.md §1.1).
  if (network_iam && policies.network_policy != nullptr) {
    out.network = EvaluateReference(*policies.network_policy, request);
  }
  if (service_iam && policies.service_policy != nullptr) {
    out.service = EvaluateReference(*policies.service_policy, request);
  }
  if (signed_caller && (network_iam || service_iam) &&
      policies.identity_policy != nullptr) {
    if (policies.identity_policy->is_identity_policy) {
      out.identity = EvaluateReference(*policies.identity_policy, request);
    } else {
      // Identity policies are evaluated with Principal ignored (E2).
      PolicyDocument doc = *policies.identity_policy;
      doc.is_identity_policy = true;
      out.identity = EvaluateReference(doc, request);
    }
  }
  out.result = ComposeChain(
      config, signed_caller, out.network ? &out.network->decision : nullptr,
      out.service ? &out.service->decision : nullptr,
      out.identity ? &out.identity->decision : nullptr);
  return out;
}

}  // namespace latticepol
