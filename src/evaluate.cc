// File: src/evaluate.cc
// Stage: evaluate (reference). The gold-standard evaluator: it follows
// docs/semantics.md (sections 1.4-1.6, 2, 3 and 4.1)
// line by line, evaluates every statement and every condition entry (no
// short-circuit) and records a trace of each. Speed is a non-goal: it
// allocates freely. The compiled matcher (compiled_policy.h) is tested
// against it.
//
// Uncertainty rule. Decision::uncertain is the set of DECISION ids
// (docs/semantics.md §8) whose rule was actually exercised while evaluating the request,
// in any statement, whether or not that statement applies. Because nothing is
// short-circuited, the set depends only on (policy, request). The complete
// list of recording points, each marked `Note(DecisionId::kX)` in the code:
//
//   G2  Version missing and a value containing `${` was evaluated (a string,
//       ARN or Bool condition value, or a Resource pattern).
//   G3  the Statement array is empty.
//   A1  an Action/NotAction pattern containing `?` was tested.
//   P-S a {"Service": ...} principal was tested (it never matches).
//   N1  a NotPrincipal element was tested.
//   R2  an `arn:*:vpc-lattice:*:*:servicenetwork...` Resource pattern was
//       tested (it never matches).
//   K1  a RequestPath key was evaluated (any request); or RequestMethod,
//       RequestPath, RequestHeader/* or RequestQueryString/* was evaluated on
//       a Connect request (docs/semantics.md §7 row 57); or a non-"*" Resource pattern was
//       tested against a Connect request (docs/semantics.md §7 row 56: the TCP resource has
//       no path).
//   K2  a condition key that is unknown but matches a canonical key
//       case-insensitively was evaluated (it is absent).
//   Q1  the request has a query key equal to a referenced
//       RequestQueryString suffix case-insensitively but not exactly.
//   Q2  a plain (non-set) operator met a key with two or more values.
//   Q3  a referenced query key or value needed percent-decoding (raw queries).
//   Q4  a referenced query value is empty (it came from `k` or `k=`).
//   A2  aws:PrincipalAccount was evaluated for an anonymous caller (it
//       resolves to `anonymous`, following the IAM docs rather than an
//       earlier reading: docs/semantics.md D2).
//   A3  aws:PrincipalIsAWSService was evaluated for a signed caller.
//   A4  aws:SourceIp was evaluated.      A5  aws:CurrentTime/EpochTime was.
//   A6  an unknown `aws:` key (not a K2 near-miss) was evaluated.
//   O1  an IgnoreCase comparison had non-ASCII text on either side.
//   O2  StringLike/StringNotLike was evaluated on a request value with `\n`.
//   O4  a Bool comparison saw a policy or request value that is not all
//       lower-case.
//   O5  an IpAddress/NotIpAddress policy value is a bare IPv6 address.
//   O6  an ARN operator met a request value that is not a six-field ARN.
//   V1  a value had an unterminated `${` (reported by SubstituteVariables).
//   V2  a substituted variable value containing `*` or `?` was used in a
//       StringLike/Arn operator or a Resource pattern.
//   T1  an entry with a policy-side type error (has_type_error, or a typed
//       value that does not parse) was evaluated.
//   T2  a request value did not parse for the operator family.
//   T3  a string operator was applied to Port, EpochTime or
//       PrincipalIsAWSService.
// H2 (joined header repeats) is not visible after normalisation and is never
// recorded here; E1/E2 are recorded by the chain (authorize.cc).
//
// Corrections that follow the AWS docs (docs/semantics.md §9):
// D1 Resource/NotResource `arn:` patterns: a `*` ending one of the first five
// colon-separated segments, or ending the pattern, may match `:` (see
// ResourceArnMatch); D2 aws:PrincipalAccount is `anonymous` for anonymous
// callers (A2 still recorded).
//
// Conventions not spelled out in docs/semantics.md (kept identical in the compiled
// path): an empty service ARN counts as absent (no request resource);
// aws:EpochTime is absent when the request time does not parse; Service
// principals never match (P-S); a role/user ARN principal is compared to
// principal.arn, an `arn:...:sts::...:assumed-role/...` ARN to
// principal.session_arn, an account id or `...:root` ARN to principal.account.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/keys.h"
#include "internal/request_keys.h"
#include "internal/semantics.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/evaluate.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {
namespace {

using internal::StrCat;
using internal::SubstituteFor;

using internal::HasAsciiUpper;
using internal::HasNonAscii;
using internal::IsAccountId;
using internal::StartsWith;

// A request value as a trace keeps it: cut at kTraceValueBytes (on a UTF-8
// boundary), saying how many bytes were cut.
std::string TraceValue(const std::string& v) {
  if (v.size() <= kTraceValueBytes) return v;
  size_t keep = kTraceValueBytes;
  while (keep > 0 && (static_cast<unsigned char>(v[keep]) & 0xC0) == 0x80) --keep;
  return StrCat(std::string_view(v).substr(0, keep), "...[", v.size() - keep, " bytes cut]");
}

bool ContainsWildcard(std::string_view s) {
  return s.find('*') != std::string_view::npos ||
         s.find('?') != std::string_view::npos;
}

// Length of the text unit at text[t] (t < text.size()): a well-formed UTF-8
// sequence, or one stray byte (the unit of internal::GlobMatch).
size_t UnitLength(std::string_view text, size_t t) {
  uint32_t cp = 0;
  const int len = internal::DecodeUtf8(text, t, &cp);
  return len == 0 ? 1 : static_cast<size_t>(len);
}

// Resource/NotResource matching of a pattern that starts with `arn:`
// (docs/semantics.md §1.6 rule 2, amended per the IAM Resource-element page: docs/semantics.md D1
// D1). `glob` is the pattern in internal glob syntax (variables already
// substituted in the resource segment). Its segments are delimited by its
// first five colons; the sixth segment is the rest. Over the whole `text`:
//  - a `:` of the pattern matches only `:`; other literals match themselves;
//  - in the sixth segment, `*` matches any run and `?` any one unit;
//  - in the first five segments, a `*` that is the last character of its
//    segment (the next pattern character is a segment colon) or of the whole
//    pattern matches any run, colons included; every other `*` matches a run
//    without `:`, and `?` one unit other than `:`.
// A plain set-of-positions simulation over the pattern, one token at a time:
// reach[t] says the pattern so far can match text[0, t).
bool ResourceArnMatch(std::string_view glob, std::string_view text) {
  const size_t n = text.size();
  std::vector<char> reach(n + 1, 0);
  std::vector<char> next(n + 1, 0);
  reach[0] = 1;
  int colons = 0;  // segment colons of the pattern seen so far
  for (size_t i = 0; i < glob.size(); ++i) {
    std::fill(next.begin(), next.end(), 0);
    const char c = glob[i];
    const bool in_resource_segment = colons >= 5;
    if (c == '*') {
      const bool crosses =
          in_resource_segment || i + 1 == glob.size() || glob[i + 1] == ':';
      for (size_t t = 0; t <= n; ++t) {
        if (reach[t]) next[t] = 1;
        if (next[t] && t < n && (crosses || text[t] != ':')) {
          next[t + UnitLength(text, t)] = 1;
        }
      }
    } else if (c == '?') {
      for (size_t t = 0; t < n; ++t) {
        if (reach[t] && (in_resource_segment || text[t] != ':')) {
          next[t + UnitLength(text, t)] = 1;
        }
      }
    } else {
      char literal = c;
      if (c == '\\' && i + 1 < glob.size()) {
        literal = glob[++i];  // an escaped byte is never a segment colon
      } else if (c == ':') {
        ++colons;
      }
      for (size_t t = 0; t < n; ++t) {
        if (reach[t] && text[t] == literal) next[t + 1] = 1;
      }
    }
    reach.swap(next);
    if (std::find(reach.begin(), reach.end(), 1) == reach.end()) return false;
  }
  return reach[n] != 0;
}

// The values of one condition key in one request. A multi-valued key with
// zero values is absent (docs/semantics.md §3.1 step 1).
struct KeyValues {
  bool present = false;
  std::vector<std::string> values;
};

KeyValues Single(std::string_view v) {
  KeyValues kv;
  kv.present = true;
  kv.values.emplace_back(v);
  return kv;
}

// One policy value of a condition entry after variable substitution.
struct PolicyValue {
  std::string display;  // plain text, for traces and explanations
  std::string glob;     // internal glob syntax (Like and Arn operators)
  bool resolved = true; // false: an unresolved variable; matches nothing
};

// Result of comparing one request value with one policy value.
enum class Cmp { kNoHit, kHit, kRequestTypeError };

class ReferenceEvaluator {
 public:
  ReferenceEvaluator(const PolicyDocument& doc, const RequestView& request)
      : doc_(doc), request_(request) {}

  Evaluation Run();

 private:
  void Note(DecisionId id) { uncertain_ |= Bit(id); }

  StatementTrace EvalStatement(const Statement& s, int index);
  bool EvalPrincipal(const Statement& s);
  bool AwsPrincipalMatches(std::string_view value) const;
  bool EvalAction(const Statement& s);
  bool EvalResource(const Statement& s);
  ClauseTrace EvalCondition(const Condition& c);
  // Step 3 of EvalCondition: a present key's values against the policy values.
  void CompareValues(const Condition& c, const KeyValues& kv,
                     const std::vector<PolicyValue>& pvs, ClauseTrace* t);

  KeyValues ResolveKey(const ConditionKey& key);
  KeyValues QueryValues(std::string_view suffix);

  // Substitutes variables in `value` (if active) for `mode`. Returns false
  // when a variable is unresolved.
  bool Substitute(std::string_view value, SubstituteFor mode,
                  std::string* out);
  PolicyValue PreparePolicyValue(const Condition& c, const std::string& value);
  Cmp Compare(const Condition& c, std::string_view v, const PolicyValue& p);

  const PolicyDocument& doc_;
  const RequestView& request_;
  std::string resource_arn_;
  DecisionIdMask uncertain_ = 0;
};

Evaluation ReferenceEvaluator::Run() {
  Evaluation ev;
  resource_arn_ = RequestResourceArn(request_);
  if (doc_.statements.empty()) Note(DecisionId::kG3);
  int first_deny = -1;
  int first_allow = -1;
  for (size_t i = 0; i < doc_.statements.size(); ++i) {
    StatementTrace t = EvalStatement(doc_.statements[i], static_cast<int>(i));
    if (t.applies) {
      if (t.effect == Effect::kDeny && first_deny < 0) first_deny = t.index;
      if (t.effect == Effect::kAllow && first_allow < 0) first_allow = t.index;
    }
    ev.statements.push_back(std::move(t));
  }
  if (first_deny >= 0) {
    ev.decision.kind = DecisionKind::kExplicitDeny;
    ev.decision.statement = first_deny;
  } else if (first_allow >= 0) {
    ev.decision.kind = DecisionKind::kAllow;
    ev.decision.statement = first_allow;
  } else {
    ev.decision.kind = DecisionKind::kImplicitDeny;
    ev.decision.statement = -1;
  }
  ev.decision.uncertain = uncertain_;
  return ev;
}

StatementTrace ReferenceEvaluator::EvalStatement(const Statement& s,
                                                 int index) {
  StatementTrace t;
  t.index = index;  // position in PolicyDocument::statements
  t.sid = s.sid;
  t.effect = s.effect;
  t.pointer = s.pointer;
  t.request_resource = TraceValue(resource_arn_);
  t.principal_matched = EvalPrincipal(s);
  t.action_matched = EvalAction(s);
  t.resource_matched = EvalResource(s);
  int failed = 0;
  if (!t.principal_matched) ++failed;
  if (!t.action_matched) ++failed;
  if (!t.resource_matched) ++failed;
  for (const Condition& c : s.conditions) {
    t.clauses.push_back(EvalCondition(c));
    if (!t.clauses.back().result) ++failed;
  }
  t.failed_elements = failed;
  t.applies = failed == 0;
  return t;
}

// ---- Principal (docs/semantics.md §1.4) ---------------------------------------------------

bool ReferenceEvaluator::AwsPrincipalMatches(std::string_view value) const {
  const Principal* p = request_.principal;
  if (p == nullptr) return false;  // anonymous never matches account/ARN values
  if (IsAccountId(value)) return value == p->account;
  std::array<std::string_view, 6> f;
  if (!internal::SplitArn(value, &f)) return false;
  if (f[2] == "iam" && f[5] == "root") {
    return !p->account.empty() && f[4] == p->account;
  }
  if (f[2] == "sts" && StartsWith(f[5], "assumed-role/")) {
    return !p->session_arn.empty() && value == p->session_arn;
  }
  return !p->arn.empty() && value == p->arn;
}

bool ReferenceEvaluator::EvalPrincipal(const Statement& s) {
  // Identity-based policies have no principal element: the test passes.
  if (doc_.is_identity_policy) return true;
  const PrincipalSpec& spec = s.principal;
  if (!spec.service.empty()) Note(DecisionId::kPS);  // never matches
  // Federated and CanonicalUser values never match (lenient mode only).

  if (!s.not_principal) {
    bool matched = spec.wildcard;
    for (const std::string& v : spec.aws) {
      if (AwsPrincipalMatches(v)) matched = true;
    }
    return matched;
  }

  // NotPrincipal (DECISION N1): the statement covers every caller that is not
  // exempt. Exempt: "*" is listed, or (signed callers only) both the caller's
  // account (id or root ARN) and its principal.arn are listed.
  Note(DecisionId::kN1);
  bool exempt = spec.wildcard;
  const Principal* p = request_.principal;
  if (!exempt && p != nullptr) {
    bool account_listed = false;
    bool arn_listed = false;
    for (const std::string& v : spec.aws) {
      if (!p->account.empty()) {
        if (IsAccountId(v) && v == p->account) account_listed = true;
        std::array<std::string_view, 6> f;
        if (internal::SplitArn(v, &f) && f[2] == "iam" && f[5] == "root" &&
            f[4] == p->account) {
          account_listed = true;
        }
      }
      if (!p->arn.empty() && v == p->arn) arn_listed = true;
    }
    exempt = account_listed && arn_listed;
  }
  return !exempt;
}

// ---- Action (docs/semantics.md §1.5) ------------------------------------------------------

bool ReferenceEvaluator::EvalAction(const Statement& s) {
  bool any = false;
  for (const std::string& pattern : s.actions) {
    if (pattern.find('?') != std::string::npos) Note(DecisionId::kA1);
    if (internal::ActionMatches(pattern, request_.action)) any = true;
  }
  return s.not_action ? !any : any;
}

// ---- Resource (docs/semantics.md §1.6) ----------------------------------------------------

bool ReferenceEvaluator::EvalResource(const Statement& s) {
  bool any = false;
  for (const std::string& pattern : s.resources) {
    if (pattern == "*") {  // rule 1: every resource, even without a service ARN
      any = true;
      continue;
    }
    if (request_.is_connect()) Note(DecisionId::kK1);  // docs/semantics.md §7 row 56
    const bool is_arn = StartsWith(pattern, "arn:");
    if (is_arn) {
      std::array<std::string_view, 6> f;
      if (internal::SplitArn(pattern, &f) && f[2] == "vpc-lattice" &&
          StartsWith(f[5], "servicenetwork")) {
        Note(DecisionId::kR2);  // never the request resource
        continue;
      }
    }
    if (resource_arn_.empty()) continue;  // no service ARN: nothing but "*"
    if (!doc_.has_version && pattern.find("${") != std::string::npos) {
      Note(DecisionId::kG2);
    }
    std::string glob;
    if (is_arn) {
      // Variables are allowed only in the resource field (after the fifth
      // colon); the first five fields are literal glob text.
      size_t pos = 0;
      int colons = 0;
      while (colons < 5 && pos < pattern.size()) {
        if (pattern[pos] == ':') ++colons;
        ++pos;
      }
      if (colons < 5) {
        glob = internal::GlobFromPolicyText(pattern);  // no resource segment
      } else {
        std::string tail;
        if (!Substitute(std::string_view(pattern).substr(pos),
                        SubstituteFor::kGlob, &tail)) {
          continue;  // unresolved variable: matches nothing
        }
        glob = internal::GlobFromPolicyText(
                   std::string_view(pattern).substr(0, pos)) +
               tail;
      }
      // Rule 2 as amended (D1): segment-ending `*` may cross colons.
      if (ResourceArnMatch(glob, resource_arn_)) any = true;
    } else {
      // DECISION R1: whole-string glob.
      if (!Substitute(pattern, SubstituteFor::kGlob, &glob)) continue;
      if (internal::GlobMatch(glob, resource_arn_)) any = true;
    }
  }
  return s.not_resource ? !any : any;
}

// ---- Variables (docs/semantics.md §3.5) ---------------------------------------------------

bool ReferenceEvaluator::Substitute(std::string_view value, SubstituteFor mode,
                                    std::string* out) {
  if (!VariablesActive(doc_)) {
    // 2008-10-17 (or no Version): `${...}` is literal text.
    *out = mode == SubstituteFor::kGlob ? internal::GlobFromPolicyText(value)
                                        : std::string(value);
    return true;
  }
  const internal::VariableResolver resolve = [this, mode](std::string_view key,
                                                          std::string* v) {
    const ConditionKey ck = ResolveConditionKey(key);
    if (IsMultiValued(ck.kind)) return false;  // single-valued keys only
    KeyValues kv = ResolveKey(ck);
    if (!kv.present || kv.values.size() != 1) return false;
    if (mode == SubstituteFor::kGlob && ContainsWildcard(kv.values[0])) {
      Note(DecisionId::kV2);  // substituted `*`/`?` stay literal
    }
    *v = std::move(kv.values[0]);
    return true;
  };
  DecisionIdMask ids = 0;
  const bool ok =
      internal::SubstituteVariables(value, mode, resolve, out, &ids);
  uncertain_ |= ids;  // V1 for an unterminated `${`
  return ok;
}

// ---- Condition keys (docs/semantics.md §2) ------------------------------------------------

KeyValues ReferenceEvaluator::QueryValues(std::string_view suffix) {
  KeyValues kv;
  internal::ForEachQueryPair(request_, [&](std::string_view key, std::string_view value,
                                           bool decoded) {
    if (key == suffix) {
      kv.values.emplace_back(value);
      if (value.empty()) Note(DecisionId::kQ4);
      if (decoded) Note(DecisionId::kQ3);
    } else if (internal::EqualsIgnoreCase(key, suffix)) {
      Note(DecisionId::kQ1);
    }
  });
  kv.present = !kv.values.empty();
  return kv;
}

// The shared resolver (internal/request_keys.h) gives the value and the ids
// of the key table; multi-valued keys collect their values here.
KeyValues ReferenceEvaluator::ResolveKey(const ConditionKey& key) {
  uncertain_ |= internal::ResolveIds(key, request_);
  const bool connect = request_.is_connect();
  if (key.kind == KeyKind::kUnknown) return {};
  if (connect && internal::KeySemantics(key.kind).absent_on_connect) return {};  // K1
  switch (internal::KeySemantics(key.kind).field) {
    case internal::RequestField::kQuery:
      return QueryValues(key.suffix);
    case internal::RequestField::kPrincipalOrgPaths: {
      KeyValues kv;
      if (request_.principal == nullptr) return kv;
      kv.values = request_.principal->org_paths;
      kv.present = !kv.values.empty();
      return kv;
    }
    default:
      break;
  }
  char buf[internal::kNumberBufferBytes];
  std::string_view value;
  if (!internal::SingleKeyValue(key, request_, connect, buf, &value)) return {};
  return Single(value);
}

// ---- Conditions (docs/semantics.md §3) ----------------------------------------------------

PolicyValue ReferenceEvaluator::PreparePolicyValue(const Condition& c,
                                                   const std::string& value) {
  PolicyValue pv;
  const internal::OperatorRow& op = internal::OperatorSemantics(c.op);
  const bool glob_op = op.glob;
  const bool variables_allowed = op.variables;  // String, ARN and Bool values
  if (!variables_allowed) {
    pv.display = value;
    pv.glob = internal::GlobFromPolicyText(value);
    return pv;
  }
  if (!doc_.has_version && value.find("${") != std::string::npos) {
    Note(DecisionId::kG2);
  }
  if (glob_op) {
    pv.resolved = Substitute(value, SubstituteFor::kGlob, &pv.glob);
  }
  std::string literal;
  const bool literal_ok = Substitute(value, SubstituteFor::kLiteral, &literal);
  if (!glob_op) pv.resolved = literal_ok;
  pv.display = literal_ok ? literal : value;
  return pv;
}


// True iff `cmp` (<0, 0, >0: request value vs policy value) satisfies the
// operator's ordering.
bool OrderingHolds(internal::Ordering ordering, int cmp) {
  switch (ordering) {
    case internal::Ordering::kEq: return cmp == 0;
    case internal::Ordering::kLt: return cmp < 0;
    case internal::Ordering::kLe: return cmp <= 0;
    case internal::Ordering::kGt: return cmp > 0;
    case internal::Ordering::kGe: return cmp >= 0;
  }
  return false;
}

Cmp ReferenceEvaluator::Compare(const Condition& c, std::string_view v,
                                const PolicyValue& p) {
  const internal::OperatorRow& op = internal::OperatorSemantics(c.op);
  switch (op.family) {
    case OperatorFamily::kString:
      if (op.ignore_case) {
        if (HasNonAscii(v) || HasNonAscii(p.display)) Note(DecisionId::kO1);
        return internal::EqualsIgnoreCase(v, p.display) ? Cmp::kHit : Cmp::kNoHit;
      }
      if (op.glob) {
        if (v.find('\n') != std::string_view::npos) Note(DecisionId::kO2);
        return internal::GlobMatch(p.glob, v) ? Cmp::kHit : Cmp::kNoHit;
      }
      return v == p.display ? Cmp::kHit : Cmp::kNoHit;
    case OperatorFamily::kNumeric: {
      if (!internal::IsValidNumber(v)) return Cmp::kRequestTypeError;
      const int cmp = internal::CompareNumbers(v, p.display);
      return OrderingHolds(op.ordering, cmp) ? Cmp::kHit : Cmp::kNoHit;
    }
    case OperatorFamily::kDate: {
      int64_t rv = 0;
      int64_t pv = 0;
      if (!internal::ParseDate(v, &rv)) return Cmp::kRequestTypeError;
      if (!internal::ParseDate(p.display, &pv)) return Cmp::kNoHit;
      const int cmp = rv < pv ? -1 : (rv > pv ? 1 : 0);
      return OrderingHolds(op.ordering, cmp) ? Cmp::kHit : Cmp::kNoHit;
    }
    case OperatorFamily::kBool: {
      if (HasAsciiUpper(v) || HasAsciiUpper(p.display)) Note(DecisionId::kO4);
      bool rb = false;
      bool pb = false;
      if (!internal::ParseBool(v, &rb)) return Cmp::kRequestTypeError;
      if (!internal::ParseBool(p.display, &pb)) return Cmp::kNoHit;
      return rb == pb ? Cmp::kHit : Cmp::kNoHit;
    }
    case OperatorFamily::kBinary: {
      std::string decoded;
      if (!internal::Base64Decode(p.display, &decoded)) return Cmp::kNoHit;
      return v == decoded ? Cmp::kHit : Cmp::kNoHit;
    }
    case OperatorFamily::kIp: {
      if (p.display.find(':') != std::string::npos &&
          p.display.find('/') == std::string::npos) {
        Note(DecisionId::kO5);  // bare IPv6 = /128
      }
      internal::IpNet addr;
      internal::IpNet net;
      if (!internal::ParseIp(v, &addr)) return Cmp::kRequestTypeError;
      if (!internal::ParseCidr(p.display, &net)) return Cmp::kNoHit;
      if (addr.v6 != net.v6) return Cmp::kNoHit;
      return internal::CidrContains(net, addr) ? Cmp::kHit : Cmp::kNoHit;
    }
    case OperatorFamily::kArn: {
      std::array<std::string_view, 6> f;
      if (!internal::SplitArn(v, &f)) {
        Note(DecisionId::kO6);  // positive false, negated true
        return Cmp::kNoHit;
      }
      return internal::ArnGlobMatch(p.glob, v) ? Cmp::kHit : Cmp::kNoHit;
    }
    case OperatorFamily::kNull:
      return Cmp::kNoHit;  // handled by EvalCondition
  }
  return Cmp::kNoHit;
}

// Formats the request change that would make a failed positive equality
// entry pass: `q=blue`, `x-team: blue`, `RequestMethod=GET`.
std::string WouldPass(const ConditionKey& key, const std::string& value) {
  switch (key.kind) {
    case KeyKind::kRequestQueryString:
      return key.suffix + "=" + value;
    case KeyKind::kRequestHeader:
      return key.suffix + ": " + value;
    default: {
      const size_t colon = key.name.find(':');
      const std::string base =
          colon == std::string::npos ? key.name : key.name.substr(colon + 1);
      return base + "=" + value;
    }
  }
}

// Step 2 of EvalCondition: the ABSENT rules, first match wins.
void AbsentRule(const Condition& c, bool negated, ClauseTrace* t) {
  if (c.set == SetQualifier::kForAnyValue) {
    t->result = false;
    t->reason = "foranyvalue-absent";
  } else if (c.if_exists) {
    t->result = true;
    t->reason = "ifexists-absent";
  } else if (c.set == SetQualifier::kForAllValues) {
    t->result = true;
    t->reason = "forallvalues-absent";
  } else if (negated) {
    t->result = true;
    t->reason = "absent-negated";
  } else {
    t->result = false;
    t->reason = "absent-positive";
  }
}

// docs/semantics.md §3.7: Null tests presence only. `true` = must be absent.
void NullCheck(const std::vector<PolicyValue>& pvs, ClauseTrace* t) {
  bool result = false;
  for (const PolicyValue& pv : pvs) {
    bool want_absent = false;
    if (!internal::ParseBool(pv.display, &want_absent)) continue;
    if (want_absent == t->absent) result = true;
  }
  t->result = result;
  t->reason = "null-check";
}

// A hint for explanations: a failed positive equality with one obvious
// value ("would pass with `q=blue`").
void WouldPassHint(const Condition& c, const std::vector<PolicyValue>& pvs, bool is_connect,
                   ClauseTrace* t) {
  const bool equality_op = internal::OperatorSemantics(c.op).would_pass_hint;
  const bool fixable_reason = t->reason == "no-value-matched" ||
                              t->reason == "absent-positive" ||
                              t->reason == "foranyvalue-absent";
  const bool connect_only_absent = is_connect && internal::IsKnownKey(c.key.kind) &&
                                   internal::KeySemantics(c.key.kind).absent_on_connect;
  if (!t->result && equality_op && fixable_reason &&
      c.set != SetQualifier::kForAllValues && c.key.kind != KeyKind::kUnknown &&
      !connect_only_absent && pvs.size() == 1 && pvs[0].resolved) {
    t->would_pass = WouldPass(c.key, pvs[0].display);
  }
}

void ReferenceEvaluator::CompareValues(const Condition& c, const KeyValues& kv,
                                       const std::vector<PolicyValue>& pvs, ClauseTrace* t) {
  // Compare every request value with every policy value. For one request
  // value, `hit` is the OR over the policy values; the operator holds for
  // that value iff hit (positive) or !hit (negated: NOR). Unresolved policy
  // values never hit.
  const bool negated = IsNegated(c.op);
  bool request_type_error = false;
  std::vector<bool> holds;
  for (const std::string& v : kv.values) {
    bool hit = false;
    for (const PolicyValue& pv : pvs) {
      if (!pv.resolved) continue;
      const Cmp r = Compare(c, v, pv);
      if (r == Cmp::kRequestTypeError) request_type_error = true;
      if (r == Cmp::kHit) hit = true;
    }
    holds.push_back(negated ? !hit : hit);
  }
  if (request_type_error) {
    // DECISION T2: a request value that does not parse makes the entry false.
    Note(DecisionId::kT2);
    t->result = false;
    t->reason = "type-error";
    return;
  }
  bool result = false;
  switch (c.set) {
    case SetQualifier::kNone:
      result = holds.front();  // exactly one value here
      break;
    case SetQualifier::kForAnyValue:
      result = std::any_of(holds.begin(), holds.end(), [](bool b) { return b; });
      break;
    case SetQualifier::kForAllValues:
      result = std::all_of(holds.begin(), holds.end(), [](bool b) { return b; });
      break;
  }
  t->result = result;
  const bool all_unresolved =
      !pvs.empty() &&
      std::none_of(pvs.begin(), pvs.end(), [](const PolicyValue& pv) { return pv.resolved; });
  if (all_unresolved) {
    t->reason = "unresolved-variable";
  } else if (result) {
    t->reason = "matched";
  } else {
    t->reason = negated ? "nor-hit" : "no-value-matched";
  }
}

ClauseTrace ReferenceEvaluator::EvalCondition(const Condition& c) {
  ClauseTrace t;
  t.pointer = c.pointer;
  t.operator_name =
      c.operator_name.empty() ? std::string(OperatorName(c.op)) : c.operator_name;
  t.key = c.key.name;

  // Step 1: resolve the key.
  const KeyValues kv = ResolveKey(c.key);
  t.absent = !kv.present;
  if (kv.present) {
    t.request_values.reserve(kv.values.size());
    for (const std::string& v : kv.values) t.request_values.push_back(TraceValue(v));
  }

  const OperatorFamily family = FamilyOf(c.op);
  if (internal::RecordsT3(c.op, c.key.kind)) {
    Note(DecisionId::kT3);  // compares the canonical text
  }

  std::vector<PolicyValue> pvs;
  pvs.reserve(c.values.size());
  bool policy_type_error = c.has_type_error;
  for (const std::string& v : c.values) {
    pvs.push_back(PreparePolicyValue(c, v));
    t.policy_values.push_back(pvs.back().display);
    if (!internal::PolicyValueParses(family, v)) policy_type_error = true;
  }

  // DECISION T1: a policy-side type error makes the entry false, for positive
  // and negated operators alike.
  if (policy_type_error) {
    Note(DecisionId::kT1);
    t.result = false;
    t.reason = "type-error";
    return t;
  }
  if (c.op == ConditionOperator::kNull) {
    NullCheck(pvs, &t);
    return t;
  }

  // Step 2: the ABSENT rules; step 3: the values.
  if (!kv.present) {
    AbsentRule(c, IsNegated(c.op), &t);
  } else if (c.set == SetQualifier::kNone && kv.values.size() >= 2) {
    // DECISION Q2: a plain operator on two or more values is false, for
    // positive and negated operators; IfExists does not help.
    Note(DecisionId::kQ2);
    t.result = false;
    t.reason = "multi-value-plain-op";
  } else {
    CompareValues(c, kv, pvs, &t);
  }
  WouldPassHint(c, pvs, request_.is_connect(), &t);
  return t;
}

}  // namespace

std::string RequestResourceArn(const RequestView& request) {
  if (!request.service_arn.present || request.service_arn.value.empty()) {
    return std::string();
  }
  std::string out(request.service_arn.value);
  if (!request.is_connect()) out.append(request.path);  // R3: path as received
  return out;
}

Evaluation EvaluateReference(const PolicyDocument& policy,
                             const RequestView& request) {
  return ReferenceEvaluator(policy, request).Run();
}

}  // namespace latticepol
