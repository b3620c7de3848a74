// File: tools/latticepol/validate_cmd.cc
// Stage: CLI. `latticepol validate`: parses a policy and prints its issues
// (file:line:col: pointer: message [code]).
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "latticepol/issue.h"
#include "latticepol/parse.h"

namespace latticepol::cli {
namespace {

struct ValidateOptions {
  std::string policy_path;
  bool lenient = false;
  bool identity = false;
  Format format = Format::kText;
};

ExitCode RunValidate(const ValidateOptions& opts) {
  std::string text;
  if (!ReadInput(opts.policy_path, &text, kMaxPolicyBytes)) return ExitCode::kInvalidInput;
  ParseOptions parse_options;
  parse_options.strict = !opts.lenient;
  parse_options.identity_policy = opts.identity;
  ParseResult result = ParsePolicy(text, parse_options);
  int errors = 0, warnings = 0;
  for (const Issue& issue : result.issues) {
    (issue.severity == Severity::kError ? errors : warnings) += 1;
  }
  const std::string name = SourceName(opts.policy_path);
  if (opts.format == Format::kJson) {
    std::cout << "{\"file\":" << JsonQuote(name)
              << ",\"valid\":" << (result.ok() ? "true" : "false")
              << ",\"errors\":" << errors << ",\"warnings\":" << warnings
              << ",\"issues\":" << IssuesToJson(result.issues) << "}\n";
  } else {
    std::string issues = FormatIssues(result.issues, name);
    std::cout << issues;
    if (!issues.empty() && issues.back() != '\n') std::cout << "\n";
    std::cout << name << ": " << (result.ok() ? "valid" : "invalid") << " (" << errors
              << (errors == 1 ? " error, " : " errors, ") << warnings
              << (warnings == 1 ? " warning)" : " warnings)") << "\n";
  }
  return result.ok() ? ExitCode::kOk : ExitCode::kInvalidInput;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = AddCommand(
      app, "validate", "Check that a policy is valid for Lattice and print its issues",
      "Check that a file is an auth policy Lattice would accept. Prints every "
      "issue as `file:line:col: pointer: severity: message [code]` (JSON syntax "
      "errors by line and column, semantic errors by the JSON pointer of the "
      "element) and a closing summary. Strict mode (the default) rejects what "
      "Lattice rejects; --lenient follows the DECISIONs of docs/semantics.md instead. Exit "
      "code 0 when the policy is valid (warnings allowed), 4 when it is invalid "
      "or unreadable, 2 for usage errors.",
      "  latticepol validate policies/shared-service/auth-policy.json");
  cmd->add_option("policy", opts->policy_path, "Policy JSON file (`-` for stdin)")
      ->required();
  cmd->add_flag("--identity", opts->identity,
                "Validate an identity-based policy (no Principal element)");
  AddLenientOption(cmd, &opts->lenient);
  AddFormatOption(cmd, &opts->format);
  cmd->callback([opts, &context] { context.Exit(RunValidate(*opts)); });
}

}  // namespace latticepol::cli
