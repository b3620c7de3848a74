// File: src/internal/semantics.cc
// The key and operator rows of internal/semantics.h, and the small helpers
// that read them.
#include "internal/semantics.h"

#include <string_view>

#include "absl/strings/match.h"
#include "internal/strings.h"

namespace latticepol::internal {
namespace {

using D = DecisionId;
using F = RequestField;
using S = SuffixRule;
using W = NoteWhen;
using L = LogKnowledge;

// clang-format off
// Columns: name, kind, field, suffix, multi_valued, string_compared,
// absent_on_connect, resolve_id, resolve_when, value_ids, anonymous_value,
// signed_value, logs, log_suffixes.
constexpr KeyRow kKeyRows[] = {
    {"vpc-lattice-svcs:Port", KeyKind::kPort, F::kPort, S::kNone,
     false, true, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"vpc-lattice-svcs:RequestMethod", KeyKind::kRequestMethod, F::kMethod, S::kNone,
     false, false, true, D::kK1, W::kOnConnect, 0, "", "", L::kKnown, ""},
    // K1 is recorded for every request: present for every Invoke, absent for Connect.
    {"vpc-lattice-svcs:RequestPath", KeyKind::kRequestPath, F::kPath, S::kNone,
     false, false, true, D::kK1, W::kAlways, 0, "", "", L::kKnown, ""},
    {"vpc-lattice-svcs:RequestHeader/", KeyKind::kRequestHeader, F::kHeaders, S::kExactLowerArrives,
     false, false, true, D::kK1, W::kOnConnect, 0, "", "", L::kSomeSuffixes, "host user-agent"},
    {"vpc-lattice-svcs:RequestQueryString/", KeyKind::kRequestQueryString, F::kQuery, S::kExact,
     true, false, true, D::kK1, W::kOnConnect,
     Bit(D::kQ1) | Bit(D::kQ3) | Bit(D::kQ4), "", "", L::kUnknown, ""},
    {"vpc-lattice-svcs:ServiceArn", KeyKind::kServiceArn, F::kServiceArn, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"vpc-lattice-svcs:ServiceNetworkArn", KeyKind::kServiceNetworkArn, F::kServiceNetworkArn, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"vpc-lattice-svcs:SourceVpc", KeyKind::kSourceVpc, F::kSourceVpc, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"vpc-lattice-svcs:SourceVpcOwnerAccount", KeyKind::kSourceVpcOwnerAccount,
     F::kSourceVpcOwnerAccount, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"aws:PrincipalType", KeyKind::kPrincipalType, F::kPrincipalType, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "Anonymous", "", L::kKnown, ""},
    {"aws:PrincipalArn", KeyKind::kPrincipalArn, F::kPrincipalArn, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kUnknownForAssumedRole, ""},
    // IAM documents `anonymous` for anonymous callers (D2); Lattice is silent (A2).
    {"aws:PrincipalAccount", KeyKind::kPrincipalAccount, F::kPrincipalAccount, S::kNone,
     false, false, false, D::kA2, W::kAnonymous, 0, "anonymous", "", L::kKnown, ""},
    {"aws:PrincipalOrgID", KeyKind::kPrincipalOrgId, F::kPrincipalOrgId, S::kNone,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"aws:PrincipalOrgPaths", KeyKind::kPrincipalOrgPaths, F::kPrincipalOrgPaths, S::kNone,
     true, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"aws:PrincipalTag/", KeyKind::kPrincipalTag, F::kPrincipalTags, S::kIgnoreCase,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kUnknown, ""},
    // Signed callers are never AWS services (A3).
    {"aws:PrincipalIsAWSService", KeyKind::kPrincipalIsAwsService, F::kPrincipalSigned, S::kNone,
     false, true, false, D::kA3, W::kSigned, 0, "", "false", L::kKnown, ""},
    {"aws:ResourceTag/", KeyKind::kResourceTag, F::kResourceTags, S::kIgnoreCase,
     false, false, false, D::kK1, W::kNever, 0, "", "", L::kKnown, ""},
    {"aws:SourceIp", KeyKind::kSourceIp, F::kSourceIp, S::kNone,
     false, false, false, D::kA4, W::kAlways, 0, "", "", L::kWhenRecorded, ""},
    {"aws:CurrentTime", KeyKind::kCurrentTime, F::kTime, S::kNone,
     false, false, false, D::kA5, W::kAlways, 0, "", "", L::kKnown, ""},
    {"aws:EpochTime", KeyKind::kEpochTime, F::kTimeEpochSeconds, S::kNone,
     false, true, false, D::kA5, W::kAlways, 0, "", "", L::kKnown, ""},
};
// clang-format on

constexpr int kKeyRowCount = static_cast<int>(sizeof(kKeyRows) / sizeof(kKeyRows[0]));
static_assert(kKeyRowCount == static_cast<int>(KeyKind::kUnknown),
              "kKeyRows must have one row per KeyKind except kUnknown");

constexpr bool KeyRowsInOrder() {
  for (int i = 0; i < kKeyRowCount; ++i) {
    if (static_cast<int>(kKeyRows[i].kind) != i) return false;
  }
  return true;
}
static_assert(KeyRowsInOrder(), "kKeyRows must follow the KeyKind order");

using O = ConditionOperator;
using Fam = OperatorFamily;
using Ord = Ordering;

constexpr DecisionIdMask kNoIds = 0;

// clang-format off
// Columns: name, op, family, negated, glob, ignore_case, ordering, variables,
// set_qualifiable, would_pass_hint, compare_ids.
constexpr OperatorRow kOperatorRows[] = {
    {"StringEquals", O::kStringEquals, Fam::kString, false, false, false, Ord::kEq, true, true, true, kNoIds},
    {"StringNotEquals", O::kStringNotEquals, Fam::kString, true, false, false, Ord::kEq, true, true, false, kNoIds},
    {"StringEqualsIgnoreCase", O::kStringEqualsIgnoreCase, Fam::kString, false, false, true, Ord::kEq, true, true, true, Bit(D::kO1)},
    {"StringNotEqualsIgnoreCase", O::kStringNotEqualsIgnoreCase, Fam::kString, true, false, true, Ord::kEq, true, true, false, Bit(D::kO1)},
    {"StringLike", O::kStringLike, Fam::kString, false, true, false, Ord::kEq, true, true, false, Bit(D::kO2)},
    {"StringNotLike", O::kStringNotLike, Fam::kString, true, true, false, Ord::kEq, true, true, false, Bit(D::kO2)},
    {"NumericEquals", O::kNumericEquals, Fam::kNumeric, false, false, false, Ord::kEq, false, true, true, kNoIds},
    {"NumericNotEquals", O::kNumericNotEquals, Fam::kNumeric, true, false, false, Ord::kEq, false, true, false, kNoIds},
    {"NumericLessThan", O::kNumericLessThan, Fam::kNumeric, false, false, false, Ord::kLt, false, true, false, kNoIds},
    {"NumericLessThanEquals", O::kNumericLessThanEquals, Fam::kNumeric, false, false, false, Ord::kLe, false, true, false, kNoIds},
    {"NumericGreaterThan", O::kNumericGreaterThan, Fam::kNumeric, false, false, false, Ord::kGt, false, true, false, kNoIds},
    {"NumericGreaterThanEquals", O::kNumericGreaterThanEquals, Fam::kNumeric, false, false, false, Ord::kGe, false, true, false, kNoIds},
    {"DateEquals", O::kDateEquals, Fam::kDate, false, false, false, Ord::kEq, false, true, false, kNoIds},
    {"DateNotEquals", O::kDateNotEquals, Fam::kDate, true, false, false, Ord::kEq, false, true, false, kNoIds},
    {"DateLessThan", O::kDateLessThan, Fam::kDate, false, false, false, Ord::kLt, false, true, false, kNoIds},
    {"DateLessThanEquals", O::kDateLessThanEquals, Fam::kDate, false, false, false, Ord::kLe, false, true, false, kNoIds},
    {"DateGreaterThan", O::kDateGreaterThan, Fam::kDate, false, false, false, Ord::kGt, false, true, false, kNoIds},
    {"DateGreaterThanEquals", O::kDateGreaterThanEquals, Fam::kDate, false, false, false, Ord::kGe, false, true, false, kNoIds},
    {"Bool", O::kBool, Fam::kBool, false, false, false, Ord::kEq, true, true, false, Bit(D::kO4)},
    {"BinaryEquals", O::kBinaryEquals, Fam::kBinary, false, false, false, Ord::kEq, false, true, false, kNoIds},
    {"IpAddress", O::kIpAddress, Fam::kIp, false, false, false, Ord::kEq, false, true, false, Bit(D::kO5)},
    {"NotIpAddress", O::kNotIpAddress, Fam::kIp, true, false, false, Ord::kEq, false, true, false, Bit(D::kO5)},
    {"ArnEquals", O::kArnEquals, Fam::kArn, false, true, false, Ord::kEq, true, true, false, Bit(D::kO6)},
    {"ArnLike", O::kArnLike, Fam::kArn, false, true, false, Ord::kEq, true, true, false, Bit(D::kO6)},
    {"ArnNotEquals", O::kArnNotEquals, Fam::kArn, true, true, false, Ord::kEq, true, true, false, Bit(D::kO6)},
    {"ArnNotLike", O::kArnNotLike, Fam::kArn, true, true, false, Ord::kEq, true, true, false, Bit(D::kO6)},
    {"Null", O::kNull, Fam::kNull, false, false, false, Ord::kEq, false, false, false, kNoIds},
};
// clang-format on

static_assert(sizeof(kOperatorRows) / sizeof(kOperatorRows[0]) == kConditionOperatorCount,
              "kOperatorRows must have one row per ConditionOperator");

constexpr bool OperatorRowsInOrder() {
  for (int i = 0; i < kConditionOperatorCount; ++i) {
    if (static_cast<int>(kOperatorRows[i].op) != i) return false;
  }
  return true;
}
static_assert(OperatorRowsInOrder(), "kOperatorRows must follow the ConditionOperator order");

}  // namespace

absl::Span<const KeyRow> KeyTable() { return absl::MakeConstSpan(kKeyRows); }

const KeyRow& KeySemantics(KeyKind kind) { return kKeyRows[static_cast<int>(kind)]; }

absl::Span<const OperatorRow> OperatorTable() { return absl::MakeConstSpan(kOperatorRows); }

const OperatorRow& OperatorSemantics(ConditionOperator op) {
  return kOperatorRows[static_cast<int>(op)];
}

bool IsCaseNearMissKey(std::string_view name) {
  for (const KeyRow& k : kKeyRows) {
    const bool family = k.suffix != SuffixRule::kNone;
    if (family ? absl::StartsWithIgnoreCase(AbslView(name), AbslView(k.name))
               : absl::EqualsIgnoreCase(AbslView(name), AbslView(k.name))) {
      return true;
    }
  }
  return false;
}

bool UnknownKeyNote(std::string_view name, DecisionId* id) {
  if (IsCaseNearMissKey(name)) {
    *id = DecisionId::kK2;
    return true;
  }
  if (absl::StartsWithIgnoreCase(AbslView(name), "aws:")) {
    *id = DecisionId::kA6;
    return true;
  }
  return false;
}

bool RecordsT3(ConditionOperator op, KeyKind kind) {
  return OperatorSemantics(op).family == OperatorFamily::kString && IsKnownKey(kind) &&
         KeySemantics(kind).string_compared;
}

bool KeyUnknowableInLogs(const ConditionKey& key, bool assumed_role) {
  LogRecordFacts record;
  record.assumed_role = assumed_role;
  return KeyUnknowableInLogRecord(key, record);
}

bool KeyUnknowableInLogRecord(const ConditionKey& key, const LogRecordFacts& record) {
  if (!IsKnownKey(key.kind)) return false;
  const KeyRow& row = KeySemantics(key.kind);
  switch (row.field) {
    case RequestField::kPrincipalType:
    case RequestField::kPrincipalArn:
    case RequestField::kPrincipalAccount:
    case RequestField::kPrincipalOrgId:
    case RequestField::kPrincipalOrgPaths:
    case RequestField::kPrincipalTags:
    case RequestField::kPrincipalSigned:
      if (record.anonymous) return false;  // an unsigned request has no principal
      break;
    default:
      break;
  }
  switch (row.logs) {
    case LogKnowledge::kKnown:
      return false;
    case LogKnowledge::kUnknown:
      return true;
    case LogKnowledge::kUnknownForAssumedRole:
      return record.assumed_role;
    case LogKnowledge::kWhenRecorded:
      return !record.source_ip;
    case LogKnowledge::kSomeSuffixes: {
      std::string_view rest = row.log_suffixes;
      while (!rest.empty()) {
        const size_t space = rest.find(' ');
        if (rest.substr(0, space) == key.suffix) return false;
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
      }
      return true;
    }
  }
  return false;
}

}  // namespace latticepol::internal
