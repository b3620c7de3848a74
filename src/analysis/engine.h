// File: src/analysis/engine.h
// Stage: analysis. The request space (fields, each partitioned into atoms),
// policy elements as memoised boolean functions of a few fields (evaluated by
// the reference evaluator on a one-element policy, so no rule is restated),
// three-valued policy/chain decisions over partial assignments, and the
// splitting search whose leaves are regions.
#ifndef LATTICEPOL_SRC_ANALYSIS_ENGINE_H_
#define LATTICEPOL_SRC_ANALYSIS_ENGINE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/automaton.h"
#include "analysis/semantics.h"
#include "latticepol/analysis.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "workflow/internal/compile_cache.h"

namespace latticepol::analysis {

enum class Tri : uint8_t { kFalse, kTrue, kUnknown };

// Descriptions of a query key's one-value atoms start with this.
inline constexpr std::string_view kOneValue = "one value ";

struct FieldAtom {
  bool absent = false;
  std::vector<std::string> values;  // one value, or 2+ for a repeated query key
  std::string description;
};

struct Field {
  FieldRef ref;
  std::string label;  // "method", "header x-debug", ...
  bool optional = false;
  std::vector<PredicateGroup> groups;  // distinct by GroupKey
  std::vector<std::string> preferred;
  // Witness of its own atom, ahead of every other preferred value (a
  // request's value, so that its atom can be found by its witness).
  std::optional<std::string> pinned;
  std::vector<FieldAtom> atoms;  // filled by Space::Partition
  // Query keys: atoms [first_repeated, end) are sets of two or more values
  // (added by ExpandRepeated); before them: absent and one value per class.
  size_t first_repeated = 0;
  void AddGroup(PredicateGroup g);
};

// A caller class: who sends the request and what it does not control.
struct CallerAtom {
  std::string name;
  std::string description;
  std::optional<Principal> principal;
  std::optional<std::string> source_vpc;  // set: overrides the VPC fields
  std::optional<std::string> source_vpc_owner_account;
  std::optional<std::string> service_network_arn;
  ChainConfig config;
  const PolicyDocument* identity_policy = nullptr;
  int scenario_index = -1;
};

using Assignment = std::vector<int>;  // atom per field, -1 = free

class Space {
 public:
  AnalysisContext context;
  std::vector<Field> fields;
  std::vector<CallerAtom> callers;
  std::vector<std::string> actions = {"vpc-lattice-svcs:Invoke"};
  std::vector<int32_t> ports;  // empty: context.port
  // prove: the caller fixes VPC and owner account (no VPC fields).
  bool vpc_from_caller = false;
  std::vector<std::string> incomplete;
  // Work budget shared by every search over this space (atoms examined when
  // a field is split): a policy whose value classes explode ends with
  // "search budget exhausted" (complete == false) instead of running for
  // minutes. Per-search node limits (SearchLimits) apply as well.
  uint64_t work = 0;
  uint64_t max_work = 20'000'000;

  // Returns the field index, adding the field if new.
  int FieldFor(const FieldRef& ref);
  int action_field() const { return 0; }
  int caller_field() const { return 1; }
  int method_field() const { return 2; }
  int path_field() const { return 3; }
  // Computes every field's atoms from its predicates (query keys: absent and
  // one value per class; ExpandRepeated adds the repeated ones).
  void Partition();
  Request Build(const Assignment& a) const;
  void Incomplete(const std::string& reason);
};

Space NewSpace(const AnalysisContext& context);

struct Element {
  std::vector<int> deps;  // field indices, sorted
  std::function<bool(const Request&, const Assignment&)> eval;
  // How it reads a query key with several values (semantics.h).
  ManyValues many = ManyValues::kConstant;
};

class Elements {
 public:
  explicit Elements(const Space* space) : space_(space) {}
  int Add(Element e);
  Tri Value(int id, const Assignment& a);
  const Element& at(int id) const { return elements_[id]; }
  size_t size() const { return elements_.size(); }
  // Elements that read field f.
  const std::vector<int>& Readers(int f);

 private:
  const Space* space_;
  std::vector<Element> elements_;
  // Per element: values by mixed-radix index over its deps' atoms, dense
  // (-1 = not yet computed) when small, else hashed.
  struct Memo {
    std::vector<uint64_t> radix;  // per dep: atom count
    std::vector<int8_t> dense;
    std::map<std::vector<int>, bool> sparse;
    bool ready = false;
  };
  std::vector<Memo> memo_;
  std::vector<std::vector<int>> readers_;
};

struct StatementModel {
  Effect effect = Effect::kAllow;
  std::vector<int> elements;
};

struct PolicyModel {
  const PolicyDocument* doc = nullptr;
  std::vector<StatementModel> statements;
};

// Registers the policy's predicates with the space's fields (call before
// Space::Partition).
void CollectPredicates(const PolicyDocument& doc, Space* space, const std::string& label);
// Builds the elements of every statement (after Space::Partition).
PolicyModel ModelPolicy(const PolicyDocument& doc, Space* space, Elements* elements,
                        const std::string& label);

// Adds every query field's repeated atoms (two or more values), after every
// element is added and before any is evaluated: one atom per distinct answer
// of the elements reading the key, found by closing the one-value classes
// under union (ForAnyValue reads the OR of the values' answers, ForAllValues
// the AND, plain operators a constant), each with a smallest set of classes
// as witness. Exact; a budget marks the space incomplete.
void ExpandRepeated(Space* space, Elements* elements);

struct Partial {
  bool known = false;
  DecisionKind kind = DecisionKind::kImplicitDeny;
  int need = -1;  // smallest free field an undecided element reads
};

// `live` (optional) receives the undecided elements the answer still
// depends on: those of undecided statements, and of undecided Allows only
// while no Allow is true; nothing once the answer is known. The search
// splits a field only by what its live readers tell apart.
Tri StatementValue(const StatementModel& s, Elements* el, const Assignment& a, int* need,
                   std::vector<int>* live = nullptr);
Partial PolicyDecision(const PolicyModel& p, Elements* el, const Assignment& a,
                       std::vector<int>* live = nullptr);

// A chain over one service-policy model (network/identity shared).
struct ChainModel {
  const PolicyModel* network = nullptr;
  const PolicyModel* service = nullptr;
  std::vector<std::optional<PolicyModel>> identity;  // per caller atom
};
Partial ChainDecision(const ChainModel& chain, const Space& space, Elements* el,
                      const Assignment& a, std::vector<int>* live = nullptr);

// The search. `visit` returns kSplit with the field to split, kLeaf, or
// kPrune. Leaves get the assignment and, per field, the atoms of its group.
enum class Verdict : uint8_t { kPrune, kLeaf, kSplit };
struct Visit {
  Verdict verdict = Verdict::kPrune;
  int field = -1;
  // With `scoped`, the split groups the field's atoms by the answers of its
  // readers among `live` only (see PolicyDecision); else of every reader.
  bool scoped = false;
  std::vector<int> live;
};
struct Leaf {
  Assignment assignment;
  std::vector<std::vector<int>> groups;  // empty = free
};
struct SearchLimits {
  SearchLimits(size_t nodes = 200000, size_t leaves = 0) : max_nodes(nodes), max_leaves(leaves) {}
  size_t max_nodes = 200000;
  size_t max_leaves = 0;  // 0 = all
  // Per field (empty = none; -1 = none for that field): an atom whose group is
  // visited first and represented by that atom.
  std::vector<int> prefer;
};
// Returns false when the node budget ran out.
bool Search(Space* space, Elements* el, const std::function<Visit(const Assignment&)>& visit,
            const std::function<void(const Leaf&)>& on_leaf, const SearchLimits& limits);

Region DescribeRegion(const Space& space, const Leaf& leaf);

// Merges leaves that differ in one field's group and have the same outcome
// (repeatedly), so reported regions are as coarse as the search allows.
// `kept` receives the indices of the surviving (widened) leaves; each keeps
// its own assignment, which lies inside its widened region.
// `outcomes[i]` names leaf i's outcome (leaves merge only within one).
void MergeSiblings(const Space& space, std::vector<Leaf>* leaves,
                   const std::vector<std::string>& outcomes, std::vector<size_t>* kept);

int MinNeed(int a, int b);

// Evaluates `request` with both evaluators on a chain; fails loudly when they
// disagree with each other or with `expected`.
class Verifier {
 public:
  absl::StatusOr<Witness> Check(const ChainPolicies& chain, const Request& request,
                                std::optional<DecisionKind> expected,
                                const std::string& what);

 private:
  internal::CompileCache compiled_;
};

}  // namespace latticepol::analysis

#endif  // LATTICEPOL_SRC_ANALYSIS_ENGINE_H_
