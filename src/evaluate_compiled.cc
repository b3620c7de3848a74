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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "internal/compiled_impl.h"
#include "internal/request_keys.h"
#include "internal/semantics.h"
#include "internal/text.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/request.h"

namespace latticepol {
namespace internal {
namespace {

#define LATTICEPOL_ALWAYS_INLINE inline __attribute__((always_inline))

constexpr size_t kInlineWords = 32;  // 2,048 clauses
constexpr size_t kInlineKeys = 64;
constexpr size_t kDecodeBuffer = kDecodeBufferBytes;
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

// Bytes the raw query scanner stops at: `&`, `=`, `%`.
constexpr std::array<uint8_t, 256> MakeQueryClass() {
  std::array<uint8_t, 256> t{};
  t['&'] = 1;
  t['='] = 1;
  t['%'] = 1;
  return t;
}
constexpr std::array<uint8_t, 256> kQueryClass = MakeQueryClass();


// Returns true iff SplitArn(v) would succeed: `arn:` and five colons.
inline bool LooksLikeArn(std::string_view v) {
  if (v.size() < 4 || v[0] != 'a' || v[1] != 'r' || v[2] != 'n' || v[3] != ':') return false;
  int colons = 1;
  for (size_t i = 4; i < v.size() && colons < 5; ++i) colons += v[i] == ':';
  return colons >= 5;
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

// The shared resolver (internal/request_keys.h) for single-valued keys.
LATTICEPOL_ALWAYS_INLINE bool SingleValue(const ConditionKey& key, const RequestView& r,
                                          bool connect, char* buf, std::string_view* out) {
  return SingleKeyValue(key, r, connect, buf, out);
}

// The principal test of one statement (docs/semantics.md §1.4, N1 for NotPrincipal).
bool PrincipalTest(const PrincipalCheck& pc, const Principal* p) {
  using Kind = PrincipalCheck::Kind;
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

// The request resource ARN (docs/semantics.md §1.6), built lazily on the stack, and the
// Resource test of statements against it.
class ResourceState {
 public:
  // `buf` (kArnBuffer bytes, uninitialised) holds the ARN; it must outlive this.
  ResourceState(const RequestView& r, bool connect, char* buf)
      : r_(r), connect_(connect), buf_(buf) {}

  std::string_view Arn() {
    if (ready_) return arn_;
    ready_ = true;
    if (!r_.service_arn.present || r_.service_arn.value.empty()) return arn_;
    const std::string_view svc = r_.service_arn.value;
    if (connect_) {
      arn_ = svc;
      return arn_;
    }
    const size_t n = svc.size() + r_.path.size();
    if (n <= kArnBuffer) {
      std::memcpy(buf_, svc.data(), svc.size());
      if (!r_.path.empty()) std::memcpy(buf_ + svc.size(), r_.path.data(), r_.path.size());
      arn_ = std::string_view(buf_, n);
    } else {
      heap_ = std::make_unique<std::string>(svc);
      heap_->append(r_.path.data(), r_.path.size());
      arn_ = *heap_;
    }
    return arn_;
  }

  void set_connect(bool connect) { connect_ = connect; }

  // `dynamic`: per-request results of the patterns with variables.
  bool Matches(const ResourceCheck& rc, const uint8_t* dynamic) {
    using Kind = ResourcePattern::Kind;
    bool any = rc.has_star;
    if (!any && !rc.patterns.empty()) {
      const std::string_view arn = Arn();
      if (!arn.empty()) {
        for (const ResourcePattern& p : rc.patterns) {
          bool m = false;
          switch (p.kind) {
            case Kind::kGlob:
              m = p.glob.Matches(arn);
              break;
            case Kind::kArnSegments:
              m = p.segments.Matches(arn);
              break;
            case Kind::kDynamicArn:
            case Kind::kDynamicGlob:
              m = dynamic != nullptr && dynamic[p.dynamic_slot] != 0;
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

 private:
  const RequestView& r_;
  bool connect_;
  bool ready_ = false;
  std::string_view arn_;
  char* const buf_;
  std::unique_ptr<std::string> heap_;
};

// kW > 0: the plan has at most kW words of clause bits and at most 64 keys,
// so the bit sets are small member arrays with compile-time sizes and the
// per-key value counts are two bit masks. kW == 0: any size (stack arrays,
// heap beyond kInlineWords). Keys whose clauses fit one word (every key with
// at most 64 clauses: Compile pads the bit ranges) take single-word paths.
template <int kW>
class Evaluator {
 public:
  Evaluator(const CompiledPolicy::Impl& im, const RequestView& r,
            bool ignore_principal)
      : im_(im), r_(r), ignore_principal_(ignore_principal) {}

  Decision Run();

 private:
  void AddValue(const CompiledKey& k, uint32_t kid, std::string_view v);
  void AddValueGeneral(const CompiledKey& k, uint32_t kid, std::string_view v);
  template <bool kSingle>
  void AddValueImpl(const CompiledKey& k, uint32_t kid, std::string_view v);
  void ScanQuery();
  void EncodedPair(std::string_view key, std::string_view value, bool has_value);
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
  enum ActionKind : uint8_t { kActionInvoke, kActionConnect, kActionOther };
  ActionKind action_ = kActionOther;
  bool connect_ = false;
  bool unc_ = false;

  uint64_t* res_ = nullptr;    // clause results
  uint64_t* hit_ = nullptr;    // atoms hit by the current value
  uint64_t* any_ = nullptr;
  uint64_t* all_ = nullptr;
  uint64_t* first_ = nullptr;
  uint64_t* err_ = nullptr;
  static constexpr bool kFixed = kW > 0;
  uint8_t* counts_ = nullptr;  // values seen per key, saturating at 2 (!kFixed)
  uint64_t once_ = 0;          // kFixed: keys with at least one value
  uint64_t many_ = 0;          // kFixed: keys with two or more values
  uint64_t fixed_[6][kW > 0 ? kW : 1];  // kFixed: the six bit sets

  // The six bit sets: member arrays when the size is fixed (so one-word
  // plans keep them in registers), else the scratch pointers.
  LATTICEPOL_ALWAYS_INLINE uint64_t& Res(size_t i) { return kFixed ? fixed_[0][i] : res_[i]; }
  LATTICEPOL_ALWAYS_INLINE uint64_t& Hit(size_t i) { return kFixed ? fixed_[1][i] : hit_[i]; }
  LATTICEPOL_ALWAYS_INLINE uint64_t& Any(size_t i) { return kFixed ? fixed_[2][i] : any_[i]; }
  LATTICEPOL_ALWAYS_INLINE uint64_t& All(size_t i) { return kFixed ? fixed_[3][i] : all_[i]; }
  LATTICEPOL_ALWAYS_INLINE uint64_t& First(size_t i) { return kFixed ? fixed_[4][i] : first_[i]; }
  LATTICEPOL_ALWAYS_INLINE uint64_t& Err(size_t i) { return kFixed ? fixed_[5][i] : err_[i]; }

  // Index of a single-word key's word.
  LATTICEPOL_ALWAYS_INLINE uint32_t Lo(const CompiledKey& k) const {
    return kW == 1 ? 0 : k.word_lo;
  }
  LATTICEPOL_ALWAYS_INLINE uint32_t Count(uint32_t kid) const {
    if (kFixed) {
      return ((many_ >> kid) & 1) ? 2 : static_cast<uint32_t>((once_ >> kid) & 1);
    }
    return counts_[kid];
  }
  LATTICEPOL_ALWAYS_INLINE void Bump(uint32_t kid) {
    if (kFixed) {
      const uint64_t bit = uint64_t{1} << kid;
      many_ |= once_ & bit;
      once_ |= bit;
    } else if (counts_[kid] < 2) {
      ++counts_[kid];
    }
  }

  char arn_buf_[kArnBuffer];  // uninitialised: ResourceState builds the ARN here
  ResourceState rs_{r_, false, arn_buf_};  // re-made in Run() once connect_ is known
  std::unique_ptr<uint8_t[]> dynamic_resources_;
  char num_buf_[24];
};
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::AddValue(const CompiledKey& k, uint32_t kid,
                                      std::string_view v) {
  if (k.n_words == 1 && (k.features & ~kFeatExact) == 0) {
    // Short path: equality atoms only (the common case).
    const uint32_t lo = Lo(k);
    uint64_t h = 0;
    if (k.features != 0) {
      if (const MaskRef* m = k.exact.Find(v)) h = im_.masks[*m];
    }
    const uint64_t r = (h ^ k.one.neg) & k.one.value;
    if (Count(kid) == 0) First(lo) |= r;
    Any(lo) |= r;
    All(lo) &= r | ~k.one.value;
    Bump(kid);
    return;
  }
  AddValueGeneral(k, kid, v);
}

template <int kW>
void Evaluator<kW>::AddValueGeneral(const CompiledKey& k, uint32_t kid,
                                      std::string_view v) {
  if (kW == 1 || k.n_words == 1) {
    AddValueImpl<true>(k, kid, v);
  } else {
    AddValueImpl<false>(k, kid, v);
  }
}

// kSingle: the key's clauses fit one word, so the atoms' hits are folded in
// a local word instead of the scratch arrays.
template <int kW>
template <bool kSingle>
void Evaluator<kW>::AddValueImpl(const CompiledKey& k, uint32_t kid, std::string_view v) {
  const uint32_t lo = kW == 1 ? 0 : k.word_lo;
  const uint32_t n = kSingle ? 1 : k.n_words;
  const uint64_t* pool = im_.masks.data();
  uint64_t h1 = 0;  // kSingle: hits
  uint64_t e1 = 0;  // kSingle: T2 failures
  if (!kSingle) {
    for (uint32_t i = 0; i < n; ++i) Hit(lo + i) = 0;
  }
  auto hit = [&](MaskRef m) {
    if (kSingle) {
      h1 |= pool[m];
    } else {
      const uint64_t* src = pool + m;
      for (uint32_t i = 0; i < n; ++i) Hit(lo + i) |= src[i];
    }
  };
  auto fail = [&](MaskRef m) {  // T2
    if (kSingle) {
      e1 |= pool[m];
    } else {
      const uint64_t* src = pool + m;
      for (uint32_t i = 0; i < n; ++i) Err(lo + i) |= src[i];
    }
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
      const std::string_view lower(out, v.size());
      if (const MaskRef* m = k.folded.Find(lower)) hit(*m);
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
    if (!LooksLikeArn(v)) unc_ = true;  // O6
  }
  if (k.typed != 0) {
    if (k.typed & kTypedNumeric) {
      int64_t iv = 0;
      if (ParseSmallInt(v, &iv)) {
        for (const NumericAtom& a : k.numbers) {
          const int c = a.is_int ? (iv < a.int_value ? -1 : (iv > a.int_value ? 1 : 0))
                                 : CompareNumbers(v, a.value);
          if (CmpHolds(a.cmp, c)) hit(a.mask);
        }
      } else if (IsValidNumber(v)) {
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
  const bool first = Count(kid) == 0;
  if (kSingle) {
    const uint64_t r = (h1 ^ k.one.neg) & k.one.value;
    if (first) First(lo) |= r;
    Any(lo) |= r;
    All(lo) &= r | ~k.one.value;
    Err(lo) |= e1;
  } else {
    const uint64_t* value = pool + k.value;
    const uint64_t* neg = pool + k.neg;
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t r = (Hit(lo + i) ^ neg[i]) & value[i];
      if (first) First(lo + i) |= r;
      Any(lo + i) |= r;
      All(lo + i) &= r | ~value[i];
    }
  }
  Bump(kid);
}
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::Finalize(const CompiledKey& k, uint32_t kid) {
  if (k.n_words == 1) {
    const uint32_t lo = Lo(k);
    const OneWordMasks& m = k.one;
    const uint32_t count = Count(kid);
    if (count == 0) {
      Res(lo) |= m.absent_true & m.static_all;
      return;
    }
    if (count >= 2 && (k.checks & kCheckMulti)) unc_ = true;  // Q2
    uint64_t r = (count == 1 ? (First(lo) & m.plain) : 0) | (Any(lo) & m.any) |
                 (All(lo) & m.all);
    r = (r & ~Err(lo)) | m.null_present;
    Res(lo) |= r & m.static_all;
    return;
  }
  const uint32_t lo = k.word_lo;
  const uint32_t n = k.n_words;
  const uint64_t* pool = im_.masks.data();
  const uint32_t count = Count(kid);  // 0, 1 or 2 (= two or more)
  const uint64_t* st = pool + k.static_all;
  if (count == 0) {
    const uint64_t* absent = pool + k.absent_true;
    for (uint32_t i = 0; i < n; ++i) Res(lo + i) |= absent[i] & st[i];
    return;
  }
  if (count >= 2 && (k.checks & kCheckMulti)) unc_ = true;  // Q2
  const uint64_t* plain = pool + k.plain;
  const uint64_t* any = pool + k.any;
  const uint64_t* all = pool + k.all;
  const uint64_t* null_present = pool + k.null_present;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t w = lo + i;
    uint64_t r = (count == 1 ? (First(w) & plain[i]) : 0) | (Any(w) & any[i]) |
                 (All(w) & all[i]);
    r = (r & ~Err(w)) | null_present[i];
    Res(w) |= r & st[i];
  }
}
template <int kW>
LATTICEPOL_ALWAYS_INLINE int Evaluator<kW>::FindQuerySlot(std::string_view key) const {
  if (!im_.query_slot_map.empty()) {
    auto it = im_.query_slot_map.find(absl::string_view(key.data(), key.size()));
    return it == im_.query_slot_map.end() ? -1 : static_cast<int>(it->second);
  }
  for (size_t s = 0; s < im_.query_keys.size(); ++s) {
    const std::string& suffix = im_.keys[im_.query_keys[s]].key.suffix;
    if (suffix.size() == key.size() && BytesEqual(suffix.data(), key.data(), key.size())) {
      return static_cast<int>(s);
    }
  }
  return -1;
}

// Q1: a query key equal to a referenced one case-insensitively only.
template <int kW>
__attribute__((noinline)) void Evaluator<kW>::CheckQueryCase(std::string_view key) {
  if (unc_) return;
  for (uint32_t kid : im_.query_keys) {
    if (EqualsIgnoreCase(key, im_.keys[kid].key.suffix)) {
      unc_ = true;
      return;
    }
  }
}
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::QueryValue(uint32_t slot, std::string_view value) {
  if (value.empty()) unc_ = true;  // Q4
  const uint32_t kid = im_.query_keys[slot];
  const CompiledKey& k = im_.keys[kid];
  if (k.query_case_sibling) unc_ = true;  // Q1 for the sibling key
  AddValue(k, kid, value);
}

// Scans a raw query in place (SplitQuery semantics: `&`-split, first `=`
// splits, empty keys dropped, percent-decoding per Q3).
// A raw query pair with a `%` in it (Q3): decoded into stack buffers (or
// the heap when huge), then handled like any other pair.
template <int kW>
__attribute__((noinline)) void Evaluator<kW>::EncodedPair(std::string_view key,
                                                            std::string_view value,
                                                            bool has_value) {
  char key_buf[kDecodeBuffer];
  char value_buf[kDecodeBuffer];
  std::string key_heap;
  std::string value_heap;
  bool key_decoded = false;
  const std::string_view dk = DecodeQueryPart(key, key_buf, &key_heap, &key_decoded);
  const int slot = FindQuerySlot(dk);
  if (slot < 0) {
    CheckQueryCase(dk);
    return;
  }
  bool value_decoded = false;
  std::string_view dv;
  if (has_value) dv = DecodeQueryPart(value, value_buf, &value_heap, &value_decoded);
  if (key_decoded || value_decoded) unc_ = true;  // Q3
  QueryValue(static_cast<uint32_t>(slot), dv);
}

// Scans a raw query in place (SplitQuery semantics: `&`-split, first `=`
// splits, empty keys dropped, percent-decoding per Q3).
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::ScanQuery() {
  const std::string_view raw = r_.raw_query;
  const char* const data = raw.data();
  const size_t n = raw.size();
  size_t pos = 0;
  while (pos <= n) {
    // One pass over the pair: its end, its first `=`, and whether a `%`
    // occurs in it.
    size_t end = pos;
    size_t eq = std::string_view::npos;
    bool pct = false;
    for (;;) {
      while (end < n && kQueryClass[static_cast<unsigned char>(data[end])] == 0) ++end;
      if (end >= n || data[end] == '&') break;
      if (data[end] == '=') {
        if (eq == std::string_view::npos) eq = end;
      } else {  // '%'
        pct = true;
      }
      ++end;
    }
    const size_t start = pos;
    pos = end + 1;
    const size_t key_end = eq == std::string_view::npos ? end : eq;
    if (key_end == start) continue;  // empty pair or empty key: dropped
    const std::string_view key(data + start, key_end - start);
    const bool has_value = eq != std::string_view::npos;
    const std::string_view value =
        has_value ? std::string_view(data + eq + 1, end - eq - 1) : std::string_view();
    if (pct) {
      EncodedPair(key, value, has_value);
      continue;
    }
    const int slot = FindQuerySlot(key);
    if (slot < 0) {
      CheckQueryCase(key);
      continue;
    }
    QueryValue(static_cast<uint32_t>(slot), value);
  }
}

template <int kW>
void Evaluator<kW>::ScanParsedQuery() {
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
template <int kW>
LATTICEPOL_ALWAYS_INLINE bool Evaluator<kW>::ActionMatches(const CompiledStatement& s) const {
  if (action_ == kActionInvoke) return s.invoke;
  if (action_ == kActionConnect) return s.connect;
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
template <int kW>
bool Evaluator<kW>::PrincipalMatches(const PrincipalCheck& pc) const {
  return ignore_principal_ || PrincipalTest(pc, r_.principal);
}

template <int kW>
std::string_view Evaluator<kW>::ResourceArn() {
  return rs_.Arn();
}

template <int kW>
bool Evaluator<kW>::ResourceMatches(const ResourceCheck& rc) {
  return rs_.Matches(rc, dynamic_resources_.get());
}

// ---- Slow path: policy variables -------------------------------------------
template <int kW>
bool Evaluator<kW>::SlowValues(const ConditionKey& key, std::vector<std::string>* values) {
  values->clear();
  if (key.kind == KeyKind::kRequestQueryString) {
    if (connect_) return false;
    ForEachQueryPair(r_, [&](std::string_view k, std::string_view v, bool /*decoded*/) {
      if (k == key.suffix) values->emplace_back(v);
    });
    return !values->empty();
  }
  char buf[24];
  std::string_view v;
  if (SingleValue(key, r_, connect_, buf, &v)) {
    values->emplace_back(v);
  } else if (key.kind == KeyKind::kPrincipalOrgPaths && r_.principal != nullptr) {
    for (const std::string& path : r_.principal->org_paths) values->push_back(path);
  }
  return !values->empty();
}
template <int kW>
bool Evaluator<kW>::Substitute(std::string_view value, SubstituteFor mode,
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
template <int kW>
bool Evaluator<kW>::SlowClause(const Condition& c) {
  struct PolicyValue {
    std::string display;
    std::string glob;
    bool resolved = true;
  };
  const internal::OperatorRow& op = internal::OperatorSemantics(c.op);
  const OperatorFamily family = op.family;
  const bool negated = op.negated;
  const bool glob_op = op.glob;
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
          if (op.ignore_case) {
            if (HasNonAscii(v) || HasNonAscii(pv.display)) unc_ = true;  // O1
            hit = hit || EqualsIgnoreCase(v, pv.display);
          } else if (glob_op) {
            if (v.find('\n') != std::string::npos) unc_ = true;  // O2
            hit = hit || GlobMatch(pv.glob, v);
          } else {
            hit = hit || v == pv.display;
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
template <int kW>
void Evaluator<kW>::EvalDynamicResources() {
  using Kind = ResourcePattern::Kind;
  dynamic_resources_.reset(new uint8_t[im_.dynamic_resource_count]());
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
        dynamic_resources_[p.dynamic_slot] = p.use_segments
                                                 ? p.segments.Matches(arn, &tail)
                                                 : GlobMatch(p.head_glob + tail, arn);
      } else if (p.kind == Kind::kDynamicGlob) {
        std::string glob;
        if (!Substitute(p.text, SubstituteFor::kGlob, &glob)) continue;
        dynamic_resources_[p.dynamic_slot] = GlobMatch(glob, arn);
      }
    }
  }
}

// ---- The run ---------------------------------------------------------------
template <int kW>
Decision Evaluator<kW>::Run() {
  const CompiledPolicy::Impl& im = im_;
  const std::string_view action = r_.action;
  if (action.size() == kInvokeAction.size() &&
      BytesEqual(action.data(), kInvokeAction.data(), action.size())) {
    action_ = kActionInvoke;
  } else if (action.size() == kConnectAction.size() &&
             BytesEqual(action.data(), kConnectAction.data(), action.size())) {
    action_ = kActionConnect;
  }
  connect_ = action_ == kActionInvoke ? false
             : action_ == kActionConnect ? true
                                         : r_.is_connect();
  rs_.set_connect(connect_);
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

  // Scratch: six clause bit sets and per-key value counts, scalars for
  // one-word plans, else on the stack unless the policy is far beyond the
  // size limit.
  const size_t words = im.total_words;
  const size_t nkeys = im.keys.size();
  uint64_t inline_words[kFixed ? 1 : 6 * kInlineWords];
  uint8_t inline_counts[kFixed ? 1 : kInlineKeys];
  std::unique_ptr<uint64_t[]> heap_words;
  std::unique_ptr<uint8_t[]> heap_counts;
  if (kFixed) {
    for (int i = 0; i < kW; ++i) {
      fixed_[0][i] = 0;
      fixed_[1][i] = 0;
      fixed_[2][i] = 0;
      fixed_[3][i] = ~uint64_t{0};
      fixed_[4][i] = 0;
      fixed_[5][i] = 0;
    }
    res_ = fixed_[0];
    hit_ = fixed_[1];
    any_ = fixed_[2];
    all_ = fixed_[3];
    first_ = fixed_[4];
    err_ = fixed_[5];
  } else {
    uint64_t* w = inline_words;
    uint8_t* counts = inline_counts;
    if (words > kInlineWords) {
      heap_words.reset(new uint64_t[6 * words]);
      w = heap_words.get();
    }
    if (nkeys > kInlineKeys) {
      heap_counts.reset(new uint8_t[nkeys]);
      counts = heap_counts.get();
    }
    res_ = w;
    hit_ = w + words;
    any_ = w + 2 * words;
    all_ = w + 3 * words;
    first_ = w + 4 * words;
    err_ = w + 5 * words;
    for (size_t i = 0; i < words; ++i) {
      Res(i) = 0;
      Any(i) = 0;
      All(i) = ~uint64_t{0};
      First(i) = 0;
      Err(i) = 0;
    }
    for (size_t i = 0; i < nkeys; ++i) counts[i] = 0;
    counts_ = counts;
  }

  // 1. Request values, key by key.
  for (uint32_t kid : im.value_keys) {
    const CompiledKey& k = im.keys[kid];
    std::string_view v;
    const bool present = SingleValue(k.key, r_, connect_, num_buf_, &v);
    if (k.n_words == 1 && (k.features & ~kFeatExact) == 0 &&
        k.key.kind != KeyKind::kPrincipalOrgPaths) {
      // Single-valued key with equality atoms only: decide its clauses now.
      uint64_t r = k.one.absent_true;
      if (present) {
        uint64_t h = 0;
        if (k.features != 0) {
          if (const MaskRef* m = k.exact.Find(v)) h = im_.masks[*m];
        }
        r = ((h ^ k.one.neg) & k.one.value) | k.one.null_present;
      }
      Res(Lo(k)) |= r & k.one.static_all;
      continue;
    }
    if (present) {
      AddValue(k, kid, v);
    } else if (k.key.kind == KeyKind::kPrincipalOrgPaths && r_.principal != nullptr) {
      for (const std::string& path : r_.principal->org_paths) AddValue(k, kid, path);
    }
    Finalize(k, kid);
  }
  if (!connect_ && !im.query_keys.empty()) {
    if (r_.query_is_raw) {
      ScanQuery();
    } else {
      ScanParsedQuery();
    }
  }
  // Value keys were finalized above; query and unknown keys remain.
  for (uint32_t kid : im.deferred_keys) Finalize(im.keys[kid], kid);

  // 2. Clauses with variables.
  for (uint32_t id : im.dynamic_clauses) {
    if (SlowClause(*im.clauses[id].condition)) {
      const uint32_t bit = im.clauses[id].bit;
      Res(bit / 64) |= uint64_t{1} << (bit % 64);
    }
  }
  if (im.dynamic_resource_count > 0) EvalDynamicResources();

  // 3. Statements: Deny first, then Allow, each in document order.
  Decision d;
  for (const CompiledStatement& s : im.statements) {
    bool ok = true;
    if (kW == 1) {
      ok = (Res(0) & s.cond_one) == s.cond_one;
    } else if (kW > 0 && kW <= 4) {
      uint64_t miss = 0;
      for (int w = 0; w < kW; ++w) miss |= s.cond_small[w] & ~Res(w);
      ok = miss == 0;
    } else {
      for (uint32_t i = s.cond_begin; i < s.cond_end; ++i) {
        const auto& cw = im.cond_words[i];
        if ((Res(cw.first) & cw.second) != cw.second) {
          ok = false;
          break;
        }
      }
    }
    if (!ok || !ActionMatches(s) ||
        (!s.resource_always && !ResourceMatches(s.resource)) ||
        (!s.principal_always && !PrincipalMatches(s.principal))) {
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

// Out of line, so the dispatcher stays a few instructions (no big frame).
template <int kW>
__attribute__((noinline)) Decision RunGeneral(const CompiledPolicy::Impl& im,
                                              const RequestView& request,
                                              bool ignore_principal) {
  return Evaluator<kW>(im, request, ignore_principal).Run();
}

// ---- The simple plan ----------------------------------------------------------

// Returns the Action test of `st` for an action other than the two known ones.
bool ActionTest(const Statement& st, std::string_view action) {
  bool any = false;
  for (const std::string& pattern : st.actions) {
    if (internal::ActionMatches(pattern, action)) {
      any = true;
      break;
    }
  }
  return st.not_action ? !any : any;
}

// Percent-decodes a raw query pair into stack buffers and calls
// fn(key, value, decoded). Out of line: percent-encoded pairs are rare.
template <typename Fn>
__attribute__((noinline)) void WithDecodedPair(std::string_view key, std::string_view value,
                                               Fn& fn) {
  char key_buf[kDecodeBuffer];
  char value_buf[kDecodeBuffer];
  std::string key_heap;
  std::string value_heap;
  bool key_decoded = false;
  bool value_decoded = false;
  const std::string_view dk = DecodeQueryPart(key, key_buf, &key_heap, &key_decoded);
  const std::string_view dv = DecodeQueryPart(value, value_buf, &value_heap, &value_decoded);
  fn(dk, dv, key_decoded || value_decoded);
}

LATTICEPOL_ALWAYS_INLINE uint64_t SimpleLookup(const CompiledPolicy::Impl& im,
                                               const SimpleKey& k, std::string_view v) {
  if (k.n_entries >= 0) {
    const size_t n = v.size();
    for (int i = 0; i < k.n_entries; ++i) {
      const InlineEntry& e = k.entries[i];
      if (e.size == n && BytesEqual(e.data, v.data(), n)) return e.mask;
    }
    return 0;
  }
  const MaskRef* m = k.key->exact.Find(v);
  return m == nullptr ? 0 : im.masks[*m];
}

// The clause bits a present single value `v` of key `k` yields.
LATTICEPOL_ALWAYS_INLINE uint64_t SimpleValueBits(const CompiledPolicy::Impl& im,
                                                  const SimpleKey& k, std::string_view v) {
  return ((SimpleLookup(im, k, v) ^ k.neg) & k.value) | k.null_present;
}

Decision EvaluateSimple(const CompiledPolicy::Impl& im, const RequestView& r,
                        bool ignore_principal) {
  const SimplePlan& sp = im.simple;
  const std::string_view action = r.action;
  int action_kind = 2;  // 0 Invoke, 1 Connect, 2 other
  if (action.size() == kInvokeAction.size() &&
      BytesEqual(action.data(), kInvokeAction.data(), action.size())) {
    action_kind = 0;
  } else if (action.size() == kConnectAction.size() &&
             BytesEqual(action.data(), kConnectAction.data(), action.size())) {
    action_kind = 1;
  }
  const bool connect = action_kind == 0 ? false : action_kind == 1 ? true : r.is_connect();
  bool unc = sp.base_uncertain[ignore_principal ? 1 : 0];
  if (im.triggers != 0) {
    if (connect && (im.triggers & (kTriggerConnectKeys | kTriggerConnectResource))) {
      unc = true;  // K1
    }
    if (r.principal == nullptr) {
      if (im.triggers & kTriggerAnonymousAccount) unc = true;  // A2
    } else if (im.triggers & kTriggerSignedAwsService) {
      unc = true;  // A3
    }
  }

  // Single-valued keys: one lookup each decides all their clauses.
  uint64_t res = sp.const_res;
  for (const SimpleKey& k : sp.optional_keys) {
    const OptionalText& t = r.*k.optional_field;
    res |= (t.present ? SimpleValueBits(im, k, t.value) : k.absent_true) & k.static_all;
  }
  for (const SimpleKey& k : sp.string_keys) {
    res |= (connect ? k.absent_true : SimpleValueBits(im, k, r.*k.string_field)) & k.static_all;
  }
  if (!sp.other_keys.empty()) {
    char num_buf[24];
    for (const SimpleKey& k : sp.other_keys) {
      std::string_view v;
      const bool present = SingleValue(k.key->key, r, connect, num_buf, &v);
      res |= (present ? SimpleValueBits(im, k, v) : k.absent_true) & k.static_all;
    }
  }

  // Query keys: stream every value, then apply the set/Q2 rules. A
  // plain-only key (no set qualifier) keeps its first value, looked up once
  // after the scan and only when it is the key's only value.
  if (!sp.query.empty()) {
    if (connect) {
      for (const SimpleKey& q : sp.query) res |= q.absent_true & q.static_all;
    } else {
      uint64_t first = 0;     // bits of each key's first value, once resolved
      uint64_t resolved = 0;  // slots whose first value is already in `first`
      uint64_t any = 0;
      uint64_t all = ~uint64_t{0};
      uint64_t once = 0;
      uint64_t many = 0;
      // By slot (the plan has at most 8); read only for slots in `once`, so
      // left uninitialised.
      const char* first_data[8];
      size_t first_size[8];
      const size_t nq = sp.query.size();
      auto find_slot = [&](std::string_view key) __attribute__((always_inline)) -> int {
        const size_t n = key.size();
        for (size_t i = 0; i < nq; ++i) {
          const SimpleKey& q = sp.query[i];
          if (q.suffix.size() == n && BytesEqual(q.suffix.data(), key.data(), n)) {
            return static_cast<int>(i);
          }
        }
        return -1;
      };
      auto no_slot = [&](std::string_view key) {  // Q1
        if (unc) return;
        for (const SimpleKey& q : sp.query) {
          if (EqualsIgnoreCase(key, q.suffix)) {
            unc = true;
            return;
          }
        }
      };
      // `stable`: `value` outlives the scan (it points into the request).
      auto add = [&](int slot, std::string_view value, bool stable)
                     __attribute__((always_inline)) {
        const SimpleKey& q = sp.query[static_cast<size_t>(slot)];
        if (value.empty()) unc = true;  // Q4
        if (q.case_sibling) unc = true;  // Q1 for the sibling key
        const uint64_t bit = uint64_t{1} << slot;
        const bool seen = (once & bit) != 0;
        many |= once & bit;
        once |= bit;
        if (q.plain_only && stable) {
          if (!seen) {
            first_data[slot] = value.data();
            first_size[slot] = value.size();
          }
          return;
        }
        const uint64_t rr = (SimpleLookup(im, q, value) ^ q.neg) & q.value;
        if (!seen) {
          first |= rr;
          resolved |= bit;
        }
        any |= rr;
        all &= rr | ~q.value;
      };
      if (r.query_is_raw) {
        const std::string_view raw = r.raw_query;
        const char* const data = raw.data();
        const size_t n = raw.size();
        // Decoded pairs live in WithDecodedPair's buffers: not stable.
        auto decoded_pair = [&](std::string_view dk, std::string_view dv, bool decoded) {
          const int slot = find_slot(dk);
          if (slot < 0) {
            no_slot(dk);
            return;
          }
          if (decoded) unc = true;  // Q3
          add(slot, dv, false);
        };
        size_t pos = 0;
        while (pos <= n) {
          size_t end = pos;
          size_t eq = std::string_view::npos;
          bool pct = false;
          for (;;) {
            // Four bytes per step while none of them is special.
            while (end + 4 <= n &&
                   (kQueryClass[static_cast<unsigned char>(data[end])] |
                    kQueryClass[static_cast<unsigned char>(data[end + 1])] |
                    kQueryClass[static_cast<unsigned char>(data[end + 2])] |
                    kQueryClass[static_cast<unsigned char>(data[end + 3])]) == 0) {
              end += 4;
            }
            while (end < n && kQueryClass[static_cast<unsigned char>(data[end])] == 0) ++end;
            if (end >= n || data[end] == '&') break;
            if (data[end] == '=') {
              if (eq == std::string_view::npos) eq = end;
            } else {
              pct = true;
            }
            ++end;
          }
          const size_t start = pos;
          pos = end + 1;
          const size_t key_end = eq == std::string_view::npos ? end : eq;
          if (key_end == start) continue;  // empty pair or empty key: dropped
          const std::string_view key(data + start, key_end - start);
          const std::string_view value = eq == std::string_view::npos
                                             ? std::string_view()
                                             : std::string_view(data + eq + 1, end - eq - 1);
          if (pct) {
            WithDecodedPair(key, value, decoded_pair);
            continue;
          }
          const int slot = find_slot(key);
          if (slot < 0) {
            no_slot(key);
            continue;
          }
          add(slot, value, true);
        }
      } else {
        for (size_t i = 0; i < r.query.size(); ++i) {
          const std::string_view name = r.query.name(i);
          const int slot = find_slot(name);
          if (slot < 0) {
            no_slot(name);
            continue;
          }
          add(slot, r.query.value(i), true);
        }
      }
      for (size_t i = 0; i < nq; ++i) {
        const SimpleKey& q = sp.query[i];
        const uint64_t bit = uint64_t{1} << i;
        uint64_t out = q.absent_true;
        if (once & bit) {
          const bool two = (many & bit) != 0;
          if (two && q.multi_check) unc = true;  // Q2
          uint64_t single = 0;
          if (!two) {
            single = (resolved & bit) ? first
                                      : (SimpleLookup(im, q, std::string_view(first_data[i],
                                                                              first_size[i])) ^
                                         q.neg) &
                                            q.value;
          }
          out = (single & q.plain) | (any & q.any) | (all & q.all) | q.null_present;
        }
        res |= out & q.static_all;
      }
    }
  }

  // Statements: Deny first, then Allow, each in document order.
  Decision d;
  d.uncertain = unc ? kMaybeUncertain : 0;
  if (!sp.any_nontrivial) {
    // Every statement passes its Principal and Resource tests.
    for (const SimpleStatement& s : sp.statements) {
      if ((res & s.cond) != s.cond) continue;
      const bool act = action_kind == 0   ? s.invoke
                       : action_kind == 1 ? s.connect
                                          : ActionTest(im.doc.statements[s.index], action);
      if (!act) continue;
      d.kind = s.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
      d.statement = s.index;
      break;
    }
    return d;
  }
  // The resource state (and its ARN buffer) only for statements that test
  // a Resource pattern.
  char arn_buf[kArnBuffer];
  std::optional<ResourceState> rs;
  for (const SimpleStatement& s : sp.statements) {
    if ((res & s.cond) != s.cond) continue;
    const bool act = action_kind == 0   ? s.invoke
                     : action_kind == 1 ? s.connect
                                        : ActionTest(im.doc.statements[s.index], action);
    if (!act) continue;
    if (!s.trivial) {
      const CompiledStatement& full = *s.full;
      if (!full.resource_always) {
        if (!rs) rs.emplace(r, connect, arn_buf);
        if (!rs->Matches(full.resource, nullptr)) continue;
      }
      if (!full.principal_always && !ignore_principal &&
          !PrincipalTest(full.principal, r.principal)) {
        continue;
      }
    }
    d.kind = s.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
    d.statement = s.index;
    break;
  }
  return d;
}

}  // namespace

Decision EvaluateCompiled(const CompiledPolicy& policy, const RequestView& request,
                          bool ignore_principal) {
  const CompiledPolicy::Impl& im = policy.impl();
  if (im.simple.enabled) return EvaluateSimple(im, request, ignore_principal);
  if (im.keys.size() <= 64) {
    if (im.total_words <= 1) return RunGeneral<1>(im, request, ignore_principal);
    if (im.total_words <= 2) return RunGeneral<2>(im, request, ignore_principal);
    if (im.total_words <= 4) return RunGeneral<4>(im, request, ignore_principal);
  }
  return RunGeneral<0>(im, request, ignore_principal);
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
