// File: tests/unit/chain_runner_test.cc
// Stage: simulate (internal). RunChainStep, the per-request chain step shared
// by simulate and replay, against the reference chain (AuthorizeReference):
// every combination of signed/anonymous caller, layer outcomes and auth types,
// statement hits, the candidate's outcome and its change; compile errors name
// their layer.
#include "workflow/internal/chain_runner.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/authorize.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"

namespace latticepol::internal {
namespace {

PolicyDocument Policy(const std::string& statements) {
  ParseResult r = ParsePolicy(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}");
  EXPECT_TRUE(r.ok()) << statements;
  return r.doc;
}

const std::string kAllowAccount111 =
    R"({"Sid":"Net","Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
    R"("Condition":{"StringEquals":{"vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}})";
const std::string kAllowBlue =
    R"({"Sid":"Blue","Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
    R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"}}})";
const std::string kDenyPost =
    R"({"Sid":"NoPost","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
    R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"POST"}}})";
const std::string kAllowAll =
    R"({"Sid":"All","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})";

TEST(ChainRunnerTest, StepMatchesTheReferenceChain) {
  const PolicyDocument network = Policy(kAllowAccount111);
  const PolicyDocument service = Policy(kAllowBlue + "," + kDenyPost);
  const PolicyDocument identity = Policy(kAllowBlue);
  const PolicyDocument shadow = Policy(kAllowAll);
  int compared = 0;
  for (AuthType net_auth : {AuthType::kNone, AuthType::kAwsIam}) {
    for (AuthType svc_auth : {AuthType::kNone, AuthType::kAwsIam}) {
      ChainPolicies chain;
      chain.config.network_auth_type = net_auth;
      chain.config.service_auth_type = svc_auth;
      chain.network_policy = &network;
      chain.service_policy = &service;
      chain.identity_policy = &identity;
      CompiledLayers layers;
      ASSERT_TRUE(CompileLayers(chain, &shadow, &layers).ok());
      auto compiled_identity = CompileLayer(identity, "identity");
      ASSERT_TRUE(compiled_identity.ok());
      for (bool is_signed : {false, true}) {
        const ComposeTable table(chain.config, is_signed, true, true, true);
        for (const char* account : {"111111111111", "222222222222"}) {
          for (const char* method : {"GET", "POST"}) {
            for (const char* q : {"blue", "green"}) {
              Request request;
              request.method = method;
              request.query = {{"q", q}};
              request.source_vpc_owner_account = account;
              if (is_signed) request.principal = Principal{"", "111111111111", "Account", "", {}, {}, ""};
              const RequestView view = request.view();
              std::vector<uint64_t> hits(network.statements.size() + service.statements.size());
              const ChainStep step = RunChainStep(
                  layers, is_signed ? compiled_identity->get() : nullptr, table, view, hits.data());
              const ChainResult ref = AuthorizeReference(chain, view).result;
              EXPECT_EQ(step.result->kind, ref.decision) << account << method << q << is_signed;
              EXPECT_EQ(step.result->layer, ref.layer);
              ChainPolicies candidate = chain;
              candidate.service_policy = &shadow;
              const DecisionKind after = AuthorizeReference(candidate, view).result.decision;
              EXPECT_EQ(step.shadow_kind, after);
              EXPECT_EQ(step.change, CompareShadow(ref.decision, after));
              // One hit per evaluated layer whose decision names a statement.
              uint64_t total_hits = 0;
              for (uint64_t h : hits) total_hits += h;
              const uint64_t expected_hits =
                  (net_auth == AuthType::kAwsIam && ref.network.decision.statement >= 0) +
                  (svc_auth == AuthType::kAwsIam && ref.service.decision.statement >= 0);
              EXPECT_EQ(total_hits, expected_hits);
              ++compared;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 4 * 2 * 8);
}

TEST(ChainRunnerTest, CompileLayersSetsWhatIsEvaluated) {
  const PolicyDocument policy = Policy(kAllowAll);
  const PolicyDocument network = Policy(kAllowAccount111 + "," + kAllowAll);
  ChainPolicies chain;
  chain.config.network_auth_type = AuthType::kNone;
  chain.network_policy = &network;
  chain.service_policy = &policy;
  CompiledLayers layers;
  ASSERT_TRUE(CompileLayers(chain, &policy, &layers).ok());
  EXPECT_NE(layers.shadow, nullptr);
  EXPECT_TRUE(layers.eval_service);
  EXPECT_TRUE(layers.service_iam);
  EXPECT_FALSE(layers.eval_network);  // auth type NONE: not evaluated
  EXPECT_EQ(layers.network_statements, 2u);
  chain.config.service_auth_type = AuthType::kNone;
  CompiledLayers none;
  ASSERT_TRUE(CompileLayers(chain, nullptr, &none).ok());
  EXPECT_FALSE(none.eval_service);
  EXPECT_FALSE(none.service_iam);
  EXPECT_EQ(none.shadow, nullptr);
}

TEST(AddHitTest, CountsDecidingStatementsOnlyWithoutBranching) {
  std::vector<uint64_t> hits(4, 0);
  AddHit(hits.data(), 0, -1);  // no statement decided: nothing counted
  AddHit(hits.data(), 2, -1);
  EXPECT_EQ(hits, (std::vector<uint64_t>{0, 0, 0, 0}));
  AddHit(hits.data(), 0, 1);
  AddHit(hits.data(), 2, 0);  // a service statement after two network ones
  AddHit(hits.data(), 2, 1);
  AddHit(hits.data(), 2, 1);
  EXPECT_EQ(hits, (std::vector<uint64_t>{0, 1, 1, 2}));
  std::vector<uint64_t> one(1, 0);  // layers without statements: one element
  AddHit(one.data(), 0, -1);
  EXPECT_EQ(one[0], 0u);
}

}  // namespace
}  // namespace latticepol::internal
