// File: tests/unit/policy_test.cc
// Stage: AST. Operator and condition-key tables, and PolicyToJson round trips
// (serialise -> parse gives an equal document, on one line).
#include "latticepol/policy.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/parse.h"

namespace latticepol {
namespace {

using ::testing::ElementsAre;

// ---- Operators -------------------------------------------------------------

TEST(OperatorTest, NamesFamiliesAndNegation) {
  std::set<std::string_view> names;
  for (int i = 0; i < kConditionOperatorCount; ++i) {
    const auto op = static_cast<ConditionOperator>(i);
    names.insert(OperatorName(op));
    // Negated operators are exactly the ones with "Not" in their name.
    EXPECT_EQ(IsNegated(op), OperatorName(op).find("Not") != std::string_view::npos)
        << OperatorName(op);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kConditionOperatorCount));
  EXPECT_EQ(OperatorName(ConditionOperator::kStringEquals), "StringEquals");
  EXPECT_EQ(OperatorName(ConditionOperator::kNumericGreaterThanEquals), "NumericGreaterThanEquals");
  EXPECT_EQ(OperatorName(ConditionOperator::kNotIpAddress), "NotIpAddress");
  EXPECT_EQ(OperatorName(ConditionOperator::kNull), "Null");
  EXPECT_EQ(FamilyOf(ConditionOperator::kStringNotLike), OperatorFamily::kString);
  EXPECT_EQ(FamilyOf(ConditionOperator::kNumericLessThan), OperatorFamily::kNumeric);
  EXPECT_EQ(FamilyOf(ConditionOperator::kDateEquals), OperatorFamily::kDate);
  EXPECT_EQ(FamilyOf(ConditionOperator::kBool), OperatorFamily::kBool);
  EXPECT_EQ(FamilyOf(ConditionOperator::kBinaryEquals), OperatorFamily::kBinary);
  EXPECT_EQ(FamilyOf(ConditionOperator::kIpAddress), OperatorFamily::kIp);
  EXPECT_EQ(FamilyOf(ConditionOperator::kArnNotLike), OperatorFamily::kArn);
  EXPECT_EQ(FamilyOf(ConditionOperator::kNull), OperatorFamily::kNull);
  EXPECT_TRUE(IsNegated(ConditionOperator::kArnNotEquals));
  EXPECT_TRUE(IsNegated(ConditionOperator::kDateNotEquals));
  EXPECT_FALSE(IsNegated(ConditionOperator::kNull));
  EXPECT_FALSE(IsNegated(ConditionOperator::kBool));
}

// ---- Condition keys (docs/semantics.md §2, DECISION K2) ------------------------------------

struct KeyCase {
  const char* name;
  KeyKind kind;
  const char* suffix;
};

const KeyCase kKeyCases[] = {
    {"vpc-lattice-svcs:Port", KeyKind::kPort, ""},
    {"vpc-lattice-svcs:RequestMethod", KeyKind::kRequestMethod, ""},
    {"vpc-lattice-svcs:RequestPath", KeyKind::kRequestPath, ""},
    {"vpc-lattice-svcs:RequestHeader/content-type", KeyKind::kRequestHeader, "content-type"},
    // H1: the header suffix is kept exactly (an uppercase one never matches).
    {"vpc-lattice-svcs:RequestHeader/X-Team", KeyKind::kRequestHeader, "X-Team"},
    {"vpc-lattice-svcs:RequestQueryString/q", KeyKind::kRequestQueryString, "q"},
    // Q1: query keys are case-sensitive; a slash inside the suffix is literal.
    {"vpc-lattice-svcs:RequestQueryString/Q/x", KeyKind::kRequestQueryString, "Q/x"},
    {"vpc-lattice-svcs:ServiceArn", KeyKind::kServiceArn, ""},
    {"vpc-lattice-svcs:ServiceNetworkArn", KeyKind::kServiceNetworkArn, ""},
    {"vpc-lattice-svcs:SourceVpc", KeyKind::kSourceVpc, ""},
    {"vpc-lattice-svcs:SourceVpcOwnerAccount", KeyKind::kSourceVpcOwnerAccount, ""},
    {"aws:PrincipalType", KeyKind::kPrincipalType, ""},
    {"aws:PrincipalArn", KeyKind::kPrincipalArn, ""},
    {"aws:PrincipalAccount", KeyKind::kPrincipalAccount, ""},
    {"aws:PrincipalOrgID", KeyKind::kPrincipalOrgId, ""},
    {"aws:PrincipalOrgPaths", KeyKind::kPrincipalOrgPaths, ""},
    // K2: tag-key suffixes compare case-insensitively, so they are lowered.
    {"aws:PrincipalTag/Team", KeyKind::kPrincipalTag, "team"},
    {"aws:PrincipalIsAWSService", KeyKind::kPrincipalIsAwsService, ""},
    {"aws:ResourceTag/Env", KeyKind::kResourceTag, "env"},
    {"aws:SourceIp", KeyKind::kSourceIp, ""},
    {"aws:CurrentTime", KeyKind::kCurrentTime, ""},
    {"aws:EpochTime", KeyKind::kEpochTime, ""},
    // Anything not spelled canonically is unknown.
    {"vpc-lattice-svcs:requestmethod", KeyKind::kUnknown, ""},
    {"VPC-LATTICE-SVCS:RequestMethod", KeyKind::kUnknown, ""},
    {"vpc-lattice-svcs:requestQueryString/q", KeyKind::kUnknown, ""},
    {"aws:principaltag/Team", KeyKind::kUnknown, ""},
    {"aws:PrincipalOrgId", KeyKind::kUnknown, ""},
    {"aws:SourceVpc", KeyKind::kUnknown, ""},
    {"vpc-lattice-svcs:RequestHeader/", KeyKind::kUnknown, ""},
    {"vpc-lattice-svcs:RequestHeader", KeyKind::kUnknown, ""},
    {"vpc-lattice-svcs:Port/80", KeyKind::kUnknown, ""},
    {"", KeyKind::kUnknown, ""},
};

class ResolveConditionKeyTest : public testing::TestWithParam<KeyCase> {};

TEST_P(ResolveConditionKeyTest, Resolves) {
  const KeyCase& c = GetParam();
  const ConditionKey key = ResolveConditionKey(c.name);
  EXPECT_EQ(key.kind, c.kind) << c.name;
  EXPECT_EQ(key.suffix, c.suffix) << c.name;
  EXPECT_EQ(key.name, c.name);
}

INSTANTIATE_TEST_SUITE_P(Table, ResolveConditionKeyTest, testing::ValuesIn(kKeyCases));

TEST(ConditionKeyTest, MultiValuedKeys) {
  EXPECT_TRUE(IsMultiValued(KeyKind::kRequestQueryString));
  EXPECT_TRUE(IsMultiValued(KeyKind::kPrincipalOrgPaths));
  EXPECT_FALSE(IsMultiValued(KeyKind::kRequestHeader));
  EXPECT_FALSE(IsMultiValued(KeyKind::kPrincipalTag));
  EXPECT_FALSE(IsMultiValued(KeyKind::kUnknown));
}

// ---- PolicyToJson --------------------------------------------------------------

// Compares everything but source_size (the serialisation is minified).
void ExpectSameDocument(const PolicyDocument& a, const PolicyDocument& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.has_version, b.has_version);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.is_identity_policy, b.is_identity_policy);
  ASSERT_EQ(a.statements.size(), b.statements.size());
  for (size_t i = 0; i < a.statements.size(); ++i) {
    const Statement& x = a.statements[i];
    const Statement& y = b.statements[i];
    EXPECT_EQ(x.index, y.index);
    EXPECT_EQ(x.sid, y.sid);
    EXPECT_EQ(x.effect, y.effect);
    EXPECT_EQ(x.pointer, y.pointer);
    EXPECT_EQ(x.not_principal, y.not_principal);
    EXPECT_EQ(x.principal.wildcard, y.principal.wildcard);
    EXPECT_EQ(x.principal.aws, y.principal.aws);
    EXPECT_EQ(x.principal.service, y.principal.service);
    EXPECT_EQ(x.principal.federated, y.principal.federated);
    EXPECT_EQ(x.principal.canonical_user, y.principal.canonical_user);
    EXPECT_EQ(x.not_action, y.not_action);
    EXPECT_EQ(x.actions, y.actions);
    EXPECT_EQ(x.not_resource, y.not_resource);
    EXPECT_EQ(x.resources, y.resources);
    ASSERT_EQ(x.conditions.size(), y.conditions.size());
    for (size_t j = 0; j < x.conditions.size(); ++j) {
      const Condition& c = x.conditions[j];
      const Condition& d = y.conditions[j];
      EXPECT_EQ(c.op, d.op);
      EXPECT_EQ(c.set, d.set);
      EXPECT_EQ(c.if_exists, d.if_exists);
      EXPECT_EQ(c.operator_name, d.operator_name);
      EXPECT_EQ(c.key.kind, d.key.kind);
      EXPECT_EQ(c.key.name, d.key.name);
      EXPECT_EQ(c.key.suffix, d.key.suffix);
      EXPECT_EQ(c.values, d.values);
      EXPECT_EQ(c.has_type_error, d.has_type_error);
      EXPECT_EQ(c.pointer, d.pointer);
    }
  }
}

struct RoundTripCase {
  const char* name;
  const char* policy;
  bool strict;
  bool identity;
};

const RoundTripCase kRoundTrips[] = {
    {"seed",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowBlue","Effect":"Allow","Principal":"*",)"
     R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{)"
     R"("vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue",)"
     R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}},{"Sid":"AllowGreen","Effect":)"
     R"("Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{)"
     R"("StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":)"
     R"("green","vpc-lattice-svcs:SourceVpcOwnerAccount":"222222222222"}}}]})",
     true, false},
    {"pretty_single_statement_object",
     "{\n  \"Id\": \"x\",\n  \"Statement\": {\"Effect\": \"Deny\", \"Principal\": {\"AWS\": \"*\"},\n"
     "  \"NotAction\": [\"vpc-lattice-svcs:Connect\"], \"NotResource\": [\"*/public/*\", \"*/x\"]}\n}\n",
     false, false},
    {"principal_forms",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*","111122223333",)"
     R"("arn:aws:iam::111122223333:role/app"],"Service":"lambda.amazonaws.com"},"Action":["*"],)"
     R"("Resource":["arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0/*"]},)"
     R"({"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}]})",
     true, false},
    {"lenient_principals_and_type_errors",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"f",)"
     R"("CanonicalUser":["c1","c2"]},"Action":"*","Resource":"*","Condition":{"NumericEquals":)"
     R"({"vpc-lattice-svcs:Port":["eighty",80]},"StringEquals":{"vpc-lattice-svcs:requestmethod":"GET"}}}]})",
     false, false},
    {"conditions_every_form",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
     R"("Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"vpc-lattice-svcs:RequestQueryString/t":)"
     R"(["a*","b"]},"ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":"o-1/"},"Null":{"aws:PrincipalArn":true},)"
     R"("Bool":{"aws:PrincipalIsAWSService":false},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},)"
     R"("StringEquals":{"vpc-lattice-svcs:RequestHeader/x~y/z":"1","aws:PrincipalTag/Team":"\"q\"\\\u00e9"}}}]})",
     true, false},
    {"identity_policy",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"vpc-lattice-svcs:Invoke",)"
     R"("Resource":"*"}]})",
     true, true},
    {"empty_statement_list", R"({"Version":"2012-10-17","Statement":[]})", true, false},
};

class PolicyToJsonTest : public testing::TestWithParam<RoundTripCase> {};

TEST_P(PolicyToJsonTest, RoundTripsToAnEqualDocumentOnOneLine) {
  const RoundTripCase& c = GetParam();
  ParseOptions options;
  options.strict = c.strict;
  options.identity_policy = c.identity;
  const ParseResult first = ParsePolicy(c.policy, options);
  ASSERT_TRUE(first.ok()) << FormatIssues(first.issues, c.name);
  const std::string json = PolicyToJson(first.doc);
  EXPECT_EQ(json.find('\n'), std::string::npos) << json;
  EXPECT_EQ(json.find(": "), std::string::npos) << "not minified: " << json;
  const ParseResult second = ParsePolicy(json, options);
  ASSERT_TRUE(second.ok()) << json << "\n" << FormatIssues(second.issues, "round trip");
  ExpectSameDocument(first.doc, second.doc);
  // Serialising is a fixed point.
  EXPECT_EQ(PolicyToJson(second.doc), json);
}

INSTANTIATE_TEST_SUITE_P(Table, PolicyToJsonTest, testing::ValuesIn(kRoundTrips),
                         [](const testing::TestParamInfo<RoundTripCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(PolicyToJsonTest, CanonicalElementOrderAndForms) {
  const ParseResult r = ParsePolicy(
      R"({"Statement":[{"Condition":{"StringEquals":{"aws:PrincipalType":"User"}},"Resource":"*",)"
      R"("Action":"*","Principal":{"AWS":"*"},"Effect":"Allow","Sid":"S1"}],"Id":"i","Version":"2012-10-17"})");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "p");
  EXPECT_EQ(PolicyToJson(r.doc),
            R"({"Version":"2012-10-17","Id":"i","Statement":[{"Sid":"S1","Effect":"Allow",)"
            R"("Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":)"
            R"({"aws:PrincipalType":"User"}}}]})");
}

TEST(PolicyToJsonTest, HandBuiltDocument) {
  PolicyDocument doc;
  doc.version = PolicyVersion::k2012_10_17;
  doc.has_version = true;
  Statement st;
  st.effect = Effect::kDeny;
  st.principal.aws = {"111122223333", "777788889999"};
  st.actions = {"vpc-lattice-svcs:Invoke"};
  st.resources = {"*"};
  Condition c;
  c.op = ConditionOperator::kStringNotEquals;
  c.set = SetQualifier::kForAnyValue;
  c.if_exists = true;  // operator_name left empty: composed from the parts
  c.key = ResolveConditionKey("vpc-lattice-svcs:RequestQueryString/q");
  c.values = {"blue", "green"};
  st.conditions.push_back(c);
  st.pointer = "/Statement/0";
  doc.statements.push_back(st);
  const std::string json = PolicyToJson(doc);
  EXPECT_EQ(json,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":)"
            R"(["111122223333","777788889999"]},"Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
            R"("Condition":{"ForAnyValue:StringNotEqualsIfExists":{"vpc-lattice-svcs:RequestQueryString/q":)"
            R"(["blue","green"]}}}]})");
  const ParseResult r = ParsePolicy(json);
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "p");
  ASSERT_EQ(r.doc.statements[0].conditions.size(), 1u);
  EXPECT_EQ(r.doc.statements[0].conditions[0].set, SetQualifier::kForAnyValue);
  EXPECT_TRUE(r.doc.statements[0].conditions[0].if_exists);
  EXPECT_THAT(r.doc.statements[0].conditions[0].values, ElementsAre("blue", "green"));
}

TEST(PolicyToJsonTest, InvalidUtf8DoesNotThrow) {
  PolicyDocument doc;
  Statement st;
  st.sid = "bad\xFF";
  st.principal.wildcard = true;
  st.actions = {"*"};
  st.resources = {"*"};
  doc.statements.push_back(st);
  const std::string json = PolicyToJson(doc);
  EXPECT_NE(json.find("\"Sid\":\"bad"), std::string::npos) << json;
}

}  // namespace
}  // namespace latticepol
