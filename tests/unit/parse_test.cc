// File: tests/unit/parse_test.cc
// Stage: parse. Table of bad policies (issue code, JSON pointer, line:column,
// severity), good policies in every element form, strict-vs-lenient
// differences and the seed blue/green policy.
//
// The table's line:column values were computed from the policy text
// independently of the parser (by locating the offending token), so a wrong
// offset in the parser fails the test.
#include "latticepol/parse.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/issue.h"
#include "latticepol/policy.h"

namespace latticepol {
namespace {

using namespace std::string_view_literals;  // NOLINT: the table embeds NUL bytes
using ::testing::ElementsAre;
using ::testing::HasSubstr;

enum Mode { kStrict, kLenient, kIdentity };

struct BadPolicyCase {
  const char* name;
  std::string_view policy;
  Mode mode;
  const char* code;
  const char* pointer;
  int line;
  int column;
  Severity severity;
};

const BadPolicyCase kBadPolicies[] = {
    {"syntax_missing_value",
     "{\"Version\":\"2012-10-17\",\"Statement\":[}"sv,
     kStrict, "json-syntax", "", 1, 38, Severity::kError},
    {"syntax_trailing_comma",
     "{\"Version\":\"2012-10-17\",}"sv,
     kStrict, "json-syntax", "", 1, 25, Severity::kError},
    {"syntax_multiline",
     "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\"\n  ]\n}"sv,
     kLenient, "json-syntax", "", 5, 3, Severity::kError},
    {"syntax_invalid_utf8",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Sid\":\"caf\xc3""\"}]}"sv,
     kStrict, "json-syntax", "", 1, 132, Severity::kError},
    {"syntax_nul_byte",
     "{\"Version\":\"2012-10-17\",\x00""}"sv,
     kStrict, "json-syntax", "", 1, 25, Severity::kError},
    {"syntax_trailing_garbage",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]} x"sv,
     kStrict, "json-syntax", "", 1, 125, Severity::kError},
    {"empty_policy",
     "   "sv,
     kStrict, "empty-policy", "", 1, 1, Severity::kError},
    {"root_not_object",
     "[\"Statement\"]"sv,
     kStrict, "invalid-type", "", 1, 1, Severity::kError},
    {"missing_statement",
     "{\"Version\":\"2012-10-17\"}"sv,
     kStrict, "missing-statement", "", 1, 1, Severity::kError},
    {"miscased_top_level",
     "{\"Version\":\"2012-10-17\",\"statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "unknown-element", "/statement", 1, 25, Severity::kError},
    {"duplicate_version",
     "{\"Version\":\"2012-10-17\",\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "duplicate-key", "/Version", 1, 25, Severity::kError},
    {"duplicate_condition_key",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalType\":\"User\",\"aws:PrincipalType\":\"AssumedRole\"}}}]}"sv,
     kStrict, "duplicate-key", "/Statement/0/Condition/StringEquals/aws:PrincipalType", 1, 178, Severity::kError},
    {"duplicate_operator",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalType\":\"User\"},\"StringEquals\":{\"aws:PrincipalAccount\":\"111122223333\"}}}]}"sv,
     kStrict, "duplicate-key", "/Statement/0/Condition/StringEquals", 1, 179, Severity::kError},
    {"duplicate_principal_type",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\",\"AWS\":\"111122223333\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "duplicate-key", "/Statement/0/Principal/AWS", 1, 79, Severity::kError},
    {"invalid_version",
     "{\"Version\":\"2012-10-18\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-version", "/Version", 1, 12, Severity::kError},
    {"version_not_string",
     "{\"Version\":2012,\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-type", "/Version", 1, 12, Severity::kError},
    {"id_not_string",
     "{\"Version\":\"2012-10-17\",\"Id\":7,\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-type", "/Id", 1, 30, Severity::kError},
    {"statement_string",
     "{\"Version\":\"2012-10-17\",\"Statement\":\"Allow\"}"sv,
     kStrict, "invalid-type", "/Statement", 1, 37, Severity::kError},
    {"statement_element_number",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"},1]}"sv,
     kStrict, "invalid-type", "/Statement/1", 1, 123, Severity::kError},
    {"missing_effect",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "missing-effect", "/Statement/0", 1, 38, Severity::kError},
    {"lowercase_effect",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-effect", "/Statement/0/Effect", 1, 48, Severity::kError},
    {"effect_not_string",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":true,\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Effect", 1, 48, Severity::kError},
    {"unknown_statement_element",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Actions\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "unknown-element", "/Statement/0/Actions", 1, 72, Severity::kError},
    {"unknown_element_single_statement",
     "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Conditions\":{}}}"sv,
     kStrict, "unknown-element", "/Statement/Conditions", 1, 121, Severity::kError},
    {"sid_not_string",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Sid\":1}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Sid", 1, 128, Severity::kError},
    {"principal_and_not_principal",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotPrincipal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "conflicting-elements", "/Statement/0/NotPrincipal", 1, 71, Severity::kError},
    {"missing_principal",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "missing-principal", "/Statement/0", 1, 38, Severity::kError},
    {"missing_action",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}]}"sv,
     kStrict, "missing-action", "/Statement/0", 1, 38, Severity::kError},
    {"missing_resource",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\"}]}"sv,
     kStrict, "missing-resource", "/Statement/0", 1, 38, Severity::kError},
    {"action_and_not_action",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"NotAction\":\"vpc-lattice-svcs:Connect\",\"Resource\":\"*\"}]}"sv,
     kStrict, "conflicting-elements", "/Statement/0/NotAction", 1, 85, Severity::kError},
    {"resource_and_not_resource",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"NotResource\":\"*\"}]}"sv,
     kStrict, "conflicting-elements", "/Statement/0/NotResource", 1, 122, Severity::kError},
    {"principal_bare_account",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"111122223333\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-principal", "/Statement/0/Principal", 1, 68, Severity::kError},
    {"principal_wildcard_role",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/*\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "principal-wildcard", "/Statement/0/Principal/AWS", 1, 75, Severity::kError},
    {"principal_wildcard_in_array",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"111122223333\",\"arn:aws:iam::*:root\"]},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "principal-wildcard", "/Statement/0/Principal/AWS/1", 1, 91, Severity::kError},
    {"principal_numeric_account",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":111122223333},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "numeric-account-id", "/Statement/0/Principal/AWS", 1, 75, Severity::kError},
    {"principal_numeric_account_in_array",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"777788889999\",111122223333]},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "numeric-account-id", "/Statement/0/Principal/AWS/1", 1, 91, Severity::kError},
    {"principal_malformed_arn",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::1111:role/app\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-principal", "/Statement/0/Principal/AWS", 1, 75, Severity::kError},
    {"principal_miscased_type",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"aws\":\"*\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "unknown-principal-type", "/Statement/0/Principal/aws", 1, 69, Severity::kError},
    {"principal_federated_strict",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "unsupported-principal-type", "/Statement/0/Principal/Federated", 1, 81, Severity::kError},
    {"principal_empty_object",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "empty-principal", "/Statement/0/Principal", 1, 68, Severity::kError},
    {"principal_number",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":5,\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Principal", 1, 68, Severity::kError},
    {"not_principal_with_allow",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "not-principal-with-allow", "/Statement/0/NotPrincipal", 1, 56, Severity::kError},
    {"identity_policy_with_principal",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kIdentity, "principal-not-allowed", "/Statement/0/Principal", 1, 56, Severity::kError},
    {"action_without_prefix",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-action", "/Statement/0/Action", 1, 81, Severity::kError},
    {"action_number",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":5,\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Action", 1, 81, Severity::kError},
    {"action_empty_array",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[],\"Resource\":\"*\"}]}"sv,
     kStrict, "empty-list", "/Statement/0/Action", 1, 81, Severity::kError},
    {"action_array_with_number",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"vpc-lattice-svcs:Invoke\",7],\"Resource\":\"*\"}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Action/1", 1, 108, Severity::kError},
    {"resource_service_wildcard",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"arn:aws:vpc-lattice*:us-east-1:111122223333:service/svc-0123456789abcdef0/*\"}]}"sv,
     kStrict, "resource-service-wildcard", "/Statement/0/Resource", 1, 118, Severity::kError},
    {"resource_service_network",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":[\"*\",\"arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0123456789abcdef0/*\"]}]}"sv,
     kStrict, "service-network-resource", "/Statement/0/Resource/1", 1, 123, Severity::kError},
    {"resource_empty_string",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"\"}]}"sv,
     kStrict, "invalid-resource", "/Statement/0/Resource", 1, 118, Severity::kError},
    {"resource_short_arn",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"arn:aws:vpc-lattice:us-east-1:service/svc-1\"}]}"sv,
     kStrict, "resource-arn-field-count", "/Statement/0/Resource", 1, 118, Severity::kError},
    {"condition_array",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":[]}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Condition", 1, 134, Severity::kError},
    {"unknown_operator_typo",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringLikee\":{\"vpc-lattice-svcs:RequestPath\":\"/api/*\"}}}]}"sv,
     kStrict, "unknown-operator", "/Statement/0/Condition/StringLikee", 1, 135, Severity::kError},
    {"unknown_operator_lowercase",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"stringequals\":{\"vpc-lattice-svcs:RequestMethod\":\"GET\"}}}]}"sv,
     kStrict, "unknown-operator", "/Statement/0/Condition/stringequals", 1, 135, Severity::kError},
    {"null_if_exists",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"NullIfExists\":{\"aws:PrincipalArn\":\"true\"}}}]}"sv,
     kStrict, "invalid-null-operator", "/Statement/0/Condition/NullIfExists", 1, 135, Severity::kError},
    {"null_set_prefix",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"ForAnyValue:Null\":{\"aws:PrincipalArn\":\"true\"}}}]}"sv,
     kStrict, "invalid-null-operator", "/Statement/0/Condition/ForAnyValue:Null", 1, 135, Severity::kError},
    {"operator_block_string",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":\"GET\"}}]}"sv,
     kStrict, "invalid-type", "/Statement/0/Condition/StringEquals", 1, 150, Severity::kError},
    {"condition_empty_values",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":[]}}}]}"sv,
     kStrict, "empty-list", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMethod", 1, 184, Severity::kError},
    {"condition_nested_object",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalType\":{\"a\":\"b\"}}}}]}"sv,
     kStrict, "invalid-condition-value", "/Statement/0/Condition/StringEquals/aws:PrincipalType", 1, 171, Severity::kError},
    {"condition_nested_array",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":[\"GET\",[\"POST\"]]}}}]}"sv,
     kStrict, "invalid-condition-value", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMethod/1", 1, 191, Severity::kError},
    {"condition_null_value",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestMethod\":null}}}]}"sv,
     kStrict, "invalid-condition-value", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMethod", 1, 184, Severity::kError},
    {"miscased_key_strict",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:requestmethod\":\"GET\"}}}]}"sv,
     kStrict, "miscased-condition-key", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:requestmethod", 1, 151, Severity::kError},
    {"uppercase_header_strict",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestHeader/X-Team\":\"blue\"}}}]}"sv,
     kStrict, "uppercase-header-name", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestHeader~1X-Team", 1, 151, Severity::kError},
    {"numeric_word",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"NumericEquals\":{\"vpc-lattice-svcs:Port\":\"eighty\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/NumericEquals/vpc-lattice-svcs:Port", 1, 176, Severity::kError},
    {"numeric_exponent",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"NumericLessThan\":{\"vpc-lattice-svcs:Port\":[80,1e3]}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/NumericLessThan/vpc-lattice-svcs:Port/1", 1, 182, Severity::kError},
    {"ip_bad_octet",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.300/8\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/IpAddress/aws:SourceIp", 1, 163, Severity::kError},
    {"date_word",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"yesterday\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/DateGreaterThan/aws:CurrentTime", 1, 172, Severity::kError},
    {"bool_yes",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:PrincipalIsAWSService\":\"yes\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/Bool/aws:PrincipalIsAWSService", 1, 171, Severity::kError},
    {"arn_not_arn",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"ArnEquals\":{\"vpc-lattice-svcs:ServiceArn\":\"svc-0123456789abcdef0\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/ArnEquals/vpc-lattice-svcs:ServiceArn", 1, 178, Severity::kError},
    {"binary_not_base64",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"BinaryEquals\":{\"aws:PrincipalTag/blob\":\"not base64!\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/BinaryEquals/aws:PrincipalTag~1blob", 1, 175, Severity::kError},
    {"null_maybe",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"Null\":{\"aws:PrincipalArn\":\"maybe\"}}}]}"sv,
     kStrict, "condition-type-error", "/Statement/0/Condition/Null/aws:PrincipalArn", 1, 162, Severity::kError},
    {"newlines_strict",
     "{\n\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "policy-has-newlines", "", 1, 2, Severity::kError},
    {"newlines_lenient",
     "{\n\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kLenient, "policy-has-newlines", "", 1, 2, Severity::kWarning},
    {"federated_lenient",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kLenient, "unsupported-principal-type", "/Statement/0/Principal/Federated", 1, 81, Severity::kWarning},
    {"miscased_key_lenient",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:requestmethod\":\"GET\"}}}]}"sv,
     kLenient, "miscased-condition-key", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:requestmethod", 1, 151, Severity::kWarning},
    {"numeric_word_lenient",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"NumericEquals\":{\"vpc-lattice-svcs:Port\":\"eighty\"}}}]}"sv,
     kLenient, "condition-type-error", "/Statement/0/Condition/NumericEquals/vpc-lattice-svcs:Port", 1, 176, Severity::kWarning},
    {"service_network_lenient",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0123456789abcdef0\"}]}"sv,
     kLenient, "service-network-resource", "/Statement/0/Resource", 1, 118, Severity::kWarning},
    {"not_principal_allow_lenient",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kLenient, "not-principal-with-allow", "/Statement/0/NotPrincipal", 1, 56, Severity::kWarning},
    {"missing_version",
     "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "missing-version", "", 1, 1, Severity::kWarning},
    {"empty_statement_list",
     "{\"Version\":\"2012-10-17\",\"Statement\":[]}"sv,
     kStrict, "empty-statement-list", "/Statement", 1, 37, Severity::kWarning},
    {"sid_with_dash",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Sid\":\"allow-blue\"}]}"sv,
     kStrict, "sid-not-alphanumeric", "/Statement/0/Sid", 1, 128, Severity::kWarning},
    {"duplicate_sid",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Sid\":\"A\"},{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Sid\":\"A\"}]}"sv,
     kStrict, "duplicate-sid", "/Statement/1/Sid", 1, 223, Severity::kWarning},
    {"service_principal",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "service-principal", "/Statement/0/Principal/Service", 1, 79, Severity::kWarning},
    {"not_principal_deny",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\"}]}"sv,
     kStrict, "not-principal", "/Statement/0/NotPrincipal", 1, 55, Severity::kWarning},
    {"unknown_action",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"vpc-lattice-svcs:Invoke\",\"vpc-lattice-svcs:Invok\"],\"Resource\":\"*\"}]}"sv,
     kStrict, "unknown-action", "/Statement/0/Action/1", 1, 108, Severity::kWarning},
    {"management_action",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice:*\",\"Resource\":\"*\"}]}"sv,
     kStrict, "management-action", "/Statement/0/Action", 1, 81, Severity::kWarning},
    {"resource_not_arn",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"svc-0123456789abcdef0\"}]}"sv,
     kStrict, "resource-not-arn", "/Statement/0/Resource", 1, 118, Severity::kWarning},
    {"unknown_condition_key",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:RequestMetod\":\"GET\"}}}]}"sv,
     kStrict, "unknown-condition-key", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestMetod", 1, 151, Severity::kWarning},
    {"absent_global_key",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-0abc\"}}}]}"sv,
     kStrict, "unknown-condition-key", "/Statement/0/Condition/StringEquals/aws:SourceVpc", 1, 151, Severity::kWarning},
    {"variable_in_numeric",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"NumericEquals\":{\"vpc-lattice-svcs:Port\":\"${aws:PrincipalTag/port}\"}}}]}"sv,
     kLenient, "variable-not-allowed", "/Statement/0/Condition/NumericEquals/vpc-lattice-svcs:Port", 1, 176, Severity::kWarning},
    {"variable_under_2008",
     "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"vpc-lattice-svcs:SourceVpcOwnerAccount\":\"${aws:PrincipalAccount}\"}}}]}"sv,
     kStrict, "inactive-variable", "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:SourceVpcOwnerAccount", 1, 192, Severity::kWarning},
    {"arn_pattern_field_count",
     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\",\"Resource\":\"*\",\"Condition\":{\"ArnLike\":{\"vpc-lattice-svcs:ServiceArn\":\"arn:aws:vpc-lattice:*:service/*\"}}}]}"sv,
     kStrict, "arn-pattern-field-count", "/Statement/0/Condition/ArnLike/vpc-lattice-svcs:ServiceArn", 1, 176, Severity::kWarning},
};

void PrintTo(const BadPolicyCase& c, std::ostream* os) { *os << c.name; }

ParseOptions OptionsFor(Mode mode) {
  ParseOptions options;
  options.strict = mode != kLenient;
  options.identity_policy = mode == kIdentity;
  return options;
}

class BadPolicyTest : public testing::TestWithParam<BadPolicyCase> {};

TEST_P(BadPolicyTest, ReportsCodePointerAndPosition) {
  const BadPolicyCase& c = GetParam();
  const ParseResult r = ParsePolicy(c.policy, OptionsFor(c.mode));
  const Issue* found = nullptr;
  for (const Issue& issue : r.issues) {
    if (issue.code == c.code && issue.location.json_pointer == c.pointer) {
      found = &issue;
      break;
    }
  }
  ASSERT_NE(found, nullptr) << "expected [" << c.code << "] at `" << c.pointer << "`, got:\n"
                            << FormatIssues(r.issues, c.name);
  EXPECT_EQ(found->location.line, c.line) << FormatIssue(*found, c.name);
  EXPECT_EQ(found->location.column, c.column) << FormatIssue(*found, c.name);
  EXPECT_EQ(found->severity, c.severity) << FormatIssue(*found, c.name);
  // An error case must make the result invalid; a warning case must not.
  EXPECT_EQ(r.ok(), c.severity == Severity::kWarning) << FormatIssues(r.issues, c.name);
  // House style: one lowercase line (or user input first), no final period.
  for (const Issue& issue : r.issues) {
    EXPECT_EQ(issue.message.find('\n'), std::string::npos) << issue.message;
    ASSERT_FALSE(issue.message.empty());
    EXPECT_NE(issue.message.back(), '.') << issue.message;
    EXPECT_FALSE(std::isupper(static_cast<unsigned char>(issue.message[0]))) << issue.message;
    EXPECT_FALSE(issue.code.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BadPolicyTest, testing::ValuesIn(kBadPolicies),
                         [](const testing::TestParamInfo<BadPolicyCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(BadPolicyTableTest, HasAtLeastFortyErrorCasesAndEveryCodeIsDocumented) {
  int errors = 0;
  for (const BadPolicyCase& c : kBadPolicies) errors += c.severity == Severity::kError;
  EXPECT_GE(errors, 40);
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/docs/issue-codes.md");
  ASSERT_TRUE(in) << "docs/issue-codes.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const BadPolicyCase& c : kBadPolicies) {
    EXPECT_THAT(doc.str(), HasSubstr(std::string("`") + c.code + "`")) << c.name;
  }
}

// ---- Helpers for the good-policy tests ---------------------------------------

constexpr std::string_view kSeedPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowBlue","Effect":"Allow","Principal":"*",)"
    R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{)"
    R"("vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":"blue",)"
    R"("vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}},{"Sid":"AllowGreen","Effect":)"
    R"("Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{)"
    R"("StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET","vpc-lattice-svcs:RequestQueryString/q":)"
    R"("green","vpc-lattice-svcs:SourceVpcOwnerAccount":"222222222222"}}}]})";

// Wraps one statement body (without braces) into a 2012 policy.
std::string OneStatement(std::string_view body) {
  return std::string(R"({"Version":"2012-10-17","Statement":[{)") + std::string(body) + "}]}";
}

std::string WithCondition(std::string_view condition) {
  return OneStatement(
      std::string(R"("Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke",)"
                  R"("Resource":"*","Condition":)") +
      std::string(condition));
}

std::vector<std::string> Codes(const ParseResult& r) {
  std::vector<std::string> codes;
  for (const Issue& issue : r.issues) codes.push_back(issue.code);
  return codes;
}

ParseResult MustParse(std::string_view text, const ParseOptions& options = {}) {
  ParseResult r = ParsePolicy(text, options);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "policy");
  return r;
}

// ---- The seed blue/green policy -------------------------------------------------

TEST(ParseSeedPolicyTest, ParsesWithoutIssues) {
  const ParseResult r = MustParse(kSeedPolicy);
  EXPECT_TRUE(r.issues.empty()) << FormatIssues(r.issues, "seed");
  const PolicyDocument& doc = r.doc;
  EXPECT_TRUE(doc.has_version);
  EXPECT_EQ(doc.version, PolicyVersion::k2012_10_17);
  EXPECT_TRUE(VariablesActive(doc));
  EXPECT_EQ(doc.source_size, kSeedPolicy.size());
  ASSERT_EQ(doc.statements.size(), 2u);
  const Statement& blue = doc.statements[0];
  EXPECT_EQ(blue.sid, "AllowBlue");
  EXPECT_EQ(blue.index, 0);
  EXPECT_EQ(blue.pointer, "/Statement/0");
  EXPECT_EQ(blue.effect, Effect::kAllow);
  EXPECT_TRUE(blue.principal.wildcard);
  EXPECT_FALSE(blue.not_principal);
  EXPECT_THAT(blue.actions, ElementsAre("vpc-lattice-svcs:Invoke"));
  EXPECT_THAT(blue.resources, ElementsAre("*"));
  ASSERT_EQ(blue.conditions.size(), 3u);
  EXPECT_EQ(blue.conditions[0].op, ConditionOperator::kStringEquals);
  EXPECT_EQ(blue.conditions[0].key.kind, KeyKind::kRequestMethod);
  EXPECT_THAT(blue.conditions[0].values, ElementsAre("GET"));
  EXPECT_EQ(blue.conditions[1].key.kind, KeyKind::kRequestQueryString);
  EXPECT_EQ(blue.conditions[1].key.suffix, "q");
  EXPECT_EQ(blue.conditions[1].pointer,
            "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestQueryString~1q");
  EXPECT_EQ(blue.conditions[2].key.kind, KeyKind::kSourceVpcOwnerAccount);
  EXPECT_THAT(blue.conditions[2].values, ElementsAre("111111111111"));
  EXPECT_EQ(doc.statements[1].sid, "AllowGreen");
  EXPECT_THAT(doc.statements[1].conditions[1].values, ElementsAre("green"));
}

TEST(ParseSeedPolicyTest, PrettyPrintedSeedIsAnErrorOnlyInStrictMode) {
  std::string pretty(kSeedPolicy);
  pretty.insert(1, "\n  ");
  EXPECT_THAT(Codes(ParsePolicy(pretty)), ElementsAre("policy-has-newlines"));
  EXPECT_FALSE(ParsePolicy(pretty).ok());
  ParseOptions lenient;
  lenient.strict = false;
  const ParseResult r = ParsePolicy(pretty, lenient);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.doc.statements.size(), 2u);
}

// ---- Top level -------------------------------------------------------------------

TEST(ParsePolicyTest, VersionIdAndSingleStatementObject) {
  const ParseResult r = MustParse(
      R"({"Version":"2008-10-17","Id":"policy-1","Statement":{"Effect":"Deny","Principal":"*",)"
      R"("Action":"*","Resource":"*"}})");
  EXPECT_EQ(r.doc.version, PolicyVersion::k2008_10_17);
  EXPECT_TRUE(r.doc.has_version);
  EXPECT_FALSE(VariablesActive(r.doc));
  EXPECT_EQ(r.doc.id, "policy-1");
  ASSERT_EQ(r.doc.statements.size(), 1u);
  EXPECT_EQ(r.doc.statements[0].pointer, "/Statement");
  EXPECT_EQ(r.doc.statements[0].effect, Effect::kDeny);
}

TEST(ParsePolicyTest, MissingVersionMeans2008) {
  const ParseResult r = MustParse(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})");
  EXPECT_FALSE(r.doc.has_version);
  EXPECT_EQ(r.doc.version, PolicyVersion::k2008_10_17);
  EXPECT_THAT(Codes(r), ElementsAre("missing-version"));
}

TEST(ParsePolicyTest, EmptyStatementArrayIsAWarning) {
  const ParseResult r = MustParse(R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_TRUE(r.doc.statements.empty());
  EXPECT_THAT(Codes(r), ElementsAre("empty-statement-list"));
}

TEST(ParsePolicyTest, SuggestsCanonicalElementNames) {
  const ParseResult r = ParsePolicy(
      R"({"Version":"2012-10-17","statement":[]})");
  // Only the element name is reported, not also a missing `Statement`.
  ASSERT_THAT(Codes(r), ElementsAre("unknown-element"));
  EXPECT_THAT(r.issues[0].message, HasSubstr("did you mean `Statement`?"));
  const ParseResult effect = ParsePolicy(OneStatement(
      R"("Efect":"Allow","Principal":"*","Action":"*","Resource":"*")"));
  ASSERT_FALSE(effect.issues.empty());
  EXPECT_THAT(effect.issues[0].message, HasSubstr("did you mean `Effect`?"));
  EXPECT_THAT(Codes(ParsePolicy(OneStatement(
                  R"("Effect":"Allow","Principal":"*","action":"*","Resource":"*")"))),
              ElementsAre("unknown-element"));
  const ParseResult allow = ParsePolicy(OneStatement(
      R"("Effect":"allow","Principal":"*","Action":"*","Resource":"*")"));
  EXPECT_THAT(FormatIssues(allow.issues, ""), HasSubstr("did you mean `Allow`?"));
}

TEST(ParsePolicyTest, DuplicateKeysAreFoundAtEveryLevel) {
  const ParseResult r = ParsePolicy(OneStatement(
      R"("Effect":"Allow","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":{"a":1,"a":2}}})"));
  std::vector<std::string> pointers;
  for (const Issue& issue : r.issues) {
    if (issue.code == "duplicate-key") pointers.push_back(issue.location.json_pointer);
  }
  EXPECT_THAT(pointers, ElementsAre("/Statement/0/Effect",
                                    "/Statement/0/Condition/StringEquals/"
                                    "vpc-lattice-svcs:RequestMethod/a"));
}

TEST(ParsePolicyTest, SizeLimits) {
  const std::string policy(kSeedPolicy);
  ParseOptions options;
  options.warn_size = 100;
  ParseResult r = ParsePolicy(policy, options);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(Codes(r), ElementsAre("policy-exceeds-quota"));
  options.max_size = 200;
  r = ParsePolicy(policy, options);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Codes(r), ElementsAre("policy-too-large"));
  // Sizes count characters, not bytes.
  const std::string sid = OneStatement(
      "\"Sid\":\"\xC3\xA9\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"");
  EXPECT_EQ(ParsePolicy(sid).doc.source_size, sid.size() - 1);
}

TEST(ParsePolicyTest, DepthLimitIsASyntaxError) {
  ParseOptions options;
  options.max_depth = 4;
  const ParseResult r = ParsePolicy(WithCondition(R"({"StringEquals":{"k":["v"]}})"), options);
  EXPECT_THAT(Codes(r), ElementsAre("json-syntax"));
  EXPECT_THAT(r.issues[0].message, HasSubstr("maximum depth of 4"));
  // Far deeper than the default limit (64): must fail cleanly, not crash.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ParseOptions big;
  big.max_size = deep.size();
  big.warn_size = deep.size();
  EXPECT_THAT(Codes(ParsePolicy(deep, big)), ElementsAre("json-syntax"));
}

TEST(ParsePolicyTest, LineAndColumnInPrettyPrintedPolicy) {
  ParseOptions lenient;
  lenient.strict = false;
  const std::string text =
      "{\n"
      "  \"Version\": \"2012-10-17\",\n"
      "  \"Statement\": [\n"
      "    {\n"
      "      \"Effect\": \"Allow\",\n"
      "      \"Principal\": \"*\",\n"
      "      \"Action\": \"vpc-lattice-svcs:Invoke\",\n"
      "      \"Resource\": \"*\",\n"
      "      \"Condition\": {\"StringEqual\": {\"aws:PrincipalType\": \"User\"}}\n"
      "    }\n"
      "  ]\n"
      "}\n";
  const ParseResult r = ParsePolicy(text, lenient);
  ASSERT_THAT(Codes(r), ElementsAre("policy-has-newlines", "unknown-operator"));
  EXPECT_EQ(r.issues[0].location.line, 1);
  EXPECT_EQ(r.issues[0].location.column, 2);
  const Issue& op = r.issues[1];
  EXPECT_EQ(op.location.json_pointer, "/Statement/0/Condition/StringEqual");
  EXPECT_EQ(op.location.line, 9);
  EXPECT_EQ(op.location.column, 21);
  EXPECT_THAT(op.message, HasSubstr("did you mean `StringEquals`?"));
  EXPECT_EQ(FormatIssue(op, "p.json").substr(0, 49),
            "p.json:9:21: /Statement/0/Condition/StringEqual: ");
}

TEST(ParsePolicyTest, TrailingNewlineIsNotANewlineInThePolicy) {
  const std::string text = std::string(kSeedPolicy) + "\n";
  const ParseResult r = ParsePolicy(text);
  EXPECT_TRUE(r.ok()) << FormatIssues(r.issues, "p");
  EXPECT_TRUE(r.issues.empty());
  EXPECT_THAT(Codes(ParsePolicy(text + "\n{}")), testing::Contains("policy-has-newlines"));
}

// Every policies/invalid/<code>.json must produce an error with that code.
TEST(InvalidPolicyFilesTest, EachFileProducesTheCodeInItsName) {
  const std::filesystem::path dir =
      std::filesystem::path(LATTICEPOL_SOURCE_DIR) / "policies" / "invalid";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string code = entry.path().stem().string();
    const ParseResult r = ParsePolicy(text.str());
    EXPECT_FALSE(r.ok()) << entry.path();
    bool found = false;
    for (const Issue& issue : r.issues) {
      found = found || (issue.code == code && issue.severity == Severity::kError);
    }
    EXPECT_TRUE(found) << entry.path() << ":\n" << FormatIssues(r.issues, code);
  }
  EXPECT_GE(files, 10);
}

// Every single-byte deletion or substitution of the seed policy parses
// without crashing, and a policy reported ok has a usable document.
TEST(ParsePolicyTest, MutatedSeedPoliciesNeverCrash) {
  const std::string seed(kSeedPolicy);
  const std::string replacements = std::string("\"{}[],:*?\\/ aZ0\n\x00\xFF\xC3", 19);
  int ok_count = 0;
  for (size_t i = 0; i < seed.size(); ++i) {
    std::string deleted = seed;
    deleted.erase(i, 1);
    ParseResult r = ParsePolicy(deleted);
    if (r.ok()) {
      ++ok_count;
      EXPECT_FALSE(r.doc.statements.empty()) << deleted;
    }
    for (char c : replacements) {
      std::string replaced = seed;
      replaced[i] = c;
      for (bool strict : {true, false}) {
        ParseOptions options;
        options.strict = strict;
        r = ParsePolicy(replaced, options);
        for (const Issue& issue : r.issues) {
          EXPECT_FALSE(issue.code.empty());
          EXPECT_GE(issue.location.line, issue.location.offset >= 0 ? 1 : 0);
        }
      }
    }
  }
  // Deleting a byte inside a value (e.g. a Sid letter) keeps the policy valid.
  EXPECT_GT(ok_count, 10);
}

// ---- Principal forms (docs/semantics.md §1.4) -------------------------------------------------------

PrincipalSpec ParsePrincipalOf(std::string_view principal, std::vector<std::string>* codes = nullptr,
                               const ParseOptions& options = {}) {
  const ParseResult r = ParsePolicy(
      OneStatement(std::string(R"("Effect":"Allow","Principal":)") + std::string(principal) +
                   R"(,"Action":"*","Resource":"*")"),
      options);
  EXPECT_TRUE(r.ok()) << principal << "\n" << FormatIssues(r.issues, "p");
  if (codes != nullptr) *codes = Codes(r);
  return r.doc.statements.empty() ? PrincipalSpec() : r.doc.statements[0].principal;
}

TEST(ParsePrincipalTest, EveryForm) {
  EXPECT_TRUE(ParsePrincipalOf(R"("*")").wildcard);
  EXPECT_TRUE(ParsePrincipalOf(R"({"AWS":"*"})").wildcard);
  EXPECT_TRUE(ParsePrincipalOf(R"({"AWS":"*"})").aws.empty());
  EXPECT_THAT(ParsePrincipalOf(R"({"AWS":"111122223333"})").aws, ElementsAre("111122223333"));
  const PrincipalSpec arns = ParsePrincipalOf(
      R"({"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/path/app",)"
      R"("arn:aws:iam::111122223333:user/Alice","arn:aws:sts::111122223333:assumed-role/app/s1",)"
      R"("arn:aws-cn:iam::111122223333:role/x","*"]})");
  EXPECT_TRUE(arns.wildcard);
  EXPECT_EQ(arns.aws.size(), 5u);
  EXPECT_EQ(arns.aws[1], "arn:aws:iam::111122223333:role/path/app");
  std::vector<std::string> codes;
  const PrincipalSpec mixed =
      ParsePrincipalOf(R"({"AWS":"777788889999","Service":["lambda.amazonaws.com"]})", &codes);
  EXPECT_THAT(mixed.aws, ElementsAre("777788889999"));
  EXPECT_THAT(mixed.service, ElementsAre("lambda.amazonaws.com"));
  EXPECT_THAT(codes, ElementsAre("service-principal"));
}

TEST(ParsePrincipalTest, LenientKeepsFederatedAndCanonicalUser) {
  ParseOptions lenient;
  lenient.strict = false;
  std::vector<std::string> codes;
  const PrincipalSpec p = ParsePrincipalOf(
      R"({"Federated":"cognito-identity.amazonaws.com","CanonicalUser":"abc"})", &codes, lenient);
  EXPECT_THAT(p.federated, ElementsAre("cognito-identity.amazonaws.com"));
  EXPECT_THAT(p.canonical_user, ElementsAre("abc"));
  EXPECT_THAT(codes, ElementsAre("unsupported-principal-type", "unsupported-principal-type"));
}

TEST(ParsePrincipalTest, WildcardHintNamesArnLike) {
  const ParseResult r = ParsePolicy(OneStatement(
      R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},)"
      R"("Action":"*","Resource":"*")"));
  ASSERT_THAT(Codes(r), ElementsAre("principal-wildcard"));
  EXPECT_THAT(r.issues[0].message, HasSubstr("`ArnLike` on `aws:PrincipalArn`"));
}

TEST(ParsePrincipalTest, NotPrincipalWithDenyAndIdentityPolicies) {
  const ParseResult deny = MustParse(OneStatement(
      R"("Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/app"]},)"
      R"("Action":"*","Resource":"*")"));
  ASSERT_EQ(deny.doc.statements.size(), 1u);
  EXPECT_TRUE(deny.doc.statements[0].not_principal);
  EXPECT_EQ(deny.doc.statements[0].principal.aws.size(), 2u);
  EXPECT_THAT(Codes(deny), ElementsAre("not-principal"));

  ParseOptions identity;
  identity.identity_policy = true;
  const ParseResult id = MustParse(
      OneStatement(R"("Effect":"Allow","Action":"vpc-lattice-svcs:Invoke","Resource":"*")"),
      identity);
  EXPECT_TRUE(id.doc.is_identity_policy);
  EXPECT_TRUE(id.issues.empty());
  EXPECT_THAT(Codes(ParsePolicy(OneStatement(R"("Effect":"Allow","Action":"*","Resource":"*")"))),
              ElementsAre("missing-principal"));
}

// ---- Action and Resource (docs/semantics.md §1.5, 1.6) ------------------------------------------------

TEST(ParseActionResourceTest, StringsArraysAndNegatedForms) {
  const ParseResult r = MustParse(OneStatement(
      R"("Effect":"Deny","Principal":"*","NotAction":["VPC-LATTICE-SVCS:invoke","vpc-lattice-svcs:Conn*"],)"
      R"("NotResource":["arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0/public/*",)"
      R"("*/rates","arn:aws:vpc-lattice:us-east-1:444455556666:service/${aws:PrincipalTag/svc}/*"])"));
  ASSERT_EQ(r.doc.statements.size(), 1u);
  const Statement& st = r.doc.statements[0];
  EXPECT_TRUE(st.not_action);
  EXPECT_THAT(st.actions, ElementsAre("VPC-LATTICE-SVCS:invoke", "vpc-lattice-svcs:Conn*"));
  EXPECT_TRUE(st.not_resource);
  EXPECT_EQ(st.resources.size(), 3u);
  EXPECT_TRUE(r.issues.empty()) << FormatIssues(r.issues, "p");
  const ParseResult star = MustParse(OneStatement(
      R"("Effect":"Allow","Principal":"*","Action":["*","vpc-lattice-svcs:*"],"Resource":"*")"));
  EXPECT_TRUE(star.issues.empty());
}

// D1 (docs/semantics.md §9): a `*` that ends an ARN segment may match
// across colons (IAM Resource element), so an `arn:` resource with fewer than
// six fields is valid when it has one; without it the pattern never matches.
TEST(ParseActionResourceTest, ShortArnResourceNeedsSegmentEndingStar) {
  const ParseResult ok = MustParse(OneStatement(
      R"("Effect":"Deny","Principal":"*","Action":"*","Resource":)"
      R"(["arn:aws:vpc-lattice:*:service/*","arn:aws:vpc-lattice:*","arn:aws:vpc-lattice:us-east-1:4444*"])"));
  EXPECT_TRUE(ok.issues.empty()) << FormatIssues(ok.issues, "p");
  auto codes = [](std::string_view resource) {
    return Codes(ParsePolicy(OneStatement(
        std::string(R"("Effect":"Allow","Principal":"*","Action":"*","Resource":")") +
        std::string(resource) + "\"")));
  };
  EXPECT_THAT(codes("arn:aws:vpc-lattice:us-east-1:service/svc-1"),
              ElementsAre("resource-arn-field-count"));
  EXPECT_THAT(codes("arn:aws:vpc-lattice*"), ElementsAre("resource-service-wildcard"));
  EXPECT_THAT(codes("arn:aws:*:us-east-1:*"), ElementsAre("resource-service-wildcard"));
}

TEST(ParseActionResourceTest, ManagementPrefixAndUnknownActionsAreWarnings) {
  const ParseResult r = MustParse(OneStatement(
      R"("Effect":"Allow","Principal":"*","Action":["vpc-lattice:*","s3:GetObject","vpc-lattice-svcs:invoke2"],)"
      R"("Resource":"*")"));
  EXPECT_THAT(Codes(r), ElementsAre("management-action", "unknown-action", "unknown-action"));
  EXPECT_THAT(r.issues[2].message, HasSubstr("did you mean `vpc-lattice-svcs:Invoke`?"));
}

// ---- Condition (docs/semantics.md §1.7, 3) ---------------------------------------------------------------

TEST(ParseConditionTest, OperatorQualifiers) {
  const ParseResult r = MustParse(WithCondition(
      R"({"ForAnyValue:StringLikeIfExists":{"vpc-lattice-svcs:RequestQueryString/tag":["a*"]},)"
      R"("ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":"o-1/r-1/"},)"
      R"("StringNotEqualsIfExists":{"vpc-lattice-svcs:RequestHeader/x-env":"prod"},)"
      R"("Null":{"aws:PrincipalArn":true}})"));
  const auto& cs = r.doc.statements[0].conditions;
  ASSERT_EQ(cs.size(), 4u);
  EXPECT_EQ(cs[0].op, ConditionOperator::kStringLike);
  EXPECT_EQ(cs[0].set, SetQualifier::kForAnyValue);
  EXPECT_TRUE(cs[0].if_exists);
  EXPECT_EQ(cs[0].operator_name, "ForAnyValue:StringLikeIfExists");
  EXPECT_EQ(cs[0].key.suffix, "tag");
  EXPECT_EQ(cs[1].set, SetQualifier::kForAllValues);
  EXPECT_FALSE(cs[1].if_exists);
  EXPECT_EQ(cs[1].key.kind, KeyKind::kPrincipalOrgPaths);
  EXPECT_EQ(cs[2].op, ConditionOperator::kStringNotEquals);
  EXPECT_TRUE(cs[2].if_exists);
  EXPECT_EQ(cs[2].set, SetQualifier::kNone);
  EXPECT_EQ(cs[2].key.kind, KeyKind::kRequestHeader);
  EXPECT_EQ(cs[2].key.suffix, "x-env");
  EXPECT_EQ(cs[3].op, ConditionOperator::kNull);
  EXPECT_THAT(cs[3].values, ElementsAre("true"));
}

TEST(ParseConditionTest, EveryFamilyAcceptsValidValues) {
  const ParseResult r = MustParse(WithCondition(
      R"({"NumericLessThanEquals":{"vpc-lattice-svcs:Port":[80,"443",-1.5]},)"
      R"("DateGreaterThan":{"aws:CurrentTime":["2026-01-01T00:00:00Z","2026-01",1700000000]},)"
      R"("IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.1","2001:db8::/32"]},)"
      R"("Bool":{"aws:PrincipalIsAWSService":["FALSE",false]},)"
      R"("BinaryEquals":{"aws:ResourceTag/blob":"QmluYXJ5"},)"
      R"("ArnLike":{"vpc-lattice-svcs:ServiceNetworkArn":["arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0","*"]},)"
      R"("ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/app"},)"
      R"("StringEqualsIgnoreCase":{"aws:PrincipalType":"anonymous"}})"));
  EXPECT_TRUE(r.issues.empty()) << FormatIssues(r.issues, "p");
  const auto& cs = r.doc.statements[0].conditions;
  ASSERT_EQ(cs.size(), 8u);
  // C1: numbers and booleans become canonical text.
  EXPECT_THAT(cs[0].values, ElementsAre("80", "443", "-1.5"));
  EXPECT_THAT(cs[1].values, ElementsAre("2026-01-01T00:00:00Z", "2026-01", "1700000000"));
  EXPECT_THAT(cs[3].values, ElementsAre("FALSE", "false"));
  for (const Condition& c : cs) EXPECT_FALSE(c.has_type_error) << c.operator_name;
}

TEST(ParseConditionTest, EmptyBlocksAddNoConstraint) {
  EXPECT_TRUE(MustParse(WithCondition("{}")).doc.statements[0].conditions.empty());
  const ParseResult r = MustParse(WithCondition(R"({"StringEquals":{},"Bool":{}})"));
  EXPECT_TRUE(r.doc.statements[0].conditions.empty());
  EXPECT_TRUE(r.issues.empty());
}

TEST(ParseConditionTest, PointersEscapeSlashAndTilde) {
  const ParseResult r = MustParse(WithCondition(
      R"({"StringEquals":{"vpc-lattice-svcs:RequestHeader/x~y":"1","aws:PrincipalTag/Team":"Blue"}})"));
  const auto& cs = r.doc.statements[0].conditions;
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].pointer, "/Statement/0/Condition/StringEquals/vpc-lattice-svcs:RequestHeader~1x~0y");
  EXPECT_EQ(cs[1].key.kind, KeyKind::kPrincipalTag);
  EXPECT_EQ(cs[1].key.suffix, "team");
  EXPECT_EQ(cs[1].key.name, "aws:PrincipalTag/Team");
  EXPECT_THAT(cs[1].values, ElementsAre("Blue"));
}

TEST(ParseConditionTest, SuggestionsForOperatorsAndKeys) {
  ParseResult r = ParsePolicy(WithCondition(R"({"StringLikee":{"vpc-lattice-svcs:RequestPath":"/a"}})"));
  ASSERT_THAT(Codes(r), ElementsAre("unknown-operator"));
  EXPECT_THAT(r.issues[0].message, HasSubstr("did you mean `StringLike`?"));
  r = ParsePolicy(WithCondition(R"({"forAnyValue:stringEquals":{"vpc-lattice-svcs:RequestPath":"/a"}})"));
  EXPECT_THAT(FormatIssues(r.issues, ""), HasSubstr("did you mean `ForAnyValue:StringEquals`?"));
  r = ParsePolicy(WithCondition(R"({"StringEquals":{"vpc-lattice-svcs:requestmethod":"GET"}})"));
  ASSERT_THAT(Codes(r), ElementsAre("miscased-condition-key"));
  EXPECT_THAT(r.issues[0].message, HasSubstr("did you mean `vpc-lattice-svcs:RequestMethod`?"));
  r = ParsePolicy(WithCondition(R"({"StringEquals":{"Vpc-Lattice-Svcs:requestQueryString/Q":"x"}})"));
  EXPECT_THAT(FormatIssues(r.issues, ""),
              HasSubstr("did you mean `vpc-lattice-svcs:RequestQueryString/Q`?"));
  r = ParsePolicy(WithCondition(R"({"StringEquals":{"vpc-lattice-svcs:SourceVPCOwnerAcount":"1"}})"));
  EXPECT_THAT(FormatIssues(r.issues, ""),
              HasSubstr("did you mean `vpc-lattice-svcs:SourceVpcOwnerAccount`?"));
  r = ParsePolicy(WithCondition(R"({"StringEquals":{"aws:SourceVpc":"vpc-1"}})"));
  EXPECT_THAT(FormatIssues(r.issues, ""), HasSubstr("use `vpc-lattice-svcs:SourceVpc`"));
  r = ParsePolicy(WithCondition(R"({"StringEquals":{"vpc-lattice-svcs:RequestHeader/X-Team":"a"}})"));
  EXPECT_THAT(FormatIssues(r.issues, ""),
              HasSubstr("did you mean `vpc-lattice-svcs:RequestHeader/x-team`?"));
}

TEST(ParseConditionTest, StrictVersusLenient) {
  const std::string policy = WithCondition(
      R"({"NumericEquals":{"vpc-lattice-svcs:Port":"eighty"},)"
      R"("StringEquals":{"vpc-lattice-svcs:requestmethod":"GET","vpc-lattice-svcs:RequestHeader/X-A":"1"}})");
  const ParseResult strict = ParsePolicy(policy);
  EXPECT_FALSE(strict.ok());
  EXPECT_THAT(Codes(strict), ElementsAre("condition-type-error", "miscased-condition-key",
                                         "uppercase-header-name"));
  for (const Issue& issue : strict.issues) EXPECT_EQ(issue.severity, Severity::kError);

  ParseOptions options;
  options.strict = false;
  const ParseResult lenient = ParsePolicy(policy, options);
  EXPECT_TRUE(lenient.ok()) << FormatIssues(lenient.issues, "p");
  EXPECT_EQ(Codes(lenient), Codes(strict));
  for (const Issue& issue : lenient.issues) EXPECT_EQ(issue.severity, Severity::kWarning);
  const auto& cs = lenient.doc.statements[0].conditions;
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_TRUE(cs[0].has_type_error);           // T1: the entry evaluates false
  EXPECT_EQ(cs[1].key.kind, KeyKind::kUnknown);  // K2: evaluated as absent
  EXPECT_FALSE(cs[1].has_type_error);
  EXPECT_EQ(cs[2].key.kind, KeyKind::kRequestHeader);
  EXPECT_EQ(cs[2].key.suffix, "X-A");  // kept as written: never matches (H1)
}

TEST(ParseConditionTest, VariablesInUntypedFamiliesAreLintedAndStayLiteral) {
  ParseOptions lenient;
  lenient.strict = false;
  const ParseResult r = ParsePolicy(
      WithCondition(R"({"IpAddress":{"aws:SourceIp":"${aws:PrincipalTag/cidr}"}})"), lenient);
  EXPECT_THAT(Codes(r), ElementsAre("variable-not-allowed", "condition-type-error"));
  ASSERT_EQ(r.doc.statements[0].conditions.size(), 1u);
  EXPECT_THAT(r.doc.statements[0].conditions[0].values, ElementsAre("${aws:PrincipalTag/cidr}"));
  // Variables are fine in String, Arn and Bool values under 2012-10-17.
  EXPECT_TRUE(MustParse(WithCondition(
                  R"({"StringEquals":{"vpc-lattice-svcs:SourceVpcOwnerAccount":"${aws:PrincipalAccount}"},)"
                  R"("Bool":{"aws:PrincipalIsAWSService":"${aws:PrincipalTag/svc}"}})"))
                  .issues.empty());
}

// ---- ParsePolicyOrStatus ------------------------------------------------------------------

TEST(ParsePolicyOrStatusTest, OkAndInvalidArgument) {
  const absl::StatusOr<PolicyDocument> ok = ParsePolicyOrStatus(kSeedPolicy);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->statements.size(), 2u);
  const absl::StatusOr<PolicyDocument> bad = ParsePolicyOrStatus(R"({"Version":"2012-10-17"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("[missing-statement]"));
  // Warnings are not errors.
  EXPECT_TRUE(ParsePolicyOrStatus(R"({"Version":"2012-10-17","Statement":[]})").ok());
}

}  // namespace
}  // namespace latticepol
