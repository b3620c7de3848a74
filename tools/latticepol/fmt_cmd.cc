// File: tools/latticepol/fmt_cmd.cc
// Stage: CLI. `latticepol fmt`: canonical formatting of policy files
// (latticepol/policy_format.h). Prints the formatted policy, or with --check
// lists the files that are not formatted, or with --write replaces them
// atomically (temporary file in the same directory, then rename).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "output_file.h"
#include "latticepol/policy_format.h"

namespace latticepol::cli {
namespace {

struct FmtOptions {
  std::vector<std::string> paths;
  bool minify = false;
  bool pretty = false;
  bool check = false;
  bool write = false;
};

ExitCode RunFmt(const FmtOptions& opts) {
  if (opts.minify && opts.pretty) {
    PrintError("fmt", "--minify and --pretty are exclusive");
    return ExitCode::kUsage;
  }
  if (opts.check && opts.write) {
    PrintError("fmt", "--check and --write are exclusive");
    return ExitCode::kUsage;
  }
  if (!opts.check && !opts.write && opts.paths.size() > 1) {
    PrintError("fmt", "several files need --check or --write");
    return ExitCode::kUsage;
  }
  const PolicyLayout layout = opts.pretty ? PolicyLayout::kPretty : PolicyLayout::kMinified;
  bool invalid = false, unformatted = false;
  for (const std::string& path : opts.paths) {
    if (opts.write && path == "-") {
      PrintError("fmt", "--write needs a file, not stdin");
      return ExitCode::kUsage;
    }
    std::string text;
    if (!ReadInput(path, &text, kMaxPolicyBytes)) {
      invalid = true;
      continue;
    }
    FormatPolicyResult formatted = FormatPolicyText(text, layout);
    if (!formatted.ok()) {
      PrintIssues(formatted.issues, SourceName(path));
      invalid = true;
      continue;
    }
    if (opts.check) {
      if (formatted.text != text) {
        std::cout << SourceName(path) << ": not formatted ("
                  << (opts.pretty ? "--pretty" : "--minify") << ")\n";
        unformatted = true;
      }
    } else if (opts.write) {
      // Published like every CLI output (output_file.h): atomically, through
      // a symbolic link, keeping the file's permissions.
      std::string error;
      if (formatted.text != text && !PublishFile(path, formatted.text, /*force=*/true, &error)) {
        PrintError("fmt", error);
        invalid = true;
      }
    } else {
      std::cout << formatted.text;
    }
  }
  if (invalid) return ExitCode::kInvalidInput;
  return unformatted ? ExitCode::kFailure : ExitCode::kOk;
}

}  // namespace

void RegisterFmtCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<FmtOptions>();
  CLI::App* cmd = AddCommand(
      app, "fmt", "Format policies canonically (--minify for the API, --pretty for review)",
      "Format auth policies canonically: stable element order (Version, Id, "
      "Statement; Sid, Effect, Principal, Action, Resource, Condition), values "
      "kept exactly. --minify (the default) writes one line without any newline, "
      "which is what the Lattice API accepts; --pretty indents for review. "
      "Prints the result for one file; --check lists the files that differ "
      "(exit 1), --write replaces them in place (atomically). Only JSON syntax "
      "is checked: use `latticepol validate` to lint. Exit code 0 ok, 1 --check "
      "found unformatted files, 4 unreadable or not JSON, 2 usage errors.",
      "  latticepol fmt --pretty policies/shared-service/auth-policy.json\n"
      "  latticepol fmt --check policies/*/*.json\n"
      "  latticepol fmt --minify --write auth-policy.json");
  cmd->add_option("policies", opts->paths, "Policy JSON files (`-` for stdin)")->required();
  cmd->add_flag("--minify", opts->minify, "One line, no whitespace (default)");
  cmd->add_flag("--pretty", opts->pretty, "Indented for review");
  cmd->add_flag("--check", opts->check, "List files that are not formatted; exit 1 if any");
  cmd->add_flag("--write", opts->write, "Rewrite the files in place (atomic)");
  cmd->callback([opts, &context] { context.Exit(RunFmt(*opts)); });
}

}  // namespace latticepol::cli
