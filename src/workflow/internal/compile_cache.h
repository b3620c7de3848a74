// File: src/workflow/internal/compile_cache.h
// Stage: workflows (internal). Compiles each policy document once per run,
// keyed by its address: case files (many cases share one policy) and the
// analysis verifier (many witnesses on one chain). The documents must outlive
// the cache. Not thread-safe.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_COMPILE_CACHE_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_COMPILE_CACHE_H_

#include <memory>
#include <unordered_map>
#include <utility>

#include "absl/status/statusor.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/policy.h"

namespace latticepol::internal {

class CompileCache {
 public:
  // The compiled `doc` (nullptr for a null `doc`), compiled on first use.
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Get(const PolicyDocument* doc) {
    if (doc == nullptr) return std::shared_ptr<const CompiledPolicy>();
    auto it = cache_.find(doc);
    if (it != cache_.end()) return it->second;
    auto compiled = Compile(*doc);
    if (!compiled.ok()) return compiled.status();
    cache_.emplace(doc, *compiled);
    return *compiled;
  }

  // The compiled form of `chain`, each policy from the cache.
  absl::StatusOr<CompiledChain> GetChain(const ChainPolicies& chain) {
    CompiledChain out;
    out.config = chain.config;
    for (auto [doc, slot] : {std::pair{chain.network_policy, &out.network_policy},
                             std::pair{chain.service_policy, &out.service_policy},
                             std::pair{chain.identity_policy, &out.identity_policy}}) {
      auto compiled = Get(doc);
      if (!compiled.ok()) return compiled.status();
      *slot = *std::move(compiled);
    }
    return out;
  }

 private:
  std::unordered_map<const PolicyDocument*, std::shared_ptr<const CompiledPolicy>> cache_;
};

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_COMPILE_CACHE_H_
