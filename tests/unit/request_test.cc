// File: tests/unit/request_test.cc
// Stage: request. Header normalisation (H1-H3), query splitting and
// percent-decoding (Q1-Q4), views and ToRequest.
#include "latticepol/request.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace latticepol {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(RequestViewTest, IsConnect) {
  RequestView v;
  EXPECT_FALSE(v.is_connect());  // default Invoke
  v.action = kConnectAction;
  EXPECT_TRUE(v.is_connect());
  v.action = "VPC-LATTICE-SVCS:connect";
  EXPECT_TRUE(v.is_connect());
  v.action = "vpc-lattice-svcs:Connect2";
  EXPECT_FALSE(v.is_connect());
  v.action = "vpc-lattice:Connect";
  EXPECT_FALSE(v.is_connect());
}

TEST(PrincipalTest, ClearEmptiesEveryFieldAndKeepsCapacity) {
  Principal p;
  p.arn = "arn:aws:iam::111122223333:role/a-role-name-long-enough-to-allocate";
  p.account = "111122223333";
  p.type = "AssumedRole";
  p.org_id = "o-abcdefghij";
  p.org_paths = {"o-abcdefghij/r-ab12/ou-ab12-11111111/"};
  p.tags = {{"team", "blue"}};
  p.session_arn = "arn:aws:sts::111122223333:assumed-role/a-role-name-long-enough-to-allocate/s";
  const size_t arn_capacity = p.arn.capacity();
  p.Clear();
  EXPECT_THAT(p.arn, IsEmpty());
  EXPECT_THAT(p.account, IsEmpty());
  EXPECT_THAT(p.type, IsEmpty());
  EXPECT_THAT(p.org_id, IsEmpty());
  EXPECT_THAT(p.org_paths, IsEmpty());
  EXPECT_THAT(p.tags, IsEmpty());
  EXPECT_THAT(p.session_arn, IsEmpty());
  EXPECT_EQ(p.arn.capacity(), arn_capacity);
}

TEST(AddHeaderTest, LowerCasesTrimsAndJoins) {
  Request r;
  r.AddHeader("Content-Type", "  application/json\t");
  r.AddHeader("X-Team", "blue");
  r.AddHeader("x-team", " green ");
  r.AddHeader("X-TEAM", "");
  r.AddHeader("x-empty", "   ");
  EXPECT_THAT(r.headers, ElementsAre(Pair("content-type", "application/json"),
                                     Pair("x-team", "blue,green,"),
                                     Pair("x-empty", "")));
}

TEST(AddHeaderTest, InnerWhitespaceAndCaseOfValuesKept) {
  Request r;
  r.AddHeader("Accept", " Text/HTML,  Application/JSON ");
  EXPECT_THAT(r.headers, ElementsAre(Pair("accept", "Text/HTML,  Application/JSON")));
}

TEST(PercentDecodeTest, Table) {
  struct Case {
    std::string_view in, out;
    bool decoded;
  };
  const Case cases[] = {
      {"", "", false},
      {"plain", "plain", false},
      {"a%20b", "a b", true},
      {"%41%42", "AB", true},
      {"%e2%82%ac", "\xE2\x82\xAC", true},
      {"%E2%82%AC", "\xE2\x82\xAC", true},
      {"a+b", "a+b", false},           // `+` stays literal (Q3)
      {"100%", "100%", false},         // malformed stays literal
      {"%2", "%2", false},
      {"%zz", "%zz", false},
      {"%%41", "%A", true},
      {"%G1%41", "%G1A", true},
      {"%00", std::string_view("\0", 1), true},
      {"%ff", "\xFF", true},           // bytes, even when not UTF-8
      {"%252F", "%2F", true},          // decoded once only
  };
  for (const Case& c : cases) {
    std::string out = "junk";
    EXPECT_EQ(PercentDecode(c.in, &out), c.decoded) << c.in;
    EXPECT_EQ(out, c.out) << c.in;
  }
}

// F1 (hardening findings): an empty view may have a null data(), which
// PercentDecode passed to memchr (undefined behaviour; UBSan's nonnull-attribute
// check aborts on it in the sanitizer build, tools/sanitize.sh).
TEST(PercentDecodeTest, DefaultConstructedViewIsEmpty) {
  std::string out = "junk";
  EXPECT_FALSE(PercentDecode(std::string_view(), &out));
  EXPECT_EQ(out, "");
  // `?q` has a key and no value: SplitQuery passes a default view for it.
  EXPECT_THAT(SplitQuery("q"), ElementsAre(Pair("q", "")));
  EXPECT_THAT(SplitQuery("q&r=1"), ElementsAre(Pair("q", ""), Pair("r", "1")));
  Request r;
  r.AppendRawQuery("q");
  r.AppendRawQuery(std::string_view());
  EXPECT_THAT(r.query, ElementsAre(Pair("q", "")));
}

TEST(SplitQueryTest, Table) {
  struct Case {
    std::string_view raw;
    std::vector<StringPair> pairs;
  };
  const Case cases[] = {
      {"", {}},
      {"q=blue", {{"q", "blue"}}},
      {"q=blue&q=green", {{"q", "blue"}, {"q", "green"}}},  // Q2 order kept
      {"q=blue&Q=x", {{"q", "blue"}, {"Q", "x"}}},          // Q1 case kept
      {"k", {{"k", ""}}},                                   // Q4
      {"k=", {{"k", ""}}},
      {"=v", {}},                                           // no key: dropped
      {"=", {}},
      {"&&", {}},
      {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
      {"a=b=c", {{"a", "b=c"}}},                            // first `=` splits
      {"a%3Db=c", {{"a=b", "c"}}},
      {"q=a+b", {{"q", "a+b"}}},
      {"q=%2", {{"q", "%2"}}},
      {"x%20y=%E2%82%AC", {{"x y", "\xE2\x82\xAC"}}},
      {"tag=a&tag=c&debug=false&debug=true",
       {{"tag", "a"}, {"tag", "c"}, {"debug", "false"}, {"debug", "true"}}},
      {"%=1", {{"%", "1"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SplitQuery(c.raw), c.pairs) << c.raw;
  }
}

TEST(AppendRawQueryTest, Appends) {
  Request r;
  r.AppendRawQuery("a=1");
  r.AppendRawQuery("b=2&a=3");
  EXPECT_THAT(r.query, ElementsAre(Pair("a", "1"), Pair("b", "2"), Pair("a", "3")));
  r.AppendRawQuery("");
  EXPECT_EQ(r.query.size(), 3u);
}

Request FullRequest() {
  Request r;
  r.action = std::string(kInvokeAction);
  r.method = "POST";
  r.path = "/rates/today";
  r.query = {{"q", "blue"}, {"q", "green"}};
  r.AddHeader("Content-Type", "application/json");
  r.source_vpc = "vpc-0abc";
  r.source_vpc_owner_account = "111122223333";
  r.service_arn = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";
  r.service_network_arn = "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0";
  r.port = 443;
  Principal p;
  p.arn = "arn:aws:iam::111122223333:role/blue";
  p.account = "111122223333";
  p.type = "AssumedRole";
  p.org_paths = {"o-1/r-1/ou-1/"};
  p.tags = {{"team", "blue"}};
  r.principal = p;
  r.resource_tags = {{"env", "prod"}};
  r.source_ip = "10.0.0.5";
  r.time = "2026-11-26T12:00:00Z";
  return r;
}

TEST(ViewTest, BorrowsEveryField) {
  const Request r = FullRequest();
  const RequestView v = r.view();
  EXPECT_EQ(v.action, kInvokeAction);
  EXPECT_EQ(v.method, "POST");
  EXPECT_EQ(v.path, "/rates/today");
  EXPECT_FALSE(v.query_is_raw);
  ASSERT_EQ(v.query.size(), 2u);
  EXPECT_EQ(v.query.name(1), "q");
  EXPECT_EQ(v.query.value(1), "green");
  EXPECT_EQ(v.query.value(0).data(), r.query[0].second.data());  // borrowed, not copied
  ASSERT_EQ(v.headers.size(), 1u);
  EXPECT_EQ(v.headers.name(0), "content-type");
  EXPECT_TRUE(v.source_vpc.present);
  EXPECT_EQ(v.source_vpc.value, "vpc-0abc");
  EXPECT_EQ(v.source_vpc_owner_account.value, "111122223333");
  EXPECT_TRUE(v.service_arn.present);
  EXPECT_TRUE(v.service_network_arn.present);
  EXPECT_EQ(v.port, 443);
  ASSERT_NE(v.principal, nullptr);
  EXPECT_EQ(v.principal, &*r.principal);
  EXPECT_EQ(v.resource_tags.size(), 1u);
  EXPECT_EQ(v.source_ip.value, "10.0.0.5");
  EXPECT_EQ(v.time.value, "2026-11-26T12:00:00Z");
}

TEST(ViewTest, AbsentFields) {
  Request r;
  r.source_vpc = "";  // present but empty
  const RequestView v = r.view();
  EXPECT_TRUE(v.source_vpc.present);
  EXPECT_EQ(v.source_vpc.value, "");
  EXPECT_FALSE(v.source_vpc_owner_account.present);
  EXPECT_FALSE(v.service_arn.present);
  EXPECT_FALSE(v.source_ip.present);
  EXPECT_FALSE(v.time.present);
  EXPECT_EQ(v.port, -1);
  EXPECT_EQ(v.principal, nullptr);
  EXPECT_TRUE(v.query.empty());
  EXPECT_TRUE(v.headers.empty());
}

TEST(ToRequestTest, RoundTripsAView) {
  const Request r = FullRequest();
  const Request back = ToRequest(r.view());
  EXPECT_EQ(back.action, r.action);
  EXPECT_EQ(back.method, r.method);
  EXPECT_EQ(back.path, r.path);
  EXPECT_EQ(back.query, r.query);
  EXPECT_EQ(back.headers, r.headers);
  EXPECT_EQ(back.source_vpc, r.source_vpc);
  EXPECT_EQ(back.source_vpc_owner_account, r.source_vpc_owner_account);
  EXPECT_EQ(back.service_arn, r.service_arn);
  EXPECT_EQ(back.service_network_arn, r.service_network_arn);
  EXPECT_EQ(back.port, r.port);
  ASSERT_TRUE(back.principal.has_value());
  EXPECT_EQ(back.principal->arn, r.principal->arn);
  EXPECT_EQ(back.principal->org_paths, r.principal->org_paths);
  EXPECT_EQ(back.principal->tags, r.principal->tags);
  EXPECT_EQ(back.resource_tags, r.resource_tags);
  EXPECT_EQ(back.source_ip, r.source_ip);
  EXPECT_EQ(back.time, r.time);
}

TEST(ToRequestTest, DecodesRawQueryAndBorrowedLists) {
  std::vector<StringViewPair> headers = {{"x-a", "1"}};
  RequestView v;
  v.query_is_raw = true;
  v.raw_query = "q=blue%21&k&=drop";
  v.headers = ParamList(headers);
  v.port = -1;
  const Request r = ToRequest(v);
  EXPECT_THAT(r.query, ElementsAre(Pair("q", "blue!"), Pair("k", "")));
  EXPECT_THAT(r.headers, ElementsAre(Pair("x-a", "1")));
  EXPECT_FALSE(r.port.has_value());
  EXPECT_FALSE(r.principal.has_value());
  EXPECT_THAT(r.resource_tags, IsEmpty());
}

}  // namespace
}  // namespace latticepol
