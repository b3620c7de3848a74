// File: src/analysis/analysis.cc
// Stage: analysis. The public questions of latticepol/analysis.h on top of
// the engine: caller classes, the diff / prove / analyze searches, and
// witness verification.
#include "latticepol/analysis.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/engine.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/simulate.h"

namespace latticepol {
namespace analysis {
namespace {

struct Names {
  std::set<std::string> accounts;
  std::vector<std::string> arns;  // iam (non-root) and sts assumed-role ARNs
  std::set<std::string> org_ids;
  bool org_tested = false;  // some condition reads aws:PrincipalOrgID
};

void NoteArn(const std::string& v, Names* names) {
  if (internal::IsAccountId(v)) {
    names->accounts.insert(v);
    return;
  }
  std::array<std::string_view, 6> f;
  if (!internal::SplitArn(v, &f)) return;
  if (internal::IsAccountId(f[4])) names->accounts.insert(std::string(f[4]));
  if (f[5] == "root") return;
  if (std::find(names->arns.begin(), names->arns.end(), v) == names->arns.end()) {
    names->arns.push_back(v);
  }
}

bool CallerConditionExact(const Condition& c) {
  const bool equality = c.op == ConditionOperator::kStringEquals ||
                        c.op == ConditionOperator::kStringNotEquals ||
                        c.op == ConditionOperator::kNull;
  switch (c.key.kind) {
    case KeyKind::kPrincipalAccount:
    case KeyKind::kPrincipalArn:
    case KeyKind::kPrincipalOrgId:
      return equality;
    case KeyKind::kPrincipalType:
      if (!equality) return false;
      for (const std::string& v : c.values) {
        if (v != "Anonymous" && v != "AssumedRole" && v != "User") return false;
      }
      return true;
    default:
      return false;
  }
}

void CollectNames(const PolicyDocument& doc, Names* names, Space* space) {
  for (const Statement& s : doc.statements) {
    for (const std::string& v : s.principal.aws) NoteArn(v, names);
    for (const Condition& c : s.conditions) {
      if (KeyInfoFor(c.key).source != KeySource::kCaller) continue;
      if (!CallerConditionExact(c)) {
        space->Incomplete("statement " + std::to_string(s.index) + ": " + c.operator_name +
                          " on " + c.key.name +
                          " is checked only for callers built from the names the policies use");
      }
      names->org_tested |= c.key.kind == KeyKind::kPrincipalOrgId;
      for (const std::string& v : c.values) {
        if (c.key.kind == KeyKind::kPrincipalOrgId) {
          names->org_ids.insert(v);
        } else if (c.key.kind == KeyKind::kPrincipalAccount ||
                   c.key.kind == KeyKind::kPrincipalArn) {
          // A pattern gets one instance (`*`, `?` -> `x`): a witness caller
          // for the statement, not a proof (the entry is marked incomplete).
          std::string instance = v;
          for (char& ch : instance) {
            if (ch == '*' || ch == '?') ch = 'x';
          }
          NoteArn(instance, names);
        }
      }
    }
  }
}

std::string OtherAccount(const std::set<std::string>& used) {
  for (std::string a : {"123456789012", "000000000000", "999999999999", "555555555555"}) {
    if (!used.count(a)) return a;
  }
  return "010101010101";
}

Principal PrincipalForArn(const std::string& arn) {
  std::array<std::string_view, 6> f;
  internal::SplitArn(arn, &f);
  Principal p;
  p.account = std::string(f[4]);
  const std::string_view res = f[5];
  if (f[2] == "sts" && internal::StartsWith(res, "assumed-role/")) {
    const std::string_view rest = res.substr(13);
    const std::string role(rest.substr(0, rest.find('/')));
    p.session_arn = arn;
    p.arn = "arn:" + std::string(f[1]) + ":iam::" + p.account + ":role/" + role;
    p.type = "AssumedRole";
  } else {
    p.arn = arn;
    p.type = internal::StartsWith(res, "user/") ? "User" : "AssumedRole";
  }
  return p;
}

void AddSigned(const Principal& base, const std::string& what, const Names& names,
               const AnalysisOptions& options, Space* space) {
  auto add = [&](const Principal& p, const std::string& desc) {
    CallerAtom c;
    c.name = "signed-" + std::to_string(space->callers.size());
    c.description = desc;
    c.principal = p;
    c.config = options.config;
    c.identity_policy = options.identity_policy;
    space->callers.push_back(std::move(c));
  };
  add(base, what);
  for (const std::string& org : names.org_ids) {
    Principal p = base;
    p.org_id = org;
    add(p, what + " in org " + org);
  }
  if (names.org_tested) {  // in an organization the policies do not name
    Principal p = base;
    p.org_id = "o-0therorg";
    for (int i = 0; names.org_ids.count(p.org_id); ++i) p.org_id = "o-0therorg" + std::to_string(i);
    add(p, what + " in another org");
  }
}

void BuildCallers(const std::vector<const PolicyDocument*>& docs, const AnalysisOptions& options,
                  Space* space) {
  Names names;
  for (const PolicyDocument* d : docs) {
    if (d != nullptr) CollectNames(*d, &names, space);
  }
  if (options.include_anonymous) {
    CallerAtom c;
    c.name = "anonymous";
    c.description = "anonymous";
    c.config = options.config;
    space->callers.push_back(std::move(c));
  }
  if (!options.include_signed) return;
  for (const std::string& arn : names.arns) {
    Principal p = PrincipalForArn(arn);
    AddSigned(p, "signed as " + arn, names, options, space);
  }
  std::set<std::string> used = names.accounts;
  for (const std::string& account : names.accounts) {
    Principal p;
    p.account = account;
    p.arn = "arn:aws:iam::" + account + ":role/any-other-role";
    p.type = "AssumedRole";
    AddSigned(p, "signed, account " + account + " (another role)", names, options, space);
  }
  Principal other;
  other.account = OtherAccount(used);
  other.arn = "arn:aws:iam::" + other.account + ":role/any-role";
  other.type = "AssumedRole";
  AddSigned(other, "signed, any other account", names, options, space);
}

ChainPolicies ChainFor(const Space& space, int caller, const PolicyDocument* service,
                       const PolicyDocument* network) {
  ChainPolicies chain;
  const CallerAtom& c = space.callers[caller];
  chain.config = c.config;
  chain.network_policy = network;
  chain.service_policy = service;
  chain.identity_policy = c.identity_policy;
  return chain;
}

// Everything diff, analyze and reachability share: one space over the given
// service policies, with models.
struct Setup {
  Space space;
  std::unique_ptr<Elements> elements;
  std::vector<PolicyModel> services;
  std::optional<PolicyModel> network;
  std::optional<PolicyModel> identity;

  ChainModel Chain(size_t i) const { return ChainWith(&services[i]); }
  ChainModel ChainWith(const PolicyModel* service) const {
    ChainModel m;
    m.network = network ? &*network : nullptr;
    m.service = service;
    m.identity.resize(space.callers.size());
    for (size_t c = 0; c < space.callers.size(); ++c) {
      if (space.callers[c].identity_policy != nullptr && identity) m.identity[c] = identity;
    }
    return m;
  }
};

// Listener ports to try when the context fixes none: every integer boundary
// the policies' Port conditions name and its neighbours, the extremes and
// 443. Numeric comparisons with these boundaries cannot tell apart two ports
// between consecutive points, so this is exact for Numeric* operators.
void PortPoints(const std::vector<const PolicyDocument*>& docs, Space* space) {
  std::set<int32_t> points;
  bool named = false;  // some Port condition (its points may all lie outside 0-65535)
  for (const PolicyDocument* d : docs) {
    if (d == nullptr) continue;
    for (const Statement& st : d->statements) {
      for (const Condition& c : st.conditions) {
        if (KeyInfoFor(c.key).source != KeySource::kPort) continue;
        named = true;
        if (c.op == ConditionOperator::kNull) continue;
        if (FamilyOf(c.op) != OperatorFamily::kNumeric) {
          space->Incomplete("statement " + std::to_string(st.index) + ": " + c.operator_name +
                            " on " + c.key.name + " is checked only at the ports the policies name");
        }
        for (const std::string& v : c.values) {
          const double x = std::atof(v.c_str());
          for (double p : {std::floor(x) - 1, std::floor(x), std::ceil(x), std::ceil(x) + 1}) {
            if (p >= 0 && p <= 65535) points.insert(static_cast<int32_t>(p));
          }
        }
      }
    }
  }
  if (!named) return;
  points.insert({443, 0, 65535});
  space->ports.assign(points.begin(), points.end());
}

absl::Status MakeSetup(const std::vector<const PolicyDocument*>& services,
                       const AnalysisOptions& options, Setup* s) {
  if (!options.include_anonymous && !options.include_signed) {
    return absl::InvalidArgumentError("no caller class selected");
  }
  s->space = NewSpace(options.context);
  s->space.actions = {std::string(kInvokeAction), std::string(kConnectAction)};
  std::vector<const PolicyDocument*> all = services;
  all.push_back(options.network_policy);
  all.push_back(options.identity_policy);
  BuildCallers(all, options, &s->space);
  if (!options.context.port) PortPoints(all, &s->space);
  for (size_t i = 0; i < services.size(); ++i) {
    CollectPredicates(*services[i], &s->space, services.size() > 1 ? (i ? "new" : "old") : "policy");
  }
  if (options.network_policy) CollectPredicates(*options.network_policy, &s->space, "network");
  if (options.identity_policy) CollectPredicates(*options.identity_policy, &s->space, "identity");
  s->space.Partition();
  s->elements = std::make_unique<Elements>(&s->space);
  for (size_t i = 0; i < services.size(); ++i) {
    s->services.push_back(ModelPolicy(*services[i], &s->space, s->elements.get(),
                                      services.size() > 1 ? (i ? "new" : "old") : "policy"));
  }
  if (options.network_policy) {
    s->network = ModelPolicy(*options.network_policy, &s->space, s->elements.get(), "network");
  }
  if (options.identity_policy) {
    s->identity = ModelPolicy(*options.identity_policy, &s->space, s->elements.get(), "identity");
  }
  ExpandRepeated(&s->space, s->elements.get());
  return absl::OkStatus();
}

// A statement's meaning without its position and Sid (which never affect a
// decision kind), for matching statements shared by two policies.
std::string StatementKey(const PolicyDocument& doc, const Statement& s) {
  PolicyDocument one;
  one.version = doc.version;
  one.has_version = doc.has_version;
  one.is_identity_policy = doc.is_identity_policy;
  Statement c = s;
  c.sid.clear();
  c.index = 0;
  c.pointer.clear();
  for (Condition& cond : c.conditions) cond.pointer.clear();
  one.statements.push_back(std::move(c));
  return PolicyToJson(one);
}

// Indices of the statements of `a` not matched one-to-one by an identical
// statement of `b`.
std::vector<size_t> Unshared(const PolicyDocument& a, const PolicyDocument& b) {
  std::multiset<std::string> others;
  for (const Statement& s : b.statements) others.insert(StatementKey(b, s));
  std::vector<size_t> out;
  for (size_t i = 0; i < a.statements.size(); ++i) {
    auto it = others.find(StatementKey(a, a.statements[i]));
    if (it == others.end()) {
      out.push_back(i);
    } else {
      others.erase(it);
    }
  }
  return out;
}

void Finish(const Space& space, bool searched_all, bool* complete,
            std::vector<std::string>* reasons) {
  *reasons = space.incomplete;
  if (!searched_all) reasons->push_back("search budget exhausted");
  *complete = reasons->empty();
}

}  // namespace
}  // namespace analysis

using analysis::Assignment;
using analysis::Leaf;
using analysis::Partial;
using analysis::Verdict;
using analysis::Visit;

std::string Region::Describe() const {
  if (constraints.empty()) return "any request";
  std::string out;
  for (const FieldConstraint& c : constraints) {
    if (!out.empty()) out += ", ";
    out += c.field + " " + c.description;
  }
  return out;
}

bool DiffResult::has_new_access() const {
  return std::any_of(differences.begin(), differences.end(),
                     [](const Difference& d) { return d.new_access(); });
}

bool ProofResult::all_hold() const {
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const ExpectationProof& e) { return e.holds; });
}

namespace analysis {
namespace {

struct Change {
  Leaf leaf;
  DecisionKind old_kind, new_kind;
};

// The regions where two service-policy models of one setup decide
// differently, at most `max_changes` (0 = all). Decision kinds depend only
// on which statements apply, so where every statement the two do not share
// (`only_old`, `only_new`) is false the region is decided alike: pruned.
// Returns false when a budget ran out.
bool FindChanges(Setup& s, const PolicyModel& old_m, const PolicyModel& new_m,
                 const std::vector<size_t>& only_old, const std::vector<size_t>& only_new,
                 const SearchLimits& limits, std::vector<Change>* out) {
  const ChainModel co = s.ChainWith(&old_m), cn = s.ChainWith(&new_m);
  Elements* el = s.elements.get();
  auto all_false = [&](const PolicyModel& m, const std::vector<size_t>& idx, const Assignment& a) {
    for (size_t i : idx) {
      int need = -1;
      if (StatementValue(m.statements[i], el, a, &need) != Tri::kFalse) return false;
    }
    return true;
  };
  auto visit = [&](const Assignment& a) {
    Visit v;
    if (all_false(old_m, only_old, a) && all_false(new_m, only_new, a)) return v;  // prune
    v.scoped = true;
    const Partial po = ChainDecision(co, s.space, el, a, &v.live);
    const Partial pn = ChainDecision(cn, s.space, el, a, &v.live);
    if (po.known && pn.known) {
      v.verdict = po.kind == pn.kind ? Verdict::kPrune : Verdict::kLeaf;
      return v;
    }
    v.verdict = Verdict::kSplit;
    v.field = MinNeed(po.known ? -1 : po.need, pn.known ? -1 : pn.need);
    return v;
  };
  auto on_leaf = [&](const Leaf& leaf) {
    const Partial po = ChainDecision(co, s.space, el, leaf.assignment);
    const Partial pn = ChainDecision(cn, s.space, el, leaf.assignment);
    out->push_back({leaf, po.kind, pn.kind});
  };
  return Search(&s.space, el, visit, on_leaf, limits);
}

// Merges the changes into coarse regions and verifies one witness each
// (the same request under both policies).
absl::Status ReportChanges(Setup& s, std::vector<Change> changes, const PolicyDocument& old_doc,
                           const PolicyDocument& new_doc, const AnalysisOptions& options,
                           std::vector<Difference>* out) {
  std::vector<Leaf> leaves;
  std::vector<std::string> outcomes;
  for (Change& c : changes) {
    outcomes.push_back(std::string(DecisionName(c.old_kind)) + ">" +
                       std::string(DecisionName(c.new_kind)));
    leaves.push_back(std::move(c.leaf));
  }
  std::vector<size_t> kept;
  MergeSiblings(s.space, &leaves, outcomes, &kept);
  Verifier verifier;
  for (size_t k : kept) {
    const Leaf& leaf = leaves[k];
    Difference d;
    d.region = DescribeRegion(s.space, leaf);
    d.old_decision = changes[k].old_kind;
    d.new_decision = changes[k].new_kind;
    const Request request = s.space.Build(leaf.assignment);
    const int caller = leaf.assignment[s.space.caller_field()];
    auto wo = verifier.Check(ChainFor(s.space, caller, &old_doc, options.network_policy), request,
                             d.old_decision, "diff (old policy)");
    if (!wo.ok()) return wo.status();
    auto wn = verifier.Check(ChainFor(s.space, caller, &new_doc, options.network_policy), request,
                             d.new_decision, "diff (new policy)");
    if (!wn.ok()) return wn.status();
    d.old_witness = std::move(*wo);
    d.new_witness = std::move(*wn);
    out->push_back(std::move(d));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace analysis

absl::StatusOr<DiffResult> DiffPolicies(const PolicyDocument& old_policy,
                                        const PolicyDocument& new_policy,
                                        const AnalysisOptions& options) {
  analysis::Setup s;
  absl::Status st = analysis::MakeSetup({&old_policy, &new_policy}, options, &s);
  if (!st.ok()) return st;
  std::vector<analysis::Change> changes;
  const bool all = analysis::FindChanges(s, s.services[0], s.services[1],
                                         analysis::Unshared(old_policy, new_policy),
                                         analysis::Unshared(new_policy, old_policy),
                                         {options.max_nodes, 0}, &changes);
  DiffResult result;
  analysis::Finish(s.space, all, &result.complete, &result.incomplete_reasons);
  st = analysis::ReportChanges(s, std::move(changes), old_policy, new_policy, options,
                               &result.differences);
  if (!st.ok()) return st;
  result.equivalent = result.differences.empty();
  return result;
}

namespace analysis {
namespace {

// Some request where statement `i` applies (a leaf), searched over its
// elements only.
std::optional<Leaf> Applies(Setup& s, size_t i, size_t max_nodes, bool* searched_all) {
  const StatementModel& sm = s.services[0].statements[i];
  std::optional<Leaf> hit;
  auto visit = [&](const Assignment& a) {
    Visit v;
    int need = -1;
    v.scoped = true;
    const Tri t = StatementValue(sm, s.elements.get(), a, &need, &v.live);
    if (t == Tri::kFalse) return v;
    v.verdict = t == Tri::kTrue ? Verdict::kLeaf : Verdict::kSplit;
    v.field = need;
    return v;
  };
  *searched_all = Search(&s.space, s.elements.get(), visit, [&](const Leaf& l) { hit = l; },
                         {max_nodes, 1});
  return hit;
}

// True iff some request makes statement `i` apply while no Deny applies.
bool EscapesDenies(Setup& s, size_t i, size_t max_nodes) {
  const PolicyModel& model = s.services[0];
  bool found = false;
  auto visit = [&](const Assignment& a) {
    Visit v;
    v.scoped = true;
    int need = -1;
    const Tri t = StatementValue(model.statements[i], s.elements.get(), a, &need, &v.live);
    if (t == Tri::kFalse) return v;
    bool undecided = t == Tri::kUnknown;
    for (const StatementModel& d : model.statements) {
      if (d.effect != Effect::kDeny) continue;
      const Tri dt = StatementValue(d, s.elements.get(), a, &need, &v.live);
      if (dt == Tri::kTrue) return Visit{};
      undecided |= dt == Tri::kUnknown;
    }
    v.verdict = undecided ? Verdict::kSplit : Verdict::kLeaf;
    v.field = undecided ? need : -1;
    return v;
  };
  Search(&s.space, s.elements.get(), visit, [&](const Leaf&) { found = true; }, {max_nodes, 1});
  return found;
}

// Per statement of the setup's (only) service policy: applicable, escaping
// the Denies, effective (removing it changes some decision: the first such
// region is searched for in the same space, pruned to where it applies).
absl::StatusOr<std::vector<StatementReach>> Reach(Setup& s, const PolicyDocument& policy,
                                                  const AnalysisOptions& options, bool* complete) {
  bool all_complete = s.space.incomplete.empty();
  std::vector<StatementReach> out;
  Verifier verifier;
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& stmt = policy.statements[i];
    StatementReach r;
    r.index = stmt.index;
    r.sid = stmt.sid;
    r.effect = stmt.effect;
    bool searched_all = true;
    std::optional<Leaf> hit = Applies(s, i, options.max_nodes, &searched_all);
    all_complete &= searched_all || hit.has_value();
    if (hit) {
      Request request = s.space.Build(hit->assignment);
      const Evaluation ev = EvaluateReference(policy, request.view());
      if (!ev.statements[i].applies) {
        return absl::InternalError("analysis witness check failed: statement " +
                                   std::to_string(stmt.index) + " does not apply to its witness");
      }
      r.applicable = true;
      r.applies_witness = std::move(request);
      if (stmt.effect == Effect::kAllow) r.escapes_denies = EscapesDenies(s, i, options.max_nodes);
      PolicyModel without_m = s.services[0];
      without_m.statements.erase(without_m.statements.begin() + static_cast<long>(i));
      std::vector<Change> changes;
      all_complete &= FindChanges(s, s.services[0], without_m, {i}, {}, {options.max_nodes, 1},
                                  &changes);
      if (!changes.empty()) {
        PolicyDocument without = policy;
        without.statements.erase(without.statements.begin() + static_cast<long>(i));
        std::vector<Difference> diff;
        absl::Status st = ReportChanges(s, std::move(changes), policy, without, options, &diff);
        if (!st.ok()) return st;
        r.effective = true;
        r.effective_witness = std::move(diff.front().old_witness);
      }
    }
    out.push_back(std::move(r));
  }
  if (!s.space.incomplete.empty() || s.space.work > s.space.max_work) all_complete = false;
  if (complete != nullptr) *complete = all_complete;
  return out;
}

}  // namespace
}  // namespace analysis

absl::StatusOr<std::vector<StatementReach>> StatementReachability(
    const PolicyDocument& policy, const AnalysisOptions& options, bool* complete) {
  analysis::Setup s;
  absl::Status st = analysis::MakeSetup({&policy}, options, &s);
  if (!st.ok()) return st;
  return analysis::Reach(s, policy, options, complete);
}

absl::StatusOr<AnalyzeResult> AnalyzePolicy(const PolicyDocument& policy,
                                            const AnalysisOptions& options) {
  analysis::Setup s;
  absl::Status st = analysis::MakeSetup({&policy}, options, &s);
  if (!st.ok()) return st;
  const analysis::ChainModel chain = s.Chain(0);
  std::vector<std::pair<Leaf, DecisionKind>> leaves;
  auto visit = [&](const Assignment& a) {
    Visit v;
    v.scoped = true;
    const Partial p = ChainDecision(chain, s.space, s.elements.get(), a, &v.live);
    v.verdict = p.known ? Verdict::kLeaf : Verdict::kSplit;
    v.field = p.known ? -1 : p.need;
    return v;
  };
  auto on_leaf = [&](const Leaf& l) {
    const Partial p = ChainDecision(chain, s.space, s.elements.get(), l.assignment);
    if (p.kind != DecisionKind::kImplicitDeny) leaves.emplace_back(l, p.kind);
  };
  const bool all = analysis::Search(&s.space, s.elements.get(), visit, on_leaf,
                                    {options.max_nodes, 0});
  AnalyzeResult result;
  analysis::Finish(s.space, all, &result.complete, &result.incomplete_reasons);
  std::vector<Leaf> merged;
  for (const auto& l : leaves) merged.push_back(l.first);
  std::vector<size_t> kept;
  std::vector<std::string> outcomes;
  for (const auto& l : leaves) outcomes.emplace_back(DecisionName(l.second));
  analysis::MergeSiblings(s.space, &merged, outcomes, &kept);
  analysis::Verifier verifier;
  for (size_t k : kept) {
    const Leaf& leaf = merged[k];
    const DecisionKind kind = leaves[k].second;
    const Request request = s.space.Build(leaf.assignment);
    const int caller = leaf.assignment[s.space.caller_field()];
    auto w = verifier.Check(analysis::ChainFor(s.space, caller, &policy, options.network_policy),
                            request, kind, "analyze");
    if (!w.ok()) return w.status();
    DecidedRegion r{analysis::DescribeRegion(s.space, leaf), std::move(*w)};
    (kind == DecisionKind::kAllow ? result.allowed : result.explicitly_denied)
        .push_back(std::move(r));
  }
  bool reach_complete = true;
  auto reach = analysis::Reach(s, policy, options, &reach_complete);
  if (!reach.ok()) return reach.status();
  result.statements = std::move(*reach);
  if (!reach_complete && result.complete) {
    result.complete = false;
    result.incomplete_reasons.push_back("statement reachability search incomplete");
  }
  return result;
}

}  // namespace latticepol
