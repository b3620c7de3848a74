// File: src/workflow/internal/chain_util.h
// Stage: evaluate (internal). The chain composition table shared by the
// simulator and the log replayer: every combination of per-layer decision
// kinds is composed once by ComposeChain, so the hot loops look the chain's
// outcome up instead of composing it per request.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_CHAIN_UTIL_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_CHAIN_UTIL_H_

#include <array>
#include <cstdint>

#include "latticepol/authorize.h"
#include "latticepol/decision.h"

namespace latticepol::internal {

// The parts of a ChainResult the hot loops need.
struct ComposedDecision {
  DecisionKind kind = DecisionKind::kImplicitDeny;
  Layer layer = Layer::kNone;
  DecisionIdMask uncertain = 0;
};

// The 27 outcomes of one chain configuration, indexed by the kinds of the
// network, service and identity layers.
class ComposeTable {
 public:
  ComposeTable() = default;

  // Composes every combination once. A layer with `has_*` false is passed to
  // ComposeChain as absent (nullptr), so its kind is ignored by Get.
  ComposeTable(const ChainConfig& config, bool signed_caller, bool has_network,
               bool has_service, bool has_identity) {
    for (int n = 0; n < 3; ++n) {
      for (int s = 0; s < 3; ++s) {
        for (int i = 0; i < 3; ++i) {
          Decision dn, ds, di;
          dn.kind = static_cast<DecisionKind>(n);
          ds.kind = static_cast<DecisionKind>(s);
          di.kind = static_cast<DecisionKind>(i);
          const ChainResult r =
              ComposeChain(config, signed_caller, has_network ? &dn : nullptr,
                           has_service ? &ds : nullptr, has_identity ? &di : nullptr);
          entries_[Index(dn.kind, ds.kind, di.kind)] =
              ComposedDecision{r.decision, r.layer, r.uncertain};
        }
      }
    }
  }

  const ComposedDecision& Get(DecisionKind network, DecisionKind service,
                              DecisionKind identity) const {
    return entries_[Index(network, service, identity)];
  }

 private:
  static int Index(DecisionKind n, DecisionKind s, DecisionKind i) {
    return static_cast<int>(n) * 9 + static_cast<int>(s) * 3 + static_cast<int>(i);
  }

  std::array<ComposedDecision, 27> entries_;
};

// How a shadow (candidate) chain's decision differs from the current one;
// the one classification simulate and replay both report.
enum class ShadowChange : uint8_t { kSame, kAllowedToDenied, kDeniedToAllowed, kDenyKindChanged };

inline ShadowChange CompareShadow(DecisionKind current, DecisionKind candidate) {
  const bool was = current == DecisionKind::kAllow;
  const bool now = candidate == DecisionKind::kAllow;
  if (was && !now) return ShadowChange::kAllowedToDenied;
  if (!was && now) return ShadowChange::kDeniedToAllowed;
  return current == candidate ? ShadowChange::kSame : ShadowChange::kDenyKindChanged;
}

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_CHAIN_UTIL_H_
