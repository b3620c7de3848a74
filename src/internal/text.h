// File: src/internal/text.h
// Low-level value primitives of docs/semantics.md §3, shared by the parser (strict
// validation), both evaluators and the generators: globs, ARNs, case folding,
// numbers, dates, IP networks, booleans, base64 and policy variables.
// Each is small, allocation-free where possible and unit-tested on its own
// (tests/unit/text_test.cc), so the two evaluators can share them without
// sharing evaluation logic.
#ifndef LATTICEPOL_INTERNAL_TEXT_H_
#define LATTICEPOL_INTERNAL_TEXT_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "latticepol/decision.h"
#include "latticepol/policy.h"

namespace latticepol::internal {

// ---- Globs ---------------------------------------------------------------
// Internal glob syntax: `*` = any run (possibly empty, including `\n`, O2),
// `?` = exactly one character (a UTF-8 code point; a stray byte counts as one), and
// `\` escapes the next byte (so `\*` is a literal asterisk, `\\` a backslash).
// Policy text never contains escapes: convert it with GlobFromPolicyText.

// Returns `raw` with every `\` doubled (policy text has no escape syntax).
std::string GlobFromPolicyText(std::string_view raw);
// Returns `literal` with `\`, `*` and `?` escaped, so it matches only itself.
std::string GlobEscape(std::string_view literal);
// Returns true iff `text` matches the whole of `pattern` (case-sensitive).
// Linear-time-ish (greedy with single backtrack point); never recurses.
bool GlobMatch(std::string_view pattern, std::string_view text);
// Returns true iff the glob has no wildcard (after escapes).
bool GlobIsLiteral(std::string_view pattern);
// Returns the unescaped text of a literal glob.
std::string GlobUnescape(std::string_view pattern);

// Action matching (docs/semantics.md §1.5): case-insensitive glob, `*` any run, `?` one
// character (A1). No escapes.
bool ActionMatches(std::string_view pattern, std::string_view action);

// ---- ARNs ----------------------------------------------------------------
// Splits at the first five colons. Returns false if there are fewer than six
// fields or the first is not `arn`.
bool SplitArn(std::string_view arn, std::array<std::string_view, 6>* fields);
// Field-wise glob (docs/semantics.md §1.6 rule 2 and 3.3): `pattern` is in internal glob
// syntax; both must split into six fields; each field globbed separately.
bool ArnGlobMatch(std::string_view pattern, std::string_view arn);

// ---- Case ----------------------------------------------------------------
// Unicode simple case folding of UTF-8 text (O1). Invalid UTF-8 bytes are
// kept as they are.
std::string FoldCase(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// ASCII-only lower-casing (header names, action names).
std::string AsciiLower(std::string_view s);

// ---- Numbers (O3) --------------------------------------------------------
// Returns true iff `s` matches -?\d+(\.\d+)?
bool IsValidNumber(std::string_view s);
// Compares two valid numbers exactly (no floating point): <0, 0, >0.
int CompareNumbers(std::string_view a, std::string_view b);

// ---- Dates ---------------------------------------------------------------
// Parses ISO 8601 in the W3C profiles (YYYY, YYYY-MM, YYYY-MM-DD,
// YYYY-MM-DDThh:mmTZD, ...:ss, ...:ss.s+, TZD = Z or +hh:mm/-hh:mm) or epoch
// seconds (digits, optional fraction). Returns milliseconds since the epoch.
bool ParseDate(std::string_view s, int64_t* epoch_millis);

// ---- IP ------------------------------------------------------------------
struct IpNet {
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  bool v6 = false;
  int prefix = 0;  // 0..32 or 0..128
};
// Parses `a.b.c.d[/n]` or an IPv6 address `[/n]`; a bare address is /32 or
// /128 (O5). Host bits below the prefix are cleared.
bool ParseCidr(std::string_view s, IpNet* net);
// Parses a single address (no prefix).
bool ParseIp(std::string_view s, IpNet* addr);
// Returns true iff `addr` (a single address) is inside `net`. Families must match.
bool CidrContains(const IpNet& net, const IpNet& addr);

// ---- Bool, binary ---------------------------------------------------------
// "true"/"false", case-insensitive (O4).
bool ParseBool(std::string_view s, bool* value);
bool Base64Decode(std::string_view s, std::string* out);

// ---- Typed policy values (T1) ---------------------------------------------
// Returns true iff a policy value parses for the operator family (Numeric,
// Date, IP, Binary); the other families accept any text. Used by both
// evaluators for the lenient-mode type-error rule.
bool PolicyValueParses(OperatorFamily family, std::string_view value);

// ---- Policy variables (docs/semantics.md §3.5) ------------------------------------------
// Looks up a single-valued key for `${key}`. Returns false when absent.
using VariableResolver =
    std::function<bool(std::string_view key, std::string* value)>;

// Returns true iff `value` contains a `${` that starts a variable or escape.
bool HasVariable(std::string_view value);

enum class SubstituteFor : uint8_t {
  kLiteral,  // result is plain text (StringEquals, Arn values are globbed later: use kGlob)
  kGlob,     // result is in internal glob syntax: policy `*`/`?` stay wildcards,
             // `${*}`/`${?}` and substituted text are escaped (V2)
};

// Substitutes `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`,
// `${$}`. An unterminated `${` is literal (V1, sets the V1 bit in `*ids`).
// Returns false when a variable has no value and no default (the policy value
// then matches nothing). `ids` may be null.
bool SubstituteVariables(std::string_view value, SubstituteFor mode,
                         const VariableResolver& resolve, std::string* out,
                         DecisionIdMask* ids);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_TEXT_H_
