// File: tests/unit/glob_set_test.cc
// Stage: compile. internal::GlobSet against internal::GlobMatch: every
// pattern of a set reported exactly once when GlobMatch says it matches and
// never otherwise (ForEachMatch), MatchesAny and GlobPattern::Matches
// likewise. Random sets over small alphabets (`*`, `?`, escapes, UTF-8,
// stray and invalid bytes), literals planted at every position of texts of
// 0..40 bytes (the short-text masks' 16- and 32-byte boundaries), head-index
// buckets, single shapes and mixed sets over a colliding alphabet, and
// every text of up to six units over a four-byte alphabet.
// Each text is passed from an exactly sized heap block, so a read past its
// end is an AddressSanitizer error (tools/sanitize.sh).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "internal/glob_set.h"
#include "internal/text.h"
#include "testing/page_end.h"
#include "testing/random.h"

namespace latticepol {
namespace {

// A copy of a text in a heap block of exactly its size.
class ExactText {
 public:
  explicit ExactText(std::string_view s) : size_(s.size()), bytes_(new char[s.size()]) {
    if (size_ > 0) std::memcpy(bytes_.get(), s.data(), size_);
  }
  std::string_view view() const { return std::string_view(bytes_.get(), size_); }

 private:
  size_t size_;
  std::unique_ptr<char[]> bytes_;
};

// Compiles a set of `globs` (internal glob syntax).
std::unique_ptr<internal::GlobSet> MakeSet(const std::vector<std::string>& globs) {
  auto set = std::make_unique<internal::GlobSet>();
  for (const std::string& g : globs) set->Add(g);
  size_t budget = size_t{1} << 26;
  EXPECT_TRUE(set->Compile(&budget).ok());
  return set;
}

// Expects the set, each of its patterns and MatchesAny to agree with
// GlobMatch on `text`; and the set's matches on a copy that ends where
// readable memory ends (matchers that load whole vectors past a text must
// stop at its page) to be the same.
void ExpectAgrees(const internal::GlobSet& set, const std::vector<std::string>& globs,
                  std::string_view text) {
  const ExactText exact(text);
  const std::string_view t = exact.view();
  std::vector<int> got(globs.size(), 0);
  set.ForEachMatch(t, [&](size_t i) { ++got[i]; });
#if defined(__linux__)
  static testing::PageEnd* const page_end = new testing::PageEnd;
  ASSERT_TRUE(page_end->ok());
  if (text.size() <= 4096) {  // PageEnd::Place takes at most a page
    std::vector<int> at_end(globs.size(), 0);
    set.ForEachMatch(page_end->Place(text), [&](size_t i) { ++at_end[i]; });
    EXPECT_EQ(at_end, got) << "text `" << text << "` at a page end";
  }
#endif
  bool any = false;
  for (size_t i = 0; i < globs.size(); ++i) {
    const bool want = internal::GlobMatch(globs[i], text);
    any = any || want;
    EXPECT_EQ(got[i], want ? 1 : 0) << "glob `" << globs[i] << "` ("
                                    << set.pattern(i).Describe() << ") text `" << text
                                    << "` size " << text.size();
    EXPECT_EQ(set.pattern(i).Matches(t), want) << "glob `" << globs[i] << "` text `" << text << "`";
  }
  EXPECT_EQ(set.MatchesAny(t), any) << "text `" << text << "`";
}

// Pattern atoms: literals (ASCII, a two-byte UTF-8 character, a stray lead
// byte, a stray continuation byte, an invalid byte), wildcards and escapes.
const std::vector<std::string>& PatternAtoms() {
  static const std::vector<std::string> atoms = {
      "a", "b", "/", "e", "*", "*", "?", "\\*", "\\?", "\\\\", "\xC3\xA9", "\xC3", "\xA9",
      "\xFF", "json", "ab/", "/api/v1/"};
  return atoms;
}

// Text atoms: the same literals, the wildcard characters as plain bytes.
const std::vector<std::string>& TextAtoms() {
  static const std::vector<std::string> atoms = {
      "a", "b", "/", "e", "*", "?", "\\", "\xC3\xA9", "\xC3", "\xA9", "\xFF", "json", "ab/",
      "/api/v1/", std::string(1, '\0')};
  return atoms;
}

std::string RandomGlob(Rng& rng, int max_atoms) {
  std::string g;
  const int atoms = rng.Range(0, max_atoms);
  for (int i = 0; i < atoms; ++i) g += rng.Pick(PatternAtoms());
  return g;
}

// A random text of exactly `size` bytes (atoms cut at the end: may leave a
// partial UTF-8 sequence).
std::string RandomText(Rng& rng, size_t size) {
  std::string t;
  while (t.size() < size) t += rng.Pick(TextAtoms());
  t.resize(size);
  return t;
}

// A text that `glob` likely matches: its literals, random runs for `*`, one
// random unit for `?`.
std::string Instantiate(Rng& rng, std::string_view glob) {
  std::string t;
  for (size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\' && i + 1 < glob.size()) {
      t += glob[++i];
    } else if (glob[i] == '*') {
      const int run = rng.Range(0, 3);
      for (int k = 0; k < run; ++k) t += rng.Pick(TextAtoms());
    } else if (glob[i] == '?') {
      t += rng.Pick(TextAtoms());
    } else {
      t += glob[i];
    }
  }
  return t;
}

TEST(GlobSetTest, RandomSetsAgreeWithGlobMatch) {
  Rng rng(501);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> globs;
    const int n = rng.Range(1, 30);
    for (int i = 0; i < n; ++i) globs.push_back(RandomGlob(rng, 6));
    const auto set = MakeSet(globs);
    for (int t = 0; t < 60; ++t) {
      std::string text = rng.OneIn(2) ? Instantiate(rng, rng.Pick(globs))
                                      : RandomText(rng, static_cast<size_t>(rng.Range(0, 40)));
      if (rng.OneIn(4) && !text.empty()) text[rng.Uniform(text.size())] ^= 1;
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// Contains-shaped patterns (`*m*`, `a*m*`, `*m*b`, `a*m*b`) with the literal
// planted at every start in texts of 0..40 bytes over {a, b}, so first and
// last bytes often match where the inner bytes do not; literals of 1..20
// bytes, prefixes and suffixes of 0..12 bytes (the text's own or one byte
// off).
TEST(GlobSetTest, ContainsLiteralAtEveryPosition) {
  Rng rng(502);
  for (size_t k = 1; k <= 20; ++k) {
    for (size_t n = 0; n <= 40; ++n) {
      for (size_t pos = 0; pos + k <= n || pos == 0; ++pos) {
        std::string text(n, 'a');
        for (char& c : text) c = "ab"[rng.Uniform(2)];
        std::string lit(k, 'a');
        for (char& c : lit) c = "ab"[rng.Uniform(2)];
        if (pos + k <= n) text.replace(pos, k, lit);
        if (rng.OneIn(3)) lit[rng.Uniform(k)] ^= 3;  // likely absent
        const size_t pre = std::min<size_t>(rng.Uniform(13), n);
        const size_t suf = std::min<size_t>(rng.Uniform(13), n - pre);
        std::string a = text.substr(0, pre);
        std::string b = text.substr(n - suf);
        if (rng.OneIn(4) && !a.empty()) a[rng.Uniform(a.size())] ^= 1;
        if (rng.OneIn(4) && !b.empty()) b[rng.Uniform(b.size())] ^= 1;
        const std::vector<std::string> globs = {"*" + lit + "*", a + "*" + lit + "*",
                                                "*" + lit + "*" + b, a + "*" + lit + "*" + b};
        ExpectAgrees(*MakeSet(globs), globs, text);
        if (HasFailure()) return;
      }
    }
  }
}

// Many contains patterns in one set (one shared load of the text), with
// UTF-8 and invalid bytes, on texts of every length 0..40.
TEST(GlobSetTest, ManyContainsPatternsShareOneText) {
  Rng rng(503);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> globs;
    const int n = rng.Range(1, 12);
    for (int i = 0; i < n; ++i) {
      const std::string lit = RandomText(rng, static_cast<size_t>(rng.Range(1, 6)));
      const std::string a = rng.OneIn(3) ? RandomText(rng, static_cast<size_t>(rng.Range(1, 10))) : "";
      globs.push_back(internal::GlobEscape(a) + "*" + internal::GlobEscape(lit) +
                      (rng.OneIn(2) ? "*" : "**"));
    }
    const auto set = MakeSet(globs);
    for (size_t len = 0; len <= 40; ++len) {
      std::string text = RandomText(rng, len);
      if (rng.OneIn(2) && len > 0) {
        const std::string g = Instantiate(rng, rng.Pick(globs));
        text = (g + text).substr(0, len);
      }
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// The head index: prefixes, exact texts and prefix+suffix patterns of 8 or
// more bytes under few heads (buckets of 1..40 entries, the bytes after the
// head drawn from a small alphabet, sometimes after a shared run, some
// entries exactly 8 bytes), texts of 0..44 bytes with those heads, one
// byte off, or cut short.
TEST(GlobSetTest, HeadIndexBuckets) {
  Rng rng(504);
  const std::vector<std::string> heads = {"/api/v1/", "/orders/", "/api/v2/", "aaaaaaaa",
                                          "arn:aws:"};
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> globs;
    const int n = rng.Range(4, 48);
    // Some rounds share a run after the head, so the entries differ late
    // (the bucket filter's byte is then past byte 8).
    const std::string shared = rng.OneIn(2) ? "" : std::string(rng.Uniform(20), 'x');
    for (int i = 0; i < n; ++i) {
      std::string g = rng.Pick(heads) + shared.substr(0, rng.OneIn(4) ? rng.Uniform(21) : 20);
      const int extra = rng.Range(0, 6);
      for (int k = 0; k < extra; ++k) g += "ab/\xC3"[rng.Uniform(4)];
      switch (rng.Uniform(4)) {
        case 0: break;                     // exact
        case 1: g += "*"; break;           // prefix
        case 2: g += "*" + std::string(1, "ab"[rng.Uniform(2)]); break;  // prefix+suffix
        default: g += rng.OneIn(2) ? "*" : "?*"; break;
      }
      globs.push_back(g);
    }
    const auto set = MakeSet(globs);
    for (int t = 0; t < 60; ++t) {
      std::string text = rng.OneIn(3) ? Instantiate(rng, rng.Pick(globs))
                                      : rng.Pick(heads) + shared.substr(0, rng.Uniform(21)) +
                                            RandomText(rng, rng.Uniform(12));
      for (char& c : text) {
        if (c == '\0') c = 'a';
      }
      if (rng.OneIn(4) && !text.empty()) text[rng.Uniform(text.size())] ^= 1;
      if (rng.OneIn(8)) text.resize(rng.Uniform(text.size() + 1));
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// Short prefixes and suffixes (under 8 bytes and longer), many per set.
TEST(GlobSetTest, PrefixAndSuffixArrays) {
  Rng rng(505);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> globs;
    const int n = rng.Range(1, 20);
    for (int i = 0; i < n; ++i) {
      std::string lit;
      const int len = rng.Range(0, 12);
      for (int k = 0; k < len; ++k) lit += "ab./\xC3\xA9"[rng.Uniform(6)];
      globs.push_back(rng.OneIn(2) ? lit + "*" : "*" + lit);
    }
    const auto set = MakeSet(globs);
    for (int t = 0; t < 60; ++t) {
      const std::string& g = rng.Pick(globs);
      std::string text = rng.OneIn(2) ? Instantiate(rng, g) : RandomText(rng, rng.Uniform(20));
      if (rng.OneIn(4) && !text.empty()) text[rng.Uniform(text.size())] ^= 1;
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// Sets with enough `*`-only patterns of two or more middles for the
// RE2::Set, mixed with contains patterns (which stay out of it), on random
// and instantiated texts.
TEST(GlobSetTest, StarSetsWithRe2) {
  Rng rng(507);
  const std::vector<std::string> lits = {"a", "b", "ab", "/x", "\xC3\xA9", "json", "\\*"};
  for (int round = 0; round < 30; ++round) {
    std::vector<std::string> globs;
    const int n = rng.Range(16, 30);
    for (int i = 0; i < n; ++i) {
      std::string g = rng.OneIn(2) ? rng.Pick(lits) : "";
      const int middles = rng.Range(1, 3);
      for (int k = 0; k < middles; ++k) g += "*" + rng.Pick(lits);
      g += "*";
      if (rng.OneIn(2)) g += rng.Pick(lits);
      globs.push_back(g);
    }
    const auto set = MakeSet(globs);
    for (int t = 0; t < 80; ++t) {
      std::string text = rng.OneIn(2) ? Instantiate(rng, rng.Pick(globs))
                                      : RandomText(rng, rng.Uniform(41));
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// Every text of up to six units over {a, b, \xC3, \xA9} (so well-formed
// `é`, stray lead and continuation bytes) against random sets over the same
// units.
TEST(GlobSetTest, ExhaustiveShortTexts) {
  Rng rng(506);
  const std::vector<std::string> units = {"a", "b", "\xC3", "\xA9"};
  const std::vector<std::string> glob_units = {"a", "b", "\xC3", "\xA9", "\xC3\xA9", "*", "?"};
  std::vector<std::string> texts = {""};
  for (size_t begin = 0, len = 0; len < 6; ++len) {
    const size_t end = texts.size();
    for (size_t i = begin; i < end; ++i) {
      for (const std::string& u : units) texts.push_back(texts[i] + u);
    }
    begin = end;
  }
  for (int round = 0; round < 12; ++round) {
    std::vector<std::string> globs;
    for (int i = 0; i < 24; ++i) {
      std::string g;
      const int len = rng.Range(0, 5);
      for (int k = 0; k < len; ++k) g += rng.Pick(glob_units);
      globs.push_back(g);
    }
    const auto set = MakeSet(globs);
    for (const std::string& text : texts) {
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// Texts over a tiny alphabet (`:`, a newline, a two-byte UTF-8 character,
// NUL), so that sizes, heads and tails collide often.
std::string CollidingText(Rng& rng, size_t max_len) {
  static const char kAlphabet[] = "ab:\n\xc3\xa9\0";
  std::string s(static_cast<size_t>(rng.Uniform(max_len + 1)), 'a');
  for (char& c : s) c = kAlphabet[rng.Uniform(sizeof(kAlphabet) - 1)];
  return s;
}

// Replaces the NUL bytes CollidingText may produce (a policy's glob cannot
// hold one) with `b`.
void DropNuls(std::string* glob) {
  for (char& c : *glob) {
    if (c == '\0') c = 'b';
  }
}

// One pattern (its NULs made `b`) against GlobMatch on 10 colliding texts
// of up to `max_text` bytes.
void ExpectPatternAgrees(Rng& rng, std::string glob, size_t max_text) {
  DropNuls(&glob);
  const std::vector<std::string> globs = {glob};
  const auto set = MakeSet(globs);
  for (int t = 0; t < 10; ++t) ExpectAgrees(*set, globs, CollidingText(rng, max_text));
}

// The `*m*` shape and the `?` globs with their literal-head prefilter, one
// pattern at a time, on texts of up to 20 bytes.
TEST(GlobSetTest, ContainsAndQuestionShapes) {
  Rng rng(19);
  for (int round = 0; round < 20000; ++round) {
    std::string glob = CollidingText(rng, 4);
    switch (rng.Uniform(3)) {
      case 0: glob = "*" + glob + "*"; break;
      case 1: glob = glob + "?" + CollidingText(rng, 2) + "*"; break;
      default: glob = glob + "*?" + CollidingText(rng, 2); break;
    }
    ExpectPatternAgrees(rng, glob, 20);
    if (HasFailure()) return;
  }
}

// `*`-only globs with a literal head, middles and a tail (kStars: prefix and
// suffix, middles found leftmost), including texts shorter than the
// literals together and middles that overlap the head or the tail.
TEST(GlobSetTest, StarGlobsWithMiddles) {
  Rng rng(22);
  for (int round = 0; round < 20000; ++round) {
    std::string glob = CollidingText(rng, 3);
    const uint64_t middles = 1 + rng.Uniform(3);
    for (uint64_t i = 0; i < middles; ++i) glob += "*" + CollidingText(rng, 3);
    glob += "*" + CollidingText(rng, 3);
    ExpectPatternAgrees(rng, glob, 24);
    if (HasFailure()) return;
  }
}

// `*m*` patterns, long prefixes and long exact patterns that share a head
// word (head-index buckets), short prefixes, suffixes and `?` globs mixed
// in one set.
TEST(GlobSetTest, MixedShapesWithSharedHeads) {
  Rng rng(20);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> globs;
    const uint64_t n = 8 + rng.Uniform(12);
    for (uint64_t i = 0; i < n; ++i) {
      // Heads of 8 bytes from a tiny alphabet, so index buckets collide.
      const std::string head = rng.OneIn(2) ? "abababab" : "ab:ab:ab";
      switch (rng.Uniform(9)) {
        case 0: globs.push_back("*" + CollidingText(rng, 3) + "*"); break;
        case 1: case 2: case 3: globs.push_back(head + CollidingText(rng, 6) + "*"); break;
        case 4: case 5: globs.push_back(head + CollidingText(rng, 6)); break;
        case 6: globs.push_back(CollidingText(rng, 4) + "*"); break;
        case 7: globs.push_back("*" + CollidingText(rng, 4)); break;
        default: globs.push_back(head + "?" + CollidingText(rng, 2) + "*"); break;
      }
      DropNuls(&globs.back());
    }
    const auto set = MakeSet(globs);
    for (int t = 0; t < 40; ++t) {
      std::string text = rng.OneIn(2) ? "abababab" : "ab:ab:ab";
      text = rng.OneIn(4) ? CollidingText(rng, 16) : text + CollidingText(rng, 10);
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

// The head index with many distinct heads: probe chains through occupied
// slots, texts whose head is in no bucket (one byte off a listed head, or
// shorter than 8 bytes), buckets of several prefixes and exact patterns.
TEST(GlobSetTest, HeadIndexWithManyHeads) {
  Rng rng(23);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> heads;
    const uint64_t n_heads = 1 + rng.Uniform(40);
    for (uint64_t i = 0; i < n_heads; ++i) {
      std::string h(8, 'a');
      for (char& c : h) c = "ab/"[rng.Uniform(3)];
      heads.push_back(h);
    }
    std::vector<std::string> globs;
    const uint64_t n = 8 + rng.Uniform(40);
    for (uint64_t i = 0; i < n; ++i) {
      const std::string tail = CollidingText(rng, 4);
      globs.push_back(rng.Pick(heads) + (rng.OneIn(3) ? tail : tail + "*"));
      DropNuls(&globs.back());
    }
    const auto set = MakeSet(globs);
    for (int t = 0; t < 60; ++t) {
      std::string text = rng.Pick(heads) + CollidingText(rng, 6);
      if (rng.OneIn(3)) text[rng.Uniform(8)] ^= 1;  // a head that is (likely) in no bucket
      if (rng.OneIn(8)) text.resize(rng.Uniform(8));
      ExpectAgrees(*set, globs, text);
      if (HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace latticepol
