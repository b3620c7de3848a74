// File: tests/testing/seed_yardstick.h
// Stage: testing and benchmark support (header only). The yardstick of the
// evaluator's performance goals: a naive hand-written `if` chain for the
// shipped blue/green policy (policies/shared-service/auth-policy.json) and a
// seeded stream of raw request views for it.
//
// The hand-written check is what a service author would write without
// latticepol: compare the method, scan the raw query for `q`, compare the
// source VPC owner account. It does not percent-decode, so the stream never
// percent-encodes `q` (tests/unit/evaluate_simple_test.cc checks that the
// check and the compiled matcher agree on every request of the stream).
// bench/evaluate_bench.cc times both over the same views;
// bench/seed_insn_bench.cc counts their instructions (tools/insn_count.sh).
#ifndef LATTICEPOL_TESTS_TESTING_SEED_YARDSTICK_H_
#define LATTICEPOL_TESTS_TESTING_SEED_YARDSTICK_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "latticepol/decision.h"
#include "latticepol/request.h"
#include "testing/random.h"

namespace latticepol {
namespace yardstick {

// Returns the value of the only `q` parameter of a raw query, or false when
// `q` is absent or repeated (Q2: a plain operator on two values fails).
inline bool OnlyQ(std::string_view raw, std::string_view* value) {
  int count = 0;
  size_t pos = 0;
  while (pos <= raw.size()) {
    const char* amp = static_cast<const char*>(
        pos < raw.size() ? std::memchr(raw.data() + pos, '&', raw.size() - pos) : nullptr);
    const size_t end = amp == nullptr ? raw.size() : static_cast<size_t>(amp - raw.data());
    if (end - pos >= 1 && raw[pos] == 'q' && (end - pos == 1 || raw[pos + 1] == '=')) {
      ++count;
      *value = end - pos <= 2 ? std::string_view() : raw.substr(pos + 2, end - pos - 2);
    }
    pos = end + 1;
  }
  return count == 1;
}

// The blue/green policy as a hand-written `if` chain over a raw view.
inline Decision BlueGreenIfChain(const RequestView& r) {
  Decision d;
  if (r.action != kInvokeAction || r.method != "GET") return d;
  std::string_view q;
  if (!OnlyQ(r.raw_query, &q)) return d;
  if (!r.source_vpc_owner_account.present) return d;
  const std::string_view owner = r.source_vpc_owner_account.value;
  if (q == "blue" && owner == "111111111111") {
    d.kind = DecisionKind::kAllow;
    d.statement = 0;
  } else if (q == "green" && owner == "222222222222") {
    d.kind = DecisionKind::kAllow;
    d.statement = 1;
  }
  return d;
}

template <size_t N>
std::string_view Pick(Rng& rng, const std::string_view (&list)[N]) {
  return list[rng.Uniform(N)];
}

// Sizes of the benchmark streams: large (memory-bound) and cache-resident.
constexpr size_t kLargeStream = size_t{1} << 20;
constexpr size_t kSmallStream = 4096;

// Returns `n` raw views (query_is_raw) of requests for the blue/green policy,
// from `seed`: mostly GET, the two allowed accounts and others, and queries
// with `q=blue`/`q=green`/other values among other parameters, plus near
// misses a naive check must get right (repeated `q`, `Q`, `qq`, `q` without
// value, empty query). Every string has static storage, so the views stay
// valid; a little over half of the requests are allowed.
inline std::vector<RequestView> SeedStream(size_t n, uint64_t seed) {
  static constexpr std::string_view kMethods[] = {"GET", "GET", "GET", "GET", "GET", "GET",
                                                  "POST", "PUT", "HEAD", "get"};
  static constexpr std::string_view kOwners[] = {"111111111111", "222222222222",
                                                 "111111111111", "222222222222",
                                                 "333333333333", "11111111111"};
  static constexpr std::string_view kQueries[] = {
      "q=blue", "q=green", "q=blue&page=2", "page=2&q=green", "limit=10&offset=20&q=blue",
      "utm_source=newsletter&utm_medium=email&utm_campaign=spring&q=green",
      "q=red", "q=bluee", "q=", "q", "", "page=1", "qq=blue", "Q=blue",
      "q=blue&q=blue", "q=green&x=1&q=blue", "=blue&q=green", "&&q=blue&",
  };
  // A team's own traffic: its account and its value of `q`.
  static constexpr std::string_view kBlueQueries[] = {
      "q=blue", "q=blue", "q=blue&page=2", "limit=10&offset=20&q=blue", "&&q=blue&"};
  static constexpr std::string_view kGreenQueries[] = {
      "q=green", "q=green", "page=2&q=green", "=blue&q=green",
      "utm_source=newsletter&utm_medium=email&utm_campaign=spring&q=green"};
  static const Principal kPrincipal = [] {
    Principal p;
    p.arn = "arn:aws:iam::111122223333:role/blue-role";
    p.account = "111122223333";
    p.type = "AssumedRole";
    return p;
  }();
  Rng rng(seed);
  std::vector<RequestView> views(n);
  for (RequestView& v : views) {
    v.action = kInvokeAction;
    v.path = "/";
    v.query_is_raw = true;
    v.source_vpc = OptionalText{"vpc-0abc", true};
    if (rng.Percent(60)) {  // a team's own traffic, mostly allowed
      const bool blue = rng.OneIn(2);
      v.method = rng.Percent(90) ? "GET" : Pick(rng, kMethods);
      v.raw_query = blue ? Pick(rng, kBlueQueries) : Pick(rng, kGreenQueries);
      v.source_vpc_owner_account = OptionalText{kOwners[blue ? 0 : 1], true};
    } else {  // anything, mostly denied
      v.method = Pick(rng, kMethods);
      v.raw_query = Pick(rng, kQueries);
      if (!rng.OneIn(20)) v.source_vpc_owner_account = OptionalText{Pick(rng, kOwners), true};
    }
    v.service_arn = OptionalText{
        "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0", true};
    v.service_network_arn = OptionalText{
        "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0", true};
    v.port = 443;
    v.principal = rng.OneIn(4) ? nullptr : &kPrincipal;
  }
  return views;
}

}  // namespace yardstick
}  // namespace latticepol

#endif  // LATTICEPOL_TESTS_TESTING_SEED_YARDSTICK_H_
