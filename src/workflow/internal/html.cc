// File: src/workflow/internal/html.cc
// Stage: report (internal). HTML escaping with UTF-8 validation (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF) and number
// formatting for the HTML report.
#include "workflow/internal/html.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "internal/strings.h"

namespace latticepol::internal {
namespace {

// Length of the valid UTF-8 sequence at the start of `s` (>= 2 bytes), or 0.
size_t Utf8SequenceLength(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const uint8_t c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void AppendEscaped(std::string* out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out->append("&amp;"); break;
        case '<': out->append("&lt;"); break;
        case '>': out->append("&gt;"); break;
        case '"': out->append("&quot;"); break;
        case '\'': out->append("&#39;"); break;
        case '\t':
        case '\n': out->push_back(static_cast<char>(c)); break;
        default:
          if (c < 0x20 || c == 0x7F) {
            absl::StrAppendFormat(out, "\\x%02X", c);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) {
      out->append("\xEF\xBF\xBD");  // U+FFFD
      ++i;
      continue;
    }
    const std::string_view seq = text.substr(i, n);
    if (seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF") {
      out->append(seq[2] == '\xBE' ? "\\u{FFFE}" : "\\u{FFFF}");
    } else if (n == 2 && static_cast<uint8_t>(seq[0]) == 0xC2 &&
               static_cast<uint8_t>(seq[1]) < 0xA0) {
      absl::StrAppendFormat(out, "\\u{%X}", static_cast<uint8_t>(seq[1]));  // C1 controls
    } else {
      out->append(seq);
    }
    i += n;
  }
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendEscaped(&out, text);
  return out;
}

std::string Shorten(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
  return StrCat(text.substr(0, cut), " \xE2\x80\xA6 (", text.size() - cut, " more bytes)");
}

std::string Grouped(uint64_t n) {
  const std::string digits = StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Compact(uint64_t n) {
  const double x = static_cast<double>(n);
  if (n >= 10'000'000) return absl::StrFormat("%.0fM", x / 1e6);
  if (n >= 1'000'000) return absl::StrFormat("%.1fM", x / 1e6);
  if (n >= 10'000) return absl::StrFormat("%.0fk", x / 1e3);
  if (n >= 1'000) return absl::StrFormat("%.1fk", x / 1e3);
  return StrCat(n);
}

}  // namespace latticepol::internal
