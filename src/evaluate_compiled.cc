// File: src/evaluate_compiled.cc
// Stage: evaluate (fast path). The entry points of the compiled matcher
// (Evaluate, EvaluateBatch, Authorize): each runs a CompiledPolicy plan (see
// src/internal/compiled_impl.h) against one request, the simple plan
// (src/evaluate_simple.cc) when the compiler enabled it, else the general
// plan (src/evaluate_general.cc); their shared prologue is
// src/internal/compiled_eval.h.
//
// Hot-path rules: no heap allocation in the common case (clause bit sets and
// counters live in fixed stack buffers sized for policies far above the
// 10,000-character limit; a raw query string is scanned in place and percent
// escapes decoded into stack buffers; the request resource ARN is built on
// the stack), no locks, no exceptions, no virtual calls. Clauses with policy
// variables take a slow path that substitutes them per request.
//
// kMaybeUncertain is set iff the plan's static flag is set, or a
// request-dependent trigger fires; together they cover every recording point
// listed at the top of src/evaluate.cc (a superset: the reference may record
// nothing).
#include "internal/compiled_eval.h"

namespace latticepol {
namespace internal {

Decision EvaluateCompiled(const CompiledPolicy& policy, const RequestView& request,
                          bool ignore_principal) {
  return RunPlan(CompiledPolicyAccess::Plan(policy), request, ignore_principal);
}

}  // namespace internal

Decision Evaluate(const CompiledPolicy& policy, const RequestView& request) {
  // The plan directly: one call per decision.
  return internal::RunPlan(internal::CompiledPolicyAccess::Plan(policy), request, false);
}

absl::Status EvaluateBatch(const CompiledPolicy& policy,
                           absl::Span<const RequestView> requests,
                           absl::Span<Decision> out) {
  if (requests.size() != out.size()) {
    return absl::InvalidArgumentError("EvaluateBatch: `out` and `requests` differ in size");
  }
  // The plan is picked once per batch; the equality plan runs its own loop.
  const CompiledPolicy::Impl& im = internal::CompiledPolicyAccess::Plan(policy);
  if (im.eq.enabled) {
    internal::EvaluateEqualityBatch(im, requests.data(), requests.size(), out.data());
    return absl::OkStatus();
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    out[i] = internal::EvaluateCompiled(policy, requests[i], false);
  }
  return absl::OkStatus();
}

ChainResult Authorize(const CompiledChain& chain, const RequestView& request) {
  const ChainConfig& config = chain.config;
  const bool network_iam = config.network_auth_type == AuthType::kAwsIam;
  const bool service_iam = config.service_auth_type == AuthType::kAwsIam;
  const bool signed_caller = request.principal != nullptr;
  Decision network;
  Decision service;
  Decision identity;
  const Decision* network_ptr = nullptr;
  const Decision* service_ptr = nullptr;
  const Decision* identity_ptr = nullptr;
  if (network_iam && chain.network_policy != nullptr) {
    network = Evaluate(*chain.network_policy, request);
    network_ptr = &network;
  }
  if (service_iam && chain.service_policy != nullptr) {
    service = Evaluate(*chain.service_policy, request);
    service_ptr = &service;
  }
  if (signed_caller && (network_iam || service_iam) &&
      chain.identity_policy != nullptr) {
    // Identity policies are evaluated with Principal ignored (E2).
    identity = internal::EvaluateCompiled(*chain.identity_policy, request, true);
    identity_ptr = &identity;
  }
  return ComposeChain(config, signed_caller, network_ptr, service_ptr, identity_ptr);
}

}  // namespace latticepol
