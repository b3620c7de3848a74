// File: src/analysis/semantics.cc
// Stage: analysis. See semantics.h. Key facts come from policy.h
// (ResolveConditionKey, FamilyOf); value syntax from internal/text.h.
#include "analysis/semantics.h"

#include <array>
#include <string>
#include <string_view>

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
  switch (key.kind) {
    case KeyKind::kRequestMethod:
      info = {KeySource::kField, {FieldKind::kMethod, ""}, true};
      break;
    case KeyKind::kRequestPath:
      info = {KeySource::kField, {FieldKind::kPath, ""}, true};
      break;
    case KeyKind::kRequestHeader:
      // Request header names are lower-case (H1: the suffix is compared
      // exactly), so a suffix with an upper-case letter never matches.
      if (HasUpper(key.suffix)) {
        info.source = KeySource::kNever;
      } else {
        info = {KeySource::kField, {FieldKind::kHeader, key.suffix}, true};
      }
      break;
    case KeyKind::kRequestQueryString:
      info = {KeySource::kField, {FieldKind::kQuery, key.suffix}, true};
      break;
    case KeyKind::kSourceVpc:
      info = {KeySource::kField, {FieldKind::kSourceVpc, ""}, false};
      break;
    case KeyKind::kSourceVpcOwnerAccount:
      info = {KeySource::kField, {FieldKind::kSourceVpcOwner, ""}, false};
      break;
    case KeyKind::kPort:
      info.source = KeySource::kPort;
      break;
    case KeyKind::kPrincipalType:
    case KeyKind::kPrincipalArn:
    case KeyKind::kPrincipalAccount:
    case KeyKind::kPrincipalOrgId:
    case KeyKind::kPrincipalOrgPaths:
    case KeyKind::kPrincipalTag:
    case KeyKind::kPrincipalIsAwsService:
      info.source = KeySource::kCaller;
      break;
    case KeyKind::kUnknown:
      info.source = KeySource::kNever;
      break;
    default:
      info.source = KeySource::kContext;
      break;
  }
  return info;
}

bool UsesVariable(const std::string& value, bool variables_active) {
  return variables_active && internal::HasVariable(value);
}

std::optional<StringPredicate> ConditionPredicate(const Condition& condition,
                                                  const std::string& value,
                                                  bool variables_active) {
  switch (condition.op) {
    case ConditionOperator::kStringEquals:
    case ConditionOperator::kStringNotEquals:
      return LiteralPredicate(Literal(value, variables_active));
    case ConditionOperator::kStringEqualsIgnoreCase:
    case ConditionOperator::kStringNotEqualsIgnoreCase:
      return IgnoreCasePredicate(Literal(value, variables_active));
    case ConditionOperator::kStringLike:
    case ConditionOperator::kStringNotLike:
      return GlobPredicate(Glob(value, variables_active));
    default:
      return std::nullopt;
  }
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
