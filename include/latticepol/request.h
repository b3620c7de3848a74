// File: latticepol/request.h
// Stage: request. `Request` owns the data of one request to a Lattice service;
// `RequestView` borrows it and is what the evaluators take. Build a view once
// and evaluate it against many policies.
//
// Field semantics follow docs/semantics.md §2 (keys) and the canonical request JSON
// (see request_json.h). A field that is absent makes its condition keys absent.
#ifndef LATTICEPOL_REQUEST_H_
#define LATTICEPOL_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace latticepol {

inline constexpr std::string_view kInvokeAction = "vpc-lattice-svcs:Invoke";
inline constexpr std::string_view kConnectAction = "vpc-lattice-svcs:Connect";

using StringPair = std::pair<std::string, std::string>;
using StringViewPair = std::pair<std::string_view, std::string_view>;

// A non-owning list of (name, value) pairs over either owning or borrowed
// storage. Cheap to copy. The storage must outlive the list.
class ParamList {
 public:
  ParamList() = default;
  ParamList(const StringPair* data, size_t size)
      : data_(data), size_(size), owned_(true) {}
  ParamList(const StringViewPair* data, size_t size)
      : data_(data), size_(size), owned_(false) {}
  explicit ParamList(const std::vector<StringPair>& v)
      : ParamList(v.data(), v.size()) {}
  explicit ParamList(const std::vector<StringViewPair>& v)
      : ParamList(v.data(), v.size()) {}

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view name(size_t i) const {
    return owned_ ? std::string_view(static_cast<const StringPair*>(data_)[i].first)
                  : static_cast<const StringViewPair*>(data_)[i].first;
  }
  std::string_view value(size_t i) const {
    return owned_ ? std::string_view(static_cast<const StringPair*>(data_)[i].second)
                  : static_cast<const StringViewPair*>(data_)[i].second;
  }

 private:
  const void* data_ = nullptr;
  size_t size_ = 0;
  bool owned_ = false;
};

// The signed caller. Empty strings mean "not known" (the matching aws: key is
// absent). An anonymous caller has no Principal at all.
struct Principal {
  std::string arn;          // aws:PrincipalArn: role ARN (not the session) or user ARN
  std::string account;      // aws:PrincipalAccount
  std::string type;         // aws:PrincipalType: AssumedRole | User | FederatedUser | Account | Service
  std::string org_id;       // aws:PrincipalOrgID
  std::vector<std::string> org_paths;  // aws:PrincipalOrgPaths (multi-valued)
  std::vector<StringPair> tags;        // aws:PrincipalTag/<k>
  std::string session_arn;  // arn:aws:sts::<acct>:assumed-role/<role>/<session>

  // Empties every field but keeps the strings' and vectors' capacity, so a
  // decoder that reuses one Principal per record does not allocate again.
  void Clear() {
    arn.clear();
    account.clear();
    type.clear();
    org_id.clear();
    org_paths.clear();
    tags.clear();
    session_arn.clear();
  }
};

// A text value that may be absent. An empty but present value is
// {"", true}.
struct OptionalText {
  std::string_view value;
  bool present = false;
};

// Non-owning view of one request: the hot-path input of every evaluator.
// All borrowed storage must outlive the view.
//
// Query parameters come either raw (`raw_query`, undecoded, without the
// leading `?`; evaluators split and percent-decode it per Q1-Q4) or already
// split and decoded (`query`). Header names in `headers` must be lower-case
// and unique (repeats already joined with "," per H2, values trimmed per H3);
// `Request::view()` guarantees this.
struct RequestView {
  std::string_view action = kInvokeAction;
  std::string_view method = "GET";  // ignored (absent) for Connect
  std::string_view path = "/";      // ignored (absent) for Connect
  bool query_is_raw = false;
  std::string_view raw_query;
  ParamList query;
  ParamList headers;
  OptionalText source_vpc;
  OptionalText source_vpc_owner_account;
  OptionalText service_arn;
  OptionalText service_network_arn;
  int32_t port = -1;                     // -1 = absent
  const Principal* principal = nullptr;  // nullptr = anonymous caller
  ParamList resource_tags;
  OptionalText source_ip;  // aws:SourceIp, textual address (A4)
  OptionalText time;       // aws:CurrentTime / aws:EpochTime, ISO 8601 or epoch seconds (A5)

  bool is_connect() const;  // action is vpc-lattice-svcs:Connect (case-insensitive)
};

// An owning request. Fields are public; `view()` borrows them, so do not
// modify a Request while a view of it is in use.
struct Request {
  std::string action = std::string(kInvokeAction);
  std::string method = "GET";
  std::string path = "/";
  std::vector<StringPair> query;    // decoded, in order; repeated keys kept (Q2)
  // The query exactly as received, when it arrived as raw text (set by
  // AppendRawQuery and the request readers; empty otherwise). While `query`
  // still holds its pairs, view() hands the evaluators this text, so they can
  // report percent-decoding of a referenced pair (Q3). Clear it if you edit
  // `query` by hand.
  std::string raw_query;
  std::vector<StringPair> headers;  // lower-case unique names (use AddHeader)
  std::optional<std::string> source_vpc;
  std::optional<std::string> source_vpc_owner_account;
  std::optional<std::string> service_arn;
  std::optional<std::string> service_network_arn;
  std::optional<int32_t> port;
  std::optional<Principal> principal;  // nullopt = anonymous
  std::vector<StringPair> resource_tags;
  std::optional<std::string> source_ip;
  std::optional<std::string> time;

  // Adds a header: lower-cases the name, trims the value (H3) and joins a
  // repeated name onto the existing value with "," (H2).
  void AddHeader(std::string_view name, std::string_view value);
  // Splits and percent-decodes a raw query string (Q3, Q4) and appends its
  // parameters to `query`; keeps the text in `raw_query` when every pair of
  // `query` came from raw text.
  void AppendRawQuery(std::string_view raw);

  RequestView view() const;
};

// Splits a raw query string (no leading `?`) into decoded pairs per
// docs/semantics.md §2.3: `&`-separated; the first `=` splits key and value; `?k` and `?k=` give
// `k = ""`; a pair with an empty key is dropped; keys and values are
// percent-decoded as bytes (`+` and malformed `%` sequences stay literal).
std::vector<StringPair> SplitQuery(std::string_view raw);

// Returns how many pairs SplitQuery(raw) yields, without decoding.
size_t RawQueryPairCount(std::string_view raw);
// Returns true iff percent-decoding `raw` changes it (it has a `%XX` escape).
bool HasPercentEscape(std::string_view raw);

// Percent-decodes `in` per Q3. Returns true iff anything was decoded.
bool PercentDecode(std::string_view in, std::string* out);

// Materialises a view into an owning request (decoding a raw query).
Request ToRequest(const RequestView& view);

}  // namespace latticepol

#endif  // LATTICEPOL_REQUEST_H_
