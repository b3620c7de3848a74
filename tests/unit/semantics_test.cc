// File: tests/unit/semantics_test.cc
// The key and operator table (src/internal/semantics.h): its rows agree with
// the public lookups, and each column is what the evaluators actually do
// (checked by evaluating one-condition policies with the reference).
#include "internal/semantics.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using internal::KeyRow;
using internal::KeySemantics;
using internal::KeyTable;
using internal::OperatorRow;
using internal::OperatorSemantics;
using internal::OperatorTable;

// A key name for `row` (family keys get the suffix `x`).
std::string KeyName(const KeyRow& row) {
  std::string name(row.name);
  if (row.suffix != internal::SuffixRule::kNone) name += "x";
  return name;
}

DecisionIdMask Uncertain(std::string_view op, const std::string& key, const Request& r) {
  const PolicyDocument doc = testing::MakeDocument(
      {[&] {
        Statement s = testing::StarStatement();
        s.conditions.push_back(testing::MakeCondition(op, key, {"v"}));
        return s;
      }()});
  return EvaluateReference(doc, r.view()).decision.uncertain;
}

TEST(SemanticsTest, KeyRowsResolveToThemselves) {
  ASSERT_EQ(KeyTable().size(), static_cast<size_t>(KeyKind::kUnknown));
  for (const KeyRow& row : KeyTable()) {
    const ConditionKey key = ResolveConditionKey(KeyName(row));
    EXPECT_EQ(key.kind, row.kind) << row.name;
    EXPECT_EQ(&KeySemantics(row.kind), &row);
    EXPECT_EQ(IsMultiValued(row.kind), row.multi_valued) << row.name;
    EXPECT_EQ(row.suffix != internal::SuffixRule::kNone, row.name.back() == '/') << row.name;
  }
  EXPECT_FALSE(IsMultiValued(KeyKind::kUnknown));
}

TEST(SemanticsTest, OperatorRowsMatchPublicLookups) {
  ASSERT_EQ(OperatorTable().size(), static_cast<size_t>(kConditionOperatorCount));
  for (const OperatorRow& row : OperatorTable()) {
    EXPECT_EQ(OperatorName(row.op), row.name);
    EXPECT_EQ(FamilyOf(row.op), row.family);
    EXPECT_EQ(IsNegated(row.op), row.negated);
    EXPECT_EQ(&OperatorSemantics(row.op), &row);
    // Names carry the columns they imply.
    EXPECT_EQ(row.ignore_case, row.name.find("IgnoreCase") != std::string_view::npos) << row.name;
    if (row.family == OperatorFamily::kString) {
      EXPECT_EQ(row.glob, row.name.find("Like") != std::string_view::npos) << row.name;
    }
    if (row.ordering != internal::Ordering::kEq) {
      EXPECT_TRUE(row.family == OperatorFamily::kNumeric || row.family == OperatorFamily::kDate);
    }
  }
  EXPECT_FALSE(OperatorSemantics(ConditionOperator::kNull).set_qualifiable);
  EXPECT_TRUE(OperatorSemantics(ConditionOperator::kArnLike).glob);
}

// K1: every key marked absent_on_connect is absent for a Connect request (a
// positive StringEquals fails, a negated one passes), and records K1.
TEST(SemanticsTest, AbsentOnConnectColumnHolds) {
  Request connect = testing::InvokeRequest();
  connect.action = "vpc-lattice-svcs:Connect";
  for (const KeyRow& row : KeyTable()) {
    if (!row.absent_on_connect) continue;
    const PolicyDocument doc = testing::MakeDocument({[&] {
      Statement s = testing::StarStatement();
      s.actions = {"vpc-lattice-svcs:Connect"};
      s.conditions.push_back(testing::MakeCondition("Null", KeyName(row), {"true"}));
      return s;
    }()});
    const Evaluation e = EvaluateReference(doc, connect.view());
    EXPECT_TRUE(e.decision.allowed()) << row.name;
    EXPECT_NE(e.decision.uncertain & Bit(DecisionId::kK1), 0u) << row.name;
  }
}

// resolve_id / resolve_when: kAlways ids are recorded for a signed Invoke.
TEST(SemanticsTest, AlwaysRecordedIdsAreRecorded) {
  const Request r = testing::InvokeRequest();
  const Request anon = testing::InvokeRequest(testing::kBlueAccount, std::nullopt);
  for (const KeyRow& row : KeyTable()) {
    const DecisionIdMask signed_ids = Uncertain("StringEqualsIfExists", KeyName(row), r);
    const DecisionIdMask anon_ids = Uncertain("StringEqualsIfExists", KeyName(row), anon);
    const DecisionIdMask bit = Bit(row.resolve_id);
    switch (row.resolve_when) {
      case internal::NoteWhen::kAlways:
        EXPECT_NE(signed_ids & bit, 0u) << row.name;
        EXPECT_NE(anon_ids & bit, 0u) << row.name;
        break;
      case internal::NoteWhen::kAnonymous:
        EXPECT_EQ(signed_ids & bit, 0u) << row.name;
        EXPECT_NE(anon_ids & bit, 0u) << row.name;
        break;
      case internal::NoteWhen::kSigned:
        EXPECT_NE(signed_ids & bit, 0u) << row.name;
        EXPECT_EQ(anon_ids & bit, 0u) << row.name;
        break;
      case internal::NoteWhen::kNever:
      case internal::NoteWhen::kOnConnect:
        EXPECT_EQ(signed_ids & Bit(DecisionId::kK1), 0u) << row.name;
        break;
    }
  }
}

// T3: String operators on string_compared keys record T3; others do not.
TEST(SemanticsTest, StringComparedColumnHolds) {
  const Request r = testing::InvokeRequest();
  for (const KeyRow& row : KeyTable()) {
    const DecisionIdMask ids = Uncertain("StringEqualsIfExists", KeyName(row), r);
    EXPECT_EQ((ids & Bit(DecisionId::kT3)) != 0, row.string_compared) << row.name;
    EXPECT_EQ(internal::RecordsT3(ConditionOperator::kStringLike, row.kind), row.string_compared);
    EXPECT_FALSE(internal::RecordsT3(ConditionOperator::kNumericEquals, row.kind));
  }
}

TEST(SemanticsTest, UnknownKeysRecordK2OrA6) {
  DecisionId id = DecisionId::kCount;
  EXPECT_TRUE(internal::UnknownKeyNote("aws:sourceip", &id));
  EXPECT_EQ(id, DecisionId::kK2);
  EXPECT_TRUE(internal::UnknownKeyNote("AWS:SourceVpce", &id));
  EXPECT_EQ(id, DecisionId::kA6);
  EXPECT_FALSE(internal::UnknownKeyNote("acme:Thing", &id));
  EXPECT_TRUE(internal::IsCaseNearMissKey("VPC-LATTICE-SVCS:RequestHeader/x"));
  EXPECT_FALSE(internal::IsCaseNearMissKey("vpc-lattice-svcs:Nope"));
}

TEST(SemanticsTest, LogKnowledgeColumn) {
  EXPECT_TRUE(internal::KeyUnknowableInLogs(
      ResolveConditionKey("vpc-lattice-svcs:RequestQueryString/q"), false));
  EXPECT_FALSE(internal::KeyUnknowableInLogs(
      ResolveConditionKey("vpc-lattice-svcs:RequestHeader/host"), false));
  EXPECT_FALSE(internal::KeyUnknowableInLogs(
      ResolveConditionKey("vpc-lattice-svcs:RequestHeader/user-agent"), false));
  EXPECT_TRUE(internal::KeyUnknowableInLogs(
      ResolveConditionKey("vpc-lattice-svcs:RequestHeader/user"), false));
  EXPECT_TRUE(internal::KeyUnknowableInLogs(ResolveConditionKey("aws:PrincipalArn"), true));
  EXPECT_FALSE(internal::KeyUnknowableInLogs(ResolveConditionKey("aws:PrincipalArn"), false));
  EXPECT_FALSE(internal::KeyUnknowableInLogs(ResolveConditionKey("acme:Thing"), true));
  // L4: the source IP is known when the record has a source address.
  internal::LogRecordFacts facts;
  EXPECT_TRUE(internal::KeyUnknowableInLogs(ResolveConditionKey("aws:SourceIp"), false));
  EXPECT_TRUE(internal::KeyUnknowableInLogRecord(ResolveConditionKey("aws:SourceIp"), facts));
  facts.source_ip = true;
  EXPECT_FALSE(internal::KeyUnknowableInLogRecord(ResolveConditionKey("aws:SourceIp"), facts));
  EXPECT_FALSE(internal::KeyUnknowableInLogRecord(ResolveConditionKey("aws:PrincipalArn"), facts));
  facts.assumed_role = true;
  EXPECT_TRUE(internal::KeyUnknowableInLogRecord(ResolveConditionKey("aws:PrincipalArn"), facts));
  // An anonymous caller has no principal: its principal keys are known.
  internal::LogRecordFacts anonymous;
  anonymous.anonymous = true;
  EXPECT_TRUE(internal::KeyUnknowableInLogRecord(ResolveConditionKey("aws:PrincipalTag/team"), {}));
  EXPECT_FALSE(
      internal::KeyUnknowableInLogRecord(ResolveConditionKey("aws:PrincipalTag/team"), anonymous));
  EXPECT_TRUE(internal::KeyUnknowableInLogRecord(
      ResolveConditionKey("vpc-lattice-svcs:RequestQueryString/q"), anonymous));
}

// The compiled matcher reads the same ordering column as the reference.
TEST(SemanticsTest, OrderingAgreesAcrossEvaluators) {
  Request r = testing::InvokeRequest();
  for (const OperatorRow& row : OperatorTable()) {
    if (row.family != OperatorFamily::kNumeric) continue;
    for (const char* policy_value : {"442", "443", "444"}) {
      const PolicyDocument doc = testing::MakeDocument({[&] {
        Statement s = testing::StarStatement();
        s.conditions.push_back(
            testing::MakeCondition(row.name, "vpc-lattice-svcs:Port", {policy_value}));
        return s;
      }()});
      const Decision ref = EvaluateReference(doc, r.view()).decision;
      auto compiled = Compile(doc);
      ASSERT_TRUE(compiled.ok());
      EXPECT_EQ(Evaluate(**compiled, r.view()).kind, ref.kind) << row.name << " " << policy_value;
    }
  }
}

// Decision says which kind of uncertainty it carries: the reference's exact
// ids or the compiled path's "maybe" flag (aws:SourceIp records A4).
TEST(SemanticsTest, DecisionSaysExactIdsOrMaybe) {
  const PolicyDocument doc = testing::MakeDocument({[] {
    Statement s = testing::StarStatement();
    s.conditions.push_back(testing::MakeCondition("IpAddress", "aws:SourceIp", {"10.0.0.0/8"}));
    return s;
  }()});
  Request r = testing::InvokeRequest();
  r.source_ip = "10.1.2.3";
  const Decision ref = EvaluateReference(doc, r.view()).decision;
  EXPECT_FALSE(ref.uncertain_is_maybe());
  EXPECT_EQ(ref.exact_ids(), Bit(DecisionId::kA4));
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  const Decision fast = Evaluate(**compiled, r.view());
  EXPECT_EQ(fast.kind, ref.kind);
  EXPECT_TRUE(fast.uncertain_is_maybe());
  EXPECT_EQ(fast.exact_ids(), 0u);
}

}  // namespace
}  // namespace latticepol
