// File: tests/unit/scenario_test.cc
// Stage: simulate (input). The scenario reader: the shipped blue/green
// scenario, every distribution form, principal inference, and errors located
// by line:column and JSON pointer with did-you-mean suggestions.
#include "latticepol/scenario.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace latticepol {
namespace {

using ::testing::HasSubstr;

const std::string kShared = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service";

ScenarioLoadResult Parse(const std::string& text) {
  return ParseScenario(text, "scenario.yaml", kShared);
}

// The formatted errors, one per line.
std::string Errors(const ScenarioLoadResult& r) {
  return FormatIssues(r.issues, "scenario.yaml");
}

constexpr char kMinimal[] = R"(policies:
  service: auth-policy.json
callers:
  - name: blue
    sourceVpcOwnerAccount: "111111111111"
)";

TEST(ScenarioTest, ShippedScenarioLoads) {
  ScenarioLoadResult r = LoadScenarioFile(kShared + "/scenario.yaml");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "scenario.yaml");
  const Scenario& s = r.scenario;
  EXPECT_EQ(s.count, 10000000u);
  EXPECT_EQ(s.seed, 20240611u);
  ASSERT_TRUE(s.service_policy.has_value());
  EXPECT_EQ(s.service_policy->statements.size(), 2u);
  EXPECT_EQ(s.service_auth_type, AuthType::kAwsIam);
  EXPECT_EQ(s.network_auth_type, AuthType::kNone);
  ASSERT_EQ(s.callers.size(), 5u);
  EXPECT_EQ(s.callers[0].name, "blue");
  ASSERT_TRUE(s.callers[0].principal.has_value());
  EXPECT_EQ(s.callers[0].principal->account, "111111111111");
  EXPECT_FALSE(s.callers[1].principal.has_value());  // blue-unsigned
  EXPECT_EQ(s.callers[2].principal->type, "AssumedRole");  // inferred from the role ARN
  EXPECT_EQ(s.expectations.size(), 7u);
  EXPECT_EQ(s.expectations[0].expect, ExpectedOutcome::kAllow);
  EXPECT_EQ(s.expectations[6].expect, ExpectedOutcome::kImplicitDeny);
}

TEST(ScenarioTest, ChainDescription) {
  Scenario s;
  s.network_auth_type = AuthType::kAwsIam;
  s.service_auth_type = AuthType::kNone;
  s.service_policy.emplace();
  s.network_policy.emplace();
  s.callers.resize(2);
  s.callers[0].identity_decision = DecisionKind::kExplicitDeny;
  s.callers[1].identity_policy.emplace();
  ChainPolicies chain = ScenarioChain(s);
  EXPECT_EQ(chain.config.network_auth_type, AuthType::kAwsIam);
  EXPECT_EQ(chain.config.service_auth_type, AuthType::kNone);
  EXPECT_EQ(chain.service_policy, &*s.service_policy);
  EXPECT_EQ(chain.network_policy, &*s.network_policy);
  EXPECT_EQ(chain.identity_policy, nullptr);
  EXPECT_FALSE(chain.config.identity_decision.has_value());
  chain = ScenarioChain(s, 0);
  EXPECT_EQ(chain.config.identity_decision, DecisionKind::kExplicitDeny);
  EXPECT_EQ(chain.identity_policy, nullptr);
  chain = ScenarioChain(s, 1);
  EXPECT_FALSE(chain.config.identity_decision.has_value());
  EXPECT_EQ(chain.identity_policy, &*s.callers[1].identity_policy);
  chain = ScenarioChain(s, 2);  // out of range: no identity input
  EXPECT_EQ(chain.identity_policy, nullptr);
  s.service_policy.reset();
  EXPECT_EQ(ScenarioChain(s, 1).service_policy, nullptr);
}

TEST(ScenarioTest, MinimalDefaults) {
  ScenarioLoadResult r = Parse(kMinimal);
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.scenario.count, 1000000u);
  EXPECT_EQ(r.scenario.threads, 0);
  EXPECT_EQ(r.scenario.callers[0].weight, 1.0);
  EXPECT_TRUE(r.scenario.mix.methods.empty());
  EXPECT_EQ(r.scenario.service_policy_path, kShared + "/auth-policy.json");
}

TEST(ScenarioTest, DistributionForms) {
  ScenarioLoadResult r = Parse(std::string(kMinimal) + R"(mix:
  methods: [GET, POST]
  paths: {/: 3, /items: 1}
  port: {443: 9, 80: 1}
  query:
    q:
      - blue
      - {value: green, weight: 2}
      - {absent: true, weight: 0.5}
      - {repeat: [a, b]}
      - {random: 4}
      - {random: {min: 1, max: 3, alphabet: "x&"}}
    k: single
  headers:
    Content-Type: {value: application/json}
)");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const ScenarioMix& m = r.scenario.mix;
  ASSERT_EQ(m.methods.choices.size(), 2u);
  EXPECT_EQ(m.methods.choices[1].value, "POST");
  ASSERT_EQ(m.paths.choices.size(), 2u);
  EXPECT_EQ(m.paths.choices[0].weight, 3);
  ASSERT_EQ(m.ports.choices.size(), 2u);
  EXPECT_EQ(m.ports.choices[1].value, "80");
  ASSERT_EQ(m.query.size(), 2u);
  const auto& q = m.query[0].second.choices;
  ASSERT_EQ(q.size(), 6u);
  EXPECT_EQ(q[0].kind, ScenarioChoice::Kind::kValue);
  EXPECT_EQ(q[1].weight, 2);
  EXPECT_EQ(q[2].kind, ScenarioChoice::Kind::kAbsent);
  EXPECT_EQ(q[2].weight, 0.5);
  EXPECT_EQ(q[3].kind, ScenarioChoice::Kind::kRepeat);
  EXPECT_THAT(q[3].values, ::testing::ElementsAre("a", "b"));
  EXPECT_EQ(q[4].kind, ScenarioChoice::Kind::kRandom);
  EXPECT_EQ(q[4].random_min, 4);
  EXPECT_EQ(q[4].random_max, 4);
  EXPECT_EQ(q[5].random_min, 1);
  EXPECT_EQ(q[5].random_max, 3);
  EXPECT_EQ(q[5].alphabet, "x&");
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].first, "content-type");  // lower-cased (H1)
}

TEST(ScenarioTest, JsonIsAccepted) {
  ScenarioLoadResult r = Parse(R"({"policies": {"service": "auth-policy.json"},
    "count": 10, "callers": [{"name": "a", "principal": "anonymous"}],
    "expectations": [{"match": {"caller": "a"}, "expect": "DENY"}]})");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.scenario.count, 10u);
  EXPECT_EQ(r.scenario.expectations[0].expect, ExpectedOutcome::kDeny);
  EXPECT_EQ(r.scenario.expectations[0].name, "caller=a");
}

TEST(ScenarioTest, PrincipalInferenceFromSessionArn) {
  ScenarioLoadResult r = Parse(R"(callers:
  - name: s
    principal:
      arn: arn:aws:sts::111111111111:assumed-role/blue-service/session-1
      tags: {team: blue}
)");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const Principal& p = *r.scenario.callers[0].principal;
  EXPECT_EQ(p.arn, "arn:aws:iam::111111111111:role/blue-service");
  EXPECT_EQ(p.session_arn, "arn:aws:sts::111111111111:assumed-role/blue-service/session-1");
  EXPECT_EQ(p.type, "AssumedRole");
  EXPECT_EQ(p.account, "111111111111");
  ASSERT_EQ(p.tags.size(), 1u);
}

TEST(ScenarioTest, ExpectationMatchForms) {
  ScenarioLoadResult r = Parse(std::string(kMinimal) + R"(expectations:
  - match:
      caller: [blue]
      method: GET
      path: /items/*
      port: [443, 80]
      signed: false
      query: {q: blue, r: [a, b], s: ~}
      headers: {X-Env: prod}
    expect: EXPLICIT_DENY
)");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const ExpectationMatch& m = r.scenario.expectations[0].match;
  EXPECT_THAT(m.callers, ::testing::ElementsAre("blue"));
  EXPECT_THAT(m.ports, ::testing::ElementsAre(443, 80));
  ASSERT_TRUE(m.is_signed.has_value());
  EXPECT_FALSE(*m.is_signed);
  ASSERT_EQ(m.query.size(), 3u);
  EXPECT_THAT(m.query[0].second.values, ::testing::ElementsAre("blue"));
  EXPECT_THAT(m.query[1].second.values, ::testing::ElementsAre("a", "b"));
  EXPECT_TRUE(m.query[2].second.absent);
  EXPECT_EQ(m.headers[0].first, "x-env");
}

// ---- Errors -------------------------------------------------------------------

struct ErrorCase {
  std::string name;
  std::string text;
  std::string expected;  // a substring of the formatted issues
};

class ScenarioErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ScenarioErrorTest, ReportsLocatedError) {
  ScenarioLoadResult r = Parse(GetParam().text);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Errors(r), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ScenarioErrorTest,
    ::testing::Values(
        ErrorCase{"NegativeWeight",
                  "callers:\n  - name: a\n  - name: b\n    weight: -2\n",
                  "scenario.yaml:4:13: /callers/1/weight: error: weight must be a "
                  "non-negative number [invalid-weight]"},
        ErrorCase{"WeightNotANumber",
                  "callers:\n  - name: a\n    weight: lots\n",
                  "scenario.yaml:3:13: /callers/0/weight: error: weight must be a non-negative"},
        ErrorCase{"UnknownFieldDidYouMean",
                  "callers:\n  - name: a\n    wieght: 2\n",
                  "scenario.yaml:3:5: /callers/0/wieght: error: unknown field `wieght`; did "
                  "you mean `weight`? [unknown-field]"},
        ErrorCase{"UnknownTopLevel", "calers: []\n",
                  "scenario.yaml:1:1: /calers: error: unknown field `calers`; did you mean "
                  "`callers`?"},
        ErrorCase{"MissingCallers", "count: 5\n", "a scenario needs `callers`"},
        ErrorCase{"EmptyCallers", "callers: []\n", "/callers: error: `callers` must be a non-empty list"},
        ErrorCase{"DuplicateKey", "count: 1\ncount: 2\ncallers:\n  - name: a\n",
                  "scenario.yaml:2:1: /count: error: duplicate key `count`"},
        ErrorCase{"DuplicateCaller", "callers:\n  - name: a\n  - name: a\n",
                  "/callers/1/name: error: duplicate caller name `a`"},
        ErrorCase{"CountNotInteger", "count: 1.5\ncallers:\n  - name: a\n",
                  "scenario.yaml:1:8: /count: error: count must be an integer"},
        ErrorCase{"UnknownCallerInExpectation",
                  "callers:\n  - name: blue\nexpectations:\n  - match: {caller: bleu}\n    expect: DENY\n",
                  "scenario.yaml:4:21: /expectations/0/match/caller: error: unknown caller "
                  "`bleu`; did you mean `blue`?"},
        ErrorCase{"BadOutcome",
                  "callers:\n  - name: a\nexpectations:\n  - expect: ALLOWED\n",
                  "/expectations/0/expect: error: invalid outcome `ALLOWED`; did you mean `ALLOW`?"},
        ErrorCase{"MissingExpect",
                  "callers:\n  - name: a\nexpectations:\n  - match: {caller: a}\n",
                  "/expectations/0: error: an expectation needs `expect`"},
        ErrorCase{"ZeroWeights",
                  "mix:\n  methods: {GET: 0, POST: 0}\ncallers:\n  - name: a\n",
                  "scenario.yaml:2:12: /mix/methods: error: the weights of a distribution must "
                  "not all be zero"},
        ErrorCase{"TwoChoiceForms",
                  "mix:\n  query:\n    q:\n      - {value: a, absent: true}\ncallers:\n  - name: a\n",
                  "/mix/query/q/0: error: a choice needs exactly one of"},
        ErrorCase{"RandomPort", "mix:\n  port: [{random: 3}]\ncallers:\n  - name: a\n",
                  "/mix/port/0/random: error: a port cannot be random"},
        ErrorCase{"PortOutOfRange", "mix:\n  port: 70000\ncallers:\n  - name: a\n",
                  "/mix/port: error: a port must be an integer between 0 and 65535"},
        ErrorCase{"BadAuthType",
                  "policies:\n  serviceAuthType: IAM\ncallers:\n  - name: a\n",
                  "scenario.yaml:2:20: /policies/serviceAuthType: error: invalid auth type `IAM`"},
        ErrorCase{"MissingPolicyFile",
                  "policies:\n  service: nope.json\ncallers:\n  - name: a\n",
                  "scenario.yaml:2:12: /policies/service: error: cannot read policy file"},
        ErrorCase{"InvalidPolicyFile",
                  "policies:\n  service: ../invalid/duplicate-key.json\ncallers:\n  - name: a\n",
                  "/policies/service: error: invalid policy: "},
        ErrorCase{"BadPrincipalType",
                  "callers:\n  - name: a\n    principal: {account: \"111111111111\", type: Role}\n",
                  "/callers/0/principal/type: error: unknown principal type `Role`"},
        ErrorCase{"PrincipalWithoutIdentity",
                  "callers:\n  - name: a\n    principal: {type: User}\n",
                  "/callers/0/principal: error: a signed principal needs `arn` or `account`"},
        ErrorCase{"BothIdentityInputs",
                  "callers:\n  - name: a\n    principal: {account: \"111111111111\"}\n    identityDecision: ALLOW\n"
                  "    identityPolicy: auth-policy.json\n",
                  "give either `identityDecision` or `identityPolicy`"},
        ErrorCase{"ServiceArnNotAnArn", "service:\n  arn: not-an-arn\ncallers:\n  - name: a\n",
                  "scenario.yaml:2:8: /service/arn: error: `not-an-arn` is not a VPC Lattice service "
                  "ARN: an ARN has six colon-separated fields starting with `arn`"},
        ErrorCase{"ServiceArnOtherService",
                  "service:\n  arn: arn:aws:lambda:us-east-1:111111111111:function/f\ncallers:\n  - name: a\n",
                  "a VPC Lattice ARN is in the `vpc-lattice` service"},
        ErrorCase{"ServiceArnShortAccount",
                  "service:\n  arn: arn:aws:vpc-lattice:us-east-1:1111:service/svc-1\ncallers:\n  - name: a\n",
                  "the account field has 12 digits"},
        ErrorCase{"ServiceArnIsANetwork",
                  "service:\n  arn: arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-1\n"
                  "callers:\n  - name: a\n",
                  "the resource field is `service/<id>`"},
        ErrorCase{"ServiceArnWithPath",
                  "service:\n  arn: arn:aws:vpc-lattice:us-east-1:111111111111:service/svc-1/x\n"
                  "callers:\n  - name: a\n",
                  "the resource field is `service/<id>`"},
        ErrorCase{"ServiceNetworkArnIsAService",
                  "callers:\n  - name: a\n    serviceNetworkArn: arn:aws:vpc-lattice:us-east-1:111111111111:"
                  "service/svc-1\n",
                  "/callers/0/serviceNetworkArn: error: `arn:aws:vpc-lattice:us-east-1:111111111111:service/"
                  "svc-1` is not a VPC Lattice servicenetwork ARN: the resource field is "
                  "`servicenetwork/<id>`"},
        ErrorCase{"YamlSyntax", "callers:\n  - name: [unclosed\n",
                  "scenario.yaml:3:1: error: invalid yaml"},
        ErrorCase{"NotAMapping", "- just\n- a list\n", "scenario.yaml:1:1: error: expected a mapping"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(ScenarioTest, EveryErrorIsReportedNotOnlyTheFirst) {
  ScenarioLoadResult r = Parse("count: x\nseed: y\ncallers:\n  - name: a\n    weight: -1\n");
  EXPECT_EQ(r.issues.size(), 3u) << Errors(r);
}

TEST(ScenarioTest, MissingFile) {
  ScenarioLoadResult r = LoadScenarioFile("/nonexistent/scenario.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.issues[0].message, HasSubstr("cannot read scenario file"));
}

// F2 (hardening findings): user input in messages is escaped and cut.
TEST(ScenarioTest, MessagesEscapeAndCutUserInput) {
  ScenarioLoadResult path = Parse("policies: {service: \"a\\nb\"}\ncallers: [{name: a}]\n");
  ASSERT_EQ(path.issues.size(), 1u) << Errors(path);
  EXPECT_EQ(path.issues[0].code, "policy-file");
  EXPECT_THAT(path.issues[0].message, HasSubstr("/a\\nb`"));
  ScenarioLoadResult caller = Parse("callers: [{name: \"a\\tb\"}, {name: \"a\\tb\"}]\n");
  ASSERT_EQ(caller.issues.size(), 1u) << Errors(caller);
  EXPECT_EQ(caller.issues[0].message, "duplicate caller name `a\\tb`");
  ScenarioLoadResult long_type = Parse(
      "callers:\n  - name: a\n    principal: {account: \"111111111111\", type: " + std::string(5000, 'R') +
      "}\n");
  ASSERT_EQ(long_type.issues.size(), 1u);
  EXPECT_THAT(long_type.issues[0].message, HasSubstr(std::string(80, 'R') + "...`"));
  EXPECT_LT(long_type.issues[0].message.size(), 200u);
}

// F3: yaml-cpp accepts NUL bytes and invalid UTF-8 in scalars (and turns a NUL
// at the end of a flow collection into a raw 0x04 in its message, one column
// past the end); the reader rejects both first with a located error.
TEST(ScenarioTest, NulBytesAndInvalidUtf8AreLocatedSyntaxErrors) {
  ScenarioLoadResult nul = Parse(std::string(kMinimal) + std::string("  - name: bl\0e\n", 15));
  ASSERT_EQ(nul.issues.size(), 1u) << Errors(nul);
  EXPECT_EQ(Errors(nul), "scenario.yaml:6:13: error: invalid yaml: nul byte [yaml-syntax]\n");
  ScenarioLoadResult utf8 = Parse(std::string(kMinimal) + "  - name: bl\xff\n");
  ASSERT_EQ(utf8.issues.size(), 1u) << Errors(utf8);
  EXPECT_EQ(utf8.issues[0].code, "yaml-syntax");
  EXPECT_EQ(utf8.issues[0].location.line, 6);
  EXPECT_EQ(utf8.issues[0].location.column, 13);
  EXPECT_THAT(utf8.issues[0].message, HasSubstr("`\\xff`"));
  ScenarioLoadResult flow = Parse(std::string("callers: [{name: a}\x1f\0", 21));
  ASSERT_EQ(flow.issues.size(), 1u) << Errors(flow);
  EXPECT_EQ(flow.issues[0].location.line, 1);
  EXPECT_EQ(flow.issues[0].location.column, 21);
  EXPECT_TRUE(Parse(std::string(kMinimal) + "  - name: gr\xc3\xbcn\n").ok());
}

// F5: the scenario text and the policy files it names are bounded; special
// files are refused before they are read (`/dev/zero` used to grow until
// bad_alloc, a FIFO blocked).
TEST(ScenarioTest, InputSizesAreBoundedAndSpecialFilesRefused) {
  ScenarioLoadResult big = Parse(std::string(kMinimal) + "# " + std::string(1 << 20, 'x') + "\n");
  ASSERT_EQ(big.issues.size(), 1u);
  EXPECT_EQ(big.issues[0].code, "too-large");

  ScenarioLoadResult zero = Parse("policies: {service: /dev/zero}\ncallers: [{name: a}]\n");
  ASSERT_EQ(zero.issues.size(), 1u) << Errors(zero);
  EXPECT_EQ(Errors(zero),
            "scenario.yaml:1:21: /policies/service: error: policy file `/dev/zero` is not a "
            "regular file [policy-file]\n");
  ScenarioLoadResult dir = Parse("policies: {service: /tmp}\ncallers: [{name: a}]\n");
  ASSERT_EQ(dir.issues.size(), 1u) << Errors(dir);
  EXPECT_THAT(dir.issues[0].message, HasSubstr("is not a regular file"));

  const std::string dir_path = ::testing::TempDir() + "/scenario_test_limits";
  std::filesystem::create_directories(dir_path);
  const std::string fifo = dir_path + "/fifo.json";
  std::filesystem::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  ScenarioLoadResult fifo_result =
      ParseScenario("policies: {service: fifo.json}\ncallers: [{name: a}]\n", "s.yaml", dir_path);
  ASSERT_EQ(fifo_result.issues.size(), 1u);
  EXPECT_THAT(fifo_result.issues[0].message, HasSubstr("is not a regular file"));
  ScenarioLoadResult fifo_scenario = LoadScenarioFile(fifo);
  ASSERT_EQ(fifo_scenario.issues.size(), 1u);
  EXPECT_EQ(fifo_scenario.issues[0].code, "file-not-found");
  EXPECT_THAT(fifo_scenario.issues[0].message, HasSubstr("is not a regular file"));

  // A policy of more than 4 x 36,864 bytes cannot be under 36,864 characters.
  const std::string huge = dir_path + "/huge.json";
  {
    std::ofstream out(huge, std::ios::binary);
    out << "{\"Version\":\"2012-10-17\",\"Statement\":[]" << std::string(4 * 36864, ' ') << "}";
  }
  ScenarioLoadResult huge_result =
      ParseScenario("policies: {service: huge.json}\ncallers: [{name: a}]\n", "s.yaml", dir_path);
  ASSERT_EQ(huge_result.issues.size(), 1u);
  EXPECT_EQ(huge_result.issues[0].code, "policy-file");
  EXPECT_THAT(huge_result.issues[0].message, HasSubstr("has more than 147456 bytes"));

  const std::string big_file = dir_path + "/big.yaml";
  {
    std::ofstream out(big_file, std::ios::binary);
    out << kMinimal << "# " << std::string(3 << 20, 'x') << "\n";
  }
  ScenarioLoadResult big_scenario = LoadScenarioFile(big_file);
  ASSERT_EQ(big_scenario.issues.size(), 1u);
  EXPECT_EQ(big_scenario.issues[0].code, "too-large");
  std::filesystem::remove_all(dir_path);
}

TEST(ScenarioTest, OutcomeSatisfies) {
  EXPECT_TRUE(OutcomeSatisfies(ExpectedOutcome::kDeny, DecisionKind::kExplicitDeny));
  EXPECT_TRUE(OutcomeSatisfies(ExpectedOutcome::kDeny, DecisionKind::kImplicitDeny));
  EXPECT_FALSE(OutcomeSatisfies(ExpectedOutcome::kDeny, DecisionKind::kAllow));
  EXPECT_FALSE(OutcomeSatisfies(ExpectedOutcome::kExplicitDeny, DecisionKind::kImplicitDeny));
  EXPECT_TRUE(OutcomeSatisfies(ExpectedOutcome::kImplicitDeny, DecisionKind::kImplicitDeny));
  EXPECT_TRUE(OutcomeSatisfies(ExpectedOutcome::kAllow, DecisionKind::kAllow));
}

}  // namespace
}  // namespace latticepol
