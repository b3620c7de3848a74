// File: src/internal/compiled_eval.h
// Stage: evaluate (fast path). The prologue shared by the two compiled plans:
// buffer sizes, byte predicates, the raw-query byte classes, the principal
// test and the lazily built request resource ARN. The general plan lives in
// src/evaluate_general.cc, the simple plan in src/evaluate_simple.cc, the
// public entry points (Evaluate, EvaluateBatch, Authorize) in
// src/evaluate_compiled.cc. Hot-path rules: see src/evaluate_compiled.cc.
// Only those three files include this header.
#ifndef LATTICEPOL_INTERNAL_COMPILED_EVAL_H_
#define LATTICEPOL_INTERNAL_COMPILED_EVAL_H_

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
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/request.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace latticepol {
namespace internal {

// Runs the simple plan (im.simple.enabled). The general plan's entries,
// EvaluateGeneral and Impl::general, are declared in compiled_impl.h.
Decision EvaluateSimple(const CompiledPolicy::Impl& im, const RequestView& r,
                        bool ignore_principal);
// The equality plan (im.eq.enabled); falls back to EvaluateSimple.
Decision EvaluateEquality(const CompiledPolicy::Impl& im, const RequestView& r,
                          bool ignore_principal);
// out[i] = EvaluateEquality(im, requests[i], false) for i < n.
void EvaluateEqualityBatch(const CompiledPolicy::Impl& im, const RequestView* requests,
                           size_t n, Decision* out);

namespace {

#define LATTICEPOL_ALWAYS_INLINE inline __attribute__((always_inline))

// The one choice of plan: the equality plan where enabled (it hands what it
// cannot decide to the simple plan), else the simple plan, else the general
// plan's instantiation Compile picked (Impl::general). Inline, so Evaluate
// reaches the plan in one call.
LATTICEPOL_ALWAYS_INLINE Decision RunPlan(const CompiledPolicy::Impl& im, const RequestView& r,
                                          bool ignore_principal) {
  if (im.eq.enabled) return EvaluateEquality(im, r, ignore_principal);
  if (im.simple.enabled) return EvaluateSimple(im, r, ignore_principal);
  return im.general(im, r, ignore_principal);
}

constexpr size_t kInlineWords = 32;  // 2,048 clauses
constexpr size_t kInlineKeys = 64;
constexpr size_t kDecodeBuffer = kDecodeBufferBytes;
constexpr size_t kArnBuffer = 1024;

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

// One pair of a raw query, as found by NextRawQueryPair.
struct RawQueryPair {
  std::string_view key;
  std::string_view value;  // empty when there is no `=`
  bool has_value = false;  // the pair had an `=`
  bool pct = false;        // a `%` occurs in the pair (decode it: Q3)
};

#if defined(__SSE2__)
// LoadWithinPage and InPage: internal/glob_set.h.

// Bit i set iff byte i of `a` equals byte i of `b`.
LATTICEPOL_ALWAYS_INLINE uint32_t EqualBytes(__m128i a, __m128i b) {
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, b)));
}

// Bit i set iff byte i of `v` is `c`.
LATTICEPOL_ALWAYS_INLINE uint32_t Positions(__m128i v, char c) {
  return EqualBytes(v, _mm_set1_epi8(c));
}
#endif

// Moves `*pos` past the next `&` at or after it, skipping a pair unparsed
// (its first byte is not in the plan's query_first); returns false when no
// `&` follows (the query ends).
LATTICEPOL_ALWAYS_INLINE bool SkipRawQueryPair(const char* data, size_t n, size_t* pos) {
  const void* amp = std::memchr(data + *pos, '&', n - *pos);
  if (amp == nullptr) return false;
  *pos = static_cast<size_t>(static_cast<const char*>(amp) - data) + 1;
  return true;
}

// The raw query scanner of both compiled plans (SplitQuery semantics:
// `&`-split, the first `=` splits). Scans the pair starting at `*pos` in one
// pass (its end, its first `=`, whether a `%` occurs), moves `*pos` past its
// `&`, and returns false for an empty pair or empty key (dropped). Call while
// `*pos <= n`.
LATTICEPOL_ALWAYS_INLINE bool NextRawQueryPair(const char* data, size_t n, size_t* pos,
                                               RawQueryPair* pair) {
  size_t end = *pos;
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
    } else {  // '%'
      pct = true;
    }
    ++end;
  }
  const size_t start = *pos;
  *pos = end + 1;
  const size_t key_end = eq == std::string_view::npos ? end : eq;
  if (key_end == start) return false;
  pair->key = std::string_view(data + start, key_end - start);
  pair->has_value = eq != std::string_view::npos;
  pair->value = pair->has_value ? std::string_view(data + eq + 1, end - eq - 1)
                                : std::string_view();
  pair->pct = pct;
  return true;
}


// Returns true iff SplitArn(v) would succeed: `arn:` and five colons.
// The number of bytes of `w` equal to `c` (exact per-byte test, no borrow
// between bytes).
LATTICEPOL_ALWAYS_INLINE int CountByte(uint64_t w, char c) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t x = w ^ (0x0101010101010101ULL * static_cast<unsigned char>(c));
  const uint64_t zero_high = ~(((x & kLow7) + kLow7) | x | kLow7);
  // Sum of the 0/1 bytes (at most 8: no carry between bytes), without a
  // popcount instruction (the build does not assume one).
  return static_cast<int>(((zero_high >> 7) * 0x0101010101010101ULL) >> 56);
}

inline bool LooksLikeArn(std::string_view v) {
  if (v.size() < 4 || v[0] != 'a' || v[1] != 'r' || v[2] != 'n' || v[3] != ':') return false;
  // Four more colons after `arn:`, counted eight bytes at a time (the last
  // partial word zero padded by HeadOf; a zero byte is not a colon).
  const char* p = v.data() + 4;
  size_t n = v.size() - 4;
  int colons = 0;
  for (; n >= 8; p += 8, n -= 8) {
    colons += CountByte(Load64(p), ':');
    if (colons >= 4) return true;
  }
  if (n > 0) colons += CountByte(HeadOf(p, n), ':');
  return colons >= 4;
}

// Parses a dotted-quad IPv4 address exactly as ParseIp does (four 1-3
// digit parts <= 255, no leading zeros) into a big-endian-order integer;
// inline. Returns false for anything else (the caller then uses ParseIp).
// The 7 to 15 bytes are first copied as two overlapping words into a
// zeroed buffer, so the digits are read without bounds tests (the NUL after
// the text ends every part).
LATTICEPOL_ALWAYS_INLINE bool ParseIp4Fast(std::string_view s, uint32_t* out) {
  const size_t n = s.size();
  if (n < 7 || n > 15) return false;
  unsigned char buf[24] = {};
  if (n >= 8) {
    std::memcpy(buf, s.data(), 8);
    std::memcpy(buf + n - 8, s.data() + n - 8, 8);
  } else {
    std::memcpy(buf, s.data(), 4);
    std::memcpy(buf + n - 4, s.data() + n - 4, 4);
  }
  // Each part reads at most four bytes from i: i stays below 20 (< 24).
  uint32_t r = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    uint32_t v = static_cast<uint32_t>(buf[i]) - '0';
    if (v > 9) return false;
    ++i;
    const uint32_t d1 = static_cast<uint32_t>(buf[i]) - '0';
    if (d1 <= 9) {
      if (v == 0) return false;  // a leading zero
      v = v * 10 + d1;
      ++i;
      const uint32_t d2 = static_cast<uint32_t>(buf[i]) - '0';
      if (d2 <= 9) {
        v = v * 10 + d2;
        ++i;
        if (v > 255) return false;
      }
    }
    // A fourth digit (or any other byte) where a `.` belongs fails here or
    // at the size check.
    if (part < 3) {
      if (buf[i] != '.') return false;
      ++i;
    }
    r = (r << 8) | v;
  }
  if (i != n) return false;
  *out = r;
  return true;
}

inline bool CmpHolds(NumCmp cmp, int c) {
  switch (cmp) {
    case NumCmp::kEq: return c == 0;
    case NumCmp::kLt: return c < 0;
    case NumCmp::kLe: return c <= 0;
    case NumCmp::kGt: return c > 0;
    case NumCmp::kGe: return c >= 0;
  }
  return false;
}

inline bool ArnFieldsMatch(const std::array<GlobPattern, 5>& fields,
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

// The principal test of one statement (spec 1.4, N1 for NotPrincipal).
inline bool PrincipalTest(const PrincipalCheck& pc, const Principal* p) {
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

// The request resource ARN (spec 1.6), built lazily on the stack, and the
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

}  // namespace
}  // namespace internal
}  // namespace latticepol

#endif  // LATTICEPOL_INTERNAL_COMPILED_EVAL_H_
