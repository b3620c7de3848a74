// File: tools/latticepol/cli_common.cc
// Stage: CLI. Shared helpers of the `latticepol` subcommands.
#include "cli_common.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace latticepol::cli {

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

}  // namespace

CLI::App* AddCommand(CLI::App& app, const std::string& name,
                     const std::string& summary, const std::string& paragraph,
                     const std::string& example) {
  CLI::App* command = app.add_subcommand(name, summary);
  command->footer(Wrap(paragraph, 78) + "\n\nExample:\n" + example);
  return command;
}

void AddFormatOption(CLI::App* command, Format* format) {
  static const std::map<std::string, Format> kFormats = {
      {"text", Format::kText}, {"json", Format::kJson}};
  command->add_option("--format", *format, "Output format: text (default) or json")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case))
      ->option_text("text|json");
}

void AddLenientOption(CLI::App* command, bool* lenient) {
  command->add_flag("--lenient", *lenient,
                    "Follow the spec's DECISIONs instead of rejecting what Lattice rejects");
}

std::string SourceName(std::string_view path) {
  return path == "-" ? std::string("<stdin>") : std::string(path);
}

bool ReadInput(const std::string& path, std::string* out) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) {
      std::cerr << "latticepol: cannot read `<stdin>`\n";
      return false;
    }
    *out = buffer.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "latticepol: cannot read `" << path << "`: " << std::strerror(errno)
              << "\n";
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    std::cerr << "latticepol: cannot read `" << path << "`\n";
    return false;
  }
  return true;
}

void PrintIssues(const std::vector<Issue>& issues, std::string_view source_name) {
  if (issues.empty()) return;
  std::string text = FormatIssues(issues, source_name);
  std::cerr << text;
  if (!text.empty() && text.back() != '\n') std::cerr << '\n';
}

std::optional<PolicyDocument> LoadPolicy(const std::string& path,
                                         const ParseOptions& options) {
  std::string text;
  if (!ReadInput(path, &text)) return std::nullopt;
  ParseResult result = ParsePolicy(text, options);
  PrintIssues(result.issues, SourceName(path));
  if (!result.ok()) return std::nullopt;
  return std::move(result.doc);
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
