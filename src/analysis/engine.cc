// File: src/analysis/engine.cc
// Stage: analysis. See engine.h.
#include "analysis/engine.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "latticepol/evaluate.h"

namespace latticepol::analysis {
namespace {




// Positive groups name the class; with few patterns, negated glob groups are
// added because globs overlap (literals do not). No positive at all:
// "none of (...)", or "none of the N patterns" when there are many.
// A class inside a positive literal group is a few exact strings: named.
std::optional<std::string> LiteralDescription(const Field& field, const std::vector<bool>& sig) {
  constexpr size_t kFew = 4;
  for (size_t i = 0; i < sig.size(); ++i) {
    if (!sig[i]) continue;
    auto strings = LiteralStrings(field.groups[i]);
    if (!strings || strings->size() > kFew) continue;
    std::vector<std::string> in;
    for (const std::string& s : *strings) {
      bool same = true;
      for (size_t j = 0; j < sig.size() && same; ++j) same = GroupMatches(field.groups[j], s) == sig[j];
      if (same && std::find(in.begin(), in.end(), s) == in.end()) in.push_back(s);
    }
    if (in.empty()) continue;
    std::string d = in.size() == 1 ? "= " : "= any of (";
    for (size_t k = 0; k < in.size(); ++k) d += (k ? ", \"" : "\"") + in[k] + "\"";
    return in.size() == 1 ? d : d + ")";
  }
  return std::nullopt;
}

std::string SignatureDescription(const Field& field, const std::vector<bool>& sig) {
  constexpr size_t kFew = 4;
  if (auto literal = LiteralDescription(field, sig)) return *literal;
  std::string pos, neg, all, first;
  size_t negated_globs = 0, positives = 0;
  for (size_t i = 0; i < sig.size(); ++i) {
    const PredicateGroup& g = field.groups[i];
    all += (all.empty() ? "" : ", ") + g.description;
    if (sig[i]) {
      if (pos.empty()) first = g.description;
      ++positives;
      pos += (pos.empty() ? "" : " and ") + g.description;
    } else if (!g.literal) {
      neg += " and not " + g.description;
      ++negated_globs;
    }
  }
  if (all.empty()) return "any value";
  if (pos.empty()) {
    return sig.size() <= kFew ? "none of (" + all + ")"
                              : "none of the " + std::to_string(sig.size()) + " pattern sets";
  }
  if (positives > kFew) {  // the witness shows a value; name how many sets it is in
    return "in " + std::to_string(positives) + " of the " + std::to_string(sig.size()) +
           " pattern sets (" + first + ", ...)";
  }
  return negated_globs <= kFew ? pos + neg : pos;
}

std::string ShortAction(const std::string& action) {
  const size_t colon = action.find(':');
  return colon == std::string::npos ? action : action.substr(colon + 1);
}

void PartitionStringField(Space* space, Field* field) {
  AtomSearchOptions options;
  options.preferred = field->preferred;
  switch (field->ref.kind) {
    case FieldKind::kMethod:
      options.min_length = 1;
      options.preferred.insert(options.preferred.begin(),
                               {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"});
      break;
    case FieldKind::kPath:
      options.seed = "/";
      options.preferred.insert(options.preferred.begin(), {"/", "/items"});
      break;
    case FieldKind::kSourceVpc:
      options.min_length = 1;
      options.preferred.push_back("vpc-0example");
      break;
    case FieldKind::kSourceVpcOwner:
      options.min_length = 1;
      options.preferred.push_back("123456789012");
      break;
    default:
      break;
  }
  if (field->pinned) options.preferred.insert(options.preferred.begin(), *field->pinned);
  for (const PredicateGroup& g : field->groups) {
    for (const StringPredicate& p : g.any_of) {
      if (p.non_ascii) space->Incomplete(field->label + ": non-ASCII pattern " + p.description);
    }
  }
  AtomSearchResult found = FindAtoms(field->groups, options);
  if (!found.complete) space->Incomplete(field->label + ": value-class search budget exhausted");
  std::vector<std::string> desc;
  for (const Atom& atom : found.atoms) desc.push_back(SignatureDescription(*field, atom.signature));
  if (field->optional) field->atoms.push_back({true, {}, "absent"});
  const bool query = field->ref.kind == FieldKind::kQuery;
  for (size_t i = 0; i < found.atoms.size(); ++i) {
    field->atoms.push_back(
        {false, {found.atoms[i].witness}, std::string(query ? kOneValue : "") + desc[i]});
  }
  field->first_repeated = field->atoms.size();
}

}  // namespace

int MinNeed(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

Space NewSpace(const AnalysisContext& context) {
  Space space;
  space.context = context;
  for (FieldKind kind : {FieldKind::kAction, FieldKind::kCaller}) {
    Field f;
    f.ref.kind = kind;
    f.label = kind == FieldKind::kAction ? "action" : "caller";
    space.fields.push_back(std::move(f));
  }
  space.FieldFor({FieldKind::kMethod, ""});
  space.FieldFor({FieldKind::kPath, ""});
  return space;
}

int Space::FieldFor(const FieldRef& ref) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].ref == ref) return static_cast<int>(i);
  }
  Field f;
  f.ref = ref;
  switch (ref.kind) {
    case FieldKind::kPort: f.label = "port"; break;
    case FieldKind::kMethod: f.label = "method"; break;
    case FieldKind::kPath: f.label = "path"; break;
    case FieldKind::kHeader: f.label = "header " + ref.name; f.optional = true; break;
    case FieldKind::kQuery: f.label = "query " + ref.name; f.optional = true; break;
    case FieldKind::kSourceVpc: f.label = "sourceVpc"; break;
    case FieldKind::kSourceVpcOwner: f.label = "sourceVpcOwnerAccount"; break;
    default: f.label = "?"; break;
  }
  fields.push_back(std::move(f));
  return static_cast<int>(fields.size() - 1);
}

void Field::AddGroup(PredicateGroup g) {
  if (g.any_of.empty()) return;
  const std::string key = GroupKey(g);
  for (const PredicateGroup& h : groups) {
    if (GroupKey(h) == key) return;
  }
  groups.push_back(std::move(g));
}

void Space::Incomplete(const std::string& reason) {
  if (std::find(incomplete.begin(), incomplete.end(), reason) == incomplete.end()) {
    incomplete.push_back(reason);
  }
}

void Space::Partition() {
  Field& action = fields[action_field()];
  action.atoms.clear();
  for (const std::string& a : actions) action.atoms.push_back({false, {a}, ShortAction(a)});
  Field& caller = fields[caller_field()];
  caller.atoms.clear();
  for (const CallerAtom& c : callers) caller.atoms.push_back({false, {c.name}, c.description});
  if (!ports.empty()) {
    Field& port = fields[FieldFor({FieldKind::kPort, ""})];
    port.atoms.clear();
    for (int32_t p : ports) port.atoms.push_back({false, {std::to_string(p)}, std::to_string(p)});
  }
  for (Field& f : fields) {
    if (f.ref.kind == FieldKind::kAction || f.ref.kind == FieldKind::kCaller ||
        f.ref.kind == FieldKind::kPort) {
      continue;
    }
    f.atoms.clear();
    PartitionStringField(this, &f);
  }
}

Request Space::Build(const Assignment& a) const {
  Request r;
  auto atom = [&](size_t f) -> const FieldAtom& {
    const int i = f < a.size() && a[f] >= 0 ? a[f] : 0;
    return fields[f].atoms[i];
  };
  const CallerAtom* caller = nullptr;
  for (size_t f = 0; f < fields.size(); ++f) {
    if (fields[f].atoms.empty()) continue;
    const FieldAtom& v = atom(f);
    switch (fields[f].ref.kind) {
      case FieldKind::kAction: r.action = v.values[0]; break;
      case FieldKind::kCaller: caller = &callers[f < a.size() && a[f] >= 0 ? a[f] : 0]; break;
      case FieldKind::kPort: r.port = std::stoi(v.values[0]); break;
      case FieldKind::kMethod: r.method = v.values[0]; break;
      case FieldKind::kPath: r.path = v.values[0]; break;
      case FieldKind::kHeader:
        if (!v.absent) r.headers.emplace_back(fields[f].ref.name, v.values[0]);
        break;
      case FieldKind::kQuery:
        for (const std::string& value : v.values) r.query.emplace_back(fields[f].ref.name, value);
        break;
      case FieldKind::kSourceVpc: r.source_vpc = v.values[0]; break;
      case FieldKind::kSourceVpcOwner: r.source_vpc_owner_account = v.values[0]; break;
    }
  }
  if (!context.service_arn.empty()) r.service_arn = context.service_arn;
  r.service_network_arn = context.service_network_arn;
  if (ports.empty()) r.port = context.port;
  r.resource_tags = context.resource_tags;
  r.source_ip = context.source_ip;
  r.time = context.time;
  if (caller != nullptr) {
    r.principal = caller->principal;
    if (caller->source_vpc) r.source_vpc = caller->source_vpc;
    if (caller->source_vpc_owner_account) {
      r.source_vpc_owner_account = caller->source_vpc_owner_account;
    }
    if (caller->service_network_arn) r.service_network_arn = caller->service_network_arn;
  }
  return r;
}

int Elements::Add(Element e) {
  std::sort(e.deps.begin(), e.deps.end());
  e.deps.erase(std::unique(e.deps.begin(), e.deps.end()), e.deps.end());
  elements_.push_back(std::move(e));
  memo_.emplace_back();
  readers_.clear();
  return static_cast<int>(elements_.size() - 1);
}

Tri Elements::Value(int id, const Assignment& a) {
  const Element& e = elements_[id];
  Memo& memo = memo_[id];
  if (!memo.ready) {
    uint64_t size = 1;
    for (int f : e.deps) {
      const uint64_t n = std::max<size_t>(space_->fields[f].atoms.size(), 1);
      memo.radix.push_back(n);
      size = size > (uint64_t{1} << 20) / n ? (uint64_t{1} << 21) : size * n;
    }
    if (size <= (uint64_t{1} << 20)) memo.dense.assign(size, -1);
    memo.ready = true;
  }
  uint64_t key = 0;
  std::vector<int> exact;  // sparse memo: the atoms themselves (no overflow)
  for (size_t i = 0; i < e.deps.size(); ++i) {
    const int x = a[e.deps[i]];
    if (x < 0) return Tri::kUnknown;
    if (memo.dense.empty()) {
      exact.push_back(x);
    } else {
      key = key * memo.radix[i] + static_cast<uint64_t>(x);  // < dense.size()
    }
  }
  if (!memo.dense.empty()) {
    int8_t& slot = memo.dense[key];
    if (slot < 0) slot = e.eval(space_->Build(a), a) ? 1 : 0;
    return slot ? Tri::kTrue : Tri::kFalse;
  }
  auto it = memo.sparse.find(exact);
  if (it != memo.sparse.end()) return it->second ? Tri::kTrue : Tri::kFalse;
  const bool v = e.eval(space_->Build(a), a);
  memo.sparse.emplace(std::move(exact), v);
  return v ? Tri::kTrue : Tri::kFalse;
}

const std::vector<int>& Elements::Readers(int f) {
  if (readers_.empty()) {
    readers_.resize(space_->fields.size());
    for (size_t i = 0; i < elements_.size(); ++i) {
      for (int d : elements_[i].deps) readers_[d].push_back(static_cast<int>(i));
    }
  }
  return readers_[f];
}

Tri StatementValue(const StatementModel& s, Elements* el, const Assignment& a, int* need,
                   std::vector<int>* live) {
  bool unknown = false;
  int local_need = -1;
  const size_t mark = live != nullptr ? live->size() : 0;
  for (int e : s.elements) {
    const Tri t = el->Value(e, a);
    if (t == Tri::kFalse) {
      if (live != nullptr) live->resize(mark);
      return Tri::kFalse;
    }
    if (t == Tri::kUnknown) {
      unknown = true;
      if (live != nullptr) live->push_back(e);
      for (int d : el->at(e).deps) {
        if (a[d] < 0) {
          local_need = MinNeed(local_need, d);
          break;
        }
      }
    }
  }
  if (!unknown) return Tri::kTrue;
  *need = MinNeed(*need, local_need);
  return Tri::kUnknown;
}

Partial PolicyDecision(const PolicyModel& p, Elements* el, const Assignment& a,
                       std::vector<int>* live) {
  Partial out;
  int deny_need = -1, allow_need = -1;
  bool deny_unknown = false, allow_true = false, allow_unknown = false;
  const size_t mark = live != nullptr ? live->size() : 0;
  for (const StatementModel& s : p.statements) {
    if (s.effect == Effect::kDeny) {
      const Tri t = StatementValue(s, el, a, &deny_need, live);
      if (t == Tri::kTrue) {
        if (live != nullptr) live->resize(mark);
        out.known = true;
        out.kind = DecisionKind::kExplicitDeny;
        return out;
      }
      deny_unknown |= t == Tri::kUnknown;
    }
  }
  if (deny_unknown && live == nullptr) {
    out.need = deny_need;
    return out;
  }
  const size_t allow_mark = live != nullptr ? live->size() : 0;
  for (const StatementModel& s : p.statements) {
    if (s.effect != Effect::kAllow) continue;
    const Tri t = StatementValue(s, el, a, &allow_need, live);
    if (t == Tri::kTrue) {
      allow_true = true;
      break;
    }
    allow_unknown |= t == Tri::kUnknown;
  }
  if (allow_true && live != nullptr) live->resize(allow_mark);  // only the Denies matter
  if (deny_unknown) {
    out.need = deny_need;
    return out;
  }
  if (allow_true || !allow_unknown) {
    if (live != nullptr) live->resize(mark);
    out.known = true;
    out.kind = allow_true ? DecisionKind::kAllow : DecisionKind::kImplicitDeny;
    return out;
  }
  out.need = allow_need;
  return out;
}

Partial ChainDecision(const ChainModel& chain, const Space& space, Elements* el,
                      const Assignment& a, std::vector<int>* live) {
  Partial out;
  const size_t mark = live != nullptr ? live->size() : 0;
  const int cf = space.caller_field();
  if (a[cf] < 0) {
    out.need = cf;
    if (live != nullptr) {  // what any caller's chain may still read
      for (const PolicyModel* m : {chain.network, chain.service}) {
        if (m != nullptr) PolicyDecision(*m, el, a, live);
      }
      for (const std::optional<PolicyModel>& m : chain.identity) {
        if (m) PolicyDecision(*m, el, a, live);
      }
    }
    return out;
  }
  const CallerAtom& caller = space.callers[a[cf]];
  const bool is_signed = caller.principal.has_value();
  Decision net, svc, id;
  const Decision* net_ptr = nullptr;
  const Decision* svc_ptr = nullptr;
  const Decision* id_ptr = nullptr;
  auto layer = [&](const PolicyModel* model, Decision* d, const Decision** ptr) {
    if (model == nullptr) return true;
    const Partial p = PolicyDecision(*model, el, a, live);
    if (!p.known) {
      out.need = MinNeed(out.need, p.need);
      return false;
    }
    d->kind = p.kind;
    *ptr = d;
    return true;
  };
  bool known = true;
  if (caller.config.network_auth_type == AuthType::kAwsIam) {
    known &= layer(chain.network, &net, &net_ptr);
  }
  if (caller.config.service_auth_type == AuthType::kAwsIam) {
    known &= layer(chain.service, &svc, &svc_ptr);
  }
  if (is_signed && static_cast<size_t>(a[cf]) < chain.identity.size() &&
      chain.identity[a[cf]].has_value()) {
    known &= layer(&*chain.identity[a[cf]], &id, &id_ptr);
  }
  if (!known) return out;
  if (live != nullptr) live->resize(mark);
  out.known = true;
  out.kind = ComposeChain(caller.config, is_signed, net_ptr, svc_ptr, id_ptr).decision;
  return out;
}

namespace {

// What the chain reads of a caller besides its elements: signed or not, its
// auth types and identity input (callers that differ here never share a group).
std::string CallerKey(const CallerAtom& c) {
  std::string key = c.principal.has_value() ? "s" : "a";
  key += std::to_string(static_cast<int>(c.config.network_auth_type)) + "," +
         std::to_string(static_cast<int>(c.config.service_auth_type)) + "," +
         (c.config.identity_decision ? std::to_string(static_cast<int>(*c.config.identity_decision))
                                     : std::string("-")) +
         "," + std::to_string(reinterpret_cast<uintptr_t>(c.identity_policy)) + "|";
  return key;
}

// Splits field f's atoms into groups its readers (the live ones, when
// scoped) cannot tell apart under the current assignment.
std::vector<std::vector<int>> GroupAtoms(Space* space, Elements* el, Assignment* a, int f,
                                         const std::vector<int>* live) {
  std::vector<int> readers;
  for (int r : el->Readers(f)) {
    if (live == nullptr || std::binary_search(live->begin(), live->end(), r)) readers.push_back(r);
  }
  const size_t n = space->fields[f].atoms.size();
  space->work += n * (readers.size() + 1);
  std::vector<std::vector<int>> groups;
  std::unordered_map<std::string, size_t> index;
  bool merge = true;
  for (int r : readers) {  // another free dep: atoms cannot be told apart yet
    for (int d : el->at(r).deps) merge &= d == f || (*a)[d] >= 0;
  }
  const bool caller = f == space->caller_field();
  std::vector<std::string> keys(merge ? n : 0);
  for (size_t x = 0; merge && x < n; ++x) {
    (*a)[f] = static_cast<int>(x);
    if (caller) keys[x] = CallerKey(space->callers[x]);
    for (int r : readers) {
      const Tri t = el->Value(r, *a);
      if (t == Tri::kUnknown) merge = false;
      keys[x].push_back(static_cast<char>('0' + static_cast<int>(t)));
    }
  }
  (*a)[f] = -1;
  for (size_t x = 0; x < n; ++x) {
    const std::string key = merge ? keys[x] : std::to_string(x);
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(static_cast<int>(x));
  }
  return groups;
}

struct SearchState {
  Space* space;
  Elements* el;
  const std::function<Visit(const Assignment&)>* visit;
  const std::function<void(const Leaf&)>* on_leaf;
  SearchLimits limits;
  Leaf leaf;
  size_t nodes = 0;
  size_t leaves = 0;
  bool exhausted = false;
};

// Returns false to stop the whole search.
bool Recurse(SearchState* s) {
  if (++s->nodes > s->limits.max_nodes || s->space->work > s->space->max_work) {
    s->exhausted = true;
    return false;
  }
  Visit v = (*s->visit)(s->leaf.assignment);
  if (v.verdict == Verdict::kPrune) return true;
  if (v.verdict == Verdict::kLeaf || v.field < 0) {
    (*s->on_leaf)(s->leaf);
    ++s->leaves;
    return s->limits.max_leaves == 0 || s->leaves < s->limits.max_leaves;
  }
  const int f = v.field;
  if (v.scoped) {
    std::sort(v.live.begin(), v.live.end());
    v.live.erase(std::unique(v.live.begin(), v.live.end()), v.live.end());
  }
  std::vector<std::vector<int>> groups =
      GroupAtoms(s->space, s->el, &s->leaf.assignment, f, v.scoped ? &v.live : nullptr);
  const int prefer = static_cast<size_t>(f) < s->limits.prefer.size() ? s->limits.prefer[f] : -1;
  if (prefer >= 0) {
    for (size_t g = 0; g < groups.size(); ++g) {
      if (std::find(groups[g].begin(), groups[g].end(), prefer) == groups[g].end()) continue;
      std::rotate(groups.begin(), groups.begin() + static_cast<long>(g),
                  groups.begin() + static_cast<long>(g) + 1);
      break;
    }
  }
  for (std::vector<int>& group : groups) {
    const bool preferred =
        prefer >= 0 && std::find(group.begin(), group.end(), prefer) != group.end();
    s->leaf.assignment[f] = preferred ? prefer : group[0];
    s->leaf.groups[f] = std::move(group);
    const bool go_on = Recurse(s);
    s->leaf.assignment[f] = -1;
    s->leaf.groups[f].clear();
    if (!go_on) return false;
  }
  return true;
}

}  // namespace

bool Search(Space* space, Elements* el, const std::function<Visit(const Assignment&)>& visit,
            const std::function<void(const Leaf&)>& on_leaf, const SearchLimits& limits) {
  SearchState s{space, el, &visit, &on_leaf, limits, {}, 0, 0, false};
  s.leaf.assignment.assign(space->fields.size(), -1);
  s.leaf.groups.assign(space->fields.size(), {});
  Recurse(&s);
  return !s.exhausted;
}

void MergeSiblings(const Space& space, std::vector<Leaf>* leaves,
                   const std::vector<std::string>& outcomes, std::vector<size_t>* kept) {
  const size_t n = space.fields.size();
  // An empty group means "every atom" (free); full groups are stored empty.
  for (Leaf& l : *leaves) {
    for (size_t f = 0; f < n; ++f) {
      if (l.groups[f].size() == space.fields[f].atoms.size()) l.groups[f].clear();
      std::sort(l.groups[f].begin(), l.groups[f].end());
    }
  }
  auto key_without = [&](size_t i, size_t skip) {
    std::string key = outcomes[i] + '|';
    for (size_t f = 0; f < n; ++f) {
      if (f == skip) continue;
      const std::vector<int>& g = (*leaves)[i].groups[f];
      if (g.empty()) key += '*';
      for (int x : g) key += std::to_string(x) + ',';
      key += ';';
    }
    return key;
  };
  // Leaves that differ only in field f's group and share the outcome are
  // merged (one hash pass per field), until nothing changes.
  std::vector<bool> alive(leaves->size(), true);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t f = 0; f < n; ++f) {
      std::unordered_map<std::string, size_t> first;
      for (size_t i = 0; i < leaves->size(); ++i) {
        if (!alive[i]) continue;
        auto [it, inserted] = first.emplace(key_without(i, f), i);
        if (inserted) continue;
        std::vector<int>& g = (*leaves)[it->second].groups[f];
        const std::vector<int>& h = (*leaves)[i].groups[f];
        if (!g.empty() && !h.empty()) {
          g.insert(g.end(), h.begin(), h.end());
          std::sort(g.begin(), g.end());
          g.erase(std::unique(g.begin(), g.end()), g.end());
        }
        if (h.empty() || g.size() == space.fields[f].atoms.size()) g.clear();
        alive[i] = false;
        changed = true;
      }
    }
  }
  kept->clear();
  for (size_t i = 0; i < leaves->size(); ++i) {
    if (alive[i]) kept->push_back(i);
  }
}

Region DescribeRegion(const Space& space, const Leaf& leaf) {
  constexpr size_t kLongDescription = 240;  // beyond: a count and one example
  Region region;
  for (size_t f = 0; f < space.fields.size(); ++f) {
    const std::vector<int>& g = leaf.groups[f];
    const Field& field = space.fields[f];
    if (g.empty() || g.size() == field.atoms.size()) continue;
    std::string d;
    if (g.size() == 1) {
      d = field.atoms[g[0]].description;
    } else if (2 * g.size() > field.atoms.size()) {
      std::string others;
      for (size_t x = 0; x < field.atoms.size(); ++x) {
        if (std::find(g.begin(), g.end(), static_cast<int>(x)) == g.end()) {
          others += (others.empty() ? "" : " | ") + field.atoms[x].description;
        }
      }
      d = "not (" + others + ")";
    } else {
      for (int x : g) d += (d.empty() ? "" : " | ") + field.atoms[x].description;
    }
    if (d.size() > kLongDescription && g.size() > 1) {
      d = "one of " + std::to_string(g.size()) + " value classes (of " +
          std::to_string(field.atoms.size()) + "), e.g. " + field.atoms[g[0]].description;
    }
    region.constraints.push_back({field.label, d});
  }
  return region;
}

absl::StatusOr<Witness> Verifier::Check(const ChainPolicies& chain, const Request& request,
                                        std::optional<DecisionKind> expected,
                                        const std::string& what) {
  const RequestView view = request.view();
  const ChainEvaluation ref = AuthorizeReference(chain, view);
  auto cc = compiled_.GetChain(chain);
  if (!cc.ok()) return cc.status();
  const ChainResult fast = Authorize(*cc, view);
  if (fast.decision != ref.result.decision ||
      (expected && *expected != ref.result.decision)) {
    return absl::InternalError(
        "analysis witness check failed for " + what + ": analysis expected " +
        (expected ? std::string(DecisionName(*expected)) : std::string("-")) +
        ", reference " + std::string(DecisionName(ref.result.decision)) + ", compiled " +
        std::string(DecisionName(fast.decision)));
  }
  Witness w;
  w.request = request;
  w.decision = ref.result.decision;
  w.layer = ref.result.layer;
  // One entry per evaluated layer: "service: ALLOW by statement 1 (AllowGreen)"
  // or "service: IMPLICIT_DENY (no statement applies)".
  auto deciding = [&](const char* name, const std::optional<Evaluation>& ev,
                      const PolicyDocument* doc) {
    if (!ev || doc == nullptr) return;
    std::string entry = std::string(name) + ": " + std::string(DecisionName(ev->decision.kind));
    if (ev->decision.statement < 0) {
      entry += " (no statement applies)";
    } else {
      const Statement& s = doc->statements[ev->decision.statement];
      entry += " by statement " + std::to_string(s.index) + (s.sid.empty() ? "" : " (" + s.sid + ")");
    }
    w.deciding.push_back(std::move(entry));
  };
  deciding("network", ref.network, chain.network_policy);
  deciding("service", ref.service, chain.service_policy);
  deciding("identity", ref.identity, chain.identity_policy);
  w.uncertain = DecisionIdNames(ref.result.uncertain);
  return w;
}

}  // namespace latticepol::analysis
