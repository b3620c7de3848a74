// File: tools/latticepol/check_cmd.cc
// Stage: CLI. `latticepol check`: runs a JSON Lines case file against a policy
// and reports failing cases, then `N passed, M failed`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The case file is read in pieces of about this many bytes, cut at line
// boundaries: memory is bounded by the piece (plus the results kept for the
// report: failing cases in text mode, every case with --verbose or JSON), not
// by the file. A line may be at most CaseParseOptions::max_line_bytes long.
constexpr size_t kPieceBytes = size_t{4} << 20;

// Opens the case file (or stdin for "-"). Regular files, pipes and devices
// are read alike (/dev/null is an empty case file); a folder is refused.
int OpenCases(const std::string& path, std::string* error) {
  if (path == "-") return STDIN_FILENO;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot read `" + path + "`: " + std::strerror(errno);
    return -1;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    *error = "cannot read `" + path + "`: it is a directory";
    return -1;
  }
  return fd;
}

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
  std::string error;
  const int fd = OpenCases(opts.cases_path, &error);
  if (fd < 0) {
    std::cerr << "latticepol: " << error << "\n";
    return ExitCode::kInvalidInput;
  }
  CaseParseOptions case_options;
  case_options.policy_options = parse_options;
  CaseStreamParser parser(case_options);
  std::vector<Issue> parse_issues;
  CheckReport report;
  bool invalid = false;
  const bool keep_all = opts.verbose || opts.format != "text";
  // Parses one piece and, while the file is valid so far, runs its cases.
  auto piece = [&](std::string_view text) {
    CaseFile file = parser.Parse(text);
    for (Issue& issue : file.issues) parse_issues.push_back(std::move(issue));
    invalid |= !file.ok();
    if (invalid) return;  // keep parsing, to report every bad line
    CheckReport part = RunCases(file.cases, policy ? &*policy : nullptr);
    report.passed += part.passed;
    report.failed += part.failed;
    report.skipped += part.skipped;
    for (Issue& issue : part.issues) report.issues.push_back(std::move(issue));
    for (CaseResult& r : part.results) {
      if (keep_all || !r.passed || r.skipped) report.results.push_back(std::move(r));
    }
  };
  std::string buffer;
  std::vector<char> chunk(size_t{1} << 16);
  bool read_error = false;
  while (true) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read `" + SourceName(opts.cases_path) + "`: " + std::strerror(errno);
      read_error = true;
      break;
    }
    if (n == 0) break;
    buffer.append(chunk.data(), static_cast<size_t>(n));
    if (buffer.size() < kPieceBytes) continue;
    const size_t cut = buffer.rfind('\n');
    if (cut != std::string::npos) {
      piece(std::string_view(buffer).substr(0, cut + 1));
      buffer.erase(0, cut + 1);
    } else if (buffer.size() > case_options.max_line_bytes) {
      // One line over the limit: report it and stop reading (the file is
      // invalid; the rest of the line may never end, e.g. /dev/zero).
      piece(buffer);
      buffer.clear();
      invalid = true;
      break;
    }
  }
  if (fd != STDIN_FILENO) ::close(fd);
  if (read_error) {
    std::cerr << "latticepol: " << error << "\n";
    return ExitCode::kInvalidInput;
  }
  if (!buffer.empty() || parse_issues.empty()) piece(buffer);
  PrintIssues(parse_issues, SourceName(opts.cases_path));
  if (invalid) return ExitCode::kInvalidInput;
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
