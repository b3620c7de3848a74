// File: src/internal/request_scan.cc
// Stage: request (internal). The single-pass canonical request scanner (see
// request_scan.h). Every "return false" is a surprise handed to the general
// reader, never a verdict on the line.
#include "internal/request_scan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal/json_reader.h"
#include "internal/text.h"

namespace latticepol::internal {
namespace {

// Fields of the request object and of the principal (bit positions).
enum TopField : int {
  kAction, kMethod, kPath, kQuery, kHeaders, kSourceVpc, kSourceVpcOwnerAccount, kPort,
  kServiceArn, kServiceNetworkArn, kPrincipal, kResourceTags, kSourceIp, kTime
};
enum PrincipalField : int { kArn, kAccount, kType, kOrgId, kOrgPaths, kTags, kSessionArn };

// k == lit for a key whose size() already equals the literal's length:
// word-wise, with no call (the keys are short and the check runs per field).
template <size_t N>
inline bool Is(std::string_view k, const char (&lit)[N]) {
  constexpr size_t n = N - 1;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t a, b;
    std::memcpy(&a, k.data() + i, 8);
    std::memcpy(&b, lit + i, 8);
    if (a != b) return false;
  }
  for (; i < n; ++i) {
    if (k[i] != lit[i]) return false;
  }
  return true;
}

int TopFieldId(std::string_view k) {
  switch (k.size()) {
    case 4:
      return Is(k, "path") ? kPath : Is(k, "port") ? kPort : Is(k, "time") ? kTime : -1;
    case 5:
      return Is(k, "query") ? kQuery : -1;
    case 6:
      return Is(k, "action") ? kAction : Is(k, "method") ? kMethod : -1;
    case 7:
      return Is(k, "headers") ? kHeaders : -1;
    case 8:
      return Is(k, "sourceIp") ? kSourceIp : -1;
    case 9:
      return Is(k, "sourceVpc") ? kSourceVpc : Is(k, "principal") ? kPrincipal : -1;
    case 10:
      return Is(k, "serviceArn") ? kServiceArn : -1;
    case 12:
      return Is(k, "resourceTags") ? kResourceTags : -1;
    case 17:
      return Is(k, "serviceNetworkArn") ? kServiceNetworkArn : -1;
    case 21:
      return Is(k, "sourceVpcOwnerAccount") ? kSourceVpcOwnerAccount : -1;
    default:
      return -1;
  }
}

int PrincipalFieldId(std::string_view k) {
  switch (k.size()) {
    case 3:
      return Is(k, "arn") ? kArn : -1;
    case 4:
      return Is(k, "type") ? kType : Is(k, "tags") ? kTags : -1;
    case 5:
      return Is(k, "orgId") ? kOrgId : -1;
    case 7:
      return Is(k, "account") ? kAccount : -1;
    case 8:
      return Is(k, "orgPaths") ? kOrgPaths : -1;
    case 10:
      return Is(k, "sessionArn") ? kSessionArn : -1;
    default:
      return -1;
  }
}

// The general reader's limits (RequestLimits defaults) that a line of at most
// kMaxLineBytes can still exceed.
constexpr size_t kMaxLineBytes = size_t{1} << 20;
constexpr size_t kMaxQueryParams = 100000;
constexpr size_t kMaxTags = 10000;
constexpr size_t kMaxHeaders = 64;  // more go to the general reader (linear duplicate check)

inline bool IsHeaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// One 64-byte window of the line: bit k of `quotes` is set iff byte k is a
// quote; bit k of `escapes` iff it is a backslash or a control character,
// of `high` iff it is non-ASCII. Bits at or past the line's end are clear.
struct Window {
  uint64_t quotes = 0, escapes = 0, high = 0;
};

inline uint64_t Mask16(int m, int shift) {
  return static_cast<uint64_t>(static_cast<uint32_t>(m) & 0xFFFF) << shift;
}

// Classifies s[base, base + 64) (only the first `len` <= 64 bytes count).
// Reads 64 bytes when base + 64 <= readable, else copies the `len` bytes.
inline Window Classify(const char* s, size_t base, size_t len, size_t readable) {
  alignas(16) char tail[64];
  const char* p = s + base;
  if (base + 64 > readable) {
    std::memset(tail, 0, sizeof(tail));
    std::memcpy(tail, p, len);
    p = tail;
  }
  Window w;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i zero = _mm_setzero_si128();
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i high = _mm_cmplt_epi8(v, zero);  // >= 0x80
    // Signed: `< 0x20` holds for control characters and for non-ASCII bytes.
    const __m128i low = _mm_andnot_si128(high, _mm_cmplt_epi8(v, space));
    w.quotes |= Mask16(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)), 16 * k);
    w.escapes |= Mask16(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, backslash), low)), 16 * k);
    w.high |= Mask16(_mm_movemask_epi8(high), 16 * k);
  }
#else
  for (int k = 0; k < 64; ++k) {
    const unsigned char c = static_cast<unsigned char>(p[k]);
    const uint64_t bit = uint64_t{1} << k;
    if (c == '"') w.quotes |= bit;
    if (c == '\\' || c < 0x20) w.escapes |= bit;
    if (c >= 0x80) w.high |= bit;
  }
#endif
  if (len < 64) {
    const uint64_t keep = (uint64_t{1} << len) - 1;
    w.quotes &= keep;
    w.escapes &= keep;
    w.high &= keep;
  }
  return w;
}

// RequestView's defaults, member by member (a whole-struct assignment
// compiles to a block copy that costs more than the scan of a short line).
inline void ResetView(RequestView* v) {
  v->action = kInvokeAction;
  v->method = "GET";
  v->path = "/";
  v->query_is_raw = false;
  v->raw_query = {};
  v->query = ParamList();
  v->headers = ParamList();
  v->source_vpc = OptionalText();
  v->source_vpc_owner_account = OptionalText();
  v->service_arn = OptionalText();
  v->service_network_arn = OptionalText();
  v->port = -1;
  v->principal = nullptr;
  v->resource_tags = ParamList();
  v->source_ip = OptionalText();
  v->time = OptionalText();
}

class Scanner {
 public:
  Scanner(std::string_view line, size_t readable, ScannedRequest* out)
      : s_(line.data()), n_(line.size()), readable_(readable < n_ ? n_ : readable), out_(out) {}

  bool Run();

 private:
  bool Peek(char c) const { return i_ < n_ && s_[i_] == c; }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++i_;
    return true;
  }
  bool EatNull() {
    if (n_ - i_ < 4 || std::memcmp(s_ + i_, "null", 4) != 0) return false;
    i_ += 4;
    return true;
  }
  // Classifies the whole line into out_->quote_bits; false on a backslash
  // or a control character anywhere (an escape, or a syntax error).
  bool ClassifyLine();
  // Inlined: the string view then stays in registers (a view returned
  // through memory costs a store-forwarding stall per string).
  __attribute__((always_inline)) inline bool String(std::string_view* out);
  __attribute__((always_inline)) bool Key(std::string_view* out) {
    return String(out) && Eat(':');
  }
  // `{` or `[` already peeked; then `,` or the closing bracket.
  bool Pairs(std::vector<StringViewPair>* out, size_t limit, bool allow_object,
             bool reject_duplicate_names);
  bool Port(int32_t* out);
  bool Principal();
  __attribute__((always_inline)) inline bool Field(int id);

  const char* s_;
  size_t n_;
  size_t readable_;  // bytes readable from s_ (>= n_)
  size_t i_ = 0;
  const uint64_t* quotes_ = nullptr;  // bit i: s_[i] is a quote (one spare zero word)
  bool high_ = false;                  // the line has non-ASCII bytes
  ScannedRequest* out_;
};

bool Scanner::ClassifyLine() {
  std::vector<uint64_t>& bits = out_->quote_bits;
  const size_t words = (n_ + 63) / 64;
  bits.resize(words + 1);
  uint64_t escapes = 0, high = 0;
  for (size_t w = 0; w < words; ++w) {
    const size_t base = 64 * w;
    const Window win = Classify(s_, base, std::min<size_t>(64, n_ - base), readable_);
    bits[w] = win.quotes;
    escapes |= win.escapes;
    high |= win.high;
  }
  bits[words] = 0;
  quotes_ = bits.data();
  high_ = high != 0;
  return escapes == 0;
}

// A string without escapes (ClassifyLine found none): a view of its body.
// The next quote is found in the 64 bits from the body's start (two words
// joined), so strings under 64 bytes take no loop.
inline bool Scanner::String(std::string_view* out) {
  if (!Eat('"')) return false;
  const size_t start = i_;
  size_t at = start;
  while (true) {
    const size_t w = at >> 6, b = at & 63;
    const uint64_t next = b == 0 ? 0 : quotes_[w + 1] << (64 - b);
    const uint64_t ahead = (quotes_[w] >> b) | next;
    if (ahead != 0) {
      at += static_cast<size_t>(__builtin_ctzll(ahead));
      break;
    }
    at += 64;
    if (at >= n_) return false;
  }
  if (at >= n_) return false;
  *out = std::string_view(s_ + start, at - start);
  i_ = at + 1;
  return true;
}

// An array of [name, value] string pairs or (allow_object) an object of
// string values. Duplicate names in an object are an error for the general
// reader, so they are a surprise here.
bool Scanner::Pairs(std::vector<StringViewPair>* out, size_t limit, bool allow_object,
                    bool reject_duplicate_names) {
  out->clear();
  const bool object = Peek('{');
  if (object && !allow_object) return false;
  if (!object && !Peek('[')) return false;
  ++i_;
  const char close = object ? '}' : ']';
  if (Eat(close)) return true;
  while (true) {
    std::string_view name, value;
    if (object) {
      if (!Key(&name) || !String(&value)) return false;
      for (const StringViewPair& p : *out) {
        if (p.first == name) return false;
      }
    } else {
      if (!Eat('[') || !String(&name) || !Eat(',') || !String(&value) || !Eat(']')) return false;
      if (reject_duplicate_names) {
        for (const StringViewPair& p : *out) {
          if (p.first == name) return false;
        }
      }
    }
    if (out->size() >= limit) return false;
    out->emplace_back(name, value);
    if (Eat(close)) return true;
    if (!Eat(',')) return false;
  }
}

// An integer from 1 to 65535 in JSON's own form (no sign, no leading zero).
bool Scanner::Port(int32_t* out) {
  if (i_ >= n_ || s_[i_] < '1' || s_[i_] > '9') return false;
  int32_t v = 0;
  for (int digits = 0; i_ < n_ && s_[i_] >= '0' && s_[i_] <= '9'; ++digits, ++i_) {
    if (digits == 5) return false;
    v = v * 10 + (s_[i_] - '0');
  }
  if (v > 65535 || !(Peek(',') || Peek('}'))) return false;
  *out = v;
  return true;
}

bool Scanner::Principal() {
  latticepol::Principal& p = out_->principal;
  p.Clear();
  if (!Eat('{')) return false;
  uint32_t seen = 0;
  if (!Eat('}')) {
    while (true) {
      std::string_view key, s;
      if (!Key(&key)) return false;
      const int id = PrincipalFieldId(key);
      if (id < 0 || (seen & (1u << id)) != 0) return false;
      seen |= 1u << id;
      if (id == kOrgPaths) {
        if (!Eat('[')) return false;
        if (!Eat(']')) {
          do {
            if (!String(&s) || p.org_paths.size() >= kMaxQueryParams) return false;
            p.org_paths.emplace_back(s);
          } while (Eat(','));
          if (!Eat(']')) return false;
        }
      } else if (id == kTags) {
        if (!Pairs(&out_->principal_tags, kMaxTags, /*allow_object=*/true, false)) return false;
        for (const StringViewPair& t : out_->principal_tags) p.tags.emplace_back(t.first, t.second);
      } else {
        if (!String(&s)) return false;
        std::string* dest[] = {&p.arn, &p.account, &p.type, &p.org_id, nullptr, nullptr,
                               &p.session_arn};
        dest[id]->assign(s.data(), s.size());
      }
      if (Eat('}')) break;
      if (!Eat(',')) return false;
    }
  }
  // The general reader infers a missing type or account from the ARN and
  // rewrites sts assumed-role ARNs (L2): left to it.
  if (!p.arn.empty() && ((seen & (1u << kAccount)) == 0 || (seen & (1u << kType)) == 0 ||
                         p.arn.find(":assumed-role/") != std::string::npos)) {
    return false;
  }
  out_->view.principal = &p;
  return true;
}

inline bool Scanner::Field(int id) {
  RequestView& v = out_->view;
  std::string_view s;
  switch (id) {
    case kAction:
      return String(&v.action);
    case kMethod:
      return String(&v.method) && !v.method.empty();
    case kPath:
      return String(&v.path);
    case kQuery:
      if (Peek('"')) {
        if (!String(&s)) return false;
        // RawQueryPairCount(s) <= '&' count + 1: the general reader's limit.
        size_t amps = 0;
        for (const char* p = s.data(), *end = p + s.size();
             (p = static_cast<const char*>(std::memchr(p, '&', end - p))) != nullptr; ++p) {
          ++amps;
        }
        if (amps >= kMaxQueryParams) return false;
        v.query_is_raw = true;
        v.raw_query = s;
        return true;
      }
      if (!Peek('[') || !Pairs(&out_->query, kMaxQueryParams, false, false)) return false;
      v.query = ParamList(out_->query.data(), out_->query.size());
      return true;
    case kHeaders:
      // Only names and values the general reader keeps as they are (H1-H3).
      if (!Pairs(&out_->headers, kMaxHeaders, /*allow_object=*/false, true)) return false;
      for (const StringViewPair& h : out_->headers) {
        if (h.first.empty()) return false;
        for (char c : h.first) {
          if (c >= 'A' && c <= 'Z') return false;
        }
        if (!h.second.empty() && (IsHeaderSpace(h.second.front()) || IsHeaderSpace(h.second.back()))) {
          return false;
        }
      }
      v.headers = ParamList(out_->headers.data(), out_->headers.size());
      return true;
    case kSourceVpc:
    case kSourceVpcOwnerAccount:
    case kServiceArn:
    case kServiceNetworkArn: {
      if (!String(&s)) return false;
      const OptionalText t{s, true};
      (id == kSourceVpc                ? v.source_vpc
       : id == kSourceVpcOwnerAccount ? v.source_vpc_owner_account
       : id == kServiceArn            ? v.service_arn
                                      : v.service_network_arn) = t;
      return true;
    }
    case kPort:
      return Port(&v.port);
    case kPrincipal:
      if (EatNull()) {
        v.principal = nullptr;
        return true;
      }
      return Principal();
    case kResourceTags:
      if (!Pairs(&out_->tags, kMaxTags, /*allow_object=*/true, false)) return false;
      v.resource_tags = ParamList(out_->tags.data(), out_->tags.size());
      return true;
    case kSourceIp: {
      IpNet ip;
      if (!String(&s) || !ParseIp(s, &ip)) return false;
      v.source_ip = OptionalText{s, true};
      return true;
    }
    case kTime: {
      int64_t millis = 0;
      if (!String(&s) || !ParseDate(s, &millis)) return false;
      v.time = OptionalText{s, true};
      return true;
    }
    default:
      return false;
  }
}

bool Scanner::Run() {
  ResetView(&out_->view);
  if (n_ > kMaxLineBytes || !Eat('{')) return false;
  if (!ClassifyLine()) return false;
  uint32_t seen = 0;
  if (!Eat('}')) {
    while (true) {
      std::string_view key;
      if (!Key(&key)) return false;
      const int id = TopFieldId(key);
      if (id < 0 || (seen & (1u << id)) != 0) return false;
      seen |= 1u << id;
      if (!Field(id)) return false;
      if (Eat('}')) break;
      if (!Eat(',')) return false;
    }
  }
  // Non-ASCII bytes can only have been inside strings (anywhere else the
  // scan failed): the general reader requires them to be valid UTF-8.
  return i_ == n_ && (!high_ || IsValidUtf8(std::string_view(s_, n_)));
}

}  // namespace

bool ScanCanonicalRequest(std::string_view line, size_t readable, ScannedRequest* out) {
  return Scanner(line, readable, out).Run();
}

}  // namespace latticepol::internal
