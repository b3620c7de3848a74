// File: src/analysis/automaton.cc
// Stage: analysis. See automaton.h. A predicate's NFA state is a position in
// its token list; a set of positions is kept as a byte string so the product
// state of all predicates is one hashable string.
#include "analysis/automaton.h"

#include <algorithm>
#include <deque>
#include <string>
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

AtomSearchResult FindAtoms(const std::vector<StringPredicate>& predicates,
                           const AtomSearchOptions& options) {
  AtomSearchResult result;
  std::vector<char> alphabet;
  bool colon_matters = false;
  for (const StringPredicate& p : predicates) {
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
  if (colon_matters && std::find(alphabet.begin(), alphabet.end(), ':') == alphabet.end()) {
    alphabet.push_back(':');
  }
  alphabet.push_back(FreshChar(alphabet));

  std::unordered_set<std::string> signatures;
  auto record = [&](const std::vector<bool>& sig, const std::string& witness) {
    std::string key(sig.begin(), sig.end());
    if (signatures.insert(key).second) result.atoms.push_back(Atom{sig, witness});
  };
  auto signature_of = [&](const std::vector<StateSet>& states) {
    std::vector<bool> sig;
    for (const StateSet& s : states) sig.push_back(s.back() != 0);
    return sig;
  };
  for (const std::string& v : options.preferred) {
    if (v.size() < options.min_length || v.compare(0, options.seed.size(), options.seed) != 0) {
      continue;
    }
    std::vector<bool> sig;
    for (const StringPredicate& p : predicates) sig.push_back(Matches(p, v));
    record(sig, v);
  }

  std::vector<StateSet> start;
  for (const StringPredicate& p : predicates) {
    StateSet s = Start(p);
    for (char c : options.seed) s = Step(p, s, c);
    start.push_back(std::move(s));
  }
  auto key_of = [](const std::vector<StateSet>& states, size_t length, size_t min_length) {
    std::string key;
    for (const StateSet& s : states) key += s + '|';
    key.push_back(length >= min_length ? 'L' : 'S');  // short witnesses are not yet atoms
    if (length < min_length) key += std::to_string(length);
    return key;
  };
  std::deque<std::pair<std::vector<StateSet>, std::string>> queue;
  std::unordered_set<std::string> visited;
  visited.insert(key_of(start, options.seed.size(), options.min_length));
  queue.emplace_back(std::move(start), options.seed);
  while (!queue.empty()) {
    auto [states, witness] = std::move(queue.front());
    queue.pop_front();
    if (witness.size() >= options.min_length) record(signature_of(states), witness);
    for (char c : alphabet) {
      std::vector<StateSet> next;
      next.reserve(states.size());
      for (size_t i = 0; i < predicates.size(); ++i) {
        next.push_back(Step(predicates[i], states[i], c));
      }
      std::string key = key_of(next, witness.size() + 1, options.min_length);
      if (!visited.insert(std::move(key)).second) continue;
      if (visited.size() > options.max_states) {
        result.complete = false;
        return result;
      }
      queue.emplace_back(std::move(next), witness + c);
    }
  }
  return result;
}

}  // namespace latticepol::analysis
