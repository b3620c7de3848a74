// File: src/internal/text.cc
// Stage: primitives. The value primitives of docs/semantics.md §3 declared in
// text.h: globs, ARNs, Unicode simple case folding (O1), exact decimal
// numbers (O3), ISO 8601 / epoch dates, IP networks (O5), booleans (O4),
// base64 and policy variables (3.5, V1, V2).
//
// Hot paths (GlobMatch, CompareNumbers, EqualsIgnoreCase, ParseIp, ParseDate)
// never allocate and never recurse.
#include "internal/text.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "internal/strings.h"

namespace latticepol::internal {
namespace {

// ---- UTF-8 ----------------------------------------------------------------

// Code points at or above this value stand for a stray (invalid) byte:
// kStrayByte + byte. They never fold and never equal a real code point.
constexpr uint32_t kStrayByte = 0x110000;

inline bool IsCont(unsigned char b) { return (b & 0xC0) == 0x80; }

// Decodes the unit (a well-formed UTF-8 sequence, or one stray byte) that
// starts at s[i]; i < s.size(). Returns its length in bytes. Not the shared
// DecodeUtf8 of strings.h: that one is out of line (a call per code point in
// GlobMatch and EqualsIgnoreCase) and rejects what this one maps to a stray
// unit.
inline size_t DecodeUnit(std::string_view s, size_t i, uint32_t* cp) {
  const unsigned char b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  const size_t left = s.size() - i;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left >= 2 && IsCont(static_cast<unsigned char>(s[i + 1]))) {
      *cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      return 2;
    }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left >= 3) {
      const unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
      const unsigned char b2 = static_cast<unsigned char>(s[i + 2]);
      const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
      const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
      if (b1 >= lo && b1 <= hi && IsCont(b2)) {
        *cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
        return 3;
      }
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left >= 4) {
      const unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
      const unsigned char b2 = static_cast<unsigned char>(s[i + 2]);
      const unsigned char b3 = static_cast<unsigned char>(s[i + 3]);
      const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
      const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
      if (b1 >= lo && b1 <= hi && IsCont(b2) && IsCont(b3)) {
        *cp = ((b0 & 0x07u) << 18) | ((b1 & 0x3Fu) << 12) | ((b2 & 0x3Fu) << 6) |
              (b3 & 0x3Fu);
        return 4;
      }
    }
  }
  *cp = kStrayByte + b0;
  return 1;
}

// Length of the unit at s[i] (see DecodeUnit).
inline size_t UnitLength(std::string_view s, size_t i) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return 1;
  uint32_t cp;
  return DecodeUnit(s, i, &cp);
}

inline char AsciiLowerChar(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// ---- Simple case folding (O1) ---------------------------------------------

// Runs of the Unicode simple case folding (CaseFolding.txt statuses C + S,
// Unicode 14): every code point lo, lo + stride, ..., hi maps to cp + delta.
// Generated from Python's unicodedata (casefold() when it yields one code
// point, else the simple lowercase mapping); runs are sorted and disjoint.
struct FoldRun {
  uint32_t lo;
  uint32_t hi;
  int32_t delta;
  uint32_t stride;
};
constexpr FoldRun kFoldRuns[] = {
    {0x0041, 0x005A, 32, 1},
    {0x00B5, 0x00B5, 775, 1},
    {0x00C0, 0x00D6, 32, 1},
    {0x00D8, 0x00DE, 32, 1},
    {0x0100, 0x012E, 1, 2},
    {0x0132, 0x0136, 1, 2},
    {0x0139, 0x0147, 1, 2},
    {0x014A, 0x0176, 1, 2},
    {0x0178, 0x0178, -121, 1},
    {0x0179, 0x017D, 1, 2},
    {0x017F, 0x017F, -268, 1},
    {0x0181, 0x0181, 210, 1},
    {0x0182, 0x0184, 1, 2},
    {0x0186, 0x0186, 206, 1},
    {0x0187, 0x0187, 1, 1},
    {0x0189, 0x018A, 205, 1},
    {0x018B, 0x018B, 1, 1},
    {0x018E, 0x018E, 79, 1},
    {0x018F, 0x018F, 202, 1},
    {0x0190, 0x0190, 203, 1},
    {0x0191, 0x0191, 1, 1},
    {0x0193, 0x0193, 205, 1},
    {0x0194, 0x0194, 207, 1},
    {0x0196, 0x0196, 211, 1},
    {0x0197, 0x0197, 209, 1},
    {0x0198, 0x0198, 1, 1},
    {0x019C, 0x019C, 211, 1},
    {0x019D, 0x019D, 213, 1},
    {0x019F, 0x019F, 214, 1},
    {0x01A0, 0x01A4, 1, 2},
    {0x01A6, 0x01A6, 218, 1},
    {0x01A7, 0x01A7, 1, 1},
    {0x01A9, 0x01A9, 218, 1},
    {0x01AC, 0x01AC, 1, 1},
    {0x01AE, 0x01AE, 218, 1},
    {0x01AF, 0x01AF, 1, 1},
    {0x01B1, 0x01B2, 217, 1},
    {0x01B3, 0x01B5, 1, 2},
    {0x01B7, 0x01B7, 219, 1},
    {0x01B8, 0x01B8, 1, 1},
    {0x01BC, 0x01BC, 1, 1},
    {0x01C4, 0x01C4, 2, 1},
    {0x01C5, 0x01C5, 1, 1},
    {0x01C7, 0x01C7, 2, 1},
    {0x01C8, 0x01C8, 1, 1},
    {0x01CA, 0x01CA, 2, 1},
    {0x01CB, 0x01DB, 1, 2},
    {0x01DE, 0x01EE, 1, 2},
    {0x01F1, 0x01F1, 2, 1},
    {0x01F2, 0x01F4, 1, 2},
    {0x01F6, 0x01F6, -97, 1},
    {0x01F7, 0x01F7, -56, 1},
    {0x01F8, 0x021E, 1, 2},
    {0x0220, 0x0220, -130, 1},
    {0x0222, 0x0232, 1, 2},
    {0x023A, 0x023A, 10795, 1},
    {0x023B, 0x023B, 1, 1},
    {0x023D, 0x023D, -163, 1},
    {0x023E, 0x023E, 10792, 1},
    {0x0241, 0x0241, 1, 1},
    {0x0243, 0x0243, -195, 1},
    {0x0244, 0x0244, 69, 1},
    {0x0245, 0x0245, 71, 1},
    {0x0246, 0x024E, 1, 2},
    {0x0345, 0x0345, 116, 1},
    {0x0370, 0x0372, 1, 2},
    {0x0376, 0x0376, 1, 1},
    {0x037F, 0x037F, 116, 1},
    {0x0386, 0x0386, 38, 1},
    {0x0388, 0x038A, 37, 1},
    {0x038C, 0x038C, 64, 1},
    {0x038E, 0x038F, 63, 1},
    {0x0391, 0x03A1, 32, 1},
    {0x03A3, 0x03AB, 32, 1},
    {0x03C2, 0x03C2, 1, 1},
    {0x03CF, 0x03CF, 8, 1},
    {0x03D0, 0x03D0, -30, 1},
    {0x03D1, 0x03D1, -25, 1},
    {0x03D5, 0x03D5, -15, 1},
    {0x03D6, 0x03D6, -22, 1},
    {0x03D8, 0x03EE, 1, 2},
    {0x03F0, 0x03F0, -54, 1},
    {0x03F1, 0x03F1, -48, 1},
    {0x03F4, 0x03F4, -60, 1},
    {0x03F5, 0x03F5, -64, 1},
    {0x03F7, 0x03F7, 1, 1},
    {0x03F9, 0x03F9, -7, 1},
    {0x03FA, 0x03FA, 1, 1},
    {0x03FD, 0x03FF, -130, 1},
    {0x0400, 0x040F, 80, 1},
    {0x0410, 0x042F, 32, 1},
    {0x0460, 0x0480, 1, 2},
    {0x048A, 0x04BE, 1, 2},
    {0x04C0, 0x04C0, 15, 1},
    {0x04C1, 0x04CD, 1, 2},
    {0x04D0, 0x052E, 1, 2},
    {0x0531, 0x0556, 48, 1},
    {0x10A0, 0x10C5, 7264, 1},
    {0x10C7, 0x10C7, 7264, 1},
    {0x10CD, 0x10CD, 7264, 1},
    {0x13F8, 0x13FD, -8, 1},
    {0x1C80, 0x1C80, -6222, 1},
    {0x1C81, 0x1C81, -6221, 1},
    {0x1C82, 0x1C82, -6212, 1},
    {0x1C83, 0x1C84, -6210, 1},
    {0x1C85, 0x1C85, -6211, 1},
    {0x1C86, 0x1C86, -6204, 1},
    {0x1C87, 0x1C87, -6180, 1},
    {0x1C88, 0x1C88, 35267, 1},
    {0x1C90, 0x1CBA, -3008, 1},
    {0x1CBD, 0x1CBF, -3008, 1},
    {0x1E00, 0x1E94, 1, 2},
    {0x1E9B, 0x1E9B, -58, 1},
    {0x1E9E, 0x1E9E, -7615, 1},
    {0x1EA0, 0x1EFE, 1, 2},
    {0x1F08, 0x1F0F, -8, 1},
    {0x1F18, 0x1F1D, -8, 1},
    {0x1F28, 0x1F2F, -8, 1},
    {0x1F38, 0x1F3F, -8, 1},
    {0x1F48, 0x1F4D, -8, 1},
    {0x1F59, 0x1F5F, -8, 2},
    {0x1F68, 0x1F6F, -8, 1},
    {0x1F88, 0x1F8F, -8, 1},
    {0x1F98, 0x1F9F, -8, 1},
    {0x1FA8, 0x1FAF, -8, 1},
    {0x1FB8, 0x1FB9, -8, 1},
    {0x1FBA, 0x1FBB, -74, 1},
    {0x1FBC, 0x1FBC, -9, 1},
    {0x1FBE, 0x1FBE, -7173, 1},
    {0x1FC8, 0x1FCB, -86, 1},
    {0x1FCC, 0x1FCC, -9, 1},
    {0x1FD8, 0x1FD9, -8, 1},
    {0x1FDA, 0x1FDB, -100, 1},
    {0x1FE8, 0x1FE9, -8, 1},
    {0x1FEA, 0x1FEB, -112, 1},
    {0x1FEC, 0x1FEC, -7, 1},
    {0x1FF8, 0x1FF9, -128, 1},
    {0x1FFA, 0x1FFB, -126, 1},
    {0x1FFC, 0x1FFC, -9, 1},
    {0x2126, 0x2126, -7517, 1},
    {0x212A, 0x212A, -8383, 1},
    {0x212B, 0x212B, -8262, 1},
    {0x2132, 0x2132, 28, 1},
    {0x2160, 0x216F, 16, 1},
    {0x2183, 0x2183, 1, 1},
    {0x24B6, 0x24CF, 26, 1},
    {0x2C00, 0x2C2F, 48, 1},
    {0x2C60, 0x2C60, 1, 1},
    {0x2C62, 0x2C62, -10743, 1},
    {0x2C63, 0x2C63, -3814, 1},
    {0x2C64, 0x2C64, -10727, 1},
    {0x2C67, 0x2C6B, 1, 2},
    {0x2C6D, 0x2C6D, -10780, 1},
    {0x2C6E, 0x2C6E, -10749, 1},
    {0x2C6F, 0x2C6F, -10783, 1},
    {0x2C70, 0x2C70, -10782, 1},
    {0x2C72, 0x2C72, 1, 1},
    {0x2C75, 0x2C75, 1, 1},
    {0x2C7E, 0x2C7F, -10815, 1},
    {0x2C80, 0x2CE2, 1, 2},
    {0x2CEB, 0x2CED, 1, 2},
    {0x2CF2, 0x2CF2, 1, 1},
    {0xA640, 0xA66C, 1, 2},
    {0xA680, 0xA69A, 1, 2},
    {0xA722, 0xA72E, 1, 2},
    {0xA732, 0xA76E, 1, 2},
    {0xA779, 0xA77B, 1, 2},
    {0xA77D, 0xA77D, -35332, 1},
    {0xA77E, 0xA786, 1, 2},
    {0xA78B, 0xA78B, 1, 1},
    {0xA78D, 0xA78D, -42280, 1},
    {0xA790, 0xA792, 1, 2},
    {0xA796, 0xA7A8, 1, 2},
    {0xA7AA, 0xA7AA, -42308, 1},
    {0xA7AB, 0xA7AB, -42319, 1},
    {0xA7AC, 0xA7AC, -42315, 1},
    {0xA7AD, 0xA7AD, -42305, 1},
    {0xA7AE, 0xA7AE, -42308, 1},
    {0xA7B0, 0xA7B0, -42258, 1},
    {0xA7B1, 0xA7B1, -42282, 1},
    {0xA7B2, 0xA7B2, -42261, 1},
    {0xA7B3, 0xA7B3, 928, 1},
    {0xA7B4, 0xA7C2, 1, 2},
    {0xA7C4, 0xA7C4, -48, 1},
    {0xA7C5, 0xA7C5, -42307, 1},
    {0xA7C6, 0xA7C6, -35384, 1},
    {0xA7C7, 0xA7C9, 1, 2},
    {0xA7D0, 0xA7D0, 1, 1},
    {0xA7D6, 0xA7D8, 1, 2},
    {0xA7F5, 0xA7F5, 1, 1},
    {0xAB70, 0xABBF, -38864, 1},
    {0xFF21, 0xFF3A, 32, 1},
    {0x10400, 0x10427, 40, 1},
    {0x104B0, 0x104D3, 40, 1},
    {0x10570, 0x1057A, 39, 1},
    {0x1057C, 0x1058A, 39, 1},
    {0x1058C, 0x10592, 39, 1},
    {0x10594, 0x10595, 39, 1},
    {0x10C80, 0x10CB2, 64, 1},
    {0x118A0, 0x118BF, 32, 1},
    {0x16E40, 0x16E5F, 32, 1},
    {0x1E900, 0x1E921, 34, 1},
};

uint32_t FoldCodePoint(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  }
  if (cp >= kStrayByte) return cp;
  // Last run with lo <= cp.
  const FoldRun* begin = kFoldRuns;
  const FoldRun* end = kFoldRuns + sizeof(kFoldRuns) / sizeof(kFoldRuns[0]);
  const FoldRun* it = std::upper_bound(
      begin, end, cp, [](uint32_t v, const FoldRun& r) { return v < r.lo; });
  if (it == begin) return cp;
  --it;
  if (cp > it->hi || (cp - it->lo) % it->stride != 0) return cp;
  return static_cast<uint32_t>(static_cast<int32_t>(cp) + it->delta);
}

}  // namespace

// ---- Globs -----------------------------------------------------------------

namespace {

// The one glob engine. `kEscapes`: `\` escapes the next byte (internal
// syntax); `kIgnoreAsciiCase`: literal bytes compare ASCII-case-insensitively
// (actions). Greedy with a single backtrack point: the position after the
// last `*` seen. When a later `*` is reached, earlier stars never need to be
// revisited because the segment between them was matched at its leftmost
// position. Every text position visited is a unit boundary, so `?` and the
// star's advance step over whole code points.
template <bool kEscapes, bool kIgnoreAsciiCase>
bool GlobMatchImpl(std::string_view pattern, std::string_view text) {
  const size_t pn = pattern.size();
  const size_t tn = text.size();
  size_t p = 0;
  size_t t = 0;
  size_t star_p = std::string_view::npos;  // pattern index after the last `*`
  size_t star_t = 0;                       // text index that `*` stops before
  while (t < tn) {
    if (p < pn) {
      const char c = pattern[p];
      if (c == '*') {
        while (p < pn && pattern[p] == '*') ++p;
        if (p == pn) return true;  // a trailing `*` takes the rest
        star_p = p;
        star_t = t;
        continue;
      }
      if (c == '?') {
        t += UnitLength(text, t);
        ++p;
        continue;
      }
      if (!kIgnoreAsciiCase && c != '\\') {
        // A run of plain literal bytes compares as one block.
        size_t run = 1;
        while (p + run < pn && pattern[p + run] != '*' && pattern[p + run] != '?' &&
               pattern[p + run] != '\\') {
          ++run;
        }
        // t < tn and p < pn: neither view is empty, so both pointers are
        // non-null.
        if (tn - t >= run && std::memcmp(text.data() + t, pattern.data() + p, run) == 0) {
          t += run;
          p += run;
          continue;
        }
      } else {
        char lit = c;
        size_t plen = 1;
        if (kEscapes && c == '\\' && p + 1 < pn) {
          lit = pattern[p + 1];
          plen = 2;
        }
        const char tc = text[t];
        if (kIgnoreAsciiCase ? AsciiLowerChar(tc) == AsciiLowerChar(lit)
                             : tc == lit) {
          ++t;
          p += plen;
          continue;
        }
      }
    }
    // Mismatch (or pattern exhausted with text left): let the last `*`
    // take one more unit.
    if (star_p == std::string_view::npos) return false;
    star_t += UnitLength(text, star_t);
    if (!kIgnoreAsciiCase && star_t < tn) {
      // Skip straight to the next place where the literal after the `*` can
      // start. Only for a byte that cannot be inside a UTF-8 sequence
      // (ASCII or a lead byte), so the jump lands on a unit boundary.
      const unsigned char next = static_cast<unsigned char>(pattern[star_p]);
      if (next != '?' && next != '\\' && (next < 0x80 || next >= 0xC0)) {
        // star_t < tn: the text is not empty, its pointer is non-null.
        const void* hit = std::memchr(text.data() + star_t, next, tn - star_t);
        if (hit == nullptr) return false;
        star_t = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
      }
    }
    t = star_t;
    p = star_p;
  }
  while (p < pn && pattern[p] == '*') ++p;
  return p == pn;
}

}  // namespace

std::string GlobFromPolicyText(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + 4);
  for (char c : raw) {
    if (c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string GlobEscape(std::string_view literal) {
  std::string out;
  out.reserve(literal.size() + 4);
  for (char c : literal) {
    if (c == '\\' || c == '*' || c == '?') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  return GlobMatchImpl<true, false>(pattern, text);
}

bool GlobIsLiteral(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // skip the escaped byte (a trailing `\` is a literal `\`)
    } else if (c == '*' || c == '?') {
      return false;
    }
  }
  return true;
}

std::string GlobUnescape(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    out.push_back(pattern[i]);
  }
  return out;
}

bool ActionMatches(std::string_view pattern, std::string_view action) {
  return GlobMatchImpl<false, true>(pattern, action);
}

// ---- ARNs ------------------------------------------------------------------

bool SplitArn(std::string_view arn, std::array<std::string_view, 6>* fields) {
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    (*fields)[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  (*fields)[5] = arn.substr(start);
  return (*fields)[0] == "arn";
}

bool ArnGlobMatch(std::string_view pattern, std::string_view arn) {
  std::array<std::string_view, 6> pf;
  std::array<std::string_view, 6> af;
  if (!SplitArn(pattern, &pf) || !SplitArn(arn, &af)) return false;
  for (int i = 1; i < 6; ++i) {
    if (!GlobMatch(pf[i], af[i])) return false;
  }
  return true;
}

// ---- Case ------------------------------------------------------------------

std::string FoldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(AsciiLowerChar(static_cast<char>(b)));
      ++i;
      continue;
    }
    uint32_t cp;
    const size_t len = DecodeUnit(s, i, &cp);
    const uint32_t folded = FoldCodePoint(cp);
    if (folded == cp) {
      out.append(s.data() + i, len);  // byte-exact, also for stray bytes
    } else {
      AppendUtf8(folded, &out);  // a folded code point is never a stray byte
    }
    i += len;
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  // ASCII fast path: compare byte by byte until either side leaves ASCII.
  size_t i = 0;
  const size_t n = std::min(a.size(), b.size());
  while (i < n) {
    const unsigned char ca = static_cast<unsigned char>(a[i]);
    const unsigned char cb = static_cast<unsigned char>(b[i]);
    if ((ca | cb) & 0x80) break;
    if (ca != cb && AsciiLowerChar(static_cast<char>(ca)) !=
                        AsciiLowerChar(static_cast<char>(cb))) {
      return false;
    }
    ++i;
  }
  if (i == a.size() || i == b.size()) return a.size() == b.size();
  // Both positions are unit boundaries: everything before was ASCII.
  size_t j = i;
  while (i < a.size() && j < b.size()) {
    uint32_t ca;
    uint32_t cb;
    i += DecodeUnit(a, i, &ca);
    j += DecodeUnit(b, j, &cb);
    if (ca != cb && FoldCodePoint(ca) != FoldCodePoint(cb)) return false;
  }
  return i == a.size() && j == b.size();
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

// ---- Numbers (O3) ----------------------------------------------------------

namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A valid number split into sign, integer digits without leading zeros and
// fraction digits without trailing zeros. Zero is {false, "", ""}.
struct Decimal {
  bool negative = false;
  std::string_view integer;
  std::string_view fraction;
};

Decimal SplitDecimal(std::string_view s) {
  Decimal d;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    d.negative = true;
    ++i;
  }
  while (i < s.size() && s[i] == '0') ++i;
  const size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  d.integer = s.substr(int_start, i - int_start);
  if (i < s.size() && s[i] == '.') {
    std::string_view frac = s.substr(i + 1);
    while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
    d.fraction = frac;
  }
  if (d.integer.empty() && d.fraction.empty()) d.negative = false;  // -0 == 0
  return d;
}

// Compares magnitudes.
int CompareMagnitude(const Decimal& a, const Decimal& b) {
  if (a.integer.size() != b.integer.size()) {
    return a.integer.size() < b.integer.size() ? -1 : 1;
  }
  int c = a.integer.compare(b.integer);
  if (c != 0) return c < 0 ? -1 : 1;
  // Fractions have no trailing zeros, so a lexicographic compare is exact
  // (a proper prefix is the smaller number).
  c = a.fraction.compare(b.fraction);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

bool IsValidNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == int_start) return false;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  ++i;
  const size_t frac_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i > frac_start && i == s.size();
}

int CompareNumbers(std::string_view a, std::string_view b) {
  const Decimal da = SplitDecimal(a);
  const Decimal db = SplitDecimal(b);
  if (da.negative != db.negative) return da.negative ? -1 : 1;
  const int m = CompareMagnitude(da, db);
  return da.negative ? -m : m;
}

// ---- Dates -----------------------------------------------------------------

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at s[*i]; advances *i.
bool ReadDigits(std::string_view s, size_t* i, int n, int* value) {
  if (s.size() - *i < static_cast<size_t>(n)) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[*i + k];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *value = v;
  return true;
}

bool Expect(std::string_view s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

// Epoch seconds: digits with an optional fraction (truncated to millis).
bool ParseEpochSeconds(std::string_view s, int64_t* epoch_millis) {
  constexpr int64_t kMaxSeconds = 9'000'000'000'000'000LL / 1000;
  size_t i = 0;
  int64_t seconds = 0;
  while (i < s.size() && IsDigit(s[i])) {
    seconds = seconds * 10 + (s[i] - '0');
    if (seconds > kMaxSeconds) return false;
    ++i;
  }
  if (i == 0) return false;
  int64_t millis = 0;
  if (i < s.size()) {
    if (s[i] != '.') return false;
    ++i;
    const size_t frac_start = i;
    int scale = 100;
    while (i < s.size() && IsDigit(s[i])) {
      millis += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == frac_start || i != s.size()) return false;
  }
  *epoch_millis = seconds * 1000 + millis;
  return true;
}

}  // namespace

bool ParseDate(std::string_view s, int64_t* epoch_millis) {
  if (s.empty()) return false;
  // A bare 4-digit value is a W3C year (`2024`), anything else made of
  // digits (and an optional fraction) is epoch seconds.
  const bool looks_epoch =
      std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c) || c == '.'; });
  if (looks_epoch && !(s.size() == 4 && s.find('.') == std::string_view::npos)) {
    return ParseEpochSeconds(s, epoch_millis);
  }
  size_t i = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  if (!ReadDigits(s, &i, 4, &year)) return false;
  if (i < s.size()) {
    if (!Expect(s, &i, '-') || !ReadDigits(s, &i, 2, &month)) return false;
    if (month < 1 || month > 12) return false;
    if (i < s.size()) {
      if (!Expect(s, &i, '-') || !ReadDigits(s, &i, 2, &day)) return false;
      if (day < 1 || day > DaysInMonth(year, month)) return false;
      if (i < s.size()) {
        // Time part: Thh:mm[:ss[.s+]]TZD; the zone designator is required.
        if (!Expect(s, &i, 'T') || !ReadDigits(s, &i, 2, &hour) ||
            !Expect(s, &i, ':') || !ReadDigits(s, &i, 2, &minute)) {
          return false;
        }
        if (hour > 23 || minute > 59) return false;
        if (i < s.size() && s[i] == ':') {
          ++i;
          if (!ReadDigits(s, &i, 2, &second) || second > 59) return false;
          if (i < s.size() && s[i] == '.') {
            ++i;
            const size_t frac_start = i;
            int scale = 100;
            while (i < s.size() && IsDigit(s[i])) {
              millis += (s[i] - '0') * scale;
              scale /= 10;
              ++i;
            }
            if (i == frac_start) return false;
          }
        }
        int offset_minutes = 0;
        if (i >= s.size()) return false;
        if (s[i] == 'Z') {
          ++i;
        } else if (s[i] == '+' || s[i] == '-') {
          const int sign = s[i] == '-' ? -1 : 1;
          ++i;
          int oh = 0, om = 0;
          if (!ReadDigits(s, &i, 2, &oh) || !Expect(s, &i, ':') ||
              !ReadDigits(s, &i, 2, &om) || oh > 23 || om > 59) {
            return false;
          }
          offset_minutes = sign * (oh * 60 + om);
        } else {
          return false;
        }
        if (i != s.size()) return false;
        const int64_t days = DaysFromCivil(year, month, day);
        *epoch_millis =
            ((days * 24 + hour) * 60 + minute - offset_minutes) * 60000LL +
            second * 1000LL + millis;
        return true;
      }
    }
  }
  *epoch_millis = DaysFromCivil(year, month, day) * 86400000LL;
  return true;
}

// ---- IP --------------------------------------------------------------------

namespace {

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict dotted quad: four decimal octets, no leading zeros, each <= 255.
bool ParseIp4(std::string_view s, uint8_t* out) {
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && !Expect(s, &i, '.')) return false;
    const size_t start = i;
    int v = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 3) {
      v = v * 10 + (s[i] - '0');
      ++i;
    }
    const size_t len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    if (i < s.size() && IsDigit(s[i])) return false;  // more than 3 digits
    out[part] = static_cast<uint8_t>(v);
  }
  return i == s.size();
}

// RFC 4291 text forms: eight groups, `::` for one or more zero groups, and
// an optional dotted-quad tail for the last 32 bits. No zone ids.
bool ParseIp6(std::string_view s, uint8_t* out) {
  uint16_t groups[8] = {};
  int n = 0;
  int gap = -1;  // index in `groups` where `::` was seen
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
  } else if (s.empty() || s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    const size_t start = i;
    int v = 0;
    while (i < s.size() && HexValue(s[i]) >= 0) {
      v = v * 16 + HexValue(s[i]);
      ++i;
      if (i - start > 4) break;
    }
    if (i < s.size() && s[i] == '.') {
      // Embedded IPv4 tail: it must be the last thing and fit two groups.
      if (n > 6) return false;
      uint8_t v4[4];
      if (!ParseIp4(s.substr(start), v4)) return false;
      groups[n++] = static_cast<uint16_t>((v4[0] << 8) | v4[1]);
      groups[n++] = static_cast<uint16_t>((v4[2] << 8) | v4[3]);
      i = s.size();
      break;
    }
    const size_t len = i - start;
    if (len == 0 || len > 4 || n == 8) return false;
    groups[n++] = static_cast<uint16_t>(v);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;  // at most one `::`
      gap = n;
      ++i;
    } else if (i == s.size()) {
      return false;  // a single trailing colon
    }
  }
  if (gap < 0) {
    if (n != 8) return false;
  } else if (n > 7) {
    return false;
  }
  uint16_t full[8] = {};
  if (gap < 0) {
    std::copy(groups, groups + 8, full);
  } else {
    std::copy(groups, groups + gap, full);
    const int tail = n - gap;
    std::copy(groups + gap, groups + n, full + 8 - tail);
  }
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(full[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(full[k] & 0xFF);
  }
  return true;
}

void ClearHostBits(IpNet* net) {
  const int total = net->v6 ? 16 : 4;
  for (int k = 0; k < total; ++k) {
    const int bits_kept = std::clamp(net->prefix - 8 * k, 0, 8);
    const uint8_t mask = static_cast<uint8_t>(bits_kept == 0 ? 0 : 0xFF << (8 - bits_kept));
    net->bytes[k] &= mask;
  }
}

}  // namespace

bool ParseIp(std::string_view s, IpNet* addr) {
  IpNet result;
  if (s.find(':') != std::string_view::npos) {
    if (!ParseIp6(s, result.bytes.data())) return false;
    result.v6 = true;
    result.prefix = 128;
  } else {
    if (!ParseIp4(s, result.bytes.data())) return false;
    result.prefix = 32;
  }
  *addr = result;
  return true;
}

bool ParseCidr(std::string_view s, IpNet* net) {
  const size_t slash = s.find('/');
  IpNet result;
  if (!ParseIp(s.substr(0, slash), &result)) return false;
  if (slash != std::string_view::npos) {
    const std::string_view digits = s.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        (digits.size() > 1 && digits[0] == '0')) {
      return false;
    }
    int prefix = 0;
    for (char c : digits) {
      if (!IsDigit(c)) return false;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > (result.v6 ? 128 : 32)) return false;
    result.prefix = prefix;
  }
  ClearHostBits(&result);
  *net = result;
  return true;
}

bool CidrContains(const IpNet& net, const IpNet& addr) {
  if (net.v6 != addr.v6) return false;
  const int full_bytes = net.prefix / 8;
  for (int k = 0; k < full_bytes; ++k) {
    if (net.bytes[k] != addr.bytes[k]) return false;
  }
  const int rest = net.prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (net.bytes[full_bytes] & mask) == (addr.bytes[full_bytes] & mask);
}

// ---- Bool, binary ----------------------------------------------------------

bool ParseBool(std::string_view s, bool* value) {
  if (EqualsIgnoreCase(s, "true")) {
    *value = true;
    return true;
  }
  if (EqualsIgnoreCase(s, "false")) {
    *value = false;
    return true;
  }
  return false;
}

bool Base64Decode(std::string_view s, std::string* out) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!s.empty() && s.back() == '=') ++pad;
  if (s.size() >= 2 && s[s.size() - 2] == '=') ++pad;
  std::string result;
  result.reserve(s.size() / 4 * 3);
  const size_t data_len = s.size() - pad;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_len; ++i) {
    const int v = value_of(s[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      result.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  *out = std::move(result);
  return true;
}

// ---- Policy variables (3.5) ------------------------------------------------

namespace {

enum class VarKind : uint8_t { kNone, kEscape, kVariable };

struct VarToken {
  VarKind kind = VarKind::kNone;
  size_t end = 0;             // index just past the closing `}`
  char escaped = 0;           // kEscape: `*`, `?` or `$`
  std::string_view key;       // kVariable
  bool has_default = false;
  std::string_view default_value;
};

inline bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Parses the variable or escape starting at value[i] == '$', value[i+1] ==
// '{'. kNone means "not a variable": the text stays literal (V1 covers both
// an unterminated `${` and a malformed one).
VarToken ParseVariableAt(std::string_view value, size_t i) {
  VarToken tok;
  size_t j = i + 2;
  const size_t n = value.size();
  if (j + 1 < n && value[j + 1] == '}' &&
      (value[j] == '*' || value[j] == '?' || value[j] == '$')) {
    tok.kind = VarKind::kEscape;
    tok.escaped = value[j];
    tok.end = j + 2;
    return tok;
  }
  while (j < n && IsSpace(value[j])) ++j;
  const size_t key_start = j;
  while (j < n) {
    const char c = value[j];
    if (c == '}' || c == ',' || c == '\'' || c == '{' || c == '$' || IsSpace(c)) break;
    ++j;
  }
  if (j == key_start) return tok;
  const std::string_view key = value.substr(key_start, j - key_start);
  while (j < n && IsSpace(value[j])) ++j;
  if (j < n && value[j] == ',') {
    ++j;
    while (j < n && IsSpace(value[j])) ++j;
    if (j >= n || value[j] != '\'') return tok;
    const size_t close = value.find('\'', j + 1);
    if (close == std::string_view::npos) return tok;
    tok.default_value = value.substr(j + 1, close - j - 1);
    tok.has_default = true;
    j = close + 1;
    while (j < n && IsSpace(value[j])) ++j;
  }
  if (j >= n || value[j] != '}') return tok;
  tok.kind = VarKind::kVariable;
  tok.key = key;
  tok.end = j + 1;
  return tok;
}

void AppendPolicyText(std::string_view text, SubstituteFor mode, std::string* out) {
  if (mode == SubstituteFor::kGlob) {
    for (char c : text) {
      if (c == '\\') out->push_back('\\');
      out->push_back(c);
    }
  } else {
    out->append(text);
  }
}

void AppendSubstituted(std::string_view text, SubstituteFor mode,
                       std::string* out, DecisionIdMask* ids) {
  if (mode == SubstituteFor::kGlob) {
    for (char c : text) {
      if (c == '\\' || c == '*' || c == '?') {
        out->push_back('\\');
        if (c != '\\' && ids != nullptr) *ids |= Bit(DecisionId::kV2);
      }
      out->push_back(c);
    }
  } else {
    out->append(text);
  }
}

}  // namespace

bool HasVariable(std::string_view value) {
  size_t i = value.find("${");
  while (i != std::string_view::npos) {
    if (ParseVariableAt(value, i).kind != VarKind::kNone) return true;
    i = value.find("${", i + 1);
  }
  return false;
}

bool SubstituteVariables(std::string_view value, SubstituteFor mode,
                         const VariableResolver& resolve, std::string* out,
                         DecisionIdMask* ids) {
  out->clear();
  out->reserve(value.size());
  bool resolved_all = true;
  size_t literal_start = 0;
  size_t i = value.find("${");
  std::string resolved;
  while (i != std::string_view::npos) {
    const VarToken tok = ParseVariableAt(value, i);
    if (tok.kind == VarKind::kNone) {
      if (ids != nullptr) *ids |= Bit(DecisionId::kV1);
      i = value.find("${", i + 1);
      continue;
    }
    AppendPolicyText(value.substr(literal_start, i - literal_start), mode, out);
    if (tok.kind == VarKind::kEscape) {
      if (mode == SubstituteFor::kGlob && tok.escaped != '$') out->push_back('\\');
      out->push_back(tok.escaped);
    } else {
      resolved.clear();
      if (resolve && resolve(tok.key, &resolved)) {
        AppendSubstituted(resolved, mode, out, ids);
      } else if (tok.has_default) {
        AppendSubstituted(tok.default_value, mode, out, ids);
      } else {
        // Unresolvable: keep the reference as literal text for explanations.
        resolved_all = false;
        AppendSubstituted(value.substr(i, tok.end - i), mode, out, nullptr);
      }
    }
    literal_start = tok.end;
    i = value.find("${", tok.end);
  }
  AppendPolicyText(value.substr(literal_start), mode, out);
  return resolved_all;
}

bool PolicyValueParses(OperatorFamily family, std::string_view value) {
  switch (family) {
    case OperatorFamily::kNumeric:
      return IsValidNumber(value);
    case OperatorFamily::kDate: {
      int64_t ms = 0;
      return ParseDate(value, &ms);
    }
    case OperatorFamily::kIp: {
      IpNet net;
      return ParseCidr(value, &net);
    }
    case OperatorFamily::kBinary: {
      std::string decoded;
      return Base64Decode(value, &decoded);
    }
    default:
      return true;  // String, Bool ("other text never matches"), Arn, Null
  }
}

}  // namespace latticepol::internal
