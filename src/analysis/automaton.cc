// File: src/analysis/automaton.cc
// Stage: analysis. See automaton.h. A predicate's NFA state is a position in
// its token list; a set of positions is kept as a byte string so the product
// state of all predicates is one hashable string.
#include "analysis/automaton.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace latticepol::analysis {
namespace {

using StateSet = std::string;  // one byte per position 0..n: 1 = reached

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char OtherCase(char c) {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return 0;
}

void MarkNonAscii(StringPredicate* p, std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) p->non_ascii = true;
  }
}

Token Literal(char c) {
  Token t;
  t.c = c;
  return t;
}

// Adds the positions reachable by empty matches of `*` tokens.
void Close(const StringPredicate& p, StateSet* s) {
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    if ((*s)[i] && p.tokens[i].kind == Token::Kind::kStar) (*s)[i + 1] = 1;
  }
}

bool Accepts(const Token& t, char c) {
  switch (t.kind) {
    case Token::Kind::kLiteral:
      return c == t.c || (t.alt != 0 && c == t.alt);
    case Token::Kind::kAny:
    case Token::Kind::kStar:
      return !(t.no_colon && c == ':');
  }
  return false;
}

StateSet Step(const StringPredicate& p, const StateSet& s, char c) {
  StateSet next(s.size(), 0);
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    if (!s[i] || !Accepts(p.tokens[i], c)) continue;
    if (p.tokens[i].kind == Token::Kind::kStar) {
      next[i] = 1;
    } else {
      next[i + 1] = 1;
    }
  }
  Close(p, &next);
  return next;
}

StateSet Start(const StringPredicate& p) {
  StateSet s(p.tokens.size() + 1, 0);
  s[0] = 1;
  Close(p, &s);
  for (char c : p.prefix) s = Step(p, s, c);
  return s;
}

char FreshChar(const std::vector<char>& used) {
  static constexpr std::string_view kCandidates =
      "xzqjkvwy0123456789abcdefghilmnoprstuXZQJ_~";
  for (char c : kCandidates) {
    if (std::find(used.begin(), used.end(), c) == used.end()) return c;
  }
  return '!';
}

}  // namespace

StringPredicate LiteralPredicate(std::string_view text) {
  StringPredicate p;
  for (char c : text) p.tokens.push_back(Literal(c));
  p.description = "= \"" + std::string(text) + "\"";
  MarkNonAscii(&p, text);
  return p;
}

StringPredicate IgnoreCasePredicate(std::string_view text) {
  StringPredicate p;
  for (char c : text) {
    Token t = Literal(c);
    if (IsAsciiLetter(c)) t.alt = OtherCase(c);
    p.tokens.push_back(t);
  }
  p.description = "= \"" + std::string(text) + "\" (any case)";
  MarkNonAscii(&p, text);
  return p;
}

StringPredicate GlobPredicate(std::string_view glob) {
  StringPredicate p;
  std::string shown;
  for (size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '\\' && i + 1 < glob.size()) {
      p.tokens.push_back(Literal(glob[++i]));
      shown.push_back(glob[i]);
    } else if (c == '*' || c == '?') {
      Token t;
      t.kind = c == '*' ? Token::Kind::kStar : Token::Kind::kAny;
      p.tokens.push_back(t);
      shown.push_back(c);
    } else {
      p.tokens.push_back(Literal(c));
      shown.push_back(c);
    }
  }
  p.description = "like \"" + shown + "\"";
  MarkNonAscii(&p, glob);
  return p;
}

StringPredicate StarGlobPredicate(std::string_view pattern) {
  StringPredicate p;
  for (char c : pattern) {
    if (c == '*') {
      Token t;
      t.kind = Token::Kind::kStar;
      p.tokens.push_back(t);
    } else {
      p.tokens.push_back(Literal(c));
    }
  }
  p.description = "like \"" + std::string(pattern) + "\"";
  MarkNonAscii(&p, pattern);
  return p;
}

StringPredicate ResourceArnPredicate(std::string_view glob) {
  StringPredicate p;
  int colons = 0;
  for (size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    const bool in_resource_segment = colons >= 5;
    Token t;
    if (c == '*') {
      t.kind = Token::Kind::kStar;
      t.no_colon = !(in_resource_segment || i + 1 == glob.size() || glob[i + 1] == ':');
    } else if (c == '?') {
      t.kind = Token::Kind::kAny;
      t.no_colon = !in_resource_segment;
    } else if (c == '\\' && i + 1 < glob.size()) {
      t = Literal(glob[++i]);
    } else {
      if (c == ':') ++colons;
      t = Literal(c);
    }
    p.tokens.push_back(t);
  }
  p.description = "resource \"" + std::string(glob) + "\"";
  MarkNonAscii(&p, glob);
  return p;
}

bool Matches(const StringPredicate& p, std::string_view text) {
  StateSet s = Start(p);
  for (char c : text) s = Step(p, s, c);
  return s.back() != 0;
}

namespace {

// A deterministic automaton over the search alphabet (symbol = index into
// it); state 0 is the start.
struct Dfa {
  size_t symbols = 0;
  std::vector<uint32_t> next;  // state * symbols + symbol
  std::vector<uint8_t> accept;
  size_t size() const { return accept.size(); }
};

// Subset construction over the union of the group's NFAs, started after each
// predicate's prefix and the seed. A set of NFA positions (every predicate's
// positions, concatenated) is a bit set, so one step is a few word
// operations: T = S & accepts(c); next = (T & star) | (T & ~star) << 1, then
// the empty matches of `*` tokens. False when it needs more than
// `max_states` states.
bool Determinize(const PredicateGroup& g, const std::vector<char>& alphabet,
                 std::string_view seed, size_t max_states, Dfa* out) {
  size_t positions = 0;
  for (const StringPredicate& p : g.any_of) positions += p.tokens.size() + 1;
  const size_t words = (positions + 63) / 64;
  using Bits = std::vector<uint64_t>;
  auto set = [](Bits* b, size_t i) { (*b)[i / 64] |= uint64_t{1} << (i % 64); };
  Bits star(words, 0), final_mask(words, 0), start(words, 0);
  std::vector<Bits> accepts(alphabet.size(), Bits(words, 0));
  std::vector<size_t> star_positions;  // ascending: closure cascades forward
  size_t offset = 0;
  for (const StringPredicate& p : g.any_of) {
    StateSet s = Start(p);
    for (char c : seed) s = Step(p, s, c);
    for (size_t i = 0; i < p.tokens.size(); ++i) {
      const Token& t = p.tokens[i];
      if (t.kind == Token::Kind::kStar) {
        set(&star, offset + i);
        star_positions.push_back(offset + i);
      }
      for (size_t a = 0; a < alphabet.size(); ++a) {
        if (Accepts(t, alphabet[a])) set(&accepts[a], offset + i);
      }
    }
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i]) set(&start, offset + i);
    }
    set(&final_mask, offset + p.tokens.size());
    offset += p.tokens.size() + 1;
  }
  auto key_of = [](const Bits& b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size() * sizeof(uint64_t));
  };
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<Bits> states;
  ids.emplace(key_of(start), 0);
  states.push_back(std::move(start));
  out->symbols = alphabet.size();
  Bits next(words), moved(words);
  for (size_t i = 0; i < states.size(); ++i) {
    bool accept = false;
    for (size_t w = 0; w < words; ++w) accept |= (states[i][w] & final_mask[w]) != 0;
    out->accept.push_back(accept ? 1 : 0);
    for (size_t a = 0; a < alphabet.size(); ++a) {
      uint64_t carry = 0;
      for (size_t w = 0; w < words; ++w) {
        const uint64_t t = states[i][w] & accepts[a][w];
        moved[w] = (t & ~star[w]);
        next[w] = (t & star[w]) | (moved[w] << 1) | carry;
        carry = moved[w] >> 63;
      }
      for (size_t sp : star_positions) {
        if (next[sp / 64] >> (sp % 64) & 1) set(&next, sp + 1);
      }
      auto [it, inserted] = ids.emplace(key_of(next), static_cast<uint32_t>(states.size()));
      if (inserted) {
        if (states.size() >= max_states) return false;
        states.push_back(next);
      }
      out->next.push_back(it->second);
    }
  }
  return true;
}

// Moore's partition refinement, then states renumbered in breadth-first
// order from the start: two groups with the same language get the same
// automaton (and the same `canonical` text, used for hash-consing).
Dfa Minimize(const Dfa& d, std::string* canonical) {
  const size_t n = d.size(), k = d.symbols;
  std::vector<uint32_t> cls(n);
  for (size_t i = 0; i < n; ++i) cls[i] = d.accept[i];
  size_t count = 0;
  for (;;) {
    std::unordered_map<std::string, uint32_t> ids;
    std::vector<uint32_t> refined(n);
    for (size_t i = 0; i < n; ++i) {
      std::string sig(reinterpret_cast<const char*>(&cls[i]), sizeof(uint32_t));
      for (size_t a = 0; a < k; ++a) {
        sig.append(reinterpret_cast<const char*>(&cls[d.next[i * k + a]]), sizeof(uint32_t));
      }
      refined[i] = ids.emplace(std::move(sig), static_cast<uint32_t>(ids.size())).first->second;
    }
    const size_t now = ids.size();
    cls = std::move(refined);
    if (now == count) break;
    count = now;
  }
  std::vector<size_t> member(count, n);  // one original state per class
  for (size_t i = 0; i < n; ++i) {
    if (member[cls[i]] == n) member[cls[i]] = i;
  }
  std::vector<int64_t> order(count, -1);
  std::vector<uint32_t> queue = {cls[0]};
  order[cls[0]] = 0;
  Dfa out;
  out.symbols = k;
  canonical->clear();
  for (size_t q = 0; q < queue.size(); ++q) {
    const size_t i = member[queue[q]];
    out.accept.push_back(d.accept[i]);
    canonical->push_back(d.accept[i] ? 'A' : 'R');
    for (size_t a = 0; a < k; ++a) {
      const uint32_t c = cls[d.next[i * k + a]];
      if (order[c] < 0) {
        order[c] = static_cast<int64_t>(queue.size());
        queue.push_back(c);
      }
      out.next.push_back(static_cast<uint32_t>(order[c]));
      *canonical += std::to_string(order[c]) + ',';
    }
  }
  return out;
}

std::vector<char> SearchAlphabet(const std::vector<PredicateGroup>& groups) {
  std::vector<char> alphabet;
  bool colon_matters = false;
  for (const PredicateGroup& g : groups) {
    for (const StringPredicate& p : g.any_of) {
      for (const Token& t : p.tokens) {
        if (t.no_colon) colon_matters = true;
        if (t.kind != Token::Kind::kLiteral) continue;
        for (char c : {t.c, t.alt}) {
          if (c != 0 && static_cast<unsigned char>(c) < 0x80 &&
              std::find(alphabet.begin(), alphabet.end(), c) == alphabet.end()) {
            alphabet.push_back(c);
          }
        }
      }
    }
  }
  if (colon_matters && std::find(alphabet.begin(), alphabet.end(), ':') == alphabet.end()) {
    alphabet.push_back(':');
  }
  alphabet.push_back(FreshChar(alphabet));
  return alphabet;
}

}  // namespace

bool GroupMatches(const PredicateGroup& g, std::string_view text) {
  for (const StringPredicate& p : g.any_of) {
    if (Matches(p, text)) return true;
  }
  return false;
}

std::optional<std::vector<std::string>> LiteralStrings(const PredicateGroup& g) {
  std::vector<std::string> out;
  for (const StringPredicate& p : g.any_of) {
    if (!p.prefix.empty()) return std::nullopt;
    std::string s;
    for (const Token& t : p.tokens) {
      if (t.kind != Token::Kind::kLiteral || t.alt != 0) return std::nullopt;
      s.push_back(t.c);
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

PredicateGroup SingleGroup(StringPredicate p) {
  std::vector<StringPredicate> one;
  one.push_back(std::move(p));
  return MakeGroup(std::move(one));
}

PredicateGroup MakeGroup(std::vector<StringPredicate> any_of) {
  constexpr size_t kShown = 4;  // patterns named in a description
  PredicateGroup g;
  g.literal = !any_of.empty();
  // `like "a*"` and `like "b?"` read `like any of ("a*", "b?")`.
  std::string verb;
  bool same_verb = true;
  for (const StringPredicate& p : any_of) {
    g.literal &= p.description.rfind("= ", 0) == 0;
    const std::string v = p.description.substr(0, p.description.find(' '));
    if (verb.empty()) verb = v;
    same_verb &= v == verb && p.description.back() == '"';
  }
  if (any_of.size() == 1) {
    g.description = any_of[0].description;
  } else if (!any_of.empty()) {
    std::string list;
    for (size_t i = 0; i < any_of.size() && i < kShown; ++i) {
      const std::string& d = any_of[i].description;
      list += (i ? ", " : "") + (same_verb ? d.substr(verb.size() + 1) : d);
    }
    if (any_of.size() > kShown) list += ", +" + std::to_string(any_of.size() - kShown) + " more";
    g.description = (same_verb ? verb + " any of (" : "any of (") + list + ")";
  }
  g.any_of = std::move(any_of);
  return g;
}

std::string GroupKey(const PredicateGroup& g) {
  std::vector<std::string> parts;
  for (const StringPredicate& p : g.any_of) parts.push_back(p.prefix + '\x01' + p.description);
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  std::string key;
  for (const std::string& s : parts) key += s + '\x02';
  return key;
}

AtomSearchResult FindAtoms(const std::vector<StringPredicate>& predicates,
                           const AtomSearchOptions& options) {
  std::vector<PredicateGroup> groups;
  for (const StringPredicate& p : predicates) groups.push_back(SingleGroup(p));
  return FindAtoms(groups, options);
}

AtomSearchResult FindAtoms(const std::vector<PredicateGroup>& groups,
                           const AtomSearchOptions& options) {
  AtomSearchResult result;
  const std::vector<char> alphabet = SearchAlphabet(groups);
  // One product component per distinct minimised automaton.
  std::vector<Dfa> components;
  std::vector<size_t> component_of;
  std::unordered_map<std::string, size_t> seen;
  for (const PredicateGroup& g : groups) {
    Dfa d;
    if (!Determinize(g, alphabet, options.seed, options.max_dfa_states, &d)) {
      result.complete = false;
      return result;
    }
    std::string canonical;
    Dfa m = Minimize(d, &canonical);
    auto [it, inserted] = seen.emplace(std::move(canonical), components.size());
    if (inserted) components.push_back(std::move(m));
    component_of.push_back(it->second);
  }

  std::unordered_set<std::string> signatures;
  auto record = [&](std::vector<bool> sig, const std::string& witness) {
    std::string key(sig.begin(), sig.end());
    if (signatures.insert(key).second) result.atoms.push_back(Atom{std::move(sig), witness});
  };
  for (const std::string& v : options.preferred) {
    if (v.size() < options.min_length || v.compare(0, options.seed.size(), options.seed) != 0) {
      continue;
    }
    std::vector<bool> sig;
    for (const PredicateGroup& g : groups) sig.push_back(GroupMatches(g, v));
    record(std::move(sig), v);
  }

  using Tuple = std::vector<uint32_t>;  // one state per component
  auto key_of = [&](const Tuple& t, size_t length) {
    std::string key(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(uint32_t));
    // Witnesses shorter than min_length are not yet atoms: keep them apart.
    if (length < options.min_length) key += 'S' + std::to_string(length);
    return key;
  };
  std::deque<std::pair<Tuple, std::string>> queue;
  std::unordered_set<std::string> visited;
  Tuple start(components.size(), 0);
  visited.insert(key_of(start, options.seed.size()));
  queue.emplace_back(std::move(start), options.seed);
  const size_t k = alphabet.size();
  while (!queue.empty()) {
    auto [tuple, witness] = std::move(queue.front());
    queue.pop_front();
    if (witness.size() >= options.min_length) {
      std::vector<bool> sig;
      sig.reserve(groups.size());
      for (size_t c : component_of) sig.push_back(components[c].accept[tuple[c]] != 0);
      record(std::move(sig), witness);
    }
    for (size_t a = 0; a < k; ++a) {
      Tuple next(components.size());
      for (size_t c = 0; c < components.size(); ++c) next[c] = components[c].next[tuple[c] * k + a];
      if (!visited.insert(key_of(next, witness.size() + 1)).second) continue;
      if (visited.size() > options.max_states) {
        result.complete = false;
        return result;
      }
      queue.emplace_back(std::move(next), witness + alphabet[a]);
    }
  }
  return result;
}

}  // namespace latticepol::analysis
