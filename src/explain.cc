// File: src/explain.cc
// Stage: explain. Renders a reference Evaluation (evaluate.h) as the
// explanation of docs/semantics.md §4.3, in text or JSON:
//   ALLOW          the allowing statement(s);
//   EXPLICIT_DENY  the denying statement(s) and the conditions that made them
//                  apply;
//   IMPLICIT_DENY  up to max_closest Allow statements, fewest failed elements
//                  first, each with its first failing element and, where
//                  known, the request change that would have passed.
// Every item is one line. The JSON form carries the full traces.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "internal/explain_text.h"
#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/explain.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

std::string Label(const StatementTrace& s) {
  if (!s.sid.empty()) return s.sid;
  return "statement " + std::to_string(s.index);
}

std::string EffectName(Effect e) {
  return e == Effect::kAllow ? "Allow" : "Deny";
}

std::string JoinQuoted(const std::vector<std::string>& values,
                       const char* separator) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += separator;
    out += "`" + values[i] + "`";
  }
  return out;
}

std::string ClauseExpectation(const ClauseTrace& c) {
  if (c.operator_name == "Null") {
    std::string out;
    for (size_t i = 0; i < c.policy_values.size(); ++i) {
      if (i > 0) out += " or ";
      std::string v = c.policy_values[i];
      std::transform(v.begin(), v.end(), v.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      out += v == "true" ? "absent" : v == "false" ? "present" : "`" + v + "`";
    }
    return out;
  }
  const std::string values = JoinQuoted(c.policy_values, " or ");
  if (c.operator_name == "StringEquals") return values;
  return c.operator_name + " " + values;
}

// "`key` = [a, b], expected `blue` (reason); would pass with `q=blue`"
std::string DescribeClause(const ClauseTrace& c) {
  std::string out = "`" + c.key + "`";
  if (c.absent) {
    out += " is absent";
  } else {
    out += " = [";
    for (size_t i = 0; i < c.request_values.size(); ++i) {
      if (i > 0) out += ", ";
      out += c.request_values[i];
    }
    out += "]";
  }
  out += ", expected " + ClauseExpectation(c) + " (" + c.reason + ")";
  if (!c.would_pass.empty()) out += "; would pass with `" + c.would_pass + "`";
  return out;
}

// The first failing element of a statement that does not apply, in element
// order: principal, action, resource, then the condition entries.
std::string FirstFailure(const StatementTrace& s) {
  if (!s.principal_matched) return "principal does not match the caller";
  if (!s.action_matched) return "action does not match the request action";
  if (!s.resource_matched) {
    if (s.request_resource.empty()) {
      return "resource does not match (the request has no service arn)";
    }
    return "resource `" + s.request_resource + "` does not match";
  }
  for (const ClauseTrace& c : s.clauses) {
    if (!c.result) return DescribeClause(c);
  }
  return "applies";
}

// Allow statements ranked for an IMPLICIT_DENY explanation.
std::vector<const StatementTrace*> ClosestAllows(const Evaluation& ev,
                                                 int max_closest) {
  std::vector<const StatementTrace*> allows;
  for (const StatementTrace& s : ev.statements) {
    if (s.effect == Effect::kAllow) allows.push_back(&s);
  }
  std::stable_sort(allows.begin(), allows.end(),
                   [](const StatementTrace* a, const StatementTrace* b) {
                     return a->failed_elements < b->failed_elements;
                   });
  if (max_closest < 0) max_closest = 0;
  if (allows.size() > static_cast<size_t>(max_closest)) {
    allows.resize(max_closest);
  }
  return allows;
}

std::string Plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The explanation lines shared by the text and JSON forms. `with_uncertain`:
// include the `uncertain:` line of the DECISION ids.
std::vector<std::string> SummaryLines(const Evaluation& ev, const ExplainOptions& options,
                                      bool with_uncertain = true) {
  std::vector<std::string> lines;
  lines.push_back("decision: " + std::string(DecisionName(ev.decision.kind)));
  const std::vector<std::string> ids =
      with_uncertain ? DecisionIdNames(ev.decision.uncertain) : std::vector<std::string>();
  if (!ids.empty()) {
    std::string u = "uncertain:";
    for (size_t i = 0; i < ids.size(); ++i) u += (i ? ", " : " ") + ids[i];
    lines.push_back(u);
  }
  switch (ev.decision.kind) {
    case DecisionKind::kAllow:
      for (const StatementTrace& s : ev.statements) {
        if (s.applies && s.effect == Effect::kAllow) {
          lines.push_back("allowed by: " + Label(s) + " (" + s.pointer + ")");
        }
      }
      break;
    case DecisionKind::kExplicitDeny:
      for (const StatementTrace& s : ev.statements) {
        if (!s.applies || s.effect != Effect::kDeny) continue;
        lines.push_back("denied by: " + Label(s) + " (" + s.pointer + ")");
        if (s.clauses.empty()) {
          lines.push_back("  no conditions");
        }
        for (const ClauseTrace& c : s.clauses) {
          lines.push_back("  " + DescribeClause(c));
        }
      }
      break;
    case DecisionKind::kImplicitDeny: {
      const std::vector<const StatementTrace*> closest =
          ClosestAllows(ev, options.max_closest);
      if (ev.statements.empty()) {
        lines.push_back("no statements");
      } else if (closest.empty()) {
        lines.push_back("no Allow statement");
      } else {
        lines.push_back("no statement applies; closest Allow statements:");
        for (const StatementTrace* s : closest) {
          lines.push_back("- " + Label(*s) + " (" + s->pointer + "): " +
                          Plural(s->failed_elements, "failed element"));
          lines.push_back("  " + Label(*s) + ": " + FirstFailure(*s));
        }
      }
      break;
    }
  }
  return lines;
}

nlohmann::json ClauseJson(const ClauseTrace& c) {
  nlohmann::json j;
  j["pointer"] = c.pointer;
  j["operator"] = c.operator_name;
  j["key"] = c.key;
  j["policy_values"] = c.policy_values;
  j["absent"] = c.absent;
  j["request_values"] = c.request_values;
  j["result"] = c.result;
  j["reason"] = c.reason;
  if (!c.would_pass.empty()) j["would_pass"] = c.would_pass;
  return j;
}

nlohmann::json StatementJson(const StatementTrace& s) {
  nlohmann::json j;
  j["index"] = s.index;
  j["sid"] = s.sid;
  j["effect"] = EffectName(s.effect);
  j["pointer"] = s.pointer;
  j["principal_matched"] = s.principal_matched;
  j["action_matched"] = s.action_matched;
  j["resource_matched"] = s.resource_matched;
  j["request_resource"] = s.request_resource;
  j["applies"] = s.applies;
  j["failed_elements"] = s.failed_elements;
  nlohmann::json clauses = nlohmann::json::array();
  for (const ClauseTrace& c : s.clauses) clauses.push_back(ClauseJson(c));
  j["clauses"] = std::move(clauses);
  if (!s.applies) j["first_failure"] = FirstFailure(s);
  return j;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace

std::string ExplainText(const Evaluation& evaluation,
                        const ExplainOptions& options) {
  return JoinLines(SummaryLines(evaluation, options));
}

std::string internal::ExplainTextWithoutUncertain(const Evaluation& evaluation,
                                                  const ExplainOptions& options) {
  return JoinLines(SummaryLines(evaluation, options, /*with_uncertain=*/false));
}

std::string ExplainJson(const Evaluation& evaluation,
                        const ExplainOptions& options) {
  nlohmann::json j;
  j["decision"] = std::string(DecisionName(evaluation.decision.kind));
  j["statement"] = evaluation.decision.statement;
  j["uncertain"] = DecisionIdNames(evaluation.decision.uncertain);
  nlohmann::json statements = nlohmann::json::array();
  for (const StatementTrace& s : evaluation.statements) {
    statements.push_back(StatementJson(s));
  }
  j["statements"] = std::move(statements);
  if (evaluation.decision.kind == DecisionKind::kImplicitDeny) {
    nlohmann::json closest = nlohmann::json::array();
    for (const StatementTrace* s :
         ClosestAllows(evaluation, options.max_closest)) {
      closest.push_back(s->index);
    }
    j["closest"] = std::move(closest);
  }
  j["summary"] = SummaryLines(evaluation, options);
  // Policy and request text may hold invalid UTF-8: replace, never throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace latticepol
