// File: tests/unit/authorize_test.cc
// Stage: evaluate. The Lattice chain of docs/semantics.md §4.2: all four auth-type
// combinations, anonymous vs signed callers, the identity layer (decision
// given, absent -> ASSUMED_ALLOW, identity policy), AWS_IAM without a policy,
// and the E3 primary-layer order. ComposeChain is tested directly as a pure
// function and through AuthorizeReference.
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/parse.h"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using ::latticepol::testing::AStar;
using ::latticepol::testing::InvokeRequest;
using ::latticepol::testing::MustParse;
using ::latticepol::testing::PolicyJson;
using ::testing::ElementsAre;

constexpr AuthType kNone = AuthType::kNone;
constexpr AuthType kIam = AuthType::kAwsIam;

Decision D(DecisionKind kind, int statement = -1, DecisionIdMask ids = 0) {
  Decision d;
  d.kind = kind;
  d.statement = statement;
  d.uncertain = ids;
  return d;
}

const Decision kAllowD = D(DecisionKind::kAllow, 0);
const Decision kXDenyD = D(DecisionKind::kExplicitDeny, 1);
const Decision kIDenyD = D(DecisionKind::kImplicitDeny);

ChainConfig Config(AuthType network, AuthType service,
                   std::optional<DecisionKind> identity = std::nullopt) {
  ChainConfig c;
  c.network_auth_type = network;
  c.service_auth_type = service;
  c.identity_decision = identity;
  return c;
}

TEST(NamesTest, AuthTypesAndLayers) {
  EXPECT_EQ(AuthTypeName(kNone), "NONE");
  EXPECT_EQ(AuthTypeName(kIam), "AWS_IAM");
  AuthType t = kNone;
  EXPECT_TRUE(ParseAuthTypeName("AWS_IAM", &t));
  EXPECT_EQ(t, kIam);
  EXPECT_TRUE(ParseAuthTypeName("NONE", &t));
  EXPECT_EQ(t, kNone);
  EXPECT_FALSE(ParseAuthTypeName("aws_iam", &t));
  EXPECT_EQ(LayerName(Layer::kNone), "none");
  EXPECT_EQ(LayerName(Layer::kNetwork), "network");
  EXPECT_EQ(LayerName(Layer::kService), "service");
  EXPECT_EQ(LayerName(Layer::kIdentity), "identity");
}

// ---- LayerSet ----------------------------------------------------------------------

TEST(LayerSetTest, IteratesInChainOrderWithoutDuplicates) {
  LayerSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(set.begin(), set.end());
  set.Add(Layer::kIdentity);
  set.Add(Layer::kNone);  // ignored
  set.Add(Layer::kNetwork);
  set.Add(Layer::kIdentity);  // already present
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.Contains(Layer::kNetwork));
  EXPECT_FALSE(set.Contains(Layer::kService));
  EXPECT_FALSE(set.Contains(Layer::kNone));
  EXPECT_THAT(set, ElementsAre(Layer::kNetwork, Layer::kIdentity));
  std::vector<Layer> seen(set.begin(), set.end());
  EXPECT_EQ(seen, (std::vector<Layer>{Layer::kNetwork, Layer::kIdentity}));
  EXPECT_EQ(set, LayerSet({Layer::kIdentity, Layer::kNetwork}));
  EXPECT_NE(set, LayerSet({Layer::kNetwork}));
  const LayerSet all = {Layer::kService, Layer::kIdentity, Layer::kNetwork};
  EXPECT_EQ(all.size(), 3u);
  EXPECT_THAT(all, ElementsAre(Layer::kNetwork, Layer::kService, Layer::kIdentity));
}

// ---- ComposeChain (pure) --------------------------------------------------------

TEST(ComposeChainTest, NoneNoneAllowsWithoutEvaluating) {
  for (bool signed_caller : {false, true}) {
    const ChainResult r = ComposeChain(Config(kNone, kNone), signed_caller,
                                       &kXDenyD, &kXDenyD, &kXDenyD);
    EXPECT_EQ(r.decision, DecisionKind::kAllow);
    EXPECT_EQ(r.layer, Layer::kNone);
    EXPECT_FALSE(r.network.evaluated);
    EXPECT_FALSE(r.service.evaluated);
    EXPECT_FALSE(r.identity.evaluated);
    EXPECT_TRUE(r.failing_layers.empty());
    EXPECT_EQ(r.uncertain, Bit(DecisionId::kE1));
  }
}

TEST(ComposeChainTest, NetworkOnly) {
  // Anonymous: network alone decides; the service policy is ignored (NONE).
  ChainResult r = ComposeChain(Config(kIam, kNone), false, &kAllowD, &kXDenyD,
                               nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kAllow);
  EXPECT_TRUE(r.network.evaluated);
  EXPECT_FALSE(r.service.evaluated);
  EXPECT_FALSE(r.identity.evaluated);
  EXPECT_EQ(r.uncertain, 0u);
  // Signed with an identity implicit deny: identity AND network.
  r = ComposeChain(Config(kIam, kNone, DecisionKind::kImplicitDeny), true,
                   &kAllowD, nullptr, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(r.layer, Layer::kIdentity);
  EXPECT_THAT(r.failing_layers, ElementsAre(Layer::kIdentity));
}

TEST(ComposeChainTest, ServiceOnly) {
  ChainResult r = ComposeChain(Config(kNone, kIam, DecisionKind::kAllow), true,
                               &kXDenyD, &kAllowD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kAllow);
  EXPECT_FALSE(r.network.evaluated);
  EXPECT_TRUE(r.service.evaluated);
  EXPECT_TRUE(r.identity.evaluated);
  EXPECT_FALSE(r.identity.assumed);
  r = ComposeChain(Config(kNone, kIam), false, nullptr, &kIDenyD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(r.layer, Layer::kService);
}

TEST(ComposeChainTest, BothLayersMustAllow) {
  const ChainConfig both = Config(kIam, kIam, DecisionKind::kAllow);
  EXPECT_EQ(ComposeChain(both, true, &kAllowD, &kAllowD, nullptr).decision,
            DecisionKind::kAllow);
  ChainResult r = ComposeChain(both, true, &kAllowD, &kIDenyD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(r.layer, Layer::kService);
  r = ComposeChain(both, true, &kIDenyD, &kAllowD, nullptr);
  EXPECT_EQ(r.layer, Layer::kNetwork);
}

TEST(ComposeChainTest, MissingPolicyUnderIamIsImplicitDeny) {
  const ChainResult r =
      ComposeChain(Config(kIam, kIam), false, nullptr, &kAllowD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(r.layer, Layer::kNetwork);
  EXPECT_TRUE(r.network.evaluated);
  EXPECT_FALSE(r.network.has_policy);
  EXPECT_TRUE(r.service.has_policy);
}

TEST(ComposeChainTest, IdentityAbsentIsAssumedAllowAndUncertain) {
  const ChainResult r =
      ComposeChain(Config(kNone, kIam), true, nullptr, &kAllowD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kAllow);
  EXPECT_TRUE(r.identity.evaluated);
  EXPECT_TRUE(r.identity.assumed);
  EXPECT_EQ(r.uncertain, Bit(DecisionId::kE2));
}

TEST(ComposeChainTest, AnonymousSkipsIdentity) {
  const ChainResult r = ComposeChain(
      Config(kNone, kIam, DecisionKind::kExplicitDeny), false, nullptr, &kAllowD,
      &kXDenyD);
  EXPECT_EQ(r.decision, DecisionKind::kAllow);
  EXPECT_FALSE(r.identity.evaluated);
  EXPECT_EQ(r.uncertain, 0u);
}

TEST(ComposeChainTest, IdentityPolicyDecisionUsed) {
  const ChainResult r =
      ComposeChain(Config(kNone, kIam), true, nullptr, &kAllowD, &kXDenyD);
  EXPECT_EQ(r.decision, DecisionKind::kExplicitDeny);
  EXPECT_EQ(r.layer, Layer::kIdentity);
  EXPECT_TRUE(r.identity.has_policy);
  EXPECT_EQ(r.identity.decision.statement, 1);
}

TEST(ComposeChainTest, E3ExplicitDenyLayerFirstThenImplicit) {
  const ChainConfig both = Config(kIam, kIam, DecisionKind::kExplicitDeny);
  // Network implicit, service explicit, identity explicit: service is primary.
  ChainResult r = ComposeChain(both, true, &kIDenyD, &kXDenyD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kExplicitDeny);
  EXPECT_EQ(r.layer, Layer::kService);
  EXPECT_THAT(r.failing_layers,
              ElementsAre(Layer::kNetwork, Layer::kService, Layer::kIdentity));
  // Every layer explicit: network first.
  r = ComposeChain(both, true, &kXDenyD, &kXDenyD, nullptr);
  EXPECT_EQ(r.layer, Layer::kNetwork);
  // Only identity explicit, service implicit: identity (explicit beats order).
  r = ComposeChain(both, true, &kAllowD, &kIDenyD, nullptr);
  EXPECT_EQ(r.layer, Layer::kIdentity);
  EXPECT_EQ(r.decision, DecisionKind::kExplicitDeny);
  // Service and identity implicit: service is named before identity.
  r = ComposeChain(Config(kIam, kIam, DecisionKind::kImplicitDeny), true,
                   &kAllowD, &kIDenyD, nullptr);
  EXPECT_EQ(r.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(r.layer, Layer::kService);
  EXPECT_THAT(r.failing_layers, ElementsAre(Layer::kService, Layer::kIdentity));
}

TEST(ComposeChainTest, UnionOfLayerUncertainty) {
  const Decision net = D(DecisionKind::kAllow, 0, Bit(DecisionId::kQ2));
  const Decision svc = D(DecisionKind::kAllow, 0, Bit(DecisionId::kK1));
  const ChainResult r =
      ComposeChain(Config(kIam, kIam), true, &net, &svc, nullptr);
  EXPECT_EQ(r.uncertain, Bit(DecisionId::kQ2) | Bit(DecisionId::kK1) |
                             Bit(DecisionId::kE2));
}

// ---- AuthorizeReference ----------------------------------------------------------

class AuthorizeReferenceTest : public ::testing::Test {
 protected:
  const PolicyDocument allow_ = MustParse(PolicyJson({AStar()}));
  const PolicyDocument deny_ = MustParse(PolicyJson(
      {AStar(), "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\","
                "\"Resource\":\"*\"}"}));
  const PolicyDocument signed_only_ = MustParse(PolicyJson({AStar(
      "\"Condition\":{\"Null\":{\"aws:PrincipalArn\":\"false\"}}")}));
};

TEST_F(AuthorizeReferenceTest, AllFourCombinations) {
  const Request signed_req = InvokeRequest();
  const Request anon_req = InvokeRequest(testing::kBlueAccount, std::nullopt);
  struct Row {
    AuthType network, service;
    DecisionKind signed_result, anon_result;
  };
  // Network policy allows everyone; service policy allows signed callers only.
  const Row rows[] = {
      {kNone, kNone, DecisionKind::kAllow, DecisionKind::kAllow},
      {kIam, kNone, DecisionKind::kAllow, DecisionKind::kAllow},
      {kNone, kIam, DecisionKind::kAllow, DecisionKind::kImplicitDeny},
      {kIam, kIam, DecisionKind::kAllow, DecisionKind::kImplicitDeny},
  };
  for (const Row& row : rows) {
    ChainPolicies p;
    p.config = Config(row.network, row.service, DecisionKind::kAllow);
    p.network_policy = &allow_;
    p.service_policy = &signed_only_;
    SCOPED_TRACE(std::string(AuthTypeName(row.network)) + "/" +
                 std::string(AuthTypeName(row.service)));
    const ChainEvaluation s = AuthorizeReference(p, signed_req.view());
    EXPECT_EQ(s.result.decision, row.signed_result);
    const ChainEvaluation a = AuthorizeReference(p, anon_req.view());
    EXPECT_EQ(a.result.decision, row.anon_result);
    EXPECT_FALSE(a.result.identity.evaluated);
    EXPECT_EQ(s.network.has_value(), row.network == kIam);
    EXPECT_EQ(s.service.has_value(), row.service == kIam);
  }
}

TEST_F(AuthorizeReferenceTest, PolicyUnderNoneIsIgnored) {
  ChainPolicies p;
  p.config = Config(kNone, kIam, DecisionKind::kAllow);
  p.network_policy = &deny_;  // inactive
  p.service_policy = &allow_;
  const ChainEvaluation e = AuthorizeReference(p, InvokeRequest().view());
  EXPECT_EQ(e.result.decision, DecisionKind::kAllow);
  EXPECT_FALSE(e.network.has_value());
}

TEST_F(AuthorizeReferenceTest, NoPolicyUnderIam) {
  ChainPolicies p;
  p.config = Config(kNone, kIam, DecisionKind::kAllow);
  const ChainEvaluation e = AuthorizeReference(p, InvokeRequest().view());
  EXPECT_EQ(e.result.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(e.result.layer, Layer::kService);
  EXPECT_FALSE(e.result.service.has_policy);
}

TEST_F(AuthorizeReferenceTest, IdentityDecisionGivenOrAbsent) {
  ChainPolicies p;
  p.config = Config(kNone, kIam, DecisionKind::kImplicitDeny);
  p.service_policy = &allow_;
  ChainEvaluation e = AuthorizeReference(p, InvokeRequest().view());
  EXPECT_EQ(e.result.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(e.result.layer, Layer::kIdentity);

  p.config.identity_decision.reset();
  e = AuthorizeReference(p, InvokeRequest().view());
  EXPECT_EQ(e.result.decision, DecisionKind::kAllow);
  EXPECT_TRUE(e.result.identity.assumed);
  EXPECT_NE(e.result.uncertain & Bit(DecisionId::kE2), 0u);
}

TEST_F(AuthorizeReferenceTest, IdentityPolicyEvaluated) {
  ParseOptions identity_options;
  identity_options.identity_policy = true;
  const PolicyDocument identity_allow = MustParse(
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}",
      identity_options);
  const PolicyDocument identity_other = MustParse(
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      "\"Action\":\"vpc-lattice-svcs:Connect\",\"Resource\":\"*\"}]}",
      identity_options);
  ChainPolicies p;
  p.config = Config(kIam, kIam);
  p.network_policy = &allow_;
  p.service_policy = &allow_;
  p.identity_policy = &identity_allow;
  ChainEvaluation e = AuthorizeReference(p, InvokeRequest().view());
  EXPECT_EQ(e.result.decision, DecisionKind::kAllow);
  ASSERT_TRUE(e.identity.has_value());
  EXPECT_FALSE(e.result.identity.assumed);
  EXPECT_EQ(e.result.uncertain, 0u);

  p.identity_policy = &identity_other;
  e = AuthorizeReference(p, InvokeRequest().view());
  EXPECT_EQ(e.result.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(e.result.layer, Layer::kIdentity);

  // Anonymous callers never consult the identity policy.
  e = AuthorizeReference(p, InvokeRequest(testing::kBlueAccount, std::nullopt).view());
  EXPECT_EQ(e.result.decision, DecisionKind::kAllow);
  EXPECT_FALSE(e.identity.has_value());
}

TEST_F(AuthorizeReferenceTest, ExplicitDenyLayerReported) {
  ChainPolicies p;
  p.config = Config(kIam, kIam, DecisionKind::kAllow);
  p.network_policy = &signed_only_;
  p.service_policy = &deny_;
  const Request anon = InvokeRequest(testing::kBlueAccount, std::nullopt);
  const ChainEvaluation e = AuthorizeReference(p, anon.view());
  EXPECT_EQ(e.result.decision, DecisionKind::kExplicitDeny);
  EXPECT_EQ(e.result.layer, Layer::kService);
  EXPECT_THAT(e.result.failing_layers, ElementsAre(Layer::kNetwork, Layer::kService));
  EXPECT_EQ(e.result.service.decision.statement, 1);
}

// ---- CompileChain ------------------------------------------------------------------

TEST_F(AuthorizeReferenceTest, CompileChainKeepsConfigAndCompilesEachPolicy) {
  ChainPolicies p;
  p.config = Config(kIam, kNone, DecisionKind::kImplicitDeny);
  p.network_policy = &allow_;
  p.service_policy = &deny_;  // compiled although its layer is NONE
  auto compiled = CompileChain(p);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_EQ(compiled->config.network_auth_type, kIam);
  EXPECT_EQ(compiled->config.service_auth_type, kNone);
  EXPECT_EQ(compiled->config.identity_decision, DecisionKind::kImplicitDeny);
  ASSERT_NE(compiled->network_policy, nullptr);
  EXPECT_EQ(compiled->network_policy->statement_count(), allow_.statements.size());
  ASSERT_NE(compiled->service_policy, nullptr);
  EXPECT_EQ(compiled->service_policy->statement_count(), deny_.statements.size());
  EXPECT_EQ(compiled->identity_policy, nullptr);
  // Same decision as the reference path on the same description.
  const Request signed_req = InvokeRequest();
  const ChainResult fast = Authorize(*compiled, signed_req.view());
  const ChainEvaluation ref = AuthorizeReference(p, signed_req.view());
  EXPECT_EQ(fast.decision, ref.result.decision);
  EXPECT_EQ(fast.layer, ref.result.layer);
  EXPECT_EQ(fast.failing_layers, ref.result.failing_layers);
  EXPECT_EQ(fast.decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(fast.layer, Layer::kIdentity);
}

TEST(CompileChainTest, CompileFailureIsReported) {
  const PolicyDocument big = MustParse(PolicyJson({AStar(
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":["/api/*","/v?/items"]}})")}));
  ChainPolicies p;
  p.config = Config(kNone, kIam);
  p.service_policy = &big;
  CompileOptions tiny;
  tiny.max_memory = 16;
  auto compiled = CompileChain(p, tiny);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace latticepol
