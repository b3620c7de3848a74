// File: src/parse.cc
// Stage: parse. Auth policy text -> PolicyDocument + issues (spec sections 1
// and 3). The text is read by the strict internal JSON reader, which keeps a
// byte offset for every value and key; each element then has a small parse
// function below (ParseStatement, ParsePrincipal, ParseCondition, ...) that
// reports problems as Issues with a stable code, a JSON pointer and an offset.
// Offsets become line:column once, at the end.
//
// Strict mode rejects what Lattice would reject (and what the spec's
// DECISIONs call errors); lenient mode downgrades the DECISION-dependent ones
// to warnings and records their effect in the AST (docs/issue-codes.md lists
// every code and its severity in both modes).
#include "latticepol/parse.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "internal/json_reader.h"
#include "internal/keys.h"
#include "internal/semantics.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/issue.h"
#include "latticepol/policy.h"

namespace latticepol {
namespace {

using internal::QuoteForMessage;
using internal::StrCat;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!StartsWith(*s, prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}
bool ConsumeSuffix(std::string_view* s, std::string_view suffix) {
  if (!EndsWith(*s, suffix)) return false;
  s->remove_suffix(suffix.size());
  return true;
}
bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

using internal::JsonMember;
using internal::JsonType;
using internal::JsonValue;

// ---- Small text helpers -----------------------------------------------------

std::string ChildPointer(std::string_view parent, std::string_view key) {
  return StrCat(parent, "/", EscapeJsonPointerToken(key));
}

std::string ChildPointer(std::string_view parent, size_t index) {
  return StrCat(parent, "/", index);
}

// The parser's messages put `: did you mean` after the problem (as listed
// in docs/issue-codes.md); "" when there is no suggestion.
std::string DidYouMean(std::string_view suggestion) {
  return internal::DidYouMean(suggestion, ": ");
}

// The same for the candidate closest to `input`.
template <typename Container>
std::string DidYouMean(std::string_view input, const Container& candidates) {
  return DidYouMean(internal::ClosestMatch(input, candidates));
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

bool HasWildcard(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos;
}

bool IsAlphanumeric(std::string_view s) {
  return std::all_of(s.begin(), s.end(), absl::ascii_isalnum);
}

// ---- Name tables ------------------------------------------------------------

constexpr std::array<std::string_view, 3> kTopLevelElements = {"Version", "Id", "Statement"};
constexpr std::array<std::string_view, 9> kStatementElements = {
    "Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition"};
constexpr std::array<std::string_view, 4> kPrincipalTypes = {"AWS", "Service", "Federated",
                                                             "CanonicalUser"};
constexpr std::array<std::string_view, 2> kEffects = {"Allow", "Deny"};
constexpr std::array<std::string_view, 3> kKnownActions = {
    "vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Connect", "vpc-lattice-svcs:*"};


// Global keys that exist in IAM but are never present in Lattice (A6), with
// the Lattice equivalent where there is one.
struct AbsentGlobalKey {
  std::string_view name;
  std::string_view instead;
};
constexpr std::array<AbsentGlobalKey, 8> kAbsentGlobalKeys = {{
    {"aws:SourceVpc", "vpc-lattice-svcs:SourceVpc"},
    {"aws:SourceVpce", ""},
    {"aws:SourceAccount", "vpc-lattice-svcs:SourceVpcOwnerAccount"},
    {"aws:SourceArn", ""},
    {"aws:VpcSourceIp", "aws:SourceIp"},
    {"aws:userid", "aws:PrincipalArn"},
    {"aws:username", "aws:PrincipalArn"},
    {"aws:SecureTransport", "vpc-lattice-svcs:Port"},
}};

// Every valid operator spelling, for suggestions (157 names).
const std::vector<std::string>& AllOperatorNames() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>();
    for (int i = 0; i < kConditionOperatorCount; ++i) {
      const auto op = static_cast<ConditionOperator>(i);
      const std::string base(OperatorName(op));
      v->push_back(base);
      if (!internal::OperatorSemantics(op).set_qualifiable) continue;
      v->push_back(base + "IfExists");
      for (std::string_view prefix : {"ForAnyValue:", "ForAllValues:"}) {
        v->push_back(StrCat(prefix, base));
        v->push_back(StrCat(prefix, base, "IfExists"));
      }
    }
    return v;
  }();
  return *names;
}

struct ParsedOperator {
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier set = SetQualifier::kNone;
  bool if_exists = false;
};

// Splits `ForAnyValue:`/`ForAllValues:` and `IfExists` off an operator name
// and looks the rest up exactly (C2). Returns false for unknown names.
bool SplitOperatorName(std::string_view name, ParsedOperator* out) {
  if (ConsumePrefix(&name, "ForAnyValue:")) {
    out->set = SetQualifier::kForAnyValue;
  } else if (ConsumePrefix(&name, "ForAllValues:")) {
    out->set = SetQualifier::kForAllValues;
  }
  out->if_exists = ConsumeSuffix(&name, "IfExists");
  for (int i = 0; i < kConditionOperatorCount; ++i) {
    const auto op = static_cast<ConditionOperator>(i);
    if (OperatorName(op) == name) {
      out->op = op;
      return true;
    }
  }
  return false;
}

std::string_view FamilyExpectation(OperatorFamily family) {
  switch (family) {
    case OperatorFamily::kString: return "a string";
    case OperatorFamily::kNumeric: return "a number (`-?digits[.digits]`, no exponent)";
    case OperatorFamily::kDate: return "an iso 8601 date or epoch seconds";
    case OperatorFamily::kBool: return "`true` or `false`";
    case OperatorFamily::kBinary: return "base64 text";
    case OperatorFamily::kIp: return "an ip address or cidr block";
    case OperatorFamily::kArn: return "an arn (`arn:partition:service:region:account:resource`)";
    case OperatorFamily::kNull: return "`true` or `false`";
  }
  return "a value";
}

// ---- The parser -------------------------------------------------------------

// One string taken from a string-or-array element, with its location.
struct StringItem {
  std::string value;
  int64_t offset = -1;
  std::string pointer;
};

class PolicyParser {
 public:
  PolicyParser(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options) {}

  ParseResult Run() {
    result_.doc.is_identity_policy = options_.identity_policy;
    result_.doc.source_size = CountCharacters(text_);
    if (CheckText()) {
      JsonValue root;
      internal::JsonError error;
      internal::JsonReadOptions read_options;
      read_options.max_depth = options_.max_depth;
      if (!internal::ReadJson(text_, read_options, &root, &error)) {
        Error("json-syntax", error.message, "", error.offset);
      } else {
        CheckDuplicateKeys(root, "");
        ParseTopLevel(root);
      }
    }
    FillLineColumns();
    return std::move(result_);
  }

 private:
  // ---- Reporting ----
  void Report(Severity severity, std::string_view code, std::string message,
              std::string pointer, int64_t offset) {
    Issue issue;
    issue.severity = severity;
    issue.code = std::string(code);
    issue.message = std::move(message);
    issue.location.json_pointer = std::move(pointer);
    issue.location.offset = offset;
    result_.issues.push_back(std::move(issue));
  }
  void Error(std::string_view code, std::string message, std::string pointer, int64_t offset) {
    Report(Severity::kError, code, std::move(message), std::move(pointer), offset);
  }
  void Warn(std::string_view code, std::string message, std::string pointer, int64_t offset) {
    Report(Severity::kWarning, code, std::move(message), std::move(pointer), offset);
  }
  // An error in strict mode, a warning in lenient mode.
  void StrictError(std::string_view code, std::string message, std::string pointer,
                   int64_t offset) {
    Report(options_.strict ? Severity::kError : Severity::kWarning, code, std::move(message),
           std::move(pointer), offset);
  }
  void TypeError(std::string_view element, std::string_view expected, const JsonValue& v,
                 const std::string& pointer) {
    Error("invalid-type",
          StrCat(element, " must be ", expected, ", got ", internal::JsonTypeName(v.type)), pointer,
          v.offset);
  }

  static size_t CountCharacters(std::string_view text) {
    size_t n = 0;
    for (char c : text) {
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
  }

  // Offsets -> line:column, with one pass to index line starts.
  void FillLineColumns() {
    std::vector<size_t> line_starts = {0};
    for (size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts.push_back(i + 1);
    }
    for (Issue& issue : result_.issues) {
      SourceLocation& loc = issue.location;
      if (loc.offset < 0) continue;
      const size_t offset = std::min(static_cast<size_t>(loc.offset), text_.size());
      const auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset) - 1;
      loc.line = static_cast<int>(it - line_starts.begin()) + 1;
      loc.column = static_cast<int>(CountCharacters(text_.substr(*it, offset - *it))) + 1;
    }
  }

  // ---- Whole-text checks (spec 1.1). Returns false if parsing must stop. ----
  bool CheckText() {
    const size_t first = text_.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
      Error("empty-policy", "the policy is empty (an empty policy counts as no policy)", "",
            text_.empty() ? -1 : 0);
      return false;
    }
    const size_t size = result_.doc.source_size;
    if (size > options_.max_size) {
      Error("policy-too-large",
            StrCat("the policy has ", size, " characters; the maximum is ", options_.max_size), "",
            -1);
      return false;
    }
    if (size > options_.warn_size) {
      Warn("policy-exceeds-quota",
           StrCat("the policy has ", size, " characters; the auth policy quota is ",
                  options_.warn_size),
           "", -1);
    }
    // Trailing whitespace is ignored: files conventionally end in a newline,
    // and tools that upload a file strip it (documented in issue-codes.md).
    const size_t last = text_.find_last_not_of(" \t\r\n");
    const size_t newline = text_.substr(0, last).find_first_of("\r\n");
    if (newline != std::string_view::npos) {
      StrictError("policy-has-newlines",
                  "the policy contains newlines, which vpc lattice rejects: minify it to one line",
                  "", static_cast<int64_t>(newline));
    }
    return true;
  }

  // ---- G4: duplicate keys at any level. Depth is bounded by max_depth. ----
  void CheckDuplicateKeys(const JsonValue& v, const std::string& pointer) {
    if (v.is_array()) {
      for (size_t i = 0; i < v.elements.size(); ++i) {
        CheckDuplicateKeys(v.elements[i], ChildPointer(pointer, i));
      }
      return;
    }
    if (!v.is_object()) return;
    // A set keeps hostile objects with thousands of members linear-ish.
    std::set<std::string_view> seen;
    for (const JsonMember& m : v.members) {
      const std::string child = ChildPointer(pointer, m.key);
      if (!seen.insert(m.key).second) {
        Error("duplicate-key", StrCat("duplicate key ", QuoteForMessage(m.key)), child,
              m.key_offset);
      }
      CheckDuplicateKeys(m.value, child);
    }
  }

  // Reports members whose names are not in `allowed` (G4, with a suggestion).
  template <typename Container>
  void CheckElementNames(const JsonValue& object, const std::string& pointer,
                         const Container& allowed, std::string_view where,
                         std::string_view code = "unknown-element") {
    for (const JsonMember& m : object.members) {
      if (std::find(allowed.begin(), allowed.end(), m.key) != allowed.end()) continue;
      Error(code,
            StrCat("unknown ", where, " ", QuoteForMessage(m.key), DidYouMean(m.key, allowed)),
            ChildPointer(pointer, m.key), m.key_offset);
    }
  }

  // Returns true if `object` has a member spelled like `name` but in another
  // case: unknown-element already reported it, so a "missing" error would
  // only repeat it.
  static bool HasMiscasedMember(const JsonValue& object, std::string_view name) {
    for (const JsonMember& m : object.members) {
      if (m.key != name && AsciiEqualsIgnoreCase(m.key, name)) return true;
    }
    return false;
  }

  // ---- Top level (spec 1.2) ----
  void ParseTopLevel(const JsonValue& root) {
    if (!root.is_object()) {
      TypeError("the policy", "a json object", root, "");
      return;
    }
    CheckElementNames(root, "", kTopLevelElements, "policy element");
    ParseVersion(root);
    if (const JsonMember* id = root.Find("Id")) {
      if (id->value.is_string()) {
        result_.doc.id = id->value.text;
      } else {
        TypeError("`Id`", "a string", id->value, "/Id");
      }
    }
    const JsonMember* statement = root.Find("Statement");
    if (statement == nullptr) {
      if (HasMiscasedMember(root, "Statement")) return;
      Error("missing-statement", "the policy has no `Statement` element", "", root.offset);
      return;
    }
    ParseStatements(statement->value);
  }

  void ParseVersion(const JsonValue& root) {
    PolicyDocument& doc = result_.doc;
    const JsonMember* version = root.Find("Version");
    if (version == nullptr) {
      doc.has_version = false;
      doc.version = PolicyVersion::k2008_10_17;
      Warn("missing-version",
           "the policy has no `Version`: 2008-10-17 rules apply and `${...}` is literal text; "
           "add `\"Version\": \"2012-10-17\"`",
           "", root.offset);
      return;
    }
    const JsonValue& v = version->value;
    if (!v.is_string()) {
      TypeError("`Version`", "a string", v, "/Version");
      return;
    }
    doc.has_version = true;
    if (v.text == "2012-10-17") {
      doc.version = PolicyVersion::k2012_10_17;
    } else if (v.text == "2008-10-17") {
      doc.version = PolicyVersion::k2008_10_17;
    } else {
      Error("invalid-version",
            StrCat("invalid version ", QuoteForMessage(v.text),
                   ": expected `2012-10-17` or `2008-10-17`"),
            "/Version", v.offset);
    }
  }

  void ParseStatements(const JsonValue& v) {
    if (v.is_object()) {
      ParseStatement(v, "/Statement", 0);
      return;
    }
    if (!v.is_array()) {
      TypeError("`Statement`", "an object or an array of objects", v, "/Statement");
      return;
    }
    if (v.elements.empty()) {
      Warn("empty-statement-list", "`Statement` is an empty array: the policy allows nothing",
           "/Statement", v.offset);
      return;
    }
    for (size_t i = 0; i < v.elements.size(); ++i) {
      ParseStatement(v.elements[i], ChildPointer("/Statement", i), static_cast<int>(i));
    }
  }

  // ---- One statement (spec 1.3) ----
  void ParseStatement(const JsonValue& v, const std::string& pointer, int index) {
    if (!v.is_object()) {
      TypeError("a statement", "an object", v, pointer);
      return;
    }
    CheckElementNames(v, pointer, kStatementElements, "statement element");
    Statement st;
    st.index = index;
    st.pointer = pointer;
    ParseSid(v, pointer, &st);
    ParseEffect(v, pointer, &st);
    ParsePrincipalElement(v, pointer, &st);
    ParseActionElement(v, pointer, &st);
    ParseResourceElement(v, pointer, &st);
    if (const JsonMember* condition = v.Find("Condition")) {
      ParseCondition(condition->value, ChildPointer(pointer, "Condition"), &st);
    }
    result_.doc.statements.push_back(std::move(st));
  }

  void ParseSid(const JsonValue& statement, const std::string& pointer, Statement* st) {
    const JsonMember* sid = statement.Find("Sid");
    if (sid == nullptr) return;
    const std::string sid_pointer = ChildPointer(pointer, "Sid");
    if (!sid->value.is_string()) {
      TypeError("`Sid`", "a string", sid->value, sid_pointer);
      return;
    }
    st->sid = sid->value.text;
    if (!IsAlphanumeric(st->sid)) {
      Warn("sid-not-alphanumeric",
           StrCat("sid ", QuoteForMessage(st->sid), " has characters other than `[A-Za-z0-9]`"),
           sid_pointer, sid->value.offset);
    }
    if (st->sid.empty()) return;
    const auto [it, inserted] = sids_.emplace(st->sid, pointer);
    if (!inserted) {
      Warn("duplicate-sid",
           StrCat("sid ", QuoteForMessage(st->sid), " is also used by ", it->second), sid_pointer,
           sid->value.offset);
    }
  }

  void ParseEffect(const JsonValue& statement, const std::string& pointer, Statement* st) {
    const JsonMember* effect = statement.Find("Effect");
    if (effect == nullptr) {
      if (HasMiscasedMember(statement, "Effect")) return;
      Error("missing-effect", "the statement has no `Effect`: expected `Allow` or `Deny`",
            pointer, statement.offset);
      return;
    }
    const std::string effect_pointer = ChildPointer(pointer, "Effect");
    const JsonValue& v = effect->value;
    if (!v.is_string()) {
      TypeError("`Effect`", "a string", v, effect_pointer);
      return;
    }
    if (v.text == "Allow") {
      st->effect = Effect::kAllow;
    } else if (v.text == "Deny") {
      st->effect = Effect::kDeny;
    } else {
      Error("invalid-effect",
            StrCat("invalid effect ", QuoteForMessage(v.text), ": expected `Allow` or `Deny`",
                   DidYouMean(v.text, kEffects)),
            effect_pointer, v.offset);
    }
  }

  // Finds exactly one of `name` / `not_name`. Reports both-present and (if
  // `required`) neither-present. Returns the member or nullptr.
  const JsonMember* FindOneOf(const JsonValue& statement, const std::string& pointer,
                              std::string_view name, std::string_view not_name,
                              std::string_view missing_code, bool* is_not) {
    const JsonMember* positive = statement.Find(name);
    const JsonMember* negative = statement.Find(not_name);
    if (positive != nullptr && negative != nullptr) {
      Error("conflicting-elements",
            StrCat("the statement has both `", name, "` and `", not_name, "`: use exactly one"),
            ChildPointer(pointer, not_name), negative->key_offset);
      return nullptr;
    }
    if (positive == nullptr && negative == nullptr) {
      if (!missing_code.empty() && !HasMiscasedMember(statement, name) &&
          !HasMiscasedMember(statement, not_name)) {
        Error(missing_code, StrCat("the statement has neither `", name, "` nor `", not_name, "`"),
              pointer, statement.offset);
      }
      return nullptr;
    }
    *is_not = negative != nullptr;
    return negative != nullptr ? negative : positive;
  }

  // Collects a string or a non-empty array of strings. Returns false (after
  // reporting) if the shape is wrong; array elements of the wrong type are
  // reported and skipped.
  bool CollectStrings(const JsonValue& v, const std::string& pointer, std::string_view element,
                      std::vector<StringItem>* out) {
    if (v.is_string()) {
      out->push_back({v.text, v.offset, pointer});
      return true;
    }
    if (!v.is_array()) {
      TypeError(element, "a string or an array of strings", v, pointer);
      return false;
    }
    if (v.elements.empty()) {
      Error("empty-list", StrCat(element, " is an empty array"), pointer, v.offset);
      return false;
    }
    for (size_t i = 0; i < v.elements.size(); ++i) {
      const JsonValue& e = v.elements[i];
      const std::string item_pointer = ChildPointer(pointer, i);
      if (!e.is_string()) {
        TypeError(StrCat("each entry of ", element), "a string", e, item_pointer);
        continue;
      }
      out->push_back({e.text, e.offset, item_pointer});
    }
    return true;
  }

  // ---- Principal / NotPrincipal (spec 1.4) ----
  void ParsePrincipalElement(const JsonValue& statement, const std::string& pointer,
                             Statement* st) {
    if (options_.identity_policy) {
      for (std::string_view name : {"Principal", "NotPrincipal"}) {
        if (const JsonMember* m = statement.Find(name)) {
          Error("principal-not-allowed",
                StrCat("an identity-based policy cannot have `", name, "`"),
                ChildPointer(pointer, name), m->key_offset);
        }
      }
      return;
    }
    const JsonMember* m = FindOneOf(statement, pointer, "Principal", "NotPrincipal",
                                    "missing-principal", &st->not_principal);
    if (m == nullptr) return;
    const std::string principal_pointer = ChildPointer(pointer, m->key);
    ParsePrincipal(m->value, principal_pointer, &st->principal);
    if (!st->not_principal) return;
    // N1: NotPrincipal is undocumented for Lattice.
    const JsonMember* effect = statement.Find("Effect");
    const bool is_allow = effect == nullptr || !effect->value.is_string() ||
                          effect->value.text != "Deny";
    if (is_allow) {
      StrictError("not-principal-with-allow",
                  "`NotPrincipal` with `Allow` allows everyone except the listed principals: "
                  "use `Principal` instead",
                  principal_pointer, m->key_offset);
    } else {
      Warn("not-principal",
           "`NotPrincipal` exempts a caller only if its account and role are both listed: "
           "prefer `Principal \"*\"` with `ArnNotEquals` on `aws:PrincipalArn`",
           principal_pointer, m->key_offset);
    }
  }

  void ParsePrincipal(const JsonValue& v, const std::string& pointer, PrincipalSpec* out) {
    if (v.is_string()) {
      if (v.text == "*") {
        out->wildcard = true;
      } else {
        Error("invalid-principal",
              StrCat("principal ", QuoteForMessage(v.text),
                     " must be `*` or an object such as `{\"AWS\": \"111122223333\"}`"),
              pointer, v.offset);
      }
      return;
    }
    if (!v.is_object()) {
      TypeError("the principal", "`*` or an object", v, pointer);
      return;
    }
    if (v.members.empty()) {
      Error("empty-principal", "the principal object is empty", pointer, v.offset);
      return;
    }
    CheckElementNames(v, pointer, kPrincipalTypes, "principal type", "unknown-principal-type");
    for (const JsonMember& m : v.members) {
      const std::string type_pointer = ChildPointer(pointer, m.key);
      if (m.key == "AWS") {
        ParseAwsPrincipals(m.value, type_pointer, out);
      } else if (m.key == "Service") {
        std::vector<StringItem> items;
        CollectStrings(m.value, type_pointer, "`Service`", &items);
        for (StringItem& item : items) {
          Warn("service-principal",
               StrCat("service principal ", QuoteForMessage(item.value),
                      " never matches: vpc lattice callers are iam identities"),
               item.pointer, item.offset);
          out->service.push_back(std::move(item.value));
        }
      } else if (m.key == "Federated" || m.key == "CanonicalUser") {
        std::vector<StringItem> items;
        CollectStrings(m.value, type_pointer, StrCat("`", m.key, "`"), &items);
        for (StringItem& item : items) {
          StrictError("unsupported-principal-type",
                      StrCat("`", m.key, "` principals are meaningless for vpc lattice and ",
                             "never match"),
                      item.pointer, item.offset);
          (m.key == "Federated" ? out->federated : out->canonical_user)
              .push_back(std::move(item.value));
        }
      }
    }
  }

  void ParseAwsPrincipals(const JsonValue& v, const std::string& pointer, PrincipalSpec* out) {
    // Account ids as JSON numbers lose leading zeros: reject them with a
    // specific message (also inside arrays).
    const auto reject_number = [&](const JsonValue& n, const std::string& p) {
      Error("numeric-account-id",
            StrCat("account id ", QuoteForMessage(n.text),
                   " is a json number: write it as a string, e.g. `\"", n.text, "\"`"),
            p, n.offset);
    };
    if (v.is_number()) {
      reject_number(v, pointer);
      return;
    }
    std::vector<StringItem> items;
    if (v.is_array()) {
      // Report numbers here; CollectStrings would only say "must be a string".
      for (size_t i = 0; i < v.elements.size(); ++i) {
        if (v.elements[i].is_number()) {
          reject_number(v.elements[i], ChildPointer(pointer, i));
        } else if (v.elements[i].is_string()) {
          items.push_back({v.elements[i].text, v.elements[i].offset, ChildPointer(pointer, i)});
        } else {
          TypeError("each entry of `AWS`", "a string", v.elements[i], ChildPointer(pointer, i));
        }
      }
      if (v.elements.empty()) {
        Error("empty-list", "`AWS` is an empty array", pointer, v.offset);
      }
    } else {
      CollectStrings(v, pointer, "`AWS`", &items);
    }
    for (StringItem& item : items) {
      if (item.value == "*") {
        out->wildcard = true;
        continue;
      }
      if (HasWildcard(item.value)) {
        Error("principal-wildcard",
              StrCat("principal ", QuoteForMessage(item.value),
                     " has a wildcard, which principals do not support: use "
                     "`Principal \"*\"` with `ArnLike` on `aws:PrincipalArn`"),
              item.pointer, item.offset);
        continue;
      }
      if (!IsAccountId(item.value) && !IsPrincipalArn(item.value)) {
        Error("invalid-principal",
              StrCat("invalid aws principal ", QuoteForMessage(item.value),
                     ": expected a 12-digit account id, an iam role/user or root arn, an "
                     "sts assumed-role arn or `*`"),
              item.pointer, item.offset);
        continue;
      }
      out->aws.push_back(std::move(item.value));
    }
  }

  static bool IsPrincipalArn(std::string_view s) {
    std::array<std::string_view, 6> f;
    if (!internal::SplitArn(s, &f)) return false;
    if (f[1].empty() || !f[3].empty() || !IsAccountId(f[4])) return false;
    std::string_view resource = f[5];
    if (f[2] == "iam") {
      if (resource == "root") return true;
      return (ConsumePrefix(&resource, "role/") || ConsumePrefix(&resource, "user/")) &&
             !resource.empty() && resource.back() != '/';
    }
    if (f[2] == "sts") {
      if (ConsumePrefix(&resource, "assumed-role/")) {
        const size_t slash = resource.find('/');
        return slash != std::string_view::npos && slash > 0 && slash + 1 < resource.size();
      }
      return ConsumePrefix(&resource, "federated-user/") && !resource.empty();
    }
    return false;
  }

  // ---- Action / NotAction (spec 1.5) ----
  void ParseActionElement(const JsonValue& statement, const std::string& pointer,
                          Statement* st) {
    const JsonMember* m = FindOneOf(statement, pointer, "Action", "NotAction", "missing-action",
                                    &st->not_action);
    if (m == nullptr) return;
    std::vector<StringItem> items;
    CollectStrings(m->value, ChildPointer(pointer, m->key), StrCat("`", m->key, "`"), &items);
    for (StringItem& item : items) {
      CheckAction(item);
      st->actions.push_back(std::move(item.value));
    }
  }

  void CheckAction(const StringItem& item) {
    const std::string& a = item.value;
    if (a == "*") return;
    const size_t colon = a.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == a.size()) {
      Error("invalid-action",
            StrCat("invalid action ", QuoteForMessage(a),
                   ": expected `*` or `prefix:name`, e.g. `vpc-lattice-svcs:Invoke`"),
            item.pointer, item.offset);
      return;
    }
    if (internal::ActionMatches(a, "vpc-lattice-svcs:Invoke") ||
        internal::ActionMatches(a, "vpc-lattice-svcs:Connect")) {
      return;
    }
    if (AsciiEqualsIgnoreCase(a.substr(0, colon), "vpc-lattice")) {
      Warn("management-action",
           StrCat("action ", QuoteForMessage(a),
                  " is a vpc lattice management action and never matches service traffic: "
                  "use `vpc-lattice-svcs:Invoke`"),
           item.pointer, item.offset);
      return;
    }
    Warn("unknown-action",
         StrCat("action ", QuoteForMessage(a),
                " matches neither `vpc-lattice-svcs:Invoke` nor `vpc-lattice-svcs:Connect`",
                DidYouMean(a, kKnownActions)),
         item.pointer, item.offset);
  }

  // ---- Resource / NotResource (spec 1.6) ----
  void ParseResourceElement(const JsonValue& statement, const std::string& pointer,
                            Statement* st) {
    const JsonMember* m = FindOneOf(statement, pointer, "Resource", "NotResource",
                                    "missing-resource", &st->not_resource);
    if (m == nullptr) return;
    std::vector<StringItem> items;
    CollectStrings(m->value, ChildPointer(pointer, m->key), StrCat("`", m->key, "`"), &items);
    for (StringItem& item : items) {
      CheckResource(item);
      st->resources.push_back(std::move(item.value));
    }
  }

  void CheckResource(const StringItem& item) {
    const std::string& r = item.value;
    if (r == "*") return;
    if (r.empty()) {
      Error("invalid-resource", "a resource cannot be empty", item.pointer, item.offset);
      return;
    }
    const bool variables_active = VariablesActive(result_.doc);
    if (!variables_active && internal::HasVariable(r)) {
      WarnInactiveVariable(r, item.pointer, item.offset);
    }
    if (!StartsWith(r, "arn:")) {
      if (!HasWildcard(r)) {
        Warn("resource-not-arn",
             StrCat("resource ", QuoteForMessage(r),
                    " is neither `*`, an arn nor a wildcard pattern: it never matches"),
             item.pointer, item.offset);
      }
      return;
    }
    std::array<std::string_view, 6> f;
    if (!internal::SplitArn(r, &f)) {
      CheckShortResourceArn(item);
      return;
    }
    if (HasWildcard(f[2])) {
      Error("resource-service-wildcard",
            StrCat("resource ", QuoteForMessage(r),
                   " has a wildcard in the service field, which is invalid"),
            item.pointer, item.offset);
      return;
    }
    if (variables_active) {
      for (int i = 0; i < 5; ++i) {
        if (internal::HasVariable(f[i])) {
          Warn("resource-variable-position",
               StrCat("resource ", QuoteForMessage(r),
                      " has a policy variable before the resource field: it never matches"),
               item.pointer, item.offset);
          break;
        }
      }
    }
    if (f[2] == "vpc-lattice" && StartsWith(f[5], "servicenetwork")) {
      StrictError("service-network-resource",
                  StrCat("resource ", QuoteForMessage(r),
                         " is a service network arn, which never matches: requests are "
                         "checked against the service resource (use `*` or service arns)"),
                  item.pointer, item.offset);
    }
  }

  // An `arn:` resource with fewer than six colon-separated fields. Per the IAM
  // Resource-element page a `*` that ends a segment (or the pattern) may match
  // across colons (docs/spec-deviations.md D1), so `arn:aws:vpc-lattice:*:service/*`
  // is a valid pattern; without such a `*` the pattern can never match a
  // resource ARN.
  void CheckShortResourceArn(const StringItem& item) {
    const std::string& r = item.value;
    std::vector<std::string_view> segments;
    size_t start = 0;
    while (true) {
      const size_t colon = r.find(':', start);
      segments.push_back(std::string_view(r).substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (segments.size() > 2 && HasWildcard(segments[2])) {
      Error("resource-service-wildcard",
            StrCat("resource ", QuoteForMessage(r),
                   " has a wildcard in the service field, which is invalid"),
            item.pointer, item.offset);
      return;
    }
    bool crossing_star = false;
    for (std::string_view seg : segments) {
      crossing_star = crossing_star || (!seg.empty() && seg.back() == '*');
    }
    if (!crossing_star) {
      StrictError("resource-arn-field-count",
                  StrCat("resource ", QuoteForMessage(r),
                         " starts with `arn:` but has fewer than six colon-separated "
                         "fields: it never matches"),
                  item.pointer, item.offset);
      return;
    }
    if (VariablesActive(result_.doc) && internal::HasVariable(r)) {
      Warn("resource-variable-position",
           StrCat("resource ", QuoteForMessage(r),
                  " has a policy variable before the resource field: it never matches"),
           item.pointer, item.offset);
    }
  }

  void WarnInactiveVariable(std::string_view value, const std::string& pointer, int64_t offset) {
    Warn("inactive-variable",
         StrCat(QuoteForMessage(value),
                " looks like a policy variable, but variables are literal text unless "
                "`Version` is `2012-10-17`"),
         pointer, offset);
  }

  // ---- Condition (spec 1.7 and 3) ----
  void ParseCondition(const JsonValue& v, const std::string& pointer, Statement* st) {
    if (!v.is_object()) {
      TypeError("`Condition`", "an object", v, pointer);
      return;
    }
    for (const JsonMember& block : v.members) {
      const std::string op_pointer = ChildPointer(pointer, block.key);
      ParsedOperator op;
      if (!SplitOperatorName(block.key, &op)) {
        Error("unknown-operator",
              StrCat("unknown condition operator ", QuoteForMessage(block.key),
                     DidYouMean(block.key, AllOperatorNames())),
              op_pointer, block.key_offset);
        continue;
      }
      if (!internal::OperatorSemantics(op.op).set_qualifiable &&
          (op.if_exists || op.set != SetQualifier::kNone)) {
        Error("invalid-null-operator",
              StrCat("operator ", QuoteForMessage(block.key),
                     " is invalid: `Null` takes no `IfExists` suffix and no set prefix"),
              op_pointer, block.key_offset);
        continue;
      }
      if (!block.value.is_object()) {
        TypeError(StrCat("operator ", QuoteForMessage(block.key)), "an object of condition keys",
                  block.value, op_pointer);
        continue;
      }
      for (const JsonMember& entry : block.value.members) {
        ParseConditionEntry(block.key, op, entry, ChildPointer(op_pointer, entry.key), st);
      }
    }
  }

  void ParseConditionEntry(const std::string& operator_name, const ParsedOperator& op,
                           const JsonMember& entry, const std::string& pointer,
                           Statement* st) {
    Condition c;
    c.op = op.op;
    c.set = op.set;
    c.if_exists = op.if_exists;
    c.operator_name = operator_name;
    c.key = ResolveConditionKey(entry.key);
    c.pointer = pointer;
    CheckConditionKey(c.key, pointer, entry.key_offset);
    std::vector<StringItem> values;
    if (CollectConditionValues(entry.value, pointer, &values)) {
      for (StringItem& item : values) {
        if (!CheckTypedValue(c, item)) c.has_type_error = true;
        c.values.push_back(std::move(item.value));
      }
    }
    if (options_.strict) c.has_type_error = false;  // strict: the policy is rejected instead
    st->conditions.push_back(std::move(c));
  }

  // C1 and G5: a string, number or boolean, or a non-empty array of them.
  bool CollectConditionValues(const JsonValue& v, const std::string& pointer,
                              std::vector<StringItem>* out) {
    const auto scalar = [&](const JsonValue& e, const std::string& p) {
      switch (e.type) {
        case JsonType::kString:
        case JsonType::kNumber:
          out->push_back({e.text, e.offset, p});
          return true;
        case JsonType::kBool:
          out->push_back({e.bool_value ? "true" : "false", e.offset, p});
          return true;
        default:
          Error("invalid-condition-value",
                StrCat("a condition value must be a string, number or boolean, got ",
                       internal::JsonTypeName(e.type)),
                p, e.offset);
          return false;
      }
    };
    if (!v.is_array()) return scalar(v, pointer);
    if (v.elements.empty()) {
      Error("empty-list", "a condition key needs at least one value, got an empty array",
            pointer, v.offset);
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < v.elements.size(); ++i) {
      ok = scalar(v.elements[i], ChildPointer(pointer, i)) && ok;
    }
    return ok;
  }

  // K2, H1, A6 and suggestions for unknown keys.
  void CheckConditionKey(const ConditionKey& key, const std::string& pointer, int64_t offset) {
    const std::string& name = key.name;
    if (internal::IsKnownKey(key.kind) &&
        internal::KeySemantics(key.kind).suffix == internal::SuffixRule::kExactLowerArrives) {
      if (std::any_of(key.suffix.begin(), key.suffix.end(), absl::ascii_isupper)) {
        StrictError("uppercase-header-name",
                    StrCat("header name ", QuoteForMessage(key.suffix),
                           " has uppercase letters, but header names arrive lower-cased: "
                           "it never matches",
                           DidYouMean(StrCat(internal::KeySemantics(key.kind).name,
                                             absl::AsciiStrToLower(key.suffix)))),
                    pointer, offset);
      }
      return;
    }
    if (key.kind != KeyKind::kUnknown) return;
    // Mis-cased canonical key (K2).
    for (std::string_view canonical : internal::CanonicalKeyNames()) {
      std::string suggestion;
      if (EndsWith(canonical, "/")) {
        if (name.size() > canonical.size() &&
            AsciiEqualsIgnoreCase(std::string_view(name).substr(0, canonical.size()),
                                   canonical)) {
          suggestion = StrCat(canonical, name.substr(canonical.size()));
        }
      } else if (AsciiEqualsIgnoreCase(name, canonical)) {
        suggestion = std::string(canonical);
      }
      if (!suggestion.empty()) {
        StrictError("miscased-condition-key",
                    StrCat("condition key ", QuoteForMessage(name),
                           " is not spelled canonically and is evaluated as absent",
                           DidYouMean(suggestion)),
                    pointer, offset);
        return;
      }
    }
    for (const AbsentGlobalKey& g : kAbsentGlobalKeys) {
      if (AsciiEqualsIgnoreCase(name, g.name)) {
        Warn("unknown-condition-key",
             StrCat("condition key ", QuoteForMessage(name),
                    " is never present in vpc lattice requests",
                    g.instead.empty() ? "" : StrCat(": use `", g.instead, "`")),
             pointer, offset);
        return;
      }
    }
    // A suffix key with nothing after the slash.
    for (std::string_view canonical : internal::CanonicalKeyNames()) {
      if (EndsWith(canonical, "/") && AsciiEqualsIgnoreCase(name, canonical)) {
        Warn("unknown-condition-key",
             StrCat("condition key ", QuoteForMessage(name), " needs a name after the `/`"),
             pointer, offset);
        return;
      }
    }
    // Anything else: suggest the closest key (suffix keys compare up to '/').
    std::string suggestion;
    const size_t slash = name.find('/');
    if (slash != std::string::npos) {
      std::vector<std::string_view> prefixes;
      for (std::string_view c : internal::CanonicalKeyNames()) {
        if (EndsWith(c, "/")) prefixes.push_back(c);
      }
      const std::string_view best =
          internal::ClosestMatch(std::string_view(name).substr(0, slash + 1), prefixes);
      if (!best.empty()) suggestion = StrCat(best, name.substr(slash + 1));
    } else {
      std::vector<std::string_view> plain;
      for (std::string_view c : internal::CanonicalKeyNames()) {
        if (!EndsWith(c, "/")) plain.push_back(c);
      }
      suggestion = std::string(internal::ClosestMatch(name, plain));
    }
    Warn("unknown-condition-key",
         StrCat("unknown condition key ", QuoteForMessage(name), " is always absent",
                DidYouMean(suggestion)),
         pointer, offset);
  }

  // T1 and the variable rules of spec 3.5. Returns false on a type error.
  bool CheckTypedValue(const Condition& c, const StringItem& item) {
    const OperatorFamily family = FamilyOf(c.op);
    const std::string& value = item.value;
    const bool variables_active = VariablesActive(result_.doc);
    const bool has_variable = internal::HasVariable(value);
    switch (family) {
      case OperatorFamily::kNumeric:
      case OperatorFamily::kDate:
      case OperatorFamily::kIp:
      case OperatorFamily::kBinary:
      case OperatorFamily::kNull:
        if (has_variable) {
          Warn("variable-not-allowed",
               StrCat("policy variables are not supported with ", QuoteForMessage(c.operator_name),
                      ": ", QuoteForMessage(value), " is literal text"),
               item.pointer, item.offset);
        }
        break;
      case OperatorFamily::kString:
      case OperatorFamily::kBool:
      case OperatorFamily::kArn:
        if (has_variable && !variables_active) {
          WarnInactiveVariable(value, item.pointer, item.offset);
        }
        break;
    }
    bool valid = true;
    switch (family) {
      case OperatorFamily::kString:
        break;
      case OperatorFamily::kNumeric:
        valid = internal::IsValidNumber(value);
        break;
      case OperatorFamily::kDate: {
        int64_t millis;
        valid = internal::ParseDate(value, &millis);
        break;
      }
      case OperatorFamily::kIp: {
        internal::IpNet net;
        valid = internal::ParseCidr(value, &net);
        break;
      }
      case OperatorFamily::kBool: {
        bool b;
        valid = internal::ParseBool(value, &b) || (variables_active && has_variable);
        break;
      }
      case OperatorFamily::kBinary: {
        std::string decoded;
        valid = internal::Base64Decode(value, &decoded);
        break;
      }
      case OperatorFamily::kArn: {
        std::array<std::string_view, 6> fields;
        if (internal::SplitArn(value, &fields)) break;
        if (HasWildcard(value) || (variables_active && has_variable)) {
          if (StartsWith(value, "arn:")) {
            Warn("arn-pattern-field-count",
                 StrCat(QuoteForMessage(value),
                        " has fewer than six arn fields; arn operators glob each field "
                        "separately, so it never matches (`StringLike` would)"),
                 item.pointer, item.offset);
          }
          break;
        }
        valid = false;
        break;
      }
      case OperatorFamily::kNull: {
        bool b;
        valid = internal::ParseBool(value, &b);
        break;
      }
    }
    if (!valid) {
      StrictError("condition-type-error",
                  StrCat("invalid value ", QuoteForMessage(value), " for ",
                         QuoteForMessage(c.operator_name), ": expected ", FamilyExpectation(family),
                         options_.strict ? "" : " (the condition evaluates to false)"),
                  item.pointer, item.offset);
    }
    return valid;
  }

  std::string_view text_;
  const ParseOptions& options_;
  ParseResult result_;
  std::map<std::string, std::string> sids_;  // sid -> pointer of its first statement
};

}  // namespace

ParseResult ParsePolicy(std::string_view text, const ParseOptions& options) {
  return PolicyParser(text, options).Run();
}

absl::StatusOr<PolicyDocument> ParsePolicyOrStatus(std::string_view text,
                                                   const ParseOptions& options) {
  ParseResult result = ParsePolicy(text, options);
  if (result.ok()) return std::move(result.doc);
  std::vector<Issue> errors;
  for (const Issue& issue : result.issues) {
    if (issue.severity == Severity::kError) errors.push_back(issue);
  }
  std::string message = FormatIssues(errors, "policy");
  if (!message.empty() && message.back() == '\n') message.pop_back();
  return absl::InvalidArgumentError(message);
}

}  // namespace latticepol
