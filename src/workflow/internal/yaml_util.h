// File: src/workflow/internal/yaml_util.h
// Stage: generate (internal). Small yaml-cpp helpers shared by the topology
// and scenario readers and the generators: input checks, source locations
// from yaml-cpp marks, JSON pointers and quoted emission. yaml-cpp throws;
// every function here that calls into it catches, so nothing escapes.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_YAML_UTIL_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_YAML_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "internal/strings.h"
#include "latticepol/issue.h"
#include "yaml-cpp/yaml.h"

namespace latticepol::internal {

// YAML documents (topologies, scenarios) over this many bytes are rejected
// before yaml-cpp sees them.
inline constexpr size_t kMaxYamlDocumentBytes = 1 << 20;

// What the checks below call the document and which issue codes they use.
struct YamlDocumentKind {
  std::string_view name;            // "topology", "scenario"
  std::string_view syntax_code;     // for syntax and encoding errors
  std::string_view too_large_code;  // for documents over kMaxYamlDocumentBytes
};

// Checks what yaml-cpp does not: the size limit, NUL bytes and invalid UTF-8
// (yaml-cpp accepts both inside scalars). Returns false after appending one
// issue (located at the first bad byte) if `text` must not be loaded.
bool CheckYamlText(std::string_view text, const YamlDocumentKind& kind, std::vector<Issue>* issues);

// Aliased content may add at most this many scalar bytes, and this many
// nodes, to a document once every alias is expanded: an alias of a large
// string repeated many times ("billion laughs") is refused before anything
// walks the expanded tree.
inline constexpr uint64_t kMaxYamlAliasBytes = kMaxYamlDocumentBytes;
inline constexpr uint64_t kMaxYamlAliasNodes = 100000;

// Checks the document's structure with yaml-cpp's event parser before it is
// loaded: the expanded size of aliased content (limits above; issue
// `too_large_code`, located at the alias that crosses the limit) and a second
// YAML document (issue `syntax_code`, located at its start). Syntax errors are
// left to the loader, which reports them with their position. Returns false
// after appending one issue if `text` must not be loaded.
bool CheckYamlStructure(std::string_view text, const YamlDocumentKind& kind,
                        std::vector<Issue>* issues);

// The issue for a yaml-cpp exception thrown while reading `text`: the message
// escaped (yaml-cpp quotes input bytes) and the mark clamped to the text.
Issue YamlExceptionIssue(const YAML::Exception& e, std::string_view text,
                         const YamlDocumentKind& kind);

// Converts a yaml-cpp mark (0-based) to a 1-based SourceLocation.
SourceLocation LocationFromMark(const YAML::Mark& mark, std::string pointer);

// Appends one escaped reference token to a JSON pointer.
std::string PointerAppend(std::string_view pointer, std::string_view token);
std::string PointerAppend(std::string_view pointer, size_t index);

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

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_YAML_UTIL_H_
