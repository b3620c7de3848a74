// File: tests/unit/text_test.cc
// Stage: primitives. Tables for every primitive of src/internal/text.h, plus
// a comparative test of GlobMatch against a simple dynamic-programming
// reference on random patterns (re2's "gold standard" idea).
#include "internal/text.h"

#include <array>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/decision.h"

namespace latticepol::internal {
namespace {

// ---- Globs -------------------------------------------------------------------

struct GlobCase {
  std::string_view pattern;
  std::string_view text;
  bool match;
};

void PrintTo(const GlobCase& c, std::ostream* os) {
  *os << "pattern `" << c.pattern << "` text `" << c.text << "`";
}

class GlobMatchTest : public ::testing::TestWithParam<GlobCase> {};

TEST_P(GlobMatchTest, Matches) {
  const GlobCase& c = GetParam();
  EXPECT_EQ(GlobMatch(c.pattern, c.text), c.match)
      << "pattern `" << c.pattern << "` text `" << c.text << "`";
}

INSTANTIATE_TEST_SUITE_P(
    Table, GlobMatchTest,
    ::testing::Values(
        GlobCase{"", "", true}, GlobCase{"", "a", false}, GlobCase{"a", "", false},
        GlobCase{"*", "", true}, GlobCase{"*", "anything/at:all", true},
        GlobCase{"**", "", true}, GlobCase{"?", "", false}, GlobCase{"?", "a", true},
        GlobCase{"?", "ab", false}, GlobCase{"??", "ab", true},
        GlobCase{"abc", "abc", true}, GlobCase{"abc", "abd", false},
        GlobCase{"abc", "ABC", false},  // case-sensitive
        GlobCase{"a*", "a", true}, GlobCase{"a*", "abc", true}, GlobCase{"a*", "ba", false},
        GlobCase{"*a", "ba", true}, GlobCase{"*a", "ab", false},
        GlobCase{"a*c", "ac", true}, GlobCase{"a*c", "abbbc", true},
        GlobCase{"a*c", "abbbcd", false}, GlobCase{"a*b*c", "aXbYc", true},
        GlobCase{"a*b*c", "acb", false}, GlobCase{"*ab", "aab", true},
        GlobCase{"*aab", "aaab", true}, GlobCase{"*abab", "abaabab", true},
        GlobCase{"a?c", "abc", true}, GlobCase{"a?c", "ac", false},
        // Worked cases 38, 39, 18-20 of docs/semantics.md §7.
        GlobCase{"/api/*", "/api", false}, GlobCase{"/api/*", "/api/", true},
        GlobCase{"/v?/items", "/v1/items", true}, GlobCase{"/v?/items", "/v10/items", false},
        GlobCase{"svc/*", "svc/", true}, GlobCase{"*/rates", "arn:x:svc/rates", true},
        GlobCase{"*/rates", "arn:x:svc/rates/today", false},
        // O2: wildcards match newlines.
        GlobCase{"a*b", "a\nb", true}, GlobCase{"a?b", "a\nb", true},
        // `?` is one code point.
        GlobCase{"?", "\xC3\xA9", true},              // é
        GlobCase{"??", "\xC3\xA9", false},
        GlobCase{"?", "\xE2\x82\xAC", true},          // €
        GlobCase{"?", "\xF0\x9F\x98\x80", true},      // U+1F600
        GlobCase{"*??", "\xE2\x82\xAC", false},       // star must not split €
        GlobCase{"*?", "x\xE2\x82\xAC", true},
        GlobCase{"*??a*", "\xE2\x82\xAC" "a" "\xE2\x82\xAC", false},  // no mid-€ split
        GlobCase{"a?b", "a\xFF" "b", true},           // a stray byte counts as one
        GlobCase{"a?b", "a\xC3" "b", true},           // truncated sequence: stray
        GlobCase{"caf?", "caf\xC3\xA9", true},
        // Escapes.
        GlobCase{"a\\*b", "a*b", true}, GlobCase{"a\\*b", "axb", false},
        GlobCase{"a\\?b", "a?b", true}, GlobCase{"a\\?b", "axb", false},
        GlobCase{"a\\\\b", "a\\b", true}, GlobCase{"a\\b", "ab", true},
        GlobCase{"a\\", "a\\", true},  // trailing backslash is literal
        GlobCase{"*\\*", "abc*", true}, GlobCase{"*\\*", "abc", false},
        // Adversarial: must answer quickly.
        GlobCase{"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                 false},
        GlobCase{"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a",
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                 true},
        GlobCase{"*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?x",
                 "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", false}));

// Reference: dynamic programming over units, independent of the engine.
std::vector<std::string> Units(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b >= 0xC2 && b <= 0xDF) len = 2;
    if (b >= 0xE0 && b <= 0xEF) len = 3;
    if (b >= 0xF0 && b <= 0xF4) len = 4;
    if (i + len > s.size()) len = 1;
    out.emplace_back(s.substr(i, len));
    i += len;
  }
  return out;
}

bool ReferenceGlob(std::string_view pattern, std::string_view text) {
  // Pattern tokens over units: `*`, `?`, or one literal unit (`\` escapes
  // the next unit; a trailing `\` is literal).
  struct Tok {
    int kind;  // 0 = `*`, 1 = `?`, 2 = literal
    std::string unit;
  };
  const std::vector<std::string> punits = Units(pattern);
  std::vector<Tok> toks;
  for (size_t i = 0; i < punits.size(); ++i) {
    if (punits[i] == "*") {
      toks.push_back({0, ""});
    } else if (punits[i] == "?") {
      toks.push_back({1, ""});
    } else if (punits[i] == "\\" && i + 1 < punits.size()) {
      toks.push_back({2, punits[++i]});
    } else {
      toks.push_back({2, punits[i]});
    }
  }
  const std::vector<std::string> units = Units(text);
  const size_t n = units.size();
  std::vector<std::vector<char>> dp(toks.size() + 1, std::vector<char>(n + 1, 0));
  dp[0][0] = 1;
  for (size_t p = 1; p <= toks.size(); ++p) {
    const Tok& t = toks[p - 1];
    for (size_t j = 0; j <= n; ++j) {
      if (t.kind == 0) {
        dp[p][j] = dp[p - 1][j] || (j > 0 && dp[p][j - 1]);
      } else if (j > 0) {
        dp[p][j] = dp[p - 1][j - 1] && (t.kind == 1 || units[j - 1] == t.unit);
      }
    }
  }
  return dp[toks.size()][n];
}

TEST(GlobMatchTest, AgreesWithReferenceOnRandomInputs) {
  std::mt19937 rng(12345);
  // Units, including a two-byte and a three-byte code point.
  const std::vector<std::string> alphabet = {"a", "b", "*", "?", "\\", "\xC3\xA9", "\xE2\x82\xAC"};
  int matches = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    std::string pattern;
    std::string text;
    const int plen = static_cast<int>(rng() % 8);
    const int tlen = static_cast<int>(rng() % 10);
    for (int i = 0; i < plen; ++i) pattern += alphabet[rng() % alphabet.size()];
    for (int i = 0; i < tlen; ++i) text += alphabet[rng() % alphabet.size()];
    const bool expected = ReferenceGlob(pattern, text);
    matches += expected;
    ASSERT_EQ(GlobMatch(pattern, text), expected) << "pattern `" << pattern << "` text `" << text << "`";
  }
  EXPECT_GT(matches, 100);  // the sample exercises both outcomes
}

TEST(GlobMatchTest, LongAdversarialInputsFinish) {
  // Each would take exponential time in a naive recursive matcher.
  std::string text(100000, 'a');
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "*a";
  pattern += "*b";
  EXPECT_FALSE(GlobMatch(pattern, text));
  text.back() = 'b';
  EXPECT_TRUE(GlobMatch(pattern, text));
  EXPECT_TRUE(GlobMatch("*" + std::string(50, 'a') + "*", std::string(200000, 'a')));
}

TEST(GlobTest, EscapeHelpers) {
  EXPECT_EQ(GlobFromPolicyText("a\\b*?"), "a\\\\b*?");
  EXPECT_EQ(GlobEscape("a\\b*?c"), "a\\\\b\\*\\?c");
  EXPECT_TRUE(GlobMatch(GlobEscape("x*y?z\\"), "x*y?z\\"));
  EXPECT_FALSE(GlobMatch(GlobEscape("x*y"), "xAAy"));
  EXPECT_TRUE(GlobMatch(GlobFromPolicyText("a\\*"), "a\\xyz"));
  EXPECT_TRUE(GlobIsLiteral("abc"));
  EXPECT_TRUE(GlobIsLiteral("a\\*b\\?"));
  EXPECT_TRUE(GlobIsLiteral(""));
  EXPECT_FALSE(GlobIsLiteral("a*"));
  EXPECT_FALSE(GlobIsLiteral("a?"));
  EXPECT_FALSE(GlobIsLiteral("\\\\*"));
  EXPECT_EQ(GlobUnescape("a\\*b\\\\c\\?"), "a*b\\c?");
  EXPECT_EQ(GlobUnescape(GlobEscape("we*ird?\\")), "we*ird?\\");
}

TEST(ActionMatchesTest, Table) {
  struct Case {
    std::string_view pattern, action;
    bool match;
  };
  const Case cases[] = {
      {"vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Invoke", true},
      {"VPC-LATTICE-SVCS:invoke", "vpc-lattice-svcs:Invoke", true},  // #14
      {"vpc-lattice-svcs:*", "vpc-lattice-svcs:Connect", true},
      {"*", "vpc-lattice-svcs:Invoke", true},
      {"vpc-lattice:*", "vpc-lattice-svcs:Invoke", false},  // #15
      {"vpc-lattice-svcs:Inv?ke", "vpc-lattice-svcs:Invoke", true},  // A1
      {"vpc-lattice-svcs:Inv?ke", "vpc-lattice-svcs:Invooke", false},
      {"vpc-lattice-svcs:In*", "vpc-lattice-svcs:Connect", false},
      {"vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Invoke2", false},
      {"vpc-lattice-svcs:\\*", "vpc-lattice-svcs:\\Invoke", true},  // no escapes
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ActionMatches(c.pattern, c.action), c.match) << c.pattern << " vs " << c.action;
  }
}

// ---- ARNs --------------------------------------------------------------------

TEST(ArnTest, Split) {
  std::array<std::string_view, 6> f;
  ASSERT_TRUE(SplitArn("arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-1/a:b", &f));
  EXPECT_EQ(f[0], "arn");
  EXPECT_EQ(f[1], "aws");
  EXPECT_EQ(f[2], "vpc-lattice");
  EXPECT_EQ(f[3], "us-east-1");
  EXPECT_EQ(f[4], "444455556666");
  EXPECT_EQ(f[5], "service/svc-1/a:b");  // colons after the fifth stay
  ASSERT_TRUE(SplitArn("arn:aws:iam::111122223333:root", &f));
  EXPECT_EQ(f[3], "");
  ASSERT_TRUE(SplitArn("arn:::::", &f));
  EXPECT_EQ(f[5], "");
  EXPECT_FALSE(SplitArn("arn:aws:iam::111122223333", &f));  // five fields
  EXPECT_FALSE(SplitArn("ARN:aws:iam::1:root", &f));
  EXPECT_FALSE(SplitArn("", &f));
  EXPECT_FALSE(SplitArn("not-an-arn", &f));
}

TEST(ArnTest, GlobMatchTable) {
  const std::string svc = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123";
  struct Case {
    std::string pattern;
    std::string arn;
    bool match;
  };
  const Case cases[] = {
      {svc, svc, true},
      {svc + "/*", svc + "/", true},
      {"arn:aws:vpc-lattice:*:*:service/*", svc, true},
      {"arn:aws:vpc-lattice:*:service/*", svc, false},  // #40: five fields
      {"arn:aws:vpc-lattice:us-*:444455556666:service/svc-0123", svc, true},
      {"arn:aws:vpc-lattice:*:111122223333:service/*", svc, false},  // #22
      {"arn:aws:vpc-lattice:us-east-?:*:*", svc, true},
      {"arn:aws:vpc-lattice:us-*:service/svc-0123:*", svc, false},  // field-wise
      {"arn:*:vpc-lattice:us-east-1:444455556666:service/*", svc, true},
      {"arn:aws:vpc-lattice:us-east-1:444455556666:service/SVC-0123", svc, false},
      {"arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/a/b", true},
      {"arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/x", true},
      {"arn:aws:iam::111122223333:role/x", "not-an-arn", false},  // O6
      {"*", svc, false},  // not an ARN pattern
      {"arn:aws:iam::1:role/a:b*", "arn:aws:iam::1:role/a:bc", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ArnGlobMatch(c.pattern, c.arn), c.match) << c.pattern << " vs " << c.arn;
  }
}

// ---- Case folding ------------------------------------------------------------

TEST(FoldCaseTest, Table) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"Hello World 123", "hello world 123"},
      {"\xC3\x89t\xC3\xA9", "\xC3\xA9t\xC3\xA9"},          // Été -> été
      {"\xC3\x9C" "BER", "\xC3\xBC" "ber"},                  // Ü
      {"\xC3\x9F", "\xC3\x9F"},                              // ß (full folding only)
      {"\xE1\xBA\x9E", "\xC3\x9F"},                          // ẞ -> ß (S)
      {"\xC5\x81\xC3\x93" "D\xC5\xB9", "\xC5\x82\xC3\xB3" "d\xC5\xBA"},  // ŁÓDŹ
      {"\xC5\xBF", "s"},                                     // ſ -> s
      {"\xC2\xB5", "\xCE\xBC"},                              // µ -> μ
      {"\xCE\xA3", "\xCF\x83"},                              // Σ -> σ
      {"\xCF\x82", "\xCF\x83"},                              // ς -> σ
      {"\xCE\x91\xCE\x98\xCE\x97\xCE\x9D\xCE\x91", "\xCE\xB1\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1"},
      {"\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90", "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"},
      {"\xD0\x81", "\xD1\x91"},                              // Ё -> ё
      {"\xE2\x84\xAA", "k"},                                 // Kelvin sign
      {"\xE2\x84\xAB", "\xC3\xA5"},                          // Angstrom sign -> å
      {"\xE2\x84\xA6", "\xCF\x89"},                          // Ohm -> ω
      {"\xC4\xB0", "\xC4\xB0"},                              // İ: no simple folding
      {"\xEF\xBC\xA1", "\xEF\xBD\x81"},                      // fullwidth A -> a
      {"\xF0\x90\x90\x80", "\xF0\x90\x90\xA8"},              // Deseret
      {"A\xFF" "B\xC3", "a\xFF" "b\xC3"},                    // stray bytes kept
      {"\xED\xA0\x80" "A", "\xED\xA0\x80" "a"},              // encoded surrogate kept
  };
  for (const Case& c : cases) EXPECT_EQ(FoldCase(c.in), c.out) << c.in;
}

TEST(EqualsIgnoreCaseTest, Table) {
  struct Case {
    std::string_view a, b;
    bool eq;
  };
  const Case cases[] = {
      {"", "", true},
      {"anonymous", "Anonymous", true},  // #29
      {"ANONYMOUS", "anonymous", true},
      {"abc", "abd", false},
      {"abc", "abcd", false},
      {"abcd", "abc", false},
      {"@", "`", false},  // not letters: no case
      {"[", "{", false},
      {"\xC3\x89", "\xC3\xA9", true},        // É é
      {"\xCF\x82", "\xCE\xA3", true},        // ς Σ
      {"\xCF\x82", "\xCF\x83", true},        // ς σ
      {"\xE2\x84\xAA", "K", true},           // Kelvin vs K
      {"\xE2\x84\xAA", "k", true},
      {"stra\xC3\x9F" "e", "STRASSE", false},  // simple folding only
      {"x\xC3\x89y", "X\xC3\xA9Y", true},
      {"\xFF", "\xFF", true},
      {"\xFF", "\xFE", false},
      {"\xC3", "\xC3\xA9", false},
      {"caf\xC3\xA9", "CAF\xC3\x89", true},
      {"caf\xC3\xA9", "CAFE", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EqualsIgnoreCase(c.a, c.b), c.eq) << c.a << " vs " << c.b;
    EXPECT_EQ(EqualsIgnoreCase(c.b, c.a), c.eq) << c.b << " vs " << c.a;
  }
}

TEST(EqualsIgnoreCaseTest, AgreesWithFoldCase) {
  const std::string_view samples[] = {
      "a", "A", "\xC3\x89", "\xC3\xA9", "\xCE\xA3", "\xCF\x83", "\xCF\x82", "\xE2\x84\xAA",
      "k", "K", "\xC5\xBF", "s", "S", "\xFF", "\xC4\xB0", "i", "\xD0\x96", "\xD0\xB6"};
  for (std::string_view a : samples) {
    for (std::string_view b : samples) {
      EXPECT_EQ(EqualsIgnoreCase(a, b), FoldCase(a) == FoldCase(b)) << a << " vs " << b;
    }
  }
}

TEST(AsciiLowerTest, OnlyAscii) {
  EXPECT_EQ(AsciiLower("Content-Type"), "content-type");
  EXPECT_EQ(AsciiLower("\xC3\x89X"), "\xC3\x89x");
}

// ---- Numbers -----------------------------------------------------------------

TEST(NumberTest, Validity) {
  for (std::string_view ok : {"0", "-0", "80", "007", "1.5", "-1.50", "0.0",
                              "123456789012345678901234567890.000000000001"}) {
    EXPECT_TRUE(IsValidNumber(ok)) << ok;
  }
  for (std::string_view bad : {"", "-", "+1", "1.", ".5", "1e3", "0x10", " 1", "1 ",
                               "1..2", "1.2.3", "--1", "eighty", "1,000", "Infinity", "NaN"}) {
    EXPECT_FALSE(IsValidNumber(bad)) << bad;
  }
}

TEST(NumberTest, Compare) {
  struct Case {
    std::string_view a, b;
    int cmp;
  };
  const Case cases[] = {
      {"0", "0", 0},          {"-0", "0", 0},          {"0.000", "-0", 0},
      {"443", "443", 0},      {"443", "0443", 0},      {"1.50", "1.5", 0},
      {"80", "443", -1},      {"443", "80", 1},        {"9", "10", -1},
      {"-1", "1", -1},        {"1", "-1", 1},          {"-10", "-9", -1},
      {"-9", "-10", 1},       {"1.05", "1.5", -1},     {"1.5", "1.05", 1},
      {"1.5", "1.50001", -1}, {"-1.5", "-1.50001", 1}, {"0.1", "0", 1},
      {"-0.1", "0", -1},      {"2", "1.999999999999999999999", 1},
      {"100000000000000000000000000001", "100000000000000000000000000000", 1},
      {"99999999999999999999", "100000000000000000000", -1},
      {"-0.0001", "-0.00001", -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CompareNumbers(c.a, c.b), c.cmp) << c.a << " vs " << c.b;
    EXPECT_EQ(CompareNumbers(c.b, c.a), -c.cmp) << c.b << " vs " << c.a;
  }
}

// ---- Dates -------------------------------------------------------------------

TEST(DateTest, Valid) {
  struct Case {
    std::string_view in;
    int64_t millis;
  };
  const Case cases[] = {
      {"1970", 0},
      {"1970-01", 0},
      {"1970-01-01", 0},
      {"1970-01-01T00:00Z", 0},
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00:00.5Z", 500},
      {"1970-01-01T00:00:00.123456Z", 123},
      {"1970-01-01T01:00+01:00", 0},
      {"1969-12-31T19:00:00-05:00", 0},
      {"2000-03-01", 951868800000},
      {"2024-02-29", 1709164800000},  // leap year
      {"2000-02-29", 951782400000},   // 400-year rule
      {"2026-11-26T12:00:00Z", 1795694400000},
      {"2020-01-01T00:00:01Z", 1577836801000},
      {"1960-06-15", -301276800000},  // before the epoch
      {"9999-12-31T23:59:59Z", 253402300799000},
      {"0", 0},
      {"1517443200", 1517443200000},  // epoch seconds
      {"1517443200.25", 1517443200250},
      {"00001", 1000},
      {"19", 19000},  // not four digits: epoch seconds
      {"2024.5", 2024500},  // with a fraction it is epoch seconds
      {"2024", 1704067200000},  // four digits are a year
  };
  for (const Case& c : cases) {
    int64_t millis = -1;
    EXPECT_TRUE(ParseDate(c.in, &millis)) << c.in;
    EXPECT_EQ(millis, c.millis) << c.in;
  }
}

TEST(DateTest, Invalid) {
  for (std::string_view bad :
       {"", "2024-1", "2024-13", "2024-00", "2024-01-00", "2024-01-32",
        "2023-02-29", "1900-02-29", "2024-04-31", "2024-01-01T", "2024-01-01T12Z",
        "2024-01-01T12:00", "2024-01-01T24:00Z", "2024-01-01T12:60Z",
        "2024-01-01T12:00:60Z", "2024-01-01T12:00:00.Z", "2024-01-01T12:00:00+0100",
        "2024-01-01T12:00:00+24:00", "2024-01-01 12:00:00Z", "2024-01-01T12:00:00z",
        "2024-01-01T12:00:00ZZ", "2024/01/01", "-1", "1.", ".5", "1e9", "abc",
        "99999999999999999999", "2024-01-01T12:00:00Zjunk", "+2024"}) {
    int64_t millis;
    EXPECT_FALSE(ParseDate(bad, &millis)) << bad;
  }
}

// ---- IP ----------------------------------------------------------------------

std::string Hex(const IpNet& n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < (n.v6 ? 16 : 4); ++i) {
    out.push_back(kHex[n.bytes[i] >> 4]);
    out.push_back(kHex[n.bytes[i] & 15]);
  }
  return out + "/" + std::to_string(n.prefix);
}

TEST(IpTest, ParseValid) {
  struct Case {
    std::string_view in, hex;
  };
  const Case cases[] = {
      {"10.0.0.5", "0a000005/32"},
      {"0.0.0.0", "00000000/32"},
      {"255.255.255.255", "ffffffff/32"},
      {"::", "00000000000000000000000000000000/128"},
      {"::1", "00000000000000000000000000000001/128"},
      {"1::", "00010000000000000000000000000000/128"},
      {"2001:db8::8a2e:370:7334", "20010db80000000000008a2e03707334/128"},
      {"2001:DB8:0:0:0:0:0:1", "20010db8000000000000000000000001/128"},
      {"2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001/128"},
      {"1:2:3:4:5:6:7::", "00010002000300040005000600070000/128"},  // :: = one group
      {"::1:2:3:4:5:6:7", "00000001000200030004000500060007/128"},
      {"::ffff:192.0.2.128", "00000000000000000000ffffc0000280/128"},
      {"64:ff9b::10.0.0.1", "0064ff9b00000000000000000a000001/128"},
      {"1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304/128"},
      {"::1.2.3.4", "00000000000000000000000001020304/128"},
      {"fe80::0001", "fe800000000000000000000000000001/128"},
  };
  for (const Case& c : cases) {
    IpNet n;
    ASSERT_TRUE(ParseIp(c.in, &n)) << c.in;
    EXPECT_EQ(Hex(n), c.hex) << c.in;
  }
}

TEST(IpTest, ParseInvalid) {
  for (std::string_view bad :
       {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.04", "1.2.3.-4",
        "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/32", "1..3.4", "1.2.3.", "0x1.2.3.4", "1.2.3.1000",
        ":", ":::", "1:2", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1::2:", "12345::",
        "g::1", "::1.2.3", "::1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::",
        "fe80::1%eth0", "[::1]", "::ffff:01.2.3.4", "1:2:3:4:5:6:7:8::"}) {
    IpNet n;
    EXPECT_FALSE(ParseIp(bad, &n)) << bad;
  }
}

TEST(IpTest, Cidr) {
  struct Case {
    std::string_view in, hex;
  };
  const Case cases[] = {
      {"10.0.0.0/8", "0a000000/8"},
      {"10.1.2.3/8", "0a000000/8"},  // host bits cleared
      {"10.1.2.3/20", "0a010000/20"},
      {"10.1.2.3/32", "0a010203/32"},
      {"10.1.2.3", "0a010203/32"},  // bare = /32
      {"0.0.0.0/0", "00000000/0"},
      {"10.255.255.255/9", "0a800000/9"},
      {"2001:db8::1/32", "20010db8000000000000000000000000/32"},
      {"2001:db8::1", "20010db8000000000000000000000001/128"},  // O5
      {"::/0", "00000000000000000000000000000000/0"},
      {"2001:db8:ffff::/47", "20010db8fffe00000000000000000000/47"},
  };
  for (const Case& c : cases) {
    IpNet n;
    ASSERT_TRUE(ParseCidr(c.in, &n)) << c.in;
    EXPECT_EQ(Hex(n), c.hex) << c.in;
  }
  for (std::string_view bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08",
                               "::/129", "10.0.0.0/8/8", "10.0.0.0/a", "/8", "::1/1000"}) {
    IpNet n;
    EXPECT_FALSE(ParseCidr(bad, &n)) << bad;
  }
}

TEST(IpTest, Contains) {
  struct Case {
    std::string_view net, addr;
    bool in;
  };
  const Case cases[] = {
      {"10.0.0.0/8", "10.255.1.2", true},     {"10.0.0.0/8", "11.0.0.0", false},
      {"10.0.0.0/9", "10.127.0.1", true},     {"10.0.0.0/9", "10.128.0.1", false},
      {"0.0.0.0/0", "203.0.113.9", true},     {"10.0.0.5", "10.0.0.5", true},
      {"10.0.0.5", "10.0.0.6", false},        {"10.0.0.5/31", "10.0.0.4", true},
      {"2001:db8::/32", "2001:db8:1::1", true}, {"2001:db8::/32", "2001:db9::1", false},
      {"::/0", "::1", true},                  {"::1", "::1", true},
      {"::1", "::2", false},                  {"10.0.0.0/8", "::ffff:10.0.0.1", false},
      {"::ffff:0:0/96", "10.0.0.1", false},   // families must match
      {"2001:db8::/33", "2001:db8:8000::", false},
  };
  for (const Case& c : cases) {
    IpNet net;
    IpNet addr;
    ASSERT_TRUE(ParseCidr(c.net, &net)) << c.net;
    ASSERT_TRUE(ParseIp(c.addr, &addr)) << c.addr;
    EXPECT_EQ(CidrContains(net, addr), c.in) << c.net << " ∋ " << c.addr;
  }
}

// ---- Bool, base64 ------------------------------------------------------------

TEST(BoolTest, Table) {
  bool v = false;
  EXPECT_TRUE(ParseBool("true", &v));
  EXPECT_TRUE(v);
  EXPECT_TRUE(ParseBool("FALSE", &v));
  EXPECT_FALSE(v);
  EXPECT_TRUE(ParseBool("True", &v));
  EXPECT_TRUE(v);
  for (std::string_view bad : {"", "1", "0", "yes", "t", "truee", " true", "false "}) {
    EXPECT_FALSE(ParseBool(bad, &v)) << bad;
  }
}

TEST(Base64Test, Table) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {{"", ""},         {"Zg==", "f"},        {"Zm8=", "fo"},
                        {"Zm9v", "foo"},  {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"},
                        {"Zm9vYmFy", "foobar"}, {"+/+/", "\xFB\xFF\xBF"}};
  for (const Case& c : cases) {
    std::string out;
    ASSERT_TRUE(Base64Decode(c.in, &out)) << c.in;
    EXPECT_EQ(out, c.out) << c.in;
  }
  for (std::string_view bad : {"Zg", "Zg=", "Z===", "Zm9v!A==", "Zm 9v", "Zm9v\n", "=Zg=",
                               "-_==", "Zg==Zg=="}) {
    std::string out;
    EXPECT_FALSE(Base64Decode(bad, &out)) << bad;
  }
}

// ---- Variables ---------------------------------------------------------------

bool TestResolver(std::string_view key, std::string* value) {
  if (key == "aws:PrincipalAccount") {
    *value = "111122223333";
    return true;
  }
  if (key == "aws:PrincipalTag/team") {
    *value = "blue*?\\";
    return true;
  }
  if (key == "empty") {
    value->clear();
    return true;
  }
  return false;
}

TEST(VariableTest, HasVariable) {
  EXPECT_TRUE(HasVariable("${aws:PrincipalAccount}"));
  EXPECT_TRUE(HasVariable("a${*}b"));
  EXPECT_TRUE(HasVariable("${key, 'default'}"));
  EXPECT_TRUE(HasVariable("x ${ unterminated ${real}"));
  EXPECT_FALSE(HasVariable("plain"));
  EXPECT_FALSE(HasVariable("${unterminated"));
  EXPECT_FALSE(HasVariable("$ {x}"));
  EXPECT_FALSE(HasVariable("${}"));
  EXPECT_FALSE(HasVariable("$"));
}

struct SubstCase {
  std::string_view value;
  SubstituteFor mode;
  bool ok;
  std::string_view out;
  DecisionIdMask ids;
};

void PrintTo(const SubstCase& c, std::ostream* os) { *os << "`" << c.value << "`"; }

class SubstituteTest : public ::testing::TestWithParam<SubstCase> {};

TEST_P(SubstituteTest, Substitutes) {
  const SubstCase& c = GetParam();
  std::string out = "junk";
  DecisionIdMask ids = 0;
  EXPECT_EQ(SubstituteVariables(c.value, c.mode, TestResolver, &out, &ids), c.ok) << c.value;
  if (c.ok) {
    EXPECT_EQ(out, c.out) << c.value;
  }
  EXPECT_EQ(ids, c.ids) << c.value;
}

constexpr SubstituteFor kLit = SubstituteFor::kLiteral;
constexpr SubstituteFor kGlob = SubstituteFor::kGlob;
constexpr DecisionIdMask kV1 = Bit(DecisionId::kV1);
constexpr DecisionIdMask kV2 = Bit(DecisionId::kV2);

INSTANTIATE_TEST_SUITE_P(
    Table, SubstituteTest,
    ::testing::Values(
        SubstCase{"plain", kLit, true, "plain", 0},
        SubstCase{"", kGlob, true, "", 0},
        SubstCase{"${aws:PrincipalAccount}", kLit, true, "111122223333", 0},
        SubstCase{"acct-${aws:PrincipalAccount}-x", kGlob, true, "acct-111122223333-x", 0},
        SubstCase{"${ aws:PrincipalAccount }", kLit, true, "111122223333", 0},
        SubstCase{"${missing}", kLit, false, "", 0},
        SubstCase{"a${missing}b", kGlob, false, "", 0},
        SubstCase{"${missing, 'dflt'}", kLit, true, "dflt", 0},
        SubstCase{"${missing,'dflt'}", kLit, true, "dflt", 0},
        SubstCase{"${missing, ''}", kLit, true, "", 0},
        SubstCase{"${missing, 'a}b'}", kLit, true, "a}b", 0},
        SubstCase{"${missing, 'd*'}", kGlob, true, "d\\*", kV2},  // default is literal
        SubstCase{"${aws:PrincipalAccount, 'dflt'}", kLit, true, "111122223333", 0},
        SubstCase{"${empty}", kLit, true, "", 0},
        SubstCase{"${empty, 'x'}", kLit, true, "", 0},  // present but empty wins
        // Escapes.
        SubstCase{"a${*}b", kLit, true, "a*b", 0},
        SubstCase{"a${*}b", kGlob, true, "a\\*b", 0},
        SubstCase{"a${?}b", kGlob, true, "a\\?b", 0},
        SubstCase{"a${$}b", kGlob, true, "a$b", 0},
        SubstCase{"${$}{x}", kLit, true, "${x}", 0},
        // Policy wildcards stay; substituted text is escaped (V2).
        SubstCase{"*-${aws:PrincipalTag/team}-?", kGlob, true, "*-blue\\*\\?\\\\-?", kV2},
        SubstCase{"*-${aws:PrincipalTag/team}-?", kLit, true, "*-blue*?\\-?", 0},
        SubstCase{"a\\b*", kGlob, true, "a\\\\b*", 0},  // policy backslash is literal
        SubstCase{"a\\b*", kLit, true, "a\\b*", 0},
        // V1: unterminated or malformed `${` stays literal.
        SubstCase{"${unterminated", kLit, true, "${unterminated", kV1},
        SubstCase{"a*${b", kGlob, true, "a*${b", kV1},
        SubstCase{"${a b}", kLit, true, "${a b}", kV1},
        SubstCase{"${}", kLit, true, "${}", kV1},
        SubstCase{"${x, dflt}", kLit, true, "${x, dflt}", kV1},
        SubstCase{"${ ${aws:PrincipalAccount}", kLit, true, "${ 111122223333", kV1},
        SubstCase{"$", kLit, true, "$", 0},
        SubstCase{"$${aws:PrincipalAccount}", kLit, true, "$111122223333", 0}));

TEST(VariableTest, NullIdsAndResolver) {
  std::string out;
  EXPECT_TRUE(SubstituteVariables("${x, 'd'}${unterminated", SubstituteFor::kLiteral,
                                  VariableResolver(), &out, nullptr));
  EXPECT_EQ(out, "d${unterminated");
  EXPECT_FALSE(SubstituteVariables("${x}", SubstituteFor::kLiteral, VariableResolver(), &out,
                                   nullptr));
}

TEST(VariableTest, SubstitutedGlobMatchesOnlyLiterally) {
  std::string pattern;
  ASSERT_TRUE(SubstituteVariables("/team/${aws:PrincipalTag/team}/*", SubstituteFor::kGlob,
                                  TestResolver, &pattern, nullptr));
  EXPECT_TRUE(GlobMatch(pattern, "/team/blue*?\\/x"));
  EXPECT_FALSE(GlobMatch(pattern, "/team/blueXY\\/x"));
}

}  // namespace
}  // namespace latticepol::internal
