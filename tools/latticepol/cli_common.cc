// File: tools/latticepol/cli_common.cc
// Stage: CLI. Shared helpers of the `latticepol` subcommands.
#include "cli_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <vector>

// The CLI's include path holds only tools/latticepol; the shared message
// helpers are the library's internal ones.
#include "internal/strings.h"
#include "latticepol/input_file.h"

namespace latticepol::cli {

using internal::kMaxQuotedPathChars;
using internal::QuoteForMessage;
using internal::StrCat;

namespace {

// Greedy word wrap at `width` columns.
std::string Wrap(const std::string& text, size_t width) {
  std::istringstream words(text);
  std::string word, out, line;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  out += line;
  return out;
}

std::string ByteLimit(size_t bytes) { return ByteLimitText(bytes); }

}  // namespace

CLI::App* AddCommand(CLI::App& app, const std::string& name,
                     const std::string& summary, const std::string& paragraph,
                     const std::string& example) {
  CLI::App* command = app.add_subcommand(name, summary);
  command->footer(Wrap(paragraph, 78) + "\n\nExample:\n" + example);
  return command;
}

void AddFormatOption(CLI::App* command, Format* format, bool allow_html, bool allow_junit) {
  std::map<std::string, Format> formats = {{"text", Format::kText}, {"json", Format::kJson}};
  std::string names = "text|json";
  std::string help = "Output format: text (default), json";
  if (allow_html) {
    formats["html"] = Format::kHtml;
    names += "|html";
    help += ", html (one self-contained page)";
  }
  if (allow_junit) {
    formats["junit"] = Format::kJUnit;
    names += "|junit";
    help += ", junit (JUnit XML for CI)";
  }
  command->add_option("--format", *format, help)
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->option_text(names);
}

void AddLenientOption(CLI::App* command, bool* lenient) {
  command->add_flag("--lenient", *lenient,
                    "Follow the DECISIONs of docs/semantics.md instead of rejecting what Lattice rejects");
}

std::string SourceName(std::string_view path) {
  return path == "-" ? std::string("<stdin>") : std::string(path);
}

std::string InputLimitsHelp() {
  return StrCat("Input limits: policy files up to ", ByteLimit(kMaxPolicyBytes),
                ", other input files (cases, requests, topologies) up to ",
                ByteLimit(kMaxInputBytes),
                "; a path must name a regular file (pipe anything else into `-`).");
}

bool ReadFileWithLimit(const std::string& path, size_t max_bytes, std::string* out,
                       std::string* error) {
  out->clear();
  const std::string name = QuoteForMessage(SourceName(path), kMaxQuotedPathChars);
  if (path == "-") {
    // Read one byte past the limit to tell "exactly at" from "over".
    std::vector<char> chunk(64 * 1024);
    while (std::cin && out->size() <= max_bytes) {
      std::cin.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      out->append(chunk.data(), static_cast<size_t>(std::cin.gcount()));
    }
    if (std::cin.bad()) {
      *error = StrCat("cannot read ", name);
      return false;
    }
    if (out->size() > max_bytes) {
      out->clear();
      *error = StrCat("input ", name, " is larger than the ", ByteLimit(max_bytes), " limit");
      return false;
    }
    return true;
  }
  absl::StatusOr<std::string> text = ReadInputFile(path, max_bytes);
  if (!text.ok()) {
    *error = std::string(text.status().message());
    return false;
  }
  *out = *std::move(text);
  return true;
}

bool ReadInput(const std::string& path, std::string* out, size_t max_bytes) {
  std::string error;
  if (ReadFileWithLimit(path, max_bytes, out, &error)) return true;
  std::cerr << "latticepol: " << error << "\n";
  return false;
}

void PrintIssues(const std::vector<Issue>& issues, std::string_view source_name) {
  if (issues.empty()) return;
  std::string text = FormatIssues(issues, source_name);
  std::cerr << text;
  if (!text.empty() && text.back() != '\n') std::cerr << '\n';
}

std::optional<PolicyDocument> LoadPolicy(const std::string& path,
                                         const ParseOptions& options,
                                         bool as_submitted) {
  std::string text;
  if (!ReadInput(path, &text, kMaxPolicyBytes)) return std::nullopt;
  ParseResult result = ParsePolicy(text, options);
  if (!as_submitted && options.strict) {
    // The newline check does not stop the parse: when it is the only error,
    // the document is complete. Evaluate it, but say what the API needs.
    bool only_newlines = !result.ok();
    for (const Issue& issue : result.issues) {
      if (issue.severity == Severity::kError && issue.code != "policy-has-newlines") {
        only_newlines = false;
      }
    }
    if (only_newlines) {
      for (Issue& issue : result.issues) {
        if (issue.code != "policy-has-newlines") continue;
        issue.severity = Severity::kWarning;
        issue.message =
            "the policy contains newlines, which vpc lattice rejects: evaluated anyway; submit "
            "it minified (`latticepol fmt --minify`; --as-submitted refuses it)";
      }
    }
  }
  PrintIssues(result.issues, SourceName(path));
  if (!result.ok()) return std::nullopt;
  return std::move(result.doc);
}

void AddAsSubmittedOption(CLI::App* command, bool* as_submitted) {
  command->add_flag("--as-submitted", *as_submitted,
                    "Refuse a pretty-printed policy as the Lattice API does (default: evaluate "
                    "it with a warning)");
}

void PrintError(std::string_view command, std::string_view message) {
  std::cerr << "latticepol " << command << ": " << message << "\n";
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace latticepol::cli
