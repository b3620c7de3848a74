// File: src/internal/json_reader.h
// Stage: parse (shared). A small, strict JSON reader that keeps what
// nlohmann-json 3.11 cannot: the byte offset of every value and of every
// object key, objects as ordered (key, value) vectors so duplicate keys stay
// visible, and numbers as their source text (no float rounding).
//
// Strictness (RFC 8259 with no extensions):
//   - no comments, trailing commas, single quotes, NaN/Infinity, leading `+`;
//   - strings must be valid UTF-8 (no overlong forms, no encoded surrogates,
//     nothing above U+10FFFF), raw control characters (< 0x20) are rejected,
//     `\uXXXX` escapes must pair surrogates correctly;
//   - a NUL byte anywhere is rejected, so is a byte order mark;
//   - anything but whitespace after the top-level value is rejected.
// Nesting is depth-checked *before* descending, so hostile input cannot
// exhaust the stack (the reader recurses at most `max_depth` levels).
//
// Example:
//   latticepol::internal::JsonValue root;
//   latticepol::internal::JsonError error;
//   if (!latticepol::internal::ReadJson(text, {}, &root, &error)) {
//     // error.offset, error.message
//   }
//   if (const JsonMember* m = root.Find("Statement")) { ... m->value.offset ... }
//
// Thread-compatible: ReadJson keeps no state between calls.
#ifndef LATTICEPOL_INTERNAL_JSON_READER_H_
#define LATTICEPOL_INTERNAL_JSON_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol::internal {

enum class JsonType : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// Returns "null", "a boolean", "a number", "a string", "an array" or
// "an object" (for messages such as "must be a string, got a number").
std::string_view JsonTypeName(JsonType type);

struct JsonMember;

// One JSON value. Only the fields of its `type` are meaningful.
struct JsonValue {
  JsonType type = JsonType::kNull;
  // Byte offset of the value's first character in the source text.
  int64_t offset = -1;
  bool bool_value = false;            // kBool
  // kString: the decoded UTF-8 contents. kNumber: the source text, exactly as
  // written (e.g. "80", "-1.50", "1e3").
  std::string text;
  std::vector<JsonValue> elements;    // kArray, in order
  std::vector<JsonMember> members;    // kObject, in source order, duplicates kept

  bool is_null() const { return type == JsonType::kNull; }
  bool is_bool() const { return type == JsonType::kBool; }
  bool is_number() const { return type == JsonType::kNumber; }
  bool is_string() const { return type == JsonType::kString; }
  bool is_array() const { return type == JsonType::kArray; }
  bool is_object() const { return type == JsonType::kObject; }

  // Returns the first member named exactly `key`, or nullptr (also for
  // non-objects).
  const JsonMember* Find(std::string_view key) const;
};

// One `"key": value` pair of an object.
struct JsonMember {
  std::string key;          // decoded
  int64_t key_offset = -1;  // byte offset of the key's opening quote
  JsonValue value;
};

struct JsonReadOptions {
  // Arrays and objects nested deeper than this are a syntax error. The
  // top-level value is depth 1 if it is an array or object. Values above
  // kMaxSupportedDepth are treated as kMaxSupportedDepth, so the recursion
  // stays far from any thread's stack limit.
  int max_depth = 64;
  static constexpr int kMaxSupportedDepth = 512;
};

// A syntax error: `offset` is the byte offset of the offending character (the
// text length for an unexpected end), `message` is one lowercase line.
struct JsonError {
  int64_t offset = -1;
  std::string message;
};

// Parses `text` as one JSON value. Returns true and fills `*out` on success;
// returns false and fills `*error` otherwise (`*out` is then unspecified).
// `error` may be null.
bool ReadJson(std::string_view text, const JsonReadOptions& options,
              JsonValue* out, JsonError* error);

// Returns true iff `text` is valid UTF-8 (shortest forms, no surrogates,
// at most U+10FFFF). If not and `bad_offset` is non-null, sets it to the
// offset of the first invalid byte.
bool IsValidUtf8(std::string_view text, int64_t* bad_offset = nullptr);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_JSON_READER_H_
