// File: src/workflow/internal/reachability.h
// Stage: report (internal). Groups a simulation's request-class cells
// (SimulationReport::classes) into the columns of the reachability matrix.
//
// GROUPING. Within a dimension (method, path, a query key), two values are
// merged when every cell that differs only in that value shows the same
// outcome: the same set of decisions, the same candidate (--shadow)
// decisions and the same deciding statements. Cells the run never produced
// are ignored, so a value joins the first group it agrees with wherever both
// were observed. Merging is repeated over all
// dimensions until nothing changes; a dimension left with one group is
// dropped. This reads only the observed outcomes (no policy semantics): the
// columns are the request classes the policy distinguished in this run.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_REACHABILITY_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_REACHABILITY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "latticepol/simulate.h"

namespace latticepol::internal {

struct MatrixCell {
  bool present = false;  // some request of this caller fell in this column
  std::array<uint64_t, 3> decisions{};
  std::array<uint64_t, 3> shadow{};
  std::array<int, 3> statement{-1, -1, -1};  // see RequestClassCell::statement
  uint64_t total() const { return decisions[0] + decisions[1] + decisions[2]; }
};

struct MatrixColumn {
  // Per kept dimension: its name and the values of this column's group.
  std::vector<std::pair<std::string, std::vector<std::string>>> parts;
  bool other = false;  // the sum of the columns beyond the limit
  int merged = 0;      // other: how many columns it sums
  uint64_t total = 0;
};

struct ReachabilityMatrix {
  std::vector<std::string> dropped;  // dimensions no outcome depended on
  std::vector<MatrixColumn> columns;
  std::vector<std::vector<MatrixCell>> cells;  // [caller][column]
};

// Groups `report.classes`; at most `max_columns` columns (the busiest ones,
// then one "other" column).
ReachabilityMatrix GroupRequestClasses(const SimulationReport& report, int max_columns);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_REACHABILITY_H_
