// File: latticepol/cases.h
// Stage: check. Test cases for auth policies: a JSON Lines case file (one case
// per line) is parsed into `TestCase`s, and `RunCases` decides each one with
// the compiled path and explains the outcome with the reference path. The CLI
// (`latticepol check`) and the Python module share this code.
//
// Case file format (docs/formats/case-files.md, docs/schemas/case.schema.json),
// one JSON object per line (blank lines are skipped, unknown fields are ignored):
//
//   {"name": "blue allowed", "request": {...canonical request JSON...},
//    "expect": "ALLOW" | "DENY" | "EXPLICIT_DENY" | "IMPLICIT_DENY",
//    "policy": {...},             // optional: overrides the default policy
//    "networkPolicy": {...},      // optional: service-network auth policy
//    "networkAuthType": "AWS_IAM" | "NONE",   // optional
//    "serviceAuthType": "AWS_IAM" | "NONE",   // optional
//    "identityDecision": "ALLOW" | ...,       // optional (extension)
//    "skip": true | "reason"}                 // optional (extension)
//
// A case that names no auth type, no network policy and no identity decision
// evaluates its policy alone (the single-policy result of docs/semantics.md §4.1). Any of
// those fields makes it a Lattice chain case (docs/semantics.md §4.2): the network auth type
// defaults to AWS_IAM when a network policy is given and to NONE otherwise;
// the service auth type defaults to AWS_IAM.
//
// Example:
//   latticepol::CaseFile file = latticepol::ParseCases(text);
//   if (!file.ok()) std::cerr << latticepol::FormatIssues(file.issues, path);
//   latticepol::CheckReport report = latticepol::RunCases(file.cases, &policy);
//   std::cout << report.passed << " passed, " << report.failed << " failed\n";
#ifndef LATTICEPOL_CASES_H_
#define LATTICEPOL_CASES_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/explain.h"
#include "latticepol/issue.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

// ---- Deciding one request ----------------------------------------------------

// A decision made by the compiled path and explained by the reference path.
struct DecideOutcome {
  DecisionKind decision = DecisionKind::kImplicitDeny;
  // The deciding layer: kNone for ALLOW; in single-policy mode kService.
  Layer layer = Layer::kNone;
  LayerSet failing_layers;             // every layer that did not allow, in order
  std::vector<std::string> uncertain;  // exact DECISION ids (reference path)
  std::string explanation;             // text, one or more lines, no final newline
  std::string explanation_json;        // a JSON object (see DecideOutcomeToJson)
  // The compiled and reference paths disagreed. `decision` is the compiled
  // one and `internal_error` says what differed.
  std::string internal_error;
};

// Decides `request` with the compiled path, explains it with the reference
// path and checks that both agree. Fails only when a policy cannot be
// compiled (e.g. ResourceExhausted).
//
// Single-policy mode (docs/semantics.md §4.1): `policy` alone, with Compile +
// Evaluate and EvaluateReference + ExplainText; a denial is layer kService.
absl::StatusOr<DecideOutcome> DecideRequest(const PolicyDocument& policy,
                                            const RequestView& request,
                                            const ExplainOptions& options = {});
// Chain mode (docs/semantics.md §4.2): CompileChain + Authorize and
// AuthorizeReference, every layer explained. Under AWS_IAM a null policy
// means "no policy attached".
absl::StatusOr<DecideOutcome> DecideRequest(const ChainPolicies& chain,
                                            const RequestView& request,
                                            const ExplainOptions& options = {});

// {"decision","layer","failingLayers":[...],"uncertain":[...],
//  "explanation": <ExplainJson object, or {"layers":{...}} for chains>}
std::string DecideOutcomeToJson(const DecideOutcome& outcome);

// ---- Case files -------------------------------------------------------------

// One parsed case. `line` is the 1-based line of the case in its file.
struct TestCase {
  std::string name;
  int line = 0;
  Request request;
  DecisionKind expect = DecisionKind::kImplicitDeny;
  // `"expect": "DENY"` (as in scenarios): EXPLICIT_DENY or IMPLICIT_DENY
  // passes; `expect` is then kImplicitDeny.
  bool expect_any_deny = false;
  std::optional<PolicyDocument> policy;          // inline "policy"
  std::optional<PolicyDocument> network_policy;  // inline "networkPolicy"
  std::optional<AuthType> network_auth_type;
  std::optional<AuthType> service_auth_type;
  std::optional<DecisionKind> identity_decision;
  bool skip = false;
  std::string skip_reason;

  // Returns true iff the case runs the Lattice chain rather than one policy.
  bool uses_chain() const {
    return network_policy.has_value() || network_auth_type.has_value() ||
           service_auth_type.has_value() || identity_decision.has_value();
  }
  // The case's chain: its inline policy (else `default_policy`) as the
  // service policy, its network policy, and the auth types with their
  // defaults (network AWS_IAM iff a network policy is given, service
  // AWS_IAM). In single-policy mode only `service_policy` is used.
  ChainPolicies Chain(const PolicyDocument* default_policy) const;
};

// The result of parsing a case file. `ok()` is true iff no issue is an error.
// Each issue names the line of the bad case in `location.line` and the JSON
// pointer inside that case (e.g. `/request/method`) in `location.json_pointer`.
struct CaseFile {
  std::vector<TestCase> cases;
  std::vector<Issue> issues;
  bool ok() const { return !HasErrors(issues); }
};

struct CaseParseOptions {
  // Options for inline policies ("policy", "networkPolicy").
  ParseOptions policy_options;
  // A line longer than this is an error (keeps hostile input bounded).
  size_t max_line_bytes = 8 << 20;
};

// Parses a JSON Lines case file. Never throws. Issues inside an inline policy
// or request keep their own pointer, prefixed with the case field (e.g.
// `/policy/Statement/0/Effect`), and carry the line of the case.
CaseFile ParseCases(std::string_view text, const CaseParseOptions& options = {});

// Parses a case file piece by piece, so a large file or stream needs memory
// for one piece only: give Parse() the file's text in order, each piece
// ending at a line boundary (after a '\n'; only the last may end without
// one). Line numbers count from the start of the file and duplicate names are
// found across pieces; the result of each call holds that piece's cases and
// issues. ParseCases(text) is one Parse(text).
class CaseStreamParser {
 public:
  explicit CaseStreamParser(const CaseParseOptions& options = {});
  CaseFile Parse(std::string_view lines);

 private:
  CaseParseOptions options_;
  int next_line_ = 1;
  std::set<std::string> names_;
};

// The outcome of one case.
struct CaseResult {
  std::string name;
  int line = 0;
  DecisionKind expected = DecisionKind::kImplicitDeny;
  bool expected_any_deny = false;  // `"expect": "DENY"`: any deny passes
  DecisionKind got = DecisionKind::kImplicitDeny;
  Layer layer = Layer::kNone;  // deciding layer; kService for single-policy denies
  bool chain = false;          // evaluated as a Lattice chain
  bool passed = false;
  bool skipped = false;
  std::string skip_reason;
  // The compiled and the reference path disagreed (a bug in latticepol); the
  // case counts as failed and `explanation` says so.
  bool internal_error = false;
  std::vector<std::string> uncertain;  // DECISION ids from the reference path
  std::string explanation;             // ExplainText of the deciding layer
};

struct CheckReport {
  std::vector<CaseResult> results;  // one per case, in file order
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  // Errors that stopped a case from running (e.g. no policy at all); such a
  // case is counted as skipped.
  std::vector<Issue> issues;
  bool all_passed() const { return failed == 0 && !HasErrors(issues); }
};

struct RunOptions {
  ExplainOptions explain;
};

// Runs every case. `default_policy` (may be null) is used by cases without an
// inline policy; a case with neither gets an error issue naming its line.
CheckReport RunCases(const std::vector<TestCase>& cases,
                     const PolicyDocument* default_policy,
                     const RunOptions& options = {});

// Renders the report as JSON:
//   {"passed":N,"failed":M,"skipped":K,"issues":[...],"cases":[{"name","line",
//    "expected","got","layer","passed","skipped","uncertain","explanation"}]}
std::string CheckReportToJson(const CheckReport& report);

// Renders the report as text: every failing case (name, line, expected vs got,
// explanation indented), then the closing line `N passed, M failed` with
// `, K skipped` when K > 0. With `verbose`, passing cases are listed too.
std::string CheckReportToText(const CheckReport& report, bool verbose = false);

// The closing line alone, without a newline.
std::string CheckSummaryLine(const CheckReport& report);

}  // namespace latticepol

#endif  // LATTICEPOL_CASES_H_
