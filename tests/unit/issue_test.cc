// File: tests/unit/issue_test.cc
// Stage: issues. Formatting (human and JSON) and the location helpers.
#include "latticepol/issue.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

Issue MakeIssue(Severity severity, std::string code, std::string message, std::string pointer,
                int line, int column) {
  Issue issue;
  issue.severity = severity;
  issue.code = std::move(code);
  issue.message = std::move(message);
  issue.location.json_pointer = std::move(pointer);
  issue.location.line = line;
  issue.location.column = column;
  return issue;
}

TEST(IssueTest, HasErrors) {
  EXPECT_FALSE(HasErrors({}));
  EXPECT_FALSE(HasErrors({MakeIssue(Severity::kWarning, "w", "m", "", 0, 0)}));
  EXPECT_TRUE(HasErrors({MakeIssue(Severity::kWarning, "w", "m", "", 0, 0),
                         MakeIssue(Severity::kError, "e", "m", "", 0, 0)}));
}

TEST(IssueTest, FormatIssueLeavesOutUnknownParts) {
  const Issue full = MakeIssue(Severity::kError, "invalid-effect", "invalid effect `allow`",
                               "/Statement/0/Effect", 3, 14);
  EXPECT_EQ(FormatIssue(full, "policy.json"),
            "policy.json:3:14: /Statement/0/Effect: error: invalid effect `allow` [invalid-effect]");
  EXPECT_EQ(FormatIssue(full, ""),
            "3:14: /Statement/0/Effect: error: invalid effect `allow` [invalid-effect]");
  const Issue bare = MakeIssue(Severity::kWarning, "", "no location", "", 0, 0);
  EXPECT_EQ(FormatIssue(bare, ""), "warning: no location");
  EXPECT_EQ(FormatIssue(bare, "p"), "p: warning: no location");
  EXPECT_EQ(FormatIssues({full, bare}, "p"),
            "p:3:14: /Statement/0/Effect: error: invalid effect `allow` [invalid-effect]\n"
            "p: warning: no location\n");
}

TEST(IssueTest, FormatIssueEscapesEveryPart) {
  const Issue issue = MakeIssue(Severity::kError, "bad-key", "unknown key `a\nb`\nforged: error",
                                "/Condition/StringEquals/x\ny\x1b[31m", 2, 5);
  const std::string line = FormatIssue(issue, "dir/\rp\xFF.json");
  EXPECT_EQ(line,
            "dir/\\rp\\xff.json:2:5: /Condition/StringEquals/x\\ny\\x1b[31m: error: unknown key "
            "`a\\nb`\\nforged: error [bad-key]");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  // Already escaped text is left as it is: a backslash is not a control character.
  const Issue escaped = MakeIssue(Severity::kWarning, "", "value `a\\nb`", "/a\\b", 0, 0);
  EXPECT_EQ(FormatIssue(escaped, ""), "/a\\b: warning: value `a\\nb`");
  // Long pointers and source names are kept whole up to 1024 characters.
  const std::string long_name(300, 'n');
  EXPECT_EQ(FormatIssue(escaped, long_name).substr(0, 301), long_name + ":");
}

TEST(IssueTest, IssuesToJson) {
  const std::string json = IssuesToJson(
      {MakeIssue(Severity::kError, "json-syntax", "bad \"quote\"", "", 1, 2),
       MakeIssue(Severity::kWarning, "missing-version", "m\xFF", "/a~1b", 0, 0)});
  const nlohmann::json parsed = nlohmann::json::parse(json);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["severity"], "error");
  EXPECT_EQ(parsed[0]["code"], "json-syntax");
  EXPECT_EQ(parsed[0]["message"], "bad \"quote\"");
  EXPECT_EQ(parsed[0]["pointer"], "");
  EXPECT_EQ(parsed[0]["line"], 1);
  EXPECT_EQ(parsed[0]["column"], 2);
  EXPECT_EQ(parsed[1]["severity"], "warning");
  EXPECT_EQ(parsed[1]["pointer"], "/a~1b");
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(IssuesToJson({}), "[]");
}

TEST(IssueTest, EscapeJsonPointerToken) {
  EXPECT_EQ(EscapeJsonPointerToken("vpc-lattice-svcs:RequestHeader/x-api-key"),
            "vpc-lattice-svcs:RequestHeader~1x-api-key");
  EXPECT_EQ(EscapeJsonPointerToken("a~b/c"), "a~0b~1c");
  EXPECT_EQ(EscapeJsonPointerToken("~1"), "~01");
  EXPECT_EQ(EscapeJsonPointerToken(""), "");
}

TEST(IssueTest, OffsetToLineColumn) {
  int line = -1;
  int column = -1;
  const std::string text = "ab\ncd\n\xC3\xA9x";
  OffsetToLineColumn(text, 0, &line, &column);
  EXPECT_EQ(line, 1);
  EXPECT_EQ(column, 1);
  OffsetToLineColumn(text, 2, &line, &column);  // the first '\n'
  EXPECT_EQ(line, 1);
  EXPECT_EQ(column, 3);
  OffsetToLineColumn(text, 4, &line, &column);  // 'd'
  EXPECT_EQ(line, 2);
  EXPECT_EQ(column, 2);
  OffsetToLineColumn(text, 8, &line, &column);  // 'x' after a 2-byte character
  EXPECT_EQ(line, 3);
  EXPECT_EQ(column, 2);
  OffsetToLineColumn(text, 1000, &line, &column);  // clamped to the end
  EXPECT_EQ(line, 3);
  EXPECT_EQ(column, 3);
  OffsetToLineColumn(text, -1, &line, &column);
  EXPECT_EQ(line, 0);
  EXPECT_EQ(column, 0);
}

}  // namespace
}  // namespace latticepol
