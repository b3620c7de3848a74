// File: tools/latticepol/html_common.cc
// Stage: CLI. The HTML report's header context (see html_common.h).
#include "html_common.h"

#include <filesystem>
#include <system_error>

#ifndef LATTICEPOL_VERSION
#define LATTICEPOL_VERSION "unknown"
#endif

namespace latticepol::cli {
namespace {

// Inputs larger than this (e.g. recorded traffic) are listed without a hash.
constexpr uintmax_t kMaxHashedBytes = uintmax_t{256} << 20;

bool ShellSafe(const std::string& arg) {
  if (arg.empty()) return false;
  for (char c : arg) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string ShellCommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string arg = argv[i];
    if (i == 0) arg = std::filesystem::path(arg).filename().string();
    if (!out.empty()) out.push_back(' ');
    if (ShellSafe(arg)) {
      out += arg;
      continue;
    }
    out.push_back('\'');
    for (char c : arg) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out.push_back(c);
      }
    }
    out.push_back('\'');
  }
  return out;
}

HtmlReportContext MakeHtmlContext(const CommandContext& context,
                                  const std::vector<NamedInput>& inputs) {
  HtmlReportContext html;
  html.command_line = ShellCommandLine(context.argv);
  html.version = LATTICEPOL_VERSION;
  for (const NamedInput& in : inputs) {
    if (in.path.empty() || in.path == "-") continue;
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(in.path, ec);
    absl::StatusOr<HtmlInputFile> hashed =
        !ec && size <= kMaxHashedBytes ? HashInputFile(in.role, in.path)
                                       : absl::StatusOr<HtmlInputFile>(absl::OutOfRangeError(""));
    if (hashed.ok()) {
      html.inputs.push_back(*std::move(hashed));
    } else {
      HtmlInputFile f;
      f.role = in.role;
      f.path = in.path;
      f.sha256 = ec ? "(unreadable)" : "(not hashed: over 256 MiB)";
      f.bytes = ec ? 0 : size;
      html.inputs.push_back(std::move(f));
    }
  }
  return html;
}

}  // namespace latticepol::cli
