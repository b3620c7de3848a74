// File: src/issue.cc
// Stage: issues. Formatting of user-input problems for humans and for JSON
// consumers, plus the location helpers (JSON pointer escaping, byte offset ->
// line:column) every stage uses to build an Issue.
#include "latticepol/issue.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "internal/strings.h"
#include "nlohmann/json.hpp"

namespace latticepol {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kSecurity: return "security";
    case Severity::kSuggestion: return "suggestion";
  }
  return "error";
}

int SeverityRank(Severity severity) {
  switch (severity) {
    case Severity::kError: return 0;
    case Severity::kSecurity: return 1;
    case Severity::kWarning: return 2;
    case Severity::kSuggestion: return 3;
  }
  return 0;
}

bool ParseSeverityName(std::string_view name, Severity* severity) {
  for (Severity s : {Severity::kError, Severity::kWarning, Severity::kSecurity,
                     Severity::kSuggestion}) {
    if (name == SeverityName(s)) {
      *severity = s;
      return true;
    }
  }
  return false;
}

bool HasErrors(const std::vector<Issue>& issues) {
  for (const Issue& issue : issues) {
    if (issue.severity == Severity::kError) return true;
  }
  return false;
}

// Every part is escaped (control characters, invalid UTF-8, line breaking
// and bidi characters), so an issue is always one line that cannot forge
// another. Source names and pointers are cut only when absurdly long;
// messages, which already quote (and cut) their user input, never: escaping
// them again changes nothing.
std::string FormatIssue(const Issue& issue, std::string_view source_name) {
  using internal::EscapeForMessage;
  using internal::kMaxQuotedPathChars;
  using internal::StrAppend;
  constexpr size_t kNoCut = std::string::npos;
  std::string out;
  if (!source_name.empty()) {
    StrAppend(&out, EscapeForMessage(source_name, kMaxQuotedPathChars), ":");
  }
  if (issue.location.line > 0) {
    StrAppend(&out, issue.location.line, ":", issue.location.column, ":");
  }
  if (!issue.location.json_pointer.empty()) {
    StrAppend(&out, out.empty() ? "" : " ",
              EscapeForMessage(issue.location.json_pointer, kMaxQuotedPathChars), ":");
  }
  StrAppend(&out, out.empty() ? "" : " ",
            SeverityName(issue.severity), ": ",
            EscapeForMessage(issue.message, kNoCut));
  if (!issue.code.empty()) StrAppend(&out, " [", EscapeForMessage(issue.code, kNoCut), "]");
  return out;
}

std::string FormatIssues(const std::vector<Issue>& issues,
                         std::string_view source_name) {
  std::string out;
  for (const Issue& issue : issues) {
    absl::StrAppend(&out, FormatIssue(issue, source_name), "\n");
  }
  return out;
}

std::string IssuesToJson(const std::vector<Issue>& issues) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const Issue& issue : issues) {
    nlohmann::ordered_json item;
    item["severity"] = std::string(SeverityName(issue.severity));
    item["code"] = issue.code;
    item["message"] = issue.message;
    item["pointer"] = issue.location.json_pointer;
    item["line"] = issue.location.line;
    item["column"] = issue.location.column;
    array.push_back(std::move(item));
  }
  // Messages quote user input, which may hold invalid UTF-8 when an issue is
  // about exactly that: replace rather than throw.
  return array.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string EscapeJsonPointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Columns count code points (UTF-8 continuation bytes are skipped), so a
// column matches what editors show for non-ASCII text. An offset past the end
// is clamped to the end; a negative offset yields 0:0 (unknown).
void OffsetToLineColumn(std::string_view text, int64_t offset, int* line,
                        int* column) {
  if (offset < 0) {
    *line = 0;
    *column = 0;
    return;
  }
  const size_t end = std::min(static_cast<size_t>(offset), text.size());
  int l = 1;
  int c = 1;
  for (size_t i = 0; i < end; ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u == '\n') {
      ++l;
      c = 1;
    } else if ((u & 0xC0) != 0x80) {
      ++c;
    }
  }
  *line = l;
  *column = c;
}

}  // namespace latticepol
