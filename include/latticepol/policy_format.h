// File: latticepol/policy_format.h
// Stage: format. Canonical formatting of a policy document (`latticepol fmt`):
// the same JSON with a stable element order and one of two layouts. Minified
// is what the Lattice API accepts (one line, no newline at all); pretty is
// for review. Formatting never changes meaning: values are kept exactly
// (strings re-escaped minimally, numbers as written), duplicate keys stay
// visible, and only the known policy elements are reordered (Version, Id,
// Statement; Sid, Effect, Principal, NotPrincipal, Action, NotAction,
// Resource, NotResource, Condition); other objects (Condition blocks,
// principal maps) keep their source order.
#ifndef LATTICEPOL_POLICY_FORMAT_H_
#define LATTICEPOL_POLICY_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/issue.h"

namespace latticepol {

enum class PolicyLayout : uint8_t {
  kMinified,  // one line, no whitespace, no final newline
  kPretty,    // two-space indentation, arrays of scalars on one line, final newline
};

struct FormatPolicyResult {
  std::string text;           // the formatted policy; empty when not ok()
  std::vector<Issue> issues;  // json-syntax errors (located), never anything else
  bool ok() const { return !HasErrors(issues); }
};

// Formats `text`, which must be JSON (it need not be a valid policy: fmt
// formats what it is given; `latticepol validate` judges it). Idempotent:
// formatting the output again gives the same text.
FormatPolicyResult FormatPolicyText(std::string_view text, PolicyLayout layout);

}  // namespace latticepol

#endif  // LATTICEPOL_POLICY_FORMAT_H_
