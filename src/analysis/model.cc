// File: src/analysis/model.cc
// Stage: analysis. Turns a policy into predicates (for the atoms) and
// elements (for the search). An element is one Principal, Action, Resource
// or Condition entry; its value on a request is what the reference evaluator
// says about a copy of the statement in which every other element is "*".
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analysis/engine.h"
#include "analysis/semantics.h"
#include "latticepol/evaluate.h"

namespace latticepol::analysis {
namespace {

std::string StatementLabel(const Statement& s, const std::string& label) {
  return label + " statement " + std::to_string(s.index) + (s.sid.empty() ? "" : " (" + s.sid + ")");
}

// The field a key reads in this space, or -1 (caller / port / context).
int KeyField(const KeyInfo& info, Space* space) {
  if (info.source != KeySource::kField) return -1;
  const bool vpc = info.field.kind == FieldKind::kSourceVpc ||
                   info.field.kind == FieldKind::kSourceVpcOwner;
  if (vpc && space->vpc_from_caller) return -1;
  return space->FieldFor(info.field);
}

std::vector<int> KeyDeps(const KeyInfo& info, Space* space) {
  std::vector<int> deps;
  if (info.depends_on_action) deps.push_back(space->action_field());
  const int f = KeyField(info, space);
  if (f >= 0) deps.push_back(f);
  const bool vpc = info.source == KeySource::kField &&
                   (info.field.kind == FieldKind::kSourceVpc ||
                    info.field.kind == FieldKind::kSourceVpcOwner);
  // In `prove` the caller also fixes the VPC fields and the service network.
  const bool caller_context = space->vpc_from_caller && info.source == KeySource::kContext;
  if (info.source == KeySource::kCaller || (vpc && f < 0) || caller_context) {
    deps.push_back(space->caller_field());
  }
  if (info.source == KeySource::kPort && !space->ports.empty()) {
    deps.push_back(space->FieldFor({FieldKind::kPort, ""}));
  }
  return deps;
}

std::shared_ptr<PolicyDocument> MiniPolicy(const PolicyDocument& doc) {
  auto mini = std::make_shared<PolicyDocument>();
  mini->version = doc.version;
  mini->has_version = doc.has_version;
  mini->is_identity_policy = doc.is_identity_policy;
  Statement s;
  s.effect = Effect::kAllow;
  s.principal.wildcard = true;
  s.actions = {"*"};
  s.resources = {"*"};
  s.pointer = "/Statement/0";
  mini->statements.push_back(std::move(s));
  return mini;
}

Element MiniElement(std::shared_ptr<PolicyDocument> mini, std::vector<int> deps) {
  Element e;
  e.deps = std::move(deps);
  e.eval = [mini](const Request& r, const Assignment&) {
    return EvaluateReference(*mini, r.view()).decision.kind == DecisionKind::kAllow;
  };
  return e;
}

std::vector<int> AllFields(const Space& space) {
  std::vector<int> all;
  for (size_t f = 0; f < space.fields.size(); ++f) all.push_back(static_cast<int>(f));
  return all;
}

}  // namespace

void CollectPredicates(const PolicyDocument& doc, Space* space, const std::string& label) {
  const bool vars = VariablesActive(doc);
  for (const Statement& s : doc.statements) {
    // One group per element: the element's answer is a function of whether
    // any of its patterns matches (and of presence), so atoms need to tell
    // apart only that.
    std::vector<StringPredicate> resources;
    for (const std::string& pattern : s.resources) {
      bool always = false;
      auto p = ResourcePredicate(pattern, space->context.service_arn, vars, &always);
      if (p) resources.push_back(std::move(*p));
    }
    space->fields[space->FieldFor({FieldKind::kPath, ""})].AddGroup(MakeGroup(std::move(resources)));
    for (const Condition& c : s.conditions) {
      const KeyInfo info = KeyInfoFor(c.key);
      const int f = KeyField(info, space);
      if (f < 0) continue;
      Field& field = space->fields[f];
      std::vector<StringPredicate> values;
      for (const std::string& v : c.values) {
        if (UsesVariable(v, vars)) continue;  // reported by ModelPolicy
        auto p = ConditionPredicate(c, v, vars);
        if (p) {
          values.push_back(std::move(*p));
        } else if (c.op != ConditionOperator::kNull) {
          space->Incomplete(StatementLabel(s, label) + ": " + c.operator_name + " on " +
                            c.key.name + " is checked only at the values the policy names");
          field.preferred.push_back(v);
        }
      }
      field.AddGroup(MakeGroup(std::move(values)));
    }
  }
}

PolicyModel ModelPolicy(const PolicyDocument& doc, Space* space, Elements* elements,
                        const std::string& label) {
  PolicyModel model;
  model.doc = &doc;
  const bool vars = VariablesActive(doc);
  for (const Statement& s : doc.statements) {
    StatementModel sm;
    sm.effect = s.effect;
    if (!doc.is_identity_policy) {
      auto mini = MiniPolicy(doc);
      mini->statements[0].not_principal = s.not_principal;
      mini->statements[0].principal = s.principal;
      sm.elements.push_back(elements->Add(MiniElement(mini, {space->caller_field()})));
    }
    {
      auto mini = MiniPolicy(doc);
      mini->statements[0].not_action = s.not_action;
      mini->statements[0].actions = s.actions;
      sm.elements.push_back(elements->Add(MiniElement(mini, {space->action_field()})));
    }
    {
      auto mini = MiniPolicy(doc);
      mini->statements[0].not_resource = s.not_resource;
      mini->statements[0].resources = s.resources;
      std::vector<int> deps = {space->action_field(), space->FieldFor({FieldKind::kPath, ""})};
      for (const std::string& r : s.resources) {
        if (UsesVariable(r, vars)) {
          deps = AllFields(*space);
          space->Incomplete(StatementLabel(s, label) +
                            ": a policy variable in Resource is checked only at witness values");
        }
      }
      sm.elements.push_back(elements->Add(MiniElement(mini, deps)));
    }
    for (const Condition& c : s.conditions) {
      auto mini = MiniPolicy(doc);
      mini->statements[0].conditions = {c};
      std::vector<int> deps = KeyDeps(KeyInfoFor(c.key), space);
      bool variable = false;
      for (const std::string& v : c.values) {
        if (UsesVariable(v, vars)) {
          variable = true;
          deps = AllFields(*space);
          space->Incomplete(StatementLabel(s, label) + ": policy variable in " + c.operator_name +
                            " on " + c.key.name + " is checked only at witness values");
        }
      }
      Element e = MiniElement(mini, deps);
      if (!variable) e.many = ManyValuesRead(c);
      sm.elements.push_back(elements->Add(std::move(e)));
    }
    model.statements.push_back(std::move(sm));
  }
  return model;
}

}  // namespace latticepol::analysis
