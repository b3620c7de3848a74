// Tests for src/lint/format.cc (FormatPolicyText): canonical order, both
// layouts, exact values, idempotence, and located syntax errors.
#include <string>

#include "gtest/gtest.h"
#include "latticepol/parse.h"
#include "latticepol/policy_format.h"

namespace latticepol {
namespace {

constexpr char kMessy[] =
    "{ \"Statement\": [ {\"Condition\": {\"StringEquals\": {\"vpc-lattice-svcs:Port\": 80, "
    "\"b\": [\"x\", \"y\\n\"]}}, \"Resource\": \"*\", \"Action\": \"*\", \"Principal\": \"*\", "
    "\"Effect\": \"Allow\", \"Sid\": \"S\"} ],\n  \"Version\": \"2012-10-17\" }\n";

TEST(FormatTest, MinifiedIsCanonicalOneLineAndKeepsValues) {
  FormatPolicyResult r = FormatPolicyText(kMessy, PolicyLayout::kMinified);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text,
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S\",\"Effect\":\"Allow\","
            "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
            "{\"vpc-lattice-svcs:Port\":80,\"b\":[\"x\",\"y\\n\"]}}}]}");
  // What the Lattice API accepts: the strict parser has no newline complaint.
  EXPECT_TRUE(ParsePolicy(r.text).ok());
}

TEST(FormatTest, PrettyIsIndentedAndIdempotent) {
  FormatPolicyResult r = FormatPolicyText(kMessy, PolicyLayout::kPretty);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text.substr(0, 32), "{\n  \"Version\": \"2012-10-17\",\n  \"");
  EXPECT_NE(r.text.find("\"b\": [\"x\", \"y\\n\"]"), std::string::npos) << r.text;
  EXPECT_EQ(r.text.back(), '\n');
  EXPECT_EQ(FormatPolicyText(r.text, PolicyLayout::kPretty).text, r.text);
  // Pretty and minified describe the same document.
  EXPECT_EQ(FormatPolicyText(r.text, PolicyLayout::kMinified).text,
            FormatPolicyText(kMessy, PolicyLayout::kMinified).text);
}

TEST(FormatTest, SingleStatementObjectAndUnknownMembersKeepTheirPlace) {
  FormatPolicyResult r = FormatPolicyText(
      "{\"Statement\":{\"Zed\":1,\"Effect\":\"Deny\"},\"Extra\":true,\"Version\":\"2012-10-17\"}",
      PolicyLayout::kMinified);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text, "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Zed\":1},\"Extra\":true}");
}

TEST(FormatTest, SyntaxErrorsAreLocated) {
  FormatPolicyResult r = FormatPolicyText("{\n  \"Version\": }", PolicyLayout::kMinified);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].code, "json-syntax");
  EXPECT_EQ(r.issues[0].location.line, 2);
  EXPECT_TRUE(r.text.empty());
  EXPECT_FALSE(FormatPolicyText(std::string(5000, '['), PolicyLayout::kPretty).ok());
}

}  // namespace
}  // namespace latticepol
