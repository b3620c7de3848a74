// File: src/workflow/simulate.cc
// Stage: simulate (engine). Prepares a scenario (effective per-caller mixes,
// cumulative choice thresholds, percent-encoded query fragments, compiled
// chains, expectation masks), then generates and evaluates the stream in
// fixed-size chunks on a pool of threads, aggregating per thread and merging.
// See latticepol/simulate.h for the determinism and uncertainty contracts.
#include "latticepol/simulate.h"

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
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "workflow/internal/chain_runner.h"
#include "workflow/internal/chain_util.h"
#include "internal/strings.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/explain.h"
#include "workflow/internal/seeded.h"
#include "latticepol/request_json.h"

namespace latticepol {
namespace {

using internal::ComposedDecision;
using internal::ComposeTable;
using internal::StrAppend;
using internal::StrCat;

// ---- Randomness ------------------------------------------------------------
// Request i draws from a SplitMix64 stream started at MixSeed(seed, i); each
// 64-bit output serves two 32-bit draws. Everything is integer arithmetic, so
// the stream is the same on every platform.
struct Stream {
  uint64_t state;
  uint64_t spare = 0;
  bool has_spare = false;
  __attribute__((always_inline)) uint64_t Next() {
    return internal::SplitMix64Next(&state);
  }
  __attribute__((always_inline)) uint32_t Next32() {
    if (has_spare) {
      has_spare = false;
      return static_cast<uint32_t>(spare >> 32);
    }
    spare = Next();
    has_spare = true;
    return static_cast<uint32_t>(spare);
  }
  // Takes back the last Next32 (DrawRequest draws before it knows that a
  // step takes none): SplitMix64's state only advances by its increment.
  void Unread() {
    if (has_spare) {
      has_spare = false;
      state -= 0x9E3779B97F4A7C15ull;
    } else {
      has_spare = true;
    }
  }
  // Uniform in [0, n) for n < 2^32 by multiply-shift (negligible bias).
  uint64_t Below(uint64_t n) { return (static_cast<uint64_t>(Next32()) * n) >> 32; }
};

inline bool IsHeaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
std::string_view TrimHeader(std::string_view v) {
  while (!v.empty() && IsHeaderSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsHeaderSpace(v.back())) v.remove_suffix(1);
  return v;
}

inline bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}
// Percent-encodes every byte outside the unreserved set, so the evaluator's
// decoding (Q3) gives back exactly `in`.
void AppendEncoded(std::string_view in, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

// Simple `*` glob for expectation paths (no other metacharacters).
bool StarGlob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// ---- Prepared distributions ----------------------------------------------------

struct Choice {
  ScenarioChoice::Kind kind = ScenarioChoice::Kind::kValue;
  std::string value;                 // kValue (headers: trimmed)
  std::vector<std::string> values;   // kRepeat (headers: joined into `value`)
  std::string encoded;               // query: "k=v&k=w" fragment, no leading '&'
  int32_t port = -1;
  int random_min = 0, random_max = 0;
  std::string alphabet;
};

struct Dist {
  std::vector<Choice> choices;
  std::vector<uint32_t> thresholds;  // cumulative; a 32-bit draw r picks the first r < t
  std::vector<uint8_t> is_random;    // per choice
  bool any_random = false;
  int last_positive = 0;

  bool has_random() const {
    for (const Choice& c : choices) {
      if (c.kind == ScenarioChoice::Kind::kRandom) return true;
    }
    return false;
  }
  // Branch-free: the index of the first threshold above r is the number of
  // thresholds at or below it (thresholds never decrease).
  __attribute__((always_inline)) inline int Pick(Stream& s) const {
    if (thresholds.size() == 1) return 0;
    return PickWith(s.Next32());
  }
  // The pick for the draw r (n > 1).
  int PickWith(uint32_t r) const {
    const size_t n = thresholds.size();
    const uint32_t* t = thresholds.data();
    int below = 0;
    for (size_t i = 0; i < n; ++i) below += t[i] <= r;
    return below < static_cast<int>(n) ? below : last_positive;
  }
};

// A Dist as the hot loop reads it. `bucket[r >> 24]` is the pick for every
// r with those top 8 bits when they all pick the same choice (the common
// case: only buckets that straddle a threshold are ambiguous), else
// kAmbiguous and the thresholds decide, exactly as Dist::Pick does.
struct FlatDist {
  static constexpr uint8_t kAmbiguous = 0xFF;
  uint32_t n = 1;
  uint32_t random_mask = 0;  // bit c: choice c is random (c < 32)
  uint32_t radix = 0;        // this key's weight in the request class number
  uint32_t combo_radix = 0;  // a query or header key's weight in its Rendered combination
  const Dist* dist = nullptr;
  std::array<uint8_t, 256> bucket{};

  static FlatDist Of(const Dist& d) {
    FlatDist f;
    f.dist = &d;
    f.n = static_cast<uint32_t>(d.thresholds.size());
    for (size_t c = 0; c < d.is_random.size() && c < 32; ++c) {
      if (d.is_random[c]) f.random_mask |= 1u << c;
    }
    // The count of thresholds at or below r never decreases as r grows, so
    // equal counts at both ends of a bucket mean one count for all of it.
    auto count = [&](uint32_t r) {
      int below = 0;
      for (uint32_t t : d.thresholds) below += t <= r;
      return below;
    };
    for (uint32_t b = 0; b < 256; ++b) {
      const uint32_t lo = b << 24, hi = lo | 0xFFFFFFu;
      const int below = count(lo);
      const int pick = below < static_cast<int>(f.n) ? below : d.last_positive;
      f.bucket[b] = below == count(hi) && pick < kAmbiguous ? static_cast<uint8_t>(pick)
                                                             : kAmbiguous;
    }
    return f;
  }

  __attribute__((always_inline)) inline int Pick(Stream& s) const {
    if (n == 1) return 0;
    const uint32_t r = s.Next32();
    const uint8_t b = bucket[r >> 24];
    if (__builtin_expect(b != kAmbiguous, 1)) return b;
    return dist->PickWith(r);
  }
};

void PrepareThresholds(const std::vector<double>& weights, Dist* d) {
  double total = 0;
  for (double w : weights) total += w;
  d->thresholds.clear();
  double cum = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    cum += weights[i];
    if (weights[i] > 0) d->last_positive = static_cast<int>(i);
    // Weights are resolved to 2^-32 (IEEE arithmetic: the same everywhere).
    const double scaled = cum / total * 4294967296.0;  // 2^32
    d->thresholds.push_back(scaled >= 4294967295.0 ? UINT32_MAX
                                                   : static_cast<uint32_t>(scaled));
  }
  if (!d->thresholds.empty()) d->thresholds[d->last_positive] = UINT32_MAX;
}

enum class DistKind { kPlain, kPort, kQuery, kHeader };

Dist PrepareDist(const ScenarioDistribution& in, std::string_view name, DistKind kind) {
  Dist d;
  std::vector<double> weights;
  std::string encoded_key;
  AppendEncoded(name, &encoded_key);
  for (const ScenarioChoice& sc : in.choices) {
    Choice c;
    c.kind = sc.kind;
    weights.push_back(sc.weight);
    switch (sc.kind) {
      case ScenarioChoice::Kind::kValue:
        c.value = kind == DistKind::kHeader ? std::string(TrimHeader(sc.value)) : sc.value;
        if (kind == DistKind::kPort) c.port = static_cast<int32_t>(std::stol(sc.value));
        if (kind == DistKind::kQuery) {
          c.encoded = encoded_key + "=";
          AppendEncoded(sc.value, &c.encoded);
        }
        break;
      case ScenarioChoice::Kind::kAbsent:
        break;
      case ScenarioChoice::Kind::kRepeat:
        c.values = sc.values;
        if (kind == DistKind::kHeader) {
          for (size_t i = 0; i < sc.values.size(); ++i) {
            if (i > 0) c.value.push_back(',');
            c.value.append(TrimHeader(sc.values[i]));
          }
        }
        if (kind == DistKind::kQuery) {
          for (size_t i = 0; i < sc.values.size(); ++i) {
            if (i > 0) c.encoded.push_back('&');
            c.encoded += encoded_key + "=";
            AppendEncoded(sc.values[i], &c.encoded);
          }
        }
        break;
      case ScenarioChoice::Kind::kRandom:
        c.random_min = sc.random_min;
        c.random_max = sc.random_max;
        c.alphabet = sc.alphabet;
        c.encoded = encoded_key + "=";  // the value is appended per request
        break;
    }
    d.choices.push_back(std::move(c));
  }
  PrepareThresholds(weights, &d);
  for (const Choice& c : d.choices) {
    d.is_random.push_back(c.kind == ScenarioChoice::Kind::kRandom);
    d.any_random |= c.kind == ScenarioChoice::Kind::kRandom;
  }
  return d;
}

Dist SingleValue(std::string value) {
  Dist d;
  Choice c;
  c.value = std::move(value);
  d.choices.push_back(std::move(c));
  PrepareThresholds({1.0}, &d);
  d.is_random.push_back(0);
  return d;
}

struct KeyDist {
  std::string name;
  Dist dist;
};

// A caller's effective mix.
struct Mix {
  Dist actions, methods, paths, ports;
  bool has_ports = false;
  std::vector<KeyDist> query, headers;
  bool has_random = false;
};

std::vector<NamedDistribution> MergeKeys(const std::vector<NamedDistribution>& global,
                                         const std::vector<NamedDistribution>& local) {
  std::vector<NamedDistribution> out = global;
  for (const NamedDistribution& nd : local) {
    bool replaced = false;
    for (NamedDistribution& o : out) {
      if (o.first == nd.first) {
        o.second = nd.second;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(nd);
  }
  return out;
}

Mix PrepareMix(const ScenarioMix& global, const ScenarioMix& local) {
  Mix m;
  auto pick = [](const ScenarioDistribution& l, const ScenarioDistribution& g) {
    return l.empty() ? &g : &l;
  };
  const ScenarioDistribution* actions = pick(local.actions, global.actions);
  const ScenarioDistribution* methods = pick(local.methods, global.methods);
  const ScenarioDistribution* paths = pick(local.paths, global.paths);
  const ScenarioDistribution* ports = pick(local.ports, global.ports);
  m.actions = actions->empty() ? SingleValue(std::string(kInvokeAction))
                               : PrepareDist(*actions, "", DistKind::kPlain);
  m.methods = methods->empty() ? SingleValue("GET") : PrepareDist(*methods, "", DistKind::kPlain);
  m.paths = paths->empty() ? SingleValue("/") : PrepareDist(*paths, "", DistKind::kPlain);
  m.has_ports = !ports->empty();
  if (m.has_ports) m.ports = PrepareDist(*ports, "", DistKind::kPort);
  for (const NamedDistribution& nd : MergeKeys(global.query, local.query)) {
    m.query.push_back({nd.first, PrepareDist(nd.second, nd.first, DistKind::kQuery)});
    m.has_random |= m.query.back().dist.has_random();
  }
  for (const NamedDistribution& nd : MergeKeys(global.headers, local.headers)) {
    m.headers.push_back({nd.first, PrepareDist(nd.second, nd.first, DistKind::kHeader)});
    m.has_random |= m.headers.back().dist.has_random();
  }
  return m;
}

// ---- Draws -------------------------------------------------------------------
// The random part of one request: every choice index plus the random strings.
// Rendering a Draw gives either a RequestView over thread buffers (engine) or
// an owning Request (GenerateRequest); both see the same values.

struct Span {
  uint32_t offset = 0, size = 0;
};

struct Draw {
  Draw() = default;
  Draw(const Draw&) = delete;  // `query` and `headers` point into `picks`
  Draw& operator=(const Draw&) = delete;

  uint64_t index = 0;
  int caller = 0;
  int action = 0, method = 0, path = 0, port = -1;
  // Every choice index in one array: action, method, path, port, then
  // `query_keys` query keys from kQueryPicks, then the header keys.
  std::vector<int> picks;
  int* query = nullptr;        // choice per effective query key
  int* headers = nullptr;
  std::vector<Span> query_random;
  std::vector<Span> header_random;
  std::string random;          // bytes of the random strings
  bool has_random = false;
  uint32_t cls = 0;            // the request class (with a class table, no random values)
  uint32_t query_combo = 0, header_combo = 0;  // Rendered combinations (with Rendered tables)

  static constexpr size_t kQueryPicks = 4;
  // Room for `query_keys` query and `header_keys` header choices, all 0.
  void Resize(size_t query_keys, size_t header_keys) {
    picks.assign(kQueryPicks + query_keys + header_keys, 0);
    query = picks.data() + kQueryPicks;
    headers = query + query_keys;
    query_random.assign(query_keys, Span{});
    header_random.assign(header_keys, Span{});
  }
  std::string_view RandomText(Span s) const {
    return std::string_view(random).substr(s.offset, s.size);
  }
};

// One distribution of a caller's mix as DrawRequest reads it, in draw
// order: a fixed field's (action, method, path, port) with more than one
// choice, and every query and header key except those with one choice that
// is not random (their picks stay 0).
struct DrawStep {
  // Per bucket of the top 10 bits of the draw: the choice, or kSlow when the
  // bucket straddles a threshold (then FlatDist::bucket and the thresholds
  // decide), the choice is random or above kSlow, or the step takes no
  // draw. Steps of equal tables share one. Finer buckets than FlatDist's:
  // fewer ambiguous draws, so fewer mispredicted branches.
  static constexpr uint8_t kSlow = 0x80;
  static constexpr int kShift = 22;
  static constexpr uint32_t kBuckets = 1u << (32 - kShift);
  const uint8_t* table = nullptr;
  // The pick's weights, packed: class number << 32 | query combination << 16
  // | header combination (the combinations are below kMaxRendered, the class
  // numbers below 2^16, so the three sums never carry into each other).
  uint64_t radix = 0;
  const FlatDist* flat = nullptr;
  uint32_t pick = 0;          // index into Draw::picks
  uint32_t key = 0;           // query or header key (random values)
  uint32_t table_index = 0;   // into Impl::step_tables (`table` is set last)
  bool header = false;
  bool draws = true;          // more than one choice
};

struct DrawPlan {
  std::vector<DrawStep> steps;
  std::array<int, 4> fixed{};  // action, method, path, port when they have no step
  std::vector<uint32_t> zero;  // picks of the keys without a step
  uint64_t class_base = 0;     // packed like DrawStep::radix
};

inline uint64_t MixKey(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xBF58476D1CE4E5B9ull;
}

// ---- Expectations ------------------------------------------------------------

enum : uint8_t { kNo = 0, kYes = 1, kDynamic = 2 };

// One expectation, specialised to one caller's mix.
struct CallerMatcher {
  bool possible = false;  // caller, signedness and keys absent from the mix all fit
  std::vector<uint8_t> actions, methods, paths, ports;  // per choice; empty = any
  struct KeyCheck {
    int key = 0;                   // index into the mix's query/headers
    std::vector<uint8_t> choices;  // per choice
    std::string expected;          // kDynamic: the single value a random choice must equal
  };
  std::vector<KeyCheck> query, headers;
};

bool ValuesEqual(const ValueMatch& m, const std::vector<std::string>& values) {
  return !m.absent && m.values == values;
}

std::vector<uint8_t> ListMask(const Dist& d, const std::vector<std::string>& any,
                              int mode /*0 exact, 1 icase, 2 glob*/) {
  std::vector<uint8_t> mask;
  if (any.empty()) return mask;
  for (const Choice& c : d.choices) {
    bool hit = false;
    for (const std::string& a : any) {
      hit |= mode == 0   ? a == c.value
             : mode == 1 ? absl::EqualsIgnoreCase(a, c.value)
                         : StarGlob(a, c.value);
    }
    mask.push_back(hit ? kYes : kNo);
  }
  return mask;
}

CallerMatcher PrepareMatcher(const ExpectationMatch& em, const ScenarioCaller& caller,
                             const Mix& mix) {
  CallerMatcher m;
  if (!em.callers.empty() &&
      std::find(em.callers.begin(), em.callers.end(), caller.name) == em.callers.end()) {
    return m;
  }
  if (em.is_signed && *em.is_signed != caller.principal.has_value()) return m;
  m.actions = ListMask(mix.actions, em.actions, 1);
  m.methods = ListMask(mix.methods, em.methods, 0);
  m.paths = ListMask(mix.paths, em.paths, 2);
  if (!em.ports.empty()) {
    if (!mix.has_ports) return m;  // the port is always absent
    for (const Choice& c : mix.ports.choices) {
      bool hit = c.kind == ScenarioChoice::Kind::kValue &&
                 std::find(em.ports.begin(), em.ports.end(), c.port) != em.ports.end();
      m.ports.push_back(hit ? kYes : kNo);
    }
  }
  auto keys = [&](const std::vector<std::pair<std::string, ValueMatch>>& wanted,
                  const std::vector<KeyDist>& have, bool header,
                  std::vector<CallerMatcher::KeyCheck>* out) {
    for (const auto& [name, vm] : wanted) {
      int found = -1;
      for (size_t i = 0; i < have.size(); ++i) {
        if (have[i].name == name) found = static_cast<int>(i);
      }
      if (found < 0) {
        if (!vm.absent) return false;  // never sent, never matches
        continue;
      }
      CallerMatcher::KeyCheck check;
      check.key = found;
      for (const Choice& c : have[found].dist.choices) {
        uint8_t r = kNo;
        switch (c.kind) {
          case ScenarioChoice::Kind::kValue:
            r = ValuesEqual(vm, {c.value}) ? kYes : kNo;
            break;
          case ScenarioChoice::Kind::kAbsent:
            r = vm.absent ? kYes : kNo;
            break;
          case ScenarioChoice::Kind::kRepeat:
            r = header ? (ValuesEqual(vm, {c.value}) ? kYes : kNo)
                       : (ValuesEqual(vm, c.values) ? kYes : kNo);
            break;
          case ScenarioChoice::Kind::kRandom:
            r = (!vm.absent && vm.values.size() == 1) ? kDynamic : kNo;
            break;
        }
        check.choices.push_back(r);
      }
      if (!vm.absent && vm.values.size() == 1) check.expected = vm.values[0];
      out->push_back(std::move(check));
    }
    return true;
  };
  if (!keys(em.query, mix.query, false, &m.query)) return m;
  if (!keys(em.headers, mix.headers, true, &m.headers)) return m;
  m.possible = true;
  return m;
}

inline bool MaskOk(const std::vector<uint8_t>& mask, int choice) {
  return mask.empty() || (choice >= 0 && mask[choice] == kYes);
}

// All expectations (up to 64) for one caller as bit masks per choice: the
// candidates for a request are the AND of the masks of its choices; random
// values are then checked on the candidates that need them.
struct CallerMasks {
  uint64_t base = 0;
  uint64_t dynamic = 0;  // expectations that compare a random value
  std::vector<uint64_t> actions, methods, paths, ports;
  std::vector<std::vector<uint64_t>> query, headers;
};

void ApplyMask(const std::vector<uint8_t>& mask, uint64_t bit, std::vector<uint64_t>* out,
               uint64_t* dynamic) {
  for (size_t i = 0; i < mask.size() && i < out->size(); ++i) {
    if (mask[i] == kNo) (*out)[i] &= ~bit;
    if (mask[i] == kDynamic) *dynamic |= bit;
  }
}

CallerMasks PrepareMasks(const std::vector<const CallerMatcher*>& matchers, const Mix& mix) {
  CallerMasks cm;
  cm.actions.assign(mix.actions.choices.size(), ~uint64_t{0});
  cm.methods.assign(mix.methods.choices.size(), ~uint64_t{0});
  cm.paths.assign(mix.paths.choices.size(), ~uint64_t{0});
  if (mix.has_ports) cm.ports.assign(mix.ports.choices.size(), ~uint64_t{0});
  for (const KeyDist& k : mix.query) cm.query.emplace_back(k.dist.choices.size(), ~uint64_t{0});
  for (const KeyDist& k : mix.headers) cm.headers.emplace_back(k.dist.choices.size(), ~uint64_t{0});
  for (size_t e = 0; e < matchers.size(); ++e) {
    const CallerMatcher& m = *matchers[e];
    if (!m.possible) continue;
    const uint64_t bit = uint64_t{1} << e;
    cm.base |= bit;
    ApplyMask(m.actions, bit, &cm.actions, &cm.dynamic);
    ApplyMask(m.methods, bit, &cm.methods, &cm.dynamic);
    ApplyMask(m.paths, bit, &cm.paths, &cm.dynamic);
    ApplyMask(m.ports, bit, &cm.ports, &cm.dynamic);
    for (const CallerMatcher::KeyCheck& k : m.query) ApplyMask(k.choices, bit, &cm.query[k.key], &cm.dynamic);
    for (const CallerMatcher::KeyCheck& k : m.headers) ApplyMask(k.choices, bit, &cm.headers[k.key], &cm.dynamic);
  }
  return cm;
}

// Per-thread aggregates.
struct alignas(64) Aggregate {  // one per thread: no shared cache line
  std::array<uint64_t, 3> totals{};
  std::array<uint64_t, 4> by_layer{};
  std::vector<std::array<uint64_t, 3>> callers;
  std::vector<uint64_t> statement_hits;
  std::vector<ExpectationResult> expectations;
  uint64_t unmatched = 0;
  uint64_t flagged = 0, uncertain = 0, unverified = 0;
  std::array<uint64_t, 64> ids{};
  std::array<uint64_t, 3> shadow_totals{};
  uint64_t a2d = 0, d2a = 0, kind_changed = 0;
  std::vector<SimulationSample> a2d_samples, d2a_samples;
  // Request classes (SimulationOptions::request_classes), by cell index.
  struct ClassCount {
    std::array<uint64_t, 3> n{}, shadow{};
    std::array<int32_t, 3> statement{-1, -1, -1};
    std::array<uint64_t, 3> first{UINT64_MAX, UINT64_MAX, UINT64_MAX};
  };
  std::vector<ClassCount> classes;
};

// Counts requests per uncertainty mask (Aggregate::uncertain and ::ids)
// without a branch on the mask in the common case: the few masks a run
// produces each keep a slot of a small direct-mapped table; a slot's count
// is spread over its mask's bits when another mask takes the slot, and at
// the end.
class MaskCounter {
 public:
  void Add(DecisionIdMask m, Aggregate* agg) {
    const size_t slot = (m * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits);
    if (__builtin_expect(mask_[slot] != m, 0)) {
      Spread(slot, agg);
      mask_[slot] = m;
    }
    ++n_[slot];
  }
  void Flush(Aggregate* agg) {
    for (size_t slot = 0; slot < mask_.size(); ++slot) Spread(slot, agg);
  }

 private:
  static constexpr int kSlotBits = 4;
  void Spread(size_t slot, Aggregate* agg) {
    if (mask_[slot] != 0) {
      agg->uncertain += n_[slot];
      for (DecisionIdMask bits = mask_[slot]; bits != 0; bits &= bits - 1) {
        agg->ids[__builtin_ctzll(bits)] += n_[slot];
      }
    }
    n_[slot] = 0;
  }
  std::array<DecisionIdMask, size_t{1} << kSlotBits> mask_{};
  std::array<uint64_t, size_t{1} << kSlotBits> n_{};
};

}  // namespace

// ---- The prepared simulation ---------------------------------------------------

class Simulation::Impl {
 public:
  Scenario scenario;
  uint64_t count = 0, seed = 0;
  int threads = 1;
  int max_samples = 5;
  std::vector<Mix> mixes;
  Dist callers;
  // The hot loop's copies of the distributions: per caller, actions,
  // methods, paths, ports, then the query keys and the header keys.
  FlatDist flat_callers;
  std::vector<std::vector<FlatDist>> flat;
  std::vector<Principal> principals;  // per caller (unused for anonymous)
  std::vector<RequestView> caller_views;  // per caller: the fields that do not vary
  // Per caller: the raw query and the header list of every combination of
  // query (header) choices, rendered once by RenderView; a request without
  // random values takes its combination's entry instead of being rendered.
  // Combination = sum of choice * radix over the mix's keys.
  // The other varying fields as compact per-choice arrays (the Mix's
  // Choice records are large and scattered).
  struct Rendered {
    std::vector<uint32_t> query_radix, header_radix;  // per key
    std::vector<std::string> queries;                 // empty: no table
    std::vector<std::vector<StringViewPair>> headers; // empty: no table
    std::vector<std::string_view> query_views;        // views of `queries`
    std::vector<ParamList> header_lists;              // views of `headers`
    std::vector<std::string_view> actions, methods, paths;
    std::vector<int32_t> ports;
  };
  std::vector<Rendered> rendered;
  // Per request class (caller and choice of each distribution), when there
  // are fewer than kMaxCacheEntries and every caller has its Rendered
  // tables: the expectation Match() gives. cls = class_base[caller] + sum of
  // choice * FlatDist::radix. Requests with random values are not classed.
  std::vector<uint32_t> class_base;
  std::vector<int32_t> class_expectation;  // empty: no table
  internal::CompiledLayers layers;  // network, service, shadow
  std::vector<std::shared_ptr<const CompiledPolicy>> identity;  // per caller, may be null
  // Per caller: [network kind][service kind][identity kind] -> composed.
  std::vector<ComposeTable> compose;
  std::vector<std::vector<CallerMatcher>> matchers;  // [expectation][caller]
  std::vector<CallerMasks> masks;                    // per caller (<= 64 expectations)
  bool use_masks = false;
  std::optional<PolicyDocument> shadow_doc;
  std::string shadow_name;
  size_t max_query_keys = 0, max_headers = 0;
  size_t max_raw_query = 1;  // bytes: the longest raw query any mix can produce
  // Request classes: cell = class_offset[caller] + the mixed-radix number of
  // the method, path and query choices (class_query[caller][k]: the mix's
  // index of query dimension k, -1 when the caller's mix lacks that key).
  std::vector<std::string> class_dimensions;
  std::vector<size_t> class_offset;
  std::vector<std::vector<int>> class_query;
  size_t class_cells = 0;
  bool classes_omitted = false;

  // Per caller: the distributions DrawRequest steps through, in draw order.
  std::vector<DrawPlan> plans;
  std::vector<uint32_t> zero_picks;  // every caller's DrawPlan::zero
  using StepTable = std::array<uint8_t, DrawStep::kBuckets>;
  std::vector<StepTable> step_tables;  // DrawStep::table

  // Draws request `index` into `d` (reusing its buffers).
  void DrawRequest(uint64_t index, Draw* d) const;
  // The start of request `index`'s draw: its stream after the caller's pick
  // (state, spare half, has_spare in bit 0 of caller_spare) and the caller
  // (caller_spare >> 1). RunChunks starts the next request's draw while it
  // evaluates the current one: the seeding's chain of multiplications then
  // overlaps that work instead of delaying every branch on the next request.
  struct DrawStart {
    uint64_t state, spare;
    int caller_spare;
  };
  __attribute__((always_inline)) DrawStart StartDraw(uint64_t index) const {
    Stream s{internal::MixSeed(seed, index)};  // RequestSeed
    const int caller = flat_callers.Pick(s);
    return {s.state, s.spare, caller << 1 | (s.has_spare ? 1 : 0)};
  }
  // DrawRequest from a DrawStart's fields (scalars: no store to reload).
  void DrawRequest(Draw* d, uint64_t index, uint64_t state, uint64_t spare,
                   int caller_spare) const;
  void PreparePlans();  // after PrepareClassTable (it reads the final radixes)
  // The index in step_tables of `fd`'s table (built once per distinct
  // distribution; `value`: a query or header key, whose random choices are
  // slow).
  uint32_t TableFor(const FlatDist& fd, bool value, std::map<std::string, uint32_t>* index);
  // Fills `view` from a draw; `raw` and `headers` are the thread buffers.
  void RenderView(const Draw& d, std::string* raw,
                  std::vector<StringViewPair>* headers, RequestView* view) const;
  // Fills the varying fields of `view` (the caller's own view, whose fixed
  // fields are set) from the tables when the draw has no random values;
  // otherwise renders it with RenderView into the thread buffers.
  void FillView(const Draw& d, std::string* raw, std::vector<StringViewPair>* headers,
                RequestView* view) const;
  void PrepareRendered();
  void PrepareClassTable();
  Request RenderRequest(const Draw& d, std::string* raw_query) const;
  int Match(const Draw& d) const;
  void PrepareClasses();
  void CountClass(const Draw& d, const internal::ChainStep& step, Aggregate* agg) const;
  RequestClassCell ClassCell(size_t cell) const;
  bool MatchOne(size_t e, const Draw& d) const;
  ChainPolicies Chain(int caller, bool shadow_policy) const;
  void RunChunks(std::atomic<uint64_t>* next_chunk, std::atomic<uint64_t>* progress,
                 Aggregate* agg) const;
  // RunChunks' parts: a worker's empty aggregate, the samples kept for a
  // finding (a violation's with the reference explanation of the chain, the
  // candidate's when `candidate`), and the per-request counting of the
  // candidate's outcome and of the matching expectation `e`.
  void InitAggregate(Aggregate* agg) const;
  SimulationSample Sample(const Draw& d, const RequestView& view, DecisionKind kind,
                          DecisionKind shadow_kind, Layer layer) const;
  SimulationSample Violation(const Draw& d, const RequestView& view, DecisionKind kind,
                             DecisionKind shadow_kind, Layer layer, bool candidate) const;
  void CountShadow(const Draw& d, const RequestView& view, const internal::ChainStep& step,
                   Aggregate* agg) const;
  void CountExpectation(int e, const Draw& d, const RequestView& view,
                        const internal::ChainStep& step, Aggregate* agg) const;
  // Per expectation: bit k set iff DecisionKind k satisfies it.
  std::vector<uint8_t> satisfied;
  // One thread's memory of the reference's uncertainty ids: per class number
  // (with a class table) or per hashed class (without one).
  struct IdCache {
    std::vector<DecisionIdMask> class_ids;
    std::vector<uint8_t> class_known;
    absl::flat_hash_map<uint64_t, DecisionIdMask> by_key;
  };
  // The reference's ids for a flagged request: cached per class; a request
  // with random values spends one of the chunk's `checks_left`, or is
  // counted unverified and keeps `chain_ids`.
  DecisionIdMask ReferenceIds(const Draw& d, bool classed, const RequestView& view,
                              DecisionIdMask chain_ids, int* checks_left, IdCache* cache,
                              Aggregate* agg) const;
};

namespace {

// The seed of request `index` (workflow/internal/seeded.h).
inline uint64_t RequestSeed(uint64_t seed, uint64_t index) {
  return internal::MixSeed(seed, index);
}

// Draws the random string of `choice` into `random` (the rare path, out of
// line so that the hot loop keeps its stream in registers): the length, then
// one character per draw, exactly as the stream's contract says.
__attribute__((noinline)) Stream DrawRandom(Stream s, const Choice& choice, Span* span,
                                            std::string* random) {
  const uint64_t len =
      choice.random_min + s.Below(static_cast<uint64_t>(choice.random_max - choice.random_min + 1));
  const size_t offset = random->size();
  *span = Span{static_cast<uint32_t>(offset), static_cast<uint32_t>(len)};
  random->resize(offset + len);
  char* out = random->data() + offset;
  const uint64_t alphabet = choice.alphabet.size();
  for (uint64_t i = 0; i < len; ++i) out[i] = choice.alphabet[s.Below(alphabet)];
  return s;
}

}  // namespace

void Simulation::Impl::DrawRequest(uint64_t index, Draw* d) const {
  const DrawStart start = StartDraw(index);
  DrawRequest(d, index, start.state, start.spare, start.caller_spare);
}

void Simulation::Impl::DrawRequest(Draw* d, uint64_t index, uint64_t state, uint64_t spare,
                                   int caller_spare) const {
  Stream s{state, spare, (caller_spare & 1) != 0};
  d->index = index;
  const int caller = caller_spare >> 1;
  d->caller = caller;
  const DrawPlan& plan = plans[caller];
  d->random.clear();  // always: a branch here would depend on the last request
  if (d->picks.size() != Draw::kQueryPicks + max_query_keys + max_headers) {
    d->Resize(max_query_keys, max_headers);
  }
  int* const picks = d->picks.data();
  std::memcpy(picks, plan.fixed.data(), sizeof(plan.fixed));
  // A key without a step keeps 0. The list is the same for every caller (a
  // key some caller steps through is overwritten there), so no branch
  // depends on the caller.
  for (uint32_t z : zero_picks) picks[z] = 0;
  // The class number and the Rendered combinations are summed as the
  // choices are drawn (a radix is 0 where there is no table).
  uint64_t sums = plan.class_base;
  bool has_random = false;
  for (const DrawStep& st : plan.steps) {
    const uint32_t r = s.Next32();
    int c = st.table[r >> DrawStep::kShift];
    if (__builtin_expect(c == DrawStep::kSlow, 0)) {
      const Dist& dist = *st.flat->dist;
      if (!st.draws) {
        s.Unread();
        c = 0;
      } else {
        c = st.flat->bucket[r >> 24];
        if (c == FlatDist::kAmbiguous) c = dist.PickWith(r);
      }
      // Only query and header values are random.
      if (st.pick >= Draw::kQueryPicks && static_cast<size_t>(c) < dist.is_random.size() &&
          dist.is_random[c] != 0) {
        has_random = true;
        Span* span = st.header ? &d->header_random[st.key] : &d->query_random[st.key];
        s = DrawRandom(s, dist.choices[c], span, &d->random);
      }
    }
    picks[st.pick] = c;
    sums += static_cast<uint64_t>(c) * st.radix;
  }
  d->action = picks[0];
  d->method = picks[1];
  d->path = picks[2];
  d->port = picks[3];
  d->has_random = has_random;
  d->cls = static_cast<uint32_t>(sums >> 32);
  d->query_combo = static_cast<uint32_t>(sums >> 16) & 0xFFFF;
  d->header_combo = static_cast<uint32_t>(sums) & 0xFFFF;
}

uint32_t Simulation::Impl::TableFor(const FlatDist& fd, bool value,
                                    std::map<std::string, uint32_t>* index) {
  // Equal distributions (every caller's copy of a global one) share a table:
  // the key is what the table is computed from.
  const Dist& d = *fd.dist;
  // (n first: it fixes the length of the thresholds' bytes that follow).
  std::string key = StrCat(fd.n, "|", d.last_positive, "|", value ? 1 : 0, "|");
  key.append(reinterpret_cast<const char*>(d.thresholds.data()),
             d.thresholds.size() * sizeof(uint32_t));
  key.append(d.is_random.begin(), d.is_random.end());
  auto [it, added] = index->emplace(std::move(key), static_cast<uint32_t>(step_tables.size()));
  if (!added) return it->second;
  const std::vector<uint32_t>& t = d.thresholds;  // never decreasing
  auto count = [&](uint32_t r) {  // thresholds at or below r, as Dist::PickWith counts
    return static_cast<int>(std::upper_bound(t.begin(), t.end(), r) - t.begin());
  };
  StepTable table;
  for (uint32_t b = 0; b < DrawStep::kBuckets; ++b) {
    const uint32_t lo = b << DrawStep::kShift, hi = lo | ((1u << DrawStep::kShift) - 1);
    const int below = count(lo);
    const int choice = below < static_cast<int>(t.size()) ? below : d.last_positive;
    const bool random = value && static_cast<size_t>(choice) < d.is_random.size() &&
                        d.is_random[choice] != 0;
    const bool slow = fd.n == 1 || below != count(hi) || choice >= DrawStep::kSlow || random;
    table[b] = slow ? DrawStep::kSlow : static_cast<uint8_t>(choice);
  }
  step_tables.push_back(table);
  return it->second;
}

void Simulation::Impl::PreparePlans() {
  std::map<std::string, uint32_t> table_index;
  for (size_t c = 0; c < mixes.size(); ++c) {
    const Mix& m = mixes[c];
    const std::vector<FlatDist>& f = flat[c];
    DrawPlan plan;
    plan.class_base = uint64_t{class_expectation.empty() ? 0 : class_base[c]} << 32;
    plan.fixed = {0, 0, 0, m.has_ports ? 0 : -1};
    auto step = [&](const FlatDist& fd, size_t pick, size_t key, bool header) {
      const bool value = pick >= Draw::kQueryPicks;  // a query or header key
      DrawStep st;
      st.table_index = TableFor(fd, value, &table_index);
      st.flat = &fd;
      st.draws = fd.n != 1;
      const uint64_t combo = pick < Draw::kQueryPicks ? 0 : fd.combo_radix;
      st.radix = uint64_t{fd.radix} << 32 | (header ? combo : combo << 16);
      st.pick = static_cast<uint32_t>(pick);
      st.key = static_cast<uint32_t>(key);
      st.header = header;
      plan.steps.push_back(st);
    };
    for (size_t k = 0; k < 4; ++k) {
      if (k == 3 && !m.has_ports) continue;
      if (f[k].n != 1) step(f[k], k, 0, false);
    }
    // Keys with one choice take no draw; a random one still draws its value.
    auto keys = [&](const std::vector<KeyDist>& dists, size_t first_flat, size_t first_pick,
                    bool header) {
      for (size_t k = 0; k < dists.size(); ++k) {
        const FlatDist& fd = f[first_flat + k];
        if (fd.n == 1 && !fd.dist->any_random) {
          plan.zero.push_back(static_cast<uint32_t>(first_pick + k));
        } else {
          step(fd, first_pick + k, k, header);
        }
      }
    };
    keys(m.query, 4, Draw::kQueryPicks, false);
    keys(m.headers, 4 + m.query.size(), Draw::kQueryPicks + max_query_keys, true);
    plans.push_back(std::move(plan));
  }
  for (DrawPlan& plan : plans) {
    for (uint32_t z : plan.zero) {
      if (std::find(zero_picks.begin(), zero_picks.end(), z) == zero_picks.end()) {
        zero_picks.push_back(z);
      }
    }
    for (DrawStep& st : plan.steps) {
      st.table = step_tables[st.table_index].data();
    }
  }
}

namespace {

// Identifies the request class: the caller and every choice index.
uint64_t ClassKey(const Draw& d, size_t query_keys, size_t header_keys) {
  uint64_t key = MixKey(MixKey(MixKey(MixKey(static_cast<uint64_t>(d.caller), d.action),
                                      d.method), d.path), static_cast<uint64_t>(d.port + 1));
  for (size_t k = 0; k < query_keys; ++k) key = MixKey(key, static_cast<uint64_t>(d.query[k]));
  for (size_t k = 0; k < header_keys; ++k) key = MixKey(key, static_cast<uint64_t>(d.headers[k]) + 7);
  return key;
}

}  // namespace

void Simulation::Impl::RenderView(const Draw& d, std::string* raw,
                                  std::vector<StringViewPair>* headers,
                                  RequestView* view) const {
  const Mix& m = mixes[d.caller];
  // The caller's fixed fields (the view is reused between requests).
  const RequestView& fixed = caller_views[d.caller];
  view->source_vpc = fixed.source_vpc;
  view->source_vpc_owner_account = fixed.source_vpc_owner_account;
  view->service_network_arn = fixed.service_network_arn;
  view->service_arn = fixed.service_arn;
  view->principal = fixed.principal;
  view->resource_tags = fixed.resource_tags;
  view->action = m.actions.choices[d.action].value;
  view->method = m.methods.choices[d.method].value;
  view->path = m.paths.choices[d.path].value;
  view->port = d.port >= 0 ? m.ports.choices[d.port].port : -1;
  // The raw query is written in place into a buffer sized for the longest
  // query the mixes can produce.
  if (raw->size() < max_raw_query) raw->resize(max_raw_query);
  char* out_query = raw->data();
  size_t len = 0;
  for (size_t k = 0; k < m.query.size(); ++k) {
    const Choice& c = m.query[k].dist.choices[d.query[k]];
    if (c.kind == ScenarioChoice::Kind::kAbsent) continue;
    if (len > 0) out_query[len++] = '&';
    std::memcpy(out_query + len, c.encoded.data(), c.encoded.size());
    len += c.encoded.size();
    if (c.kind == ScenarioChoice::Kind::kRandom) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      for (char ch : d.RandomText(d.query_random[k])) {
        const unsigned char u = static_cast<unsigned char>(ch);
        if (IsUnreserved(u)) {
          out_query[len++] = ch;
        } else {
          out_query[len++] = '%';
          out_query[len++] = kHex[u >> 4];
          out_query[len++] = kHex[u & 15];
        }
      }
    }
  }
  view->query_is_raw = true;
  view->raw_query = std::string_view(out_query, len);
  view->query = ParamList();
  if (headers->size() < m.headers.size()) headers->resize(m.headers.size());
  StringViewPair* out = headers->data();
  size_t n = 0;
  for (size_t k = 0; k < m.headers.size(); ++k) {
    const Choice& c = m.headers[k].dist.choices[d.headers[k]];
    if (c.kind == ScenarioChoice::Kind::kAbsent) continue;
    out[n].first = m.headers[k].name;
    out[n].second = c.kind == ScenarioChoice::Kind::kRandom
                        ? TrimHeader(d.RandomText(d.header_random[k]))
                        : std::string_view(c.value);
    ++n;
  }
  view->headers = ParamList(out, n);
}

void Simulation::Impl::FillView(const Draw& d, std::string* raw,
                                std::vector<StringViewPair>* headers, RequestView* view) const {
  const Rendered& t = rendered[d.caller];
  if (d.has_random || t.queries.empty() || t.headers.empty()) {
    RenderView(d, raw, headers, view);
    return;
  }
  view->action = t.actions[d.action];
  view->method = t.methods[d.method];
  view->path = t.paths[d.path];
  view->port = d.port >= 0 ? t.ports[d.port] : -1;
  view->raw_query = t.query_views[d.query_combo];
  view->headers = t.header_lists[d.header_combo];
}

// Mixed-radix multipliers over `keys`; false when the combinations exceed
// kMaxRendered (random choices are in the count but never rendered: such
// draws are rendered per request).
namespace {
constexpr size_t kMaxRendered = 4096;
bool Radix(const std::vector<KeyDist>& keys, std::vector<uint32_t>* radix, size_t* total) {
  *total = 1;
  for (const KeyDist& k : keys) {
    radix->push_back(static_cast<uint32_t>(*total));
    *total *= k.dist.choices.size();
    if (*total > kMaxRendered) return false;
  }
  return true;
}
}  // namespace

void Simulation::Impl::PrepareRendered() {
  // All callers together: at most kMaxRendered * 16 entries (memory stays
  // proportional to a small scenario however many callers there are).
  size_t budget = kMaxRendered * 16;
  rendered.resize(mixes.size());
  for (size_t c = 0; c < mixes.size(); ++c) {
    const Mix& m = mixes[c];
    Rendered& t = rendered[c];
    size_t queries = 0, headers = 0;
    if (!Radix(m.query, &t.query_radix, &queries) || !Radix(m.headers, &t.header_radix, &headers) ||
        queries + headers > budget) {
      t.query_radix.clear();
      t.header_radix.clear();
      continue;  // too many combinations: every request is rendered
    }
    budget -= queries + headers;
    // Render each combination through RenderView itself (random choices
    // never reach the tables: such draws are rendered per request).
    Draw d;
    d.caller = static_cast<int>(c);
    d.Resize(m.query.size(), m.headers.size());
    std::string raw;
    std::vector<StringViewPair> list(m.headers.size() + 1);
    RequestView view;
    for (size_t q = 0; q < queries; ++q) {
      for (size_t k = 0; k < m.query.size(); ++k) {
        d.query[k] = static_cast<int>(q / t.query_radix[k] % m.query[k].dist.choices.size());
      }
      RenderView(d, &raw, &list, &view);
      t.queries.emplace_back(view.raw_query);
    }
    for (size_t h = 0; h < headers; ++h) {
      for (size_t k = 0; k < m.headers.size(); ++k) {
        d.headers[k] = static_cast<int>(h / t.header_radix[k] % m.headers[k].dist.choices.size());
      }
      RenderView(d, &raw, &list, &view);
      t.headers.emplace_back(list.begin(), list.begin() + view.headers.size());
    }
    for (size_t k = 0; k < m.query.size(); ++k) flat[c][4 + k].combo_radix = t.query_radix[k];
    for (size_t k = 0; k < m.headers.size(); ++k) {
      flat[c][4 + m.query.size() + k].combo_radix = t.header_radix[k];
    }
    for (const std::string& q : t.queries) t.query_views.emplace_back(q);
    for (const auto& h : t.headers) t.header_lists.emplace_back(h.data(), h.size());
    for (const Choice& ch : m.actions.choices) t.actions.emplace_back(ch.value);
    for (const Choice& ch : m.methods.choices) t.methods.emplace_back(ch.value);
    for (const Choice& ch : m.paths.choices) t.paths.emplace_back(ch.value);
    for (const Choice& ch : m.ports.choices) t.ports.push_back(ch.port);
  }
}

void Simulation::Impl::PrepareClassTable() {
  constexpr size_t kMaxClasses = (size_t{1} << 16) - 1;  // the uncertainty cache's size
  struct ResetUnlessBuilt {  // no table: every radix back to 0
    Impl* impl;
    ~ResetUnlessBuilt() {
      if (!impl->class_expectation.empty()) return;
      impl->class_base.clear();
      for (auto& per_caller : impl->flat) {
        for (FlatDist& f : per_caller) f.radix = 0;
      }
    }
  } reset{this};
  size_t total = 0;
  for (size_t c = 0; c < mixes.size(); ++c) {
    if (rendered[c].queries.empty() || rendered[c].headers.empty()) return;
    class_base.push_back(static_cast<uint32_t>(total));
    size_t cells = 1;
    for (FlatDist& f : flat[c]) {
      f.radix = static_cast<uint32_t>(cells);
      cells *= std::max<size_t>(1, f.n);
      if (cells > kMaxClasses) return;
    }
    if (!mixes[c].has_ports) flat[c][3].radix = 0;
    total += cells;
    if (total > kMaxClasses) return;
  }
  std::vector<int32_t> table(total);
  for (size_t c = 0; c < mixes.size(); ++c) {
    const Mix& m = mixes[c];
    const std::vector<FlatDist>& f = flat[c];
    const size_t end = c + 1 < mixes.size() ? class_base[c + 1] : total;
    Draw d;
    d.caller = static_cast<int>(c);
    d.Resize(m.query.size(), m.headers.size());
    auto choice = [&](size_t cell, size_t k) {
      return static_cast<int>(cell / f[k].radix % std::max<uint32_t>(1, f[k].n));
    };
    for (size_t cls = class_base[c]; cls < end; ++cls) {
      const size_t cell = cls - class_base[c];
      d.action = choice(cell, 0);
      d.method = choice(cell, 1);
      d.path = choice(cell, 2);
      d.port = m.has_ports ? choice(cell, 3) : -1;
      for (size_t k = 0; k < m.query.size(); ++k) d.query[k] = choice(cell, 4 + k);
      for (size_t k = 0; k < m.headers.size(); ++k) {
        d.headers[k] = choice(cell, 4 + m.query.size() + k);
      }
      table[cls] = Match(d);  // classes with a random choice are never looked up
    }
  }
  class_expectation = std::move(table);
}

Request Simulation::Impl::RenderRequest(const Draw& d, std::string* raw_query) const {
  std::string raw;
  std::vector<StringViewPair> headers;
  RequestView view;
  RenderView(d, &raw, &headers, &view);
  if (raw_query != nullptr) *raw_query = std::string(view.raw_query);
  Request r = ToRequest(view);
  // The query pairs as drawn, not re-split from the encoded raw query.
  r.query.clear();
  const Mix& m = mixes[d.caller];
  for (size_t k = 0; k < m.query.size(); ++k) {
    const Choice& c = m.query[k].dist.choices[d.query[k]];
    const std::string& name = m.query[k].name;
    switch (c.kind) {
      case ScenarioChoice::Kind::kValue: r.query.emplace_back(name, c.value); break;
      case ScenarioChoice::Kind::kAbsent: break;
      case ScenarioChoice::Kind::kRepeat:
        for (const std::string& v : c.values) r.query.emplace_back(name, v);
        break;
      case ScenarioChoice::Kind::kRandom:
        r.query.emplace_back(name, std::string(d.RandomText(d.query_random[k])));
        break;
    }
  }
  return r;
}

bool Simulation::Impl::MatchOne(size_t e, const Draw& d) const {
  const CallerMatcher& m = matchers[e][d.caller];
  if (!m.possible) return false;
  if (!MaskOk(m.actions, d.action) || !MaskOk(m.methods, d.method) ||
      !MaskOk(m.paths, d.path) || !MaskOk(m.ports, d.port)) {
    return false;
  }
  for (const CallerMatcher::KeyCheck& k : m.query) {
    const uint8_t r = k.choices[d.query[k.key]];
    if (!(r == kYes || (r == kDynamic && d.RandomText(d.query_random[k.key]) == k.expected))) {
      return false;
    }
  }
  for (const CallerMatcher::KeyCheck& k : m.headers) {
    const uint8_t r = k.choices[d.headers[k.key]];
    if (!(r == kYes ||
          (r == kDynamic && TrimHeader(d.RandomText(d.header_random[k.key])) == k.expected))) {
      return false;
    }
  }
  return true;
}

int Simulation::Impl::Match(const Draw& d) const {
  if (use_masks) {
    const CallerMasks& cm = masks[d.caller];
    uint64_t cand = cm.base & cm.actions[d.action] & cm.methods[d.method] & cm.paths[d.path];
    if (!cm.ports.empty()) cand &= cm.ports[d.port];
    for (size_t k = 0; k < cm.query.size() && cand != 0; ++k) cand &= cm.query[k][d.query[k]];
    for (size_t k = 0; k < cm.headers.size() && cand != 0; ++k) cand &= cm.headers[k][d.headers[k]];
    while (cand != 0) {
      const int e = __builtin_ctzll(cand);
      if (!d.has_random || (cm.dynamic & (uint64_t{1} << e)) == 0 || MatchOne(e, d)) return e;
      cand &= cand - 1;
    }
    return -1;
  }
  for (size_t e = 0; e < matchers.size(); ++e) {
    if (MatchOne(e, d)) return static_cast<int>(e);
  }
  return -1;
}

ChainPolicies Simulation::Impl::Chain(int caller, bool shadow_policy) const {
  ChainPolicies chain = ScenarioChain(scenario, caller);
  if (shadow_policy) chain.service_policy = &*shadow_doc;
  return chain;
}

namespace {

inline int KindIndex(DecisionKind k) { return static_cast<int>(k); }

std::string StatementLabel(Layer layer, const PolicyDocument* doc, int statement) {
  std::string label = StrCat(LayerName(layer), " #", statement);
  if (doc != nullptr && statement >= 0 &&
      static_cast<size_t>(statement) < doc->statements.size() &&
      !doc->statements[statement].sid.empty()) {
    StrAppend(&label, " ", doc->statements[statement].sid);
  }
  return label;
}

// Fills a violation sample's `statement` and `explanation` from the
// reference evaluation of `chain`: the deciding layer (E3) for a denial; for
// ALLOW the service layer when it has a policy, else the network layer.
void ExplainSample(const ChainPolicies& chain, const RequestView& view, SimulationSample* s) {
  const ChainEvaluation ev = AuthorizeReference(chain, view);
  Layer layer = ev.result.layer;
  if (layer == Layer::kNone) {
    layer = ev.result.service.evaluated && ev.result.service.has_policy ? Layer::kService
            : ev.result.network.evaluated && ev.result.network.has_policy ? Layer::kNetwork
                                                                          : Layer::kIdentity;
  }
  const LayerResult& lr = layer == Layer::kNetwork   ? ev.result.network
                          : layer == Layer::kService ? ev.result.service
                                                     : ev.result.identity;
  const std::optional<Evaluation>& trace = layer == Layer::kNetwork   ? ev.network
                                           : layer == Layer::kService ? ev.service
                                                                      : ev.identity;
  const PolicyDocument* doc = layer == Layer::kNetwork   ? chain.network_policy
                              : layer == Layer::kService ? chain.service_policy
                                                         : chain.identity_policy;
  if (trace.has_value()) {
    if (trace->decision.statement >= 0) {
      s->statement = StatementLabel(layer, doc, trace->decision.statement);
    }
    ExplainOptions options;
    options.max_closest = 1;
    s->explanation = StrCat(LayerName(layer), " layer: ", ExplainText(*trace, options));
  } else if (!lr.evaluated) {
    s->explanation = StrCat(LayerName(layer), " layer: not evaluated");
  } else if (lr.assumed) {
    s->explanation = StrCat(LayerName(layer), " layer: no identity input, assumed to allow (E2)");
  } else if (!lr.has_policy && layer != Layer::kIdentity) {
    s->explanation = StrCat(LayerName(layer), " layer: AWS_IAM with no policy attached: ",
                            DecisionName(lr.decision.kind));
  } else {
    s->explanation = StrCat(LayerName(layer), " layer: the scenario's identity decision ",
                            DecisionName(lr.decision.kind));
  }
}

void KeepLowest(std::vector<SimulationSample>* samples, int max) {
  std::sort(samples->begin(), samples->end(),
            [](const SimulationSample& a, const SimulationSample& b) { return a.index < b.index; });
  if (static_cast<int>(samples->size()) > max) samples->resize(max);
}

}  // namespace

DecisionIdMask Simulation::Impl::ReferenceIds(const Draw& d, bool classed,
                                              const RequestView& view, DecisionIdMask chain_ids,
                                              int* checks_left, IdCache* cache,
                                              Aggregate* agg) const {
  const int c = d.caller;
  if (classed) {  // the class's reference ids, computed once per thread
    if (!cache->class_known[d.cls]) {
      cache->class_ids[d.cls] = AuthorizeReference(Chain(c, false), view).result.uncertain;
      cache->class_known[d.cls] = 1;
    }
    return cache->class_ids[d.cls];
  }
  constexpr size_t kMaxCacheEntries = 1 << 16;
  const uint64_t class_key =
      d.has_random ? 0 : ClassKey(d, mixes[c].query.size(), mixes[c].headers.size());
  if (!d.has_random) {
    auto it = cache->by_key.find(class_key);
    if (it != cache->by_key.end()) return it->second;
  }
  const bool cacheable = !d.has_random && cache->by_key.size() < kMaxCacheEntries;
  if (!cacheable && *checks_left <= 0) {
    ++agg->unverified;  // the layers' ids stay unknown; the chain's are exact
    return chain_ids;
  }
  if (!cacheable) --*checks_left;
  const DecisionIdMask ids = AuthorizeReference(Chain(c, false), view).result.uncertain;
  if (cacheable) cache->by_key.emplace(class_key, ids);
  return ids;
}

void Simulation::Impl::InitAggregate(Aggregate* agg) const {
  const size_t n_callers = scenario.callers.size();
  agg->callers.assign(n_callers, {});
  agg->statement_hits.assign(  // at least one: RunChainStep's contract
      std::max<size_t>(1, layers.network_statements +
                              (scenario.service_policy ? scenario.service_policy->statements.size() : 0)),
      0);
  agg->expectations.resize(scenario.expectations.size());
  agg->classes.assign(class_cells, {});
  for (ExpectationResult& er : agg->expectations) {
    er.violations_by_caller.assign(n_callers, 0);
    er.shadow_violations_by_caller.assign(n_callers, 0);
  }
}

SimulationSample Simulation::Impl::Sample(const Draw& d, const RequestView& view,
                                          DecisionKind kind, DecisionKind shadow_kind,
                                          Layer layer) const {
  SimulationSample s;
  s.index = d.index;
  s.caller = scenario.callers[d.caller].name;
  s.decision = kind;
  s.shadow_decision = shadow_kind;
  s.layer = layer;
  s.request_json = RequestToJson(view);
  return s;
}

SimulationSample Simulation::Impl::Violation(const Draw& d, const RequestView& view,
                                             DecisionKind kind, DecisionKind shadow_kind,
                                             Layer layer, bool candidate) const {
  SimulationSample s = Sample(d, view, kind, shadow_kind, layer);
  ExplainSample(Chain(d.caller, candidate), view, &s);
  return s;
}

void Simulation::Impl::CountShadow(const Draw& d, const RequestView& view,
                                   const internal::ChainStep& step, Aggregate* agg) const {
  const ComposedDecision& r = *step.result;
  ++agg->shadow_totals[KindIndex(step.shadow_kind)];
  switch (step.change) {
    case internal::ShadowChange::kAllowedToDenied:
      if (++agg->a2d <= static_cast<uint64_t>(max_samples)) {
        agg->a2d_samples.push_back(Sample(d, view, r.kind, step.shadow_kind, r.layer));
      }
      break;
    case internal::ShadowChange::kDeniedToAllowed:
      if (++agg->d2a <= static_cast<uint64_t>(max_samples)) {
        agg->d2a_samples.push_back(Sample(d, view, r.kind, step.shadow_kind, r.layer));
      }
      break;
    case internal::ShadowChange::kDenyKindChanged:
      ++agg->kind_changed;
      break;
    case internal::ShadowChange::kSame:
      break;
  }
}

inline void Simulation::Impl::CountExpectation(int e, const Draw& d, const RequestView& view,
                                               const internal::ChainStep& step,
                                               Aggregate* agg) const {
  const ComposedDecision& r = *step.result;
  const DecisionKind shadow_kind = step.shadow_kind;
  ExpectationResult& er = agg->expectations[e];
  ++er.matched;
  ++er.by_decision[KindIndex(r.kind)];
  if (!((satisfied[e] >> KindIndex(r.kind)) & 1)) {
    ++er.violations_by_caller[d.caller];
    if (++er.violations <= static_cast<uint64_t>(max_samples)) {
      er.samples.push_back(Violation(d, view, r.kind, shadow_kind, r.layer, false));
    }
  }
  if (layers.shadow != nullptr) {
    ++er.shadow_by_decision[KindIndex(shadow_kind)];
    if (!((satisfied[e] >> KindIndex(shadow_kind)) & 1)) {
      ++er.shadow_violations_by_caller[d.caller];
      if (++er.shadow_violations <= static_cast<uint64_t>(max_samples)) {
        er.shadow_samples.push_back(Violation(d, view, r.kind, shadow_kind, r.layer, true));
      }
    }
  }
}

void Simulation::Impl::RunChunks(std::atomic<uint64_t>* next_chunk,
                                 std::atomic<uint64_t>* progress, Aggregate* agg) const {
  InitAggregate(agg);
  const size_t n_callers = scenario.callers.size();
  Draw d;
  d.Resize(max_query_keys, max_headers);
  d.random.reserve(1 << 16);
  std::string raw;
  std::vector<StringViewPair> headers(max_headers + 1);
  // Per caller: the caller's fixed fields are set once; FillView writes the
  // varying ones.
  std::vector<RequestView> views = caller_views;
  IdCache cache;
  MaskCounter masks;
  // Requests per caller, decision and deciding layer: one counter per
  // request, folded into the totals, layers and callers at the end.
  std::vector<uint64_t> outcomes(n_callers * 3 * 4, 0);
  cache.class_ids.resize(class_expectation.size());
  cache.class_known.resize(class_expectation.size());
  const uint64_t chunks = (count + kSimulationChunk - 1) / kSimulationChunk;
  while (true) {
    const uint64_t chunk = next_chunk->fetch_add(1, std::memory_order_relaxed);
    if (chunk >= chunks) break;
    const uint64_t begin = chunk * kSimulationChunk;
    const uint64_t end = std::min(count, begin + kSimulationChunk);
    int checks_left = kUncertainChecksPerChunk;
    // Each request's draw is started one request ahead (StartDraw).
    DrawStart next = StartDraw(begin);
    for (uint64_t i = begin; i < end; ++i) {
      const DrawStart start = next;
      next = StartDraw(i + 1);
      DrawRequest(&d, i, start.state, start.spare, start.caller_spare);
      const int c = d.caller;
      RequestView& view = views[c];
      const bool classed = !d.has_random && !class_expectation.empty();
      FillView(d, &raw, &headers, &view);
      // Layers, composition, statement hits and the candidate.
      const internal::ChainStep step = internal::RunChainStep(
          layers, identity[c].get(), compose[c], view, agg->statement_hits.data());
      const ComposedDecision& r = *step.result;
      const DecisionIdMask maybe = step.maybe;
      ++outcomes[(static_cast<size_t>(c) * 3 + KindIndex(r.kind)) * 4 +
                 static_cast<size_t>(r.layer)];
      // Uncertainty.
      // Without branches on the outcome where the class's ids are known
      // (they are, after its first flagged request): a flagged request takes
      // them, another keeps the chain's.
      agg->flagged += maybe != 0;
      DecisionIdMask ids = r.uncertain;
      if (classed && cache.class_known[d.cls]) {
        const DecisionIdMask known = cache.class_ids[d.cls];
        ids = maybe != 0 ? known : ids;
      } else if (maybe != 0) {
        ids = ReferenceIds(d, classed, view, r.uncertain, &checks_left, &cache, agg);
      }
      masks.Add(ids, agg);
      if (layers.shadow != nullptr) CountShadow(d, view, step, agg);
      if (class_cells != 0) CountClass(d, step, agg);
      // Expectations, against the scenario's chain and the candidate's.
      const int e = classed ? class_expectation[d.cls] : Match(d);
      if (e < 0) {
        ++agg->unmatched;
      } else {
        CountExpectation(e, d, view, step, agg);
      }
    }
    if (progress != nullptr) progress->fetch_add(end - begin, std::memory_order_relaxed);
  }
  masks.Flush(agg);
  for (size_t c = 0; c < n_callers; ++c) {
    for (int k = 0; k < 3; ++k) {
      for (int l = 0; l < 4; ++l) {
        const uint64_t n = outcomes[(c * 3 + k) * 4 + l];
        agg->totals[k] += n;
        agg->by_layer[l] += n;
        agg->callers[c][k] += n;
      }
    }
  }
}

// ---- Simulation ------------------------------------------------------------------

Simulation::Simulation(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Simulation::~Simulation() = default;

absl::StatusOr<std::unique_ptr<Simulation>> Simulation::Create(
    const Scenario& scenario, const SimulationOptions& options) {
  auto impl = std::make_unique<Impl>();
  Impl& s = *impl;
  s.scenario = scenario;
  if (scenario.callers.empty()) return absl::InvalidArgumentError("the scenario has no callers");
  s.count = options.count.value_or(scenario.count);
  if (s.count > kMaxScenarioCount) {
    return absl::InvalidArgumentError(
        StrCat("count ", s.count, " is above the limit of ", kMaxScenarioCount, " requests"));
  }
  s.seed = options.seed.value_or(scenario.seed);
  int threads = options.threads.value_or(scenario.threads);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const uint64_t chunks = (s.count + kSimulationChunk - 1) / kSimulationChunk;
  s.threads = static_cast<int>(std::max<uint64_t>(1, std::min<uint64_t>(threads, chunks)));
  s.max_samples = options.max_samples.value_or(scenario.max_samples);
  if (s.max_samples < 0 || s.max_samples > 10000) {
    return absl::InvalidArgumentError(
        StrCat("samples must be between 0 and 10000, got ", s.max_samples));
  }

  std::vector<double> weights;
  for (const ScenarioCaller& c : scenario.callers) {
    weights.push_back(c.weight);
    s.mixes.push_back(PrepareMix(scenario.mix, c.mix));
    s.max_query_keys = std::max(s.max_query_keys, s.mixes.back().query.size());
    s.max_headers = std::max(s.max_headers, s.mixes.back().headers.size());
    size_t longest = 0;
    for (const KeyDist& k : s.mixes.back().query) {
      size_t key_max = 0;
      for (const Choice& c : k.dist.choices) {
        const size_t random = c.kind == ScenarioChoice::Kind::kRandom
                                  ? 3 * static_cast<size_t>(c.random_max) : 0;
        key_max = std::max(key_max, c.encoded.size() + random);
      }
      longest += key_max + 1;  // '&'
    }
    s.max_raw_query = std::max(s.max_raw_query, longest + 1);
    s.principals.push_back(c.principal.value_or(Principal{}));
  }
  s.callers.choices.resize(weights.size());
  PrepareThresholds(weights, &s.callers);
  s.flat_callers = FlatDist::Of(s.callers);
  for (const Mix& m : s.mixes) {
    std::vector<FlatDist> f = {FlatDist::Of(m.actions), FlatDist::Of(m.methods),
                               FlatDist::Of(m.paths), FlatDist::Of(m.ports)};
    for (const KeyDist& k : m.query) f.push_back(FlatDist::Of(k.dist));
    for (const KeyDist& k : m.headers) f.push_back(FlatDist::Of(k.dist));
    s.flat.push_back(std::move(f));
  }
  if (options.request_classes) s.PrepareClasses();
  auto opt = [](const std::optional<std::string>& text) {
    return text ? OptionalText{*text, true} : OptionalText{};
  };
  for (size_t ci = 0; ci < s.scenario.callers.size(); ++ci) {
    const ScenarioCaller& c = s.scenario.callers[ci];
    RequestView v;
    v.source_vpc = opt(c.source_vpc);
    v.source_vpc_owner_account = opt(c.source_vpc_owner_account);
    v.service_network_arn = opt(c.service_network_arn);
    v.service_arn = opt(s.scenario.service_arn);
    v.principal = c.principal ? &s.principals[ci] : nullptr;
    v.resource_tags = ParamList(s.scenario.resource_tags);
    v.query_is_raw = true;
    s.caller_views.push_back(v);
  }
  s.PrepareRendered();

  if (options.shadow_service_policy) {
    s.shadow_doc = options.shadow_service_policy;
    s.shadow_name = options.shadow_name;
  }
  // The network and service layers (and the candidate) are compiled once.
  const ChainPolicies chain = ScenarioChain(scenario);
  if (absl::Status st = internal::CompileLayers(chain, s.shadow_doc ? &*s.shadow_doc : nullptr,
                                                &s.layers);
      !st.ok()) {
    return st;
  }
  const bool any_iam = scenario.network_auth_type == AuthType::kAwsIam ||
                       scenario.service_auth_type == AuthType::kAwsIam;

  for (size_t ci = 0; ci < scenario.callers.size(); ++ci) {
    const ScenarioCaller& c = scenario.callers[ci];
    const ChainConfig config = ScenarioChain(scenario, static_cast<int>(ci)).config;
    std::shared_ptr<const CompiledPolicy> identity;
    if (c.identity_policy && c.principal && any_iam) {
      auto compiled = internal::CompileLayer(*c.identity_policy, "identity");
      if (!compiled.ok()) return compiled.status();
      identity = *compiled;
    }
    s.identity.push_back(identity);
    // Every combination of layer outcomes, composed once by the shared rule.
    s.compose.emplace_back(config, c.principal.has_value(), s.layers.network != nullptr,
                           s.layers.service != nullptr, identity != nullptr);
  }
  for (const Expectation& e : scenario.expectations) {
    std::vector<CallerMatcher> per_caller;
    for (size_t ci = 0; ci < scenario.callers.size(); ++ci) {
      per_caller.push_back(PrepareMatcher(e.match, scenario.callers[ci], s.mixes[ci]));
    }
    s.matchers.push_back(std::move(per_caller));
    uint8_t bits = 0;  // the decisions that satisfy it
    for (int k = 0; k < 3; ++k) bits |= OutcomeSatisfies(e.expect, static_cast<DecisionKind>(k)) << k;
    s.satisfied.push_back(bits);
  }
  s.use_masks = scenario.expectations.size() <= 64;
  if (s.use_masks) {
    for (size_t ci = 0; ci < scenario.callers.size(); ++ci) {
      std::vector<const CallerMatcher*> per_expectation;
      for (const auto& per_caller : s.matchers) per_expectation.push_back(&per_caller[ci]);
      s.masks.push_back(PrepareMasks(per_expectation, s.mixes[ci]));
    }
  }
  s.PrepareClassTable();  // after the matchers: it records Match() per class
  s.PreparePlans();
  return std::unique_ptr<Simulation>(new Simulation(std::move(impl)));
}

Request Simulation::GenerateRequest(uint64_t index, int* caller, std::string* raw_query) const {
  Draw d;
  impl_->DrawRequest(index, &d);
  if (caller != nullptr) *caller = d.caller;
  return impl_->RenderRequest(d, raw_query);
}

ChainPolicies Simulation::ReferenceChain(int caller) const {
  return impl_->Chain(caller, false);
}

int Simulation::MatchExpectation(int caller, const Request& request) const {
  // The slow, direct reading of the match rules (used to cross-check the
  // engine's precomputed masks in tests).
  const Scenario& sc = impl_->scenario;
  const ScenarioCaller& c = sc.callers[caller];
  for (size_t e = 0; e < sc.expectations.size(); ++e) {
    const ExpectationMatch& m = sc.expectations[e].match;
    auto any = [](const std::vector<std::string>& list, auto pred) {
      if (list.empty()) return true;
      for (const std::string& s : list) {
        if (pred(s)) return true;
      }
      return false;
    };
    if (!any(m.callers, [&](const std::string& s) { return s == c.name; })) continue;
    if (!any(m.actions, [&](const std::string& s) { return absl::EqualsIgnoreCase(s, request.action); })) continue;
    if (!any(m.methods, [&](const std::string& s) { return s == request.method; })) continue;
    if (!any(m.paths, [&](const std::string& s) { return StarGlob(s, request.path); })) continue;
    if (!m.ports.empty() && (!request.port || std::find(m.ports.begin(), m.ports.end(), *request.port) == m.ports.end())) continue;
    if (m.is_signed && *m.is_signed != request.principal.has_value()) continue;
    bool ok = true;
    for (const auto& [key, vm] : m.query) {
      std::vector<std::string> values;
      for (const StringPair& p : request.query) {
        if (p.first == key) values.push_back(p.second);
      }
      ok &= vm.absent ? values.empty() : values == vm.values;
    }
    for (const auto& [key, vm] : m.headers) {
      std::vector<std::string> values;
      for (const StringPair& p : request.headers) {
        if (p.first == key) values.push_back(p.second);
      }
      ok &= vm.absent ? values.empty() : values == vm.values;
    }
    if (ok) return static_cast<int>(e);
  }
  return -1;
}

// ---- Request classes (the HTML reachability matrix) ----------------------------

void Simulation::Impl::PrepareClasses() {
  class_dimensions = {"method", "path"};
  std::vector<std::string> keys;
  for (const Mix& m : mixes) {
    for (const KeyDist& k : m.query) {
      if (std::find(keys.begin(), keys.end(), k.name) == keys.end()) keys.push_back(k.name);
    }
  }
  for (const std::string& k : keys) class_dimensions.push_back(StrCat("query ", k));
  size_t total = 0;
  for (const Mix& m : mixes) {
    std::vector<int> dims;
    size_t cells = m.methods.choices.size() * m.paths.choices.size();
    for (const std::string& k : keys) {
      int found = -1;
      for (size_t q = 0; q < m.query.size(); ++q) {
        if (m.query[q].name == k) found = static_cast<int>(q);
      }
      dims.push_back(found);
      if (found >= 0) cells *= std::max<size_t>(1, m.query[found].dist.choices.size());
      if (cells > kMaxRequestClasses) break;
    }
    class_query.push_back(std::move(dims));
    class_offset.push_back(total);
    total += cells;
    if (total > kMaxRequestClasses) {
      classes_omitted = true;
      return;
    }
  }
  class_cells = total;
}

void Simulation::Impl::CountClass(const Draw& d, const internal::ChainStep& step,
                                  Aggregate* agg) const {
  const ComposedDecision& r = *step.result;
  const Mix& m = mixes[d.caller];
  size_t cell = static_cast<size_t>(d.method) * m.paths.choices.size() + d.path;
  for (int q : class_query[d.caller]) {
    if (q < 0) continue;
    cell = cell * m.query[q].dist.choices.size() + d.query[q];
  }
  Aggregate::ClassCount& c = agg->classes[class_offset[d.caller] + cell];
  const int k = static_cast<int>(r.kind);
  ++c.n[k];
  ++c.shadow[static_cast<int>(step.shadow_kind)];
  if (c.first[k] != UINT64_MAX) return;  // indices only grow within a worker
  c.first[k] = d.index;
  // The statement that decided the chain: the denying layer's, else (ALLOW)
  // the service policy's allowing statement, else the network policy's.
  int statement = -1;
  if (r.layer == Layer::kNetwork || (r.layer == Layer::kNone && !layers.eval_service)) {
    statement = step.network_statement;
  } else if (r.layer == Layer::kService || r.layer == Layer::kNone) {
    statement = step.service_statement >= 0
                    ? static_cast<int>(layers.network_statements) + step.service_statement : -1;
  }
  c.statement[k] = statement;
}

RequestClassCell Simulation::Impl::ClassCell(size_t cell) const {
  RequestClassCell out;
  size_t caller = 0;
  while (caller + 1 < class_offset.size() && class_offset[caller + 1] <= cell) ++caller;
  out.caller = static_cast<int>(caller);
  const Mix& m = mixes[caller];
  size_t rest = cell - class_offset[caller];
  auto label = [](const Choice& c) -> std::string {
    switch (c.kind) {
      case ScenarioChoice::Kind::kAbsent: return "(absent)";
      case ScenarioChoice::Kind::kRandom: return "(random)";
      case ScenarioChoice::Kind::kRepeat: {
        std::string joined;
        for (const std::string& v : c.values) StrAppend(&joined, joined.empty() ? "" : "&", v);
        return joined;
      }
      case ScenarioChoice::Kind::kValue: break;
    }
    return c.value;
  };
  // Undo the mixed-radix number, last dimension first.
  std::vector<std::string> query(class_query[caller].size(), "(absent)");
  for (size_t k = class_query[caller].size(); k-- > 0;) {
    const int q = class_query[caller][k];
    if (q < 0) continue;
    const size_t n = m.query[q].dist.choices.size();
    query[k] = label(m.query[q].dist.choices[rest % n]);
    rest /= n;
  }
  const size_t paths = m.paths.choices.size();
  out.values.push_back(label(m.methods.choices[rest / paths]));
  out.values.push_back(label(m.paths.choices[rest % paths]));
  for (std::string& v : query) out.values.push_back(std::move(v));
  return out;
}

namespace {

// Adds one worker's aggregate to the report (its samples are moved) and its
// uncertainty id counts to `ids`.
void MergeAggregate(Aggregate* from, SimulationReport* out, std::array<uint64_t, 64>* ids) {
  Aggregate& a = *from;
  SimulationReport& report = *out;
  for (int k = 0; k < 3; ++k) report.totals[k] += a.totals[k];
  for (int k = 0; k < 4; ++k) report.by_layer[k] += a.by_layer[k];
  for (size_t c = 0; c < a.callers.size(); ++c) {
    for (int k = 0; k < 3; ++k) report.caller_decisions[c][k] += a.callers[c][k];
  }
  for (size_t i = 0; i < a.statement_hits.size() && i < report.statements.size(); ++i) {
    report.statements[i].hits += a.statement_hits[i];
  }
  for (size_t e = 0; e < a.expectations.size(); ++e) {
    ExpectationResult& r = report.expectations[e];
    r.matched += a.expectations[e].matched;
    r.violations += a.expectations[e].violations;
    r.shadow_violations += a.expectations[e].shadow_violations;
    for (int k = 0; k < 3; ++k) r.by_decision[k] += a.expectations[e].by_decision[k];
    for (int k = 0; k < 3; ++k) r.shadow_by_decision[k] += a.expectations[e].shadow_by_decision[k];
    for (size_t c = 0; c < r.violations_by_caller.size(); ++c) {
      r.violations_by_caller[c] += a.expectations[e].violations_by_caller[c];
      r.shadow_violations_by_caller[c] += a.expectations[e].shadow_violations_by_caller[c];
    }
    for (SimulationSample& smp : a.expectations[e].samples) r.samples.push_back(std::move(smp));
    for (SimulationSample& smp : a.expectations[e].shadow_samples) {
      r.shadow_samples.push_back(std::move(smp));
    }
  }
  report.unmatched += a.unmatched;
  report.uncertain.flagged += a.flagged;
  report.uncertain.uncertain += a.uncertain;
  report.uncertain.unverified += a.unverified;
  for (int k = 0; k < 64; ++k) (*ids)[k] += a.ids[k];
  for (int k = 0; k < 3; ++k) report.shadow.totals[k] += a.shadow_totals[k];
  report.shadow.allowed_to_denied += a.a2d;
  report.shadow.denied_to_allowed += a.d2a;
  report.shadow.deny_kind_changed += a.kind_changed;
  for (SimulationSample& smp : a.a2d_samples) report.shadow.allowed_to_denied_samples.push_back(std::move(smp));
  for (SimulationSample& smp : a.d2a_samples) report.shadow.denied_to_allowed_samples.push_back(std::move(smp));
}

}  // namespace

uint64_t Simulation::count() const { return impl_->count; }
int Simulation::threads() const { return impl_->threads; }

SimulationReport Simulation::Run(std::atomic<uint64_t>* progress) const {
  const Impl& s = *impl_;
  const auto start = std::chrono::steady_clock::now();
  std::vector<Aggregate> aggs(s.threads);
  std::atomic<uint64_t> next_chunk{0};
  if (s.threads == 1) {
    s.RunChunks(&next_chunk, progress, &aggs[0]);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < s.threads; ++t) {
      pool.emplace_back([&, t] { s.RunChunks(&next_chunk, progress, &aggs[t]); });
    }
    for (std::thread& t : pool) t.join();
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Merge.
  const Scenario& sc = s.scenario;
  SimulationReport report;
  report.scenario = sc.source_name;
  report.count = s.count;
  report.seed = s.seed;
  report.threads = s.threads;
  for (const ScenarioCaller& c : sc.callers) report.callers.push_back(c.name);
  report.caller_decisions.assign(sc.callers.size(), {});
  auto add_statements = [&](const std::optional<PolicyDocument>& doc, Layer layer) {
    if (!doc) return;
    for (const Statement& st : doc->statements) {
      StatementHits h;
      h.layer = layer;
      h.index = st.index;
      h.sid = st.sid;
      h.effect = st.effect;
      report.statements.push_back(h);
    }
  };
  add_statements(sc.network_policy, Layer::kNetwork);
  add_statements(sc.service_policy, Layer::kService);
  for (size_t e = 0; e < sc.expectations.size(); ++e) {
    ExpectationResult r;
    r.index = static_cast<int>(e);
    r.name = sc.expectations[e].name;
    r.expect = sc.expectations[e].expect;
    r.violations_by_caller.assign(sc.callers.size(), 0);
    r.shadow_violations_by_caller.assign(sc.callers.size(), 0);
    report.expectations.push_back(r);
  }
  std::array<uint64_t, 64> ids{};
  for (Aggregate& a : aggs) {
    if (!a.callers.empty()) MergeAggregate(&a, &report, &ids);  // empty: a worker without a chunk
  }
  for (ExpectationResult& r : report.expectations) {
    KeepLowest(&r.samples, s.max_samples);
    KeepLowest(&r.shadow_samples, s.max_samples);
    report.violations += r.violations;
    report.shadow.violations += r.shadow_violations;
  }
  KeepLowest(&report.shadow.allowed_to_denied_samples, s.max_samples);
  KeepLowest(&report.shadow.denied_to_allowed_samples, s.max_samples);
  for (int k = 0; k < static_cast<int>(DecisionId::kCount); ++k) {
    if (ids[k] != 0) {
      report.uncertain.by_id[std::string(DecisionIdName(static_cast<DecisionId>(k)))] += ids[k];
    }
  }
  report.shadow.enabled = s.layers.shadow != nullptr;
  report.shadow.name = s.shadow_name;
  report.classes_omitted = s.classes_omitted;
  if (s.class_cells != 0) report.class_dimensions = s.class_dimensions;
  for (size_t cell = 0; cell < s.class_cells; ++cell) {
    Aggregate::ClassCount sum;
    for (const Aggregate& a : aggs) {
      if (a.classes.empty()) continue;
      const Aggregate::ClassCount& c = a.classes[cell];
      for (int k = 0; k < 3; ++k) {
        sum.n[k] += c.n[k];
        sum.shadow[k] += c.shadow[k];
        if (c.first[k] < sum.first[k]) {
          sum.first[k] = c.first[k];
          sum.statement[k] = c.statement[k];
        }
      }
    }
    if (sum.n[0] + sum.n[1] + sum.n[2] == 0) continue;
    RequestClassCell out = s.ClassCell(cell);
    out.decisions = sum.n;
    out.shadow_decisions = sum.shadow;
    out.statement = {sum.statement[0], sum.statement[1], sum.statement[2]};
    report.classes.push_back(std::move(out));
  }
  report.wall_seconds = wall;
  report.requests_per_second = wall > 0 ? static_cast<double>(s.count) / wall : 0;
  return report;
}

}  // namespace latticepol
