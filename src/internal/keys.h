// File: src/internal/keys.h
// The canonical key spellings, for the parser's did-you-mean and K2
// diagnostics. The key table itself (and IsCaseNearMissKey) lives in
// internal/semantics.h.
#ifndef LATTICEPOL_INTERNAL_KEYS_H_
#define LATTICEPOL_INTERNAL_KEYS_H_

#include <string_view>
#include <vector>

#include "internal/semantics.h"

namespace latticepol::internal {

// Returns the canonical key spellings in table order; entries ending in '/'
// are key families that take a suffix (`vpc-lattice-svcs:RequestHeader/`).
const std::vector<std::string_view>& CanonicalKeyNames();

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_KEYS_H_
