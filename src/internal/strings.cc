// File: src/internal/strings.cc
// Stage: shared (internal). Message quoting, did-you-mean suggestions and
// UTF-8 decoding; see strings.h.
#include "internal/strings.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace latticepol::internal {

int DecodeUtf8(std::string_view s, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  int len;
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;  // continuation byte, 0xC0/0xC1 (overlong) or 0xF5+
  }
  if (i + len > s.size()) return 0;
  for (int k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (len == 3 && cp < 0x800) return 0;  // overlong
  if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;  // surrogate
  *code_point = cp;
  return len;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

// Code points that end or reorder a line on a terminal: C1 controls, the
// Unicode line and paragraph separators and the bidi embedding, override and
// isolate controls.
bool IsLineBreakingOrBidi(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

}  // namespace

std::string EscapeForMessage(std::string_view s, size_t max_chars) {
  std::string out;
  out.reserve(std::min(s.size(), max_chars) + 3);
  size_t chars = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (chars == max_chars) {
      out += "...";
      return out;
    }
    ++chars;
    uint32_t cp = 0;
    const int len = DecodeUtf8(s, i, &cp);
    if (len == 0) {  // invalid UTF-8: one byte at a time
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7F) {
      switch (cp) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          absl::StrAppendFormat(&out, "\\x%02x", cp);
          break;
      }
    } else if (IsLineBreakingOrBidi(cp)) {
      absl::StrAppendFormat(&out, "\\u%04x", cp);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string QuoteForMessage(std::string_view s, size_t max_chars) {
  std::string out = "`";
  out += EscapeForMessage(s, max_chars);
  out += '`';
  return out;
}

// ---- Suggestions ----------------------------------------------------------------

namespace {

constexpr size_t kMaxSuggestedNameBytes = 64;

size_t EditDistanceIgnoreCase(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    const char ca = absl::ascii_tolower(static_cast<unsigned char>(a[i - 1]));
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const char cb = absl::ascii_tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({up + 1, row[j - 1] + 1, diag + (ca == cb ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

ClosestMatcher::ClosestMatcher(std::string_view name)
    : name_(name),
      max_distance_(name.size() <= 3 ? 1 : std::clamp<size_t>(name.size() / 3, 2, 3)),
      best_distance_(max_distance_ + 1) {}

void ClosestMatcher::Consider(std::string_view candidate) {
  if (name_.empty() || best_distance_ == 0) return;
  if (name_.size() > kMaxSuggestedNameBytes) {
    // Only a spelling in another case.
    if (absl::EqualsIgnoreCase(AbslView(name_), AbslView(candidate))) {
      best_distance_ = 0;
      best_ = candidate;
    }
    return;
  }
  // The distance is at least the difference in length.
  const size_t diff = name_.size() > candidate.size() ? name_.size() - candidate.size()
                                                      : candidate.size() - name_.size();
  if (diff >= best_distance_) return;
  const size_t d = EditDistanceIgnoreCase(name_, candidate);
  if (d < best_distance_) {
    best_distance_ = d;
    best_ = candidate;
  }
}

std::string DidYouMean(std::string_view suggestion, std::string_view separator) {
  if (suggestion.empty()) return "";
  return StrCat(separator, "did you mean ", QuoteForMessage(suggestion), "?");
}

}  // namespace latticepol::internal
