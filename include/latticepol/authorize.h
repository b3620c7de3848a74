// File: latticepol/authorize.h
// Stage: evaluate. The Lattice authorization chain of docs/semantics.md §4.2: network auth
// type + optional network policy, service auth type + optional service policy,
// signed vs anonymous caller, optional identity decision or identity policy.
// The composition is one small pure function (`ComposeChain`) shared by the
// reference and the compiled path; only the per-layer evaluation differs.
#ifndef LATTICEPOL_AUTHORIZE_H_
#define LATTICEPOL_AUTHORIZE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

enum class AuthType : uint8_t { kNone, kAwsIam };
enum class Layer : uint8_t { kNone, kNetwork, kService, kIdentity };

std::string_view AuthTypeName(AuthType t);  // "NONE", "AWS_IAM"
bool ParseAuthTypeName(std::string_view name, AuthType* t);
std::string_view LayerName(Layer layer);    // "none", "network", "service", "identity"

// One layer's part in a chain decision.
struct LayerResult {
  bool evaluated = false;   // false: the layer was skipped (auth type NONE, or anonymous identity)
  bool has_policy = false;  // false with evaluated: AWS_IAM with no policy -> IMPLICIT_DENY
  bool assumed = false;     // identity layer: no identity input, ASSUMED_ALLOW (E2)
  Decision decision;
};

struct ChainResult {
  DecisionKind decision = DecisionKind::kImplicitDeny;
  // The primary deciding layer (E3): the first explicit-deny layer in the order
  // network, service, identity, else the first implicit-deny layer; kNone for ALLOW.
  Layer layer = Layer::kNone;
  LayerResult network, service, identity;
  std::vector<Layer> failing_layers;  // every layer that did not allow, in order
  DecisionIdMask uncertain = 0;       // union of the layers' ids plus E1/E2
};

// The auth types and what is known about the identity layer.
struct ChainConfig {
  AuthType network_auth_type = AuthType::kNone;
  AuthType service_auth_type = AuthType::kAwsIam;
  // A precomputed identity decision for signed callers. When neither this nor
  // an identity policy is given, the identity layer is ASSUMED_ALLOW and the
  // result is marked uncertain (E2).
  std::optional<DecisionKind> identity_decision;
};

// Composes already-evaluated layers. A null layer pointer under AWS_IAM means
// "no policy attached" (IMPLICIT_DENY for that layer); under NONE it is ignored.
// `identity` is the identity-policy decision, if one was evaluated.
ChainResult ComposeChain(const ChainConfig& config, bool signed_caller,
                         const Decision* network, const Decision* service,
                         const Decision* identity);

// The policies of one chain, for the reference path. Pointers may be null.
struct ChainPolicies {
  ChainConfig config;
  const PolicyDocument* network_policy = nullptr;
  const PolicyDocument* service_policy = nullptr;
  const PolicyDocument* identity_policy = nullptr;
};

struct ChainEvaluation {
  ChainResult result;
  // Reference traces of each evaluated policy, for explanations.
  std::optional<Evaluation> network, service, identity;
};

// Evaluates the chain with the reference evaluator.
ChainEvaluation AuthorizeReference(const ChainPolicies& policies,
                                   const RequestView& request);

}  // namespace latticepol

#endif  // LATTICEPOL_AUTHORIZE_H_
