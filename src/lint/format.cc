// File: src/lint/format.cc
// Stage: format. Canonical policy formatting (latticepol/policy_format.h):
// read with the strict JSON reader (values and duplicate keys kept), write
// back with the canonical element order and the chosen layout.
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/json_reader.h"
#include "latticepol/policy_format.h"

namespace latticepol {
namespace {

using internal::JsonMember;
using internal::JsonType;
using internal::JsonValue;

// Canonical order of the known elements at the top level and in statements;
// members not listed keep their source order after the listed ones.
constexpr std::array<std::string_view, 3> kTopOrder = {"Version", "Id", "Statement"};
constexpr std::array<std::string_view, 9> kStatementOrder = {
    "Sid", "Effect", "Principal", "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition"};

enum class Level { kTop, kStatement, kOther };

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

template <size_t N>
std::vector<const JsonMember*> Ordered(const JsonValue& v, const std::array<std::string_view, N>& order) {
  std::vector<const JsonMember*> out;
  for (std::string_view key : order) {
    for (const JsonMember& m : v.members) {
      if (m.key == key) out.push_back(&m);
    }
  }
  for (const JsonMember& m : v.members) {
    bool listed = false;
    for (std::string_view key : order) listed = listed || m.key == key;
    if (!listed) out.push_back(&m);
  }
  return out;
}

bool IsScalar(const JsonValue& v) { return !v.is_array() && !v.is_object(); }

class Writer {
 public:
  explicit Writer(bool pretty) : pretty_(pretty) {}

  void Value(const JsonValue& v, Level level, int depth) {
    switch (v.type) {
      case JsonType::kNull: out_ += "null"; break;
      case JsonType::kBool: out_ += v.bool_value ? "true" : "false"; break;
      case JsonType::kNumber: out_ += v.text; break;
      case JsonType::kString: AppendString(v.text, &out_); break;
      case JsonType::kArray: Array(v, level, depth); break;
      case JsonType::kObject: Object(v, level, depth); break;
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  void Newline(int depth) {
    if (!pretty_) return;
    out_.push_back('\n');
    out_.append(static_cast<size_t>(depth) * 2, ' ');
  }

  void Array(const JsonValue& v, Level level, int depth) {
    bool inline_scalars = true;
    for (const JsonValue& e : v.elements) inline_scalars = inline_scalars && IsScalar(e);
    out_.push_back('[');
    for (size_t i = 0; i < v.elements.size(); ++i) {
      if (i > 0) out_ += pretty_ && inline_scalars ? ", " : ",";
      if (!inline_scalars) Newline(depth + 1);
      // Elements of the top-level Statement array are statements.
      Value(v.elements[i], level == Level::kTop ? Level::kStatement : Level::kOther, depth + 1);
    }
    if (!inline_scalars && !v.elements.empty()) Newline(depth);
    out_.push_back(']');
  }

  void Object(const JsonValue& v, Level level, int depth) {
    std::vector<const JsonMember*> members;
    if (level == Level::kTop) {
      members = Ordered(v, kTopOrder);
    } else if (level == Level::kStatement) {
      members = Ordered(v, kStatementOrder);
    } else {
      for (const JsonMember& m : v.members) members.push_back(&m);
    }
    out_.push_back('{');
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) out_.push_back(',');
      Newline(depth + 1);
      AppendString(members[i]->key, &out_);
      out_ += pretty_ ? ": " : ":";
      Level child = Level::kOther;
      if (level == Level::kTop && members[i]->key == "Statement") child = Level::kTop;
      // A single statement object (`"Statement": {...}`) is a statement too.
      if (child == Level::kTop && members[i]->value.is_object()) child = Level::kStatement;
      Value(members[i]->value, child, depth + 1);
    }
    if (!members.empty()) Newline(depth);
    out_.push_back('}');
  }

  bool pretty_;
  std::string out_;
};

}  // namespace

FormatPolicyResult FormatPolicyText(std::string_view text, PolicyLayout layout) {
  FormatPolicyResult result;
  JsonValue root;
  internal::JsonError error;
  if (!internal::ReadJson(text, {}, &root, &error)) {
    Issue issue;
    issue.code = "json-syntax";
    issue.message = error.message;
    issue.location.offset = error.offset;
    OffsetToLineColumn(text, error.offset, &issue.location.line, &issue.location.column);
    result.issues.push_back(std::move(issue));
    return result;
  }
  Writer writer(layout == PolicyLayout::kPretty);
  writer.Value(root, root.is_object() ? Level::kTop : Level::kOther, 0);
  result.text = writer.Take();
  if (layout == PolicyLayout::kPretty) result.text.push_back('\n');
  return result;
}

}  // namespace latticepol
