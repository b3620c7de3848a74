// File: src/analysis/would_pass.cc
// Stage: analysis. WouldPassWith: the smallest change of what a caller
// controls that makes a denied request pass. The space is the request's own:
// one action, one caller (its principal, VPC and auth types), its port and
// service; method, path and the named headers and query keys range over
// their atoms, with the request's value pinned as its atom's witness. A
// branch-and-bound search over the regions the chain ALLOWs minimises the
// number of fields whose atom differs from the request's (the request's
// atom is visited first, so a cheap region is found early and bounds the
// rest). The changed request is evaluated again by both evaluators.
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/engine.h"
#include "latticepol/analysis.h"
#include "latticepol/request_json.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace analysis {
namespace {

constexpr size_t kMaxNodes = 200000;

bool Controlled(FieldKind kind) {
  return kind == FieldKind::kMethod || kind == FieldKind::kPath || kind == FieldKind::kHeader ||
         kind == FieldKind::kQuery;
}

// The request's values of a controlled field (none: absent).
std::vector<std::string> ValuesOf(const Request& r, const FieldRef& ref) {
  std::vector<std::string> out;
  switch (ref.kind) {
    case FieldKind::kMethod: out.push_back(r.method); break;
    case FieldKind::kPath: out.push_back(r.path); break;
    case FieldKind::kHeader:
      for (const StringPair& h : r.headers) {
        if (h.first == ref.name) out.push_back(h.second);
      }
      break;
    case FieldKind::kQuery:
      for (const StringPair& q : r.query) {
        if (q.first == ref.name) out.push_back(q.second);
      }
      break;
    default: break;
  }
  return out;
}

std::string ValuesText(const std::vector<std::string>& values) {
  if (values.empty()) return "absent";
  if (values.size() == 1) return nlohmann::json(values[0]).dump(-1, ' ', false,
                                                                nlohmann::json::error_handler_t::replace);
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The atom whose witness is the request's value (-1: none; the field then
// counts as changed whenever it is split).
int PinnedAtom(const Field& field, const std::vector<std::string>& values) {
  const size_t end = field.ref.kind == FieldKind::kQuery ? field.first_repeated : field.atoms.size();
  for (size_t i = 0; i < end; ++i) {
    const FieldAtom& atom = field.atoms[i];
    if (values.empty() ? atom.absent
                       : values.size() == 1 && !atom.absent && atom.values[0] == values[0]) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void Replace(const Field& field, const FieldAtom& atom, Request* r) {
  const std::string& name = field.ref.name;
  switch (field.ref.kind) {
    case FieldKind::kMethod: r->method = atom.values[0]; break;
    case FieldKind::kPath: r->path = atom.values[0]; break;
    case FieldKind::kHeader: {
      std::vector<StringPair> kept;
      for (StringPair& h : r->headers) {
        if (h.first != name) kept.push_back(std::move(h));
      }
      r->headers = std::move(kept);
      if (!atom.absent) r->headers.emplace_back(name, atom.values[0]);
      break;
    }
    case FieldKind::kQuery: {
      std::vector<StringPair> kept;
      for (StringPair& q : r->query) {
        if (q.first != name) kept.push_back(std::move(q));
      }
      r->query = std::move(kept);
      r->raw_query.clear();  // the pairs were edited
      if (!atom.absent) {
        for (const std::string& v : atom.values) r->query.emplace_back(name, v);
      }
      break;
    }
    default: break;
  }
}

// A query key the request repeats: the repeated atom whose values every
// element reading the key answers alike (-1: none).
int PinnedRepeated(const Space& space, Elements* el, int f, const std::vector<std::string>& values) {
  const Field& field = space.fields[f];
  Assignment a(space.fields.size(), 0);
  auto with_values = [&](const std::vector<std::string>& vs) {
    Request r = space.Build(a);
    std::vector<StringPair> kept;
    for (StringPair& q : r.query) {
      if (q.first != field.ref.name) kept.push_back(std::move(q));
    }
    r.query = std::move(kept);
    for (const std::string& v : vs) r.query.emplace_back(field.ref.name, v);
    return r;
  };
  const Request own = with_values(values);
  std::string answers;
  for (int e : el->Readers(f)) answers.push_back(el->at(e).eval(own, a) ? '1' : '0');
  for (size_t x = field.first_repeated; x < field.atoms.size(); ++x) {
    const Request r = with_values(field.atoms[x].values);
    std::string other;
    for (int e : el->Readers(f)) other.push_back(el->at(e).eval(r, a) ? '1' : '0');
    if (other == answers) return static_cast<int>(x);
  }
  return -1;
}

struct Setup {
  Space space;
  std::unique_ptr<Elements> elements;
  std::optional<PolicyModel> network, service, identity;
};

void BuildSetup(const PolicyDocument* service, const Request& r, const AnalysisOptions& options,
                Setup* s) {
  AnalysisContext context;
  context.service_arn = r.service_arn.value_or("");
  context.service_network_arn = r.service_network_arn;
  context.port = r.port;
  context.resource_tags = r.resource_tags;
  context.source_ip = r.source_ip;
  context.time = r.time;
  s->space = NewSpace(context);
  s->space.vpc_from_caller = true;
  s->space.actions = {r.action};
  CallerAtom caller;
  caller.name = "request";
  caller.description = "the request's caller";
  caller.principal = r.principal;
  caller.source_vpc = r.source_vpc;
  caller.source_vpc_owner_account = r.source_vpc_owner_account;
  caller.service_network_arn = r.service_network_arn;
  caller.config = options.config;
  caller.identity_policy = options.identity_policy;
  s->space.callers.push_back(std::move(caller));
  if (service) CollectPredicates(*service, &s->space, "service");
  if (options.network_policy) CollectPredicates(*options.network_policy, &s->space, "network");
  if (options.identity_policy) CollectPredicates(*options.identity_policy, &s->space, "identity");
  for (Field& f : s->space.fields) {
    if (!Controlled(f.ref.kind)) continue;
    const std::vector<std::string> values = ValuesOf(r, f.ref);
    if (values.size() == 1) f.pinned = values[0];
  }
  s->space.Partition();
  s->elements = std::make_unique<Elements>(&s->space);
  Elements* el = s->elements.get();
  if (service) s->service = ModelPolicy(*service, &s->space, el, "service");
  if (options.network_policy) {
    s->network = ModelPolicy(*options.network_policy, &s->space, el, "network");
  }
  if (options.identity_policy) {
    s->identity = ModelPolicy(*options.identity_policy, &s->space, el, "identity");
  }
  ExpandRepeated(&s->space, el);
}

}  // namespace
}  // namespace analysis

absl::StatusOr<WouldPassResult> WouldPassWith(const PolicyDocument* service_policy,
                                              const Request& request,
                                              const AnalysisOptions& options) {
  using analysis::Assignment;
  if (request.service_arn && request.service_arn->empty()) {
    // The analysed context has a service ARN or none; an empty one is neither.
    WouldPassResult none;
    none.complete = false;
    none.incomplete_reasons.push_back("the request's service ARN is empty");
    return none;
  }
  analysis::Setup s;
  analysis::BuildSetup(service_policy, request, options, &s);
  std::vector<int> prefer(s.space.fields.size(), -1);
  std::vector<bool> controlled(s.space.fields.size(), false);
  for (size_t f = 0; f < s.space.fields.size(); ++f) {
    const analysis::Field& field = s.space.fields[f];
    controlled[f] = analysis::Controlled(field.ref.kind);
    const std::vector<std::string> values = analysis::ValuesOf(request, field.ref);
    prefer[f] = !controlled[f]                              ? 0
                : field.ref.kind == analysis::FieldKind::kQuery && values.size() > 1
                    ? analysis::PinnedRepeated(s.space, s.elements.get(), static_cast<int>(f), values)
                    : analysis::PinnedAtom(field, values);
  }
  analysis::ChainModel chain;
  chain.network = s.network ? &*s.network : nullptr;
  chain.service = s.service ? &*s.service : nullptr;
  chain.identity.push_back(s.identity);
  auto cost = [&](const Assignment& a) {
    size_t n = 0;
    for (size_t f = 0; f < a.size(); ++f) n += controlled[f] && a[f] >= 0 && a[f] != prefer[f];
    return n;
  };
  size_t best = std::numeric_limits<size_t>::max();
  std::optional<analysis::Leaf> found;
  auto visit = [&](const Assignment& a) {
    analysis::Visit v;
    if (cost(a) >= best) return v;  // cannot beat the best region found
    v.scoped = true;
    const analysis::Partial p = ChainDecision(chain, s.space, s.elements.get(), a, &v.live);
    if (p.known) {
      v.verdict = p.kind == DecisionKind::kAllow ? analysis::Verdict::kLeaf : analysis::Verdict::kPrune;
      return v;
    }
    v.verdict = analysis::Verdict::kSplit;
    v.field = p.need;
    return v;
  };
  auto on_leaf = [&](const analysis::Leaf& leaf) {
    best = cost(leaf.assignment);
    found = leaf;
  };
  analysis::SearchLimits limits(analysis::kMaxNodes);
  limits.prefer = prefer;
  const bool all = analysis::Search(&s.space, s.elements.get(), visit, on_leaf, limits);
  WouldPassResult result;
  result.incomplete_reasons = s.space.incomplete;
  if (!all) result.incomplete_reasons.push_back("search budget exhausted");
  result.complete = result.incomplete_reasons.empty();
  if (!found) return result;
  WouldPass hint;
  Request changed = request;
  for (size_t f = 0; f < s.space.fields.size(); ++f) {
    const int x = found->assignment[f];
    if (!controlled[f] || x < 0 || x == prefer[f]) continue;
    const analysis::Field& field = s.space.fields[f];
    const analysis::FieldAtom& atom = field.atoms[x];
    if (atom.absent && analysis::ValuesOf(request, field.ref).empty()) continue;
    hint.changes.push_back({field.label, analysis::ValuesText(analysis::ValuesOf(request, field.ref)),
                            atom.absent ? "absent" : analysis::ValuesText(atom.values)});
    analysis::Replace(field, atom, &changed);
  }
  ChainPolicies policies;
  policies.config = options.config;
  policies.network_policy = options.network_policy;
  policies.service_policy = service_policy;
  policies.identity_policy = options.identity_policy;
  analysis::Verifier verifier;
  auto w = verifier.Check(policies, changed, DecisionKind::kAllow, "would-pass hint");
  if (!w.ok()) return w.status();
  hint.witness = std::move(*w);
  result.hint = std::move(hint);
  return result;
}

std::string WouldPassToJson(const WouldPassResult& result) {
  nlohmann::json j;
  j["complete"] = result.complete;
  if (!result.hint) {
    j["changes"] = nullptr;
    j["request"] = nullptr;
  } else {
    nlohmann::json changes = nlohmann::json::array();
    for (const RequestChange& c : result.hint->changes) {
      changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
    }
    j["changes"] = std::move(changes);
    j["request"] = nlohmann::json::parse(RequestToJson(result.hint->witness.request), nullptr, false);
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string WouldPassToText(const WouldPassResult& result) {
  if (!result.hint) {
    if (!result.complete) return "would pass with: no change found (the search was incomplete)";
    return "would pass with: no change of method, path, query or headers passes (the caller, its "
           "VPC or the action must change)";
  }
  std::string out = "would pass with: ";
  for (size_t i = 0; i < result.hint->changes.size(); ++i) {
    const RequestChange& c = result.hint->changes[i];
    out += (i ? ", " : "") + c.field + (c.to == "absent" ? " absent" : " = " + c.to) +
           " (was " + c.from + ")";
  }
  if (result.hint->changes.empty()) out += "no change";
  return out + " (checked: ALLOW by both evaluators)";
}

}  // namespace latticepol
