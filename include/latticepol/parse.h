// File: latticepol/parse.h
// Stage: parse. Policy text -> PolicyDocument plus issues. Syntax errors are
// located by line:column, semantic errors by JSON pointer (and line:column of
// the offending element). Never throws.
#ifndef LATTICEPOL_PARSE_H_
#define LATTICEPOL_PARSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/issue.h"
#include "latticepol/policy.h"

namespace latticepol {

struct ParseOptions {
  // Strict (the default) rejects what Lattice would reject. Lenient follows
  // the DECISIONs of docs/semantics.md: unknown principal types never match, bad typed values
  // make their entry false (T1), mis-cased keys are evaluated as absent (K2).
  bool strict = true;
  // Characters above which the policy is an error (docs/semantics.md §1.1: 36,864 is the
  // PutAuthPolicy maximum; above 10,000 is a warning).
  size_t max_size = 36864;
  size_t warn_size = 10000;
  // Nesting deeper than this is rejected before it can exhaust the stack.
  int max_depth = 64;
  // Parse an identity-based policy: Principal/NotPrincipal are not allowed and
  // not required (docs/semantics.md §4.2 E2).
  bool identity_policy = false;
};

// The result of parsing: a document and the issues found. `ok()` is true iff
// no issue is an error; `doc` is only meaningful then.
struct ParseResult {
  PolicyDocument doc;
  std::vector<Issue> issues;
  bool ok() const { return !HasErrors(issues); }
};

// Parses an auth policy. Problems in `text` are issues, never a non-OK status.
//
// Example:
//   latticepol::ParseResult r = latticepol::ParsePolicy(text);
//   if (!r.ok()) std::cerr << latticepol::FormatIssues(r.issues, "policy.json");
ParseResult ParsePolicy(std::string_view text, const ParseOptions& options = {});

// Parses and returns the document, or InvalidArgument whose message is the
// formatted issues. Convenience for callers that only want a yes/no.
absl::StatusOr<PolicyDocument> ParsePolicyOrStatus(std::string_view text,
                                                   const ParseOptions& options = {});

}  // namespace latticepol

#endif  // LATTICEPOL_PARSE_H_
