// File: src/policy.cc
// Stage: AST. The public operator and condition-key lookups (read from the
// table in internal/semantics.h) and the canonical single-line serialisation
// of a PolicyDocument.
#include "latticepol/policy.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "internal/keys.h"
#include "internal/semantics.h"
#include "internal/strings.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

using internal::AbslView;
using internal::StrCat;

// ---- Serialisation --------------------------------------------------------

using Json = nlohmann::ordered_json;

// A one-element list is written as a plain string (the common hand-written
// form); anything else as an array.
Json StringOrArray(const std::vector<std::string>& values) {
  if (values.size() == 1) return Json(values[0]);
  Json array = Json::array();
  for (const std::string& v : values) array.push_back(v);
  return array;
}

Json PrincipalToJson(const PrincipalSpec& p) {
  if (p.wildcard && p.aws.empty() && p.service.empty() && p.federated.empty() &&
      p.canonical_user.empty()) {
    return Json("*");
  }
  Json out = Json::object();
  std::vector<std::string> aws;
  if (p.wildcard) aws.push_back("*");
  aws.insert(aws.end(), p.aws.begin(), p.aws.end());
  if (!aws.empty()) out["AWS"] = StringOrArray(aws);
  if (!p.service.empty()) out["Service"] = StringOrArray(p.service);
  if (!p.federated.empty()) out["Federated"] = StringOrArray(p.federated);
  if (!p.canonical_user.empty()) out["CanonicalUser"] = StringOrArray(p.canonical_user);
  return out;
}

bool PrincipalIsEmpty(const PrincipalSpec& p) {
  return !p.wildcard && p.aws.empty() && p.service.empty() && p.federated.empty() &&
         p.canonical_user.empty();
}

// The operator as it must be written: `operator_name` if the parser recorded
// it, otherwise composed from the parts (documents built in code).
std::string ConditionOperatorText(const Condition& c) {
  if (!c.operator_name.empty()) return c.operator_name;
  std::string out;
  if (c.set == SetQualifier::kForAnyValue) out = "ForAnyValue:";
  if (c.set == SetQualifier::kForAllValues) out = "ForAllValues:";
  out += StrCat(OperatorName(c.op), c.if_exists ? "IfExists" : "");
  return out;
}

Json StatementToJson(const Statement& s, bool identity_policy) {
  Json out = Json::object();
  if (!s.sid.empty()) out["Sid"] = s.sid;
  out["Effect"] = s.effect == Effect::kAllow ? "Allow" : "Deny";
  if (!identity_policy && !PrincipalIsEmpty(s.principal)) {
    out[s.not_principal ? "NotPrincipal" : "Principal"] = PrincipalToJson(s.principal);
  }
  out[s.not_action ? "NotAction" : "Action"] = StringOrArray(s.actions);
  out[s.not_resource ? "NotResource" : "Resource"] = StringOrArray(s.resources);
  if (!s.conditions.empty()) {
    Json block = Json::object();
    for (const Condition& c : s.conditions) {
      block[ConditionOperatorText(c)][c.key.name] = StringOrArray(c.values);
    }
    out["Condition"] = std::move(block);
  }
  return out;
}

}  // namespace

std::string_view OperatorName(ConditionOperator op) {
  return internal::OperatorSemantics(op).name;
}

OperatorFamily FamilyOf(ConditionOperator op) { return internal::OperatorSemantics(op).family; }

bool IsNegated(ConditionOperator op) { return internal::OperatorSemantics(op).negated; }

namespace internal {

const std::vector<std::string_view>& CanonicalKeyNames() {
  static const auto* const names = [] {
    auto* v = new std::vector<std::string_view>();
    for (const internal::KeyRow& k : internal::KeyTable()) v->push_back(k.name);
    return v;
  }();
  return *names;
}

}  // namespace internal

ConditionKey ResolveConditionKey(std::string_view name) {
  ConditionKey key;
  key.name = std::string(name);
  for (const internal::KeyRow& info : internal::KeyTable()) {
    if (info.suffix != internal::SuffixRule::kNone) {
      // A suffix key needs a non-empty suffix after the exact prefix.
      if (name.size() > info.name.size() && absl::StartsWith(AbslView(name), AbslView(info.name))) {
        key.kind = info.kind;
        key.suffix = std::string(name.substr(info.name.size()));
        // Tag keys compare case-insensitively (K2); header names (H1) and
        // query keys (Q1) compare exactly.
        if (info.suffix == internal::SuffixRule::kIgnoreCase) absl::AsciiStrToLower(&key.suffix);
        return key;
      }
    } else if (name == info.name) {
      key.kind = info.kind;
      return key;
    }
  }
  key.kind = KeyKind::kUnknown;
  return key;
}

bool IsMultiValued(KeyKind kind) {
  return internal::IsKnownKey(kind) && internal::KeySemantics(kind).multi_valued;
}

std::string PolicyToJson(const PolicyDocument& doc) {
  Json out = Json::object();
  if (doc.has_version) {
    out["Version"] = doc.version == PolicyVersion::k2012_10_17 ? "2012-10-17" : "2008-10-17";
  }
  if (!doc.id.empty()) out["Id"] = doc.id;
  // A document parsed from `"Statement": {...}` keeps that form, so the
  // statement pointers survive a round trip.
  if (doc.statements.size() == 1 && doc.statements[0].pointer == "/Statement") {
    out["Statement"] = StatementToJson(doc.statements[0], doc.is_identity_policy);
  } else {
    Json statements = Json::array();
    for (const Statement& s : doc.statements) {
      statements.push_back(StatementToJson(s, doc.is_identity_policy));
    }
    out["Statement"] = std::move(statements);
  }
  // Never throws: text from hand-built documents may be invalid UTF-8.
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace latticepol
