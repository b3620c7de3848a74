// File: src/lint/checks.h
// The linter's checks: an ordered table of small named checks (code,
// severity, summary, function), each reporting findings against one element
// of the policy through a CheckContext. Adding a finding is one function and
// one table row (checks.cc).
#ifndef LATTICEPOL_SRC_LINT_CHECKS_H_
#define LATTICEPOL_SRC_LINT_CHECKS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "internal/json_reader.h"
#include "latticepol/analysis.h"
#include "latticepol/lint.h"
#include "latticepol/policy.h"

namespace latticepol::lint {

// Maps JSON pointers of the linted text to line:column.
class Locator {
 public:
  // `text` must outlive the locator. If it is not JSON, every location is
  // the pointer alone.
  explicit Locator(std::string_view text);
  // The location of the element at `pointer`: an object member's key, or an
  // array element's value. Unknown pointers keep line and column 0.
  SourceLocation Locate(std::string_view pointer) const;
  // The JSON value at `pointer`, or nullptr.
  const internal::JsonValue* Find(std::string_view pointer) const;

 private:
  const internal::JsonValue* Walk(std::string_view pointer, int64_t* offset) const;
  std::string_view text_;
  internal::JsonValue root_;
  bool ok_ = false;
};

// The exact analysis's per-statement facts (latticepol/analysis.h), computed
// once per document on first use. `ok` is false when the analysis could not
// run (identity policies, documents it rejects); `complete` is false when a
// negative fact ("never applies") is not proved.
struct Reachability {
  bool ok = false;
  bool complete = false;
  std::vector<StatementReach> statements;  // by position in doc.statements
};

// Counts the wildcard characters (`*`, `?`) of the document's glob patterns:
// values of Like and Arn condition operators and resources other than `*`
// (the analysis's cost driver).
int CountWildcards(const PolicyDocument& doc);

// What a check sees, and where it reports.
class CheckContext {
 public:
  CheckContext(const PolicyDocument& doc, const Locator& locator, const LintOptions& options,
               std::vector<LintFinding>* out)
      : doc_(doc), locator_(locator), options_(options), out_(out),
        wildcards_(CountWildcards(doc)) {}
  const PolicyDocument& doc() const { return doc_; }
  const Locator& locator() const { return locator_; }
  const LintOptions& options() const { return options_; }
  // True iff the analysis-backed checks run for this document (budget).
  bool analysis_enabled() const {
    return static_cast<int>(doc_.statements.size()) <= options_.max_analyzed_statements &&
           wildcards_ <= options_.max_analyzed_wildcards;
  }
  int wildcards() const { return wildcards_; }
  // Set by the driver before each check runs.
  void SetCheck(const LintCheckInfo* info) { info_ = info; }
  // Reachability over every caller, and over anonymous callers only.
  const Reachability& reach();
  const Reachability& anonymous_reach();
  // Reports a finding of the running check at `pointer`.
  void Report(std::string_view pointer, std::string message, std::string witness = "");

 private:
  const PolicyDocument& doc_;
  const Locator& locator_;
  const LintOptions& options_;
  std::vector<LintFinding>* out_;
  const LintCheckInfo* info_ = nullptr;
  int wildcards_ = 0;
  std::optional<Reachability> reach_;
  std::optional<Reachability> anonymous_reach_;
};

using StatementCheckFn = void (*)(const Statement& statement, CheckContext& ctx);
using DocumentCheckFn = void (*)(CheckContext& ctx);

// One row of the check table: exactly one of the two functions is set.
struct Check {
  LintCheckInfo info;
  StatementCheckFn statement = nullptr;
  DocumentCheckFn document = nullptr;
};

// Computes the reachability facts of `doc` for the given caller classes.
Reachability ComputeReachability(const PolicyDocument& doc, bool anonymous, bool signed_callers,
                                 size_t max_nodes);

// The checks backed by the exact analysis (reach_checks.cc).
void CheckNeverApplies(const Statement& s, CheckContext& ctx);
void CheckAllowShadowed(const Statement& s, CheckContext& ctx);
void CheckDenyNeverApplies(const Statement& s, CheckContext& ctx);
void CheckRedundantStatement(const Statement& s, CheckContext& ctx);
void CheckReachabilityBudget(CheckContext& ctx);

// Returns the statement's position in the document, or -1.
int PositionOf(const PolicyDocument& doc, const Statement& s);

// The checks, in the order they run.
const std::vector<Check>& AllChecks();

// Returns the pointer of value `i` of a condition (the condition's own pointer
// when it was written as a single value).
std::string ValuePointer(const Condition& condition, size_t i, const Locator& locator);

}  // namespace latticepol::lint

#endif  // LATTICEPOL_SRC_LINT_CHECKS_H_
