// File: src/decision.cc
// Stage: evaluate (shared). Names of decision kinds and of the
// DECISION ids (docs/semantics.md §8).
#include "latticepol/decision.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol {
namespace {

constexpr int kIdCount = static_cast<int>(DecisionId::kCount);

// Spelled as in docs/semantics.md §8; indexed by DecisionId.
constexpr std::array<std::string_view, kIdCount> kIdNames = {
    "G2", "G3", "A1", "P-S", "N1", "R1", "R2", "R3", "C1", "K1",
    "K2", "H1", "H2", "H3", "Q1", "Q2", "Q3", "Q4", "A2", "A3",
    "A4", "A5", "A6", "O1", "O2", "O3", "O4", "O5", "O6", "V1",
    "V2", "T1", "T2", "T3", "E1", "E2", "E3", "L2", "L3",
};
static_assert(kIdNames.size() == 39, "one name per DecisionId");

}  // namespace

std::string_view DecisionName(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kAllow:
      return "ALLOW";
    case DecisionKind::kExplicitDeny:
      return "EXPLICIT_DENY";
    case DecisionKind::kImplicitDeny:
      return "IMPLICIT_DENY";
  }
  return "IMPLICIT_DENY";
}

bool ParseDecisionName(std::string_view name, DecisionKind* kind) {
  for (DecisionKind k : {DecisionKind::kAllow, DecisionKind::kExplicitDeny,
                         DecisionKind::kImplicitDeny}) {
    if (name == DecisionName(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

std::string_view DecisionIdName(DecisionId id) {
  const int i = static_cast<int>(id);
  if (i < 0 || i >= kIdCount) return "?";
  return kIdNames[i];
}

std::vector<std::string> DecisionIdNames(DecisionIdMask mask) {
  std::vector<std::string> names;
  for (int i = 0; i < kIdCount; ++i) {
    if (mask & Bit(static_cast<DecisionId>(i))) {
      names.emplace_back(kIdNames[i]);
    }
  }
  return names;
}

}  // namespace latticepol
