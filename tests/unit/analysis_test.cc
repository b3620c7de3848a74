// File: tests/unit/analysis_test.cc
// Stage: analysis. Checks the exact analysis against brute force:
//  (a) small generated policies over a small alphabet: every request of a
//      fixed universe that two policies decide differently must lie in a
//      difference `DiffPolicies` reports (and `equivalent` must be false);
//  (b) equivalence-preserving rewrites come out equivalent;
//  (c) random mutations: every reported witness is verified (ok status);
//  (d) the glob automata against internal::GlobMatch and brute force;
//  (e) the shipped scenario proves, the backdoor candidates do not.
// LATTICEPOL_ANALYSIS_PAIRS raises the number of generated pairs (default 40).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "analysis/automaton.h"
#include "gtest/gtest.h"
#include "internal/text.h"
#include "latticepol/analysis.h"
#include "latticepol/authorize.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"

namespace latticepol {
namespace {

int Pairs() {
  const char* env = std::getenv("LATTICEPOL_ANALYSIS_PAIRS");
  return env ? std::atoi(env) : 20;
}

// A tiny deterministic PRNG (SplitMix64), so these tests do not depend on
// the test-support generators.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Uniform(uint64_t n) { return Next() % n; }
  int Range(int lo, int hi) { return lo + static_cast<int>(Uniform(hi - lo + 1)); }
  bool Percent(int p) { return static_cast<int>(Uniform(100)) < p; }
  template <typename C>
  const typename C::value_type& Pick(const C& c) { return c[Uniform(c.size())]; }

 private:
  uint64_t state_;
};

// ---- a small policy generator over a tiny alphabet -------------------------

const std::vector<std::string> kValues = {"a", "b", "ab", "A", "a*", "*b", "?", "*", ""};

std::string Q(const std::string& s) { return "\"" + s + "\""; }

std::string RandomCondition(Rng& rng) {
  static const std::vector<std::string> kKeys = {
      "vpc-lattice-svcs:RequestMethod", "vpc-lattice-svcs:RequestPath",
      "vpc-lattice-svcs:RequestHeader/x-a", "vpc-lattice-svcs:RequestQueryString/q",
      "vpc-lattice-svcs:SourceVpcOwnerAccount", "aws:PrincipalAccount"};
  static const std::vector<std::string> kOps = {
      "StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
      "StringEqualsIgnoreCase", "StringEqualsIfExists", "StringNotLikeIfExists",
      "ForAnyValue:StringLike", "ForAllValues:StringEquals", "Null"};
  const std::string key = rng.Pick(kKeys);
  const std::string op = rng.Pick(kOps);
  std::vector<std::string> values;
  const int n = rng.Range(1, 2);
  for (int i = 0; i < n; ++i) {
    std::string v;
    if (op == "Null") {
      v = rng.Percent(50) ? "true" : "false";
    } else if (key == "vpc-lattice-svcs:SourceVpcOwnerAccount" || key == "aws:PrincipalAccount") {
      v = rng.Percent(50) ? "111111111111" : "222222222222";
      if (op.find("Like") != std::string::npos && rng.Percent(30)) v = "1*";
    } else if (key == "vpc-lattice-svcs:RequestPath") {
      v = "/" + rng.Pick(kValues);
    } else {
      v = rng.Pick(kValues);
      if (op.find("Like") == std::string::npos && v.find_first_of("*?") != std::string::npos) v = "b";
    }
    values.push_back(Q(v));
  }
  std::string list = values.size() == 1 ? values[0] : "[" + values[0] + "," + values[1] + "]";
  return Q(op) + ":{" + Q(key) + ":" + list + "}";
}

std::string RandomStatement(Rng& rng, int i) {
  std::string s = "{\"Sid\":\"S" + std::to_string(i) + "\",\"Effect\":" +
                  (rng.Percent(30) ? Q("Deny") : Q("Allow")) + ",\"Principal\":";
  s += rng.Percent(75) ? Q("*") : "{\"AWS\":\"111111111111\"}";
  s += ",\"Action\":" + (rng.Percent(85) ? Q("vpc-lattice-svcs:Invoke") : Q("*"));
  s += ",\"Resource\":";
  s += rng.Percent(80) ? Q("*")
                       : Q("arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0/a*");
  // Distinct operators per statement: a Condition object has unique keys.
  std::set<std::string> seen;
  std::string conds;
  const int n = rng.Range(0, 3);
  for (int c = 0; c < n; ++c) {
    const std::string cond = RandomCondition(rng);
    const std::string op = cond.substr(0, cond.find(':'));
    if (!seen.insert(op).second) continue;
    conds += (conds.empty() ? "" : ",") + cond;
  }
  if (!conds.empty()) s += ",\"Condition\":{" + conds + "}";
  return s + "}";
}

std::string RandomPolicyText(Rng& rng) {
  std::string out = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  const int n = rng.Range(1, 3);
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + RandomStatement(rng, i);
  return out + "]}";
}

PolicyDocument MustParse(const std::string& text) {
  ParseResult r = ParsePolicy(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.doc;
}

// ---- the brute-force universe ----------------------------------------------

std::vector<Request> Universe() {
  std::vector<Request> out;
  const std::vector<std::string> methods = {"GET", "a", "A", "ab", "b"};
  const std::vector<std::string> paths = {"/", "/a", "/ab", "/b"};
  const std::vector<std::vector<std::string>> headers = {{}, {""}, {"a"}, {"ab"}, {"A"}, {"ba"}};
  const std::vector<std::vector<std::string>> queries = {
      {}, {"a"}, {"b"}, {"ab"}, {""}, {"a", "b"}, {"a", "a"}, {"b", "ab"}};
  for (int caller = 0; caller < 4; ++caller) {
    for (const char* owner : {"111111111111", "222222222222"}) {
      for (const char* action : {"vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Connect"}) {
        for (const auto& m : methods) {
          for (const auto& p : paths) {
            for (const auto& h : headers) {
              for (const auto& q : queries) {
                Request r;
                r.action = action;
                r.method = m;
                r.path = p;
                for (const auto& v : h) r.headers.emplace_back("x-a", v);
                for (const auto& v : q) r.query.emplace_back("q", v);
                r.source_vpc = "vpc-1";
                r.source_vpc_owner_account = owner;
                r.service_arn =
                    "arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0";
                if (caller > 0) {
                  Principal pr;
                  pr.account = caller == 1   ? "111111111111"
                               : caller == 2 ? "222222222222"
                                             : "333333333333";
                  pr.arn = "arn:aws:iam::" + pr.account + ":role/r";
                  pr.type = "AssumedRole";
                  r.principal = pr;
                }
                out.push_back(std::move(r));
              }
            }
          }
        }
      }
    }
  }
  return out;
}

DecisionKind Decide(const PolicyDocument& doc, const Request& r) {
  ChainPolicies chain;
  chain.service_policy = &doc;
  return AuthorizeReference(chain, r.view()).result.decision;
}

TEST(AnalysisBruteForce, DiffFindsEveryDifferenceOfTheUniverse) {
  const std::vector<Request> universe = Universe();
  Rng rng(20261204);
  int differing = 0;
  for (int i = 0; i < Pairs(); ++i) {
    const std::string a = RandomPolicyText(rng);
    const std::string b = rng.Percent(30) ? a : RandomPolicyText(rng);
    const PolicyDocument pa = MustParse(a), pb = MustParse(b);
    auto diff = DiffPolicies(pa, pb);
    ASSERT_TRUE(diff.ok()) << diff.status() << "\nold " << a << "\nnew " << b;
    // Every kind of change the universe shows (old -> new decision) is reported.
    std::set<std::pair<DecisionKind, DecisionKind>> reported;
    for (const Difference& d : diff->differences) reported.insert({d.old_decision, d.new_decision});
    bool brute_differs = false;
    for (const Request& r : universe) {
      const DecisionKind x = Decide(pa, r), y = Decide(pb, r);
      if (x != y) {
        brute_differs = true;
        ASSERT_TRUE(reported.count({x, y})) << "missed difference\nold " << a << "\nnew " << b
                                            << "\nrequest " << RequestToJson(r);
      }
    }
    differing += brute_differs;
    for (const Difference& d : diff->differences) {
      EXPECT_NE(d.old_decision, d.new_decision);
      EXPECT_EQ(Decide(pa, d.old_witness.request), d.old_decision);
      EXPECT_EQ(Decide(pb, d.new_witness.request), d.new_decision);
    }
    if (a == b) {
      EXPECT_TRUE(diff->equivalent) << a;
    }
  }
  EXPECT_GT(differing, 0);  // the generator does produce different pairs
}

TEST(AnalysisBruteForce, AllowedRegionsCoverEveryAllowedRequest) {
  const std::vector<Request> universe = Universe();
  Rng rng(777);
  for (int i = 0; i < Pairs() / 4; ++i) {
    const std::string text = RandomPolicyText(rng);
    const PolicyDocument doc = MustParse(text);
    auto result = AnalyzePolicy(doc);
    ASSERT_TRUE(result.ok()) << result.status() << "\n" << text;
    bool any_allowed = false;
    for (const Request& r : universe) any_allowed |= Decide(doc, r) == DecisionKind::kAllow;
    if (any_allowed) {
      EXPECT_FALSE(result->allowed.empty()) << text;
    }
    for (const DecidedRegion& region : result->allowed) {
      EXPECT_EQ(Decide(doc, region.witness.request), DecisionKind::kAllow) << text;
    }
  }
}

TEST(AnalysisBruteForce, ReachabilityAgreesWithTheUniverse) {
  const std::vector<Request> universe = Universe();
  Rng rng(31337);
  for (int i = 0; i < Pairs() / 2; ++i) {
    const std::string text = RandomPolicyText(rng);
    const PolicyDocument doc = MustParse(text);
    auto reach = StatementReachability(doc);
    ASSERT_TRUE(reach.ok()) << reach.status() << "\n" << text;
    ASSERT_EQ(reach->size(), doc.statements.size());
    for (size_t s = 0; s < doc.statements.size(); ++s) {
      PolicyDocument without = doc;
      without.statements.erase(without.statements.begin() + static_cast<long>(s));
      bool applies = false, changes = false;
      for (const Request& r : universe) {
        applies |= EvaluateReference(doc, r.view()).statements[s].applies;
        changes |= Decide(doc, r) != Decide(without, r);
        if (applies && changes) break;
      }
      if (applies) {
        EXPECT_TRUE((*reach)[s].applicable) << "statement " << s << "\n" << text;
      }
      if (changes) {
        EXPECT_TRUE((*reach)[s].effective) << "statement " << s << "\n" << text;
      }
      if ((*reach)[s].effective) {
        ASSERT_TRUE((*reach)[s].effective_witness.has_value());
        EXPECT_NE(Decide(doc, (*reach)[s].effective_witness->request),
                  Decide(without, (*reach)[s].effective_witness->request))
            << text;
      }
    }
  }
}

// ---- glob-heavy policies against brute force --------------------------------
// Several statements of random globs (`*`, `?`, `a`, `b`) on a header, a
// repeated query key (plain, ForAnyValue, ForAllValues) and the path; the
// universe is every request built from short strings over {a, b, c}.

std::string RandomGlob(Rng& rng) {
  static const std::vector<std::string> kTokens = {"*", "?", "a", "b", "ab"};
  std::string g;
  const int n = rng.Range(1, 3);
  for (int i = 0; i < n; ++i) g += rng.Pick(kTokens);
  return g;
}

std::string RandomGlobPolicyText(Rng& rng) {
  static const std::vector<std::string> kOps = {
      "StringLike", "StringNotLike", "ForAnyValue:StringLike", "ForAllValues:StringLike",
      "ForAnyValue:StringNotLike", "ForAllValues:StringNotLike", "StringLikeIfExists"};
  static const std::vector<std::string> kKeys = {"vpc-lattice-svcs:RequestHeader/x-a",
                                                 "vpc-lattice-svcs:RequestQueryString/q",
                                                 "vpc-lattice-svcs:RequestPath"};
  std::string out = "{\"Version\":\"2012-10-17\",\"Statement\":[";
  const int n = rng.Range(2, 4);
  for (int i = 0; i < n; ++i) {
    std::string conds;
    std::set<std::string> ops;
    const int entries = rng.Range(1, 2);
    for (int e = 0; e < entries; ++e) {
      const std::string key = rng.Pick(kKeys);
      std::string op = rng.Pick(kOps);
      if (key.find("/q") == std::string::npos) op = rng.Percent(70) ? "StringLike" : "StringNotLike";
      if (!ops.insert(op).second) continue;
      std::string values;
      const int k = rng.Range(1, 4);
      for (int v = 0; v < k; ++v) {
        values += (v ? "," : "") + Q((key.find("Path") != std::string::npos ? "/" : "") + RandomGlob(rng));
      }
      conds += (conds.empty() ? "" : ",") + Q(op) + ":{" + Q(key) + ":[" + values + "]}";
    }
    out += std::string(i ? "," : "") + "{\"Effect\":" + (rng.Percent(30) ? Q("Deny") : Q("Allow")) +
           ",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"," +
           "\"Condition\":{" + conds + "}}";
  }
  return out + "]}";
}

std::vector<Request> GlobUniverse() {
  std::vector<std::string> strings = {""};
  for (size_t begin = 0, len = 0; len < 2; ++len) {
    const size_t end = strings.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : std::string("abc")) strings.push_back(strings[i] + c);
    }
    begin = end;
  }
  std::vector<std::vector<std::string>> queries = {{}};
  for (const std::string& v : strings) queries.push_back({v});
  const std::vector<std::string> few = {"", "a", "b", "ab", "ba", "c"};
  for (const std::string& x : few) {
    for (const std::string& y : few) queries.push_back({x, y});
  }
  std::vector<Request> out;
  for (const char* p : {"", "a", "b", "ab", "ba", "aab"}) {
    for (size_t h = 0; h <= strings.size(); ++h) {
      for (const auto& q : queries) {
        Request r;
        r.action = "vpc-lattice-svcs:Invoke";
        r.method = "GET";
        r.path = "/" + std::string(p);
        if (h < strings.size()) r.headers.emplace_back("x-a", strings[h]);
        for (const std::string& v : q) r.query.emplace_back("q", v);
        r.service_arn = "arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0";
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

TEST(AnalysisGlobs, RandomGlobPoliciesAgreeWithBruteForce) {
  const std::vector<Request> universe = GlobUniverse();
  Rng rng(8080);
  AnalysisOptions anonymous;
  anonymous.include_signed = false;
  int differing = 0;
  for (int i = 0; i < Pairs(); ++i) {
    const std::string a = RandomGlobPolicyText(rng);
    std::string b = a;
    if (rng.Percent(70)) {  // one statement replaced, or a fresh policy
      b = RandomGlobPolicyText(rng);
    }
    const PolicyDocument pa = MustParse(a), pb = MustParse(b);
    auto diff = DiffPolicies(pa, pb, anonymous);
    ASSERT_TRUE(diff.ok()) << diff.status() << "\nold " << a << "\nnew " << b;
    EXPECT_TRUE(diff->complete) << DiffResultToText(*diff);
    const Request* differs = nullptr;
    for (const Request& r : universe) {
      if (Decide(pa, r) != Decide(pb, r)) {
        differs = &r;
        break;
      }
    }
    differing += differs != nullptr;
    if (differs != nullptr) {
      EXPECT_FALSE(diff->equivalent) << "missed difference\nold " << a << "\nnew " << b
                                     << "\nrequest " << RequestToJson(*differs);
    }
    if (a == b) {
      EXPECT_TRUE(diff->equivalent) << a;
    }
    for (const Difference& d : diff->differences) {
      EXPECT_EQ(Decide(pa, d.old_witness.request), d.old_decision);
      EXPECT_EQ(Decide(pb, d.new_witness.request), d.new_decision);
    }
    // Who can do what: some allowed region iff the universe has an allowed request
    // (one direction: the universe is only a sample of all requests).
    auto analyzed = AnalyzePolicy(pa, anonymous);
    ASSERT_TRUE(analyzed.ok()) << analyzed.status();
    EXPECT_TRUE(analyzed->complete);
    bool any_allowed = false;
    for (const Request& r : universe) {
      if (Decide(pa, r) == DecisionKind::kAllow) {
        any_allowed = true;
        break;
      }
    }
    if (any_allowed) {
      EXPECT_FALSE(analyzed->allowed.empty()) << a;
    }
  }
  EXPECT_GT(differing, Pairs() / 4);
}

TEST(AnalysisGlobs, ManyValueClassesOnARepeatedKeyAreExact) {
  // Eight ForAnyValue / ForAllValues entries on `q` (dozens of value classes):
  // the repeated-key atoms are the distinct answers, found by closure, so
  // the answer is complete; removing any one statement is checked against
  // the brute-force universe.
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  const std::vector<std::string> globs = {"a*", "*b", "?", "ab", "*a*", "b?", "??*", "ba*"};
  for (size_t i = 0; i < globs.size(); ++i) {
    text += std::string(i ? "," : "") + R"({"Effect":")" + (i % 3 == 2 ? "Deny" : "Allow") +
            R"(","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{")" +
            (i % 2 ? "ForAllValues:StringLike" : "ForAnyValue:StringLike") +
            R"(":{"vpc-lattice-svcs:RequestQueryString/q":")" + globs[i] + R"("}}})";
  }
  text += "]}";
  const PolicyDocument doc = MustParse(text);
  AnalysisOptions anonymous;
  anonymous.include_signed = false;
  auto reach = StatementReachability(doc, anonymous);
  ASSERT_TRUE(reach.ok()) << reach.status();
  const std::vector<Request> universe = GlobUniverse();
  for (size_t s = 0; s < doc.statements.size(); ++s) {
    PolicyDocument without = doc;
    without.statements.erase(without.statements.begin() + static_cast<long>(s));
    auto diff = DiffPolicies(doc, without, anonymous);
    ASSERT_TRUE(diff.ok()) << diff.status();
    EXPECT_TRUE(diff->complete) << DiffResultToText(*diff);
    bool changes = false;
    for (const Request& r : universe) changes |= Decide(doc, r) != Decide(without, r);
    if (changes) {
      EXPECT_FALSE(diff->equivalent) << "statement " << s;
      EXPECT_TRUE((*reach)[s].effective) << "statement " << s;
    }
    EXPECT_EQ(diff->equivalent, !(*reach)[s].effective) << "statement " << s;
  }
}

// ---- would pass with: the smallest change, against brute force --------------

int ChangedFields(const Request& a, const Request& b) {
  auto values = [](const std::vector<StringPair>& pairs, const char* name) {
    std::vector<std::string> out;
    for (const StringPair& p : pairs) {
      if (p.first == name) out.push_back(p.second);
    }
    return out;
  };
  return (a.method != b.method) + (a.path != b.path) +
         (values(a.headers, "x-a") != values(b.headers, "x-a")) +
         (values(a.query, "q") != values(b.query, "q"));
}

TEST(AnalysisWouldPass, SmallestChangeAgreesWithBruteForce) {
  const std::vector<Request> universe = GlobUniverse();
  Rng rng(4711);
  int hints = 0;
  for (int i = 0; i < Pairs(); ++i) {
    const std::string text = RandomGlobPolicyText(rng);
    const PolicyDocument doc = MustParse(text);
    std::vector<const Request*> allowed;
    for (const Request& r : universe) {
      if (Decide(doc, r) == DecisionKind::kAllow) allowed.push_back(&r);
    }
    for (int k = 0; k < 5; ++k) {
      const Request& r = universe[rng.Uniform(universe.size())];
      if (Decide(doc, r) == DecisionKind::kAllow) continue;
      auto result = WouldPassWith(&doc, r);
      ASSERT_TRUE(result.ok()) << result.status() << "\n" << text;
      ASSERT_TRUE(result->complete);
      int brute = 99;
      for (const Request* a : allowed) brute = std::min(brute, ChangedFields(r, *a));
      if (!result->hint) {
        EXPECT_EQ(brute, 99) << "a change passes\n" << text << "\n" << RequestToJson(r);
        continue;
      }
      ++hints;
      const WouldPass& hint = *result->hint;
      EXPECT_EQ(Decide(doc, hint.witness.request), DecisionKind::kAllow);
      EXPECT_EQ(static_cast<int>(hint.changes.size()), ChangedFields(r, hint.witness.request));
      EXPECT_LE(static_cast<int>(hint.changes.size()), brute)
          << "not the smallest change\n" << text << "\n" << RequestToJson(r) << "\n"
          << WouldPassToText(*result);
    }
  }
  EXPECT_GT(hints, 0);
}

TEST(AnalysisWouldPass, SeedPolicyNamesEveryFailedCondition) {
  const PolicyDocument doc = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowBlue","Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{)"
      R"("vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue",)"
      R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}}]})");
  Request r;
  r.method = "DELETE";
  r.path = "/x";
  r.query = {{"q", "red"}};
  r.source_vpc_owner_account = "111111111111";
  r.service_arn = "arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0";
  auto result = WouldPassWith(&doc, r);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->hint.has_value());
  ASSERT_EQ(result->hint->changes.size(), 2u) << WouldPassToText(*result);
  EXPECT_EQ(result->hint->changes[0].field, "method");
  EXPECT_EQ(result->hint->changes[0].to, "\"GET\"");
  EXPECT_EQ(result->hint->changes[1].field, "query q");
  EXPECT_EQ(result->hint->changes[1].from, "\"red\"");
  EXPECT_EQ(result->hint->changes[1].to, "\"blue\"");
  EXPECT_EQ(result->hint->witness.decision, DecisionKind::kAllow);
  EXPECT_EQ(result->hint->witness.request.path, "/x");  // untouched
  // The VPC owner is not the caller's to change: nothing passes.
  r.source_vpc_owner_account = "333333333333";
  result = WouldPassWith(&doc, r);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->complete);
  EXPECT_FALSE(result->hint.has_value());
  EXPECT_NE(WouldPassToText(*result).find("no change"), std::string::npos);
}

// ---- (b) rewrites -------------------------------------------------------------

TEST(AnalysisRewrites, EquivalentRewritesAreEquivalent) {
  const std::string base =
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"A","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue"}}},)"
      R"({"Sid":"D","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":"/admin/*"}}}]})";
  const std::vector<std::string> rewrites = {
      // reordered statements
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"D","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":"/admin/*"}}},)"
      R"({"Sid":"A","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue"}}}]})",
      // scalar vs one-element list, StringLike without wildcards vs StringEquals
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"A","Effect":"Allow","Principal":"*","Action":["vpc-lattice-svcs:Invoke"],"Resource":["*"],)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestMethod":["GET"],"vpc-lattice-svcs:RequestQueryString/q":"blue"}}},)"
      R"({"Sid":"D","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":["/admin/*"]}}}]})",
      // duplicated statement
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"A","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue"}}},)"
      R"({"Sid":"A2","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue"}}},)"
      R"({"Sid":"D","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":"/admin/*"}}}]})",
  };
  const PolicyDocument b = MustParse(base);
  for (const std::string& text : rewrites) {
    auto diff = DiffPolicies(b, MustParse(text));
    ASSERT_TRUE(diff.ok()) << diff.status();
    EXPECT_TRUE(diff->equivalent) << text << "\n" << DiffResultToText(*diff);
    EXPECT_TRUE(diff->complete) << DiffResultToText(*diff);
  }
  // And a real change is caught with a new-access witness.
  std::string widened = base;
  widened.replace(widened.find("\"GET\""), 5, "[\"GET\",\"HEAD\"]");
  auto diff = DiffPolicies(b, MustParse(widened));
  ASSERT_TRUE(diff.ok());
  ASSERT_FALSE(diff->equivalent);
  EXPECT_TRUE(diff->has_new_access());
  EXPECT_EQ(diff->differences[0].old_witness.request.method, "HEAD");
}

TEST(AnalysisRewrites, GeneratedPoliciesReorderedAndDuplicated) {
  Rng rng(99);
  for (int i = 0; i < Pairs(); ++i) {
    const PolicyDocument doc = MustParse(RandomPolicyText(rng));
    PolicyDocument shuffled = doc;
    std::reverse(shuffled.statements.begin(), shuffled.statements.end());
    shuffled.statements.push_back(doc.statements[0]);
    for (size_t s = 0; s < shuffled.statements.size(); ++s) {
      shuffled.statements[s].index = static_cast<int>(s);
    }
    auto diff = DiffPolicies(doc, shuffled);
    ASSERT_TRUE(diff.ok()) << diff.status();
    EXPECT_TRUE(diff->equivalent) << PolicyToJson(doc) << "\n" << DiffResultToText(*diff);
  }
}

TEST(AnalysisReachability, UnsatisfiableShadowedRedundantEffective) {
  const PolicyDocument doc = MustParse(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"Get","Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}}},)"
      R"({"Sid":"GetAgain","Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"},"StringLike":{"vpc-lattice-svcs:RequestPath":"/a*"}}},)"
      R"({"Sid":"Put","Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"PUT"}}},)"
      R"({"Sid":"NoPut","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringLike":{"vpc-lattice-svcs:RequestMethod":"P*"}}},)"
      R"({"Sid":"Never","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"},"StringNotEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}}}]})");
  bool complete = false;
  auto reach = StatementReachability(doc, {}, &complete);
  ASSERT_TRUE(reach.ok()) << reach.status();
  ASSERT_EQ(reach->size(), 5u);
  EXPECT_TRUE(complete);
  const auto& r = *reach;
  EXPECT_TRUE(r[0].applicable && r[0].escapes_denies && r[0].effective);   // Get
  EXPECT_TRUE(r[1].applicable && r[1].escapes_denies && !r[1].effective);  // redundant
  EXPECT_TRUE(r[2].applicable && !r[2].escapes_denies && !r[2].effective); // shadowed
  EXPECT_TRUE(r[3].applicable && r[3].effective);                          // NoPut
  EXPECT_FALSE(r[4].applicable);                                           // unsatisfiable
  ASSERT_TRUE(r[0].effective_witness.has_value());
  EXPECT_EQ(r[0].effective_witness->request.method, "GET");
}

// ---- (c) mutations ------------------------------------------------------------

TEST(AnalysisMutations, EveryWitnessIsVerified) {
  Rng rng(4242);
  for (int i = 0; i < Pairs(); ++i) {
    const PolicyDocument doc = MustParse(RandomPolicyText(rng));
    PolicyDocument mutated = doc;
    Statement& s = mutated.statements[rng.Uniform(mutated.statements.size())];
    switch (rng.Uniform(3)) {
      case 0: s.effect = s.effect == Effect::kAllow ? Effect::kDeny : Effect::kAllow; break;
      case 1: if (!s.conditions.empty()) s.conditions.pop_back(); break;
      default: s.principal = PrincipalSpec{true, {}, {}, {}, {}}; break;
    }
    // DiffPolicies re-evaluates every witness with both evaluators and fails
    // with an Internal status on any disagreement.
    auto diff = DiffPolicies(doc, mutated);
    ASSERT_TRUE(diff.ok()) << diff.status() << "\n" << PolicyToJson(doc);
    for (const Difference& d : diff->differences) {
      EXPECT_EQ(d.old_witness.decision, d.old_decision);
      EXPECT_EQ(d.new_witness.decision, d.new_decision);
    }
    auto reach = StatementReachability(mutated);
    ASSERT_TRUE(reach.ok()) << reach.status();
  }
}

// ---- (d) glob automata ------------------------------------------------------

std::vector<std::string> AllStrings(const std::string& alphabet, size_t max_len) {
  std::vector<std::string> out = {""};
  for (size_t begin = 0, len = 0; len < max_len; ++len) {
    const size_t end = out.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) out.push_back(out[i] + c);
    }
    begin = end;
  }
  return out;
}

TEST(AnalysisAutomaton, GlobPredicateMatchesGlobMatch) {
  Rng rng(5);
  const std::vector<std::string> texts = AllStrings("ab:", 4);
  for (int i = 0; i < 300; ++i) {
    std::string glob;
    const int n = rng.Range(0, 5);
    for (int k = 0; k < n; ++k) glob.push_back("ab*?:"[rng.Uniform(5)]);
    const analysis::StringPredicate p = analysis::GlobPredicate(glob);
    for (const std::string& t : texts) {
      ASSERT_EQ(analysis::Matches(p, t), internal::GlobMatch(glob, t)) << glob << " / " << t;
    }
  }
}

TEST(AnalysisAutomaton, AtomsRealiseEveryBruteForceSignature) {
  Rng rng(6);
  const std::vector<std::string> texts = AllStrings("abc", 5);
  for (int i = 0; i < 200; ++i) {
    std::vector<analysis::StringPredicate> preds;
    const int n = rng.Range(1, 4);
    for (int k = 0; k < n; ++k) {
      std::string g;
      const int len = rng.Range(0, 3);
      for (int j = 0; j < len; ++j) g.push_back("ab*?"[rng.Uniform(4)]);
      preds.push_back(rng.Percent(30) ? analysis::LiteralPredicate(g == "" ? "a" : "ab")
                      : rng.Percent(20) ? analysis::IgnoreCasePredicate("Ab")
                                        : analysis::GlobPredicate(g));
    }
    const analysis::AtomSearchResult atoms = analysis::FindAtoms(preds, {});
    ASSERT_TRUE(atoms.complete);
    std::set<std::vector<bool>> found;
    for (const analysis::Atom& a : atoms.atoms) {
      std::vector<bool> sig;
      for (const auto& p : preds) sig.push_back(analysis::Matches(p, a.witness));
      EXPECT_EQ(sig, a.signature) << a.witness;
      EXPECT_TRUE(found.insert(sig).second);  // one atom per signature
    }
    for (const std::string& t : texts) {
      std::vector<bool> sig;
      for (const auto& p : preds) sig.push_back(analysis::Matches(p, t));
      EXPECT_TRUE(found.count(sig)) << "signature of `" << t << "` not found";
    }
  }
}

TEST(AnalysisAutomaton, GroupAtomsRealiseEveryBruteForceSignature) {
  // Groups (any of 1-3 globs) become minimised DFAs; groups with the same
  // language (`a**` and `a*`, repeated groups) share one product component.
  Rng rng(7);
  const std::vector<std::string> texts = AllStrings("abc", 5);
  for (int i = 0; i < 150; ++i) {
    std::vector<analysis::PredicateGroup> groups;
    const int n = rng.Range(1, 5);
    for (int k = 0; k < n; ++k) {
      std::vector<analysis::StringPredicate> any_of;
      const int m = rng.Range(1, 3);
      for (int j = 0; j < m; ++j) {
        std::string g;
        const int len = rng.Range(0, 4);
        for (int t = 0; t < len; ++t) g.push_back("ab*?"[rng.Uniform(4)]);
        any_of.push_back(analysis::GlobPredicate(g));
      }
      groups.push_back(analysis::MakeGroup(std::move(any_of)));
      if (rng.Percent(20)) groups.push_back(groups.back());
    }
    groups.push_back(analysis::SingleGroup(analysis::GlobPredicate("a**")));
    groups.push_back(analysis::SingleGroup(analysis::GlobPredicate("a*")));
    const analysis::AtomSearchResult atoms = analysis::FindAtoms(groups, {});
    ASSERT_TRUE(atoms.complete);
    std::set<std::vector<bool>> found;
    for (const analysis::Atom& a : atoms.atoms) {
      std::vector<bool> sig;
      for (const auto& g : groups) sig.push_back(analysis::GroupMatches(g, a.witness));
      EXPECT_EQ(sig, a.signature) << a.witness;
      EXPECT_TRUE(found.insert(sig).second);
    }
    for (const std::string& t : texts) {
      std::vector<bool> sig;
      for (const auto& g : groups) sig.push_back(analysis::GroupMatches(g, t));
      ASSERT_TRUE(found.count(sig)) << "signature of `" << t << "` not found";
    }
  }
}

TEST(AnalysisAutomaton, ResourcePatternFollowsSegmentRules) {
  analysis::StringPredicate p = analysis::ResourceArnPredicate("arn:aws:vpc-lattice:*:*:service/svc-1/*");
  EXPECT_TRUE(analysis::Matches(p, "arn:aws:vpc-lattice:us-east-1:111:service/svc-1/a:b"));
  EXPECT_FALSE(analysis::Matches(p, "arn:aws:vpc-lattice:us-east-1:111:service/svc-2/a"));
  analysis::StringPredicate q = analysis::ResourceArnPredicate("arn:a*b:x");
  EXPECT_FALSE(analysis::Matches(q, "arn:a:b:x"));  // a mid-segment `*` does not cross `:`
}

// ---- (e) the shipped scenario and its backdoors ----------------------------

std::string SourceDir() { return LATTICEPOL_SOURCE_DIR; }

TEST(AnalysisProve, ShippedScenarioProvesAndBackdoorsAreCaught) {
  const std::string dir = SourceDir() + "/policies/shared-service/";
  ScenarioLoadResult loaded = LoadScenarioFile(dir + "scenario.yaml");
  ASSERT_TRUE(loaded.ok());
  auto proof = ProveScenario(loaded.scenario);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_TRUE(proof->complete) << ProofResultToText(*proof);
  EXPECT_TRUE(proof->all_hold()) << ProofResultToText(*proof);
  struct Backdoor {
    const char* file;
    const char* violated;
    const char* caller;
  };
  for (const Backdoor& b : {Backdoor{"backdoor-debug-header.json", "green never reads blue", "green"},
                            Backdoor{"backdoor-reports.json", "green never reads blue", "green"},
                            Backdoor{"backdoor-purge.json", "unknown accounts get nothing",
                                     "unknown-account"}}) {
    std::string text;
    {
      FILE* f = std::fopen((dir + "examples/" + b.file).c_str(), "rb");
      ASSERT_NE(f, nullptr) << b.file;
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    const PolicyDocument candidate = MustParse(text);
    auto result = ProveScenario(loaded.scenario, &candidate);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->all_hold()) << b.file;
    bool found = false;
    for (const ExpectationProof& e : result->expectations) {
      if (e.name != b.violated) continue;
      found = true;
      ASSERT_FALSE(e.holds) << b.file;
      ASSERT_TRUE(e.counterexample.has_value());
      EXPECT_EQ(e.caller, b.caller);
      EXPECT_EQ(e.counterexample->decision, DecisionKind::kAllow);
    }
    EXPECT_TRUE(found);
  }
}

TEST(AnalysisProve, CallerFixesTheServiceNetwork) {
  // blue and unknown-account share a service network; green does not.
  ScenarioLoadResult loaded =
      LoadScenarioFile(SourceDir() + "/policies/shared-service/scenario.yaml");
  ASSERT_TRUE(loaded.ok());
  const PolicyDocument candidate = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{)"
      R"("vpc-lattice-svcs:ServiceNetworkArn":"arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001"}}}]})");
  auto result = ProveScenario(loaded.scenario, &candidate);
  ASSERT_TRUE(result.ok()) << result.status();
  for (const ExpectationProof& e : result->expectations) {
    if (e.name == "green reads green") {
      EXPECT_FALSE(e.holds);
    }
    if (e.name == "nothing else from green") {
      EXPECT_TRUE(e.holds);
    }
    if (e.name == "unknown accounts get nothing") {
      ASSERT_FALSE(e.holds);
      EXPECT_EQ(e.caller, "unknown-account");
    }
  }
}

}  // namespace
}  // namespace latticepol
