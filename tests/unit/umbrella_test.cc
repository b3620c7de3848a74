// The umbrella header compiles on its own and its documented example works on
// the shipped blue/green policy.
#include "latticepol/latticepol.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace latticepol {
namespace {

std::string ReadShippedPolicy() {
  std::ifstream in(LATTICEPOL_SOURCE_DIR "/policies/shared-service/auth-policy.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(UmbrellaTest, HeaderExampleAllowsBlueAndDeniesGreenValue) {
  ParseResult parsed = ParsePolicy(ReadShippedPolicy());
  ASSERT_TRUE(parsed.ok()) << FormatIssues(parsed.issues, "auth-policy.json");
  auto compiled = Compile(parsed.doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  Request request;
  request.AppendRawQuery("q=blue");
  request.source_vpc_owner_account = "111111111111";
  Decision d = Evaluate(**compiled, request.view());
  EXPECT_EQ(d.kind, DecisionKind::kAllow);
  EXPECT_EQ(d.statement, 0);

  Request wrong = request;
  wrong.query.clear();
  wrong.AppendRawQuery("q=green");
  EXPECT_EQ(Evaluate(**compiled, wrong.view()).kind, DecisionKind::kImplicitDeny);
  EXPECT_EQ(EvaluateReference(parsed.doc, wrong.view()).decision.kind,
            DecisionKind::kImplicitDeny);
}

}  // namespace
}  // namespace latticepol
