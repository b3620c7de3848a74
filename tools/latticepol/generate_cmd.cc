// File: tools/latticepol/generate_cmd.cc
// Stage: CLI. `latticepol generate`: topology -> verified auth policy, Pulumi
// stack settings files, simulation scenario (and CloudFormation/Terraform
// snippets). Checks every target before writing any, refuses to overwrite
// without --force, and writes each file atomically (temp file + rename).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "output_file.h"
#include "latticepol/generate.h"
#include "latticepol/issue.h"
#include "latticepol/topology.h"
#include "yaml-cpp/yaml.h"

namespace latticepol::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kCommand[] = "generate";

struct GenerateCliOptions {
  std::string topology_path;
  std::string out_dir;
  std::string stack_outputs_path;
  std::string format = "pulumi";
  bool force = false;
  bool dry_run = false;
};

// The content of an existing output file, or nullopt when there is none (or
// it cannot be read: it then counts as different from the new content, so it
// is only replaced with --force).
std::optional<std::string> ReadIfExists(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::string content, error;
  if (!ReadFileWithLimit(path.string(), kMaxInputBytes, &content, &error)) {
    PrintError(kCommand, error);
    return std::nullopt;
  }
  return content;
}

// Publishes `content` at `path` (output_file.h), creating its folder. A new
// target is published without clobbering (a file that appeared meanwhile is
// refused); an overwrite (already allowed by --force) replaces by rename.
bool WriteAtomically(const fs::path& path, const std::string& content, bool overwrite,
                     std::string* error) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    *error = "cannot create `" + path.parent_path().string() + "`: " + ec.message();
    return false;
  }
  return PublishFile(path.string(), content, overwrite, error);
}

// The `config` entries of a stack file as key -> value text ("" when the file
// has none or is not YAML). Bare keys stay as written.
std::map<std::string, std::string> ConfigEntries(const std::string& text) {
  std::map<std::string, std::string> out;
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return out;
    const YAML::Node config = root["config"];
    if (!config.IsMap()) return out;
    for (const auto& kv : config) {
      if (!kv.first.IsScalar()) continue;
      if (kv.second.IsScalar()) {
        out[kv.first.Scalar()] = kv.second.Scalar();
      } else {
        YAML::Emitter e;
        e << YAML::Flow << kv.second;
        out[kv.first.Scalar()] = e.c_str();
      }
    }
  } catch (const YAML::Exception&) {
    out.clear();
  }
  return out;
}

// Prints each config key a stack-file overwrite changes, as old -> new.
void PrintConfigChanges(const std::string& old_text, const std::string& new_text) {
  const std::map<std::string, std::string> before = ConfigEntries(old_text);
  const std::map<std::string, std::string> after = ConfigEntries(new_text);
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    if (it == before.end()) {
      std::cout << "    " << key << ": (unset) -> " << JsonQuote(value) << "\n";
    } else if (it->second != value) {
      std::cout << "    " << key << ": " << JsonQuote(it->second) << " -> " << JsonQuote(value)
                << "\n";
    }
  }
  for (const auto& [key, value] : before) {
    if (after.count(key) == 0) {
      std::cout << "    " << key << ": " << JsonQuote(value) << " -> (removed)\n";
    }
  }
}

// One generated file and what writing it means.
struct Target {
  fs::path path;
  const std::string* content;
  enum { kNew, kUnchanged, kOverwrite } state;
};

// The generated files under `out_dir`, each compared with what is there;
// `refused` receives the files that would be overwritten without `force`.
std::vector<Target> PlanTargets(const std::map<std::string, std::string>& files,
                                const fs::path& out_dir, bool force,
                                std::vector<std::string>* refused) {
  std::vector<Target> targets;
  for (const auto& [relative, content] : files) {
    Target target{out_dir / relative, &content, Target::kNew};
    std::error_code ec;
    if (fs::exists(target.path, ec)) {
      std::optional<std::string> existing = ReadIfExists(target.path);
      if (existing.has_value() && *existing == content) {
        target.state = Target::kUnchanged;
      } else {
        target.state = Target::kOverwrite;
        if (!force) refused->push_back(target.path.string());
      }
    }
    targets.push_back(target);
  }
  return targets;
}

// Writes (or, in a dry run, lists) the targets, printing one line each and a
// stack file's key changes. False when a write failed (reported).
bool WriteTargets(const std::vector<Target>& targets, const GenerateCliOptions& opts) {
  for (const Target& target : targets) {
    const char* what = target.state == Target::kNew         ? "create"
                       : target.state == Target::kUnchanged ? "unchanged"
                                                            : "overwrite";
    // A stack file's content before it is replaced, for its key changes.
    std::optional<std::string> previous;
    if (target.state == Target::kOverwrite &&
        target.path.filename().string().rfind("Pulumi.", 0) == 0) {
      previous = ReadIfExists(target.path);
    }
    if (!opts.dry_run && target.state != Target::kUnchanged) {
      std::string error;
      if (!WriteAtomically(target.path, *target.content, target.state == Target::kOverwrite,
                           &error)) {
        PrintError(kCommand, error);
        return false;
      }
    }
    std::cout << (opts.dry_run ? "would " : "") << what << " " << target.path.string() << " ("
              << target.content->size() << " bytes)"
              << (target.state == Target::kOverwrite && !opts.force ? ", needs --force" : "")
              << "\n";
    if (previous) PrintConfigChanges(*previous, *target.content);
  }
  return true;
}

ExitCode RunGenerate(const GenerateCliOptions& opts) {
  OutputFormat format;
  if (!ParseOutputFormatName(opts.format, &format)) {
    PrintError(kCommand,
               "unknown --format `" + opts.format + "`; expected " + OutputFormatNamesText());
    return ExitCode::kUsage;
  }
  std::string text;
  if (!ReadInput(opts.topology_path, &text)) return ExitCode::kInvalidInput;
  const std::string source = SourceName(opts.topology_path);
  TopologyParseResult parsed = ParseTopology(text, source);
  PrintIssues(parsed.issues, source);
  if (!parsed.ok()) {
    PrintError(kCommand, "invalid topology `" + source + "`; nothing was written");
    return ExitCode::kInvalidInput;
  }

  GenerateOptions options;
  options.format = format;
  if (!opts.stack_outputs_path.empty()) {
    std::string outputs;
    if (!ReadInput(opts.stack_outputs_path, &outputs)) return ExitCode::kInvalidInput;
    options.stack_outputs_json = std::move(outputs);
    options.stack_outputs_source = SourceName(opts.stack_outputs_path);
  }
  const fs::path out_dir(opts.out_dir);
  // One run at a time per output folder: the existing files are read, merged
  // and replaced under the lock, so two runs never both write or mix files.
  // A folder that does not exist yet is created (and locked) only once there
  // is something to write.
  FolderLock lock;
  auto lock_out_dir = [&]() {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    std::string error;
    if (ec) error = "cannot create `" + out_dir.string() + "`: " + ec.message();
    if (!ec && lock.Acquire(out_dir.string(), &error)) return true;
    PrintError(kCommand, error);
    return false;
  };
  std::error_code exists_ec;
  const bool locked_early = !opts.dry_run && fs::is_directory(out_dir, exists_ec);
  if (locked_early && !lock_out_dir()) return ExitCode::kFailure;
  options.command_root = out_dir.string() == "." ? "" : (out_dir / "").string();
  options.read_existing = [&out_dir](const std::string& path) {
    return ReadIfExists(out_dir / path);
  };

  absl::StatusOr<GenerateResult> generated = Generate(parsed.topology, options);
  if (!generated.ok()) {
    PrintError(kCommand, std::string(generated.status().message()));
    return ExitCode::kFailure;
  }
  const GenerateResult& result = *generated;
  PrintIssues(result.issues, result.issues_source);
  if (!result.verification.ok()) {
    PrintError(kCommand,
               "the generated policy does not do what `" + source + "` says (" +
                   std::to_string(result.verification.failures.size()) +
                   " failing request classes); nothing was written");
    for (const std::string& failure : result.verification.failures) {
      std::cerr << "  " << failure << "\n";
    }
    return ExitCode::kFailure;
  }
  if (HasErrors(result.issues)) {
    PrintError(kCommand, "nothing was written");
    return ExitCode::kInvalidInput;
  }

  if (!opts.dry_run && !locked_early && !lock_out_dir()) return ExitCode::kFailure;
  // Check every target before writing any.
  std::vector<std::string> refused;
  const std::vector<Target> targets = PlanTargets(result.files, out_dir, opts.force, &refused);
  // A dry run shows what would happen, refusals included, and succeeds.
  if (!refused.empty() && !opts.dry_run) {
    for (const std::string& path : refused) {
      PrintError(kCommand, "refusing to overwrite `" + path + "` (use --force)");
    }
    PrintError(kCommand, "nothing was written");
    return ExitCode::kFailure;
  }

  std::cout << "verified " << result.verification.classes_checked
            << " request classes against " << source << " (reference and compiled evaluators "
            << "agree)\n";
  if (!WriteTargets(targets, opts)) return ExitCode::kFailure;
  if (!result.pending_commands.empty()) {
    std::cout << "\nThe consumer stacks still need the " << parsed.topology.shared.project
              << " stack outputs. After `pulumi up` in " << parsed.topology.shared.project
              << ", run:\n";
    for (const std::string& command : result.pending_commands) std::cout << "  " << command << "\n";
    std::cout << "or rerun with --stack-outputs (`pulumi stack output --json > outputs.json`).\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterGenerateCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<GenerateCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Generate the auth policy, Pulumi stack configs and a scenario from a topology");
  // The long description heads the command's own --help (footer).
  const std::string long_description =
      "Generate the shared service's auth policy, the Pulumi stack settings "
      "files of the shared service and of every consumer, and a scenario for "
      "`latticepol simulate`, all from one topology file. Before anything is "
      "written, the policy is verified against the topology with both "
      "evaluators: every allowed request class must be allowed and every "
      "neighbouring class (other consumers' values, other methods, unknown "
      "accounts, absent or repeated query keys, case changes, anonymous "
      "callers as the policy style says) denied. Existing files are never "
      "overwritten without --force; stack files are merged (other top-level "
      "keys, other config keys and `secure:` values are kept). Exit codes: 0 "
      "ok, 1 verification failed or overwrite refused, 2 usage, 4 invalid "
      "topology or stack outputs.";
  cmd->footer(long_description + "\n\n" +
              "Workflow (blue/green shared service):\n"
      "  1. latticepol generate topology.yaml --out infra\n"
      "       writes infra/auth-policy.json, infra/common-service/Pulumi.dev.yaml,\n"
      "       infra/blue-service/... and infra/green-service/... (without the\n"
      "       network ARN and service FQDN, which do not exist yet) and\n"
      "       infra/scenario.yaml, and prints the `pulumi config set` commands\n"
      "       still needed\n"
      "  2. deploy common-service:  (cd infra/common-service && pulumi up --stack dev)\n"
      "  3. save its outputs:  (cd infra/common-service && pulumi stack output --json) > outputs.json\n"
      "  4. latticepol generate topology.yaml --out infra --stack-outputs outputs.json --force\n"
      "       fills in <project>:lattice-network-arn and <project>:shared-service-fqdn\n"
      "  5. deploy blue and green:  (cd infra/blue-service && pulumi up --stack dev), same for green\n"
      "  6. optionally: latticepol simulate infra/scenario.yaml\n"
      "Formats: pulumi (default) writes the stack files; cloudformation writes\n"
      "auth-policy.template.json (AWS::VpcLattice::AuthPolicy); terraform writes\n"
      "auth-policy.tf (aws_vpclattice_auth_policy with jsonencode).\n"
      "Example:\n"
      "  latticepol generate policies/shared-service/topology.yaml --out out \\\n"
      "      --stack-outputs policies/shared-service/stack-outputs.example.json --dry-run");
  cmd->add_option("topology", opts->topology_path, "Topology file, YAML or JSON (`-` for stdin)")
      ->required();
  cmd->add_option("--out", opts->out_dir, "Output directory (created if missing)")->required();
  cmd->add_option("--stack-outputs", opts->stack_outputs_path,
                  "JSON from `pulumi stack output --json` of the shared-service stack");
  cmd->add_option("--format", opts->format, "pulumi (default), cloudformation or terraform")
      ->check(CLI::IsMember({"pulumi", "cloudformation", "terraform"}));
  cmd->add_flag("--force", opts->force, "Overwrite existing files (stack files are merged)");
  cmd->add_flag("--dry-run", opts->dry_run,
                "Verify and show what would be written, but write nothing");
  cmd->callback([opts, &context] { context.Exit(RunGenerate(*opts)); });
}

}  // namespace latticepol::cli
