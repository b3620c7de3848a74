// File: src/random.cc
// Stage: testing support. Deterministic PRNG and the seeded generators of
// random policies and requests used by the differential test, the simulator
// and the fuzzers (see latticepol/random.h).
//
// The generators draw from one small, fixed universe (three accounts, two
// networks, two services, a handful of headers, query keys, tags, paths,
// CIDRs and dates), so a random request hits a random policy often enough to
// exercise both outcomes of every predicate.
#include "testing/random.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/semantics.h"
#include "workflow/internal/seeded.h"

namespace latticepol {

// ---- PRNG -----------------------------------------------------------------

uint64_t SplitMix64(uint64_t* state) { return internal::SplitMix64Next(state); }

uint64_t MixSeed(uint64_t base, uint64_t index) { return internal::MixSeed(base, index); }

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& s : s_) s = SplitMix64(&state);
}

namespace {
inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Uniform(uint64_t n) {
  // Reject the low values that would bias `r % n`.
  const uint64_t threshold = (0 - n) % n;
  for (;;) {
    uint64_t r = Next();
    if (r >= threshold) return r % n;
  }
}

int Rng::Range(int lo, int hi) {
  return lo + static_cast<int>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
}

bool Rng::Percent(int percent) { return static_cast<int>(Uniform(100)) < percent; }

namespace {

using Strings = std::vector<std::string>;

// ---- The universe ----------------------------------------------------------

// Policies are kept under 36,864 characters (the PutAuthPolicy maximum).
constexpr size_t kMaxGeneratedSize = 36000;

const char kSvc[] = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";
const char kSvc2[] = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0aaaaaaaaaaaaaaaa";
const char kSn[] = "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0";
const char kSn2[] =
    "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0fedcba987654321f";

const Strings& Accounts() {
  static const Strings* v =
      new Strings{"111122223333", "777788889999", "999988887777", "444455556666"};
  return *v;
}
const Strings& RoleArns() {
  static const Strings* v = new Strings{
      "arn:aws:iam::111122223333:role/blue-role",
      "arn:aws:iam::111122223333:role/team/app-role",
      "arn:aws:iam::777788889999:role/green-role",
      "arn:aws:iam::999988887777:role/blue-role",
  };
  return *v;
}
const Strings& UserArns() {
  static const Strings* v =
      new Strings{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::777788889999:user/Alice"};
  return *v;
}
const Strings& Methods() {
  static const Strings* v = new Strings{"GET", "POST", "PUT", "DELETE", "get", "Get"};
  return *v;
}
const Strings& Paths() {
  static const Strings* v = new Strings{"/",
                                        "/a:b",
                                        "/api",
                                        "/api/",
                                        "/api/v1",
                                        "/api/v1/items",
                                        "/rates",
                                        "/rates/today",
                                        "/Rates",
                                        "/v1/items",
                                        "/v10/items",
                                        "/public/x",
                                        "/private/x",
                                        "/api.parking/GetRates",
                                        "/a*b",
                                        "/blue/x",
                                        "/%61pi"};
  return *v;
}
const Strings& HeaderNames() {
  static const Strings* v =
      new Strings{"x-team", "content-type", "x-api-key", "x-debug", "x-num", "x-arn"};
  return *v;
}
const Strings& HeaderValues() {
  static const Strings* v = new Strings{"blue",
                                        "green",
                                        "Blue",
                                        "application/json",
                                        "Application/JSON",
                                        "1",
                                        "80",
                                        "80.0",
                                        "true",
                                        "TRUE",
                                        "prod",
                                        "a*b",
                                        "axxb",
                                        "",
                                        "111122223333",
                                        "arn:aws:iam::111122223333:role/blue-role",
                                        "caf\xc3\xa9",
                                        "CAF\xc3\x89",
                                        "o-abc123"};
  return *v;
}
const Strings& QueryKeys() {
  static const Strings* v = new Strings{"q", "tag", "debug", "Q", "x y", "caf\xc3\xa9"};
  return *v;
}
const Strings& QueryValues() {
  static const Strings* v =
      new Strings{"blue", "green", "BLUE", "a",   "b",   "c",    "true",        "false", "",
                  "a*b",  "bl ue", "1",    "a=b", "x&y", "100%", "caf\xc3\xa9", "a+b"};
  return *v;
}
const Strings& Vpcs() {
  static const Strings* v = new Strings{"vpc-0abc", "vpc-0def", "VPC-0ABC"};
  return *v;
}
const Strings& PrincipalTypes() {
  static const Strings* v = new Strings{"AssumedRole", "User",      "FederatedUser", "Account",
                                        "Anonymous",   "anonymous", "Service"};
  return *v;
}
const Strings& OrgIds() {
  static const Strings* v = new Strings{"o-abc123", "o-def456", "O-ABC123"};
  return *v;
}
const Strings& OrgPaths() {
  static const Strings* v = new Strings{"o-abc123/r-ab12/ou-ab12-11111111/",
                                        "o-abc123/r-ab12/ou-ab12-22222222/", "o-def456/r-cd34/"};
  return *v;
}
const Strings& TagKeys() {
  static const Strings* v = new Strings{"team", "Team", "env", "TEAM", "cost-center"};
  return *v;
}
const Strings& TagValues() {
  static const Strings* v = new Strings{"blue", "green", "payments",     "Payments", "prod",
                                        "a*b",  "bl?e",  "111122223333", ""};
  return *v;
}
const Strings& Numbers() {
  static const Strings* v = new Strings{"80",
                                        "443",
                                        "8080",
                                        "80.0",
                                        "-1",
                                        "0",
                                        "79.99",
                                        "443.5",
                                        "1767225600",
                                        "1767225601",
                                        "080",
                                        "-0.0",
                                        "65535.000",
                                        "9007199254740993",
                                        "99999999999999999999",
                                        "0.000000000000000000001"};
  return *v;
}
// Values that stress matchers: regex metacharacters, backslashes, newlines
// (O2), Unicode case folding (O1: Kelvin sign, final sigma, sharp s), numbers
// past double precision (O3), odd ARNs (O6) and literal wildcards.
const Strings& TrickyValues() {
  static const Strings* v = new Strings{"a.b",
                                        "(x)",
                                        "[a-z]",
                                        "a|b",
                                        "^a$",
                                        "a\\b",
                                        "{1}",
                                        "a\\*b",
                                        "a\nb",
                                        "\n",
                                        "a\r\nb",
                                        "\xe2\x84\xaa"
                                        "ey",
                                        "key",
                                        "KEY",
                                        "\xcf\x83\xcf\x82",
                                        "\xce\xa3\xce\xa3",
                                        "stra\xc3\x9f",
                                        "STRASSE",
                                        "\xe1\xba\x9e",
                                        "\xc3\x9f",
                                        "9007199254740993",
                                        "9007199254740992",
                                        "99999999999999999999",
                                        "-0",
                                        "00080",
                                        "0.000000000000000000001",
                                        "arn:aws:iam::111122223333:role/blue-role:x",
                                        "arn:::::",
                                        "arn:aws:iam::111122223333",
                                        "*",
                                        "?",
                                        "**",
                                        "a?",
                                        "blue\tblue"};
  return *v;
}

const Strings& Dates() {
  static const Strings* v = new Strings{"2026-01-01T00:00:00Z",          "2026-01-01",
                                        "2026-06-15T12:00:00+02:00",     "1767225600",
                                        "2026-01-01T00:00:00.500Z",      "2026",
                                        "2025-12-31T23:59:59Z",          "2026-01-01T01:00+01:00",
                                        "2026-01-01T00:00:00.123456789Z"};
  return *v;
}
const Strings& RequestTimes() {
  static const Strings* v = new Strings{"2026-01-01T00:00:00Z",
                                        "2025-12-31T23:59:59Z",
                                        "2026-01-01T00:00:01Z",
                                        "2026-01-01T00:00:00.500Z",
                                        "2026-01-01T00:00:00.499Z",
                                        "1767225600",
                                        "1767225599",
                                        "1767225601",
                                        "1767225600.5",
                                        "2026-06-15T10:00:00Z",
                                        "2026-06-15T12:00:00+02:00",
                                        "2026-06-15T10:00:01Z",
                                        "2030-01-01T00:00:00Z",
                                        "2020-02-29T12:00:00Z",
                                        "not-a-date",
                                        "2026-01-01T00:00:00.0005Z",
                                        "2026-01-01T00:00:00.123Z",
                                        "2026-01-01T00:00:00.999999Z",
                                        "0",
                                        "1767225600.0001"};
  return *v;
}
const Strings& Cidrs() {
  static const Strings* v =
      new Strings{"10.0.0.0/8", "10.0.0.5",  "192.168.1.0/24", "2001:db8::/32",
                  "::1",        "0.0.0.0/0", "172.16.0.0/12",  "10.1.2.3/32"};
  return *v;
}
const Strings& RequestIps() {
  static const Strings* v = new Strings{
      "10.0.0.5",        "10.1.2.3",        "11.0.0.1",    "9.255.255.255", "192.168.1.200",
      "192.168.2.1",     "2001:db8::5",     "2001:db9::1", "::1",           "::2",
      "172.31.255.255",  "172.32.0.0",      "127.0.0.1",   "abc",           "10.0.0.256",
      "2001:DB8:0:0::5", "::ffff:10.0.0.5", "10.0.0.5/32", " 10.0.0.5"};
  return *v;
}
const Strings& Ports() {
  static const Strings* v = new Strings{"80", "443", "8080", "1", "65535", "0"};
  return *v;
}
const Strings& UnknownKeys() {
  static const Strings* v = new Strings{"aws:userid", "aws:SourceVpc", "aws:username",
                                        "vpc-lattice-svcs:Foo", "custom:key"};
  return *v;
}
const Strings& ServicePrincipals() {
  static const Strings* v = new Strings{"lambda.amazonaws.com", "ec2.amazonaws.com"};
  return *v;
}

// Arn-op policy values per key (patterns; all six-field ARNs).
const Strings& PrincipalArnPatterns() {
  static const Strings* v =
      new Strings{"arn:aws:iam::111122223333:role/blue-role",
                  "arn:aws:iam::111122223333:role/*",
                  "arn:aws:iam::*:role/blue-role",
                  "arn:aws:iam::777788889999:role/green-role",
                  "arn:aws:iam::111122223333:role/team/*",
                  "arn:aws:iam::111122223333:user/alice",
                  "arn:aws:iam::111122223333:role/blue-rol?",
                  "arn:aws:iam::*:*",
                  "arn:aws:iam::${aws:PrincipalAccount}:role/blue-role",
                  "arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}-role",
                  "arn:aws:iam::111122223333:role/${aws:PrincipalTag/team, 'blue'}-role"};
  return *v;
}
const Strings& ServiceArnPatterns() {
  static const Strings* v =
      new Strings{kSvc,
                  kSvc2,
                  "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-*",
                  "arn:aws:vpc-lattice:*:444455556666:service/*",
                  "arn:aws:vpc-lattice:us-east-1:*:service/svc-0123456789abcdef?",
                  "arn:aws:vpc-lattice:us-east-1:${aws:PrincipalAccount}:service/*"};
  return *v;
}
const Strings& NetworkArnPatterns() {
  static const Strings* v =
      new Strings{kSn, kSn2, "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-*",
                  "arn:aws:vpc-lattice:*:*:servicenetwork/sn-0123456789abcdef?",
                  "arn:aws:vpc-lattice:us-east-1:444455556666:*"};
  return *v;
}
const Strings& OtherArnPatterns() {
  static const Strings* v =
      new Strings{"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0abc", "arn:aws:ec2:*:*:vpc/*",
                  "arn:aws:iam::111122223333:role/blue-role", "arn:aws:iam::*:role/*"};
  return *v;
}

// String values with variables and escapes (active under 2012 only).
const Strings& VariableValues() {
  static const Strings* v = new Strings{
      "${aws:PrincipalAccount}",
      "${aws:PrincipalTag/team}",
      "${aws:PrincipalTag/Team, 'blue'}",
      "${aws:PrincipalTag/nope, 'blue'}",
      "${aws:PrincipalTag/team}*",
      "a${*}b",
      "${?}",
      "x${$}y",
      "${vpc-lattice-svcs:SourceVpcOwnerAccount}",
      "${aws:username}",
      "${aws:Pri",
      "${aws:PrincipalOrgID}",
      "${vpc-lattice-svcs:RequestHeader/x-team}",
      "${aws:PrincipalType}",
      "${aws:PrincipalTag/team, ''}",
      "pre-${aws:PrincipalTag/env}",
  };
  return *v;
}

// ---- Keys -------------------------------------------------------------------

constexpr int kKeyKindCount = static_cast<int>(KeyKind::kUnknown) + 1;

// A key of `kind` spelled as in the key table; family keys get a suffix
// from the generator's vocabulary (tag keys lower-cased, as the parser does).
ConditionKey MakeKey(KeyKind kind, Rng& rng) {
  ConditionKey k;
  k.kind = kind;
  if (kind == KeyKind::kUnknown) {
    k.name = rng.Pick(UnknownKeys());
    return k;
  }
  const internal::KeyRow& row = internal::KeySemantics(kind);
  k.name = std::string(row.name);
  switch (row.field) {
    case internal::RequestField::kHeaders:
      k.suffix = rng.Pick(HeaderNames());
      break;
    case internal::RequestField::kQuery:
      k.suffix = rng.Pick(QueryKeys());
      break;
    case internal::RequestField::kPrincipalTags:
    case internal::RequestField::kResourceTags:
      k.suffix = rng.Pick(TagKeys());
      break;
    default:
      break;
  }
  k.name += k.suffix;
  return k;
}

// The request field a key reads (kNone for unknown keys). Vocabularies,
// operators and the policy values that bias requests go by field, not by
// key: a new key over an existing request field needs no change here.
using internal::RequestField;
RequestField FieldOf(KeyKind kind) {
  return internal::IsKnownKey(kind) ? internal::KeySemantics(kind).field : RequestField::kNone;
}

// The natural request-value vocabulary of a key kind (as text).
const Strings& KeyVocabulary(KeyKind kind) {
  static const Strings* svcs = new Strings{kSvc, kSvc2};
  static const Strings* sns = new Strings{kSn, kSn2};
  static const Strings* arns = [] {
    auto* v = new Strings(RoleArns());
    v->insert(v->end(), UserArns().begin(), UserArns().end());
    return v;
  }();
  static const Strings* bools = new Strings{"true", "false", "TRUE", "False"};
  switch (FieldOf(kind)) {
    case RequestField::kPort:
      return Ports();
    case RequestField::kMethod:
      return Methods();
    case RequestField::kPath:
      return Paths();
    case RequestField::kHeaders:
      return HeaderValues();
    case RequestField::kQuery:
      return QueryValues();
    case RequestField::kServiceArn:
      return *svcs;
    case RequestField::kServiceNetworkArn:
      return *sns;
    case RequestField::kSourceVpc:
      return Vpcs();
    case RequestField::kSourceVpcOwnerAccount:
      return Accounts();
    case RequestField::kPrincipalType:
      return PrincipalTypes();
    case RequestField::kPrincipalArn:
      return *arns;
    case RequestField::kPrincipalAccount: {
      // D2: anonymous callers have aws:PrincipalAccount = `anonymous`.
      static const Strings* accounts = [] {
        auto* v = new Strings(Accounts());
        v->push_back("anonymous");
        return v;
      }();
      return *accounts;
    }
    case RequestField::kPrincipalOrgId:
      return OrgIds();
    case RequestField::kPrincipalOrgPaths:
      return OrgPaths();
    case RequestField::kPrincipalTags:
    case RequestField::kResourceTags:
      return TagValues();
    case RequestField::kPrincipalSigned:
      return *bools;
    case RequestField::kSourceIp:
      return RequestIps();
    case RequestField::kTime:
      return RequestTimes();
    case RequestField::kTimeEpochSeconds:
      return Numbers();
    case RequestField::kNone:
      return HeaderValues();
  }
  return HeaderValues();
}

const Strings& ArnPatternsFor(KeyKind kind) {
  switch (FieldOf(kind)) {
    case RequestField::kPrincipalArn:
      return PrincipalArnPatterns();
    case RequestField::kServiceArn:
      return ServiceArnPatterns();
    case RequestField::kServiceNetworkArn:
      return NetworkArnPatterns();
    default:
      return OtherArnPatterns();
  }
}

// ---- Operators ----------------------------------------------------------------

// The operators of one family, in table order.
std::vector<ConditionOperator> OpsOf(OperatorFamily family) {
  std::vector<ConditionOperator> ops;
  for (const internal::OperatorRow& row : internal::OperatorTable()) {
    if (row.family == family) ops.push_back(row.op);
  }
  return ops;
}
const std::vector<ConditionOperator> kStringOps = OpsOf(OperatorFamily::kString);
const std::vector<ConditionOperator> kNumericOps = OpsOf(OperatorFamily::kNumeric);
const std::vector<ConditionOperator> kDateOps = OpsOf(OperatorFamily::kDate);
const std::vector<ConditionOperator> kArnOps = OpsOf(OperatorFamily::kArn);
const std::vector<ConditionOperator> kIpOps = OpsOf(OperatorFamily::kIp);

ConditionOperator PickOp(Rng& rng, const std::vector<ConditionOperator>& ops) {
  return ops[rng.Uniform(ops.size())];
}

std::string_view OpName(ConditionOperator op) { return internal::OperatorSemantics(op).name; }

// Picks an operator for a key: mostly its natural family, sometimes any
// operator (T2/T3 type mismatches must agree too).
ConditionOperator PickOperatorFor(Rng& rng, KeyKind kind) {
  if (rng.Percent(25)) {
    return static_cast<ConditionOperator>(rng.Uniform(kConditionOperatorCount));
  }
  if (rng.Percent(8)) return ConditionOperator::kNull;
  switch (FieldOf(kind)) {
    case RequestField::kPort:
      return rng.Percent(80) ? PickOp(rng, kNumericOps) : PickOp(rng, kStringOps);
    case RequestField::kServiceArn:
    case RequestField::kServiceNetworkArn:
    case RequestField::kPrincipalArn:
      return rng.Percent(60) ? PickOp(rng, kArnOps) : PickOp(rng, kStringOps);
    case RequestField::kPrincipalSigned:
      return rng.Percent(70) ? ConditionOperator::kBool : PickOp(rng, kStringOps);
    case RequestField::kSourceIp:
      return rng.Percent(85) ? PickOp(rng, kIpOps) : PickOp(rng, kStringOps);
    case RequestField::kTime:
      return rng.Percent(85) ? PickOp(rng, kDateOps) : PickOp(rng, kStringOps);
    case RequestField::kTimeEpochSeconds:
      return rng.Percent(50) ? PickOp(rng, kNumericOps) : PickOp(rng, kDateOps);
    case RequestField::kHeaders:
      if (rng.Percent(10)) return PickOp(rng, kNumericOps);
      if (rng.Percent(5)) return ConditionOperator::kBinaryEquals;
      if (rng.Percent(5)) return ConditionOperator::kBool;
      return PickOp(rng, kStringOps);
    default:
      return PickOp(rng, kStringOps);
  }
}

// ---- Values ---------------------------------------------------------------------

// Returns the byte offsets of the UTF-8 code point boundaries of `s`
// (including 0 and s.size()), so wildcards never split a character.
std::vector<size_t> CodePointBoundaries(const std::string& s) {
  std::vector<size_t> b;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) b.push_back(i);
  }
  b.push_back(s.size());
  return b;
}

// Turns a literal into a glob: a `?` for one character, a `*` for a run, or a
// whole `*`.
std::string Globify(Rng& rng, const std::string& s) {
  const std::vector<size_t> b = CodePointBoundaries(s);
  const size_t chars = b.size() - 1;
  switch (rng.Uniform(6)) {
    case 0:
      return "*";
    case 1: {
      if (chars == 0) return "?";
      size_t c = rng.Uniform(chars);
      return s.substr(0, b[c]) + "?" + s.substr(b[c + 1]);
    }
    case 2:
      return s.substr(0, b[rng.Uniform(chars + 1)]) + "*";
    case 3:
      return "*" + s.substr(b[rng.Uniform(chars + 1)]);
    case 4: {
      size_t a = rng.Uniform(chars + 1);
      size_t e = a + rng.Uniform(chars - a + 1);
      return s.substr(0, b[a]) + "*" + s.substr(b[e]);
    }
    default:
      return s;
  }
}

// Inserts two to four `*` into `s` (and sometimes drops the character at
// the insertion point): the multi-star shapes that need a real matcher
// (grouped into an RE2::Set when a key has many of them).
std::string MultiStar(Rng& rng, const std::string& s) {
  std::vector<size_t> b = CodePointBoundaries(s);
  std::string out = s;
  int stars = rng.Range(2, 4);
  std::vector<size_t> at;
  for (int i = 0; i < stars; ++i) at.push_back(b[rng.Uniform(b.size())]);
  std::sort(at.begin(), at.end());
  // Insert from the back so earlier offsets stay valid.
  for (size_t i = at.size(); i-- > 0;) {
    size_t pos = at[i];
    bool drop =
        rng.Percent(30) && pos < out.size() && (static_cast<unsigned char>(out[pos]) & 0x80) == 0;
    out.replace(pos, drop ? 1 : 0, "*");
  }
  return out;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// ---- Policies ---------------------------------------------------------------

// An operator's family and glob-ness come from the operator table, so a new
// operator of an existing family is generated with no change here.
using Fam = OperatorFamily;
Fam FamOf(ConditionOperator op) { return internal::OperatorSemantics(op).family; }

// StringLike and StringNotLike (the Arn family's globs are handled with it).
bool IsLikeOp(ConditionOperator op) {
  const internal::OperatorRow& row = internal::OperatorSemantics(op);
  return row.glob && row.family == OperatorFamily::kString;
}

std::string ConditionValue(Rng& rng, ConditionOperator op, KeyKind kind, bool variables_active,
                           const RandomPolicyOptions& options) {
  switch (FamOf(op)) {
    case Fam::kString: {
      if (rng.Percent(options.variable_percent)) return rng.Pick(VariableValues());
      std::string v = rng.Percent(8) ? rng.Pick(TrickyValues()) : rng.Pick(KeyVocabulary(kind));
      if (IsLikeOp(op) && rng.Percent(70)) v = Globify(rng, v);
      return v;
    }
    case Fam::kNumeric:
      return rng.Pick(Numbers());
    case Fam::kDate:
      return rng.Pick(Dates());
    case Fam::kBool: {
      static const Strings* bools = new Strings{"true",
                                                "false",
                                                "TRUE",
                                                "False",
                                                "${aws:PrincipalIsAWSService}",
                                                "${vpc-lattice-svcs:RequestHeader/x-debug}"};
      // Under 2008 a variable is literal text, which is not a valid Bool.
      return variables_active && rng.Percent(options.variable_percent) ? rng.Pick(*bools)
                                                                       : (*bools)[rng.Uniform(4)];
    }
    case Fam::kBinary: {
      std::string v = rng.Pick(KeyVocabulary(kind));
      return Base64(v.empty() ? "blue" : v);
    }
    case Fam::kIp:
      return rng.Pick(Cidrs());
    case Fam::kArn: {
      std::string v = rng.Pick(ArnPatternsFor(kind));
      if (!rng.Percent(options.variable_percent) && v.find("${") != std::string::npos) {
        v = rng.Pick(ArnPatternsFor(kind));  // fewer variables in ARNs
      }
      return v;
    }
    case Fam::kNull: {
      static const Strings* nulls = new Strings{"true", "false", "True", "FALSE"};
      return rng.Pick(*nulls);
    }
  }
  return "";
}

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Rewrites an entry with a construct that only lenient mode accepts: a
// mis-cased key (K2, evaluated as absent), an uppercase header name (H1), or
// a policy value that does not parse for its operator (T1).
void MakeLenient(Rng& rng, Condition* c) {
  switch (rng.Uniform(3)) {
    case 0: {
      std::string name = c->key.name;
      size_t colon = name.find(':');
      if (rng.Percent(50)) {
        for (size_t i = 0; i < colon; ++i) name[i] = static_cast<char>(std::toupper(name[i]));
      } else {
        for (size_t i = colon + 1; i < name.size() && name[i] != '/'; ++i) {
          name[i] = static_cast<char>(std::tolower(name[i]));
        }
      }
      if (name != c->key.name) {
        c->key.name = name;
        c->key.kind = KeyKind::kUnknown;
        c->key.suffix.clear();
      }
      return;
    }
    case 1:
      if (FieldOf(c->key.kind) == RequestField::kHeaders) {  // H1
        c->key.suffix[0] = static_cast<char>(std::toupper(c->key.suffix[0]));
        c->key.name = std::string(internal::KeySemantics(c->key.kind).name) + c->key.suffix;
        return;
      }
      [[fallthrough]];
    default: {
      static const char* kBad[] = {"",
                                   "",
                                   "",
                                   "",
                                   "",
                                   "",
                                   "eighty",
                                   "eighty",
                                   "eighty",
                                   "eighty",
                                   "eighty",
                                   "eighty",
                                   "yesterday",
                                   "yesterday",
                                   "yesterday",
                                   "yesterday",
                                   "yesterday",
                                   "yesterday",
                                   "maybe",
                                   "!!",
                                   "10.0.0.0/33",
                                   "10.0.0.0/33",
                                   "not-an-arn",
                                   "not-an-arn",
                                   "not-an-arn",
                                   "not-an-arn",
                                   "maybe"};
      static_assert(sizeof(kBad) / sizeof(kBad[0]) == kConditionOperatorCount);
      const char* bad = kBad[static_cast<int>(c->op)];
      if (*bad != '\0') c->values[rng.Uniform(c->values.size())] = bad;
      return;
    }
  }
}

Condition RandomCondition(Rng& rng, bool variables_active, const RandomPolicyOptions& options) {
  Condition c;
  KeyKind kind = static_cast<KeyKind>(rng.Uniform(kKeyKindCount));
  c.key = MakeKey(kind, rng);
  c.op = PickOperatorFor(rng, kind);
  std::string name;
  if (c.op != ConditionOperator::kNull) {
    int s = static_cast<int>(rng.Uniform(100));
    if (s < 20) {
      c.set = SetQualifier::kForAnyValue;
      name = "ForAnyValue:";
    } else if (s < 38) {
      c.set = SetQualifier::kForAllValues;
      name = "ForAllValues:";
    }
    c.if_exists = rng.Percent(25);
  }
  name += std::string(OpName(c.op));
  if (c.if_exists) name += "IfExists";
  c.operator_name = name;
  int n = rng.Range(1, std::max(1, options.max_values));
  for (int i = 0; i < n; ++i) {
    std::string v = ConditionValue(rng, c.op, kind, variables_active, options);
    if (std::find(c.values.begin(), c.values.end(), v) == c.values.end()) {
      c.values.push_back(std::move(v));
    }
  }
  const bool like = c.op == ConditionOperator::kStringLike ||
                    c.op == ConditionOperator::kStringNotLike ||
                    c.op == ConditionOperator::kArnLike || c.op == ConditionOperator::kArnNotLike;
  if (like && rng.Percent(options.glob_heavy_percent)) {
    // Many multi-star patterns on one key.
    c.values.clear();
    int m = rng.Range(16, 30);
    for (int i = 0; i < m; ++i) {
      std::string v;
      if (FamOf(c.op) == Fam::kArn) {
        std::string arn = rng.Pick(ArnPatternsFor(kind));
        size_t cut = 0;
        for (int colons = 0; colons < 5 && cut != std::string::npos; ++colons) {
          cut = arn.find(':', cut == 0 ? 0 : cut + 1);
        }
        v = cut == std::string::npos ? arn
                                     : arn.substr(0, cut + 1) + MultiStar(rng, arn.substr(cut + 1));
      } else {
        const std::string& base =
            rng.Percent(10) ? rng.Pick(TrickyValues()) : rng.Pick(KeyVocabulary(kind));
        v = MultiStar(rng, base);
      }
      if (std::find(c.values.begin(), c.values.end(), v) == c.values.end()) {
        c.values.push_back(std::move(v));
      }
    }
  }
  if (rng.Percent(options.lenient_percent)) MakeLenient(rng, &c);
  return c;
}

void AddPrincipalValue(Rng& rng, PrincipalSpec* p) {
  const std::string& acct = rng.Pick(Accounts());
  switch (rng.Uniform(7)) {
    case 0:
      p->aws.push_back(acct);
      break;
    case 1:
      p->aws.push_back("arn:aws:iam::" + acct + ":root");
      break;
    case 2:
    case 3:
      p->aws.push_back(rng.Pick(RoleArns()));
      break;
    case 4:
      p->aws.push_back(rng.Pick(UserArns()));
      break;
    case 5:
      p->aws.push_back("arn:aws:sts::" + acct + ":assumed-role/" +
                       (rng.Percent(50) ? "blue-role" : "green-role") + "/s1");
      break;
    default:
      p->service.push_back(rng.Pick(ServicePrincipals()));
      break;
  }
}

PrincipalSpec RandomPrincipal(Rng& rng, bool not_principal, const RandomPolicyOptions& options) {
  PrincipalSpec p;
  if (rng.Percent(not_principal ? 10 : 50)) {
    p.wildcard = true;
    if (rng.Percent(85)) return p;
  }
  if (not_principal && rng.Percent(50)) {
    // N1: exempting a role needs its account and its ARN listed together.
    const std::string& arn = rng.Pick(RoleArns());
    std::string acct = arn.substr(13, 12);  // arn:aws:iam::<12 digits>:role/...
    p.aws.push_back(rng.Percent(50) ? acct : "arn:aws:iam::" + acct + ":root");
    p.aws.push_back(arn);
    if (rng.Percent(50)) return p;
  }
  int n = rng.Range(1, std::max(1, options.max_principals));
  for (int i = 0; i < n; ++i) AddPrincipalValue(rng, &p);
  auto dedupe = [](Strings* v) {
    Strings out;
    for (auto& s : *v) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    *v = std::move(out);
  };
  dedupe(&p.aws);
  dedupe(&p.service);
  if (rng.Percent(options.lenient_percent)) {  // never match (lenient only)
    if (rng.Percent(50)) {
      p.federated.push_back("cognito-identity.amazonaws.com");
    } else {
      p.canonical_user.push_back(
          "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be");
    }
  }
  return p;
}

const Strings& ActionPatterns() {
  static const Strings* v = new Strings{"vpc-lattice-svcs:Invoke",
                                        "vpc-lattice-svcs:Invoke",
                                        "vpc-lattice-svcs:Connect",
                                        "*",
                                        "vpc-lattice-svcs:*",
                                        "VPC-LATTICE-SVCS:invoke",
                                        "vpc-lattice-svcs:In*",
                                        "vpc-lattice-svcs:Conn?ct",
                                        "vpc-lattice:*",
                                        "vpc-lattice-svcs:Other",
                                        "vpc-lattice-svcs:?nvoke",
                                        "vpc-lattice-svcs:*oke"};
  return *v;
}

const Strings& ResourcePatterns() {
  static const Strings* v = [] {
    const std::string svc = kSvc;
    return new Strings{"*",
                       "*",
                       svc,
                       svc + "/*",
                       svc + "/*",
                       svc + "/api/*",
                       svc + "/rates",
                       svc + "/v?/items",
                       "*/rates",
                       "*/*",
                       std::string(kSvc2) + "/*",
                       "arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0/*",
                       "arn:aws:vpc-lattice:*:*:service/svc-0123456789abcdef0/*",
                       "arn:aws:vpc-lattice:us-east-1:444455556666:service/*",
                       svc + "/Rates",
                       svc + "/api.parking/*",
                       "*rates*",
                       svc + "/${aws:PrincipalTag/team}/*",
                       svc + "/a${*}b",
                       svc + "/${aws:PrincipalTag/team, 'blue'}/x",
                       svc + "/${aws:PrincipalAccount}",
                       svc + "/public/*",
                       "arn:aws:vpc-lattice:us-east-1:${aws:PrincipalAccount}:service/*",
                       "/rates",
                       // D1: a `*` ending one of the first five segments (or
                       // the pattern) crosses colons; other head wildcards
                       // stay inside their segment.
                       "arn:aws:vpc-lattice:*:service/*",
                       "arn:aws:vpc-lattice:*:service/svc-0123456789abcdef0/*",
                       "arn:aws:vpc-lattice:us-*:service/*",
                       "arn:aws:vpc-lattice:*",
                       "arn:aws:vpc-lattice:us-east-1:4444*",
                       "arn:aws:vpc-lattice:*:*",
                       "arn:*:vpc-lattice:*:*:service/*/rates",
                       "arn:aws:vpc-lattice:us-*-1:*:service/*",
                       "arn:aws:vpc-lattice:*6666*:service/*",
                       "arn:aws:vpc-lattice:us*6666:service/*",
                       "arn:aws:vpc-lattice:us-east-1:*6666:service/*",
                       "arn:aws:vpc-lattice:us-east-?:*:service/*",
                       "arn:aws:vpc-lattice:us-east-1?444455556666:service/*",
                       "arn:aws:vpc-lattice:*east*:service/*/a:b",
                       "arn:aws:vpc-lattice:u?-*:*:service/${aws:PrincipalAccount}*",
                       svc + "/a:*"};
  }();
  return *v;
}

Statement RandomStatement(Rng& rng, int index, bool single, bool variables_active,
                          const RandomPolicyOptions& options) {
  Statement st;
  st.index = index;
  st.pointer = single ? "/Statement" : "/Statement/" + std::to_string(index);
  if (rng.Percent(50)) st.sid = "S" + std::to_string(index);
  st.effect = rng.Percent(35) ? Effect::kDeny : Effect::kAllow;
  if (!options.identity_policy) {
    st.not_principal =
        (st.effect == Effect::kDeny || rng.Percent(options.lenient_percent)) && rng.Percent(25);
    st.principal = RandomPrincipal(rng, st.not_principal, options);
  }
  st.not_action = rng.Percent(12);
  int n = rng.Range(1, 2);
  for (int i = 0; i < n; ++i) {
    // Half of the time a common action, so statements apply often.
    static const Strings* common =
        new Strings{"vpc-lattice-svcs:Invoke", "*", "vpc-lattice-svcs:*"};
    const std::string& a = rng.Percent(50) ? rng.Pick(*common) : rng.Pick(ActionPatterns());
    if (std::find(st.actions.begin(), st.actions.end(), a) == st.actions.end()) {
      st.actions.push_back(a);
    }
  }
  st.not_resource = rng.Percent(12);
  n = rng.Range(1, 2);
  for (int i = 0; i < n; ++i) {
    static const Strings* common = new Strings{"*", std::string(kSvc) + "/*"};
    static const Strings* lenient =
        new Strings{std::string(kSn) + "/*", "arn:aws:vpc-lattice:us-east-1"};
    const std::string& r = rng.Percent(options.lenient_percent) ? rng.Pick(*lenient)
                           : rng.Percent(50)                    ? rng.Pick(*common)
                                                                : rng.Pick(ResourcePatterns());
    if (std::find(st.resources.begin(), st.resources.end(), r) == st.resources.end()) {
      st.resources.push_back(r);
    }
  }
  n = rng.Range(0, std::max(0, options.max_conditions));
  std::vector<Condition> conditions;
  for (int i = 0; i < n; ++i) {
    Condition c = RandomCondition(rng, variables_active, options);
    bool duplicate = false;
    for (const Condition& o : conditions) {
      duplicate |= o.operator_name == c.operator_name && o.key.name == c.key.name;
    }
    if (!duplicate) conditions.push_back(std::move(c));
  }
  // Group entries of one operator together, as in the JSON Condition block.
  for (size_t i = 0; i < conditions.size(); ++i) {
    bool seen = false;
    for (size_t j = 0; j < i; ++j)
      seen |= conditions[j].operator_name == conditions[i].operator_name;
    if (seen) continue;
    for (size_t j = i; j < conditions.size(); ++j) {
      if (conditions[j].operator_name != conditions[i].operator_name) continue;
      Condition c = conditions[j];
      c.pointer = st.pointer + "/Condition/" + EscapePointerToken(c.operator_name) + "/" +
                  EscapePointerToken(c.key.name);
      st.conditions.push_back(std::move(c));
    }
  }
  return st;
}

}  // namespace

PolicyDocument RandomPolicy(Rng& rng, const RandomPolicyOptions& options) {
  PolicyDocument doc;
  int v = static_cast<int>(rng.Uniform(100));
  if (v < options.no_version_percent) {
    doc.version = PolicyVersion::k2008_10_17;
    doc.has_version = false;
  } else if (v < options.no_version_percent + options.version_2008_percent) {
    doc.version = PolicyVersion::k2008_10_17;
    doc.has_version = true;
  } else {
    doc.version = PolicyVersion::k2012_10_17;
    doc.has_version = true;
  }
  if (rng.Percent(10)) doc.id = "policy-" + std::to_string(rng.Uniform(1000));
  doc.is_identity_policy = options.identity_policy;
  RandomPolicyOptions o = options;
  const bool large = rng.Percent(options.large_percent);
  if (large && rng.Percent(50)) {  // past any 64-bit statement mask
    o.max_statements = std::max(o.max_statements, 100);
    o.max_conditions = 1;
    o.max_values = 2;
  } else if (large) {  // past any 64-bit predicate mask
    o.max_statements = std::max(o.max_statements, 70);
    o.max_conditions = std::max(o.max_conditions, 8);
    o.max_values = std::max(o.max_values, 12);
  }
  int n = rng.Range(large ? o.max_statements / 2 : 1, std::max(1, o.max_statements));
  for (int i = 0; i < n; ++i) {
    doc.statements.push_back(RandomStatement(rng, i, /*single=*/false, VariablesActive(doc), o));
  }
  // Stay under the PutAuthPolicy maximum (docs/semantics.md §1.1), which is a parse error.
  while (doc.statements.size() > 1 && PolicyToJson(doc).size() > kMaxGeneratedSize) {
    doc.statements.pop_back();
  }
  return doc;
}

// ---- Requests ---------------------------------------------------------------

namespace {

// Policy-derived request values, by field.
class Candidates {
 public:
  void Add(const std::string& field, std::string value) {
    Strings& v = by_field_[field];
    if (std::find(v.begin(), v.end(), value) == v.end()) v.push_back(std::move(value));
  }
  const Strings* Get(const std::string& field) const {
    auto it = by_field_.find(field);
    return it == by_field_.end() || it->second.empty() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, Strings> by_field_;
};

std::string AsciiLowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The candidate list of a request field (and suffix): policy values are
// collected, and request values drawn, per field, so every key over a field
// biases it. Suffixes compared ignoring case (tags, K2) are lower-cased.
std::string FieldName(RequestField field, std::string_view suffix = {}) {
  std::string f = "field" + std::to_string(static_cast<int>(field));
  if (!suffix.empty()) f += "/" + std::string(suffix);
  return f;
}
std::string FieldName(KeyKind kind, std::string_view suffix = {}) {
  if (!internal::IsKnownKey(kind)) return "unknown/" + std::string(suffix);
  const internal::KeyRow& row = internal::KeySemantics(kind);
  if (row.suffix != internal::SuffixRule::kIgnoreCase) return FieldName(row.field, suffix);
  const std::string lower = AsciiLowerCopy(suffix);
  return FieldName(row.field, lower);
}

// Resolves a `${...}` body to a plausible request value.
std::string ResolveVariableGuess(Rng& rng, std::string_view body) {
  if (body == "*" || body == "?" || body == "$") return std::string(body);
  size_t comma = body.find(',');
  if (comma != std::string_view::npos) {
    size_t q1 = body.find('\'', comma);
    size_t q2 = q1 == std::string_view::npos ? q1 : body.find('\'', q1 + 1);
    if (q2 != std::string_view::npos && rng.Percent(50)) {
      return std::string(body.substr(q1 + 1, q2 - q1 - 1));
    }
    body = body.substr(0, comma);
  }
  if (body.find("PrincipalAccount") != std::string_view::npos && rng.Percent(20)) {
    return "anonymous";  // D2: the value for anonymous callers
  }
  if (body.find("Account") != std::string_view::npos) return rng.Pick(Accounts());
  if (body.find("Tag/") != std::string_view::npos) return rng.Pick(TagValues());
  if (body.find("OrgID") != std::string_view::npos) return rng.Pick(OrgIds());
  if (body.find("RequestHeader") != std::string_view::npos) return rng.Pick(HeaderValues());
  if (body.find("PrincipalType") != std::string_view::npos) return rng.Pick(PrincipalTypes());
  if (body.find("IsAWSService") != std::string_view::npos) return "false";
  return "";
}

// Turns a policy value into a request value that it plausibly matches:
// variables resolved against the vocabulary, wildcards (if `glob`)
// instantiated.
std::string Instantiate(Rng& rng, std::string_view v, bool glob, bool colon_runs = false) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '$' && i + 1 < v.size() && v[i + 1] == '{') {
      size_t close = v.find('}', i + 2);
      if (close != std::string_view::npos) {
        out += ResolveVariableGuess(rng, v.substr(i + 2, close - i - 2));
        i = close;
        continue;
      }
    }
    if (glob && v[i] == '*') {
      static const Strings* runs = new Strings{"", "", "x", "/a", "-b", "1"};
      // Resource patterns (D1): runs that cross colons, so a `*` that may
      // (or may not) span segments is exercised both ways.
      static const Strings* colon = new Strings{
          "us-east-1:444455556666", ":", "a:b", "east-1:4444", "x:", "us-east-1:444455556666:service"};
      out += colon_runs && rng.Percent(35) ? rng.Pick(*colon) : rng.Pick(*runs);
    } else if (glob && v[i] == '?') {
      static const Strings* ones = new Strings{"x", "1", "/", "e"};
      out += rng.Pick(*ones);
    } else {
      out += v[i];
    }
  }
  return out;
}

std::string AccountOf(std::string_view arn) {
  // arn:aws:iam::<12 digits>:...
  std::array<std::string_view, 6> f;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return "";
    f[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  return std::string(f[4]);
}

void CollectResource(Rng& rng, std::string_view pattern, Candidates* c) {
  std::string inst = Instantiate(rng, pattern, /*glob=*/true, /*colon_runs=*/true);
  size_t svc = inst.find(":service/");
  if (svc != std::string::npos) {
    size_t slash = inst.find('/', svc + 9);
    if (slash == std::string::npos) {
      c->Add(FieldName(RequestField::kServiceArn), inst);
    } else {
      c->Add(FieldName(RequestField::kServiceArn), inst.substr(0, slash));
      c->Add(FieldName(RequestField::kPath), inst.substr(slash));
    }
  } else {
    size_t slash = inst.find('/');
    if (slash != std::string::npos) c->Add(FieldName(RequestField::kPath), inst.substr(slash));
  }
}

Candidates CollectCandidates(Rng& rng, const PolicyDocument& policy) {
  Candidates c;
  for (const Statement& st : policy.statements) {
    for (const std::string& a : st.principal.aws) {
      if (a.size() == 12) {
        c.Add("account", a);
      } else if (a.rfind("arn:aws:sts::", 0) == 0) {
        c.Add("session", a);
        c.Add("account", AccountOf(a));
      } else if (a.size() > 5 && a.compare(a.size() - 5, 5, ":root") == 0) {
        c.Add("account", AccountOf(a));
      } else {
        c.Add("arn", a);
        c.Add("account", AccountOf(a));
      }
    }
    for (const std::string& s : st.principal.service) c.Add("service", s);
    for (const std::string& r : st.resources) CollectResource(rng, r, &c);
    for (const Condition& cond : st.conditions) {
      Fam fam = FamOf(cond.op);
      bool glob = IsLikeOp(cond.op) || fam == Fam::kArn;
      const std::string field = FieldName(cond.key.kind, cond.key.suffix);
      switch (FieldOf(cond.key.kind)) {  // the names a suffixed key mentions
        case RequestField::kHeaders:
          c.Add("header-names", cond.key.suffix);
          break;
        case RequestField::kQuery:
          c.Add("query-keys", cond.key.suffix);
          break;
        case RequestField::kPrincipalTags:
          c.Add("tag-keys", cond.key.suffix);
          break;
        case RequestField::kResourceTags:
          c.Add("rtag-keys", cond.key.suffix);
          break;
        default:
          break;
      }
      for (const std::string& v : cond.values) {
        switch (fam) {
          case Fam::kNull:
            break;
          case Fam::kBinary:
            break;
          case Fam::kIp: {
            size_t slash = v.find('/');
            c.Add(field, v.substr(0, slash));
            break;
          }
          default:
            c.Add(field, Instantiate(rng, v, glob));
            if (glob) c.Add(field, Instantiate(rng, v, glob));
        }
      }
    }
  }
  return c;
}

// A small perturbation: case change, extra or missing character.
std::string NearMiss(Rng& rng, std::string v) {
  switch (rng.Uniform(7)) {
    case 0: {  // flip the case of one letter
      for (int tries = 0; tries < 4 && !v.empty(); ++tries) {
        char& ch = v[rng.Uniform(v.size())];
        if (ch >= 'a' && ch <= 'z') {
          ch = static_cast<char>(ch - 'a' + 'A');
          break;
        }
        if (ch >= 'A' && ch <= 'Z') {
          ch = static_cast<char>(ch - 'A' + 'a');
          break;
        }
      }
      return v;
    }
    case 1:
      for (char& ch : v) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      }
      return v;
    case 2:
      return v + "x";
    case 3:
      return v.empty() ? v : v.substr(0, v.size() - 1);
    case 4:
      return v + "/";
    case 5:
      return v + "/more";
    default:
      return "x" + v;
  }
}

class RequestBuilder {
 public:
  RequestBuilder(Rng& rng, const Candidates& c, const RandomRequestOptions& o)
      : rng_(rng), c_(c), o_(o) {}

  std::string Value(const std::string& field, const Strings& defaults) {
    const Strings* cand = c_.Get(field);
    std::string v = cand != nullptr && rng_.Percent(o_.policy_value_percent) ? rng_.Pick(*cand)
                    : rng_.Percent(6) ? rng_.Pick(TrickyValues())
                                      : rng_.Pick(defaults);
    if (rng_.Percent(o_.near_miss_percent)) v = NearMiss(rng_, std::move(v));
    return v;
  }
  std::string Value(RequestField field, const Strings& defaults) {
    return Value(FieldName(field), defaults);
  }
  bool Absent() { return rng_.Percent(o_.absent_percent); }
  // A present optional text field: sometimes present but empty.
  std::string Present(RequestField field, const Strings& defaults) {
    return rng_.Percent(3) ? std::string() : Value(field, defaults);
  }
  // Picks a set of names: each name the policy mentions with probability
  // 65%, then up to `max_extra` default names.
  Strings Names(const std::string& field, const Strings& defaults, int max_extra) {
    Strings names;
    if (const Strings* cand = c_.Get(field)) {
      for (const std::string& n : *cand) {
        if (rng_.Percent(65)) names.push_back(n);
      }
    }
    int extra = static_cast<int>(rng_.Uniform(static_cast<uint64_t>(max_extra) + 1));
    for (int i = 0; i < extra; ++i) names.push_back(rng_.Pick(defaults));
    // Shuffle (Fisher-Yates) so policy names are not always first.
    for (size_t i = names.size(); i > 1; --i) {
      std::swap(names[i - 1], names[rng_.Uniform(i)]);
    }
    return names;
  }

  Rng& rng() { return rng_; }
  const Candidates& candidates() const { return c_; }

 private:
  Rng& rng_;
  const Candidates& c_;
  const RandomRequestOptions& o_;
};

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void AppendPercent(Rng& rng, unsigned char c, std::string* out) {
  static constexpr char kUpper[] = "0123456789ABCDEF";
  static constexpr char kLower[] = "0123456789abcdef";
  const char* digits = rng.Percent(70) ? kUpper : kLower;
  *out += '%';
  *out += digits[c >> 4];
  *out += digits[c & 15];
}

// Encodes one decoded query component so that Q3 decoding gives it back.
std::string EncodeComponent(Rng& rng, std::string_view decoded, bool is_key) {
  std::string out;
  const int encode_percent = rng.Percent(30) ? 40 : 3;
  for (size_t i = 0; i < decoded.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(decoded[i]);
    bool must = c == '&' || c == '#' || c == ' ' || c < 0x20 || (is_key && c == '=');
    if (c == '%') {
      // A literal `%` stays literal when not followed by two hex digits.
      bool next_hex = i + 1 < decoded.size() && IsHexDigit(decoded[i + 1]);
      must = next_hex || rng.Percent(50);
    }
    if (must || rng.Percent(encode_percent)) {
      AppendPercent(rng, c, &out);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string BuildQuery(RequestBuilder& b, std::vector<StringPair>* query) {
  Rng& rng = b.rng();
  std::string raw;
  auto append = [&raw](const std::string& part) {
    if (!raw.empty()) raw += '&';
    raw += part;
  };
  Strings keys = b.Names("query-keys", QueryKeys(), 2);
  if (!keys.empty() && rng.Percent(15)) append(rng.Percent(50) ? "" : "=dropped");
  for (std::string key : keys) {
    if (rng.Percent(10)) key = NearMiss(rng, key);
    if (key.empty()) key = "q";
    int repeats = rng.Percent(15) ? 2 : 1;
    for (int r = 0; r < repeats; ++r) {
      std::string value = b.Value(FieldName(RequestField::kQuery, key), QueryValues());
      if (rng.Percent(2)) {  // longer than any stack buffer of the fast path
        std::string unit = value.empty() ? "blue" : value;
        int times = rng.Range(20, 400);
        for (int t = 0; t < times && value.size() < 8000; ++t) value += unit;
      }
      if (rng.Percent(2)) value += "\xff";  // invalid UTF-8 after decoding
      std::string part = EncodeComponent(rng, key, /*is_key=*/true);
      if (value.empty()) {
        if (rng.Percent(50)) part += '=';
      } else {
        part += '=';
        part += EncodeComponent(rng, value, /*is_key=*/false);
      }
      append(part);
      query->emplace_back(key, std::move(value));
    }
    if (rng.Percent(8)) append(rng.Percent(50) ? "" : "=x");
  }
  return raw;
}

std::string RoleNameOf(std::string_view arn) {
  size_t slash = arn.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(arn.substr(slash + 1));
}

// Tag maps with keys unique case-insensitively.
void AddTags(RequestBuilder& b, const std::string& key_field, KeyKind kind,
             std::vector<StringPair>* tags) {
  Rng& rng = b.rng();
  for (std::string key : b.Names(key_field, TagKeys(), 2)) {
    if (rng.Percent(20)) key = NearMiss(rng, key);
    bool dup = false;
    for (const auto& t : *tags) dup |= AsciiLowerCopy(t.first) == AsciiLowerCopy(key);
    if (dup || key.empty()) continue;
    tags->emplace_back(key, b.Value(FieldName(kind, key), TagValues()));
  }
}

Principal RandomCaller(RequestBuilder& b) {
  Rng& rng = b.rng();
  Principal p;
  const Candidates& c = b.candidates();
  int form = static_cast<int>(rng.Uniform(100));
  if (form < 8) {  // service principal (P-S)
    p.type = "Service";
    p.arn = c.Get("service") != nullptr && rng.Percent(60) ? rng.Pick(*c.Get("service"))
                                                           : rng.Pick(ServicePrincipals());
    return p;
  }
  if (form < 18) {  // account root
    p.account = b.Value("account", Accounts());
    p.arn = "arn:aws:iam::" + p.account + ":root";
    p.type = "Account";
  } else {
    Strings arns = RoleArns();
    if (form < 30) arns = UserArns();
    p.arn = b.Value("arn", arns);
    if (rng.Percent(20)) p.arn = b.Value(RequestField::kPrincipalArn, arns);
    p.account = AccountOf(p.arn);
    if (p.account.size() != 12 || rng.Percent(10)) p.account = b.Value("account", Accounts());
    bool user = p.arn.find(":user/") != std::string::npos;
    p.type = user ? "User" : "AssumedRole";
    if (!user && rng.Percent(85)) {
      const Strings* sessions = c.Get("session");
      p.session_arn =
          sessions != nullptr && rng.Percent(50)
              ? rng.Pick(*sessions)
              : "arn:aws:sts::" + p.account + ":assumed-role/" + RoleNameOf(p.arn) + "/s1";
    }
  }
  if (rng.Percent(10)) p.type = b.Value(RequestField::kPrincipalType, PrincipalTypes());
  if (rng.Percent(5)) p.account.clear();
  if (rng.Percent(70)) p.org_id = b.Value(RequestField::kPrincipalOrgId, OrgIds());
  int paths = static_cast<int>(rng.Uniform(3));
  for (int i = 0; i < paths; ++i) {
    p.org_paths.push_back(b.Value(RequestField::kPrincipalOrgPaths, OrgPaths()));
  }
  AddTags(b, "tag-keys", KeyKind::kPrincipalTag, &p.tags);
  return p;
}

}  // namespace

Request RandomRequest(Rng& rng, const PolicyDocument& policy, const RandomRequestOptions& options,
                      std::string* raw_query) {
  Candidates candidates = CollectCandidates(rng, policy);
  RequestBuilder b(rng, candidates, options);
  Request r;
  int action = static_cast<int>(rng.Uniform(100));
  if (action < options.connect_percent) {
    r.action = rng.Percent(90) ? std::string(kConnectAction) : "VPC-Lattice-Svcs:connect";
  } else if (action < options.connect_percent + options.other_action_percent) {
    static const Strings* others =
        new Strings{"vpc-lattice-svcs:Other", "vpc-lattice:Invoke", "s3:GetObject"};
    r.action = rng.Pick(*others);
  } else {
    r.action = rng.Percent(95) ? std::string(kInvokeAction) : "vpc-lattice-svcs:invoke";
  }
  r.method = b.Value(RequestField::kMethod, Methods());
  r.path = b.Value(RequestField::kPath, Paths());
  if (r.path.empty() || r.path[0] != '/') r.path = "/" + r.path;
  if (rng.Percent(10)) r.path += rng.Percent(50) ? "/" : "/extra";

  std::string raw = BuildQuery(b, &r.query);
  if (raw_query != nullptr) *raw_query = std::move(raw);

  for (std::string name : b.Names("header-names", HeaderNames(), 2)) {
    if (rng.Percent(20)) {  // mixed case on the wire; AddHeader lower-cases (H1)
      for (char& ch : name) {
        if (ch >= 'a' && ch <= 'z' && rng.Percent(50)) ch = static_cast<char>(ch - 'a' + 'A');
      }
    }
    std::string value =
        b.Value(FieldName(RequestField::kHeaders, AsciiLowerCopy(name)), HeaderValues());
    if (rng.Percent(10)) value = " " + value + "\t";  // trimmed (H3)
    if (rng.Percent(2)) value = std::string(static_cast<size_t>(rng.Range(300, 3000)), 'a') + value;
    if (rng.Percent(1)) value += "\xc3";  // truncated UTF-8 sequence
    r.AddHeader(name, value);
    if (rng.Percent(8))
      r.AddHeader(name, b.Value(FieldName(RequestField::kHeaders, AsciiLowerCopy(name)),
                                HeaderValues()));  // joined (H2)
  }
  if (!b.Absent()) r.source_vpc = b.Present(RequestField::kSourceVpc, Vpcs());
  if (!b.Absent()) {
    r.source_vpc_owner_account = b.Present(RequestField::kSourceVpcOwnerAccount, Accounts());
  }
  if (!b.Absent()) {
    // Mostly the real services; sometimes another region or an ARN with
    // extra colon-separated fields (D1: which Resource `*` may span them).
    static const Strings* svcs = new Strings{
        kSvc, kSvc, kSvc2, kSvc, kSvc, kSvc2,
        "arn:aws:vpc-lattice:eu-west-1:444455556666:service/svc-0123456789abcdef0",
        "arn:aws:vpc-lattice:us:east:1:444455556666:service/svc-0123456789abcdef0"};
    r.service_arn = b.Present(RequestField::kServiceArn, *svcs);
  }
  if (!b.Absent()) {
    static const Strings* sns = new Strings{kSn, kSn2};
    r.service_network_arn = b.Present(RequestField::kServiceNetworkArn, *sns);
  }
  if (!b.Absent()) {
    std::string port = b.Value(RequestField::kPort, Ports());
    int32_t p = 0;
    bool ok = !port.empty() && port.size() <= 5;
    for (char ch : port) {
      ok &= ch >= '0' && ch <= '9';
      if (ok) p = p * 10 + (ch - '0');
    }
    r.port = ok && p <= 65535 ? p : 443;
  }
  if (!rng.Percent(options.anonymous_percent)) r.principal = RandomCaller(b);
  AddTags(b, "rtag-keys", KeyKind::kResourceTag, &r.resource_tags);
  if (!b.Absent()) r.source_ip = b.Present(RequestField::kSourceIp, RequestIps());
  if (!b.Absent()) {
    r.time = rng.Percent(50) ? b.Present(RequestField::kTime, RequestTimes())
                             : b.Value(RequestField::kTimeEpochSeconds, RequestTimes());
  }
  return r;
}

RequestView RawQueryView(const Request& request, std::string_view raw_query) {
  RequestView view = request.view();
  view.query_is_raw = true;
  view.raw_query = raw_query;
  view.query = ParamList();
  return view;
}

}  // namespace latticepol
