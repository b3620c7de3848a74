// File: src/internal/yaml_util.h
// Stage: generate (internal). Small yaml-cpp helpers shared by the topology
// reader and the generators: source locations from yaml-cpp marks, JSON
// pointers, did-you-mean suggestions and quoted emission. yaml-cpp throws;
// every function here that calls into it catches, so nothing escapes.
#ifndef LATTICEPOL_INTERNAL_YAML_UTIL_H_
#define LATTICEPOL_INTERNAL_YAML_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "latticepol/issue.h"
#include "yaml-cpp/yaml.h"

namespace latticepol::internal {

// absl 20220623 on Debian has its own string_view type; these adapt
// std::string_view arguments for absl's string functions.
inline absl::string_view Av(std::string_view s) { return {s.data(), s.size()}; }
template <typename T>
const T& Av(const T& v) {
  return v;
}
template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(Av(args)...);
}
template <typename... Args>
void Append(std::string* out, const Args&... args) {
  absl::StrAppend(out, Av(args)...);
}

// Converts a yaml-cpp mark (0-based) to a 1-based SourceLocation.
SourceLocation LocationFromMark(const YAML::Mark& mark, std::string pointer);

// Appends one escaped reference token to a JSON pointer.
std::string PointerAppend(std::string_view pointer, std::string_view token);
std::string PointerAppend(std::string_view pointer, size_t index);

// Returns the candidate closest to `name` (Levenshtein distance, at most a
// third of the length, minimum 2), or "" when none is close.
std::string ClosestName(std::string_view name,
                        const std::vector<std::string_view>& candidates);

// `blue-team` -> `BlueTeam` (statement ids are derived from consumer names).
std::string PascalCase(std::string_view name);

// Returns true iff a scalar node was written plain (unquoted) and resolves to
// a YAML 1.2 core-schema bool, null, int or float. Such scalars keep their
// plain style when a stack file is merged, so their type does not change.
bool IsPlainTypedScalar(const YAML::Node& node);

// Emits `node` into `out`, double-quoting every scalar except the plain typed
// ones above. Maps and sequences use block style.
void EmitNodeQuoted(const YAML::Node& node, YAML::Emitter* out);

// yaml-cpp reads JSON except for tab indentation. When `text` looks like JSON
// (first non-blank character `{` or `[`), returns it with every tab replaced by
// a space: JSON strings cannot hold raw tabs, and offsets and columns stay the
// same. Other text is returned unchanged.
std::string TabsToSpacesIfJson(std::string_view text);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_YAML_UTIL_H_
