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
#include "condition_stream.h"
#include "varying_stream.h"
#include "benchmark/benchmark.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/random.h"
#include "testing/seed_yardstick.h"

namespace latticepol {
namespace {

using bench::BenchRequest;
using bench::ConditionStream;
using bench::MakeRequest;
using bench::MustParse;

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
    w->requests = bench::TwentyRequests();
    w->Finish();
    return w;
  }();
  return *w;
}

const Workload& TenK() {
  static const Workload* w = [] {
    auto* w = new Workload;
    w->doc = MustParse("policies/bench/ten-thousand-chars.json");
    w->requests = bench::TenKRequests();
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

constexpr uint64_t kSeedStreamSeed = bench::kStreamSeed;

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
// bench/condition_stream.h (shared with bench/seed_insn_bench.cc, which counts
// their instructions). Counters: allow% and deny% of the stream.

template <const Workload& (*W)()>
const ConditionStream& ConditionStreamOf() {
  static const ConditionStream* stream = [] {
    auto* s = new ConditionStream;
    bench::BuildConditionStream(W().requests, s);
    return s;
  }();
  return *stream;
}

// Three orders of the same kind of traffic, which split a stream's cost
// per decision into its parts (bench/README, "Where a stream's time
// goes"):
//   kWhole:    the 4,096-request stream in order (the goal row);
//   kShuffled: 4,096 positions drawn at random (fixed seed) from the first
//              256 requests: their texts stay in cache, and the order is as
//              unlearnable for the branch predictor as the whole stream's;
//   kCycled:   the first 256 requests over and over: cached texts, and a
//              cycle short enough for the predictor to learn much of it.
// kShuffled minus kCycled is roughly what mispredicted branches cost;
// kWhole minus kShuffled what the requests' cache misses cost.
enum class StreamOrder { kWhole, kShuffled, kCycled };

template <const Workload& (*W)(), StreamOrder kOrder>
const std::vector<RequestView>& OrderedViews() {
  static const std::vector<RequestView>* views = [] {
    const std::vector<RequestView>& all = ConditionStreamOf<W>().views;
    if (kOrder == StreamOrder::kWhole) return &all;
    constexpr size_t kHead = 256;
    auto* v = new std::vector<RequestView>;
    if (kOrder == StreamOrder::kCycled) {
      v->assign(all.begin(), all.begin() + kHead);
    } else {
      Rng rng(bench::kStreamSeed + 1);
      for (size_t j = 0; j < ConditionStream::kSize; ++j) v->push_back(all[rng.Uniform(kHead)]);
    }
    return static_cast<const std::vector<RequestView>*>(v);
  }();
  return *views;
}

// The timed loop of the stream benchmarks: one Evaluate per iteration,
// cycling through `views`.
void TimeStream(benchmark::State& state, const CompiledPolicy& policy,
                const std::vector<RequestView>& views) {
  const size_t n = views.size();
  size_t i = 0;
  int64_t allowed = 0;
  for (auto _ : state) {
    allowed += Evaluate(policy, views[i]).allowed();
    if (++i == n) i = 0;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations());
}

template <const Workload& (*W)(), StreamOrder kOrder>
void BM_ConditionStream(benchmark::State& state) {
  const std::vector<RequestView>& views = OrderedViews<W, kOrder>();
  const CompiledPolicy& policy = *W().compiled;
  TimeStream(state, policy, views);
  const size_t n = views.size();
  // The stream's decision mix, in percent.
  int64_t kinds[3] = {0, 0, 0};
  for (const RequestView& v : views) ++kinds[static_cast<int>(Evaluate(policy, v).kind)];
  state.counters["allow%"] = 100.0 * static_cast<double>(kinds[static_cast<int>(DecisionKind::kAllow)]) / n;
  state.counters["deny%"] =
      100.0 * static_cast<double>(kinds[static_cast<int>(DecisionKind::kExplicitDeny)]) / n;
}

BENCHMARK_TEMPLATE(BM_ConditionStream, Twenty, StreamOrder::kWhole)->Name("BM_Twenty_Stream_Compiled");
BENCHMARK_TEMPLATE(BM_ConditionStream, TenK, StreamOrder::kWhole)->Name("BM_TenK_Stream_Compiled");
BENCHMARK_TEMPLATE(BM_ConditionStream, Twenty, StreamOrder::kShuffled)
    ->Name("BM_Twenty_StreamShuffled256_Compiled");
BENCHMARK_TEMPLATE(BM_ConditionStream, TenK, StreamOrder::kShuffled)
    ->Name("BM_TenK_StreamShuffled256_Compiled");
BENCHMARK_TEMPLATE(BM_ConditionStream, Twenty, StreamOrder::kCycled)
    ->Name("BM_Twenty_StreamCycled256_Compiled");
BENCHMARK_TEMPLATE(BM_ConditionStream, TenK, StreamOrder::kCycled)
    ->Name("BM_TenK_StreamCycled256_Compiled");

// One dimension varied at a time (bench::BuildVaryingStream): shuffled
// against sorted by the drawn value. The difference is what mispredicted
// branches on that dimension cost (the texts lie in memory alike).
template <const Workload& (*W)(), bench::Dimension kDim, bool kSorted>
void BM_Varying(benchmark::State& state) {
  static const ConditionStream* stream = [] {
    auto* s = new ConditionStream;
    bench::BuildVaryingStream(W().requests[0], kDim, kSorted, s);
    return s;
  }();
  TimeStream(state, *W().compiled, stream->views);
}

#define LATTICEPOL_VARYING(policy, dim)                                                  \
  BENCHMARK_TEMPLATE(BM_Varying, policy, bench::Dimension::k##dim, false)               \
      ->Name("BM_" #policy "_Vary" #dim "_Shuffled");                                   \
  BENCHMARK_TEMPLATE(BM_Varying, policy, bench::Dimension::k##dim, true)                \
      ->Name("BM_" #policy "_Vary" #dim "_Sorted")
LATTICEPOL_VARYING(Twenty, Method);
LATTICEPOL_VARYING(Twenty, Path);
LATTICEPOL_VARYING(Twenty, Owner);
LATTICEPOL_VARYING(Twenty, Query);
LATTICEPOL_VARYING(Twenty, Headers);
LATTICEPOL_VARYING(Twenty, Principal);
LATTICEPOL_VARYING(TenK, Method);
LATTICEPOL_VARYING(TenK, Path);
LATTICEPOL_VARYING(TenK, Owner);
LATTICEPOL_VARYING(TenK, Query);
LATTICEPOL_VARYING(TenK, Headers);
LATTICEPOL_VARYING(TenK, Address);
LATTICEPOL_VARYING(TenK, Principal);
#undef LATTICEPOL_VARYING

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
