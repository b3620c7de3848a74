// File: bench/bench_util.h
// Helpers shared by the benchmarks (not a benchmark itself: the build picks
// up bench/*_bench.cc only).
#ifndef LATTICEPOL_BENCH_BENCH_UTIL_H_
#define LATTICEPOL_BENCH_BENCH_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "latticepol/parse.h"

namespace latticepol::bench {

// The content of a file of the source tree (`relative` to its root, e.g.
// "policies/shared-service/auth-policy.json"); "" when it cannot be read.
inline std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The policy document at `relative` (as ReadFile); prints why and aborts
// when it does not parse.
inline PolicyDocument MustParse(const std::string& relative) {
  auto doc = ParsePolicyOrStatus(ReadFile(relative));
  if (!doc.ok()) {
    std::fprintf(stderr, "%s: %s\n", relative.c_str(),
                 std::string(doc.status().message()).c_str());
    std::abort();
  }
  return *std::move(doc);
}

}  // namespace latticepol::bench

#endif  // LATTICEPOL_BENCH_BENCH_UTIL_H_
