// File: src/workflow/internal/yaml_util.cc
// Stage: generate (internal). yaml-cpp helpers: input checks, marks,
// pointers, quoted emission.
#include "workflow/internal/yaml_util.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "internal/json_reader.h"
#include "internal/strings.h"
#include "re2/re2.h"

namespace latticepol::internal {

SourceLocation LocationFromMark(const YAML::Mark& mark, std::string pointer) {
  SourceLocation loc;
  loc.json_pointer = std::move(pointer);
  if (!mark.is_null()) {
    loc.offset = mark.pos;
    loc.line = mark.line + 1;
    loc.column = mark.column + 1;
  }
  return loc;
}

bool CheckYamlText(std::string_view text, const YamlDocumentKind& kind,
                   std::vector<Issue>* issues) {
  Issue issue;
  int64_t bad = -1;
  if (text.size() > kMaxYamlDocumentBytes) {
    issue.code = std::string(kind.too_large_code);
    // "more than": a file reader may have stopped reading past the limit.
    issue.message =
        StrCat("the ", kind.name, " has more than ", kMaxYamlDocumentBytes, " bytes, the limit");
    issues->push_back(std::move(issue));
    return false;
  }
  const size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    bad = static_cast<int64_t>(nul);
    issue.message = "invalid yaml: nul byte";
  } else if (!IsValidUtf8(text, &bad)) {
    issue.message = StrCat("invalid yaml: invalid utf-8 byte ",
                           QuoteForMessage(text.substr(static_cast<size_t>(bad), 1)),
                           ": save the file as utf-8");
  } else {
    return true;
  }
  issue.code = std::string(kind.syntax_code);
  issue.location.offset = bad;
  OffsetToLineColumn(text, bad, &issue.location.line, &issue.location.column);
  issues->push_back(std::move(issue));
  return false;
}

Issue YamlExceptionIssue(const YAML::Exception& e, std::string_view text,
                         const YamlDocumentKind& kind) {
  Issue issue;
  issue.code = std::string(kind.syntax_code);
  issue.message = StrCat("invalid yaml: ", EscapeForMessage(e.msg));
  issue.location = LocationFromMark(e.mark, "");
  if (issue.location.offset > static_cast<int64_t>(text.size())) {
    issue.location.offset = static_cast<int64_t>(text.size());
    OffsetToLineColumn(text, issue.location.offset, &issue.location.line, &issue.location.column);
  }
  return issue;
}

std::string PointerAppend(std::string_view pointer, std::string_view token) {
  return StrCat(pointer, "/", EscapeJsonPointerToken(token));
}

std::string PointerAppend(std::string_view pointer, size_t index) {
  return StrCat(pointer, "/", index);
}

std::string PascalCase(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    out += upper ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c;
    upper = false;
  }
  return out;
}

bool IsPlainTypedScalar(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() != "?") return false;
  // YAML 1.2 core schema (bool, null, int, float).
  static const LazyRE2 kTyped = {
      R"((?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~)"
      R"(|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
      R"(|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
      R"(|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)))"};
  const std::string& text = node.Scalar();
  // A leading zero would be lost if the value were read as a number (P2).
  if (text.size() > 1 && text[0] == '0' && absl::ascii_isdigit(text[1])) return false;
  return RE2::FullMatch(text, *kTyped);
}

void EmitNodeQuoted(const YAML::Node& node, YAML::Emitter* out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      *out << YAML::BeginMap;
      for (const auto& kv : node) {
        *out << YAML::Key;
        if (kv.first.IsScalar()) {
          *out << kv.first.Scalar();  // keys stay plain unless they need quotes
        } else {
          EmitNodeQuoted(kv.first, out);
        }
        *out << YAML::Value;
        EmitNodeQuoted(kv.second, out);
      }
      *out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      *out << YAML::BeginSeq;
      for (const auto& item : node) EmitNodeQuoted(item, out);
      *out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (IsPlainTypedScalar(node)) {
        *out << node.Scalar();
      } else {
        *out << YAML::DoubleQuoted << node.Scalar();
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      *out << YAML::Null;
      break;
  }
}

std::string TabsToSpacesIfJson(std::string_view text) {
  std::string out(text);
  size_t first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (out[first] != '{' && out[first] != '[')) {
    return out;
  }
  std::replace(out.begin(), out.end(), '\t', ' ');
  return out;
}

}  // namespace latticepol::internal
