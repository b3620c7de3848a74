// File: latticepol/policy.h
// Stage: AST. A parsed auth policy as plain values: no JSON library types.
// Every node keeps the JSON pointer of the element it came from, so evaluators
// and explanations can point back into the user's document.
#ifndef LATTICEPOL_POLICY_H_
#define LATTICEPOL_POLICY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol {

enum class PolicyVersion : uint8_t {
  k2012_10_17,  // policy variables are active
  k2008_10_17,  // `${...}` is literal text (also used when Version is missing, DECISION G2)
};

enum class Effect : uint8_t { kAllow, kDeny };

// Principal or NotPrincipal. Values are kept as written (after JSON decoding).
struct PrincipalSpec {
  bool wildcard = false;               // "*" or {"AWS": "*"} (possibly among others)
  std::vector<std::string> aws;        // account ids and IAM/STS ARNs, never "*"
  std::vector<std::string> service;    // {"Service": ...}: never matches Lattice callers (P-S)
  std::vector<std::string> federated;  // {"Federated": ...}: lenient mode only, never matches
  std::vector<std::string> canonical_user;  // {"CanonicalUser": ...}: lenient only, never matches
};

// The condition operator families of docs/semantics.md §3, without set prefixes or
// the IfExists suffix.
enum class ConditionOperator : uint8_t {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};
inline constexpr int kConditionOperatorCount = 27;

enum class OperatorFamily : uint8_t {
  kString, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull
};

// Returns the canonical name, e.g. "StringEquals".
std::string_view OperatorName(ConditionOperator op);
OperatorFamily FamilyOf(ConditionOperator op);
// Returns true for StringNot*, NumericNotEquals, DateNotEquals, NotIpAddress,
// ArnNot* (the operators for which an absent key is true and several policy
// values combine with NOR).
bool IsNegated(ConditionOperator op);

enum class SetQualifier : uint8_t { kNone, kForAnyValue, kForAllValues };

// The condition keys of docs/semantics.md §2. kUnknown keys are always absent.
enum class KeyKind : uint8_t {
  // vpc-lattice-svcs:
  kPort,
  kRequestMethod,
  kRequestPath,
  kRequestHeader,       // suffix = header name, compared exactly (H1)
  kRequestQueryString,  // suffix = query key, compared exactly (Q1); multi-valued
  kServiceArn,
  kServiceNetworkArn,
  kSourceVpc,
  kSourceVpcOwnerAccount,
  // aws:
  kPrincipalType,
  kPrincipalArn,
  kPrincipalAccount,
  kPrincipalOrgId,
  kPrincipalOrgPaths,   // multi-valued
  kPrincipalTag,        // suffix = tag key, compared case-insensitively (K2)
  kPrincipalIsAwsService,
  kResourceTag,         // suffix = tag key, compared case-insensitively (K2)
  kSourceIp,
  kCurrentTime,
  kEpochTime,
  kUnknown,             // any other key, including mis-cased ones in lenient mode
};

// A resolved condition key. `name` is the key as written in the policy.
struct ConditionKey {
  KeyKind kind = KeyKind::kUnknown;
  std::string name;
  std::string suffix;  // for kRequestHeader, kRequestQueryString, kPrincipalTag, kResourceTag
};

// Resolves a key name per docs/semantics.md §2.3 (DECISION K2): the prefix and base name must
// match the canonical spelling exactly; anything else is kUnknown.
ConditionKey ResolveConditionKey(std::string_view name);
// Returns true if the key can have several values (ArrayOfString).
bool IsMultiValued(KeyKind kind);

// One `operator -> key -> values` entry of a Condition block.
struct Condition {
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier set = SetQualifier::kNone;
  bool if_exists = false;
  std::string operator_name;  // as written, e.g. "ForAnyValue:StringEqualsIfExists"
  ConditionKey key;
  // Policy values as canonical text (DECISION C1: 80 -> "80", true -> "true").
  std::vector<std::string> values;
  // Lenient mode only: a value that does not parse for the operator family
  // (DECISION T1). The whole entry then evaluates false. Strict mode rejects
  // such policies at parse time.
  bool has_type_error = false;
  std::string pointer;  // e.g. /Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMethod
};

struct Statement {
  int index = 0;  // position in the Statement array (0 when Statement is an object)
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_principal = false;  // the PrincipalSpec came from NotPrincipal
  PrincipalSpec principal;
  bool not_action = false;
  std::vector<std::string> actions;
  bool not_resource = false;
  std::vector<std::string> resources;
  std::vector<Condition> conditions;  // AND of all entries
  std::string pointer;  // "/Statement/1", or "/Statement" for a single object
};

struct PolicyDocument {
  PolicyVersion version = PolicyVersion::k2008_10_17;
  bool has_version = false;
  std::string id;
  std::vector<Statement> statements;
  size_t source_size = 0;  // characters in the source text
  // An identity-based policy (no Principal element; the principal test always
  // passes). Used for the identity layer of the Lattice chain.
  bool is_identity_policy = false;
};

// Returns true iff variables (`${...}`) are active for this document.
inline bool VariablesActive(const PolicyDocument& doc) {
  return doc.version == PolicyVersion::k2012_10_17;
}

// Serialises the document back to minified single-line JSON (canonical
// element order: Version, Id, Statement; Sid, Effect, Principal, Action,
// Resource, Condition). Used by generators and for debugging.
std::string PolicyToJson(const PolicyDocument& doc);

}  // namespace latticepol

#endif  // LATTICEPOL_POLICY_H_
