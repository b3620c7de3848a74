// File: tests/fuzz/topology_fuzzer.cc
// Stage: fuzzing (generate input). Feeds arbitrary bytes to ParseTopology as
// YAML or JSON; an accepted topology is generated (policy, Pulumi files,
// scenario) and its generated policy must verify. Invariants: no crash, no
// hang, no exception; issues are readable and located; Generate of a valid
// topology never fails with a non-OK status and its policy verifies.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "latticepol/generate.h"
#include "latticepol/topology.h"

namespace {
using latticepol::fuzz::Fail;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > latticepol::fuzz::kMaxInputBytes) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The validators take any text.
  (void)latticepol::IsValidAccountId(text);
  (void)latticepol::IsValidRegion(text);
  (void)latticepol::IsValidFqdn(text);
  (void)latticepol::IsValidServiceNetworkArn(text);

  latticepol::TopologyParseResult parsed = latticepol::ParseTopology(text, "fuzz.yaml");
  latticepol::fuzz::CheckIssues(parsed.issues, text, "topology");
  if (!parsed.ok()) return 0;
  auto generated = latticepol::Generate(parsed.topology);
  if (!generated.ok()) {
    Fail("Generate failed on a valid topology",
         std::string(text) + "\n" + std::string(generated.status().message()));
  }
  if (!generated->verification.ok()) {
    std::string failures;
    for (const std::string& f : generated->verification.failures) failures += f + "\n";
    Fail("the generated policy does not verify", std::string(text) + "\n" + failures);
  }
  return 0;
}
