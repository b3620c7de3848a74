// File: src/request.cc
// Stage: request. The owning `Request`, its borrowed `RequestView`, and the
// query/header normalisation of docs/semantics.md §2.3: lower-cased, comma-joined, trimmed
// headers (H1-H3) and `&`-split, percent-decoded query strings (Q1-Q4).
#include "latticepol/request.h"

#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/request_keys.h"
#include "internal/text.h"

namespace latticepol {
namespace {

inline bool IsHeaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

std::string_view TrimHeaderValue(std::string_view v) {
  while (!v.empty() && IsHeaderSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsHeaderSpace(v.back())) v.remove_suffix(1);
  return v;
}

inline OptionalText ToOptionalText(const std::optional<std::string>& s) {
  OptionalText t;
  if (s.has_value()) {
    t.value = *s;
    t.present = true;
  }
  return t;
}

inline std::optional<std::string> FromOptionalText(const OptionalText& t) {
  if (!t.present) return std::nullopt;
  return std::string(t.value);
}

std::vector<StringPair> CopyParams(const ParamList& list) {
  std::vector<StringPair> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    out.emplace_back(std::string(list.name(i)), std::string(list.value(i)));
  }
  return out;
}

}  // namespace

bool RequestView::is_connect() const {
  return internal::EqualsIgnoreCase(action, kConnectAction);
}

void Request::AddHeader(std::string_view name, std::string_view value) {
  std::string lower = internal::AsciiLower(name);
  const std::string_view trimmed = TrimHeaderValue(value);
  for (StringPair& header : headers) {
    if (header.first.size() == lower.size() && header.first == lower) {
      header.second.push_back(',');
      header.second.append(trimmed);
      return;
    }
  }
  headers.emplace_back(std::move(lower), std::string(trimmed));
}

void Request::AppendRawQuery(std::string_view raw) {
  std::vector<StringPair> parts = SplitQuery(raw);
  if (query.empty()) {
    query = std::move(parts);
    raw_query.assign(raw.data(), raw.size());
    return;
  }
  if (!raw_query.empty() && RawQueryPairCount(raw_query) == query.size()) {
    raw_query.push_back('&');
    raw_query.append(raw.data(), raw.size());
  } else {
    raw_query.clear();  // hand-written pairs: no raw form for the whole query
  }
  query.reserve(query.size() + parts.size());
  for (StringPair& p : parts) query.push_back(std::move(p));
}

RequestView Request::view() const {
  RequestView v;
  v.action = action;
  v.method = method;
  v.path = path;
  v.query = ParamList(query);
  // The raw text, while it still splits into `query` (Q3 needs it).
  v.query_is_raw = !raw_query.empty() && RawQueryPairCount(raw_query) == query.size();
  if (v.query_is_raw) v.raw_query = raw_query;
  v.headers = ParamList(headers);
  v.source_vpc = ToOptionalText(source_vpc);
  v.source_vpc_owner_account = ToOptionalText(source_vpc_owner_account);
  v.service_arn = ToOptionalText(service_arn);
  v.service_network_arn = ToOptionalText(service_network_arn);
  v.port = port.has_value() ? *port : -1;
  v.principal = principal.has_value() ? &*principal : nullptr;
  v.resource_tags = ParamList(resource_tags);
  v.source_ip = ToOptionalText(source_ip);
  v.time = ToOptionalText(time);
  return v;
}

size_t RawQueryPairCount(std::string_view raw) {
  size_t count = 0;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) amp = raw.size();
    // A pair counts iff its key (up to the first `=`) is not empty.
    if (amp > pos && raw[pos] != '=') ++count;
    pos = amp + 1;
  }
  return count;
}

bool HasPercentEscape(std::string_view raw) {
  for (size_t i = 0; i + 2 < raw.size(); ++i) {
    if (raw[i] == '%' && internal::HexValue(raw[i + 1]) >= 0 && internal::HexValue(raw[i + 2]) >= 0) return true;
  }
  return false;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->resize(in.size());
  bool decoded = false;
  out->resize(internal::PercentDecodeInto(in, out->data(), &decoded));
  return decoded;
}

std::vector<StringPair> SplitQuery(std::string_view raw) {
  std::vector<StringPair> out;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) amp = raw.size();
    const std::string_view pair = raw.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key.empty()) continue;  // Q4: a pair with no key is dropped
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    StringPair p;
    PercentDecode(key, &p.first);
    PercentDecode(value, &p.second);
    out.push_back(std::move(p));
  }
  return out;
}

Request ToRequest(const RequestView& view) {
  Request r;
  r.action = std::string(view.action);
  r.method = std::string(view.method);
  r.path = std::string(view.path);
  r.query = view.query_is_raw ? SplitQuery(view.raw_query) : CopyParams(view.query);
  if (view.query_is_raw) r.raw_query = std::string(view.raw_query);
  r.headers = CopyParams(view.headers);
  r.source_vpc = FromOptionalText(view.source_vpc);
  r.source_vpc_owner_account = FromOptionalText(view.source_vpc_owner_account);
  r.service_arn = FromOptionalText(view.service_arn);
  r.service_network_arn = FromOptionalText(view.service_network_arn);
  if (view.port >= 0) r.port = view.port;
  if (view.principal != nullptr) r.principal = *view.principal;
  r.resource_tags = CopyParams(view.resource_tags);
  r.source_ip = FromOptionalText(view.source_ip);
  r.time = FromOptionalText(view.time);
  return r;
}

}  // namespace latticepol
