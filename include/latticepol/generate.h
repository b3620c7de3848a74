// File: latticepol/generate.h
// Stage: generate. Topology -> deployable artefacts (docs/semantics.md §6): the auth
// policy (minified, single line, <= 10,000 characters, byte-for-byte
// deterministic), one Pulumi stack settings file per project, a scenario for
// `latticepol simulate`, and optionally a CloudFormation or Terraform snippet.
//
// Nothing is produced unless the policy is verified first: every request
// class the topology allows must evaluate to ALLOW and every neighbouring
// class (other consumers' values, other methods, unknown accounts, absent or
// repeated query keys, case changes, anonymous callers as the style says) to a
// deny, with both the reference evaluator and the compiled matcher agreeing.
//
// The library does no file I/O: existing files are read through a callback
// (for merging stack files) and the result is a map path -> content that the
// caller writes.
//
// Example:
//   latticepol::GenerateOptions options;
//   options.stack_outputs_json = outputs_text;  // `pulumi stack output --json`
//   auto r = latticepol::Generate(topology, options);
//   if (!r.ok()) return r.status();            // misuse or internal failure
//   if (!r->ok()) { print r->issues and r->verification.failures }
//   for (const auto& [path, content] : r->files) write(path, content);
#ifndef LATTICEPOL_GENERATE_H_
#define LATTICEPOL_GENERATE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/issue.h"
#include "latticepol/policy.h"
#include "latticepol/topology.h"

namespace latticepol {

enum class OutputFormat : uint8_t { kPulumi, kCloudFormation, kTerraform };

// "pulumi", "cloudformation", "terraform".
std::string_view OutputFormatName(OutputFormat format);
bool ParseOutputFormatName(std::string_view name, OutputFormat* format);
// Every format name, for messages: "pulumi, cloudformation or terraform".
std::string OutputFormatNamesText();

// DECISION G1: the generator never emits more than this many characters.
inline constexpr size_t kMaxGeneratedPolicySize = 10000;

struct GenerateOptions {
  // The JSON that `pulumi stack output --json` prints for the shared-service
  // stack: `<consumer>-service-network-arn` per consumer and
  // `shared-service-fqdn`. Without it the consumer stack files get every other
  // key and `pending_commands` lists the `pulumi config set` commands still
  // needed.
  std::optional<std::string> stack_outputs_json;
  // Names the outputs file in issues.
  std::string stack_outputs_source = "stack-outputs.json";
  OutputFormat format = OutputFormat::kPulumi;
  // Prefix of the `--cwd` directories in `pending_commands`, e.g. "out/"
  // (empty: relative to the output directory).
  std::string command_root;
  // Returns the current content of an output file (path relative to the output
  // directory, `/`-separated), or nullopt if it does not exist. Used to merge
  // Pulumi stack files: other top-level keys, other config keys and every
  // `secure:` value are kept. May be empty (no existing files).
  std::function<std::optional<std::string>(const std::string& path)> read_existing;
};

// The outcome of verifying a policy against a topology's intent.
struct VerificationResult {
  size_t classes_checked = 0;
  // One line per failing request class, e.g.
  // "consumer `blue`: GET ?q=green from 111111111111 (signed): expected deny,
  //  reference ALLOW, compiled ALLOW".
  std::vector<std::string> failures;
  bool ok() const { return failures.empty(); }
};

struct GenerateResult {
  // Relative path (`/`-separated) -> file content, e.g. "auth-policy.json",
  // "common-service/Pulumi.dev.yaml", "scenario.yaml". Empty when !ok().
  std::map<std::string, std::string> files;
  // Shell commands still needed (stack outputs missing), each a complete
  // `pulumi config set --stack <stack> --cwd <dir> <key> <value>` line, with
  // `--cwd` relative to the output directory.
  std::vector<std::string> pending_commands;
  // Problems in the stack outputs or an existing stack file.
  std::vector<Issue> issues;
  std::string issues_source;  // the file the issues are about
  VerificationResult verification;
  // The policy text (also in files["auth-policy.json"] when ok()).
  std::string policy_json;

  bool ok() const { return !HasErrors(issues) && verification.ok(); }
};

// Builds the auth policy document for `topology` (statement order: consumers
// in file order, then the style's Deny). The topology must be valid.
PolicyDocument BuildPolicy(const Topology& topology);

// Serialises a generated policy: minified, single line, fixed element order
// (Version, Statement; Sid, Effect, Principal, Action, Resource, Condition),
// single values as strings. Deterministic.
std::string GeneratedPolicyJson(const Topology& topology);

// Verifies `policy` against the topology's intent with both evaluators
// (EvaluateReference and Compile + Evaluate). A non-OK status only for
// failures of the machinery (e.g. Compile errors).
absl::StatusOr<VerificationResult> VerifyPolicy(const Topology& topology,
                                                const PolicyDocument& policy);

// Generates every artefact. Non-OK status: internal failure (a generated
// policy the strict parser rejects, one over kMaxGeneratedPolicySize, a
// compile error). User-input problems and verification failures are reported
// in the result (`ok()` false, `files` empty).
absl::StatusOr<GenerateResult> Generate(const Topology& topology,
                                        const GenerateOptions& options = {});

}  // namespace latticepol

#endif  // LATTICEPOL_GENERATE_H_
