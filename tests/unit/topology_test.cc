// File: tests/unit/topology_test.cc
// Stage: generate (input). ParseTopology: the shipped blue/green topology,
// scalar text for account ids, JSON input, and validation issues located by
// file line:column and JSON pointer.
#include "latticepol/topology.h"

#include <fstream>
#include <iterator>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace latticepol {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

constexpr char kMinimal[] = R"(sharedService:
  accountId: "444455556666"
  region: us-east-1
  profile: shared
  serviceName: shared-service
consumers:
  - name: blue
    project: blue-service
    accountId: "111111111111"
    profile: blue
    methods: [GET]
    query: {q: blue}
  - name: green
    project: green-service
    accountId: "222222222222"
    profile: green
    methods: GET
    query: {q: [green]}
)";

// Returns the first error issue with `pointer`, or nullptr.
const Issue* FindIssue(const TopologyParseResult& r, const std::string& pointer) {
  for (const Issue& issue : r.issues) {
    if (issue.location.json_pointer == pointer) return &issue;
  }
  return nullptr;
}

TEST(TopologyTest, ShippedBlueGreenTopology) {
  const std::string path = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/topology.yaml";
  TopologyParseResult r = ParseTopology(ReadFile(path), "topology.yaml");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "topology.yaml");
  EXPECT_TRUE(r.issues.empty()) << FormatIssues(r.issues, "topology.yaml");
  const Topology& t = r.topology;
  EXPECT_EQ(t.shared.project, "common-service");
  EXPECT_EQ(t.shared.directory, "common-service");
  EXPECT_EQ(t.shared.account_id, "444455556666");
  EXPECT_EQ(t.shared.region, "us-east-1");
  EXPECT_EQ(t.shared.aws_profile, "shared-services");
  EXPECT_EQ(t.shared.aws_native_profile, "shared-services");
  EXPECT_EQ(t.Partition(), "aws");
  ASSERT_EQ(t.consumers.size(), 2u);
  EXPECT_EQ(t.consumers[0].name, "blue");
  EXPECT_EQ(t.consumers[0].project, "blue-service");
  EXPECT_EQ(t.consumers[0].account_id, "111111111111");
  EXPECT_EQ(t.consumers[0].region, "us-east-1");
  EXPECT_THAT(t.consumers[0].methods, ::testing::ElementsAre("GET"));
  ASSERT_EQ(t.consumers[0].query.size(), 1u);
  EXPECT_EQ(t.consumers[0].query[0].name, "q");
  EXPECT_THAT(t.consumers[0].query[0].values, ::testing::ElementsAre("blue"));
  EXPECT_EQ(t.consumers[1].account_id, "222222222222");
  EXPECT_EQ(t.options.stack, "dev");
  EXPECT_EQ(t.options.policy_style, PolicyStyle::kSeed);
}

TEST(TopologyTest, DefaultsAndScalarOrList) {
  TopologyParseResult r = ParseTopology(kMinimal, "t.yaml");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "t.yaml");
  EXPECT_EQ(r.topology.shared.project, "common-service");
  EXPECT_EQ(r.topology.options.stack, "dev");
  EXPECT_EQ(r.topology.consumers[0].service_network_name, "blue-service-network");
  EXPECT_THAT(r.topology.consumers[1].methods, ::testing::ElementsAre("GET"));
  EXPECT_THAT(r.topology.consumers[1].query[0].values, ::testing::ElementsAre("green"));
}

TEST(TopologyTest, UnquotedAccountIdKeepsLeadingZero) {
  std::string text = kMinimal;
  text.replace(text.find("\"111111111111\""), 14, "012345678901");
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "t.yaml");
  EXPECT_EQ(r.topology.consumers[0].account_id, "012345678901");
}

TEST(TopologyTest, SeparateProviderProfiles) {
  std::string text = kMinimal;
  text.replace(text.find("  profile: shared\n"), 18,
               "  awsProfile: shared-aws\n  awsNativeProfile: shared-native\n");
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "t.yaml");
  EXPECT_EQ(r.topology.shared.aws_profile, "shared-aws");
  EXPECT_EQ(r.topology.shared.aws_native_profile, "shared-native");
}

TEST(TopologyTest, JsonInputWithTabs) {
  const std::string json =
      "{\n\t\"sharedService\": {\"accountId\": \"444455556666\", \"region\": \"us-east-1\",\n"
      "\t\t\"profile\": \"shared\", \"serviceName\": \"shared-service\"},\n"
      "\t\"consumers\": [\n"
      "\t\t{\"name\": \"blue\", \"project\": \"blue-service\", \"accountId\": \"011111111111\",\n"
      "\t\t \"profile\": \"blue\", \"methods\": [\"GET\", \"HEAD\"], \"query\": {\"q\": \"blue\"}}\n"
      "\t],\n"
      "\t\"options\": {\"stack\": \"prod\", \"policyStyle\": \"deny-anonymous\"}\n"
      "}\n";
  TopologyParseResult r = ParseTopology(json, "t.json");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "t.json");
  EXPECT_EQ(r.topology.consumers[0].account_id, "011111111111");
  EXPECT_THAT(r.topology.consumers[0].methods, ::testing::ElementsAre("GET", "HEAD"));
  EXPECT_EQ(r.topology.options.stack, "prod");
  EXPECT_EQ(r.topology.options.policy_style, PolicyStyle::kDenyAnonymous);

  // A JSON error is located too.
  TopologyParseResult bad = ParseTopology("{\"consumers\": [1, 2,\n", "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.issues[0].code, "syntax-error");
  EXPECT_GT(bad.issues[0].location.line, 0);
}

TEST(TopologyTest, BadAccountIdNamesFileLineAndPointer) {
  std::string text = kMinimal;
  text.replace(text.find("\"222222222222\""), 14, "2222222222");  // line 15, column 16
  TopologyParseResult r = ParseTopology(text, "topology.yaml");
  ASSERT_FALSE(r.ok());
  const Issue* issue = FindIssue(r, "/consumers/1/accountId");
  ASSERT_NE(issue, nullptr) << FormatIssues(r.issues, "topology.yaml");
  EXPECT_EQ(issue->code, "invalid-account-id");
  EXPECT_EQ(issue->location.line, 15);
  EXPECT_EQ(issue->location.column, 16);
  EXPECT_THAT(FormatIssues(r.issues, "topology.yaml"),
              HasSubstr("topology.yaml:15:16: /consumers/1/accountId: error: account id "
                        "`2222222222` must be a string of exactly 12 digits"));
  for (const char* bad : {"1111111111111", "11111111111a", "\"\"", "1.11111111111e11"}) {
    std::string t2 = kMinimal;
    t2.replace(t2.find("\"111111111111\""), 14, bad);
    EXPECT_FALSE(ParseTopology(t2, "t.yaml").ok()) << bad;
  }
}

TEST(TopologyTest, UnknownFieldSuggestsTheClosest) {
  std::string text = kMinimal;
  text.replace(text.find("    profile: green"), 18, "    profile: green\n    metods: [GET]");
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  ASSERT_FALSE(r.ok());
  const Issue* issue = FindIssue(r, "/consumers/1/metods");
  ASSERT_NE(issue, nullptr) << FormatIssues(r.issues, "t.yaml");
  EXPECT_EQ(issue->code, "unknown-field");
  EXPECT_THAT(issue->message, HasSubstr("did you mean `methods`?"));
  EXPECT_EQ(issue->location.line, 17);
  EXPECT_EQ(issue->location.column, 5);

  TopologyParseResult top = ParseTopology(std::string(kMinimal) + "option: {}\n", "t.yaml");
  const Issue* top_issue = FindIssue(top, "/option");
  ASSERT_NE(top_issue, nullptr);
  EXPECT_THAT(top_issue->message, HasSubstr("did you mean `options`?"));
}

TEST(TopologyTest, DuplicatesAreRejected) {
  std::string text = kMinimal;
  text.replace(text.find("name: green"), 11, "name: blue");
  text.replace(text.find("project: green-service"), 22, "project: blue-service");
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  ASSERT_FALSE(r.ok());
  const Issue* name = FindIssue(r, "/consumers/1/name");
  ASSERT_NE(name, nullptr) << FormatIssues(r.issues, "t.yaml");
  EXPECT_EQ(name->code, "duplicate-name");
  EXPECT_EQ(name->location.line, 13);
  ASSERT_NE(FindIssue(r, "/consumers/1/project"), nullptr);

  // The shared project name is taken too.
  std::string shared = kMinimal;
  shared.replace(shared.find("project: blue-service"), 21, "project: common-service");
  EXPECT_NE(FindIssue(ParseTopology(shared, "t.yaml"), "/consumers/0/project"), nullptr);

  // A duplicated YAML key.
  std::string key = kMinimal;
  key.replace(key.find("    profile: blue\n"), 18, "    profile: blue\n    profile: red\n");
  TopologyParseResult k = ParseTopology(key, "t.yaml");
  const Issue* dup = FindIssue(k, "/consumers/0/profile");
  ASSERT_NE(dup, nullptr) << FormatIssues(k.issues, "t.yaml");
  EXPECT_EQ(dup->code, "duplicate-key");
}

TEST(TopologyTest, RegionsMustBeWellFormedAndConsistent) {
  std::string text = kMinimal;
  text.replace(text.find("region: us-east-1"), 17, "region: us-east");
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  const Issue* issue = FindIssue(r, "/sharedService/region");
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->code, "invalid-region");
  EXPECT_EQ(issue->location.line, 3);

  std::string other = kMinimal;
  other.replace(other.find("    profile: blue\n"), 18, "    profile: blue\n    region: eu-west-1\n");
  TopologyParseResult o = ParseTopology(other, "t.yaml");
  const Issue* inconsistent = FindIssue(o, "/consumers/0/region");
  ASSERT_NE(inconsistent, nullptr) << FormatIssues(o.issues, "t.yaml");
  EXPECT_EQ(inconsistent->code, "inconsistent-region");
}

TEST(TopologyTest, FieldValueChecks) {
  struct Case {
    std::string from, to, pointer, code;
  };
  const Case cases[] = {
      {"methods: [GET]", "methods: [get]", "/consumers/0/methods/0", "invalid-method"},
      {"methods: [GET]", "methods: [GET, GET]", "/consumers/0/methods/1", "duplicate-value"},
      {"methods: [GET]", "methods: []", "/consumers/0/methods", "empty-list"},
      {"query: {q: blue}", "query: {q: [blue, blue]}", "/consumers/0/query/q/1", "duplicate-value"},
      {"query: {q: blue}", "query: {q: \"${aws:username}\"}", "/consumers/0/query/q", "invalid-value"},
      {"query: {q: blue}", "query: {q: []}", "/consumers/0/query/q", "invalid-type"},
      {"name: blue", "name: Blue", "/consumers/0/name", "invalid-name"},
      {"serviceName: shared-service", "serviceName: svc-x", "/sharedService/serviceName", "invalid-name"},
      {"  profile: shared\n", "  profile: my profile\n", "/sharedService/profile", "invalid-profile"},
      {"  profile: shared\n", "", "/sharedService/profile", "missing-field"},
      {"    project: blue-service\n", "", "/consumers/0/project", "missing-field"},
      {"    project: blue-service\n", "    project: blue-service\n    paths: [api]\n",
       "/consumers/0/paths/0", "invalid-path"},
      {"    project: blue-service\n", "    project: blue-service\n    directory: ../x\n",
       "/consumers/0/directory", "invalid-directory"},
      {"    project: blue-service\n", "    project: [blue]\n", "/consumers/0/project", "invalid-type"},
  };
  for (const Case& c : cases) {
    std::string text = kMinimal;
    size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    TopologyParseResult r = ParseTopology(text, "t.yaml");
    EXPECT_FALSE(r.ok()) << c.to;
    const Issue* issue = FindIssue(r, c.pointer);
    ASSERT_NE(issue, nullptr) << c.to << "\n" << FormatIssues(r.issues, "t.yaml");
    EXPECT_EQ(issue->code, c.code) << c.to;
    EXPECT_GT(issue->location.line, 0) << c.to;
  }
  TopologyParseResult lower = ParseTopology(
      std::string(kMinimal).replace(std::string(kMinimal).find("methods: [GET]"), 14,
                                    "methods: [get]"),
      "t.yaml");
  EXPECT_THAT(FormatIssues(lower.issues, "t.yaml"), HasSubstr("did you mean `GET`?"));
}

TEST(TopologyTest, HeadersAreLowerCasedWithAWarning) {
  std::string text = kMinimal;
  text.replace(text.find("query: {q: blue}"), 16, "query: {q: blue}\n    headers: {X-Team: blue}");
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  ASSERT_TRUE(r.ok()) << FormatIssues(r.issues, "t.yaml");
  ASSERT_EQ(r.topology.consumers[0].headers.size(), 1u);
  EXPECT_EQ(r.topology.consumers[0].headers[0].name, "x-team");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].severity, Severity::kWarning);
}

TEST(TopologyTest, PolicyStyles) {
  std::string text = std::string(kMinimal) + "options:\n  policyStyle: require-org\n";
  TopologyParseResult r = ParseTopology(text, "t.yaml");
  const Issue* issue = FindIssue(r, "/options/policyStyle");
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->code, "missing-field");
  EXPECT_EQ(issue->location.line, 20);

  TopologyParseResult ok =
      ParseTopology(text + "  orgId: o-a1b2c3d4e5\n", "t.yaml");
  ASSERT_TRUE(ok.ok()) << FormatIssues(ok.issues, "t.yaml");
  EXPECT_EQ(ok.topology.options.policy_style, PolicyStyle::kRequireOrg);
  EXPECT_EQ(ok.topology.options.org_id, "o-a1b2c3d4e5");

  TopologyParseResult typo =
      ParseTopology(std::string(kMinimal) + "options:\n  policyStyle: deny-anonymus\n", "t.yaml");
  const Issue* style = FindIssue(typo, "/options/policyStyle");
  ASSERT_NE(style, nullptr);
  EXPECT_THAT(style->message, HasSubstr("did you mean `deny-anonymous`?"));

  PolicyStyle parsed;
  EXPECT_TRUE(ParsePolicyStyleName("deny-anonymous", &parsed));
  EXPECT_EQ(parsed, PolicyStyle::kDenyAnonymous);
  EXPECT_FALSE(ParsePolicyStyleName("Seed", &parsed));
}

TEST(TopologyTest, StructuralErrors) {
  EXPECT_FALSE(ParseTopology("", "t.yaml").ok());
  EXPECT_FALSE(ParseTopology("[1, 2]", "t.yaml").ok());
  TopologyParseResult syntax = ParseTopology("sharedService:\n  accountId: [1\n", "t.yaml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.issues[0].code, "syntax-error");
  EXPECT_GE(syntax.issues[0].location.line, 2);
  TopologyParseResult no_consumers = ParseTopology(
      "sharedService: {accountId: '444455556666', region: us-east-1, profile: p, "
      "serviceName: svc1}\nconsumers: []\n",
      "t.yaml");
  ASSERT_NE(FindIssue(no_consumers, "/consumers"), nullptr);
  EXPECT_EQ(FindIssue(no_consumers, "/consumers")->code, "empty-list");
}

// F2 (hardening findings): values were quoted raw, so a double-quoted YAML
// scalar with `\n` gave a multi-line message and a long one a huge message.
TEST(TopologyTest, MessagesEscapeAndCutUserInput) {
  TopologyParseResult r = ParseTopology("sharedService:\n  accountId: \"4444\\n5555\"\n", "t.yaml");
  const Issue* account = FindIssue(r, "/sharedService/accountId");
  ASSERT_NE(account, nullptr) << FormatIssues(r.issues, "t.yaml");
  EXPECT_EQ(account->message, "account id `4444\\n5555` must be a string of exactly 12 digits");
  EXPECT_EQ(account->location.line, 2);

  std::string text = kMinimal;
  text.replace(text.find("profile: blue"), 13, "profile: " + std::string(100000, 'p'));
  TopologyParseResult long_value = ParseTopology(text, "t.yaml");
  const Issue* profile = FindIssue(long_value, "/consumers/0/profile");
  ASSERT_NE(profile, nullptr) << FormatIssues(long_value.issues, "t.yaml").substr(0, 500);
  EXPECT_THAT(profile->message, HasSubstr(std::string(80, 'p') + "...`"));
  EXPECT_LT(profile->message.size(), 200u);

  // Keys too, and every issue is one line.
  TopologyParseResult key = ParseTopology(std::string(kMinimal) + "\"op\\ttions\": {}\n", "t.yaml");
  const Issue* unknown = FindIssue(key, "/op\ttions");
  ASSERT_NE(unknown, nullptr) << FormatIssues(key.issues, "t.yaml");
  EXPECT_THAT(unknown->message, HasSubstr("unknown field `op\\ttions`"));
  for (const TopologyParseResult* result : {&r, &long_value, &key}) {
    for (const Issue& issue : result->issues) {
      EXPECT_EQ(issue.message.find_first_of("\n\t"), std::string::npos) << issue.message;
    }
  }
}

// F3: yaml-cpp accepts NUL bytes and invalid UTF-8 in scalars; the reader
// rejects them first with a located syntax error, as the JSON readers do.
TEST(TopologyTest, NulBytesAndInvalidUtf8AreLocatedSyntaxErrors) {
  std::string text = kMinimal;
  text.replace(text.find("q: blue"), 7, "q: bl\xff");  // line 12, column 18
  TopologyParseResult utf8 = ParseTopology(text, "t.yaml");
  ASSERT_EQ(utf8.issues.size(), 1u) << FormatIssues(utf8.issues, "t.yaml");
  EXPECT_EQ(FormatIssues(utf8.issues, "t.yaml"),
            "t.yaml:12:18: error: invalid yaml: invalid utf-8 byte `\\xff`: save the file as "
            "utf-8 [syntax-error]\n");

  std::string nul = kMinimal;
  nul.replace(nul.find("q: blue"), 7, std::string("q: bl\0e", 7));
  TopologyParseResult nul_result = ParseTopology(nul, "t.yaml");
  ASSERT_EQ(nul_result.issues.size(), 1u);
  EXPECT_EQ(nul_result.issues[0].code, "syntax-error");
  EXPECT_EQ(nul_result.issues[0].location.line, 12);
  EXPECT_EQ(nul_result.issues[0].location.column, 18);

  // Valid UTF-8 is fine.
  std::string umlaut = kMinimal;
  umlaut.replace(umlaut.find("q: blue"), 7, "q: bl\xc3\xbc");
  EXPECT_TRUE(ParseTopology(umlaut, "t.yaml").ok());
}

// yaml-cpp's own messages may quote an input byte (`unknown escape
// character: <byte>`): escaped like any user input.
TEST(TopologyTest, YamlErrorsAreEscaped) {
  TopologyParseResult r = ParseTopology("a: \"\\\x01\"\n", "t.yaml");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].code, "syntax-error");
  EXPECT_EQ(r.issues[0].message, "invalid yaml: unknown escape character: \\x01");
  EXPECT_EQ(r.issues[0].location.line, 1);
}

TEST(TopologyTest, ValidationHelpers) {
  EXPECT_TRUE(IsValidAccountId("012345678901"));
  EXPECT_FALSE(IsValidAccountId("12345678901"));
  EXPECT_FALSE(IsValidAccountId("12345678901x"));
  EXPECT_TRUE(IsValidRegion("us-east-1"));
  EXPECT_TRUE(IsValidRegion("us-gov-west-1"));
  EXPECT_TRUE(IsValidRegion("ap-southeast-2"));
  EXPECT_FALSE(IsValidRegion("us-east"));
  EXPECT_FALSE(IsValidRegion("US-EAST-1"));
  EXPECT_TRUE(IsValidFqdn("shared-service-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws"));
  EXPECT_FALSE(IsValidFqdn("localhost"));
  EXPECT_FALSE(IsValidFqdn("bad..name.com"));
  EXPECT_FALSE(IsValidFqdn("-bad.com"));
  EXPECT_TRUE(IsValidServiceNetworkArn(
      "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001"));
  EXPECT_FALSE(IsValidServiceNetworkArn(
      "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0b1e0000000000001"));
  EXPECT_FALSE(IsValidServiceNetworkArn(
      "arn:aws:vpc-lattice:us-east-1:44445555666:servicenetwork/sn-0b1e0000000000001"));
  EXPECT_FALSE(IsValidServiceNetworkArn(
      "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e"));
}

}  // namespace
}  // namespace latticepol
