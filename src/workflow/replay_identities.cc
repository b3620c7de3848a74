// File: src/workflow/replay_identities.cc
// Stage: simulate (replay). Reads per-caller identity inputs (see
// latticepol/replay_identities.h and docs/formats/identities.md) with the
// strict JSON reader, so every problem is an Issue with line:column and a
// JSON pointer; policies are parsed as identity policies and compiled once.
#include "latticepol/replay_identities.h"

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/json_reader.h"
#include "internal/strings.h"
#include "latticepol/input_file.h"
#include "latticepol/parse.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

using internal::JsonMember;
using internal::JsonValue;
using internal::QuoteForMessage;
using internal::StrCat;

class IdentitiesReader {
 public:
  IdentitiesReader(std::string_view text, std::string base_dir, ReplayIdentitiesResult* out)
      : text_(text), base_dir_(std::move(base_dir)), out_(out) {}

  void Read() {
    internal::JsonValue root;
    internal::JsonError error;
    if (!internal::ReadJson(text_, {}, &root, &error)) {
      Error(error.offset, "", "identities-syntax", StrCat("invalid JSON: ", error.message));
      return;
    }
    if (!root.is_object()) {
      Error(root.offset, "", "identities-invalid",
            StrCat("an identities file must be a JSON object, got ",
                   internal::JsonTypeName(root.type)));
      return;
    }
    std::set<std::string_view> seen;
    for (const JsonMember& m : root.members) {
      const std::string pointer = StrCat("/", EscapeJsonPointerToken(m.key));
      if (!seen.insert(m.key).second) {
        Error(m.key_offset, pointer, "identities-invalid",
              StrCat("duplicate field ", QuoteForMessage(m.key)));
      } else if (m.key == "callers") {
        Callers(m.value, pointer);
      } else if (m.key == "default") {
        CallerIdentityInput input;
        if (Input(m.value, pointer, /*with_principal=*/false, nullptr, &input)) {
          out_->identities.default_input = std::move(input);
        }
      } else {
        Error(m.key_offset, pointer, "identities-invalid",
              StrCat("unknown field ", QuoteForMessage(m.key),
                     ": expected `callers` or `default`"));
      }
    }
  }

 private:
  void Error(int64_t offset, std::string pointer, std::string code, std::string message) {
    Issue issue;
    issue.code = std::move(code);
    issue.message = std::move(message);
    issue.location.json_pointer = std::move(pointer);
    issue.location.offset = offset;
    if (offset >= 0) OffsetToLineColumn(text_, offset, &issue.location.line, &issue.location.column);
    out_->issues.push_back(std::move(issue));
  }

  void Callers(const JsonValue& value, const std::string& pointer) {
    if (!value.is_array()) {
      Error(value.offset, pointer, "identities-invalid",
            StrCat("`callers` must be an array, got ", internal::JsonTypeName(value.type)));
      return;
    }
    for (size_t i = 0; i < value.elements.size(); ++i) {
      const JsonValue& entry = value.elements[i];
      const std::string p = StrCat(pointer, "/", i);
      std::string principal;
      CallerIdentityInput input;
      if (!Input(entry, p, /*with_principal=*/true, &principal, &input)) continue;
      if (!out_->identities.callers.emplace(principal, std::move(input)).second) {
        Error(entry.offset, p + "/principal", "identities-invalid",
              StrCat("principal ", QuoteForMessage(principal), " is listed twice"));
      }
    }
  }

  // One `{"principal"?, "identityDecision" | "identityPolicy"}` object.
  bool Input(const JsonValue& value, const std::string& pointer, bool with_principal,
             std::string* principal, CallerIdentityInput* out) {
    if (!value.is_object()) {
      Error(value.offset, pointer, "identities-invalid",
            StrCat("an identity input must be an object, got ",
                   internal::JsonTypeName(value.type)));
      return false;
    }
    bool ok = true, has_principal = false;
    int inputs = 0;
    std::set<std::string_view> seen;
    for (const JsonMember& m : value.members) {
      const std::string p = StrCat(pointer, "/", EscapeJsonPointerToken(m.key));
      if (!seen.insert(m.key).second) {
        Error(m.key_offset, p, "identities-invalid", StrCat("duplicate field ", QuoteForMessage(m.key)));
        ok = false;
      } else if (m.key == "principal" && with_principal) {
        if (!m.value.is_string() || m.value.text.empty()) {
          Error(m.value.offset, p, "identities-invalid", "`principal` must be a non-empty ARN string");
          ok = false;
        } else {
          *principal = m.value.text;
          has_principal = true;
        }
      } else if (m.key == "identityDecision") {
        ++inputs;
        DecisionKind kind;
        if (!m.value.is_string() || !ParseDecisionName(m.value.text, &kind)) {
          Error(m.value.offset, p, "identities-invalid",
                "`identityDecision` must be `ALLOW`, `EXPLICIT_DENY` or `IMPLICIT_DENY`");
          ok = false;
        } else {
          out->decision = kind;
        }
      } else if (m.key == "identityPolicy") {
        ++inputs;
        ok &= Policy(m.value, p, out);
      } else {
        Error(m.key_offset, p, "identities-invalid",
              StrCat("unknown field ", QuoteForMessage(m.key), ": expected ",
                     with_principal ? "`principal`, " : "",
                     "`identityDecision` or `identityPolicy`"));
        ok = false;
      }
    }
    if (with_principal && !has_principal && ok) {
      Error(value.offset, pointer, "identities-invalid", "a caller needs a `principal`");
      ok = false;
    }
    if (inputs != 1 && ok) {
      Error(value.offset, pointer, "identities-invalid",
            "give exactly one of `identityDecision` and `identityPolicy`");
      ok = false;
    }
    return ok;
  }

  // The text of the JSON value starting at `offset` (the reader accepted it,
  // so brackets balance outside strings).
  std::string_view ValueText(int64_t offset) const {
    int depth = 0;
    bool in_string = false;
    for (size_t i = static_cast<size_t>(offset); i < text_.size(); ++i) {
      const char c = text_[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return text_.substr(static_cast<size_t>(offset), i + 1 - static_cast<size_t>(offset));
      }
    }
    return text_.substr(static_cast<size_t>(offset));
  }

  // `identityPolicy`: a path (relative to the file) or an inline policy.
  bool Policy(const JsonValue& value, const std::string& pointer, CallerIdentityInput* out) {
    std::string text, source;
    if (value.is_string()) {
      std::filesystem::path path(value.text);
      if (!path.is_absolute() && !base_dir_.empty()) {
        path = (std::filesystem::path(base_dir_) / path).lexically_normal();
      }
      source = path.string();
      absl::StatusOr<std::string> read = ReadInputFile(source, kMaxPolicyFileBytes);
      if (!read.ok()) {
        Error(value.offset, pointer, "policy-file", std::string(read.status().message()));
        return false;
      }
      text = *std::move(read);
      out->policy_path = source;
    } else if (value.is_object()) {
      // The file's layout is not the policy's: line breaks between tokens
      // (JSON strings hold none) become spaces, so the policy is one line.
      text = std::string(ValueText(value.offset));
      for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      source = "inline policy";
    } else {
      Error(value.offset, pointer, "identities-invalid",
            StrCat("`identityPolicy` must be a file name or a policy object, got ",
                   internal::JsonTypeName(value.type)));
      return false;
    }
    ParseOptions options;
    options.identity_policy = true;
    ParseResult parsed = ParsePolicy(text, options);
    if (!parsed.ok()) {
      for (const Issue& issue : parsed.issues) {
        if (issue.severity != Severity::kError) continue;
        Error(value.offset, pointer, "policy-file",
              StrCat("invalid identity policy: ",
                     internal::EscapeForMessage(FormatIssue(issue, source), 400)));
      }
      return false;
    }
    auto compiled = Compile(parsed.doc);
    if (!compiled.ok()) {
      Error(value.offset, pointer, "policy-file",
            StrCat("cannot compile the identity policy: ", compiled.status().message()));
      return false;
    }
    out->policy = std::make_shared<const PolicyDocument>(std::move(parsed.doc));
    out->compiled = *std::move(compiled);
    return true;
  }

  std::string_view text_;
  std::string base_dir_;
  ReplayIdentitiesResult* out_;
};

nlohmann::ordered_json InputJson(const CallerIdentityInput& input) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (input.decision) {
    j["identityDecision"] = std::string(DecisionName(*input.decision));
  } else if (input.policy) {
    j["identityPolicy"] = nlohmann::ordered_json::parse(PolicyToJson(*input.policy));
  }
  return j;
}

}  // namespace

ReplayIdentitiesResult ParseReplayIdentities(std::string_view text, const std::string& base_dir) {
  ReplayIdentitiesResult result;
  if (text.size() > kMaxInputFileBytes) {
    Issue issue;
    issue.code = "identities-too-large";
    issue.message = StrCat("an identities file has at most ", ByteLimitText(kMaxInputFileBytes));
    result.issues.push_back(std::move(issue));
    return result;
  }
  IdentitiesReader(text, base_dir, &result).Read();
  return result;
}

ReplayIdentitiesResult LoadReplayIdentitiesFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadInputFile(path, kMaxInputFileBytes);
  if (!text.ok()) {
    ReplayIdentitiesResult result;
    Issue issue;
    issue.code = "file-not-found";
    issue.message = std::string(text.status().message());
    result.issues.push_back(std::move(issue));
    return result;
  }
  return ParseReplayIdentities(*text, std::filesystem::path(path).parent_path().string());
}

std::string ReplayIdentitiesToJson(const ReplayIdentities& identities) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  nlohmann::ordered_json callers = nlohmann::ordered_json::array();
  for (const auto& [principal, input] : identities.callers) {
    nlohmann::ordered_json entry = {{"principal", principal}};
    entry.update(InputJson(input));
    callers.push_back(std::move(entry));
  }
  j["callers"] = std::move(callers);
  if (identities.default_input) j["default"] = InputJson(*identities.default_input);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace latticepol
