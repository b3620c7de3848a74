// File: src/workflow/internal/yaml_util.cc
// Stage: generate (internal). yaml-cpp helpers: input checks, marks,
// pointers, quoted emission.
#include "workflow/internal/yaml_util.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "internal/json_reader.h"
#include "internal/strings.h"
#include "re2/re2.h"
#include "yaml-cpp/anchor.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/parser.h"

namespace latticepol::internal {

SourceLocation LocationFromMark(const YAML::Mark& mark, std::string pointer) {
  SourceLocation loc;
  loc.json_pointer = std::move(pointer);
  if (!mark.is_null()) {
    loc.offset = mark.pos;
    loc.line = mark.line + 1;
    loc.column = mark.column + 1;
  }
  return loc;
}

bool CheckYamlText(std::string_view text, const YamlDocumentKind& kind,
                   std::vector<Issue>* issues) {
  Issue issue;
  int64_t bad = -1;
  if (text.size() > kMaxYamlDocumentBytes) {
    issue.code = std::string(kind.too_large_code);
    // "more than": a file reader may have stopped reading past the limit.
    issue.message =
        StrCat("the ", kind.name, " has more than ", kMaxYamlDocumentBytes, " bytes, the limit");
    issues->push_back(std::move(issue));
    return false;
  }
  const size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    bad = static_cast<int64_t>(nul);
    issue.message = "invalid yaml: nul byte";
  } else if (!IsValidUtf8(text, &bad)) {
    issue.message = StrCat("invalid yaml: invalid utf-8 byte ",
                           QuoteForMessage(text.substr(static_cast<size_t>(bad), 1)),
                           ": save the file as utf-8");
  } else {
    return true;
  }
  issue.code = std::string(kind.syntax_code);
  issue.location.offset = bad;
  OffsetToLineColumn(text, bad, &issue.location.line, &issue.location.column);
  issues->push_back(std::move(issue));
  return false;
}

namespace {

// Counts the scalar bytes and nodes a document holds once its aliases are
// expanded, in one pass over the parser's events: an anchored node's size is
// the growth of the running totals between its start and its end (aliases
// inside it already expanded), and an alias adds its anchor's size.
class AliasBudget : public YAML::EventHandler {
 public:
  struct Exceeded {
    YAML::Mark mark;
  };

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { Leaf(anchor, 0); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor < sizes_.size()) {
      alias_bytes_ += sizes_[anchor].bytes;
      alias_nodes_ += sizes_[anchor].nodes;
      bytes_ += sizes_[anchor].bytes;
      nodes_ += sizes_[anchor].nodes;
    }
    if (alias_bytes_ > kMaxYamlAliasBytes || alias_nodes_ > kMaxYamlAliasNodes) {
      throw Exceeded{mark};
    }
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    Leaf(anchor, value.size());
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(anchor);
  }
  void OnMapEnd() override { Close(); }

  const YAML::Mark& document_start() const { return document_start_; }

 private:
  struct Size {
    uint64_t bytes = 0, nodes = 0;
  };
  struct Frame {
    YAML::anchor_t anchor;
    Size start;
  };
  void Record(YAML::anchor_t anchor, Size size) {
    if (anchor == YAML::NullAnchor) return;
    if (anchor >= sizes_.size()) sizes_.resize(anchor + 1);
    sizes_[anchor] = size;
  }
  void Leaf(YAML::anchor_t anchor, uint64_t bytes) {
    bytes_ += bytes;
    ++nodes_;
    Record(anchor, Size{bytes, 1});
  }
  void Open(YAML::anchor_t anchor) {
    stack_.push_back(Frame{anchor, Size{bytes_, nodes_}});
    ++nodes_;
  }
  void Close() {
    if (stack_.empty()) return;
    const Frame f = stack_.back();
    stack_.pop_back();
    Record(f.anchor, Size{bytes_ - f.start.bytes, nodes_ - f.start.nodes});
  }

  std::vector<Size> sizes_;  // by anchor id
  std::vector<Frame> stack_;
  uint64_t bytes_ = 0, nodes_ = 0;
  uint64_t alias_bytes_ = 0, alias_nodes_ = 0;
  YAML::Mark document_start_ = YAML::Mark::null_mark();
};

}  // namespace

bool CheckYamlStructure(std::string_view text, const YamlDocumentKind& kind,
                        std::vector<Issue>* issues) {
  std::istringstream in{std::string(text)};
  AliasBudget budget;
  Issue issue;
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(budget)) return true;
    if (!parser.HandleNextDocument(budget)) return true;
    issue.code = std::string(kind.syntax_code);
    issue.message = StrCat("invalid yaml: a second document; a ", kind.name,
                           " is one YAML document");
    issue.location = LocationFromMark(budget.document_start(), "");
  } catch (const AliasBudget::Exceeded& e) {
    issue.code = std::string(kind.too_large_code);
    issue.message = StrCat("aliases expand the ", kind.name, " beyond ", kMaxYamlAliasBytes,
                           " bytes or ", kMaxYamlAliasNodes, " nodes of repeated content, the limit");
    issue.location = LocationFromMark(e.mark, "");
  } catch (const YAML::Exception&) {
    return true;  // the loader reports syntax errors with their position
  }
  issues->push_back(std::move(issue));
  return false;
}

Issue YamlExceptionIssue(const YAML::Exception& e, std::string_view text,
                         const YamlDocumentKind& kind) {
  Issue issue;
  issue.code = std::string(kind.syntax_code);
  issue.message = StrCat("invalid yaml: ", EscapeForMessage(e.msg));
  issue.location = LocationFromMark(e.mark, "");
  if (issue.location.offset > static_cast<int64_t>(text.size())) {
    issue.location.offset = static_cast<int64_t>(text.size());
    OffsetToLineColumn(text, issue.location.offset, &issue.location.line, &issue.location.column);
  }
  return issue;
}

std::string PointerAppend(std::string_view pointer, std::string_view token) {
  return StrCat(pointer, "/", EscapeJsonPointerToken(token));
}

std::string PointerAppend(std::string_view pointer, size_t index) {
  return StrCat(pointer, "/", index);
}

std::string PascalCase(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    out += upper ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c;
    upper = false;
  }
  return out;
}

bool IsPlainTypedScalar(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() != "?") return false;
  // YAML 1.2 core schema (bool, null, int, float).
  static const LazyRE2 kTyped = {
      R"((?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~)"
      R"(|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
      R"(|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
      R"(|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)))"};
  const std::string& text = node.Scalar();
  // A leading zero would be lost if the value were read as a number (P2).
  if (text.size() > 1 && text[0] == '0' && absl::ascii_isdigit(text[1])) return false;
  return RE2::FullMatch(text, *kTyped);
}

void EmitNodeQuoted(const YAML::Node& node, YAML::Emitter* out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      *out << YAML::BeginMap;
      for (const auto& kv : node) {
        *out << YAML::Key;
        if (kv.first.IsScalar()) {
          *out << kv.first.Scalar();  // keys stay plain unless they need quotes
        } else {
          EmitNodeQuoted(kv.first, out);
        }
        *out << YAML::Value;
        EmitNodeQuoted(kv.second, out);
      }
      *out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      *out << YAML::BeginSeq;
      for (const auto& item : node) EmitNodeQuoted(item, out);
      *out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (IsPlainTypedScalar(node)) {
        *out << node.Scalar();
      } else {
        *out << YAML::DoubleQuoted << node.Scalar();
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      *out << YAML::Null;
      break;
  }
}

std::string TabsToSpacesIfJson(std::string_view text) {
  std::string out(text);
  size_t first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (out[first] != '{' && out[first] != '[')) {
    return out;
  }
  std::replace(out.begin(), out.end(), '\t', ' ');
  return out;
}

}  // namespace latticepol::internal
