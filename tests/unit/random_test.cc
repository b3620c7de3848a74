// File: tests/unit/random_test.cc
// Stage: testing support. Tests of the PRNG and of the random policy and
// request generators (latticepol/random.h): determinism across platforms,
// validity of the generated policies in strict mode, the raw query string
// decoding to exactly the pre-split query, and coverage of the constructs the
// differential test relies on.
#include "testing/random.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"

namespace latticepol {
namespace {

TEST(RngTest, MatchesReferenceSequence) {
  // Values from an independent implementation of SplitMix64 and
  // xoshiro256** (Python, 64-bit masks): the sequence must not depend on the
  // platform or standard library.
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(&state), 0xe220a8397b1dcdafull);
  Rng zero(0);
  EXPECT_EQ(zero.Next(), 0x99ec5f36cb75f2b4ull);
  EXPECT_EQ(zero.Next(), 0xbf6e1f784956452aull);
  EXPECT_EQ(zero.Next(), 0x1a5f849d4933e6e0ull);
  Rng answer(42);
  EXPECT_EQ(answer.Next(), 0x15780b2e0c2ec716ull);
  EXPECT_EQ(answer.Next(), 0x6104d9866d113a7eull);
  EXPECT_EQ(answer.Next(), 0xae17533239e499a1ull);
}

TEST(RngTest, UniformStaysInRangeAndCoversIt) {
  Rng rng(7);
  std::vector<int> counts(10);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = rng.Uniform(10);
    ASSERT_LT(v, 10u);
    ++counts[v];
  }
  for (int c : counts) {
    EXPECT_GT(c, 9000);
    EXPECT_LT(c, 11000);
  }
  std::set<int> range;
  for (int i = 0; i < 1000; ++i) {
    int v = rng.Range(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    range.insert(v);
  }
  EXPECT_EQ(range.size(), 5u);
  EXPECT_EQ(rng.Uniform(1), 0u);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += rng.Percent(30);
  EXPECT_GT(hits, 2700);
  EXPECT_LT(hits, 3300);
}

TEST(RngTest, MixSeedSeparatesCases) {
  std::set<uint64_t> seeds;
  for (uint64_t i = 0; i < 1000; ++i) seeds.insert(MixSeed(1, i));
  EXPECT_EQ(seeds.size(), 1000u);
  EXPECT_NE(MixSeed(1, 0), MixSeed(2, 0));
  EXPECT_EQ(MixSeed(5, 9), MixSeed(5, 9));
}

TEST(RandomPolicyTest, IsDeterministic) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Rng a(seed), b(seed);
    EXPECT_EQ(PolicyToJson(RandomPolicy(a, {})), PolicyToJson(RandomPolicy(b, {})));
    std::string raw_a, raw_b;
    PolicyDocument doc = RandomPolicy(a, {});
    PolicyDocument doc_b = RandomPolicy(b, {});
    EXPECT_EQ(RequestToJson(RandomRequest(a, doc, {}, &raw_a)),
              RequestToJson(RandomRequest(b, doc_b, {}, &raw_b)));
    EXPECT_EQ(raw_a, raw_b);
  }
}

TEST(RandomPolicyTest, GeneratedPoliciesParseInStrictMode) {
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    Rng rng(MixSeed(99, seed));
    RandomPolicyOptions options;
    options.identity_policy = seed % 4 == 0;
    options.large_percent = seed % 10 == 0 ? 100 : 0;
    PolicyDocument doc = RandomPolicy(rng, options);
    std::string json = PolicyToJson(doc);
    // One line, at most 10,000 characters (G1), except the large documents,
    // which stay under the PutAuthPolicy maximum.
    ASSERT_EQ(json.find('\n'), std::string::npos) << json;
    ASSERT_LE(json.size(), options.large_percent ? 36864u : 10000u) << json;
    ParseOptions parse_options;
    parse_options.identity_policy = options.identity_policy;
    ParseResult parsed = ParsePolicy(json, parse_options);
    ASSERT_TRUE(parsed.ok()) << "seed " << MixSeed(99, seed) << "\n"
                             << json << "\n"
                             << FormatIssues(parsed.issues, "policy.json");
    ASSERT_EQ(parsed.doc.statements.size(), doc.statements.size()) << json;
    for (size_t i = 0; i < doc.statements.size(); ++i) {
      const Statement& want = doc.statements[i];
      const Statement& got = parsed.doc.statements[i];
      EXPECT_EQ(got.effect, want.effect) << json;
      EXPECT_EQ(got.not_principal, want.not_principal) << json;
      EXPECT_EQ(got.not_action, want.not_action) << json;
      EXPECT_EQ(got.not_resource, want.not_resource) << json;
      EXPECT_EQ(got.actions, want.actions) << json;
      EXPECT_EQ(got.resources, want.resources) << json;
      EXPECT_EQ(got.principal.wildcard, want.principal.wildcard) << json;
      EXPECT_EQ(got.conditions.size(), want.conditions.size()) << json;
    }
    // Serialising the parsed document is stable.
    ParseResult again = ParsePolicy(PolicyToJson(parsed.doc), parse_options);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(PolicyToJson(again.doc), PolicyToJson(parsed.doc));
  }
}

TEST(RandomPolicyTest, LenientConstructsNeedLenientMode) {
  int strict_rejects = 0;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    Rng rng(MixSeed(98, seed));
    RandomPolicyOptions options;
    options.lenient_percent = 25;
    std::string json = PolicyToJson(RandomPolicy(rng, options));
    ParseOptions lenient;
    lenient.strict = false;
    ParseResult parsed = ParsePolicy(json, lenient);
    ASSERT_TRUE(parsed.ok()) << json << "\n" << FormatIssues(parsed.issues, "policy.json");
    strict_rejects += !ParsePolicy(json).ok();
  }
  // Most of them use at least one construct strict mode rejects.
  EXPECT_GT(strict_rejects, 500);
}

// The raw query string decodes (Q1-Q4) to exactly the pre-split query.
TEST(RandomRequestTest, RawQueryDecodesToSplitQuery) {
  int percent_encoded = 0, empty_values = 0, repeated = 0, dropped_pairs = 0;
  for (uint64_t seed = 0; seed < 5000; ++seed) {
    Rng rng(MixSeed(7, seed));
    PolicyDocument doc = RandomPolicy(rng, {});
    std::string raw;
    Request request = RandomRequest(rng, doc, {}, &raw);
    std::vector<StringPair> split = SplitQuery(raw);
    ASSERT_EQ(split, request.query) << "raw query: " << raw;
    Request materialised = ToRequest(RawQueryView(request, raw));
    ASSERT_EQ(materialised.query, request.query) << "raw query: " << raw;
    EXPECT_EQ(materialised.path, request.path);
    percent_encoded += raw.find('%') != std::string::npos;
    std::set<std::string> keys;
    for (const auto& [k, v] : request.query) {
      empty_values += v.empty();
      repeated += !keys.insert(k).second;
    }
    dropped_pairs += raw.find("&&") != std::string::npos || raw.find("=dropped") == 0 ||
                     raw.find("&=") != std::string::npos;
  }
  EXPECT_GT(percent_encoded, 100);
  EXPECT_GT(empty_values, 100);
  EXPECT_GT(repeated, 100);
  EXPECT_GT(dropped_pairs, 20);
}

TEST(RandomRequestTest, CoversCallersActionsAndFields) {
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    Rng rng(MixSeed(3, seed));
    PolicyDocument doc = RandomPolicy(rng, {});
    Request r = RandomRequest(rng, doc, {}, nullptr);
    RequestView view = r.view();
    seen.insert(view.is_connect()           ? "connect"
                : r.action == kInvokeAction ? "invoke"
                                            : "action-" + r.action);
    if (!r.principal) {
      seen.insert("anonymous");
    } else {
      seen.insert("type-" + r.principal->type);
      if (!r.principal->org_id.empty()) seen.insert("org-id");
      if (!r.principal->org_paths.empty()) seen.insert("org-paths");
      if (!r.principal->tags.empty()) seen.insert("principal-tags");
      if (!r.principal->session_arn.empty()) seen.insert("session");
    }
    seen.insert(r.port ? "port" : "no-port");
    seen.insert(r.source_ip ? "ip" : "no-ip");
    seen.insert(r.time ? "time" : "no-time");
    seen.insert(r.source_vpc ? "vpc" : "no-vpc");
    seen.insert(r.service_arn ? "service-arn" : "no-service-arn");
    if (!r.headers.empty()) seen.insert("headers");
    if (!r.resource_tags.empty()) seen.insert("resource-tags");
    for (const auto& [name, value] : r.headers) {
      if (value.find(',') != std::string::npos) seen.insert("joined-header");
      for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
    }
  }
  for (const char* want : {"connect",        "invoke",
                           "anonymous",      "type-AssumedRole",
                           "type-User",      "type-Account",
                           "type-Service",   "org-id",
                           "org-paths",      "principal-tags",
                           "session",        "port",
                           "no-port",        "ip",
                           "no-ip",          "time",
                           "no-time",        "vpc",
                           "no-vpc",         "service-arn",
                           "no-service-arn", "headers",
                           "resource-tags",  "joined-header"}) {
    EXPECT_TRUE(seen.count(want)) << "never generated: " << want;
  }
  int other_actions = 0;
  for (const std::string& s : seen) other_actions += s.rfind("action-", 0) == 0;
  EXPECT_GT(other_actions, 0);
}

// Requests hit the policy's values: a StringEquals on a header must see its
// value in a good share of the requests.
TEST(RandomRequestTest, IsBiasedTowardsPolicyValues) {
  int hits = 0, total = 0;
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    Rng rng(MixSeed(11, seed));
    PolicyDocument doc = RandomPolicy(rng, {});
    for (const Statement& st : doc.statements) {
      for (const Condition& c : st.conditions) {
        if (c.key.kind != KeyKind::kRequestHeader || c.op != ConditionOperator::kStringEquals ||
            c.values[0].find("${") != std::string::npos) {
          continue;
        }
        for (int i = 0; i < 10; ++i) {
          Request r = RandomRequest(rng, doc, {}, nullptr);
          ++total;
          for (const auto& [name, value] : r.headers) {
            if (name == c.key.suffix &&
                std::find(c.values.begin(), c.values.end(), value) != c.values.end()) {
              ++hits;
            }
          }
        }
      }
    }
  }
  ASSERT_GT(total, 100);
  EXPECT_GT(hits * 10, total) << hits << " of " << total;
}

}  // namespace
}  // namespace latticepol
