// File: src/workflow/cases.cc
// Stage: check. Case files (JSON Lines) -> TestCases; deciding requests with
// the compiled path and explaining them with the reference path; check
// reports as text and JSON. The only nlohmann user in this stage.
#include "latticepol/cases.h"

#include <cctype>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "internal/explain_text.h"
#include "internal/json_reader.h"
#include "internal/strings.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/explain.h"
#include "latticepol/request_json.h"
#include "nlohmann/json.hpp"
#include "workflow/internal/compile_cache.h"

namespace latticepol {
namespace {

using Json = nlohmann::json;

// Serialises without ever throwing: invalid UTF-8 (e.g. a percent-decoded
// byte echoed in an explanation) is replaced by U+FFFD.
std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ---- Deciding ---------------------------------------------------------------

using internal::CompileCache;
using internal::QuoteForMessage;
using internal::StrCat;

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      return lines;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// Indents every line of `text` by `spaces`.
std::string Indent(std::string_view text, int spaces) {
  std::string pad(spaces, ' ');
  std::string out;
  for (std::string_view line : SplitLines(text)) {
    if (!out.empty()) out += '\n';
    if (!line.empty()) out += StrCat(pad, line);
  }
  return out;
}

// Parses a JSON object produced by ExplainJson; falls back to a string so a
// malformed explanation never breaks the report.
Json ParseExplanation(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Json(text);
  return j;
}

struct LayerInfo {
  Layer layer;
  const LayerResult* result;
  const std::optional<Evaluation>* evaluation;
  AuthType auth_type;  // network/service only
};

std::string LayerHeadline(const LayerInfo& info, const ChainConfig& config,
                          bool signed_caller, bool has_identity_policy) {
  std::string name(LayerName(info.layer));
  const LayerResult& r = *info.result;
  if (!r.evaluated) {
    if (info.layer == Layer::kIdentity) {
      if (!signed_caller) return StrCat(name, " layer: skipped (anonymous caller)");
      return StrCat(name, " layer: skipped (no layer uses AWS_IAM)");
    }
    return StrCat(name, " layer: skipped (auth type ", AuthTypeName(info.auth_type), ")");
  }
  if (info.layer == Layer::kIdentity) {
    if (r.assumed) {
      return StrCat(name,
                    " layer: ASSUMED_ALLOW (no identity decision or identity policy given, "
                    "E2 in docs/semantics.md)");
    }
    if (!has_identity_policy && config.identity_decision.has_value()) {
      return StrCat(name, " layer: ", DecisionName(r.decision.kind), " (given identity decision)");
    }
  } else if (!r.has_policy) {
    return StrCat(name, " layer: ", DecisionName(r.decision.kind),
                  " (auth type AWS_IAM with no policy attached)");
  }
  return StrCat(name, " layer: ", DecisionName(r.decision.kind));
}

Json LayerJson(const LayerInfo& info, const std::string& headline) {
  const LayerResult& r = *info.result;
  Json j = Json::object();
  j["evaluated"] = r.evaluated;
  j["hasPolicy"] = r.has_policy;
  j["assumed"] = r.assumed;
  j["decision"] = r.evaluated ? std::string(DecisionName(r.decision.kind)) : "SKIPPED";
  j["summary"] = headline;
  if (info.evaluation->has_value()) {
    j["explanation"] = ParseExplanation(ExplainJson(**info.evaluation));
  }
  return j;
}

// Single-policy mode (docs/semantics.md §4.1).
absl::StatusOr<DecideOutcome> DecideCached(const PolicyDocument& policy,
                                           const RequestView& request,
                                           const ExplainOptions& options,
                                           CompileCache* cache) {
  DecideOutcome out;
  auto compiled = cache->Get(&policy);
  if (!compiled.ok()) return compiled.status();
  Decision fast = Evaluate(**compiled, request);
  Evaluation ref = EvaluateReference(policy, request);
  out.decision = fast.kind;
  out.layer = fast.kind == DecisionKind::kAllow ? Layer::kNone : Layer::kService;
  if (fast.kind != DecisionKind::kAllow) out.failing_layers.Add(Layer::kService);
  out.uncertain = DecisionIdNames(ref.decision.uncertain);
  // The ids are in `uncertain`: the text does not repeat them.
  out.explanation = internal::ExplainTextWithoutUncertain(ref, options);
  while (!out.explanation.empty() && out.explanation.back() == '\n') {
    out.explanation.pop_back();
  }
  out.explanation_json = ExplainJson(ref, options);
  if (fast.kind != ref.decision.kind || fast.statement != ref.decision.statement) {
    out.internal_error =
        StrCat("compiled path decided ", DecisionName(fast.kind), " (statement ", fast.statement,
               ") but the reference path decided ", DecisionName(ref.decision.kind),
               " (statement ", ref.decision.statement, ")");
  }
  return out;
}

// Chain mode (docs/semantics.md §4.2).
absl::StatusOr<DecideOutcome> DecideCached(const ChainPolicies& input,
                                           const RequestView& request,
                                           const ExplainOptions& options,
                                           CompileCache* cache) {
  DecideOutcome out;
  auto chain = cache->GetChain(input);
  if (!chain.ok()) return chain.status();
  ChainResult fast = Authorize(*chain, request);
  ChainEvaluation ref = AuthorizeReference(input, request);

  out.decision = fast.decision;
  out.layer = fast.layer;
  out.failing_layers = fast.failing_layers;
  out.uncertain = DecisionIdNames(ref.result.uncertain);
  if (fast.decision != ref.result.decision || fast.layer != ref.result.layer) {
    out.internal_error =
        StrCat("compiled path decided ", DecisionName(fast.decision), " (layer ",
               LayerName(fast.layer), ") but the reference path decided ",
               DecisionName(ref.result.decision), " (layer ", LayerName(ref.result.layer), ")");
  }

  const bool signed_caller = request.principal != nullptr;
  const LayerInfo layers[] = {
      {Layer::kNetwork, &ref.result.network, &ref.network, input.config.network_auth_type},
      {Layer::kService, &ref.result.service, &ref.service, input.config.service_auth_type},
      {Layer::kIdentity, &ref.result.identity, &ref.identity, AuthType::kAwsIam},
  };
  std::vector<std::string> lines;
  if (input.config.network_auth_type == AuthType::kNone &&
      input.config.service_auth_type == AuthType::kNone) {
    lines.push_back("both auth types are NONE: every request is allowed unevaluated "
                    "(E1 in docs/semantics.md)");
  }
  Json layers_json = Json::object();
  for (const LayerInfo& info : layers) {
    std::string headline = LayerHeadline(info, input.config, signed_caller,
                                         input.identity_policy != nullptr);
    std::string block = headline;
    if (info.evaluation->has_value()) {
      std::string text = internal::ExplainTextWithoutUncertain(**info.evaluation, options);
      while (!text.empty() && text.back() == '\n') text.pop_back();
      if (!text.empty()) block += StrCat("\n", Indent(text, 2));
    }
    lines.push_back(std::move(block));
    layers_json[std::string(LayerName(info.layer))] = LayerJson(info, headline);
  }
  out.explanation = Join(lines, "\n");
  Json explanation = Json::object();
  explanation["layers"] = std::move(layers_json);
  out.explanation_json = Dump(explanation);
  return out;
}

// ---- Parsing ----------------------------------------------------------------
// Case lines are read with the strict reader (internal/json_reader.h), which
// keeps byte offsets: the inline request and policies are handed to their
// parsers as the exact text the user wrote, so duplicate keys are caught and
// nested issues get true columns within the line.

using internal::JsonMember;
using internal::JsonType;
using internal::JsonValue;

Issue MakeIssue(Severity severity, std::string code, std::string message,
                std::string pointer, int line, int column = 0) {
  Issue issue;
  issue.severity = severity;
  issue.code = std::move(code);
  issue.message = std::move(message);
  issue.location.json_pointer = std::move(pointer);
  issue.location.line = line;
  issue.location.column = column;
  return issue;
}

// One parsed line: the text and its top-level members.
struct CaseLine {
  std::string_view text;
  int line = 0;
  JsonValue root;
};

// Returns the exact source text of top-level member `index`: from its value's
// offset up to the next member's key (or the closing brace), without the
// separating comma and whitespace.
std::string_view MemberText(const CaseLine& c, size_t index) {
  const JsonMember& m = c.root.members[index];
  size_t begin = static_cast<size_t>(m.value.offset);
  size_t end = index + 1 < c.root.members.size()
                   ? static_cast<size_t>(c.root.members[index + 1].key_offset)
                   : c.text.rfind('}');
  std::string_view rest = c.text.substr(begin, end - begin);
  size_t last = rest.find_last_not_of(" \t\r\n");
  if (last != std::string_view::npos && index + 1 < c.root.members.size() &&
      rest[last] == ',') {
    rest = rest.substr(0, last);
    last = rest.find_last_not_of(" \t\r\n");
  }
  return last == std::string_view::npos ? rest.substr(0, 0) : rest.substr(0, last + 1);
}

// Moves nested issues (from an inline request or policy) into the case file's
// issues: pointers are prefixed with the field, offsets are shifted to the
// line, and the line is the case's line.
void AddNested(std::vector<Issue> nested, std::string_view field, int line,
               int64_t value_offset, std::vector<Issue>* out) {
  for (Issue& issue : nested) {
    issue.location.json_pointer = StrCat("/", field, issue.location.json_pointer);
    issue.location.line = line;
    if (issue.location.offset >= 0) {
      issue.location.offset += value_offset;
      issue.location.column = static_cast<int>(issue.location.offset) + 1;
    } else {
      issue.location.column = 0;
    }
    issue.message = StrCat(field, ": ", issue.message);
    out->push_back(std::move(issue));
  }
}

// Returns the value of member `field`, or nullptr when missing. A JSON null
// counts as missing.
const JsonMember* FindField(const CaseLine& c, std::string_view field, size_t* index) {
  for (size_t i = 0; i < c.root.members.size(); ++i) {
    if (c.root.members[i].key == field) {
      if (c.root.members[i].value.is_null()) return nullptr;
      if (index != nullptr) *index = i;
      return &c.root.members[i];
    }
  }
  return nullptr;
}

int ColumnOf(const JsonMember& m) { return static_cast<int>(m.value.offset) + 1; }

// The fields a case may have (anything else is ignored).
constexpr std::string_view kCaseFields[] = {
    "name", "request", "expect", "policy", "networkPolicy", "networkAuthType",
    "serviceAuthType", "identityDecision", "skip"};

// The issue for a missing required `field`: when an unknown field is a near
// miss of it (`expcet`), the issue points there with a did-you-mean.
Issue MissingFieldIssue(const CaseLine& c, std::string_view field, int line) {
  for (const JsonMember& m : c.root.members) {
    bool known = false;
    for (std::string_view k : kCaseFields) known = known || m.key == k;
    if (known || internal::ClosestMatch(m.key, {field}).empty()) continue;
    return MakeIssue(Severity::kError, "case-missing-field",
                     StrCat("missing field `", field, "`: unknown field ", QuoteForMessage(m.key),
                            internal::DidYouMean(field, ": ")),
                     StrCat("/", EscapeJsonPointerToken(m.key)), line,
                     static_cast<int>(m.key_offset) + 1);
  }
  return MakeIssue(Severity::kError, "case-missing-field", StrCat("missing field `", field, "`"),
                   "", line, 1);
}

bool ParseAuthTypeField(const CaseLine& c, const char* field,
                        std::optional<AuthType>* out, std::vector<Issue>* issues) {
  size_t index = 0;
  const JsonMember* m = FindField(c, field, &index);
  if (m == nullptr) return true;
  AuthType t;
  if (!m->value.is_string() || !ParseAuthTypeName(m->value.text, &t)) {
    issues->push_back(MakeIssue(Severity::kError, "case-invalid-auth-type",
                                StrCat("`", field, "` must be `AWS_IAM` or `NONE`, not ",
                                       QuoteForMessage(MemberText(c, index))),
                                StrCat("/", field), c.line, ColumnOf(*m)));
    return false;
  }
  *out = t;
  return true;
}

bool ParseDecisionField(const CaseLine& c, const char* field,
                        std::optional<DecisionKind>* out,
                        std::vector<Issue>* issues) {
  size_t index = 0;
  const JsonMember* m = FindField(c, field, &index);
  if (m == nullptr) return true;
  DecisionKind kind;
  if (!m->value.is_string() || !ParseDecisionName(m->value.text, &kind)) {
    issues->push_back(
        MakeIssue(Severity::kError, "case-invalid-decision",
                  StrCat("`", field, "` must be `ALLOW`, `EXPLICIT_DENY` or `IMPLICIT_DENY`, not ",
                         QuoteForMessage(MemberText(c, index))),
                  StrCat("/", field), c.line, ColumnOf(*m)));
    return false;
  }
  *out = kind;
  return true;
}

bool ParseInlinePolicy(const CaseLine& c, const char* field,
                       const ParseOptions& options,
                       std::optional<PolicyDocument>* out,
                       std::vector<Issue>* issues) {
  size_t index = 0;
  const JsonMember* m = FindField(c, field, &index);
  if (m == nullptr) return true;
  if (!m->value.is_object()) {
    issues->push_back(
        MakeIssue(Severity::kError, "case-invalid-policy",
                  StrCat("`", field, "` must be a policy document (a JSON object), got ",
                         internal::JsonTypeName(m->value.type)),
                  StrCat("/", field), c.line, ColumnOf(*m)));
    return false;
  }
  ParseResult parsed = ParsePolicy(MemberText(c, index), options);
  bool ok = parsed.ok();
  AddNested(std::move(parsed.issues), field, c.line, m->value.offset, issues);
  if (ok) *out = std::move(parsed.doc);
  return ok;
}

// `expect`: a decision, or DENY for either kind of deny.
bool ParseExpectField(const CaseLine& c, TestCase* out, std::vector<Issue>* issues) {
  const JsonMember* expect_member = nullptr;
  for (const JsonMember& m : c.root.members) {
    if (m.key == "expect") expect_member = &m;
  }
  if (expect_member == nullptr) {
    issues->push_back(MissingFieldIssue(c, "expect", c.line));
    return false;
  }
  if (expect_member->value.is_null()) {
    issues->push_back(MakeIssue(Severity::kError, "case-invalid-decision",
                                "`expect` must be `ALLOW`, `DENY`, `EXPLICIT_DENY` or "
                                "`IMPLICIT_DENY`, not `null`",
                                "/expect", c.line, ColumnOf(*expect_member)));
    return false;
  }
  if (expect_member->value.is_string() && expect_member->value.text == "DENY") {
    // As in scenarios: either kind of deny passes.
    out->expect = DecisionKind::kImplicitDeny;
    out->expect_any_deny = true;
    return true;
  }
  std::optional<DecisionKind> kind;
  if (!ParseDecisionField(c, "expect", &kind, issues) || !kind) return false;
  out->expect = *kind;
  return true;
}

// `request`: a canonical request object.
bool ParseRequestField(const CaseLine& c, TestCase* out, std::vector<Issue>* issues) {
  size_t request_index = 0;
  const JsonMember* request = FindField(c, "request", &request_index);
  if (request == nullptr) {
    issues->push_back(MissingFieldIssue(c, "request", c.line));
    return false;
  }
  if (!request->value.is_object()) {
    issues->push_back(MakeIssue(Severity::kError, "case-invalid-field",
                                StrCat("`request` must be a JSON object, got ",
                                       internal::JsonTypeName(request->value.type)),
                                "/request", c.line, ColumnOf(*request)));
    return false;
  }
  RequestParseResult parsed = ParseRequestJson(MemberText(c, request_index));
  const bool request_ok = parsed.ok();
  AddNested(std::move(parsed.issues), "request", c.line, request->value.offset, issues);
  if (request_ok) out->request = std::move(parsed.request);
  return request_ok;
}

// Parses one non-blank line. Returns false when the case is unusable.
bool ParseCaseLine(std::string_view text, int line,
                   const CaseParseOptions& options, TestCase* out,
                   std::vector<Issue>* issues) {
  CaseLine c;
  c.text = text;
  c.line = line;
  internal::JsonError error;
  internal::JsonReadOptions read_options;
  read_options.max_depth = options.policy_options.max_depth;
  if (!internal::ReadJson(text, read_options, &c.root, &error)) {
    issues->push_back(MakeIssue(Severity::kError, "case-json-syntax",
                                StrCat("invalid JSON: ", error.message), "", line,
                                static_cast<int>(error.offset) + 1));
    return false;
  }
  if (!c.root.is_object()) {
    issues->push_back(
        MakeIssue(Severity::kError, "case-not-object",
                  StrCat("a case must be a JSON object, got ", internal::JsonTypeName(c.root.type)),
                  "", line, 1));
    return false;
  }
  bool ok = true;
  out->line = line;

  std::set<std::string_view> seen;
  for (const JsonMember& m : c.root.members) {
    if (!seen.insert(m.key).second) {
      issues->push_back(MakeIssue(Severity::kError, "case-duplicate-field",
                                  StrCat("duplicate field ", QuoteForMessage(m.key)),
                                  StrCat("/", EscapeJsonPointerToken(m.key)), line,
                                  static_cast<int>(m.key_offset) + 1));
      ok = false;
    }
  }

  const JsonMember* name = FindField(c, "name", nullptr);
  if (name == nullptr) {
    issues->push_back(MissingFieldIssue(c, "name", line));
    ok = false;
  } else if (!name->value.is_string()) {
    issues->push_back(
        MakeIssue(Severity::kError, "case-invalid-field",
                  StrCat("`name` must be a string, got ", internal::JsonTypeName(name->value.type)),
                  "/name", line, ColumnOf(*name)));
    ok = false;
  } else {
    out->name = name->value.text;
  }

  ok &= ParseExpectField(c, out, issues);

  ok &= ParseRequestField(c, out, issues);

  ParseOptions policy_options = options.policy_options;
  policy_options.identity_policy = false;
  ok &= ParseInlinePolicy(c, "policy", policy_options, &out->policy, issues);
  ok &= ParseInlinePolicy(c, "networkPolicy", policy_options, &out->network_policy, issues);
  ok &= ParseAuthTypeField(c, "networkAuthType", &out->network_auth_type, issues);
  ok &= ParseAuthTypeField(c, "serviceAuthType", &out->service_auth_type, issues);
  ok &= ParseDecisionField(c, "identityDecision", &out->identity_decision, issues);

  const JsonMember* skip = FindField(c, "skip", nullptr);
  if (skip != nullptr) {
    if (skip->value.is_bool()) {
      out->skip = skip->value.bool_value;
    } else if (skip->value.is_string()) {
      out->skip = true;
      out->skip_reason = skip->value.text;
    } else {
      issues->push_back(MakeIssue(Severity::kError, "case-invalid-field",
                                  "`skip` must be a boolean or a reason string",
                                  "/skip", line, ColumnOf(*skip)));
      ok = false;
    }
  }
  return ok;
}

std::string_view TrimLine(std::string_view line) {
  const char* kSpace = " \t\r\n\f\v";
  size_t begin = line.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = line.find_last_not_of(kSpace);
  return line.substr(begin, end - begin + 1);
}

}  // namespace

absl::StatusOr<DecideOutcome> DecideRequest(const PolicyDocument& policy,
                                            const RequestView& request,
                                            const ExplainOptions& options) {
  CompileCache cache;
  return DecideCached(policy, request, options, &cache);
}

absl::StatusOr<DecideOutcome> DecideRequest(const ChainPolicies& chain,
                                            const RequestView& request,
                                            const ExplainOptions& options) {
  CompileCache cache;
  return DecideCached(chain, request, options, &cache);
}

std::string DecideOutcomeToJson(const DecideOutcome& outcome) {
  Json j = Json::object();
  j["decision"] = std::string(DecisionName(outcome.decision));
  j["layer"] = std::string(LayerName(outcome.layer));
  Json failing = Json::array();
  for (Layer layer : outcome.failing_layers) failing.push_back(std::string(LayerName(layer)));
  j["failingLayers"] = std::move(failing);
  j["uncertain"] = outcome.uncertain;
  j["explanation"] = ParseExplanation(outcome.explanation_json);
  if (!outcome.internal_error.empty()) j["internalError"] = outcome.internal_error;
  return Dump(j);
}

ChainPolicies TestCase::Chain(const PolicyDocument* default_policy) const {
  ChainPolicies chain;
  chain.service_policy = policy ? &*policy : default_policy;
  chain.network_policy = network_policy ? &*network_policy : nullptr;
  chain.config.network_auth_type =
      network_auth_type.value_or(network_policy ? AuthType::kAwsIam : AuthType::kNone);
  chain.config.service_auth_type = service_auth_type.value_or(AuthType::kAwsIam);
  chain.config.identity_decision = identity_decision;
  return chain;
}

CaseFile ParseCases(std::string_view text, const CaseParseOptions& options) {
  CaseStreamParser parser(options);
  return parser.Parse(text);
}

CaseStreamParser::CaseStreamParser(const CaseParseOptions& options) : options_(options) {}

CaseFile CaseStreamParser::Parse(std::string_view text) {
  const CaseParseOptions& options = options_;
  std::set<std::string>& names = names_;
  CaseFile file;
  int line_number = next_line_ - 1;
  for (char c : text) next_line_ += c == '\n';
  for (std::string_view raw : SplitLines(text)) {
    ++line_number;
    if (raw.size() > options.max_line_bytes) {
      file.issues.push_back(
          MakeIssue(Severity::kError, "case-line-too-long",
                    StrCat("line has ", raw.size(), " bytes, more than the limit of ",
                           options.max_line_bytes),
                    "", line_number, 1));
      continue;
    }
    if (line_number == 1 && raw.substr(0, 3) == "\xEF\xBB\xBF") {
      raw.remove_prefix(3);  // a UTF-8 byte order mark from some editors
    }
    if (TrimLine(raw).empty()) continue;
    TestCase test_case;
    // The untrimmed line, so columns count from its first byte.
    if (!ParseCaseLine(raw, line_number, options, &test_case, &file.issues)) {
      continue;
    }
    if (!names.insert(test_case.name).second) {
      file.issues.push_back(
          MakeIssue(Severity::kWarning, "duplicate-case-name",
                    StrCat("duplicate case name ", QuoteForMessage(test_case.name)), "/name",
                    line_number, 1));
    }
    file.cases.push_back(std::move(test_case));
  }
  return file;
}

CheckReport RunCases(const std::vector<TestCase>& cases,
                     const PolicyDocument* default_policy,
                     const RunOptions& options) {
  CheckReport report;
  CompileCache cache;
  for (const TestCase& test_case : cases) {
    CaseResult result;
    result.name = test_case.name;
    result.line = test_case.line;
    result.expected = test_case.expect;
    result.expected_any_deny = test_case.expect_any_deny;
    result.chain = test_case.uses_chain();
    if (test_case.skip) {
      result.skipped = true;
      result.skip_reason = test_case.skip_reason;
      ++report.skipped;
      report.results.push_back(std::move(result));
      continue;
    }

    const ChainPolicies chain = test_case.Chain(default_policy);
    const bool needs_policy =
        !result.chain || chain.config.service_auth_type == AuthType::kAwsIam;
    if (needs_policy && chain.service_policy == nullptr) {
      report.issues.push_back(
          MakeIssue(Severity::kError, "case-no-policy",
                    StrCat("case ", QuoteForMessage(test_case.name),
                           " has no inline `policy` and no default policy was given"),
                    "", test_case.line, 1));
      result.skipped = true;
      result.skip_reason = "no policy";
      ++report.skipped;
      report.results.push_back(std::move(result));
      continue;
    }

    RequestView view = test_case.request.view();
    auto outcome = result.chain
                       ? DecideCached(chain, view, options.explain, &cache)
                       : DecideCached(*chain.service_policy, view, options.explain, &cache);
    if (!outcome.ok()) {
      report.issues.push_back(
          MakeIssue(Severity::kError, "case-compile-failed",
                    StrCat("case ", QuoteForMessage(test_case.name),
                           ": cannot compile its policy: ", outcome.status().message()),
                    "", test_case.line, 1));
      result.skipped = true;
      result.skip_reason = "compile failed";
      ++report.skipped;
      report.results.push_back(std::move(result));
      continue;
    }
    result.got = outcome->decision;
    result.layer = outcome->layer;
    result.uncertain = std::move(outcome->uncertain);
    result.explanation = std::move(outcome->explanation);
    if (!outcome->internal_error.empty()) {
      result.internal_error = true;
      result.explanation =
          StrCat("internal error: ", outcome->internal_error, "\n", result.explanation);
    }
    result.passed = !result.internal_error &&
                    (result.expected_any_deny ? result.got != DecisionKind::kAllow
                                              : result.got == result.expected);
    if (result.passed) {
      ++report.passed;
    } else {
      ++report.failed;
    }
    report.results.push_back(std::move(result));
  }
  return report;
}

std::string CheckSummaryLine(const CheckReport& report) {
  std::string line = StrCat(report.passed, " passed, ", report.failed, " failed");
  if (report.skipped > 0) line += StrCat(", ", report.skipped, " skipped");
  return line;
}

std::string CheckReportToText(const CheckReport& report, bool verbose) {
  // Names and reasons come from the case file: escaped, so each result stays
  // on its own line.
  constexpr size_t kMaxNameChars = 200;
  const auto escaped = [](std::string_view s) {
    return internal::EscapeForMessage(s, kMaxNameChars);
  };
  std::string out;
  for (const CaseResult& r : report.results) {
    if (r.skipped) {
      out += StrCat("SKIP ", escaped(r.name), " (line ", r.line, ")");
      if (!r.skip_reason.empty()) out += StrCat(": ", escaped(r.skip_reason));
      out += '\n';
      continue;
    }
    if (r.passed && !verbose) continue;
    out += StrCat(r.passed ? "PASS " : "FAIL ", escaped(r.name), " (line ", r.line, ")\n");
    out += StrCat("  expected: ", r.expected_any_deny ? "DENY" : DecisionName(r.expected), "\n");
    out += StrCat("  got:      ", DecisionName(r.got));
    if (r.layer != Layer::kNone) out += StrCat(" (layer ", LayerName(r.layer), ")");
    out += '\n';
    if (!r.uncertain.empty()) {
      out += StrCat("  uncertain: ", Join(r.uncertain, ", "), "\n");
    }
    if (!r.explanation.empty()) {
      out += StrCat("  explanation:\n", Indent(r.explanation, 4), "\n");
    }
  }
  out += StrCat(CheckSummaryLine(report), "\n");
  return out;
}

std::string CheckReportToJson(const CheckReport& report) {
  Json j = Json::object();
  j["passed"] = report.passed;
  j["failed"] = report.failed;
  j["skipped"] = report.skipped;
  j["issues"] = ParseExplanation(IssuesToJson(report.issues));
  Json cases = Json::array();
  for (const CaseResult& r : report.results) {
    Json c = Json::object();
    c["name"] = r.name;
    c["line"] = r.line;
    c["expected"] = r.expected_any_deny ? std::string("DENY") : std::string(DecisionName(r.expected));
    if (r.skipped) {
      c["got"] = nullptr;
      c["layer"] = nullptr;
    } else {
      c["got"] = std::string(DecisionName(r.got));
      c["layer"] = std::string(LayerName(r.layer));
    }
    c["passed"] = r.passed;
    c["skipped"] = r.skipped;
    if (r.skipped && !r.skip_reason.empty()) c["skipReason"] = r.skip_reason;
    c["chain"] = r.chain;
    c["internalError"] = r.internal_error;
    c["uncertain"] = r.uncertain;
    c["explanation"] = r.explanation;
    cases.push_back(std::move(c));
  }
  j["cases"] = std::move(cases);
  return Dump(j);
}

}  // namespace latticepol
