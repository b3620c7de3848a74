// File: src/evaluate_simple.cc
// Stage: evaluate (fast path). The simple compiled plan: policies whose keys
// are all single-valued exact-match keys (plus query keys) are decided with
// one lookup per key and no clause bit sets. Shared prologue:
// internal/compiled_eval.h.
#include "internal/compiled_eval.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace latticepol {
namespace internal {
namespace {

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

// The clause bits a present single value `v` of key `k` yields (masked by
// static_all).
LATTICEPOL_ALWAYS_INLINE uint64_t SimpleValueBits(const CompiledPolicy::Impl& im,
                                                  const SimpleKey& k, std::string_view v) {
  if (k.n_entries >= 0) {
    const size_t n = v.size();
    for (int i = 0; i < k.n_entries; ++i) {
      const InlineEntry& e = k.entries[i];
      if (e.size == n && BytesEqual(e.data, v.data(), n)) return e.bits;
    }
    return k.miss_bits;
  }
  const MaskRef* m = k.key->exact.Find(v);
  return m == nullptr ? k.miss_bits
                      : (((im.masks[*m] ^ k.neg) & k.value) | k.null_present) & k.static_all;
}

// The number of query keys: kFixedNq when it is known at compile time
// (QueryScan<1> for the common single-key plan), else the plan's.
template <int kFixedNq>
LATTICEPOL_ALWAYS_INLINE size_t QueryCount(const SimplePlan& sp) {
  return kFixedNq > 0 ? static_cast<size_t>(kFixedNq) : sp.query.size();
}

// The slot of the query key named `key`, or -1.
template <int kFixedNq = 0>
LATTICEPOL_ALWAYS_INLINE int FindQuerySlot(const SimplePlan& sp, std::string_view key) {
  const size_t n = key.size();
  const size_t nq = QueryCount<kFixedNq>(sp);
  for (size_t i = 0; i < nq; ++i) {
    const SimpleKey& q = sp.query[i];
    if (q.suffix.size() == n && BytesEqual(q.suffix.data(), key.data(), n)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Q1: `key` (not a referenced key) equals one case-insensitively.
__attribute__((noinline)) bool IsCaseVariant(const SimplePlan& sp, std::string_view key) {
  for (const SimpleKey& q : sp.query) {
    if (EqualsIgnoreCase(key, q.suffix)) return true;
  }
  return false;
}

// A percent-encoded raw pair, decoded (out of line: rare, and the scan's
// state stays in registers): its slot (-1 for none), whether the decoded
// key is a case variant of a referenced one (Q1), and for a referenced key
// the lookup bits of its value.
struct DecodedPair {
  int slot = -1;
  bool case_variant = false;
  bool decoded = false;  // Q3
  bool empty = false;    // Q4
  uint64_t bits = 0;     // (lookup ^ neg) & value
};

__attribute__((noinline)) DecodedPair DecodePair(const CompiledPolicy::Impl& im,
                                                 std::string_view key, std::string_view value) {
  DecodedPair out;
  WithDecodedQueryPair(key, value, [&](std::string_view dk, std::string_view dv, bool decoded) {
    const SimplePlan& sp = im.simple;
    out.slot = FindQuerySlot(sp, dk);
    if (out.slot < 0) {
      out.case_variant = IsCaseVariant(sp, dk);
      return;
    }
    const SimpleKey& q = sp.query[static_cast<size_t>(out.slot)];
    out.decoded = decoded;
    out.empty = dv.empty();
    out.bits = (SimpleLookup(im, q, dv) ^ q.neg) & q.value;
  });
  return out;
}

// Bytes that end a raw query value or need decoding: `&`, `%`.
constexpr std::array<uint8_t, 256> MakeAmpPct() {
  std::array<uint8_t, 256> t{};
  t['&'] = 1;
  t['%'] = 1;
  return t;
}
constexpr std::array<uint8_t, 256> kAmpPct = MakeAmpPct();

// 0 for Invoke, 1 for Connect, 2 for any other action.
LATTICEPOL_ALWAYS_INLINE int ActionKindOf(std::string_view action) {
  if (action.size() == kInvokeAction.size() &&
      BytesEqual(action.data(), kInvokeAction.data(), action.size())) {
    return 0;
  }
  if (action.size() == kConnectAction.size() &&
      BytesEqual(action.data(), kConnectAction.data(), action.size())) {
    return 1;
  }
  return 2;
}

// The request-dependent uncertainty triggers (K1, A2, A3) on top of the
// plan's static flag.
LATTICEPOL_ALWAYS_INLINE bool RequestUncertain(const CompiledPolicy::Impl& im,
                                               const RequestView& r, bool connect,
                                               bool ignore_principal) {
  bool unc = im.simple.base_uncertain[ignore_principal ? 1 : 0];
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
  return unc;
}

// The clause bits of the single-valued keys: one lookup each decides all
// their clauses.
LATTICEPOL_ALWAYS_INLINE uint64_t SingleKeyBits(const CompiledPolicy::Impl& im,
                                                const RequestView& r, bool connect) {
  const SimplePlan& sp = im.simple;
  uint64_t res = sp.const_res;
  for (const SimpleKey& k : sp.optional_keys) {
    const OptionalText& t = r.*k.optional_field;
    res |= t.present ? SimpleValueBits(im, k, t.value) : k.absent_bits;
  }
  for (const SimpleKey& k : sp.string_keys) {
    res |= connect ? k.absent_bits : SimpleValueBits(im, k, r.*k.string_field);
  }
  if (!sp.other_keys.empty()) {
    char num_buf[24];
    for (const SimpleKey& k : sp.other_keys) {
      std::string_view v;
      const bool present = SingleValue(k.key->key, r, connect, num_buf, &v);
      res |= present ? SimpleValueBits(im, k, v) : k.absent_bits;
    }
  }
  return res;
}

// The query keys' scan: every value of a referenced key streams through
// Add; Finish applies the set/Q2 rules. A plain-only key (no set qualifier)
// keeps its first value, looked up once after the scan and only when it is
// the key's only value. Q1-Q4 are raised only by pairs whose key is (a case
// variant or an encoding of) a referenced key.
// The end of the raw query value starting at `pos`: the next `&` or `n`;
// `*pct` tells whether a `%` occurs before it.
LATTICEPOL_ALWAYS_INLINE size_t ValueEnd(const char* data, size_t n, size_t pos, bool* pct) {
  size_t end = pos;
  for (;;) {
    while (end + 4 <= n &&
           (kAmpPct[static_cast<unsigned char>(data[end])] |
            kAmpPct[static_cast<unsigned char>(data[end + 1])] |
            kAmpPct[static_cast<unsigned char>(data[end + 2])] |
            kAmpPct[static_cast<unsigned char>(data[end + 3])]) == 0) {
      end += 4;
    }
    while (end < n && kAmpPct[static_cast<unsigned char>(data[end])] == 0) ++end;
    if (end >= n || data[end] == '&') return end;
    *pct = true;
    ++end;
  }
}

template <int kFixedNq>
struct QueryScan {
  const CompiledPolicy::Impl& im;
  const SimplePlan& sp;
  bool& unc;
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

  QueryScan(const CompiledPolicy::Impl& i, bool& u) : im(i), sp(i.simple), unc(u) {}

  LATTICEPOL_ALWAYS_INLINE int FindSlot(std::string_view key) const {
    return FindQuerySlot<kFixedNq>(sp, key);
  }

  LATTICEPOL_ALWAYS_INLINE void NoSlot(std::string_view key) {  // Q1
    if (!unc && IsCaseVariant(sp, key)) unc = true;
  }

  // A value of the key in `slot` whose lookup bits are `rr`.
  LATTICEPOL_ALWAYS_INLINE void AddBits(int slot, uint64_t rr, bool empty) {
    const SimpleKey& q = sp.query[static_cast<size_t>(slot)];
    if (empty) unc = true;           // Q4
    if (q.case_sibling) unc = true;  // Q1 for the sibling key
    const uint64_t bit = uint64_t{1} << slot;
    if ((once & bit) == 0) {
      first |= rr;
      resolved |= bit;
    }
    many |= once & bit;
    once |= bit;
    any |= rr;
    all &= rr | ~q.value;
  }

  // A value of the key in `slot` that points into the request.
  LATTICEPOL_ALWAYS_INLINE void Add(int slot, std::string_view value) {
    const SimpleKey& q = sp.query[static_cast<size_t>(slot)];
    if (!q.plain_only) {
      AddBits(slot, (SimpleLookup(im, q, value) ^ q.neg) & q.value, value.empty());
      return;
    }
    if (value.empty()) unc = true;   // Q4
    if (q.case_sibling) unc = true;  // Q1 for the sibling key
    const uint64_t bit = uint64_t{1} << slot;
    if ((once & bit) == 0) {
      first_data[slot] = value.data();
      first_size[slot] = value.size();
    }
    many |= once & bit;
    once |= bit;
  }

  // The common case of a referenced pair: its key bytes are a raw_exact
  // suffix and its value has no `%`. Adds it, moves `*pos` past its `&` and
  // returns true; else returns false with `*pos` unchanged.
  LATTICEPOL_ALWAYS_INLINE bool ExactPair(const char* data, size_t n, size_t* pos) {
    const size_t start = *pos;
    const size_t left = n - start;
    const size_t nq = QueryCount<kFixedNq>(sp);
    for (size_t i = 0; i < nq; ++i) {
      const SimpleKey& q = sp.query[i];
      const size_t len = q.suffix.size();
      if (!q.raw_exact || len > left || !BytesEqual(q.suffix.data(), data + start, len)) continue;
      size_t end = start + len;
      if (end < n && data[end] != '=' && data[end] != '&') continue;  // a longer key
      const bool has_value = end < n && data[end] == '=';
      const size_t value_begin = has_value ? end + 1 : end;
      bool pct = false;
      end = has_value ? ValueEnd(data, n, value_begin, &pct) : value_begin;
      if (pct) return false;  // decode it: the general path
      Add(static_cast<int>(i), std::string_view(data + value_begin, end - value_begin));
      *pos = end + 1;
      return true;
    }
    return false;
  }

  // A raw query, in place. A pair whose first byte is not in
  // sp.query_first cannot be a referenced key, a case variant of one or an
  // encoding of one, so it is skipped to its `&` unparsed.
  LATTICEPOL_ALWAYS_INLINE void ScanRaw(std::string_view raw) {
    const char* const data = raw.data();
    const size_t n = raw.size();
    size_t pos = 0;
    RawQueryPair pair;
    while (pos < n) {
      if (!sp.query_first[static_cast<unsigned char>(data[pos])]) {
        if (!SkipRawQueryPair(data, n, &pos)) return;
        continue;
      }
      if (ExactPair(data, n, &pos)) continue;
      if (!NextRawQueryPair(data, n, &pos, &pair)) continue;  // empty key: dropped
      if (pair.pct) {
        const DecodedPair d = DecodePair(im, pair.key, pair.value);
        if (d.slot < 0) {
          if (d.case_variant) unc = true;  // Q1
          continue;
        }
        if (d.decoded) unc = true;  // Q3
        AddBits(d.slot, d.bits, d.empty);
        continue;
      }
      const int slot = FindSlot(pair.key);
      if (slot < 0) {
        NoSlot(pair.key);
        continue;
      }
      Add(slot, pair.value);
    }
    // pos == n: an empty last pair (dropped); pos == n + 1: past the end.
  }

  void ScanSplit(const ParamList& query) {
    for (size_t i = 0; i < query.size(); ++i) {
      const std::string_view name = query.name(i);
      const int slot = FindSlot(name);
      if (slot < 0) {
        NoSlot(name);
        continue;
      }
      Add(slot, query.value(i));
    }
  }

  // The clause bits of every query key, after the scan.
  LATTICEPOL_ALWAYS_INLINE uint64_t Finish() {
    uint64_t res = 0;
    const size_t nq = QueryCount<kFixedNq>(sp);
    for (size_t i = 0; i < nq; ++i) {
      const SimpleKey& q = sp.query[i];
      const uint64_t bit = uint64_t{1} << i;
      uint64_t out = q.absent_true;
      if (once & bit) {
        const bool two = (many & bit) != 0;
        if (two && q.multi_check) unc = true;  // Q2
        uint64_t single = 0;
        if (!two) {
          single = (resolved & bit)
                       ? first
                       : (SimpleLookup(im, q, std::string_view(first_data[i], first_size[i])) ^
                          q.neg) &
                             q.value;
        }
        out = (single & q.plain) | (any & q.any) | (all & q.all) | q.null_present;
      }
      res |= out & q.static_all;
    }
    return res;
  }
};

// The query bits of a plan with one referenced query key, plain operators
// only, on a raw query (SimplePlan::one_plain_query): the scan keeps only
// the key's value count and first value, in registers. Same results as
// QueryScan.
LATTICEPOL_ALWAYS_INLINE uint64_t OneQueryKeyBits(const CompiledPolicy::Impl& im,
                                                  std::string_view raw, bool* unc) {
  const SimplePlan& sp = im.simple;
  const SimpleKey& q = sp.query[0];
  const char* const data = raw.data();
  const size_t n = raw.size();
  const char* const key = q.suffix.data();
  const size_t len = q.suffix.size();
  int count = 0;
  std::string_view first;      // the first value, when it is raw
  bool first_looked = false;   // the first value was decoded: its bits are in `bits`
  uint64_t bits = 0;
  bool u = false;
  size_t pos = 0;
  while (pos < n) {
    if (!sp.query_first[static_cast<unsigned char>(data[pos])]) {
      if (!SkipRawQueryPair(data, n, &pos)) break;
      continue;
    }
    if (len <= n - pos && BytesEqual(key, data + pos, len) &&
        (pos + len == n || data[pos + len] == '=' || data[pos + len] == '&')) {
      const bool has_value = pos + len < n && data[pos + len] == '=';
      const size_t value_begin = pos + len + (has_value ? 1 : 0);
      bool pct = false;
      const size_t end = has_value ? ValueEnd(data, n, value_begin, &pct) : value_begin;
      if (!pct) {
        if (count++ == 0) first = std::string_view(data + value_begin, end - value_begin);
        if (end == value_begin) u = true;  // Q4
        pos = end + 1;
        continue;
      }
    }
    RawQueryPair pair;
    if (!NextRawQueryPair(data, n, &pos, &pair)) continue;  // empty key: dropped
    if (pair.pct) {
      const DecodedPair d = DecodePair(im, pair.key, pair.value);
      if (d.slot < 0) {
        if (d.case_variant) u = true;  // Q1
        continue;
      }
      if (d.decoded) u = true;  // Q3
      if (d.empty) u = true;    // Q4
      if (count++ == 0) {
        first_looked = true;
        bits = d.bits;
      }
      continue;
    }
    // Not the key (an exact, unencoded match was taken above).
    if (!u && IsCaseVariant(sp, pair.key)) u = true;  // Q1
  }
  if (u) *unc = true;
  if (count == 0) return q.absent_true & q.static_all;
  uint64_t single = 0;
  if (count >= 2) {
    if (q.multi_check) *unc = true;  // Q2
  } else {
    single = first_looked ? bits : (SimpleLookup(im, q, first) ^ q.neg) & q.value;
  }
  return ((single & q.plain) | q.null_present) & q.static_all;
}

template <int kFixedNq>
LATTICEPOL_ALWAYS_INLINE uint64_t ScanQuery(const CompiledPolicy::Impl& im, const RequestView& r,
                                            bool* unc) {
  QueryScan<kFixedNq> scan(im, *unc);
  if (r.query_is_raw) {
    scan.ScanRaw(r.raw_query);
  } else {
    scan.ScanSplit(r.query);
  }
  return scan.Finish();
}

// The clause bits of the query keys (absent for Connect).
LATTICEPOL_ALWAYS_INLINE uint64_t QueryBits(const CompiledPolicy::Impl& im, const RequestView& r,
                                            bool connect, bool* unc) {
  const SimplePlan& sp = im.simple;
  if (sp.query.empty()) return 0;
  if (connect) {
    uint64_t res = 0;
    for (const SimpleKey& q : sp.query) res |= q.absent_true & q.static_all;
    return res;
  }
  if (sp.one_plain_query && r.query_is_raw) return OneQueryKeyBits(im, r.raw_query, unc);
  if (sp.query.size() == 1) return ScanQuery<1>(im, r, unc);
  return ScanQuery<0>(im, r, unc);
}

Decision PickNontrivial(const CompiledPolicy::Impl& im, const RequestView& r, uint64_t res,
                        int action_kind, bool connect, bool ignore_principal);

// The first statement (Deny first, then Allow, each in document order)
// whose clauses all hold in `res` and whose Action, Resource and Principal
// tests pass.
LATTICEPOL_ALWAYS_INLINE Decision PickStatement(const CompiledPolicy::Impl& im,
                                                const RequestView& r, uint64_t res,
                                                int action_kind, bool connect,
                                                bool ignore_principal) {
  const SimplePlan& sp = im.simple;
  const std::string_view action = r.action;
  Decision d;
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
  return PickNontrivial(im, r, res, action_kind, connect, ignore_principal);
}

// PickStatement for plans with Principal or Resource tests (out of line: its
// ARN buffer stays off the common path's stack frame).
__attribute__((noinline)) Decision PickNontrivial(const CompiledPolicy::Impl& im,
                                                  const RequestView& r, uint64_t res,
                                                  int action_kind, bool connect,
                                                  bool ignore_principal) {
  const SimplePlan& sp = im.simple;
  const std::string_view action = r.action;
  Decision d;
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

// ---- The equality plan (internal::EqPlan) ----------------------------------

// The bits of an entry equal to `v` (setting `*found`), or 0. Unused entries
// (empty, bits 0) after the used ones may be scanned too: an empty `v` that
// no used entry equals then yields 0, as a miss does.
LATTICEPOL_ALWAYS_INLINE uint64_t EqLookup(const InlineEntry* entries, int n_entries,
                                           std::string_view v, bool* found) {
  const size_t n = v.size();
  for (int i = 0; i < n_entries; ++i) {
    if (entries[i].size == n && BytesEqual(entries[i].data, v.data(), n)) {
      *found = true;
      return entries[i].bits;
    }
  }
  return 0;
}

// What a pair that starts like the query key but is not it means: nothing,
// Q1 (a case variant), or a `%` in its key (decoding needed: bail out).
enum class EqOther : uint8_t { kNothing, kCaseVariant, kBail };

// Out of line: rare (the pair's first byte is one of the key's).
__attribute__((noinline)) EqOther EqOtherPair(const EqPlan& ep, const char* pair, size_t size) {
  const void* eq = std::memchr(pair, '=', size);
  const size_t key_size = eq == nullptr ? size : static_cast<size_t>(
                                                     static_cast<const char*>(eq) - pair);
  const std::string_view key(pair, key_size);
  if (key.find('%') != std::string_view::npos) return EqOther::kBail;
  return EqualsIgnoreCase(key, ep.query_key) ? EqOther::kCaseVariant : EqOther::kNothing;
}

// The position of the first `&` at or after `pos`, or `n`: eight bytes per
// step (the zero-byte test on the word XOR "&&&&&&&&"; the lowest flagged
// byte is exact), the last partial word as the overlapping final word
// shifted down, bytes only for queries under eight bytes.
LATTICEPOL_ALWAYS_INLINE size_t FindAmp(const char* data, size_t n, size_t pos) {
  constexpr uint64_t kAmps = 0x2626262626262626ULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  if (n < 8) {
    while (pos < n && data[pos] != '&') ++pos;
    return pos;
  }
  for (;;) {
    uint64_t w;
    const size_t left = n - pos;
    if (left >= 8) {
      w = Load64(data + pos);
    } else if (left == 0) {
      return n;
    } else {
      w = Load64(data + n - 8) >> (8 * (8 - left));  // zero bytes above: not `&`
    }
    const uint64_t x = w ^ kAmps;
    const uint64_t t = (x - kOnes) & ~x & kHigh;
    if (t != 0) {
      const size_t at = pos + static_cast<size_t>(__builtin_ctzll(t) >> 3);
      return at < n ? at : n;
    }
    if (left <= 8) return n;
    pos += 8;
  }
}

// The state of the query key's scan: its occurrences, the first one's bits,
// and whether Q1/Q4 were seen.
struct EqScan {
  int count = 0;
  bool unc = false;
  uint64_t first = 0;
};

#if defined(__SSE2__)
LATTICEPOL_ALWAYS_INLINE __m128i Splat(const uint8_t (&bytes)[16]) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(bytes));
}

// The whole-pair test (EqPlan::pair_bytes): the index of the policy pair
// equal to the `size` bytes of the raw pair at `pair`, or -1. The 16 bytes at
// `pair` must be readable (within the text or its page).
LATTICEPOL_ALWAYS_INLINE int EqWholePair(const EqPlan& ep, const char* pair, size_t size) {
  const __m128i v = LoadWithinPage(pair);
  for (int k = 0; k < ep.n_pairs; ++k) {
    if (ep.pair_size[k] != size) continue;
    const uint32_t same =
        EqualBytes(v, _mm_load_si128(reinterpret_cast<const __m128i*>(ep.pair_bytes[k])));
    const uint32_t want = (uint32_t{1} << size) - 1;  // size <= 16
    if ((same & want) == want) return k;
  }
  return -1;
}

// Bit i of each mask describes byte i of a raw query of 1 to 64 bytes: `&`,
// `%`, and the bytes of query_first (the key's first byte in both cases,
// `%`, non-ASCII).
struct EqMasks {
  uint64_t amp = 0, pct = 0, first = 0;
};

// Adds the 16 bytes `v` found at offset `at` to `*m`.
LATTICEPOL_ALWAYS_INLINE void AddChunk(const EqPlan& ep, __m128i v, size_t at, EqMasks* m) {
  const uint64_t amp = EqualBytes(v, Splat(ep.splat[0]));
  const uint64_t pct = EqualBytes(v, Splat(ep.splat[1]));
  const __m128i first = _mm_or_si128(_mm_cmpeq_epi8(v, Splat(ep.splat[2])),
                                     _mm_cmpeq_epi8(v, Splat(ep.splat[3])));
  // The sign bit of `v` flags the non-ASCII bytes.
  const uint64_t cls = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(first, v))) | pct;
  m->amp |= amp << at;
  m->pct |= pct << at;
  m->first |= cls << at;
}

// A pair of the vector scan that is none of the policy's whole pairs: the
// query key with another value (or none), or a pair that starts like it.
// Out of line: the scan's loop keeps its few values in registers. Returns
// false to bail out.
__attribute__((noinline)) bool EqVectorOddPair(const EqPlan& ep, const char* data, size_t pos,
                                               size_t size, uint64_t pct, EqScan* st) {
  const char* const key = ep.query_key.data();
  const size_t len = ep.query_key.size();
  const char* const pair = data + pos;
  if (size >= len && BytesEqual(key, pair, len) && (size == len || pair[len] == '=')) {
    const size_t vb = size == len ? len : len + 1;
    const size_t vn = size - vb;  // < 64
    if (vn == 0) st->unc = true;  // Q4
    bool found = false;
    if (st->count++ == 0) {
      st->first = EqLookup(ep.query_entries, ep.n_query_entries,
                           std::string_view(pair + vb, vn), &found);
    }
    // Q3: a `%` in the value. An empty value has none, and skipping it keeps
    // the shift below 64 when the value would start at the query's end.
    if (!found && vn != 0 && ((pct >> (pos + vb)) & ((uint64_t{1} << vn) - 1)) != 0) {
      return false;
    }
    return true;
  }
  const EqOther other = EqOtherPair(ep, pair, size);
  if (other == EqOther::kBail) return false;
  if (other == EqOther::kCaseVariant) st->unc = true;  // Q1
  return true;
}

// EqQueryBits for a query of 1 to 64 bytes, from its masks: the `&` bytes
// give every pair's start and end, the bytes of query_first pick the pairs
// to look at, and the `%` bytes answer Q3 for the value. A query under 16
// bytes is one load that may extend past it within its page (the caller
// checks); a longer one is read in 16-byte chunks, the last one ending at
// its end (overlapping chunks set the same bits). Returns false to bail out.
LATTICEPOL_ALWAYS_INLINE bool EqVectorQuery(const EqPlan& ep, const char* data, size_t n,
                                            EqScan* st) {
  EqMasks m;
  if (n < 16) {
    AddChunk(ep, LoadWithinPage(data), 0, &m);
    const uint64_t keep = (uint64_t{1} << n) - 1;
    m.amp &= keep;
    m.pct &= keep;
    m.first &= keep;
  } else {
    for (size_t k = 0; k < n; k += 16) {
      const size_t at = k + 16 <= n ? k : n - 16;
      AddChunk(ep, _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at)), at, &m);
    }
  }
  uint64_t cand = ((m.amp << 1) | 1) & m.first;
  while (cand != 0) {
    const size_t pos = static_cast<size_t>(__builtin_ctzll(cand));
    cand &= cand - 1;
    const uint64_t rest = m.amp >> pos;
    const size_t end = rest != 0 ? pos + static_cast<size_t>(__builtin_ctzll(rest)) : n;
    const char* const pair = data + pos;
    const size_t size = end - pos;
    // A pair equal to one of the policy's: its value is not empty and has
    // no `%` (EqQueryFits). Its 16 bytes are readable: within the text, or
    // a short text's first 32 (the caller checks), or the page.
    if (size <= 16 && (n < 16 || pos + 16 <= n || InPage(pair, 16))) {
      const int k = EqWholePair(ep, pair, size);
      if (k >= 0) {
        if (st->count++ == 0) st->first = ep.pair_bits[k];
        continue;
      }
    }
    if (!EqVectorOddPair(ep, data, pos, size, m.pct, st)) return false;
  }
  return true;
}
#endif

// The query key's clause bits from a raw query, as QueryScan/OneQueryKeyBits
// compute them; returns false (bail out) where a pair needs decoding. The
// plan's entries have no `%`, so a value equal to one needs no `%` check.
LATTICEPOL_ALWAYS_INLINE bool EqQueryBits(const CompiledPolicy::Impl& im, std::string_view raw,
                                          uint64_t* bits, bool* unc) {
  const EqPlan& ep = im.eq;
  const char* const data = raw.data();
  const size_t n = raw.size();
  const char* const key = ep.query_key.data();
  const size_t len = ep.query_key.size();
  EqScan st;
#if defined(__SSE2__)
  // A query that is one of the policy's whole pairs (no `&`, no `%`).
  if (n - 1 < 16 && ep.n_pairs > 0 && (n == 16 || InPage(data, 16))) {
    const int k = EqWholePair(ep, data, n);
    if (k >= 0) {
      *bits = ep.pair_bits[k];
      return true;
    }
  }
  // Over 64 bytes: windows of up to 64 that end at a `&` (the pairs before
  // it) while one holds a `&`, each skipped when no pair in it starts with
  // a byte of query_first, else scanned as a query of its own (the text goes
  // on for 64 bytes past the window's start: every read is within it); then
  // what is left as below.
  size_t start = 0;
  while (n - start > 64 && ep.query_short_scan) {
    const char* const win = data + start;
    uint64_t amp = 0, first = 0;  // `&`; query_first (as EqMasks)
    for (int at = 0; at < 64; at += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(win + at));
      const __m128i lower = _mm_cmpeq_epi8(v, Splat(ep.splat[2]));
      const __m128i key_first = _mm_or_si128(lower, _mm_cmpeq_epi8(v, Splat(ep.splat[3])));
      const __m128i cls = _mm_or_si128(
          key_first, _mm_or_si128(_mm_cmpeq_epi8(v, Splat(ep.splat[1])), v));  // sign: non-ASCII
      amp |= static_cast<uint64_t>(EqualBytes(v, Splat(ep.splat[0]))) << at;
      first |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(cls))) << at;
    }
    if (amp == 0) break;  // a pair of over 64 bytes: the loop below
    const size_t cut = static_cast<size_t>(63 - __builtin_clzll(amp));  // the last `&`
    const uint64_t cand = ((amp << 1) | 1) & first & ((uint64_t{1} << cut) - 1);
    if (cand != 0 && !EqVectorQuery(ep, win, cut, &st)) return false;
    start += cut + 1;
  }
  // 1 to 64 bytes (an empty text's pointer may be at a page's end); a text
  // under 16 bytes needs its first 32 in one page (EqWholePair reads 16 at
  // each pair).
  const size_t left = n - start;
  if (left - 1 < 64 && ep.query_short_scan && (left >= 16 || InPage(data + start, 32))) {
    if (!EqVectorQuery(ep, data + start, left, &st)) return false;
  } else
#else
  const size_t start = 0;
#endif
  for (size_t pos = start; pos < n;) {
    const char* const pair = data + pos;
    const size_t end = FindAmp(data, n, pos);
    if (im.simple.query_first[static_cast<unsigned char>(*pair)]) {
      const size_t size = end - pos;
      if (size >= len && BytesEqual(key, pair, len) && (size == len || pair[len] == '=')) {
        const size_t vb = size == len ? len : len + 1;
        const std::string_view v(pair + vb, size - vb);
        if (v.empty()) st.unc = true;  // Q4
        bool found = false;
        if (st.count++ == 0) st.first = EqLookup(ep.query_entries, ep.n_query_entries, v, &found);
        if (!found && std::memchr(v.data(), '%', v.size()) != nullptr) return false;  // Q3
      } else {
        const EqOther other = EqOtherPair(ep, pair, size);
        if (other == EqOther::kBail) return false;
        if (other == EqOther::kCaseVariant) st.unc = true;  // Q1
      }
    }
    pos = end + 1;
  }
  if (st.count >= 2) {
    if (ep.query_multi_check) st.unc = true;  // Q2: the plain clauses are false
    st.first = 0;
  }
  if (st.unc) *unc = true;
  *bits = st.first;
  return true;
}

// The single-valued keys' clause bits; kOptional/kString: the plan's counts
// when known at compile time, else -1.
// The bits of key `k` for the value `v`: two word compares per value when
// the key has EqKey::words, else EqLookup.
LATTICEPOL_ALWAYS_INLINE uint64_t EqKeyLookup(const EqKey& k, std::string_view v) {
  if (k.word_size != 0) {
    if (v.size() != k.word_size) return 0;
    uint64_t a, b;
    EqWords(v.data(), v.size(), &a, &b);
    // Masks, not conditionals (which the compiler makes branches): which
    // value a request has is what varies.
    uint64_t bits = k.word_bits[0] & (0 - static_cast<uint64_t>(
                                              ((a ^ k.words[0][0]) | (b ^ k.words[0][1])) == 0));
    if (k.n_entries == 2) {  // else words[1] repeats words[0]
      bits |= k.word_bits[1] & (0 - static_cast<uint64_t>(
                                        ((a ^ k.words[1][0]) | (b ^ k.words[1][1])) == 0));
    }
    return bits;
  }
  bool found = false;
  return EqLookup(k.entries, SimpleKey::kInlineEntries, v, &found);
}

template <int kOptional, int kString>
LATTICEPOL_ALWAYS_INLINE uint64_t EqKeyBits(const EqPlan& ep, const RequestView& r) {
  const int n_optional = kOptional >= 0 ? kOptional : ep.n_optional;
  const int n_keys = kString >= 0 ? kOptional + kString : ep.n_keys;
  uint64_t res = 0;
  for (int i = 0; i < n_optional; ++i) {
    const EqKey& k = ep.keys[i];
    const OptionalText& t = r.*k.optional_field;
    if (t.present) res |= EqKeyLookup(k, t.value);
  }
  for (int i = n_optional; i < n_keys; ++i) {
    const EqKey& k = ep.keys[i];
    res |= EqKeyLookup(k, r.*k.string_field);
  }
  return res;
}

// The equality plan's decision (EvaluateEquality and its batch loop).
__attribute__((noinline)) Decision EqDecide(const CompiledPolicy::Impl& im, const RequestView& r,
                         bool ignore_principal) {
  const EqPlan& ep = im.eq;
  const std::string_view action = r.action;
  uint64_t res = 0;  // the query key's bits first
  bool unc = ep.base_uncertain[ignore_principal ? 1 : 0];
  // The action is usually RequestView's default (kInvokeAction itself): the
  // pointer test spares the byte compare.
  if (!r.query_is_raw || action.size() != kInvokeAction.size() ||
      (action.data() != kInvokeAction.data() &&
       !BytesEqual(action.data(), kInvokeAction.data(), kInvokeAction.size())) ||
      (ep.has_query && !EqQueryBits(im, r.raw_query, &res, &unc))) {
    return EvaluateSimple(im, r, ignore_principal);
  }
  res |= ep.const_res;
  Decision d;
  d.uncertain = unc ? kMaybeUncertain : 0;
  // No statement can hold whatever the single-valued keys add (e.g. the
  // query value matches none of the policy's): no lookups.
  if (ep.small_pick && ep.pick[(res | ep.key_bits) & 255] == 0) return d;
  // The common shape (an optional field and a string field, e.g. the
  // source VPC owner and the method) with constant trip counts.
  res |= ep.n_optional == 1 && ep.n_keys == 2 ? EqKeyBits<1, 1>(ep, r) : EqKeyBits<-1, -1>(ep, r);
  if (ep.small_pick) {
    const DecisionIdMask uncertain = d.uncertain;
    d = ep.picked[ep.pick[res & 255]];
    d.uncertain = uncertain;
  } else {
    for (int i = 0; i < ep.n_statements; ++i) {
      const EqStatement& s = ep.statements[i];
      if ((res & s.cond) != s.cond) continue;
      d.kind = s.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
      d.statement = s.index;
      break;
    }
  }
  return d;
}

// EqDecide for the common requests of EqPlan::leaf_shape, with less state
// in registers (no scan loop): the default Invoke action and a raw query of
// at most 16 bytes (its first 32 in one page) in which at most one pair
// could be the query key's (query_first at a pair start). Sets `*out` as
// EqDecide would, or returns false for EqDecide to decide (the query scan
// then starts over).
LATTICEPOL_ALWAYS_INLINE bool EqLeaf(const EqPlan& ep, const RequestView& r,
                                     bool ignore_principal, Decision* out) {
  if (__builtin_expect(!ep.leaf_shape || !r.query_is_raw ||
                           r.action.data() != kInvokeAction.data() ||
                           r.action.size() != kInvokeAction.size(),
                       0)) {
    return false;
  }
  uint64_t first = 0;  // the query key's bits
  bool unc = false;
#if defined(__SSE2__)
  const char* const data = r.raw_query.data();
  const size_t n = r.raw_query.size();
  if (n != 0) {
    if (__builtin_expect(n > 16 || !InPage(data, 32), 0)) return false;
    const int whole = EqWholePair(ep, data, n);  // the query is one pair
    if (whole >= 0) {
      first = ep.pair_bits[whole];
    } else {
      EqMasks m;
      AddChunk(ep, LoadWithinPage(data), 0, &m);
      const uint64_t keep = (uint64_t{1} << n) - 1;
      const uint64_t amp = m.amp & keep;
      const uint64_t cand = ((amp << 1) | 1) & m.first & keep;
      if (cand != 0) {
        if ((cand & (cand - 1)) != 0) return false;  // two or more: EqDecide
        const size_t pos = static_cast<size_t>(__builtin_ctzll(cand));
        const uint64_t rest = amp >> pos;
        const size_t end = rest != 0 ? pos + static_cast<size_t>(__builtin_ctzll(rest)) : n;
        const int k = EqWholePair(ep, data + pos, end - pos);
        if (k >= 0) {
          first = ep.pair_bits[k];
        } else {
          EqScan st;
          if (!EqVectorOddPair(ep, data, pos, end - pos, m.pct & keep, &st)) return false;
          first = st.first;
          unc = st.unc;
        }
      }
    }
  }
#else
  if (!r.raw_query.empty()) return false;
#endif
  uint64_t res = first | ep.const_res;
  // No lookups when no statement can hold whatever the keys add (tested
  // only when the query matched no policy value).
  if (first != 0 || ep.pick[(res | ep.key_bits) & 255] != 0) res |= EqKeyBits<1, 1>(ep, r);
  Decision d;
  std::memcpy(static_cast<void*>(&d), &ep.picked_head[res & 255], sizeof(uint64_t));
  d.uncertain = ep.base_flag[ignore_principal ? 1 : 0] | (unc ? kMaybeUncertain : 0);
  *out = d;
  return true;
}

}  // namespace

Decision EvaluateEquality(const CompiledPolicy::Impl& im, const RequestView& r,
                          bool ignore_principal) {
  Decision d;
  if (EqLeaf(im.eq, r, ignore_principal, &d)) return d;
  return EqDecide(im, r, ignore_principal);
}

void EvaluateEqualityBatch(const CompiledPolicy::Impl& im, const RequestView* requests,
                           size_t n, Decision* out) {
  for (size_t i = 0; i < n; ++i) {
    if (!EqLeaf(im.eq, requests[i], false, &out[i])) out[i] = EqDecide(im, requests[i], false);
  }
}

Decision EvaluateSimple(const CompiledPolicy::Impl& im, const RequestView& r,
                        bool ignore_principal) {
  const int action_kind = ActionKindOf(r.action);
  const bool connect = action_kind == 0 ? false : action_kind == 1 ? true : r.is_connect();
  bool unc = RequestUncertain(im, r, connect, ignore_principal);
  const uint64_t res = SingleKeyBits(im, r, connect) | QueryBits(im, r, connect, &unc);
  Decision d = PickStatement(im, r, res, action_kind, connect, ignore_principal);
  d.uncertain = unc ? kMaybeUncertain : 0;
  return d;
}

}  // namespace internal
}  // namespace latticepol
