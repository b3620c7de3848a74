// File: tests/unit/generate_test.cc
// Stage: generate. Golden files for the shipped blue/green topology, YAML
// round trips of the Pulumi stack files, merging of existing stack files,
// pending `pulumi config set` commands, stack-output validation, policy
// styles, and verification catching deliberately wrong policies.
//
// To refresh the golden files after an intended change, run (one line)
//   latticepol generate policies/shared-service/topology.yaml
//     --out policies/shared-service/generated
//     --stack-outputs policies/shared-service/stack-outputs.example.json --force
// (and the same with --format cloudformation / terraform into the matching
// subdirectory), then review the diff.
#include "latticepol/generate.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/parse.h"
#include "latticepol/topology.h"
#include "yaml-cpp/yaml.h"

namespace latticepol {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kDir = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Topology MustParse(const std::string& text, const std::string& name = "topology.yaml") {
  TopologyParseResult r = ParseTopology(text, name);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, name);
  return r.topology;
}

Topology Shipped() { return MustParse(ReadFile(kDir + "/topology.yaml")); }

GenerateResult MustGenerate(const Topology& t, const GenerateOptions& options) {
  absl::StatusOr<GenerateResult> r = Generate(t, options);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_TRUE(r->ok()) << FormatIssues(r->issues, r->issues_source)
                       << ::testing::PrintToString(r->verification.failures);
  return *std::move(r);
}

GenerateOptions WithOutputs(OutputFormat format = OutputFormat::kPulumi) {
  GenerateOptions options;
  options.stack_outputs_json = ReadFile(kDir + "/stack-outputs.example.json");
  options.format = format;
  return options;
}

// ---- Golden files -------------------------------------------------------------

TEST(GenerateGoldenTest, PulumiOutputsMatchGoldenFilesByteForByte) {
  GenerateResult r = MustGenerate(Shipped(), WithOutputs());
  const std::string golden = kDir + "/generated";
  std::vector<std::string> expected_paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(golden)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = std::filesystem::relative(entry.path(), golden).generic_string();
    if (rel.rfind("cloudformation/", 0) == 0 || rel.rfind("terraform/", 0) == 0) continue;
    expected_paths.push_back(rel);
  }
  std::sort(expected_paths.begin(), expected_paths.end());
  std::vector<std::string> paths;
  for (const auto& [path, content] : r.files) paths.push_back(path);
  EXPECT_EQ(paths, expected_paths);
  for (const auto& [path, content] : r.files) {
    EXPECT_EQ(content, ReadFile(golden + "/" + path)) << "golden file differs: " << path;
  }
  EXPECT_THAT(r.pending_commands, IsEmpty());
}

TEST(GenerateGoldenTest, OtherFormatsMatchGoldenFiles) {
  GenerateResult pulumi = MustGenerate(Shipped(), WithOutputs());
  for (auto [format, file] :
       {std::pair{OutputFormat::kCloudFormation, "cloudformation/auth-policy.template.json"},
        std::pair{OutputFormat::kTerraform, "terraform/auth-policy.tf"}}) {
    GenerateResult r = MustGenerate(Shipped(), WithOutputs(format));
    std::string name = std::filesystem::path(file).filename().string();
    ASSERT_EQ(r.files.count(name), 1u) << file;
    EXPECT_EQ(r.files[name], ReadFile(kDir + "/generated/" + file)) << file;
    // The policy and the scenario are the same in every format; no stack files.
    EXPECT_EQ(r.files["auth-policy.json"], pulumi.files["auth-policy.json"]);
    EXPECT_EQ(r.files["scenario.yaml"], pulumi.files["scenario.yaml"]);
    EXPECT_EQ(r.files.size(), 3u);
  }
}

TEST(GenerateGoldenTest, CloudFormationPolicyIsAnObjectAndTerraformUsesJsonencode) {
  GenerateResult cfn = MustGenerate(Shipped(), WithOutputs(OutputFormat::kCloudFormation));
  const std::string& tmpl = cfn.files["auth-policy.template.json"];
  EXPECT_THAT(tmpl, HasSubstr("\"Type\": \"AWS::VpcLattice::AuthPolicy\""));
  EXPECT_THAT(tmpl, HasSubstr("\"ResourceIdentifier\": {\n"));
  EXPECT_THAT(tmpl, HasSubstr("\"Policy\": {\n"));
  GenerateResult tf = MustGenerate(Shipped(), WithOutputs(OutputFormat::kTerraform));
  const std::string& hcl = tf.files["auth-policy.tf"];
  EXPECT_THAT(hcl, HasSubstr("resource \"aws_vpclattice_auth_policy\""));
  EXPECT_THAT(hcl, HasSubstr("policy = jsonencode({"));
  EXPECT_THAT(hcl, HasSubstr("resource_identifier = var.service_identifier"));
}

TEST(GenerateTest, PolicyIsTheSeedPolicyMinifiedAndDeterministic) {
  GenerateResult a = MustGenerate(Shipped(), WithOutputs());
  GenerateResult b = MustGenerate(Shipped(), WithOutputs());
  EXPECT_EQ(a.files, b.files);
  const std::string& policy = a.files["auth-policy.json"];
  EXPECT_EQ(policy.find('\n'), std::string::npos);
  EXPECT_LE(policy.size(), kMaxGeneratedPolicySize);
  // Byte for byte the hand-written seed policy shipped beside the topology.
  EXPECT_EQ(policy, ReadFile(kDir + "/auth-policy.json"));
  ParseResult parsed = ParsePolicy(policy);
  ASSERT_TRUE(parsed.ok()) << FormatIssues(parsed.issues, "auth-policy.json");
  ASSERT_EQ(parsed.doc.statements.size(), 2u);
  EXPECT_EQ(parsed.doc.statements[0].sid, "AllowBlue");
  EXPECT_EQ(parsed.doc.statements[1].sid, "AllowGreen");
  EXPECT_GT(a.verification.classes_checked, 50u);
}

// ---- Pulumi stack files -------------------------------------------------------

std::map<std::string, YAML::Node> ConfigOf(const std::string& text) {
  YAML::Node root = YAML::Load(text);
  std::map<std::string, YAML::Node> out;
  for (const auto& kv : root["config"]) out[kv.first.Scalar()] = kv.second;
  return out;
}

TEST(GenerateTest, StackFilesRoundTripThroughYamlCpp) {
  std::string text = ReadFile(kDir + "/topology.yaml");
  text.replace(text.find("\"111111111111\""), 14, "011111111111");  // unquoted, leading zero
  GenerateResult r = MustGenerate(MustParse(text), WithOutputs());

  auto common = ConfigOf(r.files["common-service/Pulumi.dev.yaml"]);
  ASSERT_EQ(common.size(), 6u);
  EXPECT_EQ(common["aws:region"].as<std::string>(), "us-east-1");
  EXPECT_EQ(common["aws:profile"].as<std::string>(), "shared-services");
  EXPECT_EQ(common["aws-native:region"].as<std::string>(), "us-east-1");
  EXPECT_EQ(common["aws-native:profile"].as<std::string>(), "shared-services");
  EXPECT_EQ(common["common-service:blue-principal"].as<std::string>(), "011111111111");
  EXPECT_EQ(common["common-service:green-principal"].as<std::string>(), "222222222222");
  for (const auto& [key, node] : common) {
    EXPECT_EQ(node.Tag(), "!") << key << " is not quoted";  // P2: every scalar quoted
  }

  auto blue = ConfigOf(r.files["blue-service/Pulumi.dev.yaml"]);
  ASSERT_EQ(blue.size(), 6u);
  EXPECT_EQ(blue["aws:profile"].as<std::string>(), "blue-sandbox");
  EXPECT_EQ(blue["aws-native:profile"].as<std::string>(), "blue-sandbox");
  EXPECT_EQ(blue["blue-service:lattice-network-arn"].as<std::string>(),
            "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001");
  EXPECT_EQ(blue["blue-service:shared-service-fqdn"].as<std::string>(),
            "shared-service-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-east-1.on.aws");
  auto green = ConfigOf(r.files["green-service/Pulumi.dev.yaml"]);
  EXPECT_EQ(green["green-service:lattice-network-arn"].as<std::string>(),
            "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-06ee0000000000002");
  EXPECT_EQ(green["aws:profile"].as<std::string>(), "green-sandbox");

  // Unquoted text would have lost the zero: the file must quote it.
  EXPECT_THAT(r.files["common-service/Pulumi.dev.yaml"],
              HasSubstr("common-service:blue-principal: \"011111111111\""));
}

TEST(GenerateTest, SeparateProfilesAndCustomStackAndDirectory) {
  std::string text = ReadFile(kDir + "/topology.yaml");
  text.replace(text.find("  profile: shared-services"), 26,
               "  awsProfile: shared-aws\n  awsNativeProfile: shared-native\n  directory: "
               "a-common-service");
  text.replace(text.find("stack: dev"), 10, "stack: prod");
  GenerateResult r = MustGenerate(MustParse(text), WithOutputs());
  ASSERT_EQ(r.files.count("a-common-service/Pulumi.prod.yaml"), 1u);
  auto common = ConfigOf(r.files["a-common-service/Pulumi.prod.yaml"]);
  EXPECT_EQ(common["aws:profile"].as<std::string>(), "shared-aws");
  EXPECT_EQ(common["aws-native:profile"].as<std::string>(), "shared-native");
  EXPECT_EQ(r.files.count("blue-service/Pulumi.prod.yaml"), 1u);
}

TEST(GenerateTest, WithoutStackOutputsPrintsTheConfigCommands) {
  GenerateOptions options;
  options.command_root = "out/";
  GenerateResult r = MustGenerate(Shipped(), options);
  auto blue = ConfigOf(r.files["blue-service/Pulumi.dev.yaml"]);
  EXPECT_EQ(blue.size(), 4u);
  EXPECT_EQ(blue.count("blue-service:lattice-network-arn"), 0u);
  EXPECT_THAT(
      r.pending_commands,
      ElementsAre(
          "pulumi config set --stack dev --cwd out/blue-service blue-service:lattice-network-arn "
          "\"$(pulumi stack output --stack dev --cwd out/common-service blue-service-network-arn)\"",
          "pulumi config set --stack dev --cwd out/blue-service blue-service:shared-service-fqdn "
          "\"$(pulumi stack output --stack dev --cwd out/common-service shared-service-fqdn)\"",
          "pulumi config set --stack dev --cwd out/green-service "
          "green-service:lattice-network-arn \"$(pulumi stack output --stack dev --cwd "
          "out/common-service green-service-network-arn)\"",
          "pulumi config set --stack dev --cwd out/green-service green-service:shared-service-fqdn "
          "\"$(pulumi stack output --stack dev --cwd out/common-service shared-service-fqdn)\""));
}

TEST(GenerateTest, MergeKeepsOtherKeysAndSecureValues) {
  const std::string existing =
      "secretsprovider: awskms://alias/pulumi\n"
      "encryptedkey: AQICAHh=\n"
      "config:\n"
      "  aws:region: us-west-2\n"
      "  blue-service:api-token:\n"
      "    secure: AAABAKr0Ciphertext==\n"
      "  blue-service:replicas: 3\n"
      "  blue-service:debug: true\n"
      "  lattice-network-arn: arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/"
      "sn-0b1e0000000000009\n"
      "  blue-service:shared-service-fqdn:\n"
      "    secure: AAABAFqdnSecret==\n"
      "environment:\n"
      "  - blue-env\n";
  GenerateOptions options;  // no stack outputs
  options.read_existing = [&](const std::string& path) -> std::optional<std::string> {
    if (path == "blue-service/Pulumi.dev.yaml") return existing;
    return std::nullopt;
  };
  GenerateResult r = MustGenerate(Shipped(), options);
  const std::string& text = r.files["blue-service/Pulumi.dev.yaml"];
  YAML::Node root = YAML::Load(text);
  EXPECT_EQ(root["secretsprovider"].as<std::string>(), "awskms://alias/pulumi");
  EXPECT_EQ(root["encryptedkey"].as<std::string>(), "AQICAHh=");
  EXPECT_EQ(root["environment"][0].as<std::string>(), "blue-env");
  YAML::Node config = root["config"];
  EXPECT_EQ(config["aws:region"].as<std::string>(), "us-east-1");  // regenerated
  EXPECT_EQ(config["blue-service:api-token"]["secure"].as<std::string>(), "AAABAKr0Ciphertext==");
  EXPECT_EQ(config["blue-service:shared-service-fqdn"]["secure"].as<std::string>(),
            "AAABAFqdnSecret==");
  EXPECT_EQ(config["blue-service:replicas"].as<int>(), 3);
  EXPECT_EQ(config["blue-service:replicas"].Tag(), "?");  // still a number
  EXPECT_EQ(config["blue-service:debug"].as<bool>(), true);
  // The bare key is the project namespace: it is written fully qualified.
  EXPECT_FALSE(config["lattice-network-arn"].IsDefined());
  EXPECT_EQ(config["blue-service:lattice-network-arn"].as<std::string>(),
            "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000009");
  // Both values exist already, so no command is pending for blue.
  for (const std::string& command : r.pending_commands) {
    EXPECT_THAT(command, Not(HasSubstr("--cwd blue-service")));
  }
  EXPECT_EQ(r.pending_commands.size(), 2u);

  // With stack outputs, the plain value is replaced but the secret is kept.
  options.stack_outputs_json = ReadFile(kDir + "/stack-outputs.example.json");
  GenerateResult merged = MustGenerate(Shipped(), options);
  YAML::Node c2 = YAML::Load(merged.files["blue-service/Pulumi.dev.yaml"])["config"];
  EXPECT_EQ(c2["blue-service:lattice-network-arn"].as<std::string>(),
            "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001");
  EXPECT_EQ(c2["blue-service:shared-service-fqdn"]["secure"].as<std::string>(),
            "AAABAFqdnSecret==");
  bool warned = false;
  for (const Issue& issue : merged.issues) warned = warned || issue.code == "kept-secure-value";
  EXPECT_TRUE(warned);
}

// Regression: merging dropped the user's comments and layout. Only the lines
// of the keys latticepol writes change; a new key joins the config block.
TEST(GenerateTest, MergeKeepsCommentsAndLayout) {
  const std::string existing =
      "# blue's dev stack: do not edit by hand (ha)\n"
      "config:\n"
      "    # the region we deploy to\n"
      "    aws:region: eu-west-1   # moved in 2025\n"
      "    blue-service:replicas: 3\n"
      "    'blue-service:shared-service-fqdn':\n"
      "        secure: AAABAFqdnSecret==\n"
      "\n"
      "# the environment\n"
      "environment:\n"
      "  - blue-env\n";
  GenerateOptions options;
  options.read_existing = [&](const std::string& path) -> std::optional<std::string> {
    if (path == "blue-service/Pulumi.dev.yaml") return existing;
    return std::nullopt;
  };
  options.stack_outputs_json = ReadFile(kDir + "/stack-outputs.example.json");
  GenerateResult r = MustGenerate(Shipped(), options);
  const std::string& text = r.files["blue-service/Pulumi.dev.yaml"];
  EXPECT_THAT(text, HasSubstr("# blue's dev stack: do not edit by hand (ha)\n"));
  EXPECT_THAT(text, HasSubstr("    # the region we deploy to\n"));
  EXPECT_THAT(text, HasSubstr("    aws:region: \"us-east-1\"  # moved in 2025\n"));
  EXPECT_THAT(text, HasSubstr("    blue-service:replicas: 3\n"));
  EXPECT_THAT(text, HasSubstr("        secure: AAABAFqdnSecret==\n"));
  EXPECT_THAT(text, HasSubstr("\n# the environment\nenvironment:\n  - blue-env\n"));
  YAML::Node root = YAML::Load(text);
  YAML::Node config = root["config"];
  EXPECT_EQ(config["aws:region"].as<std::string>(), "us-east-1");
  EXPECT_EQ(config["blue-service:replicas"].as<int>(), 3);
  EXPECT_EQ(config["blue-service:shared-service-fqdn"]["secure"].as<std::string>(),
            "AAABAFqdnSecret==");
  EXPECT_EQ(config["blue-service:lattice-network-arn"].as<std::string>(),
            "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001");
  EXPECT_EQ(root["environment"][0].as<std::string>(), "blue-env");
  // Merging the result again changes nothing.
  const std::string again = text;
  options.read_existing = [&](const std::string& path) -> std::optional<std::string> {
    if (path == "blue-service/Pulumi.dev.yaml") return again;
    return std::nullopt;
  };
  GenerateResult r2 = MustGenerate(Shipped(), options);
  EXPECT_EQ(r2.files["blue-service/Pulumi.dev.yaml"], text);
}

TEST(GenerateTest, BrokenExistingStackFileIsAnError) {
  GenerateOptions options;
  options.read_existing = [](const std::string& path) -> std::optional<std::string> {
    if (path == "common-service/Pulumi.dev.yaml") return std::string("config: [unclosed\n");
    return std::nullopt;
  };
  absl::StatusOr<GenerateResult> r = Generate(Shipped(), options);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
  EXPECT_THAT(r->files, IsEmpty());
  ASSERT_FALSE(r->issues.empty());
  EXPECT_EQ(r->issues[0].code, "invalid-stack-file");
}

// ---- Stack outputs --------------------------------------------------------------

TEST(GenerateTest, StackOutputsAreValidated) {
  struct Case {
    std::string json, pointer, code;
  };
  const std::string green =
      "\"green-service-network-arn\": \"arn:aws:vpc-lattice:us-east-1:444455556666:"
      "servicenetwork/sn-06ee0000000000002\"";
  const std::string fqdn =
      "\"shared-service-fqdn\": \"svc.7d67968.vpc-lattice-svcs.us-east-1.on.aws\"";
  const Case cases[] = {
      {"not json", "", "invalid-stack-outputs"},
      {"{" + green + ", " + fqdn + "}", "/blue-service-network-arn", "missing-stack-output"},
      {"{\"blue-service-network-arn\": 5, " + green + ", " + fqdn + "}",
       "/blue-service-network-arn", "invalid-stack-output"},
      {"{\"blue-service-network-arn\": \"arn:aws:vpc-lattice:eu-west-1:444455556666:"
       "servicenetwork/sn-0b1e0000000000001\", " + green + ", " + fqdn + "}",
       "/blue-service-network-arn", "inconsistent-region"},
      {"{\"blue-service-network-arn\": \"sn-0b1e0000000000001\", " + green + ", " + fqdn + "}",
       "/blue-service-network-arn", "invalid-arn"},
      {"{\"blue-service-network-arn\": \"[secret]\", " + green + ", " + fqdn + "}",
       "/blue-service-network-arn", "secret-stack-output"},
      {"{\"blue-service-network-arn\": \"arn:aws:vpc-lattice:us-east-1:444455556666:"
       "servicenetwork/sn-0b1e0000000000001\", " + green +
           ", \"shared-service-fqdn\": \"svc.vpc-lattice-svcs.eu-west-1.on.aws\"}",
       "/shared-service-fqdn", "inconsistent-region"},
  };
  for (const Case& c : cases) {
    GenerateOptions options;
    options.stack_outputs_json = c.json;
    options.stack_outputs_source = "outputs.json";
    absl::StatusOr<GenerateResult> r = Generate(Shipped(), options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->ok()) << c.json;
    EXPECT_THAT(r->files, IsEmpty()) << c.json;
    EXPECT_EQ(r->issues_source, "outputs.json");
    ASSERT_FALSE(r->issues.empty()) << c.json;
    EXPECT_EQ(r->issues[0].location.json_pointer, c.pointer) << c.json;
    EXPECT_EQ(r->issues[0].code, c.code) << c.json;
  }
}

// F2 (hardening findings): stack output values and yaml-cpp messages are
// escaped and cut in issue messages.
TEST(GenerateTest, StackOutputValuesAreEscapedInMessages) {
  const std::string green =
      "\"green-service-network-arn\": \"arn:aws:vpc-lattice:us-east-1:444455556666:"
      "servicenetwork/sn-06ee0000000000002\"";
  GenerateOptions options;
  options.stack_outputs_json = "{\"blue-service-network-arn\": \"sn-1\\nsn-2" +
                               std::string(1000, 'x') + "\", " + green +
                               ", \"shared-service-fqdn\": \"a\\u0007.example.com\"}";
  absl::StatusOr<GenerateResult> r = Generate(Shipped(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->issues.size(), 2u) << FormatIssues(r->issues, "outputs.json");
  EXPECT_EQ(r->issues[0].code, "invalid-arn");
  EXPECT_THAT(r->issues[0].message, StartsWith("`sn-1\\nsn-2xxx"));
  EXPECT_THAT(r->issues[0].message, HasSubstr("x...` is not a service network arn"));
  EXPECT_LT(r->issues[0].message.size(), 300u);
  EXPECT_EQ(r->issues[1].code, "invalid-fqdn");
  EXPECT_EQ(r->issues[1].message, "`a\\x07.example.com` is not a well-formed domain name");

  GenerateOptions broken;
  broken.read_existing = [](const std::string& path) -> std::optional<std::string> {
    if (path == "common-service/Pulumi.dev.yaml") return std::string("a: \"\\\x01\"\n");
    return std::nullopt;
  };
  absl::StatusOr<GenerateResult> b = Generate(Shipped(), broken);
  ASSERT_TRUE(b.ok());
  ASSERT_FALSE(b->issues.empty());
  EXPECT_EQ(b->issues[0].code, "invalid-stack-file");
  EXPECT_THAT(b->issues[0].message, HasSubstr("unknown escape character: \\x01"));
}

// ---- Verification -----------------------------------------------------------------

PolicyDocument MustParsePolicy(const std::string& text) {
  ParseResult r = ParsePolicy(text);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "policy");
  return r.doc;
}

std::string Stmt(const std::string& sid, const std::string& conditions) {
  return "{\"Sid\":\"" + sid +
         "\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\","
         "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{" + conditions + "}}}";
}

std::string Policy(const std::vector<std::string>& statements) {
  std::string out = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  for (size_t i = 0; i < statements.size(); ++i) out += (i ? "," : "") + statements[i];
  return out + "]}";
}

const char kBlueOk[] =
    "\"vpc-lattice-svcs:RequestMethod\":\"GET\",\"vpc-lattice-svcs:RequestQueryString/q\":"
    "\"blue\",\"vpc-lattice-svcs:SourceVpcOwnerAccount\":\"111111111111\"";
const char kGreenOk[] =
    "\"vpc-lattice-svcs:RequestMethod\":\"GET\",\"vpc-lattice-svcs:RequestQueryString/q\":"
    "\"green\",\"vpc-lattice-svcs:SourceVpcOwnerAccount\":\"222222222222\"";

TEST(VerifyTest, TheShippedSeedPolicyPasses) {
  absl::StatusOr<VerificationResult> v =
      VerifyPolicy(Shipped(), MustParsePolicy(ReadFile(kDir + "/auth-policy.json")));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->ok()) << ::testing::PrintToString(v->failures);
  EXPECT_GT(v->classes_checked, 50u);
}

TEST(VerifyTest, DeliberatelyWrongPoliciesFail) {
  struct Case {
    std::string name, policy, failure;
  };
  const Case cases[] = {
      // Blue's statement grants green's value.
      {"swapped value",
       Policy({Stmt("AllowBlue",
                    "\"vpc-lattice-svcs:RequestMethod\":\"GET\",\"vpc-lattice-svcs:"
                    "RequestQueryString/q\":[\"blue\",\"green\"],\"vpc-lattice-svcs:"
                    "SourceVpcOwnerAccount\":\"111111111111\""),
               Stmt("AllowGreen", kGreenOk)}),
       "GET /?q=green from a vpc owned by 111111111111"},
      // No account condition: green's VPC can read blue.
      {"missing account",
       Policy({Stmt("AllowBlue",
                    "\"vpc-lattice-svcs:RequestMethod\":\"GET\",\"vpc-lattice-svcs:"
                    "RequestQueryString/q\":\"blue\""),
               Stmt("AllowGreen", kGreenOk)}),
       "expected a deny"},
      // No method condition: POST goes through.
      {"missing method",
       Policy({Stmt("AllowBlue",
                    "\"vpc-lattice-svcs:RequestQueryString/q\":\"blue\",\"vpc-lattice-svcs:"
                    "SourceVpcOwnerAccount\":\"111111111111\""),
               Stmt("AllowGreen", kGreenOk)}),
       "POST /?q=blue"},
      // Green is not allowed at all.
      {"missing consumer", Policy({Stmt("AllowBlue", kBlueOk)}),
       "consumer `green`: GET /?q=green from a vpc owned by 222222222222, signed by "
       "222222222222 via sn-00000000000000001: expected ALLOW, reference IMPLICIT_DENY, "
       "compiled IMPLICIT_DENY"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<VerificationResult> v = VerifyPolicy(Shipped(), MustParsePolicy(c.policy));
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_FALSE(v->ok()) << c.name;
    EXPECT_THAT(::testing::PrintToString(v->failures), HasSubstr(c.failure)) << c.name;
  }
}

TEST(VerifyTest, IgnoreCaseOrLikeOperatorsAreCaught) {
  std::string loose = Policy(
      {"{\"Sid\":\"AllowBlue\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
       "\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":"
       "{\"vpc-lattice-svcs:RequestQueryString/q\":\"blue\"},\"StringEquals\":{"
       "\"vpc-lattice-svcs:RequestMethod\":\"GET\",\"vpc-lattice-svcs:SourceVpcOwnerAccount\":"
       "\"111111111111\"}}}",
       Stmt("AllowGreen", kGreenOk)});
  absl::StatusOr<VerificationResult> v = VerifyPolicy(Shipped(), MustParsePolicy(loose));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok());
  EXPECT_THAT(::testing::PrintToString(v->failures), HasSubstr("?q=BLUE"));
}

TEST(VerifyTest, StricterStylesAreGeneratedAndVerified) {
  std::string text = ReadFile(kDir + "/topology.yaml");
  text.replace(text.find("policyStyle: seed"), 17, "policyStyle: deny-anonymous");
  Topology deny = MustParse(text);
  GenerateResult r = MustGenerate(deny, WithOutputs());
  EXPECT_THAT(r.policy_json,
              HasSubstr("{\"Sid\":\"DenyAnonymous\",\"Effect\":\"Deny\",\"Principal\":\"*\","
                        "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":"
                        "{\"StringEqualsIgnoreCase\":{\"aws:PrincipalType\":\"anonymous\"}}}"));
  // The seed policy lets anonymous callers in: wrong for this style.
  absl::StatusOr<VerificationResult> seed =
      VerifyPolicy(deny, MustParsePolicy(ReadFile(kDir + "/auth-policy.json")));
  ASSERT_TRUE(seed.ok());
  EXPECT_FALSE(seed->ok());
  EXPECT_THAT(::testing::PrintToString(seed->failures), HasSubstr("anonymous via sn-00000000000000000: expected a deny, reference ALLOW"));

  text.replace(text.find("policyStyle: deny-anonymous"), 27,
               "policyStyle: require-org\n  orgId: o-a1b2c3d4e5");
  Topology org = MustParse(text);
  GenerateResult o = MustGenerate(org, WithOutputs());
  EXPECT_THAT(o.policy_json, HasSubstr("\"aws:PrincipalOrgID\":\"o-a1b2c3d4e5\""));
  absl::StatusOr<VerificationResult> wrong = VerifyPolicy(org, MustParsePolicy(r.policy_json));
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->ok());  // deny-anonymous does not check the organisation
  EXPECT_THAT(o.files["scenario.yaml"], HasSubstr("orgId: o-a1b2c3d4e5"));
}

TEST(VerifyTest, PathsHeadersAndSeveralValuesVerify) {
  const std::string text = R"(sharedService:
  accountId: "444455556666"
  region: eu-west-1
  profile: shared
  serviceName: catalog
consumers:
  - name: blue
    project: blue-service
    accountId: "011111111111"
    profile: blue
    methods: [GET, HEAD]
    query: {q: [blue, cyan], v: "1"}
    paths: ["/items/*", /health]
    headers: {x-team: blue}
  - name: green
    project: green-service
    accountId: "222222222222"
    profile: green
    methods: [POST]
    paths: [/orders]
  - name: red
    project: red-service
    accountId: "011111111111"
    profile: red
    methods: [GET]
    query: {q: red}
)";
  TopologyParseResult parsed = ParseTopology(text, "t.yaml");
  ASSERT_TRUE(parsed.ok()) << FormatIssues(parsed.issues, "t.yaml");
  GenerateResult r = MustGenerate(parsed.topology, GenerateOptions{});
  EXPECT_THAT(r.policy_json, HasSubstr("\"StringLike\":{\"vpc-lattice-svcs:RequestPath\":"
                                       "[\"/items/*\",\"/health\"]}"));
  EXPECT_THAT(r.policy_json, HasSubstr("\"vpc-lattice-svcs:RequestHeader/x-team\":\"blue\""));
  EXPECT_THAT(r.policy_json, HasSubstr("\"vpc-lattice-svcs:RequestPath\":\"/orders\""));
  EXPECT_THAT(r.policy_json, HasSubstr("\"vpc-lattice-svcs:RequestMethod\":[\"GET\",\"HEAD\"]"));
  EXPECT_GT(r.verification.classes_checked, 100u);
  // The red caller shares blue's account, so blue's classes are expected too.
  EXPECT_THAT(r.files["scenario.yaml"], HasSubstr("red GET|HEAD"));
}

TEST(GenerateTest, OversizedPolicyIsRefused) {
  std::string text =
      "sharedService: {accountId: '444455556666', region: us-east-1, profile: p, "
      "serviceName: svc1}\nconsumers:\n";
  for (int i = 0; i < 40; ++i) {
    text += "  - {name: c" + std::to_string(i) + ", project: p" + std::to_string(i) +
            ", accountId: '" + std::to_string(100000000000 + i) +
            "', profile: p, methods: [GET], query: {q: [aaaaaaaaaaaaaaaaaaaaaaaa, "
            "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]}}\n";
  }
  absl::StatusOr<GenerateResult> r = Generate(MustParse(text), GenerateOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->ok());
  EXPECT_THAT(r->files, IsEmpty());
  ASSERT_FALSE(r->issues.empty());
  EXPECT_EQ(r->issues[0].code, "policy-too-large");
}

TEST(GenerateTest, FormatNames) {
  OutputFormat f;
  EXPECT_TRUE(ParseOutputFormatName("terraform", &f));
  EXPECT_EQ(f, OutputFormat::kTerraform);
  EXPECT_EQ(OutputFormatName(OutputFormat::kCloudFormation), "cloudformation");
  EXPECT_FALSE(ParseOutputFormatName("hcl", &f));
  EXPECT_EQ(OutputFormatNamesText(), "pulumi, cloudformation or terraform");
  for (OutputFormat each :
       {OutputFormat::kPulumi, OutputFormat::kCloudFormation, OutputFormat::kTerraform}) {
    ASSERT_TRUE(ParseOutputFormatName(OutputFormatName(each), &f));
    EXPECT_EQ(f, each);
  }
}

}  // namespace
}  // namespace latticepol
