// File: tests/unit/simulate_test.cc
// Stage: simulate (engine). The report of a small scenario is recomputed
// request by request with the reference evaluator (AuthorizeReference on
// GenerateRequest(i)) and the slow expectation matcher; determinism by seed
// and across thread counts; the shadow diff; samples in canonical JSON.
#include "latticepol/simulate.h"

#include <array>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/authorize.h"
#include "latticepol/parse.h"
#include "testing/random.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"

namespace latticepol {
namespace {

const std::string kShared = std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service";

// Every caller kind, every distribution form, a violated expectation, random
// values compared by an expectation, a header and a path glob.
constexpr char kScenario[] = R"(
policies:
  service: auth-policy.json
service:
  arn: arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0
  tags: {env: prod}
count: 2000
seed: 7
samples: 3
mix:
  actions: {vpc-lattice-svcs:Invoke: 19, vpc-lattice-svcs:Connect: 1}
  methods: {GET: 6, POST: 1, DELETE: 1}
  paths: [/, /items, /items/7]
  port: {443: 3, 80: 1}
  query:
    q:
      - {value: blue, weight: 4}
      - {value: green, weight: 3}
      - {value: "bl ue&=", weight: 1}
      - {absent: true}
      - {repeat: [blue, blue]}
      - {random: {min: 0, max: 2, alphabet: "ab"}}
    Q: [{absent: true, weight: 9}, {value: blue}]
  headers:
    x-team: [{value: " blue "}, {random: {length: 2, alphabet: "xy "}}, {absent: true}]
callers:
  - name: blue
    weight: 3
    sourceVpc: vpc-0b1e
    sourceVpcOwnerAccount: "111111111111"
    principal: {arn: "arn:aws:iam::111111111111:role/blue", account: "111111111111"}
    identityDecision: ALLOW
  - name: anon
    sourceVpcOwnerAccount: "111111111111"
    principal: anonymous
  - name: green
    weight: 2
    sourceVpcOwnerAccount: "222222222222"
    principal: {account: "222222222222"}
    mix:
      methods: GET
      query:
        q: [green, blue, {absent: true}]
  - name: denied-identity
    sourceVpcOwnerAccount: "111111111111"
    principal: {account: "111111111111"}
    identityDecision: IMPLICIT_DENY
expectations:
  - match: {caller: blue, method: GET, query: {q: blue}, action: vpc-lattice-svcs:invoke}
    expect: ALLOW
  - match: {caller: [blue, anon], query: {q: ab}}
    expect: ALLOW
  - match: {headers: {x-team: blue}, path: /items*, port: 443}
    expect: DENY
  - match: {signed: false, query: {q: ~}}
    expect: IMPLICIT_DENY
  - match: {caller: green, query: {q: [blue, blue]}}
    expect: DENY
  - match: {caller: denied-identity}
    expect: EXPLICIT_DENY
  - match: {caller: green}
    expect: DENY
)";

Scenario Load(const std::string& text) {
  ScenarioLoadResult r = ParseScenario(text, "test.yaml", kShared);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "test.yaml");
  return r.scenario;
}

std::unique_ptr<Simulation> Make(const Scenario& s, const SimulationOptions& o = {}) {
  auto sim = Simulation::Create(s, o);
  EXPECT_TRUE(sim.ok()) << sim.status();
  return std::move(*sim);
}

std::string Canonical(const std::string& json) {
  RequestParseResult r = ParseRequestJson(json);
  EXPECT_TRUE(r.ok()) << json;
  return RequestToJson(r.request);
}

std::string DeterministicJson(const SimulationReport& r) {
  ReportFormatOptions o;
  o.include_timing = false;
  return ReportToJson(r, o);
}

TEST(SimulateTest, ReportMatchesTheReferenceRequestByRequest) {
  const Scenario scenario = Load(kScenario);
  auto sim = Make(scenario);
  const SimulationReport report = sim->Run();
  ASSERT_EQ(report.count, 2000u);

  std::array<uint64_t, 3> totals{};
  std::array<uint64_t, 4> layers{};
  std::vector<std::array<uint64_t, 3>> callers(scenario.callers.size());
  std::vector<uint64_t> hits(2, 0);
  std::vector<uint64_t> matched(scenario.expectations.size()), violations(matched.size());
  std::vector<std::array<uint64_t, 3>> by_decision(matched.size());
  std::vector<std::vector<uint64_t>> first_violations(matched.size());
  uint64_t unmatched = 0, uncertain = 0, randoms_seen = 0;
  for (uint64_t i = 0; i < report.count; ++i) {
    int c = -1;
    std::string raw;
    const Request request = sim->GenerateRequest(i, &c, &raw);
    ASSERT_GE(c, 0);
    // The engine evaluates the query in raw (percent-encoded) form.
    const ChainEvaluation ev =
        AuthorizeReference(sim->ReferenceChain(c), RawQueryView(request, raw));
    const int kind = static_cast<int>(ev.result.decision);
    ++totals[kind];
    ++layers[static_cast<int>(ev.result.layer)];
    ++callers[c][kind];
    if (ev.service && ev.service->decision.statement >= 0) ++hits[ev.service->decision.statement];
    if (ev.result.uncertain != 0) ++uncertain;
    for (const StringPair& q : request.query) randoms_seen += q.second == "ab";
    const int e = sim->MatchExpectation(c, request);
    if (e < 0) {
      ++unmatched;
      continue;
    }
    ++matched[e];
    ++by_decision[e][kind];
    if (!OutcomeSatisfies(scenario.expectations[e].expect, ev.result.decision)) {
      ++violations[e];
      first_violations[e].push_back(i);
    }
  }
  EXPECT_EQ(report.totals, totals);
  EXPECT_EQ(report.by_layer, layers);
  ASSERT_EQ(report.caller_decisions.size(), callers.size());
  for (size_t c = 0; c < callers.size(); ++c) EXPECT_EQ(report.caller_decisions[c], callers[c]) << c;
  ASSERT_EQ(report.statements.size(), 2u);
  EXPECT_EQ(report.statements[0].sid, "AllowBlue");
  EXPECT_EQ(report.statements[0].hits, hits[0]);
  EXPECT_EQ(report.statements[1].hits, hits[1]);
  EXPECT_EQ(report.unmatched, unmatched);
  uint64_t total_violations = 0;
  for (size_t e = 0; e < matched.size(); ++e) {
    const ExpectationResult& er = report.expectations[e];
    EXPECT_EQ(er.matched, matched[e]) << "expectation " << e;
    EXPECT_EQ(er.violations, violations[e]) << "expectation " << e;
    EXPECT_EQ(er.by_decision, by_decision[e]) << "expectation " << e;
    total_violations += violations[e];
    // Samples: the lowest request indices, as canonical request JSON.
    const size_t n = std::min<size_t>(3, first_violations[e].size());
    ASSERT_EQ(er.samples.size(), n) << "expectation " << e;
    for (size_t k = 0; k < n; ++k) {
      const uint64_t index = first_violations[e][k];
      EXPECT_EQ(er.samples[k].index, index);
      EXPECT_EQ(Canonical(er.samples[k].request_json),
                RequestToJson(sim->GenerateRequest(index)));
    }
  }
  EXPECT_EQ(report.violations, total_violations);
  EXPECT_GT(report.violations, 0u);      // the scenario is built to violate some
  EXPECT_GT(matched[1], 0u);             // random values matched by an expectation
  EXPECT_GT(randoms_seen, 0u);
  EXPECT_FALSE(report.expectations_hold());
  // Fast-path uncertainty: exact except for the unverified random requests.
  EXPECT_LE(report.uncertain.uncertain, uncertain);
  EXPECT_GE(report.uncertain.uncertain + report.uncertain.unverified, uncertain);
  EXPECT_GT(report.uncertain.by_id.count("E2"), 0u);  // green has no identity input
}

TEST(SimulateTest, UncertainCountsAreExactWithoutRandomValues) {
  std::string text = kScenario;
  // Drop the random choices: every class is then cached exactly.
  const std::string random_q = "      - {random: {min: 0, max: 2, alphabet: \"ab\"}}\n";
  text.erase(text.find(random_q), random_q.size());
  const std::string random_h = ", {random: {length: 2, alphabet: \"xy \"}}";
  text.erase(text.find(random_h), random_h.size());
  const std::string ab = "  - match: {caller: [blue, anon], query: {q: ab}}\n    expect: ALLOW\n";
  text.erase(text.find(ab), ab.size());
  const Scenario scenario = Load(text);
  auto sim = Make(scenario);
  const SimulationReport report = sim->Run();
  std::map<std::string, uint64_t> by_id;
  uint64_t uncertain = 0;
  for (uint64_t i = 0; i < report.count; ++i) {
    int c = -1;
    std::string raw;
    const Request request = sim->GenerateRequest(i, &c, &raw);
    const ChainEvaluation ev =
        AuthorizeReference(sim->ReferenceChain(c), RawQueryView(request, raw));
    if (ev.result.uncertain == 0) continue;
    ++uncertain;
    for (const std::string& id : DecisionIdNames(ev.result.uncertain)) ++by_id[id];
  }
  EXPECT_EQ(report.uncertain.unverified, 0u);
  EXPECT_EQ(report.uncertain.uncertain, uncertain);
  EXPECT_EQ(report.uncertain.by_id, by_id);
  EXPECT_GT(uncertain, 0u);
}

TEST(SimulateTest, SameSeedSameReportWhateverTheThreads) {
  Scenario scenario = Load(kScenario);
  scenario.count = 3 * kSimulationChunk + 123;  // several chunks, a partial one
  SimulationOptions one, three, seven;
  one.threads = 1;
  three.threads = 3;
  seven.threads = 7;
  const std::string a = DeterministicJson(Make(scenario, one)->Run());
  const std::string b = DeterministicJson(Make(scenario, three)->Run());
  const std::string c = DeterministicJson(Make(scenario, seven)->Run());
  const std::string again = DeterministicJson(Make(scenario, one)->Run());
  // The thread count is part of the report; compare the rest.
  auto strip = [](std::string s) {
    const size_t at = s.find("\"threads\"");
    return s.erase(at, s.find('\n', at) - at);
  };
  EXPECT_EQ(strip(a), strip(b));
  EXPECT_EQ(strip(a), strip(c));
  EXPECT_EQ(a, again);
  SimulationOptions other_seed;
  other_seed.seed = 8;
  other_seed.threads = 1;
  EXPECT_NE(strip(a), strip(DeterministicJson(Make(scenario, other_seed)->Run())));
}

// The engine classes requests without random values by number (matching
// expectation and reference uncertainty ids per class); a caller whose query
// choices have too many combinations turns the class table off, and the
// engine matches each request and caches ids by hashed class instead. A
// never-drawn caller of that kind must change nothing else. (The per-caller
// rendering tables are checked request by request above.)
TEST(SimulateTest, ClassTableChangesNothing) {
  const Scenario plain = Load(kScenario);
  std::string text = kScenario;
  std::string keys;
  for (const char* key : {"k1", "k2", "k3"}) {
    keys += std::string("        ") + key + ": {";
    for (int i = 0; i < 20; ++i) keys += (i ? ", v" : "v") + std::to_string(i) + ": 1";
    keys += "}\n";
  }
  const std::string extra = "  - name: wide\n    weight: 0\n    sourceVpcOwnerAccount: \"333333333333\"\n"
                            "    mix:\n      query:\n" + keys;
  text.insert(text.find("callers:\n") + 9, extra);  // first caller: weight 0, 8000 combinations
  const Scenario wide = Load(text);
  ASSERT_EQ(wide.callers.size(), plain.callers.size() + 1);
  for (int threads : {1, 3}) {
    SimulationOptions o;
    o.threads = threads;
    o.count = 3 * kSimulationChunk + 11;
    const SimulationReport a = Make(plain, o)->Run();
    const SimulationReport b = Make(wide, o)->Run();
    EXPECT_EQ(a.totals, b.totals);
    EXPECT_EQ(a.by_layer, b.by_layer);
    EXPECT_EQ(a.unmatched, b.unmatched);
    EXPECT_EQ(a.violations, b.violations);
    EXPECT_EQ(a.uncertain.flagged, b.uncertain.flagged);
    EXPECT_EQ(a.uncertain.uncertain, b.uncertain.uncertain);
    EXPECT_EQ(a.uncertain.unverified, b.uncertain.unverified);
    EXPECT_EQ(a.uncertain.by_id, b.uncertain.by_id);
    ASSERT_EQ(a.expectations.size(), b.expectations.size());
    for (size_t e = 0; e < a.expectations.size(); ++e) {
      EXPECT_EQ(a.expectations[e].matched, b.expectations[e].matched) << e;
      EXPECT_EQ(a.expectations[e].by_decision, b.expectations[e].by_decision) << e;
      ASSERT_EQ(a.expectations[e].samples.size(), b.expectations[e].samples.size()) << e;
      for (size_t i = 0; i < a.expectations[e].samples.size(); ++i) {
        EXPECT_EQ(a.expectations[e].samples[i].request_json,
                  b.expectations[e].samples[i].request_json);
      }
    }
    ASSERT_EQ(a.statements.size(), b.statements.size());
    for (size_t i = 0; i < a.statements.size(); ++i) {
      EXPECT_EQ(a.statements[i].hits, b.statements[i].hits) << i;
    }
  }
}

TEST(SimulateTest, GenerateRequestIsAPureFunctionOfSeedAndIndex) {
  const Scenario scenario = Load(kScenario);
  auto a = Make(scenario);
  auto b = Make(scenario);
  for (uint64_t i : {0ull, 1ull, 999ull, 123456789ull}) {
    EXPECT_EQ(RequestToJson(a->GenerateRequest(i)), RequestToJson(b->GenerateRequest(i)));
  }
  EXPECT_NE(RequestToJson(a->GenerateRequest(0)) + RequestToJson(a->GenerateRequest(1)) +
                RequestToJson(a->GenerateRequest(2)),
            RequestToJson(a->GenerateRequest(3)) + RequestToJson(a->GenerateRequest(4)) +
                RequestToJson(a->GenerateRequest(5)));
}

TEST(SimulateTest, WeightsShapeTheStream) {
  const Scenario scenario = Load(kScenario);
  auto sim = Make(scenario);
  std::array<int, 4> per_caller{};
  int connect = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    int c = 0;
    Request r = sim->GenerateRequest(i, &c);
    ++per_caller[c];
    connect += r.action == "vpc-lattice-svcs:Connect";
  }
  // Weights 3:1:2:1 and Connect 1/20, within generous bounds.
  EXPECT_NEAR(per_caller[0] / double(n), 3.0 / 7, 0.02);
  EXPECT_NEAR(per_caller[1] / double(n), 1.0 / 7, 0.02);
  EXPECT_NEAR(per_caller[2] / double(n), 2.0 / 7, 0.02);
  EXPECT_NEAR(connect / double(n), 0.05, 0.01);
}

TEST(SimulateTest, ShadowDiffMatchesTheReference) {
  const Scenario scenario = Load(kScenario);
  // The candidate drops the method condition from AllowBlue and AllowGreen
  // and adds a deny of DELETE.
  ParseResult shadow = ParsePolicy(
      "{\"Version\":\"2012-10-17\",\"Statement\":["
      "{\"Sid\":\"AllowBlue\",\"Effect\":\"Allow\",\"Principal\":\"*\","
      "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{"
      "\"vpc-lattice-svcs:RequestQueryString/q\":\"blue\","
      "\"vpc-lattice-svcs:SourceVpcOwnerAccount\":\"111111111111\"}}},"
      "{\"Sid\":\"NoDelete\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\","
      "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{"
      "\"vpc-lattice-svcs:RequestMethod\":\"DELETE\"}}}]}");
  ASSERT_TRUE(shadow.ok()) << FormatIssues(shadow.issues, "shadow");
  SimulationOptions options;
  options.shadow_service_policy = shadow.doc;
  options.shadow_name = "candidate.json";
  auto sim = Make(scenario, options);
  const SimulationReport report = sim->Run();
  ASSERT_TRUE(report.shadow.enabled);
  uint64_t a2d = 0, d2a = 0, changed = 0;
  std::array<uint64_t, 3> totals{};
  std::vector<uint64_t> a2d_index, d2a_index;
  for (uint64_t i = 0; i < report.count; ++i) {
    int c = -1;
    std::string raw;
    const Request request = sim->GenerateRequest(i, &c, &raw);
    const RequestView view = RawQueryView(request, raw);
    ChainPolicies chain = sim->ReferenceChain(c);
    const DecisionKind before = AuthorizeReference(chain, view).result.decision;
    chain.service_policy = &shadow.doc;
    const DecisionKind after = AuthorizeReference(chain, view).result.decision;
    ++totals[static_cast<int>(after)];
    const bool was = before == DecisionKind::kAllow, now = after == DecisionKind::kAllow;
    if (was && !now) {
      ++a2d;
      a2d_index.push_back(i);
    } else if (!was && now) {
      ++d2a;
      d2a_index.push_back(i);
    } else if (before != after) {
      ++changed;
    }
  }
  EXPECT_EQ(report.shadow.totals, totals);
  EXPECT_EQ(report.shadow.allowed_to_denied, a2d);
  EXPECT_EQ(report.shadow.denied_to_allowed, d2a);
  EXPECT_EQ(report.shadow.deny_kind_changed, changed);
  EXPECT_GT(a2d, 0u);  // green loses its statement
  EXPECT_GT(d2a, 0u);  // blue POST is now allowed
  ASSERT_EQ(report.shadow.allowed_to_denied_samples.size(), std::min<size_t>(3, a2d));
  ASSERT_EQ(report.shadow.denied_to_allowed_samples.size(), std::min<size_t>(3, d2a));
  for (size_t k = 0; k < report.shadow.allowed_to_denied_samples.size(); ++k) {
    EXPECT_EQ(report.shadow.allowed_to_denied_samples[k].index, a2d_index[k]);
    EXPECT_EQ(report.shadow.allowed_to_denied_samples[k].decision, DecisionKind::kAllow);
  }
  for (size_t k = 0; k < report.shadow.denied_to_allowed_samples.size(); ++k) {
    EXPECT_EQ(report.shadow.denied_to_allowed_samples[k].index, d2a_index[k]);
    EXPECT_EQ(report.shadow.denied_to_allowed_samples[k].shadow_decision, DecisionKind::kAllow);
  }
  EXPECT_THAT(ReportToText(report), ::testing::HasSubstr("Shadow policy candidate.json"));
}

// Regression: a candidate that breaks an expectation used to pass (`Result:
// all N expectations hold`, exit 0). The expectations are now checked against
// the candidate chain, per expectation and per caller, and every violation
// sample names the deciding statement with its explanation.
TEST(SimulateTest, ShadowChecksExpectationsAgainstTheCandidate) {
  const Scenario scenario = Load(kScenario);
  ParseResult shadow = ParsePolicy(
      "{\"Version\":\"2012-10-17\",\"Statement\":["
      "{\"Sid\":\"AllowEveryone\",\"Effect\":\"Allow\",\"Principal\":\"*\","
      "\"Action\":\"*\",\"Resource\":\"*\"}]}");
  ASSERT_TRUE(shadow.ok()) << FormatIssues(shadow.issues, "shadow");
  SimulationOptions options;
  options.shadow_service_policy = shadow.doc;
  options.shadow_name = "open.json";
  auto sim = Make(scenario, options);
  const SimulationReport report = sim->Run();
  const size_t n_exp = scenario.expectations.size();
  std::vector<std::vector<uint64_t>> by_caller(n_exp,
                                               std::vector<uint64_t>(scenario.callers.size()));
  std::vector<uint64_t> violations(n_exp), first(n_exp, UINT64_MAX);
  for (uint64_t i = 0; i < report.count; ++i) {
    int c = -1;
    std::string raw;
    const Request request = sim->GenerateRequest(i, &c, &raw);
    const int e = sim->MatchExpectation(c, request);
    if (e < 0) continue;
    ChainPolicies chain = sim->ReferenceChain(c);
    chain.service_policy = &shadow.doc;
    const DecisionKind after =
        AuthorizeReference(chain, RawQueryView(request, raw)).result.decision;
    if (!OutcomeSatisfies(scenario.expectations[e].expect, after)) {
      ++violations[e];
      ++by_caller[e][c];
      first[e] = std::min(first[e], i);
    }
  }
  uint64_t total = 0;
  for (size_t e = 0; e < n_exp; ++e) {
    const ExpectationResult& er = report.expectations[e];
    EXPECT_EQ(er.shadow_violations, violations[e]) << "expectation " << e;
    EXPECT_EQ(er.shadow_violations_by_caller, by_caller[e]) << "expectation " << e;
    total += violations[e];
    if (violations[e] == 0) continue;
    ASSERT_FALSE(er.shadow_samples.empty());
    EXPECT_EQ(er.shadow_samples[0].index, first[e]);
    if (er.shadow_samples[0].shadow_decision == DecisionKind::kAllow) {
      EXPECT_EQ(er.shadow_samples[0].statement, "service #0 AllowEveryone");
    }
    EXPECT_FALSE(er.shadow_samples[0].explanation.empty());
  }
  EXPECT_GT(total, 0u);  // green may now read blue
  EXPECT_EQ(report.shadow.violations, total);
  EXPECT_FALSE(report.expectations_hold());
  const std::string text = ReportToText(report);
  EXPECT_THAT(text, ::testing::HasSubstr("Violated by the candidate #"));
  EXPECT_THAT(text, ::testing::HasSubstr("decided by service #0 AllowEveryone"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("expectations hold")));
}

// The shipped scenario holds for its policy; a candidate that lets green
// read blue must fail it, naming green and the candidate's statement.
TEST(SimulateTest, ShippedScenarioFailsForACandidateThatOpensBlue) {
  ScenarioLoadResult loaded = LoadScenarioFile(kShared + "/scenario.yaml");
  ASSERT_TRUE(loaded.ok()) << FormatIssues(loaded.issues, "scenario.yaml");
  ParseResult shadow = ParsePolicy(
      "{\"Version\":\"2012-10-17\",\"Statement\":["
      "{\"Sid\":\"OpenToAll\",\"Effect\":\"Allow\",\"Principal\":\"*\","
      "\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}");
  ASSERT_TRUE(shadow.ok());
  SimulationOptions options;
  options.count = 20000;
  options.shadow_service_policy = shadow.doc;
  options.shadow_name = "open.json";
  auto sim = Make(loaded.scenario, options);
  const SimulationReport report = sim->Run();
  EXPECT_EQ(report.violations, 0u);
  EXPECT_GT(report.shadow.violations, 0u);
  EXPECT_FALSE(report.expectations_hold());
  const std::string text = ReportToText(report);
  EXPECT_THAT(text, ::testing::HasSubstr("expectations violated by the candidate open.json"));
  EXPECT_THAT(text, ::testing::HasSubstr("decided by service #0 OpenToAll"));
  const std::string json = DeterministicJson(report);
  EXPECT_THAT(json, ::testing::HasSubstr("\"result\": \"fail\""));
  EXPECT_THAT(json, ::testing::HasSubstr("\"violationsByCaller\""));
}

// Violation samples of the scenario's own chain carry their explanation too:
// an implicit deny names the closest Allow statement and what failed.
TEST(SimulateTest, ViolationSamplesCarryTheirExplanation) {
  const Scenario scenario = Load(kScenario);
  auto sim = Make(scenario);
  const SimulationReport report = sim->Run();
  int explained = 0;
  for (const ExpectationResult& er : report.expectations) {
    for (const SimulationSample& smp : er.samples) {
      EXPECT_FALSE(smp.explanation.empty()) << er.name;
      ++explained;
    }
  }
  EXPECT_GT(explained, 0);
}

TEST(SimulateTest, EmptyRunAndPassingRun) {
  Scenario scenario = Load(kScenario);
  SimulationOptions none;
  none.count = 0;
  SimulationReport empty = Make(scenario, none)->Run();
  EXPECT_EQ(empty.totals, (std::array<uint64_t, 3>{}));
  EXPECT_TRUE(empty.expectations_hold());

  ScenarioLoadResult shipped = LoadScenarioFile(kShared + "/scenario.yaml");
  ASSERT_TRUE(shipped.ok());
  SimulationOptions small;
  small.count = 50000;
  SimulationReport report = Make(shipped.scenario, small)->Run();
  EXPECT_TRUE(report.expectations_hold()) << ReportToText(report);
  EXPECT_EQ(report.unmatched, 0u);
  EXPECT_GT(report.totals[0], 0u);
  EXPECT_THAT(ReportToText(report), ::testing::HasSubstr("Result: all 7 expectations hold"));
}

TEST(SimulateTest, JsonReportShape) {
  const Scenario scenario = Load(kScenario);
  const SimulationReport report = Make(scenario)->Run();
  const std::string json = ReportToJson(report);
  for (const char* key : {"\"totals\"", "\"callers\"", "\"statements\"", "\"expectations\"",
                          "\"uncertain\"", "\"timing\"", "\"result\": \"fail\""}) {
    EXPECT_THAT(json, ::testing::HasSubstr(key));
  }
  EXPECT_THAT(DeterministicJson(report), ::testing::Not(::testing::HasSubstr("\"timing\"")));
}

TEST(SimulateTest, CreateRejectsAScenarioWithoutCallers) {
  Scenario empty;
  EXPECT_FALSE(Simulation::Create(empty).ok());
}

}  // namespace
}  // namespace latticepol
