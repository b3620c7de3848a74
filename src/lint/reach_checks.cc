// File: src/lint/reach_checks.cc
// The linter's checks that need the exact analysis (latticepol/analysis.h):
// statements that never apply, Allows that Deny statements fully shadow,
// Denies that never change a decision, and statements made redundant by
// others. Negative facts are reported only when the analysis is complete;
// positive ones carry the analysis's verified witness request.
#include <optional>
#include <string>
#include <vector>

#include "internal/semantics.h"
#include "internal/strings.h"
#include "latticepol/request_json.h"
#include "lint/checks.h"

namespace latticepol::lint {

using internal::StrCat;

Reachability ComputeReachability(const PolicyDocument& doc, bool anonymous, bool signed_callers,
                                 size_t max_nodes) {
  Reachability r;
  if (doc.is_identity_policy || doc.statements.empty()) return r;
  AnalysisOptions options;
  options.include_anonymous = anonymous;
  options.include_signed = signed_callers;
  options.max_nodes = max_nodes;
  bool complete = false;
  absl::StatusOr<std::vector<StatementReach>> reach = StatementReachability(doc, options, &complete);
  if (!reach.ok() || reach->size() != doc.statements.size()) return r;
  r.ok = true;
  r.complete = complete;
  r.statements = std::move(*reach);
  return r;
}

int CountWildcards(const PolicyDocument& doc) {
  int n = 0;
  auto count = [&n](const std::string& v) {
    for (char c : v) n += (c == '*' || c == '?') ? 1 : 0;
  };
  for (const Statement& s : doc.statements) {
    for (const std::string& r : s.resources) {
      if (r != "*") count(r);
    }
    for (const Condition& c : s.conditions) {
      if (!internal::OperatorSemantics(c.op).glob) continue;
      for (const std::string& v : c.values) count(v);
    }
  }
  return n;
}

int PositionOf(const PolicyDocument& doc, const Statement& s) {
  for (size_t i = 0; i < doc.statements.size(); ++i) {
    if (&doc.statements[i] == &s) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// The document without the statements of `effect`, except `keep`; `keep`'s
// position in the result is stored in `*at`.
PolicyDocument WithoutOthers(const PolicyDocument& doc, int keep, Effect effect, int* at) {
  PolicyDocument out = doc;
  out.statements.clear();
  for (size_t i = 0; i < doc.statements.size(); ++i) {
    if (static_cast<int>(i) == keep) *at = static_cast<int>(out.statements.size());
    if (static_cast<int>(i) != keep && doc.statements[i].effect == effect) continue;
    out.statements.push_back(doc.statements[i]);
  }
  return out;
}

}  // namespace

void CheckNeverApplies(const Statement& s, CheckContext& ctx) {
  const Reachability& reach = ctx.reach();
  int i = PositionOf(ctx.doc(), s);
  if (!reach.ok || !reach.complete || i < 0) return;
  if (reach.statements[static_cast<size_t>(i)].applicable) return;
  ctx.Report(s.pointer,
             "no request satisfies this statement (proved over all requests): its conditions, "
             "principal, action and resource can never all hold, so it never applies");
}

namespace {

enum class Ineffective { kNo, kRedundant, kShadowed };

// An applicable statement whose removal changes no decision is redundant
// (without the other statements of its effect it would decide something) or
// shadowed (Allow: Denies cover everything it allows; Deny: no Allow grants
// anything it denies). Sets `*witness` to a request it applies to.
// Returns whether removing the Deny at position `i` of `doc` gives some
// request access (the Deny was blocking an Allow); nullopt: not proved.
std::optional<bool> DenyBlocksSomething(const PolicyDocument& doc, int i, size_t max_nodes) {
  PolicyDocument without = doc;
  without.statements.erase(without.statements.begin() + i);
  AnalysisOptions options;
  options.max_nodes = max_nodes;
  absl::StatusOr<DiffResult> diff = DiffPolicies(doc, without, options);
  if (!diff.ok() || !diff->complete) return std::nullopt;
  return diff->has_new_access();
}

// Returns whether removing the statement at position `i` of `doc` changes
// any decision; nullopt: not proved.
std::optional<bool> RemovalChangesSomething(const PolicyDocument& doc, int i, size_t max_nodes) {
  PolicyDocument without = doc;
  without.statements.erase(without.statements.begin() + i);
  AnalysisOptions options;
  options.max_nodes = max_nodes;
  absl::StatusOr<DiffResult> diff = DiffPolicies(doc, without, options);
  if (!diff.ok() || !diff->complete) return std::nullopt;
  return !diff->equivalent;
}

Ineffective Classify(const Statement& s, CheckContext& ctx, std::string* witness) {
  const Reachability& reach = ctx.reach();
  int i = PositionOf(ctx.doc(), s);
  if (!reach.ok || !reach.complete || i < 0) return Ineffective::kNo;
  const StatementReach& r = reach.statements[static_cast<size_t>(i)];
  if (!r.applicable) return Ineffective::kNo;
  int at = -1;
  PolicyDocument alone = WithoutOthers(ctx.doc(), i, s.effect, &at);
  if (at < 0) return Ineffective::kNo;
  bool useless = false, useless_alone = false;
  if (s.effect == Effect::kAllow) {
    // Removing an applicable Allow changes a decision iff it allows something.
    if (r.effective) return Ineffective::kNo;
    std::optional<bool> changes_alone = RemovalChangesSomething(alone, at, ctx.options().analysis_max_nodes);
    if (!changes_alone.has_value()) return Ineffective::kNo;
    useless = true;
    useless_alone = !*changes_alone;
  } else {
    // A Deny matters iff some request it applies to would be allowed
    // without it (explicit vs implicit deny is no change of access).
    std::optional<bool> blocks = DenyBlocksSomething(ctx.doc(), i, ctx.options().analysis_max_nodes);
    if (!blocks.has_value() || *blocks) return Ineffective::kNo;
    std::optional<bool> blocks_alone = DenyBlocksSomething(alone, at, ctx.options().analysis_max_nodes);
    if (!blocks_alone.has_value()) return Ineffective::kNo;
    useless = true;
    useless_alone = !*blocks_alone;
  }
  if (!useless) return Ineffective::kNo;
  if (r.applies_witness.has_value()) *witness = RequestToJson(*r.applies_witness);
  return useless_alone ? Ineffective::kShadowed : Ineffective::kRedundant;
}

}  // namespace

void CheckAllowShadowed(const Statement& s, CheckContext& ctx) {
  std::string witness;
  if (s.effect != Effect::kAllow || Classify(s, ctx, &witness) != Ineffective::kShadowed) return;
  ctx.Report(s.pointer,
             "Deny statements fully shadow this Allow: every request it allows is denied "
             "(proved over all requests; the witness is one of them)",
             witness);
}

void CheckDenyNeverApplies(const Statement& s, CheckContext& ctx) {
  std::string witness;
  if (s.effect != Effect::kDeny || Classify(s, ctx, &witness) != Ineffective::kShadowed) return;
  ctx.Report(s.pointer,
             "this Deny never changes a decision: no Allow grants any request it denies "
             "(proved over all requests; the witness is one of them)",
             witness);
}

void CheckRedundantStatement(const Statement& s, CheckContext& ctx) {
  std::string witness;
  if (Classify(s, ctx, &witness) != Ineffective::kRedundant) return;
  const char* kind = s.effect == Effect::kAllow ? "Allow" : "Deny";
  ctx.Report(s.pointer,
             StrCat("this ", kind, " is redundant: the other ", kind,
                    " statements already decide every request it applies to, so removing it "
                    "changes no decision (proved)"),
             witness);
}

void CheckReachabilityBudget(CheckContext& ctx) {
  if (ctx.analysis_enabled() || ctx.doc().is_identity_policy) return;
  ctx.Report("/Statement",
             StrCat("the policy (", ctx.doc().statements.size(), " statements, ", ctx.wildcards(),
                    " wildcards in patterns) exceeds the linter's analysis budget (",
                    ctx.options().max_analyzed_statements, " statements, ",
                    ctx.options().max_analyzed_wildcards,
                    " wildcards): shadowed, redundant and never-applying statements were not "
                    "checked"));
}

}  // namespace latticepol::lint
