// File: bench/varying_stream.h
// Streams that vary one dimension of a condition request at a time, for
// bench/evaluate_bench.cc's BM_<policy>_Vary<Dim>_* (not a benchmark itself).
// Apart from bench/condition_stream.h so that bench/seed_insn_bench.cc,
// which counts the hand-written yardstick's instructions, does not compile
// it: more code in that file changes GCC's inlining of the yardstick.
#ifndef LATTICEPOL_BENCH_VARYING_STREAM_H_
#define LATTICEPOL_BENCH_VARYING_STREAM_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "condition_stream.h"

namespace latticepol::bench {

// One dimension of a request (BuildVaryingStream).
enum class Dimension { kMethod, kPath, kOwner, kQuery, kHeaders, kAddress, kPrincipal };

// The distinct values each dimension takes in a varying stream (those of
// the condition streams, bench/condition_stream.h, each once).
struct VaryingValues {
  std::vector<std::string> methods = {"GET", "HEAD", "POST", "PUT"};
  std::vector<std::string> paths = {
      "/", "/admin/users", "/api/v0/blue", "/api/v1/blue/items", "/api/v1/green/x",
      "/api/v2/red/y", "/api/v8/blue/x", "/nothing/matches", "/orders/5/1", "/orders/red/42",
      "/static/app.js", "/svc27/a"};
  std::vector<std::string> owners = {
      "100000000003", "100000000051", "100000000082", "100000000210", "100000000270",
      "111111111111", "222222222222", "999999999999"};
  std::vector<std::string> queries = {
      "", "a=b", "debug=false&debug=1", "debug=true", "page=2", "q=blue", "q=green&x=1",
      "q=green21&z=1", "v=3"};
  // Per header name, its values ("" for no such header).
  std::vector<std::pair<std::string, std::vector<std::string>>> headers = {
      {"x-team", {"", "blue", "green", "red"}},
      {"x-role", {"", "admin", "viewer"}},
      {"user-agent", {"", "Go-http-client/1.1", "Mozilla/5.0", "curl/7.10.1", "python-requests/1.2"}},
      {"content-type", {"", "application/json", "application/json; charset=utf-8", "text/plain"}},
      {"x-debug", {"", "1"}}};
  std::vector<std::string> addresses = {"10.0.0.1", "10.1.2.3", "192.0.2.1", "198.51.100.20",
                                        "203.0.113.7"};
  // ARN and account; "" for an anonymous caller.
  std::vector<std::pair<std::string, std::string>> principals = {
      {"", ""},
      {"arn:aws:iam::100000000082:role/svc", "100000000082"},
      {"arn:aws:iam::111122223333:role/blue-role", "111122223333"},
      {"arn:aws:iam::777788889999:role/green-role", "777788889999"},
      {"arn:aws:iam::999988887777:user/alice", "999988887777"}};
};

// A stream that varies one dimension only: ConditionStream::kSize copies
// of `base` (the workload's first hand-picked request, on port 443 from
// 10.0.0.1), each with that dimension drawn uniformly from its
// VaryingValues (the headers: each name present or not, with one of its
// values). Sorted: the requests ordered by the drawn value, so the branch
// predictor meets each value in one long run; otherwise in drawn order.
// Both are built in stream order, so their texts lie in memory alike: the
// time between the two is what mispredicting that one dimension's branches
// costs.
inline void BuildVaryingStream(const BenchRequest& base, Dimension dim, bool sorted,
                               ConditionStream* s) {
  constexpr size_t kN = ConditionStream::kSize;
  static const VaryingValues* values = new VaryingValues;
  Rng rng(kStreamSeed + 2 + static_cast<uint64_t>(dim));
  struct Draw {
    BenchRequest request;
    std::string key;  // sort key: the drawn value
  };
  std::vector<Draw> draws(kN);
  for (Draw& d : draws) {
    d.request = base;
    Request& r = d.request.request;
    r.port = 443;
    r.source_ip = "10.0.0.1";
    switch (dim) {
      case Dimension::kMethod:
        d.key = r.method = rng.Pick(values->methods);
        break;
      case Dimension::kPath:
        d.key = r.path = rng.Pick(values->paths);
        break;
      case Dimension::kOwner:
        d.key = rng.Pick(values->owners);
        r.source_vpc_owner_account = d.key;
        break;
      case Dimension::kQuery:
        d.key = d.request.raw = rng.Pick(values->queries);
        break;
      case Dimension::kHeaders:
        r.headers.clear();
        for (const auto& [name, choices] : values->headers) {
          const std::string& v = rng.Pick(choices);
          if (!v.empty()) r.AddHeader(name, v);
          d.key += v + ";";
        }
        break;
      case Dimension::kAddress:
        d.key = rng.Pick(values->addresses);
        r.source_ip = d.key;
        break;
      case Dimension::kPrincipal: {
        const auto& p = rng.Pick(values->principals);
        d.key = p.first;
        if (p.first.empty()) {
          r.principal.reset();
        } else {
          r.principal->arn = p.first;
          r.principal->account = p.second;
        }
        break;
      }
    }
  }
  if (sorted) {
    std::stable_sort(draws.begin(), draws.end(),
                     [](const Draw& a, const Draw& b) { return a.key < b.key; });
  }
  s->requests.resize(kN);
  s->raws.resize(kN);
  s->views.clear();
  for (size_t i = 0; i < kN; ++i) {
    s->requests[i] = std::move(draws[i].request.request);
    s->raws[i] = std::move(draws[i].request.raw);
  }
  for (size_t i = 0; i < kN; ++i) s->views.push_back(RawQueryView(s->requests[i], s->raws[i]));
}

}  // namespace latticepol::bench

#endif  // LATTICEPOL_BENCH_VARYING_STREAM_H_
