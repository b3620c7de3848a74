// File: src/evaluate_general.cc
// Stage: evaluate (fast path). The general compiled plan: RunGeneral first
// asks the cache for the request's texts (PrefetchTexts), then an Evaluator
// per clause-word count resolves each key's request values, matches them against
// the key's atoms (setting clause bits), folds values per set qualifier,
// applies the absent/Q2/T2/Null rules, then tests the statements' clause
// conjunctions, Deny statements first. Lazy plans (Impl::lazy) resolve the
// statements' sentinel keys first and then only the keys the candidate
// statements read. Clauses with policy variables take a slow path that
// substitutes them per request. Shared prologue: internal/compiled_eval.h.
#include "internal/compiled_eval.h"

namespace latticepol {
namespace internal {
namespace {

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
  template <typename HitFn, typename FailFn>
  void MatchAtoms(const CompiledKey& k, std::string_view v, HitFn&& hit, FailFn&& fail);
  template <typename HitFn, typename FailFn>
  void RareAtoms(const CompiledKey& k, std::string_view v, uint8_t f, HitFn&& hit,
                 FailFn&& fail);
  uint64_t OneValue(const CompiledKey& k, std::string_view v);
  uint64_t GlobOneValue(const CompiledKey& k, std::string_view v);
  uint64_t TypedOneValue(const CompiledKey& k, std::string_view v);
  uint64_t OneValueRare(const CompiledKey& k, std::string_view v, uint8_t f, uint64_t* err);
  uint64_t PortValue(const CompiledKey& k);
  // Steps of Run(), inlined into it.
  void Prologue();
  void InitFixed();
  void InitScratch(uint64_t* inline_words, uint8_t* inline_counts,
                   std::unique_ptr<uint64_t[]>* heap_words,
                   std::unique_ptr<uint8_t[]>* heap_counts);
  Decision Steps();
  Decision Pick();
  void AddRequestValues();
  void ExactOpOne(const ValueOp& op, int source);
  void ExactOps(const std::vector<ValueOp>* by_source);
  void ValueOpOne(const ValueOp& op);
  void ResolveLazy(uint32_t kid);
  Decision PickLazy(uint64_t candidates);
  uint64_t Candidates();
  void ValueKey(const CompiledKey& k, uint32_t kid, bool present, std::string_view v,
                uint8_t path);
  void HeaderPass();
  void LazyHeader(const HeaderSlot& slot);
  Decision PickStatement();
  bool StatementApplies(const GeneralStatement& g);
  bool ActionApplies(const GeneralStatement& g) const;
  bool ScopeApplies(const GeneralStatement& g);
  void ScanQuery();
  void EncodedPair(std::string_view key, std::string_view value, bool has_value);
  void ScanParsedQuery();
  void QueryValue(uint32_t slot, std::string_view value);
  void QueryPair(std::string_view key, std::string_view value);
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
  // Fills dynamic_resources_ (set by Steps to a buffer of
  // Impl::dynamic_resource_count bytes, zeroed).
  void EvalDynamicResources();

  const CompiledPolicy::Impl& im_;
  const RequestView& r_;
  const bool ignore_principal_;
  enum ActionKind : uint8_t { kActionInvoke, kActionConnect, kActionOther };
  ActionKind action_ = kActionOther;
  bool connect_ = false;
  bool unc_ = false;

  // !kFixed: the six bit sets and the per-key counts in the scratch
  // buffers, set by InitScratch (kFixed plans never read them: InitFixed
  // leaves them unset, which saves a store each per decision).
  uint64_t* res_;    // clause results
  uint64_t* hit_;    // atoms hit by the current value
  uint64_t* any_;
  uint64_t* all_;
  uint64_t* first_;
  uint64_t* err_;
  static constexpr bool kFixed = kW > 0;
  uint8_t* counts_;  // values seen per key, saturating at 2
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
  // Count(kid) != 0, without forming the count.
  LATTICEPOL_ALWAYS_INLINE bool Seen(uint32_t kid) const {
    return kFixed ? ((once_ >> kid) & 1) != 0 : counts_[kid] != 0;
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
  // EvalDynamicResources' results, in a buffer Steps owns (only plans with
  // dynamic Resource patterns have one: the others destroy nothing).
  uint8_t* dynamic_resources_ = nullptr;
  char num_buf_[24];
  // HeaderPass: the position of the first header of each eager slot's name
  // (set only for the slots a request header named).
  uint32_t header_pos_[64];
};
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::AddValue(const CompiledKey& k, uint32_t kid,
                                      std::string_view v) {
  if (k.n_words == 1 && (k.features & ~kFeatExact) == 0) {
    // Short path: equality atoms only (the common case).
    const uint32_t lo = Lo(k);
    uint64_t h = 0;
    if (k.features != 0) {
      if (const ExactHit* x = k.exact_index.Find(v)) h = x->word;
    }
    const uint64_t r = (h ^ k.one.neg) & k.one.value;
    if (!Seen(kid)) First(lo) |= r;
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

// The IgnoreCase atoms of `k` that `v` satisfies: one lookup of the
// lower-cased value when it is ASCII (on the stack up to 256 bytes), else
// each atom compared and O1 recorded.
template <typename Hit>
LATTICEPOL_ALWAYS_INLINE void FoldedHits(const CompiledKey& k, std::string_view v, Hit&& hit,
                                         bool* unc) {
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
    *unc = true;  // O1
    for (const FoldAtom& a : k.fold_atoms) {
      if (EqualsIgnoreCase(v, a.original)) hit(a.mask);
    }
  }
}

// The address atoms of `k` that `v` satisfies; a value that is no address
// fails them (T2).
template <typename Hit, typename Fail>
LATTICEPOL_ALWAYS_INLINE void IpHits(const CompiledKey& k, std::string_view v, Hit&& hit,
                                     Fail&& fail) {
  IpNet addr;
  uint32_t a4 = 0;
  if (ParseIp4Fast(v, &a4)) {
    for (const IpAtom& a : k.ips) {
      if (a.ContainsV4(a4)) hit(a.mask);
    }
  } else if (ParseIp(v, &addr)) {
    for (const IpAtom& a : k.ips) {
      if (a.net.v6 == addr.v6 && CidrContains(a.net, addr)) hit(a.mask);
    }
  } else {
    fail(k.err_ip);
  }
}

// The typed atoms of `k` (Numeric, Date, Bool, Ip) that `v` satisfies; a
// value that does not parse for a family fails that family's atoms (T2).
template <typename Hit, typename Fail>
LATTICEPOL_ALWAYS_INLINE void TypedHits(const CompiledKey& k, std::string_view v, Hit&& hit,
                                        Fail&& fail) {
  // Addresses first, and nothing else for a key of address atoms only
  // (aws:SourceIp's usual form); the families' hits and failures are
  // independent, so their order is free.
  if (k.typed & kTypedIp) {
    IpHits(k, v, hit, fail);
    if (k.typed == kTypedIp) return;
  }
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
}

// Returns true iff `v` contains a `\n` (O2): eight bytes at a time, inline
// (the classic zero-byte test on the word XOR eight newlines; exact for
// "some byte is zero").
LATTICEPOL_ALWAYS_INLINE bool HasNewline(std::string_view v) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kNewlines = kOnes * static_cast<uint64_t>('\n');
  auto has = [](uint64_t w) {
    const uint64_t x = w ^ kNewlines;
    return ((x - kOnes) & ~x & kHigh) != 0;
  };
  const char* p = v.data();
  const size_t n = v.size();
  // Shorter than a word: HeadOf pads with zero bytes, which are not `\n`.
  if (n < 8) return has(HeadOf(p, n));
  for (size_t i = 0; i + 8 < n; i += 8) {
    if (has(Load64(p + i))) return true;
  }
  return has(Load64(p + n - 8));  // the last eight bytes (may overlap)
}

// The atoms of `k` that `v` hits (`hit(mask)`) and the typed families it
// fails to parse for (`fail(mask)`, T2); records the value-dependent
// uncertainty (O1, O2, O4, O6).
template <int kW>
template <typename HitFn, typename FailFn>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::MatchAtoms(const CompiledKey& k, std::string_view v,
                                                        HitFn&& hit, FailFn&& fail) {
  // The feature bits say which atom kinds exist (one load, and the rare
  // kinds behind one test).
  const uint8_t f = k.features;
  if (f & kFeatExact) {
    if (const ExactHit* x = k.exact_index.Find(v)) hit(x->mask);
  }
  if (f & kFeatFolded) FoldedHits(k, v, hit, &unc_);
  if (f & kFeatGlobs) {
    k.globs.ForEachMatch(v, [&](size_t i) { hit(k.glob_masks[i]); });
  }
  if (f & (kFeatArn | kFeatTyped | kFeatBinary | kFeatChecks)) RareAtoms(k, v, f, hit, fail);
}

// MatchAtoms' rare atom kinds: ARNs (O6), typed families (T2), binaries and
// the per-value checks (O1/O2/O4). `f` is k.features: each kind is tested
// by its bit (kFeatArn: ARN atoms or the shape check; kFeatTyped: k.typed
// != 0; kFeatBinary: binaries; kFeatChecks: an O1/O2/O4 check), so a key
// with only checks (a Like key's newline test) skips the other kinds'
// fields.
template <int kW>
template <typename HitFn, typename FailFn>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::RareAtoms(const CompiledKey& k, std::string_view v,
                                                       uint8_t f, HitFn&& hit, FailFn&& fail) {
  if ((f & kFeatArn) == 0) {
    // No ARN atoms and no shape check.
  } else if (!k.arns.empty()) {
    std::array<std::string_view, 6> f;
    if (SplitArn(v, &f)) {
      for (const ArnAtom& a : k.arns) {
        if (ArnFieldsMatch(a.fields, f)) hit(a.mask);
      }
    } else {
      unc_ = true;  // O6
    }
  } else if ((k.checks & kCheckArnShape) != 0) {
    if (!unc_ && !LooksLikeArn(v)) unc_ = true;  // O6 (moot once uncertain)
  }
  if (f & kFeatTyped) TypedHits(k, v, hit, fail);
  if (f & kFeatBinary) {
    for (const BinaryAtom& a : k.binaries) {
      if (v == a.bytes) hit(a.mask);
    }
  }
  // The value checks only ever raise the (sticky) flag: skipped once set.
  if ((f & kFeatChecks) && !unc_) {
    if ((k.checks & kCheckNewline) && HasNewline(v)) {
      unc_ = true;  // O2
    }
    if ((k.checks & kCheckUpper) && HasAsciiUpper(v)) unc_ = true;  // O4
  }
}

// A single-valued key whose clauses fit one word: its clause results from
// its one value directly. With one value the plain, ForAnyValue and
// ForAllValues folds all equal the value's own result (see Finalize), so
// the per-key scratch (first/any/all/err words, value counts) is skipped.
// The atoms MatchAtoms would test, with the same effect: exact, glob and
// typed atoms, the ARN shape check (O6) and the O2/O4 checks here; the
// rarer kinds (IgnoreCase, ARN atoms, binaries) out of line in
// OneValueRare, so this frame stays small.
template <int kW>
uint64_t Evaluator<kW>::OneValue(const CompiledKey& k, std::string_view v) {
  const uint64_t* pool = im_.masks.data();
  const uint8_t f = k.features;
  uint64_t h = 0;
  uint64_t e = 0;
  if (f & kFeatExact) {
    if (const ExactHit* x = k.exact_index.Find(v)) h = x->word;
  }
  if (f & kFeatGlobs) {
    k.globs.ForEachMatch(v, [&](size_t i) { h |= pool[k.glob_masks[i]]; });
  }
  if (f & kFeatOutOfLine) {  // kFeatFolded, ARN field atoms or kFeatBinary
    h |= OneValueRare(k, v, f, &e);
  } else if ((f & kFeatArn) && !unc_ && !LooksLikeArn(v)) {
    unc_ = true;  // O6 (the shape check of a key without ARN atoms; moot once uncertain)
  }
  if (f & kFeatTyped) {
    TypedHits(k, v, [&](MaskRef m) { h |= pool[m]; },
              [&](MaskRef m) {  // T2
                e |= pool[m];
                unc_ = true;
              });
  }
  // The value checks only ever raise the (sticky) flag: skipped once set.
  if ((f & kFeatChecks) && !unc_) {
    if ((k.checks & kCheckNewline) && HasNewline(v)) unc_ = true;  // O2
    if ((k.checks & kCheckUpper) && HasAsciiUpper(v)) unc_ = true;  // O4
  }
  return k.one.Bits(h, e);
}

// OneValue for a kPathGlobOne key (exact and glob atoms, the O2/O4 checks
// at most): the same result from a smaller frame.
template <int kW>
__attribute__((noinline)) uint64_t Evaluator<kW>::GlobOneValue(const CompiledKey& k,
                                                               std::string_view v) {
  const uint64_t* pool = im_.masks.data();
  uint64_t h = 0;
  if (k.features & kFeatExact) {
    if (const ExactHit* x = k.exact_index.Find(v)) h = x->word;
  }
  k.globs.ForEachMatch(v, [&](size_t i) { h |= pool[k.glob_masks[i]]; });
  // The value checks only ever raise the (sticky) flag: skipped once set.
  if ((k.features & kFeatChecks) && !unc_) {
    if ((k.checks & kCheckNewline) && HasNewline(v)) unc_ = true;  // O2
    if ((k.checks & kCheckUpper) && HasAsciiUpper(v)) unc_ = true;  // O4
  }
  return k.one.Bits(h);
}

// Whether `v` starts with none of k's CompiledKey::ip4_texts (and there are
// some): then it is in none of k's nets, and with the uncertainty flag set
// its clause bits are the miss bits, parsed or not.
LATTICEPOL_ALWAYS_INLINE bool OutsideIp4Texts(const CompiledKey& k, std::string_view v) {
  if (k.ip4_texts.empty()) return false;
  bool maybe = false;
  for (const std::string& t : k.ip4_texts) {
    maybe |= v.size() >= t.size() && BytesEqual(v.data(), t.data(), t.size());
  }
  return !maybe;
}

// OneValue for a kPathTypedOne key (numeric, date, boolean and address
// atoms only): the same result from a smaller frame.
template <int kW>
__attribute__((noinline)) uint64_t Evaluator<kW>::TypedOneValue(const CompiledKey& k,
                                                                std::string_view v) {
  const uint64_t* pool = im_.masks.data();
  uint64_t h = 0;
  uint64_t e = 0;
  TypedHits(k, v, [&](MaskRef m) { h |= pool[m]; },
            [&](MaskRef m) {  // T2
              e |= pool[m];
              unc_ = true;
            });
  return k.one.Bits(h, e);
}

// OneValue's rare atom kinds (`f` is k.features): the IgnoreCase, ARN and
// binary atoms `v` hits (returned); records O1 and O6. Not the typed atoms
// or the O2/O4 checks (OneValue's); `*err` (T2 failures) stays 0.
template <int kW>
__attribute__((noinline)) uint64_t Evaluator<kW>::OneValueRare(const CompiledKey& k,
                                                               std::string_view v, uint8_t f,
                                                               uint64_t* err) {
  const uint64_t* pool = im_.masks.data();
  uint64_t h = 0;
  uint64_t e = 0;
  auto hit = [&](MaskRef m) { h |= pool[m]; };
  if (f & kFeatFolded) FoldedHits(k, v, hit, &unc_);
  RareAtoms(k, v, static_cast<uint8_t>(f & ~(kFeatChecks | kFeatTyped)), hit, [&](MaskRef m) {
    e |= pool[m];
    unc_ = true;
  });
  *err = e;
  return h;
}

// A Port key with integer atoms only (CompiledKey::int_port): the clause
// results from RequestView::port as a number (what parsing its decimal
// text would give; a port is never a T2 failure).
template <int kW>
LATTICEPOL_ALWAYS_INLINE uint64_t Evaluator<kW>::PortValue(const CompiledKey& k) {
  if ((connect_ && k.row->absent_on_connect) || r_.port < 0) {
    return k.one.absent_bits;
  }
  const int64_t port = r_.port;
  uint64_t h = 0;
  for (const NumericAtom& a : k.numbers) {
    const int c = port < a.int_value ? -1 : (port > a.int_value ? 1 : 0);
    if (CmpHolds(a.cmp, c)) h |= im_.masks[a.mask];
  }
  return k.one.Bits(h);
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
  MatchAtoms(k, v, hit, fail);
  const bool first = !Seen(kid);
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
    if (!Seen(kid)) {
      Res(lo) |= m.absent_bits;
      return;
    }
    const uint32_t count = Count(kid);  // 1 or 2 (= two or more)
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
  // Whether query slot `s` names `key` exactly.
  auto names = [&](size_t s) {
    const std::string& suffix = im_.keys[im_.query_keys[s]].key.suffix;
    return suffix.size() == key.size() && BytesEqual(suffix.data(), key.data(), key.size());
  };
  if (!key.empty()) {
    // The one key that starts with key's first byte, if only one does.
    const uint8_t s = im_.query_slot_by_first[static_cast<unsigned char>(key[0])];
    if (s == CompiledPolicy::Impl::kNoQuerySlot) return -1;
    if (s != CompiledPolicy::Impl::kScanQuerySlots) return names(s) ? static_cast<int>(s) : -1;
  }
  for (size_t s = 0; s < im_.query_keys.size(); ++s) {
    if (names(s)) return static_cast<int>(s);
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

// A query pair that needs no decoding: its key's value, or (an unreferenced
// key) the Q1 test.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::QueryPair(std::string_view key,
                                                       std::string_view value) {
  const int slot = FindQuerySlot(key);
  if (slot < 0) {
    CheckQueryCase(key);
    return;
  }
  QueryValue(static_cast<uint32_t>(slot), value);
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
#if defined(__SSE2__)
  // A query of at most 16 bytes without `%` (the usual kind): its `&` and
  // `=` positions from one vector load, the pairs walked by their bits, no
  // byte loops.
  if (n != 0 && n <= 16 && InPage(data, 16)) {
    const __m128i v = LoadWithinPage(data);
    const uint32_t valid = (uint32_t{1} << n) - 1;
    const uint32_t pct = Positions(v, '%') & valid;
    if (pct == 0) {
      const uint32_t amp = Positions(v, '&') & valid;
      const uint32_t eq = Positions(v, '=') & valid;
      for (uint32_t starts = ((amp << 1) | 1) & valid; starts != 0; starts &= starts - 1) {
        const uint32_t start = static_cast<uint32_t>(__builtin_ctz(starts));
        if (!im_.query_first[static_cast<unsigned char>(data[start])]) continue;
        const uint32_t amp_after = amp >> start;
        const uint32_t end =
            amp_after != 0 ? start + static_cast<uint32_t>(__builtin_ctz(amp_after))
                           : static_cast<uint32_t>(n);
        const uint32_t eq_in = (eq >> start) & ((uint32_t{1} << (end - start)) - 1);
        const uint32_t key_end =
            eq_in != 0 ? start + static_cast<uint32_t>(__builtin_ctz(eq_in)) : end;
        if (key_end == start) continue;  // empty key: dropped
        const std::string_view key(data + start, key_end - start);
        const std::string_view value =
            eq_in != 0 ? std::string_view(data + key_end + 1, end - key_end - 1)
                       : std::string_view();
        QueryPair(key, value);
      }
      return;
    }
  }
#endif
  size_t pos = 0;
  RawQueryPair pair;
  // pos == n would be an empty last pair (dropped), so the loop stops there.
  while (pos < n) {
    if (!im_.query_first[static_cast<unsigned char>(data[pos])]) {
      // Not a referenced key, a case variant or an encoding of one (an
      // empty pair or key too): skipped to its `&`.
      if (!SkipRawQueryPair(data, n, &pos)) return;
      continue;
    }
    if (!NextRawQueryPair(data, n, &pos, &pair)) continue;  // empty key: dropped
    if (pair.pct) {
      EncodedPair(pair.key, pair.value, pair.has_value);
      continue;
    }
    QueryPair(pair.key, pair.value);
  }
}

template <int kW>
void Evaluator<kW>::ScanParsedQuery() {
  const ParamList& q = r_.query;
  for (size_t i = 0; i < q.size(); ++i) QueryPair(q.name(i), q.value(i));
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
  return rs_.Matches(rc, dynamic_resources_);
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
// The action kind, Connect or not, and the request-independent and cheap
// request-dependent uncertainty triggers.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::Prologue() {
  const CompiledPolicy::Impl& im = im_;
  const std::string_view action = r_.action;
  // RequestView's default action (and the request scanner's) is
  // kInvokeAction itself: no byte compare then.
  if (action.size() == kInvokeAction.size() &&
      (action.data() == kInvokeAction.data() ||
       BytesEqual(action.data(), kInvokeAction.data(), action.size()))) {
    action_ = kActionInvoke;
  } else if (action.size() == kConnectAction.size() &&
             BytesEqual(action.data(), kConnectAction.data(), action.size())) {
    action_ = kActionConnect;
  }
  connect_ = action_ == kActionInvoke ? false
             : action_ == kActionConnect ? true
                                         : r_.is_connect();
  rs_.set_connect(connect_);
  unc_ = im.base_uncertain[ignore_principal_ ? 1 : 0];
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
}

// Scratch of fixed-size plans (kFixed): the six clause bit sets are the
// member array fixed_, which the accessors read directly (the scratch
// pointers stay unset); Hit words are zeroed by AddValueImpl before each
// use, so they are not here.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::InitFixed() {
  for (int i = 0; i < kW; ++i) {
    fixed_[0][i] = 0;
    fixed_[2][i] = 0;
    fixed_[3][i] = ~uint64_t{0};
    fixed_[4][i] = 0;
    fixed_[5][i] = 0;
  }
}

// Scratch of the other plans (!kFixed): six clause bit sets and per-key
// value counts in the caller's stack buffers, or on the heap when the
// policy is far beyond the size limit.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::InitScratch(uint64_t* inline_words,
                                                         uint8_t* inline_counts,
                                                         std::unique_ptr<uint64_t[]>* heap_words,
                                                         std::unique_ptr<uint8_t[]>* heap_counts) {
  const size_t words = im_.total_words;
  const size_t nkeys = im_.keys.size();
  uint64_t* w = inline_words;
  uint8_t* counts = inline_counts;
  if (words > kInlineWords) {
    heap_words->reset(new uint64_t[6 * words]);
    w = heap_words->get();
  }
  if (nkeys > kInlineKeys) {
    heap_counts->reset(new uint8_t[nkeys]);
    counts = heap_counts->get();
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

// Step 1: the request's values, key by key, then the query; every key is
// finalized into its clause results.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::ValueKey(const CompiledKey& k, uint32_t kid,
                                                      bool present, std::string_view v,
                                                      uint8_t path) {
  // `path`: k.value_path (one load instead of three tests), passed in. A
  // switch: each path's code is reached by one jump, none laid out as the
  // "unequal" fall-through of the others' tests.
  switch (path) {
    case kPathExactOne: {
      // Single-valued key with equality atoms only: one lookup decides its
      // clauses (ExactHit::bits).
      uint64_t r = k.one.absent_bits;
      if (present) {
        const ExactHit* x = k.exact_index.Find(v);
        r = x != nullptr ? x->bits : k.one.miss_bits;
      }
      Res(Lo(k)) |= r;
      return;
    }
    case kPathGlobOne:
      Res(Lo(k)) |= present ? GlobOneValue(k, v) : k.one.absent_bits;
      return;
    case kPathTypedOne: {
      uint64_t r = k.one.absent_bits;
      if (present) r = unc_ && OutsideIp4Texts(k, v) ? k.one.miss_bits : TypedOneValue(k, v);
      Res(Lo(k)) |= r;
      return;
    }
    case kPathOneValue:
      Res(Lo(k)) |= present ? OneValue(k, v) : k.one.absent_bits;
      return;
    default:
      break;
  }
  if (present) {
    AddValue(k, kid, v);
  } else if (k.key.kind == KeyKind::kPrincipalOrgPaths && r_.principal != nullptr) {
    for (const std::string& path : r_.principal->org_paths) AddValue(k, kid, path);
  }
  Finalize(k, kid);
}

// The eager header keys of Impl::header_slots (fixed-size plans): one pass
// over the request's headers locates the first header of each eager slot's
// name (H1, as in SingleKeyValue; header_pos_), comparing each only with
// the names of its size; then the slots (in slot order, not per header: no
// branch on which kind of slot a header named) are resolved from their
// headers, keys no header names taking the precomputed absent result
// (Impl::header_absent). Lazy keys' headers are left to LazyHeader.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::HeaderPass() {
  const CompiledPolicy::Impl& im = im_;
  const std::vector<HeaderSlot>& slots = im.header_slots;
  const bool absent = connect_ && im.keys[slots[0].key].row->absent_on_connect;  // K1
  const ParamList& headers = r_.headers;
  const size_t n = absent ? 0 : headers.size();
  uint64_t seen = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view name = headers.name(i);
    const size_t size_bucket = name.size() < 63 ? name.size() : 63;
    for (uint64_t c = im.header_by_size[size_bucket]; c != 0; c &= c - 1) {
      const size_t s = static_cast<size_t>(__builtin_ctzll(c));
      const HeaderSlot& slot = slots[s];
      if (slot.size != name.size() || !BytesEqual(slot.name, name.data(), name.size())) continue;
      const uint64_t bit = uint64_t{1} << s;
      if ((seen & bit) == 0) {
        seen |= bit;
        header_pos_[s] = static_cast<uint32_t>(i);
      }
      break;
    }
  }
  uint64_t present_static[kW > 0 ? kW : 1] = {};
  for (uint64_t m = seen; m != 0; m &= m - 1) {
    const size_t s = static_cast<size_t>(__builtin_ctzll(m));
    const CompiledKey& k = *slots[s].compiled;
    present_static[Lo(k)] |= k.one.static_all;
    ValueKey(k, slots[s].key, true, headers.value(header_pos_[s]), k.value_path);
  }
  for (int w = 0; w < (kW > 0 ? kW : 1); ++w) Res(w) |= im.header_absent[w] & ~present_static[w];
}

// A lazy header key (its slot): from the first header of its name (H1),
// or its absent result.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::LazyHeader(const HeaderSlot& slot) {
  const ParamList& headers = r_.headers;
  const CompiledKey& k = *slot.compiled;
  const bool absent = connect_ && k.row->absent_on_connect;  // K1
  const size_t n = absent ? 0 : headers.size();
  uint64_t r = k.one.absent_bits;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view name = headers.name(i);
    if (name.size() == slot.size && BytesEqual(slot.name, name.data(), name.size())) {
      ValueKey(k, slot.key, true, headers.value(i), k.value_path);
      r = 0;
      break;
    }
  }
  Res(Lo(k)) |= r;
}

// The clause bits of an Impl::exact_ops key whose value is `v` (present).
LATTICEPOL_ALWAYS_INLINE uint64_t ExactOpBits(const ValueOp& op, std::string_view v) {
  const ExactHit* x = op.exact->Find(v);
  return x != nullptr ? x->bits : op.miss_bits;
}

// One key of Impl::exact_ops (or lazy_exact_ops) read from source
// `source` (ValueOp::source - kString): its clause bits from one lookup
// (as ValueKey's kPathExactOne, with ValueOpOne's K1 and presence rules).
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::ExactOpOne(const ValueOp& op, int source) {
  uint64_t r = op.absent_bits;
  if (source == 0) {  // kString
    if (!(connect_ && op.absent_on_connect)) r = ExactOpBits(op, r_.*op.string_field);
  } else if (source == 1) {  // kOptional
    const OptionalText& t = r_.*op.optional_field;
    if (t.present && !(connect_ && op.absent_on_connect)) r = ExactOpBits(op, t.value);
  } else {  // kPrincipal
    const Principal* p = r_.principal;
    const std::string_view v =
        p == nullptr ? op.anonymous_value : std::string_view(p->*op.principal_field);
    if (!v.empty() && !(connect_ && op.absent_on_connect)) r = ExactOpBits(op, v);
  }
  Res(kW == 1 ? 0 : op.word) |= r;
}

// The keys of Impl::exact_ops: one loop per source (no per-key dispatch).
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::ExactOps(const std::vector<ValueOp>* by_source) {
  for (const ValueOp& op : by_source[0]) ExactOpOne(op, 0);
  for (const ValueOp& op : by_source[1]) ExactOpOne(op, 1);
  for (const ValueOp& op : by_source[2]) ExactOpOne(op, 2);
}

// One key of Impl::value_ops (or lazy_value_ops), from its ValueOp source.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::ValueOpOne(const ValueOp& op) {
  const CompiledKey& k = *op.key;
  std::string_view v;
  bool present;
  if (op.source == ValueOp::kString) {  // as SingleKeyValue, without its switch
    present = !(connect_ && op.absent_on_connect);  // K1
    v = r_.*op.string_field;
  } else if (op.source == ValueOp::kOptional) {
    const OptionalText& t = r_.*op.optional_field;
    present = t.present && !(connect_ && op.absent_on_connect);  // K1
    v = t.value;
  } else if (op.source == ValueOp::kPrincipal) {  // as SingleKeyValue's principal_text
    const Principal* p = r_.principal;
    v = p == nullptr ? op.anonymous_value : std::string_view(p->*op.principal_field);
    present = !v.empty() && !(connect_ && op.absent_on_connect);  // K1
  } else if (op.source == ValueOp::kNever) {
    present = false;
  } else if (op.source == ValueOp::kPort) {
    Res(Lo(k)) |= PortValue(k);
    return;
  } else {
    present = SingleKeyValue(*k.row, k.key, r_, connect_, num_buf_, &v);
  }
  ValueKey(k, op.kid, present, v, op.path);
}

// Step 1: the request's values, key by key (the eager keys when the plan
// is lazy: the statement pick resolves the others, see PickLazy), then the
// query; every key is finalized into its clause results.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::AddRequestValues() {
  const CompiledPolicy::Impl& im = im_;
  ExactOps(im.exact_ops);
  for (const ValueOp& op : im.value_ops) ValueOpOne(op);
  if (kFixed && im.eager_header_slots != 0) HeaderPass();
  if (!connect_ && !im.query_keys.empty()) {
    if (r_.query_is_raw) {
      ScanQuery();
    } else {
      ScanParsedQuery();
    }
  }
  // Value keys were finalized above; query and unknown keys remain. When
  // none of them got a value, their absent results are precomputed.
  if (kFixed && im.deferred_fast && (once_ & im.deferred_mask) == 0) {
    for (int w = 0; w < (kW > 0 ? kW : 1); ++w) Res(w) |= im.deferred_absent[w];
  } else {
    for (uint32_t kid : im.deferred_keys) Finalize(im.keys[kid], kid);
  }
}

// A lazy key (Impl::lazy_steps), resolved from its op or header.
template <int kW>
LATTICEPOL_ALWAYS_INLINE void Evaluator<kW>::ResolveLazy(uint32_t kid) {
  const CompiledPolicy::Impl& im = im_;
  using Step = CompiledPolicy::Impl::LazyStep;
  const Step& st = im.lazy_steps[kid];
  if (st.kind == Step::kExactOp) {
    ExactOpOne(im.lazy_exact_ops[st.source][st.index], st.source);
  } else if (st.kind == Step::kValueOp) {
    ValueOpOne(im.lazy_value_ops[st.index]);
  } else {
    LazyHeader(im.header_slots[st.index]);
  }
}

// Step 3 of lazy plans (Impl::lazy): the first candidate statement that
// applies. A candidate's eager clauses and Action are tested first; then its
// lazy keys are resolved cheapest first (Impl::lazy_order) and it is dropped
// at its first false clause, so a key is resolved only when a candidate
// whose other known tests hold reads it; Resource and Principal last.
// While the uncertainty flag is clear, every lazy key that could raise it
// (lazy_loud) is resolved first, so the flag is what resolving every key
// would give.
template <int kW>
LATTICEPOL_ALWAYS_INLINE Decision Evaluator<kW>::PickLazy(uint64_t candidates) {
  const CompiledPolicy::Impl& im = im_;
  uint64_t pending = im.lazy_keys;  // lazy keys not resolved yet
  if (!unc_) {
    for (uint64_t m = im.lazy_loud; m != 0; m &= m - 1) {
      ResolveLazy(static_cast<uint32_t>(__builtin_ctzll(m)));
    }
    pending &= ~im.lazy_loud;
  }
  Decision d;
  for (; candidates != 0; candidates &= candidates - 1) {
    const size_t pos = static_cast<size_t>(__builtin_ctzll(candidates));
    const GeneralStatement& g = im.general_statements[pos];
    uint64_t miss = 0;
    for (int w = 0; w < kW; ++w) miss |= g.eager_cond[w] & ~Res(w);
    if (miss != 0 || !ActionApplies(g)) continue;
    for (uint32_t i = g.lazy_begin; i < g.lazy_end && miss == 0; ++i) {
      const uint32_t kid = im.lazy_order[i];
      if ((pending >> kid) & 1) {
        ResolveLazy(kid);
        pending &= ~(uint64_t{1} << kid);
      }
      for (int w = 0; w < kW; ++w) miss |= g.cond[w] & im.key_bits[kid][w] & ~Res(w);
    }
    if (miss == 0 && ScopeApplies(g)) {
      d.kind = g.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
      d.statement = g.index;
      return d;
    }
  }
  return d;
}

// The statements of a stmt_filter plan that can apply: those whose
// sentinel clause holds (or without conditions), as bits of their
// positions in general_statements (Deny first, then document order).
template <int kW>
LATTICEPOL_ALWAYS_INLINE uint64_t Evaluator<kW>::Candidates() {
  const CompiledPolicy::Impl& im = im_;
  uint64_t candidates = im.stmt_always;
  for (int w = 0; w < (kW > 0 ? kW : 1); ++w) {
    for (uint64_t set = Res(w) & im.sentinel_mask[w]; set != 0; set &= set - 1) {
      candidates |= uint64_t{1} << im.sentinel_of[64 * w + __builtin_ctzll(set)];
    }
  }
  return candidates;
}

// Whether a statement of the compact table applies: its clause masks, its
// action, then (unless trivial) its resource and principal tests.
template <int kW>
LATTICEPOL_ALWAYS_INLINE bool Evaluator<kW>::StatementApplies(const GeneralStatement& g) {
  uint64_t miss = 0;
  for (int w = 0; w < kW; ++w) miss |= g.cond[w] & ~Res(w);
  return miss == 0 && ActionApplies(g) && ScopeApplies(g);
}

// The statement's Action test (flags for Invoke and Connect).
template <int kW>
LATTICEPOL_ALWAYS_INLINE bool Evaluator<kW>::ActionApplies(const GeneralStatement& g) const {
  return action_ == kActionInvoke    ? g.invoke
         : action_ == kActionConnect ? g.connect
                                     : ActionMatches(*g.full);
}

// The statement's Resource and Principal tests (none unless `trivial` is false).
template <int kW>
LATTICEPOL_ALWAYS_INLINE bool Evaluator<kW>::ScopeApplies(const GeneralStatement& g) {
  if (g.trivial) return true;
  const CompiledStatement& s = *g.full;
  return (s.resource_always || ResourceMatches(s.resource)) &&
         (s.principal_always || PrincipalMatches(s.principal));
}

// Step 3: the first statement that applies, Deny first, then Allow, each in
// document order (kImplicitDeny when none does).
template <int kW>
LATTICEPOL_ALWAYS_INLINE Decision Evaluator<kW>::PickStatement() {
  const CompiledPolicy::Impl& im = im_;
  Decision d;
  if (kW > 0 && kW <= 4 && im.stmt_filter) {
    uint64_t candidates = Candidates();
    if (im.lazy) return PickLazy(candidates);
    for (; candidates != 0; candidates &= candidates - 1) {
      const GeneralStatement& g = im.general_statements[__builtin_ctzll(candidates)];
      if (StatementApplies(g)) {
        d.kind = g.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
        d.statement = g.index;
        return d;
      }
    }
    return d;
  }
  if (kW > 0 && kW <= 4) {
    // The compact table: clause masks, action flags and whether the
    // principal and resource tests are trivial, in one small record.
    for (const GeneralStatement& g : im.general_statements) {
      if (StatementApplies(g)) {
        d.kind = g.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
        d.statement = g.index;
        return d;
      }
    }
    return d;
  }
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
  return d;
}

template <int kW>
LATTICEPOL_ALWAYS_INLINE Decision Evaluator<kW>::Run() {
  Prologue();
  if constexpr (kFixed) {
    // The bit sets are members (fixed_): no buffers, nothing to release.
    InitFixed();
    return Steps();
  } else {
    // The scratch buffers live in this frame (see InitScratch).
    uint64_t inline_words[6 * kInlineWords];
    uint8_t inline_counts[kInlineKeys];
    std::unique_ptr<uint64_t[]> heap_words;
    std::unique_ptr<uint8_t[]> heap_counts;
    InitScratch(inline_words, inline_counts, &heap_words, &heap_counts);
    return Steps();
  }
}

// Steps 1-3, on initialized scratch.
template <int kW>
LATTICEPOL_ALWAYS_INLINE Decision Evaluator<kW>::Steps() {
  const CompiledPolicy::Impl& im = im_;
  AddRequestValues();  // 1. request values
  if (im.has_dynamic) {
    // 2. Clauses with variables.
    for (uint32_t id : im.dynamic_clauses) {
      if (SlowClause(*im.clauses[id].condition)) {
        const uint32_t bit = im.clauses[id].bit;
        Res(bit / 64) |= uint64_t{1} << (bit % 64);
      }
    }
    if (im.dynamic_resource_count > 0) {
      std::unique_ptr<uint8_t[]> resources(new uint8_t[im.dynamic_resource_count]());
      dynamic_resources_ = resources.get();
      EvalDynamicResources();
      return Pick();  // reads the buffer (ResourceMatches) while it lives
    }
  }
  return Pick();
}

// Step 3 and the uncertainty flag.
template <int kW>
LATTICEPOL_ALWAYS_INLINE Decision Evaluator<kW>::Pick() {
  Decision d = PickStatement();  // 3. statements
  d.uncertain = unc_ ? kMaybeUncertain : 0;
  return d;
}

// Asks the cache for the request texts the general plan usually reads
// (method, path, raw query, source account and address, the principal's
// ARN and, when the plan has header keys, the first kPrefetchHeaders
// headers' names and values) without waiting for them. The evaluator
// reaches these texts one after another, with data-dependent branches in
// between, so when the request is not in cache (a stored stream, or a
// request another core wrote) their misses would come in series; asked for
// here, they overlap. Branches only on the view (the principal pointer, the
// header count), never on the texts, so no mispredicted branch waits for a
// miss. Reads the view, its header array and the principal's ARN field; a
// prefetch never faults and never changes a decision.
constexpr size_t kPrefetchHeaders = 16;
LATTICEPOL_ALWAYS_INLINE void PrefetchTexts(const CompiledPolicy::Impl& im, const RequestView& r) {
  __builtin_prefetch(r.method.data());
  __builtin_prefetch(r.path.data());
  __builtin_prefetch(r.raw_query.data());
  __builtin_prefetch(r.source_vpc_owner_account.value.data());
  __builtin_prefetch(r.source_ip.value.data());
  if (r.principal != nullptr) __builtin_prefetch(r.principal->arn.data());
  if (!im.header_slots.empty()) {
    const ParamList& headers = r.headers;
    const size_t n = std::min(headers.size(), kPrefetchHeaders);
    for (size_t i = 0; i < n; ++i) {
      __builtin_prefetch(headers.name(i).data());
      __builtin_prefetch(headers.value(i).data());
    }
  }
}

// Out of line, so the dispatcher stays a few instructions (no big frame).
template <int kW>
__attribute__((noinline)) Decision RunGeneral(const CompiledPolicy::Impl& im,
                                              const RequestView& request,
                                              bool ignore_principal) {
  PrefetchTexts(im, request);
  return Evaluator<kW>(im, request, ignore_principal).Run();
}

}  // namespace

GeneralRunner PickGeneralRunner(const CompiledPolicy::Impl& im) {
  if (im.keys.size() <= 64) {
    if (im.total_words <= 1) return &RunGeneral<1>;
    if (im.total_words <= 2) return &RunGeneral<2>;
    if (im.total_words <= 4) return &RunGeneral<4>;
  }
  return &RunGeneral<0>;
}

Decision EvaluateGeneral(const CompiledPolicy::Impl& im, const RequestView& request,
                         bool ignore_principal) {
  return PickGeneralRunner(im)(im, request, ignore_principal);
}

}  // namespace internal
}  // namespace latticepol
