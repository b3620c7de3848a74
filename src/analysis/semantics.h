// File: src/analysis/semantics.h
// Stage: analysis. The ONE place the analysis reads key and operator facts:
// which request field a condition key reads, and how a condition value
// becomes a string predicate over that field. Everything else in
// src/analysis/ asks these functions, so moving to a shared semantics table
// is a change to semantics.cc only. The decisions themselves are never
// re-implemented here: elements are evaluated by the reference evaluator.
#ifndef LATTICEPOL_SRC_ANALYSIS_SEMANTICS_H_
#define LATTICEPOL_SRC_ANALYSIS_SEMANTICS_H_

#include <optional>
#include <string>

#include "analysis/automaton.h"
#include "latticepol/policy.h"

namespace latticepol::analysis {

// The request fields the analysis varies. Everything else is fixed context.
enum class FieldKind : uint8_t {
  kAction, kCaller, kPort, kMethod, kPath, kHeader, kQuery, kSourceVpc, kSourceVpcOwner,
};

struct FieldRef {
  FieldKind kind = FieldKind::kAction;
  std::string name;  // header name / query key
  bool operator==(const FieldRef& o) const { return kind == o.kind && name == o.name; }
};

// Where a condition key's value comes from.
enum class KeySource : uint8_t {
  kField,    // a varied field (FieldRef); request-part keys also depend on the action
  kCaller,   // the caller's principal attributes
  kPort,     // the listener port
  kContext,  // fixed for every analysed request (service, tags, IP, time)
  kNever,    // always absent (unknown keys, headers that can never be sent)
};

struct KeyInfo {
  KeySource source = KeySource::kContext;
  FieldRef field;             // for kField
  bool depends_on_action = false;  // absent for Connect (method, path, headers, query)
};

KeyInfo KeyInfoFor(const ConditionKey& key);

// How a condition entry reads a key that has two or more values (a repeated
// query key): true iff some value passes (ForAnyValue), iff every value
// passes (ForAllValues), or the same for every such set (a plain operator
// is false on several values, Q2). "Passes" is the entry's answer for that
// one value, which the analysis asks the reference evaluator.
enum class ManyValues : uint8_t { kConstant, kAny, kAll };
ManyValues ManyValuesRead(const Condition& condition);

// A condition value as a predicate over its field's string value, or nullopt
// when the operator family is not a string comparison the automata model
// exactly (the caller then marks the analysis incomplete). Null never needs
// one (it tests presence only).
std::optional<StringPredicate> ConditionPredicate(const Condition& condition,
                                                  const std::string& value,
                                                  bool variables_active);

// True if the value contains an active policy variable (it then depends on
// other request keys: not modelled exactly).
bool UsesVariable(const std::string& value, bool variables_active);

// The Resource pattern as a predicate over the request path, given the fixed
// service ARN. nullopt: the pattern is "*" (always true) or can never match
// (service-network ARNs, no service ARN); `*always` tells which.
std::optional<StringPredicate> ResourcePredicate(const std::string& pattern,
                                                 const std::string& service_arn,
                                                 bool variables_active, bool* always);

}  // namespace latticepol::analysis

#endif  // LATTICEPOL_SRC_ANALYSIS_SEMANTICS_H_
