// File: src/workflow/generate.cc
// Stage: generate. Topology -> auth policy, Pulumi stack settings files,
// simulation scenario and CloudFormation/Terraform snippets (docs/semantics.md §6),
// after verifying the policy against the topology's intent with both
// evaluators. No file I/O: the caller writes the returned map.
#include "latticepol/generate.h"

#include <algorithm>
#include <array>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "internal/semantics.h"
#include "internal/text.h"
#include "workflow/internal/yaml_util.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/yaml.h"

namespace latticepol {

namespace {

// One row per output format, in enum order.
constexpr std::pair<OutputFormat, std::string_view> kOutputFormats[] = {
    {OutputFormat::kPulumi, "pulumi"},
    {OutputFormat::kCloudFormation, "cloudformation"},
    {OutputFormat::kTerraform, "terraform"},
};

}  // namespace

std::string_view OutputFormatName(OutputFormat format) {
  for (const auto& [f, name] : kOutputFormats) {
    if (f == format) return name;
  }
  return kOutputFormats[0].second;
}

bool ParseOutputFormatName(std::string_view name, OutputFormat* format) {
  for (const auto& [f, n] : kOutputFormats) {
    if (name == n) {
      *format = f;
      return true;
    }
  }
  return false;
}

std::string OutputFormatNamesText() {
  std::string text;
  const size_t n = std::size(kOutputFormats);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) text += i + 1 == n ? " or " : ", ";
    text += kOutputFormats[i].second;
  }
  return text;
}

namespace {

using OJson = nlohmann::ordered_json;
using internal::PascalCase;
using internal::QuoteForMessage;

constexpr std::string_view kPolicyFile = "auth-policy.json";
constexpr std::string_view kScenarioFile = "scenario.yaml";
constexpr std::string_view kCloudFormationFile = "auth-policy.template.json";
constexpr std::string_view kTerraformFile = "auth-policy.tf";
constexpr std::string_view kFqdnOutput = "shared-service-fqdn";
// Placeholder ids for the verifier's synthetic requests (never written).
constexpr std::string_view kExampleServiceId = "svc-0123456789abcdef0";

std::string BaseName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool HasWildcard(std::string_view path) { return path.find('*') != std::string_view::npos; }

// A condition key's spelling from the key table; a key family (query,
// header) takes the name after its `/`.
std::string KeyName(KeyKind kind, std::string_view suffix = {}) {
  std::string name(internal::KeySemantics(kind).name);
  name.append(suffix);
  return name;
}

// A single string for one value, an array for several (the seed's style).
OJson OneOrMany(const std::vector<std::string>& values) {
  if (values.size() == 1) return values[0];
  OJson array = OJson::array();
  for (const std::string& v : values) array.push_back(v);
  return array;
}

OJson PolicyJsonObject(const Topology& t) {
  OJson doc = OJson::object();
  doc["Version"] = "2012-10-17";
  OJson statements = OJson::array();
  for (const Consumer& c : t.consumers) {
    OJson s = OJson::object();
    s["Sid"] = "Allow" + PascalCase(c.name);
    s["Effect"] = "Allow";
    s["Principal"] = "*";
    s["Action"] = std::string(kInvokeAction);
    s["Resource"] = "*";
    OJson equals = OJson::object();
    equals[KeyName(KeyKind::kRequestMethod)] = OneOrMany(c.methods);
    bool like_paths = std::any_of(c.paths.begin(), c.paths.end(), HasWildcard);
    if (!c.paths.empty() && !like_paths) {
      equals[KeyName(KeyKind::kRequestPath)] = OneOrMany(c.paths);
    }
    for (const ValueRule& rule : c.query) {
      equals[KeyName(KeyKind::kRequestQueryString, rule.name)] = OneOrMany(rule.values);
    }
    for (const ValueRule& rule : c.headers) {
      equals[KeyName(KeyKind::kRequestHeader, rule.name)] = OneOrMany(rule.values);
    }
    equals[KeyName(KeyKind::kSourceVpcOwnerAccount)] = c.account_id;
    if (t.options.policy_style == PolicyStyle::kRequireOrg) {
      equals[KeyName(KeyKind::kPrincipalOrgId)] = t.options.org_id;
    }
    OJson condition = OJson::object();
    condition["StringEquals"] = std::move(equals);
    if (like_paths) {
      OJson like = OJson::object();
      like[KeyName(KeyKind::kRequestPath)] = OneOrMany(c.paths);
      condition["StringLike"] = std::move(like);
    }
    s["Condition"] = std::move(condition);
    statements.push_back(std::move(s));
  }
  if (t.options.policy_style == PolicyStyle::kDenyAnonymous) {
    OJson s = OJson::object();
    s["Sid"] = "DenyAnonymous";
    s["Effect"] = "Deny";
    s["Principal"] = "*";
    s["Action"] = std::string(kInvokeAction);
    s["Resource"] = "*";
    s["Condition"] = {{"StringEqualsIgnoreCase", {{KeyName(KeyKind::kPrincipalType), "anonymous"}}}};
    statements.push_back(std::move(s));
  }
  doc["Statement"] = std::move(statements);
  return doc;
}

std::string DumpJson(const OJson& j, int indent) {
  // Topology text is not guaranteed to be valid UTF-8; never throw.
  return j.dump(indent, ' ', false, OJson::error_handler_t::replace);
}

// ---- Verification -----------------------------------------------------------

std::string ServiceArn(const Topology& t) {
  return internal::StrCat("arn:", t.Partition(), ":vpc-lattice:", t.shared.region, ":",
                          t.shared.account_id, ":service/", kExampleServiceId);
}

std::string ExampleNetworkArn(const Topology& t, size_t index) {
  std::string id = internal::StrCat(index);
  id = std::string(17 - std::min<size_t>(id.size(), 17), '0') + id;
  return internal::StrCat("arn:", t.Partition(), ":vpc-lattice:", t.shared.region, ":",
                          t.shared.account_id, ":servicenetwork/sn-", id);
}

Principal SignedPrincipal(const Topology& t, const std::string& account, std::string_view who,
                          bool with_org) {
  Principal p;
  p.arn = internal::StrCat("arn:", t.Partition(), ":iam::", account, ":role/", who, "-caller");
  p.account = account;
  p.type = "AssumedRole";
  p.session_arn = internal::StrCat("arn:", t.Partition(), ":sts::", account, ":assumed-role/", who,
                                   "-caller/session");
  if (with_org && !t.options.org_id.empty()) p.org_id = t.options.org_id;
  return p;
}

// An account id no consumer (and not the shared service) uses.
std::string UnknownAccount(const Topology& t) {
  for (char d = '9'; d >= '0'; --d) {
    std::string candidate(12, d);
    bool used = candidate == t.shared.account_id;
    for (const Consumer& c : t.consumers) used = used || c.account_id == candidate;
    if (!used) return candidate;
  }
  return "000000000001";
}

// The topology's intent, independent of any policy: does it mean to allow `r`?
bool IntendedAllow(const Topology& t, const Request& r) {
  if (!absl::EqualsIgnoreCase(r.action, internal::AbslView(kInvokeAction))) return false;
  switch (t.options.policy_style) {
    case PolicyStyle::kSeed:
      break;
    case PolicyStyle::kDenyAnonymous:
      if (!r.principal.has_value()) return false;
      break;
    case PolicyStyle::kRequireOrg:
      if (!r.principal.has_value() || r.principal->org_id != t.options.org_id) return false;
      break;
  }
  if (!r.source_vpc_owner_account.has_value()) return false;
  for (const Consumer& c : t.consumers) {
    if (*r.source_vpc_owner_account != c.account_id) continue;
    if (std::find(c.methods.begin(), c.methods.end(), r.method) == c.methods.end()) continue;
    if (!c.paths.empty()) {
      bool matched = false;
      for (const std::string& p : c.paths) {
        matched = matched || internal::GlobMatch(internal::GlobFromPolicyText(p), r.path);
      }
      if (!matched) continue;
    }
    bool ok = true;
    for (const ValueRule& rule : c.query) {
      std::vector<std::string> got;
      for (const auto& [k, v] : r.query) {
        if (k == rule.name) got.push_back(v);
      }
      ok = ok && got.size() == 1 &&
           std::find(rule.values.begin(), rule.values.end(), got[0]) != rule.values.end();
    }
    for (const ValueRule& rule : c.headers) {
      bool found = false;
      for (const auto& [k, v] : r.headers) {
        if (k == rule.name) {
          found = std::find(rule.values.begin(), rule.values.end(), v) != rule.values.end();
        }
      }
      ok = ok && found;
    }
    if (ok) return true;
  }
  return false;
}

std::string Describe(const Request& r) {
  std::string out;
  if (!absl::EqualsIgnoreCase(r.action, internal::AbslView(kInvokeAction)))
    internal::StrAppend(&out, r.action, " ");
  internal::StrAppend(&out, r.method, " ", r.path);
  for (size_t i = 0; i < r.query.size(); ++i) {
    internal::StrAppend(&out, i == 0 ? "?" : "&", r.query[i].first, "=", r.query[i].second);
  }
  for (const auto& [k, v] : r.headers) internal::StrAppend(&out, " [", k, ": ", v, "]");
  internal::StrAppend(&out, " from a vpc owned by ",
                      r.source_vpc_owner_account.has_value() ? *r.source_vpc_owner_account
                                                             : std::string("(no owner)"));
  if (!r.principal.has_value()) {
    internal::StrAppend(&out, ", anonymous");
  } else {
    internal::StrAppend(&out, ", signed by ", r.principal->account);
    if (!r.principal->org_id.empty()) internal::StrAppend(&out, " in ", r.principal->org_id);
  }
  if (r.service_network_arn.has_value()) {
    internal::StrAppend(&out, " via ", BaseName(*r.service_network_arn));
  }
  return out;
}

std::string ConcretePath(std::string_view pattern, std::string_view fill) {
  return absl::StrReplaceAll(internal::AbslView(pattern), {{"*", internal::AbslView(fill)}});
}

// Changes the case of `s` in every way that gives a different string.
std::vector<std::string> CaseVariants(const std::string& s) {
  std::vector<std::string> out;
  std::string upper = absl::AsciiStrToUpper(s), lower = absl::AsciiStrToLower(s);
  std::string title = lower;
  if (!title.empty()) title[0] = absl::ascii_toupper(static_cast<unsigned char>(title[0]));
  for (const std::string& v : {upper, lower, title}) {
    if (v != s && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

struct Probe {
  std::string consumer;
  Request request;
};

class ProbeSet {
 public:
  void Add(const std::string& consumer, Request r) {
    std::string key = Describe(r);
    if (!seen_.insert(key).second) return;
    probes_.push_back({consumer, std::move(r)});
  }
  const std::vector<Probe>& probes() const { return probes_; }

 private:
  std::set<std::string> seen_;
  std::vector<Probe> probes_;
};

void SetQueryValues(Request* r, const std::string& key, const std::vector<std::string>& values) {
  std::vector<StringPair> q;
  bool placed = false;
  for (auto& kv : r->query) {
    if (kv.first == key) {
      if (!placed) {
        for (const std::string& v : values) q.emplace_back(key, v);
        placed = true;
      }
    } else {
      q.push_back(kv);
    }
  }
  if (!placed) {
    for (const std::string& v : values) q.emplace_back(key, v);
  }
  r->query = std::move(q);
}

void SetHeader(Request* r, const std::string& name, const std::optional<std::string>& value) {
  std::vector<StringPair> h;
  for (auto& kv : r->headers) {
    if (kv.first != name) h.push_back(kv);
  }
  r->headers = std::move(h);
  if (value.has_value()) r->AddHeader(name, *value);
}

// The probes of one consumer: `base` is one of its allowed requests, and
// every probe is added twice, signed and anonymous.
struct ConsumerProbes {
  const Topology& t;
  const Consumer& c;
  const bool org;  // the require-org policy style
  Request base;
  ProbeSet* probes;

  void Add(Request r) const {
    Request anonymous = r;
    anonymous.principal.reset();
    probes->Add(c.name, std::move(r));
    probes->Add(c.name, std::move(anonymous));
  }
  void AllowedClasses() const;
  void RequestNeighbours() const;
  void CallerNeighbours() const;
};

void ConsumerProbes::AllowedClasses() const {
  // Allowed classes: the product of every dimension, or each dimension on its
  // own when the product is too large.
  std::vector<std::vector<std::string>> dims;
  dims.push_back(c.methods);
  std::vector<std::string> paths;
  for (const std::string& p : c.paths) {
    paths.push_back(ConcretePath(p, "x"));
    if (HasWildcard(p)) paths.push_back(ConcretePath(p, ""));
  }
  if (paths.empty()) paths.push_back("/");
  dims.push_back(paths);
  for (const ValueRule& rule : c.query) dims.push_back(rule.values);
  for (const ValueRule& rule : c.headers) dims.push_back(rule.values);
  auto build = [&](const std::vector<size_t>& at) {
    Request r = base;
    r.method = dims[0][at[0]];
    r.path = dims[1][at[1]];
    size_t d = 2;
    for (const ValueRule& rule : c.query) SetQueryValues(&r, rule.name, {rule.values[at[d++]]});
    for (const ValueRule& rule : c.headers) SetHeader(&r, rule.name, rule.values[at[d++]]);
    return r;
  };
  size_t product = 1;
  for (const auto& d : dims) product = std::min<size_t>(product * d.size(), 100000);
  std::vector<size_t> at(dims.size(), 0);
  if (product <= 512) {
    for (size_t n = 0; n < product; ++n) {
      Add(build(at));
      for (size_t d = 0; d < dims.size(); ++d) {
        if (++at[d] < dims[d].size()) break;
        at[d] = 0;
      }
    }
  } else {
    for (size_t d = 0; d < dims.size(); ++d) {
      for (size_t i = 0; i < dims[d].size(); ++i) {
        std::vector<size_t> one(dims.size(), 0);
        one[d] = i;
        Add(build(one));
      }
    }
  }
}

// Neighbours in the request: methods, query keys, paths, headers.
void ConsumerProbes::RequestNeighbours() const {
  // Methods: the usual ones, every consumer's, and case changes.
  std::vector<std::string> methods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (const Consumer& other : t.consumers) {
    methods.insert(methods.end(), other.methods.begin(), other.methods.end());
  }
  for (const std::string& m : c.methods) {
    for (std::string& v : CaseVariants(m)) methods.push_back(std::move(v));
  }
  for (const std::string& m : methods) {
    Request r = base;
    r.method = m;
    Add(std::move(r));
  }

  // Query keys: absent, repeated, other consumers' values, case changes,
  // empty and unknown values, a mis-cased key, extra keys.
  for (const ValueRule& rule : c.query) {
    const std::string& v = rule.values[0];
    std::vector<std::vector<std::string>> variants = {
        {}, {v, v}, {v, v + "x"}, {""}, {v + "x"}, {"x" + v}};
    if (rule.values.size() > 1) variants.push_back({rule.values[0], rule.values[1]});
    for (std::string& cv : CaseVariants(v)) variants.push_back({std::move(cv)});
    for (const Consumer& other : t.consumers) {
      for (const ValueRule& o : other.query) {
        for (const std::string& ov : o.values) variants.push_back({ov});
      }
    }
    for (const auto& values : variants) {
      Request r = base;
      SetQueryValues(&r, rule.name, values);
      Add(std::move(r));
    }
    for (std::string& key : CaseVariants(rule.name)) {
      Request r = base;
      SetQueryValues(&r, rule.name, {});
      r.query.emplace_back(std::move(key), v);
      Add(std::move(r));
    }
  }
  {
    Request r = base;
    r.query.emplace_back("latticepol-extra", "1");
    Add(std::move(r));
  }
  for (const Consumer& other : t.consumers) {
    for (const ValueRule& o : other.query) {
      Request r = base;
      r.query.emplace_back(o.name, o.values[0]);
      Add(std::move(r));
    }
  }

  // Paths.
  std::vector<std::string> other_paths = {"/", "/latticepol-unlisted",
                                         base.path == "/" ? "/extra" : base.path + "/extra"};
  for (std::string& p : CaseVariants(base.path)) other_paths.push_back(std::move(p));
  for (const Consumer& other : t.consumers) {
    for (const std::string& p : other.paths) other_paths.push_back(ConcretePath(p, "y"));
  }
  for (const std::string& p : other_paths) {
    Request r = base;
    r.path = p;
    Add(std::move(r));
  }

  // Headers: absent, wrong, case changes, other consumers' values.
  for (const ValueRule& rule : c.headers) {
    std::vector<std::optional<std::string>> variants = {std::nullopt, rule.values[0] + "x", ""};
    for (std::string& cv : CaseVariants(rule.values[0])) variants.push_back(std::move(cv));
    for (const Consumer& other : t.consumers) {
      for (const ValueRule& o : other.headers) {
        for (const std::string& ov : o.values) variants.push_back(ov);
      }
    }
    for (const auto& value : variants) {
      Request r = base;
      SetHeader(&r, rule.name, value);
      Add(std::move(r));
    }
  }
}

// Neighbours in the caller: accounts, principals, networks, the action.
void ConsumerProbes::CallerNeighbours() const {
  // Accounts: none, unknown, the shared account, every other consumer's (with
  // this consumer's values and with theirs).
  std::vector<std::optional<std::string>> owners = {std::nullopt, UnknownAccount(t),
                                                    t.shared.account_id};
  for (const Consumer& other : t.consumers) owners.push_back(other.account_id);
  for (const auto& owner : owners) {
    Request r = base;
    r.source_vpc_owner_account = owner;
    Add(std::move(r));
  }

  // Callers: signed from elsewhere, without or with another organisation,
  // through another consumer's network; and the Connect action.
  {
    Request r = base;
    r.principal = SignedPrincipal(t, UnknownAccount(t), "outsider", org);
    Add(std::move(r));
    r = base;
    r.principal = SignedPrincipal(t, c.account_id, c.name, false);
    Add(std::move(r));
    r = base;
    r.principal->org_id = "o-latticepolother";
    Add(std::move(r));
    for (size_t oi = 0; oi < t.consumers.size(); ++oi) {
      r = base;
      r.service_network_arn = ExampleNetworkArn(t, oi);
      Add(std::move(r));
    }
    r = base;
    r.action = std::string(kConnectAction);
    Add(std::move(r));
  }
}

// Every request class worth checking for consumer `ci`: its allowed classes
// and their neighbours.
void AddProbes(const Topology& t, size_t ci, ProbeSet* probes) {
  const Consumer& c = t.consumers[ci];
  const bool org = t.options.policy_style == PolicyStyle::kRequireOrg;
  Request base;
  base.method = c.methods[0];
  base.path = c.paths.empty() ? "/" : ConcretePath(c.paths[0], "x");
  for (const ValueRule& rule : c.query) base.query.emplace_back(rule.name, rule.values[0]);
  for (const ValueRule& rule : c.headers) base.AddHeader(rule.name, rule.values[0]);
  base.source_vpc = "vpc-" + c.name;
  base.source_vpc_owner_account = c.account_id;
  base.service_arn = ServiceArn(t);
  base.service_network_arn = ExampleNetworkArn(t, ci);
  base.port = 443;
  base.principal = SignedPrincipal(t, c.account_id, c.name, org);
  const ConsumerProbes p{t, c, org, std::move(base), probes};
  p.AllowedClasses();
  p.RequestNeighbours();
  p.CallerNeighbours();
}

// ---- Stack outputs ----------------------------------------------------------

struct StackOutputs {
  std::map<std::string, std::string> network_arn;  // by consumer name
  std::string fqdn;
};

void OutputsIssue(std::vector<Issue>* issues, const std::string& key, std::string code,
                  std::string message) {
  Issue issue;
  issue.code = std::move(code);
  issue.message = std::move(message);
  issue.location.json_pointer = key.empty() ? "" : internal::PointerAppend("", key);
  issues->push_back(std::move(issue));
}

StackOutputs ReadStackOutputs(const Topology& t, const std::string& text,
                              std::vector<Issue>* issues) {
  StackOutputs out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    OutputsIssue(issues, "", "invalid-stack-outputs",
                 "the stack outputs must be the json object printed by "
                 "`pulumi stack output --json`");
    return out;
  }
  auto get = [&](const std::string& key, std::string* value) {
    auto it = j.find(key);
    if (it == j.end()) {
      OutputsIssue(issues, key, "missing-stack-output",
                   internal::StrCat("missing stack output ", QuoteForMessage(key),
                                    " (export it from ", QuoteForMessage(t.shared.project), ")"));
      return false;
    }
    if (!it->is_string()) {
      OutputsIssue(issues, key, "invalid-stack-output",
                   internal::StrCat("stack output ", QuoteForMessage(key), " must be a string"));
      return false;
    }
    *value = it->get<std::string>();
    if (*value == "[secret]") {
      OutputsIssue(
          issues, key, "secret-stack-output",
          internal::StrCat("stack output ", QuoteForMessage(key),
                           " is a secret; run `pulumi stack output --json --show-secrets`"));
      return false;
    }
    return true;
  };
  for (const Consumer& c : t.consumers) {
    const std::string key = c.name + "-service-network-arn";
    std::string arn;
    if (!get(key, &arn)) continue;
    if (!IsValidServiceNetworkArn(arn)) {
      OutputsIssue(issues, key, "invalid-arn",
                   internal::StrCat(
                       QuoteForMessage(arn),
                       " is not a service network arn like `arn:aws:vpc-lattice:", t.shared.region,
                       ":", t.shared.account_id, ":servicenetwork/sn-0123456789abcdef0`"));
      continue;
    }
    std::array<std::string_view, 6> fields;
    internal::SplitArn(arn, &fields);
    if (fields[3] != t.shared.region || fields[1] != t.Partition()) {
      OutputsIssue(
          issues, key, "inconsistent-region",
          internal::StrCat("service network ", QuoteForMessage(arn), " is not in ",
                           QuoteForMessage(t.Partition()), " ", QuoteForMessage(t.shared.region),
                           ", the shared service region"));
      continue;
    }
    out.network_arn[c.name] = arn;
  }
  std::string fqdn;
  if (get(std::string(kFqdnOutput), &fqdn)) {
    if (!IsValidFqdn(fqdn)) {
      OutputsIssue(issues, std::string(kFqdnOutput), "invalid-fqdn",
                   internal::StrCat(QuoteForMessage(fqdn), " is not a well-formed domain name"));
    } else if (absl::EndsWith(fqdn, ".on.aws") && absl::StrContains(fqdn, ".vpc-lattice-svcs.") &&
               !absl::EndsWith(
                   fqdn, internal::StrCat(".vpc-lattice-svcs.", t.shared.region, ".on.aws"))) {
      OutputsIssue(issues, std::string(kFqdnOutput), "inconsistent-region",
                   internal::StrCat("service domain ", QuoteForMessage(fqdn),
                                    " is not in the shared service region ",
                                    QuoteForMessage(t.shared.region)));
    } else {
      out.fqdn = fqdn;
    }
  }
  return out;
}

// ---- Pulumi stack files -----------------------------------------------------

struct ConfigEntry {
  std::string key;
  std::string value;
};

bool IsSecure(const YAML::Node& node) {
  return node.IsMap() && node["secure"].IsDefined();
}

// ---- Line-wise merge of an existing stack file ---------------------------------
// A stack file is the user's: merging edits only the lines of the config keys
// latticepol writes and keeps every other byte (comments, order, quoting,
// blank lines). Layouts this editor does not understand (flow-style config,
// sequences, odd indentation) fall back to re-emitting the file.

// The part of a value text before a trailing comment, and the comment.
std::pair<std::string_view, std::string_view> SplitComment(std::string_view value) {
  size_t end = std::string_view::npos;
  size_t i = 0;
  while (i < value.size() && value[i] == ' ') ++i;
  if (i < value.size() && (value[i] == '"' || value[i] == '\'')) {
    const char q = value[i];
    for (size_t j = i + 1; j < value.size(); ++j) {
      if (q == '"' && value[j] == '\\') {
        ++j;
      } else if (value[j] == q) {
        if (q == '\'' && j + 1 < value.size() && value[j + 1] == '\'') {
          ++j;
          continue;
        }
        end = j + 1;
        break;
      }
    }
    if (end == std::string_view::npos) return {value, {}};
    const size_t hash = value.find('#', end);
    return hash == std::string_view::npos ? std::make_pair(value, std::string_view())
                                          : std::make_pair(value.substr(0, hash), value.substr(hash));
  }
  if (i < value.size() && value[i] == '#') return {value.substr(0, i), value.substr(i)};
  const size_t hash = value.find(" #");
  if (hash == std::string_view::npos) return {value, {}};
  return {value.substr(0, hash), value.substr(hash + 1)};
}

std::string_view TrimSpaces(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\r')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
  return v;
}

std::string YamlDoubleQuoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrCat("\\x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct StackLine {
  size_t index = 0;        // line index
  size_t end = 0;          // one past its last (nested) line
  std::string key;         // fully qualified
  bool qualified = true;   // written with its namespace
  std::string_view value;  // after "key:", comment included
};

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= text.size();) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (pos < text.size()) lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

size_t IndentOf(std::string_view l) {
  size_t i = 0;
  while (i < l.size() && l[i] == ' ') ++i;
  return i;
}

bool BlankOrComment(std::string_view l) {
  const size_t i = IndentOf(l);
  return i == l.size() || l[i] == '#' || l[i] == '\r';
}

// The key of a config entry line (`rest` starts at the key): quoted, or plain
// up to ": " or a final ':'. `*after` receives the offset of its ':'.
std::optional<std::string> StackKey(std::string_view rest, size_t* after) {
  if (rest[0] == '"' || rest[0] == '\'') {
    const size_t close = rest.find(rest[0], 1);
    if (close == std::string_view::npos || rest.find('\\') < close) return std::nullopt;
    *after = close + 1;
    if (*after >= rest.size() || rest[*after] != ':') return std::nullopt;
    return std::string(rest.substr(1, close - 1));
  }
  size_t colon = 0;
  while (true) {
    colon = rest.find(':', colon);
    if (colon == std::string_view::npos) return std::nullopt;
    if (colon + 1 == rest.size() || rest[colon + 1] == ' ') break;
    ++colon;
  }
  *after = colon;
  return std::string(TrimSpaces(rest.substr(0, colon)));
}

// The block-style `config:` section of a stack file, as lines.
struct ConfigBlock {
  size_t config = 0;     // the `config:` line; lines.size() when there is none
  size_t block_end = 0;  // one past the section's last line
  size_t indent = 2;     // of its entries
  std::vector<StackLine> keys;
};

// Finds and reads the config section. False when the layout is not one the
// line editor handles (flow style, lists, deeper-then-shallower indents...).
bool ReadConfigBlock(const std::vector<std::string_view>& lines, const std::string& project,
                     ConfigBlock* block) {
  block->config = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].substr(0, 7) != "config:" ||
        (lines[i].size() > 7 && lines[i][7] != ' ' && lines[i][7] != '\r')) {
      continue;
    }
    if (!TrimSpaces(SplitComment(lines[i].substr(7)).first).empty()) {
      return false;  // flow style or a scalar
    }
    block->config = i;
    break;
  }
  block->block_end = block->config == lines.size() ? lines.size() : block->config + 1;
  if (block->config == lines.size()) return true;
  std::vector<StackLine>& keys = block->keys;
  bool have_indent = false;
  for (size_t i = block->config + 1; i < lines.size(); ++i) {
    const std::string_view l = lines[i];
    if (BlankOrComment(l)) continue;
    const size_t in = IndentOf(l);
    if (in == 0) break;  // the next top-level key
    if (!have_indent) {
      block->indent = in;
      have_indent = true;
    }
    if (in > block->indent) {
      if (keys.empty()) return false;
      keys.back().end = i + 1;  // nested under the previous key
      continue;
    }
    if (in < block->indent || l[in] == '-' || l[in] == '{' || l[in] == '[') return false;
    const std::string_view rest = l.substr(in);
    size_t after = 0;
    std::optional<std::string> key = StackKey(rest, &after);
    if (!key) return false;
    StackLine sl;
    sl.index = i;
    sl.end = i + 1;
    sl.qualified = key->find(':') != std::string::npos;
    sl.key = sl.qualified ? *key : project + ":" + *key;
    sl.value = rest.substr(after + 1);
    keys.push_back(std::move(sl));
  }
  block->block_end = keys.empty() ? block->config + 1 : keys.back().end;
  return true;
}

// True when an unnested, qualified entry already holds `value` (so its line,
// comment and quoting stay as the user wrote them).
bool HoldsValue(const StackLine& sl, std::string_view value_text, const std::string& value) {
  if (sl.end > sl.index + 1 || !sl.qualified || TrimSpaces(value_text).empty()) return false;
  std::string current;  // "" for a value that is not a scalar
  try {
    const YAML::Node node = YAML::Load(std::string(value_text));
    if (node.IsScalar()) current = node.Scalar();
  } catch (const YAML::Exception&) {
    current.clear();
  }
  return current == value;
}

// Edits `text` so that every generated entry holds its value. Returns nullopt
// when the layout is not one this editor handles. `kept_secure` receives the
// keys whose existing `secure:` value was kept.
std::optional<std::string> EditStackFileLines(
    std::string_view text, const std::string& project, const std::vector<ConfigEntry>& entries,
    const std::vector<std::pair<std::string, YAML::Node>>& old_entries,
    std::vector<std::string>* kept_secure) {
  std::vector<std::string_view> lines = SplitLines(text);
  ConfigBlock block;
  if (!ReadConfigBlock(lines, project, &block)) return std::nullopt;
  auto is_secure = [&](const std::string& key) {
    for (const auto& [k, v] : old_entries) {
      if (k == key) return IsSecure(v);
    }
    return false;
  };
  // Replacements by line index, and new lines after the block.
  std::map<size_t, std::string> replaced;
  std::set<size_t> dropped;
  std::vector<std::string> added;
  const std::string pad(block.indent, ' ');
  for (const ConfigEntry& e : entries) {
    const StackLine* found = nullptr;
    for (const StackLine& sl : block.keys) {
      if (sl.key == e.key) found = &sl;
    }
    const std::string line = internal::StrCat(pad, e.key, ": ", YamlDoubleQuoted(e.value));
    if (found == nullptr) {
      added.push_back(line);
      continue;
    }
    if (is_secure(e.key)) {
      kept_secure->push_back(e.key);
      continue;
    }
    const auto [value, comment] = SplitComment(found->value);
    if (HoldsValue(*found, value, e.value)) continue;
    replaced[found->index] = comment.empty() ? line : internal::StrCat(line, "  ", comment);
    for (size_t k = found->index + 1; k < found->end; ++k) dropped.insert(k);
  }
  // A bare key is in the project's namespace: it is written qualified.
  for (const StackLine& sl : block.keys) {
    if (!sl.qualified && replaced.count(sl.index) == 0) {
      replaced[sl.index] = internal::StrCat(pad, sl.key, ":", sl.value);
    }
  }
  if (block.config == lines.size() && !added.empty()) {
    lines.push_back("config:");
    block.config = lines.size() - 1;
    block.block_end = lines.size();
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == block.block_end) {
      for (const std::string& a : added) internal::StrAppend(&out, a, "\n");
    }
    if (dropped.count(i) != 0) continue;
    auto it = replaced.find(i);
    internal::StrAppend(&out, it != replaced.end() ? std::string_view(it->second) : lines[i], "\n");
  }
  if (block.block_end >= lines.size()) {
    for (const std::string& a : added) internal::StrAppend(&out, a, "\n");
  }
  return out;
}

void AddProblem(std::vector<Issue>* issues, Severity severity, std::string code,
                std::string message) {
  Issue issue;
  issue.severity = severity;
  issue.code = std::move(code);
  issue.message = std::move(message);
  issues->push_back(std::move(issue));
}

// Parses the user's existing stack file into `root` and its `config` into
// `old_config`, with the same checks as a topology (size, encoding, bounded
// aliases, one document). False, with an `invalid-stack-file` error, when it
// cannot be merged.
bool LoadExistingStackFile(const std::string& path, const std::string& existing,
                           std::vector<Issue>* issues, YAML::Node* root, YAML::Node* old_config) {
  const std::string quoted = QuoteForMessage(path, internal::kMaxQuotedPathChars);
  auto invalid = [&](std::string message) {
    AddProblem(issues, Severity::kError, "invalid-stack-file", std::move(message));
    return false;
  };
  static constexpr internal::YamlDocumentKind kStackFile = {"stack file", "invalid-stack-file",
                                                            "invalid-stack-file"};
  std::vector<Issue> checks;
  if (!internal::CheckYamlText(existing, kStackFile, &checks) ||
      !internal::CheckYamlStructure(existing, kStackFile, &checks)) {
    for (const Issue& issue : checks) {
      invalid(internal::StrCat("existing ", quoted,
                               issue.location.line > 0
                                   ? internal::StrCat(" (line ", issue.location.line, ")")
                                   : std::string(),
                               ": ", issue.message));
    }
    return false;
  }
  try {
    root->reset(YAML::Load(existing));
  } catch (const YAML::Exception& e) {
    return invalid(internal::StrCat("existing ", quoted, " is not valid yaml (line ",
                                    e.mark.line + 1, "): ", internal::EscapeForMessage(e.msg)));
  }
  if (root->IsDefined() && !root->IsNull() && !root->IsMap()) {
    return invalid(internal::StrCat("existing ", quoted, " is not a yaml mapping"));
  }
  if (root->IsMap()) {
    const YAML::Node& const_root = *root;  // const lookup never inserts
    old_config->reset(const_root["config"]);
    if (old_config->IsDefined() && !old_config->IsNull() && !old_config->IsMap()) {
      return invalid(internal::StrCat("`config` in existing ", quoted, " is not a mapping"));
    }
  }
  return true;
}

void KeptSecureValue(std::vector<Issue>* issues, const std::string& key, const std::string& path) {
  AddProblem(issues, Severity::kWarning, "kept-secure-value",
             internal::StrCat("kept the `secure:` value of ", QuoteForMessage(key), " in ",
                              QuoteForMessage(path, internal::kMaxQuotedPathChars),
                              "; the generated value was not written"));
}

// Writes the stack file anew with yaml-cpp: `root`'s other top-level keys as
// they were, `config` with the generated entries (existing `secure:` values
// kept) and then the existing entries not generated.
std::string EmitStackFile(const std::string& path, const YAML::Node& root,
                          const std::vector<ConfigEntry>& entries,
                          const std::vector<std::pair<std::string, YAML::Node>>& old_entries,
                          const std::string& comment, std::vector<Issue>* issues,
                          std::set<std::string>* keys) {
  auto find_old = [&](const std::string& key) -> const YAML::Node* {
    for (const auto& [k, v] : old_entries) {
      if (k == key) return &v;
    }
    return nullptr;
  };
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::Comment(comment) << YAML::Newline;
  auto emit_config = [&]() {
    out << YAML::Key << "config" << YAML::Value << YAML::BeginMap;
    std::set<std::string> written;
    for (const ConfigEntry& e : entries) {
      out << YAML::Key << e.key << YAML::Value;
      const YAML::Node* old = find_old(e.key);
      if (old != nullptr && IsSecure(*old)) {
        internal::EmitNodeQuoted(*old, &out);
        KeptSecureValue(issues, e.key, path);
      } else {
        out << YAML::DoubleQuoted << e.value;
      }
      written.insert(e.key);
      keys->insert(e.key);
    }
    for (const auto& [k, v] : old_entries) {
      if (!written.insert(k).second) continue;
      out << YAML::Key << k << YAML::Value;
      internal::EmitNodeQuoted(v, &out);
      keys->insert(k);
    }
    out << YAML::EndMap;
  };
  out << YAML::BeginMap;
  bool config_done = false;
  if (root.IsMap()) {
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (key == "config") {
        emit_config();
        config_done = true;
      } else {
        out << YAML::Key << key << YAML::Value;
        internal::EmitNodeQuoted(kv.second, &out);
      }
    }
  }
  if (!config_done) emit_config();
  out << YAML::EndMap;
  if (!out.good()) {
    AddProblem(issues, Severity::kError, "emit-failed",
               internal::StrCat("cannot write ",
                                QuoteForMessage(path, internal::kMaxQuotedPathChars), ": ",
                                out.GetLastError()));
    return "";
  }
  return internal::StrCat(out.c_str(), "\n");
}

// Renders one stack file, merged with `existing`. Records the config keys of
// the result in `keys`.
std::string RenderStackFile(const std::string& path, const std::string& project,
                            const std::vector<ConfigEntry>& entries,
                            const std::optional<std::string>& existing,
                            const std::string& comment, std::vector<Issue>* issues,
                            std::set<std::string>* keys) {
  YAML::Node root;
  YAML::Node old_config;
  if (existing.has_value() && !LoadExistingStackFile(path, *existing, issues, &root, &old_config)) {
    return "";
  }
  // Existing config keys, fully qualified (a bare key is in the project namespace).
  std::vector<std::pair<std::string, YAML::Node>> old_entries;
  if (old_config.IsMap()) {
    for (const auto& kv : old_config) {
      std::string key = kv.first.Scalar();
      if (key.find(':') == std::string::npos) key = project + ":" + key;
      old_entries.emplace_back(key, kv.second);
    }
  }
  // An existing file is edited line-wise where its layout allows.
  if (existing.has_value() && root.IsMap()) {
    std::vector<std::string> kept;
    std::optional<std::string> edited =
        EditStackFileLines(*existing, project, entries, old_entries, &kept);
    if (edited.has_value()) {
      for (const std::string& key : kept) KeptSecureValue(issues, key, path);
      for (const ConfigEntry& e : entries) keys->insert(e.key);
      for (const auto& [k, v] : old_entries) keys->insert(k);
      return *edited;
    }
  }
  return EmitStackFile(path, root, entries, old_entries, comment, issues, keys);
}

std::string ShellQuote(std::string_view s) {
  bool safe = !s.empty();
  for (char c : s) {
    safe = safe && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("-_./:@=+,").find(c) != std::string_view::npos);
  }
  if (safe) return std::string(s);
  return internal::StrCat("'", absl::StrReplaceAll(internal::AbslView(s), {{"'", "'\\''"}}), "'");
}

// ---- Scenario ---------------------------------------------------------------

void EmitStringMap(YAML::Emitter* out, const std::vector<std::pair<std::string, int>>& m) {
  *out << YAML::BeginMap;
  for (const auto& [k, v] : m) *out << YAML::Key << k << YAML::Value << v;
  *out << YAML::EndMap;
}

// The global mix: every allowed value is common, the neighbours are rare.
void EmitScenarioMix(const Topology& t, YAML::Emitter* emitter) {
  YAML::Emitter& out = *emitter;
  out << YAML::Key << "mix" << YAML::Value << YAML::BeginMap;
  std::vector<std::pair<std::string, int>> methods;
  auto add_weight = [](std::vector<std::pair<std::string, int>>* m, const std::string& k, int w) {
    for (auto& [key, weight] : *m) {
      if (key == k) {
        weight = std::max(weight, w);
        return;
      }
    }
    m->emplace_back(k, w);
  };
  for (const Consumer& c : t.consumers) {
    for (const std::string& m : c.methods) add_weight(&methods, m, 8);
  }
  add_weight(&methods, "POST", 1);
  add_weight(&methods, "DELETE", 1);
  out << YAML::Key << "methods" << YAML::Value;
  EmitStringMap(&out, methods);
  bool any_paths = false;
  for (const Consumer& c : t.consumers) any_paths = any_paths || !c.paths.empty();
  if (any_paths) {
    std::vector<std::pair<std::string, int>> paths;
    for (const Consumer& c : t.consumers) {
      for (const std::string& p : c.paths) add_weight(&paths, ConcretePath(p, "x"), 4);
    }
    add_weight(&paths, "/", 1);
    add_weight(&paths, "/latticepol-unlisted", 1);
    out << YAML::Key << "paths" << YAML::Value;
    EmitStringMap(&out, paths);
  }
  // Query and header keys, in first-seen order, with their values.
  std::vector<std::pair<std::string, std::vector<std::string>>> query, headers;
  auto collect = [](std::vector<std::pair<std::string, std::vector<std::string>>>* into,
                    const std::vector<ValueRule>& rules) {
    for (const ValueRule& rule : rules) {
      auto it = std::find_if(into->begin(), into->end(),
                             [&](const auto& kv) { return kv.first == rule.name; });
      if (it == into->end()) {
        into->emplace_back(rule.name, std::vector<std::string>());
        it = into->end() - 1;
      }
      for (const std::string& v : rule.values) {
        if (std::find(it->second.begin(), it->second.end(), v) == it->second.end()) {
          it->second.push_back(v);
        }
      }
    }
  };
  for (const Consumer& c : t.consumers) {
    collect(&query, c.query);
    collect(&headers, c.headers);
  }
  auto emit_choices = [&](const std::vector<std::pair<std::string, std::vector<std::string>>>& keys,
                          bool repeat) {
    out << YAML::BeginMap;
    for (const auto& [key, values] : keys) {
      out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
      for (const std::string& v : values) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "value" << YAML::Value
            << YAML::DoubleQuoted << v << YAML::Key << "weight" << YAML::Value << 4
            << YAML::EndMap;
      }
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "absent" << YAML::Value << true
          << YAML::Key << "weight" << YAML::Value << 1 << YAML::EndMap;
      if (repeat) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "repeat" << YAML::Value
            << YAML::Flow << YAML::BeginSeq << YAML::DoubleQuoted << values[0]
            << YAML::DoubleQuoted << values[values.size() > 1 ? 1 : 0] << YAML::EndSeq
            << YAML::Key << "weight" << YAML::Value << 1 << YAML::EndMap;
      }
      std::vector<std::string> cased = CaseVariants(values[0]);
      if (!cased.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "value" << YAML::Value
            << YAML::DoubleQuoted << cased[0] << YAML::Key << "weight" << YAML::Value << 1
            << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  };
  if (!query.empty()) {
    out << YAML::Key << "query" << YAML::Value;
    emit_choices(query, /*repeat=*/true);
  }
  if (!headers.empty()) {
    out << YAML::Key << "headers" << YAML::Value;
    emit_choices(headers, /*repeat=*/false);
  }
  out << YAML::EndMap;
}

// Callers: each consumer signed and anonymous, and an outsider.
void EmitScenarioCallers(const Topology& t, const StackOutputs& outputs, YAML::Emitter* emitter) {
  YAML::Emitter& out = *emitter;
  const PolicyStyle style = t.options.policy_style;
  const std::string outsider_account = UnknownAccount(t);
  out << YAML::Key << "callers" << YAML::Value << YAML::BeginSeq;
  auto emit_caller = [&](const std::string& name, int weight, const std::string& vpc,
                         const std::string& account, const std::string& network,
                         const std::string& principal_name, bool anonymous) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << name;
    out << YAML::Key << "weight" << YAML::Value << weight;
    out << YAML::Key << "sourceVpc" << YAML::Value << vpc;
    out << YAML::Key << "sourceVpcOwnerAccount" << YAML::Value << YAML::DoubleQuoted << account;
    if (!network.empty()) {
      out << YAML::Key << "serviceNetworkArn" << YAML::Value << network;
    }
    out << YAML::Key << "principal" << YAML::Value;
    if (anonymous) {
      out << "anonymous";
    } else {
      Principal p = SignedPrincipal(t, account, principal_name,
                                    style == PolicyStyle::kRequireOrg);
      out << YAML::BeginMap;
      out << YAML::Key << "arn" << YAML::Value << p.arn;
      out << YAML::Key << "type" << YAML::Value << p.type;
      out << YAML::Key << "account" << YAML::Value << YAML::DoubleQuoted << p.account;
      if (!p.org_id.empty()) out << YAML::Key << "orgId" << YAML::Value << p.org_id;
      out << YAML::EndMap;
      out << YAML::Key << "identityDecision" << YAML::Value << "ALLOW";
    }
    out << YAML::EndMap;
  };
  for (const Consumer& c : t.consumers) {
    auto it = outputs.network_arn.find(c.name);
    const std::string network = it == outputs.network_arn.end() ? "" : it->second;
    emit_caller(c.name, 4, "vpc-" + c.name, c.account_id, network, c.name, false);
    emit_caller(c.name + "-anonymous", 1, "vpc-" + c.name, c.account_id, network, c.name, true);
  }
  emit_caller("outsider", 1, "vpc-outsider", outsider_account, "", "outsider", false);
  out << YAML::EndSeq;
}

// Expectations (first match wins): each caller's allowed classes, then a
// deny for everything else that caller sends.
void EmitScenarioExpectations(const Topology& t, YAML::Emitter* emitter) {
  YAML::Emitter& out = *emitter;
  const PolicyStyle style = t.options.policy_style;
  out << YAML::Key << "expectations" << YAML::Value << YAML::BeginSeq;
  auto emit_allows = [&](const std::string& caller, const Consumer& c) {
    // One expectation per combination of query and header values.
    std::vector<std::pair<const ValueRule*, bool>> rules;  // (rule, is_header)
    for (const ValueRule& r : c.query) rules.emplace_back(&r, false);
    for (const ValueRule& r : c.headers) rules.emplace_back(&r, true);
    size_t product = 1;
    for (const auto& [r, h] : rules) product = std::min<size_t>(product * r->values.size(), 257);
    if (product > 256) return;  // too many to list; the catch-all deny is skipped too
    std::vector<size_t> at(rules.size(), 0);
    for (size_t n = 0; n < product; ++n) {
      out << YAML::BeginMap;
      std::string label = internal::StrCat(caller, " ", absl::StrJoin(c.methods, "|"));
      out << YAML::Key << "match" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "caller" << YAML::Value << caller;
      out << YAML::Key << "method" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const std::string& m : c.methods) out << m;
      out << YAML::EndSeq;
      if (!c.paths.empty()) {
        out << YAML::Key << "path" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const std::string& p : c.paths) out << YAML::DoubleQuoted << p;
        out << YAML::EndSeq;
        internal::StrAppend(&label, " ", absl::StrJoin(c.paths, "|"));
      }
      for (bool header : {false, true}) {
        bool open = false;
        for (size_t i = 0; i < rules.size(); ++i) {
          if (rules[i].second != header) continue;
          if (!open) {
            out << YAML::Key << (header ? "headers" : "query") << YAML::Value << YAML::BeginMap;
            open = true;
          }
          const std::string& v = rules[i].first->values[at[i]];
          out << YAML::Key << rules[i].first->name << YAML::Value
              << YAML::DoubleQuoted << v;
          internal::StrAppend(&label, header ? " " : " ", rules[i].first->name, header ? ": " : "=",
                              v);
        }
        if (open) out << YAML::EndMap;
      }
      out << YAML::EndMap;
      out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << label;
      out << YAML::Key << "expect" << YAML::Value << "ALLOW";
      out << YAML::EndMap;
      for (size_t d = 0; d < rules.size(); ++d) {
        if (++at[d] < rules[d].first->values.size()) break;
        at[d] = 0;
      }
    }
  };
  auto emit_deny = [&](const std::string& caller) {
    out << YAML::BeginMap;
    out << YAML::Key << "match" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "caller" << YAML::Value << caller << YAML::EndMap;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted
        << internal::StrCat(caller, " anything else");
    out << YAML::Key << "expect" << YAML::Value << "DENY";
    out << YAML::EndMap;
  };
  for (const Consumer& c : t.consumers) {
    for (bool anonymous : {false, true}) {
      const std::string caller = anonymous ? c.name + "-anonymous" : c.name;
      bool listed = true;
      if (!anonymous || style == PolicyStyle::kSeed) {
        // Every consumer sharing this account grants its classes too.
        for (const Consumer& d : t.consumers) {
          if (d.account_id != c.account_id) continue;
          size_t product = 1;
          for (const auto& r : d.query) product = std::min<size_t>(product * r.values.size(), 257);
          for (const auto& r : d.headers) product = std::min<size_t>(product * r.values.size(), 257);
          if (product > 256) listed = false;
          emit_allows(caller, d);
        }
      }
      if (listed) emit_deny(caller);
    }
  }
  emit_deny("outsider");
  out << YAML::EndSeq;
}

std::string RenderScenario(const Topology& t, const StackOutputs& outputs,
                           const std::string& comment) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::Comment(comment) << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "policies" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "service" << YAML::Value << std::string(kPolicyFile);
  out << YAML::Key << "serviceAuthType" << YAML::Value << "AWS_IAM";
  out << YAML::Key << "networkAuthType" << YAML::Value << "NONE";
  out << YAML::EndMap;
  out << YAML::Key << "count" << YAML::Value << 100000;
  out << YAML::Key << "seed" << YAML::Value << 1;

  EmitScenarioMix(t, &out);
  EmitScenarioCallers(t, outputs, &out);
  EmitScenarioExpectations(t, &out);
  out << YAML::EndMap;
  return internal::StrCat(out.c_str(), "\n");
}

// ---- CloudFormation and Terraform --------------------------------------------

std::string RenderCloudFormation(const Topology& t, const OJson& policy) {
  OJson tmpl = OJson::object();
  tmpl["AWSTemplateFormatVersion"] = "2010-09-09";
  tmpl["Description"] =
      internal::StrCat("VPC Lattice auth policy for `", t.shared.service_name,
                       "`, generated by latticepol from ", BaseName(t.source_name));
  tmpl["Parameters"]["ServiceIdentifier"] = {
      {"Type", "String"},
      {"Description",
       "ID (svc-...) or ARN of the VPC Lattice service the policy is attached to; its auth "
       "type must be AWS_IAM"}};
  OJson resource = OJson::object();
  resource["Type"] = "AWS::VpcLattice::AuthPolicy";
  resource["Properties"]["ResourceIdentifier"] = {{"Ref", "ServiceIdentifier"}};
  resource["Properties"]["Policy"] = policy;
  tmpl["Resources"][PascalCase(t.shared.service_name) + "AuthPolicy"] = std::move(resource);
  tmpl["Outputs"]["AuthPolicyState"] = {
      {"Value", {{"Fn::GetAtt", {PascalCase(t.shared.service_name) + "AuthPolicy", "State"}}}}};
  return DumpJson(tmpl, 2) + "\n";
}

std::string RenderTerraform(const Topology& t, const OJson& policy) {
  std::string name = absl::StrReplaceAll(t.shared.service_name, {{"-", "_"}});
  // JSON is valid HCL expression syntax; escape template sequences.
  std::string body = absl::StrReplaceAll(DumpJson(policy, 2), {{"${", "$${"}, {"%{", "%%{"}});
  body = absl::StrReplaceAll(body, {{"\n", "\n  "}});
  return internal::StrCat(
      "# VPC Lattice auth policy for `", t.shared.service_name, "`, generated by latticepol from ",
      BaseName(t.source_name), ".\n",
      "variable \"service_identifier\" {\n"
      "  description = \"ID (svc-...) or ARN of the VPC Lattice service; its auth type must be "
      "AWS_IAM\"\n"
      "  type        = string\n"
      "}\n\n"
      "resource \"aws_vpclattice_auth_policy\" \"",
      name,
      "\" {\n"
      "  resource_identifier = var.service_identifier\n"
      "  policy = jsonencode(",
      body,
      ")\n"
      "}\n\n"
      "output \"auth_policy_state\" {\n"
      "  value = aws_vpclattice_auth_policy.",
      name, ".state\n}\n");
}

}  // namespace

std::string GeneratedPolicyJson(const Topology& topology) {
  return DumpJson(PolicyJsonObject(topology), -1);
}

PolicyDocument BuildPolicy(const Topology& topology) {
  return ParsePolicy(GeneratedPolicyJson(topology)).doc;
}

absl::StatusOr<VerificationResult> VerifyPolicy(const Topology& topology,
                                                const PolicyDocument& policy) {
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled = Compile(policy);
  if (!compiled.ok()) return compiled.status();
  ProbeSet probes;
  for (size_t i = 0; i < topology.consumers.size(); ++i) {
    if (topology.consumers[i].methods.empty()) {
      return absl::InvalidArgumentError(
          internal::StrCat("consumer `", topology.consumers[i].name, "` has no methods"));
    }
    AddProbes(topology, i, &probes);
  }
  VerificationResult result;
  constexpr size_t kMaxListed = 50;
  size_t failing = 0;
  for (const Probe& probe : probes.probes()) {
    const RequestView view = probe.request.view();
    const bool expected = IntendedAllow(topology, probe.request);
    const Decision reference = EvaluateReference(policy, view).decision;
    const Decision fast = Evaluate(**compiled, view);
    ++result.classes_checked;
    if (reference.allowed() == expected && fast.allowed() == expected &&
        reference.kind == fast.kind) {
      continue;
    }
    if (++failing > kMaxListed) continue;
    result.failures.push_back(
        internal::StrCat("consumer `", probe.consumer, "`: ", Describe(probe.request),
                         ": expected ", expected ? "ALLOW" : "a deny", ", reference ",
                         DecisionName(reference.kind), ", compiled ", DecisionName(fast.kind)));
  }
  if (failing > kMaxListed) {
    result.failures.push_back(
        internal::StrCat("... and ", failing - kMaxListed, " more failing request classes"));
  }
  return result;
}

namespace {

absl::StatusOr<GenerateResult> GenerateImpl(const Topology& topology,
                                            const GenerateOptions& options) {
  GenerateResult result;
  const Topology& t = topology;
  if (t.consumers.empty()) return absl::InvalidArgumentError("the topology has no consumers");
  const std::string source = BaseName(t.source_name.empty() ? "topology" : t.source_name);

  // 1. The policy, checked by the strict parser.
  const OJson policy_object = PolicyJsonObject(t);
  result.policy_json = DumpJson(policy_object, -1);
  if (result.policy_json.size() > kMaxGeneratedPolicySize) {
    Issue issue;
    issue.code = "policy-too-large";
    issue.message =
        internal::StrCat("the generated policy has ", result.policy_json.size(),
                         " characters; lattice accepts at most ", kMaxGeneratedPolicySize,
                         " (G1, docs/semantics.md)");
    result.issues.push_back(std::move(issue));
    result.issues_source = t.source_name;
    return result;
  }
  ParseResult parsed = ParsePolicy(result.policy_json);
  if (!parsed.ok()) {
    return absl::InternalError(internal::StrCat("the generated policy does not parse: ",
                                                FormatIssues(parsed.issues, kPolicyFile)));
  }

  // 2. Verification before anything else.
  absl::StatusOr<VerificationResult> verification = VerifyPolicy(t, parsed.doc);
  if (!verification.ok()) return verification.status();
  result.verification = *std::move(verification);
  if (!result.verification.ok()) return result;

  // 3. Stack outputs.
  StackOutputs outputs;
  if (options.stack_outputs_json.has_value()) {
    outputs = ReadStackOutputs(t, *options.stack_outputs_json, &result.issues);
    result.issues_source = options.stack_outputs_source;
    if (HasErrors(result.issues)) return result;
  }

  std::map<std::string, std::string> files;
  // No trailing newline: `--policy file://auth-policy.json` sends the file
  // as it is, and lattice rejects newlines in a policy (docs/semantics.md §1.1).
  files[std::string(kPolicyFile)] = result.policy_json;
  const std::string stack = t.options.stack;
  const std::string comment = internal::StrCat("generated by `latticepol generate` from ", source,
                                               "; edit the topology, not this file");

  if (options.format == OutputFormat::kPulumi) {
    auto read = [&](const std::string& path) -> std::optional<std::string> {
      if (!options.read_existing) return std::nullopt;
      return options.read_existing(path);
    };
    auto provider_entries = [&](const std::string& aws_profile,
                                const std::string& native_profile) {
      return std::vector<ConfigEntry>{{"aws:region", t.shared.region},
                                      {"aws:profile", aws_profile},
                                      {"aws-native:region", t.shared.region},
                                      {"aws-native:profile", native_profile}};
    };
    std::vector<Issue> file_issues;
    // The shared service stack.
    {
      std::vector<ConfigEntry> entries =
          provider_entries(t.shared.aws_profile, t.shared.aws_native_profile);
      for (const Consumer& c : t.consumers) {
        entries.push_back(
            {internal::StrCat(t.shared.project, ":", c.name, "-principal"), c.account_id});
      }
      const std::string path = internal::StrCat(t.shared.directory, "/Pulumi.", stack, ".yaml");
      std::set<std::string> keys;
      files[path] =
          RenderStackFile(path, t.shared.project, entries, read(path), comment, &file_issues, &keys);
    }
    // One stack per consumer.
    for (const Consumer& c : t.consumers) {
      std::vector<ConfigEntry> entries = provider_entries(c.aws_profile, c.aws_native_profile);
      const std::string network_key = c.project + ":lattice-network-arn";
      const std::string fqdn_key = c.project + ":shared-service-fqdn";
      auto arn = outputs.network_arn.find(c.name);
      if (arn != outputs.network_arn.end()) entries.push_back({network_key, arn->second});
      if (!outputs.fqdn.empty()) entries.push_back({fqdn_key, outputs.fqdn});
      const std::string path = internal::StrCat(c.directory, "/Pulumi.", stack, ".yaml");
      std::set<std::string> keys;
      files[path] =
          RenderStackFile(path, c.project, entries, read(path), comment, &file_issues, &keys);
      const std::string cwd = ShellQuote(internal::StrCat(options.command_root, c.directory));
      const std::string common_cwd =
          ShellQuote(internal::StrCat(options.command_root, t.shared.directory));
      auto pending = [&](const std::string& key, const std::string& output) {
        if (keys.count(key) != 0) return;
        result.pending_commands.push_back(internal::StrCat(
            "pulumi config set --stack ", stack, " --cwd ", cwd, " ", key,
            " \"$(pulumi stack output --stack ", stack, " --cwd ", common_cwd, " ", output, ")\""));
      };
      pending(network_key, c.name + "-service-network-arn");
      pending(fqdn_key, std::string(kFqdnOutput));
    }
    for (Issue& issue : file_issues) result.issues.push_back(std::move(issue));
    if (HasErrors(result.issues)) {
      result.pending_commands.clear();
      return result;
    }
  } else if (options.format == OutputFormat::kCloudFormation) {
    files[std::string(kCloudFormationFile)] = RenderCloudFormation(t, policy_object);
  } else {
    files[std::string(kTerraformFile)] = RenderTerraform(t, policy_object);
  }
  files[std::string(kScenarioFile)] =
      RenderScenario(t, outputs, internal::StrCat("scenario for `latticepol simulate`, ", comment));
  result.files = std::move(files);
  return result;
}

}  // namespace

absl::StatusOr<GenerateResult> Generate(const Topology& topology, const GenerateOptions& options) {
  // yaml-cpp and nlohmann may throw on pathological input (e.g. an existing
  // stack file); nothing escapes the library boundary.
  try {
    return GenerateImpl(topology, options);
  } catch (const std::exception& e) {
    return absl::InternalError(internal::StrCat("generate failed: ", e.what()));
  }
}

}  // namespace latticepol
