// File: tools/latticepol/cli_common.h
// Stage: CLI. Helpers shared by the `latticepol` subcommands: exit codes,
// output formats, reading files or stdin, loading policies with issue
// printing, and the registration signature every subcommand implements.
//
// To add a subcommand `foo`: write tools/latticepol/foo_cmd.cc defining
//   void RegisterFooCommand(CLI::App& app, CommandContext& context);
// in namespace latticepol::cli, and add `X(Foo)` to LATTICEPOL_CLI_COMMANDS in
// main.cc. The command's callback stores its exit code in `context`.
#ifndef LATTICEPOL_TOOLS_LATTICEPOL_CLI_COMMON_H_
#define LATTICEPOL_TOOLS_LATTICEPOL_CLI_COMMON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "latticepol/issue.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"

namespace latticepol::cli {

// Process exit codes, shared by every subcommand (documented in README.md).
enum class ExitCode : int {
  kOk = 0,            // success; `eval`: ALLOW
  kFailure = 1,       // `check`: a case failed; any internal error
  kUsage = 2,         // bad command line
  kDeny = 3,          // `eval`: EXPLICIT_DENY or IMPLICIT_DENY
  kInvalidInput = 4,  // unreadable or invalid policy, request or case file
};

enum class Format { kText, kJson };

// State shared between main() and the subcommand callbacks.
struct CommandContext {
  int exit_code = static_cast<int>(ExitCode::kOk);
  void Exit(ExitCode code) { exit_code = static_cast<int>(code); }
};

// Adds subcommand `name` to `app`. `summary` is the one-line description
// listed by `latticepol --help`; `--help` on the subcommand also shows
// `paragraph` (word-wrapped) and `example` after the options.
CLI::App* AddCommand(CLI::App& app, const std::string& name,
                     const std::string& summary, const std::string& paragraph,
                     const std::string& example);

// Adds `--format text|json` (default text) to `command`.
void AddFormatOption(CLI::App* command, Format* format);

// Adds `--lenient` (spec DECISIONs instead of rejecting what Lattice rejects).
void AddLenientOption(CLI::App* command, bool* lenient);

// Returns "<stdin>" for "-", else `path`.
std::string SourceName(std::string_view path);

// Reads `path`, or stdin when it is "-". On failure prints
// "latticepol: cannot read `path`: <reason>" to stderr and returns false.
bool ReadInput(const std::string& path, std::string* out);

// Prints issues (errors and warnings) to stderr, one per line.
void PrintIssues(const std::vector<Issue>& issues, std::string_view source_name);

// Reads and parses a policy file, printing its issues to stderr. Returns
// nullopt (after printing) when the file is unreadable or invalid.
std::optional<PolicyDocument> LoadPolicy(const std::string& path,
                                         const ParseOptions& options);

// Prints "latticepol <command>: <message>" to stderr.
void PrintError(std::string_view command, std::string_view message);

// Quotes `text` as a JSON string.
std::string JsonQuote(std::string_view text);

}  // namespace latticepol::cli

#endif  // LATTICEPOL_TOOLS_LATTICEPOL_CLI_COMMON_H_
