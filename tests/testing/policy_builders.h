// File: tests/testing/policy_builders.h
// Test support for the reference evaluator tests: the accounts and ARNs of
// docs/semantics.md §7, request builders (signed blue role, anonymous caller) and
// small PolicyDocument builders that do not go through the parser.
#ifndef LATTICEPOL_TESTS_TESTING_POLICY_BUILDERS_H_
#define LATTICEPOL_TESTS_TESTING_POLICY_BUILDERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol::testing {

// docs/semantics.md §7 accounts: blue 1111..., green 7777..., other 9999...,
// service owner 4444....
inline constexpr std::string_view kBlueAccount = "111122223333";
inline constexpr std::string_view kGreenAccount = "777788889999";
inline constexpr std::string_view kOtherAccount = "999999999999";
inline constexpr std::string_view kOwnerAccount = "444455556666";
inline constexpr std::string_view kServiceArn =
    "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";
inline constexpr std::string_view kNetworkArnA =
    "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0";
inline constexpr std::string_view kNetworkArnB =
    "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0fedcba987654321f";
inline constexpr std::string_view kRoleBArn =
    "arn:aws:iam::111122223333:role/blue-role";
inline constexpr std::string_view kRoleBSessionArn =
    "arn:aws:sts::111122223333:assumed-role/blue-role/session-1";

// The signed blue role (roleB of docs/semantics.md §7).
Principal RoleB();

// An Invoke request `GET /` to kServiceArn through kNetworkArnA on port 443,
// from a VPC owned by `vpc_owner`, by `principal` (nullopt = anonymous).
Request InvokeRequest(std::string_view vpc_owner = kBlueAccount,
                      std::optional<Principal> principal = RoleB());

// Parses `json`, failing the current test (ADD_FAILURE) on errors.
PolicyDocument MustParse(std::string_view json, const ParseOptions& options = {});

// `{"Effect":..,"Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}`
// with `extra` (e.g. `"Condition":{...}`) appended inside the object.
std::string AStar(std::string_view extra = "", std::string_view effect = "Allow");

// `{"Version":"2012-10-17","Statement":[s1,s2,...]}`.
std::string PolicyJson(const std::vector<std::string>& statements,
                       std::string_view version = "2012-10-17");

// ---- Builders that bypass the parser --------------------------------------

// Allow/Deny, Principal "*", Action vpc-lattice-svcs:Invoke, Resource "*".
Statement StarStatement(Effect effect = Effect::kAllow);

// A condition entry from an operator name as written
// ("ForAnyValue:StringEqualsIfExists"), a key name and policy values.
Condition MakeCondition(std::string_view operator_as_written,
                        std::string_view key,
                        std::vector<std::string> values);

// A 2012-10-17 document with the given statements (indices and pointers set).
PolicyDocument MakeDocument(std::vector<Statement> statements,
                            PolicyVersion version = PolicyVersion::k2012_10_17,
                            bool has_version = true);

}  // namespace latticepol::testing

#endif  // LATTICEPOL_TESTS_TESTING_POLICY_BUILDERS_H_
