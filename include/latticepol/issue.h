// File: latticepol/issue.h
// Stage: issues. Problems found in user input (policies, requests, case files,
// scenarios, topologies) are reported as `Issue`s inside an OK result, never as
// exceptions and never as a non-OK absl::Status (cel-cpp's two error channels).
#ifndef LATTICEPOL_ISSUE_H_
#define LATTICEPOL_ISSUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol {

// kError and kWarning are what the parsers report. The linter
// (latticepol/lint.h) adds kSecurity (grants more than it seems to) and
// kSuggestion (a simplification); ranked error > security > warning >
// suggestion by SeverityRank.
enum class Severity : uint8_t { kError, kWarning, kSecurity, kSuggestion };

// Returns "error", "warning", "security" or "suggestion".
std::string_view SeverityName(Severity severity);
// Returns 0 for kError, 1 kSecurity, 2 kWarning, 3 kSuggestion (lower is worse).
int SeverityRank(Severity severity);
// Parses a SeverityName. Returns false for anything else.
bool ParseSeverityName(std::string_view name, Severity* severity);

// Where an issue is. `json_pointer` is an RFC 6901 pointer (`/` in a key is
// escaped as `~1`, so `vpc-lattice-svcs:RequestHeader/x-api-key` appears as
// `.../vpc-lattice-svcs:RequestHeader~1x-api-key`). `line` and `column` are
// 1-based; 0 means unknown. `offset` is a byte offset, -1 when unknown.
struct SourceLocation {
  std::string json_pointer;
  int64_t offset = -1;
  int line = 0;
  int column = 0;
};

// One problem in user input. `code` is a stable kebab-case identifier (see
// docs/issue-codes.md), `message` is one lowercase line with user input in
// backticks and no final period.
struct Issue {
  Severity severity = Severity::kError;
  std::string code;
  std::string message;
  SourceLocation location;
};

// Returns true iff any issue has severity kError.
bool HasErrors(const std::vector<Issue>& issues);

// Formats one issue for humans:
//   `policy.json:3:14: /Statement/0/Effect: error: invalid effect `allow`: ... [invalid-effect]`
// Parts that are unknown are left out.
std::string FormatIssue(const Issue& issue, std::string_view source_name);

// Formats every issue, one per line.
std::string FormatIssues(const std::vector<Issue>& issues,
                         std::string_view source_name);

// Returns the issues as a JSON array of
// {"severity","code","message","pointer","line","column"} objects.
std::string IssuesToJson(const std::vector<Issue>& issues);

// Escapes one reference token for a JSON pointer (`~` -> `~0`, `/` -> `~1`).
std::string EscapeJsonPointerToken(std::string_view token);

// Computes the 1-based line and column of byte `offset` in `text`.
void OffsetToLineColumn(std::string_view text, int64_t offset, int* line,
                        int* column);

}  // namespace latticepol

#endif  // LATTICEPOL_ISSUE_H_
