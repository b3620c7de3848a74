// File: latticepol/simulate.h
// Stage: simulate. Generates a scenario's request stream deterministically,
// evaluates every request through the Lattice chain with the compiled matcher,
// and aggregates a report: totals by decision, a caller x decision matrix,
// per-statement hit counts, expectation results with sample requests,
// uncertain counts, an optional shadow-policy diff, throughput.
//
// DETERMINISM. Request i is generated from a PRNG seeded with
// MixSeed(seed, i) alone, so the stream does not depend on how it is split
// into chunks or threads. Counts are sums, and every sample list keeps the
// requests with the lowest indices, so the report (minus timing) is identical
// for every thread count. `GenerateRequest(i)` rebuilds request i on its own:
// the engine and the tests use the same generator.
//
// COST. Workers take fixed-size chunks of indices from an atomic counter. Each
// builds its RequestView in per-thread buffers (the raw query string in a
// reused buffer, principals built once per caller), so the hot loop does not
// allocate; memory does not grow with `count`.
//
// UNCERTAINTY. The compiled matcher only says "maybe uncertain". For such a
// request the simulator asks the reference evaluator (AuthorizeReference) for
// the exact DECISION ids, caching the answer per request class (caller plus
// the index of every distribution choice) when the class has no random
// strings; for classes with random strings only the first
// `kUncertainChecksPerChunk` flagged requests of each chunk are checked and
// the rest are counted as `unverified`. Ids from the chain itself (E1, E2) are
// exact for every request.
//
// Example:
//   auto sim = latticepol::Simulation::Create(scenario, {});
//   if (!sim.ok()) return sim.status();
//   latticepol::SimulationReport report = (*sim)->Run();
//   std::cout << latticepol::ReportToText(report);
#ifndef LATTICEPOL_SIMULATE_H_
#define LATTICEPOL_SIMULATE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "latticepol/scenario.h"

namespace latticepol {

// Requests per work unit. Fixed (not derived from the thread count) so chunk
// boundaries, and the per-chunk uncertainty checks, are thread-independent.
inline constexpr uint64_t kSimulationChunk = 1 << 14;
inline constexpr int kUncertainChecksPerChunk = 4;

struct SimulationOptions {
  // Overrides of the scenario's settings.
  std::optional<uint64_t> count;
  std::optional<uint64_t> seed;
  std::optional<int> threads;      // 0 = hardware concurrency
  std::optional<int> max_samples;
  // A candidate service policy evaluated on the same stream (`--shadow`).
  std::optional<PolicyDocument> shadow_service_policy;
  std::string shadow_name;  // for the report
  // Fill SimulationReport::classes (the reachability matrix of the HTML
  // report). Costs one array update per request.
  bool request_classes = false;
};

// Request classes beyond this many (summed over callers) leave
// SimulationReport::classes empty (`classes_omitted`).
inline constexpr size_t kMaxRequestClasses = size_t{1} << 14;

// One sample request of a finding.
struct SimulationSample {
  uint64_t index = 0;   // position in the stream
  std::string caller;
  DecisionKind decision = DecisionKind::kImplicitDeny;
  DecisionKind shadow_decision = DecisionKind::kImplicitDeny;  // shadow samples only
  Layer layer = Layer::kNone;
  std::string request_json;  // canonical request JSON (paste into `latticepol eval`)
  // Expectation violations only: why the chain (the candidate's chain for
  // candidate violations) decided as it did, from the reference evaluator.
  // `statement` names the deciding statement, e.g. "service #2 AllowBlue"
  // (empty when no statement decided: an implicit deny, or a layer without a
  // policy); `explanation` is ExplainText of the deciding layer (for ALLOW:
  // the service layer if it has a policy, else the network layer), one or
  // more lines, no final newline.
  std::string statement;
  std::string explanation;
};

// Statements of the service-network and service policies (identity
// policies, which differ per caller, are not listed).
struct StatementHits {
  Layer layer = Layer::kService;
  int index = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  // Requests for which this statement decided its layer (the lowest applicable
  // statement of the winning effect, see Decision::statement).
  uint64_t hits = 0;
};

struct ExpectationResult {
  int index = 0;
  std::string name;
  ExpectedOutcome expect = ExpectedOutcome::kAllow;
  uint64_t matched = 0;
  std::array<uint64_t, 3> by_decision{};  // matched requests, by DecisionKind
  uint64_t violations = 0;
  std::vector<uint64_t> violations_by_caller;  // [caller], as SimulationReport::callers
  std::vector<SimulationSample> samples;  // lowest indices first
  // With a shadow policy, the same expectation checked against the candidate
  // chain (the scenario's chain with the shadow as service policy).
  std::array<uint64_t, 3> shadow_by_decision{};
  uint64_t shadow_violations = 0;
  std::vector<uint64_t> shadow_violations_by_caller;
  std::vector<SimulationSample> shadow_samples;  // lowest indices first
};

struct UncertainSummary {
  uint64_t flagged = 0;     // requests whose fast path said "maybe uncertain"
  uint64_t uncertain = 0;   // requests known (exactly) to rest on a DECISION
  uint64_t unverified = 0;  // flagged requests not checked (random classes over budget)
  std::map<std::string, uint64_t> by_id;  // DECISION id -> requests
};

struct ShadowSummary {
  bool enabled = false;
  std::string name;
  std::array<uint64_t, 3> totals{};
  uint64_t allowed_to_denied = 0;
  uint64_t denied_to_allowed = 0;
  uint64_t deny_kind_changed = 0;  // EXPLICIT_DENY <-> IMPLICIT_DENY
  uint64_t violations = 0;         // expectation violations by the candidate (sum)
  std::vector<SimulationSample> allowed_to_denied_samples;
  std::vector<SimulationSample> denied_to_allowed_samples;
};

// One cell of the reachability data (SimulationOptions::request_classes): a
// caller and a request class, i.e. one choice each of the method, the path
// and every query key of the caller's mix (actions, ports and headers are not
// split, so one cell can hold several decisions). Only cells that received a
// request are listed.
struct RequestClassCell {
  int caller = 0;                   // index into SimulationReport::callers
  std::vector<std::string> values;  // one per SimulationReport::class_dimensions
  std::array<uint64_t, 3> decisions{};         // by DecisionKind
  std::array<uint64_t, 3> shadow_decisions{};  // by DecisionKind, with --shadow
  // Per DecisionKind: the statement (index into SimulationReport::statements)
  // that decided the lowest-index request of the cell with that decision; -1
  // when no network or service statement did (default deny, identity layer).
  std::array<int, 3> statement{-1, -1, -1};
};

struct SimulationReport {
  std::string scenario;
  uint64_t count = 0;
  uint64_t seed = 0;
  int threads = 0;
  std::array<uint64_t, 3> totals{};          // by DecisionKind
  std::array<uint64_t, 4> by_layer{};        // primary deciding layer, by Layer
  std::vector<std::string> callers;
  std::vector<std::array<uint64_t, 3>> caller_decisions;  // [caller][DecisionKind]
  std::vector<StatementHits> statements;
  std::vector<ExpectationResult> expectations;
  uint64_t unmatched = 0;       // requests no expectation matched
  uint64_t violations = 0;      // sum over expectations
  UncertainSummary uncertain;
  ShadowSummary shadow;
  // Reachability data (SimulationOptions::request_classes). Dimensions are
  // "method", "path" and "query <key>" for every query key of any mix; a
  // value is the choice as text: `GET`, `/items`, `blue`, `(absent)`,
  // `blue&green` (a repeated key), `(random)`.
  std::vector<std::string> class_dimensions;
  std::vector<RequestClassCell> classes;
  bool classes_omitted = false;  // requested, but the class space is over kMaxRequestClasses
  double wall_seconds = 0;
  double requests_per_second = 0;

  // Every expectation holds for the scenario's policies and, with a shadow
  // policy, for the candidate too.
  bool expectations_hold() const { return violations == 0 && shadow.violations == 0; }
};

class Simulation {
 public:
  class Impl;
  // Compiles the scenario's policies and prepares the generators. Fails with
  // InvalidArgument for a scenario that did not load cleanly or a policy that
  // does not compile.
  static absl::StatusOr<std::unique_ptr<Simulation>> Create(
      const Scenario& scenario, const SimulationOptions& options = {});
  ~Simulation();

  // Request `index` of the stream. `caller` (optional) receives the caller's
  // position in Scenario::callers. The engine evaluates the query in raw,
  // percent-encoded form: `raw_query` (optional) receives that string, and
  // RawQueryView(request, *raw_query) (tests/testing/random.h) is the view the
  // engine evaluates (`request.view()` differs only in DECISION Q3).
  Request GenerateRequest(uint64_t index, int* caller = nullptr,
                          std::string* raw_query = nullptr) const;

  // The chain the engine evaluates, for the reference path (pointers into
  // this object; valid while it lives). `caller` selects the identity layer.
  ChainPolicies ReferenceChain(int caller) const;

  // The index of the first expectation `request` (from `caller`) matches, or -1.
  int MatchExpectation(int caller, const Request& request) const;

  // Runs the whole stream. `progress`, if not null, is advanced by the number
  // of requests done (for a progress bar in another thread).
  SimulationReport Run(std::atomic<uint64_t>* progress = nullptr) const;

  uint64_t count() const;
  int threads() const;

 private:
  explicit Simulation(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ReportFormatOptions {
  bool include_timing = true;  // wall time and throughput (not deterministic)
};

// The report as aligned text tables.
std::string ReportToText(const SimulationReport& report,
                         const ReportFormatOptions& options = {});
// The report as one JSON object (pretty-printed, 2-space indent).
std::string ReportToJson(const SimulationReport& report,
                         const ReportFormatOptions& options = {});

}  // namespace latticepol

#endif  // LATTICEPOL_SIMULATE_H_
