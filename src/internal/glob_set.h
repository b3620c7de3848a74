// File: src/internal/glob_set.h
// Stage: compile. A grouped glob matcher for the compiled evaluator: all the
// StringLike patterns of one condition key (or the Resource patterns of one
// statement) in one object. Each pattern is classified once into a shape
// (exact, any, prefix, suffix, prefix+suffix, contains, star-only chain, or
// general with `?`), and the common shapes are matched with plain string
// operations: prefixes of 1..8 bytes through a direct-mapped table when
// there are several, longer prefixes through a head-word index, contains
// literals (`*m*`, `a*m*b`) of texts up to 32 bytes by SSE2 byte masks over
// one load of the text. When one set holds many `*`-only patterns with two
// or more middles they are also compiled into one anchored RE2::Set
// (Latin-1, `*` -> `(?s:.*)`), which reports every matching pattern in one
// pass.
//
// Matching is exactly internal::GlobMatch for every pattern (the RE2::Set is
// only used for patterns whose translation is exact; on a DFA memory error it
// falls back to the per-pattern loop). Immutable after Compile(); thread-safe.
#ifndef LATTICEPOL_INTERNAL_GLOB_SET_H_
#define LATTICEPOL_INTERNAL_GLOB_SET_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace latticepol::internal {

// ---- Short-string helpers shared with the compiled evaluator -------------

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

inline uint16_t Load16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;  // only compared for equality: byte order does not matter
}

// The first min(8, n) bytes at `p` as a little-endian word, zero padded
// (byte i of the text is byte i of the word). Branch-light, no call.
inline __attribute__((always_inline)) uint64_t HeadOf(const char* p, size_t n) {
  if (n >= 8) return Load64(p);
  if (n >= 4) {
    const uint64_t lo = Load32(p);
    const uint64_t hi = Load32(p + n - 4);
    return lo | (hi << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  const uint64_t b0 = static_cast<unsigned char>(p[0]);
  const uint64_t b1 = static_cast<unsigned char>(p[n >> 1]);
  const uint64_t b2 = static_cast<unsigned char>(p[n - 1]);
  return b0 | (b1 << (8 * (n >> 1))) | (b2 << (8 * (n - 1)));
}

// Returns true iff the `n` bytes at `a` and `b` are equal; inline, no call.
inline __attribute__((always_inline)) bool BytesEqual(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    // Overlapping words: the first and the last eight bytes, and any in
    // between eight at a time.
    if (Load64(a) != Load64(b)) return false;
    for (size_t i = 8; i + 8 < n; i += 8) {
      if (Load64(a + i) != Load64(b + i)) return false;
    }
    return Load64(a + n - 8) == Load64(b + n - 8);
  }
  if (n >= 4) return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
  if (n >= 2) return Load16(a) == Load16(b) && Load16(a + n - 2) == Load16(b + n - 2);
  return n == 0 || a[0] == b[0];
}

// The first and the last (up to) eight bytes of a text as words: byte i of
// the text is byte i of `head`; the last byte of the text is byte 7 of `tail`.
// Computed once per request value and shared by every pattern tested on it.
struct TextProbe {
  uint64_t head = 0;
  uint64_t tail = 0;
};

inline __attribute__((always_inline)) TextProbe Probe(std::string_view t) {
  TextProbe p;
  const size_t n = t.size();
  // Texts matched against glob sets (paths, user agents, ARNs) usually have
  // eight bytes or more: that case is laid out as the fall-through path.
  if (__builtin_expect(n >= 8, 1)) {
    p.head = Load64(t.data());
    p.tail = Load64(t.data() + n - 8);
    return p;
  }
  p.head = HeadOf(t.data(), n);
  p.tail = n == 0 ? 0 : p.head << (8 * (8 - n));
  return p;
}

// Word and mask of the first min(8, |s|) bytes of `s` (as in TextProbe::head).
inline void HeadWord(std::string_view s, uint64_t* word, uint64_t* mask) {
  *word = 0;
  *mask = 0;
  const size_t k = s.size() < 8 ? s.size() : 8;
  for (size_t i = 0; i < k; ++i) {
    *word |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    *mask |= uint64_t{0xFF} << (8 * i);
  }
}

// Word and mask of the last min(8, |s|) bytes of `s` (as in TextProbe::tail).
inline void TailWord(std::string_view s, uint64_t* word, uint64_t* mask) {
  *word = 0;
  *mask = 0;
  const size_t k = s.size() < 8 ? s.size() : 8;
  for (size_t i = 0; i < k; ++i) {
    const size_t pos = 8 - k + i;
    *word |= uint64_t{static_cast<unsigned char>(s[s.size() - k + i])} << (8 * pos);
    *mask |= uint64_t{0xFF} << (8 * pos);
  }
}

// Returns true iff `m` occurs in `t` (bytes).
bool ContainsLiteral(std::string_view t, std::string_view m);

#if defined(__SSE2__)
// The 16 bytes at `p`, of which the caller uses only the first n <= 16 (the
// text's): the load may read past the text but never into the next page
// (the caller checks), as the C library's memchr does. Not instrumented by
// ASan, since the bytes past the text are masked off unread.
__attribute__((no_sanitize_address)) inline __m128i LoadWithinPage(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// True iff `bytes` (at most 4096) bytes can be read at `p` without
// crossing a 4 KiB page boundary (given that the byte at `p` can).
inline __attribute__((always_inline)) bool InPage(const char* p, size_t bytes) {
  return (reinterpret_cast<uintptr_t>(p) & 4095) <= 4096 - bytes;
}

// A text of at most kShortTextMax bytes in two SSE2 registers, for byte
// equality masks: for i below the text's size n, bit i of ShortEq(s, c) is
// set iff byte i of the text equals the byte broadcast in `c`; bits at and
// past n are unspecified (`valid` clears them).
inline constexpr size_t kShortTextMax = 32;
struct ShortText {
  __m128i lo;          // bytes 0..15 (n < 16: then bytes past the text)
  __m128i hi;          // bytes n-16..n-1 (n >= 16), else `lo`
  uint32_t shift = 0;  // n - 16 (n >= 16), else 0: hi's lane j is byte j + shift
  uint32_t valid = 0;  // bits 0..n-1
};

// Requires n <= kShortTextMax. Without a branch on n when the text is not
// empty and has 16 bytes or more, or starts at least 16 bytes before the
// end of its page (the usual case): two 16-byte loads, at the text's start
// (past its end when shorter, within the page) and at its last 16 bytes
// (or its start again). Otherwise (an empty text, or a shorter one near the
// end of its page) word loads inside the text, zero padded.
inline __attribute__((always_inline)) ShortText LoadShort(const char* p, size_t n) {
  ShortText s;
  const size_t shift = n >= 16 ? n - 16 : 0;
  s.shift = static_cast<uint32_t>(shift);
  s.valid = static_cast<uint32_t>((uint64_t{1} << n) - 1);
  // n == 0: `p` may be null; nothing is read.
  if (__builtin_expect((n != 0) & ((n >= 16) | InPage(p, 16)), 1)) {
    s.lo = LoadWithinPage(p);
    s.hi = LoadWithinPage(p + shift);
    return s;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    if (n > 8) {
      // The last eight bytes, moved down so byte 8 + j is lane j (the
      // shift is 8..56 bits for n = 15..9).
      std::memcpy(&b, p + n - 8, 8);
      b >>= 8 * (16 - n);
    }
  } else {
    a = HeadOf(p, n);  // little-endian on every SSE2 target
  }
  s.lo = _mm_set_epi64x(static_cast<long long>(b), static_cast<long long>(a));
  s.hi = s.lo;
  return s;
}

inline __attribute__((always_inline)) uint32_t ShortEq(const ShortText& s, __m128i c) {
  const uint32_t a = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(s.lo, c)));
  const uint32_t b = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(s.hi, c)));
  return a | (b << s.shift);
}
#endif

enum class GlobShape : uint8_t {
  kExact,         // no wildcard: text == a
  kAny,           // only `*`s: always true
  kPrefix,        // a*      (b empty)
  kSuffix,        // *b      (a empty)
  kPrefixSuffix,  // a*b
  kContains,      // *m*
  kStars,         // a*m1*m2*...*b: `*` only, greedy
  kGeneral,       // contains `?`: internal::GlobMatch
};

// One parsed glob: its literal segments between `*`s (escapes resolved).
struct GlobPattern {
  GlobShape shape = GlobShape::kExact;
  std::string glob;                   // internal glob syntax, as added
  std::string prefix;                 // literal before the first `*` (or the whole exact text;
                                      // kGeneral: before the first `*` or `?`)
  std::string suffix;                 // literal after the last `*`
  std::vector<std::string> middles;   // literals between `*`s (kContains, kStars)
  size_t min_length = 0;              // bytes any match needs at least
  uint64_t head = 0, head_mask = 0;   // HeadWord(prefix)
  uint64_t tail = 0, tail_mask = 0;   // TailWord(suffix)

  // Parses `glob` (internal glob syntax) and classifies it.
  static GlobPattern Parse(std::string_view glob);
  // Returns true iff `text` matches (same result as internal::GlobMatch).
  bool Matches(std::string_view text) const { return Matches(text, Probe(text)); }
  // The same with the text's probe precomputed.
  bool Matches(std::string_view text, const TextProbe& probe) const {
    switch (shape) {
      case GlobShape::kAny:
        return true;
      case GlobShape::kExact:
        return text.size() == prefix.size() && MatchesHead(text, probe);
      case GlobShape::kPrefix:
        return text.size() >= prefix.size() && MatchesHead(text, probe);
      case GlobShape::kSuffix:
        return text.size() >= suffix.size() && MatchesTail(text, probe);
      case GlobShape::kPrefixSuffix:
        return text.size() >= min_length && MatchesHead(text, probe) &&
               MatchesTail(text, probe);
      default:
        return MatchesSlow(text);
    }
  }
  // "prefix(`abc`)", ... for DebugString.
  std::string Describe() const;

 private:
  // Requires text.size() >= prefix.size().
  bool MatchesHead(std::string_view text, const TextProbe& probe) const {
    if ((probe.head & head_mask) != head) return false;
    return prefix.size() <= 8 ||
           BytesEqual(text.data() + 8, prefix.data() + 8, prefix.size() - 8);
  }
  // Requires text.size() >= suffix.size().
  bool MatchesTail(std::string_view text, const TextProbe& probe) const {
    if ((probe.tail & tail_mask) != tail) return false;
    return suffix.size() <= 8 ||
           BytesEqual(text.data() + text.size() - suffix.size(), suffix.data(),
                      suffix.size() - 8);
  }
  bool MatchesSlow(std::string_view text) const;
};

// A Resource/NotResource pattern that starts with `arn:` and has a wildcard
// that must not cross a colon (docs/semantics.md §1.6 rule 2 as amended per the IAM
// Resource-element page, docs/semantics.md D1). The pattern's first
// five colons delimit its segments; a `*` that ends one of the first five
// segments (or the whole pattern) may match `:`, every other `*`/`?` there
// stays inside a colon-free field, and the sixth segment is an ordinary glob
// over the rest of the text.
//
// Matching splits the text at every colon into fields f_0..f_N and tracks
// the set of fields at which the next pattern segment can start: a segment
// ending in a crossing `*` (`G*`) matches a field that starts with G and
// then absorbs any number of whole fields; another segment matches exactly
// one field. (Patterns whose only head wildcards are crossing `*`s are plain
// globs and never get here; see NeedsSegments.)
struct ArnSegmentGlob {
  // Segments 0..k-1 of the head: each is followed by a pattern colon. The
  // last head segment (when the pattern has fewer than five colons) is
  // `last`; with five colons, `tail` is the sixth segment instead.
  std::vector<GlobPattern> head;
  std::vector<uint8_t> crossing;  // head[i] ends with a crossing `*`
  bool has_tail = false;          // five colons: `tail` is the resource segment
  GlobPattern last;               // !has_tail: the final head segment
  bool last_crossing = false;     // ... which ends with a `*`
  GlobPattern tail;               // has_tail, static patterns only

  // Returns true iff the head of `glob` (internal glob syntax) has a
  // wildcard that may not cross a colon, so a whole-string glob would be
  // wrong. Only the text before the fifth colon is examined.
  static bool NeedsSegments(std::string_view glob);
  // Parses `glob` (internal glob syntax, starting with `arn:`). With
  // `dynamic_tail`, the resource segment is supplied per call (Matches with
  // a tail glob) and `tail` stays empty.
  static ArnSegmentGlob Parse(std::string_view glob, bool dynamic_tail);

  // Returns true iff `text` matches. `tail_glob` (internal glob syntax) is
  // used instead of `tail` when not null (patterns with variables).
  bool Matches(std::string_view text, const std::string* tail_glob = nullptr) const;
};

class GlobSet {
 public:
  // With at least this many kStars patterns of two or more middles,
  // Compile() also builds an RE2::Set over them.
  static constexpr size_t kRe2SetThreshold = 16;

  GlobSet();
  ~GlobSet();
  GlobSet(GlobSet&&) noexcept;
  GlobSet& operator=(GlobSet&&) noexcept;
  GlobSet(const GlobSet&) = delete;
  GlobSet& operator=(const GlobSet&) = delete;

  // Adds a pattern in internal glob syntax and returns its index (0, 1, ...).
  int Add(std::string_view glob);
  size_t size() const { return patterns_.size(); }
  bool empty() const { return patterns_.empty(); }
  const GlobPattern& pattern(size_t i) const { return patterns_[i]; }

  // Prepares the matcher. `budget` is the remaining memory budget in bytes;
  // it is reduced by what this set uses (pattern text plus RE2 programs).
  // Returns ResourceExhausted when the set does not fit.
  absl::Status Compile(size_t* budget);

  // Calls `hit(index)` once for every pattern that matches `text`, in no
  // particular order. No allocation unless the RE2::Set is in use.
  template <typename Fn>
  void ForEachMatch(std::string_view text, Fn&& hit) const {
    const uint32_t g = groups_;
    if (g == (kGroupContains | kGroupBare)) {  // only `*m*` patterns: no probe, no windows
      ContainsHits<false>(text, TextProbe(), hit);
      return;
    }
    const TextProbe probe = Probe(text);
    const size_t n = text.size();
    if (g & kGroupPrefixes) {
      for (const Fixed& f : prefixes_) {
        // Long prefixes often share their head (`arn:aws:`): their last eight
        // bytes are compared before the rest.
        // Most patterns of a set miss any one text: the hit is laid out
        // off the fall-through path (here and in the suffix loop).
        if (n >= f.size && __builtin_expect((probe.head & f.mask) == f.word, 0) &&
            (f.size <= 8 || (Load64(text.data() + f.size - 8) == f.last &&
                             BytesEqual(text.data() + 8, f.rest, f.size - 8)))) {
          hit(f.id);
        }
      }
    }
    if (g & kGroupShort) ShortHits(probe.head, n, hit);
    if (g & kGroupSuffixes) {
      for (const Fixed& f : suffixes_) {
        if (n >= f.size && __builtin_expect((probe.tail & f.mask) == f.word, 0) &&
            (f.size <= 8 || BytesEqual(text.data() + n - f.size, f.rest, f.size - 8))) {
          hit(f.id);
        }
      }
    }
    if (g & kGroupContains) ContainsHits<true>(text, probe, hit);
    if ((g & kGroupIndex) && n >= 8) {
      if (const HeadSlot* slot = FindHead(probe.head)) IndexHits(*slot, text, probe, hit);
    }
    if (g & (kGroupSimple | kGroupSet | kGroupGeneral)) RareHits(text, probe, hit);
  }

  // Returns true iff any pattern matches.
  bool MatchesAny(std::string_view text) const;

 private:
  // ForEachMatch's rarer groups: simple_ (per-pattern switch), the RE2::Set
  // and the general patterns of in_set_.
  template <typename Fn>
  void RareHits(std::string_view text, const TextProbe& probe, Fn& hit) const {
    const uint32_t g = groups_;
    if (g & kGroupSimple) {
      for (uint32_t i : simple_) {
        if (patterns_[i].Matches(text, probe)) hit(i);
      }
    }
    if (g & kGroupSet) {
      if (!MatchSet(text, [&](int i) { hit(static_cast<size_t>(i)); })) {
        for (uint32_t i : in_set_) {
          if (patterns_[i].Matches(text)) hit(i);
        }
      }
    } else if (g & kGroupGeneral) {
      for (uint32_t i : in_set_) {
        // The literal head (`prefix`, kStars and kGeneral) first: a
        // necessary condition, cheaper than the full match.
        const GlobPattern& p = patterns_[i];
        if ((probe.head & p.head_mask) == p.head && p.Matches(text, probe)) hit(i);
      }
    }
  }
  // Runs the RE2::Set; returns false on a DFA error (caller falls back).
  template <typename Fn>
  bool MatchSet(std::string_view text, Fn&& hit) const;
  bool RunSet(std::string_view text, std::vector<int>* indices) const;
  // The steps of Compile(), in order: index long prefixes by head word, move
  // plain prefixes and suffixes into compact arrays, build the RE2::Set.
  void BuildHeadIndex();
  void BuildFixedArrays();
  void BuildShortTable();
  absl::Status BuildRe2Set(size_t* budget);

  // With many long prefixes: patterns whose prefix has at least 8 bytes,
  // indexed by their first 8 bytes (TextProbe::head of a matching text).
  static constexpr size_t kPrefixIndexMin = 8;
  struct HeadRange {
    uint32_t begin = 0;
    uint32_t end = 0;
  };

  // A kPrefix (or kSuffix) pattern, compact: its first (last) eight bytes
  // as a masked word and the rest of the literal.
  struct Fixed {
    uint64_t word = 0;
    uint64_t mask = 0;
    uint32_t size = 0;
    uint32_t id = 0;
    const char* rest = nullptr;  // prefix bytes from 8 / suffix bytes before the last 8
    uint64_t last = 0;           // prefixes longer than 8 bytes: Load64 of their last 8
  };

  std::vector<GlobPattern> patterns_;
  std::vector<Fixed> prefixes_;
  // With at least kShortTableMin prefixes of 1..8 bytes (kPrefix): a hash
  // table keyed by (size, prefix word), probed once per size present, in
  // place of their Fixed entries. Direct-mapped: Compile picks the size and
  // multiplier so that no two keys share a slot (else no table), so a probe
  // is one slot compare (an empty slot has size 0, which no key has).
  static constexpr size_t kShortTableMin = 4;
  struct ShortSlot {
    uint64_t word = 0;   // the prefix as a zero-padded little-endian word (HeadWord)
    uint32_t size = 0;   // its size, 1..8; 0: empty
    uint32_t begin = 0;  // its patterns: short_ids_[begin, end)
    uint32_t end = 0;
  };
  std::vector<ShortSlot> short_slots_;
  std::vector<uint32_t> short_ids_;
  uint32_t short_sizes_ = 0;   // bit s: some prefix of the table has s bytes
  uint32_t short_shift_ = 64;  // 64 - log2(short_slots_.size())
  uint64_t short_mul_ = 0;     // the hash multiplier (odd)
  static size_t ShortHash(uint64_t word, uint32_t size, uint64_t mul, uint32_t shift) {
    return static_cast<size_t>(((word + size) * mul) >> shift);
  }
  // Calls hit(id) for every pattern of the short-prefix table whose prefix
  // starts the text (`head`: TextProbe::head, `n`: the text's size).
  template <typename Fn>
  void ShortHits(uint64_t head, size_t n, Fn& hit) const {
    // Sizes up to min(n, 8): the others cannot match.
    uint32_t sizes = short_sizes_ & (n >= 8 ? 0x1FEu : (2u << n) - 1);
    while (sizes != 0) {
      const uint32_t size = static_cast<uint32_t>(__builtin_ctz(sizes));
      sizes &= sizes - 1;
      const uint64_t word = head & (~uint64_t{0} >> (64 - 8 * size));
      const ShortSlot& slot = short_slots_[ShortHash(word, size, short_mul_, short_shift_)];
      if (slot.word == word && slot.size == size) {
        for (uint32_t j = slot.begin; j < slot.end; ++j) hit(short_ids_[j]);
      }
    }
  }
  std::vector<Fixed> suffixes_;
  // kContains patterns (`*m*`) and kStars patterns with one middle
  // (`a*m*b`, a or b may be empty): `a` at the start, `b` at the end and `m`
  // anywhere between (leftmost is as good as any for `*`-only globs),
  // without the per-pattern switch.
  struct Contains {
#if defined(__SSE2__)
    __m128i first{};  // the literal's first byte, in every lane
    __m128i last{};   // the literal's last byte, in every lane
#endif
    std::string_view literal;  // `m`: GlobPattern::middles[0] of patterns_[id], not empty
    uint64_t head = 0, head_mask = 0;  // GlobPattern::head/head_mask (`a`'s first 8 bytes)
    uint64_t tail = 0, tail_mask = 0;  // GlobPattern::tail/tail_mask (`b`'s last 8 bytes)
    const char* pre_rest = nullptr;    // `a` from byte 8 (|a| > 8)
    const char* suf_rest = nullptr;    // `b` (|b| > 8; its bytes before the last 8 are compared)
    uint32_t pre = 0;                  // |a|
    uint32_t suf = 0;                  // |b|
    uint32_t min_length = 0;           // |a| + |m| + |b|
    uint32_t id = 0;
  };
  std::vector<Contains> contains_;
  // Requires text.size() >= c.min_length. Returns true iff `text` starts
  // with `a` and ends with `b`.
  static bool AffixesMatch(const Contains& c, std::string_view text, const TextProbe& probe) {
    return (probe.head & c.head_mask) == c.head && (probe.tail & c.tail_mask) == c.tail &&
           (c.pre <= 8 || BytesEqual(text.data() + 8, c.pre_rest, c.pre - 8)) &&
           (c.suf <= 8 ||
            BytesEqual(text.data() + text.size() - c.suf, c.suf_rest, c.suf - 8));
  }
  // Calls hit(id) once for every contains_ entry that matches `text`. Texts
  // of at most kShortTextMax bytes (SSE2): the text is loaded once, and each
  // literal's candidate starts are the positions where both its first and
  // its last byte are equal (one mask each), inside its window; each
  // candidate's inner bytes are then compared. Longer texts: ContainsLiteral.
  // kAffixes false: requires every entry's `a` and `b` to be empty (the
  // probe is not read).
  template <bool kAffixes, typename Fn>
  void ContainsHits(std::string_view text, const TextProbe& probe, Fn& hit) const {
    const size_t n = text.size();
#if defined(__SSE2__)
    if (n <= kShortTextMax) {
      const ShortText s = LoadShort(text.data(), n);
      for (const Contains& c : contains_) {
        if (n < c.min_length || (kAffixes && !AffixesMatch(c, text, probe))) continue;
        const size_t k = c.literal.size();  // 1..n, so the shifts below are < 32
        // Candidate starts: both end bytes equal (the last byte's mask
        // cleared from n, so no candidate starts past n - k)...
        uint32_t cand = ShortEq(s, c.first) & ((ShortEq(s, c.last) & s.valid) >> (k - 1));
        if (kAffixes && (c.pre | c.suf) != 0) {
          // ... and inside the window: c.pre .. n - c.suf - k (>= c.pre).
          const size_t last = n - c.suf - k;
          cand &= static_cast<uint32_t>(((uint64_t{2} << last) - 1) >> c.pre << c.pre);
        }
        while (cand != 0) {
          const size_t i = static_cast<size_t>(__builtin_ctz(cand));
          if (k <= 2 || BytesEqual(text.data() + i + 1, c.literal.data() + 1, k - 2)) {
            hit(c.id);
            break;
          }
          cand &= cand - 1;
        }
      }
      return;
    }
#endif
    for (const Contains& c : contains_) {
      if (n >= c.min_length && (!kAffixes || AffixesMatch(c, text, probe)) &&
          ContainsLiteral(text.substr(c.pre, n - c.pre - c.suf), c.literal)) {
        hit(c.id);
      }
    }
  }
  // The head index: open addressing over a power-of-two array at most half
  // full (an empty slot has end == 0; every bucket is non-empty), probed
  // linearly from a multiplicative hash of the head word. A bucket of at
  // most kByte8Max entries also has its entries' byte `pos` (>= 8, the
  // position that best tells them apart) in one word: byte j of `byte8` is
  // byte `pos` of entry begin + j's prefix when that prefix is longer than
  // `pos` bytes (high bit of byte j of `live8` set); the high bit of byte j
  // of `always8` is set for an entry whose prefix is not.
  static constexpr uint32_t kByte8Max = 8;
  struct HeadSlot {
    uint64_t head = 0;
    HeadRange range;
    uint32_t pos = 8;
    uint64_t byte8 = 0;
    uint64_t live8 = 0;
    uint64_t always8 = 0;
  };
  // Sets bucket->pos, byte8, live8 and always8 from its entries (at most
  // kByte8Max of them, in indexed_[range.begin, range.end)).
  void FillBucketFilter(HeadSlot* bucket) const;
  std::vector<HeadSlot> head_slots_;
  uint32_t head_shift_ = 64;  // 64 - log2(head_slots_.size())
  struct Indexed;  // below
  // The bucket of patterns whose first eight bytes are `head`, or nullptr.
  const HeadSlot* FindHead(uint64_t head) const {
    const size_t mask = head_slots_.size() - 1;
    for (size_t i = static_cast<size_t>((head * 0x9E3779B97F4A7C15ULL) >> head_shift_);;
         i = (i + 1) & mask) {
      const HeadSlot& slot = head_slots_[i];
      if (slot.range.end == 0) return nullptr;
      if (slot.head == head) return &slot;
    }
  }
  // Requires n >= 8 and the text's first eight bytes equal slot.head. Calls
  // hit(id) for every entry of the bucket that matches `text`: in a bucket
  // of at most kByte8Max entries only those whose byte `pos` equals the
  // text's (or whose prefix ends before it), found by one SWAR byte
  // compare. An entry whose prefix is longer than `pos` bytes needs a text
  // longer than `pos`, so for a shorter text only the others are tried.
  template <typename Fn>
  void IndexHits(const HeadSlot& slot, std::string_view text, const TextProbe& probe,
                 Fn& hit) const {
    const size_t n = text.size();
    if (slot.range.end - slot.range.begin > kByte8Max) {
      for (uint32_t j = slot.range.begin; j < slot.range.end; ++j) {
        IndexedHit(indexed_[j], text, probe, hit);
      }
      return;
    }
    uint64_t sel = slot.always8;
    if (n > slot.pos) {
      // High bit of each byte of `x` that is zero: exact, no carries.
      constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
      const uint64_t x =
          slot.byte8 ^ (0x0101010101010101ULL * static_cast<unsigned char>(text[slot.pos]));
      sel |= ~(((x & kLow7) + kLow7) | x | kLow7) & slot.live8;
    }
    while (sel != 0) {
      IndexedHit(indexed_[slot.range.begin + (__builtin_ctzll(sel) >> 3)], text, probe, hit);
      sel &= sel - 1;
    }
  }
  // Requires n >= 8 and the text's first eight bytes equal e's. Calls
  // hit(e.id) iff e's pattern matches `text`.
  template <typename Fn>
  void IndexedHit(const Indexed& e, std::string_view text, const TextProbe& probe,
                  Fn& hit) const;
  // An indexed pattern, compact: kPrefix and kExact patterns are compared
  // from byte 8 (`rest`, the prefix from byte 8; `size`, the prefix size;
  // `last`, Load64 of its last eight bytes, compared first); kOther ones
  // (kPrefixSuffix, kGeneral) by GlobPattern::Matches.
  struct Indexed {
    enum Kind : uint8_t { kPrefix, kExact, kOther };
    const char* rest = nullptr;
    uint64_t last = 0;
    uint32_t size = 0;
    uint32_t id = 0;
    Kind kind = kOther;
  };
  // GlobPattern::Matches of e's pattern, out of line (the rare kind).
  bool OtherMatches(const Indexed& e, std::string_view text) const;
  std::vector<Indexed> indexed_;  // grouped by head word
  // Which of the matcher's groups are non-empty (kGroup* bits; set by
  // Compile): ForEachMatch tests one word instead of each vector.
  static constexpr uint32_t kGroupPrefixes = 1;  // prefixes_
  static constexpr uint32_t kGroupSuffixes = 2;  // suffixes_
  static constexpr uint32_t kGroupContains = 4;  // contains_
  static constexpr uint32_t kGroupSimple = 8;    // simple_
  static constexpr uint32_t kGroupIndex = 16;    // head_slots_
  static constexpr uint32_t kGroupGeneral = 32;  // in_set_ (no RE2::Set)
  static constexpr uint32_t kGroupSet = 64;      // re2_set_ (over in_set_)
  static constexpr uint32_t kGroupShort = 128;   // short_slots_
  // contains_ is the only group and none of its patterns has a literal head
  // or tail (`*m*` only): ForEachMatch needs no probe of the text.
  static constexpr uint32_t kGroupBare = 256;
  uint32_t groups_ = 0;
  std::vector<uint32_t> simple_;   // matched one by one
  std::vector<uint32_t> in_set_;   // general patterns (in the RE2::Set if built)
  std::vector<int> set_to_pattern_;
  struct Re2Set;  // wraps RE2::Set (defined in glob_set.cc)
  std::unique_ptr<Re2Set> re2_set_;
};

template <typename Fn>
inline void GlobSet::IndexedHit(const Indexed& e, std::string_view text, const TextProbe& /*probe*/,
                         Fn& hit) const {
  const size_t n = text.size();
  // The bucket's head word equals the text's first eight bytes, so a
  // prefix (or exact) pattern needs only its bytes from 8 compared: its
  // last eight (bytes size-8.., in bounds as n >= size >= 8), then, past 16
  // bytes, those from 8 before them.
  if (e.kind != Indexed::kOther) {
    if ((e.kind == Indexed::kPrefix ? n >= e.size : n == e.size) &&
        Load64(text.data() + e.size - 8) == e.last &&
        (e.size <= 16 || BytesEqual(text.data() + 8, e.rest, e.size - 16))) {
      hit(e.id);
    }
  } else if (OtherMatches(e, text)) {
    hit(e.id);
  }
}

template <typename Fn>
bool GlobSet::MatchSet(std::string_view text, Fn&& hit) const {
  std::vector<int> indices;
  if (!RunSet(text, &indices)) return false;
  for (int i : indices) hit(set_to_pattern_[i]);
  return true;
}

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_GLOB_SET_H_
