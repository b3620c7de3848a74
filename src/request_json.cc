// File: src/request_json.cc
// Stage: request. The canonical request JSON (request_json.h): a strict,
// never-throwing reader that reports every problem as an Issue with a JSON
// pointer and line:column, and the canonical single-line writer.
//
// nlohmann::json does the syntax work; a small scanner over the (already
// valid) text finds duplicate keys and maps JSON pointers back to byte
// offsets, since nlohmann keeps no positions.
#include "latticepol/request_json.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "internal/json_reader.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/issue.h"
#include "latticepol/request.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxIssues = 100;
// nlohmann's syntax messages are longer than a quoted value.
constexpr size_t kMaxSyntaxDetailChars = 300;

using internal::QuoteForMessage;
using internal::StrCat;

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

constexpr std::string_view kTopLevelFields[] = {
    "action",     "method",     "path",
    "query",      "headers",    "sourceVpc",
    "sourceVpcOwnerAccount",    "port",
    "serviceArn", "serviceNetworkArn",
    "principal",  "resourceTags",
    "sourceIp",   "time",
};
constexpr std::string_view kPrincipalFields[] = {
    "arn", "account", "type", "orgId", "orgPaths", "tags", "sessionArn",
};
constexpr std::string_view kPrincipalTypes[] = {
    "AssumedRole", "User", "FederatedUser", "Account", "Service",
};

// ---- Positions: a scanner over text nlohmann has already accepted ---------

inline bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void SkipSpace(std::string_view text, size_t* i) {
  while (*i < text.size() && IsJsonSpace(text[*i])) ++*i;
}

// text[*i] == '"'. Moves past the closing quote; returns the raw body.
std::string_view SkipString(std::string_view text, size_t* i) {
  const size_t start = ++*i;
  while (*i < text.size() && text[*i] != '"') {
    if (text[*i] == '\\') ++*i;
    ++*i;
  }
  const std::string_view body = text.substr(start, std::min(*i, text.size()) - start);
  if (*i < text.size()) ++*i;
  return body;
}

// Decodes a string body (escapes are rare in keys).
std::string DecodeStringBody(std::string_view body) {
  if (body.find('\\') == std::string_view::npos) return std::string(body);
  try {
    return Json::parse(StrCat("\"", body, "\"")).get<std::string>();
  } catch (const std::exception&) {
    return std::string(body);
  }
}

// Moves past one complete value starting at text[*i] (after spaces).
void SkipValue(std::string_view text, size_t* i) {
  SkipSpace(text, i);
  int depth = 0;
  while (*i < text.size()) {
    const char c = text[*i];
    if (c == '"') {
      SkipString(text, i);
      if (depth == 0) return;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      ++*i;
      if (depth <= 0) return;
      continue;
    } else if (depth == 0 && (c == ',' || IsJsonSpace(c))) {
      return;
    }
    ++*i;
  }
}

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  size_t pos = 1;
  while (true) {
    const size_t slash = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, slash == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : slash - pos);
    std::string token;
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '~' && k + 1 < raw.size()) {
        token.push_back(raw[k + 1] == '1' ? '/' : '~');
        ++k;
      } else {
        token.push_back(raw[k]);
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return tokens;
}

// Returns the byte offset of the value at `pointer` (of its member key when
// `want_key`), or -1 when it cannot be found.
int64_t LocatePointer(std::string_view text, std::string_view pointer,
                      bool want_key) {
  const std::vector<std::string> tokens = SplitPointer(pointer);
  size_t i = 0;
  SkipSpace(text, &i);
  for (size_t d = 0; d < tokens.size(); ++d) {
    if (i >= text.size()) return -1;
    if (text[i] == '{') {
      ++i;
      bool found = false;
      while (true) {
        SkipSpace(text, &i);
        if (i >= text.size() || text[i] != '"') return -1;
        const size_t key_offset = i;
        const std::string key = DecodeStringBody(SkipString(text, &i));
        SkipSpace(text, &i);
        if (i >= text.size() || text[i] != ':') return -1;
        ++i;
        SkipSpace(text, &i);
        if (key == tokens[d]) {
          if (want_key && d + 1 == tokens.size()) {
            return static_cast<int64_t>(key_offset);
          }
          found = true;
          break;
        }
        SkipValue(text, &i);
        SkipSpace(text, &i);
        if (i >= text.size() || text[i] != ',') return -1;
        ++i;
      }
      if (!found) return -1;
    } else if (text[i] == '[') {
      size_t index = 0;
      for (char c : tokens[d]) {
        if (c < '0' || c > '9') return -1;
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      ++i;
      for (size_t k = 0; k < index; ++k) {
        SkipValue(text, &i);
        SkipSpace(text, &i);
        if (i >= text.size() || text[i] != ',') return -1;
        ++i;
      }
      SkipSpace(text, &i);
    } else {
      return -1;
    }
  }
  return static_cast<int64_t>(i);
}

// Builds the document Json::parse would build, from the strict reader's tree,
// in time linear in its size: nlohmann's ordered object looks every key up
// linearly while parsing, so an object of n keys (a query or header object)
// costs n^2 there. As with Json::parse, a repeated key keeps its first
// position and its last value. Returns false if a number does not convert
// (the caller then parses with nlohmann, which reports it).
bool TreeToJson(const internal::JsonValue& v, Json* out) {
  using internal::JsonType;
  switch (v.type) {
    case JsonType::kNull:
      *out = nullptr;
      return true;
    case JsonType::kBool:
      *out = v.bool_value;
      return true;
    case JsonType::kString:
      *out = v.text;
      return true;
    case JsonType::kNumber: {
      Json n = Json::parse(v.text, nullptr, /*allow_exceptions=*/false);
      if (n.is_discarded() || !n.is_number()) return false;
      *out = std::move(n);
      return true;
    }
    case JsonType::kArray: {
      *out = Json::array();
      Json::array_t& array = out->get_ref<Json::array_t&>();
      array.reserve(v.elements.size());
      for (const internal::JsonValue& e : v.elements) {
        array.emplace_back();
        if (!TreeToJson(e, &array.back())) return false;
      }
      return true;
    }
    case JsonType::kObject: {
      *out = Json::object();
      // The ordered object is a vector of pairs; append without its lookup.
      using Members = Json::object_t::Container;
      Members& members = out->get_ref<Json::object_t&>();
      members.reserve(v.members.size());
      absl::flat_hash_map<std::string_view, size_t> index;
      index.reserve(v.members.size());
      for (const internal::JsonMember& m : v.members) {
        Json value;
        if (!TreeToJson(m.value, &value)) return false;
        auto [it, inserted] = index.try_emplace(m.key, members.size());
        if (inserted) {
          members.emplace_back(m.key, std::move(value));
        } else {
          members[it->second].second = std::move(value);
        }
      }
      return true;
    }
  }
  return false;
}

// Parses `text` like Json::parse (which throws on errors), in linear time for
// every input the strict reader accepts.
Json ParseDocument(std::string_view text) {
  internal::JsonValue root;
  Json doc;
  if (internal::ReadJson(text, {}, &root, nullptr) && TreeToJson(root, &doc)) return doc;
  return Json::parse(text.begin(), text.end());
}

// Finds the first duplicated object key. Iterative, so deep nesting is safe.
bool FindDuplicateKey(std::string_view text, std::string* pointer,
                      int64_t* offset) {
  struct Frame {
    bool object = false;
    size_t index = 0;
    std::string key;
    absl::flat_hash_set<std::string> keys;
  };
  std::vector<Frame> stack;
  auto build_pointer = [&stack](std::string_view last_key) {
    std::string p;
    for (size_t k = 0; k < stack.size(); ++k) {
      p.push_back('/');
      if (k + 1 == stack.size()) {
        p += EscapeJsonPointerToken(last_key);
      } else if (stack[k].object) {
        p += EscapeJsonPointerToken(stack[k].key);
      } else {
        p += std::to_string(stack[k].index);
      }
    }
    return p;
  };
  // Reads `"key":` into the top frame; returns true on a duplicate.
  auto read_member = [&](size_t* i) {
    SkipSpace(text, i);
    const size_t key_offset = *i;
    if (*i >= text.size() || text[*i] != '"') return false;
    std::string key = DecodeStringBody(SkipString(text, i));
    SkipSpace(text, i);
    if (*i < text.size() && text[*i] == ':') ++*i;
    Frame& f = stack.back();
    if (!f.keys.insert(key).second) {
      *pointer = build_pointer(key);
      *offset = static_cast<int64_t>(key_offset);
      return true;
    }
    f.key = std::move(key);
    return false;
  };
  size_t i = 0;
  bool want_value = true;
  while (true) {
    SkipSpace(text, &i);
    if (i >= text.size()) return false;
    const char c = text[i];
    if (want_value) {
      if (c == '{' || c == '[') {
        stack.emplace_back();
        stack.back().object = c == '{';
        ++i;
        SkipSpace(text, &i);
        if (i < text.size() && (text[i] == '}' || text[i] == ']')) {
          ++i;
          stack.pop_back();
          want_value = false;
        } else if (c == '{' && read_member(&i)) {
          return true;
        }
        continue;
      }
      SkipValue(text, &i);
      want_value = false;
      continue;
    }
    if (stack.empty()) return false;
    ++i;
    if (c == ',') {
      if (stack.back().object) {
        if (read_member(&i)) return true;
      } else {
        ++stack.back().index;
      }
      want_value = true;
    } else {  // '}' or ']'
      stack.pop_back();
    }
  }
}

std::string_view JsonTypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

inline bool IsHeaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

// ---- The reader ----------------------------------------------------------------

class Reader {
 public:
  Reader(std::string_view text, const RequestLimits& limits,
         RequestParseResult* result)
      : text_(text), limits_(limits), result_(result) {}

  void Run() {
    if (text_.size() > limits_.max_bytes) {
      Error("limit-exceeded",
            StrCat("request json is ", text_.size(), " bytes, over the limit of ",
                   limits_.max_bytes, " bytes"),
            "", false, false);
      return;
    }
    Json doc;
    try {
      doc = ParseDocument(text_);
    } catch (const Json::parse_error& e) {
      SyntaxError(e.what(), e.byte);
      return;
    } catch (const Json::out_of_range&) {
      // 406: a number beyond the range of a double. nlohmann says neither
      // where nor which pointer; the strict reader knows both.
      NumberOutOfRange();
      return;
    } catch (const std::exception& e) {
      Error("json-syntax",
            StrCat("invalid json: ", internal::EscapeForMessage(e.what(), kMaxSyntaxDetailChars)),
            "", false, false);
      return;
    }
    std::string dup_pointer;
    int64_t dup_offset = -1;
    if (FindDuplicateKey(text_, &dup_pointer, &dup_offset)) {
      AddIssue(Severity::kError, "duplicate-key",
               StrCat("duplicate key ", QuoteForMessage(SplitPointer(dup_pointer).back())),
               dup_pointer, dup_offset);
    }
    if (!doc.is_object()) {
      Error("invalid-type", StrCat("a request must be a json object, got ", JsonTypeName(doc)), "");
      return;
    }
    ReadTop(doc);
  }

 private:
  // ---- Issues ----
  void AddIssue(Severity severity, std::string code, std::string message,
                std::string pointer, int64_t offset) {
    std::vector<Issue>& issues = result_->issues;
    if (issues.size() >= kMaxIssues) {
      if (issues.size() == kMaxIssues) {
        Issue more;
        more.code = "too-many-issues";
        more.message = StrCat("more than ", kMaxIssues, " problems; the rest are not reported");
        issues.push_back(std::move(more));
      }
      return;
    }
    Issue issue;
    issue.severity = severity;
    issue.code = std::move(code);
    issue.message = std::move(message);
    issue.location.json_pointer = std::move(pointer);
    issue.location.offset = offset;
    if (offset >= 0) {
      OffsetToLineColumn(text_, offset, &issue.location.line,
                         &issue.location.column);
    }
    issues.push_back(std::move(issue));
  }

  void Report(Severity severity, std::string code, std::string message,
              std::string pointer, bool at_key, bool locate) {
    const int64_t offset = locate ? LocatePointer(text_, pointer, at_key) : -1;
    AddIssue(severity, std::move(code), std::move(message), std::move(pointer),
             offset);
  }

  void Error(std::string code, std::string message, std::string pointer,
             bool at_key = false, bool locate = true) {
    Report(Severity::kError, std::move(code), std::move(message),
           std::move(pointer), at_key, locate);
  }

  void Warning(std::string code, std::string message, std::string pointer) {
    Report(Severity::kWarning, std::move(code), std::move(message),
           std::move(pointer), false, true);
  }

  void SyntaxError(std::string_view what, size_t byte) {
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1,
    // column 5: syntax error while parsing value - ...; last read: 'x'".
    std::string detail(what);
    const size_t column = detail.find("column ");
    if (column != std::string::npos) {
      const size_t colon = detail.find(": ", column);
      if (colon != std::string::npos) detail = detail.substr(colon + 2);
    } else {
      const size_t bracket = detail.find("] ");
      if (bracket != std::string::npos) detail = detail.substr(bracket + 2);
    }
    // Put the "last read" token in backticks and keep it short.
    const size_t last_read = detail.find("last read: '");
    if (last_read != std::string::npos) {
      const size_t start = last_read + 12;
      size_t end = detail.find("'; ", start);
      if (end == std::string::npos && detail.back() == '\'') end = detail.size() - 1;
      if (end != std::string::npos && end >= start) {
        detail = StrCat(std::string_view(detail).substr(0, last_read), "last read: ",
                        QuoteForMessage(std::string_view(detail).substr(start, end - start)),
                        std::string_view(detail).substr(end + 1));
      }
    }
    const int64_t offset =
        std::min<int64_t>(byte > 0 ? static_cast<int64_t>(byte) - 1 : 0,
                          static_cast<int64_t>(text_.size()));
    // The escape is a safety net for text nlohmann copied from the input.
    AddIssue(Severity::kError, "json-syntax",
             StrCat("invalid json: ", internal::EscapeForMessage(detail, kMaxSyntaxDetailChars)),
             "", offset);
  }

  // Reports the first number nlohmann cannot hold (it overflows a double) as
  // `invalid-value` at its pointer and offset.
  void NumberOutOfRange() {
    internal::JsonReadOptions options;
    options.max_depth = internal::JsonReadOptions::kMaxSupportedDepth;
    internal::JsonValue root;
    internal::JsonError error;
    if (!internal::ReadJson(text_, options, &root, &error)) {
      AddIssue(Severity::kError, "json-syntax", StrCat("invalid json: ", error.message), "",
               error.offset);
      return;
    }
    std::string pointer;
    const internal::JsonValue* number = FindHugeNumber(root, "", &pointer);
    if (number == nullptr) {  // not expected: nlohmann and strtod agree
      Error("invalid-value", "a number is too large", "", false, false);
      return;
    }
    AddIssue(Severity::kError, "invalid-value",
             StrCat("number ", QuoteForMessage(number->text),
                    " is too large (beyond the range of a double)"),
             pointer, number->offset);
  }

  static const internal::JsonValue* FindHugeNumber(const internal::JsonValue& v,
                                                   const std::string& pointer, std::string* found) {
    if (v.is_number()) {
      if (!std::isinf(std::strtod(v.text.c_str(), nullptr))) return nullptr;
      *found = pointer;
      return &v;
    }
    for (size_t i = 0; i < v.elements.size(); ++i) {
      if (const auto* n = FindHugeNumber(v.elements[i], Child(pointer, i), found)) return n;
    }
    for (const internal::JsonMember& m : v.members) {
      if (const auto* n = FindHugeNumber(m.value, Child(pointer, m.key), found)) return n;
    }
    return nullptr;
  }

  static std::string Child(std::string_view pointer, std::string_view key) {
    return StrCat(pointer, "/", EscapeJsonPointerToken(key));
  }
  static std::string Child(std::string_view pointer, size_t index) {
    return StrCat(pointer, "/", index);
  }

  void UnknownField(std::string_view pointer, std::string_view name,
                    std::string_view what, std::string_view suggestion) {
    std::string message = StrCat("unknown ", what, " field ", QuoteForMessage(name));
    message += internal::DidYouMean(suggestion);
    Error("unknown-field", std::move(message), Child(pointer, name), true);
  }

  // ---- Typed readers ----
  bool ReadString(const Json& v, const std::string& pointer, std::string* out,
                  std::string_view hint = {}) {
    if (!v.is_string()) {
      std::string message = StrCat("expected a string, got ", JsonTypeName(v));
      if (!hint.empty() && v.is_number()) message += StrCat(" (", hint, ")");
      Error("invalid-type", std::move(message), pointer);
      return false;
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (s.size() > limits_.max_value_bytes) {
      Error("limit-exceeded",
            StrCat("string of ", s.size(), " bytes is over the limit of ", limits_.max_value_bytes,
                   " bytes"),
            pointer);
      return false;
    }
    *out = s;
    return true;
  }

  // Reads a string-valued field that may be null (= left out).
  void ReadOptionalString(const Json& v, const std::string& pointer,
                          std::optional<std::string>* out,
                          std::string_view hint = {}) {
    if (v.is_null()) return;
    std::string s;
    if (ReadString(v, pointer, &s, hint)) *out = std::move(s);
  }

  // A [name, value] pair of strings.
  bool ReadPair(const Json& v, const std::string& pointer, StringPair* out) {
    if (!v.is_array() || v.size() != 2) {
      Error("invalid-type",
            StrCat("expected a [name, value] pair of strings, got ",
                   v.is_array() ? StrCat("an array of ", v.size()) : std::string(JsonTypeName(v))),
            pointer);
      return false;
    }
    bool ok = ReadString(v[0], Child(pointer, size_t{0}), &out->first);
    ok = ReadString(v[1], Child(pointer, size_t{1}), &out->second) && ok;
    return ok;
  }

  bool CheckCount(size_t count, size_t limit, std::string_view what,
                  const std::string& pointer) {
    if (count <= limit) return true;
    Error("limit-exceeded", StrCat("more than ", limit, " ", what, " (", count, ")"), pointer);
    return false;
  }

  // Pairs from an array of pairs or an object of string (or, when
  // `allow_lists`, array-of-string) values. Returns false on a limit error.
  bool ReadPairs(const Json& v, const std::string& pointer, size_t limit,
                 std::string_view what, bool allow_lists,
                 std::vector<StringPair>* out, bool reject_empty_names = false) {
    if (v.is_array()) {
      if (!CheckCount(v.size(), limit, what, pointer)) return false;
      out->reserve(v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        StringPair pair;
        const std::string child = Child(pointer, i);
        if (!ReadPair(v[i], child, &pair)) continue;
        if (reject_empty_names && pair.first.empty()) {
          Error("invalid-value", "empty name", Child(child, size_t{0}));
          continue;
        }
        out->push_back(std::move(pair));
      }
      return true;
    }
    if (!v.is_object()) {
      Error("invalid-type",
            StrCat("expected an object or an array of [name, value] pairs, got ", JsonTypeName(v)),
            pointer);
      return true;
    }
    size_t count = 0;
    for (const auto& [name, value] : v.items()) {
      const std::string child = Child(pointer, name);
      if (reject_empty_names && name.empty()) {
        Error("invalid-value", "empty name", child, true);
        continue;
      }
      if (name.size() > limits_.max_value_bytes) {
        Error("limit-exceeded",
              StrCat("name of ", name.size(), " bytes is over the limit of ",
                     limits_.max_value_bytes, " bytes"),
              child, true);
        continue;
      }
      if (allow_lists && value.is_array()) {
        count += value.size();
        if (!CheckCount(count, limit, what, pointer)) return false;
        for (size_t i = 0; i < value.size(); ++i) {
          std::string s;
          if (ReadString(value[i], Child(child, i), &s)) out->emplace_back(name, std::move(s));
        }
        continue;
      }
      if (!CheckCount(++count, limit, what, pointer)) return false;
      std::string s;
      if (!value.is_string()) {
        Error("invalid-type",
              StrCat("expected a string", allow_lists ? " or an array of strings" : "", ", got ",
                     JsonTypeName(value)),
              child);
        continue;
      }
      if (ReadString(value, child, &s)) out->emplace_back(name, std::move(s));
    }
    return true;
  }

  void ReadQuery(const Json& v, const std::string& pointer, Request* r) {
    if (v.is_null()) return;
    if (v.is_string()) {
      std::string raw;
      if (!ReadString(v, pointer, &raw)) return;
      if (!CheckCount(RawQueryPairCount(raw), limits_.max_query_params, "query parameters",
                      pointer)) {
        return;
      }
      r->query.clear();
      r->raw_query.clear();
      r->AppendRawQuery(raw);  // keeps the raw text for Q3
      return;
    }
    ReadPairs(v, pointer, limits_.max_query_params, "query parameters",
              /*allow_lists=*/true, &r->query);
  }

  void ReadHeaders(const Json& v, const std::string& pointer, Request* r) {
    if (v.is_null()) return;
    std::vector<StringPair> raw;
    if (!ReadPairs(v, pointer, limits_.max_headers, "headers",
                   /*allow_lists=*/true, &raw, /*reject_empty_names=*/true)) {
      return;
    }
    // Same normalisation as Request::AddHeader (H1-H3), with an index so
    // that many headers stay linear.
    absl::flat_hash_map<std::string, size_t> index;
    index.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      StringPair& header = raw[i];
      std::string name = internal::AsciiLower(header.first);
      std::string_view value = header.second;
      while (!value.empty() && IsHeaderSpace(value.front())) value.remove_prefix(1);
      while (!value.empty() && IsHeaderSpace(value.back())) value.remove_suffix(1);
      auto [it, inserted] = index.try_emplace(name, r->headers.size());
      if (inserted) {
        r->headers.emplace_back(std::move(name), std::string(value));
      } else {
        std::string& joined = r->headers[it->second].second;
        joined.push_back(',');
        joined.append(value);
      }
    }
  }

  void ReadPort(const Json& v, const std::string& pointer, Request* r) {
    if (v.is_null()) return;
    if (v.is_number_integer()) {
      const bool in_range = v.is_number_unsigned()
                                ? v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= 65535
                                : v.get<int64_t>() >= 1 && v.get<int64_t>() <= 65535;
      if (in_range) {
        r->port = static_cast<int32_t>(v.get<int64_t>());
        return;
      }
      Error("invalid-value",
            StrCat("port `", v.dump(), "` is out of range: use an integer from 1 to 65535"),
            pointer);
      return;
    }
    Error("invalid-type",
          StrCat("port must be a json integer from 1 to 65535, got ",
                 v.is_number() ? StrCat("`", v.dump(), "`") : std::string(JsonTypeName(v))),
          pointer);
  }

  void ReadPrincipal(const Json& v, const std::string& pointer, Request* r) {
    if (v.is_null()) return;
    if (!v.is_object()) {
      Error("invalid-type",
            StrCat("principal must be null (anonymous) or an object, got ", JsonTypeName(v)),
            pointer);
      return;
    }
    Principal p;
    bool has_account = false;
    bool has_type = false;
    bool has_session = false;
    for (const auto& [name, value] : v.items()) {
      const std::string child = Child(pointer, name);
      if (name == "arn") {
        ReadString(value, child, &p.arn);
      } else if (name == "account") {
        has_account = true;
        ReadString(value, child, &p.account, "quote account ids so leading zeros survive");
      } else if (name == "type") {
        has_type = true;
        if (ReadString(value, child, &p.type)) CheckPrincipalType(p.type, child);
      } else if (name == "orgId") {
        ReadString(value, child, &p.org_id);
      } else if (name == "orgPaths") {
        if (!value.is_array()) {
          Error("invalid-type", StrCat("expected an array of strings, got ", JsonTypeName(value)),
                child);
          continue;
        }
        if (!CheckCount(value.size(), limits_.max_query_params, "org paths", child)) continue;
        for (size_t i = 0; i < value.size(); ++i) {
          std::string s;
          if (ReadString(value[i], Child(child, i), &s)) p.org_paths.push_back(std::move(s));
        }
      } else if (name == "tags") {
        ReadPairs(value, child, limits_.max_headers, "principal tags",
                  /*allow_lists=*/false, &p.tags);
      } else if (name == "sessionArn") {
        has_session = true;
        ReadString(value, child, &p.session_arn);
      } else {
        UnknownField(pointer, name, "principal", internal::ClosestMatch(name, kPrincipalFields));
      }
    }
    InferFromArn(pointer, has_account, has_type, has_session, &p);
    r->principal = std::move(p);
  }

  void CheckPrincipalType(std::string_view type, const std::string& pointer) {
    for (std::string_view known : kPrincipalTypes) {
      if (type == known) return;
    }
    if (internal::EqualsIgnoreCase(type, "Anonymous")) {
      Warning("unknown-principal-type",
              "an anonymous caller has no principal: use `\"principal\": null`", pointer);
      return;
    }
    std::string message = StrCat("unknown principal type ", QuoteForMessage(type));
    message += internal::DidYouMean(internal::ClosestMatch(type, kPrincipalTypes));
    Warning("unknown-principal-type", std::move(message), pointer);
  }

  // Fills `type` and `account` from the ARN when they were left out, and
  // turns an sts assumed-role ARN into the role ARN (DECISION L2).
  void InferFromArn(const std::string& pointer, bool has_account, bool has_type,
                    bool has_session, Principal* p) {
    if (p->arn.empty()) return;
    std::array<std::string_view, 6> f;
    if (!internal::SplitArn(p->arn, &f)) {
      Warning("invalid-value", StrCat("principal arn ", QuoteForMessage(p->arn), " is not an arn"),
              Child(pointer, "arn"));
      return;
    }
    const std::string_view resource = f[5];
    std::string type;
    if (StartsWith(resource, "role/") || StartsWith(resource, "assumed-role/")) {
      type = "AssumedRole";
    } else if (StartsWith(resource, "user/")) {
      type = "User";
    } else if (resource == "root") {
      type = "Account";
    } else if (StartsWith(resource, "federated-user/")) {
      type = "FederatedUser";
    }
    if (!has_type) p->type = type;
    if (!has_account) p->account = std::string(f[4]);
    if (f[2] == "sts" && StartsWith(resource, "assumed-role/")) {
      const std::string_view rest = resource.substr(13);
      const size_t slash = rest.find('/');
      const std::string_view role = rest.substr(0, slash);
      std::string role_arn = StrCat("arn:", f[1], ":iam::", f[4], ":role/", role);
      if (!has_session) p->session_arn = p->arn;
      p->arn = std::move(role_arn);
    }
  }

  void ReadTop(const Json& doc) {
    Request& r = result_->request;
    for (const auto& [name, value] : doc.items()) {
      const std::string pointer = Child("", name);
      if (name == "action") {
        if (value.is_null()) continue;
        if (ReadString(value, pointer, &r.action) &&
            !internal::EqualsIgnoreCase(r.action, kInvokeAction) &&
            !internal::EqualsIgnoreCase(r.action, kConnectAction)) {
          Warning("unknown-action",
                  StrCat("action ", QuoteForMessage(r.action), " is neither `", kInvokeAction,
                         "` nor `", kConnectAction, "`"),
                  pointer);
        }
      } else if (name == "method") {
        if (!value.is_null() && ReadString(value, pointer, &r.method) && r.method.empty()) {
          Error("invalid-value", "method must not be empty", pointer);
        }
      } else if (name == "path") {
        if (!value.is_null() && ReadString(value, pointer, &r.path) &&
            (r.path.empty() || r.path[0] != '/')) {
          Warning("invalid-value",
                  StrCat("path ", QuoteForMessage(r.path), " does not start with `/`"), pointer);
        }
      } else if (name == "query") {
        ReadQuery(value, pointer, &r);
      } else if (name == "headers") {
        ReadHeaders(value, pointer, &r);
      } else if (name == "sourceVpc") {
        ReadOptionalString(value, pointer, &r.source_vpc);
      } else if (name == "sourceVpcOwnerAccount") {
        ReadOptionalString(value, pointer, &r.source_vpc_owner_account,
                           "quote account ids so leading zeros survive");
      } else if (name == "port") {
        ReadPort(value, pointer, &r);
      } else if (name == "serviceArn") {
        ReadOptionalString(value, pointer, &r.service_arn);
      } else if (name == "serviceNetworkArn") {
        ReadOptionalString(value, pointer, &r.service_network_arn);
      } else if (name == "principal") {
        ReadPrincipal(value, pointer, &r);
      } else if (name == "resourceTags") {
        if (!value.is_null()) {
          ReadPairs(value, pointer, limits_.max_headers, "resource tags",
                    /*allow_lists=*/false, &r.resource_tags);
        }
      } else if (name == "sourceIp") {
        ReadOptionalString(value, pointer, &r.source_ip);
        internal::IpNet ip;
        if (r.source_ip.has_value() && !internal::ParseIp(*r.source_ip, &ip)) {
          Error("invalid-value",
                StrCat("source ip ", QuoteForMessage(*r.source_ip),
                       " is not an ipv4 or ipv6 address"),
                pointer);
          r.source_ip.reset();
        }
      } else if (name == "time") {
        ReadOptionalString(value, pointer, &r.time);
        int64_t millis;
        if (r.time.has_value() && !internal::ParseDate(*r.time, &millis)) {
          Error("invalid-value",
                StrCat("time ", QuoteForMessage(*r.time),
                       " is not an iso 8601 date (e.g. `2026-11-26T12:00:00Z`) "
                       "or epoch seconds"),
                pointer);
          r.time.reset();
        }
      } else {
        UnknownField("", name, "request", internal::ClosestMatch(name, kTopLevelFields));
      }
    }
  }

  std::string_view text_;
  const RequestLimits& limits_;
  RequestParseResult* result_;
};

// ---- The writer ------------------------------------------------------------------

Json PairsToJson(const std::vector<StringPair>& pairs) {
  Json array = Json::array();
  for (const StringPair& p : pairs) array.push_back(Json::array({p.first, p.second}));
  return array;
}

// An object when names are unique (the friendlier form), else pairs.
Json TagsToJson(const std::vector<StringPair>& tags) {
  absl::flat_hash_set<std::string_view> seen;
  for (const StringPair& t : tags) {
    if (!seen.insert(t.first).second) return PairsToJson(tags);
  }
  Json object = Json::object();
  for (const StringPair& t : tags) object[t.first] = t.second;
  return object;
}

}  // namespace

RequestParseResult ParseRequestJson(std::string_view text,
                                    const RequestLimits& limits) {
  RequestParseResult result;
  try {
    Reader(text, limits, &result).Run();
  } catch (const std::exception& e) {
    // Defensive: nothing above should throw, but the boundary never does.
    Issue issue;
    issue.code = "internal-error";
    issue.message = StrCat("unexpected error while reading the request: ", e.what());
    result.issues.push_back(std::move(issue));
  }
  return result;
}

std::string RequestToJson(const Request& request) {
  Json j = Json::object();
  j["action"] = request.action;
  j["method"] = request.method;
  j["path"] = request.path;
  if (!request.query.empty()) {
    // A query that needed percent-decoding is written as received, so
    // reading it back reports Q3 again.
    const bool raw = !request.raw_query.empty() && HasPercentEscape(request.raw_query) &&
                     RawQueryPairCount(request.raw_query) == request.query.size();
    j["query"] = raw ? Json(request.raw_query) : PairsToJson(request.query);
  }
  if (!request.headers.empty()) j["headers"] = PairsToJson(request.headers);
  if (request.source_vpc) j["sourceVpc"] = *request.source_vpc;
  if (request.source_vpc_owner_account) {
    j["sourceVpcOwnerAccount"] = *request.source_vpc_owner_account;
  }
  if (request.port) j["port"] = *request.port;
  if (request.service_arn) j["serviceArn"] = *request.service_arn;
  if (request.service_network_arn) j["serviceNetworkArn"] = *request.service_network_arn;
  if (request.principal) {
    const Principal& p = *request.principal;
    Json pj = Json::object();
    pj["arn"] = p.arn;
    pj["account"] = p.account;
    pj["type"] = p.type;
    if (!p.org_id.empty()) pj["orgId"] = p.org_id;
    if (!p.org_paths.empty()) pj["orgPaths"] = p.org_paths;
    if (!p.tags.empty()) pj["tags"] = TagsToJson(p.tags);
    if (!p.session_arn.empty()) pj["sessionArn"] = p.session_arn;
    j["principal"] = std::move(pj);
  } else {
    j["principal"] = nullptr;
  }
  if (!request.resource_tags.empty()) j["resourceTags"] = TagsToJson(request.resource_tags);
  if (request.source_ip) j["sourceIp"] = *request.source_ip;
  if (request.time) j["time"] = *request.time;
  // Invalid UTF-8 cannot be carried by JSON: it is replaced by U+FFFD.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string RequestToJson(const RequestView& view) {
  return RequestToJson(ToRequest(view));
}

}  // namespace latticepol
