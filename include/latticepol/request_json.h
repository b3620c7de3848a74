// File: latticepol/request_json.h
// Stage: request. The canonical request JSON, shared by the CLI, the Python
// module, case files and simulation output (docs/formats/request-json.md,
// docs/schemas/request.schema.json):
//
//   {"action": "vpc-lattice-svcs:Invoke", "method": "GET", "path": "/",
//    "query": [["q", "blue"]], "headers": [["content-type", "application/json"]],
//    "sourceVpc": "vpc-0abc", "sourceVpcOwnerAccount": "111111111111", "port": 80,
//    "serviceArn": "arn:...:service/svc-...", "serviceNetworkArn": "arn:...",
//    "principal": null, "resourceTags": {"env": "prod"},
//    "sourceIp": "10.0.0.5", "time": "2026-11-26T12:00:00Z"}
//
// `principal` is null (anonymous) or {"arn","account","type","orgId",
// "orgPaths","tags","sessionArn"}. `query` also accepts a raw string
// ("q=blue&x=1", percent-decoded) or an object ({"q": "blue"} or
// {"q": ["a", "b"]}); `headers` also accepts an object. Left out: action
// Invoke, method GET, path "/"; every other field absent. Unknown fields are
// errors (a typo must not silently make a key absent).
#ifndef LATTICEPOL_REQUEST_JSON_H_
#define LATTICEPOL_REQUEST_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "latticepol/issue.h"
#include "latticepol/request.h"

namespace latticepol {

struct RequestParseResult {
  Request request;
  std::vector<Issue> issues;
  bool ok() const { return !HasErrors(issues); }
};

// Limits that keep a hostile request from taking unbounded memory.
struct RequestLimits {
  size_t max_bytes = 4 << 20;          // whole JSON text
  size_t max_query_params = 100000;
  size_t max_headers = 10000;
  size_t max_value_bytes = 1 << 20;    // any single string value
};

// Parses canonical request JSON. Problems are issues with JSON pointers
// (e.g. `/principal/orgPaths/0`) and line:column. Never throws.
RequestParseResult ParseRequestJson(std::string_view text,
                                    const RequestLimits& limits = {});

// Serialises to canonical, single-line JSON (query and headers as arrays of
// pairs, principal null or an object). ParseRequestJson(RequestToJson(r))
// reproduces r.
std::string RequestToJson(const Request& request);
std::string RequestToJson(const RequestView& view);

}  // namespace latticepol

#endif  // LATTICEPOL_REQUEST_JSON_H_
