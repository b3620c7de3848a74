// File: latticepol/scenario.h
// Stage: simulate (input). A simulation scenario: who calls the shared
// service, how, how many requests, and what the platform engineer expects to
// happen. Read from YAML (yaml-cpp) or JSON; every problem is an Issue with
// the scenario file's line:column and a JSON pointer, e.g.
//
//   scenario.yaml:12:5: /callers/1/weight: error: weight must be a non-negative number [invalid-weight]
//
// FILE FORMAT (every key is optional unless marked required; unknown keys are
// errors with a did-you-mean suggestion). Full reference:
// docs/formats/scenario.md; JSON Schema: docs/schemas/scenario.schema.json.
//
//   policies:
//     service: ../common/auth-policy.json  # path relative to this file
//     serviceAuthType: AWS_IAM          # AWS_IAM (default) | NONE
//     network: network-policy.json      # optional service-network policy
//     networkAuthType: NONE             # default: AWS_IAM if `network` is set, else NONE
//   service:
//     arn: arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0
//     tags: {env: prod}                 # aws:ResourceTag/<k>
//   count: 10000000                     # requests to generate
//   seed: 42                            # same seed -> same stream -> same report
//   threads: 0                          # 0 = every core
//   samples: 5                          # sample requests kept per finding
//   mix:                                # the global request mix
//     actions: [vpc-lattice-svcs:Invoke]   # default Invoke
//     methods: {GET: 8, POST: 1, DELETE: 1}
//     paths: {/: 1, /items: 3}
//     port: 443                         # or a distribution of ports
//     query:                            # one distribution per query key
//       q:
//         - {value: blue, weight: 4}
//         - {absent: true, weight: 1}       # the key is not sent
//         - {repeat: [blue, green]}         # ?q=blue&q=green (weight 1)
//         - {random: 8}                     # 8 random [a-z0-9] characters
//         - {random: {min: 1, max: 12, alphabet: "abc%&="}}
//     headers:
//       content-type: {application/json: 3, text/plain: 1}
//   callers:                            # required, at least one
//     - name: blue                      # required, unique
//       weight: 3                       # share of the traffic (default 1)
//       sourceVpc: vpc-0b1ue
//       sourceVpcOwnerAccount: "111111111111"
//       serviceNetworkArn: arn:aws:vpc-lattice:...:servicenetwork/sn-...
//       principal: anonymous            # or an object:
//       # principal: {arn: arn:aws:iam::111111111111:role/blue, type: AssumedRole,
//       #             account: "111111111111", orgId: o-abc, orgPaths: [...],
//       #             tags: {team: blue}, sessionArn: ...}
//       identityDecision: ALLOW         # or identityPolicy: path (signed callers only)
//       mix: {...}                      # overrides the global mix (see below)
//   expectations:                       # first matching expectation wins
//     - name: blue reads blue           # optional label for the report
//       match: {caller: blue, method: GET, query: {q: blue}}
//       expect: ALLOW                   # ALLOW | DENY | EXPLICIT_DENY | IMPLICIT_DENY
//
// Distributions (methods, paths, actions, port, each query key, each header)
// take one of three forms: a scalar (one value, weight 1), a list of scalars
// (equal weights) or choice objects, or a map `value: weight`. A choice
// object has exactly one of `value`, `absent: true`, `repeat: [v...]`
// (query: the key repeated once per value; headers: values joined with ","
// per H2) or `random: N | {min, max, alphabet}`, plus an optional `weight`.
//
// A caller's `mix` overrides the global mix field by field: `actions`,
// `methods`, `paths` and `port` replace the global distribution; `query` and
// `headers` replace the global distribution of each key they name (other keys
// keep the global one; `{absent: true}` removes a key).
//
// Expectation `match` fields (all optional, all must hold): `caller`,
// `method`, `path` (a `*` glob), `action`: a string or a list (any of);
// `port`: a number or a list; `signed`: true|false; `query`: {key: value}
// where a string means "exactly one value, equal to it", a list means "exactly
// these values in order" (a repeated key) and null (`~`) means "absent";
// `headers`: {name: value | ~}. `DENY` accepts both deny kinds. Requests that
// match no expectation are counted as unmatched, never as violations.
#ifndef LATTICEPOL_SCENARIO_H_
#define LATTICEPOL_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/issue.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {

// One alternative of a distribution.
struct ScenarioChoice {
  enum class Kind : uint8_t { kValue, kAbsent, kRepeat, kRandom };
  Kind kind = Kind::kValue;
  double weight = 1;
  std::string value;                // kValue
  std::vector<std::string> values;  // kRepeat, in order
  int random_min = 8;               // kRandom: length range, inclusive
  int random_max = 8;
  std::string alphabet;             // kRandom: bytes to draw from
};

// A weighted distribution over choices. Empty = not given.
struct ScenarioDistribution {
  std::vector<ScenarioChoice> choices;
  bool empty() const { return choices.empty(); }
};

using NamedDistribution = std::pair<std::string, ScenarioDistribution>;

// The request mix, global or a caller's override (empty fields inherit).
struct ScenarioMix {
  ScenarioDistribution actions;
  ScenarioDistribution methods;
  ScenarioDistribution paths;
  ScenarioDistribution ports;                // values are decimal port numbers
  std::vector<NamedDistribution> query;      // by key, in file order
  std::vector<NamedDistribution> headers;    // by lower-cased name, in file order
};

struct ScenarioCaller {
  std::string name;
  double weight = 1;
  std::optional<std::string> source_vpc;
  std::optional<std::string> source_vpc_owner_account;
  std::optional<std::string> service_network_arn;
  std::optional<Principal> principal;  // nullopt = anonymous
  std::optional<DecisionKind> identity_decision;
  std::string identity_policy_path;    // as resolved (empty = none)
  std::optional<PolicyDocument> identity_policy;
  ScenarioMix mix;  // overrides of the global mix
  SourceLocation location;
};

// Expected outcome of an expectation.
enum class ExpectedOutcome : uint8_t { kAllow, kDeny, kExplicitDeny, kImplicitDeny };
std::string_view ExpectedOutcomeName(ExpectedOutcome outcome);
// Returns true iff `kind` satisfies `expected`.
bool OutcomeSatisfies(ExpectedOutcome expected, DecisionKind kind);

// What a query key or header must look like for an expectation to match.
struct ValueMatch {
  bool absent = false;              // the key must be absent
  std::vector<std::string> values;  // else exactly these values, in order
};

struct ExpectationMatch {
  std::vector<std::string> callers;  // any of (empty = any caller)
  std::vector<std::string> actions;  // any of, case-insensitive
  std::vector<std::string> methods;  // any of, exact
  std::vector<std::string> paths;    // any of, `*` globs
  std::vector<int32_t> ports;        // any of
  std::optional<bool> is_signed;
  std::vector<std::pair<std::string, ValueMatch>> query;
  std::vector<std::pair<std::string, ValueMatch>> headers;
};

struct Expectation {
  std::string name;  // label; defaults to a rendering of `match`
  ExpectationMatch match;
  ExpectedOutcome expect = ExpectedOutcome::kAllow;
  SourceLocation location;
};

struct Scenario {
  std::string source_name;  // the scenario file name, for messages
  AuthType service_auth_type = AuthType::kAwsIam;
  AuthType network_auth_type = AuthType::kNone;
  std::string service_policy_path;  // as resolved (empty = no policy)
  std::string network_policy_path;
  std::optional<PolicyDocument> service_policy;
  std::optional<PolicyDocument> network_policy;
  std::optional<std::string> service_arn;
  std::vector<StringPair> resource_tags;
  ScenarioMix mix;
  std::vector<ScenarioCaller> callers;
  std::vector<Expectation> expectations;
  uint64_t count = 1000000;  // at most kMaxScenarioCount
  uint64_t seed = 1;
  int threads = 0;      // 0 = hardware concurrency
  int max_samples = 5;
};

// The scenario's chain description (authorize.h) for `caller` (an index
// into `callers`): the scenario's auth types, service and network policies,
// and the caller's identity decision and identity policy. With `caller` -1
// (or out of range) the identity layer has no input (ASSUMED_ALLOW, E2 in
// docs/semantics.md). The documents are borrowed from `scenario`.
ChainPolicies ScenarioChain(const Scenario& scenario, int caller = -1);

// The largest request count a scenario (or an override of it) may ask for.
inline constexpr uint64_t kMaxScenarioCount = uint64_t{1} << 62;

struct ScenarioLoadResult {
  Scenario scenario;
  // Problems with line:column in the scenario file. A problem inside a
  // referenced policy file is reported at the scenario node naming the file,
  // its message quoting the policy file's own location.
  std::vector<Issue> issues;
  bool ok() const { return !HasErrors(issues); }
};

// Parses scenario text. `source_name` labels messages; relative policy paths
// are resolved against `base_dir` ("" = the current directory). Never throws.
ScenarioLoadResult ParseScenario(std::string_view text,
                                 std::string_view source_name,
                                 std::string_view base_dir);

// Reads and parses a scenario file (policy paths relative to its directory).
ScenarioLoadResult LoadScenarioFile(const std::string& path);

}  // namespace latticepol

#endif  // LATTICEPOL_SCENARIO_H_
