// File: src/analysis/prove.cc
// Stage: analysis. ProveScenario: every expectation of a scenario over every
// request its callers can send. Expectation matching is the simulator's own
// (Simulation::MatchExpectation, first match wins) used as an element, so the
// proof and `simulate` cannot read a scenario differently.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/engine.h"
#include "internal/text.h"
#include "latticepol/analysis.h"
#include "latticepol/simulate.h"

namespace latticepol {
namespace analysis {
namespace {

void AddUnique(std::vector<std::string>* out, const std::string& v) {
  if (std::find(out->begin(), out->end(), v) == out->end()) out->push_back(v);
}

void MixFacts(const ScenarioMix& mix, std::vector<std::string>* actions,
              std::vector<int32_t>* ports) {
  for (const ScenarioChoice& c : mix.actions.choices) {
    if (c.kind == ScenarioChoice::Kind::kValue) AddUnique(actions, c.value);
  }
  for (const ScenarioChoice& c : mix.ports.choices) {
    if (c.kind != ScenarioChoice::Kind::kValue) continue;
    const int32_t p = std::atoi(c.value.c_str());
    if (std::find(ports->begin(), ports->end(), p) == ports->end()) ports->push_back(p);
  }
}

void AddLiteral(Field* field, const std::string& v) {
  field->AddGroup(SingleGroup(LiteralPredicate(v)));
}

// Fields and predicates the expectations read; returns, per expectation, the
// fields its match reads.
std::vector<std::vector<int>> ExpectationFields(const Scenario& sc, Space* space) {
  std::vector<std::vector<int>> out;
  for (const Expectation& e : sc.expectations) {
    const ExpectationMatch& m = e.match;
    std::vector<int> deps = {space->action_field(), space->caller_field()};
    if (!m.methods.empty()) deps.push_back(space->method_field());
    for (const std::string& v : m.methods) AddLiteral(&space->fields[space->method_field()], v);
    if (!m.paths.empty()) deps.push_back(space->path_field());
    for (const std::string& v : m.paths) {
      space->fields[space->path_field()].AddGroup(SingleGroup(StarGlobPredicate(v)));
    }
    if (!m.ports.empty() && !space->ports.empty()) {
      deps.push_back(space->FieldFor({FieldKind::kPort, ""}));
    }
    auto keys = [&](const std::vector<std::pair<std::string, ValueMatch>>& list, FieldKind kind) {
      for (const auto& [key, vm] : list) {
        const int f = space->FieldFor({kind, key});
        deps.push_back(f);
        for (const std::string& v : vm.values) AddLiteral(&space->fields[f], v);
        if (vm.values.size() >= 2) {
          space->Incomplete("expectation `" + e.name + "`: " + space->fields[f].label +
                            " as a list of values is matched only for the value classes' witnesses");
        }
      }
    };
    keys(m.query, FieldKind::kQuery);
    keys(m.headers, FieldKind::kHeader);
    out.push_back(std::move(deps));
  }
  for (size_t i = 1; i < out.size(); ++i) {  // first match wins: i reads 0..i-1 too
    out[i].insert(out[i].end(), out[i - 1].begin(), out[i - 1].end());
  }
  return out;
}

void ScenarioCallers(const Scenario& sc, const Simulation& sim, Space* space) {
  for (size_t i = 0; i < sc.callers.size(); ++i) {
    const ScenarioCaller& c = sc.callers[i];
    CallerAtom atom;
    atom.name = c.name;
    atom.description = c.name;
    atom.principal = c.principal;
    atom.source_vpc = c.source_vpc;
    atom.source_vpc_owner_account = c.source_vpc_owner_account;
    atom.service_network_arn = c.service_network_arn;
    const ChainPolicies chain = sim.ReferenceChain(static_cast<int>(i));
    atom.config = chain.config;
    atom.identity_policy = chain.identity_policy;
    atom.scenario_index = static_cast<int>(i);
    space->callers.push_back(std::move(atom));
  }
}

struct ProveSetup {
  Space space;
  std::unique_ptr<Elements> elements;
  std::optional<PolicyModel> service, network;
  std::vector<std::optional<PolicyModel>> identity;  // per caller
  std::vector<int> match;  // element per expectation
};

void BuildProveSetup(const Scenario& sc, const Simulation& sim, ProveSetup* s) {
  AnalysisContext context;
  context.service_arn = sc.service_arn.value_or("");
  context.resource_tags = sc.resource_tags;
  s->space = NewSpace(context);
  s->space.vpc_from_caller = true;
  s->space.actions.clear();
  MixFacts(sc.mix, &s->space.actions, &s->space.ports);
  for (const ScenarioCaller& c : sc.callers) MixFacts(c.mix, &s->space.actions, &s->space.ports);
  if (s->space.actions.empty()) s->space.actions.push_back(std::string(kInvokeAction));
  ScenarioCallers(sc, sim, &s->space);
  const std::vector<std::vector<int>> deps = ExpectationFields(sc, &s->space);
  if (sc.service_policy) CollectPredicates(*sc.service_policy, &s->space, "service");
  if (sc.network_policy) CollectPredicates(*sc.network_policy, &s->space, "network");
  for (const CallerAtom& c : s->space.callers) {
    if (c.identity_policy) CollectPredicates(*c.identity_policy, &s->space, "identity of " + c.name);
  }
  s->space.Partition();
  s->elements = std::make_unique<Elements>(&s->space);
  Elements* el = s->elements.get();
  if (sc.service_policy) s->service = ModelPolicy(*sc.service_policy, &s->space, el, "service");
  if (sc.network_policy) s->network = ModelPolicy(*sc.network_policy, &s->space, el, "network");
  for (const CallerAtom& c : s->space.callers) {
    s->identity.emplace_back();
    if (c.identity_policy) {
      s->identity.back() = ModelPolicy(*c.identity_policy, &s->space, el, "identity of " + c.name);
    }
  }
  const Space* space = &s->space;
  for (size_t e = 0; e < sc.expectations.size(); ++e) {
    Element m;
    m.deps = deps[e];
    m.eval = [&sim, space, e](const Request& r, const Assignment& a) {
      const int caller = space->callers[a[space->caller_field()]].scenario_index;
      return sim.MatchExpectation(caller, r) == static_cast<int>(e);
    };
    s->match.push_back(el->Add(std::move(m)));
  }
  ExpandRepeated(&s->space, el);
}

int FirstFree(const Element& e, const Assignment& a) {
  for (int d : e.deps) {
    if (a[d] < 0) return d;
  }
  return -1;
}

}  // namespace
}  // namespace analysis

absl::StatusOr<ProofResult> ProveScenario(const Scenario& scenario,
                                          const PolicyDocument* candidate) {
  Scenario sc = scenario;
  if (candidate != nullptr) sc.service_policy = *candidate;
  auto sim = Simulation::Create(sc);
  if (!sim.ok()) return sim.status();
  analysis::ProveSetup s;
  analysis::BuildProveSetup(sc, **sim, &s);
  analysis::ChainModel chain;
  chain.network = s.network ? &*s.network : nullptr;
  chain.service = s.service ? &*s.service : nullptr;
  chain.identity = s.identity;
  ProofResult result;
  bool searched_all = true;
  analysis::Verifier verifier;
  for (size_t e = 0; e < sc.expectations.size(); ++e) {
    const Expectation& exp = sc.expectations[e];
    const int m = s.match[e];
    auto visit = [&](const analysis::Assignment& a) {
      using analysis::Tri;
      using analysis::Verdict;
      analysis::Visit v;
      const Tri t = s.elements->Value(m, a);
      if (t == Tri::kFalse) return v;
      v.scoped = true;
      const analysis::Partial p = ChainDecision(chain, s.space, s.elements.get(), a, &v.live);
      if (p.known && OutcomeSatisfies(exp.expect, p.kind)) return analysis::Visit{};
      if (t == Tri::kTrue && p.known) {
        v.verdict = Verdict::kLeaf;
        return v;
      }
      if (t == Tri::kUnknown) v.live.push_back(m);
      v.verdict = Verdict::kSplit;
      v.field = analysis::MinNeed(t == Tri::kUnknown ? analysis::FirstFree(s.elements->at(m), a) : -1,
                                  p.known ? -1 : p.need);
      return v;
    };
    std::optional<analysis::Leaf> hit;
    searched_all &= analysis::Search(&s.space, s.elements.get(), visit,
                                     [&](const analysis::Leaf& l) { hit = l; }, {200000, 1});
    ExpectationProof proof;
    proof.name = exp.name;
    proof.expected = exp.expect;
    proof.holds = !hit.has_value();
    if (hit) {
      const Request request = s.space.Build(hit->assignment);
      const int caller = hit->assignment[s.space.caller_field()];
      const int index = s.space.callers[caller].scenario_index;
      if ((*sim)->MatchExpectation(index, request) != static_cast<int>(e)) {
        return absl::InternalError("analysis witness check failed: counterexample for `" +
                                   exp.name + "` does not match it");
      }
      const analysis::Partial p = ChainDecision(chain, s.space, s.elements.get(), hit->assignment);
      auto w = verifier.Check((*sim)->ReferenceChain(index), request, p.kind,
                              "prove `" + exp.name + "`");
      if (!w.ok()) return w.status();
      if (OutcomeSatisfies(exp.expect, w->decision)) {
        return absl::InternalError("analysis witness check failed: counterexample for `" +
                                   exp.name + "` satisfies it");
      }
      proof.caller = s.space.callers[caller].name;
      proof.counterexample = std::move(*w);
    }
    result.expectations.push_back(std::move(proof));
  }
  result.incomplete_reasons = s.space.incomplete;
  if (!searched_all) result.incomplete_reasons.push_back("search budget exhausted");
  result.complete = result.incomplete_reasons.empty();
  return result;
}

}  // namespace latticepol
