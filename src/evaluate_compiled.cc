// File: src/evaluate_compiled.cc
// Stage: evaluate (fast path). Runs a CompiledPolicy plan (see
// src/internal/compiled_impl.h) against one request: resolve each key's
// request values, match them against the key's atoms (setting clause bits),
// fold values per set qualifier, apply the absent/Q2/T2/Null rules, then test
// the statements' clause conjunctions, Deny statements first.
//
// Hot-path rules: no heap allocation in the common case (clause bit sets and
// counters live in fixed stack buffers sized for policies far above the
// 10,000-character limit; a raw query string is scanned in place and percent
// escapes decoded into stack buffers; the request resource ARN is built on
// the stack), no locks, no exceptions, no virtual calls. Clauses with policy
// variables take a slow path that substitutes them per request.
//
// kMaybeUncertain is set iff the plan's static flag is set, or a
// request-dependent trigger fires; together they cover every recording point
// listed at the top of src/evaluate.cc (a superset: the reference may record
// nothing).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "internal/compiled_impl.h"
#include "internal/text.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/request.h"

namespace latticepol {
namespace internal {
namespace {

constexpr size_t kInlineWords = 32;  // 2,048 clauses
constexpr size_t kInlineKeys = 64;
constexpr size_t kDecodeBuffer = 512;
constexpr size_t kArnBuffer = 1024;

inline bool HasNonAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

inline bool HasAsciiUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

inline bool ContainsWildcard(std::string_view s) {
  return s.find('*') != std::string_view::npos ||
         s.find('?') != std::string_view::npos;
}

inline bool Contains(const std::vector<std::string>& list, std::string_view v) {
  for (const std::string& s : list) {
    if (s == v) return true;
  }
  return false;
}

inline int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` (Q3, exactly as latticepol::PercentDecode) into
// `buf` (capacity kDecodeBuffer) or, when it does not fit, into `*heap`.
// Returns the decoded text; `*decoded` is true iff an escape was decoded.
std::string_view Decode(std::string_view in, char* buf, std::string* heap,
                        bool* decoded) {
  *decoded = false;
  if (in.empty() || std::memchr(in.data(), '%', in.size()) == nullptr) return in;
  if (in.size() > kDecodeBuffer) {
    *decoded = PercentDecode(in, heap);
    return *heap;
  }
  size_t o = 0;
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    if (in[i] == '%' && n - i >= 3) {
      const int hi = HexDigit(in[i + 1]);
      const int lo = HexDigit(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        buf[o++] = static_cast<char>((hi << 4) | lo);
        *decoded = true;
        i += 3;
        continue;
      }
    }
    buf[o++] = in[i++];
  }
  return std::string_view(buf, o);
}

// Writes the decimal text of `v` into `buf` (at least 24 bytes).
std::string_view FormatInt(int64_t v, char* buf) {
  char tmp[24];
  size_t n = 0;
  const bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  size_t o = 0;
  if (neg) buf[o++] = '-';
  while (n > 0) buf[o++] = tmp[--n];
  return std::string_view(buf, o);
}

bool CmpHolds(NumCmp cmp, int c) {
  switch (cmp) {
    case NumCmp::kEq: return c == 0;
    case NumCmp::kLt: return c < 0;
    case NumCmp::kLe: return c <= 0;
    case NumCmp::kGt: return c > 0;
    case NumCmp::kGe: return c >= 0;
  }
  return false;
}

bool ArnFieldsMatch(const std::array<GlobPattern, 5>& fields,
                    const std::array<std::string_view, 6>& f) {
  for (int i = 0; i < 5; ++i) {
    if (!fields[i].Matches(f[i + 1])) return false;
  }
  return true;
}

// Calls fn(value) for each request value of a key that is not a query key.
// `buf` (24 bytes) holds formatted numbers.
template <typename Fn>
void ForEachKeyValue(const ConditionKey& key, const RequestView& r, bool connect,
                     char* buf, Fn&& fn) {
  const Principal* p = r.principal;
  auto optional = [&](const OptionalText& t) {
    if (t.present) fn(t.value);
  };
  switch (key.kind) {
    case KeyKind::kPort:
      if (r.port >= 0) fn(FormatInt(r.port, buf));
      return;
    case KeyKind::kRequestMethod:
      if (!connect) fn(r.method);
      return;
    case KeyKind::kRequestPath:
      if (!connect) fn(r.path);
      return;
    case KeyKind::kRequestHeader:
      if (connect) return;
      for (size_t i = 0; i < r.headers.size(); ++i) {
        if (r.headers.name(i) == key.suffix) {
          fn(r.headers.value(i));
          return;
        }
      }
      return;
    case KeyKind::kRequestQueryString:
      return;  // scanned separately
    case KeyKind::kServiceArn:
      optional(r.service_arn);
      return;
    case KeyKind::kServiceNetworkArn:
      optional(r.service_network_arn);
      return;
    case KeyKind::kSourceVpc:
      optional(r.source_vpc);
      return;
    case KeyKind::kSourceVpcOwnerAccount:
      optional(r.source_vpc_owner_account);
      return;
    case KeyKind::kPrincipalType:
      if (p == nullptr) {
        fn(std::string_view("Anonymous"));
      } else if (!p->type.empty()) {
        fn(p->type);
      }
      return;
    case KeyKind::kPrincipalArn:
      if (p != nullptr && !p->arn.empty()) fn(p->arn);
      return;
    case KeyKind::kPrincipalAccount:
      if (p != nullptr && !p->account.empty()) fn(p->account);
      return;
    case KeyKind::kPrincipalOrgId:
      if (p != nullptr && !p->org_id.empty()) fn(p->org_id);
      return;
    case KeyKind::kPrincipalOrgPaths:
      if (p != nullptr) {
        for (const std::string& v : p->org_paths) fn(v);
      }
      return;
    case KeyKind::kPrincipalTag:
      if (p == nullptr) return;
      for (const StringPair& tag : p->tags) {
        if (EqualsIgnoreCase(tag.first, key.suffix)) {
          fn(tag.second);
          return;
        }
      }
      return;
    case KeyKind::kPrincipalIsAwsService:
      if (p != nullptr) fn(std::string_view("false"));
      return;
    case KeyKind::kResourceTag:
      for (size_t i = 0; i < r.resource_tags.size(); ++i) {
        if (EqualsIgnoreCase(r.resource_tags.name(i), key.suffix)) {
          fn(r.resource_tags.value(i));
          return;
        }
      }
      return;
    case KeyKind::kSourceIp:
      optional(r.source_ip);
      return;
    case KeyKind::kCurrentTime:
      optional(r.time);
      return;
    case KeyKind::kEpochTime: {
      if (!r.time.present) return;
      int64_t millis = 0;
      if (!ParseDate(r.time.value, &millis)) return;
      int64_t seconds = millis / 1000;
      if (millis % 1000 != 0 && millis < 0) --seconds;
      fn(FormatInt(seconds, buf));
      return;
    }
    case KeyKind::kUnknown:
      return;
  }
}

class Evaluator {
 public:
  Evaluator(const CompiledPolicy::Impl& im, const RequestView& r,
            bool ignore_principal)
      : im_(im), r_(r), ignore_principal_(ignore_principal) {}

  Decision Run();

 private:
  void AddValue(const CompiledKey& k, uint32_t kid, std::string_view v);
  void ScanQuery();
  void ScanParsedQuery();
  void QueryValue(uint32_t slot, std::string_view value);
  int FindQuerySlot(std::string_view key) const;
  void CheckQueryCase(std::string_view key);
  void Finalize(const CompiledKey& k, uint32_t kid);
  bool ActionMatches(const CompiledStatement& s) const;
  bool PrincipalMatches(const PrincipalCheck& pc) const;
  bool ResourceMatches(const ResourceCheck& rc);
  std::string_view ResourceArn();

  // Slow path (policy variables).
  bool SlowValues(const ConditionKey& key, std::vector<std::string>* values);
  bool Substitute(std::string_view value, SubstituteFor mode, std::string* out);
  bool SlowClause(const Condition& c);
  void EvalDynamicResources();

  const CompiledPolicy::Impl& im_;
  const RequestView& r_;
  const bool ignore_principal_;
  bool connect_ = false;
  bool unc_ = false;

  uint64_t* res_ = nullptr;    // clause results
  uint64_t* hit_ = nullptr;    // atoms hit by the current value
  uint64_t* any_ = nullptr;
  uint64_t* all_ = nullptr;
  uint64_t* first_ = nullptr;
  uint64_t* err_ = nullptr;
  uint32_t* counts_ = nullptr;

  bool arn_ready_ = false;
  bool arn_split_ready_ = false;
  bool arn_split_ok_ = false;
  std::string_view arn_;
  std::array<std::string_view, 6> arn_fields_;
  char arn_buf_[kArnBuffer];
  std::string arn_heap_;
  std::vector<uint8_t> dynamic_resources_;
  char num_buf_[24];
};

void Evaluator::AddValue(const CompiledKey& k, uint32_t kid, std::string_view v) {
  const uint32_t lo = k.word_lo;
  const uint32_t n = k.n_words;
  const uint64_t* pool = im_.masks.data();
  uint64_t* h = hit_ + lo;
  for (uint32_t i = 0; i < n; ++i) h[i] = 0;
  auto hit = [&](MaskRef m) {
    const uint64_t* src = pool + m;
    for (uint32_t i = 0; i < n; ++i) h[i] |= src[i];
  };
  auto fail = [&](MaskRef m) {  // T2
    const uint64_t* src = pool + m;
    for (uint32_t i = 0; i < n; ++i) err_[lo + i] |= src[i];
    unc_ = true;
  };
  if (!k.exact.empty()) {
    if (const MaskRef* m = k.exact.Find(v)) hit(*m);
  }
  if (!k.folded.empty()) {
    if (!HasNonAscii(v)) {
      char small[256];
      std::string big;
      char* out = small;
      if (v.size() > sizeof(small)) {
        big.resize(v.size());
        out = big.data();
      }
      for (size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
      if (const MaskRef* m = k.folded.Find(std::string_view(out, v.size()))) hit(*m);
    } else {
      unc_ = true;  // O1
      for (const FoldAtom& a : k.fold_atoms) {
        if (EqualsIgnoreCase(v, a.original)) hit(a.mask);
      }
    }
  }
  if (!k.globs.empty()) {
    k.globs.ForEachMatch(v, [&](size_t i) { hit(k.glob_masks[i]); });
  }
  if (!k.arns.empty()) {
    std::array<std::string_view, 6> f;
    if (SplitArn(v, &f)) {
      for (const ArnAtom& a : k.arns) {
        if (ArnFieldsMatch(a.fields, f)) hit(a.mask);
      }
    } else {
      unc_ = true;  // O6
    }
  } else if ((k.checks & kCheckArnShape) != 0) {
    std::array<std::string_view, 6> f;
    if (!SplitArn(v, &f)) unc_ = true;  // O6
  }
  if (k.typed != 0) {
    if (k.typed & kTypedNumeric) {
      if (IsValidNumber(v)) {
        for (const NumericAtom& a : k.numbers) {
          if (CmpHolds(a.cmp, CompareNumbers(v, a.value))) hit(a.mask);
        }
      } else {
        fail(k.err_numeric);
      }
    }
    if (k.typed & kTypedDate) {
      int64_t ms = 0;
      if (ParseDate(v, &ms)) {
        for (const DateAtom& a : k.dates) {
          const int c = ms < a.millis ? -1 : (ms > a.millis ? 1 : 0);
          if (CmpHolds(a.cmp, c)) hit(a.mask);
        }
      } else {
        fail(k.err_date);
      }
    }
    if (k.typed & kTypedBool) {
      bool b = false;
      if (ParseBool(v, &b)) {
        for (const BoolAtom& a : k.bools) {
          if (a.value == b) hit(a.mask);
        }
      } else {
        fail(k.err_bool);
      }
    }
    if (k.typed & kTypedIp) {
      IpNet addr;
      if (ParseIp(v, &addr)) {
        for (const IpAtom& a : k.ips) {
          if (a.net.v6 == addr.v6 && CidrContains(a.net, addr)) hit(a.mask);
        }
      } else {
        fail(k.err_ip);
      }
    }
  }
  for (const BinaryAtom& a : k.binaries) {
    if (v == a.bytes) hit(a.mask);
  }
  if (k.checks & (kCheckNonAscii | kCheckNewline | kCheckUpper)) {
    if ((k.checks & kCheckNewline) && v.find('\n') != std::string_view::npos) {
      unc_ = true;  // O2
    }
    if ((k.checks & kCheckUpper) && HasAsciiUpper(v)) unc_ = true;  // O4
  }
  const uint64_t* value = pool + k.value;
  const uint64_t* neg = pool + k.neg;
  const bool first = counts_[kid] == 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t r = (h[i] ^ neg[i]) & value[i];
    if (first) first_[lo + i] |= r;
    any_[lo + i] |= r;
    all_[lo + i] &= r | ~value[i];
  }
  ++counts_[kid];
}

void Evaluator::Finalize(const CompiledKey& k, uint32_t kid) {
  const uint32_t lo = k.word_lo;
  const uint64_t* pool = im_.masks.data();
  const uint32_t count = counts_[kid];
  const uint64_t* st = pool + k.static_all;
  if (count == 0) {
    const uint64_t* absent = pool + k.absent_true;
    for (uint32_t i = 0; i < k.n_words; ++i) res_[lo + i] |= absent[i] & st[i];
    return;
  }
  if (count >= 2 && (k.checks & kCheckMulti)) unc_ = true;  // Q2
  const uint64_t* plain = pool + k.plain;
  const uint64_t* any = pool + k.any;
  const uint64_t* all = pool + k.all;
  const uint64_t* null_present = pool + k.null_present;
  for (uint32_t i = 0; i < k.n_words; ++i) {
    const uint32_t w = lo + i;
    uint64_t r = (count == 1 ? (first_[w] & plain[i]) : 0) | (any_[w] & any[i]) |
                 (all_[w] & all[i]);
    r = (r & ~err_[w]) | null_present[i];
    res_[w] |= r & st[i];
  }
}

int Evaluator::FindQuerySlot(std::string_view key) const {
  if (!im_.query_slot_map.empty()) {
    auto it = im_.query_slot_map.find(absl::string_view(key.data(), key.size()));
    return it == im_.query_slot_map.end() ? -1 : static_cast<int>(it->second);
  }
  for (size_t s = 0; s < im_.query_keys.size(); ++s) {
    if (im_.keys[im_.query_keys[s]].key.suffix == key) return static_cast<int>(s);
  }
  return -1;
}

// Q1: a query key equal to a referenced one case-insensitively only.
void Evaluator::CheckQueryCase(std::string_view key) {
  if (unc_) return;
  for (uint32_t kid : im_.query_keys) {
    if (EqualsIgnoreCase(key, im_.keys[kid].key.suffix)) {
      unc_ = true;
      return;
    }
  }
}

void Evaluator::QueryValue(uint32_t slot, std::string_view value) {
  if (value.empty()) unc_ = true;  // Q4
  const uint32_t kid = im_.query_keys[slot];
  const CompiledKey& k = im_.keys[kid];
  if (k.query_case_sibling) unc_ = true;  // Q1 for the sibling key
  AddValue(k, kid, value);
}

// Scans a raw query in place (SplitQuery semantics: `&`-split, first `=`
// splits, empty keys dropped, percent-decoding per Q3).
void Evaluator::ScanQuery() {
  const std::string_view raw = r_.raw_query;
  char key_buf[kDecodeBuffer];
  char value_buf[kDecodeBuffer];
  std::string key_heap;
  std::string value_heap;
  size_t pos = 0;
  while (pos <= raw.size()) {
    const char* amp_ptr = static_cast<const char*>(
        pos < raw.size() ? std::memchr(raw.data() + pos, '&', raw.size() - pos)
                         : nullptr);
    const size_t amp = amp_ptr == nullptr ? raw.size()
                                          : static_cast<size_t>(amp_ptr - raw.data());
    const std::string_view pair = raw.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key.empty()) continue;
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    bool key_decoded = false;
    const std::string_view dk = Decode(key, key_buf, &key_heap, &key_decoded);
    const int slot = FindQuerySlot(dk);
    if (slot < 0) {
      CheckQueryCase(dk);
      continue;
    }
    bool value_decoded = false;
    const std::string_view dv = Decode(value, value_buf, &value_heap, &value_decoded);
    if (key_decoded || value_decoded) unc_ = true;  // Q3
    QueryValue(static_cast<uint32_t>(slot), dv);
  }
}

void Evaluator::ScanParsedQuery() {
  const ParamList& q = r_.query;
  for (size_t i = 0; i < q.size(); ++i) {
    const std::string_view name = q.name(i);
    const int slot = FindQuerySlot(name);
    if (slot < 0) {
      CheckQueryCase(name);
      continue;
    }
    QueryValue(static_cast<uint32_t>(slot), q.value(i));
  }
}

bool Evaluator::ActionMatches(const CompiledStatement& s) const {
  if (r_.action == kInvokeAction) return s.invoke;
  if (r_.action == kConnectAction) return s.connect;
  const Statement& st = im_.doc.statements[s.index];
  bool any = false;
  for (const std::string& pattern : st.actions) {
    if (internal::ActionMatches(pattern, r_.action)) {
      any = true;
      break;
    }
  }
  return st.not_action ? !any : any;
}

bool Evaluator::PrincipalMatches(const PrincipalCheck& pc) const {
  using Kind = PrincipalCheck::Kind;
  if (ignore_principal_) return true;
  const Principal* p = r_.principal;
  switch (pc.kind) {
    case Kind::kAlways:
      return true;
    case Kind::kNever:
      return false;
    case Kind::kList:
      if (p == nullptr) return false;
      return (!p->account.empty() && Contains(pc.accounts, p->account)) ||
             (!p->session_arn.empty() && Contains(pc.sessions, p->session_arn)) ||
             (!p->arn.empty() && Contains(pc.arns, p->arn));
    case Kind::kNotList: {
      if (p == nullptr) return true;
      const bool account_listed =
          !p->account.empty() && Contains(pc.accounts, p->account);
      const bool arn_listed = !p->arn.empty() && Contains(pc.values, p->arn);
      return !(account_listed && arn_listed);
    }
  }
  return false;
}

std::string_view Evaluator::ResourceArn() {
  if (arn_ready_) return arn_;
  arn_ready_ = true;
  if (!r_.service_arn.present || r_.service_arn.value.empty()) return arn_;
  const std::string_view svc = r_.service_arn.value;
  if (connect_) {
    arn_ = svc;
    return arn_;
  }
  const size_t n = svc.size() + r_.path.size();
  if (n <= kArnBuffer) {
    std::memcpy(arn_buf_, svc.data(), svc.size());
    if (!r_.path.empty()) std::memcpy(arn_buf_ + svc.size(), r_.path.data(), r_.path.size());
    arn_ = std::string_view(arn_buf_, n);
  } else {
    arn_heap_.assign(svc.data(), svc.size());
    arn_heap_.append(r_.path.data(), r_.path.size());
    arn_ = arn_heap_;
  }
  return arn_;
}

bool Evaluator::ResourceMatches(const ResourceCheck& rc) {
  using Kind = ResourcePattern::Kind;
  bool any = rc.has_star;
  if (!any && !rc.patterns.empty()) {
    const std::string_view arn = ResourceArn();
    if (!arn.empty()) {
      for (const ResourcePattern& p : rc.patterns) {
        bool m = false;
        switch (p.kind) {
          case Kind::kGlob:
            m = p.glob.Matches(arn);
            break;
          case Kind::kArnFields:
            if (!arn_split_ready_) {
              arn_split_ready_ = true;
              arn_split_ok_ = SplitArn(arn, &arn_fields_);
            }
            m = arn_split_ok_ && ArnFieldsMatch(p.fields, arn_fields_);
            break;
          case Kind::kNever:
            break;
          case Kind::kDynamicArn:
          case Kind::kDynamicGlob:
            m = dynamic_resources_[p.dynamic_slot] != 0;
            break;
        }
        if (m) {
          any = true;
          break;
        }
      }
    }
  }
  return rc.negate ? !any : any;
}

// ---- Slow path: policy variables -------------------------------------------

bool Evaluator::SlowValues(const ConditionKey& key, std::vector<std::string>* values) {
  values->clear();
  if (key.kind == KeyKind::kRequestQueryString) {
    if (connect_) return false;
    if (r_.query_is_raw) {
      for (StringPair& p : SplitQuery(r_.raw_query)) {
        if (p.first == key.suffix) values->push_back(std::move(p.second));
      }
    } else {
      for (size_t i = 0; i < r_.query.size(); ++i) {
        if (r_.query.name(i) == key.suffix) values->emplace_back(r_.query.value(i));
      }
    }
    return !values->empty();
  }
  char buf[24];
  ForEachKeyValue(key, r_, connect_, buf,
                  [&](std::string_view v) { values->emplace_back(v); });
  return !values->empty();
}

bool Evaluator::Substitute(std::string_view value, SubstituteFor mode,
                           std::string* out) {
  const VariableResolver resolve = [this, mode](std::string_view name,
                                                std::string* v) {
    const ConditionKey ck = ResolveConditionKey(name);
    if (IsMultiValued(ck.kind)) return false;
    std::vector<std::string> values;
    if (!SlowValues(ck, &values) || values.size() != 1) return false;
    if (mode == SubstituteFor::kGlob && ContainsWildcard(values[0])) unc_ = true;  // V2
    *v = std::move(values[0]);
    return true;
  };
  DecisionIdMask ids = 0;
  const bool ok = SubstituteVariables(value, mode, resolve, out, &ids);
  if (ids != 0) unc_ = true;  // V1, V2
  return ok;
}

// Mirrors the reference's condition semantics for a clause with variables
// (String, ARN or Bool operators; never a policy-side type error).
bool Evaluator::SlowClause(const Condition& c) {
  struct PolicyValue {
    std::string display;
    std::string glob;
    bool resolved = true;
  };
  const OperatorFamily family = FamilyOf(c.op);
  const bool negated = IsNegated(c.op);
  const bool glob_op = c.op == ConditionOperator::kStringLike ||
                       c.op == ConditionOperator::kStringNotLike ||
                       family == OperatorFamily::kArn;
  std::vector<std::string> values;
  const bool present = SlowValues(c.key, &values);
  std::vector<PolicyValue> pvs;
  pvs.reserve(c.values.size());
  for (const std::string& v : c.values) {
    PolicyValue pv;
    if (glob_op) pv.resolved = Substitute(v, SubstituteFor::kGlob, &pv.glob);
    std::string literal;
    const bool literal_ok = Substitute(v, SubstituteFor::kLiteral, &literal);
    if (!glob_op) pv.resolved = literal_ok;
    pv.display = literal_ok ? literal : v;
    pvs.push_back(std::move(pv));
  }
  if (!present) {
    if (c.set == SetQualifier::kForAnyValue) return false;
    if (c.if_exists) return true;
    if (c.set == SetQualifier::kForAllValues) return true;
    return negated;
  }
  if (c.set == SetQualifier::kNone && values.size() >= 2) {
    unc_ = true;  // Q2
    return false;
  }
  bool type_error = false;
  bool any = false;
  bool all = true;
  for (const std::string& v : values) {
    bool hit = false;
    for (const PolicyValue& pv : pvs) {
      if (!pv.resolved) continue;
      switch (family) {
        case OperatorFamily::kString:
          if (c.op == ConditionOperator::kStringEquals ||
              c.op == ConditionOperator::kStringNotEquals) {
            hit = hit || v == pv.display;
          } else if (glob_op) {
            if (v.find('\n') != std::string::npos) unc_ = true;  // O2
            hit = hit || GlobMatch(pv.glob, v);
          } else {
            if (HasNonAscii(v) || HasNonAscii(pv.display)) unc_ = true;  // O1
            hit = hit || EqualsIgnoreCase(v, pv.display);
          }
          break;
        case OperatorFamily::kBool: {
          if (HasAsciiUpper(v) || HasAsciiUpper(pv.display)) unc_ = true;  // O4
          bool rb = false;
          bool pb = false;
          if (!ParseBool(v, &rb)) {
            type_error = true;
          } else if (ParseBool(pv.display, &pb) && rb == pb) {
            hit = true;
          }
          break;
        }
        case OperatorFamily::kArn: {
          std::array<std::string_view, 6> f;
          if (!SplitArn(v, &f)) {
            unc_ = true;  // O6
          } else if (ArnGlobMatch(pv.glob, v)) {
            hit = true;
          }
          break;
        }
        default:
          break;
      }
    }
    const bool holds = negated ? !hit : hit;
    any = any || holds;
    all = all && holds;
  }
  if (type_error) {
    unc_ = true;  // T2
    return false;
  }
  switch (c.set) {
    case SetQualifier::kNone:
      return any;  // exactly one value
    case SetQualifier::kForAnyValue:
      return any;
    case SetQualifier::kForAllValues:
      return all;
  }
  return false;
}

void Evaluator::EvalDynamicResources() {
  using Kind = ResourcePattern::Kind;
  dynamic_resources_.assign(static_cast<size_t>(im_.dynamic_resource_count), 0);
  const std::string_view arn = ResourceArn();
  if (arn.empty()) return;  // only "*" can match; variables are not resolved
  for (const CompiledStatement& s : im_.statements) {
    for (const ResourcePattern& p : s.resource.patterns) {
      if (p.kind == Kind::kDynamicArn) {
        std::string tail;
        if (!Substitute(std::string_view(p.text).substr(p.tail_pos),
                        SubstituteFor::kGlob, &tail)) {
          continue;
        }
        dynamic_resources_[p.dynamic_slot] = ArnGlobMatch(p.head_glob + tail, arn);
      } else if (p.kind == Kind::kDynamicGlob) {
        std::string glob;
        if (!Substitute(p.text, SubstituteFor::kGlob, &glob)) continue;
        dynamic_resources_[p.dynamic_slot] = GlobMatch(glob, arn);
      }
    }
  }
}

// ---- The run ---------------------------------------------------------------

Decision Evaluator::Run() {
  const CompiledPolicy::Impl& im = im_;
  connect_ = r_.action == kInvokeAction ? false : r_.is_connect();
  unc_ = im.static_uncertain || (!ignore_principal_ && im.principal_uncertain);
  if (im.triggers != 0) {
    if (connect_ && (im.triggers & (kTriggerConnectKeys | kTriggerConnectResource))) {
      unc_ = true;  // K1
    }
    if (r_.principal == nullptr) {
      if (im.triggers & kTriggerAnonymousAccount) unc_ = true;  // A2
    } else if (im.triggers & kTriggerSignedAwsService) {
      unc_ = true;  // A3
    }
  }

  // Scratch: six clause bit sets and per-key value counts, on the stack
  // unless the policy is far beyond the size limit.
  const size_t words = im.total_words;
  const size_t nkeys = im.keys.size();
  uint64_t inline_words[6 * kInlineWords];
  uint32_t inline_counts[kInlineKeys];
  std::unique_ptr<uint64_t[]> heap_words;
  std::unique_ptr<uint32_t[]> heap_counts;
  uint64_t* w = inline_words;
  uint32_t* counts = inline_counts;
  if (words > kInlineWords) {
    heap_words.reset(new uint64_t[6 * words]);
    w = heap_words.get();
  }
  if (nkeys > kInlineKeys) {
    heap_counts.reset(new uint32_t[nkeys]);
    counts = heap_counts.get();
  }
  res_ = w;
  hit_ = w + words;
  any_ = w + 2 * words;
  all_ = w + 3 * words;
  first_ = w + 4 * words;
  err_ = w + 5 * words;
  for (size_t i = 0; i < words; ++i) {
    res_[i] = 0;
    any_[i] = 0;
    all_[i] = ~uint64_t{0};
    first_[i] = 0;
    err_[i] = 0;
  }
  for (size_t i = 0; i < nkeys; ++i) counts[i] = 0;
  counts_ = counts;

  // 1. Request values, key by key.
  for (uint32_t kid : im.value_keys) {
    const CompiledKey& k = im.keys[kid];
    ForEachKeyValue(k.key, r_, connect_, num_buf_,
                    [&](std::string_view v) { AddValue(k, kid, v); });
  }
  if (!connect_ && !im.query_keys.empty()) {
    if (r_.query_is_raw) {
      ScanQuery();
    } else {
      ScanParsedQuery();
    }
  }
  for (uint32_t kid = 0; kid < nkeys; ++kid) Finalize(im.keys[kid], kid);

  // 2. Clauses with variables.
  for (uint32_t id : im.dynamic_clauses) {
    if (SlowClause(*im.clauses[id].condition)) {
      res_[id / 64] |= uint64_t{1} << (id % 64);
    }
  }
  if (im.dynamic_resource_count > 0) EvalDynamicResources();

  // 3. Statements: Deny first, then Allow, each in document order.
  Decision d;
  for (const CompiledStatement& s : im.statements) {
    bool ok = true;
    for (uint32_t i = s.cond_begin; i < s.cond_end; ++i) {
      const auto& cw = im.cond_words[i];
      if ((res_[cw.first] & cw.second) != cw.second) {
        ok = false;
        break;
      }
    }
    if (!ok || !ActionMatches(s) || !ResourceMatches(s.resource) ||
        !PrincipalMatches(s.principal)) {
      continue;
    }
    d.kind = s.effect == Effect::kDeny ? DecisionKind::kExplicitDeny
                                       : DecisionKind::kAllow;
    d.statement = s.index;
    break;
  }
  d.uncertain = unc_ ? kMaybeUncertain : 0;
  return d;
}

}  // namespace

Decision EvaluateCompiled(const CompiledPolicy& policy, const RequestView& request,
                          bool ignore_principal) {
  Evaluator e(policy.impl(), request, ignore_principal);
  return e.Run();
}

}  // namespace internal

Decision Evaluate(const CompiledPolicy& policy, const RequestView& request) {
  return internal::EvaluateCompiled(policy, request, false);
}

void EvaluateBatch(const CompiledPolicy& policy,
                   absl::Span<const RequestView> requests,
                   absl::Span<Decision> out) {
  const size_t n = std::min(requests.size(), out.size());
  for (size_t i = 0; i < n; ++i) {
    out[i] = internal::EvaluateCompiled(policy, requests[i], false);
  }
}

ChainResult Authorize(const CompiledChain& chain, const RequestView& request) {
  const ChainConfig& config = chain.config;
  const bool network_iam = config.network_auth_type == AuthType::kAwsIam;
  const bool service_iam = config.service_auth_type == AuthType::kAwsIam;
  const bool signed_caller = request.principal != nullptr;
  Decision network;
  Decision service;
  Decision identity;
  const Decision* network_ptr = nullptr;
  const Decision* service_ptr = nullptr;
  const Decision* identity_ptr = nullptr;
  if (network_iam && chain.network_policy != nullptr) {
    network = Evaluate(*chain.network_policy, request);
    network_ptr = &network;
  }
  if (service_iam && chain.service_policy != nullptr) {
    service = Evaluate(*chain.service_policy, request);
    service_ptr = &service;
  }
  if (signed_caller && (network_iam || service_iam) &&
      chain.identity_policy != nullptr) {
    // Identity policies are evaluated with Principal ignored (E2).
    identity = internal::EvaluateCompiled(*chain.identity_policy, request, true);
    identity_ptr = &identity;
  }
  return ComposeChain(config, signed_caller, network_ptr, service_ptr, identity_ptr);
}

}  // namespace latticepol
