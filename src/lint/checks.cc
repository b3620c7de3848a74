// File: src/lint/checks.cc
// The linter's checks, one function each, and the table that orders them.
// Codes and severities are documented in docs/issue-codes.md ("Lint
// findings"). Checks about reachability (shadowed Allows, Denies that never
// apply, redundant statements) belong to the exact analysis and are added as
// rows here when it is available; the checks below decide only what the
// statement's own text decides.
#include "lint/checks.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/semantics.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/request_json.h"
#include "lint/key_facts.h"

namespace latticepol::lint {
namespace {

using internal::QuoteForMessage;
using internal::StrAppend;
using internal::StrCat;

constexpr std::string_view kInvoke = "vpc-lattice-svcs:Invoke";
constexpr std::string_view kConnect = "vpc-lattice-svcs:Connect";

// ---- Small predicates over conditions ---------------------------------------

bool SameKey(const ConditionKey& a, const ConditionKey& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == KeyKind::kUnknown) return a.name == b.name;
  if (a.kind == KeyKind::kPrincipalTag || a.kind == KeyKind::kResourceTag) {
    return internal::EqualsIgnoreCase(a.suffix, b.suffix);
  }
  return a.suffix == b.suffix;
}

// True iff the entry holds only when its key is present (and so requires it).
bool RequiresKey(const Condition& c) {
  if (c.op == ConditionOperator::kNull) {
    return std::all_of(c.values.begin(), c.values.end(), [](const std::string& v) {
      return internal::EqualsIgnoreCase(v, "false");
    });
  }
  return !IsNegated(c.op) && !c.if_exists && c.set != SetQualifier::kForAllValues;
}

// True iff another entry of the statement requires `key` to be present.
bool KeyRequiredElsewhere(const Statement& s, const Condition& self) {
  for (const Condition& c : s.conditions) {
    if (&c != &self && SameKey(c.key, self.key) && RequiresKey(c)) return true;
  }
  return false;
}

bool IsAllow(const Statement& s) { return s.effect == Effect::kAllow; }

bool ValuesUseVariables(const PolicyDocument& doc, const Condition& c) {
  if (!VariablesActive(doc)) return false;
  return std::any_of(c.values.begin(), c.values.end(),
                     [](const std::string& v) { return internal::HasVariable(v); });
}

// Policy values are glob patterns (StringLike and the Arn family).
bool IsLikeOperator(ConditionOperator op) { return internal::OperatorSemantics(op).glob; }

bool IsIgnoreCase(ConditionOperator op) { return internal::OperatorSemantics(op).ignore_case; }

// True iff the request value `v` satisfies the string/arn entry `c` (the key
// being present with the single value `v`). nullopt: not decidable here.
std::optional<bool> SatisfiesStringEntry(const Condition& c, std::string_view v) {
  bool any = false;
  for (const std::string& p : c.values) {
    switch (FamilyOf(c.op)) {
      case OperatorFamily::kString:
        if (!IsLikeOperator(c.op) && !IsIgnoreCase(c.op)) {  // StringEquals, StringNotEquals
          any = any || p == v;
        } else if (IsIgnoreCase(c.op)) {
          any = any || internal::EqualsIgnoreCase(p, v);
        } else {
          any = any || internal::GlobMatch(internal::GlobFromPolicyText(p), v);
        }
        break;
      case OperatorFamily::kArn:
        any = any || internal::ArnGlobMatch(internal::GlobFromPolicyText(p), v);
        break;
      default:
        return std::nullopt;
    }
  }
  return IsNegated(c.op) ? !any : any;
}

// True iff the principal admits anonymous callers (`"*"`, not NotPrincipal).
bool AdmitsAnonymousPrincipal(const Statement& s) {
  return !s.not_principal && s.principal.wildcard;
}

// True iff no anonymous request can satisfy the entry.
bool ExcludesAnonymous(const Condition& c) {
  const KeyKind k = c.key.kind;
  if (AbsentForAnonymous(k)) return RequiresKey(c);
  if (k != KeyKind::kPrincipalType && k != KeyKind::kPrincipalAccount) return false;
  if (c.op == ConditionOperator::kNull || c.set != SetQualifier::kNone) return false;
  std::string_view anonymous = k == KeyKind::kPrincipalType ? "Anonymous" : "anonymous";
  std::optional<bool> holds = SatisfiesStringEntry(c, anonymous);
  return holds.has_value() && !*holds;
}

// True iff the entry, when it holds, restricts the request to some values of
// the key (a positive operator whose values are not all a bare `*`).
bool Restricts(const Condition& c) {
  if (c.op == ConditionOperator::kNull || !RequiresKey(c) || IsNegated(c.op)) return false;
  return std::any_of(c.values.begin(), c.values.end(),
                     [](const std::string& v) { return v.find_first_not_of("*") != std::string::npos; });
}

bool StatementExcludesAnonymous(const Statement& s) {
  if (!AdmitsAnonymousPrincipal(s)) return true;
  return std::any_of(s.conditions.begin(), s.conditions.end(), ExcludesAnonymous);
}

bool NetworkRestricted(const Statement& s) {
  return std::any_of(s.conditions.begin(), s.conditions.end(), [](const Condition& c) {
    return IsNetworkOriginKey(c.key.kind) && Restricts(c);
  });
}

bool AccountRestricted(const Statement& s) {
  if (!s.not_principal && !s.principal.wildcard) return true;
  return std::any_of(s.conditions.begin(), s.conditions.end(), [](const Condition& c) {
    return IsAccountIdentityKey(c.key.kind) && Restricts(c) &&
           !(c.key.kind == KeyKind::kPrincipalAccount &&
             std::all_of(c.values.begin(), c.values.end(),
                         [](const std::string& v) { return v == "anonymous"; }));
  });
}

// True iff the statement covers every action and resource unconditionally
// apart from its conditions (so a Deny of this shape denies whatever its
// conditions match).
bool CoversEverything(const Statement& s) {
  if (s.not_action || s.not_resource || s.not_principal || !s.principal.wildcard) return false;
  bool invoke = false;
  for (const std::string& a : s.actions) invoke = invoke || internal::ActionMatches(a, kInvoke);
  return invoke && std::find(s.resources.begin(), s.resources.end(), "*") != s.resources.end();
}

// True iff some Deny statement denies every anonymous Invoke request: its
// only condition holds exactly for anonymous callers.
bool DocumentDeniesAnonymous(const PolicyDocument& doc) {
  for (const Statement& s : doc.statements) {
    if (s.effect != Effect::kDeny || !CoversEverything(s) || s.conditions.size() != 1) continue;
    const Condition& c = s.conditions[0];
    if (c.set != SetQualifier::kNone || c.if_exists) continue;
    if (c.op == ConditionOperator::kNull) {
      if (AbsentForAnonymous(c.key.kind) && c.key.kind != KeyKind::kPrincipalTag &&
          std::all_of(c.values.begin(), c.values.end(), [](const std::string& v) {
            return internal::EqualsIgnoreCase(v, "true");
          })) {
        return true;
      }
      continue;
    }
    if (c.key.kind == KeyKind::kPrincipalType) {
      std::optional<bool> holds = SatisfiesStringEntry(c, "Anonymous");
      if (holds.has_value() && *holds && !IsNegated(c.op)) return true;
    }
  }
  return false;
}

// ---- Checks: security ----------------------------------------------------------

void CheckAllowNotAction(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s) || !s.not_action) return;
  ctx.Report(s.pointer + "/NotAction",
             "`NotAction` with `Allow` allows every action except the listed ones, "
             "including actions added later: list the allowed actions in `Action`");
}

void CheckAllowNotResource(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s) || !s.not_resource) return;
  ctx.Report(s.pointer + "/NotResource",
             "`NotResource` with `Allow` allows every service except the listed ones, "
             "including services created later: list the allowed services in `Resource`");
}

void CheckAllowForAllValues(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s)) return;
  for (const Condition& c : s.conditions) {
    if (c.set != SetQualifier::kForAllValues || KeyRequiredElsewhere(s, c)) continue;
    ctx.Report(c.pointer,
               StrCat("`", c.operator_name, "` is true when `", c.key.name,
                      "` is absent, so this Allow also lets through requests without it: add "
                      "`\"Null\": {\"",
                      c.key.name, "\": \"false\"}` or use `ForAnyValue:`"));
  }
}

void CheckAllowIfExists(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s)) return;
  for (const Condition& c : s.conditions) {
    if (!c.if_exists || IsNegated(c.op) || c.set == SetQualifier::kForAnyValue) continue;
    if (AlwaysPresent(c.key.kind) || KeyRequiredElsewhere(s, c)) continue;
    ctx.Report(c.pointer, StrCat("`", c.operator_name, "` is true when `", c.key.name,
                                 "` is absent, so this Allow also lets through requests "
                                 "without it: drop `IfExists`"));
  }
}

// Whether anonymous callers get through `s`, by the analysis when it runs:
// returns false when it proves they never do; sets `*witness` to an
// anonymous request that `s` decides ALLOW for. Without the analysis, a Deny
// of every anonymous caller is the only thing that rules them out.
bool AnonymousGetsThrough(const Statement& s, CheckContext& ctx, std::string* witness) {
  const Reachability& reach = ctx.anonymous_reach();
  int i = PositionOf(ctx.doc(), s);
  if (!reach.ok || i < 0) return !DocumentDeniesAnonymous(ctx.doc());
  const StatementReach& r = reach.statements[static_cast<size_t>(i)];
  if (r.effective && r.effective_witness.has_value()) {
    *witness = RequestToJson(r.effective_witness->request);
    return true;
  }
  return !reach.complete;
}

void CheckAllowAnonymousAnyNetwork(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s) || StatementExcludesAnonymous(s) || NetworkRestricted(s)) return;
  std::string witness;
  if (!AnonymousGetsThrough(s, ctx, &witness)) return;
  ctx.Report(s.pointer,
             "this Allow lets anonymous (unsigned) callers through from any vpc of any account: "
             "restrict `vpc-lattice-svcs:SourceVpc` or `vpc-lattice-svcs:SourceVpcOwnerAccount`, "
             "or require an identity (e.g. `aws:PrincipalOrgID`)",
             witness);
}

void CheckAllowAnySignedPrincipal(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s) || !AdmitsAnonymousPrincipal(s)) return;
  if (!StatementExcludesAnonymous(s) && !DocumentDeniesAnonymous(ctx.doc())) return;
  if (AccountRestricted(s) || NetworkRestricted(s)) return;
  ctx.Report(s.pointer,
             "this Allow lets every signed principal of every aws account through: restrict "
             "`aws:PrincipalOrgID`, `aws:PrincipalAccount` or `aws:PrincipalArn`, or the "
             "source vpc");
}

// ---- Checks: warnings -----------------------------------------------------------

void CheckImpossibleValue(const Statement& s, CheckContext& ctx) {
  const bool variables = VariablesActive(ctx.doc());
  for (const Condition& c : s.conditions) {
    if (FamilyOf(c.op) != OperatorFamily::kString && FamilyOf(c.op) != OperatorFamily::kArn) continue;
    ValueShape shape = ShapeOf(c.key.kind);
    if (shape == ValueShape::kAny) continue;
    for (size_t i = 0; i < c.values.size(); ++i) {
      const std::string& v = c.values[i];
      if (variables && internal::HasVariable(v)) continue;
      std::string why = WhyNoRequestCarries(shape, v, IsLikeOperator(c.op), IsIgnoreCase(c.op));
      if (why.empty()) continue;
      ctx.Report(ValuePointer(c, i, ctx.locator()),
                 StrCat("no request carries ", QuoteForMessage(v), " in `", c.key.name, "` (",
                        why, "), so ",
                        IsNegated(c.op) ? "this value excludes nothing"
                                        : "this value never matches"));
    }
  }
}

// Single-valued string/arn keys: when a plain `StringEquals` pins the key to
// a few values, the statement can hold only if one of them satisfies every
// other entry on that key.
void CheckContradictoryValues(const Statement& s, CheckContext& ctx) {
  const PolicyDocument& doc = ctx.doc();
  for (const Condition& pin : s.conditions) {
    if (pin.op != ConditionOperator::kStringEquals || pin.set != SetQualifier::kNone ||
        pin.if_exists || IsMultiValued(pin.key.kind) || ValuesUseVariables(doc, pin)) {
      continue;
    }
    for (const Condition& other : s.conditions) {
      if (&other == &pin || !SameKey(other.key, pin.key) || ValuesUseVariables(doc, other)) continue;
      bool contradicts = true;
      if (other.op == ConditionOperator::kNull) {
        contradicts = std::all_of(other.values.begin(), other.values.end(), [](const std::string& v) {
          return internal::EqualsIgnoreCase(v, "true");
        });
      } else if (other.set != SetQualifier::kNone) {
        contradicts = false;
      } else {
        for (const std::string& v : pin.values) {
          std::optional<bool> holds = SatisfiesStringEntry(other, v);
          if (!holds.has_value() || *holds) contradicts = false;
        }
      }
      if (!contradicts) continue;
      ctx.Report(other.pointer,
                 StrCat("`", other.operator_name, "` on `", other.key.name,
                        "` contradicts `", pin.operator_name,
                        "` on the same key, so the statement never applies"));
      break;
    }
  }
}

// ---- Ranges (Numeric, Date, IP) -------------------------------------------------

struct Bound {
  std::string value;  // empty: unbounded
  bool strict = false;
};

// Compares two typed policy values of `family`; nullopt when one does not parse.
std::optional<int> CompareTyped(OperatorFamily family, const std::string& a, const std::string& b) {
  if (family == OperatorFamily::kNumeric) {
    if (!internal::IsValidNumber(a) || !internal::IsValidNumber(b)) return std::nullopt;
    return internal::CompareNumbers(a, b);
  }
  int64_t x = 0, y = 0;
  if (!internal::ParseDate(a, &x) || !internal::ParseDate(b, &y)) return std::nullopt;
  return x < y ? -1 : (x > y ? 1 : 0);
}

// Tightens `bound` with the loosest value of `c` (values are ORed).
bool Tighten(OperatorFamily family, const Condition& c, bool lower, bool strict, Bound* bound) {
  Bound loosest;
  for (const std::string& v : c.values) {
    if (loosest.value.empty()) {
      loosest = {v, strict};
      continue;
    }
    std::optional<int> cmp = CompareTyped(family, v, loosest.value);
    if (!cmp) return false;
    if (lower ? *cmp < 0 : *cmp > 0) loosest = {v, strict};
  }
  if (loosest.value.empty()) return true;
  if (bound->value.empty()) {
    *bound = loosest;
    return true;
  }
  std::optional<int> cmp = CompareTyped(family, loosest.value, bound->value);
  if (!cmp) return false;
  if (lower ? *cmp > 0 : *cmp < 0) *bound = loosest;
  if (*cmp == 0) bound->strict = bound->strict || loosest.strict;
  return true;
}

// Returns the pointer of an entry that empties the range of `key`, or "".
std::string EmptyRangeOn(const Statement& s, const Condition& first, OperatorFamily family) {
  Bound lo, hi;
  std::string last;
  for (const Condition& c : s.conditions) {
    if (!SameKey(c.key, first.key) || FamilyOf(c.op) != family || c.set != SetQualifier::kNone) continue;
    if (c.has_type_error) return "";
    using internal::Ordering;
    const Ordering order = internal::OperatorSemantics(c.op).ordering;
    const bool is_lo = order == Ordering::kGt || order == Ordering::kGe;
    const bool is_hi = order == Ordering::kLt || order == Ordering::kLe;
    const bool strict = order == Ordering::kGt || order == Ordering::kLt;
    if (!is_lo && !is_hi) continue;
    if (!Tighten(family, c, is_lo, strict, is_lo ? &lo : &hi)) return "";
    last = c.pointer;
  }
  if (lo.value.empty() || hi.value.empty()) return "";
  std::optional<int> cmp = CompareTyped(family, lo.value, hi.value);
  if (!cmp) return "";
  if (*cmp > 0 || (*cmp == 0 && (lo.strict || hi.strict))) return last;
  return "";
}

bool CidrWithin(const internal::IpNet& inner, const internal::IpNet& outer) {
  return inner.v6 == outer.v6 && outer.prefix <= inner.prefix && internal::CidrContains(outer, inner);
}

// IpAddress ranges that NotIpAddress entries on the same key fully exclude.
std::string EmptyIpRangeOn(const Statement& s, const Condition& pos) {
  for (const Condition& neg : s.conditions) {
    if (neg.op != ConditionOperator::kNotIpAddress || !SameKey(neg.key, pos.key) ||
        neg.set != SetQualifier::kNone) {
      continue;
    }
    bool all_excluded = true;
    for (const std::string& p : pos.values) {
      internal::IpNet pn;
      if (!internal::ParseCidr(p, &pn)) return "";
      bool excluded = false;
      for (const std::string& n : neg.values) {
        internal::IpNet nn;
        if (internal::ParseCidr(n, &nn) && CidrWithin(pn, nn)) excluded = true;
      }
      all_excluded = all_excluded && excluded;
    }
    if (all_excluded) return neg.pointer;
  }
  return "";
}

void CheckEmptyRange(const Statement& s, CheckContext& ctx) {
  std::vector<const ConditionKey*> seen;
  for (const Condition& c : s.conditions) {
    if (c.set != SetQualifier::kNone || c.has_type_error || ValuesUseVariables(ctx.doc(), c)) continue;
    OperatorFamily family = FamilyOf(c.op);
    std::string at;
    if (family == OperatorFamily::kIp && c.op == ConditionOperator::kIpAddress && !c.if_exists) {
      at = EmptyIpRangeOn(s, c);
    } else if (family == OperatorFamily::kNumeric || family == OperatorFamily::kDate) {
      bool done = std::any_of(seen.begin(), seen.end(),
                              [&](const ConditionKey* k) { return SameKey(*k, c.key); });
      if (done) continue;
      seen.push_back(&c.key);
      at = EmptyRangeOn(s, c, family);
    }
    if (at.empty()) continue;
    ctx.Report(at, StrCat("no value of `", c.key.name,
                          "` satisfies every range condition on it, so the statement never applies"));
  }
}

// The actions a statement can match: Invoke, Connect.
void ActionsOf(const Statement& s, bool* invoke, bool* connect) {
  bool in_invoke = false, in_connect = false;
  for (const std::string& a : s.actions) {
    in_invoke = in_invoke || internal::ActionMatches(a, kInvoke);
    in_connect = in_connect || internal::ActionMatches(a, kConnect);
  }
  *invoke = s.not_action ? !in_invoke : in_invoke;
  *connect = s.not_action ? !in_connect : in_connect;
}

void CheckKeyAbsentForAction(const Statement& s, CheckContext& ctx) {
  bool invoke = false, connect = false;
  ActionsOf(s, &invoke, &connect);
  if (invoke || !connect) return;
  for (const Condition& c : s.conditions) {
    if (PresentForConnect(c.key.kind)) continue;
    ctx.Report(c.pointer,
               StrCat("`", c.key.name, "` is never present in `vpc-lattice-svcs:Connect` requests, "
                      "the only action of this statement, so this condition ",
                      RequiresKey(c) ? "never holds" : "always holds"));
  }
}

// Returns `value` without the variable escapes `${*}`, `${?}` and `${$}`.
std::string WithoutEscapes(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 4) == "${*}" || value.substr(i, 4) == "${?}" || value.substr(i, 4) == "${$}") {
      i += 3;
      continue;
    }
    out.push_back(value[i]);
  }
  return out;
}

void CheckWildcardWithoutLike(const Statement& s, CheckContext& ctx) {
  for (const Condition& c : s.conditions) {
    if (FamilyOf(c.op) != OperatorFamily::kString || IsLikeOperator(c.op)) continue;
    for (size_t i = 0; i < c.values.size(); ++i) {
      std::string text = VariablesActive(ctx.doc()) ? WithoutEscapes(c.values[i]) : c.values[i];
      size_t w = text.find_first_of("*?");
      if (w == std::string::npos) continue;
      ctx.Report(ValuePointer(c, i, ctx.locator()),
                 StrCat(QuoteForMessage(c.values[i]), " contains `", std::string(1, text[w]),
                        "`, which `", c.operator_name,
                        "` compares literally: use `StringLike` for a pattern"));
    }
  }
}

// ---- Checks: suggestions -------------------------------------------------------

void CheckAnonymousNetworkRestricted(const Statement& s, CheckContext& ctx) {
  if (!IsAllow(s) || StatementExcludesAnonymous(s) || !NetworkRestricted(s)) return;
  std::string witness;
  if (!AnonymousGetsThrough(s, ctx, &witness)) return;
  ctx.Report(s.pointer,
             "this Allow also lets anonymous (unsigned) callers through from the allowed "
             "vpcs or accounts; if only signed callers should pass, add "
             "`\"StringNotEqualsIgnoreCase\": {\"aws:PrincipalType\": \"anonymous\"}`",
             witness);
}

void CheckEmptySid(const Statement& s, CheckContext& ctx) {
  const internal::JsonValue* sid = ctx.locator().Find(s.pointer + "/Sid");
  if (sid == nullptr || !sid->is_string() || !sid->text.empty()) return;
  ctx.Report(s.pointer + "/Sid", "the `Sid` is empty: remove it or name the statement");
}

// A canonical text of everything in a statement but its Sid, with one part
// (actions, resources, or one condition entry) left out.
std::string StatementShape(const Statement& s, int skip_condition, bool skip_actions,
                           bool skip_resources) {
  std::string out = StrCat(s.effect == Effect::kAllow ? "A" : "D", s.not_principal ? "!" : "",
                           s.principal.wildcard ? "*" : "");
  auto list = [&out](const std::vector<std::string>& v) {
    std::vector<std::string> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& x : sorted) StrAppend(&out, "|", x.size(), ":", x);
    out += ";";
  };
  list(s.principal.aws);
  list(s.principal.service);
  if (!skip_actions) list(s.actions);
  if (!skip_resources) list(s.resources);
  std::vector<std::string> entries;
  for (size_t i = 0; i < s.conditions.size(); ++i) {
    const Condition& c = s.conditions[i];
    std::string e = StrCat(c.operator_name, "#", c.key.name, "#");
    if (static_cast<int>(i) != skip_condition) {
      std::vector<std::string> values = c.values;
      std::sort(values.begin(), values.end());
      for (const std::string& v : values) StrAppend(&e, v.size(), ":", v, ",");
    }
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end());
  for (const std::string& e : entries) StrAppend(&out, "{", e, "}");
  return StrCat(out, s.not_action ? "!A" : "", s.not_resource ? "!R" : "");
}

// Returns what `a` and `b` differ in if merging them into one statement
// keeps the meaning exactly, else "".
std::string MergeableBy(const Statement& a, const Statement& b) {
  if (a.not_action || a.not_resource || b.not_action || b.not_resource) return "";
  if (a.conditions.size() != b.conditions.size()) return "";
  if (StatementShape(a, -1, false, false) == StatementShape(b, -1, false, false)) {
    return "they are identical";
  }
  if (StatementShape(a, -1, true, false) == StatementShape(b, -1, true, false)) {
    return "only their `Action` lists differ";
  }
  if (StatementShape(a, -1, false, true) == StatementShape(b, -1, false, true)) {
    return "only their `Resource` lists differ";
  }
  // One plain, positive entry on a single-valued key differing in its values.
  for (size_t i = 0; i < a.conditions.size(); ++i) {
    const Condition& c = a.conditions[i];
    if (IsNegated(c.op) || c.op == ConditionOperator::kNull || c.set != SetQualifier::kNone ||
        IsMultiValued(c.key.kind)) {
      continue;
    }
    for (size_t j = 0; j < b.conditions.size(); ++j) {
      const Condition& d = b.conditions[j];
      if (d.operator_name != c.operator_name || d.key.name != c.key.name) continue;
      if (StatementShape(a, static_cast<int>(i), false, false) ==
          StatementShape(b, static_cast<int>(j), false, false)) {
        return StrCat("only their `", c.operator_name, "` values for `", c.key.name, "` differ");
      }
    }
  }
  return "";
}

void CheckMergeableStatements(CheckContext& ctx) {
  const std::vector<Statement>& st = ctx.doc().statements;
  constexpr size_t kMaxPairs = 200;  // statements compared pairwise; bounded work
  if (st.size() > kMaxPairs) return;
  std::vector<bool> reported(st.size(), false);
  for (size_t i = 0; i < st.size(); ++i) {
    for (size_t j = i + 1; j < st.size(); ++j) {
      if (reported[j]) continue;
      std::string why = MergeableBy(st[i], st[j]);
      if (why.empty()) continue;
      reported[j] = true;
      ctx.Report(st[j].pointer, StrCat("this statement can be merged into ", st[i].pointer, ": ",
                                       why));
    }
  }
}

}  // namespace

std::string ValuePointer(const Condition& condition, size_t i, const Locator& locator) {
  const internal::JsonValue* v = locator.Find(condition.pointer);
  if (v != nullptr && v->is_array()) return StrCat(condition.pointer, "/", i);
  return condition.pointer;
}

const std::vector<Check>& AllChecks() {
  using S = Severity;
  static const auto* const checks = new std::vector<Check>{
      {{"allow-with-not-action", S::kSecurity, "an Allow with NotAction"}, CheckAllowNotAction},
      {{"allow-with-not-resource", S::kSecurity, "an Allow with NotResource"}, CheckAllowNotResource},
      {{"allow-for-all-values", S::kSecurity,
        "ForAllValues in an Allow is vacuously true when the key is absent"},
       CheckAllowForAllValues},
      {{"allow-if-exists", S::kSecurity,
        "IfExists on a positive operator in an Allow holds when the key is absent"},
       CheckAllowIfExists},
      {{"allow-anonymous-any-network", S::kSecurity,
        "an Allow reachable by anonymous callers from any VPC of any account"},
       CheckAllowAnonymousAnyNetwork},
      {{"allow-any-signed-principal", S::kSecurity,
        "an Allow open to every signed principal of every account"},
       CheckAllowAnySignedPrincipal},
      {{"impossible-value", S::kWarning, "a condition value no request can carry"},
       CheckImpossibleValue},
      {{"contradictory-values", S::kWarning,
        "conditions on one key that no single value satisfies together"},
       CheckContradictoryValues},
      {{"empty-range", S::kWarning, "an empty numeric, date or IP range"}, CheckEmptyRange},
      {{"key-absent-for-action", S::kWarning,
        "a condition on a key the statement's actions never carry"},
       CheckKeyAbsentForAction},
      {{"wildcard-without-like", S::kWarning,
        "a wildcard character under an operator that compares literally"},
       CheckWildcardWithoutLike},
      {{"anonymous-network-restricted", S::kSuggestion,
        "an Allow that admits anonymous callers from restricted VPCs or accounts"},
       CheckAnonymousNetworkRestricted},
      {{"empty-sid", S::kSuggestion, "an empty Sid"}, CheckEmptySid},
      {{"statement-never-applies", S::kWarning,
        "a statement no request satisfies (proved by the analysis)"},
       CheckNeverApplies},
      {{"allow-shadowed-by-deny", S::kWarning,
        "an Allow that Deny statements fully shadow (proved, with a witness)"},
       CheckAllowShadowed},
      {{"deny-never-applies", S::kWarning,
        "a Deny that never changes a decision (proved, with a witness)"},
       CheckDenyNeverApplies},
      {{"redundant-statement", S::kSuggestion,
        "a statement the others make redundant (proved equivalent without it)"},
       CheckRedundantStatement},
      {{"reachability-not-checked", S::kSuggestion,
        "the analysis-backed checks were skipped: the policy exceeds their budget"},
       nullptr, CheckReachabilityBudget},
      {{"mergeable-statements", S::kSuggestion, "statements that can be merged into one"},
       nullptr, CheckMergeableStatements},
  };
  return *checks;
}

}  // namespace latticepol::lint
