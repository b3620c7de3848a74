// File: src/internal/strings.h
// Stage: shared (internal). The string helpers every stage needs:
//   - StrCat/StrAppend that accept std::string_view (Debian's absl 20220623 is
//     built with its own string_view type, so absl::StrCat does not), and
//     AbslView to pass a std::string_view to the other absl string functions;
//   - QuoteForMessage/EscapeForMessage: user input made safe for a one-line
//     issue message (control characters and invalid UTF-8 escaped, long
//     values cut);
//   - ClosestMatch: the did-you-mean suggestion of unknown names;
//   - DecodeUtf8/AppendUtf8: one strict UTF-8 sequence.
#ifndef LATTICEPOL_INTERNAL_STRINGS_H_
#define LATTICEPOL_INTERNAL_STRINGS_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace latticepol::internal {

// ---- Concatenation ------------------------------------------------------------

// Adapts a std::string_view for absl's string functions (StartsWith,
// StrSplit, StrReplaceAll, ...).
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

namespace strings_internal {
// Anything convertible to std::string_view (std::string, const char*, string
// literals) becomes an absl::string_view; everything else (integers, floating
// point, absl::Hex, absl::Dec, absl::string_view) goes to absl::AlphaNum as is.
// A `char` is rejected by absl::AlphaNum on purpose: write "x" or
// std::string(1, c).
template <typename T>
decltype(auto) Piece(const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view> &&
                !std::is_same_v<T, absl::string_view>) {
    return AbslView(std::string_view(v));
  } else {
    return (v);
  }
}
}  // namespace strings_internal

// Returns the concatenation of `args`: any mix of strings (std::string,
// std::string_view, const char*), integers and floating point numbers
// (formatted as absl::StrCat does).
template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(strings_internal::Piece(args)...);
}

// Appends the concatenation of `args` to `*out`.
template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  absl::StrAppend(out, strings_internal::Piece(args)...);
}

// ---- User input in messages -----------------------------------------------------

// Values longer than this many characters are cut (with `...`) in messages.
// Small byte-level predicates shared by both evaluators (kept inline: they run
// on the evaluation paths).
inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}
inline bool HasNonAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}
inline bool HasAsciiUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}
// Returns true iff `s` is a 12-digit AWS account id.
inline bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

inline constexpr size_t kMaxQuotedChars = 80;
// File paths are cut only past this: a shortened path is of no use.
inline constexpr size_t kMaxQuotedPathChars = 1024;

// Returns `s` made safe for a one-line message: `\n`, `\r`, `\t` and other
// control characters (C0, DEL, C1), invalid UTF-8 bytes (`\xff`) and the
// characters that break or reorder lines (U+2028, U+2029, bidi controls,
// `\u2028`) are escaped; after `max_chars` characters the rest is replaced by
// `...` (never inside a UTF-8 sequence or an escape).
std::string EscapeForMessage(std::string_view s, size_t max_chars = kMaxQuotedChars);

// Returns EscapeForMessage(s) in backticks, the house style for user input in
// messages: unknown field `nmae`.
std::string QuoteForMessage(std::string_view s, size_t max_chars = kMaxQuotedChars);

// ---- Suggestions ------------------------------------------------------------------

// Finds the candidate closest to an unknown name by ASCII case-insensitive
// edit distance (Levenshtein). A candidate is close enough when the distance
// is at most 1 for names of up to 3 characters, else a third of the length,
// at least 2 and at most 3. Ties go to the earlier candidate. Names over 64
// bytes only match a candidate spelled the same in another case (the
// distance is quadratic).
class ClosestMatcher {
 public:
  explicit ClosestMatcher(std::string_view name);
  void Consider(std::string_view candidate);
  // The best candidate so far, or "" when none is close enough. Points into
  // the candidate passed to Consider.
  std::string_view best() const { return best_; }

 private:
  std::string_view name_;
  size_t max_distance_;
  size_t best_distance_;
  std::string_view best_;
};

// Returns the candidate closest to `name` (see ClosestMatcher), or "" if none
// is close. The result points into `candidates`.
template <typename Container>
std::string_view ClosestMatch(std::string_view name, const Container& candidates) {
  ClosestMatcher matcher(name);
  for (const auto& c : candidates) matcher.Consider(c);
  return matcher.best();
}
inline std::string_view ClosestMatch(std::string_view name,
                                     std::initializer_list<std::string_view> candidates) {
  ClosestMatcher matcher(name);
  for (std::string_view c : candidates) matcher.Consider(c);
  return matcher.best();
}

// Returns "; did you mean `x`?" (with `separator` in front) for a non-empty
// suggestion `x`, else "".
std::string DidYouMean(std::string_view suggestion, std::string_view separator = "; ");

// ---- UTF-8 ------------------------------------------------------------------------

// Decodes the UTF-8 sequence at `s[i]` (i < s.size()). Returns its length
// (1-4) and sets `*code_point`, or returns 0 if the bytes there are not a
// valid shortest-form scalar value (no surrogates, at most U+10FFFF).
int DecodeUtf8(std::string_view s, size_t i, uint32_t* code_point);

// Appends the UTF-8 encoding of `code_point` (at most U+10FFFF) to `*out`.
void AppendUtf8(uint32_t code_point, std::string* out);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_STRINGS_H_
