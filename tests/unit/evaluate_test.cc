// File: tests/unit/evaluate_test.cc
// Stage: evaluate (reference). Table-driven tests of EvaluateReference: every
// operator family with its absent-key, IfExists, set-operator, NOR and
// variable rules (docs/semantics.md §3), then the principal, action and resource tests
// (docs/semantics.md §1.4-1.6), the decision rule (4.1) and the uncertainty ids. Policies
// are built directly (no parser) so these tests pin the evaluator alone.
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/evaluate.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "testing/policy_builders.h"

namespace latticepol {
namespace {

using ::latticepol::testing::InvokeRequest;
using ::latticepol::testing::MakeCondition;
using ::latticepol::testing::MakeDocument;
using ::latticepol::testing::RoleB;
using ::latticepol::testing::StarStatement;
using Setup = std::function<void(Request*)>;

// ---- Request modifiers -------------------------------------------------------

Setup None() {
  return [](Request*) {};
}
Setup Anon() {
  return [](Request* r) { r->principal.reset(); };
}
Setup Header(std::string name, std::string value) {
  return [=](Request* r) { r->AddHeader(name, value); };
}
Setup Query(std::string raw) {
  return [=](Request* r) { r->AppendRawQuery(raw); };
}
Setup Method(std::string m) {
  return [=](Request* r) { r->method = m; };
}
Setup Path(std::string p) {
  return [=](Request* r) { r->path = p; };
}
Setup Port(int p) {
  return [=](Request* r) {
    if (p < 0) {
      r->port.reset();
    } else {
      r->port = p;
    }
  };
}
Setup Ip(std::string ip) {
  return [=](Request* r) { r->source_ip = ip; };
}
Setup Time(std::string t) {
  return [=](Request* r) { r->time = t; };
}
Setup Owner(std::string acct) {
  return [=](Request* r) { r->source_vpc_owner_account = acct; };
}
Setup Connect() {
  return [](Request* r) { r->action = std::string(kConnectAction); };
}
Setup PrincipalTag(std::string k, std::string v) {
  return [=](Request* r) {
    if (r->principal) r->principal->tags.emplace_back(k, v);
  };
}
Setup ResourceTag(std::string k, std::string v) {
  return [=](Request* r) { r->resource_tags.emplace_back(k, v); };
}
Setup OrgPaths(std::vector<std::string> paths) {
  return [=](Request* r) {
    if (r->principal) r->principal->org_paths = paths;
  };
}
Setup All(std::vector<Setup> steps) {
  return [=](Request* r) {
    for (const Setup& s : steps) s(r);
  };
}

constexpr char kMethod[] = "vpc-lattice-svcs:RequestMethod";
constexpr char kPath[] = "vpc-lattice-svcs:RequestPath";
constexpr char kPort[] = "vpc-lattice-svcs:Port";
constexpr char kOwner[] = "vpc-lattice-svcs:SourceVpcOwnerAccount";
constexpr char kSvc[] = "vpc-lattice-svcs:ServiceArn";
constexpr char kXTeam[] = "vpc-lattice-svcs:RequestHeader/x-team";
constexpr char kQTag[] = "vpc-lattice-svcs:RequestQueryString/tag";
constexpr char kQ[] = "vpc-lattice-svcs:RequestQueryString/q";

// One condition entry in an otherwise matching Allow statement.
struct ClauseCase {
  std::string name;
  std::string op;
  std::string key;
  std::vector<std::string> values;
  Setup setup;
  bool result;
  std::string reason;
  std::vector<DecisionId> ids = {};  // must be recorded in Decision.uncertain
  bool type_error = false;           // Condition::has_type_error (lenient T1)
};

std::ostream& operator<<(std::ostream& os, const ClauseCase& c) {
  return os << c.name;
}

class ClauseTest : public ::testing::TestWithParam<ClauseCase> {};

TEST_P(ClauseTest, EvaluatesEntry) {
  const ClauseCase& c = GetParam();
  Statement s = StarStatement();
  s.actions = {"vpc-lattice-svcs:*"};  // Invoke and Connect
  Condition cond = MakeCondition(c.op, c.key, c.values);
  cond.has_type_error = c.type_error;
  s.conditions.push_back(cond);
  const PolicyDocument doc = MakeDocument({s});
  Request req = InvokeRequest();
  c.setup(&req);
  const Evaluation ev = EvaluateReference(doc, req.view());
  ASSERT_EQ(ev.statements.size(), 1u);
  ASSERT_EQ(ev.statements[0].clauses.size(), 1u);
  const ClauseTrace& t = ev.statements[0].clauses[0];
  EXPECT_EQ(t.result, c.result);
  EXPECT_EQ(t.reason, c.reason);
  EXPECT_EQ(ev.decision.kind,
            c.result ? DecisionKind::kAllow : DecisionKind::kImplicitDeny);
  EXPECT_EQ(ev.decision.statement, c.result ? 0 : -1);
  for (DecisionId id : c.ids) {
    EXPECT_NE(ev.decision.uncertain & Bit(id), 0u)
        << "missing uncertain id " << DecisionIdName(id);
  }
}

using D = DecisionId;
const std::vector<std::string> kBlue = {"111122223333"};

// clang-format off
const ClauseCase kClauseCases[] = {
  // ---- String ---------------------------------------------------------------
  {"StringEqualsHit", "StringEquals", kMethod, {"GET"}, None(), true, "matched"},
  {"StringEqualsMiss", "StringEquals", kMethod, {"POST"}, None(), false, "no-value-matched"},
  {"StringEqualsOr", "StringEquals", kMethod, {"POST", "GET"}, None(), true, "matched"},
  {"StringEqualsCaseSensitive", "StringEquals", kMethod, {"get"}, None(), false, "no-value-matched"},
  {"StringEqualsAbsent", "StringEquals", kXTeam, {"blue"}, None(), false, "absent-positive"},
  {"StringEqualsIfExistsAbsent", "StringEqualsIfExists", kXTeam, {"blue"}, None(), true, "ifexists-absent"},
  {"StringEqualsIfExistsPresentMiss", "StringEqualsIfExists", kXTeam, {"blue"}, Header("x-team", "red"), false, "no-value-matched"},
  {"StringEqualsIfExistsPresentHit", "StringEqualsIfExists", kXTeam, {"blue"}, Header("x-team", "blue"), true, "matched"},
  {"StringNotEqualsAbsent", "StringNotEquals", kXTeam, {"blue"}, None(), true, "absent-negated"},
  {"StringNotEqualsIfExistsAbsent", "StringNotEqualsIfExists", kXTeam, {"blue"}, None(), true, "ifexists-absent"},
  {"StringNotEqualsNone", "StringNotEquals", kMethod, {"POST", "PUT"}, None(), true, "matched"},
  {"StringNotEqualsNorHit", "StringNotEquals", kMethod, {"POST", "GET"}, None(), false, "nor-hit"},
  {"StringEqualsIgnoreCaseHit", "StringEqualsIgnoreCase", kMethod, {"get"}, None(), true, "matched"},
  {"StringEqualsIgnoreCaseNonAscii", "StringEqualsIgnoreCase", kXTeam, {"\xC3\x89QUIPE"}, Header("x-team", "\xC3\xA9quipe"), true, "matched", {D::kO1}},
  {"StringNotEqualsIgnoreCaseHit", "StringNotEqualsIgnoreCase", kMethod, {"get"}, None(), false, "nor-hit"},
  {"StringLikeStar", "StringLike", kPath, {"/api/*"}, Path("/api/x/y"), true, "matched", {D::kK1}},
  {"StringLikeNeedsSlash", "StringLike", kPath, {"/api/*"}, Path("/api"), false, "no-value-matched"},
  {"StringLikeQuestionOne", "StringLike", kPath, {"/v?/items"}, Path("/v1/items"), true, "matched"},
  {"StringLikeQuestionNotTwo", "StringLike", kPath, {"/v?/items"}, Path("/v10/items"), false, "no-value-matched"},
  {"StringLikeNewline", "StringLike", kXTeam, {"a*b"}, Header("x-team", "a\nb"), true, "matched", {D::kO2}},
  {"StringNotLikeHit", "StringNotLike", kPath, {"/admin/*"}, Path("/admin/x"), false, "nor-hit"},
  {"StringNotLikeMiss", "StringNotLike", kPath, {"/admin/*"}, Path("/public"), true, "matched"},
  {"StringOnPortIsCanonicalText", "StringEquals", kPort, {"443"}, None(), true, "matched", {D::kT3}},
  // ---- Set operators and multi-valued keys (3.8, 3.9) -----------------------
  {"ForAnyValueHit", "ForAnyValue:StringEquals", kQTag, {"a"}, Query("tag=b&tag=a"), true, "matched"},
  {"ForAnyValueMiss", "ForAnyValue:StringEquals", kQTag, {"z"}, Query("tag=b&tag=a"), false, "no-value-matched"},
  {"ForAnyValueAbsent", "ForAnyValue:StringEquals", kQTag, {"a"}, None(), false, "foranyvalue-absent"},
  {"ForAnyValueIfExistsAbsent", "ForAnyValue:StringEqualsIfExists", kQTag, {"a"}, None(), false, "foranyvalue-absent"},
  {"ForAllValuesSubset", "ForAllValues:StringEquals", kQTag, {"a", "b"}, Query("tag=a&tag=b"), true, "matched"},
  {"ForAllValuesNotSubset", "ForAllValues:StringEquals", kQTag, {"a", "b"}, Query("tag=a&tag=c"), false, "no-value-matched"},
  {"ForAllValuesAbsent", "ForAllValues:StringEquals", kQTag, {"a"}, None(), true, "forallvalues-absent"},
  {"ForAllValuesIfExistsAbsent", "ForAllValues:StringEqualsIfExists", kQTag, {"a"}, None(), true, "ifexists-absent"},
  {"ForAllValuesNotEqualsDisjoint", "ForAllValues:StringNotEquals", kQTag, {"x"}, Query("tag=a&tag=b"), true, "matched"},
  {"ForAllValuesNotEqualsOverlap", "ForAllValues:StringNotEquals", kQTag, {"x"}, Query("tag=a&tag=x"), false, "nor-hit"},
  {"ForAnyValueNotEqualsOneOutside", "ForAnyValue:StringNotEquals", kQTag, {"a"}, Query("tag=a&tag=b"), true, "matched"},
  {"ForAnyValueNotEqualsAllInside", "ForAnyValue:StringNotEquals", kQTag, {"a"}, Query("tag=a&tag=a"), false, "nor-hit"},
  {"PlainOpOneQueryValue", "StringEquals", kQ, {"blue"}, Query("q=blue"), true, "matched"},
  {"PlainOpTwoQueryValues", "StringEquals", kQ, {"blue"}, Query("q=blue&q=blue"), false, "multi-value-plain-op", {D::kQ2}},
  {"NegatedPlainOpTwoQueryValues", "StringNotEquals", kQ, {"red"}, Query("q=blue&q=green"), false, "multi-value-plain-op", {D::kQ2}},
  {"IfExistsPlainOpTwoQueryValues", "StringEqualsIfExists", kQ, {"blue"}, Query("q=blue&q=blue"), false, "multi-value-plain-op", {D::kQ2}},
  {"QueryKeyCaseSensitive", "StringEquals", kQ, {"blue"}, Query("Q=blue"), false, "absent-positive", {D::kQ1}},
  {"QueryEmptyValue", "StringEquals", kQ, {""}, Query("q"), true, "matched", {D::kQ4}},
  {"OrgPathsForAnyValueLike", "ForAnyValue:StringLike", "aws:PrincipalOrgPaths", {"o-1/r-1/ou-a/*"}, OrgPaths({"o-1/r-1/ou-b/", "o-1/r-1/ou-a/ou-c/"}), true, "matched"},
  {"OrgPathsPlainTwoValues", "StringLike", "aws:PrincipalOrgPaths", {"*"}, OrgPaths({"a/", "b/"}), false, "multi-value-plain-op", {D::kQ2}},
  // ---- Variables (3.5) -------------------------------------------------------
  {"VariableResolves", "StringEquals", kOwner, {"${aws:PrincipalAccount}"}, None(), true, "matched"},
  {"VariableResolvesMiss", "StringEquals", kOwner, {"${aws:PrincipalAccount}"}, Owner("777788889999"), false, "no-value-matched"},
  // D2 (docs/semantics.md §9): aws:PrincipalAccount is `anonymous` for
  // anonymous callers, so the variable resolves (A2 is still recorded).
  {"VariableAnonymousAccountPositive", "StringEquals", kOwner, {"${aws:PrincipalAccount}"}, Anon(), false, "no-value-matched", {D::kA2}},
  {"VariableAnonymousAccountNegated", "StringNotEquals", kOwner, {"${aws:PrincipalAccount}"}, Anon(), true, "matched", {D::kA2}},
  {"VariableAnonymousAccountMatchesAnonymous", "StringEquals", kOwner, {"${aws:PrincipalAccount}"}, All({Anon(), Owner("anonymous")}), true, "matched", {D::kA2}},
  {"VariableAnonymousAccountNegatedOtherValueHits", "StringNotEquals", kOwner, {"${aws:PrincipalAccount}", "111122223333"}, Anon(), false, "nor-hit", {D::kA2}},
  {"VariableAnonymousAccountIgnoresDefault", "StringEquals", kOwner, {"${aws:PrincipalAccount, '111122223333'}"}, Anon(), false, "no-value-matched", {D::kA2}},
  {"VariableUnresolvedPositive", "StringEquals", kOwner, {"${aws:PrincipalOrgID}"}, Anon(), false, "unresolved-variable"},
  {"VariableUnresolvedNegated", "StringNotEquals", kOwner, {"${aws:PrincipalOrgID}"}, Anon(), true, "unresolved-variable"},
  {"VariableUnresolvedNegatedOtherValueHits", "StringNotEquals", kOwner, {"${aws:PrincipalOrgID}", "111122223333"}, Anon(), false, "nor-hit"},
  {"VariableDefault", "StringEquals", kOwner, {"${aws:PrincipalOrgID, '111122223333'}"}, Anon(), true, "matched"},
  {"VariableMultiValuedKeyUnresolved", "StringEquals", kXTeam, {"${aws:PrincipalOrgPaths}"}, All({Header("x-team", "a/"), OrgPaths({"a/"})}), false, "unresolved-variable"},
  {"VariableEscapeStarLiteral", "StringLike", kXTeam, {"a${*}b"}, Header("x-team", "axxb"), false, "no-value-matched"},
  {"VariableEscapeStarMatchesStar", "StringLike", kXTeam, {"a${*}b"}, Header("x-team", "a*b"), true, "matched"},
  {"VariableSubstitutedTextIsLiteral", "StringLike", kXTeam, {"${aws:PrincipalTag/team}"}, All({PrincipalTag("team", "x*"), Header("x-team", "xyz")}), false, "no-value-matched", {D::kV2}},
  {"VariableSubstitutedTextMatchesItself", "StringLike", kXTeam, {"${aws:PrincipalTag/team}"}, All({PrincipalTag("team", "x*"), Header("x-team", "x*")}), true, "matched", {D::kV2}},
  {"VariableUnterminatedIsLiteral", "StringEquals", kXTeam, {"${oops"}, Header("x-team", "${oops"), true, "matched", {D::kV1}},
  {"VariableInArnLike", "ArnLike", "aws:PrincipalArn", {"arn:aws:iam::${aws:PrincipalAccount}:role/*"}, None(), true, "matched"},
  // ---- Numeric ---------------------------------------------------------------
  {"NumericEqualsHit", "NumericEquals", kPort, {"443"}, None(), true, "matched"},
  {"NumericEqualsDecimal", "NumericEquals", kPort, {"443.0"}, None(), true, "matched"},
  {"NumericEqualsMiss", "NumericEquals", kPort, {"80"}, None(), false, "no-value-matched"},
  {"NumericNotEqualsNone", "NumericNotEquals", kPort, {"80", "8080"}, None(), true, "matched"},
  {"NumericNotEqualsNorHit", "NumericNotEquals", kPort, {"80", "443"}, None(), false, "nor-hit"},
  {"NumericLessThan", "NumericLessThan", kPort, {"1000"}, None(), true, "matched"},
  {"NumericLessThanEqualsBoundary", "NumericLessThanEquals", kPort, {"443"}, None(), true, "matched"},
  {"NumericGreaterThanMiss", "NumericGreaterThan", kPort, {"1000"}, None(), false, "no-value-matched"},
  {"NumericGreaterThanEqualsBoundary", "NumericGreaterThanEquals", kPort, {"443"}, None(), true, "matched"},
  {"NumericAbsent", "NumericEquals", kPort, {"443"}, Port(-1), false, "absent-positive"},
  {"NumericNotEqualsAbsent", "NumericNotEquals", kPort, {"443"}, Port(-1), true, "absent-negated"},
  {"NumericIfExistsAbsent", "NumericEqualsIfExists", kPort, {"443"}, Port(-1), true, "ifexists-absent"},
  {"NumericRequestTypeError", "NumericEquals", kXTeam, {"1"}, Header("x-team", "abc"), false, "type-error", {D::kT2}},
  {"NumericNegatedRequestTypeError", "NumericNotEquals", kXTeam, {"1"}, Header("x-team", "abc"), false, "type-error", {D::kT2}},
  {"NumericPolicyTypeError", "NumericEquals", kPort, {"eighty"}, None(), false, "type-error", {D::kT1}, true},
  {"NumericNegatedPolicyTypeError", "NumericNotEquals", kPort, {"eighty"}, None(), false, "type-error", {D::kT1}, true},
  {"NumericPolicyTypeErrorAbsent", "NumericNotEquals", kPort, {"eighty"}, Port(-1), false, "type-error", {D::kT1}, true},
  {"EpochTimeNumeric", "NumericGreaterThan", "aws:EpochTime", {"1600000000"}, Time("2026-11-26T12:00:00Z"), true, "matched", {D::kA5}},
  {"EpochTimeAbsent", "NumericGreaterThan", "aws:EpochTime", {"1600000000"}, None(), false, "absent-positive", {D::kA5}},
  // ---- Date ------------------------------------------------------------------
  {"DateGreaterThan", "DateGreaterThan", "aws:CurrentTime", {"2020-01-01T00:00:00Z"}, Time("2026-11-26T12:00:00Z"), true, "matched", {D::kA5}},
  {"DateLessThanMiss", "DateLessThan", "aws:CurrentTime", {"2020-01-01T00:00:00Z"}, Time("2026-11-26T12:00:00Z"), false, "no-value-matched"},
  {"DateEqualsEpochPolicy", "DateEquals", "aws:CurrentTime", {"1577836800"}, Time("2020-01-01T00:00:00Z"), true, "matched"},
  {"DateAbsent", "DateGreaterThan", "aws:CurrentTime", {"2020-01-01"}, None(), false, "absent-positive", {D::kA5}},
  {"DateNotEqualsAbsent", "DateNotEquals", "aws:CurrentTime", {"2020-01-01"}, None(), true, "absent-negated"},
  {"DateRequestTypeError", "DateEquals", kXTeam, {"2020-01-01"}, Header("x-team", "yesterday"), false, "type-error", {D::kT2}},
  // ---- Bool ------------------------------------------------------------------
  {"BoolSignedIsNotService", "Bool", "aws:PrincipalIsAWSService", {"false"}, None(), true, "matched", {D::kA3}},
  {"BoolCaseInsensitive", "Bool", "aws:PrincipalIsAWSService", {"FALSE"}, None(), true, "matched", {D::kO4}},
  {"BoolMiss", "Bool", "aws:PrincipalIsAWSService", {"true"}, None(), false, "no-value-matched"},
  {"BoolAnonAbsent", "Bool", "aws:PrincipalIsAWSService", {"false"}, Anon(), false, "absent-positive"},
  {"BoolIfExistsAnonAbsent", "BoolIfExists", "aws:PrincipalIsAWSService", {"false"}, Anon(), true, "ifexists-absent"},
  {"BoolRequestTypeError", "Bool", kXTeam, {"true"}, Header("x-team", "yes"), false, "type-error", {D::kT2}},
  // ---- Binary ----------------------------------------------------------------
  {"BinaryEqualsHit", "BinaryEquals", kXTeam, {"aGVsbG8="}, Header("x-team", "hello"), true, "matched"},
  {"BinaryEqualsAbsent", "BinaryEquals", kXTeam, {"aGVsbG8="}, None(), false, "absent-positive"},
  // ---- IP --------------------------------------------------------------------
  {"IpAddressHit", "IpAddress", "aws:SourceIp", {"10.0.0.0/8"}, Ip("10.1.2.3"), true, "matched", {D::kA4}},
  {"IpAddressMiss", "IpAddress", "aws:SourceIp", {"10.0.0.0/8"}, Ip("192.168.1.1"), false, "no-value-matched"},
  {"IpAddressBareV4", "IpAddress", "aws:SourceIp", {"10.1.2.3"}, Ip("10.1.2.3"), true, "matched"},
  {"IpAddressV6", "IpAddress", "aws:SourceIp", {"2001:db8::/32"}, Ip("2001:db8::1"), true, "matched"},
  {"IpAddressBareV6", "IpAddress", "aws:SourceIp", {"2001:db8::1"}, Ip("2001:db8::1"), true, "matched", {D::kO5}},
  {"IpAddressFamilyMismatch", "IpAddress", "aws:SourceIp", {"::/0"}, Ip("10.1.2.3"), false, "no-value-matched"},
  {"NotIpAddressNorHit", "NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, Ip("10.1.2.3"), false, "nor-hit"},
  {"NotIpAddressOutside", "NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, Ip("192.168.1.1"), true, "matched"},
  {"IpAddressAbsent", "IpAddress", "aws:SourceIp", {"10.0.0.0/8"}, None(), false, "absent-positive", {D::kA4}},
  {"NotIpAddressAbsent", "NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, None(), true, "absent-negated"},
  {"IpRequestTypeError", "IpAddress", kXTeam, {"10.0.0.0/8"}, Header("x-team", "not-an-ip"), false, "type-error", {D::kT2}},
  // ---- ARN -------------------------------------------------------------------
  {"ArnLikeFieldwise", "ArnLike", kSvc, {"arn:aws:vpc-lattice:*:*:service/svc-*"}, None(), true, "matched"},
  {"ArnEqualsGlobsToo", "ArnEquals", kSvc, {"arn:aws:vpc-lattice:*:*:service/svc-*"}, None(), true, "matched"},
  {"ArnLikeWrongFieldCount", "ArnLike", kSvc, {"arn:aws:vpc-lattice:*:service/*"}, None(), false, "no-value-matched"},
  {"ArnLikeCaseSensitive", "ArnLike", kSvc, {"arn:aws:vpc-lattice:*:*:Service/*"}, None(), false, "no-value-matched"},
  {"ArnNotLikeAbsent", "ArnNotLike", "aws:PrincipalArn", {"arn:aws:iam::111122223333:role/blue-role"}, Anon(), true, "absent-negated"},
  {"ArnNotLikeHit", "ArnNotLike", "aws:PrincipalArn", {"arn:aws:iam::111122223333:role/blue-role"}, None(), false, "nor-hit"},
  {"ArnNotEqualsOther", "ArnNotEquals", "aws:PrincipalArn", {"arn:aws:iam::111122223333:role/other"}, None(), true, "matched"},
  {"ArnLikeNonArnRequestValue", "ArnLike", kXTeam, {"*"}, Header("x-team", "not-an-arn"), false, "no-value-matched", {D::kO6}},
  {"ArnNotLikeNonArnRequestValue", "ArnNotLike", kXTeam, {"arn:*:*:*:*:*"}, Header("x-team", "not-an-arn"), true, "matched", {D::kO6}},
  {"ArnIfExistsAbsent", "ArnLikeIfExists", "aws:PrincipalArn", {"arn:*:*:*:*:*"}, Anon(), true, "ifexists-absent"},
  // ---- Null ------------------------------------------------------------------
  {"NullTrueAbsent", "Null", "aws:PrincipalArn", {"true"}, Anon(), true, "null-check"},
  {"NullTruePresent", "Null", "aws:PrincipalArn", {"true"}, None(), false, "null-check"},
  {"NullFalsePresent", "Null", "aws:PrincipalArn", {"false"}, None(), true, "null-check"},
  {"NullFalseAbsent", "Null", "aws:PrincipalArn", {"false"}, Anon(), false, "null-check"},
  {"NullCaseInsensitive", "Null", kXTeam, {"TRUE"}, None(), true, "null-check"},
  // ---- Keys (docs/semantics.md §2) -----------------------------------------------------------
  {"PrincipalTypeAnonymous", "StringEquals", "aws:PrincipalType", {"Anonymous"}, Anon(), true, "matched"},
  {"PrincipalTypeSigned", "StringEquals", "aws:PrincipalType", {"AssumedRole"}, None(), true, "matched"},
  // D2: `anonymous` for anonymous callers (an earlier reading of A2 said absent).
  {"PrincipalAccountAnonymous", "StringEquals", "aws:PrincipalAccount", {"111122223333"}, Anon(), false, "no-value-matched", {D::kA2}},
  {"PrincipalAccountAnonymousValue", "StringEquals", "aws:PrincipalAccount", {"anonymous"}, Anon(), true, "matched", {D::kA2}},
  {"PrincipalAccountAnonymousIfExists", "StringEqualsIfExists", "aws:PrincipalAccount", {"111122223333"}, Anon(), false, "no-value-matched", {D::kA2}},
  {"PrincipalAccountAnonymousNegated", "StringNotEquals", "aws:PrincipalAccount", {"111122223333"}, Anon(), true, "matched", {D::kA2}},
  {"PrincipalAccountAnonymousNullTrue", "Null", "aws:PrincipalAccount", {"true"}, Anon(), false, "null-check", {D::kA2}},
  {"PrincipalAccountAnonymousNullFalse", "Null", "aws:PrincipalAccount", {"false"}, Anon(), true, "null-check", {D::kA2}},
  {"PrincipalAccountAnonymousForAnyValue", "ForAnyValue:StringLike", "aws:PrincipalAccount", {"anon*"}, Anon(), true, "matched", {D::kA2}},
  {"PrincipalAccountSigned", "StringEqualsIfExists", "aws:PrincipalAccount", {"111122223333"}, None(), true, "matched"},
  {"PrincipalTagKeyCaseInsensitive", "StringEquals", "aws:PrincipalTag/Team", {"Payments"}, PrincipalTag("team", "Payments"), true, "matched"},
  {"PrincipalTagValueCaseSensitive", "StringEquals", "aws:PrincipalTag/Team", {"Payments"}, PrincipalTag("team", "payments"), false, "no-value-matched"},
  {"ResourceTagForAnon", "StringEquals", "aws:ResourceTag/env", {"prod"}, All({Anon(), ResourceTag("ENV", "prod")}), true, "matched"},
  {"HeaderSuffixExact", "StringEquals", "vpc-lattice-svcs:RequestHeader/X-Team", {"blue"}, Header("x-team", "blue"), false, "absent-positive"},
  {"HeaderValueCaseSensitive", "StringEquals", kXTeam, {"blue"}, Header("x-team", "Blue"), false, "no-value-matched"},
  {"HeaderEmptyPresent", "StringEquals", kXTeam, {""}, Header("x-team", "  "), true, "matched"},
  {"UnknownAwsKeyAbsent", "StringEquals", "aws:username", {"bob"}, None(), false, "absent-positive", {D::kA6}},
  {"UnknownAwsKeyNegated", "StringNotEquals", "aws:username", {"bob"}, None(), true, "absent-negated", {D::kA6}},
  {"MiscasedKeyAbsent", "StringEquals", "vpc-lattice-svcs:requestmethod", {"GET"}, None(), false, "absent-positive", {D::kK2}},
  {"ConnectHasNoMethod", "StringEquals", kMethod, {"GET"}, Connect(), false, "absent-positive", {D::kK1}},
  {"ConnectHasNoPath", "StringNotEquals", kPath, {"/"}, Connect(), true, "absent-negated", {D::kK1}},
  {"ConnectHasPort", "NumericEquals", kPort, {"443"}, Connect(), true, "matched"},
  {"PostMethod", "StringEquals", kMethod, {"POST"}, Method("POST"), true, "matched"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(
    AllFamilies, ClauseTest, ::testing::ValuesIn(kClauseCases),
    [](const ::testing::TestParamInfo<ClauseCase>& info) {
      return info.param.name;
    });

// ---- Variables and versions ---------------------------------------------------

Evaluation EvalOne(const Condition& c, const Request& req,
                   PolicyVersion version, bool has_version) {
  Statement s = StarStatement();
  s.conditions.push_back(c);
  return EvaluateReference(MakeDocument({s}, version, has_version), req.view());
}

TEST(VariablesTest, LiteralUnder2008) {
  const Condition c =
      MakeCondition("StringEquals", kOwner, {"${aws:PrincipalAccount}"});
  Request req = InvokeRequest();
  EXPECT_TRUE(EvalOne(c, req, PolicyVersion::k2012_10_17, true).decision.allowed());
  EXPECT_FALSE(EvalOne(c, req, PolicyVersion::k2008_10_17, true).decision.allowed());
  req.source_vpc_owner_account = "${aws:PrincipalAccount}";
  const Evaluation ev = EvalOne(c, req, PolicyVersion::k2008_10_17, true);
  EXPECT_TRUE(ev.decision.allowed());
  EXPECT_EQ(ev.decision.uncertain & Bit(DecisionId::kG2), 0u);
}

TEST(VariablesTest, MissingVersionIsLiteralAndUncertain) {
  const Condition c =
      MakeCondition("StringEquals", kOwner, {"${aws:PrincipalAccount}"});
  const Evaluation ev =
      EvalOne(c, InvokeRequest(), PolicyVersion::k2008_10_17, false);
  EXPECT_FALSE(ev.decision.allowed());
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kG2), 0u);
}

TEST(VariablesTest, TraceShowsSubstitutedValue) {
  const Condition c =
      MakeCondition("StringEquals", kOwner, {"${aws:PrincipalAccount}"});
  const Evaluation ev =
      EvalOne(c, InvokeRequest("777788889999"), PolicyVersion::k2012_10_17, true);
  const ClauseTrace& t = ev.statements[0].clauses[0];
  EXPECT_THAT(t.policy_values, ::testing::ElementsAre("111122223333"));
  EXPECT_THAT(t.request_values, ::testing::ElementsAre("777788889999"));
  EXPECT_EQ(t.would_pass, "SourceVpcOwnerAccount=111122223333");
}

TEST(QueryTest, RawQueryPercentDecodingIsUncertain) {
  const Condition c = MakeCondition("StringEquals", kQ, {"a b"});
  Statement s = StarStatement();
  s.conditions.push_back(c);
  const PolicyDocument doc = MakeDocument({s});
  Request req = InvokeRequest();
  RequestView view = req.view();
  view.query_is_raw = true;
  view.raw_query = "q=a%20b";
  const Evaluation ev = EvaluateReference(doc, view);
  EXPECT_TRUE(ev.decision.allowed());
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kQ3), 0u);
  view.raw_query = "q=a+b";  // `+` stays literal
  EXPECT_FALSE(EvaluateReference(doc, view).decision.allowed());
  view.raw_query = "x=1&q=a b";
  const Evaluation plain = EvaluateReference(doc, view);
  EXPECT_TRUE(plain.decision.allowed());
  EXPECT_EQ(plain.decision.uncertain & Bit(DecisionId::kQ3), 0u);
}

// ---- Principal (1.4) -----------------------------------------------------------

struct PrincipalCase {
  std::string name;
  std::function<void(Statement*)> principal;
  std::optional<Principal> caller;
  bool applies;
};

std::ostream& operator<<(std::ostream& os, const PrincipalCase& c) {
  return os << c.name;
}

std::function<void(Statement*)> Aws(std::vector<std::string> values,
                                    bool not_principal = false) {
  return [=](Statement* s) {
    s->principal = PrincipalSpec{};
    s->principal.aws = values;
    s->not_principal = not_principal;
  };
}
std::function<void(Statement*)> Wildcard(bool not_principal = false) {
  return [=](Statement* s) {
    s->principal = PrincipalSpec{};
    s->principal.wildcard = true;
    s->not_principal = not_principal;
  };
}

Principal RootCaller() {
  Principal p;
  p.arn = "arn:aws:iam::111122223333:root";
  p.account = "111122223333";
  p.type = "Account";
  return p;
}

Principal UserCaller() {
  Principal p;
  p.arn = "arn:aws:iam::111122223333:user/Alice";
  p.account = "111122223333";
  p.type = "User";
  return p;
}

class PrincipalTest : public ::testing::TestWithParam<PrincipalCase> {};

TEST_P(PrincipalTest, Matches) {
  const PrincipalCase& c = GetParam();
  Statement s = StarStatement();
  c.principal(&s);
  const PolicyDocument doc = MakeDocument({s});
  const Request req = InvokeRequest("111122223333", c.caller);
  const Evaluation ev = EvaluateReference(doc, req.view());
  EXPECT_EQ(ev.statements[0].principal_matched, c.applies);
  EXPECT_EQ(ev.decision.allowed(), c.applies);
}

// clang-format off
const PrincipalCase kPrincipalCases[] = {
  {"StarSigned", Wildcard(), RoleB(), true},
  {"StarAnonymous", Wildcard(), std::nullopt, true},
  {"AccountIdSigned", Aws({"111122223333"}), RoleB(), true},
  {"AccountIdOtherAccount", Aws({"777788889999"}), RoleB(), false},
  {"AccountIdAnonymous", Aws({"111122223333"}), std::nullopt, false},
  {"RootArnIsWholeAccount", Aws({"arn:aws:iam::111122223333:root"}), RoleB(), true},
  {"RootArnAnonymous", Aws({"arn:aws:iam::111122223333:root"}), std::nullopt, false},
  {"RoleArn", Aws({"arn:aws:iam::111122223333:role/blue-role"}), RoleB(), true},
  {"OtherRoleArn", Aws({"arn:aws:iam::111122223333:role/green-role"}), RoleB(), false},
  {"SessionArn", Aws({"arn:aws:sts::111122223333:assumed-role/blue-role/session-1"}), RoleB(), true},
  {"OtherSessionArn", Aws({"arn:aws:sts::111122223333:assumed-role/blue-role/session-2"}), RoleB(), false},
  {"UserArn", Aws({"arn:aws:iam::111122223333:user/Alice"}), UserCaller(), true},
  {"UserArnCaseSensitive", Aws({"arn:aws:iam::111122223333:user/alice"}), UserCaller(), false},
  {"ListIsOr", Aws({"777788889999", "arn:aws:iam::111122223333:role/blue-role"}), RoleB(), true},
  {"NotPrincipalStarExemptsAll", Wildcard(true), RoleB(), false},
  {"NotPrincipalStarExemptsAnon", Wildcard(true), std::nullopt, false},
  {"NotPrincipalRoleOnly", Aws({"arn:aws:iam::111122223333:role/blue-role"}, true), RoleB(), true},
  {"NotPrincipalAccountOnly", Aws({"111122223333"}, true), RoleB(), true},
  {"NotPrincipalAccountAndRole", Aws({"111122223333", "arn:aws:iam::111122223333:role/blue-role"}, true), RoleB(), false},
  {"NotPrincipalRootArnAndRole", Aws({"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/blue-role"}, true), RoleB(), false},
  {"NotPrincipalRootCaller", Aws({"arn:aws:iam::111122223333:root"}, true), RootCaller(), false},
  {"NotPrincipalAnonNotExempt", Aws({"111122223333", "arn:aws:iam::111122223333:role/blue-role"}, true), std::nullopt, true},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(
    Forms, PrincipalTest, ::testing::ValuesIn(kPrincipalCases),
    [](const ::testing::TestParamInfo<PrincipalCase>& info) {
      return info.param.name;
    });

TEST(PrincipalTest, ServicePrincipalNeverMatches) {
  Statement s = StarStatement();
  s.principal = PrincipalSpec{};
  s.principal.service = {"lambda.amazonaws.com"};
  Principal caller = RoleB();
  caller.type = "Service";
  caller.arn = "lambda.amazonaws.com";
  const Request req = InvokeRequest("111122223333", caller);
  const Evaluation ev = EvaluateReference(MakeDocument({s}), req.view());
  EXPECT_FALSE(ev.decision.allowed());
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kPS), 0u);
}

TEST(PrincipalTest, NotPrincipalIsUncertain) {
  Statement s = StarStatement(Effect::kDeny);
  s.principal = PrincipalSpec{};
  s.not_principal = true;
  s.principal.aws = {"111122223333"};
  const Evaluation ev =
      EvaluateReference(MakeDocument({StarStatement(), s}), InvokeRequest().view());
  EXPECT_EQ(ev.decision.kind, DecisionKind::kExplicitDeny);
  EXPECT_EQ(ev.decision.statement, 1);
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kN1), 0u);
}

TEST(PrincipalTest, IdentityPolicyIgnoresPrincipal) {
  Statement s = StarStatement();
  s.principal = PrincipalSpec{};
  PolicyDocument doc = MakeDocument({s});
  doc.is_identity_policy = true;
  EXPECT_TRUE(EvaluateReference(doc, InvokeRequest().view()).decision.allowed());
}

// ---- Action (1.5) ----------------------------------------------------------------

struct ActionCase {
  std::string name;
  std::vector<std::string> actions;
  bool not_action;
  std::string request_action;
  bool matched;
};

std::ostream& operator<<(std::ostream& os, const ActionCase& c) {
  return os << c.name;
}

class ActionTest : public ::testing::TestWithParam<ActionCase> {};

TEST_P(ActionTest, Matches) {
  const ActionCase& c = GetParam();
  Statement s = StarStatement();
  s.actions = c.actions;
  s.not_action = c.not_action;
  Request req = InvokeRequest();
  req.action = c.request_action;
  const Evaluation ev = EvaluateReference(MakeDocument({s}), req.view());
  EXPECT_EQ(ev.statements[0].action_matched, c.matched);
}

// clang-format off
const ActionCase kActionCases[] = {
  {"Exact", {"vpc-lattice-svcs:Invoke"}, false, "vpc-lattice-svcs:Invoke", true},
  {"CaseInsensitive", {"VPC-LATTICE-SVCS:invoke"}, false, "vpc-lattice-svcs:Invoke", true},
  {"Star", {"*"}, false, "vpc-lattice-svcs:Connect", true},
  {"PrefixStar", {"vpc-lattice-svcs:*"}, false, "vpc-lattice-svcs:Connect", true},
  {"ManagementPrefix", {"vpc-lattice:*"}, false, "vpc-lattice-svcs:Invoke", false},
  {"OtherAction", {"vpc-lattice-svcs:Connect"}, false, "vpc-lattice-svcs:Invoke", false},
  {"Question", {"vpc-lattice-svcs:Invok?"}, false, "vpc-lattice-svcs:Invoke", true},
  {"NotActionExcludes", {"vpc-lattice-svcs:Invoke"}, true, "vpc-lattice-svcs:Invoke", false},
  {"NotActionOthers", {"vpc-lattice-svcs:Invoke"}, true, "vpc-lattice-svcs:Connect", true},
  {"ListIsOr", {"vpc-lattice-svcs:Connect", "vpc-lattice-svcs:Invoke"}, false, "vpc-lattice-svcs:Invoke", true},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(
    Forms, ActionTest, ::testing::ValuesIn(kActionCases),
    [](const ::testing::TestParamInfo<ActionCase>& info) {
      return info.param.name;
    });

TEST(ActionTest, QuestionMarkIsUncertain) {
  Statement s = StarStatement();
  s.actions = {"vpc-lattice-svcs:Invok?"};
  const Evaluation ev =
      EvaluateReference(MakeDocument({s}), InvokeRequest().view());
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kA1), 0u);
}

// ---- Resource (1.6) ---------------------------------------------------------------

struct ResourceCase {
  std::string name;
  std::vector<std::string> resources;
  bool not_resource;
  Setup setup;
  bool matched;
};

std::ostream& operator<<(std::ostream& os, const ResourceCase& c) {
  return os << c.name;
}

class ResourceTest : public ::testing::TestWithParam<ResourceCase> {};

TEST_P(ResourceTest, Matches) {
  const ResourceCase& c = GetParam();
  Statement s = StarStatement();
  s.resources = c.resources;
  s.not_resource = c.not_resource;
  Request req = InvokeRequest();
  c.setup(&req);
  const Evaluation ev = EvaluateReference(MakeDocument({s}), req.view());
  EXPECT_EQ(ev.statements[0].resource_matched, c.matched);
}

const std::string kSvcArn(testing::kServiceArn);

// clang-format off
const ResourceCase kResourceCases[] = {
  {"Star", {"*"}, false, None(), true},
  {"StarWithoutServiceArn", {"*"}, false, [](Request* r) { r->service_arn.reset(); }, true},
  {"PatternWithoutServiceArn", {"*/*"}, false, [](Request* r) { r->service_arn.reset(); }, false},
  {"BareServiceArnInvoke", {kSvcArn}, false, None(), false},
  {"BareServiceArnConnect", {kSvcArn}, false, Connect(), true},
  {"ServiceArnSlashStar", {kSvcArn + "/*"}, false, None(), true},
  {"ServiceArnSlash", {kSvcArn + "/"}, false, None(), true},
  {"NoImplicitPrefix", {kSvcArn + "/rates"}, false, Path("/rates/today"), false},
  {"ExactPath", {kSvcArn + "/rates"}, false, Path("/rates"), true},
  {"CaseSensitive", {kSvcArn + "/Rates"}, false, Path("/rates"), false},
  {"RawPathNotDecoded", {kSvcArn + "/a b"}, false, Path("/a%20b"), false},
  {"WholeStringGlob", {"*/rates"}, false, Path("/rates"), true},
  {"WholeStringGlobStarStar", {"*/*"}, false, None(), true},
  {"ArnFieldsGlob", {"arn:aws:vpc-lattice:*:*:service/*"}, false, None(), true},
  {"ArnWrongAccount", {"arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0/*"}, false, None(), false},
  {"ArnQuestion", {"arn:aws:vpc-lattice:us-east-?:*:service/*"}, false, None(), true},
  {"ServiceNetworkNeverMatches", {"arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/*"}, false, None(), false},
  {"NotResourceListed", {kSvcArn + "/public/*"}, true, Path("/public/x"), false},
  {"NotResourceUnlisted", {kSvcArn + "/public/*"}, true, Path("/private/x"), true},
  {"GrpcPath", {kSvcArn + "/api.parking/*"}, false, Path("/api.parking/GetRates"), true},
  {"VariableInResourceField", {"arn:aws:vpc-lattice:*:*:service/*/${aws:PrincipalAccount}/*"}, false, Path("/111122223333/x"), true},
  {"VariableUnresolved", {"arn:aws:vpc-lattice:*:*:service/*/${aws:PrincipalTag/team}/*"}, false, Path("/blue/x"), false},
  {"VariableAnonymousAccount", {"arn:aws:vpc-lattice:*:*:service/*/${aws:PrincipalAccount}/*"}, false, All({Anon(), Path("/anonymous/x")}), true},
  {"VariableAnonymousAccountMiss", {"arn:aws:vpc-lattice:*:*:service/*/${aws:PrincipalAccount}/*"}, false, All({Anon(), Path("/111122223333/x")}), false},
  // D1 (docs/semantics.md §9, IAM Resource element): a `*` ending one of
  // the first five segments, or the pattern, may match across colons; other
  // wildcards there stay inside their segment.
  {"SegmentStarCrossesColons", {"arn:aws:vpc-lattice:*:service/*"}, false, None(), true},
  {"SegmentStarCrossesColonsConnect", {"arn:aws:vpc-lattice:*:service/svc-0123456789abcdef0"}, false, Connect(), true},
  {"SegmentStarCaseSensitive", {"arn:aws:vpc-lattice:*:Service/*"}, false, None(), false},
  {"SegmentPrefixStarCrosses", {"arn:aws:vpc-lattice:us-*:service/*"}, false, None(), true},
  {"PatternEndingStarCrosses", {"arn:aws:vpc-lattice:*"}, false, None(), true},
  {"PatternEndingAccountStarCrosses", {"arn:aws:vpc-lattice:us-east-1:4444*"}, false, Path("/rates"), true},
  {"PatternEndingStarWrongService", {"arn:aws:ec2:*"}, false, None(), false},
  {"ShortPatternWithoutSegmentStar", {"arn:aws:vpc-lattice:us-east-1"}, false, None(), false},
  {"MidSegmentStarStaysInSegment", {"arn:aws:vpc-lattice:*6666*:service/*"}, false, None(), false},
  {"MidSegmentStarInOwnField", {"arn:aws:vpc-lattice:us-east-1:*6666:service/*"}, false, None(), true},
  {"MidSegmentStarCannotReachNextField", {"arn:aws:vpc-lattice:us*6666:service/*"}, false, None(), false},
  {"MidSegmentQuestionIsNotColon", {"arn:aws:vpc-lattice:us-east-1?444455556666:service/*"}, false, None(), false},
  {"MidSegmentStarThenSegmentStar", {"arn:aws:vpc-lattice:*east*:service/*"}, false, None(), true},
  {"SixFieldMidStarStaysInField", {"arn:aws:vpc-lattice:us*1:*:service/*"}, false, None(), true},
  {"SixFieldMidStarMiss", {"arn:aws:vpc-lattice:u*2:*:service/*"}, false, None(), false},
  {"ResourceSegmentStarCrossesColons", {kSvcArn + "/a*"}, false, Path("/a:b:c"), true},
  {"ResourceSegmentQuestionMatchesColon", {kSvcArn + "/a?b"}, false, Path("/a:b"), true},
  {"SegmentStarThenPathWithColon", {"arn:aws:vpc-lattice:*:service/*/x:y"}, false, Path("/x:y"), true},
  {"NotResourceSegmentStar", {"arn:aws:vpc-lattice:*:service/*"}, true, None(), false},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(
    Forms, ResourceTest, ::testing::ValuesIn(kResourceCases),
    [](const ::testing::TestParamInfo<ResourceCase>& info) {
      return info.param.name;
    });

TEST(ResourceTest, RequestResourceArn) {
  Request req = InvokeRequest();
  req.path = "/catalogdetail";
  EXPECT_EQ(RequestResourceArn(req.view()), kSvcArn + "/catalogdetail");
  req.action = std::string(kConnectAction);
  EXPECT_EQ(RequestResourceArn(req.view()), kSvcArn);
  req.service_arn.reset();
  EXPECT_EQ(RequestResourceArn(req.view()), "");
}

TEST(ResourceTest, ServiceNetworkPatternIsUncertain) {
  Statement s = StarStatement();
  s.resources = {std::string(testing::kNetworkArnA) + "/*"};
  const Evaluation ev =
      EvaluateReference(MakeDocument({s}), InvokeRequest().view());
  EXPECT_FALSE(ev.decision.allowed());
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kR2), 0u);
}

// ---- Decision rule (4.1) ----------------------------------------------------------

TEST(DecisionTest, EmptyStatementIsImplicitDenyAndUncertain) {
  const Evaluation ev = EvaluateReference(MakeDocument({}), InvokeRequest().view());
  EXPECT_EQ(ev.decision.kind, DecisionKind::kImplicitDeny);
  EXPECT_EQ(ev.decision.statement, -1);
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kG3), 0u);
}

TEST(DecisionTest, DenyWinsAndLowestIndexReported) {
  Statement deny = StarStatement(Effect::kDeny);
  const PolicyDocument doc = MakeDocument(
      {StarStatement(), StarStatement(), deny, StarStatement(Effect::kDeny)});
  const Evaluation ev = EvaluateReference(doc, InvokeRequest().view());
  EXPECT_EQ(ev.decision.kind, DecisionKind::kExplicitDeny);
  EXPECT_EQ(ev.decision.statement, 2);
  EXPECT_EQ(ev.decision.uncertain, 0u);
}

TEST(DecisionTest, LowestApplicableAllow) {
  Statement miss = StarStatement();
  miss.conditions.push_back(MakeCondition("StringEquals", kMethod, {"POST"}));
  const PolicyDocument doc = MakeDocument({miss, StarStatement(), StarStatement()});
  const Evaluation ev = EvaluateReference(doc, InvokeRequest().view());
  EXPECT_EQ(ev.decision.kind, DecisionKind::kAllow);
  EXPECT_EQ(ev.decision.statement, 1);
}

TEST(DecisionTest, InertDenyDoesNotDeny) {
  Statement deny = StarStatement(Effect::kDeny);
  deny.conditions.push_back(MakeCondition("StringEquals", kMethod, {"DELETE"}));
  const Evaluation ev = EvaluateReference(MakeDocument({deny, StarStatement()}),
                                          InvokeRequest().view());
  EXPECT_EQ(ev.decision.kind, DecisionKind::kAllow);
  EXPECT_EQ(ev.decision.statement, 1);
}

TEST(DecisionTest, NoShortCircuitTracesEverything) {
  Statement s0 = StarStatement(Effect::kDeny);
  s0.actions = {"vpc-lattice:*"};  // fails the action test...
  s0.conditions.push_back(MakeCondition("StringEquals", kMethod, {"POST"}));
  s0.conditions.push_back(MakeCondition("StringLike", kPath, {"/*"}));  // ...still evaluated
  const PolicyDocument doc = MakeDocument({s0, StarStatement()});
  const Evaluation ev = EvaluateReference(doc, InvokeRequest().view());
  ASSERT_EQ(ev.statements.size(), 2u);
  ASSERT_EQ(ev.statements[0].clauses.size(), 2u);
  EXPECT_FALSE(ev.statements[0].action_matched);
  EXPECT_FALSE(ev.statements[0].clauses[0].result);
  EXPECT_TRUE(ev.statements[0].clauses[1].result);
  EXPECT_EQ(ev.statements[0].failed_elements, 2);
  EXPECT_FALSE(ev.statements[0].applies);
  EXPECT_TRUE(ev.statements[1].applies);
  EXPECT_EQ(ev.statements[1].request_resource, kSvcArn + "/");
  // RequestPath was evaluated in the statement that does not apply: K1.
  EXPECT_NE(ev.decision.uncertain & Bit(DecisionId::kK1), 0u);
}

TEST(DecisionTest, FailedElementsCountsPrincipalActionResource) {
  Statement s = StarStatement();
  s.principal = PrincipalSpec{};
  s.principal.aws = {"777788889999"};
  s.actions = {"vpc-lattice-svcs:Connect"};
  s.resources = {"arn:aws:vpc-lattice:*:*:service/other/*"};
  s.conditions.push_back(MakeCondition("StringEquals", kMethod, {"GET"}));
  const Evaluation ev = EvaluateReference(MakeDocument({s}), InvokeRequest().view());
  EXPECT_EQ(ev.statements[0].failed_elements, 3);
}

TEST(WouldPassTest, Formats) {
  Statement s = StarStatement();
  s.conditions.push_back(MakeCondition("StringEquals", kQ, {"blue"}));
  s.conditions.push_back(MakeCondition("StringEquals", kXTeam, {"blue"}));
  s.conditions.push_back(MakeCondition("StringEquals", kMethod, {"GET"}));
  s.conditions.push_back(MakeCondition("NumericEquals", kPort, {"80"}));
  s.conditions.push_back(MakeCondition("StringEquals", kOwner, {"a", "b"}));
  s.conditions.push_back(MakeCondition("StringNotEquals", kMethod, {"GET"}));
  Request req = InvokeRequest();
  req.method = "POST";
  req.AppendRawQuery("q=green");
  const Evaluation ev = EvaluateReference(MakeDocument({s}), req.view());
  const std::vector<ClauseTrace>& c = ev.statements[0].clauses;
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0].would_pass, "q=blue");
  EXPECT_EQ(c[1].would_pass, "x-team: blue");  // absent-positive
  EXPECT_EQ(c[2].would_pass, "RequestMethod=GET");
  EXPECT_EQ(c[3].would_pass, "Port=80");
  EXPECT_EQ(c[4].would_pass, "");  // no single obvious value
  EXPECT_TRUE(c[5].result);
  EXPECT_EQ(c[5].would_pass, "");
}

// Issue 16 item 6: a long request value is cut in every clause trace, so a
// trace does not grow with statements x value size.
TEST(TraceTest, LongRequestValuesAreCutInTraces) {
  std::vector<Statement> statements;
  for (int i = 0; i < 220; ++i) {
    Statement s = StarStatement();
    s.conditions.push_back(MakeCondition(
        "StringEquals", "vpc-lattice-svcs:RequestQueryString/q", {std::to_string(i)}));
    statements.push_back(std::move(s));
  }
  const PolicyDocument doc = MakeDocument(std::move(statements));
  Request r = InvokeRequest();
  // Two-byte characters, so the cut must find a UTF-8 boundary.
  std::string value;
  for (int i = 0; i < (1 << 19); ++i) value += "\xc3\xa9";
  value += "x";
  r.query = {{"q", value}};
  const Evaluation e = EvaluateReference(doc, r.view());
  EXPECT_EQ(e.decision.kind, DecisionKind::kImplicitDeny);
  size_t bytes = 0;
  for (const StatementTrace& st : e.statements) {
    for (const ClauseTrace& c : st.clauses) {
      for (const std::string& v : c.request_values) {
        bytes += v.size();
        EXPECT_LE(v.size(), kTraceValueBytes + 32);
        EXPECT_THAT(v, ::testing::EndsWith("...[" + std::to_string(value.size() - kTraceValueBytes) +
                                           " bytes cut]"));
        EXPECT_EQ(v.substr(0, 4), "\xc3\xa9\xc3\xa9");
      }
    }
  }
  EXPECT_GT(bytes, 0u);
  EXPECT_LE(bytes, 220 * (kTraceValueBytes + 32));
}

TEST(TraceTest, ShortRequestValuesAreKept) {
  Statement s = StarStatement();
  s.conditions.push_back(
      MakeCondition("StringEquals", "vpc-lattice-svcs:RequestQueryString/q", {"blue"}));
  Request r = InvokeRequest();
  const std::string value(kTraceValueBytes, 'a');
  r.query = {{"q", value}};
  const Evaluation e = EvaluateReference(MakeDocument({s}), r.view());
  ASSERT_EQ(e.statements.size(), 1u);
  ASSERT_EQ(e.statements[0].clauses.size(), 1u);
  EXPECT_EQ(e.statements[0].clauses[0].request_values, std::vector<std::string>{value});
}

}  // namespace
}  // namespace latticepol
