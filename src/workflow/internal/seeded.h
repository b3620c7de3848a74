// File: src/workflow/internal/seeded.h
// Stage: simulate (shared). The seeded mixing of the simulator, in one place:
// a SplitMix64 step and the per-request seed MixSeed(seed, i), so request i
// of a run depends on (seed, i) alone. The testing generators
// (tests/testing/random.h) use the same functions.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_SEEDED_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_SEEDED_H_

#include <cstdint>

namespace latticepol::internal {

// Advances a SplitMix64 state and returns the next output.
inline uint64_t SplitMix64Next(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The seed of stream `index` under `base`: the second SplitMix64 output from
// base ^ (index * golden-ratio constant).
inline uint64_t MixSeed(uint64_t base, uint64_t index) {
  uint64_t state = base ^ (index * 0xD1B54A32D192ED03ull);
  SplitMix64Next(&state);
  return SplitMix64Next(&state);
}

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_SEEDED_H_
