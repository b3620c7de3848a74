// File: tests/unit/cases_test.cc
// Stage: check. Case-file parsing (including errors with line numbers and
// pointers), RunCases results, DecideRequest and the report renderings.
#include "latticepol/cases.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/parse.h"
#include "latticepol/request_json.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kBlueGreen[] =
    R"({"Version":"2012-10-17","Statement":[)"
    R"({"Sid":"AllowBlue","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
    R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue",)"
    R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}},)"
    R"({"Sid":"AllowGreen","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
    R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"green",)"
    R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"222222222222"}}}]})";

PolicyDocument BlueGreen() {
  ParseResult r = ParsePolicy(kBlueGreen);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "blue-green");
  return r.doc;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const Issue* FindIssue(const std::vector<Issue>& issues, int line) {
  for (const Issue& issue : issues) {
    if (issue.location.line == line && issue.severity == Severity::kError) return &issue;
  }
  return nullptr;
}

// ---- ParseCases ---------------------------------------------------------------

TEST(ParseCasesTest, ParsesFieldsSkipsBlankLinesAndIgnoresUnknownFields) {
  CaseFile file = ParseCases(
      "\n"
      R"({"name": "a", "request": {"query": "q=blue"}, "expect": "ALLOW", "note": 1})"
      "\n   \n"
      R"({"name": "b", "request": {"method": "POST"}, "expect": "EXPLICIT_DENY",)"
      R"( "networkAuthType": "AWS_IAM", "serviceAuthType": "NONE", "identityDecision": "IMPLICIT_DENY"})"
      "\r\n");
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases");
  EXPECT_THAT(file.issues, IsEmpty());
  ASSERT_EQ(file.cases.size(), 2u);

  const TestCase& a = file.cases[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.line, 2);
  EXPECT_EQ(a.expect, DecisionKind::kAllow);
  ASSERT_EQ(a.request.query.size(), 1u);
  EXPECT_EQ(a.request.query[0].first, "q");
  EXPECT_EQ(a.request.query[0].second, "blue");
  EXPECT_FALSE(a.policy.has_value());
  EXPECT_FALSE(a.uses_chain());

  const TestCase& b = file.cases[1];
  EXPECT_EQ(b.line, 4);
  EXPECT_EQ(b.expect, DecisionKind::kExplicitDeny);
  EXPECT_EQ(b.request.method, "POST");
  EXPECT_TRUE(b.uses_chain());
  ASSERT_TRUE(b.network_auth_type.has_value());
  EXPECT_EQ(*b.network_auth_type, AuthType::kAwsIam);
  ASSERT_TRUE(b.service_auth_type.has_value());
  EXPECT_EQ(*b.service_auth_type, AuthType::kNone);
  ASSERT_TRUE(b.identity_decision.has_value());
  EXPECT_EQ(*b.identity_decision, DecisionKind::kImplicitDeny);
}

TEST(ParseCasesTest, ParsesInlinePolicies) {
  std::string line = std::string(R"({"name": "inline", "request": {}, "expect": "ALLOW", "policy": )") +
                     kBlueGreen + R"(, "networkPolicy": )" + kBlueGreen + "}";
  CaseFile file = ParseCases(line);
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases");
  ASSERT_EQ(file.cases.size(), 1u);
  ASSERT_TRUE(file.cases[0].policy.has_value());
  EXPECT_EQ(file.cases[0].policy->statements.size(), 2u);
  EXPECT_EQ(file.cases[0].policy->statements[1].sid, "AllowGreen");
  ASSERT_TRUE(file.cases[0].network_policy.has_value());
  EXPECT_TRUE(file.cases[0].uses_chain());
}

TEST(ParseCasesTest, ByteOrderMarkIsSkipped) {
  CaseFile file = ParseCases("\xEF\xBB\xBF" R"({"name": "a", "request": {}, "expect": "ALLOW"})");
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases");
  ASSERT_EQ(file.cases.size(), 1u);
  EXPECT_EQ(file.cases[0].name, "a");
}

// The streaming parser (used by `check` to read case files and stdin in
// pieces) gives the same cases, line numbers and duplicate-name warnings as
// one ParseCases over the whole text, wherever the pieces are cut.
TEST(ParseCasesTest, StreamParserMatchesWholeFileParse) {
  const std::string line =
      R"({"name":"a","request":{"method":"GET"},"expect":"ALLOW"})";
  const std::string text = line + "\n\n" + line + "\n" +
                           R"({"name":"b","request":{"method":7},"expect":"ALLOW"})" + "\n" +
                           R"({"name":"c","request":{},"expect":"IMPLICIT_DENY"})";
  const CaseFile whole = ParseCases(text);
  ASSERT_EQ(whole.cases.size(), 3u);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    if (cut != 0 && cut != text.size() && text[cut - 1] != '\n') continue;  // line boundaries only
    CaseStreamParser parser;
    CaseFile first = parser.Parse(std::string_view(text).substr(0, cut));
    CaseFile second = parser.Parse(std::string_view(text).substr(cut));
    std::vector<int> lines;
    for (const CaseFile* f : {&first, &second}) {
      for (const TestCase& c : f->cases) lines.push_back(c.line);
    }
    EXPECT_EQ(lines, (std::vector<int>{1, 3, 5})) << "cut at " << cut;
    std::vector<std::string> issues;
    for (const CaseFile* f : {&first, &second}) {
      for (const Issue& i : f->issues) issues.push_back(i.code + "@" + std::to_string(i.location.line));
    }
    std::vector<std::string> expected;
    for (const Issue& i : whole.issues) expected.push_back(i.code + "@" + std::to_string(i.location.line));
    EXPECT_EQ(issues, expected) << "cut at " << cut;
  }
}

TEST(ParseCasesTest, SkipField) {
  CaseFile file = ParseCases(
      R"({"name": "a", "request": {}, "expect": "ALLOW", "skip": "later"})"
      "\n"
      R"({"name": "b", "request": {}, "expect": "ALLOW", "skip": false})");
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file.cases.size(), 2u);
  EXPECT_TRUE(file.cases[0].skip);
  EXPECT_EQ(file.cases[0].skip_reason, "later");
  EXPECT_FALSE(file.cases[1].skip);
}

TEST(ParseCasesTest, ExpectDenyAcceptsEitherKindOfDeny) {
  CaseFile file = ParseCases(
      R"({"name": "d", "request": {"query": "q=red"}, "expect": "DENY"})"
      "\n"
      R"({"name": "a", "request": {"query": "q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "DENY"})");
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "c");
  ASSERT_EQ(file.cases.size(), 2u);
  EXPECT_TRUE(file.cases[0].expect_any_deny);
  PolicyDocument policy = BlueGreen();
  CheckReport report = RunCases(file.cases, &policy);
  EXPECT_EQ(report.passed, 1);
  EXPECT_EQ(report.failed, 1);
  EXPECT_TRUE(report.results[0].expected_any_deny);
  EXPECT_NE(CheckReportToText(report).find("expected: DENY"), std::string::npos);
}

TEST(ParseCasesTest, MisspelledRequiredFieldGetsADidYouMean) {
  CaseFile file = ParseCases(R"({"name": "t", "request": {}, "expcet": "ALLOW"})");
  ASSERT_EQ(file.issues.size(), 1u);
  EXPECT_EQ(file.issues[0].code, "case-missing-field");
  EXPECT_EQ(file.issues[0].location.json_pointer, "/expcet");
  EXPECT_NE(file.issues[0].message.find("did you mean `expect`?"), std::string::npos)
      << file.issues[0].message;
  // Near-miss: an unrelated unknown field keeps the plain message.
  CaseFile plain = ParseCases(R"({"name": "t", "request": {}, "note": "x"})");
  ASSERT_EQ(plain.issues.size(), 1u);
  EXPECT_EQ(plain.issues[0].message, "missing field `expect`");
}

struct BadCase {
  const char* line;
  const char* code;     // expected issue code
  const char* pointer;  // expected prefix of the JSON pointer
};

class BadCaseTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCaseTest, ReportsLineCodeAndPointer) {
  const BadCase& bad = GetParam();
  // A good case first, a blank line, then the bad one on line 3.
  std::string text = std::string(R"({"name": "good", "request": {}, "expect": "ALLOW"})") +
                     "\n\n" + bad.line + "\n";
  CaseFile file = ParseCases(text);
  EXPECT_FALSE(file.ok());
  ASSERT_EQ(file.cases.size(), 1u) << "only the good case survives";
  EXPECT_EQ(file.cases[0].name, "good");
  const Issue* issue = FindIssue(file.issues, 3);
  ASSERT_NE(issue, nullptr) << FormatIssues(file.issues, "cases");
  if (bad.code[0] != '\0') {
    EXPECT_EQ(issue->code, bad.code);
  }
  EXPECT_THAT(issue->location.json_pointer, StartsWith(bad.pointer));
  EXPECT_THAT(issue->message, Not(IsEmpty()));
  EXPECT_NE(issue->message.back(), '.');
  EXPECT_THAT(FormatIssue(*issue, "cases.jsonl"), HasSubstr("cases.jsonl:3"));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadCaseTest,
    ::testing::Values(
        BadCase{R"({"name": "x", "request": {)", "case-json-syntax", ""},
        BadCase{R"([1, 2])", "case-not-object", ""},
        BadCase{R"({"request": {}, "expect": "ALLOW"})", "case-missing-field", ""},
        BadCase{R"({"name": 7, "request": {}, "expect": "ALLOW"})", "case-invalid-field", "/name"},
        BadCase{R"({"name": "x", "request": {}})", "case-missing-field", ""},
        BadCase{R"({"name": "x", "request": {}, "expect": "PERMIT"})", "case-invalid-decision",
                "/expect"},
        BadCase{R"({"name": "x", "request": {}, "expect": null})", "case-invalid-decision", "/expect"},
        BadCase{R"({"name": "x", "expect": "ALLOW"})", "case-missing-field", ""},
        BadCase{R"({"name": "x", "request": [], "expect": "ALLOW"})", "case-invalid-field",
                "/request"},
        // Request issues keep the request parser's code, under /request.
        BadCase{R"({"name": "x", "request": {"methd": "GET"}, "expect": "ALLOW"})", "", "/request"},
        BadCase{R"({"name": "x", "request": {"port": "eighty"}, "expect": "ALLOW"})", "",
                "/request/port"},
        BadCase{R"({"name": "x", "request": {}, "expect": "ALLOW", "networkAuthType": "IAM"})",
                "case-invalid-auth-type", "/networkAuthType"},
        BadCase{R"({"name": "x", "request": {}, "expect": "ALLOW", "serviceAuthType": 1})",
                "case-invalid-auth-type", "/serviceAuthType"},
        BadCase{R"({"name": "x", "request": {}, "expect": "ALLOW", "identityDecision": "yes"})",
                "case-invalid-decision", "/identityDecision"},
        BadCase{R"({"name": "x", "request": {}, "expect": "ALLOW", "policy": "{}"})",
                "case-invalid-policy", "/policy"},
        // Policy issues keep the policy parser's code, under /policy.
        BadCase{R"({"name": "x", "request": {}, "expect": "ALLOW", "policy": {"Version": "2012-10-17",)"
                R"( "Statement": [{"Effect": "allow", "Principal": "*", "Action": "*", "Resource": "*"}]}})",
                "", "/policy/Statement/0/Effect"},
        BadCase{R"({"name": "x", "request": {}, "expect": "ALLOW", "skip": 3})", "case-invalid-field",
                "/skip"},
        BadCase{R"({"name": "x", "name": "y", "request": {}, "expect": "ALLOW"})",
                "case-duplicate-field", "/name"},
        // The request text is parsed as written, so its duplicate keys are caught.
        BadCase{R"({"name": "x", "request": {"method": "GET", "method": "PUT"}, "expect": "ALLOW"})", "",
                "/request"}));

TEST(ParseCasesTest, NestedIssuesPointIntoTheLine) {
  const std::string line =
      R"(  {"name": "x", "request": {}, "expect": "ALLOW", "policy": {"Version": "2012-10-17",)"
      R"( "Statement": [{"Effect": "allow", "Principal": "*", "Action": "*", "Resource": "*"}]}})";
  CaseFile file = ParseCases("\n" + line);
  ASSERT_FALSE(file.ok());
  const Issue* issue = FindIssue(file.issues, 2);
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->location.json_pointer, "/policy/Statement/0/Effect");
  // The column is within the line and at or after the `"policy"` member.
  ASSERT_GT(issue->location.column, 0) << FormatIssues(file.issues, "cases");
  EXPECT_GT(static_cast<size_t>(issue->location.column), line.find("\"policy\""));
  EXPECT_LE(static_cast<size_t>(issue->location.column), line.size());
}

TEST(ParseCasesTest, SyntaxErrorHasColumn) {
  CaseFile file = ParseCases(R"({"name": "x", "request": {} "expect": "ALLOW"})");
  ASSERT_FALSE(file.ok());
  ASSERT_EQ(file.issues.size(), 1u);
  EXPECT_EQ(file.issues[0].location.line, 1);
  EXPECT_GT(file.issues[0].location.column, 20);
  EXPECT_THAT(file.issues[0].message, StartsWith("invalid JSON: "));
}

TEST(ParseCasesTest, DuplicateNamesAreWarnings) {
  CaseFile file = ParseCases(
      R"({"name": "x", "request": {}, "expect": "ALLOW"})"
      "\n"
      R"({"name": "x", "request": {}, "expect": "ALLOW"})");
  EXPECT_TRUE(file.ok());
  EXPECT_EQ(file.cases.size(), 2u);
  ASSERT_EQ(file.issues.size(), 1u);
  EXPECT_EQ(file.issues[0].severity, Severity::kWarning);
  EXPECT_EQ(file.issues[0].code, "duplicate-case-name");
  EXPECT_EQ(file.issues[0].location.line, 2);
}

// F2 (hardening findings): case names and values in messages and in the text
// report are escaped and cut, so each stays on one line.
TEST(ParseCasesTest, UserInputIsEscapedInMessagesAndTheReport) {
  CaseFile file = ParseCases(R"({"name": "a\nb", "request": {}, "expect": "ALLOW"})"
                             "\n"
                             R"({"name": "a\nb", "request": {}, "expect": "ALLOW"})");
  ASSERT_EQ(file.issues.size(), 1u) << FormatIssues(file.issues, "cases");
  EXPECT_EQ(file.issues[0].message, "duplicate case name `a\\nb`");

  const std::string long_name(1000, 'n');
  CaseFile long_file = ParseCases(R"({"name": ")" + long_name +
                                  R"(", "request": {}, "expect": "ALLOW", "identityDecision": ")" +
                                  long_name + "\"}");
  ASSERT_EQ(long_file.issues.size(), 1u);
  EXPECT_THAT(long_file.issues[0].message, HasSubstr("`\"" + std::string(79, 'n') + "...`"));
  EXPECT_LT(long_file.issues[0].message.size(), 200u);

  RunOptions options;
  const PolicyDocument policy = BlueGreen();
  const CheckReport report = RunCases(file.cases, &policy, options);
  const std::string text = CheckReportToText(report, false);
  EXPECT_THAT(text, HasSubstr("FAIL a\\nb (line 1)"));
  EXPECT_THAT(text, Not(HasSubstr("a\nb")));
}

// ---- RunCases -----------------------------------------------------------------

TEST(RunCasesTest, ShippedCasesAllPass) {
  const std::string dir = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/";
  ParseResult policy = ParsePolicy(ReadFile(dir + "auth-policy.json"));
  ASSERT_TRUE(policy.ok()) << FormatIssues(policy.issues, "auth-policy.json");
  EXPECT_THAT(policy.issues, IsEmpty()) << "the shipped policy has no warnings either";
  CaseFile file = ParseCases(ReadFile(dir + "cases.jsonl"));
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases.jsonl");
  EXPECT_GE(file.cases.size(), 25u);

  CheckReport report = RunCases(file.cases, &policy.doc);
  EXPECT_THAT(report.issues, IsEmpty());
  for (const CaseResult& r : report.results) {
    EXPECT_TRUE(r.passed) << r.name << " (line " << r.line << "): expected "
                          << DecisionName(r.expected) << ", got " << DecisionName(r.got)
                          << "\n" << r.explanation;
    EXPECT_FALSE(r.internal_error) << r.name;
  }
  EXPECT_EQ(report.passed, static_cast<int>(file.cases.size()));
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(report.skipped, 0);
  EXPECT_TRUE(report.all_passed());
  EXPECT_EQ(CheckSummaryLine(report), std::to_string(file.cases.size()) + " passed, 0 failed");
}

TEST(RunCasesTest, ReportsFailuresUncertaintyAndSkips) {
  CaseFile file = ParseCases(
      R"({"name": "ok", "request": {"query": "q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "ALLOW"})"
      "\n"
      R"({"name": "wrong", "request": {"query": "q=green", "sourceVpcOwnerAccount": "111111111111"}, "expect": "ALLOW"})"
      "\n"
      R"({"name": "repeated", "request": {"query": "q=blue&q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "IMPLICIT_DENY"})"
      "\n"
      R"({"name": "later", "request": {}, "expect": "ALLOW", "skip": true})");
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases");
  PolicyDocument policy = BlueGreen();
  CheckReport report = RunCases(file.cases, &policy);
  EXPECT_THAT(report.issues, IsEmpty());
  ASSERT_EQ(report.results.size(), 4u);
  EXPECT_EQ(report.passed, 2);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.skipped, 1);
  EXPECT_FALSE(report.all_passed());

  const CaseResult& ok = report.results[0];
  EXPECT_TRUE(ok.passed);
  EXPECT_EQ(ok.got, DecisionKind::kAllow);
  EXPECT_EQ(ok.layer, Layer::kNone);
  EXPECT_THAT(ok.explanation, HasSubstr("AllowBlue"));

  const CaseResult& wrong = report.results[1];
  EXPECT_FALSE(wrong.passed);
  EXPECT_EQ(wrong.line, 2);
  EXPECT_EQ(wrong.expected, DecisionKind::kAllow);
  EXPECT_EQ(wrong.got, DecisionKind::kImplicitDeny);
  EXPECT_EQ(wrong.layer, Layer::kService);
  EXPECT_THAT(wrong.explanation, HasSubstr("AllowBlue"));

  const CaseResult& repeated = report.results[2];
  EXPECT_TRUE(repeated.passed);
  EXPECT_THAT(repeated.uncertain, Contains("Q2"));

  EXPECT_TRUE(report.results[3].skipped);
  EXPECT_FALSE(report.results[3].passed);

  std::string text = CheckReportToText(report);
  EXPECT_THAT(text, HasSubstr("FAIL wrong (line 2)"));
  EXPECT_THAT(text, HasSubstr("expected: ALLOW"));
  EXPECT_THAT(text, HasSubstr("got:      IMPLICIT_DENY"));
  EXPECT_THAT(text, Not(HasSubstr("FAIL ok")));
  EXPECT_THAT(text, HasSubstr("SKIP later (line 4)"));
  EXPECT_THAT(text, ::testing::EndsWith("\n2 passed, 1 failed, 1 skipped\n"));
  const std::string verbose = CheckReportToText(report, /*verbose=*/true);
  EXPECT_THAT(verbose, HasSubstr("PASS ok (line 1)"));
  // The DECISION ids are shown once, in the case header, not again inside the
  // explanation.
  EXPECT_THAT(repeated.explanation, Not(HasSubstr("uncertain")));
  const std::string header = "uncertain: Q2";
  const size_t first = verbose.find(header);
  ASSERT_NE(first, std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("Q2", first + header.size()), std::string::npos) << verbose;

  nlohmann::json j = nlohmann::json::parse(CheckReportToJson(report));
  EXPECT_EQ(j["passed"], 2);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["skipped"], 1);
  ASSERT_EQ(j["cases"].size(), 4u);
  EXPECT_EQ(j["cases"][1]["name"], "wrong");
  EXPECT_EQ(j["cases"][1]["got"], "IMPLICIT_DENY");
  EXPECT_EQ(j["cases"][1]["layer"], "service");
  EXPECT_EQ(j["cases"][2]["uncertain"][0], "Q2");
  EXPECT_TRUE(j["cases"][3]["got"].is_null());
}

TEST(RunCasesTest, CaseWithoutAnyPolicyIsAnIssue) {
  CaseFile file = ParseCases(
      "\n"
      R"({"name": "orphan", "request": {}, "expect": "ALLOW"})");
  ASSERT_TRUE(file.ok());
  CheckReport report = RunCases(file.cases, nullptr);
  ASSERT_EQ(report.issues.size(), 1u);
  EXPECT_EQ(report.issues[0].code, "case-no-policy");
  EXPECT_EQ(report.issues[0].location.line, 2);
  EXPECT_THAT(report.issues[0].message, HasSubstr("`orphan`"));
  EXPECT_EQ(report.skipped, 1);
  EXPECT_FALSE(report.all_passed());
}

TEST(RunCasesTest, InlinePolicyOverridesDefault) {
  // The inline policy allows everything; the default would deny.
  CaseFile file = ParseCases(
      R"({"name": "inline", "request": {"method": "DELETE"}, "expect": "ALLOW", "policy": )"
      R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}})");
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases");
  PolicyDocument policy = BlueGreen();
  CheckReport report = RunCases(file.cases, &policy);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_TRUE(report.results[0].passed) << report.results[0].explanation;
  // And without a default policy it still runs.
  EXPECT_TRUE(RunCases(file.cases, nullptr).all_passed());
}

TEST(RunCasesTest, ChainCases) {
  const std::string network =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestHeader/x-block":"yes"}}},)"
      R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";
  const std::string blue =
      R"("request": {"query": "q=blue", "sourceVpcOwnerAccount": "111111111111")";
  CaseFile file = ParseCases(
      // 1: both layers allow.
      R"({"name": "both allow", )" + blue + R"(}, "expect": "ALLOW", "networkPolicy": )" + network + "}\n" +
      // 2: network explicit deny.
      R"({"name": "network deny", )" + blue + R"(, "headers": {"x-block": "yes"}}, "expect": "EXPLICIT_DENY", "networkPolicy": )" +
      network + "}\n" +
      // 3: network AWS_IAM with no policy.
      R"({"name": "no network policy", )" + blue + R"(}, "expect": "IMPLICIT_DENY", "networkAuthType": "AWS_IAM"})" + "\n" +
      // 4: E1.
      R"({"name": "E1", "request": {"method": "PUT"}, "expect": "ALLOW", "networkAuthType": "NONE", "serviceAuthType": "NONE"})" +
      "\n" +
      // 5: signed caller, identity layer denies.
      R"({"name": "identity", )" + blue +
      R"(, "principal": {"arn": "arn:aws:iam::111111111111:role/blue", "account": "111111111111", "type": "AssumedRole"}},)" +
      R"( "expect": "IMPLICIT_DENY", "identityDecision": "IMPLICIT_DENY"})" + "\n" +
      // 6: signed caller, no identity input: assumed allow, uncertain E2.
      R"({"name": "assumed", )" + blue +
      R"(, "principal": {"arn": "arn:aws:iam::111111111111:role/blue", "account": "111111111111", "type": "AssumedRole"}},)" +
      R"( "expect": "ALLOW", "serviceAuthType": "AWS_IAM"})");
  ASSERT_TRUE(file.ok()) << FormatIssues(file.issues, "cases");
  ASSERT_EQ(file.cases.size(), 6u);
  PolicyDocument policy = BlueGreen();
  CheckReport report = RunCases(file.cases, &policy);
  EXPECT_THAT(report.issues, IsEmpty());
  for (const CaseResult& r : report.results) {
    EXPECT_TRUE(r.chain) << r.name;
    EXPECT_TRUE(r.passed) << r.name << ": got " << DecisionName(r.got) << "\n" << r.explanation;
  }
  EXPECT_EQ(report.results[1].layer, Layer::kNetwork);
  EXPECT_EQ(report.results[2].layer, Layer::kNetwork);
  EXPECT_THAT(report.results[2].explanation, HasSubstr("no policy attached"));
  EXPECT_THAT(report.results[3].explanation, HasSubstr("E1"));
  EXPECT_EQ(report.results[4].layer, Layer::kIdentity);
  EXPECT_THAT(report.results[5].uncertain, Contains("E2"));
}

// ---- DecideRequest --------------------------------------------------------------

TEST(DecideRequestTest, SinglePolicyAndJson) {
  PolicyDocument policy = BlueGreen();
  RequestParseResult request =
      ParseRequestJson(R"({"query": "q=green", "sourceVpcOwnerAccount": "222222222222"})");
  ASSERT_TRUE(request.ok());
  auto outcome = DecideRequest(policy, request.request.view());
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->decision, DecisionKind::kAllow);
  EXPECT_EQ(outcome->layer, Layer::kNone);
  EXPECT_THAT(outcome->internal_error, IsEmpty());
  EXPECT_THAT(outcome->explanation, HasSubstr("AllowGreen"));
  nlohmann::json j = nlohmann::json::parse(DecideOutcomeToJson(*outcome));
  EXPECT_EQ(j["decision"], "ALLOW");
  EXPECT_EQ(j["layer"], "none");
  EXPECT_TRUE(j["uncertain"].is_array());
  EXPECT_TRUE(j["explanation"].is_object());
}

TEST(DecideRequestTest, SinglePolicyDenyNamesServiceLayer) {
  PolicyDocument policy = BlueGreen();
  RequestParseResult request =
      ParseRequestJson(R"({"query": "q=green", "sourceVpcOwnerAccount": "111111111111"})");
  ASSERT_TRUE(request.ok());
  auto outcome = DecideRequest(policy, request.request.view());
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(outcome->layer, Layer::kService);
  EXPECT_EQ(outcome->failing_layers, LayerSet({Layer::kService}));
}

// A case's chain: inline policy over the default, network auth type AWS_IAM
// iff a network policy is given, service AWS_IAM unless stated.
TEST(TestCaseChainTest, DefaultsAndOverrides) {
  const PolicyDocument default_policy = BlueGreen();
  TestCase plain;
  ChainPolicies chain = plain.Chain(&default_policy);
  EXPECT_EQ(chain.service_policy, &default_policy);
  EXPECT_EQ(chain.network_policy, nullptr);
  EXPECT_EQ(chain.identity_policy, nullptr);
  EXPECT_EQ(chain.config.network_auth_type, AuthType::kNone);
  EXPECT_EQ(chain.config.service_auth_type, AuthType::kAwsIam);
  EXPECT_FALSE(chain.config.identity_decision.has_value());

  TestCase with_network;
  with_network.policy = BlueGreen();
  with_network.network_policy = BlueGreen();
  with_network.identity_decision = DecisionKind::kExplicitDeny;
  chain = with_network.Chain(&default_policy);
  EXPECT_EQ(chain.service_policy, &*with_network.policy);
  EXPECT_EQ(chain.network_policy, &*with_network.network_policy);
  EXPECT_EQ(chain.config.network_auth_type, AuthType::kAwsIam);
  EXPECT_EQ(chain.config.identity_decision, DecisionKind::kExplicitDeny);

  with_network.network_auth_type = AuthType::kNone;
  with_network.service_auth_type = AuthType::kNone;
  chain = with_network.Chain(nullptr);
  EXPECT_EQ(chain.config.network_auth_type, AuthType::kNone);
  EXPECT_EQ(chain.config.service_auth_type, AuthType::kNone);
}

TEST(DecideRequestTest, ChainServiceDenyNamesServiceLayer) {
  PolicyDocument policy = BlueGreen();
  RequestParseResult request =
      ParseRequestJson(R"({"query": "q=green", "sourceVpcOwnerAccount": "111111111111"})");
  ASSERT_TRUE(request.ok());
  ChainPolicies chain;
  chain.config.network_auth_type = AuthType::kNone;
  chain.config.service_auth_type = AuthType::kAwsIam;
  chain.service_policy = &policy;
  auto outcome = DecideRequest(chain, request.request.view());
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->decision, DecisionKind::kImplicitDeny);
  EXPECT_EQ(outcome->layer, Layer::kService);
  EXPECT_THAT(outcome->failing_layers, Contains(Layer::kService));
  EXPECT_THAT(outcome->explanation, HasSubstr("network layer: skipped"));
  EXPECT_THAT(outcome->explanation, HasSubstr("service layer: IMPLICIT_DENY"));
  nlohmann::json j = nlohmann::json::parse(DecideOutcomeToJson(*outcome));
  EXPECT_EQ(j["layer"], "service");
  EXPECT_EQ(j["explanation"]["layers"]["service"]["decision"], "IMPLICIT_DENY");
  EXPECT_EQ(j["explanation"]["layers"]["network"]["evaluated"], false);
}

}  // namespace
}  // namespace latticepol
