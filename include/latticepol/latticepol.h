// File: latticepol/latticepol.h
// The umbrella header: everything a program needs to check VPC Lattice auth
// policies. The pipeline stages, in order:
//
//   parse.h            policy text -> PolicyDocument + located issues
//   compiled_policy.h  PolicyDocument -> CompiledPolicy; Evaluate (fast path)
//   evaluate.h         EvaluateReference (docs/semantics.md, line by line); explain.h: explanations
//   authorize.h        the Lattice chain: network, service, identity layers
//   request.h          Request / RequestView; request_json.h: canonical JSON
//   input_file.h       whole-file reads with the shared size limits
//   cases.h            case files and RunCases (`latticepol check`)
//   scenario.h, simulate.h, replay.h   synthetic streams and recorded traffic
//   replay_inputs.h    replay of many files, globs and .gz
//   replay_identities.h  per-caller identity inputs for replay
//   topology.h, generate.h             policy + Pulumi stack configs from a topology
//   lint.h, policy_format.h            findings in four severities; canonical formatting
//
// Example:
//   #include "latticepol/latticepol.h"
//
//   latticepol::ParseResult parsed = latticepol::ParsePolicy(policy_text);
//   if (!parsed.ok()) {
//     std::cerr << latticepol::FormatIssues(parsed.issues, "policy.json");
//     return 4;
//   }
//   auto compiled = latticepol::Compile(parsed.doc);
//   if (!compiled.ok()) return 1;
//   latticepol::Request request;
//   request.AppendRawQuery("q=blue");
//   request.source_vpc_owner_account = "111111111111";
//   latticepol::Decision d = latticepol::Evaluate(**compiled, request.view());
//   // d.kind == latticepol::DecisionKind::kAllow for the shipped blue/green policy.
#ifndef LATTICEPOL_LATTICEPOL_H_
#define LATTICEPOL_LATTICEPOL_H_

#include "latticepol/authorize.h"        // IWYU pragma: export
#include "latticepol/cases.h"            // IWYU pragma: export
#include "latticepol/compiled_policy.h"  // IWYU pragma: export
#include "latticepol/decision.h"         // IWYU pragma: export
#include "latticepol/evaluate.h"         // IWYU pragma: export
#include "latticepol/explain.h"          // IWYU pragma: export
#include "latticepol/generate.h"         // IWYU pragma: export
#include "latticepol/input_file.h"       // IWYU pragma: export
#include "latticepol/issue.h"            // IWYU pragma: export
#include "latticepol/lint.h"             // IWYU pragma: export
#include "latticepol/parse.h"            // IWYU pragma: export
#include "latticepol/policy.h"           // IWYU pragma: export
#include "latticepol/policy_format.h"    // IWYU pragma: export
#include "latticepol/replay.h"           // IWYU pragma: export
#include "latticepol/replay_inputs.h"    // IWYU pragma: export
#include "latticepol/replay_identities.h"  // IWYU pragma: export
#include "latticepol/request.h"          // IWYU pragma: export
#include "latticepol/request_json.h"     // IWYU pragma: export
#include "latticepol/scenario.h"         // IWYU pragma: export
#include "latticepol/simulate.h"         // IWYU pragma: export
#include "latticepol/topology.h"         // IWYU pragma: export

#endif  // LATTICEPOL_LATTICEPOL_H_
