// File: tests/unit/evaluate_general_test.cc
// Stage: evaluate (fast path, the general plan). Differential checks of the
// general plan's own structures against the reference evaluator: the
// one-pass header resolution (repeated names: the first wins, absent keys
// take the precomputed absent result, Connect requests), the compact
// statement table, lazy keys (resolved for candidate statements only) and
// their sentinels, the exact-value index, the inline IPv4 parse with
// per-atom v4 masks, the word-at-a-time newline (O2) and ARN shape (O6)
// checks (the glob sets have their own test, glob_set_test.cc). Random requests drawn from value pools with near
// misses (case variants, repeats, empty values, malformed addresses and
// ARNs, newlines) against policies of the shapes the general plan serves;
// each decision compared on kind, statement, and the uncertainty flag
// covering every reference DECISION id.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "internal/compiled_eval.h"
#include "internal/compiled_impl.h"
#include "internal/glob_set.h"
#include "internal/text.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "testing/page_end.h"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using ::latticepol::testing::MustParse;

// Headers, paths, globs with `?`, IgnoreCase, negation, IfExists, Null and
// set qualifiers on headers; Deny and Allow statements.
constexpr char kHeaderPolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestHeader/x-debug": "1"}}},
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringLike": {"vpc-lattice-svcs:RequestPath": "/admin/*"},
                   "StringNotEquals": {"vpc-lattice-svcs:RequestHeader/x-role": "admin"}}},
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringLike": {"vpc-lattice-svcs:RequestHeader/user-agent":
                                  ["*curl/7.1*", "*python-requests/1.*"]}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": ["GET", "HEAD"],
                                    "vpc-lattice-svcs:RequestHeader/x-team": "blue"},
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/api/v1/blue/*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringLike": {"vpc-lattice-svcs:RequestPath": "/reports/*/2024-??-*.csv",
                                  "vpc-lattice-svcs:RequestHeader/x-team": "*e*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestPath": "/healthz"},
                   "StringEqualsIgnoreCase": {"vpc-lattice-svcs:RequestHeader/x-probe": "kubelet"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringLike": {"vpc-lattice-svcs:RequestHeader/content-type": "application/*json*"},
                   "StringEqualsIfExists": {"vpc-lattice-svcs:RequestHeader/x-tenant": "t1"},
                   "Null": {"vpc-lattice-svcs:RequestHeader/x-forbidden": "true"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"vpc-lattice-svcs:RequestHeader/x-all": ["a", "b"]},
                   "ForAnyValue:StringLike": {"vpc-lattice-svcs:RequestHeader/x-any": "q?"},
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/any/*"}}}
  ]
})";

// Addresses, ARNs (literal head: joins the globs; wildcard account: field
// atoms) and ports.
constexpr char kTypedPolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::100000000030:role/yellow-*"},
                   "NumericEquals": {"vpc-lattice-svcs:Port": ["443", "8443"]}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/red-*"},
                   "NotIpAddress": {"aws:SourceIp": ["10.0.0.0/7", "0.0.0.0/0"]}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                   "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::100000000030:*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringLike": {"vpc-lattice-svcs:RequestPath": "/p/?"},
                   "NumericLessThanEquals": {"vpc-lattice-svcs:Port": "1024"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Connect", "Resource": "*"}
  ]
})";

// An address key of whole-octet IPv4 nets and no negated clause
// (CompiledKey::ip4_texts): with a RequestPath clause the plan is always
// uncertain, so values that start with no net's text skip the parse.
constexpr char kIp4Policy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]},
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/api/*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"IpAddressIfExists": {"aws:SourceIp": "12.0.0.0/8"},
                   "NumericLessThanEquals": {"vpc-lattice-svcs:Port": "1024"}}}
  ]
})";

// Method, path and address keys (read straight from their RequestView
// fields) on Invoke and Connect requests: on Connect, method and path are
// absent (K1), so the Null and IfExists clauses decide.
constexpr char kFieldPolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Resource": "*",
     "Action": ["vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Connect"],
     "Condition": {"StringNotEqualsIfExists": {"vpc-lattice-svcs:RequestMethod": "HEAD"},
                   "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
    {"Effect": "Allow", "Principal": "*", "Resource": "*",
     "Action": ["vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Connect"],
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "GET"},
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/api/*"}}},
    {"Effect": "Allow", "Principal": "*", "Resource": "*",
     "Action": ["vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:Connect"],
     "Condition": {"Null": {"vpc-lattice-svcs:RequestPath": "true"}}}
  ]
})";

// Principal keys (read from the caller's Principal, or the key's anonymous
// value for anonymous callers: "Anonymous" for the type, "anonymous" for the
// account, none for the ARN and the org id) and PrincipalOrgPaths (no single
// value): equality, globs, IfExists, negation and Null over present, empty
// and anonymous values.
constexpr char kPrincipalPolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-deny"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-a*"},
                   "StringEquals": {"aws:PrincipalType": "AssumedRole"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalAccount": "100000000030"},
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/api/*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"Null": {"aws:PrincipalOrgID": "true"},
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/p/?"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a*/r-1/*"},
                   "StringEquals": {"vpc-lattice-svcs:RequestMethod": "POST"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalType": ["Anonymous", "User"],
                                    "aws:PrincipalAccount": "anonymous"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/red-*"},
                   "StringNotLike": {"aws:PrincipalOrgID": "o-a*"}}}
  ]
})";

// ARN keys whose patterns all have literal fields 1..4 (whole-string globs
// and the ARN shape check O6, no field atoms; on the org id, whose
// reference lookup is certain, so only O6 can flag it), next to typed (address,
// port) and IgnoreCase keys: the single-value path's inline shape check and
// typed atoms, and its out-of-line IgnoreCase atoms.
constexpr char kArnShapePolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalOrgID": "arn:aws:iam::100000000030:role/red-*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalOrgID": ["arn:aws:iam::100000000030:role/yellow-*",
                                                    "arn:aws:sts::1:assumed-role/x/y"]},
                   "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"ArnNotLike": {"aws:PrincipalOrgID": "arn:aws:iam::100000000030:user/*"},
                   "StringEqualsIgnoreCase": {"vpc-lattice-svcs:RequestHeader/x-probe": "kubelet"},
                   "NumericGreaterThan": {"vpc-lattice-svcs:Port": "1000"}}}
  ]
})";

// A deterministic generator (splitmix64).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  uint64_t s_;
};

const std::vector<std::string> kHeaderNames = {
    "x-debug", "x-role",  "user-agent", "x-team", "x-probe", "content-type", "x-tenant",
    "x-forbidden", "x-all", "x-any", "X-Team", "x-teams", "x-tea", "other"};
const std::vector<std::string> kHeaderValues = {
    "1", "0", "admin", "viewer", "blue", "green", "red", "", "curl/7.12.0", "python-requests/1.2",
    "Go-http-client/1.1", "kubelet", "KUBELET", "kub\xc3\xa9let", "application/json",
    "application/problem+json; charset=utf-8", "text/plain", "t1", "t2", "a", "b", "c", "q1",
    "qq", "q", "a\nb", "line\n", "12345678\n", "/api/v1/blue/x"};
const std::vector<std::string> kPaths = {
    "/", "/admin/users", "/admin", "/api/v1/blue/items", "/api/v1/blue", "/reports/q/2024-01-a.csv",
    "/reports/q/2024-1-a.csv", "/reports/2024-01-.csv", "/reports/x/y/2024-\xc3\xa9\xc3\xa9-z.csv",
    "/healthz", "/any/x", "/p/x", "/p/", "/p/\xc3\xa9", "/p/xy", "/a\nb", "/api/v1/blue/\n"};
const std::vector<std::string> kIps = {
    "203.0.113.7", "203.0.113.255", "203.0.114.1", "198.51.100.7", "198.51.100.8", "10.1.2.3",
    "11.255.255.255", "12.0.0.1", "0.0.0.0", "255.255.255.255", "010.1.2.3", "256.1.1.1",
    "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4 ", "1.2.3.04", "1234.1.1.1", "::1",
    "2001:db8::1", "2001:db9::1", "::ffff:10.1.2.3", "", "a.b.c.d",
    // Starting with a net's text (kIp4Policy) without being in the net.
    "203.0.113.999", "203.0.113.", "198.51.100.70", "198.51.100.7.1", "192.168.", "::ffff:203.0.113.7"};
const std::vector<std::string> kArns = {
    "arn:aws:iam::100000000030:role/yellow-1", "arn:aws:iam::100000000030:role/yellow-",
    "arn:aws:iam::100000000030:role/red-x", "arn:aws:iam::222222222222:role/red-x",
    "arn:aws:iam::100000000030:user/yellow-1", "arn:aws:sts::1:assumed-role/x/y", "arn:aws:iam:",
    "arn:a:b:c:d", "arn:a:b:c:d:e", "arn:::::", "not-an-arn", "arn:aws:iam::1:role/yellow-\n",
    "ARN:aws:iam::100000000030:role/yellow-1", "arn:aws:iam::100000000030:role/yellow-1:x:y:z"};
const std::vector<int32_t> kPorts = {-1, 443, 8443, 80, 1024, 1025, 0};
const std::vector<std::string> kMethods = {"GET", "HEAD", "POST", "get"};

// One random request and the storage its view borrows.
struct Sample {
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<StringViewPair> header_views;
  std::string method, path, ip;
  bool has_ip = false;
  Principal principal;
  bool anonymous = false;
  int32_t port = -1;
  bool connect = false;

  RequestView View() const {
    RequestView v;
    if (connect) v.action = kConnectAction;
    v.method = method;
    v.path = path;
    v.headers = ParamList(header_views);
    v.source_ip = {ip, has_ip};
    v.port = port;
    v.principal = anonymous ? nullptr : &principal;
    return v;
  }
};

void Draw(Rng& rng, Sample* s) {
  const size_t n = rng.Below(6);
  for (size_t i = 0; i < n; ++i) {
    // Repeated names are kept (a view that breaks the uniqueness contract
    // must still decide like the reference: the first header wins).
    s->headers.emplace_back(rng.Pick(kHeaderNames), rng.Pick(kHeaderValues));
  }
  for (const auto& h : s->headers) s->header_views.emplace_back(h.first, h.second);
  s->method = rng.Pick(kMethods);
  s->path = rng.Pick(kPaths);
  s->has_ip = rng.Below(8) != 0;
  s->ip = rng.Pick(kIps);
  s->anonymous = rng.Below(4) == 0;
  s->principal.arn = rng.Pick(kArns);
  s->principal.account = "100000000030";
  s->port = rng.Pick(kPorts);
  s->connect = rng.Below(16) == 0;
  // Principal fields beyond the ARN: present, empty (absent), near misses.
  static const std::vector<std::string> kOrgIds = {
      "", "o-deny", "o-abc", "o-a", "o-", "O-abc", "o-b",
      // ARN-shaped and near-ARN values (kArnShapePolicy's ArnLike clauses).
      "arn:aws:iam::100000000030:role/red-1", "arn:aws:iam::100000000030:role/yellow-2",
      "arn:aws:iam::100000000030:user/u", "arn:aws:sts::1:assumed-role/x/y", "arn:aws:iam:",
      "arn:aws:iam::100000000030:role/yellow-\n"};
  static const std::vector<std::string> kTypes = {"", "AssumedRole", "User", "Anonymous",
                                                  "assumedrole"};
  static const std::vector<std::string> kAccounts = {"100000000030", "", "anonymous",
                                                     "100000000031"};
  static const std::vector<std::string> kOrgPaths = {"o-abc/r-1/ou-x", "o-abc/r-2/", "o-b/r-1/x",
                                                     "", "o-a/r-1/"};
  s->principal.org_id = rng.Pick(kOrgIds);
  s->principal.type = rng.Pick(kTypes);
  if (rng.Below(2) == 0) s->principal.account = rng.Pick(kAccounts);
  for (size_t i = rng.Below(3); i > 0; --i) s->principal.org_paths.push_back(rng.Pick(kOrgPaths));
}

std::string Describe(const Decision& d) {
  return std::string(DecisionName(d.kind)) + " statement=" + std::to_string(d.statement) +
         " uncertain=" + std::to_string(d.uncertain);
}

// Parses a test policy written over several lines (Lattice rejects
// policies with newlines: they are dropped first).
PolicyDocument ParseOneLine(const char* json, const ParseOptions& options = {}) {
  std::string one_line;
  for (const char* p = json; *p != 0; ++p) {
    if (*p != '\n') one_line.push_back(*p);
  }
  return MustParse(one_line, options);
}

// `doc` compiled, for tests that look at its plan. ok() is false (and the
// test has failed) when it does not compile; policy() and plan() require
// ok().
class CompiledPlan {
 public:
  explicit CompiledPlan(const PolicyDocument& doc) : compiled_(Compile(doc)) {
    EXPECT_TRUE(compiled_.ok()) << compiled_.status();
  }
  bool ok() const { return compiled_.ok(); }
  const CompiledPolicy& policy() const { return **compiled_; }
  const CompiledPolicy::Impl& plan() const {
    return internal::CompiledPolicyAccess::Plan(**compiled_);
  }

 private:
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled_;
};

// Compares the compiled matcher with the reference on `count` random
// requests; returns the number of each decision kind seen.
std::vector<int> CheckAgainstReference(const char* json, uint64_t seed, int count,
                                       const ParseOptions& options = {}) {
  const PolicyDocument doc = ParseOneLine(json, options);
  const CompiledPlan compiled(doc);
  std::vector<int> kinds(3, 0);
  if (!compiled.ok()) return kinds;
  Rng rng(seed);
  int failures = 0;
  for (int i = 0; i < count && failures < 5; ++i) {
    Sample s;
    Draw(rng, &s);
    const RequestView view = s.View();
    const Decision ref = EvaluateReference(doc, view).decision;
    const Decision fast = Evaluate(compiled.policy(), view);
    ++kinds[static_cast<int>(ref.kind)];
    const bool same = ref.kind == fast.kind && ref.statement == fast.statement &&
                      (ref.uncertain == 0 || fast.uncertain != 0);
    if (!same) {
      ++failures;
      std::string headers;
      for (const auto& h : s.headers) headers += h.first + "=" + h.second + "; ";
      ADD_FAILURE() << "request " << i << ": method=" << s.method << " path=" << s.path
                    << " ip=" << (s.has_ip ? s.ip : "(absent)") << " port=" << s.port
                    << " arn=" << (s.anonymous ? "(anonymous)" : s.principal.arn)
                    << " connect=" << s.connect << " headers: " << headers
                    << "\n  reference: " << Describe(ref) << "\n  compiled:  " << Describe(fast);
    }
  }
  return kinds;
}

// Every outcome must occur in a differential run, or agreement proves
// little: more than `min_allow` allows and 400 explicit and implicit denials.
void ExpectEveryOutcome(const std::vector<int>& kinds, int min_allow = 400) {
  EXPECT_GT(kinds[static_cast<int>(DecisionKind::kAllow)], min_allow);
  EXPECT_GT(kinds[static_cast<int>(DecisionKind::kExplicitDeny)], 400);
  EXPECT_GT(kinds[static_cast<int>(DecisionKind::kImplicitDeny)], 400);
}

TEST(EvaluateGeneralTest, HeaderKeysAgreeWithReference) {
  const std::vector<int> kinds = CheckAgainstReference(kHeaderPolicy, 15, 40000);
  ExpectEveryOutcome(kinds);
}

TEST(EvaluateGeneralTest, AddressArnAndPortKeysAgreeWithReference) {
  const std::vector<int> kinds = CheckAgainstReference(kTypedPolicy, 16, 40000);
  ExpectEveryOutcome(kinds);
}

// kIp4Policy's address key takes the text filter (its texts are the nets'
// octets) and agrees with the reference, with the plan always uncertain
// (the filter in use) and without the RequestPath clause (never in use:
// the flag is clear, so every value is parsed for T2).
TEST(EvaluateGeneralTest, Ip4TextFilterAgreesWithReference) {
  const CompiledPlan compiled(ParseOneLine(kIp4Policy));
  ASSERT_TRUE(compiled.ok());
  const CompiledPolicy::Impl& plan = compiled.plan();
  std::vector<std::string> texts;
  for (const internal::CompiledKey& k : plan.keys) {
    if (k.key.kind == KeyKind::kSourceIp) texts = k.ip4_texts;
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"203.0.113.", "198.51.100.7", "10.", "192.168.",
                                             "12."}));
  EXPECT_TRUE(plan.static_uncertain);
  ExpectEveryOutcome(CheckAgainstReference(kIp4Policy, 23, 40000), 200);
  std::string without_path = kIp4Policy;
  const std::string path_clause =
      R"(,
                   "StringLike": {"vpc-lattice-svcs:RequestPath": "/api/*"})";
  const size_t at = without_path.find(path_clause);
  ASSERT_NE(at, std::string::npos);
  without_path.erase(at, path_clause.size());
  ExpectEveryOutcome(CheckAgainstReference(without_path.c_str(), 24, 40000), 200);
}

TEST(EvaluateGeneralTest, FieldKeysAgreeWithReferenceOnConnect) {
  const std::vector<int> kinds = CheckAgainstReference(kFieldPolicy, 21, 40000);
  ExpectEveryOutcome(kinds);
}

// Principal keys read through the general plan's per-key records (the
// caller's field, the anonymous value, empty values as absent) and
// PrincipalOrgPaths, on Invoke and Connect requests.
TEST(EvaluateGeneralTest, PrincipalKeysAgreeWithReference) {
  const std::vector<int> kinds = CheckAgainstReference(kPrincipalPolicy, 24, 40000);
  ExpectEveryOutcome(kinds);
}

// Literal-head ARN patterns only: a malformed caller ARN must still flag
// the decision (O6) although no field atom splits it.
TEST(EvaluateGeneralTest, ArnShapeOnlyKeysAgreeWithReference) {
  const std::vector<int> kinds = CheckAgainstReference(kArnShapePolicy, 25, 40000);
  ExpectEveryOutcome(kinds, /*min_allow=*/200);
}

// The action test: kInvokeAction itself (RequestView's default, decided by
// its address), a copy of it (decided by its bytes), a prefix of it at the
// same address and a near miss of the same size (neither is Invoke), and
// Connect, each against the reference on a general-plan policy.
TEST(EvaluateGeneralTest, ActionByAddressAndByBytes) {
  std::string one_line;
  for (const char* p = kHeaderPolicy; *p != 0; ++p) {
    if (*p != '\n') one_line.push_back(*p);
  }
  const PolicyDocument doc = MustParse(one_line);
  auto compiled = Compile(doc);
  ASSERT_TRUE(compiled.ok());
  const std::string copy(kInvokeAction);
  std::string near_miss(kInvokeAction);
  near_miss.back() ^= 1;
  const std::vector<std::string_view> actions = {
      kInvokeAction, copy, kInvokeAction.substr(0, kInvokeAction.size() - 1), near_miss,
      kConnectAction};
  const std::vector<std::pair<std::string, std::string>> headers = {{"x-team", "blue"}};
  std::vector<StringViewPair> header_views;
  for (const auto& h : headers) header_views.emplace_back(h.first, h.second);
  int allowed = 0;
  for (std::string_view action : actions) {
    RequestView v;
    v.action = action;
    v.method = "GET";
    v.path = "/api/v1/blue/x";
    v.headers = ParamList(header_views);
    const Decision ref = EvaluateReference(doc, v).decision;
    const Decision fast = Evaluate(**compiled, v);
    EXPECT_EQ(ref.kind, fast.kind) << action;
    EXPECT_EQ(ref.statement, fast.statement) << action;
    allowed += fast.allowed() ? 1 : 0;
  }
  EXPECT_EQ(allowed, 2);  // kInvokeAction and its copy only
}

// Policies of the general plan over query keys (the query tests below):
// plain, negated and ForAnyValue clauses on `q` and `debug`; deferred keys'
// absent results (negated and Null clauses, an unknown key); a key that
// starts with a non-ASCII letter; keys that share a first byte.
constexpr const char* kQueryPolicies[] = {
    R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals":
                       {"vpc-lattice-svcs:RequestQueryString/debug": ["true", "1"]}}},
        {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestQueryString/q": "blue"},
                       "StringLike": {"vpc-lattice-svcs:RequestHeader/x-team": "b*"}}}]})",
    // Deferred keys' absent results (precomputed when no query key got a
    // value): negated and Null clauses on query keys and an unknown key.
    R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringNotEquals": {"vpc-lattice-svcs:RequestQueryString/q": "blue"},
                       "Null": {"vpc-lattice-svcs:RequestQueryString/debug": "true"},
                       "StringEquals": {"vpc-lattice-svcs:RequestHeader/x-team": "red"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringNotEqualsIfExists": {"vpc-lattice-svcs:RequestQueryString/sort": "a"},
                       "Null": {"aws:NoSuchKey": "true"},
                       "StringLike": {"vpc-lattice-svcs:RequestHeader/x-team": "b*"}}}]})",
    R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringLike": {"vpc-lattice-svcs:RequestQueryString/\u017fort": "a*",
                                      "vpc-lattice-svcs:RequestHeader/x-team": "b*"}}}]})",
    // Keys that share a first byte (`q`, `qq`: every key compared) next to
    // one that does not (`d`: the one key of its byte).
    R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestQueryString/qq": "1"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestQueryString/q": "blue"},
                       "StringLike": {"vpc-lattice-svcs:RequestQueryString/debug": "t*",
                                      "vpc-lattice-svcs:RequestHeader/x-team": "b*"}}}]})"};

// kQueryPolicies[i], parsed (its line breaks dropped).
PolicyDocument QueryPolicy(size_t i) {
  std::string one_line;
  for (const char* p = kQueryPolicies[i]; *p != 0; ++p) {
    if (*p != '\n') one_line.push_back(*p);
  }
  return MustParse(one_line);
}

// A request with an x-team header and a raw query (not copyable: the view
// points into `headers`).
struct QueryRequest {
  QueryRequest(const char* team, std::string_view raw) : headers{{"x-team", team}} {
    view.headers = ParamList(headers);
    view.query_is_raw = true;
    view.raw_query = raw;
  }
  QueryRequest(const QueryRequest&) = delete;
  QueryRequest& operator=(const QueryRequest&) = delete;
  std::vector<StringViewPair> headers;
  RequestView view;
};

// Evaluate's decision on `v`, checked against the reference's (kind,
// statement, and the flag covering every reference DECISION id).
Decision AgreesWithReference(const PolicyDocument& doc, const CompiledPolicy& policy,
                             const RequestView& v, const char* team) {
  const Decision ref = EvaluateReference(doc, v).decision;
  const Decision fast = Evaluate(policy, v);
  EXPECT_EQ(ref.kind, fast.kind) << "`" << v.raw_query << "` " << team;
  EXPECT_EQ(ref.statement, fast.statement) << "`" << v.raw_query << "` " << team;
  EXPECT_TRUE(ref.uncertain == 0 || fast.uncertain != 0) << "`" << v.raw_query << "` " << team;
  return fast;
}

// The raw query scan's first-byte filter (Impl::query_first): pairs that
// cannot be a referenced key, a case variant (Q1) or an encoding (Q3) of
// one are skipped unparsed; everything else is parsed as before. Near
// misses on both sides of the filter: case variants, encoded keys and
// values, empty pairs, keys and values, repeats (Q2), keys that only share
// a first byte, `%` in a skipped pair, non-ASCII keys; and a policy whose
// query key starts with a non-ASCII letter that folds to an ASCII one
// (`ſ` folds to `s`), where the filter must let every pair through. Also the
// deferred keys' precomputed absent results (no query key got a value).
TEST(EvaluateGeneralTest, RawQueryFirstByteFilterAgreesWithReference) {
  const std::vector<std::string> queries = {
      "", "q=blue", "Q=blue", "%71=blue", "q=%62lue", "&&q=blue&", "=x&q=blue", "z=%41&q=blue",
      "q=blue&q=red", "q=", "q", "debug=1", "DEBUG=1", "Debug=true&q=blue", "xq=blue", "qq=blue",
      "\xc3\xa9=1&q=blue", "sort=a", "SORT=ab", "\xc5\xbfort=a", "%C5%BFort=a", "s=1&sort=a",
      "a=b&&", "&", "==", "q=blue&debug=true", "d=1&q=blue", "dq=1&q=blue"};
  int checked = 0;
  for (size_t i = 0; i < std::size(kQueryPolicies); ++i) {
    const bool unknown_key = i == 1;  // aws:NoSuchKey: always uncertain (K2)
    const PolicyDocument doc = QueryPolicy(i);
    auto compiled = Compile(doc);
    ASSERT_TRUE(compiled.ok());
    // No other key of these policies is uncertain by itself (no
    // RequestPath: K1 always), so the query's own ids (Q1-Q4) decide the flag.
    int flagged = 0;
    for (const std::string& raw : queries) {
      for (const char* team : {"blue", "red"}) {
        const QueryRequest request(team, raw);
        const Decision fast = AgreesWithReference(doc, **compiled, request.view, team);
        flagged += fast.uncertain != 0;
        ++checked;
      }
    }
    EXPECT_GT(flagged, 0);
    if (!unknown_key) {
      EXPECT_LT(flagged, 2 * 28);  // not uncertain whatever the query
    }
  }
  EXPECT_EQ(checked, static_cast<int>(std::size(kQueryPolicies)) * 2 * 28);
}

// Raw queries of at most 16 bytes without `%` are split from one vector
// load, which may extend past the text but never into the next page: every
// query built from up to three pairs (referenced keys and case variants,
// repeats, empty keys, values and pairs, `=` in values, encoded pairs that
// take the byte loop) and every prefix of it decides as the reference does,
// and a copy placed to end exactly at an unmapped page decides identically
// (and does not fault).
TEST(EvaluateGeneralTest, ShortRawQueriesAgreeWithReferenceUpToAPageEnd) {
#if defined(__linux__)
  testing::PageEnd page_end;
  ASSERT_TRUE(page_end.ok());
  const std::vector<std::string> pieces = {
      "q=blue", "q=red", "Q=blue", "q", "q=", "=x", "", "debug=1", "debug=true", "d=1",
      "q=b=c", "qq=1", "a=b", "%71=blue", "q=bl%75e", "debug=t", "qqq=1", "\xc5\xbfort=ab",
      "debuq=true", "dEBUG=1"};
  std::vector<std::string> queries;
  for (const std::string& a : pieces) {
    for (const std::string& b : pieces) {
      for (const std::string& c : {std::string(), std::string("q=blue"), std::string("&")}) {
        std::string q = a + "&" + b;
        if (!c.empty()) q += (c == "&" ? "" : "&") + c;
        // The query and its prefixes: every size from 0 to the whole.
        for (size_t n = 0; n <= q.size(); ++n) queries.push_back(q.substr(0, n));
      }
    }
  }
  std::sort(queries.begin(), queries.end());
  queries.erase(std::unique(queries.begin(), queries.end()), queries.end());
  size_t short_plain = 0;
  for (size_t i = 0; i < std::size(kQueryPolicies); ++i) {
    const PolicyDocument doc = QueryPolicy(i);
    auto compiled = Compile(doc);
    ASSERT_TRUE(compiled.ok());
    ASSERT_NE((*compiled)->DebugString().find("evaluator: general"), std::string::npos);
    int allowed = 0;
    int denied = 0;
    for (const std::string& raw : queries) {
      short_plain += i == 0 && raw.size() <= 16 && raw.find('%') == std::string::npos;
      for (const char* team : {"blue", "red"}) {
        const QueryRequest request(team, raw);
        const Decision fast = AgreesWithReference(doc, **compiled, request.view, team);
        ASSERT_FALSE(::testing::Test::HasFailure()) << "`" << raw << "` " << team;
        allowed += fast.kind == DecisionKind::kAllow;
        denied += fast.kind == DecisionKind::kExplicitDeny;
        const QueryRequest at_end(team, page_end.Place(raw));
        const Decision edge = Evaluate(**compiled, at_end.view);
        ASSERT_EQ(fast.kind, edge.kind) << "`" << raw << "` " << team;
        ASSERT_EQ(fast.statement, edge.statement) << "`" << raw << "` " << team;
        ASSERT_EQ(fast.uncertain, edge.uncertain) << "`" << raw << "` " << team;
      }
    }
    // Each policy allows some of these queries; those with a Deny
    // statement deny some.
    EXPECT_GT(allowed, 0) << i;
    const bool has_deny = std::any_of(doc.statements.begin(), doc.statements.end(),
                                      [](const Statement& st) { return st.effect == Effect::kDeny; });
    EXPECT_EQ(denied > 0, has_deny) << i;
  }
  EXPECT_GT(short_plain, 1000u);  // queries the vector split handles (first policy)
#else
  GTEST_SKIP() << "needs mmap/mprotect";
#endif
}

// The benchmark policies (the general plan's reason to exist) on the same
// random requests.
TEST(EvaluateGeneralTest, BenchPoliciesAgreeWithReference) {
  for (const char* name : {"twenty-statements.json", "ten-thousand-chars.json"}) {
    SCOPED_TRACE(name);
    std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/bench/" + name);
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    CheckAgainstReference(text.str().c_str(), 17, 20000);
  }
}

// Lazy keys (Impl::lazy) on a policy without RequestPath, so the
// uncertainty flag starts clear: every statement's sentinel (its key with
// the most values) is an exact key, and its other keys are lazy, resolved
// only for candidate statements, or while the flag is clear when they
// could raise it (newlines under StringLike: O2, non-ASCII under
// IgnoreCase: O1, malformed ARNs: O6).
constexpr char kLazyPolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestHeader/x-debug": "1"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod":
                                    ["GET", "HEAD", "PUT", "DELETE", "PATCH"]},
                   "StringLike": {"vpc-lattice-svcs:RequestHeader/user-agent": "*curl/7.1*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestHeader/x-team":
                                    ["blue", "green", "red", "t1", "t2", "c"]},
                   "StringEqualsIgnoreCase": {"vpc-lattice-svcs:RequestHeader/x-probe": "kubelet"},
                   "StringNotLike": {"vpc-lattice-svcs:RequestHeader/x-tenant": "t?"}}},
    {"Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"NumericEquals": {"vpc-lattice-svcs:Port": ["80", "1024", "1025", "0", "7", "9"]},
                   "StringLike": {"vpc-lattice-svcs:RequestHeader/content-type": "application/*json*"}}},
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalType":
                                    ["AssumedRole", "User", "Anonymous", "x", "y", "z", "w"]},
                   "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/red-*"}}}
  ]
})";

TEST(EvaluateGeneralTest, LazyKeysAgreeWithReference) {
  const CompiledPlan compiled(ParseOneLine(kLazyPolicy));
  ASSERT_TRUE(compiled.ok());
  const CompiledPolicy::Impl& plan = compiled.plan();
  ASSERT_TRUE(plan.lazy);
  EXPECT_FALSE(plan.static_uncertain);
  // user-agent, x-probe, x-tenant, content-type and PrincipalArn are lazy
  // and loud; the sentinels (method, x-debug, x-team, port, type) eager.
  EXPECT_EQ(__builtin_popcountll(plan.lazy_keys), 5);
  EXPECT_EQ(plan.lazy_loud, plan.lazy_keys);
  const std::vector<int> kinds = CheckAgainstReference(kLazyPolicy, 27, 40000);
  ExpectEveryOutcome(kinds);
}

// Lazy header keys on Connect requests: headers are absent there (K1)
// however the request carries them, so a lazy header key found only when a
// candidate statement needs it must still read as absent. Both statements
// apply to every action; their sentinels (PrincipalType, Port) have the
// most values, so x-team and x-role are lazy.
constexpr char kLazyConnectPolicy[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
     "Condition": {"NumericEquals": {"vpc-lattice-svcs:Port":
                                     ["443", "8443", "80", "0", "1024", "1", "2"]},
                   "StringEquals": {"vpc-lattice-svcs:RequestHeader/x-role":
                                    ["admin", "viewer", "blue", "red", "1", "0"]}}},
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalType": ["AssumedRole", "User", "Anonymous", "x"]},
                   "StringEqualsIfExists": {"vpc-lattice-svcs:RequestHeader/x-team": "blue"}}}
  ]
})";

TEST(EvaluateGeneralTest, LazyHeaderKeysAbsentOnConnect) {
  const CompiledPlan compiled(ParseOneLine(kLazyConnectPolicy));
  ASSERT_TRUE(compiled.ok());
  const CompiledPolicy::Impl& plan = compiled.plan();
  ASSERT_TRUE(plan.lazy);
  EXPECT_EQ(plan.eager_header_slots, 0u);
  int lazy_headers = 0;  // x-team and x-role, resolved from their headers
  for (uint64_t m = plan.lazy_keys; m != 0; m &= m - 1) {
    const auto& step = plan.lazy_steps[__builtin_ctzll(m)];
    lazy_headers += step.kind == CompiledPolicy::Impl::LazyStep::kHeader ? 1 : 0;
  }
  EXPECT_EQ(lazy_headers, 2);
  ExpectEveryOutcome(CheckAgainstReference(kLazyConnectPolicy, 28, 40000));
}

// Sentinels prefer a rarely true clause on a query key (resolved for every
// request anyway): in the Twenty bench policy AllowBlue and AllowGreen
// (method, `q`, account) key on `q`, so the account, which no other
// statement picks, stays lazy; the path, the sentinel of most statements,
// does not.
TEST(EvaluateGeneralTest, SentinelsPreferQueryKeys) {
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/bench/twenty-statements.json");
  std::stringstream text;
  text << in.rdbuf();
  const CompiledPlan compiled(MustParse(text.str()));
  ASSERT_TRUE(compiled.ok());
  const CompiledPolicy::Impl& plan = compiled.plan();
  ASSERT_TRUE(plan.lazy);
  int checked = 0;
  for (uint32_t kid = 0; kid < plan.keys.size(); ++kid) {
    const KeyKind kind = plan.keys[kid].key.kind;
    const bool lazy = ((plan.lazy_keys >> kid) & 1) != 0;
    if (kind == KeyKind::kSourceVpcOwnerAccount) {
      EXPECT_TRUE(lazy);
      ++checked;
    } else if (kind == KeyKind::kRequestPath || kind == KeyKind::kRequestQueryString) {
      EXPECT_FALSE(lazy);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 4);  // the account, the path, `debug` and `q`
}

// More than 64 statements: the statement pick scans the whole compact table
// instead of filtering by sentinel clauses (two words of clause bits).
TEST(EvaluateGeneralTest, ManyStatementsAgreeWithReference) {
  std::string json = R"({"Version": "2012-10-17", "Statement": [)";
  int n = 0;
  for (int i = 0; n < 70; ++i) {
    const std::string& team = kHeaderValues[i % kHeaderValues.size()];
    const std::string& path = kPaths[(i / 3) % kPaths.size()];
    if (team.find('\n') != std::string::npos || path.find('\n') != std::string::npos) continue;
    json += std::string(n ? "," : "") + R"({"Effect": ")" + (n % 10 == 3 ? "Deny" : "Allow") +
            R"(", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",)" +
            R"( "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestHeader/x-team": ")" + team +
            R"("}, "StringLike": {"vpc-lattice-svcs:RequestPath": ")" + path + R"("}}})";
    ++n;
  }
  json += "]}";
  ParseOptions lenient;
  lenient.strict = false;  // past Lattice's size limit
  const std::vector<int> kinds = CheckAgainstReference(json.c_str(), 20, 20000, lenient);
  EXPECT_GT(kinds[static_cast<int>(DecisionKind::kAllow)], 200);
  EXPECT_GT(kinds[static_cast<int>(DecisionKind::kExplicitDeny)], 20);
}

// Each size of the general plan runs its own instantiation (Compile's
// choice, Impl::general): one word, two, three or four, and past four
// words. Every statement has one StringLike clause (so the plan is the
// general one), on one of eight header keys, so clauses land in every word
// of the plan; requests name one statement's header and a value it matches
// (an Allow, or a Deny for every fifth), a value no statement matches, or no
// header.
TEST(EvaluateGeneralTest, EveryWordCountAgreesWithReference) {
  for (const int statements : {40, 100, 200}) {
    SCOPED_TRACE(statements);
    std::string json = R"({"Version": "2012-10-17", "Statement": [)";
    for (int i = 0; i < statements; ++i) {
      json += std::string(i ? "," : "") + R"({"Effect": ")" + (i % 5 == 4 ? "Deny" : "Allow") +
              R"(", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",)" +
              R"( "Condition": {"StringLike": {"vpc-lattice-svcs:RequestHeader/x-h)" +
              std::to_string(i % 8) + R"(": "v)" + std::to_string(i) + R"(-*"}}})";
    }
    json += "]}";
    ParseOptions lenient;
    lenient.strict = false;  // past Lattice's size limit
    const PolicyDocument doc = ParseOneLine(json.c_str(), lenient);
    const CompiledPlan compiled(doc);
    ASSERT_TRUE(compiled.ok());
    const CompiledPolicy::Impl& im = compiled.plan();
    ASSERT_FALSE(im.eq.enabled || im.simple.enabled);  // the general plan
    EXPECT_EQ(im.total_words, static_cast<uint32_t>((statements + 63) / 64));
    EXPECT_NE(im.general, &internal::EvaluateGeneral);  // set by Compile
    Rng rng(static_cast<uint64_t>(statements));
    int kinds[3] = {0, 0, 0};
    for (int n = 0; n < 2000; ++n) {
      const int i = static_cast<int>(rng.Below(static_cast<uint64_t>(statements)));
      Sample sample;
      sample.method = "GET";
      sample.path = "/";
      sample.port = 443;
      sample.principal.arn = "arn:aws:iam::100000000030:role/blue";
      sample.principal.account = "100000000030";
      const uint64_t shape = rng.Below(8);
      if (shape != 0) {
        sample.headers.emplace_back("x-h" + std::to_string(i % 8),
                                    shape == 1 ? "v-none" : "v" + std::to_string(i) + "-x");
      }
      for (const auto& h : sample.headers) sample.header_views.emplace_back(h.first, h.second);
      const RequestView view = sample.View();
      const Decision ref = EvaluateReference(doc, view).decision;
      const Decision fast = Evaluate(compiled.policy(), view);
      ++kinds[static_cast<int>(ref.kind)];
      ASSERT_TRUE(ref.kind == fast.kind && ref.statement == fast.statement)
          << "statement " << i << " shape " << shape << "\n  reference: " << Describe(ref)
          << "\n  compiled:  " << Describe(fast);
    }
    EXPECT_GT(kinds[static_cast<int>(DecisionKind::kAllow)], 1000);
    EXPECT_GT(kinds[static_cast<int>(DecisionKind::kExplicitDeny)], 200);
    EXPECT_GT(kinds[static_cast<int>(DecisionKind::kImplicitDeny)], 200);
  }
}

// Random texts over a small alphabet, so that sizes, heads and tails
// collide often (ExactIndexAgreesWithExactTable).
std::string RandomText(Rng& rng, size_t max_len) {
  static const char kAlphabet[] = "ab:\n\xc3\xa9\0";
  std::string s(rng.Below(max_len + 1), 'a');
  for (char& c : s) c = kAlphabet[rng.Below(sizeof(kAlphabet) - 1)];
  return s;
}

// The inline IPv4 parse accepts exactly the dotted quads ParseIp reads as
// IPv4, with the same address: every string of up to 16 bytes over digits,
// dots and a few others (random, then near the accepted forms).
TEST(EvaluateGeneralTest, ParseIp4FastAgreesWithParseIp) {
  Rng rng(31);
  const std::string alphabet = "0123456789.....x /:";
  int accepted = 0;
  for (int round = 0; round < 400000; ++round) {
    std::string text;
    if (round % 2 == 0) {
      const size_t n = rng.Below(17);
      for (size_t i = 0; i < n; ++i) text.push_back(alphabet[rng.Below(alphabet.size())]);
    } else {
      for (int part = 0; part < 4; ++part) {
        if (part > 0) text.push_back('.');
        text += std::to_string(rng.Below(rng.Below(2) == 0 ? 300 : 10));
      }
      if (rng.Below(4) == 0) text.insert(rng.Below(text.size() + 1), 1, "0.9x"[rng.Below(4)]);
    }
    internal::IpNet net;
    const bool want = internal::ParseIp(text, &net) && !net.v6;
    uint32_t got = 0;
    const bool fast = internal::ParseIp4Fast(text, &got);
    ASSERT_EQ(want, fast) << "`" << text << "`";
    if (!fast) continue;
    ++accepted;
    const uint32_t expected = (uint32_t{net.bytes[0]} << 24) | (uint32_t{net.bytes[1]} << 16) |
                              (uint32_t{net.bytes[2]} << 8) | net.bytes[3];
    ASSERT_EQ(expected, got) << "`" << text << "`";
  }
  EXPECT_GT(accepted, 50000);
}

// ExactIndex (the general plan's exact lookup) finds exactly what the
// ExactTable it indexes finds, on members and near misses, in each of its
// forms. Three kinds of table: up to 40 random texts over a small alphabet
// (sizes, heads and tails collide often: collision-free on the summary,
// or on whole values when two entries share size, head and tail); texts
// that share size, head and tail, told apart only by their middle bytes
// (collision-free on whole values); and more than ExactIndex::kPerfectMax
// account-like texts (probed).
TEST(EvaluateGeneralTest, ExactIndexAgreesWithExactTable) {
  Rng rng(18);
  int perfect = 0;
  int middle = 0;
  int probed = 0;
  for (int round = 0; round < 270; ++round) {
    const int kind = round < 250 ? 0 : round < 260 ? 1 : 2;
    auto text = [&] {
      if (kind == 0) return RandomText(rng, 24);
      if (kind == 1) return "acct-" + std::to_string(100000000000 + rng.Below(1000));
      std::string middle = RandomText(rng, 4);
      middle.resize(4, 'a');  // the same size: only the middle differs
      return "aaaaaaaa" + middle + "bbbbbbbb";
    };
    internal::ExactTable table;
    internal::MaskRef next = 0;
    const size_t entries = kind == 1 ? 300 + rng.Below(200) : kind == 2 ? 2 + rng.Below(38)
                                                                        : rng.Below(40);
    std::vector<std::string> members;
    for (size_t i = 0; i < entries; ++i) {
      members.push_back(text());
      table.Intern(members.back(), [&] { return next++; });
    }
    internal::ExactIndex index;
    index.Build(table, [](internal::MaskRef mask, internal::ExactHit* hit) {
      hit->word = uint64_t{mask} * 3;
      hit->bits = ~uint64_t{mask};
    });
    if (index.perfect()) {
      ++perfect;
    } else if (index.probed()) {
      ++probed;
    } else {
      ++middle;
    }
    if (kind == 1) {
      EXPECT_TRUE(index.probed());  // above kPerfectMax
    }
    if (kind == 2 && table.size() >= 2) {
      EXPECT_TRUE(index.mixes_middle() && !index.probed());  // collision-free on whole values
    }
    for (int probe = 0; probe < 200; ++probe) {
      std::string v = rng.Below(2) == 0 && !members.empty() ? rng.Pick(members) : text();
      if (rng.Below(4) == 0 && !v.empty()) v[rng.Below(v.size())] ^= 1;  // near miss
      const internal::MaskRef* want = table.Find(v);
      const internal::ExactHit* got = index.Find(v);
      ASSERT_EQ(want == nullptr, got == nullptr) << "value size " << v.size();
      if (want != nullptr) {
        EXPECT_EQ(*want, got->mask);
        EXPECT_EQ(uint64_t{*want} * 3, got->word);
        EXPECT_EQ(~uint64_t{*want}, got->bits);
      }
    }
  }
  // Every form was exercised, collision-free on the summary the most.
  EXPECT_GT(perfect, 200);
  EXPECT_GE(middle, 10);  // the ten tables of kind 2 at least
  EXPECT_EQ(probed, 10);
  // An index never built finds nothing.
  EXPECT_EQ(internal::ExactIndex().Find("x"), nullptr);
  EXPECT_EQ(internal::ExactIndex().Find(""), nullptr);
}

// Many glob patterns on one key, shared between statements (past the
// compiler's linear scan, where it interns them through a hash map): each
// distinct pattern is compiled once, and every statement still gets its
// clause bit on the shared ones, so decisions agree with the reference.
TEST(EvaluateGeneralTest, SharedGlobPatternsInternedOnce) {
  auto patterns = [](int from, int to) {
    std::string list;
    for (int i = from; i < to; ++i) {
      list += (i > from ? ", " : "") + std::string("\"/p") + std::to_string(i) + "/*\"";
    }
    return list;
  };
  auto statement = [](const char* effect, const std::string& list) {
    return std::string(R"({"Effect": ")") + effect +
           R"(", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",)" +
           R"( "Condition": {"StringLike": {"vpc-lattice-svcs:RequestPath": [)" + list + "]}}}";
  };
  // Allow /p0..59, Allow /p40..99 (20 shared), Deny /p50..54: 100 distinct.
  const std::string json = R"({"Version": "2012-10-17", "Statement": [)" +
                           statement("Allow", patterns(0, 60)) + ", " +
                           statement("Allow", patterns(40, 100)) + ", " +
                           statement("Deny", patterns(50, 55)) + "]}";
  ParseOptions lenient;
  lenient.strict = false;
  const PolicyDocument doc = ParseOneLine(json.c_str(), lenient);
  const CompiledPlan compiled(doc);
  ASSERT_TRUE(compiled.ok());
  const CompiledPolicy::Impl& plan = compiled.plan();
  ASSERT_EQ(plan.keys.size(), 1u);
  EXPECT_EQ(plan.keys[0].globs.size(), 100u);
  int allowed = 0;
  int denied = 0;
  for (int i = 0; i < 110; ++i) {
    RequestView view;
    const std::string path = "/p" + std::to_string(i) + "/x";
    view.path = path;
    const Decision ref = EvaluateReference(doc, view).decision;
    const Decision fast = Evaluate(compiled.policy(), view);
    EXPECT_EQ(ref.kind, fast.kind) << path;
    EXPECT_EQ(ref.statement, fast.statement) << path;
    allowed += fast.kind == DecisionKind::kAllow;
    denied += fast.kind == DecisionKind::kExplicitDeny;
  }
  EXPECT_EQ(allowed, 95);  // /p0..99 but the five denied
  EXPECT_EQ(denied, 5);
}

// ExactTable interns in linear time: a value already interned is found
// (below and above kLinearMax entries, where it switches to its hash map)
// and keeps its first mask.
TEST(EvaluateGeneralTest, ExactTableInternsEachValueOnce) {
  internal::ExactTable table;
  internal::MaskRef next = 0;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      const internal::MaskRef m = table.Intern("v" + std::to_string(i), [&] { return next++; });
      EXPECT_EQ(m, static_cast<internal::MaskRef>(i));
      ASSERT_EQ(table.size(), round == 0 ? static_cast<size_t>(i) + 1 : 40u);
    }
  }
  for (int i = 0; i < 40; ++i) {
    const internal::MaskRef* m = table.Find("v" + std::to_string(i));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(*m, static_cast<internal::MaskRef>(i));
  }
  EXPECT_EQ(table.Find("v40"), nullptr);
}

}  // namespace
}  // namespace latticepol
