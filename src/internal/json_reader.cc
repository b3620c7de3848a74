// File: src/internal/json_reader.cc
// Stage: parse (shared). Strict recursive-descent JSON reader with byte
// offsets; see json_reader.h for the accepted grammar. Recursion depth is
// bounded by JsonReadOptions::max_depth, checked before each descent.
#include "internal/json_reader.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "internal/strings.h"

namespace latticepol::internal {
namespace {

// Returns the length (1-4) of the valid UTF-8 sequence at `s[i]`, or 0.
int Utf8SequenceLength(std::string_view s, size_t i) {
  uint32_t code_point;
  return DecodeUtf8(s, i, &code_point);
}

std::string DescribeByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u == 0) return "nul byte";
  if (u >= 0x21 && u < 0x7F) return StrCat("character `", std::string(1, c), "`");
  return absl::StrFormat("byte 0x%02x", u);
}

class Reader {
 public:
  Reader(std::string_view text, const JsonReadOptions& options)
      : text_(text),
        max_depth_(std::min(options.max_depth, JsonReadOptions::kMaxSupportedDepth)) {}

  bool Read(JsonValue* out) {
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") {
      return Fail(0, "unexpected byte order mark: save the file as utf-8 without bom");
    }
    SkipWhitespace();
    if (AtEnd()) return Fail(pos_, "empty document: expected a json value");
    if (!ParseValue(out, 0)) return false;
    SkipWhitespace();
    if (!AtEnd()) {
      return Fail(pos_, StrCat("unexpected ", DescribeByte(text_[pos_]), " after the json value"));
    }
    return true;
  }

  const JsonError& error() const { return error_; }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }

  bool Fail(size_t offset, std::string message) {
    error_.offset = static_cast<int64_t>(offset);
    error_.message = std::move(message);
    return false;
  }

  bool FailUnexpected(std::string_view expected) {
    if (AtEnd()) return Fail(pos_, StrCat("unexpected end of input: expected ", expected));
    return Fail(pos_, StrCat("unexpected ", DescribeByte(text_[pos_]), ": expected ", expected));
  }

  void SkipWhitespace() {
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  // `depth` is the number of arrays/objects already open around this value.
  bool ParseValue(JsonValue* out, int depth) {
    out->offset = static_cast<int64_t>(pos_);
    if (AtEnd()) return FailUnexpected("a json value");
    switch (text_[pos_]) {
      case '{':
        return ParseObject(out, depth);
      case '[':
        return ParseArray(out, depth);
      case '"':
        out->type = JsonType::kString;
        return ParseString(&out->text);
      case 't':
        out->type = JsonType::kBool;
        out->bool_value = true;
        return ParseLiteral("true");
      case 'f':
        out->type = JsonType::kBool;
        out->bool_value = false;
        return ParseLiteral("false");
      case 'n':
        out->type = JsonType::kNull;
        return ParseLiteral("null");
      default:
        if (text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9')) {
          out->type = JsonType::kNumber;
          return ParseNumber(&out->text);
        }
        return FailUnexpected("a json value");
    }
  }

  bool ParseLiteral(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      return Fail(pos_, StrCat("invalid literal: expected `", word, "`"));
    }
    pos_ += word.size();
    return true;
  }

  bool EnterContainer(int depth) {
    if (depth + 1 > max_depth_) {
      return Fail(pos_, StrCat("nesting exceeds the maximum depth of ", max_depth_));
    }
    return true;
  }

  bool ParseObject(JsonValue* out, int depth) {
    if (!EnterContainer(depth)) return false;
    out->type = JsonType::kObject;
    ++pos_;  // '{'
    SkipWhitespace();
    if (!AtEnd() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd() || text_[pos_] != '"') return FailUnexpected("a string key");
      JsonMember member;
      member.key_offset = static_cast<int64_t>(pos_);
      if (!ParseString(&member.key)) return false;
      SkipWhitespace();
      if (AtEnd() || text_[pos_] != ':') return FailUnexpected("`:`");
      ++pos_;
      SkipWhitespace();
      if (!ParseValue(&member.value, depth + 1)) return false;
      out->members.push_back(std::move(member));
      SkipWhitespace();
      if (AtEnd()) return FailUnexpected("`,` or `}`");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return FailUnexpected("`,` or `}`");
    }
  }

  bool ParseArray(JsonValue* out, int depth) {
    if (!EnterContainer(depth)) return false;
    out->type = JsonType::kArray;
    ++pos_;  // '['
    SkipWhitespace();
    if (!AtEnd() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      JsonValue element;
      if (!ParseValue(&element, depth + 1)) return false;
      out->elements.push_back(std::move(element));
      SkipWhitespace();
      if (AtEnd()) return FailUnexpected("`,` or `]`");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return FailUnexpected("`,` or `]`");
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool ParseNumber(std::string* out) {
    const size_t start = pos_;
    const auto digit = [&] { return !AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    if (text_[pos_] == '-') ++pos_;
    if (!digit()) return Fail(pos_, "invalid number: expected a digit");
    if (text_[pos_] == '0') {
      ++pos_;
      if (digit()) return Fail(pos_, "invalid number: leading zeros are not allowed");
    } else {
      while (digit()) ++pos_;
    }
    if (!AtEnd() && text_[pos_] == '.') {
      ++pos_;
      if (!digit()) return Fail(pos_, "invalid number: expected a digit after `.`");
      while (digit()) ++pos_;
    }
    if (!AtEnd() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (!AtEnd() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digit()) return Fail(pos_, "invalid number: expected a digit in the exponent");
      while (digit()) ++pos_;
    }
    out->assign(text_.substr(start, pos_ - start));
    return true;
  }

  // Reads 4 hex digits at pos_.
  bool ParseHex4(uint32_t* value) {
    if (pos_ + 4 > text_.size()) {
      return Fail(pos_, "invalid `\\u` escape: expected 4 hex digits");
    }
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[pos_ + k];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Fail(pos_ + k, "invalid `\\u` escape: expected 4 hex digits");
      }
    }
    pos_ += 4;
    *value = v;
    return true;
  }

  // pos_ is at the backslash of a `\u` escape.
  bool ParseUnicodeEscape(std::string* out) {
    const size_t escape_start = pos_;
    pos_ += 2;  // "\u"
    uint32_t cp;
    if (!ParseHex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Fail(escape_start, "invalid `\\u` escape: unpaired low surrogate");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") {
        return Fail(escape_start, "invalid `\\u` escape: high surrogate without a low surrogate");
      }
      pos_ += 2;
      uint32_t low;
      if (!ParseHex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return Fail(escape_start, "invalid `\\u` escape: high surrogate without a low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  // pos_ is at the opening quote.
  bool ParseString(std::string* out) {
    const size_t open = pos_;
    ++pos_;
    out->clear();
    while (true) {
      if (AtEnd()) return Fail(open, "unterminated string");
      const char c = text_[pos_];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) return Fail(open, "unterminated string");
        const char e = text_[pos_ + 1];
        char decoded;
        switch (e) {
          case '"': decoded = '"'; break;
          case '\\': decoded = '\\'; break;
          case '/': decoded = '/'; break;
          case 'b': decoded = '\b'; break;
          case 'f': decoded = '\f'; break;
          case 'n': decoded = '\n'; break;
          case 'r': decoded = '\r'; break;
          case 't': decoded = '\t'; break;
          case 'u':
            if (!ParseUnicodeEscape(out)) return false;
            continue;
          default:
            return Fail(pos_, StrCat("invalid escape ",
                                      QuoteForMessage(StrCat("\\", std::string(1, e))),
                                      " in string"));
        }
        out->push_back(decoded);
        pos_ += 2;
        continue;
      }
      if (u == 0) return Fail(pos_, "nul byte in string");
      if (u < 0x20) {
        return Fail(pos_, absl::StrFormat(
                              "raw control character 0x%02x in string: escape it", u));
      }
      if (u < 0x80) {
        out->push_back(c);
        ++pos_;
        continue;
      }
      const int len = Utf8SequenceLength(text_, pos_);
      if (len == 0) return Fail(pos_, "invalid utf-8 in string");
      out->append(text_.substr(pos_, len));
      pos_ += len;
    }
  }

  std::string_view text_;
  int max_depth_;
  size_t pos_ = 0;
  JsonError error_;
};

}  // namespace

std::string_view JsonTypeName(JsonType type) {
  switch (type) {
    case JsonType::kNull: return "null";
    case JsonType::kBool: return "a boolean";
    case JsonType::kNumber: return "a number";
    case JsonType::kString: return "a string";
    case JsonType::kArray: return "an array";
    case JsonType::kObject: return "an object";
  }
  return "a value";
}

const JsonMember* JsonValue::Find(std::string_view key) const {
  for (const JsonMember& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

bool ReadJson(std::string_view text, const JsonReadOptions& options,
              JsonValue* out, JsonError* error) {
  *out = JsonValue();
  Reader reader(text, options);
  if (reader.Read(out)) return true;
  if (error != nullptr) *error = reader.error();
  return false;
}

bool IsValidUtf8(std::string_view text, int64_t* bad_offset) {
  size_t i = 0;
  while (i < text.size()) {
    const int len = Utf8SequenceLength(text, i);
    if (len == 0) {
      if (bad_offset != nullptr) *bad_offset = static_cast<int64_t>(i);
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace latticepol::internal
