// File: src/lint/key_facts.h
// The linter's one adapter onto the condition-key table: what a request can
// carry under each key (value shape), when the key is present (Connect vs
// Invoke, every request), and what kind of restriction a condition on it is
// (network origin, caller identity). Backed by KeyKind (latticepol/policy.h);
// when the engine's key semantics table grows these facts, only this file
// changes.
#ifndef LATTICEPOL_SRC_LINT_KEY_FACTS_H_
#define LATTICEPOL_SRC_LINT_KEY_FACTS_H_

#include <string>
#include <string_view>

#include "latticepol/policy.h"

namespace latticepol::lint {

// The shape of every value a request carries under a key.
enum class ValueShape : uint8_t {
  kAny,                    // free text (headers, query values, tags, ...)
  kAccountId,              // 12 digits
  kAccountIdOrAnonymous,   // 12 digits, or `anonymous` (aws:PrincipalAccount, A2)
  kVpcId,                  // vpc- + 8 or 17 lower-case hex digits
  kServiceArn,             // arn:<partition>:vpc-lattice:<region>:<account>:service/svc-...
  kServiceNetworkArn,      // ...:servicenetwork/sn-...
  kPrincipalArn,           // arn:<partition>:iam|sts::<account>:...
  kMethod,                 // an upper-case HTTP method token
  kPath,                   // starts with `/`
};

ValueShape ShapeOf(KeyKind kind);

// Returns an empty string when some request can carry `value` under `shape`,
// else the reason none can (a message fragment, e.g. "an account id has 12
// digits"). `glob`: `value` is a pattern (`*`, `?`); `ignore_case`: the
// operator compares case-insensitively.
std::string WhyNoRequestCarries(ValueShape shape, std::string_view value, bool glob,
                                bool ignore_case);

// Returns true iff the key is present in Connect (TCP) requests.
bool PresentForConnect(KeyKind kind);
// Returns true iff every request of the actions that carry the key has it,
// whoever calls (so `IfExists`/`ForAllValues` on it change nothing).
bool AlwaysPresent(KeyKind kind);
// Returns true iff a condition on the key restricts where a request comes
// from (VPC, VPC owner, service network, source IP).
bool IsNetworkOriginKey(KeyKind kind);
// Returns true iff a positive condition on the key pins the caller to some
// accounts or an organisation.
bool IsAccountIdentityKey(KeyKind kind);
// Returns true iff the key is absent for anonymous callers.
bool AbsentForAnonymous(KeyKind kind);

}  // namespace latticepol::lint

#endif  // LATTICEPOL_SRC_LINT_KEY_FACTS_H_
