// File: tests/unit/explain_test.cc
// Stage: explain. Pins the text of ExplainText for the seed blue/green policy
// (ALLOW, IMPLICIT_DENY with the "would pass with `q=blue`" hint, absent key,
// uncertain ids) and an EXPLICIT_DENY, and checks the JSON form's shape.
#include <string>

#include "gtest/gtest.h"
#include "latticepol/evaluate.h"
#include "latticepol/explain.h"
#include "latticepol/parse.h"
#include "nlohmann/json.hpp"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using ::latticepol::testing::AStar;
using ::latticepol::testing::InvokeRequest;
using ::latticepol::testing::MustParse;
using ::latticepol::testing::PolicyJson;

// A blue/green seed policy: blue = 111111111111, green = 222222222222.
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

class ExplainTest : public ::testing::Test {
 protected:
  Evaluation Eval(const std::string& owner, const std::string& query,
                  const std::string& method = "GET") const {
    Request r = InvokeRequest(owner);
    r.method = method;
    r.AppendRawQuery(query);
    return EvaluateReference(seed_, r.view());
  }

  const PolicyDocument seed_ = MustParse(
      PolicyJson({SeedStatement("AllowBlue", "blue", "111111111111"),
                  SeedStatement("AllowGreen", "green", "222222222222")}));
};

TEST_F(ExplainTest, Allow) {
  EXPECT_EQ(ExplainText(Eval("111111111111", "q=blue")),
            "decision: ALLOW\n"
            "allowed by: AllowBlue (/Statement/0)\n");
  EXPECT_EQ(ExplainText(Eval("222222222222", "q=green")),
            "decision: ALLOW\n"
            "allowed by: AllowGreen (/Statement/1)\n");
}

TEST_F(ExplainTest, ImplicitDenyWouldPassWithQuery) {
  EXPECT_EQ(
      ExplainText(Eval("111111111111", "q=green")),
      "decision: IMPLICIT_DENY\n"
      "no statement applies; closest Allow statements:\n"
      "- AllowBlue (/Statement/0): 1 failed element\n"
      "  AllowBlue: `vpc-lattice-svcs:RequestQueryString/q` = [green], expected "
      "`blue` (no-value-matched); would pass with `q=blue`\n"
      "- AllowGreen (/Statement/1): 1 failed element\n"
      "  AllowGreen: `vpc-lattice-svcs:SourceVpcOwnerAccount` = [111111111111], "
      "expected `222222222222` (no-value-matched); would pass with "
      "`SourceVpcOwnerAccount=222222222222`\n");
}

TEST_F(ExplainTest, ImplicitDenyAbsentKeyRankedByFailedElements) {
  EXPECT_EQ(
      ExplainText(Eval("111111111111", "", "POST")),
      "decision: IMPLICIT_DENY\n"
      "no statement applies; closest Allow statements:\n"
      "- AllowBlue (/Statement/0): 2 failed elements\n"
      "  AllowBlue: `vpc-lattice-svcs:RequestMethod` = [POST], expected `GET` "
      "(no-value-matched); would pass with `RequestMethod=GET`\n"
      "- AllowGreen (/Statement/1): 3 failed elements\n"
      "  AllowGreen: `vpc-lattice-svcs:RequestMethod` = [POST], expected `GET` "
      "(no-value-matched); would pass with `RequestMethod=GET`\n");
  ExplainOptions one;
  one.max_closest = 1;
  EXPECT_EQ(ExplainText(Eval("111111111111", ""), one),
            "decision: IMPLICIT_DENY\n"
            "no statement applies; closest Allow statements:\n"
            "- AllowBlue (/Statement/0): 1 failed element\n"
            "  AllowBlue: `vpc-lattice-svcs:RequestQueryString/q` is absent, "
            "expected `blue` (absent-positive); would pass with `q=blue`\n");
}

TEST_F(ExplainTest, UncertainIdsShown) {
  ExplainOptions one;
  one.max_closest = 1;
  EXPECT_EQ(ExplainText(Eval("111111111111", "q=blue&q=blue"), one),
            "decision: IMPLICIT_DENY\n"
            "uncertain: Q2\n"
            "no statement applies; closest Allow statements:\n"
            "- AllowBlue (/Statement/0): 1 failed element\n"
            "  AllowBlue: `vpc-lattice-svcs:RequestQueryString/q` = [blue, blue], "
            "expected `blue` (multi-value-plain-op)\n");
}

TEST(ExplainDenyTest, ExplicitDenyShowsConditions) {
  const PolicyDocument doc = MustParse(PolicyJson(
      {AStar(),
       "{\"Sid\":\"DenyOthers\",\"Effect\":\"Deny\",\"Principal\":\"*\","
       "\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{"
       "\"vpc-lattice-svcs:SourceVpcOwnerAccount\":[\"111122223333\","
       "\"777788889999\"]}}}"}));
  const Evaluation ev = EvaluateReference(doc, InvokeRequest("999999999999").view());
  EXPECT_EQ(ExplainText(ev),
            "decision: EXPLICIT_DENY\n"
            "denied by: DenyOthers (/Statement/1)\n"
            "  `vpc-lattice-svcs:SourceVpcOwnerAccount` = [999999999999], expected "
            "StringNotEquals `111122223333` or `777788889999` (matched)\n");
}

TEST(ExplainDenyTest, NoStatementsAndUnlabelledStatements) {
  EXPECT_EQ(ExplainText(EvaluateReference(
                MustParse("{\"Version\":\"2012-10-17\",\"Statement\":[]}"),
                InvokeRequest().view())),
            "decision: IMPLICIT_DENY\n"
            "uncertain: G3\n"
            "no statements\n");
  const PolicyDocument doc = MustParse(PolicyJson(
      {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"777788889999\"},"
       "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}"}));
  EXPECT_EQ(ExplainText(EvaluateReference(doc, InvokeRequest().view())),
            "decision: IMPLICIT_DENY\n"
            "no statement applies; closest Allow statements:\n"
            "- statement 0 (/Statement/0): 1 failed element\n"
            "  statement 0: principal does not match the caller\n");
}

TEST_F(ExplainTest, JsonShape) {
  const std::string text = ExplainJson(Eval("111111111111", "q=green"));
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["decision"], "IMPLICIT_DENY");
  EXPECT_EQ(j["statement"], -1);
  EXPECT_TRUE(j["uncertain"].is_array());
  ASSERT_EQ(j["statements"].size(), 2u);
  const nlohmann::json& s0 = j["statements"][0];
  EXPECT_EQ(s0["sid"], "AllowBlue");
  EXPECT_EQ(s0["effect"], "Allow");
  EXPECT_EQ(s0["applies"], false);
  EXPECT_EQ(s0["failed_elements"], 1);
  ASSERT_EQ(s0["clauses"].size(), 3u);
  const nlohmann::json& q = s0["clauses"][1];
  EXPECT_EQ(q["key"], "vpc-lattice-svcs:RequestQueryString/q");
  EXPECT_EQ(q["operator"], "StringEquals");
  EXPECT_EQ(q["reason"], "no-value-matched");
  EXPECT_EQ(q["would_pass"], "q=blue");
  EXPECT_EQ(q["request_values"], nlohmann::json::array({"green"}));
  EXPECT_EQ(j["closest"], nlohmann::json::array({0, 1}));
  EXPECT_TRUE(j["summary"].is_array());
}

TEST_F(ExplainTest, JsonToleratesInvalidUtf8) {
  const std::string text = ExplainJson(Eval("111111111111", "q=%FF"));
  EXPECT_NO_THROW(nlohmann::json::parse(text));
}

}  // namespace
}  // namespace latticepol
