// File: src/workflow/scenario.cc
// Stage: simulate (input). Reads a simulation scenario (YAML or JSON, via
// yaml-cpp) into a `Scenario`, reporting every problem as an Issue located by
// line:column and JSON pointer. yaml-cpp throws; everything that calls into it
// is wrapped so no exception leaves this file.
#include "latticepol/scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "workflow/internal/yaml_util.h"
#include "latticepol/parse.h"
#include "yaml-cpp/yaml.h"

namespace latticepol {

ChainPolicies ScenarioChain(const Scenario& scenario, int caller) {
  ChainPolicies chain;
  chain.config.network_auth_type = scenario.network_auth_type;
  chain.config.service_auth_type = scenario.service_auth_type;
  chain.network_policy = scenario.network_policy ? &*scenario.network_policy : nullptr;
  chain.service_policy = scenario.service_policy ? &*scenario.service_policy : nullptr;
  if (caller >= 0 && static_cast<size_t>(caller) < scenario.callers.size()) {
    const ScenarioCaller& c = scenario.callers[caller];
    chain.config.identity_decision = c.identity_decision;
    chain.identity_policy = c.identity_policy ? &*c.identity_policy : nullptr;
  }
  return chain;
}

std::string_view ExpectedOutcomeName(ExpectedOutcome outcome) {
  switch (outcome) {
    case ExpectedOutcome::kAllow: return "ALLOW";
    case ExpectedOutcome::kDeny: return "DENY";
    case ExpectedOutcome::kExplicitDeny: return "EXPLICIT_DENY";
    case ExpectedOutcome::kImplicitDeny: return "IMPLICIT_DENY";
  }
  return "ALLOW";
}

bool OutcomeSatisfies(ExpectedOutcome expected, DecisionKind kind) {
  switch (expected) {
    case ExpectedOutcome::kAllow: return kind == DecisionKind::kAllow;
    case ExpectedOutcome::kDeny: return kind != DecisionKind::kAllow;
    case ExpectedOutcome::kExplicitDeny: return kind == DecisionKind::kExplicitDeny;
    case ExpectedOutcome::kImplicitDeny: return kind == DecisionKind::kImplicitDeny;
  }
  return false;
}

namespace {

using internal::ClosestMatch;
using internal::DidYouMean;
using internal::LocationFromMark;
using internal::PointerAppend;
using internal::QuoteForMessage;

constexpr std::string_view kDefaultAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr int kMaxRandomLength = 4096;
constexpr internal::YamlDocumentKind kScenarioDocument = {"scenario", "yaml-syntax", "too-large"};

std::string QuotePath(std::string_view path) {
  return QuoteForMessage(path, internal::kMaxQuotedPathChars);
}

enum class FileRead { kOk, kCannotOpen, kNotRegular, kTooLarge };

// Reads a regular file of at most `max_bytes` bytes into `*out`. Anything
// else (a directory, /dev/zero, a FIFO) is refused before it is opened, and
// at most `max_bytes` + 1 bytes are read, so no file can exhaust memory.
FileRead ReadRegularFile(const std::string& path, size_t max_bytes, std::string* out) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) return FileRead::kCannotOpen;
  if (!std::filesystem::is_regular_file(status)) return FileRead::kNotRegular;
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileRead::kCannotOpen;
  out->resize(max_bytes + 1);
  in.read(out->data(), static_cast<std::streamsize>(out->size()));
  if (in.bad()) return FileRead::kCannotOpen;
  out->resize(static_cast<size_t>(in.gcount()));
  if (out->size() > max_bytes) return FileRead::kTooLarge;
  return FileRead::kOk;
}

std::string JoinViews(const std::vector<std::string_view>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

// A map node's entries in file order (duplicates kept, so they can be reported).
using Entries = std::vector<std::pair<std::string, YAML::Node>>;

class Loader {
 public:
  Loader(std::string_view base_dir, std::vector<Issue>* issues)
      : base_dir_(base_dir), issues_(issues) {}

  void Error(const YAML::Node& node, const std::string& pointer,
             std::string code, std::string message) {
    Issue issue;
    issue.code = std::move(code);
    issue.message = std::move(message);
    issue.location = LocationFromMark(node.Mark(), pointer);
    issues_->push_back(std::move(issue));
  }

  // Returns the entries of a map node after checking its keys against
  // `allowed` (unknown keys and duplicates are errors); false if not a map.
  bool Map(const YAML::Node& node, const std::string& pointer,
           const std::vector<std::string_view>& allowed, Entries* out) {
    out->clear();
    if (!node.IsMap()) {
      Error(node, pointer, "invalid-type", "expected a mapping");
      return false;
    }
    std::vector<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, pointer, "invalid-type", "mapping keys must be scalars");
        continue;
      }
      std::string key = it->first.Scalar();
      std::string key_pointer = PointerAppend(pointer, key);
      bool duplicate = false;
      for (const std::string& s : seen) duplicate |= (s == key);
      if (duplicate) {
        Error(it->first, key_pointer, "duplicate-key",
              internal::StrCat("duplicate key ", QuoteForMessage(key)));
        continue;
      }
      seen.push_back(key);
      if (!allowed.empty()) {
        bool known = false;
        for (std::string_view a : allowed) known |= (a == key);
        if (!known) {
          const std::string_view suggestion = ClosestMatch(key, allowed);
          Error(it->first, key_pointer, "unknown-field",
                internal::StrCat(
                    "unknown field ", QuoteForMessage(key),
                    suggestion.empty()
                        ? internal::StrCat(" (expected one of: ", JoinViews(allowed), ")")
                        : DidYouMean(suggestion)));
          continue;
        }
      }
      out->emplace_back(std::move(key), it->second);
    }
    return true;
  }

  bool Scalar(const YAML::Node& node, const std::string& pointer,
              std::string_view what, std::string* out) {
    if (!node.IsScalar()) {
      Error(node, pointer, "invalid-type", internal::StrCat(what, " must be a string"));
      return false;
    }
    *out = node.Scalar();
    return true;
  }

  // Lattice always supplies a 12-digit account id; anything else in a
  // scenario is a typo that would silently match no account condition.
  bool AccountId(const YAML::Node& node, const std::string& pointer, const std::string& value) {
    if (internal::IsAccountId(value)) return true;
    Error(node, pointer, "invalid-value",
          internal::StrCat("account id ", QuoteForMessage(value),
                           " must be a string of exactly 12 digits"));
    return false;
  }

  // Lattice supplies real ARNs for the service and the caller's service
  // network: `arn:<partition>:vpc-lattice:<region>:<12-digit account>:<type>/<id>`.
  // Anything else in a scenario is a typo that would silently match no ARN
  // condition (and make `prove` reason about a service that cannot exist).
  bool LatticeArn(const YAML::Node& node, const std::string& pointer, const std::string& value,
                  std::string_view type) {
    std::array<std::string_view, 6> f;
    std::string why;
    if (!internal::SplitArn(value, &f)) {
      why = "an ARN has six colon-separated fields starting with `arn`";
    } else if (f[2] != "vpc-lattice") {
      why = "a VPC Lattice ARN is in the `vpc-lattice` service";
    } else if (f[3].empty()) {
      why = "the region field is empty";
    } else if (!internal::IsAccountId(f[4])) {
      why = "the account field has 12 digits";
    } else if (!internal::StartsWith(f[5], internal::StrCat(type, "/")) ||
               f[5].size() == type.size() + 1 ||
               f[5].find_first_of("/*?", type.size() + 1) != std::string_view::npos) {
      why = internal::StrCat("the resource field is `", type, "/<id>`");
    }
    if (why.empty()) return true;
    Error(node, pointer, "invalid-value",
          internal::StrCat(QuoteForMessage(value), " is not a VPC Lattice ", type, " ARN: ", why));
    return false;
  }

  bool NonNegativeNumber(const YAML::Node& node, const std::string& pointer,
                         std::string_view what, double* out) {
    double v = 0;
    if (!node.IsScalar() || !absl::SimpleAtod(node.Scalar(), &v) ||
        !std::isfinite(v) || v < 0) {
      Error(node, pointer, "invalid-weight",
            internal::StrCat(what, " must be a non-negative number"));
      return false;
    }
    *out = v;
    return true;
  }

  bool Integer(const YAML::Node& node, const std::string& pointer,
               std::string_view what, uint64_t lo, uint64_t hi, uint64_t* out) {
    uint64_t v = 0;
    std::string text = node.IsScalar() ? node.Scalar() : "";
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    if (!node.IsScalar() || text.empty() || text[0] == '-' || text[0] == '+' ||
        !absl::SimpleAtoi(text, &v) || v < lo || v > hi) {
      Error(node, pointer, "invalid-value",
            internal::StrCat(what, " must be an integer between ", lo, " and ", hi));
      return false;
    }
    *out = v;
    return true;
  }

  bool Bool(const YAML::Node& node, const std::string& pointer,
            std::string_view what, bool* out) {
    std::string text = node.IsScalar() ? absl::AsciiStrToLower(node.Scalar()) : "";
    if (text == "true") {
      *out = true;
    } else if (text == "false") {
      *out = false;
    } else {
      Error(node, pointer, "invalid-type", internal::StrCat(what, " must be true or false"));
      return false;
    }
    return true;
  }

  // A list of strings, or one string.
  bool StringList(const YAML::Node& node, const std::string& pointer,
                  std::string_view what, std::vector<std::string>* out) {
    out->clear();
    if (node.IsScalar()) {
      out->push_back(node.Scalar());
      return true;
    }
    if (!node.IsSequence()) {
      Error(node, pointer, "invalid-type",
            internal::StrCat(what, " must be a string or a list of strings"));
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < node.size(); ++i) {
      std::string s;
      if (Scalar(node[i], PointerAppend(pointer, i), what, &s)) {
        out->push_back(std::move(s));
      } else {
        ok = false;
      }
    }
    return ok;
  }

  std::string Resolve(const std::string& path) const {
    std::filesystem::path p(path);
    if (p.is_absolute() || base_dir_.empty()) return path;
    return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
  }

  // Reads and parses a policy file named at `node`.
  bool LoadPolicy(const YAML::Node& node, const std::string& pointer,
                  bool identity, std::string* resolved,
                  std::optional<PolicyDocument>* out) {
    std::string path;
    if (!Scalar(node, pointer, "a policy path", &path)) return false;
    *resolved = Resolve(path);
    ParseOptions options;
    options.identity_policy = identity;
    // A character is at most 4 bytes of UTF-8: past this the policy is too
    // large whatever it holds, so the rest is never read.
    const size_t max_bytes = 4 * options.max_size;
    std::string text;
    switch (ReadRegularFile(*resolved, max_bytes, &text)) {
      case FileRead::kOk:
        break;
      case FileRead::kCannotOpen:
        Error(node, pointer, "policy-file",
              internal::StrCat("cannot read policy file ", QuotePath(*resolved)));
        return false;
      case FileRead::kNotRegular:
        Error(node, pointer, "policy-file",
              internal::StrCat("policy file ", QuotePath(*resolved), " is not a regular file"));
        return false;
      case FileRead::kTooLarge:
        Error(node, pointer, "policy-file",
              internal::StrCat("policy file ", QuotePath(*resolved), " has more than ", max_bytes,
                               " bytes; a policy has at most ", options.max_size,
                               " characters [policy-too-large]"));
        return false;
    }
    ParseResult parsed = ParsePolicy(text, options);
    if (!parsed.ok()) {
      for (const Issue& issue : parsed.issues) {
        if (issue.severity != Severity::kError) continue;
        // The policy's own message is escaped; its path and pointer are not.
        Error(node, pointer, "policy-file",
              internal::StrCat("invalid policy: ",
                               internal::EscapeForMessage(FormatIssue(issue, *resolved),
                                                          internal::kMaxQuotedPathChars)));
      }
      return false;
    }
    *out = std::move(parsed.doc);
    return true;
  }

  bool AuthTypeField(const YAML::Node& node, const std::string& pointer,
                     AuthType* out) {
    std::string text;
    if (!Scalar(node, pointer, "an auth type", &text)) return false;
    if (!ParseAuthTypeName(text, out)) {
      Error(node, pointer, "invalid-value",
            internal::StrCat("invalid auth type ", QuoteForMessage(text),
                             ": expected AWS_IAM or NONE"));
      return false;
    }
    return true;
  }

  // ---- Distributions --------------------------------------------------------

  // `kind` selects value validation: 'p' = port number, 's' = string.
  bool ChoiceValue(const YAML::Node& node, const std::string& pointer, char kind,
                   std::string* out) {
    if (!node.IsScalar()) {
      Error(node, pointer, "invalid-type",
            kind == 'p' ? "a port must be a number" : "a value must be a string");
      return false;
    }
    if (kind == 'p') {
      uint64_t port = 0;
      if (!Integer(node, pointer, "a port", 0, 65535, &port)) return false;
      *out = std::to_string(port);
      return true;
    }
    *out = node.Scalar();
    return true;
  }

  bool ChoiceObject(const YAML::Node& node, const std::string& pointer, char kind,
                    bool allow_repeat, ScenarioChoice* choice) {
    Entries entries;
    if (!Map(node, pointer, {"value", "absent", "repeat", "random", "weight"},
             &entries)) {
      return false;
    }
    int forms = 0;
    bool ok = true;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "weight") {
        ok &= NonNegativeNumber(value, p, "weight", &choice->weight);
        continue;
      }
      ++forms;
      if (key == "value") {
        choice->kind = ScenarioChoice::Kind::kValue;
        ok &= ChoiceValue(value, p, kind, &choice->value);
      } else if (key == "absent") {
        bool absent = false;
        ok &= Bool(value, p, "absent", &absent);
        if (!absent) {
          Error(value, p, "invalid-value", "`absent` must be true (leave it out otherwise)");
          ok = false;
        }
        choice->kind = ScenarioChoice::Kind::kAbsent;
      } else if (key == "repeat") {
        choice->kind = ScenarioChoice::Kind::kRepeat;
        if (!allow_repeat) {
          Error(value, p, "invalid-value", "`repeat` is only allowed for query keys and headers");
          ok = false;
          continue;
        }
        ok &= StringList(value, p, "repeat", &choice->values);
        if (choice->values.empty()) {
          Error(value, p, "invalid-value", "`repeat` needs at least one value");
          ok = false;
        }
      } else if (key == "random") {
        choice->kind = ScenarioChoice::Kind::kRandom;
        if (kind == 'p') {
          Error(value, p, "invalid-value", "a port cannot be random");
          ok = false;
          continue;
        }
        ok &= RandomSpec(value, p, choice);
      }
    }
    if (forms != 1) {
      Error(node, pointer, "invalid-choice",
            "a choice needs exactly one of `value`, `absent`, `repeat`, `random`");
      ok = false;
    }
    return ok;
  }

  bool RandomSpec(const YAML::Node& node, const std::string& pointer,
                  ScenarioChoice* choice) {
    choice->alphabet = std::string(kDefaultAlphabet);
    if (node.IsScalar()) {
      uint64_t n = 0;
      if (!Integer(node, pointer, "a random length", 0, kMaxRandomLength, &n)) return false;
      choice->random_min = choice->random_max = static_cast<int>(n);
      return true;
    }
    Entries entries;
    if (!Map(node, pointer, {"min", "max", "length", "alphabet"}, &entries)) return false;
    bool ok = true;
    bool has_min = false, has_max = false;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      uint64_t n = 0;
      if (key == "alphabet") {
        ok &= Scalar(value, p, "alphabet", &choice->alphabet);
        if (choice->alphabet.empty()) {
          Error(value, p, "invalid-value", "alphabet must not be empty");
          ok = false;
        }
      } else if (Integer(value, p, "a random length", 0, kMaxRandomLength, &n)) {
        if (key == "min" || key == "length") {
          choice->random_min = static_cast<int>(n);
          has_min = true;
        }
        if (key == "max" || key == "length") {
          choice->random_max = static_cast<int>(n);
          has_max = true;
        }
      } else {
        ok = false;
      }
    }
    if (has_min && !has_max) choice->random_max = std::max(choice->random_max, choice->random_min);
    if (has_max && !has_min) choice->random_min = std::min(choice->random_min, choice->random_max);
    if (choice->random_min > choice->random_max) {
      Error(node, pointer, "invalid-value", "random `min` must not exceed `max`");
      ok = false;
    }
    return ok;
  }

  // Parses any of the distribution forms into `out`.
  bool Distribution(const YAML::Node& node, const std::string& pointer, char kind,
                    bool allow_repeat, ScenarioDistribution* out) {
    out->choices.clear();
    bool ok = true;
    if (node.IsScalar()) {
      ScenarioChoice c;
      ok = ChoiceValue(node, pointer, kind, &c.value);
      out->choices.push_back(std::move(c));
    } else if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) {
        std::string p = PointerAppend(pointer, i);
        ScenarioChoice c;
        if (node[i].IsMap()) {
          ok &= ChoiceObject(node[i], p, kind, allow_repeat, &c);
        } else {
          ok &= ChoiceValue(node[i], p, kind, &c.value);
        }
        out->choices.push_back(std::move(c));
      }
    } else if (node.IsMap()) {
      // `{value: weight}` or a single choice object.
      bool is_object = false;
      for (auto it = node.begin(); it != node.end(); ++it) {
        std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
        if (k == "value" || k == "absent" || k == "repeat" || k == "random" ||
            k == "weight") {
          is_object = true;
        }
      }
      if (is_object) {
        ScenarioChoice c;
        ok = ChoiceObject(node, pointer, kind, allow_repeat, &c);
        out->choices.push_back(std::move(c));
      } else {
        Entries entries;
        if (!Map(node, pointer, {}, &entries)) return false;
        for (auto& [key, value] : entries) {
          std::string p = PointerAppend(pointer, key);
          ScenarioChoice c;
          if (kind == 'p') {
            uint64_t port = 0;
            if (!absl::SimpleAtoi(key, &port) || port > 65535) {
              Error(value, p, "invalid-value",
                    internal::StrCat("invalid port ", QuoteForMessage(key)));
              ok = false;
            }
            c.value = std::to_string(port);
          } else {
            c.value = key;
          }
          ok &= NonNegativeNumber(value, p, "weight", &c.weight);
          out->choices.push_back(std::move(c));
        }
      }
    } else {
      Error(node, pointer, "invalid-type",
            "expected a value, a list of choices or a `value: weight` mapping");
      return false;
    }
    if (ok) {
      double total = 0;
      for (const ScenarioChoice& c : out->choices) total += c.weight;
      if (out->choices.empty() || !(total > 0)) {
        Error(node, pointer, "invalid-weight", "the weights of a distribution must not all be zero");
        ok = false;
      } else if (!std::isfinite(total)) {
        Error(node, pointer, "invalid-weight",
              "the weights of a distribution add up to more than the largest number");
        ok = false;
      }
    }
    return ok;
  }

  bool Mix(const YAML::Node& node, const std::string& pointer, ScenarioMix* mix) {
    Entries entries;
    if (!Map(node, pointer, {"actions", "methods", "paths", "port", "query", "headers"},
             &entries)) {
      return false;
    }
    bool ok = true;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "actions") {
        ok &= Distribution(value, p, 's', false, &mix->actions);
        for (const ScenarioChoice& c : mix->actions.choices) {
          if (c.kind != ScenarioChoice::Kind::kValue) {
            Error(value, p, "invalid-value", "actions must be plain values");
            ok = false;
            break;
          }
        }
      } else if (key == "methods" || key == "paths") {
        ScenarioDistribution* d = key == "methods" ? &mix->methods : &mix->paths;
        ok &= Distribution(value, p, 's', false, d);
        for (const ScenarioChoice& c : d->choices) {
          if (c.kind == ScenarioChoice::Kind::kAbsent) {
            Error(value, p, "invalid-value",
                  internal::StrCat(key, " cannot be absent (Invoke requests always have them)"));
            ok = false;
            break;
          }
        }
      } else if (key == "port") {
        ok &= Distribution(value, p, 'p', false, &mix->ports);
      } else {  // query, headers
        bool headers = key == "headers";
        Entries keys;
        if (!Map(value, p, {}, &keys)) {
          ok = false;
          continue;
        }
        std::vector<NamedDistribution>* list = headers ? &mix->headers : &mix->query;
        for (auto& [name, dist_node] : keys) {
          std::string kp = PointerAppend(p, name);
          std::string stored = headers ? absl::AsciiStrToLower(name) : name;
          if (stored.empty()) {
            Error(dist_node, kp, "invalid-value",
                  headers ? "a header name must not be empty" : "a query key must not be empty");
            ok = false;
            continue;
          }
          bool duplicate = false;
          for (const NamedDistribution& nd : *list) duplicate |= nd.first == stored;
          if (duplicate) {
            Error(dist_node, kp, "duplicate-key",
                  internal::StrCat("header ", QuoteForMessage(stored),
                                   " is given twice (names are case-insensitive)"));
            ok = false;
            continue;
          }
          ScenarioDistribution d;
          ok &= Distribution(dist_node, kp, 's', true, &d);
          list->emplace_back(std::move(stored), std::move(d));
        }
      }
    }
    return ok;
  }

  // ---- Callers ----------------------------------------------------------------

  bool PrincipalField(const YAML::Node& node, const std::string& pointer,
                      std::optional<Principal>* out) {
    if (node.IsScalar() && absl::AsciiStrToLower(node.Scalar()) == "anonymous") {
      out->reset();
      return true;
    }
    if (node.IsNull()) {
      out->reset();
      return true;
    }
    if (!node.IsMap()) {
      Error(node, pointer, "invalid-type",
            "principal must be `anonymous` or an object with `arn`/`account`");
      return false;
    }
    Entries entries;
    if (!Map(node, pointer,
             {"arn", "type", "account", "orgId", "orgPaths", "tags", "sessionArn"},
             &entries)) {
      return false;
    }
    Principal principal;
    bool ok = true;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "arn") {
        ok &= Scalar(value, p, "arn", &principal.arn);
      } else if (key == "type") {
        ok &= Scalar(value, p, "type", &principal.type);
        static const std::vector<std::string_view> kTypes = {
            "AssumedRole", "User", "FederatedUser", "Account", "Service"};
        bool known = false;
        for (std::string_view t : kTypes) known |= t == principal.type;
        if (ok && !known) {
          Error(value, p, "invalid-value",
                internal::StrCat("unknown principal type ", QuoteForMessage(principal.type),
                                 DidYouMean(ClosestMatch(principal.type, kTypes))));
          ok = false;
        }
      } else if (key == "account") {
        ok &= Scalar(value, p, "account", &principal.account) &&
              AccountId(value, p, principal.account);
      } else if (key == "orgId") {
        ok &= Scalar(value, p, "orgId", &principal.org_id);
      } else if (key == "orgPaths") {
        ok &= StringList(value, p, "orgPaths", &principal.org_paths);
      } else if (key == "sessionArn") {
        ok &= Scalar(value, p, "sessionArn", &principal.session_arn);
      } else if (key == "tags") {
        Entries tags;
        if (!Map(value, p, {}, &tags)) {
          ok = false;
          continue;
        }
        for (auto& [tag, tag_value] : tags) {
          std::string v;
          if (Scalar(tag_value, PointerAppend(p, tag), "a tag value", &v)) {
            principal.tags.emplace_back(tag, std::move(v));
          } else {
            ok = false;
          }
        }
      }
    }
    if (!ok) return false;
    // Fill in what the ARN implies (DECISION L2 for session ARNs).
    std::string_view arn = principal.arn;
    std::vector<std::string> fields = absl::StrSplit(principal.arn, absl::MaxSplits(':', 5));
    if (!arn.empty()) {
      if (fields.size() != 6 || fields[0] != "arn") {
        Error(node, PointerAppend(pointer, "arn"), "invalid-value",
              internal::StrCat(QuoteForMessage(principal.arn), " is not an ARN"));
        return false;
      }
      if (principal.account.empty()) principal.account = fields[4];
      std::string_view resource = fields[5];
      if (absl::StartsWith(internal::AbslView(resource), "assumed-role/")) {
        std::vector<std::string> parts = absl::StrSplit(internal::AbslView(resource), '/');
        if (principal.session_arn.empty()) principal.session_arn = principal.arn;
        if (parts.size() >= 2) {
          principal.arn =
              internal::StrCat("arn:", fields[1], ":iam::", fields[4], ":role/", parts[1]);
        }
        if (principal.type.empty()) principal.type = "AssumedRole";
      } else if (principal.type.empty()) {
        if (absl::StartsWith(internal::AbslView(resource), "role/"))
          principal.type = "AssumedRole";
        else if (absl::StartsWith(internal::AbslView(resource), "user/"))
          principal.type = "User";
        else if (absl::StartsWith(internal::AbslView(resource), "federated-user/"))
          principal.type = "FederatedUser";
        else if (resource == "root") principal.type = "Account";
        else principal.type = "AssumedRole";
      }
    } else if (principal.account.empty()) {
      Error(node, pointer, "missing-field", "a signed principal needs `arn` or `account`");
      return false;
    } else if (principal.type.empty()) {
      principal.type = "Account";
    }
    *out = std::move(principal);
    return true;
  }

  bool Caller(const YAML::Node& node, const std::string& pointer, ScenarioCaller* caller) {
    Entries entries;
    if (!Map(node, pointer,
             {"name", "weight", "sourceVpc", "sourceVpcOwnerAccount", "serviceNetworkArn",
              "principal", "identityDecision", "identityPolicy", "mix"},
             &entries)) {
      return false;
    }
    caller->location = LocationFromMark(node.Mark(), pointer);
    bool ok = true;
    bool has_name = false;
    const YAML::Node* identity_node = nullptr;
    int identity_inputs = 0;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      std::string s;
      if (key == "name") {
        has_name = Scalar(value, p, "name", &caller->name);
        if (has_name && caller->name.empty()) {
          Error(value, p, "invalid-value", "a caller name must not be empty");
          ok = false;
        }
        ok &= has_name;
      } else if (key == "weight") {
        ok &= NonNegativeNumber(value, p, "weight", &caller->weight);
      } else if (key == "sourceVpc") {
        if ((ok &= Scalar(value, p, key, &s))) caller->source_vpc = s;
      } else if (key == "sourceVpcOwnerAccount") {
        if ((ok &= Scalar(value, p, key, &s) && AccountId(value, p, s))) {
          caller->source_vpc_owner_account = s;
        }
      } else if (key == "serviceNetworkArn") {
        if ((ok &= Scalar(value, p, key, &s) && LatticeArn(value, p, s, "servicenetwork"))) {
          caller->service_network_arn = s;
        }
      } else if (key == "principal") {
        ok &= PrincipalField(value, p, &caller->principal);
      } else if (key == "identityDecision") {
        DecisionKind kind;
        if (!Scalar(value, p, key, &s) || !ParseDecisionName(s, &kind)) {
          Error(value, p, "invalid-value",
                internal::StrCat("invalid identity decision ", QuoteForMessage(s),
                                 ": expected ALLOW, EXPLICIT_DENY or IMPLICIT_DENY"));
          ok = false;
        } else {
          caller->identity_decision = kind;
        }
        identity_node = &value;
        ++identity_inputs;
      } else if (key == "identityPolicy") {
        ok &= LoadPolicy(value, p, /*identity=*/true, &caller->identity_policy_path,
                         &caller->identity_policy);
        identity_node = &value;
        ++identity_inputs;
      } else if (key == "mix") {
        ok &= Mix(value, p, &caller->mix);
      }
    }
    if (!has_name && ok) {
      Error(node, pointer, "missing-field", "a caller needs a `name`");
      ok = false;
    }
    if (identity_inputs > 1) {
      Error(*identity_node, pointer, "invalid-value",
            "give either `identityDecision` or `identityPolicy`, not both");
      ok = false;
    }
    return ok;
  }

  // ---- Expectations -------------------------------------------------------------

  bool ValueMatches(const YAML::Node& node, const std::string& pointer,
                    bool header, std::vector<std::pair<std::string, ValueMatch>>* out) {
    Entries entries;
    if (!Map(node, pointer, {}, &entries)) return false;
    bool ok = true;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      ValueMatch m;
      if (value.IsNull()) {
        m.absent = true;
      } else if (value.IsScalar()) {
        m.values.push_back(value.Scalar());
      } else if (value.IsSequence()) {
        ok &= StringList(value, p, "a value", &m.values);
        if (header) {
          Error(value, p, "invalid-value",
                "a header has one value (repeats are joined with `,`)");
          ok = false;
        } else if (m.values.empty()) {
          Error(value, p, "invalid-value", "use `~` (null) to match an absent key");
          ok = false;
        }
      } else {
        Error(value, p, "invalid-type", "expected a string, a list of strings or `~`");
        ok = false;
      }
      out->emplace_back(header ? absl::AsciiStrToLower(key) : key, std::move(m));
    }
    return ok;
  }

  bool Expectation(const YAML::Node& node, const std::string& pointer,
                   const std::vector<ScenarioCaller>& callers, latticepol::Expectation* e) {
    Entries entries;
    if (!Map(node, pointer, {"name", "match", "expect"}, &entries)) return false;
    e->location = LocationFromMark(node.Mark(), pointer);
    bool ok = true;
    bool has_expect = false;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "name") {
        ok &= Scalar(value, p, "name", &e->name);
      } else if (key == "expect") {
        std::string s;
        has_expect = true;
        if (!Scalar(value, p, "expect", &s)) {
          ok = false;
          continue;
        }
        if (s == "ALLOW") e->expect = ExpectedOutcome::kAllow;
        else if (s == "DENY") e->expect = ExpectedOutcome::kDeny;
        else if (s == "EXPLICIT_DENY") e->expect = ExpectedOutcome::kExplicitDeny;
        else if (s == "IMPLICIT_DENY") e->expect = ExpectedOutcome::kImplicitDeny;
        else {
          const std::string_view sug =
              ClosestMatch(s, {"ALLOW", "DENY", "EXPLICIT_DENY", "IMPLICIT_DENY"});
          Error(value, p, "invalid-value",
                internal::StrCat("invalid outcome ", QuoteForMessage(s),
                                 sug.empty()
                                     ? "; expected ALLOW, DENY, EXPLICIT_DENY or IMPLICIT_DENY"
                                     : DidYouMean(sug)));
          ok = false;
        }
      } else if (key == "match") {
        ok &= Match(value, p, callers, &e->match);
      }
    }
    if (!has_expect) {
      Error(node, pointer, "missing-field", "an expectation needs `expect`");
      ok = false;
    }
    if (e->name.empty()) e->name = DescribeMatch(e->match);
    return ok;
  }

  bool Match(const YAML::Node& node, const std::string& pointer,
             const std::vector<ScenarioCaller>& callers, ExpectationMatch* m) {
    Entries entries;
    if (node.IsNull()) return true;  // `match:` with nothing = every request
    if (!Map(node, pointer,
             {"caller", "action", "method", "path", "port", "signed", "query", "headers"},
             &entries)) {
      return false;
    }
    bool ok = true;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "caller") {
        ok &= StringList(value, p, "caller", &m->callers);
        std::vector<std::string_view> names;
        for (const ScenarioCaller& c : callers) names.push_back(c.name);
        for (const std::string& name : m->callers) {
          bool known = false;
          for (std::string_view n : names) known |= n == name;
          if (!known) {
            Error(value, p, "unknown-caller",
                  internal::StrCat("unknown caller ", QuoteForMessage(name),
                                   DidYouMean(ClosestMatch(name, names))));
            ok = false;
          }
        }
      } else if (key == "action") {
        ok &= StringList(value, p, "action", &m->actions);
      } else if (key == "method") {
        ok &= StringList(value, p, "method", &m->methods);
      } else if (key == "path") {
        ok &= StringList(value, p, "path", &m->paths);
      } else if (key == "port") {
        std::vector<YAML::Node> items;
        if (value.IsSequence()) {
          for (size_t i = 0; i < value.size(); ++i) items.push_back(value[i]);
        } else {
          items.push_back(value);
        }
        for (const YAML::Node& item : items) {
          uint64_t port = 0;
          if (Integer(item, p, "a port", 0, 65535, &port)) {
            m->ports.push_back(static_cast<int32_t>(port));
          } else {
            ok = false;
          }
        }
      } else if (key == "signed") {
        bool b = false;
        if ((ok &= Bool(value, p, "signed", &b))) m->is_signed = b;
      } else if (key == "query") {
        ok &= ValueMatches(value, p, false, &m->query);
      } else if (key == "headers") {
        ok &= ValueMatches(value, p, true, &m->headers);
      }
    }
    return ok;
  }

  static std::string DescribeMatch(const ExpectationMatch& m) {
    std::vector<std::string> parts;
    auto list = [](const std::vector<std::string>& v) {
      return v.size() == 1 ? v[0] : internal::StrCat("[", absl::StrJoin(v, ","), "]");
    };
    if (!m.callers.empty()) parts.push_back(internal::StrCat("caller=", list(m.callers)));
    if (!m.actions.empty()) parts.push_back(internal::StrCat("action=", list(m.actions)));
    if (!m.methods.empty()) parts.push_back(internal::StrCat("method=", list(m.methods)));
    if (!m.paths.empty()) parts.push_back(internal::StrCat("path=", list(m.paths)));
    if (!m.ports.empty()) parts.push_back(internal::StrCat("port=", absl::StrJoin(m.ports, ",")));
    if (m.is_signed) parts.push_back(*m.is_signed ? "signed" : "anonymous");
    for (const auto& [k, v] : m.query) {
      parts.push_back(internal::StrCat("q:", k, "=", v.absent ? "(absent)" : list(v.values)));
    }
    for (const auto& [k, v] : m.headers) {
      parts.push_back(internal::StrCat("h:", k, "=", v.absent ? "(absent)" : list(v.values)));
    }
    return parts.empty() ? "(any request)" : absl::StrJoin(parts, " ");
  }

  // ---- Top level ----------------------------------------------------------------

  void Load(const YAML::Node& root, Scenario* s) {
    Entries entries;
    if (!Map(root, "", {"policies", "service", "count", "seed", "threads", "samples", "mix",
                        "callers", "expectations"},
             &entries)) {
      return;
    }
    const YAML::Node* callers_node = nullptr;
    const YAML::Node* expectations_node = nullptr;
    bool has_callers = false;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend("", key);
      uint64_t n = 0;
      if (key == "policies") {
        Policies(value, p, s);
      } else if (key == "service") {
        Service(value, p, s);
      } else if (key == "count") {
        if (Integer(value, p, "count", 0, kMaxScenarioCount, &n)) s->count = n;
      } else if (key == "seed") {
        if (Integer(value, p, "seed", 0, UINT64_MAX, &n)) s->seed = n;
      } else if (key == "threads") {
        if (Integer(value, p, "threads", 0, 1024, &n)) s->threads = static_cast<int>(n);
      } else if (key == "samples") {
        if (Integer(value, p, "samples", 0, 10000, &n)) s->max_samples = static_cast<int>(n);
      } else if (key == "mix") {
        Mix(value, p, &s->mix);
      } else if (key == "callers") {
        callers_node = &value;
        has_callers = true;
      } else if (key == "expectations") {
        expectations_node = &value;
      }
    }
    if (!has_callers) {
      Error(root, "", "missing-field", "a scenario needs `callers`");
      return;
    }
    const YAML::Node& callers = *callers_node;
    if (!callers.IsSequence() || callers.size() == 0) {
      Error(callers, "/callers", "invalid-type", "`callers` must be a non-empty list");
      return;
    }
    double total = 0;
    for (size_t i = 0; i < callers.size(); ++i) {
      std::string p = PointerAppend("/callers", i);
      ScenarioCaller caller;
      if (Caller(callers[i], p, &caller)) {
        for (const ScenarioCaller& other : s->callers) {
          if (other.name == caller.name) {
            Error(callers[i], PointerAppend(p, "name"), "duplicate-caller",
                  internal::StrCat("duplicate caller name ", QuoteForMessage(caller.name)));
          }
        }
      }
      total += caller.weight;
      s->callers.push_back(std::move(caller));
    }
    if (!(total > 0)) {
      Error(callers, "/callers", "invalid-weight", "the caller weights must not all be zero");
    } else if (!std::isfinite(total)) {
      Error(callers, "/callers", "invalid-weight",
            "the caller weights add up to more than the largest number");
    }
    if (expectations_node != nullptr) {
      const YAML::Node& list = *expectations_node;
      if (!list.IsSequence()) {
        Error(list, "/expectations", "invalid-type", "`expectations` must be a list");
        return;
      }
      for (size_t i = 0; i < list.size(); ++i) {
        latticepol::Expectation e;
        Expectation(list[i], PointerAppend("/expectations", i), s->callers, &e);
        s->expectations.push_back(std::move(e));
      }
    }
  }

  void Policies(const YAML::Node& node, const std::string& pointer, Scenario* s) {
    Entries entries;
    if (!Map(node, pointer, {"service", "serviceAuthType", "network", "networkAuthType"},
             &entries)) {
      return;
    }
    bool network_type_given = false;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "service") {
        LoadPolicy(value, p, false, &s->service_policy_path, &s->service_policy);
      } else if (key == "network") {
        LoadPolicy(value, p, false, &s->network_policy_path, &s->network_policy);
      } else if (key == "serviceAuthType") {
        AuthTypeField(value, p, &s->service_auth_type);
      } else if (key == "networkAuthType") {
        network_type_given = AuthTypeField(value, p, &s->network_auth_type);
      }
    }
    if (!network_type_given && !s->network_policy_path.empty()) {
      s->network_auth_type = AuthType::kAwsIam;
    }
  }

  void Service(const YAML::Node& node, const std::string& pointer, Scenario* s) {
    Entries entries;
    if (!Map(node, pointer, {"arn", "tags"}, &entries)) return;
    for (auto& [key, value] : entries) {
      std::string p = PointerAppend(pointer, key);
      if (key == "arn") {
        std::string arn;
        if (Scalar(value, p, "arn", &arn) && LatticeArn(value, p, arn, "service")) {
          s->service_arn = arn;
        }
      } else {
        Entries tags;
        if (!Map(value, p, {}, &tags)) continue;
        for (auto& [tag, tag_value] : tags) {
          std::string v;
          if (Scalar(tag_value, PointerAppend(p, tag), "a tag value", &v)) {
            s->resource_tags.emplace_back(tag, std::move(v));
          }
        }
      }
    }
  }

 private:
  std::string base_dir_;
  std::vector<Issue>* issues_;
};

}  // namespace

ScenarioLoadResult ParseScenario(std::string_view text, std::string_view source_name,
                                 std::string_view base_dir) {
  ScenarioLoadResult result;
  result.scenario.source_name = std::string(source_name);
  if (!internal::CheckYamlText(text, kScenarioDocument, &result.issues)) return result;
  if (!internal::CheckYamlStructure(internal::TabsToSpacesIfJson(text), kScenarioDocument,
                                    &result.issues)) {
    return result;
  }
  Loader loader(base_dir, &result.issues);
  try {
    std::string input = internal::TabsToSpacesIfJson(text);
    YAML::Node root = YAML::Load(input);
    if (!root.IsDefined() || root.IsNull()) {
      Issue issue;
      issue.code = "empty-scenario";
      issue.message = "the scenario is empty";
      result.issues.push_back(std::move(issue));
      return result;
    }
    loader.Load(root, &result.scenario);
  } catch (const YAML::Exception& e) {
    result.issues.push_back(internal::YamlExceptionIssue(e, text, kScenarioDocument));
  } catch (const std::exception& e) {
    Issue issue;
    issue.code = "yaml-syntax";
    issue.message =
        internal::StrCat("cannot read the scenario: ", internal::EscapeForMessage(e.what()));
    result.issues.push_back(std::move(issue));
  }
  return result;
}

ScenarioLoadResult LoadScenarioFile(const std::string& path) {
  std::string text;
  // One byte over the limit is enough for ParseScenario to report `too-large`.
  const FileRead read = ReadRegularFile(path, internal::kMaxYamlDocumentBytes + 1, &text);
  if (read == FileRead::kCannotOpen || read == FileRead::kNotRegular) {
    ScenarioLoadResult result;
    result.scenario.source_name = path;
    Issue issue;
    issue.code = "file-not-found";
    issue.message =
        read == FileRead::kCannotOpen
            ? internal::StrCat("cannot read scenario file ", QuotePath(path))
            : internal::StrCat("scenario file ", QuotePath(path), " is not a regular file");
    result.issues.push_back(std::move(issue));
    return result;
  }
  // kTooLarge: `text` holds the first limit + 2 bytes, which ParseScenario rejects.
  std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseScenario(text, path, dir);
}

}  // namespace latticepol
