// File: latticepol/lint.h
// Stage: lint. Policy text -> findings an auditor would raise, in four
// severities (latticepol/issue.h): kError (Lattice would reject the policy:
// the parser's errors), kSecurity (grants more than it seems to), kWarning
// (almost certainly a mistake: cannot match, cannot take effect) and
// kSuggestion (a simplification). Every code is listed by LintChecks() and
// documented in docs/issue-codes.md.
//
// The linter is an ordered list of small named checks, each reporting against
// one statement or element of the policy (its JSON pointer and line:column).
// Problems in the input are findings, never a non-OK status or an exception.
//
// Example:
//   latticepol::LintResult r = latticepol::LintPolicy(text);
//   for (const latticepol::LintFinding& f : r.findings)
//     std::cout << latticepol::FormatIssue(f.issue, "policy.json") << "\n";
#ifndef LATTICEPOL_LINT_H_
#define LATTICEPOL_LINT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/issue.h"
#include "latticepol/parse.h"

namespace latticepol {

// One finding. `witness` is a canonical request (latticepol/request_json.h)
// that demonstrates the finding when the analysis proves it, else empty.
struct LintFinding {
  Issue issue;
  std::string witness;
};

struct LintOptions {
  // How the policy is parsed. In strict mode a policy that Lattice rejects
  // still gets the checks when it parses leniently (e.g. a pretty-printed
  // file), so one run shows every problem.
  ParseOptions parse;
  // Budget of the checks backed by the exact analysis (reachability,
  // shadowing, redundancy, witnesses), whose cost grows with the square of
  // the statement count and steeply with the wildcards of glob patterns
  // (Like/Arn condition values, resources). Above `max_analyzed_statements`
  // statements or `max_analyzed_wildcards` wildcard characters they are
  // skipped and one `reachability-not-checked` suggestion says so
  // (`latticepol analyze` answers exactly); `analysis_max_nodes` bounds each
  // search (an exhausted search proves nothing and reports nothing). At the
  // defaults the slowest policies we found take about 0.2 s (32 statements
  // with 4 wildcards each; 8 statements with 36 wildcards each, over the
  // wildcard budget, would take 0.2 s, 24 such statements 9 s).
  int max_analyzed_statements = 32;
  int max_analyzed_wildcards = 128;
  size_t analysis_max_nodes = 20000;
};

struct LintResult {
  // The parser's issues first (in source order), then the checks' findings
  // in check order, statement by statement.
  std::vector<LintFinding> findings;
  // True iff the checks ran (the document parsed, strictly or leniently).
  bool checked = false;
};

// Lints an auth policy (or an identity policy, per `options.parse`).
// Deterministic; thread-compatible.
LintResult LintPolicy(std::string_view text, const LintOptions& options = {});

// A check of the linter: its stable code, severity and one-line summary.
struct LintCheckInfo {
  std::string_view code;
  Severity severity;
  std::string_view summary;
};

// Every check, in the order they run.
const std::vector<LintCheckInfo>& LintChecks();

// Returns the findings as a JSON array of {"severity","code","message",
// "pointer","line","column"} objects (IssuesToJson's shape), plus "witness"
// (an object) on findings that carry one.
std::string LintFindingsToJson(const std::vector<LintFinding>& findings);

// Counts findings whose severity ranks at least as bad as `threshold`
// (SeverityRank(f) <= SeverityRank(threshold)).
int CountAtLeast(const std::vector<LintFinding>& findings, Severity threshold);

// One linted file, for the multi-file report formats.
struct LintedFile {
  std::string name;  // as given on the command line (a relative path or "<stdin>")
  std::vector<LintFinding> findings;
};

// Returns a SARIF 2.1.0 log (one run, tool `latticepol`, one rule per check
// code, one result per finding located at the file's line:column).
std::string LintToSarif(const std::vector<LintedFile>& files,
                        std::string_view tool_version);

}  // namespace latticepol

#endif  // LATTICEPOL_LINT_H_
