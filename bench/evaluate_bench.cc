// File: bench/evaluate_bench.cc
// Stage: evaluate. Google Benchmark of one decision, for three policies:
//   Seed    the shipped blue/green policy (policies/shared-service/auth-policy.json)
//   Twenty  a 20-statement policy with StringLike, header and path conditions
//           (policies/bench/twenty-statements.json)
//   TenK    a policy of exactly 10,000 characters, Lattice's limit
//           (policies/bench/ten-thousand-chars.json)
// each evaluated by the compiled matcher from a prepared RequestView with a
// raw query string (`Raw`) and from a pre-parsed request (`Parsed`), and by
// the reference evaluator for comparison. `BM_Seed_IfChain` is the floor: a
// hand-written C++ `if` chain for the blue/green policy over the same raw
// RequestView. Every benchmark cycles through a fixed mix of requests
// (allowed, denied by a condition, implicitly denied) and runs on 1 and 2
// threads; items/s is decisions per second.
//
// Run: tools/bench.sh (Release build, JSON to bench/results.json).
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/random.h"
#include "testing/seed_yardstick.h"

namespace latticepol {
namespace {

using bench::ReadFile;

PolicyDocument MustParse(const std::string& relative) {
  auto doc = ParsePolicyOrStatus(ReadFile(relative));
  if (!doc.ok()) {
    std::fprintf(stderr, "%s: %s\n", relative.c_str(),
                 std::string(doc.status().message()).c_str());
    std::abort();
  }
  return *std::move(doc);
}

constexpr char kServiceArn[] =
    "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";

// A request with its raw query; `views` are built once the vector is final.
struct BenchRequest {
  Request request;
  std::string raw;
};

BenchRequest MakeRequest(std::string_view owner, std::string_view method,
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

struct Workload {
  PolicyDocument doc;
  std::shared_ptr<const CompiledPolicy> compiled;
  std::vector<BenchRequest> requests;
  std::vector<RequestView> raw_views;     // query_is_raw = true
  std::vector<RequestView> parsed_views;  // query pre-split and decoded

  void Finish() {
    auto c = Compile(doc);
    if (!c.ok()) std::abort();
    compiled = *c;
    for (const BenchRequest& b : requests) {
      RequestView v = b.request.view();
      parsed_views.push_back(v);
      v.query_is_raw = true;
      v.raw_query = b.raw;
      v.query = ParamList();
      raw_views.push_back(v);
    }
  }
};

const Workload& Seed() {
  static const Workload* w = [] {
    auto* w = new Workload;
    w->doc = MustParse("policies/shared-service/auth-policy.json");
    w->requests.push_back(MakeRequest("111111111111", "GET", "/", "q=blue"));
    w->requests.push_back(MakeRequest("222222222222", "GET", "/", "q=green"));
    w->requests.push_back(MakeRequest("111111111111", "GET", "/", "q=green"));
    w->requests.push_back(MakeRequest("222222222222", "POST", "/", "q=green"));
    w->Finish();
    return w;
  }();
  return *w;
}

const Workload& Twenty() {
  static const Workload* w = [] {
    auto* w = new Workload;
    w->doc = MustParse("policies/bench/twenty-statements.json");
    w->requests.push_back(MakeRequest("111111111111", "GET", "/api/v1/green/items", "page=2",
                                      {{"x-team", "green"}, {"user-agent", "Go-http-client/1.1"}}));
    w->requests.push_back(MakeRequest("000000000003", "POST", "/orders/red/42", "",
                                      {{"content-type", "application/json; charset=utf-8"}}));
    w->requests.push_back(MakeRequest("222222222222", "GET", "/", "q=green&x=1"));
    w->requests.push_back(MakeRequest("999999999999", "PUT", "/nothing/matches", "a=b",
                                      {{"x-team", "blue"}}));
    w->requests.push_back(MakeRequest("111111111111", "GET", "/admin/users", "",
                                      {{"x-role", "viewer"}}));
    w->requests.push_back(MakeRequest("111111111111", "GET", "/static/app.js", "v=3"));
    w->Finish();
    return w;
  }();
  return *w;
}

const Workload& TenK() {
  static const Workload* w = [] {
    auto* w = new Workload;
    w->doc = MustParse("policies/bench/ten-thousand-chars.json");
    w->requests.push_back(MakeRequest("100000000082", "GET", "/api/v8/blue/x", "",
                                      {{"x-team", "blue"}}));
    w->requests.push_back(MakeRequest("100000000210", "GET", "/", "q=green21&z=1"));
    w->requests.push_back(MakeRequest("999999999999", "PUT", "/nothing/matches", "a=b",
                                      {{"x-team", "blue"}, {"content-type", "text/plain"}}));
    w->requests.push_back(MakeRequest("100000000051", "POST", "/orders/5/1", "",
                                      {{"content-type", "application/json"}}));
    w->requests.push_back(MakeRequest("111111111111", "GET", "/x", "debug=false&debug=1"));
    w->requests.push_back(MakeRequest("100000000270", "GET", "/svc27/a", ""));
    w->Finish();
    return w;
  }();
  return *w;
}

// ---- The hand-written floor for the blue/green policy ------------------------
// yardstick::BlueGreenIfChain (tests/testing/seed_yardstick.h).

// ---- Benchmarks --------------------------------------------------------------

template <const Workload& (*W)(), bool kRaw>
void BM_Compiled(benchmark::State& state) {
  const Workload& w = W();
  const std::vector<RequestView>& views = kRaw ? w.raw_views : w.parsed_views;
  const CompiledPolicy& policy = *w.compiled;
  const size_t n = views.size();
  size_t i = static_cast<size_t>(state.thread_index());
  int64_t allowed = 0;
  for (auto _ : state) {
    const Decision d = Evaluate(policy, views[i]);
    allowed += d.allowed();
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations());
}

template <const Workload& (*W)()>
void BM_Reference(benchmark::State& state) {
  const Workload& w = W();
  const size_t n = w.raw_views.size();
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    Evaluation e = EvaluateReference(w.doc, w.raw_views[i]);
    benchmark::DoNotOptimize(e);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Seed_IfChain(benchmark::State& state) {
  const Workload& w = Seed();
  const size_t n = w.raw_views.size();
  size_t i = static_cast<size_t>(state.thread_index());
  // The if-chain must agree with the compiled matcher on this mix.
  for (const RequestView& v : w.raw_views) {
    if (yardstick::BlueGreenIfChain(v).statement != Evaluate(*w.compiled, v).statement) {
      state.SkipWithError("if-chain baseline disagrees with the compiled policy");
      return;
    }
  }
  for (auto _ : state) {
    const Decision d = yardstick::BlueGreenIfChain(w.raw_views[i]);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- The yardstick streams ----------------------------------------------------
// The seed policy over yardstick::SeedStream (random raw views, 2^20 and 4,096
// of them), by the compiled matcher and by the hand-written check
// (tests/testing/seed_yardstick.h; tests/unit/evaluate_simple_test.cc checks
// that they agree on every request of both streams).

constexpr uint64_t kSeedStreamSeed = 20261204;

template <size_t N>
const std::vector<RequestView>& SeedStreamViews() {
  static const std::vector<RequestView>* views =
      new std::vector<RequestView>(yardstick::SeedStream(N, kSeedStreamSeed));
  return *views;
}

template <size_t N, bool kHandWritten>
void BM_SeedStream(benchmark::State& state) {
  const std::vector<RequestView>& views = SeedStreamViews<N>();
  const CompiledPolicy& policy = *Seed().compiled;
  static_assert((N & (N - 1)) == 0, "stream sizes are powers of two");
  size_t i = 0;
  int64_t allowed = 0;
  for (auto _ : state) {
    const Decision d = kHandWritten ? yardstick::BlueGreenIfChain(views[i])
                                    : Evaluate(policy, views[i]);
    allowed += d.allowed();
    i = (i + 1) & (N - 1);
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations());
}

// EvaluateBatch over the 1M stream, 256 requests per call.
void BM_SeedStream1MBatch(benchmark::State& state) {
  const std::vector<RequestView>& views = SeedStreamViews<yardstick::kLargeStream>();
  const CompiledPolicy& policy = *Seed().compiled;
  constexpr size_t kBatch = 256;
  std::vector<Decision> out(kBatch);
  size_t i = 0;
  int64_t allowed = 0;
  for (auto _ : state) {
    EvaluateBatch(policy, absl::MakeConstSpan(views.data() + i, kBatch), absl::MakeSpan(out))
        .IgnoreError();
    for (const Decision& d : out) allowed += d.allowed();
    i = (i + kBatch) & (yardstick::kLargeStream - 1);
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
}

// The memory floor of the 1M stream (2^20 views of 304 bytes, 304 MB, read in
// order): any check of these views pays at least this. kFields: load only the
// three fields the hand-written check reads (method, raw query, account) and
// fold their first bytes and sizes, with no decision; !kFields: load one
// word of every cache line of the views array, i.e. sequential bandwidth.
template <bool kFields>
void BM_SeedStream1MFloor(benchmark::State& state) {
  const std::vector<RequestView>& views = SeedStreamViews<yardstick::kLargeStream>();
  constexpr size_t kN = yardstick::kLargeStream;
  const char* const base = reinterpret_cast<const char*>(views.data());
  static_assert(kN * sizeof(RequestView) % 64 == 0, "whole lines");
  size_t i = 0;
  size_t line = 0;
  uint64_t sum = 0;
  for (auto _ : state) {
    if (kFields) {
      const RequestView& v = views[i];
      sum += v.method.size() + v.raw_query.size() + v.source_vpc_owner_account.value.size() +
             static_cast<unsigned char>(v.method.empty() ? 0 : v.method[0]);
      i = (i + 1) & (kN - 1);
    } else {
      // The lines that start within view i (the array is whole lines).
      for (const size_t end = (i + 1) * sizeof(RequestView); line < end; line += 64) {
        uint64_t w;
        std::memcpy(&w, base + line, sizeof w);
        sum += w;
      }
      i = (i + 1) & (kN - 1);
      if (i == 0) line = 0;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(sizeof(RequestView)));
}

BENCHMARK_TEMPLATE(BM_SeedStream, yardstick::kLargeStream, true)->Name("BM_Seed_Stream1M_HandWritten");
BENCHMARK(BM_SeedStream1MBatch)->Name("BM_Seed_Stream1M_CompiledBatch");
BENCHMARK_TEMPLATE(BM_SeedStream, yardstick::kLargeStream, false)->Name("BM_Seed_Stream1M_Compiled");
BENCHMARK_TEMPLATE(BM_SeedStream1MFloor, true)->Name("BM_Seed_Stream1M_FloorFields");
BENCHMARK_TEMPLATE(BM_SeedStream1MFloor, false)->Name("BM_Seed_Stream1M_FloorLines");
BENCHMARK_TEMPLATE(BM_SeedStream, yardstick::kSmallStream, true)->Name("BM_Seed_Stream4K_HandWritten");
BENCHMARK_TEMPLATE(BM_SeedStream, yardstick::kSmallStream, false)->Name("BM_Seed_Stream4K_Compiled");
// 256 views (76 KB, resident in L2 and mostly L1): the cost of the check
// itself, without the memory traffic of the larger streams (the 4,096 views
// take 1.2 MB, more than one core's L2).
BENCHMARK_TEMPLATE(BM_SeedStream, 256, true)->Name("BM_Seed_Stream256_HandWritten");
BENCHMARK_TEMPLATE(BM_SeedStream, 256, false)->Name("BM_Seed_Stream256_Compiled");

// ---- Condition streams for Twenty and TenK -------------------------------------
// 4,096 requests drawn from the values the two policies test (methods, paths
// matching and missing their globs, x-team/x-role/x-debug/user-agent/
// content-type headers, accounts of their lists, ports, principals and
// anonymous callers, source addresses in and out of their CIDRs, query
// values), combined at random, so every statement's conditions are
// exercised, not only seed-shaped requests; half of them are the workload's
// own hand-picked requests (which reach its Allow statements), so the mix
// is not almost all denials. Counters: allow% and deny% of the stream. Ordinary traffic: no
// percent-encoding, no adversarial lengths (the differential test's
// RandomRequest covers those). Raw query views.

struct ConditionStream {
  std::vector<Request> requests;
  std::vector<std::string> raws;
  std::vector<RequestView> views;
};

Request ConditionRequest(Rng& rng, const Workload& w, std::string* raw) {
  if (rng.OneIn(2)) {  // one of the workload's own requests (mostly allowed ones)
    const BenchRequest& b = w.requests[rng.Uniform(w.requests.size())];
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

template <const Workload& (*W)()>
const ConditionStream& ConditionStreamOf() {
  static const ConditionStream* stream = [] {
    auto* s = new ConditionStream;
    constexpr size_t kN = 4096;
    Rng rng(kSeedStreamSeed);
    s->requests.resize(kN);
    s->raws.resize(kN);
    for (size_t i = 0; i < kN; ++i) s->requests[i] = ConditionRequest(rng, W(), &s->raws[i]);
    for (size_t i = 0; i < kN; ++i) s->views.push_back(RawQueryView(s->requests[i], s->raws[i]));
    return s;
  }();
  return *stream;
}

template <const Workload& (*W)()>
void BM_ConditionStream(benchmark::State& state) {
  const std::vector<RequestView>& views = ConditionStreamOf<W>().views;
  const CompiledPolicy& policy = *W().compiled;
  const size_t n = views.size();
  size_t i = 0;
  int64_t allowed = 0;
  for (auto _ : state) {
    allowed += Evaluate(policy, views[i]).allowed();
    if (++i == n) i = 0;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations());
  // The stream's decision mix, in percent.
  int64_t kinds[3] = {0, 0, 0};
  for (const RequestView& v : views) ++kinds[static_cast<int>(Evaluate(policy, v).kind)];
  state.counters["allow%"] = 100.0 * static_cast<double>(kinds[static_cast<int>(DecisionKind::kAllow)]) / n;
  state.counters["deny%"] =
      100.0 * static_cast<double>(kinds[static_cast<int>(DecisionKind::kExplicitDeny)]) / n;
}

BENCHMARK_TEMPLATE(BM_ConditionStream, Twenty)->Name("BM_Twenty_Stream_Compiled");
BENCHMARK_TEMPLATE(BM_ConditionStream, TenK)->Name("BM_TenK_Stream_Compiled");

void BM_Compiled_Batch_TenK(benchmark::State& state) {
  const Workload& w = TenK();
  std::vector<RequestView> views;
  for (int i = 0; i < 64; ++i) views.push_back(w.raw_views[i % w.raw_views.size()]);
  std::vector<Decision> out(views.size());
  for (auto _ : state) {
    EvaluateBatch(*w.compiled, views, absl::MakeSpan(out)).IgnoreError();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(views.size()));
}

BENCHMARK(BM_Seed_IfChain)->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Compiled, Seed, true)->Name("BM_Seed_Compiled_Raw")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Compiled, Seed, false)->Name("BM_Seed_Compiled_Parsed")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Reference, Seed)->Name("BM_Seed_Reference")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Compiled, Twenty, true)->Name("BM_Twenty_Compiled_Raw")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Compiled, Twenty, false)->Name("BM_Twenty_Compiled_Parsed")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Reference, Twenty)->Name("BM_Twenty_Reference")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Compiled, TenK, true)->Name("BM_TenK_Compiled_Raw")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Compiled, TenK, false)->Name("BM_TenK_Compiled_Parsed")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Reference, TenK)->Name("BM_TenK_Reference")->ThreadRange(1, 2)->UseRealTime();
BENCHMARK(BM_Compiled_Batch_TenK)->UseRealTime();

}  // namespace
}  // namespace latticepol

BENCHMARK_MAIN();
