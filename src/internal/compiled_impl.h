// File: src/internal/compiled_impl.h
// Stage: compile -> evaluate. The plan behind CompiledPolicy (pimpl): what
// Compile() (src/compile.cc) builds and Evaluate() (src/evaluate_compiled.cc,
// running src/evaluate_general.cc or src/evaluate_simple.cc)
// runs. Not part of the public API.
//
// Layout of a plan:
//  - Condition entries ("clauses") get dense ids, grouped by condition key, so
//    the clauses of one key occupy a contiguous bit range [clause_begin,
//    clause_end). Clause bit sets are arrays of uint64 words; every mask that
//    belongs to a key covers only the key's word window [word_lo, word_lo +
//    n_words) and lives in one pool (Impl::masks).
//  - Each key owns the "atoms" of its clauses: interned exact values (one
//    lookup of the request value yields the mask of every StringEquals /
//    literal StringLike clause it satisfies), case-folded values, a grouped
//    glob matcher, field-split ARN globs, parsed numbers, dates, booleans,
//    base64 bytes and CIDRs. Matching one request value ORs the masks of the
//    atoms it hits; negated clauses flip the bit (NOR); set qualifiers fold
//    the per-value bits (ANY / ALL), and the per-key finalisation applies the
//    absent, Q2, type-error (T2) and Null rules of docs/semantics.md §3.1.
//  - Clauses with active policy variables ("dynamic") are evaluated per
//    request by a slow path that substitutes the variables.
//  - Statements are conjunctions over clause bits (a short list of
//    (word, mask) pairs) plus precomputed principal/action/resource tests;
//    Deny statements come first, each group in document order.
#ifndef LATTICEPOL_INTERNAL_COMPILED_IMPL_H_
#define LATTICEPOL_INTERNAL_COMPILED_IMPL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "internal/glob_set.h"
#include "internal/semantics.h"
#include "internal/text.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {
namespace internal {

// Offset of a key-window mask in Impl::masks.
using MaskRef = uint32_t;

// Exact string -> mask lookup: a linear scan (size + first-8-bytes word,
// then the rest inline) for a few entries, a hash map above that.
class ExactTable {
 public:
  static constexpr size_t kLinearMax = 8;

  struct Entry {
    std::string value;
    uint64_t head = 0;  // HeadWord(value)
    MaskRef mask = 0;
  };

  // Returns the mask for `value`, creating it with `make` (which returns a
  // fresh MaskRef) on first use. Above kLinearMax entries the lookup goes
  // through the hash map, kept from then on: interning n values is O(n).
  template <typename Make>
  MaskRef Intern(std::string_view value, Make&& make) {
    if (!map_.empty()) {
      if (const MaskRef* m = FindInMap(value)) return *m;
    } else {
      for (const Entry& e : entries_) {
        if (e.value == value) return e.mask;
      }
    }
    Entry e;
    e.value = std::string(value);
    uint64_t unused;
    HeadWord(value, &e.head, &unused);
    e.mask = make();
    entries_.push_back(std::move(e));
    if (!map_.empty()) {
      map_.emplace(entries_.back().value, entries_.back().mask);
    } else if (entries_.size() > kLinearMax) {
      map_.reserve(entries_.size());
      for (const Entry& x : entries_) map_.emplace(x.value, x.mask);
    }
    return entries_.back().mask;
  }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }

  // Returns the mask for `value`, or nullptr.
  inline __attribute__((always_inline)) const MaskRef* Find(std::string_view value) const {
    if (!map_.empty()) return FindInMap(value);
    const size_t n = value.size();
    const uint64_t head = HeadOf(value.data(), n);
    for (const Entry& e : entries_) {
      if (e.value.size() == n && e.head == head &&
          (n <= 8 || BytesEqual(e.value.data() + 8, value.data() + 8, n - 8))) {
        return &e.mask;
      }
    }
    return nullptr;
  }

 private:
  const MaskRef* FindInMap(std::string_view value) const {
    auto it = map_.find(absl::string_view(value.data(), value.size()));
    return it == map_.end() ? nullptr : &it->second;
  }

  std::vector<Entry> entries_;
  absl::flat_hash_map<std::string, MaskRef> map_;
};

// What an exact value of a key yields in the general plan: the key's mask
// of the clauses it satisfies (MaskRef into Impl::masks) and, for keys whose
// clauses fit one word, that mask's word and the key's final clause bits for
// the value (OneWordMasks::Bits of the word: exact-only keys are decided by
// one lookup).
struct ExactHit {
  MaskRef mask = 0;
  uint64_t word = 0;  // one-word keys: Impl::masks[mask]; else 0
  uint64_t bits = 0;  // one-word keys: the final clause bits; else 0
};

// The general plan's index over an ExactTable (built once its entries and
// the key's masks are final). Each entry is kept as its size and first and
// last eight bytes (which cover every byte of values up to 16 bytes).
//
// Usually the index is collision-free: a hash of (size, first word, last
// word), multiplied by a seed that Build() searches for, picks one byte of
// `index_`, which names the only entry the value can be (or the sentinel
// entry 0, which matches nothing). A lookup is then one hash, two loads and
// one combined compare: no probe loop, no branch per entry.
//
// Entries that only their middle bytes tell apart (same size, first and
// last words) have the same summary under every seed; the index then hashes
// the middle bytes of values over 16 bytes too (`mix_middle_`, a slower
// lookup kept off the usual path) and searches a seed again. Above
// kPerfectMax entries it probes an open-addressing table at most half full,
// also hashed over whole values, so entries that share their ends do not
// pile into one probe chain.
class ExactIndex {
 public:
  // At most this many entries get a collision-free index (one byte each).
  static constexpr size_t kPerfectMax = 254;
  // An index of no entries (finds nothing) until Build().
  ExactIndex() { BuildPerfect({}); }
  // `hit_of(mask, &hit)` fills an entry's word and bits (ExactHit).
  template <typename HitOf>
  void Build(const ExactTable& table, HitOf&& hit_of) {
    std::vector<Slot> entries;
    entries.reserve(table.size());
    for (const ExactTable::Entry& e : table.entries()) {
      Slot s;
      s.data = e.value.data();
      s.size = e.value.size();
      s.head = HeadOf(s.data, e.value.size());
      s.tail = TailOf(s.data, e.value.size(), s.head);
      s.hit.mask = e.mask;
      hit_of(e.mask, &s.hit);
      entries.push_back(s);
    }
    mix_middle_ = false;
    if (BuildPerfect(entries)) return;
    mix_middle_ = true;
    if (!BuildPerfect(entries)) BuildProbing(entries);
  }
  // Whether the index is collision-free on (size, head, tail) alone, the
  // usual and fastest form.
  bool perfect() const { return !mix_middle_; }
  // Whether it hashes the middle bytes too (collision-free or probed).
  bool mixes_middle() const { return mix_middle_; }
  // Whether it probes (more than kPerfectMax entries).
  bool probed() const { return index_.empty(); }
  size_t memory() const { return slots_.size() * sizeof(Slot) + index_.size(); }

  // Returns what `value` yields, or nullptr when it is no entry.
  inline __attribute__((always_inline)) const ExactHit* Find(std::string_view value) const {
    const size_t n = value.size();
    const uint64_t head = HeadOf(value.data(), n);
    const uint64_t tail = TailOf(value.data(), n, head);
    if (__builtin_expect(!mix_middle_, 1)) {
      const Slot& s = slots_[index_[(PreHash(n, head, tail) * seed_) >> shift_]];
      // The three word compares combined: one branch for the usual answer.
      const bool words = (s.size == n) & (s.head == head) & (s.tail == tail);
      if (words && (n <= 16 || BytesEqual(s.data + 8, value.data() + 8, n - 16))) return &s.hit;
      return nullptr;
    }
    return FindMixed(value, head, tail);
  }

 private:
  struct Slot {
    uint64_t head = 0;
    uint64_t tail = 0;
    const char* data = nullptr;  // the ExactTable entry's bytes; null: empty
    uint64_t size = ~uint64_t{0};  // no value's size: an empty slot never matches
    ExactHit hit;
  };
  // Head and tail cover every byte of values up to 16 bytes.
  static inline __attribute__((always_inline)) bool Same(const Slot& s, std::string_view value,
                                                         uint64_t head, uint64_t tail) {
    const size_t n = value.size();
    return s.size == n && s.head == head && s.tail == tail &&
           (n <= 16 || BytesEqual(s.data + 8, value.data() + 8, n - 16));
  }
  static inline __attribute__((always_inline)) uint64_t TailOf(const char* p, size_t n,
                                                               uint64_t head) {
    return n >= 8 ? Load64(p + n - 8) : head;
  }
  // A 64-bit summary of (size, head, tail), before the seed's multiply.
  // Values often differ only in their last bytes (account ids), which sit
  // in the high bits of `tail`: they are folded down, so that the multiply
  // carries them into the top bits the index is read from.
  static inline __attribute__((always_inline)) uint64_t PreHash(size_t n, uint64_t head,
                                                                uint64_t tail) {
    uint64_t h = (head * 0x9E3779B97F4A7C15ULL) ^ tail ^ n;
    return h ^ (h >> 32);
  }
  // The summary of the whole value (mix_middle_ indexes): PreHash with the
  // bytes between the first and last eight of values over 16 bytes mixed
  // in, eight at a time (the last word may overlap the first: it starts at
  // n - 16 >= 0).
  static uint64_t WholeHash(const char* p, size_t n, uint64_t head, uint64_t tail) {
    uint64_t h = PreHash(n, head, tail);
    if (n <= 16) return h;
    const char* middle = p + 8;
    const size_t m = n - 16;
    for (size_t i = 0; i + 8 <= m; i += 8) h = (h ^ Load64(middle + i)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ Load64(middle + m - 8)) * 0x94D049BB133111EBULL;
    return h ^ (h >> 32);
  }
  uint64_t Summary(const Slot& e) const {
    return mix_middle_ ? WholeHash(e.data, e.size, e.head, e.tail) : PreHash(e.size, e.head, e.tail);
  }
  // Find() of the mix_middle_ forms, out of line (off the usual path).
  __attribute__((noinline)) const ExactHit* FindMixed(std::string_view value, uint64_t head, uint64_t tail) const {
    const size_t n = value.size();
    const uint64_t h = WholeHash(value.data(), n, head, tail);
    size_t i = (h * seed_) >> shift_;
    if (!index_.empty()) {
      const Slot& s = slots_[index_[i]];
      return Same(s, value, head, tail) ? &s.hit : nullptr;
    }
    for (;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.data == nullptr) return nullptr;
      if (Same(s, value, head, tail)) return &s.hit;
    }
  }
  // Odd multipliers tried in turn (a fixed sequence: builds are repeatable).
  static uint64_t Seed(uint64_t i) {
    uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) | 1;
  }
  // Tries table sizes from twice the entries up to 64 times (at least 64
  // slots, at most 8192), 16 seeds each; true when one seed gives every
  // entry its own index byte.
  bool BuildPerfect(const std::vector<Slot>& entries) {
    slots_.clear();
    index_.clear();
    if (entries.size() > kPerfectMax) return false;
    std::vector<uint64_t> pre;
    for (const Slot& e : entries) pre.push_back(Summary(e));
    // Two entries with the same summary clash under every seed: no search.
    std::vector<uint64_t> sorted = pre;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
    size_t min_cap = 2;
    while (min_cap < 2 * entries.size()) min_cap *= 2;
    size_t max_cap = 64;
    while (max_cap < 64 * entries.size() && max_cap < 8192) max_cap *= 2;
    std::vector<uint8_t> index;
    for (size_t cap = min_cap, bits = __builtin_ctzll(min_cap); cap <= max_cap; cap *= 2, ++bits) {
      for (uint64_t attempt = 0; attempt < 16; ++attempt) {
        const uint64_t seed = Seed(attempt);
        index.assign(cap, 0);
        bool clash = false;
        for (size_t i = 0; i < entries.size() && !clash; ++i) {
          uint8_t& at = index[(pre[i] * seed) >> (64 - bits)];
          clash = at != 0;
          at = static_cast<uint8_t>(i + 1);
        }
        if (clash) continue;
        seed_ = seed;
        shift_ = static_cast<uint32_t>(64 - bits);
        index_ = std::move(index);
        slots_.reserve(entries.size() + 1);
        slots_.push_back(Slot());  // 0: the sentinel
        slots_.insert(slots_.end(), entries.begin(), entries.end());
        return true;
      }
    }
    return false;
  }
  // Open addressing over a power-of-two slot array at most half full
  // (mix_middle_: hashed over whole values).
  void BuildProbing(const std::vector<Slot>& entries) {
    slots_.clear();
    index_.clear();
    size_t cap = 4;
    uint32_t bits = 2;
    while (cap < 2 * entries.size()) {
      cap *= 2;
      ++bits;
    }
    seed_ = Seed(0);
    shift_ = 64 - bits;
    mask_ = cap - 1;
    slots_.assign(cap, Slot());
    for (const Slot& e : entries) {
      size_t i = (Summary(e) * seed_) >> shift_;
      while (slots_[i].data != nullptr) i = (i + 1) & mask_;
      slots_[i] = e;
    }
  }

  std::vector<Slot> slots_;     // collision-free: the sentinel, then the entries
  std::vector<uint8_t> index_;  // collision-free: slot of each hash value; probed: empty
  uint64_t seed_ = 1;
  uint32_t shift_ = 63;
  size_t mask_ = 0;  // probed: slots_.size() - 1
  // Hashes whole values (FindMixed: collision-free or probed); else
  // collision-free on PreHash, the usual path.
  bool mix_middle_ = false;
};

enum class NumCmp : uint8_t { kEq, kLt, kLe, kGt, kGe };

struct NumericAtom {
  NumCmp cmp = NumCmp::kEq;
  std::string value;  // a valid number (O3)
  bool is_int = false;  // `value` is an integer that fits `int_value`
  int64_t int_value = 0;
  MaskRef mask = 0;
};
struct DateAtom {
  NumCmp cmp = NumCmp::kEq;
  int64_t millis = 0;
  MaskRef mask = 0;
};
struct BoolAtom {
  bool value = false;
  MaskRef mask = 0;
};
struct BinaryAtom {
  std::string bytes;
  MaskRef mask = 0;
};
struct IpAtom {
  IpNet net;
  MaskRef mask = 0;
  // IPv4 nets: network and prefix mask as big-endian-order integers.
  uint32_t v4_net = 0;
  uint32_t v4_mask = 0;
  // Whether the IPv4 address `a4` (big-endian order, ParseIp4Fast's form)
  // is in this net (never in an IPv6 one).
  bool ContainsV4(uint32_t a4) const { return !net.v6 && ((a4 ^ v4_net) & v4_mask) == 0; }
};
// An ARN glob split into its fields 1..5 (field 0 is always `arn`).
struct ArnAtom {
  std::string glob;
  std::array<GlobPattern, 5> fields;
  MaskRef mask = 0;
};
struct FoldAtom {
  std::string original;  // policy text, for non-ASCII request values
  MaskRef mask = 0;
};

// Per-value checks that may make the reference record a DECISION id (the
// compiled path then reports kMaybeUncertain).
enum KeyCheck : uint8_t {
  kCheckNonAscii = 1 << 0,  // O1: IgnoreCase clauses
  kCheckNewline = 1 << 1,   // O2: Like clauses
  kCheckUpper = 1 << 2,     // O4: Bool clauses
  kCheckArnShape = 1 << 3,  // O6: ARN clauses
  kCheckMulti = 1 << 4,     // Q2: plain (non-set, non-Null) clauses
};

// Operator families whose request-side parse failure makes clauses false.
enum Typed : uint8_t {
  kTypedNumeric = 1 << 0,
  kTypedDate = 1 << 1,
  kTypedBool = 1 << 2,
  kTypedIp = 1 << 3,
};

// Which atom kinds a key has (CompiledKey::features). A key with only
// kFeatExact (or nothing) takes the short path in the evaluator.
enum Feature : uint8_t {
  kFeatExact = 1 << 0,
  kFeatFolded = 1 << 1,
  kFeatGlobs = 1 << 2,
  kFeatArn = 1 << 3,     // ARN atoms or the O6 shape check
  kFeatTyped = 1 << 4,   // numbers, dates, booleans, IPs
  kFeatBinary = 1 << 5,
  kFeatChecks = 1 << 6,  // O1/O2/O4 per-value checks
  // The kinds the general plan's OneValue matches out of line: IgnoreCase
  // atoms, ARN field atoms (not the shape check alone) or binaries.
  kFeatOutOfLine = 1 << 7,
};

// CompiledKey::value_path: a single-valued key (not PrincipalOrgPaths)
// whose clauses fit one word with exact atoms only (kPathExactOne), with
// exact and glob atoms and at most the O2/O4 value checks (kPathGlobOne),
// with typed atoms only (kPathTypedOne), or with any atoms (kPathOneValue);
// anything else folds values (kPathMulti).
enum KeyPath : uint8_t {
  kPathExactOne = 0,
  kPathOneValue = 1,
  kPathMulti = 2,
  kPathGlobOne = 3,
  kPathTypedOne = 4,
};

// The clause masks of a key in a one-word plan, inline.
struct OneWordMasks {
  uint64_t static_all = 0, value = 0, neg = 0, plain = 0, any = 0, all = 0,
           absent_true = 0, null_present = 0;
  // A single value's final clause bits when it hits no atom (miss_bits) and
  // the key's when it is absent (absent_bits = absent_true & static_all).
  uint64_t miss_bits = 0, absent_bits = 0;
  // The final clause bits of a single value whose atoms' hits are `h` and
  // whose failed typed parses (T2) make the clauses `err` false.
  uint64_t Bits(uint64_t h, uint64_t err = 0) const {
    return ((((h ^ neg) & value) & ~err) | null_present) & static_all;
  }
};

struct CompiledKey {
  ConditionKey key;      // kind + suffix (the name of the first occurrence)
  const KeyRow* row = nullptr;  // KeySemantics(key.kind); null for unknown keys
  uint32_t clause_begin = 0;  // range in Impl::clauses
  uint32_t clause_end = 0;
  uint32_t bit_begin = 0;     // range of the clauses' bits (contiguous)
  uint32_t bit_end = 0;
  uint32_t word_lo = 0;  // first word of the window
  uint32_t n_words = 0;  // words in the window
  int query_slot = -1;   // index in Impl::query_keys for RequestQueryString
  // Another referenced query key equals this one case-insensitively (so a
  // request key equal to this one triggers Q1 for the other).
  bool query_case_sibling = false;

  // Clause masks over the window.
  MaskRef static_all = 0;    // every non-dynamic clause of the key
  MaskRef value = 0;         // clauses decided by comparing values
  MaskRef neg = 0;           // negated operators among `value` (NOR)
  MaskRef plain = 0;         // no set qualifier
  MaskRef any = 0;           // ForAnyValue:
  MaskRef all = 0;           // ForAllValues:
  MaskRef absent_true = 0;   // result when the key is absent
  MaskRef null_present = 0;  // Null clauses true when the key is present
  MaskRef err_numeric = 0;   // clauses a non-number request value makes false (T2)
  MaskRef err_date = 0;
  MaskRef err_bool = 0;
  MaskRef err_ip = 0;
  uint8_t checks = 0;        // KeyCheck bits
  uint8_t typed = 0;         // Typed bits: families whose parse can fail (T2)
  uint8_t features = 0;      // Feature bits
  // How the general plan resolves one value of the key (a KeyPath, from
  // n_words, features and the key kind; set by Compile).
  uint8_t value_path = 0;
  // Keys read from one RequestView field (method, path, the optional text
  // fields): the field, so the general plan reads it without the
  // SingleKeyValue switch; null for every other key.
  std::string_view RequestView::*string_field = nullptr;
  OptionalText RequestView::*optional_field = nullptr;
  OneWordMasks one;          // copies of the masks above when n_words == 1

  // Atoms.
  ExactTable exact;          // StringEquals/NotEquals, literal StringLike
  ExactIndex exact_index;    // over `exact` (the general plan's lookups)
  // A Port key whose only atoms are integer numeric comparisons: the general
  // plan compares RequestView::port with them without formatting it.
  bool int_port = false;
  ExactTable folded;         // IgnoreCase, by FoldCase(policy value)
  std::vector<FoldAtom> fold_atoms;
  GlobSet globs;             // non-literal StringLike/NotLike
  std::vector<MaskRef> glob_masks;
  std::vector<ArnAtom> arns;
  std::vector<NumericAtom> numbers;  // distinct (cmp, value) pairs
  std::vector<DateAtom> dates;
  std::vector<BoolAtom> bools;
  std::vector<BinaryAtom> binaries;
  std::vector<IpAtom> ips;
  // A kPathTypedOne key whose atoms are all IPv4 nets of prefix /8, /16,
  // /24 or /32 and whose clauses give the same bits for a value in none of
  // them as for a value that does not parse (no negated clause is T2-false):
  // each net's dotted text up to its prefix (`203.0.113.` for
  // 203.0.113.0/24, `10.1.2.3` for 10.1.2.3/32). ParseIp reads an address
  // of such a net only from a text that starts with it (octets have no
  // leading zeros; IPv6 texts are never in an IPv4 net), so once the
  // uncertainty flag is set (T2 would add nothing) a value that starts with
  // none of them is decided without parsing. Empty: not applicable.
  std::vector<std::string> ip4_texts;
};

// A key of Impl::value_keys as the general plan resolves it (Impl::value_ops,
// same order): where its one value lives and how it is matched, in one
// small record read in order, instead of tests on the CompiledKey's
// scattered fields. Built by Compile from the CompiledKey; `source` says
// which of the field pointers is set.
struct ValueOp {
  enum Source : uint8_t {
    kPort,      // CompiledKey::int_port: RequestView::port compared as a number
    kString,    // CompiledKey::string_field (absent on Connect when absent_on_connect)
    kOptional,  // CompiledKey::optional_field (absent when not present, or as kString)
    kPrincipal,  // principal_field of the caller (anonymous: anonymous_value);
                 // absent when empty, or as kString
    kNever,      // no single value (PrincipalOrgPaths; SingleKeyValue is false)
    kOther,      // SingleKeyValue's switch
  };
  const CompiledKey* key = nullptr;
  std::string_view RequestView::*string_field = nullptr;
  OptionalText RequestView::*optional_field = nullptr;
  const std::string Principal::*principal_field = nullptr;
  std::string_view anonymous_value;  // KeyRow::anonymous_value (kPrincipal)
  uint32_t kid = 0;
  Source source = kOther;
  uint8_t path = 0;                // CompiledKey::value_path
  bool absent_on_connect = false;  // KeyRow::absent_on_connect (K1)
  // Ops of Impl::exact_ops (kPathExactOne): the key's index, word and
  // OneWordMasks::miss_bits / absent_bits, inline.
  const ExactIndex* exact = nullptr;
  uint64_t miss_bits = 0;
  uint64_t absent_bits = 0;
  uint32_t word = 0;
};

struct CompiledClause {
  const Condition* condition = nullptr;  // points into Impl::doc
  int32_t statement = 0;                 // index in PolicyDocument::statements
  uint32_t key = 0;                      // dense key id
  uint32_t bit = 0;                      // position in the clause bit sets
  bool dynamic = false;                  // has active variables: slow path
};

struct CompiledStatement;

// A RequestHeader key of the general plan resolved by one pass over the
// request's headers (Impl::header_slots): its suffix and key id.
struct HeaderSlot {
  const char* name = nullptr;  // CompiledKey::key.suffix
  const CompiledKey* compiled = nullptr;  // &Impl::keys[key]
  uint32_t size = 0;
  uint32_t key = 0;
};

// A statement of the general plan with at most 4 words of clause bits,
// compact (what the statement pick scans; `full` for the slow tests).
struct GeneralStatement {
  uint64_t cond[4] = {0, 0, 0, 0};  // CompiledStatement::cond_small
  // Lazy plans: the clauses of `cond` on eager keys (known before any lazy
  // key is resolved), and the statement's lazy keys, cheapest first:
  // Impl::lazy_order[lazy_begin, lazy_end).
  uint64_t eager_cond[4] = {0, 0, 0, 0};
  uint16_t lazy_begin = 0;
  uint16_t lazy_end = 0;
  const CompiledStatement* full = nullptr;
  int32_t index = 0;
  bool deny = false;
  bool invoke = false;   // CompiledStatement::invoke
  bool connect = false;  // CompiledStatement::connect
  bool trivial = false;  // principal_always && resource_always
};

struct PrincipalCheck {
  enum class Kind : uint8_t { kAlways, kNever, kList, kNotList };
  Kind kind = Kind::kAlways;
  // kList: account ids (12 digits or from `...:root`), principal.arn values,
  // principal.session_arn values.
  std::vector<std::string> accounts;
  std::vector<std::string> arns;
  std::vector<std::string> sessions;
  // kNotList: accounts as above; `values` = every listed AWS value (an exempt
  // caller needs its principal.arn among them too).
  std::vector<std::string> values;
};

struct ResourcePattern {
  enum class Kind : uint8_t {
    kGlob,         // whole-string glob: R1, or an `arn:` pattern whose head
                   // wildcards are all colon-crossing `*`s (D1)
    kArnSegments,  // an `arn:` pattern with a colon-bound head wildcard (D1)
    kDynamicArn,   // variables in the resource field
    kDynamicGlob,  // variables in a non-ARN pattern
  };
  Kind kind = Kind::kGlob;
  GlobPattern glob;                // kGlob
  ArnSegmentGlob segments;         // kArnSegments; kDynamicArn when use_segments
  bool use_segments = false;       // kDynamicArn: match with `segments`
  std::string text;                // the policy text (dynamic kinds)
  std::string head_glob;           // kDynamicArn: glob of the first five fields
  size_t tail_pos = 0;             // kDynamicArn: start of the resource field
  int dynamic_slot = -1;           // index into the per-request dynamic results
};

struct ResourceCheck {
  bool negate = false;    // NotResource
  bool has_star = false;  // "*" listed: matches every request
  std::vector<ResourcePattern> patterns;  // without "*" and servicenetwork ARNs
};

struct CompiledStatement {
  int32_t index = 0;
  Effect effect = Effect::kAllow;
  bool principal_always = false;  // the principal test passes for everyone
  bool resource_always = false;   // "*" in Resource
  uint32_t cond_begin = 0;  // range in Impl::cond_words
  uint32_t cond_end = 0;
  uint64_t cond_one = 0;    // one-word plans: the clause mask itself
  uint64_t cond_small[4] = {0, 0, 0, 0};  // plans of at most 4 words: all masks
  bool invoke = false;      // action test for vpc-lattice-svcs:Invoke
  bool connect = false;     // ... and for vpc-lattice-svcs:Connect
  PrincipalCheck principal;
  ResourceCheck resource;
};

// An exact value of a simple key, inline: its bytes (interned in the key's
// ExactTable), its size and the clause mask word it yields. Compared with a
// size check and an inline BytesEqual (cheaper than a head word for the
// short values policies use).
struct InlineEntry {
  const char* data = nullptr;
  uint64_t mask = 0;
  uint64_t bits = 0;  // single-valued keys: the final clause bits (see SimpleKey)
  uint32_t size = 0;
};

// A key of a "simple" plan (see SimplePlan): its one-word masks inline.
struct SimpleKey {
  static constexpr int kInlineEntries = 4;
  const CompiledKey* key = nullptr;
  // Where the value lives in the RequestView, for plain fields (else null
  // and the evaluator's SingleValue switch resolves it).
  OptionalText RequestView::*optional_field = nullptr;
  std::string_view RequestView::*string_field = nullptr;  // absent for Connect
  InlineEntry entries[kInlineEntries];
  int n_entries = -1;  // -1: use key->exact (more than kInlineEntries)
  uint64_t neg = 0, value = 0, absent_true = 0, null_present = 0, static_all = 0,
           plain = 0, any = 0, all = 0;
  // Single-valued keys, precomputed: a present value found in no entry
  // yields miss_bits, an absent key absent_bits, an entry its `bits`
  // (((mask ^ neg) & value | null_present) & static_all).
  uint64_t miss_bits = 0, absent_bits = 0;
  std::string_view suffix;   // query keys: the parameter name
  bool has_exact = false;
  bool multi_check = false;  // kCheckMulti: Q2 when two or more values
  bool case_sibling = false; // CompiledKey::query_case_sibling
  // Query keys without ForAnyValue/ForAllValues clauses: only the first
  // value and the value count matter, so the value is looked up once, after
  // the scan, and only if it occurred exactly once.
  bool plain_only = false;
  // Query keys: the suffix has no `%`, `&` or `=`, so a raw pair whose key
  // bytes equal it is this key without decoding.
  bool raw_exact = false;
};

// The fast plan for the common policy shape: at most 64 clauses, no
// variables, and every key decided by exact equality atoms only (String
// equality, literal StringLike/ArnLike, Null, IfExists, set qualifiers,
// negation). Evaluated by one function with its state in registers.
// A statement of a simple plan, compact (the full one for slow tests).
struct SimpleStatement {
  uint64_t cond = 0;
  int32_t index = 0;
  bool deny = false;
  bool invoke = false;
  bool connect = false;
  bool trivial = false;  // principal and resource tests always pass
  const CompiledStatement* full = nullptr;
};

struct SimplePlan {
  bool enabled = false;
  // kMaybeUncertain before request checks: [0] normal, [1] principal ignored.
  bool base_uncertain[2] = {false, false};
  std::vector<SimpleStatement> statements;  // Deny first
  uint64_t const_res = 0;        // clauses on unknown keys (always absent)
  // Single-valued keys, by where their value lives: an OptionalText field,
  // a string field (absent for Connect), or anything else (SingleValue).
  std::vector<SimpleKey> optional_keys;
  std::vector<SimpleKey> string_keys;
  std::vector<SimpleKey> other_keys;
  std::vector<SimpleKey> query;  // RequestQueryString keys, in slot order
  // Raw query bytes that may start a pair whose key is a referenced query
  // key, a case variant of one (Q1) or an encoding of one (`%`, Q3); pairs
  // starting with any other byte are skipped unparsed. All bytes >= 0x80
  // when a key starts with one (Unicode case folding).
  std::array<bool, 256> query_first{};
  bool any_nontrivial = false;   // some statement tests Principal or Resource
  // One query key, plain operators only (no set qualifier), a raw_exact
  // suffix and no case sibling: the scan needs only its count and first value.
  bool one_plain_query = false;
};

// The equality plan, a special case of the simple plan picked at compile
// time (as RE2 picks OnePass when a regexp qualifies): every clause is a
// case-sensitive exact StringEquals (no IfExists, negation, set qualifier,
// Null or variables) on a plain request field (method, path, the optional
// text fields) or on at most one query key with a plain name, every
// statement tests Principal "*" and Resource "*", and no A2/A3 trigger
// applies. EvaluateEquality (src/evaluate_simple.cc) decides an Invoke
// request with a raw query with its state in registers and hands anything
// else to the simple plan: another action, a pre-split query, a `%` in the
// referenced pair or in a key that could name it (Q3). Its results equal the
// simple plan's: the masks below are the simple plan's, restricted to a
// shape where the absent, miss, negation and Null terms are all zero.
struct EqKey {
  OptionalText RequestView::*optional_field = nullptr;
  std::string_view RequestView::*string_field = nullptr;
  // `bits`: the clause bits a request value equal to the entry yields.
  // Entries past n_entries stay empty with bits 0: the evaluator scans all
  // kInlineEntries of them (see EqLookup).
  InlineEntry entries[SimpleKey::kInlineEntries];
  int n_entries = 0;
  // Keys with one or two values of the same size, 1 to 16 bytes (the
  // method, an account): word_size is that size (0: use `entries`) and each
  // value is its two EqWords; a value of that size is looked up with no
  // loop (EqWordLookup). With one value, the second slot repeats it.
  uint32_t word_size = 0;
  uint64_t words[2][2] = {{0, 0}, {0, 0}};
  uint64_t word_bits[2] = {0, 0};
};

// The `n` (1 to 16) bytes at `p` as two overlapping little-endian words
// that are equal for two texts of size `n` iff their bytes are: the first
// and the last 8 (n >= 8), 4 (n >= 4) or 2 (n >= 2) bytes, or the byte.
inline __attribute__((always_inline)) void EqWords(const char* p, size_t n, uint64_t* a,
                                                   uint64_t* b) {
  if (n >= 8) {
    *a = Load64(p);
    *b = Load64(p + n - 8);
  } else if (n >= 4) {
    *a = Load32(p);
    *b = Load32(p + n - 4);
  } else if (n >= 2) {
    *a = Load16(p);
    *b = Load16(p + n - 2);
  } else {
    *a = static_cast<unsigned char>(p[0]);
    *b = 0;
  }
}

struct EqStatement {
  uint64_t cond = 0;
  int32_t index = 0;
  bool deny = false;
};

struct EqPlan {
  static constexpr int kMaxKeys = 4;
  static constexpr int kMaxStatements = 8;
  bool enabled = false;
  bool base_uncertain[2] = {false, false};  // SimplePlan::base_uncertain
  uint64_t const_res = 0;                   // SimplePlan::const_res
  EqKey keys[kMaxKeys];  // single-valued keys: optional fields first
  int n_keys = 0;
  int n_optional = 0;    // keys[0, n_optional) have an optional_field
  bool has_query = false;
  std::string_view query_key;               // a raw_exact name, no case sibling
  InlineEntry query_entries[SimpleKey::kInlineEntries];  // `bits` as in EqKey
  int n_query_entries = 0;
  bool query_multi_check = false;           // Q2 when the key repeats
  // The one-vector scan of short queries (query_short_scan: the key is not
  // empty): `&`, `%` and the key's first byte in both ASCII cases (with `%`
  // and the non-ASCII bytes: SimplePlan::query_first), each 16 times.
  alignas(16) uint8_t splat[4][16] = {};
  bool query_short_scan = false;
  // The statements whose Action matches vpc-lattice-svcs:Invoke, Deny first.
  EqStatement statements[kMaxStatements];
  int n_statements = 0;
  // The vector scan's whole-pair test: each non-empty query value of the
  // policy as the raw pair "key=value" (at most 16 bytes, zero padded), so
  // one 16-byte compare checks the key, the `=` and the value of a pair.
  alignas(16) uint8_t pair_bytes[SimpleKey::kInlineEntries][16] = {};
  uint32_t pair_size[SimpleKey::kInlineEntries] = {};
  uint64_t pair_bits[SimpleKey::kInlineEntries] = {};  // as query_entries' bits
  int n_pairs = 0;
  // When every statement's clauses are among bits 0-7 (small_pick): the
  // statement chosen for each value of those bits, as 1 + its position in
  // `statements`, 0 for none.
  bool small_pick = false;
  uint8_t pick[256] = {};
  // The decision for each value of `pick` (0: implicit deny), `uncertain`
  // left 0: copied whole, then the request's flag set.
  Decision picked[kMaxStatements + 1];
  // The same decision's first eight bytes (kind and statement) for each
  // value of the pick bits (small_pick), copied into a Decision.
  uint64_t picked_head[256] = {};
  DecisionIdMask base_flag[2] = {0, 0};  // base_uncertain as kMaybeUncertain or 0
  // The shape EqLeaf decides most requests of with no stack frame: small_pick,
  // one optional and one string key, a query key with whole pairs and the
  // short scan (the seed's).
  bool leaf_shape = false;
  uint64_t key_bits = 0;  // every bit the single-valued keys can set
};

// Request-dependent uncertainty triggers (bits of Impl::triggers).
enum Trigger : uint32_t {
  kTriggerConnectKeys = 1 << 0,  // K1: Connect + method/path/header/query key
  kTriggerConnectResource = 1 << 1,  // K1: Connect + a non-"*" Resource pattern
  kTriggerAnonymousAccount = 1 << 2,  // A2
  kTriggerSignedAwsService = 1 << 3,  // A3
};

// Parses -?\d+(\.0+)? with at most 18 significant integer digits into
// `*v`. Returns false for anything else (callers then use CompareNumbers).
inline bool ParseSmallInt(std::string_view s, int64_t* v) {
  size_t i = 0;
  const size_t n = s.size();
  bool neg = false;
  if (i < n && s[i] == '-') {
    neg = true;
    ++i;
  }
  const size_t start = i;
  while (i < n && s[i] == '0') ++i;
  int64_t x = 0;
  int digits = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    if (++digits > 18) return false;
    x = x * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start) return false;
  if (i < n) {
    if (s[i] != '.' || i + 1 == n) return false;
    for (++i; i < n; ++i) {
      if (s[i] != '0') return false;
    }
  }
  *v = neg ? -x : x;
  return true;
}

// The general plan's evaluator (src/evaluate_general.cc); see
// CompiledPolicy::Impl::general.
using GeneralRunner = Decision (*)(const CompiledPolicy::Impl& im, const RequestView& r,
                                   bool ignore_principal);
Decision EvaluateGeneral(const CompiledPolicy::Impl& im, const RequestView& r,
                         bool ignore_principal);
// The instantiation of the general evaluator that fits `im` (its word count),
// chosen once by Compile so a decision reaches it in one call.
GeneralRunner PickGeneralRunner(const CompiledPolicy::Impl& im);

}  // namespace internal

class CompiledPolicy::Impl {
 public:
  PolicyDocument doc;
  std::vector<internal::CompiledKey> keys;
  std::vector<internal::CompiledClause> clauses;
  std::vector<uint64_t> masks;  // pool of key-window masks
  std::vector<std::pair<uint32_t, uint64_t>> cond_words;  // statement condition masks
  std::vector<internal::CompiledStatement> statements;    // Deny first
  std::vector<internal::GeneralStatement> general_statements;  // when total_words <= 4
  // The statement pick's filter (stmt_filter: at most 64 general_statements):
  // each statement with conditions has one "sentinel" clause bit, a clause
  // chosen on a key with many values (rarely true); a statement can only
  // apply when its sentinel bit is set. sentinel_of[bit] is the statement's
  // position in general_statements; stmt_always marks statements without
  // conditions.
  bool stmt_filter = false;
  uint64_t sentinel_mask[4] = {0, 0, 0, 0};
  uint8_t sentinel_of[256] = {};
  uint64_t stmt_always = 0;
  // Lazy keys (lazy: a stmt_filter plan of at most 64 keys and 4 words
  // without variables). The statement pick only ever tests candidates
  // (statements whose sentinel holds), so a key that is no candidate's
  // needs no evaluation. The evaluator first resolves the eager keys (every
  // sentinel's key, and the query and unknown keys, which are finalized
  // together after the query scan); the statement pick then resolves the
  // lazy keys of each candidate it tests, cheapest first (lazy_order),
  // until one of the candidate's clauses is false. A lazy key that may
  // raise the uncertainty flag (lazy_loud: anything but an exact-only key
  // or an integer port) is resolved anyway while the flag is still clear,
  // so the flag is what resolving every key would give. The lazy keys' ops
  // are lazy_exact_ops / lazy_value_ops (out of exact_ops / value_ops) and
  // their header slots stay in header_slots (the header pass skips them: a
  // lazy key's header is looked for only when the key is needed;
  // header_absent covers the eager slots only).
  bool lazy = false;
  uint64_t lazy_keys = 0;
  uint64_t lazy_loud = 0;
  std::vector<internal::ValueOp> lazy_exact_ops[3];
  std::vector<internal::ValueOp> lazy_value_ops;
  // How the statement pick resolves a lazy key (by key id): from an op of
  // lazy_exact_ops[source] or lazy_value_ops (`index`), or from its header
  // slot (header_slots[index]).
  struct LazyStep {
    enum Kind : uint8_t { kExactOp, kValueOp, kHeader };
    Kind kind = kExactOp;
    uint8_t source = 0;  // kExactOp: ValueOp::source - ValueOp::kString
    uint32_t index = 0;
  };
  LazyStep lazy_steps[64];
  // Each key's clause bits (by key id, per word).
  uint64_t key_bits[64][4] = {};
  // The lazy keys each statement of general_statements reads, cheapest
  // first (exact lookups, then integer ports, typed values, globs, the
  // rest), statement after statement (GeneralStatement::lazy_begin and
  // lazy_end). The pick resolves them in that order and drops the
  // statement at its first false clause, so a costly key is resolved only
  // for a statement whose cheaper clauses all hold.
  std::vector<uint8_t> lazy_order;
  std::vector<uint32_t> value_keys;    // keys resolved from the request, except query keys
                                       // and the header_slots' keys
  std::vector<internal::ValueOp> value_ops;  // value_keys as the general plan reads them
  // The value keys decided by one exact lookup (kPathExactOne) whose value
  // is a string field, an optional field or a principal field (ValueOp
  // kString, kOptional, kPrincipal: exact_ops[source - kString]), taken out
  // of value_ops: one loop per source, with no per-key dispatch.
  std::vector<internal::ValueOp> exact_ops[3];
  // General plans of at most 4 words and 64 keys: the one-word RequestHeader
  // keys (at most 64), resolved in one pass over the request's headers, and
  // the OR of their eager keys' absent results per word (BuildHeaderAbsent).
  std::vector<internal::HeaderSlot> header_slots;
  uint64_t header_absent[4] = {0, 0, 0, 0};
  // header_by_size[min(size, 63)]: the eager header_slots (bits) whose
  // name has that size, so a request header is compared only with names it
  // can equal (BuildHeaderAbsent drops the lazy slots).
  uint64_t header_by_size[64] = {};
  // The positions (bits) of the header_slots of eager keys (all of them
  // unless the plan is lazy; BuildHeaderAbsent).
  uint64_t eager_header_slots = 0;
  std::vector<uint32_t> query_keys;    // RequestQueryString keys (key ids)
  std::vector<uint32_t> deferred_keys; // query and unknown keys (finalized last)
  // deferred_fast (at most 64 keys and 4 words, every deferred key within
  // one word): deferred_mask has a bit per deferred key id and
  // deferred_absent[w] is the OR of their absent results (absent_true &
  // static_all) in word w, what finalizing them all adds when none of them
  // got a value.
  bool deferred_fast = false;
  uint64_t deferred_mask = 0;
  uint64_t deferred_absent[4] = {0, 0, 0, 0};
  absl::flat_hash_map<std::string, uint32_t> query_slot_map;  // suffix -> slot, when many
  // Without query_slot_map (at most 8 query keys): per first byte, the one
  // query key (its slot) whose name starts with it, kNoQuerySlot when none
  // does, kScanQuerySlots when several do (then every key is compared; also
  // the default, for a plan Compile did not fill).
  static constexpr uint8_t kNoQuerySlot = 0xFE;
  static constexpr uint8_t kScanQuerySlots = 0xFF;
  static constexpr std::array<uint8_t, 256> ScanEveryQuerySlot() {
    std::array<uint8_t, 256> table{};
    for (uint8_t& entry : table) entry = kScanQuerySlots;
    return table;
  }
  std::array<uint8_t, 256> query_slot_by_first = ScanEveryQuerySlot();
  // The general plan's raw query scan: the bytes a pair must start with to
  // be a referenced key, a case variant of one (Q1) or an encoding of one
  // (Q3): each key's first byte in both ASCII cases, `%` and every byte
  // from 0x80; every byte when a key is empty or starts with a non-ASCII
  // byte (Unicode folding can map it to an ASCII one). Other pairs are
  // skipped to their `&`.
  std::array<bool, 256> query_first{};
  std::vector<uint32_t> dynamic_clauses;
  uint32_t total_words = 0;
  int dynamic_resource_count = 0;

  // Uncertainty (see compiled_policy.h): set whenever the reference could
  // record a DECISION id.
  bool static_uncertain = false;            // independent of the request
  bool principal_uncertain = false;         // P-S / N1 (not for identity layers)
  // The general plan's flag before request checks, [ignore_principal]:
  // static_uncertain, or'ed with principal_uncertain at [0] (set by Compile).
  bool base_uncertain[2] = {false, false};
  // Clauses with variables or Resource patterns with variables: the
  // general plan's slow steps (dynamic_clauses, dynamic_resource_count).
  bool has_dynamic = false;
  // The general plan's entry (internal::PickGeneralRunner, set by Compile;
  // EvaluateGeneral, which picks per call, for a plan built by hand).
  internal::GeneralRunner general = &internal::EvaluateGeneral;
  uint32_t triggers = 0;                    // internal::Trigger bits
  size_t memory_used = 0;
  internal::SimplePlan simple;
  internal::EqPlan eq;  // a special case of `simple` (eq.enabled implies simple.enabled)

  const uint64_t* mask(internal::MaskRef m) const { return masks.data() + m; }
};

namespace internal {

// The engine's access to a CompiledPolicy's plan (CompiledPolicy::impl() is
// private, so the public API does not expose the plan).
struct CompiledPolicyAccess {
  static const CompiledPolicy::Impl& Plan(const CompiledPolicy& p) { return p.impl(); }
};

// Evaluates with the principal test forced to pass (identity layers whose
// document was not parsed as an identity policy, docs/semantics.md §4.2 E2).
Decision EvaluateCompiled(const CompiledPolicy& policy,
                          const RequestView& request, bool ignore_principal);

}  // namespace internal
}  // namespace latticepol

#endif  // LATTICEPOL_INTERNAL_COMPILED_IMPL_H_
