// File: src/workflow/replay.cc
// Stage: simulate (replay). Streams JSON Lines of canonical requests or VPC
// Lattice access-log records through the compiled chain: blocks are read,
// split into lines, parsed (the canonical-shape scanner, then a simdjson fast
// path, ParseRequestJson as the authority for everything else) and evaluated
// in parallel groups, then
// merged. See latticepol/replay.h for the contracts.
#include "latticepol/replay.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workflow/internal/chain_runner.h"
#include "workflow/internal/chain_util.h"
#include "internal/request_scan.h"
#include "internal/semantics.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"
#include "latticepol/simulate.h"
#include "simdjson.h"

namespace latticepol {

bool ParseReplayFormat(std::string_view name, ReplayFormat* format) {
  if (name == "auto") {
    *format = ReplayFormat::kAuto;
  } else if (name == "jsonl") {
    *format = ReplayFormat::kJsonl;
  } else if (name == "accesslog") {
    *format = ReplayFormat::kAccessLog;
  } else {
    return false;
  }
  return true;
}

namespace {

namespace dom = simdjson::dom;


inline bool IsHeaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// ---- Field tables ------------------------------------------------------------

enum TopField : int {
  kAction, kMethod, kPath, kQuery, kHeaders, kSourceVpc, kSourceVpcOwnerAccount, kPort,
  kServiceArn, kServiceNetworkArn, kPrincipal, kResourceTags, kSourceIp, kTime, kTopCount
};

int TopFieldId(std::string_view k) {
  switch (k.size()) {
    case 4:
      if (k == "path") return kPath;
      if (k == "port") return kPort;
      if (k == "time") return kTime;
      break;
    case 5:
      if (k == "query") return kQuery;
      break;
    case 6:
      if (k == "action") return kAction;
      if (k == "method") return kMethod;
      break;
    case 7:
      if (k == "headers") return kHeaders;
      break;
    case 8:
      if (k == "sourceIp") return kSourceIp;
      break;
    case 9:
      if (k == "sourceVpc") return kSourceVpc;
      if (k == "principal") return kPrincipal;
      break;
    case 10:
      if (k == "serviceArn") return kServiceArn;
      break;
    case 12:
      if (k == "resourceTags") return kResourceTags;
      break;
    case 17:
      if (k == "serviceNetworkArn") return kServiceNetworkArn;
      break;
    case 21:
      if (k == "sourceVpcOwnerAccount") return kSourceVpcOwnerAccount;
      break;
    default:
      break;
  }
  return -1;
}

// Fields only access-log records have (docs/semantics.md §5); serviceArn and
// serviceNetworkArn are shared with the canonical form.
bool IsAccessLogField(std::string_view k) {
  static constexpr std::string_view kFields[] = {
      "startTime", "sourceVpcArn", "sourceVpcId", "destinationVpcId", "sourceIpPort",
      "targetIpPort", "requestMethod", "requestPath", "protocol", "hostHeader",
      "serverNameIndication", "userAgent", "callerPrincipal", "resolvedUser",
      "callerPrincipalOrgID", "callerX509IssuerOU", "callerX509SubjectCN",
      "callerX509SANNameCN", "callerX509SANDNS", "callerX509SANURI", "authDeniedReason",
      "responseCode", "failureReason", "bytesReceived", "bytesSent", "duration",
      "requestToTargetDuration", "responseFromTargetDuration", "targetGroupArn",
      "listenerType", "listenerId", "sslCipher", "tlsVersion"};
  for (std::string_view f : kFields) {
    if (f == k) return true;
  }
  return false;
}

// What a policy tests that access logs cannot supply (L2/L3): the key
// table's `logs` column.
using internal::KeyUnknowableInLogs;

bool StatementNamesRole(const Statement& s) {
  for (const std::string& p : s.principal.aws) {
    if (p.find(":role/") != std::string::npos) return true;
  }
  return false;
}

bool PolicyHasUnknowables(const PolicyDocument* doc) {
  if (doc == nullptr) return false;
  for (const Statement& s : doc->statements) {
    if (StatementNamesRole(s)) return true;
    for (const Condition& c : s.conditions) {
      if (KeyUnknowableInLogs(c.key, true)) return true;
    }
  }
  return false;
}

bool PolicyUsesTime(const PolicyDocument* doc) {
  if (doc == nullptr) return false;
  for (const Statement& s : doc->statements) {
    for (const Condition& c : s.conditions) {
      if (!internal::IsKnownKey(c.key.kind)) continue;
      const internal::RequestField field = internal::KeySemantics(c.key.kind).field;
      if (field == internal::RequestField::kTime ||
          field == internal::RequestField::kTimeEpochSeconds) {
        return true;
      }
    }
  }
  return false;
}

// A 64-bit digest of everything an access-log request carries (the time only
// when a policy reads it), keying the per-thread cache of L2/L3 analyses.
class Digest {
 public:
  void Add(std::string_view s) {
    for (unsigned char c : s) h_ = (h_ ^ c) * 0x100000001B3ull;
    h_ = (h_ ^ 0xFF) * 0x100000001B3ull;  // separator
    h_ ^= s.size();
  }
  void Add(const OptionalText& t) {
    if (t.present) {
      Add(t.value);
    } else {
      AddMarker(kAbsent);
    }
  }
  // Mixes a value no Add(string_view) step can produce (markers are above
  // 0xFF), so an absent field differs from every present value.
  void AddMarker(uint64_t marker) { h_ = (h_ ^ marker) * 0x100000001B3ull; }
  static constexpr uint64_t kAbsent = 0x100;
  static constexpr uint64_t kAnonymous = 0x101;
  uint64_t value() const { return h_ * 0x9E3779B97F4A7C15ull; }

 private:
  uint64_t h_ = 0xCBF29CE484222325ull;
};

uint64_t LogKey(const RequestView& v, bool with_time) {
  Digest d;
  d.Add(v.action);
  d.Add(v.method);
  d.Add(v.path);
  for (size_t i = 0; i < v.headers.size(); ++i) {
    d.Add(v.headers.name(i));
    d.Add(v.headers.value(i));
  }
  d.Add(v.source_vpc);
  d.Add(v.source_vpc_owner_account);
  d.Add(v.service_arn);
  d.Add(v.service_network_arn);
  d.Add(std::to_string(v.port));
  if (v.principal != nullptr) {
    d.Add(v.principal->arn);
    d.Add(v.principal->account);
    d.Add(v.principal->type);
    d.Add(v.principal->org_id);
    d.Add(v.principal->session_arn);
  } else {
    d.AddMarker(Digest::kAnonymous);
  }
  d.Add(v.source_ip);
  if (with_time) d.Add(v.time);
  return d.value();
}

// Per-layer verdict certainty for a replayed access-log record.
struct LayerCertainty {
  bool certain = true;
  bool certainly_denies = false;
  // When not certain: the keys (as written) the record lacks that the
  // statements which could decide test; "aws:PrincipalArn" for a role ARN
  // in a Principal element (L2).
  std::vector<std::string> unknown_keys;
};

LayerCertainty AnalyzeLayer(const PolicyDocument& doc, const RequestView& view,
                            const internal::LogRecordFacts& facts) {
  Evaluation ev = EvaluateReference(doc, view);
  bool certain_deny = false, possible_deny = false, certain_allow = false, possible_allow = false;
  std::vector<std::string> deny_keys, allow_keys, keys;
  for (const StatementTrace& st : ev.statements) {
    const Statement* stmt = nullptr;
    for (const Statement& s : doc.statements) {
      if (s.index == st.index) stmt = &s;
    }
    if (stmt == nullptr) continue;
    keys.clear();
    bool unknown = facts.assumed_role && StatementNamesRole(*stmt);
    if (unknown) keys.emplace_back("aws:PrincipalArn");
    bool known_pass = (st.principal_matched || unknown) && st.action_matched && st.resource_matched;
    for (size_t i = 0; i < st.clauses.size() && known_pass; ++i) {
      const ConditionKey key = ResolveConditionKey(st.clauses[i].key);
      if (internal::KeyUnknowableInLogRecord(key, facts)) {
        unknown = true;
      } else if (!st.clauses[i].result) {
        known_pass = false;
      }
    }
    for (const ClauseTrace& c : st.clauses) {
      if (internal::KeyUnknowableInLogRecord(ResolveConditionKey(c.key), facts)) {
        unknown = true;
        keys.push_back(c.key);
      }
    }
    const bool deny = st.effect == Effect::kDeny;
    if (!unknown) {
      if (st.applies) (deny ? certain_deny : certain_allow) = true;
    } else if (known_pass) {
      (deny ? possible_deny : possible_allow) = true;
      std::vector<std::string>& into = deny ? deny_keys : allow_keys;
      into.insert(into.end(), keys.begin(), keys.end());
    }
  }
  LayerCertainty r;
  if (certain_deny) {
    r.certainly_denies = true;
  } else if (possible_deny) {
    r.certain = false;
    r.unknown_keys = std::move(deny_keys);
  } else if (certain_allow) {
    // certain ALLOW
  } else if (possible_allow) {
    r.certain = false;
    r.unknown_keys = std::move(allow_keys);
  } else {
    r.certainly_denies = true;
  }
  return r;
}

// L4: the address of an access log's `sourceIpPort` ("10.0.183.56:57086",
// "[2001:db8::1]:443"); empty when it is not an address and port (several
// colons without brackets are ambiguous: never guessed).
std::string_view LoggedSourceIp(std::string_view s) {
  std::string_view ip, port;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || s.substr(close + 1, 1) != ":") return {};
    ip = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const size_t colon = s.find(':');
    if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos) {
      return {};
    }
    ip = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return {};
  }
  internal::IpNet net;
  return internal::ParseIp(ip, &net) ? ip : std::string_view();
}

// ---- The chain ---------------------------------------------------------------

// One identity input of the chain: the chain's own, or one caller's
// (ReplayOptions::identities).
struct IdentityEntry {
  ChainPolicies chain;  // with this input, for the reference checks
  std::shared_ptr<const CompiledPolicy> identity;
  std::array<internal::ComposeTable, 2> table;  // [signed]
};

struct FastChain {
  ChainPolicies chain;
  internal::CompiledLayers layers;  // network, service, shadow
  IdentityEntry base;               // callers without an entry of their own
  std::vector<IdentityEntry> entries;
  absl::flat_hash_map<std::string, int> by_principal;  // ARN -> entries index
  bool log_unknowables = false;
  bool log_uses_time = false;

  // The identity input of `view`'s caller (replay_identities.h: the session
  // ARN first, then the principal ARN).
  const IdentityEntry& Entry(const RequestView& view) const {
    if (view.principal == nullptr || by_principal.empty()) return base;
    for (const std::string* arn : {&view.principal->session_arn, &view.principal->arn}) {
      if (arn->empty()) continue;
      auto it = by_principal.find(*arn);
      if (it != by_principal.end()) return entries[it->second];
    }
    return base;
  }
};

// ---- Per-thread state ----------------------------------------------------------

struct LineRef {
  uint64_t offset;
  uint32_t size;
};

struct LogInfo {
  bool denied = false;
  std::string_view reason, response;
  bool port_inferred = false;
};

// L3 by request class (caller, source VPC, method) -> requests, disagreements
// and unknowable keys; at most kMaxUncertainClasses, the rest in `other`.
using ClassKey = std::tuple<std::string, std::string, std::string>;
struct UncertainClasses {
  std::map<ClassKey, ReplayUncertainClass> by_class;
  uint64_t other = 0;

  // The entry of class `key` (created empty), or nullptr when the table is
  // full and `key` is not in it (the caller counts the request in `other`).
  ReplayUncertainClass* Find(const ClassKey& key) {
    auto it = by_class.find(key);
    if (it != by_class.end()) return &it->second;
    if (by_class.size() >= kMaxUncertainClasses) return nullptr;
    ReplayUncertainClass& c = by_class[key];
    std::tie(c.caller, c.source_vpc, c.method) = key;
    return &c;
  }
  // Adds another table's entry (merging workers' and partial reports).
  void Add(const ReplayUncertainClass& from) {
    ReplayUncertainClass* c = Find(ClassKey(from.caller, from.source_vpc, from.method));
    if (c == nullptr) {
      other += from.requests;
      return;
    }
    c->requests += from.requests;
    c->disagree += from.disagree;
    for (const auto& [k, n] : from.keys) c->keys[k] += n;
  }
  // Most requests first, then by class.
  std::vector<ReplayUncertainClass> Sorted() const {
    std::vector<ReplayUncertainClass> out;
    for (const auto& [key, c] : by_class) out.push_back(c);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.requests > b.requests;
    });
    return out;
  }
};

struct Agg {
  uint64_t blank = 0, malformed = 0, requests = 0, canonical = 0, access_log = 0, fallback = 0;
  std::vector<ReplayLineError> errors;
  std::array<uint64_t, 3> totals{};
  std::array<uint64_t, 4> by_layer{};
  std::vector<uint64_t> hits;
  uint64_t flagged = 0, checked = 0, uncertain_checked = 0;
  std::array<uint64_t, 64> ids{};
  uint64_t log_compared = 0, log_agree = 0, log_a2d = 0, log_d2a = 0, log_uncertain = 0,
           log_uncertain_disagree = 0, port_inferred = 0;
  std::vector<ReplaySample> log_samples;
  UncertainClasses classes;
  std::array<uint64_t, 3> shadow_totals{};
  uint64_t sh_a2d = 0, sh_d2a = 0, sh_kind_changed = 0;
  std::vector<ReplaySample> sh_a2d_samples, sh_d2a_samples;
  uint64_t min_error_line = UINT64_MAX;
};

class Worker {
 public:
  Worker(const FastChain& chain, const ReplayOptions& options)
      : chain_(chain), options_(options) {
    agg.hits.assign(std::max<size_t>(1, chain.layers.network_statements +
                        (chain.chain.service_policy ? chain.chain.service_policy->statements.size() : 0)),
                    0);  // at least one: RunChainStep's contract
  }

  void Line(std::string_view line, size_t capacity, uint64_t line_no, int* checks_left);

  Agg agg;

 private:
  enum class Parsed { kCanonical, kLog, kFallback, kError };
  Parsed FastCanonical(dom::element doc, RequestView* view);
  bool PairsInto(dom::element v, std::vector<StringViewPair>* out, bool allow_object);
  bool PrincipalInto(dom::element v);
  Parsed AccessLog(dom::element doc, RequestView* view, LogInfo* info, std::string* error);
  void Error(uint64_t line_no, int column, std::string message);
  void Evaluate(const RequestView& view, uint64_t line_no, const LogInfo* log, int* checks_left);
  ReplaySample Sample(const RequestView& view, uint64_t line_no, DecisionKind kind,
                      Layer layer, const LogInfo* log);

  const FastChain& chain_;
  const ReplayOptions& options_;
  dom::parser parser_;
  internal::ScannedRequest scan_;  // the canonical-shape scanner's buffers
  std::vector<StringViewPair> query_, headers_, tags_;
  Principal principal_;
  std::string scratch_;
  // L2/L3 uncertainty of a record: the index of its set of unknowable keys
  // in keysets_, or -1 when its verdict is certain.
  int LogUncertainty(const RequestView& view, const internal::ChainStep& step, bool is_signed);
  absl::flat_hash_map<uint64_t, int> l3_cache_;  // LogKey -> LogUncertainty
  std::vector<std::vector<std::string>> keysets_;
  std::map<std::vector<std::string>, int> keyset_ids_;
  Request owned_;
};

// Records a line's outcome in ReplayOptions::line_decisions, if requested
// (sized by Replay for the current batch before the workers start).
inline void MarkLine(const ReplayOptions& options, uint64_t line_no, uint8_t mark) {
  if (options.line_decisions != nullptr) {
    (*options.line_decisions)[line_no - options.first_line - 1] = mark;
  }
}

void Worker::Error(uint64_t line_no, int column, std::string message) {
  MarkLine(options_, line_no, kReplayMalformedLine);
  ++agg.malformed;
  agg.min_error_line = std::min(agg.min_error_line, line_no);
  if (static_cast<int>(agg.errors.size()) < options_.max_errors) {
    agg.errors.push_back(ReplayLineError{line_no, column, std::move(message), {}});
  }
}

bool Worker::PairsInto(dom::element v, std::vector<StringViewPair>* out, bool allow_object) {
  if (v.is_array()) {
    for (dom::element el : dom::array(v)) {
      dom::array pair;
      if (el.get_array().get(pair) || pair.size() != 2) return false;
      std::string_view name, value;
      if (pair.at(0).get_string().get(name) || pair.at(1).get_string().get(value)) return false;
      out->emplace_back(name, value);
    }
    return true;
  }
  if (v.is_object() && allow_object) {
    const size_t first = out->size();
    for (dom::key_value_pair field : dom::object(v)) {
      std::string_view value;
      if (field.value.get_string().get(value)) return false;
      // A repeated key is an error for ParseRequestJson (duplicate-key): it
      // reports it. Large objects go to it as well (the check is quadratic).
      if (out->size() - first >= 64) return false;
      for (size_t i = first; i < out->size(); ++i) {
        if ((*out)[i].first == field.key) return false;
      }
      out->emplace_back(field.key, value);
    }
    return true;
  }
  return false;
}

bool Worker::PrincipalInto(dom::element v) {
  dom::object obj;
  if (v.get_object().get(obj)) return false;
  Principal& p = principal_;
  p.Clear();
  uint32_t seen = 0;
  for (dom::key_value_pair field : obj) {
    std::string_view key = field.key, s;
    int id = key == "arn" ? 0 : key == "account" ? 1 : key == "type" ? 2 : key == "orgId" ? 3
           : key == "orgPaths" ? 4 : key == "tags" ? 5 : key == "sessionArn" ? 6 : -1;
    if (id < 0 || (seen & (1u << id))) return false;
    seen |= 1u << id;
    dom::element value = field.value;
    if (id == 4) {
      dom::array arr;
      if (value.get_array().get(arr)) return false;
      for (dom::element el : arr) {
        if (el.get_string().get(s)) return false;
        p.org_paths.emplace_back(s);
      }
      continue;
    }
    if (id == 5) {
      tags_.clear();
      if (!PairsInto(value, &tags_, true)) return false;
      for (const StringViewPair& t : tags_) p.tags.emplace_back(t.first, t.second);
      continue;
    }
    if (value.get_string().get(s)) return false;
    std::string* dest[] = {&p.arn, &p.account, &p.type, &p.org_id, nullptr, nullptr, &p.session_arn};
    dest[id]->assign(s.data(), s.size());
  }
  // ARN inference (type, account, sts session) is ParseRequestJson's job.
  if (!p.arn.empty() && (!(seen & 2) || !(seen & 4) ||
                         p.arn.find(":assumed-role/") != std::string::npos)) {
    return false;
  }
  return true;
}

Worker::Parsed Worker::FastCanonical(dom::element doc, RequestView* view) {
  dom::object obj;
  if (doc.get_object().get(obj)) return Parsed::kFallback;
  *view = RequestView();
  query_.clear();
  headers_.clear();
  tags_.clear();
  uint32_t seen = 0;
  for (dom::key_value_pair field : obj) {
    std::string_view key = field.key;
    const int id = TopFieldId(key);
    if (id < 0) return IsAccessLogField(key) ? Parsed::kLog : Parsed::kFallback;
    if (seen & (1u << id)) return Parsed::kFallback;
    seen |= 1u << id;
    dom::element v = field.value;
    std::string_view s;
    switch (id) {
      case kAction:
        if (v.get_string().get(s)) return Parsed::kFallback;
        view->action = s;
        break;
      case kMethod:
        if (v.get_string().get(s) || s.empty()) return Parsed::kFallback;
        view->method = s;
        break;
      case kPath:
        if (v.get_string().get(s)) return Parsed::kFallback;
        view->path = s;
        break;
      case kQuery:
        if (v.is_string()) {
          s = v.get_string().value_unsafe();
          if (static_cast<size_t>(std::count(s.begin(), s.end(), '&')) >= 100000) {
            return Parsed::kFallback;
          }
          view->query_is_raw = true;
          view->raw_query = s;
        } else {
          if (!PairsInto(v, &query_, true) || query_.size() > 100000) return Parsed::kFallback;
          view->query = ParamList(query_.data(), query_.size());
        }
        break;
      case kHeaders: {
        if (!PairsInto(v, &headers_, true) || headers_.size() > 64) return Parsed::kFallback;
        // Only headers that need no normalisation (H1-H3) stay on the fast path.
        for (size_t i = 0; i < headers_.size(); ++i) {
          std::string_view name = headers_[i].first, value = headers_[i].second;
          if (name.empty()) return Parsed::kFallback;
          for (char c : name) {
            if (c >= 'A' && c <= 'Z') return Parsed::kFallback;
          }
          if (!value.empty() && (IsHeaderSpace(value.front()) || IsHeaderSpace(value.back()))) {
            return Parsed::kFallback;
          }
          for (size_t j = 0; j < i; ++j) {
            if (headers_[j].first == name) return Parsed::kFallback;
          }
        }
        view->headers = ParamList(headers_.data(), headers_.size());
        break;
      }
      case kSourceVpc:
      case kSourceVpcOwnerAccount:
      case kServiceArn:
      case kServiceNetworkArn: {
        if (v.get_string().get(s)) return Parsed::kFallback;
        OptionalText t{s, true};
        if (id == kSourceVpc) view->source_vpc = t;
        else if (id == kSourceVpcOwnerAccount) view->source_vpc_owner_account = t;
        else if (id == kServiceArn) view->service_arn = t;
        else view->service_network_arn = t;
        break;
      }
      case kPort: {
        int64_t port = 0;
        if (!v.is_int64() || v.get_int64().get(port) || port < 1 || port > 65535) {
          return Parsed::kFallback;
        }
        view->port = static_cast<int32_t>(port);
        break;
      }
      case kPrincipal:
        if (v.is_null()) {
          view->principal = nullptr;
        } else {
          if (!PrincipalInto(v)) return Parsed::kFallback;
          view->principal = &principal_;
        }
        break;
      case kResourceTags:
        tags_.clear();
        if (!PairsInto(v, &tags_, true)) return Parsed::kFallback;
        view->resource_tags = ParamList(tags_.data(), tags_.size());
        break;
      case kSourceIp: {
        if (v.get_string().get(s)) return Parsed::kFallback;
        internal::IpNet ip;
        if (!internal::ParseIp(s, &ip)) return Parsed::kFallback;
        view->source_ip = OptionalText{s, true};
        break;
      }
      case kTime: {
        if (v.get_string().get(s)) return Parsed::kFallback;
        int64_t millis = 0;
        if (!internal::ParseDate(s, &millis)) return Parsed::kFallback;
        view->time = OptionalText{s, true};
        break;
      }
      default:
        return Parsed::kFallback;
    }
  }
  return Parsed::kCanonical;
}

// L2: callerPrincipal -> principal.
void MapCallerPrincipal(std::string_view arn, Principal* p) {
  p->arn.assign(arn.data(), arn.size());
  p->account.clear();
  p->type.clear();
  p->session_arn.clear();
  std::array<std::string_view, 6> f;
  if (!internal::SplitArn(arn, &f)) return;
  p->account.assign(f[4].data(), f[4].size());
  std::string_view resource = f[5];
  auto starts = [&](std::string_view prefix) { return resource.substr(0, prefix.size()) == prefix; };
  if (starts("assumed-role/")) {
    std::string_view rest = resource.substr(13);
    std::string_view role = rest.substr(0, rest.find('/'));
    p->type = "AssumedRole";
    p->session_arn.assign(arn.data(), arn.size());
    p->arn = internal::StrCat("arn:", f[1], ":iam::", f[4], ":role/", role);
  } else if (starts("role/")) {
    p->type = "AssumedRole";
  } else if (starts("user/")) {
    p->type = "User";
  } else if (resource == "root") {
    p->type = "Account";
  } else if (starts("federated-user/")) {
    p->type = "FederatedUser";
  }
}

Worker::Parsed Worker::AccessLog(dom::element doc, RequestView* view, LogInfo* info,
                                 std::string* error) {
  dom::object obj;
  if (doc.get_object().get(obj)) {
    *error = "an access-log record must be a json object";
    return Parsed::kError;
  }
  *view = RequestView();
  headers_.clear();
  *info = LogInfo();
  std::string_view method, path, host, agent, caller, org, vpc_arn, vpc_id, tls, start, ip_port;
  bool has_method = false, has_path = false;
  for (dom::key_value_pair field : obj) {
    std::string_view key = field.key;
    dom::element v = field.value;
    std::string_view s;
    if (key == "responseCode") {
      int64_t code = 0;
      if (v.is_int64() && !v.get_int64().get(code)) {
        scratch_ = std::to_string(code);
        info->response = scratch_;
      } else if (v.is_string()) {
        info->response = v.get_string().value_unsafe();
      }
      continue;
    }
    std::string_view* dest = nullptr;
    if (key == "requestMethod") dest = &method, has_method = true;
    else if (key == "requestPath") dest = &path, has_path = true;
    else if (key == "hostHeader") dest = &host;
    else if (key == "userAgent") dest = &agent;
    else if (key == "callerPrincipal") dest = &caller;
    else if (key == "callerPrincipalOrgID") dest = &org;
    else if (key == "sourceVpcArn") dest = &vpc_arn;
    else if (key == "sourceVpcId") dest = &vpc_id;
    else if (key == "tlsVersion") dest = &tls;
    else if (key == "startTime") dest = &start;
    else if (key == "sourceIpPort") dest = &ip_port;
    else if (key == "authDeniedReason") dest = &info->reason;
    else if (key == "serviceArn" || key == "serviceNetworkArn") {
      if (v.is_null()) continue;
      if (v.get_string().get(s)) {
        *error = internal::StrCat(internal::QuoteForMessage(key), " must be a string");
        return Parsed::kError;
      }
      if (s != "-") {
        (key == "serviceArn" ? view->service_arn : view->service_network_arn) = OptionalText{s, true};
      }
      continue;
    }
    if (dest == nullptr || v.is_null()) continue;
    if (v.get_string().get(s)) {
      *error = internal::StrCat(internal::QuoteForMessage(key), " must be a string");
      return Parsed::kError;
    }
    *dest = s == "-" ? std::string_view() : s;
  }
  if (!has_method || method.empty()) {
    *error = "access-log record has no `requestMethod`";
    return Parsed::kError;
  }
  if (!has_path || path.empty()) {
    *error = "access-log record has no `requestPath`";
    return Parsed::kError;
  }
  view->method = method;
  // Logs carry no query string; a `?` in the path would be one.
  view->path = path.substr(0, path.find('?'));
  if (!host.empty()) headers_.emplace_back("host", host);
  if (!agent.empty()) headers_.emplace_back("user-agent", agent);
  view->headers = ParamList(headers_.data(), headers_.size());
  std::array<std::string_view, 6> f;
  if (!vpc_arn.empty() && internal::SplitArn(vpc_arn, &f)) {
    view->source_vpc_owner_account = OptionalText{f[4], true};
    std::string_view res = f[5];
    if (res.substr(0, 4) == "vpc/") view->source_vpc = OptionalText{res.substr(4), true};
  }
  if (!view->source_vpc.present && !vpc_id.empty()) view->source_vpc = OptionalText{vpc_id, true};
  if (!caller.empty()) {
    MapCallerPrincipal(caller, &principal_);
    principal_.org_id.assign(org.data(), org.size());
    principal_.org_paths.clear();
    principal_.tags.clear();
    view->principal = &principal_;
  }
  int32_t port = -1;
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) {
    std::string_view digits = host.substr(colon + 1);
    int32_t p = 0;
    bool ok = !digits.empty() && digits.size() <= 5;
    for (char c : digits) {
      ok &= c >= '0' && c <= '9';
      p = p * 10 + (c - '0');
    }
    if (ok && p >= 1 && p <= 65535) port = p;
  }
  if (port < 0) {
    port = tls.empty() ? 80 : 443;
    info->port_inferred = true;
  }
  view->port = port;
  int64_t millis = 0;
  if (!start.empty() && internal::ParseDate(start, &millis)) view->time = OptionalText{start, true};
  const std::string_view ip = LoggedSourceIp(ip_port);
  if (!ip.empty()) view->source_ip = OptionalText{ip, true};
  info->denied = !info->reason.empty();
  return Parsed::kLog;
}

ReplaySample Worker::Sample(const RequestView& view, uint64_t line_no, DecisionKind kind,
                            Layer layer, const LogInfo* log) {
  ReplaySample s;
  s.line = line_no;
  s.decision = kind;
  s.layer = layer;
  if (log != nullptr) {
    s.logged = true;
    s.logged_denied = log->denied;
    s.logged_reason = std::string(log->reason);
    s.logged_response = std::string(log->response);
  }
  s.request_json = RequestToJson(view);
  return s;
}

void Worker::Evaluate(const RequestView& view, uint64_t line_no, const LogInfo* log,
                      int* checks_left) {
  const FastChain& c = chain_;
  const bool is_signed = view.principal != nullptr;
  const IdentityEntry& entry = c.Entry(view);
  // Layers, composition, statement hits and the candidate.
  const internal::ChainStep step = internal::RunChainStep(
      c.layers, is_signed ? entry.identity.get() : nullptr, entry.table[is_signed], view,
      agg.hits.data());
  const internal::ComposedDecision& r = *step.result;
  const DecisionIdMask maybe = step.maybe;
  ++agg.requests;
  ++agg.totals[static_cast<int>(r.kind)];
  MarkLine(options_, line_no, static_cast<uint8_t>(r.kind));
  ++agg.by_layer[static_cast<int>(r.layer)];
  if (maybe != 0) {
    ++agg.flagged;
    if (*checks_left > 0) {
      --*checks_left;
      ++agg.checked;
      ChainEvaluation ref = AuthorizeReference(entry.chain, view);
      if (ref.result.uncertain != 0) {
        ++agg.uncertain_checked;
        for (DecisionIdMask bits = ref.result.uncertain; bits != 0; bits &= bits - 1) {
          ++agg.ids[__builtin_ctzll(bits)];
        }
      }
    }
  }
  if (log != nullptr) {
    ++agg.log_compared;
    if (log->port_inferred) ++agg.port_inferred;
    const int keyset = c.log_unknowables ? LogUncertainty(view, step, is_signed) : -1;
    const bool uncertain = keyset >= 0;
    const bool now_allowed = r.kind == DecisionKind::kAllow;
    const bool agree = now_allowed == !log->denied;
    if (uncertain) {
      ++agg.log_uncertain;
      if (!agree) ++agg.log_uncertain_disagree;
      ReplayUncertainClass* cls = agg.classes.Find(ClassKey(
          view.principal != nullptr ? view.principal->arn : std::string("anonymous"),
          std::string(view.source_vpc.present ? view.source_vpc.value : std::string_view()),
          std::string(view.method)));
      if (cls == nullptr) {
        ++agg.classes.other;
      } else {
        ++cls->requests;
        if (!agree) ++cls->disagree;
        for (const std::string& k : keysets_[keyset]) ++cls->keys[k];
      }
    } else if (agree) {
      ++agg.log_agree;
    } else {
      if (now_allowed) {
        ++agg.log_d2a;
      } else {
        ++agg.log_a2d;
      }
      if (agg.log_samples.size() < static_cast<size_t>(options_.max_samples)) {
        agg.log_samples.push_back(Sample(view, line_no, r.kind, r.layer, log));
      }
    }
  }
  if (c.layers.shadow != nullptr) {
    ++agg.shadow_totals[static_cast<int>(step.shadow_kind)];
    const internal::ShadowChange change = step.change;
    if (change == internal::ShadowChange::kDenyKindChanged) ++agg.sh_kind_changed;
    if (change == internal::ShadowChange::kAllowedToDenied ||
        change == internal::ShadowChange::kDeniedToAllowed) {
      const bool was = change == internal::ShadowChange::kAllowedToDenied;
      uint64_t& n = was ? agg.sh_a2d : agg.sh_d2a;
      std::vector<ReplaySample>& samples = was ? agg.sh_a2d_samples : agg.sh_d2a_samples;
      if (++n <= static_cast<uint64_t>(options_.max_samples)) {
        ReplaySample s = Sample(view, line_no, r.kind, r.layer, log);
        s.shadow_decision = step.shadow_kind;
        samples.push_back(std::move(s));
      }
    }
  }
}

int Worker::LogUncertainty(const RequestView& view, const internal::ChainStep& step,
                           bool is_signed) {
  const FastChain& c = chain_;
  const uint64_t key = LogKey(view, c.log_uses_time);
  if (auto cached = l3_cache_.find(key); cached != l3_cache_.end()) return cached->second;
  internal::LogRecordFacts facts;
  facts.assumed_role = view.principal != nullptr && view.principal->type == "AssumedRole";
  facts.source_ip = view.source_ip.present;
  facts.anonymous = view.principal == nullptr;
  bool any_uncertain = false, some_layer_denies = false;
  std::vector<std::string> keys;
  auto layer = [&](const PolicyDocument* doc, bool evaluated, DecisionKind kind) {
    if (!evaluated) return;
    if (doc == nullptr || !PolicyHasUnknowables(doc)) {
      some_layer_denies |= kind != DecisionKind::kAllow;
      return;
    }
    LayerCertainty lc = AnalyzeLayer(*doc, view, facts);
    any_uncertain |= !lc.certain;
    some_layer_denies |= lc.certainly_denies;
    keys.insert(keys.end(), lc.unknown_keys.begin(), lc.unknown_keys.end());
  };
  layer(c.chain.network_policy, c.layers.eval_network, step.network);
  layer(c.chain.service_policy, c.layers.eval_service, step.service);
  const IdentityEntry& entry = c.Entry(view);
  layer(entry.chain.identity_policy, is_signed && entry.identity != nullptr, step.identity);
  // An identity decision (not a policy) that denies a signed caller is as
  // certain as the input: the chain denies whatever the other layers do.
  if (is_signed && entry.identity == nullptr) {
    const DecisionKind allow = DecisionKind::kAllow;
    some_layer_denies |= entry.table[1].Get(allow, allow, allow).kind != allow;
  }
  int id = -1;
  if (any_uncertain && !some_layer_denies) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    auto [it, added] = keyset_ids_.emplace(std::move(keys), static_cast<int>(keysets_.size()));
    if (added) keysets_.push_back(it->first);
    id = it->second;
  }
  if (l3_cache_.size() >= (size_t{1} << 16)) l3_cache_.clear();
  l3_cache_.emplace(key, id);
  return id;
}

void Worker::Line(std::string_view line, size_t capacity, uint64_t line_no, int* checks_left) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
  if (lead == line.size()) {
    MarkLine(options_, line_no, kReplayBlankLine);
    ++agg.blank;
    return;
  }
  // Lines in the compact canonical shape skip the tree (request_scan.h);
  // anything else takes the paths below unchanged.
  if (options_.format != ReplayFormat::kAccessLog &&
      internal::ScanCanonicalRequest(line.substr(lead), capacity - lead, &scan_)) {
    ++agg.canonical;
    Evaluate(scan_.view, line_no, nullptr, checks_left);
    return;
  }
  RequestView view;
  LogInfo info;
  Parsed parsed = Parsed::kFallback;
  dom::element doc;
  // The buffer holds at least SIMDJSON_PADDING readable bytes after the line.
  const bool fast_ok = line.size() <= (size_t{1} << 20) &&
                       !parser_.parse(line.data(), line.size(), false).get(doc);
  if (fast_ok) {
    if (options_.format == ReplayFormat::kAccessLog) {
      parsed = Parsed::kLog;
    } else {
      parsed = FastCanonical(doc, &view);
      if (parsed == Parsed::kFallback && options_.format == ReplayFormat::kAuto &&
          doc.is_object()) {
        for (dom::key_value_pair field : dom::object(doc)) {
          if (IsAccessLogField(field.key)) {
            parsed = Parsed::kLog;
            break;
          }
        }
      }
      if (parsed == Parsed::kLog && options_.format == ReplayFormat::kJsonl) {
        parsed = Parsed::kFallback;  // let ParseRequestJson name the unknown field
      }
    }
    if (parsed == Parsed::kLog) {
      std::string error;
      if (AccessLog(doc, &view, &info, &error) != Parsed::kLog) {
        // Describe syntax errors precisely (the reader reports line:column).
        RequestParseResult r = ParseRequestJson(line);
        for (const Issue& issue : r.issues) {
          if (issue.code == "json-syntax") {
            Error(line_no, issue.location.column, issue.message);
            return;
          }
        }
        Error(line_no, 0, error);
        return;
      }
      ++agg.access_log;
      Evaluate(view, line_no, &info, checks_left);
      return;
    }
    if (parsed == Parsed::kCanonical) {
      ++agg.canonical;
      Evaluate(view, line_no, nullptr, checks_left);
      return;
    }
  }
  // The authority: ParseRequestJson accepts it or says precisely why not.
  RequestParseResult r = ParseRequestJson(line);
  if (!r.ok()) {
    for (const Issue& issue : r.issues) {
      if (issue.severity != Severity::kError) continue;
      std::string message;
      if (!issue.location.json_pointer.empty()) {
        // The pointer holds the line's own keys: escaped like any user input.
        message = internal::StrCat(internal::EscapeForMessage(issue.location.json_pointer), ": ");
      }
      absl::StrAppend(&message, issue.message);
      if (!issue.code.empty()) absl::StrAppend(&message, " [", issue.code, "]");
      Error(line_no, issue.location.column, std::move(message));
      return;
    }
  }
  owned_ = std::move(r.request);
  ++agg.fallback;
  ++agg.canonical;
  Evaluate(owned_.view(), line_no, nullptr, checks_left);
}

template <typename T>
void KeepLowest(std::vector<T>* v, size_t max) {
  std::sort(v->begin(), v->end(), [](const T& a, const T& b) { return a.line < b.line; });
  if (v->size() > max) v->resize(max);
}

}  // namespace

namespace {

// Compiles the chain and the candidate once and prepares the composition
// tables and the access-log uncertainty flags.
// Policies Replay compiled (ReplayCompileCount).
std::atomic<uint64_t> g_replay_compiles{0};

absl::Status PrepareEntry(const ChainPolicies& chain, const CallerIdentityInput* input,
                          const internal::CompiledLayers& layers,
                          const std::shared_ptr<const CompiledPolicy>& precompiled,
                          IdentityEntry* out) {
  out->chain = chain;
  out->identity = precompiled;
  if (input != nullptr) {
    out->chain.identity_policy = input->policy.get();
    out->chain.config.identity_decision = input->decision;
    out->identity = input->compiled;
  }
  if (out->chain.identity_policy != nullptr && out->identity == nullptr) {
    auto identity = internal::CompileLayer(*out->chain.identity_policy, "identity");
    g_replay_compiles.fetch_add(1, std::memory_order_relaxed);
    if (!identity.ok()) return identity.status();
    out->identity = *identity;
  }
  const bool any_iam = chain.config.network_auth_type == AuthType::kAwsIam ||
                       chain.config.service_auth_type == AuthType::kAwsIam;
  if (!any_iam || out->chain.identity_policy == nullptr) out->identity = nullptr;
  for (int is_signed = 0; is_signed < 2; ++is_signed) {
    out->table[is_signed] = internal::ComposeTable(
        out->chain.config, is_signed != 0, layers.network != nullptr, layers.service != nullptr,
        out->identity != nullptr);
  }
  return absl::OkStatus();
}

absl::Status PrepareChain(const ChainPolicies& chain, const ReplayOptions& options,
                          FastChain* out) {
  FastChain& fc = *out;
  fc.chain = chain;
  std::shared_ptr<const CompiledPolicy> identity;
  if (options.precompiled != nullptr) {
    // Layers the caller compiled before: CompileLayers keeps filled slots.
    fc.layers.network = chain.network_policy ? options.precompiled->network : nullptr;
    fc.layers.service = chain.service_policy ? options.precompiled->service : nullptr;
    fc.layers.shadow = options.shadow_service_policy ? options.precompiled->shadow : nullptr;
    if (chain.identity_policy != nullptr) identity = options.precompiled->identity;
  }
  const int given = (fc.layers.network != nullptr) + (fc.layers.service != nullptr) +
                    (fc.layers.shadow != nullptr);
  absl::Status st = internal::CompileLayers(chain, options.shadow_service_policy, &fc.layers);
  if (!st.ok()) return st;
  g_replay_compiles.fetch_add((fc.layers.network != nullptr) + (fc.layers.service != nullptr) +
                                  (fc.layers.shadow != nullptr) - given,
                              std::memory_order_relaxed);
  const ReplayIdentities* ids = options.identities;
  const CallerIdentityInput* fallback =
      ids != nullptr && ids->default_input ? &*ids->default_input : nullptr;
  st = PrepareEntry(chain, fallback, fc.layers, identity, &fc.base);
  if (ids != nullptr) {
    for (const auto& [principal, input] : ids->callers) {
      if (!st.ok()) break;
      fc.by_principal.emplace(principal, static_cast<int>(fc.entries.size()));
      fc.entries.emplace_back();
      st = PrepareEntry(chain, &input, fc.layers, nullptr, &fc.entries.back());
    }
  }
  if (!st.ok()) return st;
  auto any_policy = [&](bool (*test)(const PolicyDocument*)) {
    bool any = test(chain.network_policy) || test(chain.service_policy) ||
               test(fc.base.chain.identity_policy);
    for (const IdentityEntry& e : fc.entries) any = any || test(e.chain.identity_policy);
    return any;
  };
  fc.log_uses_time = any_policy(&PolicyUsesTime);
  fc.log_unknowables = any_policy(&PolicyHasUnknowables);
  return absl::OkStatus();
}

// Merges the workers' aggregates (and the reader's own errors) into `report`.
void MergeAggregates(const std::vector<Agg*>& aggs, const FastChain& fc,
                     const ReplayOptions& options, ReplayReport* out) {
  ReplayReport& report = *out;
  const ChainPolicies& chain = fc.chain;
  std::array<uint64_t, 64> ids{};
  std::vector<uint64_t> hits(aggs.back()->hits.size(), 0);
  UncertainClasses classes;
  for (Agg* a : aggs) {
    report.blank += a->blank;
    report.malformed += a->malformed;
    report.requests += a->requests;
    report.canonical += a->canonical;
    report.access_log += a->access_log;
    report.fallback += a->fallback;
    for (ReplayLineError& e : a->errors) report.errors.push_back(std::move(e));
    for (int k = 0; k < 3; ++k) report.totals[k] += a->totals[k];
    for (int k = 0; k < 4; ++k) report.by_layer[k] += a->by_layer[k];
    for (size_t i = 0; i < a->hits.size() && i < hits.size(); ++i) hits[i] += a->hits[i];
    report.flagged += a->flagged;
    report.checked += a->checked;
    report.uncertain_checked += a->uncertain_checked;
    for (int k = 0; k < 64; ++k) ids[k] += a->ids[k];
    report.log_compared += a->log_compared;
    report.log_agree += a->log_agree;
    report.log_allowed_now_denied += a->log_a2d;
    report.log_denied_now_allowed += a->log_d2a;
    report.log_uncertain += a->log_uncertain;
    report.log_uncertain_disagree += a->log_uncertain_disagree;
    report.port_inferred += a->port_inferred;
    for (ReplaySample& s : a->log_samples) report.log_disagreement_samples.push_back(std::move(s));
    for (const auto& [key, c] : a->classes.by_class) classes.Add(c);
    classes.other += a->classes.other;
    for (int k = 0; k < 3; ++k) report.shadow_totals[k] += a->shadow_totals[k];
    report.shadow_allowed_to_denied += a->sh_a2d;
    report.shadow_denied_to_allowed += a->sh_d2a;
    report.shadow_deny_kind_changed += a->sh_kind_changed;
    for (ReplaySample& s : a->sh_a2d_samples) report.shadow_allowed_to_denied_samples.push_back(std::move(s));
    for (ReplaySample& s : a->sh_d2a_samples) report.shadow_denied_to_allowed_samples.push_back(std::move(s));
  }
  report.log_uncertain_classes = classes.Sorted();
  report.log_uncertain_other = classes.other;
  KeepLowest(&report.errors, static_cast<size_t>(options.max_errors));
  const size_t max_samples = static_cast<size_t>(std::max(0, options.max_samples));
  KeepLowest(&report.log_disagreement_samples, max_samples);
  KeepLowest(&report.shadow_allowed_to_denied_samples, max_samples);
  KeepLowest(&report.shadow_denied_to_allowed_samples, max_samples);
  auto add_hits = [&](const PolicyDocument* doc, const char* layer, size_t offset) {
    if (doc == nullptr) return;
    for (size_t i = 0; i < doc->statements.size(); ++i) {
      const Statement& s = doc->statements[i];
      report.statement_hits.emplace_back(
          absl::StrCat(layer, " #", s.index, s.sid.empty() ? "" : " ", s.sid),
          offset + i < hits.size() ? hits[offset + i] : 0);
    }
  };
  add_hits(chain.network_policy, "network", 0);
  add_hits(chain.service_policy, "service", fc.layers.network_statements);
  for (int k = 0; k < static_cast<int>(DecisionId::kCount); ++k) {
    if (ids[k] != 0) report.by_id[std::string(DecisionIdName(static_cast<DecisionId>(k)))] += ids[k];
  }
}

// Evaluates one block's lines in parallel. Work units follow the global
// groups of kReplayGroupLines lines, so each group's reference-check budget
// is spent on the same lines whatever the block size or thread count (a
// group cut by a block boundary carries its budget over).
class Dispatcher {
 public:
  Dispatcher(std::vector<std::unique_ptr<Worker>>* workers, int threads)
      : workers_(workers), threads_(threads) {}

  // `lines` index into `buffer` (`size` bytes readable from its start);
  // `line_base` lines came before this block.
  void Run(const std::vector<LineRef>& lines, const char* buffer, size_t size,
           uint64_t line_base) {
    units_.clear();
    for (size_t begin = 0; begin < lines.size();) {
      const uint64_t global = line_base + begin;
      const size_t end = std::min<size_t>(
          lines.size(), begin + (kReplayGroupLines - global % kReplayGroupLines));
      const uint64_t group = global / kReplayGroupLines;
      units_.push_back(
          Unit{begin, end, group == carry_group_ ? carry_left_ : kUncertainChecksPerChunk});
      begin = end;
    }
    const uint64_t groups = units_.size();
    std::atomic<uint64_t> next{0};
    auto work = [&](Worker* w) {
      while (true) {
        const uint64_t g = next.fetch_add(1, std::memory_order_relaxed);
        if (g >= groups) break;
        Unit& unit = units_[g];
        for (size_t i = unit.begin; i < unit.end; ++i) {
          const LineRef& l = lines[i];
          w->Line(std::string_view(buffer + l.offset, l.size), size - l.offset,
                  line_base + i + 1, &unit.checks_left);
        }
      }
    };
    const int used = static_cast<int>(std::min<uint64_t>(threads_, std::max<uint64_t>(groups, 1)));
    std::vector<std::thread> pool;
    for (int t = 1; t < used; ++t) pool.emplace_back(work, (*workers_)[t].get());
    work((*workers_)[0].get());
    for (std::thread& t : pool) t.join();
    if (!units_.empty()) {
      carry_group_ = (line_base + units_.back().begin) / kReplayGroupLines;
      carry_left_ = units_.back().checks_left;
    }
  }

 private:
  struct Unit {
    size_t begin, end;
    int checks_left;
  };
  std::vector<std::unique_ptr<Worker>>* workers_;
  int threads_;
  std::vector<Unit> units_;
  uint64_t carry_group_ = UINT64_MAX;
  int carry_left_ = 0;
};

// Cuts the input into batches of whole lines: about `batch` bytes each,
// more while no newline has been seen, up to the line limit. A line longer
// than the limit is dropped (read through to its newline) and reported once.
class LineBatcher {
 public:
  enum class Step { kLines, kOverLong, kEnd };

  LineBatcher(const ReplayReader& reader, size_t batch, size_t max_line_bytes)
      : reader_(reader),
        batch_(batch),
        capacity_(batch + max_line_bytes),
        buffer_(new char[capacity_ + simdjson::SIMDJSON_PADDING]) {
    std::memset(buffer_.get() + capacity_, 0, simdjson::SIMDJSON_PADDING);
  }

  // The next step. On kLines, [data(), data() + cut()) holds whole lines (at
  // the end of the input the last one may lack its newline); call Consume()
  // when done with them. `bytes` counts what was read.
  absl::StatusOr<Step> Next(uint64_t* bytes) {
    while (!(eof_ && filled_ == 0)) {
      if (absl::Status st = FillBatch(bytes); !st.ok()) return st;
      if (skipping_) continue;
      cut_ = filled_;
      if (eof_) return Step::kLines;
      size_t last = LastNewline();
      if (last == 0) {
        // No newline in this batch: read on, up to the line limit.
        if (absl::Status st = FillToNewline(bytes); !st.ok()) return st;
        last = LastNewline();
        if (last == 0 && !eof_) {
          filled_ = 0;
          skipping_ = true;
          return Step::kOverLong;
        }
        if (last == 0) last = filled_;
      }
      cut_ = last;
      return Step::kLines;
    }
    return Step::kEnd;
  }

  const char* data() const { return buffer_.get(); }
  size_t cut() const { return cut_; }
  // Bytes readable from data() (the padding the JSON parser needs included).
  size_t readable() const { return capacity_ + simdjson::SIMDJSON_PADDING; }

  // Drops the lines of the last kLines step, keeping what follows them.
  void Consume() {
    if (cut_ < filled_) {
      std::memmove(buffer_.get(), buffer_.get() + cut_, filled_ - cut_);
      filled_ -= cut_;
    } else {
      filled_ = 0;
    }
    cut_ = 0;
  }

 private:
  // One read into [filled_, limit); 0 at the end of the input.
  absl::StatusOr<size_t> ReadSome(size_t limit, uint64_t* bytes) {
    const int64_t n = reader_(buffer_.get() + filled_, limit - filled_);
    if (n < 0) return absl::DataLossError("cannot read the replay input");
    if (n == 0) eof_ = true;
    *bytes += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }

  // Fills up to `batch_` bytes; while skipping an over-long line, drops what
  // precedes its newline.
  absl::Status FillBatch(uint64_t* bytes) {
    while (!eof_ && filled_ < batch_) {
      absl::StatusOr<size_t> n = ReadSome(batch_, bytes);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      if (skipping_) {
        char* nl = static_cast<char*>(std::memchr(buffer_.get() + filled_, '\n', *n));
        if (nl == nullptr) continue;  // still inside the long line: drop it
        const size_t keep = buffer_.get() + filled_ + *n - (nl + 1);
        std::memmove(buffer_.get(), nl + 1, keep);
        filled_ = keep;
        skipping_ = false;
        continue;
      }
      filled_ += *n;
    }
    return absl::OkStatus();
  }

  absl::Status FillToNewline(uint64_t* bytes) {
    while (!eof_ && filled_ < capacity_) {
      absl::StatusOr<size_t> n = ReadSome(capacity_, bytes);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      const char* nl = static_cast<const char*>(std::memchr(buffer_.get() + filled_, '\n', *n));
      filled_ += *n;
      if (nl != nullptr) break;
    }
    return absl::OkStatus();
  }

  // One past the last newline in the buffer; 0 when there is none.
  size_t LastNewline() const {
    size_t last = filled_;
    while (last > 0 && buffer_[last - 1] != '\n') --last;
    return last;
  }

  const ReplayReader& reader_;
  const size_t batch_;
  const size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  size_t filled_ = 0;
  size_t cut_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // dropping the rest of an over-long line
};

// Splits [0, cut) of `p` into lines.
void SplitIntoLines(const char* p, size_t cut, std::vector<LineRef>* lines) {
  lines->clear();
  size_t pos = 0;
  while (pos < cut) {
    const char* nl = static_cast<const char*>(std::memchr(p + pos, '\n', cut - pos));
    const size_t end = nl ? static_cast<size_t>(nl - p) : cut;
    lines->push_back(LineRef{pos, static_cast<uint32_t>(end - pos)});
    pos = end + 1;
  }
}

}  // namespace

absl::StatusOr<ReplayReport> Replay(const ReplayReader& reader, const ChainPolicies& chain,
                                    const ReplayOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  FastChain fc;
  if (absl::Status st = PrepareChain(chain, options, &fc); !st.ok()) return st;
  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) workers.push_back(std::make_unique<Worker>(fc, options));

  ReplayReport report;
  LineBatcher input(reader, std::max<size_t>(options.batch_bytes, 1 << 12),
                    options.max_line_bytes);
  uint64_t line_base = options.first_line;  // lines before this batch
  if (options.line_decisions != nullptr) options.line_decisions->clear();
  std::vector<LineRef> lines;
  Dispatcher dispatcher(&workers, threads);
  Agg extra;  // problems found by the reader itself (over-long lines)

  while (true) {
    absl::StatusOr<LineBatcher::Step> step = input.Next(&report.bytes);
    if (!step.ok()) return step.status();
    if (*step == LineBatcher::Step::kEnd) break;
    if (*step == LineBatcher::Step::kOverLong) {
      ++line_base;
      if (options.line_decisions != nullptr) {
        options.line_decisions->resize(line_base - options.first_line, kReplayMalformedLine);
      }
      extra.malformed++;
      extra.min_error_line = std::min(extra.min_error_line, line_base);
      extra.errors.push_back(ReplayLineError{
          line_base, 0, absl::StrCat("line is longer than ", options.max_line_bytes, " bytes"),
          {}});
      if (options.strict) {
        report.stopped = true;
        break;
      }
      continue;
    }
    SplitIntoLines(input.data(), input.cut(), &lines);
    if (options.line_decisions != nullptr) {
      options.line_decisions->resize(line_base - options.first_line + lines.size(),
                                     kReplayBlankLine);
    }
    dispatcher.Run(lines, input.data(), input.readable(), line_base);
    line_base += lines.size();
    input.Consume();
    if (options.strict) {
      bool failed = extra.malformed != 0;
      for (const auto& w : workers) failed |= w->agg.malformed != 0;
      if (failed) {
        report.stopped = true;
        break;
      }
    }
  }

  // Merge.
  report.lines = line_base - options.first_line;
  std::vector<Agg*> aggs;
  aggs.push_back(&extra);
  for (auto& w : workers) aggs.push_back(&w->agg);
  MergeAggregates(aggs, fc, options, &report);
  report.shadow_enabled = fc.layers.shadow != nullptr;
  report.shadow_name = options.shadow_name;
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.megabytes_per_second =
      report.wall_seconds > 0 ? static_cast<double>(report.bytes) / 1e6 / report.wall_seconds : 0;
  return report;
}

uint64_t ReplayCompileCount() { return g_replay_compiles.load(std::memory_order_relaxed); }

uint64_t CountReplayLines(std::string_view text) {
  uint64_t n = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) return n + 1;  // a last line without a newline
    ++n;
    p = static_cast<const char*>(nl) + 1;
  }
  return n;
}

namespace {

// Merges the samples or errors of `parts` (already tagged with their input
// index in `order`) keeping the lowest (input, line) `max` ones.
template <typename T>
void MergeLowest(std::vector<std::pair<size_t, T>>* tagged, size_t max, std::vector<T>* out) {
  std::stable_sort(tagged->begin(), tagged->end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.line < b.second.line;
  });
  out->clear();
  for (auto& [input, item] : *tagged) {
    if (out->size() >= max) break;
    out->push_back(std::move(item));
  }
}

}  // namespace

ReplayReport MergeReplayReports(std::vector<ReplayReport> parts, const ReplayOptions& options) {
  ReplayReport out;
  if (parts.empty()) return out;
  std::vector<std::string> sources;  // distinct, in order
  for (const ReplayReport& p : parts) {
    if (sources.empty() || sources.back() != p.source) sources.push_back(p.source);
  }
  const bool tag = sources.size() > 1;
  out.source = absl::StrJoin(sources, ", ");
  out.shadow_enabled = parts.front().shadow_enabled;
  out.shadow_name = parts.front().shadow_name;
  out.statement_hits = parts.front().statement_hits;
  for (auto& h : out.statement_hits) h.second = 0;
  std::vector<std::pair<size_t, ReplayLineError>> errors;
  std::vector<std::pair<size_t, ReplaySample>> log_s, a2d_s, d2a_s;
  size_t input = 0;
  UncertainClasses classes;
  for (size_t i = 0; i < parts.size(); ++i) {
    ReplayReport& p = parts[i];
    if (i > 0 && p.source != parts[i - 1].source) ++input;
    out.lines += p.lines;
    out.blank += p.blank;
    out.malformed += p.malformed;
    out.requests += p.requests;
    out.canonical += p.canonical;
    out.access_log += p.access_log;
    out.fallback += p.fallback;
    out.bytes += p.bytes;
    for (int k = 0; k < 3; ++k) out.totals[k] += p.totals[k];
    for (int k = 0; k < 4; ++k) out.by_layer[k] += p.by_layer[k];
    for (size_t k = 0; k < p.statement_hits.size() && k < out.statement_hits.size(); ++k) {
      out.statement_hits[k].second += p.statement_hits[k].second;
    }
    out.flagged += p.flagged;
    out.checked += p.checked;
    out.uncertain_checked += p.uncertain_checked;
    for (const auto& [id, n] : p.by_id) out.by_id[id] += n;
    out.log_compared += p.log_compared;
    out.log_agree += p.log_agree;
    out.log_allowed_now_denied += p.log_allowed_now_denied;
    out.log_denied_now_allowed += p.log_denied_now_allowed;
    out.log_uncertain += p.log_uncertain;
    out.log_uncertain_disagree += p.log_uncertain_disagree;
    out.port_inferred += p.port_inferred;
    for (const ReplayUncertainClass& c : p.log_uncertain_classes) classes.Add(c);
    classes.other += p.log_uncertain_other;
    for (int k = 0; k < 3; ++k) out.shadow_totals[k] += p.shadow_totals[k];
    out.shadow_allowed_to_denied += p.shadow_allowed_to_denied;
    out.shadow_denied_to_allowed += p.shadow_denied_to_allowed;
    out.shadow_deny_kind_changed += p.shadow_deny_kind_changed;
    out.wall_seconds += p.wall_seconds;
    auto take = [&](auto& from, auto* into) {
      for (auto& item : from) {
        if (tag && item.source.empty()) item.source = p.source;
        into->emplace_back(input, std::move(item));
      }
    };
    take(p.errors, &errors);
    take(p.log_disagreement_samples, &log_s);
    take(p.shadow_allowed_to_denied_samples, &a2d_s);
    take(p.shadow_denied_to_allowed_samples, &d2a_s);
    if (options.strict && p.stopped) {
      out.stopped = true;
      break;
    }
  }
  out.log_uncertain_classes = classes.Sorted();
  out.log_uncertain_other = classes.other;
  const size_t max_samples = static_cast<size_t>(std::max(0, options.max_samples));
  MergeLowest(&errors, static_cast<size_t>(std::max(0, options.max_errors)), &out.errors);
  MergeLowest(&log_s, max_samples, &out.log_disagreement_samples);
  MergeLowest(&a2d_s, max_samples, &out.shadow_allowed_to_denied_samples);
  MergeLowest(&d2a_s, max_samples, &out.shadow_denied_to_allowed_samples);
  out.megabytes_per_second =
      out.wall_seconds > 0 ? static_cast<double>(out.bytes) / 1e6 / out.wall_seconds : 0;
  return out;
}

absl::StatusOr<ReplayReport> ReplayText(std::string_view text, const ChainPolicies& chain,
                                        const ReplayOptions& options) {
  size_t pos = 0;
  return Replay(
      [&](char* buf, size_t size) -> int64_t {
        const size_t n = std::min(size, text.size() - pos);
        if (n == 0) return 0;  // text.data() may be null: no memcpy then
        std::memcpy(buf, text.data() + pos, n);
        pos += n;
        return static_cast<int64_t>(n);
      },
      chain, options);
}

absl::StatusOr<ReplayReport> ReplayFile(std::FILE* file, const ChainPolicies& chain,
                                        const ReplayOptions& options) {
  return Replay(
      [file](char* buf, size_t size) -> int64_t {
        const size_t n = std::fread(buf, 1, size, file);
        if (n == 0 && std::ferror(file)) return -1;
        return static_cast<int64_t>(n);
      },
      chain, options);
}

}  // namespace latticepol
