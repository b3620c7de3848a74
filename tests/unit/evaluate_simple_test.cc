// File: tests/unit/evaluate_simple_test.cc
// Stage: evaluate (fast path, the simple plan). The yardstick is honest: the
// hand-written blue/green check (tests/testing/seed_yardstick.h) and the
// compiled matcher agree on every request of both benchmark streams, and the
// compiled matcher agrees with the reference there. Targeted cases of the
// simple plan's query scan: repeated keys, case-folded keys, percent-encoded
// keys and values, empty queries, keys that prefix each other, very long
// queries; each compared with the reference (kind, statement, and the
// uncertainty flag covering every reference DECISION id).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/policy_builders.h"
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
  split.AppendRawQuery(v.raw_query);
  split.raw_query.clear();  // evaluate the decoded pairs
  RequestView sv = v;
  sv.query_is_raw = false;
  sv.raw_query = std::string_view();
  sv.query = split.view().query;
  const Decision split_ref = EvaluateReference(doc, sv).decision;
  const Decision split_got = Evaluate(policy, sv);
  EXPECT_EQ(split_got.kind, split_ref.kind) << "split query '" << v.raw_query << "'";
  EXPECT_EQ(split_got.statement, split_ref.statement) << "split query '" << v.raw_query << "'";
  if (split_ref.uncertain != 0) {
    EXPECT_TRUE(split_got.uncertain_is_maybe()) << "split query '" << v.raw_query << "'";
  }
  return got;
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

}  // namespace
}  // namespace latticepol
