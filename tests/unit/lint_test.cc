// Tests for src/lint/: every check with a policy that triggers it and a
// near-miss that must not, the clean policies (seed, generated styles,
// org-restricted) and the JSON/SARIF renderings.
#include "latticepol/lint.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

using ::testing::IsEmpty;

// A one-statement policy: `body` is the statement's members after Principal.
std::string Policy(const std::string& effect, const std::string& body,
                   const std::string& principal = "\"*\"") {
  return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"" + effect +
         "\",\"Principal\":" + principal + "," + body + "}]}";
}

std::string Allow(const std::string& condition) {
  return Policy("Allow",
                "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":" +
                    condition);
}

std::string Deny(const std::string& condition) {
  return Policy("Deny",
                "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":" +
                    condition);
}

// Codes of the findings, in order.
std::vector<std::string> Codes(const std::string& text) {
  std::vector<std::string> codes;
  for (const LintFinding& f : LintPolicy(text).findings) codes.push_back(f.issue.code);
  return codes;
}

bool Has(const std::string& text, const std::string& code) {
  for (const std::string& c : Codes(text)) {
    if (c == code) return true;
  }
  return false;
}

const LintFinding* Find(const LintResult& r, const std::string& code) {
  for (const LintFinding& f : r.findings) {
    if (f.issue.code == code) return &f;
  }
  return nullptr;
}

constexpr char kVpcOwner[] = "\"vpc-lattice-svcs:SourceVpcOwnerAccount\":\"111111111111\"";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LintTest, EveryCheckHasAUniqueCodeAndASummary) {
  std::vector<std::string> seen;
  for (const LintCheckInfo& info : LintChecks()) {
    EXPECT_FALSE(info.summary.empty()) << info.code;
    for (const std::string& s : seen) EXPECT_NE(s, info.code);
    seen.emplace_back(info.code);
  }
  EXPECT_GE(seen.size(), 14u);
}

TEST(LintTest, CleanPoliciesHaveNoErrorSecurityOrWarning) {
  const std::string dir = std::string(LATTICEPOL_SOURCE_DIR);
  for (const std::string& path : std::vector<std::string>
       {dir + "/policies/shared-service/auth-policy.json",
        dir + "/tests/data/lint/clean/generated-seed.json",
        dir + "/tests/data/lint/clean/generated-deny-anonymous.json",
        dir + "/tests/data/lint/clean/generated-require-org.json",
        dir + "/tests/data/lint/clean/org-restricted.json"}) {
    std::string text = ReadFile(path);
    ASSERT_FALSE(text.empty()) << path;
    LintResult r = LintPolicy(text);
    EXPECT_TRUE(r.checked) << path;
    EXPECT_EQ(CountAtLeast(r.findings, Severity::kWarning), 0)
        << path << ": " << LintFindingsToJson(r.findings);
  }
}

TEST(LintTest, SeedNotesAnonymousCallersAsASuggestionOnly) {
  LintResult r = LintPolicy(
      ReadFile(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/auth-policy.json"));
  const LintFinding* f = Find(r, "anonymous-network-restricted");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->issue.severity, Severity::kSuggestion);
  EXPECT_EQ(f->issue.location.json_pointer, "/Statement/0");
  EXPECT_EQ(f->issue.location.line, 1);
  EXPECT_EQ(f->issue.location.column, 38);
}

TEST(LintTest, ParseErrorsAreErrorFindingsAndChecksStillRunOnPrettyFiles) {
  std::string pretty = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", "
                       "\"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}\n";
  LintResult r = LintPolicy(pretty);
  EXPECT_EQ(Codes(pretty).front(), "policy-has-newlines");
  EXPECT_EQ(r.findings.front().issue.severity, Severity::kError);
  EXPECT_TRUE(r.checked);
  const LintFinding* open = Find(r, "allow-anonymous-any-network");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->issue.location.line, 3);

  LintResult broken = LintPolicy("{\"Statement\": [");
  EXPECT_FALSE(broken.checked);
  ASSERT_EQ(broken.findings.size(), 1u);
  EXPECT_EQ(broken.findings[0].issue.code, "json-syntax");
}

TEST(LintTest, AllowWithNotActionOrNotResource) {
  std::string not_action = Policy("Allow", "\"NotAction\":\"vpc-lattice-svcs:Connect\",\"Resource\":\"*\","
                                           "\"Condition\":{\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_TRUE(Has(not_action, "allow-with-not-action"));
  std::string deny = Policy("Deny", "\"NotAction\":\"vpc-lattice-svcs:Connect\",\"Resource\":\"*\"");
  EXPECT_FALSE(Has(deny, "allow-with-not-action"));

  std::string not_resource =
      Policy("Allow", "\"Action\":\"vpc-lattice-svcs:Invoke\",\"NotResource\":\"*/admin/*\","
                      "\"Condition\":{\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_TRUE(Has(not_resource, "allow-with-not-resource"));
  std::string deny_nr = Policy("Deny", "\"Action\":\"vpc-lattice-svcs:Invoke\",\"NotResource\":\"*/admin/*\"");
  EXPECT_FALSE(Has(deny_nr, "allow-with-not-resource"));
}

TEST(LintTest, ForAllValuesInAllow) {
  std::string hit = Allow("{\"ForAllValues:StringEquals\":{\"vpc-lattice-svcs:RequestQueryString/env\":"
                          "[\"a\",\"b\"]},\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_TRUE(Has(hit, "allow-for-all-values"));
  // Near-miss: the key is required elsewhere in the statement.
  std::string guarded = Allow("{\"ForAllValues:StringEquals\":{\"vpc-lattice-svcs:RequestQueryString/env\":"
                              "[\"a\",\"b\"]},\"Null\":{\"vpc-lattice-svcs:RequestQueryString/env\":\"false\"},"
                              "\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_FALSE(Has(guarded, "allow-for-all-values"));
  std::string in_deny = Deny("{\"ForAllValues:StringEquals\":{\"vpc-lattice-svcs:RequestQueryString/env\":\"a\"}}");
  EXPECT_FALSE(Has(in_deny, "allow-for-all-values"));
}

TEST(LintTest, IfExistsOnPositiveOperatorInAllow) {
  std::string hit = Allow("{\"StringEqualsIfExists\":{\"vpc-lattice-svcs:RequestHeader/x-team\":\"blue\"},"
                          "\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  LintResult r = LintPolicy(hit);
  const LintFinding* f = Find(r, "allow-if-exists");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->issue.severity, Severity::kSecurity);
  EXPECT_EQ(f->issue.location.json_pointer,
            "/Statement/0/Condition/StringEqualsIfExists/vpc-lattice-svcs:RequestHeader~1x-team");
  EXPECT_GT(f->issue.location.column, 1);
  // Near-misses: a negated operator; a key every request carries.
  EXPECT_FALSE(Has(Allow("{\"StringNotEqualsIfExists\":{\"vpc-lattice-svcs:RequestHeader/x-team\":\"red\"},"
                         "\"StringEquals\":{" + std::string(kVpcOwner) + "}}"),
                   "allow-if-exists"));
  EXPECT_FALSE(Has(Allow("{\"StringEqualsIfExists\":{" + std::string(kVpcOwner) + "}}"), "allow-if-exists"));
}

TEST(LintTest, AnonymousFromAnyNetwork) {
  std::string open = Policy("Allow", "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"");
  LintResult r = LintPolicy(open);
  const LintFinding* f = Find(r, "allow-anonymous-any-network");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->issue.severity, Severity::kSecurity);
  EXPECT_EQ(f->issue.location.json_pointer, "/Statement/0");
  // A condition that does not restrict the origin or the identity.
  EXPECT_TRUE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"GET\"}}"),
                  "allow-anonymous-any-network"));
  // Near-misses: restricted by source VPC; restricted to an organisation;
  // anonymous denied by a Deny statement.
  EXPECT_FALSE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}"),
                   "allow-anonymous-any-network"));
  EXPECT_FALSE(Has(Allow("{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}"),
                   "allow-anonymous-any-network"));
  std::string denied =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
      "\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":"
      "\"111111111111\"}}},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\","
      "\"Condition\":{\"StringEqualsIgnoreCase\":{\"aws:PrincipalType\":\"anonymous\"}}}]}";
  EXPECT_FALSE(Has(denied, "allow-anonymous-any-network"));
  // A negated condition on the origin restricts nothing.
  EXPECT_TRUE(Has(Allow("{\"StringNotEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}"),
                  "allow-anonymous-any-network"));
}

TEST(LintTest, EverySignedPrincipal) {
  std::string hit = Allow("{\"StringNotEqualsIgnoreCase\":{\"aws:PrincipalType\":\"anonymous\"}}");
  EXPECT_TRUE(Has(hit, "allow-any-signed-principal"));
  EXPECT_FALSE(Has(hit, "allow-anonymous-any-network"));
  EXPECT_TRUE(Has(Allow("{\"Null\":{\"aws:PrincipalArn\":\"false\"}}"), "allow-any-signed-principal"));
  // Near-misses: pinned to an account; explicit principals.
  EXPECT_FALSE(Has(Allow("{\"StringEquals\":{\"aws:PrincipalAccount\":\"111111111111\"}}"),
                   "allow-any-signed-principal"));
  EXPECT_FALSE(Has(Policy("Allow", "\"Action\":\"*\",\"Resource\":\"*\"", "{\"AWS\":\"111111111111\"}"),
                   "allow-any-signed-principal"));
}

TEST(LintTest, ImpossibleValues) {
  struct Case {
    const char* key;
    const char* bad;
    const char* good;
  };
  for (const Case& c : std::vector<Case>{
           {"vpc-lattice-svcs:SourceVpcOwnerAccount", "11111111111", "111111111111"},
           {"vpc-lattice-svcs:RequestPath", "api/v1", "/api/v1"},
           {"vpc-lattice-svcs:RequestMethod", "get", "GET"},
           {"vpc-lattice-svcs:SourceVpc", "vpc-xyz", "vpc-0abc1234"},
           {"vpc-lattice-svcs:ServiceArn", "arn:aws:vpc-lattice:us-east-1:4444:service/svc-1",
            "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0"},
           {"aws:PrincipalAccount", "1234", "anonymous"}}) {
    std::string restrict = std::string(",\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"");
    if (std::string(c.key) == "vpc-lattice-svcs:SourceVpc") restrict = "";
    std::string bad = Allow(std::string("{\"StringEquals\":{\"") + c.key + "\":\"" + c.bad + "\"" + restrict + "}}");
    std::string good = Allow(std::string("{\"StringEquals\":{\"") + c.key + "\":\"" + c.good + "\"" + restrict + "}}");
    LintResult r = LintPolicy(bad);
    const LintFinding* f = Find(r, "impossible-value");
    ASSERT_NE(f, nullptr) << c.key;
    EXPECT_EQ(f->issue.severity, Severity::kWarning);
    EXPECT_THAT(Codes(good), ::testing::Not(::testing::Contains("impossible-value"))) << c.key;
  }
  // Case-insensitive comparison accepts a lower-case method; a pattern is
  // judged by its literal prefix.
  EXPECT_FALSE(Has(Allow("{\"StringEqualsIgnoreCase\":{\"vpc-lattice-svcs:RequestMethod\":\"get\"},"
                         "\"StringEquals\":{" + std::string(kVpcOwner) + "}}"),
                   "impossible-value"));
  EXPECT_TRUE(Has(Allow("{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":\"api/*\"}}"), "impossible-value"));
  EXPECT_FALSE(Has(Allow("{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":\"*/api\"}}"), "impossible-value"));
  // The pointer names the bad value inside an array.
  LintResult r = LintPolicy(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":[\"GET\",\"post\"]}}"));
  const LintFinding* f = Find(r, "impossible-value");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->issue.location.json_pointer,
            "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMethod/1");
}

TEST(LintTest, ContradictoryValues) {
  std::string hit = Allow("{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"},"
                          "\"StringNotEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}");
  EXPECT_TRUE(Has(hit, "contradictory-values"));
  EXPECT_TRUE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:RequestPath\":\"/a\"},"
                        "\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":\"/b/*\"}}"),
                  "contradictory-values"));
  EXPECT_TRUE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"},"
                        "\"Null\":{\"vpc-lattice-svcs:SourceVpc\":\"true\"}}"),
                  "contradictory-values"));
  // Near-miss: one of the pinned values survives the exclusion.
  EXPECT_FALSE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":[\"vpc-0abc1234\",\"vpc-0abc1235\"]},"
                         "\"StringNotEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}"),
                   "contradictory-values"));
}

TEST(LintTest, EmptyRanges) {
  std::string numeric = Allow("{\"NumericGreaterThan\":{\"vpc-lattice-svcs:Port\":\"443\"},"
                              "\"NumericLessThan\":{\"vpc-lattice-svcs:Port\":\"443\"},"
                              "\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_TRUE(Has(numeric, "empty-range"));
  EXPECT_FALSE(Has(Allow("{\"NumericGreaterThanEquals\":{\"vpc-lattice-svcs:Port\":\"443\"},"
                         "\"NumericLessThanEquals\":{\"vpc-lattice-svcs:Port\":\"443\"},"
                         "\"StringEquals\":{" + std::string(kVpcOwner) + "}}"),
                   "empty-range"));
  std::string dates = Allow("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2027-01-01T00:00:00Z\"},"
                            "\"DateLessThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"},"
                            "\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_TRUE(Has(dates, "empty-range"));
  EXPECT_FALSE(Has(Allow("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"},"
                         "\"DateLessThan\":{\"aws:CurrentTime\":\"2027-01-01T00:00:00Z\"},"
                         "\"StringEquals\":{" + std::string(kVpcOwner) + "}}"),
                   "empty-range"));
  std::string ip = Allow("{\"IpAddress\":{\"aws:SourceIp\":\"10.1.0.0/16\"},"
                         "\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}");
  EXPECT_TRUE(Has(ip, "empty-range"));
  EXPECT_FALSE(Has(Allow("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"},"
                         "\"NotIpAddress\":{\"aws:SourceIp\":\"10.1.0.0/16\"}}"),
                   "empty-range"));
}

TEST(LintTest, KeyAbsentForConnect) {
  std::string hit = Policy("Allow", "\"Action\":\"vpc-lattice-svcs:Connect\",\"Resource\":\"*\","
                                    "\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"GET\"," +
                                        std::string(kVpcOwner) + "}}");
  LintResult r = LintPolicy(hit);
  const LintFinding* f = Find(r, "key-absent-for-action");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->issue.location.json_pointer,
            "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMethod");
  // Near-miss: the statement also covers Invoke.
  std::string both = Policy("Allow", "\"Action\":\"vpc-lattice-svcs:*\",\"Resource\":\"*\","
                                     "\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"GET\"," +
                                         std::string(kVpcOwner) + "}}");
  EXPECT_FALSE(Has(both, "key-absent-for-action"));
}

TEST(LintTest, WildcardWithoutLike) {
  EXPECT_TRUE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:RequestPath\":\"/api/*\"," +
                        std::string(kVpcOwner) + "}}"),
                  "wildcard-without-like"));
  EXPECT_FALSE(Has(Allow("{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":\"/api/*\"},\"StringEquals\":{" +
                         std::string(kVpcOwner) + "}}"),
                   "wildcard-without-like"));
  // `${*}` is the escape for a literal asterisk.
  EXPECT_FALSE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:RequestHeader/x-v\":\"a${*}\"," +
                         std::string(kVpcOwner) + "}}"),
                   "wildcard-without-like"));
}

TEST(LintTest, EmptySid) {
  std::string hit = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"\",\"Effect\":\"Deny\","
                    "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
  EXPECT_TRUE(Has(hit, "empty-sid"));
  std::string named = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"D\",\"Effect\":\"Deny\","
                      "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
  EXPECT_FALSE(Has(named, "empty-sid"));
}

TEST(LintTest, MergeableStatements) {
  auto two = [](const std::string& a, const std::string& b) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
           "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{" +
           a + "}}},{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\","
           "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{" + b + "}}}]}";
  };
  std::string hit = two("\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\",\"vpc-lattice-svcs:RequestMethod\":\"GET\"",
                        "\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1235\",\"vpc-lattice-svcs:RequestMethod\":\"GET\"");
  LintResult r = LintPolicy(hit);
  const LintFinding* f = Find(r, "mergeable-statements");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->issue.location.json_pointer, "/Statement/1");
  // Near-miss: two keys differ (the seed's blue/green shape).
  std::string seedlike = two("\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\",\"vpc-lattice-svcs:RequestMethod\":\"GET\"",
                             "\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1235\",\"vpc-lattice-svcs:RequestMethod\":\"PUT\"");
  EXPECT_FALSE(Has(seedlike, "mergeable-statements"));
}

// Two statements: `a` then `b` (each a full statement object).
std::string TwoStatements(const std::string& a, const std::string& b) {
  return "{\"Version\":\"2012-10-17\",\"Statement\":[" + a + "," + b + "]}";
}

std::string Stmt(const std::string& effect, const std::string& condition) {
  return "{\"Effect\":\"" + effect + "\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\","
         "\"Resource\":\"*\",\"Condition\":" + condition + "}";
}

const std::string kVpcGet =
    "{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\",\"vpc-lattice-svcs:RequestMethod\":\"GET\"}}";

TEST(LintTest, AllowShadowedByDenyIsProvedWithAWitness) {
  std::string hit = TwoStatements(Stmt("Allow", kVpcGet),
                                  Stmt("Deny", "{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"GET\"}}"));
  LintResult r = LintPolicy(hit);
  const LintFinding* f = Find(r, "allow-shadowed-by-deny");
  ASSERT_NE(f, nullptr) << LintFindingsToJson(r.findings);
  EXPECT_EQ(f->issue.location.json_pointer, "/Statement/0");
  EXPECT_THAT(f->witness, ::testing::HasSubstr("vpc-0abc1234"));
  EXPECT_THAT(LintFindingsToJson(r.findings), ::testing::HasSubstr("\"witness\":{"));
  // Near-miss: the Deny covers only part of the Allow.
  std::string partial = TwoStatements(
      Stmt("Allow", kVpcGet),
      Stmt("Deny", "{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":\"/admin/*\"}}"));
  EXPECT_FALSE(Has(partial, "allow-shadowed-by-deny"));
  EXPECT_FALSE(Has(partial, "deny-never-applies"));
}

TEST(LintTest, DenyThatNeverChangesADecision) {
  std::string hit = TwoStatements(
      Stmt("Allow", kVpcGet),
      Stmt("Deny", "{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"DELETE\"}}"));
  LintResult r = LintPolicy(hit);
  const LintFinding* f = Find(r, "deny-never-applies");
  ASSERT_NE(f, nullptr) << LintFindingsToJson(r.findings);
  EXPECT_EQ(f->issue.location.json_pointer, "/Statement/1");
  EXPECT_FALSE(f->witness.empty());
  // Near-miss: the Allow grants DELETE too.
  std::string near = TwoStatements(
      Stmt("Allow", "{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}"),
      Stmt("Deny", "{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"DELETE\"}}"));
  EXPECT_FALSE(Has(near, "deny-never-applies"));
}

TEST(LintTest, RedundantStatement) {
  std::string hit = TwoStatements(
      Stmt("Allow", "{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}"),
      Stmt("Allow", kVpcGet));
  LintResult r = LintPolicy(hit);
  const LintFinding* f = Find(r, "redundant-statement");
  ASSERT_NE(f, nullptr) << LintFindingsToJson(r.findings);
  EXPECT_EQ(f->issue.severity, Severity::kSuggestion);
  EXPECT_EQ(f->issue.location.json_pointer, "/Statement/1");
  EXPECT_FALSE(Has(hit, "allow-shadowed-by-deny"));
  // Near-miss: different VPCs.
  std::string near = TwoStatements(
      Stmt("Allow", "{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1235\"}}"),
      Stmt("Allow", kVpcGet));
  EXPECT_FALSE(Has(near, "redundant-statement"));
}

TEST(LintTest, StatementThatNeverApplies) {
  std::string hit = Allow("{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"},"
                          "\"StringNotEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}");
  EXPECT_TRUE(Has(hit, "statement-never-applies"));
  EXPECT_FALSE(Has(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpc\":\"vpc-0abc1234\"}}"),
                   "statement-never-applies"));
}

TEST(LintTest, AnonymousFindingCarriesAnAnonymousWitness) {
  LintResult r = LintPolicy(Allow("{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":\"GET\"}}"));
  const LintFinding* f = Find(r, "allow-anonymous-any-network");
  ASSERT_NE(f, nullptr);
  nlohmann::json w = nlohmann::json::parse(f->witness);
  EXPECT_TRUE(w.contains("principal") ? w["principal"].is_null() : true) << f->witness;
  EXPECT_EQ(w.value("method", "GET"), "GET");
}

TEST(LintTest, FindingsJsonKeepsTheIssueShape) {
  LintResult r = LintPolicy(Policy("Allow", "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\""));
  nlohmann::json j = nlohmann::json::parse(LintFindingsToJson(r.findings));
  ASSERT_TRUE(j.is_array());
  ASSERT_FALSE(j.empty());
  for (const auto& item : j) {
    for (const char* key : {"severity", "code", "message", "pointer", "line", "column"}) {
      EXPECT_TRUE(item.contains(key)) << key;
    }
  }
  EXPECT_EQ(j[0]["severity"], "security");
}

TEST(LintTest, SarifHasOneResultPerFindingOnThePolicyLines) {
  LintedFile file{"dir/my policy.json",
                  LintPolicy(Policy("Allow", "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"")).findings};
  nlohmann::json log = nlohmann::json::parse(LintToSarif({file}, "1.2.3"));
  EXPECT_EQ(log["version"], "2.1.0");
  const auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "latticepol");
  ASSERT_EQ(run["results"].size(), file.findings.size());
  const auto& result = run["results"][0];
  EXPECT_EQ(result["level"], "error");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "dir/my%20policy.json");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_EQ(run["tool"]["driver"]["rules"][result["ruleIndex"].get<int>()]["id"], result["ruleId"]);
}

TEST(LintTest, HostileInputDoesNotCrash) {
  EXPECT_THAT(Codes(""), ::testing::Contains("empty-policy"));
  std::string deep(100000, '[');
  EXPECT_FALSE(LintPolicy(deep).checked);
  // Many statements: the pairwise check stays bounded.
  std::string many = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  for (int i = 0; i < 300; ++i) {
    many += std::string(i ? "," : "") +
            "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}";
  }
  many += "]}";
  LintResult r = LintPolicy(many);
  EXPECT_TRUE(r.checked);
  EXPECT_THAT(r.findings, ::testing::Not(IsEmpty()));
  // The analysis-backed checks stay within their budget and say so.
  const LintFinding* skipped = Find(r, "reachability-not-checked");
  ASSERT_NE(skipped, nullptr);
  EXPECT_EQ(skipped->issue.severity, Severity::kSuggestion);
  // Glob-heavy policies are over the budget too: the analysis's cost grows
  // steeply with wildcards.
  // 10 patterns of 15 wildcard characters each: 150, over the default 128.
  std::string patterns;
  for (int i = 0; i < 10; ++i) {
    patterns += std::string(i ? "," : "") + "\"/" + std::to_string(i) + "*a?*b*?c*d?*e*?f*g?*h*?\"";
  }
  std::string globs = Allow("{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":[" + patterns +
                            "]},\"StringEquals\":{" + std::string(kVpcOwner) + "}}");
  EXPECT_TRUE(Has(globs, "reachability-not-checked"));
  // A few glob patterns and 20 statements are within the default budget.
  EXPECT_FALSE(Has(Allow("{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":[\"/a*b?c*\",\"/*?*?*\","
                         "\"/x*y*z*\",\"*?*?*?*\"]},\"StringEquals\":{" + std::string(kVpcOwner) + "}}"),
                   "reachability-not-checked"));
  std::string twenty = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  for (int i = 0; i < 20; ++i) twenty += std::string(i ? "," : "") + Stmt("Allow", kVpcGet);
  twenty += "]}";
  EXPECT_FALSE(Has(twenty, "reachability-not-checked"));
  EXPECT_FALSE(Has(Allow("{\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":\"/api/*\"},\"StringEquals\":{" +
                         std::string(kVpcOwner) + "}}"),
                   "reachability-not-checked"));
  LintOptions small;
  small.max_analyzed_statements = 300;
  small.analysis_max_nodes = 10;  // every search exhausts: nothing is claimed
  std::string few = "{\"Version\":\"2012-10-17\",\"Statement\":[" + Stmt("Allow", kVpcGet) + "," +
                    Stmt("Allow", kVpcGet) + "]}";
  for (const LintFinding& f : LintPolicy(few, small).findings) {
    EXPECT_NE(f.issue.code, "reachability-not-checked");
  }
}

}  // namespace
}  // namespace latticepol
