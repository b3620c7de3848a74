// File: src/workflow/internal/chain_runner.cc
// Stage: simulate (internal). Compiling a chain's layers once (see
// chain_runner.h).
#include "workflow/internal/chain_runner.h"

#include <memory>

#include "internal/strings.h"

namespace latticepol::internal {

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompileLayer(const PolicyDocument& doc,
                                                                   const char* what) {
  auto compiled = Compile(doc);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(
        StrCat("cannot compile the ", what, " policy: ", compiled.status().message()));
  }
  return std::shared_ptr<const CompiledPolicy>(*compiled);
}

absl::Status CompileLayers(const ChainPolicies& chain, const PolicyDocument* shadow,
                           CompiledLayers* out) {
  struct Layer {
    const PolicyDocument* doc;
    const char* what;
    std::shared_ptr<const CompiledPolicy>* slot;
  };
  for (const Layer& l : {Layer{chain.network_policy, "service-network", &out->network},
                         Layer{chain.service_policy, "service", &out->service},
                         Layer{shadow, "shadow", &out->shadow}}) {
    if (l.doc == nullptr || *l.slot != nullptr) continue;  // none, or compiled by the caller
    auto compiled = CompileLayer(*l.doc, l.what);
    if (!compiled.ok()) return compiled.status();
    *l.slot = *compiled;
  }
  out->eval_network = chain.config.network_auth_type == AuthType::kAwsIam && out->network != nullptr;
  out->eval_service = chain.config.service_auth_type == AuthType::kAwsIam && out->service != nullptr;
  out->service_iam = chain.config.service_auth_type == AuthType::kAwsIam;
  out->network_statements = chain.network_policy ? chain.network_policy->statements.size() : 0;
  return absl::OkStatus();
}

}  // namespace latticepol::internal
