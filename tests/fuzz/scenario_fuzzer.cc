// File: tests/fuzz/scenario_fuzzer.cc
// Stage: fuzzing (simulate input). Feeds arbitrary bytes to ParseScenario as
// YAML or JSON; an accepted scenario is then simulated for a few requests on
// one thread and its report rendered. Invariants: no crash, no hang, no
// exception; issues are readable and located.
//
// Policy paths resolve against a private temporary directory holding a few
// policy files. Inputs that name device or proc files are skipped: reading
// `/dev/zero` as a policy would never end (see "Known gaps" in
// docs/limits.md).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"

namespace {

using latticepol::fuzz::Fail;

const std::string& BaseDir() {
  static const std::string* dir = [] {
    char tmpl[] = "/tmp/latticepol-scenario-fuzz.XXXXXX";
    const char* made = mkdtemp(tmpl);
    if (made == nullptr) Fail("mkdtemp failed", tmpl);
    auto* d = new std::string(made);
    auto write = [&](const char* name, const char* text) {
      std::ofstream(*d + "/" + name) << text;
    };
    write("service.json",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue","vpc-lattice-svcs:RequestMethod":"GET"}}}]})");
    write("network.json",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"anonymous"}}}]})");
    write("identity.json",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]})");
    write("bad.json", R"({"Statement": [{"Effect": "allow"}]})");
    return d;
  }();
  return *dir;
}

bool NamesSpecialFiles(std::string_view text) {
  for (std::string_view bad : {"dev/", "proc/", "sys/", "/dev", "/proc", "/sys"}) {
    if (text.find(bad) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > latticepol::fuzz::kMaxInputBytes) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (NamesSpecialFiles(text)) return 0;
  latticepol::ScenarioLoadResult loaded =
      latticepol::ParseScenario(text, "fuzz.yaml", BaseDir());
  latticepol::fuzz::CheckIssues(loaded.issues, text, "scenario");
  if (!loaded.ok()) return 0;

  latticepol::SimulationOptions options;
  options.count = std::min<uint64_t>(loaded.scenario.count, 64);
  options.threads = 1;
  options.max_samples = 2;
  auto sim = latticepol::Simulation::Create(loaded.scenario, options);
  if (!sim.ok()) return 0;  // e.g. a policy that does not compile (limits)
  latticepol::SimulationReport report = (*sim)->Run();
  uint64_t total = report.totals[0] + report.totals[1] + report.totals[2];
  if (total != *options.count) {
    Fail("simulation totals do not add up to the request count",
         std::string(text) + "\ntotal " + std::to_string(total));
  }
  latticepol::ReportFormatOptions format;
  format.include_timing = false;
  (void)latticepol::ReportToText(report, format);
  (void)latticepol::ReportToJson(report, format);
  return 0;
}
