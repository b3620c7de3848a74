// File: tools/latticepol/prove_cmd.cc
// Stage: CLI. `latticepol prove SCENARIO [--policy CANDIDATE]`: every
// expectation of a scenario over every request its callers can send, with a
// counterexample per violated expectation (latticepol/analysis.h).
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
#include "latticepol/scenario.h"
#include "output_file.h"

namespace latticepol::cli {
namespace {

struct ProveOptions {
  std::string scenario;
  std::string policy;
  bool lenient = false;
  Format format = Format::kText;
  std::string output;  // empty or "-": stdout
  bool force = false;
};

// One JUnit test case per expectation (failed with its counterexample when
// violated), and a skipped case when the answer is not a proof.
std::string ProofResultToJUnit(const ProofResult& result, const std::string& scenario_name) {
  JUnitSuite suite;
  suite.name = scenario_name;
  for (const ExpectationProof& e : result.expectations) {
    JUnitCase c;
    c.name = e.name;
    c.classname = "latticepol.prove";
    c.failed = !e.holds;
    if (c.failed) {
      c.type = "violated";
      c.message = "expected " + std::string(ExpectedOutcomeName(e.expected));
      if (e.counterexample) {
        c.message += ", got " + std::string(DecisionName(e.counterexample->decision)) +
                     " for caller `" + e.caller + "`";
        c.text = "counterexample: " + RequestToJson(e.counterexample->request);
      }
    }
    suite.cases.push_back(std::move(c));
  }
  if (!result.complete) {
    JUnitCase c{"complete", "latticepol.prove", false, true, "", "", ""};
    for (const std::string& reason : result.incomplete_reasons) {
      c.message += (c.message.empty() ? "not a proof: " : "; ") + reason;
    }
    suite.cases.push_back(std::move(c));
  }
  return JUnitXml({suite}, "latticepol prove");
}

ExitCode RunProve(const ProveOptions& opts, const CommandContext& context) {
  std::string error;
  if (!opts.output.empty() && opts.output != "-" &&
      !CheckOutputTarget(opts.output, opts.force, &error)) {
    PrintError("prove", error);
    return ExitCode::kUsage;
  }
  ScenarioLoadResult loaded = LoadScenarioFile(opts.scenario);
  PrintIssues(loaded.issues, opts.scenario);
  if (!loaded.ok()) return ExitCode::kInvalidInput;
  std::optional<PolicyDocument> candidate;
  if (!opts.policy.empty()) {
    ParseOptions parse;
    parse.strict = !opts.lenient;
    candidate = LoadPolicy(opts.policy, parse);
    if (!candidate) return ExitCode::kInvalidInput;
  }
  auto result = ProveScenario(loaded.scenario, candidate ? &*candidate : nullptr);
  if (!result.ok()) {
    PrintError("prove", std::string(result.status().message()));
    return result.status().code() == absl::StatusCode::kInvalidArgument ? ExitCode::kInvalidInput
                                                                       : ExitCode::kFailure;
  }
  std::string text;
  if (opts.format == Format::kHtml) {
    HtmlReportContext html = MakeHtmlContext(
        context, {{"scenario", opts.scenario},
                  {"service policy", opts.policy.empty() ? loaded.scenario.service_policy_path : ""},
                  {"network policy", loaded.scenario.network_policy_path},
                  {"candidate", opts.policy}});
    html.subject = opts.policy.empty() ? opts.scenario : opts.scenario + " with " + opts.policy;
    text = ProofResultToHtml(*result, html);
  } else if (opts.format == Format::kJUnit) {
    text = ProofResultToJUnit(*result, SourceName(opts.scenario));
  } else {
    text = opts.format == Format::kJson ? ProofResultToJson(*result) + "\n"
                                        : ProofResultToText(*result);
  }
  // Written to stdout or published at --output (output_file.h).
  if (!WriteReport(opts.output, text, opts.force, &error)) {
    PrintError("prove", error);
    return ExitCode::kFailure;
  }
  return result->all_hold() ? ExitCode::kOk : ExitCode::kDeny;
}

}  // namespace

void RegisterProveCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<ProveOptions>();
  CLI::App* cmd = AddCommand(
      app, "prove", "Prove a scenario's expectations over every request its callers can send",
      "Check every expectation of a scenario (first match wins, as in simulate) over "
      "ALL requests its callers can send: a caller controls the method, path, query "
      "string and headers; the scenario fixes its VPC, account, principal, identity "
      "input, the service, the actions and ports of the mix, and the network. Each "
      "violated expectation gets a counterexample request, checked by both evaluators. "
      "--policy replaces the scenario's service policy (a candidate). Exit 0 all hold, "
      "3 an expectation is violated, 4 invalid input, 2 usage.",
      "  latticepol prove policies/shared-service/scenario.yaml --policy candidate.json");
  cmd->add_option("scenario", opts->scenario, "Scenario file (YAML or JSON)")->required();
  cmd->add_option("--policy", opts->policy, "Candidate service policy replacing the scenario's");
  AddLenientOption(cmd, &opts->lenient);
  AddFormatOption(cmd, &opts->format, /*allow_html=*/true, /*allow_junit=*/true);
  cmd->add_option("--output", opts->output, "Write the report to this file");
  cmd->add_flag("--force", opts->force, "Overwrite an existing --output file");
  cmd->callback([opts, &context] { context.Exit(RunProve(*opts, context)); });
}

}  // namespace latticepol::cli
