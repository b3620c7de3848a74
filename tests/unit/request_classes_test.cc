// File: tests/unit/request_classes_test.cc
// Stage: simulate (request classes for the HTML reachability matrix). The
// cells of SimulationOptions::request_classes are recomputed request by
// request with the reference chain; they sum to the report's totals, do not
// depend on the thread count, and are omitted past kMaxRequestClasses.
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/authorize.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"

namespace latticepol {
namespace {

const std::string kShared = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service";

// No random values, so a request's class is readable from the request.
constexpr char kScenario[] = R"(
policies:
  service: auth-policy.json
service:
  arn: arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0
count: 40000
seed: 11
mix:
  methods: {GET: 6, POST: 1}
  paths: [/, /items]
  query:
    q: [blue, green, {absent: true}, {repeat: [blue, green]}]
  headers:
    x-team: [a, b]
callers:
  - name: blue
    sourceVpcOwnerAccount: "111111111111"
    principal: anonymous
  - name: green
    sourceVpcOwnerAccount: "222222222222"
    principal: anonymous
    mix:
      query:
        q: [green, blue]
        extra: [x, {absent: true}]
)";

Scenario Load() {
  ScenarioLoadResult r = ParseScenario(kScenario, "test.yaml", kShared);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "test.yaml");
  return r.scenario;
}

using Key = std::tuple<int, std::string, std::string, std::string, std::string>;

std::string QueryLabel(const Request& request, const std::string& key) {
  std::string out;
  int n = 0;
  for (const auto& [k, v] : request.query) {
    if (k != key) continue;
    out += (n++ ? "&" : "") + v;
  }
  return n == 0 ? "(absent)" : out;
}

TEST(RequestClassesTest, CellsMatchTheReferenceRequestByRequest) {
  const Scenario scenario = Load();
  SimulationOptions options;
  options.request_classes = true;
  options.threads = 2;
  auto sim = Simulation::Create(scenario, options);
  ASSERT_TRUE(sim.ok()) << sim.status();
  const SimulationReport report = (*sim)->Run();
  ASSERT_EQ(report.class_dimensions,
            (std::vector<std::string>{"method", "path", "query q", "query extra"}));
  std::map<Key, std::array<uint64_t, 3>> expected;
  for (uint64_t i = 0; i < report.count; ++i) {
    int caller = -1;
    const Request request = (*sim)->GenerateRequest(i, &caller);
    // Plain values only: the decoded view is the raw one (no Q3 difference).
    const ChainEvaluation e = AuthorizeReference((*sim)->ReferenceChain(caller), request.view());
    Key key{caller, request.method, request.path, QueryLabel(request, "q"),
            QueryLabel(request, "extra")};
    ++expected[key][static_cast<int>(e.result.decision)];
  }
  std::map<Key, std::array<uint64_t, 3>> got;
  for (const RequestClassCell& c : report.classes) {
    ASSERT_EQ(c.values.size(), 4u);
    auto& counts = got[Key{c.caller, c.values[0], c.values[1], c.values[2], c.values[3]}];
    for (int k = 0; k < 3; ++k) counts[k] += c.decisions[k];
    // Only allowed requests have a deciding statement here (no Deny statements).
    EXPECT_EQ(c.statement[0] >= 0, c.decisions[0] != 0);
    EXPECT_EQ(c.statement[2], -1);
    // No shadow: the candidate column repeats the decisions.
    EXPECT_EQ(c.shadow_decisions, c.decisions);
  }
  EXPECT_EQ(got, expected);
}

TEST(RequestClassesTest, SameCellsWhateverTheThreads) {
  Scenario scenario = Load();
  scenario.count = 3 * kSimulationChunk + 5;
  SimulationOptions one, three;
  one.request_classes = three.request_classes = true;
  one.threads = 1;
  three.threads = 3;
  const SimulationReport a = (*Simulation::Create(scenario, one))->Run();
  const SimulationReport b = (*Simulation::Create(scenario, three))->Run();
  ASSERT_EQ(a.classes.size(), b.classes.size());
  uint64_t total = 0;
  for (size_t i = 0; i < a.classes.size(); ++i) {
    EXPECT_EQ(a.classes[i].caller, b.classes[i].caller);
    EXPECT_EQ(a.classes[i].values, b.classes[i].values);
    EXPECT_EQ(a.classes[i].decisions, b.classes[i].decisions);
    EXPECT_EQ(a.classes[i].statement, b.classes[i].statement);
    for (uint64_t n : a.classes[i].decisions) total += n;
  }
  EXPECT_EQ(total, scenario.count);
}

TEST(RequestClassesTest, OffByDefaultAndOmittedWhenTooMany) {
  Scenario scenario = Load();
  scenario.count = 100;
  EXPECT_TRUE((*Simulation::Create(scenario, {}))->Run().classes.empty());
  // 200 x 100 paths: over kMaxRequestClasses.
  ScenarioDistribution methods, paths;
  auto value = [](std::string v) {
    ScenarioChoice c;
    c.value = std::move(v);
    return c;
  };
  for (int i = 0; i < 200; ++i) methods.choices.push_back(value("M" + std::to_string(i)));
  for (int i = 0; i < 100; ++i) paths.choices.push_back(value("/" + std::to_string(i)));
  scenario.mix.methods = methods;
  scenario.mix.paths = paths;
  SimulationOptions options;
  options.request_classes = true;
  const SimulationReport r = (*Simulation::Create(scenario, options))->Run();
  EXPECT_TRUE(r.classes.empty());
  EXPECT_TRUE(r.classes_omitted);
}

}  // namespace
}  // namespace latticepol
