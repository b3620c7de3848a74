// File: src/analysis/automaton.h
// Stage: analysis. String predicates as small NFAs (one state per pattern
// token), groups of them as minimised DFAs, and the product search that
// partitions a string key's value space into atoms: every combination of
// groups ("signature") that some string realises, each with a shortest
// witness string. Exact for ASCII patterns:
// characters that appear in no pattern all behave alike, so the alphabet is
// the pattern characters plus one fresh character.
#ifndef LATTICEPOL_SRC_ANALYSIS_AUTOMATON_H_
#define LATTICEPOL_SRC_ANALYSIS_AUTOMATON_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol::analysis {

// One pattern token: a literal byte (optionally with a case variant), any one
// character, or any run. `no_colon` excludes ':' (ARN resource segments).
struct Token {
  enum class Kind : uint8_t { kLiteral, kAny, kStar };
  Kind kind = Kind::kLiteral;
  char c = 0;
  char alt = 0;  // second accepted byte for case-insensitive literals (0 = none)
  bool no_colon = false;
};

// A whole-string predicate: the text matches the token sequence, after an
// optional fixed prefix (e.g. the service ARN before a request path).
struct StringPredicate {
  std::vector<Token> tokens;
  std::string prefix;       // consumed before the searched text
  std::string description;  // e.g. `like "/reports/*"`
  bool non_ascii = false;   // the pattern had bytes >= 0x80 (not modelled exactly)
};

// Builders for the pattern syntaxes the evaluators use.
StringPredicate LiteralPredicate(std::string_view text);
StringPredicate IgnoreCasePredicate(std::string_view text);
// Internal glob syntax (`*`, `?`, `\` escapes), as internal::GlobMatch.
StringPredicate GlobPredicate(std::string_view glob);
// `*`-only glob without escapes (scenario expectation paths).
StringPredicate StarGlobPredicate(std::string_view pattern);
// A Resource `arn:` pattern in internal glob syntax with the segment rules of
// the reference evaluator's ResourceArnMatch (a `*` ending one of the first
// five segments, or the pattern, crosses colons).
StringPredicate ResourceArnPredicate(std::string_view glob);

// Returns true iff `text` (after the predicate's prefix) satisfies it.
bool Matches(const StringPredicate& p, std::string_view text);

// Predicates read together: true iff any of them matches (the values of one
// condition entry, the patterns of one Resource element). Atoms need to tell
// apart only what a group tells apart, so a field's atoms are the
// combinations of its groups, not of every single pattern.
struct PredicateGroup {
  std::vector<StringPredicate> any_of;
  std::string description;  // the one predicate's, or `one of (...)`
  bool literal = false;     // every predicate is an equality literal
};

PredicateGroup SingleGroup(StringPredicate p);
// True iff some predicate of the group matches `text`.
bool GroupMatches(const PredicateGroup& g, std::string_view text);
// The group's strings when it is a set of exact literals (StringEquals
// values), else nullopt.
std::optional<std::vector<std::string>> LiteralStrings(const PredicateGroup& g);
// `any_of` with its description and literal flag filled in.
PredicateGroup MakeGroup(std::vector<StringPredicate> any_of);
// A key naming the group's meaning (same predicates, same prefixes).
std::string GroupKey(const PredicateGroup& g);

struct Atom {
  std::vector<bool> signature;  // per group (per predicate for the overload)
  std::string witness;          // a shortest (or preferred) string with it
};

struct AtomSearchOptions {
  std::string seed;                    // every witness starts with this
  size_t min_length = 0;               // witnesses at least this long (with seed)
  std::vector<std::string> preferred;  // tried first, kept as witnesses when new
  size_t max_states = 200000;          // product states visited before giving up
  size_t max_dfa_states = 20000;       // states of one group's automaton
};

struct AtomSearchResult {
  std::vector<Atom> atoms;  // distinct signatures, preferred witnesses first
  bool complete = true;     // false: the state budget ran out
};

// Every reachable signature with a witness. Each group becomes a canonical
// minimised DFA over the search alphabet (groups with the same DFA share
// one product component: hash-consing); the product of the distinct DFAs is
// explored breadth-first, so witnesses are shortest.
AtomSearchResult FindAtoms(const std::vector<PredicateGroup>& groups,
                           const AtomSearchOptions& options);
// One group per predicate.
AtomSearchResult FindAtoms(const std::vector<StringPredicate>& predicates,
                           const AtomSearchOptions& options);

}  // namespace latticepol::analysis

#endif  // LATTICEPOL_SRC_ANALYSIS_AUTOMATON_H_
