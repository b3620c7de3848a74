// File: tools/latticepol/diff_cmd.cc
// Stage: CLI. `latticepol diff OLD NEW`: are two service policies equivalent
// over every request; if not, every changed region with a verified witness
// (latticepol/analysis.h does the work).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "html_common.h"
#include "junit.h"
#include "latticepol/analysis.h"
#include "latticepol/decision.h"
#include "latticepol/request_json.h"
#include "output_file.h"

namespace latticepol::cli {
namespace {

struct DiffOptions {
  std::string old_path, new_path;
  std::string network_policy_path, identity_policy_path;
  std::string network_auth_type, service_auth_type, identity_decision;
  std::string service_arn;
  std::string callers = "any";
  std::string fail_on = "any";
  bool lenient = false;
  Format format = Format::kText;
  std::string output;  // empty or "-": stdout
  bool force = false;
};

// Refuses, before the run, an --output that could not be published.
bool CheckOutput(const DiffOptions& opts, const char* command) {
  std::string error;
  if (opts.output.empty() || opts.output == "-" ||
      CheckOutputTarget(opts.output, opts.force, &error)) {
    return true;
  }
  PrintError(command, error);
  return false;
}

// Writes the report to stdout or publishes it at --output (output_file.h).
bool Emit(const DiffOptions& opts, const char* command, const std::string& text) {
  std::string error;
  if (WriteReport(opts.output, text, opts.force, &error)) return true;
  PrintError(command, error);
  return false;
}

// Shared by diff and analyze: chain options into AnalysisOptions. Returns
// false (after printing) when a policy does not load.
bool ChainOptions(const DiffOptions& opts, const ParseOptions& parse,
                  std::optional<PolicyDocument>* network,
                  std::optional<PolicyDocument>* identity, AnalysisOptions* out) {
  if (!opts.network_policy_path.empty()) {
    *network = LoadPolicy(opts.network_policy_path, parse);
    if (!*network) return false;
    out->network_policy = &**network;
    out->config.network_auth_type = AuthType::kAwsIam;
  }
  if (!opts.identity_policy_path.empty()) {
    ParseOptions ip = parse;
    ip.identity_policy = true;
    *identity = LoadPolicy(opts.identity_policy_path, ip);
    if (!*identity) return false;
    out->identity_policy = &**identity;
  }
  if (!opts.network_auth_type.empty()) {
    ParseAuthTypeName(opts.network_auth_type, &out->config.network_auth_type);
  }
  if (!opts.service_auth_type.empty()) {
    ParseAuthTypeName(opts.service_auth_type, &out->config.service_auth_type);
  }
  if (!opts.identity_decision.empty()) {
    DecisionKind kind;
    ParseDecisionName(opts.identity_decision, &kind);
    out->config.identity_decision = kind;
  }
  if (!opts.service_arn.empty()) out->context.service_arn = opts.service_arn;
  out->include_anonymous = opts.callers != "signed";
  out->include_signed = opts.callers != "anonymous";
  return true;
}

// One JUnit test case per changed region (failed when it counts under
// --fail-on), a passing case when the policies are equivalent, and a skipped
// case when the answer is not a proof.
std::string DiffResultToJUnit(const DiffResult& result, const DiffOptions& opts) {
  JUnitSuite suite;
  suite.name = opts.old_path + " -> " + opts.new_path;
  const bool new_access_only = opts.fail_on == "new-access";
  if (result.differences.empty()) {
    suite.cases.push_back({"equivalent", "latticepol.diff", false, false, "", "", ""});
  }
  for (size_t i = 0; i < result.differences.size(); ++i) {
    const Difference& d = result.differences[i];
    JUnitCase c;
    c.name = "region " + std::to_string(i + 1) + ": " + d.region.Describe();
    c.classname = "latticepol.diff";
    c.failed = !new_access_only || d.new_access();
    c.type = d.new_access() ? "new-access" : "changed";
    c.message = std::string(DecisionName(d.old_decision)) + " -> " +
                std::string(DecisionName(d.new_decision));
    c.text = "witness: " + RequestToJson(d.new_witness.request);
    suite.cases.push_back(std::move(c));
  }
  if (!result.complete) {
    JUnitCase c{"complete", "latticepol.diff", false, true, "", "", ""};
    for (const std::string& reason : result.incomplete_reasons) {
      c.message += (c.message.empty() ? "not a proof: " : "; ") + reason;
    }
    suite.cases.push_back(std::move(c));
  }
  return JUnitXml({suite}, "latticepol diff");
}

ExitCode RunDiff(const DiffOptions& opts, const CommandContext& context) {
  if (!CheckOutput(opts, "diff")) return ExitCode::kUsage;
  ParseOptions parse;
  parse.strict = !opts.lenient;
  std::optional<PolicyDocument> old_policy = LoadPolicy(opts.old_path, parse);
  std::optional<PolicyDocument> new_policy = LoadPolicy(opts.new_path, parse);
  if (!old_policy || !new_policy) return ExitCode::kInvalidInput;
  AnalysisOptions options;
  std::optional<PolicyDocument> network, identity;
  if (!ChainOptions(opts, parse, &network, &identity, &options)) return ExitCode::kInvalidInput;
  auto result = DiffPolicies(*old_policy, *new_policy, options);
  if (!result.ok()) {
    PrintError("diff", std::string(result.status().message()));
    return ExitCode::kFailure;
  }
  std::string text;
  if (opts.format == Format::kHtml) {
    HtmlReportContext html = MakeHtmlContext(
        context, {{"old policy", opts.old_path}, {"new policy", opts.new_path},
                  {"network policy", opts.network_policy_path},
                  {"identity policy", opts.identity_policy_path}});
    html.subject = opts.old_path + " \xE2\x86\x92 " + opts.new_path;
    text = DiffResultToHtml(*result, html);
  } else if (opts.format == Format::kJUnit) {
    text = DiffResultToJUnit(*result, opts);
  } else {
    text = opts.format == Format::kJson ? DiffResultToJson(*result) + "\n"
                                        : DiffResultToText(*result);
  }
  if (!Emit(opts, "diff", text)) return ExitCode::kFailure;
  if (opts.fail_on == "new-access") {
    return result->has_new_access() ? ExitCode::kFailure : ExitCode::kOk;
  }
  return result->equivalent ? ExitCode::kOk : ExitCode::kFailure;
}

void AddChainOptions(CLI::App* cmd, DiffOptions* opts, bool allow_junit) {
  cmd->add_option("--network-policy", opts->network_policy_path,
                  "Service-network auth policy JSON file (network auth type AWS_IAM)");
  cmd->add_option("--identity-policy", opts->identity_policy_path,
                  "Identity-based policy of signed callers (no Principal element)");
  cmd->add_option("--network-auth-type", opts->network_auth_type, "Auth type of the service network")
      ->check(CLI::IsMember({"AWS_IAM", "NONE"}));
  cmd->add_option("--service-auth-type", opts->service_auth_type, "Auth type of the service")
      ->check(CLI::IsMember({"AWS_IAM", "NONE"}));
  cmd->add_option("--identity-decision", opts->identity_decision,
                  "Precomputed identity-policy decision of signed callers")
      ->check(CLI::IsMember({"ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY"}));
  cmd->add_option("--service-arn", opts->service_arn,
                  "ARN of the service the policy guards (Resource and ServiceArn checks)");
  cmd->add_option("--callers", opts->callers, "Caller classes: anonymous, signed or any (default)")
      ->check(CLI::IsMember({"anonymous", "signed", "any"}));
  AddLenientOption(cmd, &opts->lenient);
  AddFormatOption(cmd, &opts->format, /*allow_html=*/true, allow_junit);
  cmd->add_option("--output", opts->output, "Write the report to this file");
  cmd->add_flag("--force", opts->force, "Overwrite an existing --output file");
}

}  // namespace

void RegisterDiffCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<DiffOptions>();
  CLI::App* cmd = AddCommand(
      app, "diff", "Compare two service policies over every request, with witness requests",
      "Decide whether two service auth policies give every request the same decision "
      "(over all methods, paths, headers, query strings, source VPCs and callers, "
      "Invoke and Connect). If not, list every changed region with the old and new "
      "decision, the deciding statements and a witness request in canonical request "
      "JSON, checked by both evaluators. `complete: false` says what was not modelled "
      "exactly (docs/analysis.md). Exit 0 equivalent (with --fail-on new-access: no "
      "request newly allowed), 1 different, 2 usage, 4 invalid input.",
      "  latticepol diff policies/shared-service/auth-policy.json candidate.json --fail-on new-access");
  cmd->add_option("old", opts->old_path, "The current service policy")->required();
  cmd->add_option("new", opts->new_path, "The changed service policy")->required();
  cmd->add_option("--fail-on", opts->fail_on,
                  "Exit 1 on any difference (default) or only when NEW allows more")
      ->check(CLI::IsMember({"any", "new-access"}));
  AddChainOptions(cmd, opts.get(), /*allow_junit=*/true);
  cmd->callback([opts, &context] { context.Exit(RunDiff(*opts, context)); });
}

namespace {

ExitCode RunAnalyze(const DiffOptions& opts, const std::string& scenario_path,
                    const CommandContext& context) {
  if (!CheckOutput(opts, "analyze")) return ExitCode::kUsage;
  ParseOptions parse;
  parse.strict = !opts.lenient;
  std::optional<PolicyDocument> policy = LoadPolicy(opts.old_path, parse);
  if (!policy) return ExitCode::kInvalidInput;
  AnalysisOptions options;
  std::optional<PolicyDocument> network, identity;
  std::optional<Scenario> scenario;
  if (!scenario_path.empty()) {
    ScenarioLoadResult loaded = LoadScenarioFile(scenario_path);
    PrintIssues(loaded.issues, scenario_path);
    if (!loaded.ok()) return ExitCode::kInvalidInput;
    scenario = std::move(loaded.scenario);
    if (scenario->service_arn) options.context.service_arn = *scenario->service_arn;
    options.context.resource_tags = scenario->resource_tags;
    const ChainPolicies chain = ScenarioChain(*scenario);  // the service policy is --policy
    options.config.service_auth_type = chain.config.service_auth_type;
    options.config.network_auth_type = chain.config.network_auth_type;
    if (chain.network_policy != nullptr) options.network_policy = chain.network_policy;
  }
  if (!ChainOptions(opts, parse, &network, &identity, &options)) return ExitCode::kInvalidInput;
  auto result = AnalyzePolicy(*policy, options);
  if (!result.ok()) {
    PrintError("analyze", std::string(result.status().message()));
    return ExitCode::kFailure;
  }
  std::string text;
  if (opts.format == Format::kHtml) {
    HtmlReportContext html = MakeHtmlContext(
        context, {{"service policy", opts.old_path}, {"scenario", scenario_path},
                  {"network policy", opts.network_policy_path},
                  {"identity policy", opts.identity_policy_path}});
    html.subject = opts.old_path;
    text = AnalyzeResultToHtml(*result, html);
  } else {
    text = opts.format == Format::kJson ? AnalyzeResultToJson(*result) + "\n"
                                        : AnalyzeResultToText(*result);
  }
  return Emit(opts, "analyze", text) ? ExitCode::kOk : ExitCode::kFailure;
}

}  // namespace

void RegisterAnalyzeCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<DiffOptions>();
  auto scenario = std::make_shared<std::string>();
  CLI::App* cmd = AddCommand(
      app, "analyze", "Who can do what: allowed and denied regions, per-statement reachability",
      "List, over every request, the regions a service policy allows and the regions "
      "a Deny statement carves out (caller class x method x path x query x headers x "
      "source VPC), each with a verified witness request, and for every statement "
      "whether it ever applies and whether it is ever effective (removing it changes "
      "a decision). --scenario takes the service ARN, auth types and network policy "
      "from a scenario file.",
      "  latticepol analyze policies/shared-service/auth-policy.json");
  cmd->add_option("policy", opts->old_path, "Service auth policy JSON file")->required();
  cmd->add_option("--scenario", *scenario, "Scenario file for the service context");
  AddChainOptions(cmd, opts.get(), /*allow_junit=*/false);
  cmd->callback([opts, scenario, &context] { context.Exit(RunAnalyze(*opts, *scenario, context)); });
}

}  // namespace latticepol::cli
