// File: tools/latticepol/check_cmd.cc
// Stage: CLI. `latticepol check`: runs a JSON Lines case file against a policy
// and reports failing cases, then `N passed, M failed`.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "junit.h"
#include "latticepol/cases.h"

namespace latticepol::cli {
namespace {

struct CheckOptions {
  std::string cases_path;
  std::string policy_path;
  bool lenient = false;
  bool verbose = false;
  bool as_submitted = false;
  std::string format = "text";
};

// One JUnit test case per case of the file (failed, skipped or passed).
std::string CheckReportToJUnit(const CheckReport& report, const std::string& cases_name) {
  JUnitSuite suite;
  suite.name = cases_name;
  for (const CaseResult& r : report.results) {
    JUnitCase c;
    c.name = r.name;
    c.classname = "latticepol.check";
    c.skipped = r.skipped;
    c.failed = !r.skipped && !r.passed;
    if (c.skipped) c.message = r.skip_reason;
    if (c.failed) {
      c.type = "decision";
      c.message = "line " + std::to_string(r.line) + ": expected " +
                  std::string(DecisionName(r.expected)) + ", got " +
                  std::string(DecisionName(r.got));
      c.text = r.explanation;
    }
    suite.cases.push_back(std::move(c));
  }
  return JUnitXml({suite}, "latticepol check");
}

ExitCode RunCheck(const CheckOptions& opts) {
  if (opts.cases_path == "-" && opts.policy_path == "-") {
    PrintError("check", "only one input can be read from stdin (`-`)");
    return ExitCode::kUsage;
  }
  ParseOptions parse_options;
  parse_options.strict = !opts.lenient;

  std::optional<PolicyDocument> policy;
  if (!opts.policy_path.empty()) {
    policy = LoadPolicy(opts.policy_path, parse_options, opts.as_submitted);
    if (!policy) return ExitCode::kInvalidInput;
  }
  std::string text;
  if (!ReadInput(opts.cases_path, &text)) return ExitCode::kInvalidInput;
  CaseParseOptions case_options;
  case_options.policy_options = parse_options;
  CaseFile file = ParseCases(text, case_options);
  PrintIssues(file.issues, SourceName(opts.cases_path));
  if (!file.ok()) return ExitCode::kInvalidInput;

  CheckReport report = RunCases(file.cases, policy ? &*policy : nullptr);
  PrintIssues(report.issues, SourceName(opts.cases_path));
  if (HasErrors(report.issues)) return ExitCode::kInvalidInput;

  if (opts.format == "json") {
    std::cout << CheckReportToJson(report) << "\n";
  } else if (opts.format == "junit") {
    std::cout << CheckReportToJUnit(report, SourceName(opts.cases_path));
  } else {
    std::cout << CheckReportToText(report, opts.verbose);
  }
  return report.failed == 0 ? ExitCode::kOk : ExitCode::kFailure;
}

}  // namespace

void RegisterCheckCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = AddCommand(
      app, "check", "Run a JSON Lines case file against a policy: `N passed, M failed`",
      "Run test cases against an auth policy. The case file is JSON Lines, one "
      "case per line: {\"name\", \"request\": {canonical request}, \"expect\": "
      "ALLOW|EXPLICIT_DENY|IMPLICIT_DENY} with optional inline \"policy\" (overrides "
      "--policy), \"networkPolicy\", \"networkAuthType\", \"serviceAuthType\", "
      "\"identityDecision\" and \"skip\". Each case is decided by the compiled "
      "evaluator and explained by the reference evaluator. Prints every failing "
      "case (name, expected vs got, explanation) and the closing line `N passed, "
      "M failed` (`, K skipped` when cases were skipped). Exit code 0 when every "
      "case passed, 1 when any failed, 4 for an invalid policy or case file (the "
      "bad line is named), 2 for usage errors.",
      "  latticepol check --cases policies/shared-service/cases.jsonl \\\n"
      "    --policy policies/shared-service/auth-policy.json");
  cmd->add_option("--cases", opts->cases_path, "Case file, JSON Lines (`-` for stdin)")
      ->required();
  cmd->add_option("--policy", opts->policy_path,
                  "Default auth policy for cases without an inline policy");
  cmd->add_flag("--verbose,-v", opts->verbose, "List passing cases too");
  AddLenientOption(cmd, &opts->lenient);
  AddAsSubmittedOption(cmd, &opts->as_submitted);
  cmd->add_option("--format", opts->format, "Output format: text (default), json or junit")
      ->check(CLI::IsMember({"text", "json", "junit"}, CLI::ignore_case))
      ->option_text("text|json|junit");
  cmd->callback([opts, &context] { context.Exit(RunCheck(*opts)); });
}

}  // namespace latticepol::cli
