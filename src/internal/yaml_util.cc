// File: src/internal/yaml_util.cc
// Stage: generate (internal). yaml-cpp helpers: marks, pointers, suggestions,
// quoted emission.
#include "internal/yaml_util.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
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

std::string PointerAppend(std::string_view pointer, std::string_view token) {
  return Cat(pointer, "/", EscapeJsonPointerToken(token));
}

std::string PointerAppend(std::string_view pointer, size_t index) {
  return Cat(pointer, "/", index);
}

namespace {

size_t Levenshtein(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const char ca = absl::ascii_tolower(static_cast<unsigned char>(a[i - 1]));
      const char cb = absl::ascii_tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ClosestName(std::string_view name,
                        const std::vector<std::string_view>& candidates) {
  const size_t limit = std::max<size_t>(2, name.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (std::string_view c : candidates) {
    const size_t d = Levenshtein(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
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
