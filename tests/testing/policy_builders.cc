// File: tests/testing/policy_builders.cc
// Test support: request and policy builders for the reference evaluator tests.
#include "testing/policy_builders.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/issue.h"

namespace latticepol::testing {

Principal RoleB() {
  Principal p;
  p.arn = std::string(kRoleBArn);
  p.account = std::string(kBlueAccount);
  p.type = "AssumedRole";
  p.session_arn = std::string(kRoleBSessionArn);
  return p;
}

Request InvokeRequest(std::string_view vpc_owner,
                      std::optional<Principal> principal) {
  Request r;
  r.action = std::string(kInvokeAction);
  r.method = "GET";
  r.path = "/";
  r.source_vpc = "vpc-0abc";
  r.source_vpc_owner_account = std::string(vpc_owner);
  r.service_arn = std::string(kServiceArn);
  r.service_network_arn = std::string(kNetworkArnA);
  r.port = 443;
  r.principal = std::move(principal);
  return r;
}

PolicyDocument MustParse(std::string_view json, const ParseOptions& options) {
  ParseResult r = ParsePolicy(json, options);
  if (!r.ok()) {
    ADD_FAILURE() << "policy does not parse:\n"
                  << FormatIssues(r.issues, "policy.json") << "\n"
                  << json;
  }
  return std::move(r.doc);
}

std::string AStar(std::string_view extra, std::string_view effect) {
  std::string s = "{\"Effect\":\"" + std::string(effect) +
                  "\",\"Principal\":\"*\",\"Action\":\"vpc-lattice-svcs:Invoke\","
                  "\"Resource\":\"*\"";
  if (!extra.empty()) {
    s += ",";
    s += extra;
  }
  s += "}";
  return s;
}

std::string PolicyJson(const std::vector<std::string>& statements,
                       std::string_view version) {
  std::string s = "{";
  if (!version.empty()) s += "\"Version\":\"" + std::string(version) + "\",";
  s += "\"Statement\":[";
  for (size_t i = 0; i < statements.size(); ++i) {
    if (i > 0) s += ",";
    s += statements[i];
  }
  s += "]}";
  return s;
}

Statement StarStatement(Effect effect) {
  Statement s;
  s.effect = effect;
  s.principal.wildcard = true;
  s.actions = {std::string(kInvokeAction)};
  s.resources = {"*"};
  return s;
}

Condition MakeCondition(std::string_view operator_as_written,
                        std::string_view key,
                        std::vector<std::string> values) {
  Condition c;
  c.operator_name = std::string(operator_as_written);
  std::string_view name = operator_as_written;
  constexpr std::string_view kAny = "ForAnyValue:";
  constexpr std::string_view kAll = "ForAllValues:";
  constexpr std::string_view kIfExists = "IfExists";
  if (name.substr(0, kAny.size()) == kAny) {
    c.set = SetQualifier::kForAnyValue;
    name.remove_prefix(kAny.size());
  } else if (name.substr(0, kAll.size()) == kAll) {
    c.set = SetQualifier::kForAllValues;
    name.remove_prefix(kAll.size());
  }
  if (name.size() > kIfExists.size() &&
      name.substr(name.size() - kIfExists.size()) == kIfExists) {
    c.if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  bool found = false;
  for (int i = 0; i < kConditionOperatorCount; ++i) {
    const auto op = static_cast<ConditionOperator>(i);
    if (OperatorName(op) == name) {
      c.op = op;
      found = true;
    }
  }
  if (!found) ADD_FAILURE() << "unknown operator " << operator_as_written;
  c.key = ResolveConditionKey(key);
  c.values = std::move(values);
  c.pointer = "/Statement/0/Condition/" + std::string(operator_as_written) +
              "/" + EscapeJsonPointerToken(key);
  return c;
}

PolicyDocument MakeDocument(std::vector<Statement> statements,
                            PolicyVersion version, bool has_version) {
  PolicyDocument doc;
  doc.version = version;
  doc.has_version = has_version;
  for (size_t i = 0; i < statements.size(); ++i) {
    statements[i].index = static_cast<int>(i);
    statements[i].pointer = "/Statement/" + std::to_string(i);
  }
  doc.statements = std::move(statements);
  return doc;
}

}  // namespace latticepol::testing
