// File: tests/unit/replay_test.cc
// Stage: simulate (replay). Canonical JSON Lines (simdjson fast path and the
// ParseRequestJson fallback) are checked line by line against the reference
// evaluator; malformed lines, --strict, block boundaries and over-long lines;
// access-log records (field mapping, L2 principals, L3 uncertainty, port
// inference, logged verdicts); the shadow diff.
#include "latticepol/replay.h"

#include <array>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/authorize.h"
#include "latticepol/parse.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"

namespace latticepol {
namespace {

using ::testing::HasSubstr;

const std::string kShared = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service";
constexpr char kSvc[] = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";

PolicyDocument Policy(const std::string& statements) {
  ParseResult r = ParsePolicy("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "policy");
  return r.doc;
}

PolicyDocument SeedPolicy() {
  ScenarioLoadResult r = LoadScenarioFile(kShared + "/scenario.yaml");
  EXPECT_TRUE(r.ok());
  return *r.scenario.service_policy;
}

ChainPolicies Chain(const PolicyDocument* service) {
  ChainPolicies chain;
  chain.config.service_auth_type = AuthType::kAwsIam;
  chain.config.identity_decision = DecisionKind::kAllow;
  chain.service_policy = service;
  return chain;
}

ReplayReport Replayed(const std::string& text, const ChainPolicies& chain, ReplayOptions options = {}) {
  auto report = ReplayText(text, chain, options);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

// Decisions of the reference evaluator over every line ParseRequestJson accepts.
std::array<uint64_t, 3> ReferenceTotals(const std::vector<std::string>& lines,
                                        const ChainPolicies& chain) {
  std::array<uint64_t, 3> totals{};
  for (const std::string& line : lines) {
    RequestParseResult r = ParseRequestJson(line);
    if (!r.ok()) continue;
    ++totals[static_cast<int>(AuthorizeReference(chain, r.request.view()).result.decision)];
  }
  return totals;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string NoTiming(const ReplayReport& r) { return ReplayReportToJson(r, false); }

TEST(ReplayTest, GeneratedStreamMatchesTheReference) {
  ScenarioLoadResult loaded = LoadScenarioFile(kShared + "/scenario.yaml");
  ASSERT_TRUE(loaded.ok());
  SimulationOptions so;
  so.count = 5000;
  auto sim = Simulation::Create(loaded.scenario, so);
  ASSERT_TRUE(sim.ok());
  std::vector<std::string> lines;
  for (uint64_t i = 0; i < 5000; ++i) lines.push_back(RequestToJson((*sim)->GenerateRequest(i)));
  const PolicyDocument policy = *loaded.scenario.service_policy;
  const ChainPolicies chain = Chain(&policy);
  ReplayOptions options;
  options.threads = 2;
  const ReplayReport report = Replayed(Join(lines), chain, options);
  EXPECT_EQ(report.lines, 5000u);
  EXPECT_EQ(report.requests, 5000u);
  EXPECT_EQ(report.malformed, 0u);
  EXPECT_EQ(report.fallback, 0u);  // RequestToJson output stays on the fast path
  EXPECT_EQ(report.totals, ReferenceTotals(lines, chain));
  EXPECT_GT(report.flagged, 0u);
  EXPECT_GT(report.checked, 0u);
}

// Every accepted shape, the fast path and the fallback, plus bad lines.
const std::vector<std::string> kMixedLines = {
    // 1: RequestToJson shape, signed
    R"({"action":"vpc-lattice-svcs:Invoke","method":"GET","path":"/","query":[["q","blue"]],"sourceVpcOwnerAccount":"111111111111","serviceArn":")" +
        std::string(kSvc) + R"(","principal":{"arn":"arn:aws:iam::111111111111:role/r","account":"111111111111","type":"AssumedRole"}})",
    // 2: raw query string, anonymous
    R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111","principal":null})",
    // 3: object query with a list (fast path: object of strings only -> fallback)
    R"({"query":{"q":["blue","blue"]},"sourceVpcOwnerAccount":"111111111111"})",
    // 4: object query
    R"({"query":{"q":"green"},"sourceVpcOwnerAccount":"222222222222","port":443})",
    // 5: headers needing normalisation (fallback)
    R"({"query":"q=blue","headers":{"Content-Type":" text/plain "},"sourceVpcOwnerAccount":"111111111111"})",
    // 6: sts session principal (fallback infers the role ARN)
    R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111","principal":{"arn":"arn:aws:sts::111111111111:assumed-role/blue/s"}})",
    // 7: null field (fallback)
    R"({"query":"q=blue","sourceVpc":null,"sourceVpcOwnerAccount":"111111111111"})",
    // 8: blank
    "   ",
    // 9: unknown field with a suggestion
    R"({"methd":"GET"})",
    // 10: duplicate key
    R"({"method":"GET","method":"POST"})",
    // 11: syntax error
    R"({"method": GET})",
    // 12: wrong type
    R"({"port":"443"})",
    // 13: CRLF ending, Connect, time and source IP, resource tags
    "{\"action\":\"vpc-lattice-svcs:Connect\",\"time\":\"2024-06-11T10:00:00Z\",\"sourceIp\":\"10.0.0.1\","
    "\"resourceTags\":{\"env\":\"prod\"},\"sourceVpcOwnerAccount\":\"111111111111\"}\r",
    // 14: trailing garbage after the object
    R"({"method":"GET"} {"x":1})",
    // 15: not an object
    R"([1,2])",
};

TEST(ReplayTest, MixedShapesAndMalformedLines) {
  const PolicyDocument policy = SeedPolicy();
  const ChainPolicies chain = Chain(&policy);
  const ReplayReport report = Replayed(Join(kMixedLines), chain);
  EXPECT_EQ(report.lines, 15u);
  EXPECT_EQ(report.blank, 1u);
  EXPECT_EQ(report.malformed, 6u);
  EXPECT_EQ(report.requests, 8u);
  EXPECT_EQ(report.canonical, 8u);
  EXPECT_GE(report.fallback, 4u);  // lines 3, 5, 6, 7
  EXPECT_EQ(report.totals, ReferenceTotals(kMixedLines, chain));
  ASSERT_EQ(report.errors.size(), 6u);
  EXPECT_EQ(report.errors[0].line, 9u);
  EXPECT_THAT(report.errors[0].message, HasSubstr("did you mean `method`"));
  EXPECT_EQ(report.errors[1].line, 10u);
  EXPECT_THAT(report.errors[1].message, HasSubstr("duplicate"));
  EXPECT_EQ(report.errors[2].line, 11u);
  EXPECT_GT(report.errors[2].column, 0);
  EXPECT_EQ(report.errors[3].line, 12u);
  EXPECT_THAT(report.errors[3].message, HasSubstr("/port"));
  EXPECT_EQ(report.errors[4].line, 14u);
  EXPECT_EQ(report.errors[5].line, 15u);
  EXPECT_FALSE(report.stopped);
  EXPECT_THAT(ReplayReportToText(report), HasSubstr("line 9:"));
}

// A repeated key inside an object value (tags, object-form query or
// headers) is a duplicate-key error, as `latticepol eval` says, on every
// parsing path: compact (the canonical-shape scanner) and spaced (simdjson).
TEST(ReplayTest, RepeatedKeysInObjectValuesAreMalformed) {
  const PolicyDocument policy = SeedPolicy();
  const std::vector<std::string> lines = {
      R"({"resourceTags":{"a":"1","a":"2"}})",
      R"({"resourceTags": {"a": "1", "a": "2"}})",
      R"({"principal":{"arn":"x","account":"1","type":"User","tags":{"k":"v","k":"w"}}})",
      R"({"principal": {"arn": "x", "account": "1", "type": "User", "tags": {"k": "v", "k": "w"}}})",
      R"({"query": {"q": "a", "q": "b"}})",
      R"({"headers": {"x-a": "1", "x-a": "2"}})",
      R"({"resourceTags": {"a": "1", "b": "2"}})",  // no repeat: a request
  };
  for (const std::string& line : lines) {
    EXPECT_EQ(ParseRequestJson(line).ok(), line == lines.back()) << line;
  }
  const ReplayReport report = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(report.malformed, lines.size() - 1);
  EXPECT_EQ(report.requests, 1u);
  ASSERT_FALSE(report.errors.empty());
  EXPECT_THAT(report.errors[0].message, HasSubstr("duplicate"));
}

TEST(ReplayTest, StrictStopsAtTheFirstMalformedLine) {
  const PolicyDocument policy = SeedPolicy();
  ReplayOptions options;
  options.strict = true;
  const ReplayReport report = Replayed(Join(kMixedLines), Chain(&policy), options);
  EXPECT_TRUE(report.stopped);
  ASSERT_FALSE(report.errors.empty());
  EXPECT_EQ(report.errors[0].line, 9u);
}

TEST(ReplayTest, BlockBoundariesAndThreadsDoNotChangeTheReport) {
  const PolicyDocument policy = SeedPolicy();
  std::vector<std::string> lines;
  for (int i = 0; i < 40; ++i) {
    for (const std::string& l : kMixedLines) lines.push_back(l);
  }
  const std::string text = Join(lines) + R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})";  // no final newline
  ReplayOptions big, small;
  big.threads = 1;
  small.threads = 3;
  small.batch_bytes = 4096;  // many blocks, lines cut at block ends
  const ReplayReport a = Replayed(text, Chain(&policy), big);
  const ReplayReport b = Replayed(text, Chain(&policy), small);
  EXPECT_EQ(a.lines, 40 * kMixedLines.size() + 1);
  EXPECT_EQ(a.requests, 40u * 8 + 1);
  EXPECT_EQ(NoTiming(a), NoTiming(b));
  EXPECT_EQ(a.errors.size(), 20u);  // max_errors; all are counted
  EXPECT_EQ(a.malformed, 40u * 6);
  EXPECT_EQ(a.errors[6].line, kMixedLines.size() + 9);
}

TEST(ReplayTest, OverLongLinesAreSkippedAndCounted) {
  const PolicyDocument policy = SeedPolicy();
  const std::string good = R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})";
  const std::string text = good + "\n{\"path\":\"/" + std::string(20000, 'x') + "\"}\n" + good + "\n";
  ReplayOptions options;
  options.batch_bytes = 4096;
  options.max_line_bytes = 1000;
  const ReplayReport report = Replayed(text, Chain(&policy), options);
  EXPECT_EQ(report.lines, 3u);
  EXPECT_EQ(report.requests, 2u);
  EXPECT_EQ(report.malformed, 1u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].line, 2u);
  EXPECT_THAT(report.errors[0].message, HasSubstr("longer than 1000 bytes"));
  EXPECT_EQ(report.totals[0], 2u);
}

// ---- Access logs --------------------------------------------------------------

std::string LogLine(const std::string& vpc_owner, const std::string& method,
                    const std::string& caller, const std::string& denied_reason,
                    const std::string& extra = "") {
  return "{\"startTime\":\"2024-06-11T10:00:00Z\",\"serviceArn\":\"" + std::string(kSvc) +
         "\",\"sourceVpcArn\":\"arn:aws:ec2:us-east-1:" + vpc_owner + ":vpc/vpc-0abc\","
         "\"requestMethod\":\"" + method + "\",\"requestPath\":\"/items\",\"callerPrincipal\":\"" +
         caller + "\",\"authDeniedReason\":\"" + denied_reason + "\",\"responseCode\":" +
         (denied_reason == "-" ? "200" : "403") + extra + "}";
}

TEST(ReplayTest, AccessLogsAgainstTheSeedPolicyAreL3Uncertain) {
  const PolicyDocument policy = SeedPolicy();  // tests the query string
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", "-", "-"),        // may have had q=blue: uncertain
      LogLine("999999999999", "GET", "-", "-"),        // certainly denied now
      LogLine("999999999999", "POST", "-", "Service"),  // agrees
      LogLine("111111111111", "POST", "-", "Service"),  // denied for sure (method)
  };
  const ReplayReport report = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(report.access_log, 4u);
  EXPECT_EQ(report.log_compared, 4u);
  EXPECT_EQ(report.log_uncertain, 1u);
  EXPECT_EQ(report.log_uncertain_disagree, 1u);
  EXPECT_EQ(report.log_allowed_now_denied, 1u);
  EXPECT_EQ(report.log_agree, 2u);
  ASSERT_EQ(report.log_disagreement_samples.size(), 1u);
  EXPECT_EQ(report.log_disagreement_samples[0].line, 2u);
  EXPECT_THAT(report.log_disagreement_samples[0].request_json,
              HasSubstr("\"sourceVpcOwnerAccount\":\"999999999999\""));
  EXPECT_EQ(report.port_inferred, 4u);
}

TEST(ReplayTest, AccessLogPrincipalsAndPorts) {
  // Allows account 111111111111 callers on port 443 only; no L3 keys.
  const PolicyDocument policy = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111","aws:PrincipalType":"AssumedRole"},)"
      R"("NumericEquals":{"vpc-lattice-svcs:Port":"443"}}})");
  const std::string sts = "arn:aws:sts::111111111111:assumed-role/blue-service/s-1";
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", sts, "-", ",\"tlsVersion\":\"TLSv1.3\""),           // 443 inferred: allow
      LogLine("111111111111", "GET", sts, "-", ",\"tlsVersion\":\"-\""),                 // 80: deny (disagree)
      LogLine("111111111111", "GET", sts, "Service", ",\"hostHeader\":\"svc.example:443\""),  // allow (disagree)
      LogLine("111111111111", "GET", "-", "Service", ",\"tlsVersion\":\"TLSv1.2\""),     // anonymous: deny
      LogLine("111111111111", "GET", "arn:aws:iam::111111111111:user/u", "Service",
              ",\"tlsVersion\":\"TLSv1.2\""),                                              // User: deny
  };
  const ReplayReport report = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(report.access_log, 5u);
  EXPECT_EQ(report.log_uncertain, 0u);
  EXPECT_EQ(report.log_agree, 3u);
  EXPECT_EQ(report.log_allowed_now_denied, 1u);
  EXPECT_EQ(report.log_denied_now_allowed, 1u);
  EXPECT_EQ(report.port_inferred, 4u);
  EXPECT_EQ(report.totals[0], 2u);
  ASSERT_EQ(report.log_disagreement_samples.size(), 2u);
  EXPECT_THAT(report.log_disagreement_samples[1].request_json,
              HasSubstr("\"arn\":\"arn:aws:iam::111111111111:role/blue-service\""));
  EXPECT_THAT(report.log_disagreement_samples[1].request_json, HasSubstr("\"port\":443"));
  EXPECT_EQ(report.log_disagreement_samples[1].logged_reason, "Service");
}

TEST(ReplayTest, RoleArnPoliciesAreL2UncertainForAssumedRoles) {
  const PolicyDocument policy = Policy(
      R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/blue-service"},)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*"})");
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", "arn:aws:sts::111111111111:assumed-role/blue-service/s", "-"),
      LogLine("111111111111", "GET", "-", "-"),  // anonymous: certainly denied
  };
  const ReplayReport report = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(report.log_uncertain, 1u);
  EXPECT_EQ(report.log_allowed_now_denied, 1u);
}

// L4: the address of `sourceIpPort` is aws:SourceIp; without a usable one,
// a policy that tests the source IP leaves the verdict uncertain.
TEST(ReplayTest, AccessLogSourceIpComesFromSourceIpPort) {
  const PolicyDocument policy = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/16","2001:db8::/32"]}}})");
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", "-", "-", R"(,"sourceIpPort":"10.0.183.56:57086")"),     // allow
      LogLine("111111111111", "GET", "-", "-", R"(,"sourceIpPort":"192.168.1.5:443")"),       // deny
      LogLine("111111111111", "GET", "-", "Service", R"(,"sourceIpPort":"[2001:db8::1]:443")"),  // allow
      LogLine("111111111111", "GET", "-", "-", R"(,"sourceIpPort":"-")"),                     // unknown
      LogLine("111111111111", "GET", "-", "-", R"(,"sourceIpPort":"2001:db8::1:443")"),       // ambiguous
      LogLine("111111111111", "GET", "-", "-", R"(,"sourceIpPort":"10.0.0.1")"),              // no port
  };
  const ReplayReport report = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(report.access_log, 6u);
  EXPECT_EQ(report.totals[0], 2u);
  EXPECT_EQ(report.log_agree, 1u);
  EXPECT_EQ(report.log_allowed_now_denied, 1u);
  EXPECT_EQ(report.log_denied_now_allowed, 1u);
  EXPECT_EQ(report.log_uncertain, 3u);
  ASSERT_EQ(report.log_disagreement_samples.size(), 2u);
  EXPECT_THAT(report.log_disagreement_samples[0].request_json,
              HasSubstr("\"sourceIp\":\"192.168.1.5\""));
  EXPECT_THAT(report.log_disagreement_samples[1].request_json,
              HasSubstr("\"sourceIp\":\"2001:db8::1\""));
  ASSERT_EQ(report.log_uncertain_classes.size(), 1u);
  EXPECT_EQ(report.log_uncertain_classes[0].keys.at("aws:SourceIp"), 3u);
}

// What logs cannot know is reported per request class (caller, source VPC,
// method), with the keys that made each class's records uncertain.
TEST(ReplayTest, UncertainRecordsAreCountedPerRequestClass) {
  const PolicyDocument policy = Policy(
      R"({"Sid":"Q","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke",)"
      R"("Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET",)"
      R"("vpc-lattice-svcs:RequestQueryString/q":"blue"}}},)"
      R"({"Sid":"H","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke",)"
      R"("Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"PUT",)"
      R"("vpc-lattice-svcs:RequestHeader/x-team":"blue","aws:PrincipalTag/team":"blue"}}})");
  const std::string user = "arn:aws:iam::111111111111:user/u";
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", user, "-"),
      LogLine("111111111111", "GET", user, "Service"),  // uncertain, and disagrees
      LogLine("111111111111", "GET", "-", "-"),
      LogLine("111111111111", "PUT", user, "-"),
      LogLine("111111111111", "POST", user, "Service"),  // certainly denied: agrees
  };
  const ReplayReport report = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(report.log_uncertain, 4u);
  EXPECT_EQ(report.log_agree, 1u);
  ASSERT_EQ(report.log_uncertain_classes.size(), 3u);
  const ReplayUncertainClass& top = report.log_uncertain_classes[0];
  EXPECT_EQ(top.caller, user);
  EXPECT_EQ(top.source_vpc, "vpc-0abc");
  EXPECT_EQ(top.method, "GET");
  EXPECT_EQ(top.requests, 2u);
  EXPECT_EQ(top.disagree, 1u);
  EXPECT_EQ(top.keys, (std::map<std::string, uint64_t>{{"vpc-lattice-svcs:RequestQueryString/q", 2}}));
  // Ties: caller, then VPC, then method order ("anonymous" < "arn:...").
  EXPECT_EQ(report.log_uncertain_classes[1].caller, "anonymous");
  EXPECT_EQ(report.log_uncertain_classes[2].caller, user);
  EXPECT_EQ(report.log_uncertain_classes[2].method, "PUT");
  EXPECT_EQ(report.log_uncertain_classes[2].keys,
            (std::map<std::string, uint64_t>{{"aws:PrincipalTag/team", 1},
                                             {"vpc-lattice-svcs:RequestHeader/x-team", 1}}));
  EXPECT_EQ(report.log_uncertain_other, 0u);
  const std::string json = ReplayReportToJson(report, false);
  EXPECT_THAT(json, HasSubstr("\"uncertainClasses\": ["));
  EXPECT_THAT(json, HasSubstr("\"vpc-lattice-svcs:RequestQueryString/q\": 2"));
  EXPECT_THAT(ReplayReportToText(report, false),
              HasSubstr(user + ", vpc-0abc, GET: 2 (1 disagree); "
                               "vpc-lattice-svcs:RequestQueryString/q (2)"));
  // Split anywhere and merged: the same classes.
  const std::string text = Join(lines);
  ReplayOptions first, second;
  const size_t cut = text.find('\n', text.find('\n') + 1) + 1;  // after line 2
  second.first_line = 2;
  ReplayReport a = Replayed(text.substr(0, cut), Chain(&policy), first);
  ReplayReport b = Replayed(text.substr(cut), Chain(&policy), second);
  EXPECT_EQ(NoTiming(MergeReplayReports({a, b}, first)), NoTiming(report));
}

TEST(ReplayTest, FormatDetectionAndForcing) {
  const PolicyDocument policy = SeedPolicy();
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", "-", "-"),
      R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})",
      R"({"eventTimestamp":"x","requestMethod":"GET","requestPath":"/"})",  // unknown field first
      R"({"requestPath":"/"})",                                             // no method
  };
  const ReplayReport automatic = Replayed(Join(lines), Chain(&policy));
  EXPECT_EQ(automatic.access_log, 2u);
  EXPECT_EQ(automatic.canonical, 1u);
  EXPECT_EQ(automatic.malformed, 1u);
  EXPECT_THAT(automatic.errors[0].message, HasSubstr("no `requestMethod`"));

  ReplayOptions jsonl;
  jsonl.format = ReplayFormat::kJsonl;
  const ReplayReport canonical_only = Replayed(Join(lines), Chain(&policy), jsonl);
  EXPECT_EQ(canonical_only.canonical, 1u);
  EXPECT_EQ(canonical_only.malformed, 3u);

  ReplayOptions logs;
  logs.format = ReplayFormat::kAccessLog;
  const ReplayReport logs_only = Replayed(Join(lines), Chain(&policy), logs);
  EXPECT_EQ(logs_only.access_log, 2u);
  EXPECT_EQ(logs_only.malformed, 2u);

  ReplayFormat f;
  EXPECT_TRUE(ParseReplayFormat("accesslog", &f));
  EXPECT_EQ(f, ReplayFormat::kAccessLog);
  EXPECT_FALSE(ParseReplayFormat("csv", &f));
}

TEST(ReplayTest, ShadowDiff) {
  const PolicyDocument policy = SeedPolicy();
  const PolicyDocument allow_all = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"})");
  const std::vector<std::string> lines = {
      R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})",
      R"({"query":"q=green","sourceVpcOwnerAccount":"111111111111"})",
      R"({"method":"POST","sourceVpcOwnerAccount":"222222222222"})",
  };
  ReplayOptions options;
  options.shadow_service_policy = &allow_all;
  options.shadow_name = "allow-all";
  const ReplayReport report = Replayed(Join(lines), Chain(&policy), options);
  EXPECT_TRUE(report.shadow_enabled);
  EXPECT_EQ(report.shadow_denied_to_allowed, 2u);
  EXPECT_EQ(report.shadow_allowed_to_denied, 0u);
  ASSERT_EQ(report.shadow_denied_to_allowed_samples.size(), 2u);
  EXPECT_EQ(report.shadow_denied_to_allowed_samples[0].line, 2u);
  EXPECT_EQ(report.shadow_totals[0], 3u);
}

// Regression (drift between simulate and replay): replay counted no deny-kind
// changes. A candidate that explicitly denies what was implicitly denied is
// one.
TEST(ReplayTest, ShadowCountsDenyKindChanges) {
  const PolicyDocument policy = SeedPolicy();
  const PolicyDocument deny_all = Policy(
      R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"})");
  const std::vector<std::string> lines = {
      R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})",
      R"({"query":"q=green","sourceVpcOwnerAccount":"111111111111"})",
      R"({"method":"POST","sourceVpcOwnerAccount":"222222222222"})",
  };
  ReplayOptions options;
  options.shadow_service_policy = &deny_all;
  options.shadow_name = "deny-all";
  const ReplayReport report = Replayed(Join(lines), Chain(&policy), options);
  EXPECT_EQ(report.shadow_allowed_to_denied, 1u);
  EXPECT_EQ(report.shadow_deny_kind_changed, 2u);
  EXPECT_THAT(ReplayReportToText(report, false), ::testing::HasSubstr("deny kind changed: 2"));
  EXPECT_THAT(ReplayReportToJson(report, false), ::testing::HasSubstr("\"denyKindChanged\": 2"));
}

// Replaying two inputs and merging the reports gives the counts of one
// replay of both, the first input's samples first.
TEST(ReplayTest, MergeReplayReportsSumsTwoInputs) {
  const PolicyDocument policy = SeedPolicy();
  const PolicyDocument allow_all = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"})");
  const std::vector<std::string> first = {
      R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})",
      R"({"query":"q=green","sourceVpcOwnerAccount":"111111111111"})",
      "not json",
  };
  const std::vector<std::string> second = {
      R"({"method":"POST","sourceVpcOwnerAccount":"222222222222"})",
      R"({"query":"q=blue","sourceVpcOwnerAccount":"111111111111"})",
  };
  ReplayOptions options;
  options.shadow_service_policy = &allow_all;
  options.max_samples = 1;
  ReplayReport a = Replayed(Join(first), Chain(&policy), options);
  ReplayReport b = Replayed(Join(second), Chain(&policy), options);
  a.source = "first.jsonl";
  b.source = "second.jsonl";
  const ReplayReport merged = MergeReplayReports({a, b}, options);
  std::vector<std::string> all = first;
  all.insert(all.end(), second.begin(), second.end());
  const ReplayReport whole = Replayed(Join(all), Chain(&policy), options);
  EXPECT_EQ(merged.lines, whole.lines);
  EXPECT_EQ(merged.requests, whole.requests);
  EXPECT_EQ(merged.malformed, 1u);
  EXPECT_EQ(merged.totals, whole.totals);
  EXPECT_EQ(merged.statement_hits, whole.statement_hits);
  EXPECT_EQ(merged.shadow_denied_to_allowed, whole.shadow_denied_to_allowed);
  ASSERT_EQ(merged.shadow_denied_to_allowed_samples.size(), 1u);
  EXPECT_EQ(merged.shadow_denied_to_allowed_samples[0].line, 2u);  // from the first input
}

TEST(ReplayTest, EmptyInput) {
  const PolicyDocument policy = SeedPolicy();
  const ReplayReport report = Replayed("", Chain(&policy));
  EXPECT_EQ(report.lines, 0u);
  EXPECT_EQ(report.requests, 0u);
  // A default view has a null data(): never handed to memcpy.
  const auto null_view = ReplayText(std::string_view(), Chain(&policy), {});
  ASSERT_TRUE(null_view.ok()) << null_view.status();
  EXPECT_EQ(null_view->lines, 0u);
}

// F7 (hardening findings): the digest keying the per-thread L2/L3 cache marked
// an absent field with the bytes "\x01absent", written as a hex escape that
// swallowed the `ab` (so the view read past the literal). Absent is now a
// marker no string can produce: a record whose field holds those very bytes
// is not mistaken for one without the field.
TEST(ReplayTest, AbsentFieldsDoNotShareTheCacheWithAnyValue) {
  // Allows only requests through a service network and with q=blue; the
  // query string is unknowable in access logs (L3).
  const PolicyDocument policy = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"Null":{"vpc-lattice-svcs:ServiceNetworkArn":"false"},)"
      R"("StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"}}})");
  const std::vector<std::string> lines = {
      LogLine("111111111111", "GET", "-", "-"),  // no network: certainly denied
      LogLine("111111111111", "GET", "-", "-", R"(,"serviceNetworkArn":"\u0001absent")"),
  };
  ReplayOptions options;
  options.threads = 1;  // one worker, one cache
  const ReplayReport report = Replayed(Join(lines), Chain(&policy), options);
  EXPECT_EQ(report.access_log, 2u);
  EXPECT_EQ(report.log_uncertain, 1u);  // the second may have had q=blue
}

// Pieces of one stream replayed with their first_line and merged give the
// report of one replay (pieces cut at check-group boundaries: exactly).
TEST(ReplayTest, PartialReplaysMergeToTheWholeReport) {
  ScenarioLoadResult loaded = LoadScenarioFile(kShared + "/scenario.yaml");
  ASSERT_TRUE(loaded.ok());
  SimulationOptions so;
  so.count = 9000;
  auto sim = Simulation::Create(loaded.scenario, so);
  ASSERT_TRUE(sim.ok());
  std::vector<std::string> lines;
  for (uint64_t i = 0; i < 9000; ++i) {
    lines.push_back(RequestToJson((*sim)->GenerateRequest(i)));
    if (i % 700 == 3) lines.push_back(kMixedLines[8 + i % 7]);  // blank and malformed
  }
  const PolicyDocument policy = *loaded.scenario.service_policy;
  const PolicyDocument shadow = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})");
  const ChainPolicies chain = Chain(&policy);
  ReplayOptions options;
  options.threads = 2;
  options.max_errors = 3;
  options.max_samples = 2;
  options.shadow_service_policy = &shadow;
  options.shadow_name = "all";
  const ReplayReport whole = Replayed(Join(lines), chain, options);
  ASSERT_GT(whole.malformed, 3u);
  ASSERT_GT(whole.shadow_denied_to_allowed, 2u);
  auto piece = [&](size_t begin, size_t end) {
    ReplayOptions o = options;
    o.first_line = begin;
    std::vector<std::string> part(lines.begin() + begin, lines.begin() + end);
    ReplayReport r = Replayed(Join(part), chain, o);
    EXPECT_EQ(r.lines, end - begin);
    return r;
  };
  // Cut at group boundaries: identical, uncertain-check budget included.
  std::vector<ReplayReport> aligned = {piece(0, 4096), piece(4096, 8192),
                                       piece(8192, lines.size())};
  ReplayReport merged = MergeReplayReports(aligned, options);
  EXPECT_EQ(NoTiming(merged), NoTiming(whole));
  // Cut anywhere: the same counts, hits, errors and samples.
  std::vector<ReplayReport> ragged = {piece(0, 1), piece(1, 3001), piece(3001, 3002),
                                      piece(3002, lines.size())};
  ReplayReport r = MergeReplayReports(ragged, options);
  EXPECT_EQ(r.lines, whole.lines);
  EXPECT_EQ(r.totals, whole.totals);
  EXPECT_EQ(r.statement_hits, whole.statement_hits);
  EXPECT_EQ(r.malformed, whole.malformed);
  EXPECT_EQ(r.flagged, whole.flagged);
  ASSERT_EQ(r.errors.size(), whole.errors.size());
  for (size_t i = 0; i < r.errors.size(); ++i) {
    EXPECT_EQ(r.errors[i].line, whole.errors[i].line);
    EXPECT_EQ(r.errors[i].message, whole.errors[i].message);
    EXPECT_EQ(r.errors[i].source, "");  // one input: untagged
  }
  ASSERT_EQ(r.shadow_denied_to_allowed_samples.size(), 2u);
  EXPECT_EQ(r.shadow_denied_to_allowed_samples[1].line,
            whole.shadow_denied_to_allowed_samples[1].line);
}

TEST(ReplayTest, MergingInputsTagsErrorsWithTheirSource) {
  const PolicyDocument policy = SeedPolicy();
  ReplayOptions options;
  options.max_errors = 3;
  ReplayReport a = Replayed("{\"methd\":1}\n{}\n", Chain(&policy), options);
  ReplayReport b = Replayed("{}\n[]\n[]\n[]\n", Chain(&policy), options);
  a.source = "a.jsonl";
  b.source = "b.jsonl";
  ReplayReport m = MergeReplayReports({a, b}, options);
  EXPECT_EQ(m.source, "a.jsonl, b.jsonl");
  EXPECT_EQ(m.lines, 6u);
  EXPECT_EQ(m.malformed, 4u);
  ASSERT_EQ(m.errors.size(), 3u);  // the lowest (input, line) ones
  EXPECT_EQ(m.errors[0].source, "a.jsonl");
  EXPECT_EQ(m.errors[0].line, 1u);
  EXPECT_EQ(m.errors[1].source, "b.jsonl");
  EXPECT_EQ(m.errors[1].line, 2u);
  EXPECT_EQ(m.errors[2].line, 3u);
  EXPECT_THAT(ReplayReportToText(m), HasSubstr("b.jsonl line 2"));
  EXPECT_THAT(ReplayReportToJson(m), HasSubstr("\"source\": \"b.jsonl\""));
  EXPECT_EQ(MergeReplayReports({}, options).lines, 0u);
}

TEST(ReplayTest, LineDecisionsMarkEveryLine) {
  const PolicyDocument policy = SeedPolicy();
  std::vector<uint8_t> marks;
  ReplayOptions options;
  options.line_decisions = &marks;
  options.first_line = 100;  // indexes stay relative to this input
  options.batch_bytes = 4096;
  std::vector<std::string> lines;
  for (int i = 0; i < 30; ++i) {
    for (const std::string& l : kMixedLines) lines.push_back(l);
  }
  const ReplayReport r = Replayed(Join(lines), Chain(&policy), options);
  ASSERT_EQ(marks.size(), lines.size());
  std::array<uint64_t, 3> totals{};
  uint64_t blank = 0, malformed = 0;
  for (uint8_t m : marks) {
    if (m == kReplayBlankLine) {
      ++blank;
    } else if (m == kReplayMalformedLine) {
      ++malformed;
    } else {
      ASSERT_LT(m, 3);
      ++totals[m];
    }
  }
  EXPECT_EQ(totals, r.totals);
  EXPECT_EQ(blank, r.blank);
  EXPECT_EQ(malformed, r.malformed);
  EXPECT_EQ(marks[7], kReplayBlankLine);
  EXPECT_EQ(marks[8], kReplayMalformedLine);
  EXPECT_EQ(r.errors.front().line, 109u);  // global line numbers
}

// A percent-encoded query keeps Q3 on both canonical paths (the fast path's
// raw view and the ParseRequestJson fallback, forced here by a header that
// needs normalisation).
TEST(ReplayTest, PercentEncodedQueryReportsQ3OnBothPaths) {
  const PolicyDocument policy = Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"}}})");
  const ChainPolicies chain = Chain(&policy);
  for (const std::string& line :
       {std::string(R"({"query":"q=%62lue","principal":null})"),
        std::string(R"({"query":"q=%62lue","headers":{"X-A":" b "},"principal":null})")}) {
    const ReplayReport report = Replayed(line + "\n", chain);
    EXPECT_EQ(report.totals[0] + report.totals[1] + report.totals[2], 1u) << line;
    EXPECT_EQ(report.flagged, 1u) << line;
    ASSERT_EQ(report.by_id.count("Q3"), 1u) << line;
    EXPECT_EQ(report.by_id.at("Q3"), 1u) << line;
  }
}

TEST(ReplayTest, CountReplayLinesCountsLikeReplay) {
  const PolicyDocument policy = SeedPolicy();
  for (const std::string text : {"", "\n", "a", "a\n", "a\nb", "\n\n\n", "{}\n\n[]"}) {
    EXPECT_EQ(CountReplayLines(text), Replayed(text, Chain(&policy)).lines) << text;
  }
}

}  // namespace
}  // namespace latticepol
