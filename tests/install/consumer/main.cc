// File: tests/install/consumer/main.cc
// Stage: install test. Uses the installed public headers only: parses a
// policy, parses a request, decides it with the compiled and the reference
// path, and prints one line per check. Exits 1 on any surprise.
#include <iostream>
#include <memory>
#include <string>

#include "latticepol/authorize.h"
#include "latticepol/cases.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request_json.h"

namespace {

constexpr char kPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
    R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":)"
    R"({"vpc-lattice-svcs:RequestQueryString/q":"blue"}}}]})";

int Fail(const std::string& what) {
  std::cerr << "consumer: " << what << "\n";
  return 1;
}

}  // namespace

int main() {
  latticepol::ParseResult parsed = latticepol::ParsePolicy(kPolicy);
  if (!parsed.ok()) return Fail(latticepol::FormatIssues(parsed.issues, "policy"));
  auto compiled = latticepol::Compile(parsed.doc);
  if (!compiled.ok()) return Fail(std::string(compiled.status().message()));

  for (const char* query : {"q=blue", "q=green"}) {
    latticepol::RequestParseResult request = latticepol::ParseRequestJson(
        std::string(R"({"query": ")") + query + R"("})");
    if (!request.ok()) return Fail(latticepol::FormatIssues(request.issues, "request"));
    latticepol::Decision fast = latticepol::Evaluate(**compiled, request.request.view());
    latticepol::Evaluation ref =
        latticepol::EvaluateReference(parsed.doc, request.request.view());
    if (fast.kind != ref.decision.kind) return Fail("compiled and reference disagree");
    std::cout << query << ": " << latticepol::DecisionName(fast.kind) << "\n";
  }

  latticepol::ParseResult bad = latticepol::ParsePolicy(R"({"Statement": 1})");
  if (bad.ok()) return Fail("a bad policy parsed");
  for (const latticepol::Issue& issue : bad.issues) {
    if (issue.severity != latticepol::Severity::kError) continue;
    std::cout << "bad policy: " << issue.code << "\n";
    break;
  }

  latticepol::CaseFile cases = latticepol::ParseCases(
      R"({"name":"blue","request":{"query":"q=blue"},"expect":"ALLOW"})");
  if (!cases.ok()) return Fail(latticepol::FormatIssues(cases.issues, "cases"));
  latticepol::CheckReport report = latticepol::RunCases(cases.cases, &parsed.doc);
  std::cout << latticepol::CheckSummaryLine(report) << "\n";
  return report.all_passed() ? 0 : 1;
}
