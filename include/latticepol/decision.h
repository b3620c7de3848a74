// File: latticepol/decision.h
// The result types shared by both evaluators: a trivially copyable Decision
// (kind + deciding statement + uncertainty bits) and the DECISION ids of
// docs/semantics.md that can make an outcome uncertain.
#ifndef LATTICEPOL_DECISION_H_
#define LATTICEPOL_DECISION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol {

enum class DecisionKind : uint8_t { kAllow, kExplicitDeny, kImplicitDeny };

// "ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY".
std::string_view DecisionName(DecisionKind kind);
// Parses the names above; returns false on anything else.
bool ParseDecisionName(std::string_view name, DecisionKind* kind);

// The DECISION ids (docs/semantics.md §8) that the
// evaluators report when one of them affected an outcome. One bit each.
enum class DecisionId : uint8_t {
  kG2, kG3, kA1, kPS, kN1, kR1, kR2, kR3, kC1, kK1, kK2, kH1, kH2, kH3, kQ1,
  kQ2, kQ3, kQ4, kA2, kA3, kA4, kA5, kA6, kO1, kO2, kO3, kO4, kO5, kO6, kV1,
  kV2, kT1, kT2, kT3, kE1, kE2, kE3, kL2, kL3,
  kCount,
};
// "G2", "P-S", ... as written in docs/semantics.md.
std::string_view DecisionIdName(DecisionId id);

using DecisionIdMask = uint64_t;
inline constexpr DecisionIdMask Bit(DecisionId id) {
  return DecisionIdMask{1} << static_cast<int>(id);
}
// Returns the names of the ids set in `mask`, in enum order.
std::vector<std::string> DecisionIdNames(DecisionIdMask mask);

// The only bit the compiled (fast) path sets in Decision::uncertain: the
// decision *may* rest on a DECISION; the reference evaluator names the ids.
inline constexpr DecisionIdMask kMaybeUncertain = DecisionIdMask{1} << 63;

// The outcome of evaluating one policy against one request.
// `statement` is the index (in PolicyDocument::statements) of the lowest
// applicable statement of the winning effect: the first applicable Deny for
// kExplicitDeny, the first applicable Allow for kAllow, -1 for kImplicitDeny.
struct Decision {
  DecisionKind kind = DecisionKind::kImplicitDeny;
  int32_t statement = -1;
  // Either exact ids or the fast path's flag, never both:
  //  - reference evaluator: the exact DECISION ids that affected the outcome
  //    (Bit(id) for each; kMaybeUncertain never set);
  //  - compiled evaluator: 0 or exactly kMaybeUncertain ("maybe uncertain";
  //    evaluate with the reference for the ids).
  DecisionIdMask uncertain = 0;

  bool allowed() const { return kind == DecisionKind::kAllow; }
  // True iff `uncertain` is the fast path's "maybe" flag, not exact ids.
  bool uncertain_is_maybe() const { return (uncertain & kMaybeUncertain) != 0; }
  // The exact ids (0 when only the fast path's flag is known).
  DecisionIdMask exact_ids() const { return uncertain & ~kMaybeUncertain; }
};

}  // namespace latticepol

#endif  // LATTICEPOL_DECISION_H_
