// File: bench/condition_stream.h
// The requests of the Twenty and TenK bench policies and their condition
// streams, shared by bench/evaluate_bench.cc (timed) and
// bench/seed_insn_bench.cc (instruction counts under callgrind), so both
// measure the same 4,096 requests (not a benchmark itself: the build picks
// up bench/*_bench.cc only).
//
// A condition stream: 4,096 requests drawn from the values the two policies
// test (methods, paths matching and missing their globs, x-team/x-role/
// x-debug/user-agent/content-type headers, accounts of their lists, ports,
// principals and anonymous callers, source addresses in and out of their
// CIDRs, query values), combined at random, so every statement's conditions
// are exercised, not only seed-shaped requests; half of them are the
// workload's own hand-picked requests (which reach its Allow statements), so
// the mix is not almost all denials. Ordinary traffic: no percent-encoding,
// no adversarial lengths (the differential test's RandomRequest covers
// those). Views carry the raw query.
#ifndef LATTICEPOL_BENCH_CONDITION_STREAM_H_
#define LATTICEPOL_BENCH_CONDITION_STREAM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "latticepol/request.h"
#include "testing/random.h"

namespace latticepol::bench {

inline constexpr char kServiceArn[] =
    "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";

// The seed of every bench stream (the seed yardstick's and the condition
// streams').
inline constexpr uint64_t kStreamSeed = 20261204;

// A request with its raw query.
struct BenchRequest {
  Request request;
  std::string raw;
};

inline BenchRequest MakeRequest(std::string_view owner, std::string_view method,
                                std::string_view path, std::string raw,
                                std::vector<StringPair> headers = {}) {
  BenchRequest b;
  Request& r = b.request;
  r.method = std::string(method);
  r.path = std::string(path);
  r.source_vpc = "vpc-0abc";
  r.source_vpc_owner_account = std::string(owner);
  r.service_arn = kServiceArn;
  r.service_network_arn =
      "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0";
  r.port = 443;
  Principal p;
  p.arn = "arn:aws:iam::111122223333:role/blue-role";
  p.account = "111122223333";
  p.type = "AssumedRole";
  r.principal = p;
  for (const StringPair& h : headers) r.AddHeader(h.first, h.second);
  r.AppendRawQuery(raw);
  b.raw = std::move(raw);
  return b;
}

// The hand-picked requests of policies/bench/twenty-statements.json.
inline std::vector<BenchRequest> TwentyRequests() {
  std::vector<BenchRequest> v;
  v.push_back(MakeRequest("111111111111", "GET", "/api/v1/green/items", "page=2",
                          {{"x-team", "green"}, {"user-agent", "Go-http-client/1.1"}}));
  v.push_back(MakeRequest("000000000003", "POST", "/orders/red/42", "",
                          {{"content-type", "application/json; charset=utf-8"}}));
  v.push_back(MakeRequest("222222222222", "GET", "/", "q=green&x=1"));
  v.push_back(MakeRequest("999999999999", "PUT", "/nothing/matches", "a=b", {{"x-team", "blue"}}));
  v.push_back(MakeRequest("111111111111", "GET", "/admin/users", "", {{"x-role", "viewer"}}));
  v.push_back(MakeRequest("111111111111", "GET", "/static/app.js", "v=3"));
  return v;
}

// The hand-picked requests of policies/bench/ten-thousand-chars.json.
inline std::vector<BenchRequest> TenKRequests() {
  std::vector<BenchRequest> v;
  v.push_back(MakeRequest("100000000082", "GET", "/api/v8/blue/x", "", {{"x-team", "blue"}}));
  v.push_back(MakeRequest("100000000210", "GET", "/", "q=green21&z=1"));
  v.push_back(MakeRequest("999999999999", "PUT", "/nothing/matches", "a=b",
                          {{"x-team", "blue"}, {"content-type", "text/plain"}}));
  v.push_back(MakeRequest("100000000051", "POST", "/orders/5/1", "",
                          {{"content-type", "application/json"}}));
  v.push_back(MakeRequest("111111111111", "GET", "/x", "debug=false&debug=1"));
  v.push_back(MakeRequest("100000000270", "GET", "/svc27/a", ""));
  return v;
}

// One request of a condition stream (see the file comment); `own` are the
// workload's hand-picked requests; `*raw` receives its raw query.
inline Request ConditionRequest(Rng& rng, const std::vector<BenchRequest>& own,
                                std::string* raw) {
  if (rng.OneIn(2)) {  // one of the workload's own requests (mostly allowed ones)
    const BenchRequest& b = own[rng.Uniform(own.size())];
    *raw = b.raw;
    Request r = b.request;
    r.source_ip = rng.OneIn(2) ? "10.0.0.1" : "10.1.2.3";
    return r;
  }
  static const std::vector<std::string> kMethods = {"GET", "GET", "GET", "POST", "PUT", "HEAD"};
  static const std::vector<std::string> kPaths = {
      "/api/v1/blue/items", "/api/v1/green/x", "/api/v8/blue/x", "/api/v0/blue", "/admin/users",
      "/orders/red/42",     "/orders/5/1",     "/static/app.js", "/svc27/a",     "/",
      "/nothing/matches",   "/api/v2/red/y"};
  static const std::vector<std::string> kOwners = {
      "111111111111", "222222222222", "100000000082", "100000000210", "100000000051",
      "100000000270", "100000000003", "999999999999"};
  static const std::vector<std::string> kQueries = {
      "", "", "page=2", "q=green21&z=1", "q=blue", "debug=true", "q=green&x=1", "v=3",
      "debug=false&debug=1", "a=b"};
  static const std::vector<std::string> kTeams = {"blue", "green", "red", ""};
  static const std::vector<std::string> kRoles = {"admin", "viewer", ""};
  static const std::vector<std::string> kAgents = {"Go-http-client/1.1", "curl/7.10.1",
                                                   "python-requests/1.2", "Mozilla/5.0", ""};
  static const std::vector<std::string> kTypes = {"application/json",
                                                  "application/json; charset=utf-8",
                                                  "text/plain", ""};
  static const std::vector<std::string> kIps = {"10.0.0.1", "10.1.2.3", "203.0.113.7",
                                                "198.51.100.20", "192.0.2.1"};
  static const std::vector<int> kPorts = {443, 443, 8080, 8443, 80};
  static const std::vector<std::pair<std::string, std::string>> kPrincipals = {
      {"arn:aws:iam::111122223333:role/blue-role", "111122223333"},
      {"arn:aws:iam::777788889999:role/green-role", "777788889999"},
      {"arn:aws:iam::100000000082:role/svc", "100000000082"},
      {"arn:aws:iam::999988887777:user/alice", "999988887777"}};
  std::vector<StringPair> headers;
  auto maybe_header = [&](const char* name, const std::vector<std::string>& values) {
    const std::string& v = rng.Pick(values);
    if (!v.empty()) headers.emplace_back(name, v);
  };
  maybe_header("x-team", kTeams);
  maybe_header("x-role", kRoles);
  maybe_header("user-agent", kAgents);
  maybe_header("content-type", kTypes);
  if (rng.OneIn(16)) headers.emplace_back("x-debug", "1");
  *raw = rng.Pick(kQueries);
  BenchRequest b = MakeRequest(rng.Pick(kOwners), rng.Pick(kMethods), rng.Pick(kPaths), *raw,
                               headers);
  Request& r = b.request;
  r.port = rng.Pick(kPorts);
  r.source_ip = rng.Pick(kIps);
  if (rng.OneIn(5)) {
    r.principal.reset();
  } else {
    const auto& p = rng.Pick(kPrincipals);
    r.principal->arn = p.first;
    r.principal->account = p.second;
  }
  return std::move(b.request);
}

// A condition stream: the requests, their raw queries and the raw-query
// views (which point into the first two: keep the stream where it is).
struct ConditionStream {
  static constexpr size_t kSize = 4096;
  std::vector<Request> requests;
  std::vector<std::string> raws;
  std::vector<RequestView> views;
};

// Fills `*s` with the kSize-request condition stream of the workload whose
// hand-picked requests are `own` (the same stream for the same `own`).
inline void BuildConditionStream(const std::vector<BenchRequest>& own, ConditionStream* s) {
  constexpr size_t kN = ConditionStream::kSize;
  Rng rng(kStreamSeed);
  s->requests.resize(kN);
  s->raws.resize(kN);
  s->views.clear();
  for (size_t i = 0; i < kN; ++i) s->requests[i] = ConditionRequest(rng, own, &s->raws[i]);
  for (size_t i = 0; i < kN; ++i) s->views.push_back(RawQueryView(s->requests[i], s->raws[i]));
}

}  // namespace latticepol::bench

#endif  // LATTICEPOL_BENCH_CONDITION_STREAM_H_
