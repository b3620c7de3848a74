// File: latticepol/replay_identities.h
// Stage: simulate (replay). Per-caller identity inputs for replay
// (docs/formats/identities.md): recorded traffic comes from many callers, and
// each signed caller's identity-based policy decides the chain's identity
// layer (docs/semantics.md §4.2). A file maps caller principal ARNs to an
// identity decision or an identity policy; Replay (replay.h,
// ReplayOptions::identities) uses the matching entry instead of the chain's
// one identity input.
//
// MATCHING. A signed caller matches the entry named by its session ARN (an
// assumed-role session, L2) if there is one, else the entry named by its
// principal ARN (the role ARN for sessions). Names are compared exactly.
// Signed callers that match nothing use `default` when the file has one,
// else the chain's identity input (none: ASSUMED_ALLOW, E2). Anonymous
// callers have no identity layer.
//
// Example (JSON):
//   {"callers": [
//      {"principal": "arn:aws:iam::111111111111:role/reader", "identityDecision": "ALLOW"},
//      {"principal": "arn:aws:iam::111111111111:role/writer",
//       "identityPolicy": "writer-identity.json"}],
//    "default": {"identityDecision": "IMPLICIT_DENY"}}
#ifndef LATTICEPOL_REPLAY_IDENTITIES_H_
#define LATTICEPOL_REPLAY_IDENTITIES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/issue.h"
#include "latticepol/policy.h"

namespace latticepol {

// One caller's identity input: exactly one of `decision` and `policy`.
struct CallerIdentityInput {
  std::optional<DecisionKind> decision;
  std::shared_ptr<const PolicyDocument> policy;
  // `policy` compiled (filled by the loaders, so a replay that is run many
  // times, e.g. once per partition, does not compile it again).
  std::shared_ptr<const CompiledPolicy> compiled;
  std::string policy_path;  // the file it came from; empty when inline
};

struct ReplayIdentities {
  std::map<std::string, CallerIdentityInput> callers;  // principal or session ARN -> input
  std::optional<CallerIdentityInput> default_input;   // signed callers not listed
};

struct ReplayIdentitiesResult {
  ReplayIdentities identities;
  std::vector<Issue> issues;  // located in the file (line:column, JSON pointer)
  bool ok() const { return !HasErrors(issues); }
};

// Parses an identities document (JSON, at most kMaxInputFileBytes). Relative
// policy paths resolve against `base_dir` (the current directory when empty).
// Every policy is parsed as an identity policy and compiled.
ReplayIdentitiesResult ParseReplayIdentities(std::string_view text, const std::string& base_dir);

// Reads `path` (a regular file) and parses it with base_dir = its directory.
ReplayIdentitiesResult LoadReplayIdentitiesFile(const std::string& path);

// The identities as one self-contained document (every policy inline, in
// canonical form) that ParseReplayIdentities reads back to the same inputs:
// what travels to other processes (Dask workers).
std::string ReplayIdentitiesToJson(const ReplayIdentities& identities);

}  // namespace latticepol

#endif  // LATTICEPOL_REPLAY_IDENTITIES_H_
