// File: tests/unit/evaluate_simple_test.cc
// Stage: evaluate (fast path, the simple plan). The yardstick is honest: the
// hand-written blue/green check (tests/testing/seed_yardstick.h) and the
// compiled matcher agree on every request of both benchmark streams, and the
// compiled matcher agrees with the reference there. Targeted cases of the
// simple plan's query scan: repeated keys, case-folded keys, percent-encoded
// keys and values, empty queries, keys that prefix each other, very long
// queries; each compared with the reference (kind, statement, and the
// uncertainty flag covering every reference DECISION id).
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/page_end.h"
#include "testing/policy_builders.h"
#include "testing/random.h"
#include "testing/seed_yardstick.h"

namespace latticepol {
namespace {

using ::latticepol::testing::MustParse;

std::string ShippedSeedText() {
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) +
                   "/policies/shared-service/auth-policy.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Seed {
  PolicyDocument doc = MustParse(ShippedSeedText());
  std::shared_ptr<const CompiledPolicy> compiled = *Compile(doc);
};

const Seed& SeedPolicy() {
  static const Seed* seed = new Seed;
  return *seed;
}

// Same seed as bench/evaluate_bench.cc (kSeedStreamSeed).
constexpr uint64_t kBenchSeed = 20261204;

TEST(YardstickTest, HandWrittenCheckAgreesOnTheLargeBenchStream) {
  const Seed& seed = SeedPolicy();
  const std::vector<RequestView> views =
      yardstick::SeedStream(yardstick::kLargeStream, kBenchSeed);
  size_t allowed = 0;
  size_t mismatches = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    const Decision hand = yardstick::BlueGreenIfChain(views[i]);
    const Decision compiled = Evaluate(*seed.compiled, views[i]);
    allowed += compiled.allowed();
    if (hand.kind != compiled.kind || hand.statement != compiled.statement) {
      if (++mismatches <= 5) {
        ADD_FAILURE() << "request " << i << ": query '" << views[i].raw_query << "' method "
                      << views[i].method << " hand-written " << hand.statement
                      << " compiled " << compiled.statement;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  // The stream is a real mix: neither almost all allowed nor almost all denied.
  EXPECT_GT(allowed, views.size() / 3);
  EXPECT_LT(allowed, views.size() * 4 / 5);
}

TEST(YardstickTest, CompiledAgreesWithReferenceOnTheSmallBenchStream) {
  const Seed& seed = SeedPolicy();
  const std::vector<RequestView> views =
      yardstick::SeedStream(yardstick::kSmallStream, kBenchSeed);
  for (size_t i = 0; i < views.size(); ++i) {
    const Decision ref = EvaluateReference(seed.doc, views[i]).decision;
    const Decision got = Evaluate(*seed.compiled, views[i]);
    ASSERT_EQ(got.kind, ref.kind) << "request " << i << " '" << views[i].raw_query << "'";
    ASSERT_EQ(got.statement, ref.statement) << "request " << i;
    EXPECT_EQ(yardstick::BlueGreenIfChain(views[i]).statement, ref.statement) << i;
    if (ref.uncertain != 0) {
      EXPECT_TRUE(got.uncertain_is_maybe()) << "request " << i << " '" << views[i].raw_query
                                            << "'";
    }
  }
}

// EvaluateBatch (the seed is equality-shaped: the plan's own loop) equals
// per-call Evaluate on every request of the small bench stream, cut into
// batches of odd sizes (and one empty batch), and keeps its size contract.
TEST(YardstickTest, EvaluateBatchEqualsEvaluateInBatchesOfOddSizes) {
  const Seed& seed = SeedPolicy();
  const std::vector<RequestView> views =
      yardstick::SeedStream(yardstick::kSmallStream, kBenchSeed);
  std::vector<Decision> out(views.size());
  const size_t kSizes[] = {0, 1, 3, 7, 64, 255, 1000};
  size_t at = 0;
  for (size_t k = 0; at < views.size(); ++k) {
    const size_t n = std::min(kSizes[k % 7], views.size() - at);
    ASSERT_TRUE(EvaluateBatch(*seed.compiled, absl::MakeConstSpan(views.data() + at, n),
                              absl::MakeSpan(out.data() + at, n))
                    .ok());
    at += n;
  }
  size_t allowed = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    const Decision single = Evaluate(*seed.compiled, views[i]);
    ASSERT_EQ(out[i].kind, single.kind) << "request " << i;
    ASSERT_EQ(out[i].statement, single.statement) << "request " << i;
    ASSERT_EQ(out[i].uncertain, single.uncertain) << "request " << i;
    allowed += out[i].allowed();
  }
  EXPECT_GT(allowed, views.size() / 3);  // the batches decided, not defaulted
  // Sizes that differ are an error and nothing is written, either way round.
  std::vector<Decision> longer(4);
  longer[0].statement = 12345;
  EXPECT_EQ(EvaluateBatch(*seed.compiled, absl::MakeConstSpan(views.data(), 3),
                          absl::MakeSpan(longer))
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(longer[0].statement, 12345);
  EXPECT_TRUE(EvaluateBatch(*seed.compiled, {}, {}).ok());
}

// ---- Targeted query-scan cases -------------------------------------------------

// A view of the seed request shape with `raw` as its raw query.
RequestView SeedView(std::string_view raw, std::string_view owner = "111111111111") {
  RequestView v;
  v.method = "GET";
  v.query_is_raw = true;
  v.raw_query = raw;
  v.source_vpc_owner_account = OptionalText{owner, true};
  v.service_arn = OptionalText{"arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-1", true};
  return v;
}

// `v` with its raw query split and percent-decoded into `storage` (which
// must outlive the result): the same request in pre-split form.
RequestView WithSplitQuery(const RequestView& v, Request* storage) {
  storage->AppendRawQuery(v.raw_query);
  RequestView sv = v;
  sv.query_is_raw = false;
  sv.raw_query = std::string_view();
  sv.query = storage->view().query;
  return sv;
}

// Checks the compiled decision against the reference on `v` (raw query) and
// on the same request with its query pre-split, and returns the raw one.
Decision Checked(const PolicyDocument& doc, const CompiledPolicy& policy,
                 const RequestView& v) {
  const Decision ref = EvaluateReference(doc, v).decision;
  const Decision got = Evaluate(policy, v);
  EXPECT_EQ(got.kind, ref.kind) << "query '" << v.raw_query << "'";
  EXPECT_EQ(got.statement, ref.statement) << "query '" << v.raw_query << "'";
  if (ref.uncertain != 0) {
    EXPECT_TRUE(got.uncertain_is_maybe()) << "query '" << v.raw_query << "'";
  }
  Request split;
  const RequestView sv = WithSplitQuery(v, &split);
  const Decision split_ref = EvaluateReference(doc, sv).decision;
  const Decision split_got = Evaluate(policy, sv);
  EXPECT_EQ(split_got.kind, split_ref.kind) << "split query '" << v.raw_query << "'";
  EXPECT_EQ(split_got.statement, split_ref.statement) << "split query '" << v.raw_query << "'";
  if (split_ref.uncertain != 0) {
    EXPECT_TRUE(split_got.uncertain_is_maybe()) << "split query '" << v.raw_query << "'";
  }
  return got;
}

// The equality plan on the seed against the pre-split query's simple plan
// (kind, statement, the uncertainty flag itself) and the reference; returns
// the raw decision.
Decision CheckedAgainstSimple(const PolicyDocument& doc, const CompiledPolicy& policy,
                              const RequestView& v) {
  const Decision got = Checked(doc, policy, v);
  if (v.raw_query.find('%') != std::string_view::npos) return got;
  Request split;
  const Decision simple = Evaluate(policy, WithSplitQuery(v, &split));
  EXPECT_EQ(got.kind, simple.kind) << "query '" << v.raw_query << "'";
  EXPECT_EQ(got.statement, simple.statement) << "query '" << v.raw_query << "'";
  EXPECT_EQ(got.uncertain, simple.uncertain) << "query '" << v.raw_query << "'";
  return got;
}

// The equality plan reads a query of at most 16 bytes as one vector, which
// may extend past the text but never into the next page: queries that end
// exactly at a page whose successor is unmapped decide as their copies do
// (and do not crash), at every length up to 17 and in every placement of
// the pairs that matter (Q1-Q4 included).
TEST(EqualityPlanTest, ShortQueriesAtTheEndOfAPageDecideAsTheirCopies) {
#if defined(__linux__)
  const Seed& seed = SeedPolicy();
  testing::PageEnd page_end;
  ASSERT_TRUE(page_end.ok());
  const std::vector<std::string> queries = {
      "", "q", "q=", "Q=blue", "q=blue", "q=green", "q=blue&", "&q=blue", "q=blue&q=blue",
      "q=bl%75e", "%71=blue", "page=2&q=green", "q=green&page=22", "x=1&y=2&q=blue",
      "q=blue&x=%41&zz=1", "qq=blue&q=greenn", "q=blue&q", "q=gree%6E&a=1"};
  size_t compared = 0;
  for (const std::string& q : queries) {
    const std::string_view at_end = page_end.Place(q);
    for (const char* owner : {"111111111111", "222222222222"}) {
      const Decision edge = Evaluate(*seed.compiled, SeedView(at_end, owner));
      const Decision copy = Checked(seed.doc, *seed.compiled, SeedView(q, owner));
      EXPECT_EQ(edge.kind, copy.kind) << "query '" << q << "'";
      EXPECT_EQ(edge.statement, copy.statement) << "query '" << q << "'";
      EXPECT_EQ(edge.uncertain, copy.uncertain) << "query '" << q << "'";
      ++compared;
    }
  }
  EXPECT_EQ(compared, 2 * queries.size());
  // Spot checks, so the comparison above cannot pass on two wrong answers.
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("q=blue")).statement, 0);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("page=2&q=green", "222222222222")).statement, 1);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("q=blue&q=blue")).statement, -1);
#else
  GTEST_SKIP() << "needs mmap/mprotect";
#endif
}

struct QueryCase {
  std::string raw;
  int32_t statement;  // expected decision statement (-1: implicit deny)
  bool maybe;         // expected fast-path flag
};

void RunCases(const PolicyDocument& doc, const CompiledPolicy& policy,
              const std::vector<QueryCase>& cases) {
  for (const QueryCase& c : cases) {
    const Decision d = Checked(doc, policy, SeedView(c.raw));
    EXPECT_EQ(d.statement, c.statement) << "query '" << c.raw << "'";
    EXPECT_EQ(d.uncertain_is_maybe(), c.maybe) << "query '" << c.raw << "'";
  }
}

TEST(SimplePlanQueryTest, SeedQueries) {
  const Seed& seed = SeedPolicy();
  RunCases(seed.doc, *seed.compiled,
           {
               {"q=blue", 0, false},
               {"a=1&q=blue&b=2", 0, false},
               {"", -1, false},             // empty query: q absent
               {"&&&", -1, false},
               {"q=blue&q=blue", -1, true},  // Q2: repeated key
               {"q=blue&x=1&q=green", -1, true},
               {"Q=blue", -1, true},         // Q1: case-folded key
               {"q=blue&Q=x", 0, true},
               {"q=bl%75e", 0, true},        // Q3: percent-encoded value
               {"%71=blue", 0, true},        // Q3: percent-encoded key
               {"x=%41&q=blue", 0, false},   // an unreferenced encoded pair
               {"q", -1, true},              // Q4: no value
               {"q=", -1, true},
               {"qq=blue", -1, false},       // keys that prefix each other
               {"qq=blue&q=blue", 0, false},
               {"q=blue&qq=1&qqq=2", 0, false},
               {"=blue", -1, false},         // empty key: dropped
               {"q=blue&q=bl%75e", -1, true},  // a raw value, then a decoded one
               {"%71=blue&q=blue", -1, true},  // a decoded value, then a raw one
               {"%71=blue&x=1", 0, true},
               {"page=2&q=blue", 0, false},    // a skipped pair first
               {"page=%32&q=blue&", 0, false},
               {"q=blue=x", -1, false},        // the first `=` splits
               {"q&q=blue", -1, true},
               {"\xc3\xa9=1&q=blue", 0, false},  // a non-ASCII key
           });
}

TEST(SimplePlanQueryTest, UnicodeCaseVariantOfAKey) {
  // U+017F (long s) folds to `s`: `\xc5\xbfort` is a case variant of `sort` (Q1).
  const PolicyDocument doc = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{)"
      R"("vpc-lattice-svcs:RequestQueryString/sort":"asc"}}}]})");
  const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
  const std::string variant = "\xc5\xbfort=asc";
  const Decision d = Checked(doc, *policy, SeedView(variant));
  EXPECT_EQ(d.statement, -1);
  const Decision ref = EvaluateReference(doc, SeedView(variant)).decision;
  EXPECT_NE(ref.uncertain, 0u);  // Q1
  EXPECT_TRUE(d.uncertain_is_maybe());
  RunCases(doc, *policy, {{"sort=asc", 0, false}, {"Sort=asc", -1, true}, {"sorts=asc", -1, false}});
}

TEST(SimplePlanQueryTest, KeysThatPrefixEachOther) {
  const PolicyDocument doc = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{)"
      R"("vpc-lattice-svcs:RequestQueryString/ab":"1",)"
      R"("vpc-lattice-svcs:RequestQueryString/a":"2"}}},)"
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/abc":"3"}}}]})");
  const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
  RunCases(doc, *policy,
           {
               {"ab=1&a=2", 0, false},
               {"a=2&ab=1", 0, false},
               {"abc=3", 1, false},
               {"a=2&abc=3&ab=1", 0, false},
               {"ab=1&ab=1&a=2", -1, true},
               {"AB=1&a=2", -1, true},
               {"abcd=3&ab=1", -1, false},
               {"%61b=1&a=2", 0, true},    // an encoded key (Q3)
               {"a=%32&ab=1", 0, true},    // an exact key, an encoded value
               {"x=%41&ab=1&zz&a=2", 0, false},
               {"aB=1&a=2", -1, true},     // a case variant of `ab` (Q1)
               {"ab=1&a", -1, true},       // `a` without a value (Q4)
           });
}

TEST(SimplePlanQueryTest, VeryLongQueries) {
  const Seed& seed = SeedPolicy();
  std::string filler;
  for (int i = 0; i < 2000; ++i) filler += "param" + std::to_string(i) + "=value&";
  const std::string tail = filler + "q=blue";
  const std::string head = "q=blue&" + filler;
  const std::string repeated = "q=blue&" + filler + "q=blue";
  const std::string long_value = "q=" + std::string(100000, 'b');
  RunCases(seed.doc, *seed.compiled,
           {
               {tail, 0, false},
               {head, 0, false},
               {repeated, -1, true},
               {long_value, -1, false},
           });
}

// ---- The equality plan (internal::EqPlan) -----------------------------------

bool EqualityShape(const CompiledPolicy& policy) {
  return policy.DebugString().find("equality shape") != std::string::npos;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A random policy: equality-shaped (every clause a plain StringEquals on
// method, path, the source VPC, its owner or one query key, Principal and
// Resource "*") unless `twist`, which adds one thing that rules the shape out.
std::string RandomEqPolicy(Rng& rng, int twist) {
  static const std::vector<std::string> kKeys = {
      "vpc-lattice-svcs:RequestMethod", "vpc-lattice-svcs:RequestPath",
      "vpc-lattice-svcs:SourceVpc", "vpc-lattice-svcs:SourceVpcOwnerAccount"};
  static const std::vector<std::vector<std::string>> kValues = {
      {"GET", "POST", "get", ""}, {"/", "/a", "/A"}, {"vpc-1", "vpc-2"},
      {"111111111111", "222222222222", "11111111111"}};
  static const std::vector<std::string> kQueryKeys = {"q", "Q", "page", "k"};
  static const std::vector<std::string> kQueryValues = {"blue", "green", "", "a+b", "x=y",
                                                        "\xc3\xa9"};
  static const std::vector<std::string> kActions = {
      "\"vpc-lattice-svcs:Invoke\"", "\"*\"", "\"vpc-lattice-svcs:Connect\"",
      "[\"vpc-lattice-svcs:Invoke\",\"vpc-lattice-svcs:Connect\"]"};
  const std::string qkey = rng.Pick(kQueryKeys);
  // At most four distinct values per key (the plans' inline entries).
  std::vector<std::string> query_values;
  for (int i = 0; i < 4; ++i) query_values.push_back(rng.Pick(kQueryValues));
  const int n = rng.Range(1, 4);
  std::string out = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < n; ++i) {
    std::string cond;
    auto add = [&](const std::string& key, const std::vector<std::string>& pool) {
      std::string values = "[";
      const int m = rng.Range(1, 3);
      for (int j = 0; j < m; ++j) values += (j ? "," : "") + JsonString(rng.Pick(pool));
      cond += (cond.empty() ? "" : ",") + JsonString(key) + ":" + values + "]";
    };
    for (size_t k = 0; k < kKeys.size(); ++k) {
      if (rng.Percent(50)) add(kKeys[k], kValues[k]);
    }
    if (rng.Percent(60)) add("vpc-lattice-svcs:RequestQueryString/" + qkey, query_values);
    out += std::string(i ? "," : "") + R"({"Effect":")" + (rng.Percent(25) ? "Deny" : "Allow") +
           R"(","Principal":"*","Action":)" + rng.Pick(kActions) + R"(,"Resource":"*")";
    std::string block = cond.empty() ? "" : R"("StringEquals":{)" + cond + "}";
    if (i == 0 && twist != 0) {
      static const std::vector<std::string> kTwists = {
          R"("StringNotEquals":{"vpc-lattice-svcs:RequestMethod":"PUT"})",
          R"("StringEqualsIfExists":{"vpc-lattice-svcs:SourceVpc":"vpc-1"})",
          R"("ForAnyValue:StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"})",
          R"("StringLike":{"vpc-lattice-svcs:RequestPath":"/a*"})",
          R"("StringEquals":{"vpc-lattice-svcs:RequestQueryString/zz":"1",)"
          R"("vpc-lattice-svcs:RequestQueryString/yy":"2"})",
          R"("Null":{"vpc-lattice-svcs:SourceVpc":"false"})",
          R"("StringEqualsIgnoreCase":{"vpc-lattice-svcs:RequestMethod":"get"})",
          R"("StringEquals":{"vpc-lattice-svcs:RequestQueryString/a%62":"1"})",
      };
      const std::string& t = kTwists[static_cast<size_t>(twist - 1) % kTwists.size()];
      if (block.empty() || t.rfind(R"("StringEquals")", 0) == 0) {
        block = t;  // replaces a StringEquals block (one per statement)
      } else {
        block += "," + t;
      }
    }
    out += block.empty() ? "}" : R"(,"Condition":{)" + block + "}}";
  }
  return out + "]}";
}

// A random raw query of pairs that matter to the shape: the referenced key
// and its values, case variants (ASCII and Unicode), encoded keys and
// values, keys that prefix it, empty keys and values, `+`.
std::string RandomEqQuery(Rng& rng) {
  static const std::vector<std::string> kPairs = {
      "q=blue", "q=green", "q=", "q", "Q=blue", "q=bl%75e", "%71=blue", "q%3D=x", "qq=1",
      "=blue", "", "page=2", "page=%32", "Page=1", "k=a+b", "k=a%2Bb", "\xe2\x84\xaa=blue",
      "k=blue", "K=x", "q=a+b", "q=x=y", "q=x%3Dy", "q=%C3%A9", "q=\xc3\xa9", "%=1", "q=%",
      "q=%zz", "x=%41", "pa%67e=2", "qq", "k"};
  std::string out;
  const int n = rng.Range(0, 4);
  for (int i = 0; i < n; ++i) out += (i ? "&" : "") + rng.Pick(kPairs);
  if (rng.OneIn(10)) out += "&";
  return out;
}

RequestView RandomEqView(Rng& rng, std::string_view raw) {
  static const std::vector<std::string_view> kMethods = {"GET", "POST", "get", ""};
  static const std::vector<std::string_view> kPaths = {"/", "/a", "/A"};
  static const std::vector<std::string_view> kVpcs = {"vpc-1", "vpc-2"};
  static const std::vector<std::string_view> kOwners = {"111111111111", "222222222222",
                                                        "11111111111"};
  static const std::vector<std::string_view> kActions = {
      kInvokeAction, kInvokeAction, kInvokeAction, kConnectAction, "vpc-lattice-svcs:Other"};
  static const Principal kPrincipal = [] {
    Principal p;
    p.arn = "arn:aws:iam::111122223333:role/r";
    p.account = "111122223333";
    p.type = "AssumedRole";
    return p;
  }();
  RequestView v;
  v.action = rng.Pick(kActions);
  v.method = rng.Pick(kMethods);
  v.path = rng.Pick(kPaths);
  v.query_is_raw = true;
  v.raw_query = raw;
  if (rng.Percent(80)) v.source_vpc = OptionalText{rng.Pick(kVpcs), true};
  if (rng.Percent(80)) v.source_vpc_owner_account = OptionalText{rng.Pick(kOwners), true};
  v.service_arn = OptionalText{"arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-1", true};
  v.principal = rng.OneIn(3) ? nullptr : &kPrincipal;
  return v;
}

TEST(EqualityPlanTest, SelectedForTheSeedAndEqualityShapedPolicies) {
  EXPECT_TRUE(EqualityShape(*SeedPolicy().compiled));
  Rng rng(15);
  for (int i = 0; i < 200; ++i) {
    const std::string text = RandomEqPolicy(rng, 0);
    const std::shared_ptr<const CompiledPolicy> policy = *Compile(MustParse(text));
    EXPECT_TRUE(EqualityShape(*policy)) << text;
  }
}

TEST(EqualityPlanTest, NotSelectedForOtherShapes) {
  Rng rng(16);
  for (int twist = 1; twist <= 8; ++twist) {
    for (int i = 0; i < 10; ++i) {
      const std::string text = RandomEqPolicy(rng, twist);
      const std::shared_ptr<const CompiledPolicy> policy = *Compile(MustParse(text));
      EXPECT_FALSE(EqualityShape(*policy)) << text;
    }
  }
  const PolicyDocument principal = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"AWS":"111122223333"},"Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}}}]})");
  EXPECT_FALSE(EqualityShape(**Compile(principal)));
}

// The vector scan's whole-pair test (a policy pair "key=value" of up to 16
// bytes, compared as one vector): pairs of 3 to 16 bytes, values differing
// only in their last byte, a 17-byte pair (not a whole pair), prefixes and
// extensions, each alone (the whole query) and after other pairs (queries of
// 1 to 64 bytes), in ordinary memory and ending at a page whose successor is
// unmapped; a policy value holding `&`.
TEST(EqualityPlanTest, WholePairsDecideAsTheReferenceUpToAPageEnd) {
  const PolicyDocument doc = MustParse(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/key":"abcdefghijkl"}}},)"
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/key":"abcdefghijkm"}}},)"
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/key":"abcdefghijklm"}}},)"
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/key":"a"}}}]})");
  const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
  ASSERT_TRUE(EqualityShape(*policy));
  const std::vector<std::string> pairs = {
      "key=abcdefghijkl", "key=abcdefghijkm", "key=abcdefghijkn", "key=abcdefghijklm",
      "key=abcdefghijk",  "key=abcdefghijklmn", "key=a", "key=b", "key=", "key",
      "kez=a", "Key=a", "key=a%62", "key=abcdefghijk%6C"};
  const std::vector<std::string> before = {"", "x=1&", "x=1&yy=22&zzz=333&",
                                           "utm_source=newsletter&utm_medium=email&"};
  const std::vector<std::string> after = {"", "&p=2"};
  std::vector<std::string> queries;
  for (const std::string& b : before) {
    for (const std::string& p : pairs) {
      for (const std::string& a : after) queries.push_back(b + p + a);
    }
  }
  queries.push_back("key=a&key=a");
  for (const std::string& q : queries) Checked(doc, *policy, SeedView(q));
  // Spot checks, so the comparisons cannot pass on two wrong answers.
  EXPECT_EQ(Evaluate(*policy, SeedView("key=abcdefghijkl")).statement, 0);
  EXPECT_EQ(Evaluate(*policy, SeedView("x=1&key=abcdefghijkm")).statement, 1);
  EXPECT_EQ(Evaluate(*policy, SeedView("key=abcdefghijklm&p=2")).statement, 2);
  EXPECT_EQ(Evaluate(*policy, SeedView("key=a")).statement, 3);
  EXPECT_EQ(Evaluate(*policy, SeedView("key=abcdefghijkn")).statement, -1);
  EXPECT_EQ(Evaluate(*policy, SeedView("key=a&key=a")).statement, -1);
  // A policy value with `&` is never a raw pair: "key=a&b" is key=a and b.
  const PolicyDocument amp = MustParse(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/key":"a&b"}}}]})");
  const std::shared_ptr<const CompiledPolicy> amp_policy = *Compile(amp);
  ASSERT_TRUE(EqualityShape(*amp_policy));
  for (const char* q : {"key=a&b", "key=a%26b", "key=a", "x=1&key=a&b"}) {
    Checked(amp, *amp_policy, SeedView(q));
  }
  EXPECT_EQ(Evaluate(*amp_policy, SeedView("key=a&b")).statement, -1);
  EXPECT_EQ(Evaluate(*amp_policy, SeedView("key=a%26b")).statement, 0);
#if defined(__linux__)
  testing::PageEnd page_end;
  ASSERT_TRUE(page_end.ok());
  for (const std::string& q : queries) {
    const std::string_view at_end = page_end.Place(q);
    const Decision edge = Evaluate(*policy, SeedView(at_end));
    const Decision copy = Evaluate(*policy, SeedView(q));
    EXPECT_EQ(edge.kind, copy.kind) << "query '" << q << "'";
    EXPECT_EQ(edge.statement, copy.statement) << "query '" << q << "'";
    EXPECT_EQ(edge.uncertain, copy.uncertain) << "query '" << q << "'";
  }
#endif
}

// Statement selection: Deny before Allow, document order within each, the
// first statement whose clauses all hold; with few clause bits (a table from
// the bits to the statement) and with many (a loop), against the reference
// on every combination of values.
TEST(EqualityPlanTest, PicksTheFirstStatementWhoseClausesHold) {
  const auto statement = [](const char* effect, const char* method, const char* owner,
                            const char* q = nullptr) {
    std::string cond;
    const auto add = [&cond](const char* key, const char* value) {
      if (value == nullptr) return;
      if (!cond.empty()) cond += ",";
      cond += std::string("\"vpc-lattice-svcs:") + key + "\":\"" + value + "\"";
    };
    add("RequestMethod", method);
    add("SourceVpcOwnerAccount", owner);
    add("RequestQueryString/q", q);
    return std::string(R"({"Effect":")") + effect +
           R"(","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)" +
           R"("Condition":{"StringEquals":{)" + cond + "}}}";
  };
  // 8 clause bits (the table), then 10 (the loop).
  const std::string few =
      R"({"Version":"2012-10-17","Statement":[)" + statement("Allow", "GET", nullptr) + "," +
      statement("Allow", "GET", "111111111111") + "," + statement("Deny", "GET", "222222222222") +
      "," + statement("Allow", "PUT", nullptr) + "," + statement("Deny", nullptr, "333333333333") +
      "," + statement("Allow", "", nullptr) + "]}";
  std::string many = R"({"Version":"2012-10-17","Statement":[)";
  const char* const kManyMethods[] = {"M0", "M2", "M5", "GET"};
  for (int i = 0; i < 6; ++i) {
    const std::string o = std::to_string(100000000000 + i % 4);
    many += statement(i % 3 == 2 ? "Deny" : "Allow", kManyMethods[i % 4], o.c_str(),
                      i % 2 == 0 ? "blue" : "green") +
            ",";
  }
  many += statement("Allow", "GET", nullptr) + "]}";
  // Empty values too: a key with fewer than four values also matches them
  // against its unused (empty) slots.
  const std::vector<std::string> methods = {"GET", "PUT", "M0", "M2", "M5", "POST", ""};
  const std::vector<std::string> owners = {"111111111111", "222222222222", "333333333333",
                                           "100000000000", "100000000002", "100000000003",
                                           ""};
  for (const std::string& text : {few, many}) {
    const PolicyDocument doc = MustParse(text);
    const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
    ASSERT_TRUE(EqualityShape(*policy)) << text;
    for (const std::string& method : methods) {
      for (const std::string& owner : owners) {
        for (const char* query : {"", "q=blue", "q=green"}) {
          RequestView v = SeedView(query, owner);
          v.method = method;
          Checked(doc, *policy, v);
        }
      }
    }
  }
  // Spot checks on the first policy.
  const std::shared_ptr<const CompiledPolicy> policy = *Compile(MustParse(few));
  RequestView v = SeedView("", "222222222222");
  EXPECT_EQ(Evaluate(*policy, v).statement, 2);  // Deny first
  v.source_vpc_owner_account = OptionalText{"111111111111", true};
  EXPECT_EQ(Evaluate(*policy, v).statement, 0);  // the first Allow
  v.method = "PUT";
  EXPECT_EQ(Evaluate(*policy, v).statement, 3);
  v.method = "POST";
  EXPECT_EQ(Evaluate(*policy, v).statement, -1);
  v.method = "";
  EXPECT_EQ(Evaluate(*policy, v).statement, 5);
  // The action as RequestView's default (kInvokeAction itself), as a copy,
  // and as a copy that differs in its last byte.
  std::string action(kInvokeAction);
  v.action = action;
  EXPECT_EQ(Evaluate(*policy, v).statement, 5);
  action.back() = 'X';
  v.action = action;
  EXPECT_EQ(Evaluate(*policy, v).statement, -1);
  EXPECT_EQ(Checked(MustParse(few), *policy, v).statement, -1);
}

// The compiled matcher against the reference on random equality-shaped
// policies and requests, raw and pre-split; and, where the raw query needs
// no decoding, the equality plan (raw views) against the simple plan
// (pre-split views, which it hands over) on kind, statement and the
// uncertainty flag itself.
// LATTICEPOL_EQ_POLICIES=<n> runs n policies instead of 300 (100 requests each).
// Keys with one or two policy values of one size (EqKey::words, compared as
// two overlapping words): sizes 1 to 17 (17: past the words), values that
// differ from the policy's in one byte at each position, one byte shorter or
// longer; and a key whose two values differ in size (not words).
TEST(EqualityPlanTest, WordKeysDecideAsTheReference) {
  for (size_t n = 1; n <= 17; ++n) {
    std::string method, x, y;
    for (size_t i = 0; i < n; ++i) {
      method += static_cast<char>('A' + i % 26);
      x += static_cast<char>('0' + i % 10);
    }
    y = x;
    y[n / 2] = 'y';
    const std::string y_other = n == 1 ? x + "9" : y;  // a different size for n == 1
    for (const std::string& second : {y, y_other}) {
      const PolicyDocument doc = MustParse(
          R"({"Version":"2012-10-17","Statement":[)"
          R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
          R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":)" + JsonString(method) +
          R"(,"vpc-lattice-svcs:SourceVpcOwnerAccount":)" + JsonString(x) + "}}},"
          R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
          R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":)" + JsonString(method) +
          R"(,"vpc-lattice-svcs:SourceVpcOwnerAccount":)" + JsonString(second) + "}}}]}");
      const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
      ASSERT_TRUE(EqualityShape(*policy));
      auto variants = [](const std::string& v) {
        std::vector<std::string> out = {v, v + "x", v.substr(0, v.size() - 1)};
        for (size_t i = 0; i < v.size(); ++i) {
          out.push_back(v);
          out.back()[i] = '#';
        }
        return out;
      };
      const std::vector<std::string> methods = variants(method);
      std::vector<std::string> owners = variants(x);
      for (const std::string& o : variants(second)) owners.push_back(o);
      for (const std::string& m : methods) {
        for (const std::string& o : owners) {
          RequestView v = SeedView("", o);
          v.method = m;
          Checked(doc, *policy, v);
        }
      }
      // Spot checks, so the comparisons cannot pass on two wrong answers.
      RequestView v = SeedView("", x);
      v.method = method;
      EXPECT_EQ(Evaluate(*policy, v).statement, 0) << n;
      v.source_vpc_owner_account.value = second;
      EXPECT_EQ(Evaluate(*policy, v).statement, 1) << n;
      v.method = methods.back();  // the last byte differs
      EXPECT_EQ(Evaluate(*policy, v).statement, -1) << n;
      v.method = method;
      v.source_vpc_owner_account.value = owners.back();
      EXPECT_EQ(Evaluate(*policy, v).statement, -1) << n;
    }
  }
}

// The seed's shape is decided by EqLeaf for queries of at most 16 bytes
// with at most one pair that could be `q` (else by EqDecide): every query of
// up to three pairs from a list of the pairs that matter (whole pairs, other
// values, Q1-Q4, encodings, `&` runs), for each owner and method, equals the
// reference and the pre-split query's simple plan, uncertainty included.
TEST(EqualityPlanTest, SeedShapeAgreesWithTheSimplePlanOnEveryShortCombination) {
  const Seed& seed = SeedPolicy();
  const std::vector<std::string> pairs = {
      "q=blue", "q=green", "q=red", "q=", "q", "Q=blue", "qq=blue", "=blue", "", "x=1",
      "q=bl%75e", "%71=blue", "q=%zz", "q=blu", "q=greenn", "\xc3\xa9=1", "page=22"};
  size_t compared = 0;
  size_t allowed = 0;
  for (size_t a = 0; a < pairs.size(); ++a) {
    for (size_t b = 0; b <= pairs.size(); ++b) {
      for (size_t c = 0; c <= pairs.size(); c += 4) {
        std::string raw = pairs[a];
        if (b < pairs.size()) raw += "&" + pairs[b];
        if (b < pairs.size() && c < pairs.size()) raw += "&" + pairs[c];
        for (const char* owner : {"111111111111", "222222222222"}) {
          for (const char* method : {"GET", "PUT"}) {
            RequestView v = SeedView(raw, owner);
            v.method = method;
            const Decision got = CheckedAgainstSimple(seed.doc, *seed.compiled, v);
            allowed += got.allowed() ? 1 : 0;
            if (raw.find('%') == std::string::npos) ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, size_t{1000});
  EXPECT_GT(allowed, size_t{50});
  // Spot checks.
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("x=1&q=blue")).statement, 0);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("Q=blue&q=blue")).uncertain, kMaybeUncertain);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("q=&x=1")).uncertain, kMaybeUncertain);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView("q=green&x=1", "222222222222")).statement, 1);
}

// Queries over 64 bytes are scanned in windows of up to 64 bytes that end
// at a `&` (windows whose pairs cannot be the key's are skipped): the key's
// pair (whole, near misses, Q1, Q3, Q4) placed so that it ends a window,
// starts the next, straddles 64 bytes or follows a `&` at byte 63 or 64,
// alone or repeated in another window, and pairs of over 64 bytes.
TEST(EqualityPlanTest, LongQueriesScannedInWindowsDecideAsTheSimplePlan) {
  const Seed& seed = SeedPolicy();
  const std::vector<std::string> pairs = {"q=blue", "q=green", "q=red", "q=",     "q",
                                          "Q=blue", "qq=blue", "q=bl%75e", "%71=blue",
                                          "q=blue=x", "x=1"};
  size_t compared = 0;
  for (size_t fill = 40; fill <= 80; ++fill) {
    // `fill` bytes of a pair that is not the key's, then `&`: the key's pair
    // starts at byte fill + 1 (the window's last `&` moves with it).
    const std::string head = "a=" + std::string(fill - 2, 'x');
    for (const std::string& p : pairs) {
      for (const std::string& raw :
           {head + "&" + p, head + "&" + p + "&z=1", p + "&" + head + "&" + p,
            head + "&" + p + "&" + head, "q=blue&" + head + "&" + p}) {
        for (const char* owner : {"111111111111", "222222222222"}) {
          CheckedAgainstSimple(seed.doc, *seed.compiled, SeedView(raw, owner));
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, size_t{4000});
  // A pair of over 64 bytes (no `&` in the window), before and after the key's.
  const std::string huge = "h=" + std::string(100, 'y');
  for (const std::string& raw : {huge + "&q=blue", "q=blue&" + huge, "q=" + std::string(70, 'b'),
                                 huge + "&Q=blue&q=blue", huge + "&q=blue&q=blue"}) {
    CheckedAgainstSimple(seed.doc, *seed.compiled, SeedView(raw));
  }
  // Spot checks, so the comparisons cannot pass on two wrong answers.
  const std::string pad = "a=" + std::string(61, 'x');  // `&` at byte 63
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView(pad + "&q=blue")).statement, 0);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView(pad + "x&q=green", "222222222222")).statement, 1);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView(pad + "&q=blue&" + pad + "&q=blue")).uncertain,
            kMaybeUncertain);  // Q2 across windows
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView(pad + "&" + pad + "&Q=blue&q=blue")).uncertain,
            kMaybeUncertain);  // Q1 in the last window
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView(pad + "&q=" + pad)).statement, -1);
  EXPECT_EQ(Evaluate(*seed.compiled, SeedView(huge + "&q=blue")).statement, 0);
}

// The whole-pair tests with several policy values of one size (two, three)
// or of sizes that differ by one: each value whole, after another pair and
// before one, with its last byte changed and one byte longer, against the
// reference and the simple plan.
TEST(EqualityPlanTest, PairsOfOneSizeDecideAsTheSimplePlan) {
  const auto policy_text = [](const std::vector<std::string>& values) {
    std::string out = R"({"Version":"2012-10-17","Statement":[)";
    for (size_t i = 0; i < values.size(); ++i) {
      out += std::string(i ? "," : "") +
             R"({"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke",)"
             R"("Resource":"*","Condition":{"StringEquals":{)"
             R"("vpc-lattice-svcs:RequestMethod":"GET",)"
             R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111",)"
             R"("vpc-lattice-svcs:RequestQueryString/q":)" +
             JsonString(values[i]) + "}}}";
    }
    return out + "]}";
  };
  const std::vector<std::vector<std::string>> sets = {
      {"blue", "gray"}, {"blue", "gray", "pink"}, {"blue", "bluee", "gray"},
      {"a", "b"},       {"abcdefghijklmn", "abcdefghijklmo"}};
  for (const std::vector<std::string>& values : sets) {
    const PolicyDocument doc = MustParse(policy_text(values));
    const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
    ASSERT_TRUE(EqualityShape(*policy));
    for (size_t i = 0; i < values.size(); ++i) {
      std::string changed = values[i];
      changed.back() = changed.back() == 'z' ? 'y' : 'z';
      for (const std::string& value : {values[i], changed, values[i] + "x"}) {
        for (const std::string& raw : {"q=" + value, "x=1&q=" + value, "q=" + value + "&y=2"}) {
          const Decision d = CheckedAgainstSimple(doc, *policy, SeedView(raw));
          if (value == values[i]) {
            EXPECT_EQ(d.statement, static_cast<int32_t>(i)) << raw;
          }
        }
      }
    }
  }
}

TEST(EqualityPlanTest, AgreesWithTheReferenceAndTheSimplePlan) {
  const char* env = std::getenv("LATTICEPOL_EQ_POLICIES");
  const int policies = env != nullptr ? std::atoi(env) : 300;
  Rng rng(17);
  size_t compared = 0;
  for (int p = 0; p < policies; ++p) {
    const PolicyDocument doc = MustParse(RandomEqPolicy(rng, 0));
    const std::shared_ptr<const CompiledPolicy> policy = *Compile(doc);
    ASSERT_TRUE(EqualityShape(*policy));
    for (int i = 0; i < 100; ++i) {
      const std::string raw = RandomEqQuery(rng);
      const RequestView v = RandomEqView(rng, raw);
      CheckedAgainstSimple(doc, *policy, v);
      if (raw.find('%') == std::string::npos) ++compared;
    }
  }
  EXPECT_GT(compared, static_cast<size_t>(policies) * 30);
}

}  // namespace
}  // namespace latticepol
