// File: tests/unit/strings_test.cc
// Stage: shared (internal). The string helpers of src/internal/strings.h:
// StrCat over std::string_view, quoting user input for one-line messages,
// did-you-mean suggestions and UTF-8 decoding.
#include "internal/strings.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace latticepol::internal {
namespace {

TEST(StrCatTest, MixesViewsStringsLiteralsAndNumbers) {
  const std::string s = "b";
  const std::string_view v = "c";
  EXPECT_EQ(StrCat("a", s, v, 1, size_t{2}, int64_t{-3}, 0.5), "abc12-30.5");
  EXPECT_EQ(StrCat(), "");
  // An empty default view (null data) is fine.
  EXPECT_EQ(StrCat(std::string_view(), "x"), "x");
  std::string out = "x";
  StrAppend(&out, v, "=", 7);
  EXPECT_EQ(out, "xc=7");
}

TEST(QuoteForMessageTest, PlainTextIsOnlyQuoted) {
  EXPECT_EQ(QuoteForMessage("blue"), "`blue`");
  EXPECT_EQ(QuoteForMessage(""), "``");
  EXPECT_EQ(QuoteForMessage(std::string_view()), "``");
  EXPECT_EQ(QuoteForMessage("gr\xc3\xbcn \xe2\x82\xac"), "`gr\xc3\xbcn \xe2\x82\xac`");
}

TEST(QuoteForMessageTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(QuoteForMessage("4444\n5555"), "`4444\\n5555`");
  EXPECT_EQ(QuoteForMessage("a\rb\tc"), "`a\\rb\\tc`");
  EXPECT_EQ(QuoteForMessage(std::string("a\0b", 3)), "`a\\x00b`");
  EXPECT_EQ(QuoteForMessage("\x04\x1b[31m\x7f"), "`\\x04\\x1b[31m\\x7f`");
  // C1 controls, line/paragraph separators and bidi overrides.
  EXPECT_EQ(QuoteForMessage("a\u0085b"), "`a\\u0085b`");
  EXPECT_EQ(QuoteForMessage("a\u2028b"), "`a\\u2028b`");
  EXPECT_EQ(QuoteForMessage("a\u202eb"), "`a\\u202eb`");
}

TEST(QuoteForMessageTest, InvalidUtf8IsEscapedByteByByte) {
  EXPECT_EQ(QuoteForMessage("bl\xff"), "`bl\\xff`");
  EXPECT_EQ(QuoteForMessage("\xc0\xaf"), "`\\xc0\\xaf`");           // overlong
  EXPECT_EQ(QuoteForMessage("\xed\xa0\x80"), "`\\xed\\xa0\\x80`");  // surrogate
  EXPECT_EQ(QuoteForMessage("a\xe2\x82"), "`a\\xe2\\x82`");         // truncated sequence
}

TEST(QuoteForMessageTest, LongValuesAreCutAtCharacterBoundaries) {
  const std::string long_ascii(1000, 'x');
  EXPECT_EQ(QuoteForMessage(long_ascii), "`" + std::string(kMaxQuotedChars, 'x') + "...`");
  EXPECT_EQ(QuoteForMessage(std::string(kMaxQuotedChars, 'x')),
            "`" + std::string(kMaxQuotedChars, 'x') + "`");
  // 100 two-byte characters: 80 are kept whole.
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xc3\xbc";
  std::string expected = "`";
  for (size_t i = 0; i < kMaxQuotedChars; ++i) expected += "\xc3\xbc";
  EXPECT_EQ(QuoteForMessage(umlauts), expected + "...`");
  // Escapes are never cut.
  EXPECT_EQ(QuoteForMessage(std::string(5, '\n'), 3), "`\\n\\n\\n...`");
  // A megabyte of control characters gives a short message.
  EXPECT_LT(QuoteForMessage(std::string(1 << 20, '\x01')).size(), 4 * kMaxQuotedChars + 8);
}

TEST(EscapeForMessageTest, NoBackticks) {
  EXPECT_EQ(EscapeForMessage("unknown escape character: \x04"), "unknown escape character: \\x04");
  EXPECT_EQ(EscapeForMessage("abcdef", 3), "abc...");
}

TEST(ClosestMatchTest, SuggestsTheClosestCandidate) {
  const std::vector<std::string_view> fields = {"name", "methods", "headers", "query"};
  EXPECT_EQ(ClosestMatch("mehtods", fields), "methods");  // a transposition is 2 edits
  EXPECT_EQ(ClosestMatch("heders", fields), "headers");
  EXPECT_EQ(ClosestMatch("NAME", fields), "name");  // case is free
  EXPECT_EQ(ClosestMatch("colour", fields), "");
  EXPECT_EQ(ClosestMatch("", fields), "");
}

TEST(ClosestMatchTest, ThresholdGrowsWithLengthUpToThree) {
  // Up to 3 characters: one edit.
  EXPECT_EQ(ClosestMatch("ab", {"abc"}), "abc");
  EXPECT_EQ(ClosestMatch("ab", {"abcd"}), "");
  // 4 to 8 characters: two edits.
  EXPECT_EQ(ClosestMatch("cuont", {"count"}), "count");
  EXPECT_EQ(ClosestMatch("cxxxt", {"count"}), "");
  // Long names: at most three edits.
  EXPECT_EQ(ClosestMatch("sourceVpcOwnerAcount", {"sourceVpcOwnerAccount"}),
            "sourceVpcOwnerAccount");
  EXPECT_EQ(ClosestMatch("sourceVpcOwnrAcnt", {"sourceVpcOwnerAccount"}), "");
}

TEST(ClosestMatchTest, TiesGoToTheFirstAndContainersWork) {
  EXPECT_EQ(ClosestMatch("bat", {"cat", "hat"}), "cat");
  const std::array<std::string_view, 2> array = {"Allow", "Deny"};
  EXPECT_EQ(ClosestMatch("allow", array), "Allow");
  const std::vector<std::string> strings = {"StringEquals", "StringLike"};
  EXPECT_EQ(ClosestMatch("StringEqual", strings), "StringEquals");
  constexpr std::string_view kCArray[] = {"AssumedRole", "User"};
  EXPECT_EQ(ClosestMatch("AssumedRol", kCArray), "AssumedRole");
}

TEST(ClosestMatchTest, LongNamesOnlyMatchAnotherCase) {
  const std::string long_name(100, 'a');
  const std::string upper(100, 'A');
  const std::string near = std::string(99, 'a') + "b";
  EXPECT_EQ(ClosestMatch(long_name, {std::string_view(upper)}), upper);
  EXPECT_EQ(ClosestMatch(near, {std::string_view(long_name)}), "");
}

TEST(DidYouMeanTest, QuotesTheSuggestion) {
  EXPECT_EQ(DidYouMean(""), "");
  EXPECT_EQ(DidYouMean("methods"), "; did you mean `methods`?");
  EXPECT_EQ(DidYouMean("x-a\nb"), "; did you mean `x-a\\nb`?");
  EXPECT_EQ(DidYouMean("Allow", ": "), ": did you mean `Allow`?");
}

TEST(DecodeUtf8Test, ValidAndInvalidSequences) {
  uint32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("a", 0, &cp), 1);
  EXPECT_EQ(cp, uint32_t{'a'});
  EXPECT_EQ(DecodeUtf8("\xc3\xbc", 0, &cp), 2);
  EXPECT_EQ(cp, 0xFCu);
  EXPECT_EQ(DecodeUtf8("\xe2\x82\xac", 0, &cp), 3);
  EXPECT_EQ(cp, 0x20ACu);
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x98\x80", 0, &cp), 4);
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(DecodeUtf8("\x80", 0, &cp), 0);              // continuation byte
  EXPECT_EQ(DecodeUtf8("\xc1\xbf", 0, &cp), 0);          // overlong
  EXPECT_EQ(DecodeUtf8("\xe0\x80\x80", 0, &cp), 0);      // overlong
  EXPECT_EQ(DecodeUtf8("\xed\xbf\xbf", 0, &cp), 0);      // surrogate
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80", 0, &cp), 0);  // above U+10FFFF
  EXPECT_EQ(DecodeUtf8("\xe2\x82", 0, &cp), 0);          // cut short
  EXPECT_EQ(DecodeUtf8("x\xc3\xbc", 1, &cp), 2);
}

TEST(AppendUtf8Test, RoundTripsThroughDecodeUtf8) {
  for (uint32_t cp : {0x0u, 0x41u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
    std::string s;
    AppendUtf8(cp, &s);
    uint32_t back = 0xFFFFFFFF;
    EXPECT_EQ(DecodeUtf8(s, 0, &back), static_cast<int>(s.size())) << cp;
    EXPECT_EQ(back, cp);
  }
  std::string euro;
  AppendUtf8(0x20AC, &euro);
  EXPECT_EQ(euro, "\xe2\x82\xac");
}

}  // namespace
}  // namespace latticepol::internal
