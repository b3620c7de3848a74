// File: tests/testing/random.h
// Stage: testing support (the latticepol_random library, linked by tests,
// fuzzers and benchmarks; not installed). A small deterministic PRNG and seeded generators of random auth
// policies and of requests biased towards the values a policy mentions.
//
// Everything here is platform-independent: the same seed gives the same
// policy and the same request with every compiler and standard library (no
// std::uniform_int_distribution, no std::hash, no iteration over unordered
// containers). That is what makes a failing differential case replayable from
// its seed alone.
//
// Example:
//   latticepol::Rng rng(42);
//   latticepol::PolicyDocument doc = latticepol::RandomPolicy(rng, {});
//   std::string raw_query;
//   latticepol::Request req = latticepol::RandomRequest(rng, doc, {}, &raw_query);
//   latticepol::RequestView split = req.view();              // pre-split query
//   latticepol::RequestView raw = RawQueryView(req, raw_query);  // same request, raw query
#ifndef LATTICEPOL_TESTS_TESTING_RANDOM_H_
#define LATTICEPOL_TESTS_TESTING_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

// Advances a SplitMix64 state and returns the next output. Used to seed Rng
// and to derive independent per-case seeds from one base seed.
uint64_t SplitMix64(uint64_t* state);

// Returns a well-mixed seed for case `index` of a run started from `base`,
// so case i can be replayed alone (MixSeed(base, i) is the printed seed).
uint64_t MixSeed(uint64_t base, uint64_t index);

// xoshiro256** seeded through SplitMix64. Not cryptographic. Cheap to copy.
class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t Next();
  // Returns a value uniform in [0, n). Requires n > 0. Rejection sampling, so
  // the result does not depend on the standard library.
  uint64_t Uniform(uint64_t n);
  // Returns a value uniform in [lo, hi] (inclusive). Requires lo <= hi.
  int Range(int lo, int hi);
  // Returns true with probability percent/100.
  bool Percent(int percent);
  // Returns true with probability 1/n.
  bool OneIn(uint64_t n) { return Uniform(n) == 0; }

  // Picks one element. Requires a non-empty container.
  template <typename Container>
  const typename Container::value_type& Pick(const Container& c) {
    return c[static_cast<size_t>(Uniform(c.size()))];
  }

 private:
  uint64_t s_[4];
};

// Knobs of RandomPolicy. The defaults give small policies (1-4 statements)
// over a small value vocabulary, so random requests hit them often.
struct RandomPolicyOptions {
  int max_statements = 4;
  int max_conditions = 3;  // condition entries per statement (0..max)
  int max_values = 3;      // values per condition key (1..max)
  int max_principals = 3;  // values per Principal/NotPrincipal
  // An identity-based policy: no Principal/NotPrincipal element (parse it
  // with ParseOptions::identity_policy).
  bool identity_policy = false;
  // Percentage of documents with Version 2008-10-17 and with no Version at
  // all (G2: also 2008 semantics); the rest are 2012-10-17.
  int version_2008_percent = 10;
  int no_version_percent = 5;
  // Percentage of String/ARN/Bool/Resource values that carry a policy
  // variable or escape.
  int variable_percent = 20;
  // Percentage of condition entries, principals, statements and resources
  // that use a construct only lenient mode (ParseOptions::strict = false)
  // accepts: mis-cased keys (K2), uppercase header names (H1), values that
  // do not parse for their operator (T1), Federated/CanonicalUser principals,
  // NotPrincipal with Allow, service-network and short ARN resources. With a
  // non-zero value, parse the policy in lenient mode.
  int lenient_percent = 0;
  // Percentage of large documents (50-100 statements, or 35-70 statements
  // of up to 8 entries with up to 12 values), past any 64-bit statement or
  // predicate mask; they stay under the 36,864-character maximum but may
  // exceed Lattice's 10,000 (a warning).
  int large_percent = 2;
  // Percentage of StringLike/ArnLike (and Not) entries with 16-30 multi-star
  // patterns on one key (the shapes a compiled matcher groups).
  int glob_heavy_percent = 8;
};

// Returns a policy that ParsePolicy(PolicyToJson(doc)) accepts in strict
// mode (and, with `identity_policy`, in identity-policy mode). It covers every
// ConditionOperator with and without IfExists, both set qualifiers, every
// KeyKind (tag keys in several cases, unknown keys), `*`/`?` wildcards in
// Like/Arn values, actions and resources, policy variables with defaults and
// escapes, both versions, Allow/Deny, NotPrincipal (Deny only), NotAction,
// NotResource and every principal form (`*`, account id, root ARN, role ARN,
// user ARN, session ARN, Service), with several values per key.
// Statement pointers/indices and condition pointers are filled in as the
// parser would; the caller should still evaluate the *parsed* document.
PolicyDocument RandomPolicy(Rng& rng, const RandomPolicyOptions& options);

// Knobs of RandomRequest (percentages).
struct RandomRequestOptions {
  int anonymous_percent = 25;     // no principal at all
  int connect_percent = 15;       // vpc-lattice-svcs:Connect
  int other_action_percent = 5;   // an action neither Invoke nor Connect
  int absent_percent = 15;        // each optional field left absent
  int policy_value_percent = 60;  // a field takes a value the policy mentions
  int near_miss_percent = 25;     // ...then perturbed (case, extra char, ...)
};

// Returns a request biased towards the values `policy` mentions (condition
// values with wildcards instantiated and variables resolved against the
// default vocabulary, principal ARNs and accounts, resource paths) plus near
// misses: case changes, repeated and absent query keys, percent-encodings
// (`q=bl%75e`), `k` and `k=` forms, empty pairs, Invoke vs Connect vs other
// actions, anonymous vs signed principals (org ids, paths, tags), ports, IPs
// in and out of CIDRs, times around the policy's dates, ARNs that match or
// miss, paths with and without trailing parts.
//
// The query is stored split and decoded in `Request::query`. If `raw_query`
// is not null it receives an undecoded query string that decodes
// (docs/semantics.md §2.3, Q1-Q4) to exactly `Request::query`; use RawQueryView to evaluate the
// same request from the raw form.
Request RandomRequest(Rng& rng, const PolicyDocument& policy, const RandomRequestOptions& options,
                      std::string* raw_query = nullptr);

// Returns request.view() with the query replaced by `raw_query`
// (query_is_raw = true). Both arguments must outlive the view.
RequestView RawQueryView(const Request& request, std::string_view raw_query);

}  // namespace latticepol

#endif  // LATTICEPOL_TESTS_TESTING_RANDOM_H_
