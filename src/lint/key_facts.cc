// File: src/lint/key_facts.cc
// Per-key facts for the linter (see key_facts.h), one table.
#include "lint/key_facts.h"

#include <array>
#include <string>
#include <string_view>

#include "internal/strings.h"
#include "internal/text.h"

namespace latticepol::lint {
namespace {

struct KeyFacts {
  KeyKind kind;
  ValueShape shape;
  bool connect;         // present for Connect
  bool always;          // present for every request of its actions
  bool network_origin;  // restricts where the request comes from
  bool account;         // pins the caller's account or organisation
  bool anonymous;       // present for anonymous callers
};

// One row per KeyKind (spec tables 2.1 and 2.2).
constexpr KeyFacts kFacts[] = {
    {KeyKind::kPort, ValueShape::kAny, true, true, false, false, true},
    {KeyKind::kRequestMethod, ValueShape::kMethod, false, true, false, false, true},
    {KeyKind::kRequestPath, ValueShape::kPath, false, true, false, false, true},
    {KeyKind::kRequestHeader, ValueShape::kAny, false, false, false, false, true},
    {KeyKind::kRequestQueryString, ValueShape::kAny, false, false, false, false, true},
    {KeyKind::kServiceArn, ValueShape::kServiceArn, true, true, false, false, true},
    {KeyKind::kServiceNetworkArn, ValueShape::kServiceNetworkArn, true, true, true, false, true},
    {KeyKind::kSourceVpc, ValueShape::kVpcId, true, true, true, false, true},
    {KeyKind::kSourceVpcOwnerAccount, ValueShape::kAccountId, true, true, true, false, true},
    {KeyKind::kPrincipalType, ValueShape::kAny, true, true, false, false, true},
    {KeyKind::kPrincipalArn, ValueShape::kPrincipalArn, true, false, false, true, false},
    {KeyKind::kPrincipalAccount, ValueShape::kAccountIdOrAnonymous, true, true, false, true, true},
    {KeyKind::kPrincipalOrgId, ValueShape::kAny, true, false, false, true, false},
    {KeyKind::kPrincipalOrgPaths, ValueShape::kAny, true, false, false, true, false},
    {KeyKind::kPrincipalTag, ValueShape::kAny, true, false, false, false, false},
    {KeyKind::kPrincipalIsAwsService, ValueShape::kAny, true, false, false, false, false},
    {KeyKind::kResourceTag, ValueShape::kAny, true, false, false, false, true},
    {KeyKind::kSourceIp, ValueShape::kAny, true, false, true, false, true},
    {KeyKind::kCurrentTime, ValueShape::kAny, true, false, false, false, true},
    {KeyKind::kEpochTime, ValueShape::kAny, true, false, false, false, true},
    {KeyKind::kUnknown, ValueShape::kAny, true, false, false, false, true},
};

const KeyFacts& Facts(KeyKind kind) {
  for (const KeyFacts& f : kFacts) {
    if (f.kind == kind) return f;
  }
  return kFacts[sizeof(kFacts) / sizeof(kFacts[0]) - 1];
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string WhyNotArn(ValueShape shape, std::string_view value) {
  std::array<std::string_view, 6> f;
  if (!internal::SplitArn(value, &f)) return "an arn has six colon-separated fields starting with `arn`";
  if (shape == ValueShape::kPrincipalArn) {
    if (f[2] != "iam" && f[2] != "sts") return "a principal arn is in the `iam` or `sts` service";
    if (!internal::IsAccountId(f[4])) return "the account field of an arn has 12 digits";
    return "";
  }
  if (f[2] != "vpc-lattice") return "a vpc lattice arn is in the `vpc-lattice` service";
  if (!internal::IsAccountId(f[4])) return "the account field of an arn has 12 digits";
  std::string_view type = shape == ValueShape::kServiceArn ? "service/svc-" : "servicenetwork/sn-";
  if (!internal::StartsWith(f[5], type)) {
    return internal::StrCat("the resource field starts with `", type, "`");
  }
  return "";
}

}  // namespace

ValueShape ShapeOf(KeyKind kind) { return Facts(kind).shape; }
bool PresentForConnect(KeyKind kind) { return Facts(kind).connect; }
bool AlwaysPresent(KeyKind kind) { return Facts(kind).always; }
bool IsNetworkOriginKey(KeyKind kind) { return Facts(kind).network_origin; }
bool IsAccountIdentityKey(KeyKind kind) { return Facts(kind).account; }
bool AbsentForAnonymous(KeyKind kind) { return !Facts(kind).anonymous; }

std::string WhyNoRequestCarries(ValueShape shape, std::string_view value, bool glob,
                                bool ignore_case) {
  if (shape == ValueShape::kAny) return "";
  if (glob) {
    // A pattern: only what its literal prefix (before the first wildcard)
    // already decides.
    size_t w = value.find_first_of("*?");
    std::string_view prefix = value.substr(0, w);
    if (shape == ValueShape::kPath && w != 0 && !internal::StartsWith(value, "/")) {
      return "a request path starts with `/`";
    }
    if (shape == ValueShape::kMethod && !ignore_case) {
      for (char c : prefix) {
        if (c >= 'a' && c <= 'z') return "http methods arrive upper-case (`GET`, `POST`)";
      }
    }
    return "";
  }
  switch (shape) {
    case ValueShape::kAccountId:
      return internal::IsAccountId(value) ? "" : "an account id has exactly 12 digits";
    case ValueShape::kAccountIdOrAnonymous:
      return internal::IsAccountId(value) || value == "anonymous" ||
                     (ignore_case && internal::EqualsIgnoreCase(value, "anonymous"))
                 ? ""
                 : "an account id has exactly 12 digits (or is `anonymous`)";
    case ValueShape::kVpcId: {
      std::string_view id = value.substr(value.size() < 4 ? value.size() : 4);
      bool ok = internal::StartsWith(value, "vpc-") && (id.size() == 8 || id.size() == 17) &&
                (IsLowerHex(id) || (ignore_case && IsLowerHex(internal::AsciiLower(id))));
      return ok ? "" : "a vpc id is `vpc-` and 8 or 17 lower-case hex digits";
    }
    case ValueShape::kServiceArn:
    case ValueShape::kServiceNetworkArn:
    case ValueShape::kPrincipalArn:
      return WhyNotArn(shape, value);
    case ValueShape::kMethod:
      if (value.empty()) return "a request always has a method";
      if (!ignore_case) {
        for (char c : value) {
          if (c >= 'a' && c <= 'z') return "http methods arrive upper-case (`GET`, `POST`)";
        }
      }
      return "";
    case ValueShape::kPath:
      return internal::StartsWith(value, "/") ? "" : "a request path starts with `/`";
    case ValueShape::kAny:
      break;
  }
  return "";
}

}  // namespace latticepol::lint
