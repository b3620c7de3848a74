// File: src/analysis/semantics.cc
// Stage: analysis. See semantics.h. Key and operator facts come from the
// shared semantics table (internal/semantics.h); value syntax from
// internal/text.h.
#include "analysis/semantics.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "internal/semantics.h"
#include "internal/strings.h"
#include "internal/text.h"

namespace latticepol::analysis {
namespace {

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// Variables are inactive or absent here: the literal / glob text of a value.
std::string Literal(const std::string& value, bool variables_active) {
  if (!variables_active) return value;
  std::string out;
  internal::SubstituteVariables(
      value, internal::SubstituteFor::kLiteral,
      [](std::string_view, std::string*) { return false; }, &out, nullptr);
  return out;
}

std::string Glob(const std::string& value, bool variables_active) {
  if (!variables_active) return internal::GlobFromPolicyText(value);
  std::string out;
  internal::SubstituteVariables(
      value, internal::SubstituteFor::kGlob,
      [](std::string_view, std::string*) { return false; }, &out, nullptr);
  return out;
}

}  // namespace

KeyInfo KeyInfoFor(const ConditionKey& key) {
  KeyInfo info;
  if (!internal::IsKnownKey(key.kind)) {
    info.source = KeySource::kNever;
    return info;
  }
  const internal::KeyRow& row = internal::KeySemantics(key.kind);
  info.depends_on_action = row.absent_on_connect;
  auto field = [&](FieldKind kind, std::string name) {
    info.source = KeySource::kField;
    info.field = {kind, std::move(name)};
  };
  switch (row.field) {
    case internal::RequestField::kMethod: field(FieldKind::kMethod, ""); break;
    case internal::RequestField::kPath: field(FieldKind::kPath, ""); break;
    case internal::RequestField::kQuery: field(FieldKind::kQuery, key.suffix); break;
    case internal::RequestField::kHeaders:
      // Names arrive lower-case: a suffix with an upper-case letter never matches.
      if (row.suffix == internal::SuffixRule::kExactLowerArrives && HasUpper(key.suffix)) {
        info.source = KeySource::kNever;
      } else {
        field(FieldKind::kHeader, key.suffix);
      }
      break;
    case internal::RequestField::kSourceVpc: field(FieldKind::kSourceVpc, ""); break;
    case internal::RequestField::kSourceVpcOwnerAccount:
      field(FieldKind::kSourceVpcOwner, "");
      break;
    case internal::RequestField::kPort: info.source = KeySource::kPort; break;
    case internal::RequestField::kPrincipalType:
    case internal::RequestField::kPrincipalArn:
    case internal::RequestField::kPrincipalAccount:
    case internal::RequestField::kPrincipalOrgId:
    case internal::RequestField::kPrincipalOrgPaths:
    case internal::RequestField::kPrincipalTags:
    case internal::RequestField::kPrincipalSigned:
      info.source = KeySource::kCaller;
      break;
    case internal::RequestField::kNone: info.source = KeySource::kNever; break;
    default: info.source = KeySource::kContext; break;
  }
  return info;
}

ManyValues ManyValuesRead(const Condition& condition) {
  switch (condition.set) {
    case SetQualifier::kForAnyValue: return ManyValues::kAny;
    case SetQualifier::kForAllValues: return ManyValues::kAll;
    case SetQualifier::kNone: break;
  }
  return ManyValues::kConstant;  // Q2
}

bool UsesVariable(const std::string& value, bool variables_active) {
  return variables_active && internal::HasVariable(value);
}

std::optional<StringPredicate> ConditionPredicate(const Condition& condition,
                                                  const std::string& value,
                                                  bool variables_active) {
  const internal::OperatorRow& row = internal::OperatorSemantics(condition.op);
  if (row.family != OperatorFamily::kString) return std::nullopt;
  if (row.glob) return GlobPredicate(Glob(value, variables_active));
  if (row.ignore_case) return IgnoreCasePredicate(Literal(value, variables_active));
  return LiteralPredicate(Literal(value, variables_active));
}

std::optional<StringPredicate> ResourcePredicate(const std::string& pattern,
                                                 const std::string& service_arn,
                                                 bool variables_active, bool* always) {
  *always = pattern == "*";
  if (*always || service_arn.empty()) return std::nullopt;
  if (internal::StartsWith(pattern, "arn:")) {
    std::array<std::string_view, 6> f;
    if (internal::SplitArn(pattern, &f) && f[2] == "vpc-lattice" &&
        internal::StartsWith(f[5], "servicenetwork")) {
      return std::nullopt;  // R2: never the request resource
    }
    // The first five segments are literal glob text; variables only after.
    size_t pos = 0;
    int colons = 0;
    while (colons < 5 && pos < pattern.size()) {
      if (pattern[pos] == ':') ++colons;
      ++pos;
    }
    std::string glob = internal::GlobFromPolicyText(std::string_view(pattern).substr(0, pos));
    if (colons == 5) glob += Glob(pattern.substr(pos), variables_active);
    StringPredicate p = ResourceArnPredicate(glob);
    p.prefix = service_arn;
    p.description = "resource \"" + pattern + "\"";
    return p;
  }
  StringPredicate p = GlobPredicate(Glob(pattern, variables_active));  // R1
  p.prefix = service_arn;
  p.description = "resource \"" + pattern + "\"";
  return p;
}

}  // namespace latticepol::analysis
