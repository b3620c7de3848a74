// File: latticepol/compiled_policy.h
// Stage: compile -> evaluate (fast path). `Compile` turns a PolicyDocument into
// an immutable, thread-safe CompiledPolicy: condition keys interned to dense
// ids, each key's policy values interned so one lookup of the request value
// yields every predicate it satisfies, globs grouped per key, typed values
// (numbers, CIDRs, dates, ARNs) precomputed, statements flattened into
// conjunctions over predicate bits with Deny statements checked first.
//
// `Evaluate` does no heap allocation outside the cases stated below, takes
// no locks and never throws. It returns the same DecisionKind and deciding
// statement as EvaluateReference for every input
// (tests/unit/differential_test.cc proves it on generated policies and
// requests).
//
// Uncertainty on the fast path: `Decision::uncertain` is either 0 or the
// single bit kMaybeUncertain. It is set whenever the reference evaluator could
// report any DECISION id for this request (it may also be set when the
// reference reports none). Callers that need the exact list ask
// EvaluateReference, as the CLI and simulator do.
//
// Example:
//   auto compiled = latticepol::Compile(doc);
//   if (!compiled.ok()) return compiled.status();
//   latticepol::Decision d = latticepol::Evaluate(**compiled, request.view());
#ifndef LATTICEPOL_COMPILED_POLICY_H_
#define LATTICEPOL_COMPILED_POLICY_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

struct CompileOptions {
  // Budget for compiled glob matchers (RE2 programs); over it, Compile returns
  // ResourceExhausted.
  size_t max_memory = 64 << 20;
};

// Immutable and thread-safe: share one instance between threads by
// shared_ptr. Not copyable (it is expensive); hold it by pointer.
namespace internal {
struct CompiledPolicyAccess;  // the engine's access to the plan
}  // namespace internal

class CompiledPolicy {
 public:
  class Impl;
  explicit CompiledPolicy(std::unique_ptr<const Impl> impl);
  ~CompiledPolicy();
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  // The document this was compiled from (kept for explanations).
  const PolicyDocument& document() const;
  size_t statement_count() const;
  size_t predicate_count() const;
  size_t key_count() const;
  // A multi-line description of the plan: keys, predicates, statements.
  std::string DebugString() const;


 private:
  friend struct internal::CompiledPolicyAccess;
  const Impl& impl() const { return *impl_; }

  std::unique_ptr<const Impl> impl_;
};

// Compiles a parsed (valid) document. Fails only on misuse or limits:
// InvalidArgument for a document the parser would have rejected,
// ResourceExhausted over `max_memory`.
absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Compile(
    const PolicyDocument& doc, const CompileOptions& options = {});

// Evaluates one request. No locks, no exceptions, and no heap allocation
// except in three stated cases: a percent-decoded query key or value longer
// than 512 bytes, a request value longer than 256 bytes compared
// case-insensitively, and clauses with policy variables (substituted per
// request). tests/unit/no_alloc_test.cc counts allocations over a stream.
Decision Evaluate(const CompiledPolicy& policy, const RequestView& request);

// Evaluates a batch: out[i] = Evaluate(policy, requests[i]). `out` must have
// the same size as `requests`; otherwise returns InvalidArgument and writes
// nothing.
absl::Status EvaluateBatch(const CompiledPolicy& policy,
                           absl::Span<const RequestView> requests,
                           absl::Span<Decision> out);

// The compiled form of a chain description (`ChainPolicies`, authorize.h):
// the same config, each named policy compiled. Pointers may be null (no
// policy). Build it with CompileChain, or fill it from policies compiled
// elsewhere (a cache); cheap to copy (shared pointers).
struct CompiledChain {
  ChainConfig config;
  std::shared_ptr<const CompiledPolicy> network_policy;
  std::shared_ptr<const CompiledPolicy> service_policy;
  std::shared_ptr<const CompiledPolicy> identity_policy;
};

// Compiles every policy `chain` names (whether or not its layer is active
// under the config), keeping the config. Fails as Compile does.
absl::StatusOr<CompiledChain> CompileChain(const ChainPolicies& chain,
                                           const CompileOptions& options = {});

// The chain of docs/semantics.md §4.2 on compiled policies: the same
// ChainResult as AuthorizeReference on the source description, except that
// each layer's `uncertain` is the fast path's flag (0 or kMaybeUncertain).
// Adds no allocation of its own (ChainResult is fixed-size: LayerSet), so it
// allocates only where the layers' Evaluate does (see above); no locks, no
// exceptions.
ChainResult Authorize(const CompiledChain& chain, const RequestView& request);

}  // namespace latticepol

#endif  // LATTICEPOL_COMPILED_POLICY_H_
