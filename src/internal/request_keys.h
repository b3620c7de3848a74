// File: src/internal/request_keys.h
// Stage: evaluate (shared). The one request-key resolver and the one query
// scanner of both evaluators: what value a condition key has in a request
// (driven by the key table in internal/semantics.h), the DECISION ids that
// resolving it records, and the pairs of a query (raw text split and
// percent-decoded per Q3, or the decoded pairs of a Request).
//
// Contract: no allocation except when a percent-encoded raw pair is longer
// than kDecodeBufferBytes (its decoded text then goes to the heap); inline,
// because the compiled matcher calls these on its hot path.
#ifndef LATTICEPOL_INTERNAL_REQUEST_KEYS_H_
#define LATTICEPOL_INTERNAL_REQUEST_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "internal/glob_set.h"
#include "internal/semantics.h"
#include "internal/text.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol::internal {

// Stack buffer size for decoding one percent-encoded query key or value.
inline constexpr size_t kDecodeBufferBytes = 512;
// Size of the buffer SingleKeyValue formats numbers into.
inline constexpr size_t kNumberBufferBytes = 24;

// Writes the decimal text of `v` at the end of `buf` (kNumberBufferBytes).
inline std::string_view FormatInt(int64_t v, char* buf) {
  const bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  size_t pos = kNumberBufferBytes;
  do {
    buf[--pos] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg) buf[--pos] = '-';
  return std::string_view(buf + pos, kNumberBufferBytes - pos);
}

// The ids the key table says resolving `key` records for request `r`
// (K1 on Connect, A2 for anonymous callers, A3 for signed ones, A4/A5
// always; K2/A6 for unknown keys). Value-dependent ids (Q1/Q3/Q4) are the
// query scanner's.
inline DecisionIdMask ResolveIds(const ConditionKey& key, const RequestView& r) {
  if (key.kind == KeyKind::kUnknown) {
    DecisionId id;
    return UnknownKeyNote(key.name, &id) ? Bit(id) : 0;
  }
  const KeyRow& row = KeySemantics(key.kind);
  switch (row.resolve_when) {
    case NoteWhen::kNever:
      return 0;
    case NoteWhen::kAlways:
      return Bit(row.resolve_id);
    case NoteWhen::kOnConnect:
      return r.is_connect() ? Bit(row.resolve_id) : 0;
    case NoteWhen::kAnonymous:
      return r.principal == nullptr ? Bit(row.resolve_id) : 0;
    case NoteWhen::kSigned:
      return r.principal != nullptr ? Bit(row.resolve_id) : 0;
  }
  return 0;
}

// Returns true and sets `*out` iff the single-valued key `key` is present in
// `r`. Multi-valued keys (query keys, PrincipalOrgPaths) and unknown keys
// return false: use ForEachQueryPair / Principal::org_paths. `connect` is
// r.is_connect(); `buf` (kNumberBufferBytes) holds formatted numbers.
// The same with the key's table row looked up by the caller (`row` is
// KeySemantics(key.kind) and `key` is not unknown): the compiled matcher
// resolves the row once, at compile time.
inline __attribute__((always_inline)) bool SingleKeyValue(const KeyRow& row,
                                                          const ConditionKey& key,
                                                          const RequestView& r, bool connect,
                                                          char* buf, std::string_view* out);
inline __attribute__((always_inline)) bool SingleKeyValue(const ConditionKey& key,
                                                          const RequestView& r, bool connect,
                                                          char* buf, std::string_view* out) {
  if (key.kind == KeyKind::kUnknown) return false;
  return SingleKeyValue(KeySemantics(key.kind), key, r, connect, buf, out);
}
inline __attribute__((always_inline)) bool SingleKeyValue(const KeyRow& row,
                                                          const ConditionKey& key,
                                                          const RequestView& r, bool connect,
                                                          char* buf, std::string_view* out) {
  if (connect && row.absent_on_connect) return false;  // K1
  const Principal* p = r.principal;
  auto optional = [out](const OptionalText& t) {
    *out = t.value;
    return t.present;
  };
  auto principal_text = [&](const std::string Principal::*field) {
    if (p == nullptr) {
      *out = row.anonymous_value;
      return !out->empty();
    }
    *out = p->*field;
    return !out->empty();
  };
  switch (row.field) {
    case RequestField::kPort:
      if (r.port < 0) return false;
      *out = FormatInt(r.port, buf);
      return true;
    case RequestField::kMethod:
      *out = r.method;
      return true;
    case RequestField::kPath:
      *out = r.path;
      return true;
    case RequestField::kHeaders:
      for (size_t i = 0; i < r.headers.size(); ++i) {  // H1: exact name
        const std::string_view name = r.headers.name(i);
        if (name.size() == key.suffix.size() &&
            BytesEqual(name.data(), key.suffix.data(), name.size())) {
          *out = r.headers.value(i);
          return true;
        }
      }
      return false;
    case RequestField::kServiceArn:
      return optional(r.service_arn);
    case RequestField::kServiceNetworkArn:
      return optional(r.service_network_arn);
    case RequestField::kSourceVpc:
      return optional(r.source_vpc);
    case RequestField::kSourceVpcOwnerAccount:
      return optional(r.source_vpc_owner_account);
    case RequestField::kPrincipalType:
      return principal_text(&Principal::type);
    case RequestField::kPrincipalArn:
      return principal_text(&Principal::arn);
    case RequestField::kPrincipalAccount:
      return principal_text(&Principal::account);  // D2: `anonymous`
    case RequestField::kPrincipalOrgId:
      return principal_text(&Principal::org_id);
    case RequestField::kPrincipalTags:
      if (p == nullptr) return false;
      for (const StringPair& tag : p->tags) {  // K2: case-insensitive tag keys
        if (EqualsIgnoreCase(tag.first, key.suffix)) {
          *out = tag.second;
          return true;
        }
      }
      return false;
    case RequestField::kPrincipalSigned:
      *out = row.signed_value;
      return p != nullptr;
    case RequestField::kResourceTags:
      for (size_t i = 0; i < r.resource_tags.size(); ++i) {
        if (EqualsIgnoreCase(r.resource_tags.name(i), key.suffix)) {
          *out = r.resource_tags.value(i);
          return true;
        }
      }
      return false;
    case RequestField::kSourceIp:
      return optional(r.source_ip);
    case RequestField::kTime:
      return optional(r.time);
    case RequestField::kTimeEpochSeconds: {
      if (!r.time.present) return false;
      int64_t millis = 0;
      if (!ParseDate(r.time.value, &millis)) return false;
      int64_t seconds = millis / 1000;  // floor division
      if (millis % 1000 != 0 && millis < 0) --seconds;
      *out = FormatInt(seconds, buf);
      return true;
    }
    case RequestField::kQuery:
    case RequestField::kPrincipalOrgPaths:
    case RequestField::kNone:
      return false;
  }
  return false;
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` (Q3: `%XX` escapes; `+` and malformed escapes stay
// literal) into `out`, which has room for in.size() bytes. Returns the
// decoded length; `*decoded` is true iff an escape was decoded.
inline size_t PercentDecodeInto(std::string_view in, char* out, bool* decoded) {
  *decoded = false;
  size_t o = 0;
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    if (in[i] == '%' && n - i >= 3) {
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[o++] = static_cast<char>((hi << 4) | lo);
        *decoded = true;
        i += 3;
        continue;
      }
    }
    out[o++] = in[i++];
  }
  return o;
}

// Percent-decodes `in` into `buf` (kDecodeBufferBytes) or, when it does not
// fit, into `*heap`. Returns the decoded text (`in` itself when it has no
// `%`); `*decoded` is true iff an escape was decoded.
inline std::string_view DecodeQueryPart(std::string_view in, char* buf, std::string* heap,
                                        bool* decoded) {
  *decoded = false;
  if (in.empty() || std::memchr(in.data(), '%', in.size()) == nullptr) return in;
  char* out = buf;
  if (in.size() > kDecodeBufferBytes) {
    heap->resize(in.size());
    out = heap->data();
  }
  return std::string_view(out, PercentDecodeInto(in, out, decoded));
}

// Percent-decodes one raw query pair (on the stack when it fits) and calls
// fn(key, value, decoded), `decoded` true iff either part had an escape.
template <typename Fn>
void WithDecodedQueryPair(std::string_view key, std::string_view value, Fn&& fn) {
  char key_buf[kDecodeBufferBytes];
  char value_buf[kDecodeBufferBytes];
  std::string key_heap;
  std::string value_heap;
  bool key_decoded = false;
  bool value_decoded = false;
  const std::string_view dk = DecodeQueryPart(key, key_buf, &key_heap, &key_decoded);
  const std::string_view dv = DecodeQueryPart(value, value_buf, &value_heap, &value_decoded);
  fn(dk, dv, key_decoded || value_decoded);
}

// Calls fn(key, value, decoded) for every pair of the request's query, in
// order. A raw query is split per SplitQuery (`&`-separated, the first `=`
// splits, pairs with an empty key dropped) and each part percent-decoded;
// `decoded` says whether the pair needed it (Q3). Decoded pairs of a
// Request are passed as they are (decoded = false). Linear in the query.
template <typename Fn>
void ForEachQueryPair(const RequestView& r, Fn&& fn) {
  if (!r.query_is_raw) {
    for (size_t i = 0; i < r.query.size(); ++i) fn(r.query.name(i), r.query.value(i), false);
    return;
  }
  const std::string_view raw = r.raw_query;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) amp = raw.size();
    const std::string_view pair = raw.substr(pos, amp - pos);
    pos = amp + 1;
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key.empty()) continue;  // empty pair or empty key: dropped
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    WithDecodedQueryPair(key, value, fn);
  }
}

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_REQUEST_KEYS_H_
