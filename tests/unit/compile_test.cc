// File: tests/unit/compile_test.cc
// Stage: compile -> evaluate (fast path). Targeted tests of the compiled
// matcher: a matrix of feature policies x varied requests where every
// Evaluate() must equal EvaluateReference() (kind and statement, and the
// uncertainty flag must cover every reference DECISION id), on both the
// pre-split and the raw-query view; the grouped glob matcher against
// GlobMatch; the seed policy's exact results and zero uncertainty; batch,
// chain, DebugString, threads and the memory budget.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "internal/glob_set.h"
#include "internal/text.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "testing/random.h"
#include "latticepol/request.h"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using ::latticepol::testing::AStar;
using ::latticepol::testing::InvokeRequest;
using ::latticepol::testing::kBlueAccount;
using ::latticepol::testing::kGreenAccount;
using ::latticepol::testing::kRoleBArn;
using ::latticepol::testing::kServiceArn;
using ::latticepol::testing::MustParse;
using ::latticepol::testing::PolicyJson;
using ::latticepol::testing::RoleB;
using ::testing::HasSubstr;

constexpr char kSeedPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowBlue","Effect":"Allow",)"
    R"("Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":)"
    R"({"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET",)"
    R"("vpc-lattice-svcs:RequestQueryString/q":"blue",)"
    R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}},)"
    R"({"Sid":"AllowGreen","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke",)"
    R"("Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET",)"
    R"("vpc-lattice-svcs:RequestQueryString/q":"green",)"
    R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"222222222222"}}}]})";

// A request plus its raw query string (which decodes to request.query).
struct TestRequest {
  std::string name;
  Request request;
  std::string raw;
};

TestRequest Make(std::string name, Request r, std::string raw) {
  r.query = SplitQuery(raw);
  return {std::move(name), std::move(r), std::move(raw)};
}

std::vector<TestRequest> Requests() {
  std::vector<TestRequest> out;
  out.push_back(Make("blue-q-blue", InvokeRequest(), "q=blue"));
  out.push_back(Make("green-q-green", InvokeRequest(kGreenAccount), "q=green"));
  {
    Request r = InvokeRequest("111111111111");
    out.push_back(Make("seed-blue", r, "q=blue&x=1"));
    r.method = "POST";
    out.push_back(Make("seed-post", r, "q=blue"));
  }
  out.push_back(Make("no-query", InvokeRequest(), ""));
  out.push_back(Make("q-upper-value", InvokeRequest(), "q=BLUE"));
  out.push_back(Make("q-twice", InvokeRequest(), "q=blue&q=blue"));
  out.push_back(Make("q-upper-key", InvokeRequest(), "Q=blue"));
  out.push_back(Make("q-percent", InvokeRequest(), "q=bl%75e&%71=green"));
  // A decoded value that is the key's only value (the simple plan looks it
  // up before the decode buffer goes away), and a decoded repeat.
  out.push_back(Make("seed-q-percent", InvokeRequest("111111111111"), "x=1&q=bl%75e"));
  out.push_back(Make("seed-q-percent-repeat", InvokeRequest("111111111111"), "q=blue&%71=blue"));
  out.push_back(Make("seed-q-bare-then-value", InvokeRequest("111111111111"), "q&q=blue"));
  out.push_back(Make("q-bare", InvokeRequest(), "q&&=x&tag"));
  out.push_back(Make("q-empty", InvokeRequest(), "q=&tag=a"));
  out.push_back(Make("tags-ac", InvokeRequest(), "tag=a&tag=c&debug=false&debug=true"));
  out.push_back(Make("tags-ab", InvokeRequest(), "tag=a&tag=b"));
  out.push_back(Make("anonymous", InvokeRequest(kBlueAccount, std::nullopt), "q=blue"));
  {
    Request r = InvokeRequest();
    r.action = std::string(kConnectAction);
    out.push_back(Make("connect", r, "q=blue"));
    r.action = "VPC-LATTICE-SVCS:connect";
    out.push_back(Make("connect-mixed-case", r, ""));
    r.action = "vpc-lattice-svcs:Other";
    out.push_back(Make("other-action", r, ""));
    r.action = "Vpc-Lattice-Svcs:Invoke";
    out.push_back(Make("invoke-mixed-case", r, ""));
  }
  {
    Request r = InvokeRequest();
    r.AddHeader("X-Team", "blue");
    r.AddHeader("content-type", "Application/JSON");
    r.AddHeader("x-lit", "a*b");
    r.AddHeader("x-num", "42");
    r.AddHeader("x-env", "prod");
    out.push_back(Make("headers", r, "q=blue"));
    r.path = "/api/items";
    out.push_back(Make("path-api-items", r, ""));
    r.path = "/api";
    out.push_back(Make("path-api", r, ""));
    r.path = "/v10/items";
    out.push_back(Make("path-v10", r, ""));
    r.path = "/rates";
    out.push_back(Make("path-rates", r, ""));
  }
  {
    Request r = InvokeRequest();
    r.AddHeader("x-team", "red");
    r.AddHeader("x-lit", "axxb");
    r.AddHeader("x-num", "abc");
    r.AddHeader("x-multi", "line1\nline2");
    r.AddHeader("x-uni", "\xC3\x89t\xC3\xA9");  // "Été"
    out.push_back(Make("headers-2", r, "q=%FF"));
  }
  {
    Request r = InvokeRequest();
    r.principal->tags = {{"team", "Payments"}, {"Env", "prod"}};
    r.principal->org_id = "o-abc";
    r.principal->org_paths = {"o-abc/r-1/ou-1/", "o-abc/r-1/ou-2/"};
    r.resource_tags = {{"Owner", "blue"}};
    r.source_ip = "10.1.2.3";
    r.time = "2024-06-01T12:00:00Z";
    out.push_back(Make("tags-ip-time", r, "q=blue"));
    r.principal->org_paths = {"o-abc/r-1/ou-1/"};
    r.source_ip = "2001:db8::1";
    r.time = "1700000000";
    r.port = 80;
    out.push_back(Make("ipv6-epoch", r, ""));
    r.source_ip = "not-an-ip";
    r.time = "yesterday";
    out.push_back(Make("bad-ip-time", r, ""));
  }
  {
    Request r = InvokeRequest(kGreenAccount);
    r.service_arn.reset();
    r.port.reset();
    r.source_vpc.reset();
    out.push_back(Make("no-service-arn", r, "q=green"));
    r.principal->arn.clear();
    r.principal->account.clear();
    out.push_back(Make("principal-unknown", r, ""));
  }
  {
    Request r = InvokeRequest(kBlueAccount, std::nullopt);
    r.action = std::string(kConnectAction);
    out.push_back(Make("anonymous-connect", r, ""));
  }
  {
    Principal p;
    p.arn = "arn:aws:iam::777788889999:user/alice";
    p.account = std::string(kGreenAccount);
    p.type = "User";
    Request r = InvokeRequest(kGreenAccount, p);
    r.service_network_arn = "not-an-arn";
    out.push_back(Make("user-alice", r, "q=x%2Ay&q2=*"));
  }
  {
    // Resource ARNs with colons in unusual places (D1 segment matching).
    Request r = InvokeRequest();
    r.path = "/a:b/c:d";
    out.push_back(Make("path-with-colons", r, ""));
    r.service_arn = "arn:aws:vpc-lattice:eu-west-1:444455556666:service/svc-0123456789abcdef0";
    out.push_back(Make("other-region", r, ""));
    r.service_arn = "arn:aws:vpc-lattice:us:east:1:444455556666:service/svc-0123456789abcdef0";
    out.push_back(Make("extra-fields", r, ""));
    r.service_arn = "arn:aws:vpc-lattice:us-east-1";
    r.path = "/";
    out.push_back(Make("short-service-arn", r, ""));
    r.action = std::string(kConnectAction);
    out.push_back(Make("short-service-arn-connect", r, ""));
  }
  return out;
}

// Statements of the feature policies (each used with AStar).
std::vector<std::string> FeaturePolicies() {
  const std::string svc(kServiceArn);
  std::vector<std::string> p;
  p.push_back(kSeedPolicy);
  p.push_back(PolicyJson({AStar(), AStar("", "Deny")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"DELETE"}})", "Deny"), AStar()}));
  p.push_back(R"({"Version":"2012-10-17","Statement":[]})");
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"VPC-LATTICE-SVCS:invoke","Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":["vpc-lattice:*","vpc-lattice-svcs:Conn?ct"],"Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Deny","Principal":"*","NotAction":"vpc-lattice-svcs:Invoke","Resource":"*"})", AStar()}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":")" + svc + R"("})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":")" + svc + R"(/*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":["*/rates",")" + svc + R"(/api/*"]})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:vpc-lattice:*:444455556666:service/*/api*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Deny","Principal":"*","Action":"*","NotResource":")" + svc + R"(/api/*"})", AStar()}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::777788889999:root","arn:aws:iam::111122223333:role/blue-role"]},"Action":"*","Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/blue-role/session-1"},"Action":"*","Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"*","Resource":"*"})"}));
  p.push_back(PolicyJson({R"({"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/blue-role"},"Action":"*","Resource":"*"})", AStar()}));
  p.push_back(PolicyJson({R"({"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/blue-role"]},"Action":"*","Resource":"*"})", AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalType":"anonymous"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEqualsIgnoreCase":{"vpc-lattice-svcs:RequestHeader/x-uni":"\u00e9T\u00c9","vpc-lattice-svcs:RequestHeader/x-team":["BLUE","Red"]}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"),
                          AStar(R"("Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"Null":{"aws:PrincipalArn":"true"}})"),
                          AStar(R"("Condition":{"Null":{"aws:SourceIp":"false","vpc-lattice-svcs:RequestHeader/x-none":["true"]}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringNotEquals":{"vpc-lattice-svcs:RequestHeader/x-debug":"1"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringNotEquals":{"vpc-lattice-svcs:SourceVpcOwnerAccount":["111122223333","777788889999"]}})", "Deny"), AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringNotEqualsIfExists":{"vpc-lattice-svcs:RequestHeader/x-env":"prod"}})", "Deny"),
                          AStar(R"("Condition":{"StringEqualsIfExists":{"vpc-lattice-svcs:RequestHeader/x-block":"yes"}})", "Deny"), AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEqualsIfExists":{"vpc-lattice-svcs:RequestHeader/x-team":"blue"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":["/api/*","/v?/items"]}})"),
                          AStar(R"("Condition":{"StringNotLike":{"vpc-lattice-svcs:RequestPath":["*items","/r*s"]}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"ArnLike":{"vpc-lattice-svcs:ServiceArn":"arn:aws:vpc-lattice:*:service/*"}})"),
                          AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:ServiceArn":"arn:aws:vpc-lattice:*:service/*"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"ArnEquals":{"vpc-lattice-svcs:ServiceNetworkArn":"arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0"}})"),
                          AStar(R"("Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/blue-*","vpc-lattice-svcs:ServiceNetworkArn":"arn:aws:vpc-lattice:*:*:servicenetwork/sn-0f*"}})", "Deny"), AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"ForAllValues:StringEquals":{"vpc-lattice-svcs:RequestQueryString/tag":["a","b"]}})"),
                          AStar(R"("Condition":{"ForAnyValue:StringEquals":{"vpc-lattice-svcs:RequestQueryString/tag":"a"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"ForAnyValue:StringEquals":{"vpc-lattice-svcs:RequestQueryString/debug":"true"}})", "Deny"), AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"ForAllValues:StringNotLike":{"vpc-lattice-svcs:RequestQueryString/tag":"c*"},"ForAnyValue:StringNotEquals":{"aws:PrincipalOrgPaths":"o-abc/r-1/ou-1/"}})"),
                          AStar(R"("Condition":{"StringLike":{"aws:PrincipalOrgPaths":"o-abc/*"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:SourceVpcOwnerAccount":"${aws:PrincipalAccount}"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:SourceVpcOwnerAccount":"${aws:PrincipalAccount}"}})")}, "2008-10-17"));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestHeader/x-lit":"a${*}b","vpc-lattice-svcs:RequestQueryString/q":"${vpc-lattice-svcs:SourceVpc, 'x*y'}"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestQueryString/q":"${aws:PrincipalTag/missing, 'x*y'}"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:*"}})")}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:vpc-lattice:us-east-1:${aws:PrincipalAccount}:service/*"})",
                          R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0/${aws:PrincipalTag/team}"})"}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"NumericEquals":{"vpc-lattice-svcs:Port":"443"}})"),
                          AStar(R"("Condition":{"NumericLessThan":{"vpc-lattice-svcs:RequestHeader/x-num":["10","100.5"]},"NumericGreaterThanEquals":{"vpc-lattice-svcs:Port":80}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"NumericNotEquals":{"vpc-lattice-svcs:RequestHeader/x-num":"42"}})", "Deny"), AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestHeader/content-type":"application/json"}})"),
                          AStar(R"("Condition":{"StringEquals":{"aws:PrincipalTag/Team":"Payments","aws:ResourceTag/owner":"blue"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}})"),
                          AStar(R"("Condition":{"NotIpAddress":{"aws:SourceIp":"10.1.2.3"}})", "Deny"), AStar()}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}})"),
                          AStar(R"("Condition":{"NumericLessThan":{"aws:EpochTime":"1700000001"},"DateLessThanEquals":{"aws:EpochTime":"2030"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"Bool":{"aws:PrincipalIsAWSService":"false"}})"),
                          AStar(R"("Condition":{"Bool":{"vpc-lattice-svcs:RequestHeader/x-env":"TRUE"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"BinaryEquals":{"vpc-lattice-svcs:RequestHeader/x-team":"Ymx1ZQ=="}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"},"StringNotEquals":{"vpc-lattice-svcs:Port":"443"}})"),
                          AStar(R"("Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:PrincipalType":"AssumedRole"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"ForAnyValue:StringEqualsIfExists":{"vpc-lattice-svcs:RequestHeader/x-none":"a"}})"),
                          AStar(R"("Condition":{"ForAllValues:StringLikeIfExists":{"vpc-lattice-svcs:RequestHeader/x-team":"b*"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":["blue","green"],"vpc-lattice-svcs:RequestQueryString/Q":"blue"}})"),
                          AStar(R"("Condition":{"StringNotEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"}})", "Deny")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestQueryString/q":["x*y","*"]},"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q2":"*"}})")}));
  // D1: segment-ending `*` crosses colons; other head wildcards do not.
  p.push_back(PolicyJson({R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:vpc-lattice:*:service/*"})", AStar()}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:vpc-lattice:*6666*:service/*","arn:aws:vpc-lattice:us-east-?:*:service/*/c:d"]})"}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:vpc-lattice:us*1:*","arn:aws:vpc-lattice:us-east-1:4444*"]})"}));
  p.push_back(PolicyJson({R"({"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:vpc-lattice:u?-*:*:service/*"})", AStar()}));
  p.push_back(PolicyJson({R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:vpc-lattice:u*1:*:service/*/${aws:PrincipalAccount}*"})"}));
  // D2: aws:PrincipalAccount is `anonymous` for anonymous callers.
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}})"),
                          AStar(R"("Condition":{"Null":{"aws:PrincipalAccount":"true"}})")}));
  p.push_back(PolicyJson({AStar(R"("Condition":{"StringNotEquals":{"aws:PrincipalAccount":["111122223333","anonymous"]}})", "Deny"),
                          AStar(R"("Condition":{"StringLike":{"aws:PrincipalAccount":"anon*"}})")}));
  return p;
}

void ExpectSame(const PolicyDocument& doc, const CompiledPolicy& compiled,
                const TestRequest& tr, const std::string& label) {
  for (int raw = 0; raw < 2; ++raw) {
    RequestView view = tr.request.view();
    if (raw == 1) view = RawQueryView(tr.request, tr.raw);
    const Evaluation ref = EvaluateReference(doc, view);
    const Decision got = Evaluate(compiled, view);
    SCOPED_TRACE(label + " request=" + tr.name + (raw ? " (raw)" : " (split)"));
    EXPECT_EQ(got.kind, ref.decision.kind);
    EXPECT_EQ(got.statement, ref.decision.statement);
    if (ref.decision.uncertain != 0) {
      EXPECT_EQ(got.uncertain, kMaybeUncertain)
          << "reference ids: " << ::testing::PrintToString(DecisionIdNames(ref.decision.uncertain));
    }
    EXPECT_TRUE(got.uncertain == 0 || got.uncertain == kMaybeUncertain);
  }
}

TEST(CompileTest, FeatureMatrixMatchesReference) {
  const std::vector<TestRequest> requests = Requests();
  const std::vector<std::string> policies = FeaturePolicies();
  for (size_t i = 0; i < policies.size(); ++i) {
    const PolicyDocument doc = MustParse(policies[i]);
    auto compiled = Compile(doc);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    for (const TestRequest& tr : requests) {
      ExpectSame(doc, **compiled, tr, "policy " + std::to_string(i) + ": " + policies[i]);
    }
  }
}

TEST(CompileTest, IdentityPolicyMatrixMatchesReference) {
  ParseOptions options;
  options.identity_policy = true;
  const PolicyDocument doc = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"vpc-lattice-svcs:*","Resource":"*",)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":"/api/*"}}},)"
      R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"POST"}}}]})",
      options);
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const TestRequest& tr : Requests()) ExpectSame(doc, **compiled, tr, "identity");
}

TEST(CompileTest, LenientTypeErrorsMatchReference) {
  ParseOptions options;
  options.strict = false;
  const PolicyDocument doc = MustParse(
      PolicyJson({AStar(R"("Condition":{"NumericEquals":{"vpc-lattice-svcs:Port":"eighty"}})"),
                  AStar(R"("Condition":{"NumericNotEquals":{"vpc-lattice-svcs:Port":"eighty"}})"),
                  AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:requestmethod":"GET"}})"),
                  AStar(R"("Condition":{"StringNotEquals":{"aws:username":"bob"}})")}),
      options);
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const TestRequest& tr : Requests()) ExpectSame(doc, **compiled, tr, "lenient");
}

TEST(CompileTest, SeedPolicyDecisionsAndNoUncertainty) {
  const PolicyDocument doc = MustParse(kSeedPolicy);
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  Request blue = InvokeRequest("111111111111");
  blue.query = {{"q", "blue"}};
  Decision d = Evaluate(**compiled, RawQueryView(blue, "q=blue"));
  EXPECT_EQ(d.kind, DecisionKind::kAllow);
  EXPECT_EQ(d.statement, 0);
  EXPECT_EQ(d.uncertain, 0u);
  d = Evaluate(**compiled, blue.view());
  EXPECT_EQ(d.kind, DecisionKind::kAllow);
  EXPECT_EQ(d.uncertain, 0u);

  Request green = InvokeRequest("222222222222");
  d = Evaluate(**compiled, RawQueryView(green, "q=green"));
  EXPECT_EQ(d.kind, DecisionKind::kAllow);
  EXPECT_EQ(d.statement, 1);
  EXPECT_EQ(d.uncertain, 0u);

  d = Evaluate(**compiled, RawQueryView(green, "q=blue"));
  EXPECT_EQ(d.kind, DecisionKind::kImplicitDeny);
  EXPECT_EQ(d.statement, -1);
  EXPECT_EQ(d.uncertain, 0u);

  d = Evaluate(**compiled, RawQueryView(blue, "q=blue&q=blue"));  // Q2
  EXPECT_EQ(d.kind, DecisionKind::kImplicitDeny);
  EXPECT_EQ(d.uncertain, kMaybeUncertain);
  d = Evaluate(**compiled, RawQueryView(blue, "Q=blue"));  // Q1
  EXPECT_EQ(d.kind, DecisionKind::kImplicitDeny);
  EXPECT_EQ(d.uncertain, kMaybeUncertain);
  d = Evaluate(**compiled, RawQueryView(blue, "q=bl%75e"));  // Q3
  EXPECT_EQ(d.kind, DecisionKind::kAllow);
  EXPECT_EQ(d.uncertain, kMaybeUncertain);
  d = Evaluate(**compiled, RawQueryView(blue, "q"));  // Q4
  EXPECT_EQ(d.kind, DecisionKind::kImplicitDeny);
  EXPECT_EQ(d.uncertain, kMaybeUncertain);
}

TEST(CompileTest, DenyBeatsAllowRegardlessOfOrder) {
  const PolicyDocument doc = MustParse(
      PolicyJson({AStar(), AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}})", "Deny"),
                  AStar("", "Deny")}));
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  Request r = InvokeRequest();
  Decision d = Evaluate(**compiled, r.view());
  EXPECT_EQ(d.kind, DecisionKind::kExplicitDeny);
  EXPECT_EQ(d.statement, 1);  // the lowest applicable Deny
  r.method = "PUT";
  d = Evaluate(**compiled, r.view());
  EXPECT_EQ(d.kind, DecisionKind::kExplicitDeny);
  EXPECT_EQ(d.statement, 2);
}

TEST(CompileTest, ManyValuesUseHashTablesAndGlobSets) {
  // More than ExactTable::kLinearMax values, more than kRe2SetThreshold
  // star-only globs, and more than 64 clauses on one key.
  std::vector<std::string> statements;
  std::string accounts;
  for (int i = 0; i < 40; ++i) {
    if (i) accounts += ",";
    accounts += "\"1000000000" + std::to_string(10 + i) + "\"";
  }
  std::string globs;
  for (int i = 0; i < 24; ++i) {
    if (i) globs += ",";
    globs += "\"/p" + std::to_string(i) + "/*/x*y/*\"";
  }
  statements.push_back(AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:SourceVpcOwnerAccount":[)" +
                             accounts + R"(]},"StringLike":{"vpc-lattice-svcs:RequestPath":[)" + globs + "]}}"));
  for (int i = 0; i < 70; ++i) {
    statements.push_back(AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestHeader/x-team":"t)" +
                                   std::to_string(i) + "\"}}",
                               i % 7 == 0 ? "Deny" : "Allow"));
  }
  const PolicyDocument doc = MustParse(PolicyJson(statements));
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  std::vector<TestRequest> requests = Requests();
  for (const char* path : {"/p3/a/xzy/b", "/p23/q/xy/", "/p3/a/xy", "/p10//x/y/"}) {
    for (const char* owner : {"100000000015", "100000000049", "100000000050"}) {
      Request r = InvokeRequest(owner);
      r.path = path;
      requests.push_back(Make(std::string(path) + "@" + owner, r, ""));
    }
  }
  for (int t : {0, 1, 14, 63, 64, 69, 70}) {
    Request r = InvokeRequest();
    r.AddHeader("x-team", "t" + std::to_string(t));
    requests.push_back(Make("team" + std::to_string(t), r, ""));
  }
  for (const TestRequest& tr : requests) ExpectSame(doc, **compiled, tr, "many-values");
}

TEST(CompileTest, RandomPoliciesMatchReference) {
  // A small version of tests/unit/differential_test.cc, kept here so this
  // file alone exercises every generated construct.
  Rng rng(7);
  int pairs = 0;
  for (int i = 0; i < 150; ++i) {
    const PolicyDocument generated = RandomPolicy(rng, {});
    const ParseResult parsed = ParsePolicy(PolicyToJson(generated));
    ASSERT_TRUE(parsed.ok()) << PolicyToJson(generated);
    auto compiled = Compile(parsed.doc);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    for (int j = 0; j < 20; ++j) {
      std::string raw;
      const Request req = RandomRequest(rng, parsed.doc, {}, &raw);
      for (const RequestView& view : {req.view(), RawQueryView(req, raw)}) {
        const Evaluation ref = EvaluateReference(parsed.doc, view);
        const Decision got = Evaluate(**compiled, view);
        ++pairs;
        ASSERT_EQ(got.kind, ref.decision.kind) << PolicyToJson(generated) << "\nquery " << raw;
        ASSERT_EQ(got.statement, ref.decision.statement) << PolicyToJson(generated);
        if (ref.decision.uncertain != 0) {
          ASSERT_EQ(got.uncertain, kMaybeUncertain)
              << PolicyToJson(generated) << "\nquery " << raw << "\nids "
              << ::testing::PrintToString(DecisionIdNames(ref.decision.uncertain));
        }
      }
    }
  }
  EXPECT_EQ(pairs, 150 * 20 * 2);
}

TEST(CompileTest, EvaluateBatchMatchesSingle) {
  const PolicyDocument doc = MustParse(kSeedPolicy);
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  const std::vector<TestRequest> requests = Requests();
  std::vector<RequestView> views;
  for (const TestRequest& tr : requests) views.push_back(RawQueryView(tr.request, tr.raw));
  std::vector<Decision> out(views.size());
  ASSERT_TRUE(EvaluateBatch(**compiled, views, absl::MakeSpan(out)).ok());
  // The size contract is enforced: a short `out` is an error, nothing written.
  std::vector<Decision> short_out(1);
  short_out[0].statement = 12345;
  EXPECT_EQ(EvaluateBatch(**compiled, views, absl::MakeSpan(short_out)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(short_out[0].statement, 12345);
  int allowed = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    const Decision single = Evaluate(**compiled, views[i]);
    EXPECT_EQ(out[i].kind, single.kind) << requests[i].name;
    EXPECT_EQ(out[i].statement, single.statement);
    EXPECT_EQ(out[i].uncertain, single.uncertain);
    allowed += out[i].allowed();
  }
  EXPECT_GT(allowed, 0);
}

TEST(CompileTest, AuthorizeChainMatchesReference) {
  const PolicyDocument network = MustParse(
      PolicyJson({AStar(R"("Condition":{"StringEquals":{"aws:PrincipalType":["AssumedRole","Anonymous"]}})")}));
  const PolicyDocument service = MustParse(kSeedPolicy);
  const PolicyDocument identity_doc = MustParse(PolicyJson(
      {AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}})"),
       R"({"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"*","Resource":"*"})"}));
  auto cn = Compile(network);
  auto cs = Compile(service);
  auto ci = Compile(identity_doc);
  ASSERT_TRUE(cn.ok() && cs.ok() && ci.ok());
  const std::vector<TestRequest> requests = Requests();
  int compared = 0;
  for (AuthType na : {AuthType::kNone, AuthType::kAwsIam}) {
    for (AuthType sa : {AuthType::kNone, AuthType::kAwsIam}) {
      for (int with_identity = 0; with_identity < 2; ++with_identity) {
        for (int with_network = 0; with_network < 2; ++with_network) {
          ChainConfig config;
          config.network_auth_type = na;
          config.service_auth_type = sa;
          ChainPolicies ref_policies;
          ref_policies.config = config;
          ref_policies.network_policy = with_network ? &network : nullptr;
          ref_policies.service_policy = &service;
          ref_policies.identity_policy = with_identity ? &identity_doc : nullptr;
          CompiledChain chain;
          chain.config = config;
          chain.network_policy = with_network ? *cn : nullptr;
          chain.service_policy = *cs;
          chain.identity_policy = with_identity ? *ci : nullptr;
          for (const TestRequest& tr : requests) {
            const RequestView view = RawQueryView(tr.request, tr.raw);
            const ChainEvaluation ref = AuthorizeReference(ref_policies, view);
            const ChainResult got = Authorize(chain, view);
            SCOPED_TRACE(tr.name);
            EXPECT_EQ(got.decision, ref.result.decision);
            EXPECT_EQ(got.layer, ref.result.layer);
            EXPECT_EQ(got.failing_layers, ref.result.failing_layers);
            EXPECT_EQ(got.network.evaluated, ref.result.network.evaluated);
            EXPECT_EQ(got.identity.decision.kind, ref.result.identity.decision.kind);
            if (ref.result.uncertain != 0) {
              EXPECT_NE(got.uncertain, 0u);
            }
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 16 * static_cast<int>(requests.size()));
}

TEST(CompileTest, DebugStringDescribesThePlan) {
  const PolicyDocument doc = MustParse(PolicyJson(
      {AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":["/api/*","*.png"]},)"
             R"("StringEquals":{"vpc-lattice-svcs:RequestMethod":["GET","HEAD"]}})"),
       AStar(R"("Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", "Deny")}));
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ((*compiled)->statement_count(), 2u);
  EXPECT_EQ((*compiled)->predicate_count(), 3u);
  EXPECT_EQ((*compiled)->key_count(), 3u);
  EXPECT_EQ((*compiled)->document().statements.size(), 2u);
  const std::string s = (*compiled)->DebugString();
  EXPECT_THAT(s, HasSubstr("2 statements, 3 predicates, 3 keys"));
  EXPECT_THAT(s, HasSubstr("vpc-lattice-svcs:RequestPath"));
  EXPECT_THAT(s, HasSubstr("prefix(`/api/`)"));
  EXPECT_THAT(s, HasSubstr("suffix(`.png`)"));
  EXPECT_THAT(s, HasSubstr("`GET`->"));
  EXPECT_THAT(s, HasSubstr("ip /8 v4"));
  // Deny statements come first in the plan.
  EXPECT_LT(s.find("statement 1 Deny"), s.find("statement 0 Allow"));
}

TEST(CompileTest, SharedAcrossThreads) {
  const PolicyDocument doc = MustParse(PolicyJson(
      {AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":["/api/*","/v?/items"]}})"),
       AStar(R"("Condition":{"ForAnyValue:StringEquals":{"vpc-lattice-svcs:RequestQueryString/tag":"c"}})", "Deny"),
       AStar(R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"POST"}})")}));
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  std::shared_ptr<const CompiledPolicy> shared = *compiled;
  const std::vector<TestRequest> requests = Requests();
  std::vector<RequestView> views;
  std::vector<Decision> expected;
  for (const TestRequest& tr : requests) {
    views.push_back(RawQueryView(tr.request, tr.raw));
    expected.push_back(EvaluateReference(doc, views.back()).decision);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 500; ++round) {
        for (size_t i = 0; i < views.size(); ++i) {
          const size_t j = (i + static_cast<size_t>(t)) % views.size();
          const Decision d = Evaluate(*shared, views[j]);
          if (d.kind != expected[j].kind || d.statement != expected[j].statement) ++mismatches;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(CompileTest, TinyMemoryBudgetIsResourceExhausted) {
  const PolicyDocument doc = MustParse(PolicyJson(
      {AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":["/api/*","/v?/items"]}})")}));
  CompileOptions options;
  options.max_memory = 16;
  auto compiled = Compile(doc, options);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kResourceExhausted);
  // Without globs nothing is charged, and the default budget fits.
  EXPECT_TRUE(Compile(MustParse(kSeedPolicy), options).ok());
  EXPECT_TRUE(Compile(doc).ok());
}

TEST(CompileTest, Re2SetBudget) {
  // Enough star-only globs on one key for the RE2::Set; a budget that fits
  // the pattern text but not an RE2 program fails.
  std::string globs;
  for (int i = 0; i < 20; ++i) {
    if (i) globs += ",";
    globs += "\"*a" + std::to_string(i) + "*b*\"";
  }
  const PolicyDocument doc = MustParse(
      PolicyJson({AStar(R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":[)" + globs + "]}}")}));
  CompileOptions options;
  options.max_memory = 6000;
  auto compiled = Compile(doc, options);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kResourceExhausted);
  auto ok = Compile(doc);
  ASSERT_TRUE(ok.ok()) << ok.status();
  Request r = InvokeRequest();
  for (const char* path : {"/a7/b", "a19b", "/a1", "xa2yybz", "/a20/b"}) {
    r.path = path;
    const Evaluation ref = EvaluateReference(doc, r.view());
    const Decision got = Evaluate(**ok, r.view());
    EXPECT_EQ(got.kind, ref.decision.kind) << path;
  }
}

// ---- The grouped glob matcher ----------------------------------------------

TEST(GlobSetTest, ShapesAreClassified) {
  using internal::GlobPattern;
  using internal::GlobShape;
  EXPECT_EQ(GlobPattern::Parse("abc").shape, GlobShape::kExact);
  EXPECT_EQ(GlobPattern::Parse("**").shape, GlobShape::kAny);
  EXPECT_EQ(GlobPattern::Parse("ab*").shape, GlobShape::kPrefix);
  EXPECT_EQ(GlobPattern::Parse("*ab").shape, GlobShape::kSuffix);
  EXPECT_EQ(GlobPattern::Parse("a*b").shape, GlobShape::kPrefixSuffix);
  EXPECT_EQ(GlobPattern::Parse("*ab*").shape, GlobShape::kContains);
  EXPECT_EQ(GlobPattern::Parse("a*b*c").shape, GlobShape::kStars);
  EXPECT_EQ(GlobPattern::Parse("a?c").shape, GlobShape::kGeneral);
  EXPECT_EQ(GlobPattern::Parse("a\\*c").shape, GlobShape::kExact);
  EXPECT_EQ(GlobPattern::Parse("a\\*c").prefix, "a*c");
}

// D1: every `arn:` Resource pattern over a small alphabet (colons, wildcards,
// UTF-8) against every short resource ARN: the compiled matcher (whole-string
// glob or ArnSegmentGlob) must equal the reference evaluator.
TEST(ArnSegmentGlobTest, ExhaustiveAgainstReference) {
  const std::vector<std::string> atoms = {"a", ":", "*", "?", "\xC3\xA9"};
  const std::vector<std::string> text_atoms = {"a", ":", "\xC3\xA9", "\xC3"};
  auto grow = [](const std::vector<std::string>& alphabet, int max_len) {
    std::vector<std::string> all = {""};
    std::vector<std::string> frontier = {""};
    for (int len = 1; len <= max_len; ++len) {
      std::vector<std::string> grown;
      for (const std::string& p : frontier) {
        for (const std::string& a : alphabet) grown.push_back(p + a);
      }
      all.insert(all.end(), grown.begin(), grown.end());
      frontier = std::move(grown);
    }
    return all;
  };
  const std::vector<std::string> patterns = grow(atoms, 4);
  const std::vector<std::string> texts = grow(text_atoms, 4);
  int64_t checks = 0;
  int segment_patterns = 0;
  int crossing_hits = 0;
  for (const std::string& body : patterns) {
    const std::string pattern = "arn:" + body;
    if (internal::ArnSegmentGlob::NeedsSegments(pattern)) ++segment_patterns;
    Statement st;
    st.effect = Effect::kAllow;
    st.principal.wildcard = true;
    st.actions = {"*"};
    st.resources = {pattern};
    PolicyDocument doc;
    doc.version = PolicyVersion::k2012_10_17;
    doc.has_version = true;
    doc.statements = {st};
    auto compiled = Compile(doc);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    for (const std::string& t : texts) {
      Request r = InvokeRequest();
      r.action = std::string(kConnectAction);  // resource = the service ARN
      r.service_arn = "arn:" + t;
      const bool want = EvaluateReference(doc, r.view()).decision.allowed();
      ASSERT_EQ(Evaluate(**compiled, r.view()).allowed(), want)
          << "pattern `" << pattern << "` resource `arn:" << t << "`";
      if (want && !internal::ArnGlobMatch(internal::GlobFromPolicyText(pattern), "arn:" + t)) {
        ++crossing_hits;  // matches only because a `*` crossed a colon
      }
      ++checks;
    }
  }
  EXPECT_GT(checks, 100000);
  EXPECT_GT(segment_patterns, 100);
  EXPECT_GT(crossing_hits, 1000);
}

TEST(ArnSegmentGlobTest, NeedsSegmentsOnlyForColonBoundWildcards) {
  using internal::ArnSegmentGlob;
  EXPECT_FALSE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:*:service/*"));
  EXPECT_FALSE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:*:*:service/*/a?b*c"));
  EXPECT_FALSE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:us-**:x"));
  EXPECT_FALSE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:us-east-1:4444*"));
  EXPECT_TRUE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:us-*-1:*:service/*"));
  EXPECT_TRUE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:us-east-?:*:service/*"));
  EXPECT_TRUE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:*6666*:service/*"));
  EXPECT_TRUE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:*6666"));
  EXPECT_FALSE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:us\\*a:x"));  // `\*` is literal
  EXPECT_TRUE(ArnSegmentGlob::NeedsSegments("arn:aws:vpc-lattice:us\\\\*a:x"));  // `\\` then `*`
  const ArnSegmentGlob a = ArnSegmentGlob::Parse("arn:aws:vpc-lattice:us-*-1:*:service/*", false);
  EXPECT_TRUE(a.has_tail);
  ASSERT_EQ(a.head.size(), 5u);
  EXPECT_EQ(a.crossing, (std::vector<uint8_t>{0, 0, 0, 0, 1}));
  EXPECT_TRUE(a.Matches("arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-1/x"));
  EXPECT_TRUE(a.Matches("arn:aws:vpc-lattice:us-east-1:4444:extra:service/svc-1/x"));
  EXPECT_FALSE(a.Matches("arn:aws:vpc-lattice:us:east-1:444455556666:service/svc-1/x"));
  EXPECT_FALSE(a.Matches("arn:aws:vpc-lattice:us-east-1:service/svc-1/x"));
}

// Every pattern over a small alphabet (with escapes and UTF-8) against every
// short text: the shape matcher must equal GlobMatch.
TEST(GlobSetTest, ExhaustiveAgainstGlobMatch) {
  const std::vector<std::string> atoms = {"a", "b", "*", "?", "\\*", "\xC3\xA9"};
  const std::vector<std::string> text_atoms = {"a", "b", "*", "\xC3\xA9", "\xC3", "\xA9"};
  // Build all patterns up to 4 atoms.
  std::vector<std::string> all = {""};
  std::vector<std::string> frontier = {""};
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> grown;
    for (const std::string& p : frontier) {
      for (const std::string& a : atoms) grown.push_back(p + a);
    }
    all.insert(all.end(), grown.begin(), grown.end());
    frontier = std::move(grown);
  }
  std::vector<std::string> texts = {""};
  frontier = {""};
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> grown;
    for (const std::string& t : frontier) {
      for (const std::string& a : text_atoms) grown.push_back(t + a);
    }
    texts.insert(texts.end(), grown.begin(), grown.end());
    frontier = std::move(grown);
  }
  internal::GlobSet set;
  std::vector<internal::GlobPattern> parsed;
  for (const std::string& p : all) {
    set.Add(p);
    parsed.push_back(internal::GlobPattern::Parse(p));
  }
  size_t budget = size_t{64} << 20;
  ASSERT_TRUE(set.Compile(&budget).ok());
  int64_t checks = 0;
  std::vector<char> hits(all.size());
  for (const std::string& t : texts) {
    std::fill(hits.begin(), hits.end(), 0);
    set.ForEachMatch(t, [&](size_t i) { hits[i] = 1; });
    for (size_t i = 0; i < all.size(); ++i) {
      const bool want = internal::GlobMatch(all[i], t);
      ASSERT_EQ(parsed[i].Matches(t), want)
          << "pattern `" << all[i] << "` text `" << t << "`";
      ASSERT_EQ(hits[i] != 0, want) << "set: pattern `" << all[i] << "` text `" << t << "`";
      ++checks;
    }
  }
  EXPECT_GT(checks, 1000000);
}

// Many long prefixes go through the head-word index; results must still
// equal GlobMatch for every pattern.
TEST(GlobSetTest, PrefixIndexAgainstGlobMatch) {
  internal::GlobSet set;
  std::vector<std::string> globs;
  for (int i = 0; i < 30; ++i) {
    globs.push_back("/service/" + std::to_string(i) + "/*");
    globs.push_back("/service/" + std::to_string(i) + "*.json");
    globs.push_back("/servic" + std::to_string(i) + "*");  // short prefix
  }
  globs.push_back("/service/1");  // exact, 10 bytes
  for (const std::string& g : globs) set.Add(g);
  size_t budget = size_t{1} << 20;
  ASSERT_TRUE(set.Compile(&budget).ok());
  const std::vector<std::string> texts = {
      "", "/", "/service", "/service/", "/service/1", "/service/1/", "/service/12/x",
      "/service/12.json", "/service/29/a/b", "/servic7", "/servic7/x", "/service/30/",
      "/service/3x.json", "/Service/1/x", "/service/1\xC3\xA9/"};
  for (const std::string& t : texts) {
    std::vector<char> hits(globs.size());
    set.ForEachMatch(t, [&](size_t i) { hits[i] = 1; });
    for (size_t i = 0; i < globs.size(); ++i) {
      EXPECT_EQ(hits[i] != 0, internal::GlobMatch(globs[i], t))
          << "pattern `" << globs[i] << "` text `" << t << "`";
    }
    EXPECT_EQ(set.MatchesAny(t),
              std::any_of(globs.begin(), globs.end(),
                          [&](const std::string& g) { return internal::GlobMatch(g, t); }));
  }
}

}  // namespace
}  // namespace latticepol
