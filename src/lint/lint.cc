// File: src/lint/lint.cc
// Stage: lint. The driver (parse, then run the check table of checks.cc over
// the document), the pointer -> line:column locator, and the JSON and SARIF
// 2.1.0 renderings of findings.
#include "latticepol/lint.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/json_reader.h"
#include "internal/strings.h"
#include "lint/checks.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace lint {

Locator::Locator(std::string_view text) : text_(text) {
  internal::JsonReadOptions options;
  options.max_depth = internal::JsonReadOptions::kMaxSupportedDepth;
  ok_ = internal::ReadJson(text, options, &root_, nullptr);
}

const internal::JsonValue* Locator::Walk(std::string_view pointer, int64_t* offset) const {
  if (!ok_) return nullptr;
  const internal::JsonValue* v = &root_;
  *offset = root_.offset;
  size_t pos = 0;
  while (pos < pointer.size()) {
    if (pointer[pos] != '/') return nullptr;
    size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (size_t i = pos + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token.push_back(pointer[i + 1] == '0' ? '~' : '/');
        ++i;
      } else {
        token.push_back(pointer[i]);
      }
    }
    pos = end;
    if (v->is_object()) {
      const internal::JsonMember* m = v->Find(token);
      if (m == nullptr) return nullptr;
      *offset = m->key_offset;
      v = &m->value;
    } else if (v->is_array()) {
      if (token.empty() || token.size() > 9 ||
          token.find_first_not_of("0123456789") != std::string::npos) {
        return nullptr;
      }
      size_t index = std::stoul(token);
      if (index >= v->elements.size()) return nullptr;
      v = &v->elements[index];
      *offset = v->offset;
    } else {
      return nullptr;
    }
  }
  return v;
}

const internal::JsonValue* Locator::Find(std::string_view pointer) const {
  int64_t offset = -1;
  return Walk(pointer, &offset);
}

SourceLocation Locator::Locate(std::string_view pointer) const {
  SourceLocation loc;
  loc.json_pointer = std::string(pointer);
  int64_t offset = -1;
  if (Walk(pointer, &offset) != nullptr && offset >= 0) {
    loc.offset = offset;
    OffsetToLineColumn(text_, offset, &loc.line, &loc.column);
  }
  return loc;
}

const Reachability& CheckContext::reach() {
  if (!reach_) {
    reach_ = analysis_enabled()
                 ? ComputeReachability(doc_, true, true, options_.analysis_max_nodes)
                 : Reachability();
  }
  return *reach_;
}

const Reachability& CheckContext::anonymous_reach() {
  if (!anonymous_reach_) {
    anonymous_reach_ = analysis_enabled()
                           ? ComputeReachability(doc_, true, false, options_.analysis_max_nodes)
                           : Reachability();
  }
  return *anonymous_reach_;
}

void CheckContext::Report(std::string_view pointer, std::string message, std::string witness) {
  LintFinding f;
  f.issue.severity = info_->severity;
  f.issue.code = std::string(info_->code);
  f.issue.message = std::move(message);
  f.issue.location = locator_.Locate(pointer);
  f.witness = std::move(witness);
  out_->push_back(std::move(f));
}

}  // namespace lint

LintResult LintPolicy(std::string_view text, const LintOptions& options) {
  LintResult result;
  ParseResult parsed = ParsePolicy(text, options.parse);
  for (Issue& issue : parsed.issues) result.findings.push_back({std::move(issue), ""});
  if (!parsed.ok() && options.parse.strict) {
    // Lattice rejects it, but the checks still have something to say when it
    // parses leniently (e.g. a pretty-printed file).
    ParseOptions lenient = options.parse;
    lenient.strict = false;
    parsed = ParsePolicy(text, lenient);
  }
  if (!parsed.ok()) return result;
  result.checked = true;
  lint::Locator locator(text);
  lint::CheckContext ctx(parsed.doc, locator, options, &result.findings);
  for (const lint::Check& check : lint::AllChecks()) {
    ctx.SetCheck(&check.info);
    if (check.document != nullptr) {
      check.document(ctx);
      continue;
    }
    for (const Statement& statement : parsed.doc.statements) check.statement(statement, ctx);
  }
  return result;
}

const std::vector<LintCheckInfo>& LintChecks() {
  static const auto* const infos = [] {
    auto* v = new std::vector<LintCheckInfo>();
    for (const lint::Check& c : lint::AllChecks()) v->push_back(c.info);
    return v;
  }();
  return *infos;
}

int CountAtLeast(const std::vector<LintFinding>& findings, Severity threshold) {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), [&](const LintFinding& f) {
    return SeverityRank(f.issue.severity) <= SeverityRank(threshold);
  }));
}

namespace {

using Json = nlohmann::ordered_json;

Json FindingToJson(const LintFinding& f) {
  Json item;
  item["severity"] = std::string(SeverityName(f.issue.severity));
  item["code"] = f.issue.code;
  item["message"] = f.issue.message;
  item["pointer"] = f.issue.location.json_pointer;
  item["line"] = f.issue.location.line;
  item["column"] = f.issue.location.column;
  if (!f.witness.empty()) {
    Json witness = Json::parse(f.witness, nullptr, false);
    item["witness"] = witness.is_discarded() ? Json(f.witness) : witness;
  }
  return item;
}

std::string Dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string_view SarifLevel(Severity s) {
  switch (s) {
    case Severity::kError:
    case Severity::kSecurity:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kSuggestion:
      return "note";
  }
  return "error";
}

// The file name as a SARIF artifact URI (relative reference; `%`-escapes
// characters that may not appear in a URI).
std::string ToUri(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                std::string_view("-._~/!$&'()*+,;=:@").find(ch) != std::string_view::npos;
    if (keep) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

Json SarifRules(const std::vector<LintedFile>& files, std::vector<std::string>* ids) {
  std::set<std::string> codes;
  for (const LintedFile& file : files) {
    for (const LintFinding& f : file.findings) codes.insert(f.issue.code);
  }
  Json rules = Json::array();
  for (const std::string& code : codes) {
    Json rule;
    rule["id"] = code;
    std::string summary = code;
    Severity severity = Severity::kError;
    for (const LintCheckInfo& info : LintChecks()) {
      if (info.code == code) {
        summary = std::string(info.summary);
        severity = info.severity;
      }
    }
    rule["shortDescription"] = {{"text", summary}};
    rule["help"] = {{"text", "see docs/issue-codes.md for `" + code + "`"}};
    rule["properties"] = {{"tags", Json::array({std::string(SeverityName(severity))})}};
    rules.push_back(std::move(rule));
    ids->push_back(code);
  }
  return rules;
}

}  // namespace

std::string LintFindingsToJson(const std::vector<LintFinding>& findings) {
  Json array = Json::array();
  for (const LintFinding& f : findings) array.push_back(FindingToJson(f));
  return Dump(array, -1);
}

std::string LintToSarif(const std::vector<LintedFile>& files, std::string_view tool_version) {
  std::vector<std::string> ids;
  Json driver;
  driver["name"] = "latticepol";
  driver["version"] = std::string(tool_version);
  driver["rules"] = SarifRules(files, &ids);
  Json results = Json::array();
  for (const LintedFile& file : files) {
    for (const LintFinding& f : file.findings) {
      Json result;
      result["ruleId"] = f.issue.code;
      result["ruleIndex"] = std::find(ids.begin(), ids.end(), f.issue.code) - ids.begin();
      result["level"] = std::string(SarifLevel(f.issue.severity));
      std::string text = f.issue.message;
      if (!f.issue.location.json_pointer.empty()) {
        text = internal::StrCat(f.issue.location.json_pointer, ": ", text);
      }
      result["message"] = {{"text", text}};
      Json physical;
      physical["artifactLocation"] = {{"uri", ToUri(file.name)}};
      if (f.issue.location.line > 0) {
        physical["region"] = {{"startLine", f.issue.location.line},
                              {"startColumn", std::max(1, f.issue.location.column)}};
      }
      Json location;
      location["physicalLocation"] = std::move(physical);
      result["locations"] = Json::array({std::move(location)});
      Json properties;
      properties["severity"] = std::string(SeverityName(f.issue.severity));
      if (!f.witness.empty()) properties["witness"] = FindingToJson(f)["witness"];
      result["properties"] = std::move(properties);
      results.push_back(std::move(result));
    }
  }
  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["results"] = std::move(results);
  Json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = Json::array({std::move(run)});
  return Dump(log, 2) + "\n";
}

}  // namespace latticepol
