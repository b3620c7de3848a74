// File: latticepol/evaluate.h
// Stage: evaluate (reference). A plain evaluator that follows
// docs/semantics.md line by line, never short-circuits, and records a
// trace of every statement and condition entry. It is the gold standard the
// compiled matcher (compiled_policy.h) is tested against; it allocates freely
// and is not meant for the hot path.
#ifndef LATTICEPOL_EVALUATE_H_
#define LATTICEPOL_EVALUATE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

// Trace of one condition entry (one operator -> key -> values).
// Request values longer than this are cut in traces and explanations.
inline constexpr size_t kTraceValueBytes = 256;

struct ClauseTrace {
  std::string pointer;        // JSON pointer of the entry
  std::string operator_name;  // as written
  std::string key;            // as written
  std::vector<std::string> policy_values;   // after variable substitution
  bool absent = false;                      // the key had no value in the request
  // Empty when absent. A value longer than kTraceValueBytes is cut there (at
  // a UTF-8 boundary) and ends with `...[N bytes cut]`, so a trace's size
  // does not grow with statements x request value size.
  std::vector<std::string> request_values;
  bool result = false;
  // Why the entry has its result (docs/semantics.md §4.3): "matched", "no-value-matched",
  // "nor-hit", "absent-positive", "absent-negated", "ifexists-absent",
  // "forallvalues-absent", "foranyvalue-absent", "multi-value-plain-op",
  // "type-error", "unresolved-variable", "null-check".
  std::string reason;
  // For a failed entry: a request change that would make it pass, e.g.
  // "q=blue" or "RequestMethod=GET". Empty when there is no single obvious one.
  std::string would_pass;
};

// Trace of one statement.
struct StatementTrace {
  int index = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  std::string pointer;
  bool principal_matched = false;
  bool action_matched = false;
  bool resource_matched = false;
  std::string request_resource;  // the ARN checked against Resource (1.6), cut as request_values
  std::vector<ClauseTrace> clauses;
  bool applies = false;      // principal && action && resource && every clause
  int failed_elements = 0;   // failed principal/action/resource tests + failed clauses
};

// The full reference result.
struct Evaluation {
  Decision decision;
  std::vector<StatementTrace> statements;  // one per statement, in order
};

// Evaluates `policy` against `request` with the reference semantics.
Evaluation EvaluateReference(const PolicyDocument& policy,
                             const RequestView& request);

// Returns the request resource ARN (docs/semantics.md §1.6): `<serviceArn><path>` for
// Invoke, `<serviceArn>` for Connect; empty when the service ARN is absent.
std::string RequestResourceArn(const RequestView& request);

// Explanations of an Evaluation (ExplainText, ExplainJson): latticepol/explain.h.

}  // namespace latticepol

#endif  // LATTICEPOL_EVALUATE_H_
