// File: tests/fuzz/request_json_fuzzer.cc
// Stage: fuzzing (request). Feeds arbitrary bytes to ParseRequestJson.
// Invariants: no crash, no hang; issues are readable and located; an
// accepted request survives RequestToJson -> ParseRequestJson unchanged; and
// the compiled and reference evaluators agree on it for a few fixed policies
// that look at every part of a request; the replay's canonical-shape
// scanner agrees with it on every line it accepts.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "internal/request_scan.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"

namespace {

using latticepol::fuzz::Fail;

// Policies whose conditions read every request field, so fuzzed requests
// exercise every key extractor of both evaluators.
constexpr const char* kPolicies[] = {
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue","vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringLike":{"vpc-lattice-svcs:RequestPath":"/admin*"}}}]})",
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:role/app"]},"Action":"*","Resource":"arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-*/items*","Condition":{"StringEqualsIgnoreCase":{"vpc-lattice-svcs:RequestHeader/x-team":["Blue","${aws:PrincipalTag/team}"]},"NumericLessThan":{"vpc-lattice-svcs:Port":"1024"},"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a/r-b/*"}}},{"Effect":"Deny","Principal":"*","Action":"vpc-lattice-svcs:Connect","Resource":"*","Condition":{"Bool":{"aws:PrincipalIsAWSService":"false"},"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}]})",
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/r*","vpc-lattice-svcs:ServiceNetworkArn":"arn:aws:vpc-lattice:*:*:servicenetwork/*"},"StringEquals":{"aws:ResourceTag/env":"prod","aws:PrincipalType":"AssumedRole"}}},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"vpc-lattice-svcs:RequestQueryString/x":["1","2"]},"Null":{"vpc-lattice-svcs:SourceVpc":"false"},"StringNotLike":{"vpc-lattice-svcs:RequestMethod":"G*"}}}]})",
};

struct Compiled {
  latticepol::PolicyDocument doc;
  std::shared_ptr<const latticepol::CompiledPolicy> compiled;
};

const std::vector<Compiled>& Policies() {
  static const std::vector<Compiled>* policies = [] {
    auto* out = new std::vector<Compiled>;
    for (const char* text : kPolicies) {
      latticepol::ParseResult r = latticepol::ParsePolicy(text);
      if (!r.ok()) Fail("a built-in policy does not parse", latticepol::FormatIssues(r.issues, "p"));
      auto c = latticepol::Compile(r.doc);
      if (!c.ok()) Fail("a built-in policy does not compile", std::string(c.status().message()));
      out->push_back({std::move(r.doc), *c});
    }
    return out;
  }();
  return *policies;
}

// The replay's canonical-shape scanner (internal/request_scan.h) may only
// accept what ParseRequestJson reads the same way.
void CheckScanner(std::string_view text, const latticepol::RequestParseResult& parsed) {
  latticepol::internal::ScannedRequest scan;
  if (!latticepol::internal::ScanCanonicalRequest(text, text.size(), &scan)) return;
  if (!parsed.ok()) Fail("the canonical scanner accepts what ParseRequestJson rejects", text);
  const latticepol::Request scanned = latticepol::ToRequest(scan.view);
  if (latticepol::RequestToJson(scanned) != latticepol::RequestToJson(parsed.request) ||
      scanned.view().query_is_raw != parsed.request.view().query_is_raw) {
    Fail("the canonical scanner reads another request than ParseRequestJson", text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > latticepol::fuzz::kMaxInputBytes) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  latticepol::RequestParseResult parsed = latticepol::ParseRequestJson(text);
  latticepol::fuzz::CheckIssues(parsed.issues, text, "request");
  CheckScanner(text, parsed);
  if (!parsed.ok()) return 0;

  const latticepol::Request& request = parsed.request;
  std::string json = latticepol::RequestToJson(request);
  latticepol::RequestParseResult again = latticepol::ParseRequestJson(json);
  if (!again.ok()) {
    Fail("RequestToJson output does not parse again",
         std::string(text) + "\n-> " + json + "\n" + latticepol::FormatIssues(again.issues, "j"));
  }
  std::string json2 = latticepol::RequestToJson(again.request);
  if (json2 != json) {
    Fail("request JSON round trip changed the request", std::string(text) + "\n-> " + json +
                                                            "\n-> " + json2);
  }
  latticepol::RequestView view = request.view();
  if (latticepol::RequestToJson(view) != json) {
    Fail("RequestToJson(view) differs from RequestToJson(request)", json);
  }
  (void)latticepol::RequestResourceArn(view);
  for (const Compiled& p : Policies()) {
    latticepol::Decision ref = latticepol::EvaluateReference(p.doc, view).decision;
    latticepol::Decision fast = latticepol::Evaluate(*p.compiled, view);
    if (ref.kind != fast.kind || ref.statement != fast.statement ||
        (ref.uncertain != 0 && fast.uncertain == 0)) {
      Fail("compiled and reference disagree on a fuzzed request",
           "policy: " + latticepol::PolicyToJson(p.doc) + "\nrequest: " + json +
               "\nreference: " + std::string(latticepol::DecisionName(ref.kind)) + " #" +
               std::to_string(ref.statement) + "\ncompiled: " +
               std::string(latticepol::DecisionName(fast.kind)) + " #" +
               std::to_string(fast.statement));
    }
  }
  return 0;
}
