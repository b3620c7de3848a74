// File: src/internal/glob_set.h
// Stage: compile. A grouped glob matcher for the compiled evaluator: all the
// StringLike patterns of one condition key (or the Resource patterns of one
// statement) in one object. Each pattern is classified once into a shape
// (exact, any, prefix, suffix, prefix+suffix, contains, star-only chain, or
// general with `?`), and the common shapes are matched with plain string
// operations. When one set holds many general patterns they are also compiled
// into one anchored RE2::Set (Latin-1, `*` -> `(?s:.*)`), which reports every
// matching pattern in one pass.
//
// Matching is exactly internal::GlobMatch for every pattern (the RE2::Set is
// only used for patterns whose translation is exact; on a DFA memory error it
// falls back to the per-pattern loop). Immutable after Compile(); thread-safe.
#ifndef LATTICEPOL_INTERNAL_GLOB_SET_H_
#define LATTICEPOL_INTERNAL_GLOB_SET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace latticepol::internal {

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
  std::string prefix;                 // literal before the first `*` (or the whole exact text)
  std::string suffix;                 // literal after the last `*`
  std::vector<std::string> middles;   // literals between `*`s (kContains, kStars)
  size_t min_length = 0;              // bytes any match needs at least

  // Parses `glob` (internal glob syntax) and classifies it.
  static GlobPattern Parse(std::string_view glob);
  // Returns true iff `text` matches (same result as internal::GlobMatch).
  bool Matches(std::string_view text) const;
  // "prefix(`abc`)", ... for DebugString.
  std::string Describe() const;
};

class GlobSet {
 public:
  // With at least this many kStars/kGeneral patterns, Compile() also builds
  // an RE2::Set over the translatable ones.
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
    for (uint32_t i : simple_) {
      if (patterns_[i].Matches(text)) hit(i);
    }
    if (re2_set_ != nullptr) {
      if (!MatchSet(text, [&](int i) { hit(static_cast<size_t>(i)); })) {
        for (uint32_t i : in_set_) {
          if (patterns_[i].Matches(text)) hit(i);
        }
      }
    } else {
      for (uint32_t i : in_set_) {
        if (patterns_[i].Matches(text)) hit(i);
      }
    }
  }

  // Returns true iff any pattern matches.
  bool MatchesAny(std::string_view text) const;

 private:
  // Runs the RE2::Set; returns false on a DFA error (caller falls back).
  template <typename Fn>
  bool MatchSet(std::string_view text, Fn&& hit) const;
  bool RunSet(std::string_view text, std::vector<int>* indices) const;

  std::vector<GlobPattern> patterns_;
  std::vector<uint32_t> simple_;   // matched one by one
  std::vector<uint32_t> in_set_;   // general patterns (in the RE2::Set if built)
  std::vector<int> set_to_pattern_;
  struct Re2Set;  // wraps RE2::Set (defined in glob_set.cc)
  std::unique_ptr<Re2Set> re2_set_;
};

template <typename Fn>
bool GlobSet::MatchSet(std::string_view text, Fn&& hit) const {
  std::vector<int> indices;
  if (!RunSet(text, &indices)) return false;
  for (int i : indices) hit(set_to_pattern_[i]);
  return true;
}

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_GLOB_SET_H_
