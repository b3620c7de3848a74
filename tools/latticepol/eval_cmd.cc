// File: tools/latticepol/eval_cmd.cc
// Stage: CLI. `latticepol eval`: decides one request against a policy (or the
// Lattice chain) with the compiled path, explains it with the reference path
// and checks that the two agree.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "latticepol/analysis.h"
#include "latticepol/authorize.h"
#include "latticepol/cases.h"
#include "latticepol/decision.h"
#include "latticepol/request_json.h"

namespace latticepol::cli {
namespace {

struct EvalOptions {
  std::string policy_path;
  std::string request_path;
  std::string network_policy_path;
  std::string identity_policy_path;
  std::string network_auth_type;
  std::string service_auth_type;
  std::string identity_decision;
  bool lenient = false;
  bool as_submitted = false;
  Format format = Format::kText;
};

// The chain's auth types and identity decision from the options (already
// validated by the parser's checks).
ChainConfig ChainConfigOf(const EvalOptions& opts) {
  ChainConfig config;
  config.network_auth_type = opts.network_policy_path.empty() ? AuthType::kNone : AuthType::kAwsIam;
  if (!opts.network_auth_type.empty()) {
    ParseAuthTypeName(opts.network_auth_type, &config.network_auth_type);
  }
  config.service_auth_type = AuthType::kAwsIam;
  if (!opts.service_auth_type.empty()) {
    ParseAuthTypeName(opts.service_auth_type, &config.service_auth_type);
  }
  if (!opts.identity_decision.empty()) {
    DecisionKind kind;
    ParseDecisionName(opts.identity_decision, &kind);
    config.identity_decision = kind;
  }
  return config;
}

void PrintOutcome(Format format, const DecideOutcome& outcome,
                  const std::optional<WouldPassResult>& would_pass) {
  if (format == Format::kJson) {
    std::string json = DecideOutcomeToJson(outcome);
    if (would_pass && !json.empty() && json.back() == '}') {
      json.pop_back();
      json += ",\"wouldPass\":" + WouldPassToJson(*would_pass) + "}";
    }
    std::cout << json << "\n";
  } else {
    std::cout << "decision: " << DecisionName(outcome.decision) << "\n";
    std::cout << "layer: " << LayerName(outcome.layer) << "\n";
    std::cout << "uncertain: ";
    if (outcome.uncertain.empty()) {
      std::cout << "none";
    } else {
      for (size_t i = 0; i < outcome.uncertain.size(); ++i) {
        std::cout << (i ? ", " : "") << outcome.uncertain[i];
      }
    }
    std::cout << "\n";
    if (!outcome.explanation.empty()) {
      std::cout << "explanation:\n";
      size_t start = 0;
      const std::string& text = outcome.explanation;
      while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::cout << "  " << text.substr(start, end - start) << "\n";
        start = end + 1;
      }
    }
    if (would_pass) std::cout << WouldPassToText(*would_pass) << "\n";
  }
}

ExitCode RunEval(const EvalOptions& opts) {
  const bool chain = !opts.network_policy_path.empty() ||
                     !opts.identity_policy_path.empty() ||
                     !opts.network_auth_type.empty() ||
                     !opts.service_auth_type.empty() || !opts.identity_decision.empty();
  ChainPolicies input;
  if (chain) input.config = ChainConfigOf(opts);
  // In chain mode a missing --policy under service AWS_IAM means "no policy
  // attached" (every request denied); the single-policy mode needs one.
  if (!chain && opts.policy_path.empty()) {
    PrintError("eval", "`--policy` is required unless a chain option is given");
    return ExitCode::kUsage;
  }
  int stdin_users = (opts.policy_path == "-") + (opts.request_path == "-") +
                    (opts.network_policy_path == "-") + (opts.identity_policy_path == "-");
  if (stdin_users > 1) {
    PrintError("eval", "only one input can be read from stdin (`-`)");
    return ExitCode::kUsage;
  }

  ParseOptions parse_options;
  parse_options.strict = !opts.lenient;
  std::optional<PolicyDocument> policy, network_policy, identity_policy;
  bool inputs_ok = true;
  if (!opts.policy_path.empty()) {
    policy = LoadPolicy(opts.policy_path, parse_options, opts.as_submitted);
    inputs_ok &= policy.has_value();
  }
  if (!opts.network_policy_path.empty()) {
    network_policy = LoadPolicy(opts.network_policy_path, parse_options, opts.as_submitted);
    inputs_ok &= network_policy.has_value();
  }
  if (!opts.identity_policy_path.empty()) {
    ParseOptions identity_options = parse_options;
    identity_options.identity_policy = true;
    identity_policy = LoadPolicy(opts.identity_policy_path, identity_options, opts.as_submitted);
    inputs_ok &= identity_policy.has_value();
  }
  std::string request_text;
  RequestParseResult request;
  if (!ReadInput(opts.request_path, &request_text)) {
    inputs_ok = false;
  } else {
    request = ParseRequestJson(request_text);
    PrintIssues(request.issues, SourceName(opts.request_path));
    inputs_ok &= request.ok();
  }
  if (!inputs_ok) return ExitCode::kInvalidInput;

  input.service_policy = policy ? &*policy : nullptr;
  input.network_policy = network_policy ? &*network_policy : nullptr;
  input.identity_policy = identity_policy ? &*identity_policy : nullptr;
  RequestView view = request.request.view();
  auto outcome = chain ? DecideRequest(input, view) : DecideRequest(*policy, view);
  if (!outcome.ok()) {
    PrintError("eval", std::string(outcome.status().message()));
    return ExitCode::kFailure;
  }
  if (!outcome->internal_error.empty()) {
    PrintError("eval", "internal error: the compiled and reference evaluators disagree: " +
                           outcome->internal_error);
    return ExitCode::kFailure;
  }

  // A denied request: the smallest change of what its caller controls that
  // passes, from the exact analysis (checked by both evaluators).
  std::optional<WouldPassResult> would_pass;
  if (outcome->decision != DecisionKind::kAllow) {
    AnalysisOptions analysis;
    if (chain) analysis.config = input.config;
    analysis.network_policy = input.network_policy;
    analysis.identity_policy = input.identity_policy;
    auto hint = WouldPassWith(input.service_policy, request.request, analysis);
    if (!hint.ok()) {
      PrintError("eval", std::string(hint.status().message()));
      return ExitCode::kFailure;
    }
    would_pass = std::move(*hint);
  }

  PrintOutcome(opts.format, *outcome, would_pass);
  return outcome->decision == DecisionKind::kAllow ? ExitCode::kOk : ExitCode::kDeny;
}

}  // namespace

void RegisterEvalCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<EvalOptions>();
  CLI::App* cmd = AddCommand(
      app, "eval", "Decide one request against a policy or the Lattice chain and explain why",
      "Decide one request against an auth policy and explain the decision. With "
      "only --policy the policy is evaluated alone (docs/semantics.md §4.1); any of "
      "--network-policy, --network-auth-type, --service-auth-type, "
      "--identity-decision or --identity-policy evaluates the Lattice chain "
      "(docs/semantics.md §4.2: network auth type defaults to AWS_IAM when a network policy is "
      "given, else NONE; service auth type defaults to AWS_IAM; a signed caller "
      "with no identity input is ASSUMED_ALLOW and marked uncertain E2). Prints "
      "the decision, the deciding layer, the DECISION ids that made it uncertain "
      "(each explained in docs/semantics.md §8) "
      "and the explanation. Exit code 0 for ALLOW, 3 for EXPLICIT_DENY or "
      "IMPLICIT_DENY, 4 for invalid input, 2 for usage errors.",
      "  echo '{\"query\": \"q=blue\", \"sourceVpcOwnerAccount\": \"111111111111\"}' |\n"
      "    latticepol eval --policy policies/shared-service/auth-policy.json --request -");
  cmd->add_option("--policy", opts->policy_path,
                  "Service auth policy JSON file (`-` for stdin)");
  cmd->add_option("--request", opts->request_path,
                  "Canonical request JSON file (`-` for stdin)")
      ->required();
  cmd->add_option("--network-policy", opts->network_policy_path,
                  "Service-network auth policy JSON file");
  cmd->add_option("--identity-policy", opts->identity_policy_path,
                  "Identity-based policy of the signed caller (no Principal element)");
  cmd->add_option("--network-auth-type", opts->network_auth_type,
                  "Auth type of the service network")
      ->check(CLI::IsMember({"AWS_IAM", "NONE"}));
  cmd->add_option("--service-auth-type", opts->service_auth_type,
                  "Auth type of the service")
      ->check(CLI::IsMember({"AWS_IAM", "NONE"}));
  cmd->add_option("--identity-decision", opts->identity_decision,
                  "Precomputed identity-policy decision of the signed caller")
      ->check(CLI::IsMember({"ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY"}));
  AddLenientOption(cmd, &opts->lenient);
  AddAsSubmittedOption(cmd, &opts->as_submitted);
  AddFormatOption(cmd, &opts->format);
  cmd->callback([opts, &context] { context.Exit(RunEval(*opts)); });
}

}  // namespace latticepol::cli
