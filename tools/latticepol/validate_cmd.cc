// File: tools/latticepol/validate_cmd.cc
// Stage: CLI. `latticepol validate`: lints policy files (many, or globs) and
// prints their findings as text, JSON, SARIF 2.1.0 or JUnit XML; `--fail-on`
// picks the severity that fails the run.
#include <glob.h>
#include <sys/stat.h>

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "junit.h"
#include "latticepol/issue.h"
#include "latticepol/lint.h"
#include "latticepol/parse.h"

#ifndef LATTICEPOL_VERSION
#define LATTICEPOL_VERSION "unknown"
#endif

namespace latticepol::cli {
namespace {

enum class LintFormat { kText, kJson, kSarif, kJUnit };

struct ValidateOptions {
  std::vector<std::string> paths;
  bool lenient = false;
  bool identity = false;
  LintFormat format = LintFormat::kText;
  Severity fail_on = Severity::kError;
};

struct FileResult {
  LintedFile linted;
  bool readable = true;
  bool checked = false;
};

// Expands arguments with glob characters that name no existing file (quoted
// globs in CI scripts); other arguments are kept as given. Returns false
// (after printing) when a pattern matches nothing.
bool ExpandPaths(const std::vector<std::string>& args, std::vector<std::string>* out) {
  for (const std::string& arg : args) {
    struct stat st;
    if (arg == "-" || arg.find_first_of("*?[") == std::string::npos ||
        ::stat(arg.c_str(), &st) == 0) {
      out->push_back(arg);
      continue;
    }
    glob_t g{};
    int rc = ::glob(arg.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out->push_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    if (rc != 0) {
      PrintError("validate", "no file matches `" + arg + "`");
      return false;
    }
  }
  return true;
}

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int Count(const std::vector<LintFinding>& findings, Severity s) {
  int n = 0;
  for (const LintFinding& f : findings) n += f.issue.severity == s ? 1 : 0;
  return n;
}

std::string FileJson(const FileResult& r) {
  const std::vector<LintFinding>& f = r.linted.findings;
  return "{\"file\":" + JsonQuote(r.linted.name) +
         ",\"valid\":" + (r.readable && Count(f, Severity::kError) == 0 ? "true" : "false") +
         ",\"errors\":" + std::to_string(Count(f, Severity::kError)) +
         ",\"security\":" + std::to_string(Count(f, Severity::kSecurity)) +
         ",\"warnings\":" + std::to_string(Count(f, Severity::kWarning)) +
         ",\"suggestions\":" + std::to_string(Count(f, Severity::kSuggestion)) +
         ",\"issues\":" + LintFindingsToJson(f) + "}";
}

void PrintText(const FileResult& r) {
  const std::vector<LintFinding>& f = r.linted.findings;
  for (const LintFinding& finding : f) {
    std::cout << FormatIssue(finding.issue, r.linted.name) << "\n";
  }
  if (!r.readable) return;
  int errors = Count(f, Severity::kError);
  std::cout << r.linted.name << ": " << (errors == 0 ? "valid" : "invalid") << " ("
            << Plural(errors, "error", "errors") << ", "
            << Plural(Count(f, Severity::kSecurity), "security finding", "security findings")
            << ", " << Plural(Count(f, Severity::kWarning), "warning", "warnings") << ", "
            << Plural(Count(f, Severity::kSuggestion), "suggestion", "suggestions") << ")\n";
}

std::string JUnit(const std::vector<FileResult>& results, Severity fail_on) {
  std::vector<JUnitSuite> suites;
  for (const FileResult& r : results) {
    JUnitSuite suite;
    suite.name = r.linted.name;
    for (const LintFinding& f : r.linted.findings) {
      if (SeverityRank(f.issue.severity) > SeverityRank(fail_on)) continue;
      JUnitCase c;
      c.classname = "latticepol.validate";
      c.name = f.issue.code + " at " + f.issue.location.json_pointer;
      c.failed = true;
      c.type = std::string(SeverityName(f.issue.severity));
      c.message = f.issue.message;
      c.text = FormatIssue(f.issue, r.linted.name);
      suite.cases.push_back(std::move(c));
    }
    if (!r.readable) {
      JUnitCase c{"readable", "latticepol.validate", true, false, "the file cannot be read",
                  "error", ""};
      suite.cases.push_back(std::move(c));
    }
    if (suite.cases.empty()) {
      JUnitCase c;
      c.name = "valid";
      c.classname = "latticepol.validate";
      suite.cases.push_back(std::move(c));
    }
    suites.push_back(std::move(suite));
  }
  return JUnitXml(suites, "latticepol validate");
}

ExitCode RunValidate(const ValidateOptions& opts) {
  std::vector<std::string> paths;
  if (!ExpandPaths(opts.paths, &paths)) return ExitCode::kInvalidInput;
  LintOptions lint_options;
  lint_options.parse.strict = !opts.lenient;
  lint_options.parse.identity_policy = opts.identity;
  std::vector<FileResult> results;
  bool any_error = false, any_failing = false;
  for (const std::string& path : paths) {
    FileResult r;
    r.linted.name = SourceName(path);
    std::string text;
    if (!ReadInput(path, &text, kMaxPolicyBytes)) {
      r.readable = false;
      any_error = true;
    } else {
      LintResult lint = LintPolicy(text, lint_options);
      r.linted.findings = std::move(lint.findings);
      r.checked = lint.checked;
      any_error = any_error || CountAtLeast(r.linted.findings, Severity::kError) > 0;
      any_failing = any_failing || CountAtLeast(r.linted.findings, opts.fail_on) > 0;
    }
    results.push_back(std::move(r));
  }
  switch (opts.format) {
    case LintFormat::kText:
      for (const FileResult& r : results) PrintText(r);
      break;
    case LintFormat::kJson:
      if (results.size() == 1) {
        std::cout << FileJson(results[0]) << "\n";
      } else {
        std::cout << "{\"files\":[";
        for (size_t i = 0; i < results.size(); ++i) std::cout << (i ? "," : "") << FileJson(results[i]);
        std::cout << "]}\n";
      }
      break;
    case LintFormat::kSarif: {
      std::vector<LintedFile> files;
      for (const FileResult& r : results) files.push_back(r.linted);
      std::cout << LintToSarif(files, LATTICEPOL_VERSION);
      break;
    }
    case LintFormat::kJUnit:
      std::cout << JUnit(results, opts.fail_on);
      break;
  }
  if (any_error) return ExitCode::kInvalidInput;
  return any_failing ? ExitCode::kFailure : ExitCode::kOk;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = AddCommand(
      app, "validate", "Lint policies: errors, security findings, warnings, suggestions",
      "Lint auth policies. Each file is parsed as Lattice would parse it (errors: "
      "Lattice rejects the policy) and checked for findings in three more "
      "severities: security (grants more than it seems to), warning (almost "
      "certainly a mistake: cannot match or cannot take effect) and suggestion "
      "(a simplification). Findings are printed as `file:line:col: pointer: "
      "severity: message [code]` (codes in docs/issue-codes.md), then one "
      "summary line per file. Takes many files and glob patterns. --format json "
      "gives {file, valid, errors, security, warnings, suggestions, issues} "
      "(several files: {files: [...]}), sarif a SARIF 2.1.0 log for code "
      "scanning, junit a JUnit XML report (one failing test case per finding at "
      "or above --fail-on). Exit code 0 when no finding is at or above "
      "--fail-on (default error), 1 when one is, 4 when a policy is invalid "
      "(has an error) or unreadable, 2 for usage errors.",
      "  latticepol validate policies/shared-service/auth-policy.json\n"
      "  latticepol validate 'policies/*/*.json' --fail-on warning --format sarif > lint.sarif");
  cmd->add_option("policies", opts->paths,
                  "Policy JSON files or glob patterns (`-` for stdin)")
      ->required();
  cmd->add_flag("--identity", opts->identity,
                "Validate identity-based policies (no Principal element)");
  AddLenientOption(cmd, &opts->lenient);
  static const std::map<std::string, LintFormat> kFormats = {
      {"text", LintFormat::kText},
      {"json", LintFormat::kJson},
      {"sarif", LintFormat::kSarif},
      {"junit", LintFormat::kJUnit}};
  cmd->add_option("--format", opts->format, "Output format: text (default), json, sarif or junit")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case))
      ->option_text("text|json|sarif|junit");
  static const std::map<std::string, Severity> kSeverities = {
      {"error", Severity::kError},
      {"security", Severity::kSecurity},
      {"warning", Severity::kWarning},
      {"suggestion", Severity::kSuggestion}};
  cmd->add_option("--fail-on", opts->fail_on,
                  "Exit 1 when a finding is at least this severe (default error)")
      ->transform(CLI::CheckedTransformer(kSeverities, CLI::ignore_case))
      ->option_text("error|security|warning|suggestion");
  cmd->callback([opts, &context] { context.Exit(RunValidate(*opts)); });
}

}  // namespace latticepol::cli
