// File: src/internal/semantics.h
// Stage: AST -> evaluate. The one table of condition-key and operator
// semantics. The parser, both evaluators, the compiler, replay, the test
// generators and the tests read these rows instead of keeping their own lists,
// so a key whose value comes from an existing request field, or an operator of
// an existing family, is one row here (plus tests).
//
// Contract: the rows are constexpr and indexed by their enum (KeyKind,
// ConditionOperator); `KeyTable()` and `OperatorTable()` return them in enum
// order. The API only grows: columns and helpers are added, never renamed.
// DECISION ids (K1, Q3, T3, ...) are explained in docs/semantics.md.
#ifndef LATTICEPOL_INTERNAL_SEMANTICS_H_
#define LATTICEPOL_INTERNAL_SEMANTICS_H_

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"

namespace latticepol::internal {

// ---- Keys -----------------------------------------------------------------

// Where a key's value comes from in a RequestView (or its Principal).
enum class RequestField : uint8_t {
  kPort,                   // RequestView::port, as decimal text; absent when < 0
  kMethod,                 // RequestView::method
  kPath,                   // RequestView::path
  kHeaders,                // RequestView::headers, looked up by the key's suffix
  kQuery,                  // RequestView::query (decoded pairs) / raw_query
  kServiceArn,             // RequestView::service_arn
  kServiceNetworkArn,      // RequestView::service_network_arn
  kSourceVpc,              // RequestView::source_vpc
  kSourceVpcOwnerAccount,  // RequestView::source_vpc_owner_account
  kPrincipalType,          // Principal::type
  kPrincipalArn,           // Principal::arn
  kPrincipalAccount,       // Principal::account
  kPrincipalOrgId,         // Principal::org_id
  kPrincipalOrgPaths,      // Principal::org_paths (several values)
  kPrincipalTags,          // Principal::tags, looked up by the key's suffix
  kPrincipalSigned,        // no field: the constant `signed_value` for signed callers
  kResourceTags,           // RequestView::resource_tags, looked up by the suffix
  kSourceIp,               // RequestView::source_ip
  kTime,                   // RequestView::time (ISO 8601 text)
  kTimeEpochSeconds,       // RequestView::time, as integer epoch seconds (floor)
  kNone,                   // unknown keys: always absent
};

// How the suffix of a key family (`RequestHeader/x-team`) is compared.
enum class SuffixRule : uint8_t {
  kNone,              // the key takes no suffix
  kExact,             // byte-exact (Q1: query keys)
  kExactLowerArrives, // byte-exact, but names arrive lower-cased (H1: headers)
  kIgnoreCase,        // ASCII case-insensitive; the parser lower-cases it (K2: tags)
};

// When a key's `resolve_id` is recorded while resolving the key.
enum class NoteWhen : uint8_t {
  kNever,      // the key records nothing when resolved
  kAlways,     // every resolution (request-independent uncertainty)
  kOnConnect,  // only for Connect requests (the key is then absent)
  kAnonymous,  // only for anonymous (unsigned) callers
  kSigned,     // only for signed callers
};

// Whether an access log (replay) carries the key's value (L2/L3).
enum class LogKnowledge : uint8_t {
  kKnown,                  // the log has it
  kUnknown,                // the log never has it
  kSomeSuffixes,           // only for the suffixes in `log_suffixes`
  kUnknownForAssumedRole,  // known, except for assumed-role callers
  kWhenRecorded,           // known when the record has the field (L4: `sourceIpPort`)
};

struct KeyRow {
  // Canonical spelling; a key family that takes a suffix ends in '/'.
  std::string_view name;
  // The enum value; row i has kind i.
  KeyKind kind;
  // Where the value comes from.
  RequestField field;
  // How the suffix is compared (kNone for keys without a suffix).
  SuffixRule suffix;
  // ArrayOfString: the key can carry several values (plain operators on two or
  // more values are false, Q2).
  bool multi_valued;
  // T3: a String-family operator compares the canonical text of a value that
  // is not a string (port number, epoch seconds, boolean).
  bool string_compared;
  // K1: absent for Connect (TCP) requests.
  bool absent_on_connect;
  // The DECISION id recorded when the key is resolved, and when
  // (`resolve_when == kNever`: none; `resolve_id` is then meaningless).
  DecisionId resolve_id;
  NoteWhen resolve_when;
  // Ids that depend on the request's values for this key, recorded by the
  // value lookup (query keys: Q1 case sibling, Q3 percent-decoded, Q4 empty).
  DecisionIdMask value_ids;
  // The value of the key for anonymous callers ("" = absent). Only for
  // principal keys; other keys do not depend on the caller.
  std::string_view anonymous_value;
  // The value for signed callers when `field == kPrincipalSigned`.
  std::string_view signed_value;
  // Whether access logs carry the value, and for kSomeSuffixes which suffixes
  // (space-separated).
  LogKnowledge logs;
  std::string_view log_suffixes;
};

// Returns the key rows in KeyKind order (kUnknown has no row).
absl::Span<const KeyRow> KeyTable();
// Returns the row of `kind`; `kind` must not be kUnknown.
const KeyRow& KeySemantics(KeyKind kind);
// Returns true iff `kind` has a row (is not kUnknown).
inline bool IsKnownKey(KeyKind kind) { return kind != KeyKind::kUnknown; }

// Returns true iff `name` equals a canonical key, or starts with a key-family
// prefix, ASCII-case-insensitively (the K2 "mis-cased canonical key" test for
// a key that ResolveConditionKey leaves kUnknown).
bool IsCaseNearMissKey(std::string_view name);

// The id evaluating the unknown key `name` records: K2 for a mis-cased
// canonical key, A6 for any other `aws:` key. Returns false if none.
bool UnknownKeyNote(std::string_view name, DecisionId* id);

// True iff a String-family operator on `kind` records T3.
bool RecordsT3(ConditionOperator op, KeyKind kind);

// True iff access logs cannot supply `key` (L2/L3). `assumed_role`: the
// caller may be an assumed role (its ARN in the log is the session's).
bool KeyUnknowableInLogs(const ConditionKey& key, bool assumed_role);

// What one access-log record carries beyond the table's fixed knowledge.
struct LogRecordFacts {
  bool assumed_role = false;  // the caller is an assumed role (L2)
  bool source_ip = false;     // the record has a usable source address (L4)
  bool anonymous = false;     // no caller: every principal key is known (absent or constant)
};
// True iff `record` cannot supply `key`. KeyUnknowableInLogs(key, r) is this
// with a record that has no source address.
bool KeyUnknowableInLogRecord(const ConditionKey& key, const LogRecordFacts& record);

// ---- Operators ------------------------------------------------------------

// The comparison an ordered operator applies (Numeric*, Date*); kEq for
// every other operator.
enum class Ordering : uint8_t { kEq, kLt, kLe, kGt, kGe };

struct OperatorRow {
  // Canonical name, without set prefix or IfExists suffix.
  std::string_view name;
  // The enum value; row i has op i.
  ConditionOperator op;
  // The value type the operator compares.
  OperatorFamily family;
  // An absent key makes the operator true, and several policy values combine
  // with NOR (StringNot*, NumericNotEquals, DateNotEquals, NotIpAddress, ArnNot*).
  bool negated;
  // Policy values are glob patterns (`*`, `?`): StringLike and the Arn family.
  bool glob;
  // ASCII case-insensitive comparison (*IgnoreCase).
  bool ignore_case;
  // The ordering of Numeric*/Date* operators.
  Ordering ordering;
  // Policy variables (`${...}`) are substituted in the values (String, Arn,
  // Bool families).
  bool variables;
  // Accepts ForAnyValue:/ForAllValues: and the IfExists suffix (all but Null).
  bool set_qualifiable;
  // A failed single-value entry gets a "would pass with `q=blue`" hint.
  bool would_pass_hint;
  // Ids the comparison of a request value with a policy value can record
  // (O1 non-ASCII case folding, O2 newline in globs, O4 Bool letter case,
  // O5 bare IPv6, O6 malformed ARN).
  DecisionIdMask compare_ids;
};

// Returns the operator rows in ConditionOperator order.
absl::Span<const OperatorRow> OperatorTable();
const OperatorRow& OperatorSemantics(ConditionOperator op);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_SEMANTICS_H_
