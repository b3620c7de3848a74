// File: tests/unit/tricky_cases_test.cc
// Stage: parse -> evaluate (reference and compiled). Every row (1-57) of
// docs/semantics.md §7, "Worked cases", as a test: the policy text goes through
// ParsePolicy, the request through Request::view(), and the reference
// decision must match the table (the compiled matcher must agree). Rows
// marked "(uncertain)" must also report a DECISION id. The rows after 57
// pin the places where latticepol follows the AWS docs rather than an earlier
// reading (docs/semantics.md D1, D2).
//
// Shorthand as in docs/semantics.md §7: A* = {Allow, Principal "*", Action
// vpc-lattice-svcs:Invoke, Resource "*"}; SEED = the blue/green policy;
// accounts blue 1111..., green 7777..., other 9999..., owner 4444....
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using ::latticepol::testing::AStar;
using ::latticepol::testing::InvokeRequest;
using ::latticepol::testing::MustParse;
using ::latticepol::testing::PolicyJson;
using ::latticepol::testing::RoleB;

constexpr DecisionKind kAllow = DecisionKind::kAllow;
constexpr DecisionKind kXDeny = DecisionKind::kExplicitDeny;
constexpr DecisionKind kIDeny = DecisionKind::kImplicitDeny;

const std::string kSvc(testing::kServiceArn);
const std::string kBlue(testing::kBlueAccount);
const std::string kGreen(testing::kGreenAccount);
const std::string kOther(testing::kOtherAccount);

ParseOptions Lenient() {
  ParseOptions o;
  o.strict = false;
  return o;
}

std::string SeedStatement(const std::string& sid, const std::string& q,
                          const std::string& owner) {
  return "{\"Sid\":\"" + sid +
         "\",\"Effect\":\"Allow\",\"Principal\":\"*\","
         "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEquals\":{"
         "\"vpc-lattice-svcs:RequestMethod\":\"GET\","
         "\"vpc-lattice-svcs:RequestQueryString/q\":\"" +
         q + "\",\"vpc-lattice-svcs:SourceVpcOwnerAccount\":\"" + owner +
         "\"}}}";
}

const std::string& Seed() {
  static const std::string* seed = new std::string(PolicyJson(
      {SeedStatement("AllowBlue", "blue", "111122223333"),
       SeedStatement("AllowGreen", "green", "777788889999")}));
  return *seed;
}

// `{"StringEquals":{key:value}}` style condition text.
std::string Cond(const std::string& op, const std::string& key,
                 const std::string& json_value) {
  return "\"Condition\":{\"" + op + "\":{\"" + key + "\":" + json_value + "}}";
}

std::string Q(const std::string& s) { return "\"" + s + "\""; }

struct Expect {
  DecisionKind kind;
  bool uncertain = false;  // the table says "(uncertain)"
};

// Evaluates `policy` for `request`, checks the decision and, if asked, that
// some DECISION id was recorded.
void Check(const std::string& policy, const Request& request, Expect expect,
           const ParseOptions& options = {}) {
  SCOPED_TRACE(policy);
  const PolicyDocument doc = MustParse(policy, options);
  const Evaluation ev = EvaluateReference(doc, request.view());
  EXPECT_EQ(DecisionName(ev.decision.kind), DecisionName(expect.kind));
  if (expect.uncertain) {
    EXPECT_NE(ev.decision.uncertain, 0u) << "expected an uncertain decision";
  }
  // The compiled matcher agrees, and flags every uncertain decision.
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const Decision fast = Evaluate(**compiled, request.view());
  EXPECT_EQ(DecisionName(fast.kind), DecisionName(ev.decision.kind));
  EXPECT_EQ(fast.statement, ev.decision.statement);
  if (ev.decision.uncertain != 0) {
    EXPECT_NE(fast.uncertain, 0u);
  }
  // The deciding statement is consistent with the kind.
  if (ev.decision.kind == kIDeny) {
    EXPECT_EQ(ev.decision.statement, -1);
  } else {
    ASSERT_GE(ev.decision.statement, 0);
    ASSERT_LT(static_cast<size_t>(ev.decision.statement), ev.statements.size());
    EXPECT_TRUE(ev.statements[ev.decision.statement].applies);
  }
}

Request Blue() { return InvokeRequest(kBlue); }
Request Anon() { return InvokeRequest(kBlue, std::nullopt); }

Request WithQuery(Request r, const std::string& raw) {
  r.AppendRawQuery(raw);
  return r;
}

Request WithPath(Request r, const std::string& path) {
  r.path = path;
  return r;
}

Request WithHeader(Request r, const std::string& name, const std::string& v) {
  r.AddHeader(name, v);
  return r;
}

Request Connect(Request r) {
  r.action = std::string(kConnectAction);
  return r;
}

// ---- SEED rows 1-10 -------------------------------------------------------------

TEST(TrickyCasesTest, Row01_SeedBlueAllowed) {
  Check(Seed(), WithQuery(Blue(), "q=blue"), {kAllow});
  const Evaluation ev = EvaluateReference(MustParse(Seed()),
                                          WithQuery(Blue(), "q=blue").view());
  EXPECT_EQ(ev.decision.statement, 0);
}

TEST(TrickyCasesTest, Row02_SeedBlueOwnerGreenQuery) {
  Check(Seed(), WithQuery(Blue(), "q=green"), {kIDeny});
}

TEST(TrickyCasesTest, Row03_SeedGreenAllowedBySecondStatement) {
  Check(Seed(), WithQuery(InvokeRequest(kGreen), "q=green"), {kAllow});
  const Evaluation ev = EvaluateReference(
      MustParse(Seed()), WithQuery(InvokeRequest(kGreen), "q=green").view());
  EXPECT_EQ(ev.decision.statement, 1);
}

TEST(TrickyCasesTest, Row04_SeedPostDenied) {
  Request r = WithQuery(Blue(), "q=blue");
  r.method = "POST";
  Check(Seed(), r, {kIDeny});
}

TEST(TrickyCasesTest, Row05_SeedNoQueryDenied) {
  Check(Seed(), Blue(), {kIDeny});
}

TEST(TrickyCasesTest, Row06_SeedValueCaseSensitive) {
  Check(Seed(), WithQuery(Blue(), "q=BLUE"), {kIDeny});
}

TEST(TrickyCasesTest, Row07_SeedRepeatedQueryKeyUncertain) {
  Check(Seed(), WithQuery(Blue(), "q=blue&q=blue"), {kIDeny, true});
}

TEST(TrickyCasesTest, Row08_SeedQueryKeyCaseSensitiveUncertain) {
  Check(Seed(), WithQuery(Blue(), "Q=blue"), {kIDeny, true});
}

TEST(TrickyCasesTest, Row09_SeedTestsVpcOwnerNotCaller) {
  // roleB (account 1111...) calling from a green-owned VPC.
  Check(Seed(), WithQuery(InvokeRequest(kGreen, RoleB()), "q=green"), {kAllow});
}

TEST(TrickyCasesTest, Row10_SeedAnyServiceNetwork) {
  Request r = WithQuery(Blue(), "q=blue");
  r.service_network_arn = std::string(testing::kNetworkArnB);
  Check(Seed(), r, {kAllow});
}

// ---- Statements, actions, resources: rows 11-24 -----------------------------------

TEST(TrickyCasesTest, Row11_DenyWinsRegardlessOfOrder) {
  const std::string deny_all =
      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}";
  Check(PolicyJson({AStar(), deny_all}), Blue(), {kXDeny});
  Check(PolicyJson({deny_all, AStar()}), Blue(), {kXDeny});
  Check(PolicyJson({AStar(), deny_all}), Anon(), {kXDeny});
}

TEST(TrickyCasesTest, Row12_InertDeny) {
  const std::string deny = AStar(
      Cond("StringEquals", "vpc-lattice-svcs:RequestMethod", Q("DELETE")), "Deny");
  Check(PolicyJson({deny, AStar()}), Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row13_EmptyStatement) {
  Check("{\"Version\":\"2012-10-17\",\"Statement\":[]}", Blue(), {kIDeny});
  Check("{\"Version\":\"2012-10-17\",\"Statement\":[]}", Anon(), {kIDeny});
}

std::string WithAction(const std::string& action,
                       const std::string& resource = "*") {
  return "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" + action +
         "\",\"Resource\":\"" + resource + "\"}";
}

TEST(TrickyCasesTest, Row14_ActionIgnoresCase) {
  Check(PolicyJson({WithAction("VPC-LATTICE-SVCS:invoke")}), Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row15_ManagementPrefixNeverMatches) {
  Check(PolicyJson({WithAction("vpc-lattice:*")}), Blue(), {kIDeny});
}

TEST(TrickyCasesTest, Row16_NotActionExcludesInvoke) {
  const std::string deny =
      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"vpc-lattice-svcs:Invoke\","
      "\"Resource\":\"*\"}";
  Check(PolicyJson({deny, AStar()}), Blue(), {kAllow});
}

std::string WithResource(const std::string& resource) {
  return WithAction("vpc-lattice-svcs:Invoke", resource);
}

TEST(TrickyCasesTest, Row17_BareServiceArnDoesNotMatchInvoke) {
  Check(PolicyJson({WithResource(kSvc)}), WithPath(Blue(), "/"), {kIDeny});
}

TEST(TrickyCasesTest, Row18_ServiceArnSlashStar) {
  Check(PolicyJson({WithResource(kSvc + "/*")}), WithPath(Blue(), "/"), {kAllow});
}

TEST(TrickyCasesTest, Row19_NoImplicitPrefixMatch) {
  Check(PolicyJson({WithResource(kSvc + "/rates")}),
        WithPath(Blue(), "/rates/today"), {kIDeny});
}

TEST(TrickyCasesTest, Row20_WholeStringGlob) {
  Check(PolicyJson({WithResource("*/rates")}), WithPath(Blue(), "/rates"),
        {kAllow});
}

TEST(TrickyCasesTest, Row21_ResourceCaseSensitive) {
  Check(PolicyJson({WithResource(kSvc + "/Rates")}), WithPath(Blue(), "/rates"),
        {kIDeny});
}

TEST(TrickyCasesTest, Row22_ResourceAccountIsOwner) {
  Check(PolicyJson({WithResource(
            "arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0/*")}),
        Blue(), {kIDeny});
}

TEST(TrickyCasesTest, Row23_ServiceNetworkResourceUncertain) {
  // Strict mode rejects the pattern (lint error); lenient evaluates it.
  const std::string policy = PolicyJson({WithResource(
      "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0/*")});
  EXPECT_FALSE(ParsePolicy(policy).ok());
  Check(policy, Blue(), {kIDeny, true}, Lenient());
  Check(policy, Anon(), {kIDeny, true}, Lenient());
}

TEST(TrickyCasesTest, Row24_NotResourceCoversUnlisted) {
  const std::string deny =
      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\","
      "\"NotResource\":\"" + kSvc + "/public/*\"}";
  Check(PolicyJson({deny, AStar()}), WithPath(Blue(), "/private/x"), {kXDeny});
  Check(PolicyJson({deny, AStar()}), WithPath(Blue(), "/public/x"), {kAllow});
}

// ---- Principals: rows 25-28 --------------------------------------------------------

std::string WithPrincipal(const std::string& principal_json) {
  return "{\"Effect\":\"Allow\",\"Principal\":" + principal_json +
         ",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}";
}

TEST(TrickyCasesTest, Row25_AccountPrincipalNeverAnonymous) {
  const std::string p = PolicyJson({WithPrincipal("{\"AWS\":\"111122223333\"}")});
  Check(p, Anon(), {kIDeny});
  Check(p, Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row26_RootArnIsWholeAccount) {
  Check(PolicyJson({WithPrincipal("{\"AWS\":\"arn:aws:iam::111122223333:root\"}")}),
        Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row27_AwsStarIncludesAnonymous) {
  Check(PolicyJson({WithPrincipal("{\"AWS\":\"*\"}")}), Anon(), {kAllow});
}

TEST(TrickyCasesTest, Row28_ServicePrincipalNeverMatchesRole) {
  Principal lambda_role = RoleB();
  lambda_role.arn = "arn:aws:iam::111122223333:role/lambda-exec";
  lambda_role.session_arn =
      "arn:aws:sts::111122223333:assumed-role/lambda-exec/my-function";
  Check(PolicyJson({WithPrincipal("{\"Service\":\"lambda.amazonaws.com\"}")}),
        InvokeRequest(kBlue, lambda_role), {kIDeny});
}

// ---- Condition keys and operators: rows 29-52 -------------------------------------

TEST(TrickyCasesTest, Row29_PrincipalTypeAnonymous) {
  const std::string p = PolicyJson({AStar(
      Cond("StringNotEqualsIgnoreCase", "aws:PrincipalType", Q("anonymous")))});
  Check(p, Anon(), {kIDeny});
  Check(p, Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row30_OrgIdAbsentForAnonymous) {
  Check(PolicyJson({AStar(Cond("StringEquals", "aws:PrincipalOrgID", Q("o-abc123")))}),
        Anon(), {kIDeny});
}

TEST(TrickyCasesTest, Row31_ForAllValuesVacuous) {
  Check(PolicyJson({AStar(Cond("ForAllValues:StringEquals", "aws:PrincipalOrgID",
                               Q("o-abc123")))}),
        Anon(), {kAllow});
}

TEST(TrickyCasesTest, Row32_NullTestsPresence) {
  const std::string p =
      PolicyJson({AStar(Cond("Null", "aws:PrincipalArn", Q("true")))});
  Check(p, Anon(), {kAllow});
  Check(p, Blue(), {kIDeny});
}

TEST(TrickyCasesTest, Row33_NegatedAbsentIsTrue) {
  Check(PolicyJson({AStar(Cond("StringNotEquals",
                               "vpc-lattice-svcs:RequestHeader/x-debug", Q("1")))}),
        Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row34_NegatedListIsNor) {
  const std::string deny = AStar(
      Cond("StringNotEquals", "vpc-lattice-svcs:SourceVpcOwnerAccount",
           "[\"111122223333\",\"777788889999\"]"),
      "Deny");
  const std::string p = PolicyJson({deny, AStar()});
  Check(p, InvokeRequest(kOther), {kXDeny});
  Check(p, InvokeRequest(kGreen), {kAllow});
  Check(p, InvokeRequest(kBlue), {kAllow});
}

TEST(TrickyCasesTest, Row35_NegatedIfExistsDenyOnMissing) {
  const std::string deny = AStar(
      Cond("StringNotEqualsIfExists", "vpc-lattice-svcs:RequestHeader/x-env",
           Q("prod")),
      "Deny");
  Check(PolicyJson({deny, AStar()}), Blue(), {kXDeny});
  Check(PolicyJson({deny, AStar()}), WithHeader(Blue(), "x-env", "prod"), {kAllow});
}

TEST(TrickyCasesTest, Row36_PositiveIfExistsDenyOnMissing) {
  const std::string deny = AStar(
      Cond("StringEqualsIfExists", "vpc-lattice-svcs:RequestHeader/x-block", Q("yes")),
      "Deny");
  Check(PolicyJson({deny, AStar()}), Blue(), {kXDeny});
  Check(PolicyJson({deny, AStar()}), WithHeader(Blue(), "x-block", "no"), {kAllow});
}

TEST(TrickyCasesTest, Row37_IfExistsComparesPresentKey) {
  Check(PolicyJson({AStar(Cond("StringEqualsIfExists",
                               "vpc-lattice-svcs:RequestHeader/x-team", Q("blue")))}),
        WithHeader(Blue(), "x-team", "red"), {kIDeny});
}

TEST(TrickyCasesTest, Row38_LikeNeedsExplicitWildcard) {
  const std::string p = PolicyJson(
      {AStar(Cond("StringLike", "vpc-lattice-svcs:RequestPath", Q("/api/*")))});
  Check(p, WithPath(Blue(), "/api"), {kIDeny});
  Check(p, WithPath(Blue(), "/api/"), {kAllow});
}

TEST(TrickyCasesTest, Row39_QuestionIsOneCharacter) {
  const std::string p = PolicyJson(
      {AStar(Cond("StringLike", "vpc-lattice-svcs:RequestPath", Q("/v?/items")))});
  Check(p, WithPath(Blue(), "/v10/items"), {kIDeny});
  Check(p, WithPath(Blue(), "/v1/items"), {kAllow});
}

TEST(TrickyCasesTest, Row40_ArnLikeGlobsFieldsSeparately) {
  Check(PolicyJson({AStar(Cond("ArnLike", "vpc-lattice-svcs:ServiceArn",
                               Q("arn:aws:vpc-lattice:*:service/*")))}),
        Blue(), {kIDeny});
}

TEST(TrickyCasesTest, Row41_StringLikeStarCrossesColons) {
  Check(PolicyJson({AStar(Cond("StringLike", "vpc-lattice-svcs:ServiceArn",
                               Q("arn:aws:vpc-lattice:*:service/*")))}),
        Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row42_ForAllValuesSubset) {
  const std::string p = PolicyJson({AStar(
      Cond("ForAllValues:StringEquals", "vpc-lattice-svcs:RequestQueryString/tag",
           "[\"a\",\"b\"]"))});
  Check(p, WithQuery(Blue(), "tag=a&tag=c"), {kIDeny});
  Check(p, Blue(), {kAllow});
  Check(p, WithQuery(Blue(), "tag=b&tag=a"), {kAllow});
}

TEST(TrickyCasesTest, Row43_ForAnyValueAbsentIsFalse) {
  Check(PolicyJson({AStar(Cond("ForAnyValue:StringEquals",
                               "vpc-lattice-svcs:RequestQueryString/tag", "[\"a\"]"))}),
        Blue(), {kIDeny});
}

TEST(TrickyCasesTest, Row44_ForAnyValueAnyValueHits) {
  const std::string deny = AStar(
      Cond("ForAnyValue:StringEquals", "vpc-lattice-svcs:RequestQueryString/debug",
           "[\"true\"]"),
      "Deny");
  Check(PolicyJson({deny, AStar()}), WithQuery(Blue(), "debug=false&debug=true"),
        {kXDeny});
}

std::string OwnerIsCaller(const std::string& version) {
  return PolicyJson({AStar(Cond("StringEquals",
                                "vpc-lattice-svcs:SourceVpcOwnerAccount",
                                Q("${aws:PrincipalAccount}")))},
                    version);
}

TEST(TrickyCasesTest, Row45_VariableResolvesToCallerAccount) {
  Check(OwnerIsCaller("2012-10-17"), InvokeRequest(kGreen, RoleB()), {kIDeny});
  Check(OwnerIsCaller("2012-10-17"), InvokeRequest(kBlue, RoleB()), {kAllow});
}

TEST(TrickyCasesTest, Row46_AnonymousAccountVariableEqualsNoOwner) {
  // An earlier reading said the variable is unresolvable; per the IAM docs it resolves
  // to `anonymous` (D2), which equals no VPC owner account either way.
  Check(OwnerIsCaller("2012-10-17"), Anon(), {kIDeny, true});
}

TEST(TrickyCasesTest, Row47_VariableLiteralUnder2008) {
  Check(OwnerIsCaller("2008-10-17"), InvokeRequest(kBlue, RoleB()), {kIDeny});
}

TEST(TrickyCasesTest, Row48_EscapedStarIsLiteral) {
  const std::string p = PolicyJson({AStar(
      Cond("StringLike", "vpc-lattice-svcs:RequestHeader/x-lit", Q("a${*}b")))});
  Check(p, WithHeader(Blue(), "x-lit", "axxb"), {kIDeny});
  Check(p, WithHeader(Blue(), "x-lit", "a*b"), {kAllow});
}

TEST(TrickyCasesTest, Row49_NumericCompareOfStringValue) {
  const std::string p =
      PolicyJson({AStar(Cond("NumericEquals", "vpc-lattice-svcs:Port", Q("443")))});
  Request r80 = Blue();
  r80.port = 80;
  Check(p, r80, {kIDeny});
  Request r443 = Blue();
  r443.port = 443;
  Check(p, r443, {kAllow});
}

TEST(TrickyCasesTest, Row50_TypeErrorLenientIsFalse) {
  const std::string p =
      PolicyJson({AStar(Cond("NumericEquals", "vpc-lattice-svcs:Port", Q("eighty")))});
  EXPECT_FALSE(ParsePolicy(p).ok());  // T1: strict rejects
  Request r = Blue();
  r.port = 80;
  Check(p, r, {kIDeny, true}, Lenient());
  // The negated form is false too (an error never widens an Allow via NOR).
  Check(PolicyJson({AStar(Cond("NumericNotEquals", "vpc-lattice-svcs:Port",
                               Q("eighty")))}),
        r, {kIDeny, true}, Lenient());
}

TEST(TrickyCasesTest, Row51_HeaderValuesCaseSensitive) {
  Check(PolicyJson({AStar(Cond("StringEquals",
                               "vpc-lattice-svcs:RequestHeader/content-type",
                               Q("application/json")))}),
        WithHeader(Blue(), "Content-Type", "Application/JSON"), {kIDeny});
}

TEST(TrickyCasesTest, Row52_PrincipalTagValueCaseAndAbsence) {
  const std::string p = PolicyJson(
      {AStar(Cond("StringEquals", "aws:PrincipalTag/Team", Q("Payments")))});
  Principal tagged = RoleB();
  tagged.tags = {{"Team", "payments"}};
  Check(p, InvokeRequest(kBlue, tagged), {kIDeny});
  Check(p, Blue(), {kIDeny});
  tagged.tags = {{"team", "Payments"}};  // tag keys compare case-insensitively
  Check(p, InvokeRequest(kBlue, tagged), {kAllow});
}

// ---- NotPrincipal, ARN ops, networks, Connect: rows 53-57 ---------------------------

TEST(TrickyCasesTest, Row53_NotPrincipalRoleOnlyDoesNotExempt) {
  const std::string deny =
      "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" +
      std::string(testing::kRoleBArn) +
      "\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}";
  Check(PolicyJson({deny, AStar()}), Blue(), {kXDeny, true});
}

TEST(TrickyCasesTest, Row54_NegatedArnOpAbsentKey) {
  const std::string deny = AStar(
      Cond("ArnNotLike", "aws:PrincipalArn", Q(std::string(testing::kRoleBArn))),
      "Deny");
  Check(PolicyJson({deny, AStar()}), Anon(), {kXDeny});
  Check(PolicyJson({deny, AStar()}), Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row55_NetworksDistinguishable) {
  const std::string p = PolicyJson({AStar(Cond(
      "ArnEquals", "vpc-lattice-svcs:ServiceNetworkArn",
      Q(std::string(testing::kNetworkArnA))))});
  Request via_b = Blue();
  via_b.service_network_arn = std::string(testing::kNetworkArnB);
  Check(p, via_b, {kIDeny});
  Check(p, Blue(), {kAllow});
}

TEST(TrickyCasesTest, Row56_ConnectResourceHasNoPath) {
  Check(PolicyJson({WithAction("vpc-lattice-svcs:Connect", kSvc)}), Connect(Blue()),
        {kAllow, true});
  // The same statement does not cover Invoke.
  Check(PolicyJson({WithAction("vpc-lattice-svcs:Connect", kSvc)}), Blue(),
        {kIDeny});
}

TEST(TrickyCasesTest, Row57_ConnectHasNoRequestMethod) {
  const std::string p = PolicyJson(
      {"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"," +
       Cond("StringEquals", "vpc-lattice-svcs:RequestMethod", Q("GET")) + "}"});
  Check(p, Connect(Blue()), {kIDeny, true});
  Check(p, Blue(), {kAllow});
}

// ---- Corrections that follow the AWS docs (docs/semantics.md §9) ------------------

// D1, IAM Resource element: a `*` ending an ARN segment "can expand to match
// beyond the colon boundaries". Under the old field-wise reading (field-count mismatch
// = no match) this Deny would be inert.
TEST(TrickyCasesTest, D1_SegmentEndingStarResourceDenyApplies) {
  const std::string deny =
      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\","
      "\"Resource\":\"arn:aws:vpc-lattice:*:service/*\"}";
  Check(PolicyJson({deny, AStar()}), Blue(), {kXDeny});
  Check(PolicyJson({AStar(), deny}), WithPath(Anon(), "/rates/today"), {kXDeny});
  // ArnLike conditions stay field-wise (rows 40/41 unchanged).
  Check(PolicyJson({AStar(Cond("ArnLike", "vpc-lattice-svcs:ServiceArn",
                               Q("arn:aws:vpc-lattice:*:service/*")),
                          "Deny"),
                    AStar()}),
        Blue(), {kAllow});
}

TEST(TrickyCasesTest, D1_SegmentEndingStarAllows) {
  Check(PolicyJson({WithResource("arn:aws:vpc-lattice:us-*:service/*")}), Blue(), {kAllow});
  Check(PolicyJson({WithResource("arn:aws:vpc-lattice:*")}), Blue(), {kAllow});
  Check(PolicyJson({WithAction("vpc-lattice-svcs:Connect",
                               "arn:aws:vpc-lattice:*:service/svc-0123456789abcdef0")}),
        Connect(Blue()), {kAllow, true});
}

TEST(TrickyCasesTest, D1_MidSegmentWildcardDoesNotCrossColons) {
  // `*6666*`: the first `*` is inside the region segment, so it cannot reach
  // the account; a whole-string glob would match.
  Check(PolicyJson({WithResource("arn:aws:vpc-lattice:*6666*:service/*")}), Blue(),
        {kIDeny});
  Check(PolicyJson({WithResource("arn:aws:vpc-lattice:us*6666:service/*")}), Blue(),
        {kIDeny});
  // `?` in the first five segments never matches `:`.
  Check(PolicyJson({WithResource("arn:aws:vpc-lattice:us-east-1?444455556666:service/*")}),
        Blue(), {kIDeny});
  // Inside its own field a mid-segment `*` still works.
  Check(PolicyJson({WithResource("arn:aws:vpc-lattice:us-east-1:*6666:service/*")}), Blue(),
        {kAllow});
  // A Deny with a mid-segment `*` that would need to cross a colon is inert.
  const std::string deny =
      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\","
      "\"Resource\":\"arn:aws:vpc-lattice:us-*-1:service/*\"}";
  Check(PolicyJson({deny, AStar()}), Blue(), {kAllow});
}

// D2, IAM global condition keys: aws:PrincipalAccount is present for every
// request and is `anonymous` for anonymous callers (an earlier reading of A2 said absent).
TEST(TrickyCasesTest, D2_IfExistsPrincipalAccountNoLongerAllowsAnonymous) {
  const std::string p = PolicyJson({AStar(
      Cond("StringEqualsIfExists", "aws:PrincipalAccount", Q("111122223333")))});
  Check(p, Anon(), {kIDeny, true});
  Check(p, Blue(), {kAllow});
}

TEST(TrickyCasesTest, D2_NullPrincipalAccountIsPresentForAnonymous) {
  Check(PolicyJson({AStar(Cond("Null", "aws:PrincipalAccount", Q("true")))}), Anon(),
        {kIDeny, true});
  Check(PolicyJson({AStar(Cond("Null", "aws:PrincipalAccount", Q("false")))}), Anon(),
        {kAllow, true});
}

TEST(TrickyCasesTest, D2_PrincipalAccountIsAnonymous) {
  const std::string p =
      PolicyJson({AStar(Cond("StringEquals", "aws:PrincipalAccount", Q("anonymous")))});
  Check(p, Anon(), {kAllow, true});
  Check(p, Blue(), {kIDeny});
  // A Deny on "not my account" now also catches anonymous callers.
  const std::string deny = AStar(
      Cond("StringNotEquals", "aws:PrincipalAccount", Q("111122223333")), "Deny");
  Check(PolicyJson({deny, AStar()}), Anon(), {kXDeny, true});
}

}  // namespace
}  // namespace latticepol
