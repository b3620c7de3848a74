// File: tests/unit/json_reader_test.cc
// Stage: parse (shared). Tests of the strict JSON reader: values, offsets,
// duplicate keys, escapes, UTF-8 validation, depth limit and error offsets.
#include "internal/json_reader.h"

#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace latticepol::internal {
namespace {

using ::testing::HasSubstr;

JsonValue MustRead(std::string_view text) {
  JsonValue v;
  JsonError error;
  EXPECT_TRUE(ReadJson(text, {}, &v, &error)) << text << ": " << error.message;
  return v;
}

JsonError MustFail(std::string_view text, const JsonReadOptions& options = {}) {
  JsonValue v;
  JsonError error;
  EXPECT_FALSE(ReadJson(text, options, &v, &error)) << text;
  return error;
}

TEST(JsonReaderTest, Scalars) {
  EXPECT_TRUE(MustRead("null").is_null());
  JsonValue t = MustRead(" true ");
  ASSERT_TRUE(t.is_bool());
  EXPECT_TRUE(t.bool_value);
  EXPECT_EQ(t.offset, 1);
  JsonValue f = MustRead("false");
  ASSERT_TRUE(f.is_bool());
  EXPECT_FALSE(f.bool_value);
  JsonValue s = MustRead("\"abc\"");
  ASSERT_TRUE(s.is_string());
  EXPECT_EQ(s.text, "abc");
}

TEST(JsonReaderTest, NumbersKeepSourceText) {
  for (std::string_view n : {"0", "-0", "80", "-1.50", "1e3", "2E-7", "123456789012345678901234"}) {
    JsonValue v = MustRead(n);
    ASSERT_TRUE(v.is_number()) << n;
    EXPECT_EQ(v.text, n);
  }
}

TEST(JsonReaderTest, RejectsBadNumbers) {
  for (std::string_view n : {"012", "+1", "1.", ".5", "1e", "-", "0x10", "NaN", "Infinity", "1.e3"}) {
    MustFail(n);
  }
  EXPECT_EQ(MustFail("012").offset, 1);
  EXPECT_THAT(MustFail("012").message, HasSubstr("leading zeros"));
}

TEST(JsonReaderTest, ObjectsKeepOrderDuplicatesAndOffsets) {
  //                      0123456789012345678901234
  const std::string text = "{\"b\": 1, \"a\": [true], \"b\": \"x\"}";
  JsonValue v = MustRead(text);
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.members.size(), 3u);
  EXPECT_EQ(v.members[0].key, "b");
  EXPECT_EQ(v.members[0].key_offset, 1);
  EXPECT_EQ(v.members[0].value.offset, 6);
  EXPECT_EQ(v.members[1].key, "a");
  EXPECT_EQ(v.members[1].key_offset, 9);
  ASSERT_TRUE(v.members[1].value.is_array());
  EXPECT_EQ(v.members[1].value.offset, 14);
  EXPECT_EQ(v.members[1].value.elements[0].offset, 15);
  EXPECT_EQ(v.members[2].key, "b");
  EXPECT_EQ(v.members[2].value.text, "x");
  // Find returns the first of duplicated keys.
  ASSERT_NE(v.Find("b"), nullptr);
  EXPECT_EQ(v.Find("b")->value.text, "1");
  EXPECT_EQ(v.Find("c"), nullptr);
  EXPECT_EQ(MustRead("[1]").Find("a"), nullptr);
}

TEST(JsonReaderTest, EmptyContainers) {
  JsonValue o = MustRead("{ }");
  EXPECT_TRUE(o.is_object());
  EXPECT_TRUE(o.members.empty());
  JsonValue a = MustRead("[\n]");
  EXPECT_TRUE(a.is_array());
  EXPECT_TRUE(a.elements.empty());
}

TEST(JsonReaderTest, StringEscapes) {
  EXPECT_EQ(MustRead(R"("a\"b\\c\/d\b\f\n\r\t")").text, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(MustRead(R"("\u0041\u00e9\u20AC")").text, "A\xC3\xA9\xE2\x82\xAC");
  // U+1F600 as a surrogate pair.
  EXPECT_EQ(MustRead(R"("\ud83d\ude00")").text, "\xF0\x9F\x98\x80");
  // \u0000 is a legal escape: the decoded string holds a NUL.
  EXPECT_EQ(MustRead(R"("a\u0000b")").text, std::string("a\0b", 3));
}

TEST(JsonReaderTest, RejectsBadEscapes) {
  EXPECT_THAT(MustFail(R"("\x41")").message, HasSubstr("invalid escape"));
  EXPECT_THAT(MustFail(R"("\u12G4")").message, HasSubstr("hex"));
  EXPECT_THAT(MustFail(R"("\ude00")").message, HasSubstr("unpaired low surrogate"));
  EXPECT_THAT(MustFail(R"("\ud83d")").message, HasSubstr("without a low surrogate"));
  EXPECT_THAT(MustFail(R"("\ud83d\u0041")").message, HasSubstr("without a low surrogate"));
  EXPECT_EQ(MustFail(R"(["ok", "\ud83dx"])").offset, 8);  // the backslash
}

TEST(JsonReaderTest, Utf8Validation) {
  EXPECT_EQ(MustRead("\"caf\xC3\xA9 \xF0\x9F\x98\x80\"").text, "caf\xC3\xA9 \xF0\x9F\x98\x80");
  // Overlong, truncated, lone continuation, encoded surrogate, > U+10FFFF.
  for (std::string_view bad : {"\"\xC0\xAF\"", "\"\xC3\"", "\"\x80\"", "\"\xE0\x80\xAF\"",
                               "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xFF\""}) {
    JsonError e = MustFail(bad);
    EXPECT_EQ(e.offset, 1) << e.message;
    EXPECT_THAT(e.message, HasSubstr("utf-8"));
  }
  int64_t bad = -1;
  EXPECT_TRUE(IsValidUtf8("ok \xE2\x82\xAC"));
  EXPECT_FALSE(IsValidUtf8("ok \xE2\x82", &bad));
  EXPECT_EQ(bad, 3);
}

TEST(JsonReaderTest, RejectsControlCharactersAndNul) {
  EXPECT_THAT(MustFail("\"a\nb\"").message, HasSubstr("control character"));
  EXPECT_EQ(MustFail("\"a\tb\"").offset, 2);
  EXPECT_THAT(MustFail(std::string_view("\"a\0b\"", 5)).message, HasSubstr("nul"));
  JsonError e = MustFail(std::string_view("[1,\0]", 5));
  EXPECT_EQ(e.offset, 3);
  EXPECT_THAT(e.message, HasSubstr("nul byte"));
}

TEST(JsonReaderTest, RejectsTrailingGarbageAndExtensions) {
  JsonError e = MustFail("{} x");
  EXPECT_EQ(e.offset, 3);
  EXPECT_THAT(e.message, HasSubstr("after the json value"));
  MustFail("{\"a\": 1,}");
  MustFail("[1,]");
  MustFail("{'a': 1}");
  MustFail("// c\n{}");
  MustFail("{\"a\" 1}");
  MustFail("{a: 1}");
  MustFail("tru");
  MustFail("[1 2]");
  EXPECT_THAT(MustFail("\xEF\xBB\xBF{}").message, HasSubstr("byte order mark"));
}

TEST(JsonReaderTest, EmptyAndTruncatedInput) {
  EXPECT_THAT(MustFail("").message, HasSubstr("empty"));
  EXPECT_THAT(MustFail("  \n ").message, HasSubstr("empty"));
  JsonError e = MustFail("{\"a\": [1, 2");
  EXPECT_EQ(e.offset, 11);
  EXPECT_THAT(e.message, HasSubstr("unexpected end"));
  e = MustFail("\"abc");
  EXPECT_EQ(e.offset, 0);
  EXPECT_THAT(e.message, HasSubstr("unterminated string"));
}

TEST(JsonReaderTest, DepthLimit) {
  JsonReadOptions options;
  options.max_depth = 3;
  JsonValue v;
  EXPECT_TRUE(ReadJson("[[[1]]]", options, &v, nullptr));
  JsonError e = MustFail("[[[[1]]]]", options);
  EXPECT_EQ(e.offset, 3);
  EXPECT_THAT(e.message, HasSubstr("maximum depth of 3"));
  EXPECT_TRUE(ReadJson("{\"a\": {\"b\": {\"c\": 1}}}", options, &v, nullptr));
  EXPECT_FALSE(ReadJson("{\"a\": {\"b\": {\"c\": {}}}}", options, &v, nullptr));
}

TEST(JsonReaderTest, DeepNestingDoesNotOverflowTheStack) {
  // A million brackets would crash an unbounded recursive reader.
  const std::string deep(1000000, '[');
  JsonError e = MustFail(deep);
  EXPECT_EQ(e.offset, 64);
  EXPECT_THAT(e.message, HasSubstr("maximum depth"));
}

TEST(JsonReaderTest, TypeNames) {
  EXPECT_EQ(JsonTypeName(JsonType::kArray), "an array");
  EXPECT_EQ(JsonTypeName(JsonType::kNumber), "a number");
}

}  // namespace
}  // namespace latticepol::internal
