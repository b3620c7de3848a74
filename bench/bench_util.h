// File: bench/bench_util.h
// Helpers shared by the benchmarks (not a benchmark itself: the build picks
// up bench/*_bench.cc only).
#ifndef LATTICEPOL_BENCH_BENCH_UTIL_H_
#define LATTICEPOL_BENCH_BENCH_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>

namespace latticepol::bench {

// The content of a file of the source tree (`relative` to its root, e.g.
// "policies/shared-service/auth-policy.json"); "" when it cannot be read.
inline std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace latticepol::bench

#endif  // LATTICEPOL_BENCH_BENCH_UTIL_H_
