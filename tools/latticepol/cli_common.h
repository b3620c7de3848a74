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

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "latticepol/input_file.h"
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

enum class Format { kText, kJson, kHtml, kJUnit };  // kHtml / kJUnit: only where AddFormatOption allows them

// State shared between main() and the subcommand callbacks.
struct CommandContext {
  int exit_code = static_cast<int>(ExitCode::kOk);
  std::vector<std::string> argv;  // the command line, for report headers
  void Exit(ExitCode code) { exit_code = static_cast<int>(code); }
};

// Adds subcommand `name` to `app`. `summary` is the one-line description
// listed by `latticepol --help`; `--help` on the subcommand also shows
// `paragraph` (word-wrapped) and `example` after the options.
CLI::App* AddCommand(CLI::App& app, const std::string& name,
                     const std::string& summary, const std::string& paragraph,
                     const std::string& example);

// Adds `--format text|json` (default text) to `command`; `html` too with
// `allow_html` (a self-contained page, latticepol/report_html.h) and `junit`
// with `allow_junit` (a JUnit XML report for CI, junit.h).
void AddFormatOption(CLI::App* command, Format* format, bool allow_html = false,
                     bool allow_junit = false);

// Adds `--lenient` (the DECISIONs of docs/semantics.md instead of rejecting what Lattice rejects).
void AddLenientOption(CLI::App* command, bool* lenient);

// Returns "<stdin>" for "-", else `path`.
std::string SourceName(std::string_view path);

// Size limits of the files the CLI reads whole (F5): policies, and every other
// input (case files, requests, topologies, stack outputs). Both are far above
// anything real (Lattice itself caps an auth policy at a few KiB); they only
// stop a mistaken path (a log, an image, /dev/zero) from exhausting memory.
inline constexpr size_t kMaxPolicyBytes = kMaxPolicyFileBytes;  // 1 MiB
inline constexpr size_t kMaxInputBytes = kMaxInputFileBytes;    // 64 MiB

// The limits as `latticepol --help` states them.
std::string InputLimitsHelp();

// Reads `path`, or stdin when it is "-", into `*out`. A path must name a
// regular file: directories, FIFOs and devices are refused (pipe them into
// stdin with `-` instead). Input over `max_bytes` is refused. On failure sets
// `*error` to a one-line message (e.g. "file `p.json` is larger than the
// 1 MiB limit") and returns false.
bool ReadFileWithLimit(const std::string& path, size_t max_bytes, std::string* out,
                       std::string* error);

// ReadFileWithLimit that prints "latticepol: <error>" to stderr on failure.
bool ReadInput(const std::string& path, std::string* out,
               size_t max_bytes = kMaxInputBytes);

// Prints issues (errors and warnings) to stderr, one per line.
void PrintIssues(const std::vector<Issue>& issues, std::string_view source_name);

// Reads (at most kMaxPolicyBytes) and parses a policy file, printing its
// issues to stderr. Returns nullopt (after printing) when the file is
// unreadable, too large or invalid. A strict parse whose only errors are
// `policy-has-newlines` (a pretty-printed file) is accepted with a warning
// that the API needs it minified, unless `as_submitted` (the exact bytes
// that will be sent) keeps the strict refusal.
std::optional<PolicyDocument> LoadPolicy(const std::string& path,
                                         const ParseOptions& options,
                                         bool as_submitted = false);

// Adds `--as-submitted` (refuse a pretty-printed policy, as the API does).
void AddAsSubmittedOption(CLI::App* command, bool* as_submitted);

// Prints "latticepol <command>: <message>" to stderr.
void PrintError(std::string_view command, std::string_view message);

// Quotes `text` as a JSON string.
std::string JsonQuote(std::string_view text);

}  // namespace latticepol::cli

#endif  // LATTICEPOL_TOOLS_LATTICEPOL_CLI_COMMON_H_
