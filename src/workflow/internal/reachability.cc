// File: src/workflow/internal/reachability.cc
// Stage: report (internal). Partition refinement of request-class values by
// observed outcome, then the callers x columns matrix (see reachability.h).
#include "workflow/internal/reachability.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "internal/strings.h"

namespace latticepol::internal {
namespace {

// What a cell shows: which decisions occur, which candidate decisions occur,
// and the statement behind each decision that occurs.
std::string Outcome(const RequestClassCell& c) {
  std::string s;
  for (int k = 0; k < 3; ++k) {
    StrAppend(&s, c.decisions[k] != 0 ? "1" : "0", c.shadow_decisions[k] != 0 ? "1" : "0");
    if (c.decisions[k] != 0) StrAppend(&s, ":", c.statement[k]);
    s.push_back(',');
  }
  return s;
}

struct Values {
  std::vector<std::vector<std::string>> text;  // [dim] distinct values, first appearance first
  std::vector<std::vector<int>> of_cell;       // [cell][dim] index into text[dim]
  std::vector<std::vector<int>> group;         // [dim][value] group id
};

Values IndexValues(const SimulationReport& r) {
  Values v;
  const size_t dims = r.class_dimensions.size();
  v.text.resize(dims);
  for (const RequestClassCell& c : r.classes) {
    std::vector<int> idx(dims, 0);
    for (size_t d = 0; d < dims && d < c.values.size(); ++d) {
      auto& t = v.text[d];
      auto it = std::find(t.begin(), t.end(), c.values[d]);
      idx[d] = static_cast<int>(it - t.begin());
      if (it == t.end()) t.push_back(c.values[d]);
    }
    v.of_cell.push_back(std::move(idx));
  }
  for (const auto& t : v.text) {
    std::vector<int> g(t.size());
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<int>(i);
    v.group.push_back(std::move(g));
  }
  return v;
}

// Regroups the values of dimension `d` by signature; true if groups merged.
bool Refine(const SimulationReport& r, const std::vector<std::string>& outcome, size_t d,
            Values* v) {
  std::vector<std::map<std::string, std::set<std::string>>> sig(v->text[d].size());
  for (size_t i = 0; i < r.classes.size(); ++i) {
    std::string key = StrCat(r.classes[i].caller);
    for (size_t o = 0; o < v->text.size(); ++o) {
      if (o != d) StrAppend(&key, "/", v->group[o][v->of_cell[i][o]]);
    }
    sig[v->of_cell[i][d]][key].insert(outcome[i]);
  }
  // Greedy, in value order: a value joins the first group it agrees with on
  // every shared key (and shares at least one); keys a run never produced
  // (sparse classes) do not keep values apart. Equal signatures are found by
  // lookup; the pairwise search stops at kMaxGreedyGroups groups (bounded
  // time for a dimension with thousands of values).
  constexpr size_t kMaxGreedyGroups = 128;
  using Signature = std::map<std::string, std::set<std::string>>;
  std::map<Signature, int> exact;
  std::vector<Signature> groups;
  std::vector<int> group(sig.size());
  for (size_t value = 0; value < sig.size(); ++value) {
    auto known = exact.find(sig[value]);
    int found = known == exact.end() ? -1 : known->second;
    for (size_t g = 0; found < 0 && g < groups.size() && groups.size() < kMaxGreedyGroups; ++g) {
      bool shared = false, agree = true;
      for (const auto& [key, outcomes] : sig[value]) {
        auto it = groups[g].find(key);
        if (it == groups[g].end()) continue;
        shared = true;
        if (it->second != outcomes) agree = false;
      }
      if (shared && agree) found = static_cast<int>(g);
    }
    if (found < 0) {
      found = static_cast<int>(groups.size());
      groups.emplace_back();
    }
    groups[found].insert(sig[value].begin(), sig[value].end());
    exact.emplace(sig[value], found);
    group[value] = found;
  }
  const auto count = [](const std::vector<int>& g) {
    return std::set<int>(g.begin(), g.end()).size();
  };
  const bool merged = count(group) < count(v->group[d]);
  v->group[d] = std::move(group);
  return merged;
}

void AddCell(const RequestClassCell& c, MatrixCell* m) {
  m->present = true;
  for (int k = 0; k < 3; ++k) {
    m->decisions[k] += c.decisions[k];
    m->shadow[k] += c.shadow_decisions[k];
    if (m->statement[k] < 0 && c.decisions[k] != 0) m->statement[k] = c.statement[k];
  }
}

}  // namespace

ReachabilityMatrix GroupRequestClasses(const SimulationReport& r, int max_columns) {
  ReachabilityMatrix m;
  Values v = IndexValues(r);
  std::vector<std::string> outcome;
  for (const RequestClassCell& c : r.classes) outcome.push_back(Outcome(c));
  for (int round = 0; round < 16; ++round) {
    bool merged = false;
    for (size_t d = 0; d < v.text.size(); ++d) merged |= Refine(r, outcome, d, &v);
    if (!merged) break;
  }
  std::vector<size_t> kept;
  for (size_t d = 0; d < v.text.size(); ++d) {
    const std::set<int> groups(v.group[d].begin(), v.group[d].end());
    if (groups.size() > 1) {
      kept.push_back(d);
    } else {
      m.dropped.push_back(r.class_dimensions[d]);
    }
  }
  // Columns: distinct tuples of group ids over the kept dimensions.
  std::map<std::vector<int>, std::vector<size_t>> by_key;  // -> cells
  for (size_t i = 0; i < r.classes.size(); ++i) {
    std::vector<int> key;
    for (size_t d : kept) key.push_back(v.group[d][v.of_cell[i][d]]);
    by_key[key].push_back(i);
  }
  std::vector<std::pair<MatrixColumn, std::vector<size_t>>> columns;
  for (const auto& [key, cells] : by_key) {
    MatrixColumn col;
    for (size_t j = 0; j < kept.size(); ++j) {
      std::vector<std::string> values;
      for (size_t value = 0; value < v.text[kept[j]].size(); ++value) {
        if (v.group[kept[j]][value] == key[j]) values.push_back(v.text[kept[j]][value]);
      }
      col.parts.emplace_back(r.class_dimensions[kept[j]], std::move(values));
    }
    for (size_t i : cells) {
      for (uint64_t n : r.classes[i].decisions) col.total += n;
    }
    columns.emplace_back(std::move(col), cells);
  }
  if (max_columns > 0 && columns.size() > static_cast<size_t>(max_columns)) {
    std::vector<size_t> order(columns.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return columns[a].first.total > columns[b].first.total;
    });
    std::vector<bool> keep(columns.size(), false);
    for (int i = 0; i + 1 < max_columns; ++i) keep[order[i]] = true;
    std::vector<std::pair<MatrixColumn, std::vector<size_t>>> shown;
    std::pair<MatrixColumn, std::vector<size_t>> other;
    other.first.other = true;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (keep[i]) {
        shown.push_back(std::move(columns[i]));
        continue;
      }
      ++other.first.merged;
      other.first.total += columns[i].first.total;
      other.second.insert(other.second.end(), columns[i].second.begin(), columns[i].second.end());
    }
    shown.push_back(std::move(other));
    columns = std::move(shown);
  }
  m.cells.assign(r.callers.size(), std::vector<MatrixCell>(columns.size()));
  for (size_t col = 0; col < columns.size(); ++col) {
    for (size_t i : columns[col].second) {
      const RequestClassCell& c = r.classes[i];
      if (c.caller >= 0 && static_cast<size_t>(c.caller) < m.cells.size()) {
        AddCell(c, &m.cells[c.caller][col]);
      }
    }
    m.columns.push_back(std::move(columns[col].first));
  }
  return m;
}

}  // namespace latticepol::internal
