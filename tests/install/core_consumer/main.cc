// File: tests/install/core_consumer/main.cc
// Stage: install test. Parses a policy, compiles it and evaluates two
// requests with both evaluators, using only latticepol::core.
#include <cstdio>

#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"

int main() {
  const latticepol::ParseResult parsed = latticepol::ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":)"
      R"({"vpc-lattice-svcs:RequestQueryString/q":"blue"}}}]})");
  if (!parsed.ok()) return 1;
  auto compiled = latticepol::Compile(parsed.doc);
  if (!compiled.ok()) return 1;
  for (const char* value : {"blue", "green"}) {
    latticepol::Request request;
    request.query = {{"q", value}};
    const latticepol::Decision fast = latticepol::Evaluate(**compiled, request.view());
    const latticepol::Evaluation ref = latticepol::EvaluateReference(parsed.doc, request.view());
    if (fast.kind != ref.decision.kind) return 1;
    std::printf("q=%s: %s\n", value, fast.allowed() ? "ALLOW" : "DENY");
  }
  return 0;
}
