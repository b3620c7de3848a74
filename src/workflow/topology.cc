// File: src/workflow/topology.cc
// Stage: generate (input). Reads and validates a topology file (YAML or JSON)
// with yaml-cpp. Every problem becomes an Issue with a JSON pointer and the
// line:column of the offending node; yaml-cpp exceptions never escape.
#include "latticepol/topology.h"

#include <exception>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "workflow/internal/yaml_util.h"
#include "re2/re2.h"
#include "yaml-cpp/yaml.h"

namespace latticepol {

std::string_view PolicyStyleName(PolicyStyle style) {
  switch (style) {
    case PolicyStyle::kSeed:
      return "seed";
    case PolicyStyle::kDenyAnonymous:
      return "deny-anonymous";
    case PolicyStyle::kRequireOrg:
      return "require-org";
  }
  return "seed";
}

bool ParsePolicyStyleName(std::string_view name, PolicyStyle* style) {
  for (PolicyStyle s : {PolicyStyle::kSeed, PolicyStyle::kDenyAnonymous,
                        PolicyStyle::kRequireOrg}) {
    if (name == PolicyStyleName(s)) {
      *style = s;
      return true;
    }
  }
  return false;
}

std::string Topology::Partition() const {
  if (absl::StartsWith(shared.region, "cn-")) return "aws-cn";
  if (absl::StartsWith(shared.region, "us-gov-")) return "aws-us-gov";
  return "aws";
}

bool IsValidAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsValidRegion(std::string_view s) {
  static const LazyRE2 kRegion = {R"([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[1-9][0-9]?)"};
  return RE2::FullMatch(s, *kRegion);
}

bool IsValidFqdn(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  static const LazyRE2 kLabel = {R"([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"};
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!RE2::FullMatch(label, *kLabel)) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool IsValidServiceNetworkArn(std::string_view s) {
  static const LazyRE2 kArn = {
      R"(arn:aws(?:-cn|-us-gov)?:vpc-lattice:([a-z0-9-]+):([0-9]{12}):servicenetwork/sn-[0-9a-z]{17})"};
  std::string region;
  if (!RE2::FullMatch(s, *kArn, &region)) return false;
  return IsValidRegion(region);
}

namespace {

using internal::PointerAppend;

using internal::QuoteForMessage;

constexpr internal::YamlDocumentKind kTopologyDocument = {"topology", "syntax-error", "too-large"};

// Lets absl::StrJoin join std::string_views (Debian's absl has its own type).
struct ViewFormatter {
  void operator()(std::string* out, std::string_view s) const { out->append(s); }
};

bool IsLatticeName(std::string_view s, size_t min, size_t max, std::string_view reserved_prefix) {
  if (s.size() < min || s.size() > max) return false;
  if (absl::StartsWith(internal::AbslView(s), internal::AbslView(reserved_prefix))) return false;
  if (s.front() == '-' || s.back() == '-' || absl::StrContains(internal::AbslView(s), "--"))
    return false;
  for (char c : s) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

bool HasControlChar(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Reads one topology document into a Topology, collecting issues.
class TopologyReader {
 public:
  explicit TopologyReader(std::vector<Issue>* issues) : issues_(issues) {}

  void Read(const YAML::Node& root, Topology* t);

 private:
  void Report(Severity severity, const YAML::Node& node, const std::string& pointer,
              std::string code, std::string message) {
    Issue issue;
    issue.severity = severity;
    issue.code = std::move(code);
    issue.message = std::move(message);
    YAML::Mark mark = YAML::Mark::null_mark();
    try {
      if (node.IsDefined()) mark = node.Mark();
    } catch (const std::exception&) {
    }
    issue.location = internal::LocationFromMark(mark, pointer);
    issues_->push_back(std::move(issue));
  }
  void Error(const YAML::Node& node, const std::string& pointer, std::string code,
             std::string message) {
    Report(Severity::kError, node, pointer, std::move(code), std::move(message));
  }
  void Warn(const YAML::Node& node, const std::string& pointer, std::string code,
            std::string message) {
    Report(Severity::kWarning, node, pointer, std::move(code), std::move(message));
  }

  // Checks that `node` is a map with scalar, unique, known keys. Returns false
  // (after reporting) if it is not a map at all.
  bool CheckMap(const YAML::Node& node, const std::string& pointer,
                const std::vector<std::string_view>& allowed, std::string_view what);
  // The value of `key` in map `node`, or an undefined node.
  static YAML::Node Child(const YAML::Node& node, std::string_view key);

  // Reads a scalar as text. Returns false if absent (reported when required)
  // or not a scalar (always reported).
  bool Scalar(const YAML::Node& map, std::string_view key, const std::string& pointer,
              bool required, std::string* out, YAML::Node* where = nullptr);
  // Reads a scalar or a sequence of scalars.
  bool StringList(const YAML::Node& map, std::string_view key, const std::string& pointer,
                  std::vector<std::string>* out, std::vector<YAML::Node>* nodes);
  // Reads a map of name -> scalar or sequence of scalars.
  void Rules(const YAML::Node& map, std::string_view key, const std::string& pointer,
             bool header, std::vector<ValueRule>* out);

  void ReadShared(const YAML::Node& node, SharedService* shared);
  void ReadConsumer(const YAML::Node& node, const std::string& pointer, Consumer* c);
  void ReadOptions(const YAML::Node& node, TopologyOptions* options);
  void CrossCheck(const YAML::Node& root, Topology* t);

  void CheckAccount(const YAML::Node& node, const std::string& pointer, const std::string& v) {
    if (!IsValidAccountId(v)) {
      Error(node, pointer, "invalid-account-id",
            internal::StrCat("account id ", QuoteForMessage(v),
                             " must be a string of exactly 12 digits"));
    }
  }
  void CheckRegion(const YAML::Node& node, const std::string& pointer, const std::string& v) {
    if (!IsValidRegion(v)) {
      Error(node, pointer, "invalid-region",
            internal::StrCat("region ", QuoteForMessage(v),
                             " is not a well-formed aws region such as `us-east-1`"));
    }
  }
  void CheckProject(const YAML::Node& node, const std::string& pointer, const std::string& v) {
    static const LazyRE2 kProject = {R"([A-Za-z0-9_.-]{1,100})"};
    if (!RE2::FullMatch(v, *kProject)) {
      Error(node, pointer, "invalid-name",
            internal::StrCat("pulumi project name ", QuoteForMessage(v),
                             " may only contain letters, digits, `_`, `.` and `-`"));
    }
  }
  void CheckDirectory(const YAML::Node& node, const std::string& pointer, const std::string& v) {
    static const LazyRE2 kDir = {R"([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)"};
    bool ok = RE2::FullMatch(v, *kDir);
    for (absl::string_view part : absl::StrSplit(v, '/')) {
      if (part == "." || part == "..") ok = false;
    }
    if (!ok) {
      Error(node, pointer, "invalid-directory",
            internal::StrCat("directory ", QuoteForMessage(v),
                             " must be a relative path of letters, digits, `_`, `.` and `-` "
                             "without `.` or `..` parts"));
    }
  }
  void CheckProfile(const YAML::Node& node, const std::string& pointer, const std::string& v) {
    static const LazyRE2 kProfile = {R"([A-Za-z0-9_.@+=,:/-]{1,128})"};
    if (!RE2::FullMatch(v, *kProfile)) {
      Error(node, pointer, "invalid-profile",
            internal::StrCat("aws profile ", QuoteForMessage(v),
                             " must be 1 to 128 characters without spaces or quotes"));
    }
  }
  void CheckPolicyText(const YAML::Node& node, const std::string& pointer, const std::string& v,
                       std::string_view what) {
    if (HasControlChar(v)) {
      Error(node, pointer, "invalid-value",
            internal::StrCat(what, " ", QuoteForMessage(v), " contains a control character"));
    } else if (absl::StrContains(v, "${")) {
      Error(node, pointer, "invalid-value",
            internal::StrCat(what, " ", QuoteForMessage(v),
                             " contains `${`, which the policy would read as a policy variable"));
    }
  }

  std::vector<Issue>* issues_;
};

YAML::Node TopologyReader::Child(const YAML::Node& node, std::string_view key) {
  if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool TopologyReader::CheckMap(const YAML::Node& node, const std::string& pointer,
                              const std::vector<std::string_view>& allowed,
                              std::string_view what) {
  if (!node.IsMap()) {
    Error(node, pointer, "invalid-type", internal::StrCat(what, " must be a mapping"));
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      Error(kv.first, pointer, "invalid-type",
            internal::StrCat("keys of ", what, " must be strings"));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    const std::string child = PointerAppend(pointer, key);
    if (!seen.insert(key).second) {
      Error(kv.first, child, "duplicate-key",
            internal::StrCat("duplicate key ", QuoteForMessage(key)));
      continue;
    }
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) {
      const std::string_view hint = internal::ClosestMatch(key, allowed);
      Error(kv.first, child, "unknown-field",
            hint.empty() ? internal::StrCat("unknown field ", QuoteForMessage(key), " in ", what,
                                            "; expected one of `",
                                            absl::StrJoin(allowed, "`, `", ViewFormatter()), "`")
                         : internal::StrCat("unknown field ", QuoteForMessage(key), " in ", what,
                                            internal::DidYouMean(hint)));
    }
  }
  return true;
}

bool TopologyReader::Scalar(const YAML::Node& map, std::string_view key,
                            const std::string& pointer, bool required, std::string* out,
                            YAML::Node* where) {
  YAML::Node node = Child(map, key);
  const std::string child = PointerAppend(pointer, key);
  if (!node.IsDefined() || node.IsNull()) {
    if (required) {
      Error(node.IsDefined() ? node : map, child, "missing-field",
            internal::StrCat("missing required field ", QuoteForMessage(key)));
    }
    return false;
  }
  if (!node.IsScalar()) {
    Error(node, child, "invalid-type", internal::StrCat(QuoteForMessage(key), " must be a string"));
    return false;
  }
  // The scalar's text as written: an unquoted 012345678901 keeps its zero.
  *out = node.Scalar();
  // reset(), not operator=: assigning to a live yaml-cpp node rewrites the
  // node it refers to.
  if (where != nullptr) where->reset(node);
  return true;
}

bool TopologyReader::StringList(const YAML::Node& map, std::string_view key,
                                const std::string& pointer, std::vector<std::string>* out,
                                std::vector<YAML::Node>* nodes) {
  YAML::Node node = Child(map, key);
  const std::string child = PointerAppend(pointer, key);
  if (!node.IsDefined() || node.IsNull()) return false;
  if (node.IsScalar()) {
    out->push_back(node.Scalar());
    nodes->push_back(node);
    return true;
  }
  if (!node.IsSequence()) {
    Error(node, child, "invalid-type",
          internal::StrCat(QuoteForMessage(key), " must be a string or a list of strings"));
    return false;
  }
  size_t i = 0;
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      Error(item, PointerAppend(child, i), "invalid-type",
            internal::StrCat("items of ", QuoteForMessage(key), " must be strings"));
    } else {
      out->push_back(item.Scalar());
      nodes->push_back(item);
    }
    ++i;
  }
  return true;
}

void TopologyReader::Rules(const YAML::Node& map, std::string_view key,
                           const std::string& pointer, bool header,
                           std::vector<ValueRule>* out) {
  YAML::Node node = Child(map, key);
  const std::string base = PointerAppend(pointer, key);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    Error(node, base, "invalid-type",
          internal::StrCat(QuoteForMessage(key), " must be a mapping of name to allowed value(s)"));
    return;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      Error(kv.first, base, "invalid-type",
            internal::StrCat("keys of ", QuoteForMessage(key), " must be strings"));
      continue;
    }
    ValueRule rule;
    rule.name = kv.first.Scalar();
    const std::string p = PointerAppend(base, rule.name);
    if (rule.name.empty()) {
      Error(kv.first, p, "invalid-value", internal::StrCat("empty name in ", QuoteForMessage(key)));
      continue;
    }
    if (header) {
      static const LazyRE2 kToken = {R"([A-Za-z0-9!#$%&'*+.^_`|~-]+)"};
      if (!RE2::FullMatch(rule.name, *kToken)) {
        Error(kv.first, p, "invalid-value",
              internal::StrCat("header name ", QuoteForMessage(rule.name),
                               " is not a valid http token"));
        continue;
      }
      std::string lower = absl::AsciiStrToLower(rule.name);
      if (lower != rule.name) {
        Warn(kv.first, p, "header-name-case",
             internal::StrCat("header name ", QuoteForMessage(rule.name), " is written as ",
                              QuoteForMessage(lower), ": lattice lower-cases header names"));
        rule.name = lower;
      }
    } else {
      CheckPolicyText(kv.first, p, rule.name, "query key");
    }
    if (!seen.insert(rule.name).second) {
      Error(kv.first, p, "duplicate-key",
            internal::StrCat("duplicate name ", QuoteForMessage(rule.name)));
      continue;
    }
    std::vector<YAML::Node> nodes;
    const YAML::Node& value = kv.second;
    if (value.IsScalar()) {
      rule.values.push_back(value.Scalar());
      nodes.push_back(value);
    } else if (value.IsSequence() && value.size() > 0) {
      size_t i = 0;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          Error(item, PointerAppend(p, i), "invalid-type", "allowed values must be strings");
        } else {
          rule.values.push_back(item.Scalar());
          nodes.push_back(item);
        }
        ++i;
      }
    } else {
      Error(value.IsNull() ? kv.first : value, p, "invalid-type",
            internal::StrCat(QuoteForMessage(rule.name),
                             " needs a value or a non-empty list of values"));
      continue;
    }
    std::set<std::string> values;
    for (size_t i = 0; i < rule.values.size(); ++i) {
      const std::string vp = value.IsSequence() ? PointerAppend(p, i) : p;
      CheckPolicyText(nodes[i], vp, rule.values[i], header ? "header value" : "query value");
      if (header && absl::StripAsciiWhitespace(rule.values[i]) != rule.values[i]) {
        Error(nodes[i], vp, "invalid-value",
              internal::StrCat("header value ", QuoteForMessage(rule.values[i]),
                               " has surrounding whitespace, which lattice trims (H3)"));
      }
      if (!values.insert(rule.values[i]).second) {
        Error(nodes[i], vp, "duplicate-value",
              internal::StrCat("duplicate value ", QuoteForMessage(rule.values[i])));
      }
    }
    out->push_back(std::move(rule));
  }
}

void TopologyReader::ReadShared(const YAML::Node& node, SharedService* s) {
  const std::string p = "/sharedService";
  if (!CheckMap(node, p,
                {"project", "directory", "accountId", "region", "profile", "awsProfile",
                 "awsNativeProfile", "serviceName"},
                "`sharedService`")) {
    return;
  }
  s->location = {p, static_cast<int>(node.Mark().line + 1), static_cast<int>(node.Mark().column + 1)};
  YAML::Node where;
  if (Scalar(node, "project", p, false, &s->project, &where)) {
    CheckProject(where, p + "/project", s->project);
  }
  s->directory = s->project;
  if (Scalar(node, "directory", p, false, &s->directory, &where)) {
    CheckDirectory(where, p + "/directory", s->directory);
  }
  if (Scalar(node, "accountId", p, true, &s->account_id, &where)) {
    CheckAccount(where, p + "/accountId", s->account_id);
  }
  if (Scalar(node, "region", p, true, &s->region, &where)) {
    CheckRegion(where, p + "/region", s->region);
  }
  std::string profile;
  YAML::Node profile_node;
  bool has_profile = Scalar(node, "profile", p, false, &profile, &profile_node);
  if (has_profile) CheckProfile(profile_node, p + "/profile", profile);
  s->aws_profile = s->aws_native_profile = profile;
  bool has_aws = Scalar(node, "awsProfile", p, false, &s->aws_profile, &where);
  if (has_aws) CheckProfile(where, p + "/awsProfile", s->aws_profile);
  bool has_native = Scalar(node, "awsNativeProfile", p, false, &s->aws_native_profile, &where);
  if (has_native) CheckProfile(where, p + "/awsNativeProfile", s->aws_native_profile);
  if (!has_profile && (!has_aws || !has_native)) {
    Error(node, p + "/profile", "missing-field",
          "missing required field `profile` (or both `awsProfile` and `awsNativeProfile`)");
  }
  if (Scalar(node, "serviceName", p, true, &s->service_name, &where) &&
      !IsLatticeName(s->service_name, 3, 40, "svc-")) {
    Error(where, p + "/serviceName", "invalid-name",
          internal::StrCat("service name ", QuoteForMessage(s->service_name),
                           " must be 3 to 40 lower-case letters, digits and single hyphens, "
                           "not starting with `svc-`"));
  }
}

void TopologyReader::ReadConsumer(const YAML::Node& node, const std::string& p, Consumer* c) {
  if (!CheckMap(node, p,
                {"name", "project", "directory", "accountId", "region", "profile", "awsProfile",
                 "awsNativeProfile", "serviceNetworkName", "methods", "query", "paths",
                 "headers"},
                "a consumer")) {
    return;
  }
  c->location = {p, static_cast<int>(node.Mark().line + 1), static_cast<int>(node.Mark().column + 1)};
  YAML::Node where;
  static const LazyRE2 kConsumerName = {R"([a-z](?:[a-z0-9-]{0,38}[a-z0-9])?)"};
  if (Scalar(node, "name", p, true, &c->name, &where) &&
      (!RE2::FullMatch(c->name, *kConsumerName) || absl::StrContains(c->name, "--"))) {
    Error(where, p + "/name", "invalid-name",
          internal::StrCat("consumer name ", QuoteForMessage(c->name),
                           " must be 1 to 40 lower-case letters, digits and single hyphens, "
                           "starting with a letter"));
  }
  if (Scalar(node, "project", p, true, &c->project, &where)) {
    CheckProject(where, p + "/project", c->project);
  }
  c->directory = c->project;
  if (Scalar(node, "directory", p, false, &c->directory, &where)) {
    CheckDirectory(where, p + "/directory", c->directory);
  }
  if (Scalar(node, "accountId", p, true, &c->account_id, &where)) {
    CheckAccount(where, p + "/accountId", c->account_id);
  }
  if (Scalar(node, "region", p, false, &c->region, &where)) {
    CheckRegion(where, p + "/region", c->region);
  }
  std::string profile;
  YAML::Node profile_node;
  bool has_profile = Scalar(node, "profile", p, false, &profile, &profile_node);
  if (has_profile) CheckProfile(profile_node, p + "/profile", profile);
  c->aws_profile = c->aws_native_profile = profile;
  bool has_aws = Scalar(node, "awsProfile", p, false, &c->aws_profile, &where);
  if (has_aws) CheckProfile(where, p + "/awsProfile", c->aws_profile);
  bool has_native = Scalar(node, "awsNativeProfile", p, false, &c->aws_native_profile, &where);
  if (has_native) CheckProfile(where, p + "/awsNativeProfile", c->aws_native_profile);
  if (!has_profile && (!has_aws || !has_native)) {
    Error(node, p + "/profile", "missing-field",
          "missing required field `profile` (or both `awsProfile` and `awsNativeProfile`)");
  }
  c->service_network_name = c->name + "-service-network";
  if (Scalar(node, "serviceNetworkName", p, false, &c->service_network_name, &where) &&
      !IsLatticeName(c->service_network_name, 3, 63, "sn-")) {
    Error(where, p + "/serviceNetworkName", "invalid-name",
          internal::StrCat("service network name ", QuoteForMessage(c->service_network_name),
                           " must be 3 to 63 lower-case letters, digits and single hyphens, "
                           "not starting with `sn-`"));
  }

  std::vector<YAML::Node> nodes;
  if (!StringList(node, "methods", p, &c->methods, &nodes)) {
    if (!Child(node, "methods").IsDefined() || Child(node, "methods").IsNull()) {
      Error(node, p + "/methods", "missing-field",
            "missing required field `methods` (e.g. `[GET]`)");
    }
  } else if (c->methods.empty()) {
    Error(Child(node, "methods"), p + "/methods", "empty-list", "`methods` must not be empty");
  }
  static const LazyRE2 kMethod = {R"([A-Z][A-Z-]{0,31})"};
  std::set<std::string> seen;
  const bool method_list = Child(node, "methods").IsSequence();
  for (size_t i = 0; i < c->methods.size(); ++i) {
    const std::string mp = method_list ? PointerAppend(p + "/methods", i) : p + "/methods";
    const std::string& m = c->methods[i];
    if (!RE2::FullMatch(m, *kMethod)) {
      std::string upper = absl::AsciiStrToUpper(m);
      Error(
          nodes[i], mp, "invalid-method",
          RE2::FullMatch(upper, *kMethod)
              ? internal::StrCat("http method ", QuoteForMessage(m),
                                 " must be upper-case; did you mean ", QuoteForMessage(upper), "?")
              : internal::StrCat(QuoteForMessage(m), " is not an http method"));
    }
    if (!seen.insert(m).second) {
      Error(nodes[i], mp, "duplicate-value",
            internal::StrCat("duplicate method ", QuoteForMessage(m)));
    }
  }

  Rules(node, "query", p, /*header=*/false, &c->query);
  Rules(node, "headers", p, /*header=*/true, &c->headers);

  nodes.clear();
  StringList(node, "paths", p, &c->paths, &nodes);
  seen.clear();
  const bool path_list = Child(node, "paths").IsSequence();
  for (size_t i = 0; i < c->paths.size(); ++i) {
    const std::string pp = path_list ? PointerAppend(p + "/paths", i) : p + "/paths";
    const std::string& path = c->paths[i];
    if (path.empty() || path[0] != '/') {
      Error(nodes[i], pp, "invalid-path",
            internal::StrCat("path ", QuoteForMessage(path), " must start with `/`"));
    } else if (path.find_first_of(" #?") != std::string::npos) {
      Error(nodes[i], pp, "invalid-path",
            internal::StrCat("path ", QuoteForMessage(path),
                             " must not contain spaces, `#` or `?` (use `*` as the wildcard)"));
    } else {
      CheckPolicyText(nodes[i], pp, path, "path");
    }
    if (!seen.insert(path).second) {
      Error(nodes[i], pp, "duplicate-value",
            internal::StrCat("duplicate path ", QuoteForMessage(path)));
    }
  }
}

void TopologyReader::ReadOptions(const YAML::Node& node, TopologyOptions* o) {
  const std::string p = "/options";
  if (!CheckMap(node, p, {"stack", "policyStyle", "orgId"}, "`options`")) return;
  YAML::Node where;
  static const LazyRE2 kStack = {R"([A-Za-z0-9_.-]{1,100})"};
  if (Scalar(node, "stack", p, false, &o->stack, &where) && !RE2::FullMatch(o->stack, *kStack)) {
    Error(where, p + "/stack", "invalid-name",
          internal::StrCat("stack name ", QuoteForMessage(o->stack),
                           " may only contain letters, digits, `_`, `.` and `-`"));
  }
  std::string style;
  if (Scalar(node, "policyStyle", p, false, &style, &where) &&
      !ParsePolicyStyleName(style, &o->policy_style)) {
    const std::string_view hint =
        internal::ClosestMatch(style, {"seed", "deny-anonymous", "require-org"});
    Error(where, p + "/policyStyle", "invalid-style",
          internal::StrCat("unknown policy style ", QuoteForMessage(style),
                           hint.empty() ? "; expected `seed`, `deny-anonymous` or `require-org`"
                                        : internal::DidYouMean(hint)));
  }
  YAML::Node org_node;
  if (Scalar(node, "orgId", p, false, &o->org_id, &org_node)) {
    static const LazyRE2 kOrg = {R"(o-[a-z0-9]{10,32})"};
    if (!RE2::FullMatch(o->org_id, *kOrg)) {
      Error(org_node, p + "/orgId", "invalid-org-id",
            internal::StrCat(
                "organization id ", QuoteForMessage(o->org_id),
                " must look like `o-` followed by 10 to 32 lower-case letters or digits"));
    } else if (o->policy_style != PolicyStyle::kRequireOrg) {
      Warn(org_node, p + "/orgId", "unused-field",
           "`orgId` is only used with policy style `require-org`");
    }
  }
  if (o->policy_style == PolicyStyle::kRequireOrg && o->org_id.empty()) {
    Error(Child(node, "policyStyle"), p + "/policyStyle", "missing-field",
          "policy style `require-org` needs `options.orgId`");
  }
}

void TopologyReader::CrossCheck(const YAML::Node& root, Topology* t) {
  YAML::Node consumers = Child(root, "consumers");
  auto consumer_node = [&](size_t i, std::string_view key) -> YAML::Node {
    if (!consumers.IsSequence() || i >= consumers.size()) return root;
    YAML::Node n = consumers[i];
    YAML::Node v = Child(n, key);
    return v.IsDefined() ? v : n;
  };
  std::map<std::string, size_t> names, projects, directories, sids;
  std::map<std::string, size_t> accounts;
  projects[t->shared.project] = static_cast<size_t>(-1);
  directories[t->shared.directory] = static_cast<size_t>(-1);
  for (size_t i = 0; i < t->consumers.size(); ++i) {
    Consumer& c = t->consumers[i];
    const std::string p = PointerAppend("/consumers", i);
    auto dup = [&](std::map<std::string, size_t>& seen, const std::string& value,
                   std::string_view key, std::string_view what) {
      if (value.empty()) return;
      auto [it, inserted] = seen.emplace(value, i);
      if (!inserted) {
        Error(consumer_node(i, key), PointerAppend(p, key), "duplicate-name",
              it->second == static_cast<size_t>(-1)
                  ? internal::StrCat(what, " ", QuoteForMessage(value),
                                     " is already used by `sharedService`")
                  : internal::StrCat(what, " ", QuoteForMessage(value),
                                     " is already used by `/consumers/", it->second, "`"));
      }
    };
    dup(names, c.name, "name", "consumer name");
    dup(sids, internal::PascalCase(c.name), "name", "statement id of consumer name");
    dup(projects, c.project, "project", "pulumi project");
    dup(directories, c.directory, c.directory == c.project ? "project" : "directory", "directory");
    if (c.region.empty()) {
      c.region = t->shared.region;
    } else if (c.region != t->shared.region && IsValidRegion(t->shared.region)) {
      Error(consumer_node(i, "region"), p + "/region", "inconsistent-region",
            internal::StrCat("consumer region ", QuoteForMessage(c.region),
                             " differs from the shared service region ",
                             QuoteForMessage(t->shared.region),
                             "; lattice service networks are regional"));
    }
    if (!c.account_id.empty() && c.account_id == t->shared.account_id) {
      Warn(consumer_node(i, "accountId"), p + "/accountId", "same-account",
           internal::StrCat("consumer ", QuoteForMessage(c.name),
                            " uses the shared service account ", QuoteForMessage(c.account_id)));
    }
    if (!c.account_id.empty()) {
      auto [it, inserted] = accounts.emplace(c.account_id, i);
      if (!inserted) {
        Warn(consumer_node(i, "accountId"), p + "/accountId", "shared-account",
             internal::StrCat("account ", QuoteForMessage(c.account_id),
                              " is also used by `/consumers/", it->second,
                              "`: the policy cannot tell their vpcs apart"));
      }
    }
  }
}

void TopologyReader::Read(const YAML::Node& root, Topology* t) {
  if (!root.IsDefined() || root.IsNull()) {
    Error(root, "", "empty-topology", "the topology is empty");
    return;
  }
  if (!CheckMap(root, "", {"sharedService", "consumers", "options"}, "the topology")) return;
  YAML::Node shared = Child(root, "sharedService");
  if (!shared.IsDefined() || shared.IsNull()) {
    Error(root, "/sharedService", "missing-field", "missing required field `sharedService`");
  } else {
    ReadShared(shared, &t->shared);
  }
  YAML::Node options = Child(root, "options");
  if (options.IsDefined() && !options.IsNull()) ReadOptions(options, &t->options);
  YAML::Node consumers = Child(root, "consumers");
  if (!consumers.IsDefined() || consumers.IsNull()) {
    Error(root, "/consumers", "missing-field", "missing required field `consumers`");
    return;
  }
  if (!consumers.IsSequence()) {
    Error(consumers, "/consumers", "invalid-type", "`consumers` must be a list");
    return;
  }
  if (consumers.size() == 0) {
    Error(consumers, "/consumers", "empty-list", "`consumers` must not be empty");
    return;
  }
  size_t i = 0;
  for (const auto& item : consumers) {
    Consumer c;
    ReadConsumer(item, PointerAppend("/consumers", i), &c);
    t->consumers.push_back(std::move(c));
    ++i;
  }
  CrossCheck(root, t);
}

}  // namespace

TopologyParseResult ParseTopology(std::string_view text, std::string_view source_name) {
  TopologyParseResult result;
  result.topology.source_name = std::string(source_name);
  if (!internal::CheckYamlText(text, kTopologyDocument, &result.issues)) return result;
  if (!internal::CheckYamlStructure(internal::TabsToSpacesIfJson(text), kTopologyDocument,
                                    &result.issues)) {
    return result;
  }
  try {
    YAML::Node root = YAML::Load(internal::TabsToSpacesIfJson(text));
    TopologyReader reader(&result.issues);
    reader.Read(root, &result.topology);
  } catch (const YAML::Exception& e) {
    result.issues.push_back(internal::YamlExceptionIssue(e, text, kTopologyDocument));
  } catch (const std::exception& e) {
    Issue issue;
    issue.code = "syntax-error";
    issue.message =
        internal::StrCat("cannot read the topology: ", internal::EscapeForMessage(e.what()));
    result.issues.push_back(std::move(issue));
  }
  return result;
}

}  // namespace latticepol
