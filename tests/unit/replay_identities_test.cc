// File: tests/unit/replay_identities_test.cc
// Stage: simulate (replay). Per-caller identity inputs: the reader's located
// issues, policy files and inline policies, the self-contained round trip,
// and which entry a replayed request uses (session ARN, role ARN, default,
// the chain's own input); precompiled layers are used as given.
#include "latticepol/replay_identities.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/parse.h"
#include "latticepol/replay.h"

namespace latticepol {
namespace {

using ::testing::HasSubstr;

constexpr char kRole[] = "arn:aws:iam::111111111111:role/blue";
constexpr char kSession[] = "arn:aws:sts::111111111111:assumed-role/blue/batch";
constexpr char kOther[] = "arn:aws:sts::111111111111:assumed-role/blue/web";
constexpr char kUser[] = "arn:aws:iam::222222222222:user/u";
constexpr char kGetOnly[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"vpc-lattice-svcs:Invoke",)"
    R"("Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}}}]})";

PolicyDocument AllowAll() {
  ParseResult r = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]})");
  EXPECT_TRUE(r.ok());
  return r.doc;
}

std::string LogLine(const std::string& caller, const std::string& method) {
  return R"({"requestMethod":")" + method + R"(","requestPath":"/","callerPrincipal":")" + caller +
         R"(","authDeniedReason":"-"})" "\n";
}

TEST(ReplayIdentitiesTest, ReadsDecisionsPoliciesAndDefault) {
  const std::string text = std::string(R"({"callers": [)") +
                           R"({"principal": ")" + kRole + R"(", "identityDecision": "ALLOW"},)" +
                           R"({"principal": ")" + kSession + R"(", "identityPolicy": )" + kGetOnly +
                           R"(}], "default": {"identityDecision": "EXPLICIT_DENY"}})";
  ReplayIdentitiesResult r = ParseReplayIdentities(text, "");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "ids");
  ASSERT_EQ(r.identities.callers.size(), 2u);
  EXPECT_EQ(r.identities.callers.at(kRole).decision, DecisionKind::kAllow);
  const CallerIdentityInput& session = r.identities.callers.at(kSession);
  ASSERT_NE(session.policy, nullptr);
  EXPECT_NE(session.compiled, nullptr);
  EXPECT_FALSE(session.decision.has_value());
  ASSERT_TRUE(r.identities.default_input.has_value());
  EXPECT_EQ(r.identities.default_input->decision, DecisionKind::kExplicitDeny);
  // The self-contained form reads back to the same inputs.
  const std::string json = ReplayIdentitiesToJson(r.identities);
  ReplayIdentitiesResult again = ParseReplayIdentities(json, "/nonexistent");
  ASSERT_TRUE(again.ok()) << FormatIssues(again.issues, "json");
  EXPECT_EQ(ReplayIdentitiesToJson(again.identities), json);
}

TEST(ReplayIdentitiesTest, PolicyFilesResolveAgainstTheFile) {
  const std::string dir = ::testing::TempDir();
  {
    std::ofstream(dir + "/get-only.json") << kGetOnly;
    std::ofstream(dir + "/ids.json")
        << R"({"default": {"identityPolicy": "get-only.json"}})";
  }
  ReplayIdentitiesResult r = LoadReplayIdentitiesFile(dir + "/ids.json");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "ids");
  ASSERT_TRUE(r.identities.default_input.has_value());
  EXPECT_NE(r.identities.default_input->policy, nullptr);
  EXPECT_THAT(r.identities.default_input->policy_path, HasSubstr("get-only.json"));
  std::remove((dir + "/get-only.json").c_str());
  ReplayIdentitiesResult missing = LoadReplayIdentitiesFile(dir + "/ids.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.issues[0].code, "policy-file");
  EXPECT_EQ(missing.issues[0].location.json_pointer, "/default/identityPolicy");
  EXPECT_EQ(missing.issues[0].location.line, 1);
}

TEST(ReplayIdentitiesTest, BadDocumentsAreLocatedIssues) {
  struct Case {
    std::string text, code, pointer, message;
    int line, column;
  };
  const std::vector<Case> cases = {
      {"{\"callers\": [\n  {\"principal\": \"a\"}]}", "identities-invalid", "/callers/0",
       "exactly one of", 2, 3},
      {"{\"callers\": [{\"principal\": \"a\", \"identityDecision\": \"allow\"}]}",
       "identities-invalid", "/callers/0/identityDecision", "`ALLOW`", 1, 53},
      {"{\"callers\": [{\"principal\": \"a\", \"identityDecision\": \"ALLOW\"},\n"
       " {\"principal\": \"a\", \"identityDecision\": \"ALLOW\"}]}",
       "identities-invalid", "/callers/1/principal", "listed twice", 2, 2},
      {"{\"caller\": []}", "identities-invalid", "/caller", "unknown field", 1, 2},
      {"{\"default\": {\"identityPolicy\": {\"Statement\": 1}}}", "policy-file",
       "/default/identityPolicy", "invalid identity policy", 1, 32},
      {"{\"default\": {\"identityPolicy\": {\"Version\": \"2012-10-17\", \"Statement\": "
       "[{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]}}}",
       "policy-file", "/default/identityPolicy", "invalid identity policy", 1, 32},
      {"{\"callers\": [}", "identities-syntax", "", "invalid JSON", 1, 14},
      {"[]", "identities-invalid", "", "must be a JSON object", 1, 1},
  };
  for (const Case& c : cases) {
    ReplayIdentitiesResult r = ParseReplayIdentities(c.text, "");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.issues[0].code, c.code) << c.text;
    EXPECT_EQ(r.issues[0].location.json_pointer, c.pointer) << c.text;
    EXPECT_THAT(r.issues[0].message, HasSubstr(c.message)) << c.text;
    EXPECT_EQ(r.issues[0].location.line, c.line) << c.text;
    EXPECT_EQ(r.issues[0].location.column, c.column) << c.text;
  }
}

// Which entry each replayed caller uses.
TEST(ReplayIdentitiesTest, ReplayUsesEachCallersInput) {
  const PolicyDocument service = AllowAll();
  ChainPolicies chain;
  chain.service_policy = &service;
  const std::string text = std::string(R"({"callers": [)") +
                           R"({"principal": ")" + kRole + R"(", "identityDecision": "ALLOW"},)" +
                           R"({"principal": ")" + kSession + R"(", "identityPolicy": )" + kGetOnly +
                           R"(}], "default": {"identityDecision": "IMPLICIT_DENY"}})";
  ReplayIdentitiesResult ids = ParseReplayIdentities(text, "");
  ASSERT_TRUE(ids.ok());
  ReplayOptions options;
  options.identities = &ids.identities;
  std::vector<uint8_t> marks;
  options.line_decisions = &marks;
  const std::string log = LogLine(kSession, "GET") +  // session entry: GET allowed
                          LogLine(kSession, "PUT") +  // session entry: implicit deny
                          LogLine(kOther, "PUT") +    // role entry: allowed
                          LogLine(kUser, "GET") +     // default: implicit deny
                          LogLine("-", "GET");        // anonymous: no identity layer
  auto report = ReplayText(log, chain, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(marks, (std::vector<uint8_t>{0, 2, 0, 2, 0}));
  EXPECT_EQ(report->log_allowed_now_denied, 2u);
  EXPECT_EQ(report->by_layer[static_cast<int>(Layer::kIdentity)], 2u);
  // Without the identities, every signed caller is assumed allowed (E2).
  options.identities = nullptr;
  ASSERT_TRUE(ReplayText(log, chain, options).ok());
  EXPECT_EQ(marks, (std::vector<uint8_t>{0, 0, 0, 0, 0}));
}

// Precompiled layers are used as given (so a caller that compiled once need
// not compile per replay): here a deny-all compiled form of an allow-all
// service policy decides.
TEST(ReplayIdentitiesTest, PrecompiledLayersAreUsed) {
  const PolicyDocument service = AllowAll();
  ParseResult deny = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
      R"("Action":"*","Resource":"*"}]})");
  ASSERT_TRUE(deny.ok());
  auto compiled = Compile(deny.doc);
  ASSERT_TRUE(compiled.ok());
  ChainPolicies chain;
  chain.service_policy = &service;
  ReplayOptions::Precompiled precompiled;
  precompiled.service = *compiled;
  ReplayOptions options;
  options.precompiled = &precompiled;
  const uint64_t compiles = ReplayCompileCount();
  auto report = ReplayText(LogLine("-", "GET"), chain, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->totals[static_cast<int>(DecisionKind::kExplicitDeny)], 1u);
  EXPECT_EQ(ReplayCompileCount(), compiles);  // nothing compiled
  options.precompiled = nullptr;
  report = ReplayText(LogLine("-", "GET"), chain, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->totals[static_cast<int>(DecisionKind::kAllow)], 1u);
  EXPECT_EQ(ReplayCompileCount(), compiles + 1);  // the service policy
}

}  // namespace
}  // namespace latticepol
