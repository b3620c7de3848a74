// File: src/analysis/repeated.cc
// Stage: analysis. The atoms of a repeated query key (two or more values).
// What an element can observe of a set of values is fixed by how it reads
// several values (semantics.h ManyValues) and by its answer for each one
// value: ForAnyValue is the OR of the answers, ForAllValues the AND, a plain
// operator a constant. So the sets a key can carry fall into classes by the
// vector of those ORs and ANDs; every reachable vector is found by closing
// the one-value classes under union, breadth-first (smallest sets first).
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/engine.h"

namespace latticepol::analysis {
namespace {

constexpr size_t kMaxRepeatedAtoms = 4096;  // per key

// One answer the sets are told apart by: an element reading the key, under
// one action atom (when the element reads the action too).
struct Probe {
  int element = 0;
  int action = -1;
  bool all = false;  // ForAllValues (AND); else ForAnyValue (OR)
};

std::vector<Probe> ProbesFor(const Space& space, Elements* el, int f) {
  std::vector<Probe> probes;
  for (int e : el->Readers(f)) {
    const Element& element = el->at(e);
    if (element.many == ManyValues::kConstant) continue;
    bool reads_action = false;
    for (int d : element.deps) reads_action |= d == space.action_field();
    const int actions =
        reads_action ? static_cast<int>(space.fields[space.action_field()].atoms.size()) : 0;
    for (int x = reads_action ? 0 : -1; x < actions; ++x) {
      probes.push_back({e, x, element.many == ManyValues::kAll});
    }
  }
  return probes;
}

// Per one-value class atom: its answer for each probe ('0' / '1').
std::string Answers(const Space& space, Elements* el, int f, int atom,
                    const std::vector<Probe>& probes) {
  std::string out;
  Assignment a(space.fields.size(), 0);
  a[f] = atom;
  for (const Probe& p : probes) {
    a[space.action_field()] = p.action < 0 ? 0 : p.action;
    out.push_back(el->at(p.element).eval(space.Build(a), a) ? '1' : '0');
  }
  return out;
}

std::string Union(const std::string& set, const std::string& one, const std::vector<Probe>& probes) {
  std::string out = set;
  for (size_t i = 0; i < probes.size(); ++i) {
    const bool a = set[i] == '1', b = one[i] == '1';
    out[i] = (probes[i].all ? (a && b) : (a || b)) ? '1' : '0';
  }
  return out;
}

void ExpandField(Space* space, Elements* el, int f) {
  Field& field = space->fields[f];
  const std::vector<Probe> probes = ProbesFor(*space, el, f);
  // Distinct one-value classes by their answers (the others add nothing).
  std::vector<int> classes;
  std::vector<std::string> answers;
  {
    std::unordered_map<std::string, int> seen;
    for (size_t x = 0; x < field.first_repeated; ++x) {
      if (field.atoms[x].absent) continue;
      std::string v = Answers(*space, el, f, static_cast<int>(x), probes);
      if (seen.emplace(v, static_cast<int>(x)).second) {
        classes.push_back(static_cast<int>(x));
        answers.push_back(std::move(v));
      }
    }
  }
  // Breadth-first closure under union: states in order of set size.
  std::vector<std::pair<std::string, std::vector<size_t>>> states;  // answers, members
  std::unordered_map<std::string, size_t> index;
  for (size_t c = 0; c < classes.size(); ++c) {
    if (index.emplace(answers[c], states.size()).second) states.push_back({answers[c], {c}});
  }
  bool complete = true;
  for (size_t i = 0; i < states.size() && complete; ++i) {
    for (size_t c = 0; c < classes.size(); ++c) {
      std::string next = Union(states[i].first, answers[c], probes);
      if (index.count(next)) continue;
      if (states.size() >= kMaxRepeatedAtoms) {
        complete = false;
        break;
      }
      std::vector<size_t> members = states[i].second;
      members.push_back(c);
      index.emplace(next, states.size());
      states.push_back({std::move(next), std::move(members)});
    }
  }
  if (!complete) {
    space->Incomplete(field.label + ": more than " + std::to_string(kMaxRepeatedAtoms) +
                      " distinct sets of values are told apart; repeated keys are modelled in part");
  }
  for (const auto& [unused, members] : states) {
    FieldAtom atom;
    std::string d;
    for (size_t c : members) {
      const FieldAtom& one = field.atoms[classes[c]];
      atom.values.push_back(one.values[0]);
      std::string cd = one.description;
      if (cd.compare(0, kOneValue.size(), kOneValue) == 0) cd.erase(0, kOneValue.size());
      d += (d.empty() ? "" : "; ") + cd;
    }
    if (atom.values.size() == 1) atom.values.push_back(atom.values[0]);
    atom.description = "repeated {" + d + "}";
    field.atoms.push_back(std::move(atom));
  }
}

}  // namespace

void ExpandRepeated(Space* space, Elements* elements) {
  for (size_t f = 0; f < space->fields.size(); ++f) {
    if (space->fields[f].ref.kind != FieldKind::kQuery) continue;
    if (space->fields[f].atoms.size() != space->fields[f].first_repeated) continue;  // done
    ExpandField(space, elements, static_cast<int>(f));
  }
}

}  // namespace latticepol::analysis
