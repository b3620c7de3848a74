// File: src/internal/keys.h
// The condition-key table of docs/semantics.md §2.1/2.2, shared by the parser (did-you-mean
// and K2 diagnostics) and both evaluators (the K2 uncertainty rule), so there
// is one list of canonical spellings. Implemented in src/policy.cc next to
// ResolveConditionKey.
#ifndef LATTICEPOL_INTERNAL_KEYS_H_
#define LATTICEPOL_INTERNAL_KEYS_H_

#include <string_view>
#include <vector>

namespace latticepol::internal {

// Returns the canonical key spellings in table order; entries ending in '/'
// are key families that take a suffix (`vpc-lattice-svcs:RequestHeader/`).
const std::vector<std::string_view>& CanonicalKeyNames();

// Returns true iff `name` equals a canonical key, or starts with a key-family
// prefix, ASCII-case-insensitively. For a key that ResolveConditionKey leaves
// kUnknown this is the K2 "mis-cased canonical key" test.
bool IsCaseNearMissKey(std::string_view name);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_KEYS_H_
