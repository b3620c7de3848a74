// File: latticepol/authorize.h
// Stage: evaluate. The Lattice authorization chain of docs/semantics.md §4.2: network auth
// type + optional network policy, service auth type + optional service policy,
// signed vs anonymous caller, optional identity decision or identity policy.
// The composition is one small pure function (`ComposeChain`) shared by the
// reference and the compiled path; only the per-layer evaluation differs.
#ifndef LATTICEPOL_AUTHORIZE_H_
#define LATTICEPOL_AUTHORIZE_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string_view>

#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

enum class AuthType : uint8_t { kNone, kAwsIam };
// The layers in chain order (LayerSet iterates in this order).
enum class Layer : uint8_t { kNone, kNetwork, kService, kIdentity };

std::string_view AuthTypeName(AuthType t);  // "NONE", "AWS_IAM"
bool ParseAuthTypeName(std::string_view name, AuthType* t);
std::string_view LayerName(Layer layer);    // "none", "network", "service", "identity"

// A set of chain layers (network, service, identity) that iterates in chain
// order. Fixed size, no allocation: it is what `Authorize` returns the
// failing layers in. Adding kNone or a layer already present changes nothing.
class LayerSet {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Layer;
    using difference_type = std::ptrdiff_t;
    using pointer = const Layer*;
    using reference = Layer;
    const_iterator() = default;
    Layer operator*() const { return static_cast<Layer>(next_); }
    const_iterator& operator++() {
      next_ = Next(bits_, next_ + 1);
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const_iterator a, const_iterator b) { return a.next_ == b.next_; }
    friend bool operator!=(const_iterator a, const_iterator b) { return a.next_ != b.next_; }

   private:
    friend class LayerSet;
    const_iterator(uint8_t bits, uint8_t next) : bits_(bits), next_(Next(bits, next)) {}
    uint8_t bits_ = 0;
    uint8_t next_ = kEnd;
  };
  using iterator = const_iterator;
  using value_type = Layer;
  using size_type = size_t;

  constexpr LayerSet() = default;
  constexpr LayerSet(std::initializer_list<Layer> layers) {
    for (Layer layer : layers) Add(layer);
  }
  constexpr void Add(Layer layer) {
    if (layer != Layer::kNone) bits_ |= Bit(layer);
  }
  constexpr bool Contains(Layer layer) const {
    return layer != Layer::kNone && (bits_ & Bit(layer)) != 0;
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr size_t size() const {
    return size_t{(bits_ >> 1) & 1u} + ((bits_ >> 2) & 1u) + ((bits_ >> 3) & 1u);
  }
  const_iterator begin() const { return const_iterator(bits_, 1); }
  const_iterator end() const { return const_iterator(bits_, kEnd); }
  friend constexpr bool operator==(LayerSet a, LayerSet b) { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(LayerSet a, LayerSet b) { return a.bits_ != b.bits_; }

 private:
  static constexpr uint8_t kEnd = 4;  // one past Layer::kIdentity
  static constexpr uint8_t Bit(Layer layer) {
    return static_cast<uint8_t>(1u << static_cast<uint8_t>(layer));
  }
  // The first layer value >= `from` present in `bits`, else kEnd.
  static constexpr uint8_t Next(uint8_t bits, uint8_t from) {
    while (from < kEnd && (bits & (1u << from)) == 0) ++from;
    return from;
  }
  uint8_t bits_ = 0;  // bit i = Layer value i (bit 0, kNone, is never set)
};

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
  LayerSet failing_layers;            // every layer that did not allow (iterates in order)
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

// The one description of a Lattice chain (docs/semantics.md §4.2): the auth
// types, the policy attached to each layer and what is known of the caller's
// identity layer. Every workflow describes its chain with it (case files via
// TestCase::Chain, scenarios via ScenarioChain, replay, the analysis); the
// reference path evaluates it directly and CompileChain (compiled_policy.h)
// turns it into the compiled form. The documents are borrowed: they must
// outlive the description. Pointers may be null (no policy attached).
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
