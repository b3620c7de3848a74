// File: src/internal/glob_set.cc
// Stage: compile. Shape classification and grouped matching of globs; see
// glob_set.h.
#include "internal/glob_set.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/text.h"
#include "re2/re2.h"
#include "re2/set.h"

namespace latticepol::internal {
namespace {

// Returns true iff `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

bool StartsWith(std::string_view text, std::string_view p) {
  return text.size() >= p.size() && text.compare(0, p.size(), p) == 0;
}

}  // namespace

namespace {
GlobPattern ParseShape(std::string_view glob);
}  // namespace

GlobPattern GlobPattern::Parse(std::string_view glob) {
  GlobPattern p = ParseShape(glob);
  if (p.shape == GlobShape::kGeneral) {
    // The literal bytes before the first wildcard (escapes resolved, as
    // GlobMatch reads them): every match starts with them, so their head
    // word is a cheap necessary test before GlobMatch.
    for (size_t i = 0; i < glob.size(); ++i) {
      const char c = glob[i];
      if (c == '*' || c == '?') break;
      if (c == '\\' && i + 1 < glob.size()) {
        p.prefix.push_back(glob[++i]);
      } else {
        p.prefix.push_back(c);
      }
    }
  }
  HeadWord(p.prefix, &p.head, &p.head_mask);
  TailWord(p.suffix, &p.tail, &p.tail_mask);
  return p;
}

namespace {
GlobPattern ParseShape(std::string_view glob) {
  GlobPattern p;
  p.glob = std::string(glob);
  std::vector<std::string> segments(1);
  bool has_question = false;
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '\\' && i + 1 < glob.size()) {
      segments.back().push_back(glob[++i]);
    } else if (c == '*') {
      segments.emplace_back();
    } else if (c == '?') {
      has_question = true;
      segments.back().push_back(c);
    } else {
      segments.back().push_back(c);
    }
  }
  bool valid = true;
  for (const std::string& s : segments) valid = valid && IsValidUtf8(s);
  if (has_question || !valid) {
    p.shape = GlobShape::kGeneral;
    return p;
  }
  if (segments.size() == 1) {
    p.shape = GlobShape::kExact;
    p.prefix = std::move(segments[0]);
    p.min_length = p.prefix.size();
    return p;
  }
  p.prefix = std::move(segments.front());
  p.suffix = std::move(segments.back());
  for (size_t i = 1; i + 1 < segments.size(); ++i) {
    if (!segments[i].empty()) p.middles.push_back(std::move(segments[i]));
  }
  p.min_length = p.prefix.size() + p.suffix.size();
  for (const std::string& m : p.middles) p.min_length += m.size();
  if (p.middles.empty()) {
    if (p.prefix.empty() && p.suffix.empty()) {
      p.shape = GlobShape::kAny;
    } else if (p.suffix.empty()) {
      p.shape = GlobShape::kPrefix;
    } else if (p.prefix.empty()) {
      p.shape = GlobShape::kSuffix;
    } else {
      p.shape = GlobShape::kPrefixSuffix;
    }
  } else if (p.middles.size() == 1 && p.prefix.empty() && p.suffix.empty()) {
    p.shape = GlobShape::kContains;
  } else {
    p.shape = GlobShape::kStars;
  }
  return p;
}
}  // namespace

// Returns true iff `m` occurs in `t`. The candidate positions of m's first
// byte are found eight bytes at a time (an exact per-byte equality mask;
// the zero padding of a last partial word can only add candidates past
// the last possible start, which are cut off), each checked in full.
bool ContainsLiteral(std::string_view t, std::string_view m) {
  const size_t n = t.size();
  const size_t k = m.size();
  if (k == 0) return true;
  if (k > n) return false;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t first = 0x0101010101010101ULL * static_cast<unsigned char>(m[0]);
  const size_t last = n - k;  // the last possible start
  for (size_t base = 0; base <= last; base += 8) {
    const size_t avail = n - base;
    const uint64_t w = avail >= 8 ? Load64(t.data() + base) : HeadOf(t.data() + base, avail);
    const uint64_t x = w ^ first;
    uint64_t hits = ~(((x & kLow7) + kLow7) | x | kLow7);  // high bit of each equal byte
    while (hits != 0) {
      const size_t i = base + (static_cast<size_t>(__builtin_ctzll(hits)) >> 3);
      if (i > last) break;
      if (BytesEqual(t.data() + i, m.data(), k)) return true;
      hits &= hits - 1;
    }
  }
  return false;
}

bool GlobPattern::MatchesSlow(std::string_view text) const {
  switch (shape) {
    case GlobShape::kContains:
      return ContainsLiteral(text, middles[0]);
    case GlobShape::kStars: {
      // Prefix and suffix compared in place, then the middles leftmost in
      // order (greedy is exact for `*`-only globs); the last middle only
      // needs to occur.
      const size_t n = text.size();
      if (n < min_length || !BytesEqual(text.data(), prefix.data(), prefix.size()) ||
          !BytesEqual(text.data() + n - suffix.size(), suffix.data(), suffix.size())) {
        return false;
      }
      std::string_view window = text.substr(prefix.size(), n - prefix.size() - suffix.size());
      for (size_t i = 0; i + 1 < middles.size(); ++i) {
        const size_t pos = window.find(middles[i]);
        if (pos == std::string_view::npos) return false;
        window.remove_prefix(pos + middles[i].size());
      }
      return ContainsLiteral(window, middles.back());  // kStars has a middle
    }
    case GlobShape::kGeneral:
      return StartsWith(text, prefix) && GlobMatch(glob, text);
    default:
      return Matches(text, Probe(text));
  }
}

std::string GlobPattern::Describe() const {
  switch (shape) {
    case GlobShape::kExact:
      return absl::StrCat("exact(`", prefix, "`)");
    case GlobShape::kAny:
      return "any";
    case GlobShape::kPrefix:
      return absl::StrCat("prefix(`", prefix, "`)");
    case GlobShape::kSuffix:
      return absl::StrCat("suffix(`", suffix, "`)");
    case GlobShape::kPrefixSuffix:
      return absl::StrCat("prefix+suffix(`", prefix, "`, `", suffix, "`)");
    case GlobShape::kContains:
      return absl::StrCat("contains(`", middles[0], "`)");
    case GlobShape::kStars:
      return absl::StrCat("stars(`", glob, "`)");
    case GlobShape::kGeneral:
      return absl::StrCat("glob(`", glob, "`)");
  }
  return "?";
}

// ---- ARN resource segments --------------------------------------------------

namespace {

// Splits internal glob syntax at its first five unescaped colons; returns the
// pieces (at most six). Escapes are kept.
std::vector<std::string_view> SplitGlobSegments(std::string_view glob) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < glob.size() && out.size() < 5; ++i) {
    if (glob[i] == '\\') {
      ++i;
    } else if (glob[i] == ':') {
      out.push_back(glob.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(glob.substr(start));
  return out;
}

// Returns true iff `segment` (internal glob syntax) ends with an unescaped `*`.
bool EndsWithStar(std::string_view segment) {
  if (segment.empty() || segment.back() != '*') return false;
  size_t backslashes = 0;
  for (size_t i = segment.size() - 1; i > 0 && segment[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

// Returns true iff `segment` has a wildcard other than one final `*`.
bool HasInnerWildcard(std::string_view segment) {
  const size_t end = EndsWithStar(segment) ? segment.size() - 1 : segment.size();
  for (size_t i = 0; i < end; ++i) {
    if (segment[i] == '\\') {
      ++i;
    } else if (segment[i] == '*' || segment[i] == '?') {
      // `**` at the end: the earlier `*` is inside the segment, but a
      // colon-free run followed by a crossing run is the same as the
      // crossing run alone; only a wildcard followed by something else is
      // restricted.
      size_t j = i;
      while (j < end && segment[j] == '*') ++j;
      if (segment[i] == '?' || j < end) return true;
      i = j - 1;
    }
  }
  return false;
}

}  // namespace

bool ArnSegmentGlob::NeedsSegments(std::string_view glob) {
  const std::vector<std::string_view> seg = SplitGlobSegments(glob);
  const size_t head = seg.size() == 6 ? 5 : seg.size();
  for (size_t i = 0; i < head; ++i) {
    if (HasInnerWildcard(seg[i])) return true;
  }
  return false;
}

ArnSegmentGlob ArnSegmentGlob::Parse(std::string_view glob, bool dynamic_tail) {
  ArnSegmentGlob a;
  const std::vector<std::string_view> seg = SplitGlobSegments(glob);
  a.has_tail = seg.size() == 6;
  const size_t followed = a.has_tail ? 5 : seg.size() - 1;  // segments before a colon
  for (size_t i = 0; i < followed; ++i) {
    a.head.push_back(GlobPattern::Parse(seg[i]));
    a.crossing.push_back(EndsWithStar(seg[i]) ? 1 : 0);
  }
  if (a.has_tail) {
    if (!dynamic_tail) a.tail = GlobPattern::Parse(seg[5]);
  } else {
    a.last = GlobPattern::Parse(seg.back());
    a.last_crossing = EndsWithStar(seg.back());
  }
  return a;
}

bool ArnSegmentGlob::Matches(std::string_view text, const std::string* tail_glob) const {
  // Field starts: field j is text[starts[j], starts[j + 1] - 1) (the last one
  // runs to the end). Small texts use the stack.
  constexpr size_t kInline = 64;
  size_t inline_starts[kInline + 1];
  uint8_t inline_live[kInline + 1];
  std::vector<size_t> heap_starts;
  std::vector<uint8_t> heap_live;
  size_t* starts = inline_starts;
  uint8_t* live = inline_live;
  size_t fields = 1;
  for (char c : text) fields += c == ':';
  if (fields > kInline) {
    heap_starts.resize(fields + 1);
    heap_live.resize(fields + 1);
    starts = heap_starts.data();
    live = heap_live.data();
  }
  {
    size_t j = 0;
    starts[j++] = 0;
    for (size_t t = 0; t < text.size(); ++t) {
      if (text[t] == ':') starts[j++] = t + 1;
    }
    starts[fields] = text.size() + 1;  // sentinel: one past the virtual colon
  }
  const size_t last_field = fields - 1;  // N
  auto field = [&](size_t j) {
    return text.substr(starts[j], starts[j + 1] - 1 - starts[j]);
  };
  // live[j]: the next segment may start at field j.
  std::memset(live, 0, fields);
  live[0] = 1;
  for (size_t i = 0; i < head.size(); ++i) {
    bool any = false;
    if (crossing[i]) {
      // From the first field the segment's `G*` matches, any later field
      // boundary: the next segment starts anywhere after it.
      size_t from = fields;
      for (size_t j = 0; j < last_field; ++j) {
        if (live[j] && head[i].Matches(field(j))) {
          from = j;
          break;
        }
      }
      for (size_t j = 0; j < fields; ++j) {
        live[j] = j > from ? 1 : 0;
        any = any || live[j];
      }
    } else {
      // Descending, so live[j + 1] is written after it was read.
      live[last_field] = 0;  // no colon after the last field
      for (size_t j = last_field; j-- > 0;) {
        const bool hit = live[j] && head[i].Matches(field(j));
        live[j + 1] = hit ? 1 : 0;
        any = any || hit;
      }
      live[0] = 0;
    }
    if (!any) return false;
  }
  if (has_tail) {
    for (size_t j = 0; j < fields; ++j) {
      if (!live[j]) continue;
      const std::string_view rest = text.substr(starts[j]);
      if (tail_glob != nullptr ? GlobMatch(*tail_glob, rest) : tail.Matches(rest)) return true;
    }
    return false;
  }
  if (last_crossing) {
    for (size_t j = 0; j < fields; ++j) {
      if (live[j] && last.Matches(field(j))) return true;
    }
    return false;
  }
  return live[last_field] && last.Matches(field(last_field));
}

struct GlobSet::Re2Set {
  explicit Re2Set(const RE2::Options& options) : set(options, RE2::ANCHOR_BOTH) {}
  RE2::Set set;
};

GlobSet::GlobSet() = default;
GlobSet::~GlobSet() = default;
GlobSet::GlobSet(GlobSet&&) noexcept = default;
GlobSet& GlobSet::operator=(GlobSet&&) noexcept = default;

int GlobSet::Add(std::string_view glob) {
  patterns_.push_back(GlobPattern::Parse(glob));
  return static_cast<int>(patterns_.size() - 1);
}

absl::Status GlobSet::Compile(size_t* budget) {
  simple_.clear();
  in_set_.clear();
  set_to_pattern_.clear();
  re2_set_.reset();
  groups_ = 0;
  size_t cost = 0;
  for (size_t i = 0; i < patterns_.size(); ++i) {
    const GlobPattern& p = patterns_[i];
    cost += sizeof(GlobPattern) + 2 * p.glob.size() + p.middles.size() * 32;
    if ((p.shape == GlobShape::kStars && p.middles.size() > 1) ||
        p.shape == GlobShape::kGeneral) {
      in_set_.push_back(static_cast<uint32_t>(i));
    } else {
      simple_.push_back(static_cast<uint32_t>(i));
    }
  }
  if (cost > *budget) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "glob matcher needs ", cost, " bytes, over the compile memory budget"));
  }
  *budget -= cost;
  BuildHeadIndex();
  BuildFixedArrays();
  BuildShortTable();
  const absl::Status status = BuildRe2Set(budget);
  groups_ = (prefixes_.empty() ? 0u : kGroupPrefixes) | (suffixes_.empty() ? 0u : kGroupSuffixes) |
            (contains_.empty() ? 0u : kGroupContains) | (simple_.empty() ? 0u : kGroupSimple) |
            (head_slots_.empty() ? 0u : kGroupIndex) | (short_slots_.empty() ? 0u : kGroupShort) |
            (re2_set_ != nullptr ? kGroupSet : in_set_.empty() ? 0u : kGroupGeneral);
  if (groups_ == kGroupContains &&
      std::all_of(contains_.begin(), contains_.end(),
                  [](const Contains& c) { return c.pre == 0 && c.suf == 0; })) {
    groups_ |= kGroupBare;
  }
  return status;
}

void GlobSet::BuildHeadIndex() {
  // Index prefix shapes with at least 8 literal bytes by their head word
  // when there are many of them: one hash probe instead of a scan. General
  // patterns (`?`) whose literal head (GlobPattern::prefix, before the first
  // wildcard) has 8 bytes or more join them as kOther entries: every text
  // they match starts with that head.
  head_slots_.clear();
  head_shift_ = 64;
  indexed_.clear();
  std::vector<uint32_t> long_prefix;
  for (uint32_t i : simple_) {
    const GlobPattern& p = patterns_[i];
    if ((p.shape == GlobShape::kPrefix || p.shape == GlobShape::kPrefixSuffix ||
         p.shape == GlobShape::kExact) &&
        p.prefix.size() >= 8) {
      long_prefix.push_back(i);
    }
  }
  for (uint32_t i : in_set_) {
    const GlobPattern& p = patterns_[i];
    if (p.shape == GlobShape::kGeneral && p.prefix.size() >= 8) long_prefix.push_back(i);
  }
  if (long_prefix.size() >= kPrefixIndexMin) {
    std::stable_sort(long_prefix.begin(), long_prefix.end(), [&](uint32_t a, uint32_t b) {
      return patterns_[a].head < patterns_[b].head;
    });
    std::vector<HeadSlot> buckets;
    for (size_t j = 0; j < long_prefix.size();) {
      HeadSlot bucket;
      bucket.head = patterns_[long_prefix[j]].head;
      bucket.range.begin = static_cast<uint32_t>(indexed_.size());
      while (j < long_prefix.size() && patterns_[long_prefix[j]].head == bucket.head) {
        const GlobPattern& p = patterns_[long_prefix[j]];
        Indexed e;
        e.id = long_prefix[j++];
        e.size = static_cast<uint32_t>(p.prefix.size());  // >= 8
        e.rest = p.prefix.data() + 8;
        e.last = Load64(p.prefix.data() + p.prefix.size() - 8);
        e.kind = p.shape == GlobShape::kPrefix  ? Indexed::kPrefix
                 : p.shape == GlobShape::kExact ? Indexed::kExact
                                                : Indexed::kOther;
        indexed_.push_back(e);
      }
      bucket.range.end = static_cast<uint32_t>(indexed_.size());  // >= 1: not empty
      if (bucket.range.end - bucket.range.begin <= kByte8Max) FillBucketFilter(&bucket);
      buckets.push_back(bucket);
    }
    size_t cap = 4;
    head_shift_ = 62;
    while (cap < 2 * buckets.size()) {
      cap *= 2;
      --head_shift_;
    }
    head_slots_.assign(cap, HeadSlot());
    for (const HeadSlot& b : buckets) {
      size_t i = static_cast<size_t>((b.head * 0x9E3779B97F4A7C15ULL) >> head_shift_);
      while (head_slots_[i].range.end != 0) i = (i + 1) & (cap - 1);
      head_slots_[i] = b;
    }
    for (std::vector<uint32_t>* from : {&simple_, &in_set_}) {
      std::vector<uint32_t> rest;
      for (uint32_t i : *from) {
        if (std::find(long_prefix.begin(), long_prefix.end(), i) == long_prefix.end()) {
          rest.push_back(i);
        }
      }
      *from = std::move(rest);
    }
  }
}

void GlobSet::FillBucketFilter(HeadSlot* bucket) const {
  // The position (8..71) with the fewest candidates in the worst case: the
  // entries too short to have it plus the most entries sharing one byte
  // there; the first such position.
  const Indexed* begin = indexed_.data() + bucket->range.begin;
  const Indexed* end = indexed_.data() + bucket->range.end;
  uint32_t best = 8;
  size_t best_score = SIZE_MAX;
  for (uint32_t pos = 8; pos < 72; ++pos) {
    size_t shorter = 0;
    size_t most = 0;
    for (const Indexed* a = begin; a != end; ++a) {
      if (a->size <= pos) {
        ++shorter;
        continue;
      }
      size_t same = 0;
      for (const Indexed* b = begin; b != end; ++b) {
        same += b->size > pos && b->rest[pos - 8] == a->rest[pos - 8];
      }
      most = std::max(most, same);
    }
    const size_t score = shorter + most;
    if (score < best_score) {
      best_score = score;
      best = pos;
    }
    if (shorter == static_cast<size_t>(end - begin)) break;  // no entry reaches further
  }
  bucket->pos = best;
  for (const Indexed* a = begin; a != end; ++a) {
    const uint32_t lane = static_cast<uint32_t>(8 * (a - begin));
    if (a->size <= best) {
      bucket->always8 |= uint64_t{0x80} << lane;
    } else {
      bucket->byte8 |= uint64_t{static_cast<unsigned char>(a->rest[best - 8])} << lane;
      bucket->live8 |= uint64_t{0x80} << lane;
    }
  }
}

void GlobSet::BuildFixedArrays() {
  // Plain prefixes and suffixes: compact arrays, no per-pattern switch.
  prefixes_.clear();
  suffixes_.clear();
  contains_.clear();
  std::vector<uint32_t> rest;
  for (uint32_t i : simple_) {
    const GlobPattern& p = patterns_[i];
    Fixed f;
    f.id = i;
    if (p.shape == GlobShape::kContains || p.shape == GlobShape::kStars) {
      // kStars here has one middle (Compile sends the others to in_set_).
      Contains c;
      c.literal = p.middles[0];
#if defined(__SSE2__)
      c.first = _mm_set1_epi8(c.literal.front());
      c.last = _mm_set1_epi8(c.literal.back());
#endif
      c.head = p.head;
      c.head_mask = p.head_mask;
      c.tail = p.tail;
      c.tail_mask = p.tail_mask;
      c.pre = static_cast<uint32_t>(p.prefix.size());
      c.suf = static_cast<uint32_t>(p.suffix.size());
      c.pre_rest = c.pre > 8 ? p.prefix.data() + 8 : nullptr;
      c.suf_rest = c.suf > 8 ? p.suffix.data() : nullptr;
      c.min_length = static_cast<uint32_t>(p.min_length);
      c.id = i;
      contains_.push_back(c);
    } else if (p.shape == GlobShape::kPrefix) {
      f.word = p.head;
      f.mask = p.head_mask;
      f.size = static_cast<uint32_t>(p.prefix.size());
      f.rest = p.prefix.size() > 8 ? p.prefix.data() + 8 : nullptr;
      if (p.prefix.size() > 8) f.last = Load64(p.prefix.data() + p.prefix.size() - 8);
      prefixes_.push_back(f);
    } else if (p.shape == GlobShape::kSuffix) {
      f.word = p.tail;
      f.mask = p.tail_mask;
      f.size = static_cast<uint32_t>(p.suffix.size());
      f.rest = p.suffix.size() > 8 ? p.suffix.data() : nullptr;
      suffixes_.push_back(f);
    } else {
      rest.push_back(i);
    }
  }
  simple_ = std::move(rest);
}

void GlobSet::BuildShortTable() {
  short_slots_.clear();
  short_ids_.clear();
  short_sizes_ = 0;
  short_shift_ = 64;
  std::vector<Fixed> table;
  std::vector<Fixed> rest;
  for (const Fixed& f : prefixes_) (f.size <= 8 ? table : rest).push_back(f);
  if (table.size() < kShortTableMin) return;
  std::stable_sort(table.begin(), table.end(), [](const Fixed& a, const Fixed& b) {
    return a.size != b.size ? a.size < b.size : a.word < b.word;
  });
  std::vector<ShortSlot> groups;
  for (size_t j = 0; j < table.size();) {
    ShortSlot slot;
    slot.word = table[j].word;
    slot.size = table[j].size;  // 1..8: a kPrefix pattern has a prefix
    slot.begin = static_cast<uint32_t>(short_ids_.size());
    while (j < table.size() && table[j].size == slot.size && table[j].word == slot.word) {
      short_ids_.push_back(table[j++].id);
    }
    slot.end = static_cast<uint32_t>(short_ids_.size());  // >= 1: not empty
    short_sizes_ |= 1u << slot.size;
    groups.push_back(slot);
  }
  // The smallest table (from twice the keys) and multiplier without a
  // shared slot; none in a few tries: the prefixes stay linear.
  static constexpr uint64_t kMultipliers[] = {0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL,
                                              0x165667B19E3779F9ULL, 0xD6E8FEB86659FD93ULL,
                                              0xFF51AFD7ED558CCDULL, 0xC4CEB9FE1A85EC53ULL};
  uint32_t bits = 2;
  while ((size_t{1} << bits) < 2 * groups.size()) ++bits;
  for (uint32_t grow = 0; grow < 4; ++grow, ++bits) {
    const size_t cap = size_t{1} << bits;
    for (uint64_t mul : kMultipliers) {
      std::vector<ShortSlot> slots(cap);
      bool clash = false;
      for (const ShortSlot& g : groups) {
        ShortSlot& slot = slots[ShortHash(g.word, g.size, mul, 64 - bits)];
        clash = clash || slot.size != 0;
        slot = g;
      }
      if (!clash) {
        short_slots_ = std::move(slots);
        short_shift_ = 64 - bits;
        short_mul_ = mul;
        prefixes_ = std::move(rest);
        return;
      }
    }
  }
  short_ids_.clear();  // no table: the prefixes stay in prefixes_
  short_sizes_ = 0;
  short_shift_ = 64;
}

absl::Status GlobSet::BuildRe2Set(size_t* budget) {
  // Only `*`-only patterns translate exactly into a byte-level regexp (a `?`
  // is one UTF-8 character in GlobMatch, whose handling of stray bytes is not
  // a regular Latin-1 class); general ones stay on GlobMatch.
  std::vector<uint32_t> translatable;
  for (uint32_t i : in_set_) {
    if (patterns_[i].shape == GlobShape::kStars) translatable.push_back(i);
  }
  if (translatable.size() < kRe2SetThreshold) return absl::OkStatus();
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  options.set_case_sensitive(true);
  // RE2's budget for this set's programs and DFA cache, sized by the
  // pattern text (RE2 needs a few hundred KB even for tiny sets), charged in
  // full against the compile budget.
  size_t pattern_bytes = 0;
  for (uint32_t i : translatable) pattern_bytes += patterns_[i].glob.size();
  const size_t max_mem =
      std::clamp<size_t>(pattern_bytes * 1024, size_t{256} << 10, size_t{8} << 20);
  if (max_mem > *budget) {
    return absl::ResourceExhaustedError(
        "glob set does not fit the compile memory budget");
  }
  options.set_max_mem(static_cast<int64_t>(max_mem));
  auto holder = std::make_unique<Re2Set>(options);
  RE2::Set* set = &holder->set;
  std::vector<int> set_to_pattern;
  for (uint32_t i : translatable) {
    const GlobPattern& p = patterns_[i];
    std::string re = RE2::QuoteMeta(p.prefix);
    for (const std::string& m : p.middles) {
      absl::StrAppend(&re, "(?s:.*)", RE2::QuoteMeta(m));
    }
    absl::StrAppend(&re, "(?s:.*)", RE2::QuoteMeta(p.suffix));
    std::string error;
    if (set->Add(re, &error) < 0) {
      return absl::InternalError(
          absl::StrCat("glob `", p.glob, "` did not translate: ", error));
    }
    set_to_pattern.push_back(static_cast<int>(i));
  }
  if (!set->Compile()) {
    return absl::ResourceExhaustedError(
        "glob set does not fit the compile memory budget");
  }
  *budget -= max_mem;
  // The set now answers for the translatable patterns; the rest of in_set_
  // (general ones) are matched one by one.
  for (uint32_t i : in_set_) {
    if (patterns_[i].shape != GlobShape::kStars) simple_.push_back(i);
  }
  in_set_ = std::move(translatable);
  set_to_pattern_ = std::move(set_to_pattern);
  re2_set_ = std::move(holder);
  return absl::OkStatus();
}

bool GlobSet::RunSet(std::string_view text, std::vector<int>* indices) const {
  RE2::Set::ErrorInfo info;
  bool matched = re2_set_->set.Match(re2::StringPiece(text.data(), text.size()),
                                 indices, &info);
  if (!matched && info.kind != RE2::Set::kNoError) return false;
  return true;
}

bool GlobSet::OtherMatches(const Indexed& e, std::string_view text) const {
  return patterns_[e.id].Matches(text);
}

bool GlobSet::MatchesAny(std::string_view text) const {
  bool any = false;
  for (const Fixed& f : prefixes_) {
    if (patterns_[f.id].Matches(text)) return true;
  }
  for (uint32_t i : short_ids_) {
    if (patterns_[i].Matches(text)) return true;
  }
  for (const Fixed& f : suffixes_) {
    if (patterns_[f.id].Matches(text)) return true;
  }
  for (const Contains& c : contains_) {
    if (patterns_[c.id].Matches(text)) return true;
  }
  for (uint32_t i : simple_) {
    if (patterns_[i].Matches(text)) return true;
  }
  for (const Indexed& e : indexed_) {
    if (patterns_[e.id].Matches(text)) return true;
  }
  for (uint32_t i : in_set_) {
    if (patterns_[i].Matches(text)) {
      any = true;
      break;
    }
  }
  return any;
}

}  // namespace latticepol::internal
