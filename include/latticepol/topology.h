// File: latticepol/topology.h
// Stage: generate (input). The deployment topology of a shared Lattice service
// and its consumers, as described in one YAML (or JSON) file: the shared
// service's Pulumi project and account, each consumer's project, account and
// allowed request classes, and the generator options (docs/semantics.md §6).
//
// A topology is the single source of truth from which `Generate`
// (generate.h) derives the auth policy, the Pulumi stack settings files and a
// simulation scenario. Problems in the file are `Issue`s (code, message, JSON
// pointer such as `/consumers/1/accountId`, line:column), never exceptions.
//
// Example file (the blue/green setup; full reference docs/formats/topology.md,
// JSON Schema docs/schemas/topology.schema.json):
//
//   sharedService:
//     project: common-service        # default
//     accountId: "444455556666"
//     region: us-east-1
//     profile: shared-services       # or awsProfile / awsNativeProfile
//     serviceName: shared-service
//   consumers:
//     - name: blue
//       project: blue-service
//       accountId: "111111111111"
//       profile: blue-sandbox
//       serviceNetworkName: blue-service-network
//       methods: [GET]
//       query: {q: [blue]}
//   options:
//     stack: dev                     # default
//     policyStyle: seed              # seed | deny-anonymous | require-org
//
// Example:
//   latticepol::TopologyParseResult r =
//       latticepol::ParseTopology(text, "topology.yaml");
//   if (!r.ok()) std::cerr << latticepol::FormatIssues(r.issues, "topology.yaml");
#ifndef LATTICEPOL_TOPOLOGY_H_
#define LATTICEPOL_TOPOLOGY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/issue.h"

namespace latticepol {

// How strict the generated policy is.
enum class PolicyStyle : uint8_t {
  // One Allow per consumer: Principal "*", Action vpc-lattice-svcs:Invoke,
  // Resource "*", StringEquals on RequestMethod, RequestQueryString/<key> and
  // SourceVpcOwnerAccount. Anonymous (unsigned) callers are allowed too.
  kSeed,
  // The seed policy plus a Deny for `aws:PrincipalType` `anonymous`
  // (StringEqualsIgnoreCase): only SigV4-signed callers get through.
  kDenyAnonymous,
  // The seed policy with `aws:PrincipalOrgID` added to every Allow (needs
  // `options.orgId`): only signed callers of that organisation get through.
  kRequireOrg,
};

// "seed", "deny-anonymous", "require-org".
std::string_view PolicyStyleName(PolicyStyle style);
bool ParsePolicyStyleName(std::string_view name, PolicyStyle* style);

// Where a topology element was written (for issues about cross-field checks
// found after parsing, e.g. by the stack-outputs reader).
struct TopologyLocation {
  std::string json_pointer;
  int line = 0;    // 1-based, 0 = unknown
  int column = 0;  // 1-based, 0 = unknown
};

// One `key -> allowed values` rule (query parameter or header).
struct ValueRule {
  std::string name;                 // query key (case-sensitive) or header name (lower-case)
  std::vector<std::string> values;  // any one of them is allowed
};

struct SharedService {
  std::string project = "common-service";  // Pulumi project name (`name:` in Pulumi.yaml)
  std::string directory;                   // project directory under --out; default = project
  std::string account_id;                  // 12 digits, as text
  std::string region;                      // e.g. us-east-1
  std::string aws_profile;                 // `aws:profile`
  std::string aws_native_profile;          // `aws-native:profile`
  std::string service_name;                // Lattice service name
  TopologyLocation location;
};

struct Consumer {
  std::string name;                  // e.g. blue; config key `<common>:<name>-principal`
  std::string project;               // Pulumi project name, e.g. blue-service
  std::string directory;             // default = project
  std::string account_id;            // 12 digits: the caller VPC owner account
  std::string region;                // = shared region
  std::string aws_profile;
  std::string aws_native_profile;
  std::string service_network_name;  // default `<name>-service-network`
  std::vector<std::string> methods;  // upper-case, at least one
  std::vector<ValueRule> query;      // each key must carry exactly one allowed value
  std::vector<std::string> paths;    // optional; `*`/`?` are wildcards (StringLike)
  std::vector<ValueRule> headers;    // optional required headers
  TopologyLocation location;
};

struct TopologyOptions {
  std::string stack = "dev";
  PolicyStyle policy_style = PolicyStyle::kSeed;
  std::string org_id;  // required by kRequireOrg, e.g. o-a1b2c3d4e5
};

struct Topology {
  SharedService shared;
  std::vector<Consumer> consumers;
  TopologyOptions options;
  std::string source_name;  // as given to ParseTopology

  // The AWS partition of the shared region: aws, aws-cn or aws-us-gov.
  std::string Partition() const;
};

struct TopologyParseResult {
  Topology topology;
  std::vector<Issue> issues;
  bool ok() const { return !HasErrors(issues); }
};

// Parses and validates a topology. `source_name` names the file in
// `topology.source_name` (issues themselves carry line:column; format them
// with FormatIssues(result.issues, source_name)). YAML and JSON are both
// accepted. Account ids are read as scalar text, so an unquoted 012345678901
// keeps its leading zero. Unknown fields are errors with a did-you-mean hint.
TopologyParseResult ParseTopology(std::string_view text,
                                  std::string_view source_name);

// Validation helpers (also used for stack outputs). Each returns true iff the
// text is well-formed.
bool IsValidAccountId(std::string_view s);           // exactly 12 ASCII digits
bool IsValidRegion(std::string_view s);              // e.g. us-east-1, us-gov-west-1
bool IsValidFqdn(std::string_view s);                // RFC 1123 host name with a dot
// arn:<partition>:vpc-lattice:<region>:<account>:servicenetwork/sn-<17 [0-9a-z]>
bool IsValidServiceNetworkArn(std::string_view s);

}  // namespace latticepol

#endif  // LATTICEPOL_TOPOLOGY_H_
