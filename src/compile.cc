// File: src/compile.cc
// Stage: compile. PolicyDocument -> CompiledPolicy::Impl (the plan described
// in src/internal/compiled_impl.h): keys interned to dense ids, clauses
// numbered by key, per-key atoms (interned exact and case-folded values,
// grouped globs, typed values), statements as clause-bit conjunctions with
// precomputed principal/action/resource tests, and the static part of the
// `kMaybeUncertain` rule (every DECISION id the reference evaluator records
// independently of the request; see the list at the top of src/evaluate.cc).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/compiled_impl.h"
#include "internal/glob_set.h"
#include "internal/keys.h"
#include "internal/semantics.h"
#include "internal/strings.h"
#include "internal/text.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"

namespace latticepol {
namespace {

using internal::CompiledClause;
using internal::CompiledKey;
using internal::CompiledStatement;
using internal::MaskRef;
using internal::NumCmp;
using internal::SubstituteFor;

using internal::HasAsciiUpper;
using internal::HasNonAscii;
using internal::IsAccountId;
using internal::StartsWith;

using internal::PolicyValueParses;

// The compiled comparison of an ordered operator (its table row's ordering).
NumCmp CmpOf(ConditionOperator op) {
  switch (internal::OperatorSemantics(op).ordering) {
    case internal::Ordering::kEq: return NumCmp::kEq;
    case internal::Ordering::kLt: return NumCmp::kLt;
    case internal::Ordering::kLe: return NumCmp::kLe;
    case internal::Ordering::kGt: return NumCmp::kGt;
    case internal::Ordering::kGe: return NumCmp::kGe;
  }
  return NumCmp::kEq;
}

const char* CmpName(NumCmp c) {
  switch (c) {
    case NumCmp::kEq: return "==";
    case NumCmp::kLt: return "<";
    case NumCmp::kLe: return "<=";
    case NumCmp::kGt: return ">";
    case NumCmp::kGe: return ">=";
  }
  return "?";
}

// Splits an ARN glob into GlobPatterns for fields 1..5. Returns false if the
// glob has fewer than six fields or does not start with `arn` (it then never
// matches).
bool SplitArnGlob(std::string_view glob, std::array<internal::GlobPattern, 5>* out) {
  std::array<std::string_view, 6> f;
  if (!internal::SplitArn(glob, &f)) return false;
  for (int i = 1; i < 6; ++i) (*out)[i - 1] = internal::GlobPattern::Parse(f[i]);
  return true;
}

class Compiler {
 public:
  Compiler(const PolicyDocument& doc, const CompileOptions& options)
      : budget_(options.max_memory) {
    impl_ = std::make_unique<CompiledPolicy::Impl>();
    impl_->doc = doc;
  }

  absl::StatusOr<std::unique_ptr<const CompiledPolicy::Impl>> Run();

 private:
  struct RefKey {
    KeyKind kind;
    std::string name;
  };

  void NoteKeyReference(const ConditionKey& key);
  void NoteVariableKeys(std::string_view value, SubstituteFor mode);
  uint32_t InternKey(const ConditionKey& key);
  MaskRef NewMask(const CompiledKey& k);
  void SetBit(MaskRef m, const CompiledKey& k, uint32_t clause);
  absl::Status BuildKey(uint32_t key_id);
  void AddClauseAtoms(CompiledKey& k, uint32_t clause_id, const Condition& c);
  void AddFoldedAtoms(CompiledKey& k, uint32_t clause_id, const Condition& c);
  void AddGlobAtoms(CompiledKey& k, uint32_t clause_id, const Condition& c);
  void AddArnAtoms(CompiledKey& k, uint32_t clause_id, const Condition& c);
  size_t InternGlob(CompiledKey& k, const std::string& glob);
  absl::Status BuildStatement(const Statement& s, int index,
                              CompiledStatement* out);
  void BuildPrincipal(const Statement& s, internal::PrincipalCheck* out);
  absl::Status BuildResource(const Statement& s, internal::ResourceCheck* out);
  absl::Status Charge(size_t bytes);
  void BuildSimplePlan();
  absl::Status CollectClauses();
  void AssignBits();
  absl::Status BuildKeys();
  absl::Status BuildStatements();

  std::unique_ptr<CompiledPolicy::Impl> impl_;
  size_t budget_;
  absl::flat_hash_map<std::string, uint32_t> key_ids_;
  // Per key (by address: Impl::keys is final before atoms are added), its
  // glob patterns' positions by text (InternGlob).
  absl::flat_hash_map<const CompiledKey*, absl::flat_hash_map<std::string, size_t>> glob_ids_;
};

// The position of `glob` among k's glob patterns, added with a fresh mask on
// first use. A few patterns are scanned; from kLinearGlobs on, a hash map
// per key finds them, so a key's n patterns cost O(n) to intern.
size_t Compiler::InternGlob(CompiledKey& k, const std::string& glob) {
  constexpr size_t kLinearGlobs = 32;
  const size_t n = k.globs.size();
  if (n < kLinearGlobs) {
    for (size_t i = 0; i < n; ++i) {
      if (k.globs.pattern(i).glob == glob) return i;
    }
  } else {
    auto& ids = glob_ids_[&k];
    if (ids.empty()) {
      for (size_t i = 0; i < n; ++i) ids.emplace(k.globs.pattern(i).glob, i);
    }
    auto [it, inserted] = ids.try_emplace(glob, n);
    if (!inserted) return it->second;
  }
  k.globs.Add(glob);
  k.glob_masks.push_back(NewMask(k));
  return n;
}

absl::Status Compiler::Charge(size_t bytes) {
  if (bytes > budget_) {
    return absl::ResourceExhaustedError(
        "compiled glob matchers exceed the compile memory budget");
  }
  budget_ -= bytes;
  impl_->memory_used += bytes;
  return absl::OkStatus();
}

// Records the request-independent and request-dependent uncertainty that
// resolving `key` causes in the reference (ResolveKey's Note calls).
void Compiler::NoteKeyReference(const ConditionKey& key) {
  CompiledPolicy::Impl& im = *impl_;
  if (key.kind == KeyKind::kUnknown) {
    DecisionId id;
    if (internal::UnknownKeyNote(key.name, &id)) im.static_uncertain = true;  // K2, A6
    return;
  }
  const internal::KeyRow& row = internal::KeySemantics(key.kind);
  if (row.absent_on_connect) im.triggers |= internal::kTriggerConnectKeys;
  switch (row.resolve_when) {
    case internal::NoteWhen::kNever:
    case internal::NoteWhen::kOnConnect:  // kTriggerConnectKeys above
      break;
    case internal::NoteWhen::kAlways:
      im.static_uncertain = true;  // e.g. K1 for RequestPath, A4, A5
      break;
    case internal::NoteWhen::kAnonymous:
      im.triggers |= internal::kTriggerAnonymousAccount;
      break;
    case internal::NoteWhen::kSigned:
      im.triggers |= internal::kTriggerSignedAwsService;
      break;
  }
}

// Records the keys that variables in `value` refer to (a variable resolves
// its key every time the value is prepared) and V1.
void Compiler::NoteVariableKeys(std::string_view value, SubstituteFor mode) {
  std::vector<std::string> names;
  const internal::VariableResolver record = [&names](std::string_view key,
                                                     std::string* v) {
    names.emplace_back(key);
    *v = "x";
    return true;
  };
  std::string out;
  DecisionIdMask ids = 0;
  internal::SubstituteVariables(value, mode, record, &out, &ids);
  if (ids & Bit(DecisionId::kV1)) impl_->static_uncertain = true;
  for (const std::string& n : names) NoteKeyReference(ResolveConditionKey(n));
}

uint32_t Compiler::InternKey(const ConditionKey& key) {
  std::string id;
  if (key.kind == KeyKind::kUnknown) {
    id = absl::StrCat("?", key.name);
  } else {
    id = absl::StrCat(static_cast<int>(key.kind), "/", key.suffix);
  }
  auto it = key_ids_.find(id);
  if (it != key_ids_.end()) return it->second;
  const uint32_t k = static_cast<uint32_t>(impl_->keys.size());
  impl_->keys.emplace_back();
  impl_->keys.back().key = key;
  key_ids_.emplace(std::move(id), k);
  return k;
}

MaskRef Compiler::NewMask(const CompiledKey& k) {
  const MaskRef m = static_cast<MaskRef>(impl_->masks.size());
  impl_->masks.resize(impl_->masks.size() + k.n_words, 0);
  return m;
}

void Compiler::SetBit(MaskRef m, const CompiledKey& k, uint32_t clause) {
  const uint32_t bit = impl_->clauses[clause].bit;
  impl_->masks[m + bit / 64 - k.word_lo] |= uint64_t{1} << (bit % 64);
}

// *IgnoreCase: case-folded exact values (O1 for non-ASCII policy values).
void Compiler::AddFoldedAtoms(CompiledKey& k, uint32_t id, const Condition& c) {
  auto new_mask = [&] { return NewMask(k); };
  k.checks |= internal::kCheckNonAscii;
  for (const std::string& v : c.values) {
    if (HasNonAscii(v)) impl_->static_uncertain = true;  // O1
    const size_t before = k.folded.size();
    const MaskRef m = k.folded.Intern(internal::FoldCase(v), new_mask);
    if (k.folded.size() != before) k.fold_atoms.push_back({v, m});
    SetBit(m, k, id);
  }
}

// *Like: literal patterns join the exact values, the rest the grouped globs.
void Compiler::AddGlobAtoms(CompiledKey& k, uint32_t id, const Condition& c) {
  auto new_mask = [&] { return NewMask(k); };
  k.checks |= internal::kCheckNewline;
  for (const std::string& v : c.values) {
    const std::string glob = internal::GlobFromPolicyText(v);
    if (internal::GlobIsLiteral(glob)) {
      SetBit(k.exact.Intern(v, new_mask), k, id);
      continue;
    }
    SetBit(k.glob_masks[InternGlob(k, glob)], k, id);
  }
}

void Compiler::AddClauseAtoms(CompiledKey& k, uint32_t id, const Condition& c) {
  CompiledPolicy::Impl& im = *impl_;
  auto new_mask = [&] { return NewMask(k); };
  const internal::OperatorRow& op = internal::OperatorSemantics(c.op);
  switch (op.family) {
    case OperatorFamily::kString:
      if (op.ignore_case) {
        AddFoldedAtoms(k, id, c);
      } else if (op.glob) {
        AddGlobAtoms(k, id, c);
      } else {
        for (const std::string& v : c.values) SetBit(k.exact.Intern(v, new_mask), k, id);
      }
      break;
    case OperatorFamily::kNumeric:
      if (!c.values.empty()) {
        SetBit(k.err_numeric, k, id);
        k.typed |= internal::kTypedNumeric;
      }
      for (const std::string& v : c.values) {
        const NumCmp cmp = CmpOf(c.op);
        size_t i = 0;
        while (i < k.numbers.size() &&
               !(k.numbers[i].cmp == cmp && k.numbers[i].value == v)) {
          ++i;
        }
        if (i == k.numbers.size()) {
          internal::NumericAtom a;
          a.cmp = cmp;
          a.value = v;
          a.is_int = internal::ParseSmallInt(v, &a.int_value);
          a.mask = NewMask(k);
          k.numbers.push_back(std::move(a));
        }
        SetBit(k.numbers[i].mask, k, id);
      }
      break;
    case OperatorFamily::kDate:
      if (!c.values.empty()) {
        SetBit(k.err_date, k, id);
        k.typed |= internal::kTypedDate;
      }
      for (const std::string& v : c.values) {
        internal::DateAtom a;
        a.cmp = CmpOf(c.op);
        internal::ParseDate(v, &a.millis);  // parses: checked for T1
        a.mask = NewMask(k);
        SetBit(a.mask, k, id);
        k.dates.push_back(a);
      }
      break;
    case OperatorFamily::kBool:
      k.checks |= internal::kCheckUpper;
      if (!c.values.empty()) {
        SetBit(k.err_bool, k, id);
        k.typed |= internal::kTypedBool;
      }
      for (const std::string& v : c.values) {
        if (HasAsciiUpper(v)) im.static_uncertain = true;  // O4
        internal::BoolAtom a;
        if (!internal::ParseBool(v, &a.value)) continue;  // never hits
        a.mask = NewMask(k);
        SetBit(a.mask, k, id);
        k.bools.push_back(a);
      }
      break;
    case OperatorFamily::kBinary:
      for (const std::string& v : c.values) {
        internal::BinaryAtom a;
        internal::Base64Decode(v, &a.bytes);
        a.mask = NewMask(k);
        SetBit(a.mask, k, id);
        k.binaries.push_back(std::move(a));
      }
      break;
    case OperatorFamily::kIp:
      if (!c.values.empty()) {
        SetBit(k.err_ip, k, id);
        k.typed |= internal::kTypedIp;
      }
      for (const std::string& v : c.values) {
        if (v.find(':') != std::string::npos && v.find('/') == std::string::npos) {
          im.static_uncertain = true;  // O5
        }
        internal::IpAtom a;
        internal::ParseCidr(v, &a.net);
        if (!a.net.v6) {
          const auto& b = a.net.bytes;
          a.v4_net = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
          a.v4_mask = a.net.prefix == 0 ? 0 : ~uint32_t{0} << (32 - a.net.prefix);
        }
        a.mask = NewMask(k);
        SetBit(a.mask, k, id);
        k.ips.push_back(a);
      }
      break;
    case OperatorFamily::kArn:
      AddArnAtoms(k, id, c);
      break;
    case OperatorFamily::kNull:
      break;
  }
}

// ARN family: field-wise globs, or whole-string exact values / grouped globs
// when fields 1..4 are literal.
void Compiler::AddArnAtoms(CompiledKey& k, uint32_t id, const Condition& c) {
  auto new_mask = [&] { return NewMask(k); };
  k.checks |= internal::kCheckArnShape;
  for (const std::string& v : c.values) {
    internal::ArnAtom a;
    a.glob = internal::GlobFromPolicyText(v);
    if (!SplitArnGlob(a.glob, &a.fields)) continue;  // never hits
    // With literal fields 1..4 the field-wise match is a whole-string
    // glob (the value then has the same first five fields), so the
    // pattern joins the key's exact values or grouped globs.
    bool head_literal = true;
    for (int i = 0; i < 4; ++i) {
      head_literal = head_literal && a.fields[i].shape == internal::GlobShape::kExact;
    }
    if (head_literal) {
      if (internal::GlobIsLiteral(a.glob)) {
        SetBit(k.exact.Intern(v, new_mask), k, id);
        continue;
      }
      SetBit(k.glob_masks[InternGlob(k, a.glob)], k, id);
      continue;
    }
    a.mask = NewMask(k);
    SetBit(a.mask, k, id);
    k.arns.push_back(std::move(a));
  }
}

// The general plan's per-key shortcuts: the RequestView field the key reads
// (when SingleKeyValue reads one field directly) and its value path.
void SetValuePath(CompiledKey* key) {
  CompiledKey& k = *key;
  if (k.row != nullptr) {
    using internal::RequestField;
    switch (k.row->field) {  // the fields SingleKeyValue reads directly
      case RequestField::kMethod: k.string_field = &RequestView::method; break;
      case RequestField::kPath: k.string_field = &RequestView::path; break;
      case RequestField::kServiceArn: k.optional_field = &RequestView::service_arn; break;
      case RequestField::kServiceNetworkArn:
        k.optional_field = &RequestView::service_network_arn;
        break;
      case RequestField::kSourceVpc: k.optional_field = &RequestView::source_vpc; break;
      case RequestField::kSourceVpcOwnerAccount:
        k.optional_field = &RequestView::source_vpc_owner_account;
        break;
      case RequestField::kSourceIp: k.optional_field = &RequestView::source_ip; break;
      case RequestField::kTime: k.optional_field = &RequestView::time; break;
      default: break;
    }
  }
  if (k.n_words != 1 || k.key.kind == KeyKind::kPrincipalOrgPaths) {
    k.value_path = internal::kPathMulti;
  } else {
    using internal::kFeatChecks;
    using internal::kFeatExact;
    using internal::kFeatGlobs;
    if ((k.features & ~kFeatExact) == 0) {
      k.value_path = internal::kPathExactOne;
    } else if ((k.features & ~(kFeatExact | kFeatGlobs | kFeatChecks)) == 0 &&
               (k.checks & internal::kCheckNonAscii) == 0) {
      k.value_path = internal::kPathGlobOne;
    } else if (k.features == internal::kFeatTyped) {
      k.value_path = internal::kPathTypedOne;
    } else {
      k.value_path = internal::kPathOneValue;
    }
  }
}

// CompiledKey::ip4_texts, for a kPathTypedOne key (one word) with IPv4
// nets of whole-octet prefixes only and no clause that a value outside
// every net makes true but a value that does not parse (T2) makes false.
void BuildIp4Texts(CompiledKey* key, const std::vector<uint64_t>& masks) {
  CompiledKey& k = *key;
  if (k.value_path != internal::kPathTypedOne || k.typed != internal::kTypedIp ||
      k.ips.empty()) {
    return;
  }
  const uint64_t outside_only =
      k.one.neg & k.one.value & masks[k.err_ip] & k.one.static_all & ~k.one.null_present;
  if (outside_only != 0) return;
  std::vector<std::string> texts;
  for (const internal::IpAtom& a : k.ips) {
    if (a.net.v6 || a.net.prefix == 0 || a.net.prefix % 8 != 0) return;
    std::string t;
    for (int octet = 0; octet < a.net.prefix / 8; ++octet) {
      if (octet > 0) t += '.';
      t += std::to_string(a.net.bytes[octet]);
    }
    if (a.net.prefix < 32) t += '.';
    texts.push_back(std::move(t));
  }
  k.ip4_texts = std::move(texts);
}

absl::Status Compiler::BuildKey(uint32_t key_id) {
  CompiledPolicy::Impl& im = *impl_;
  CompiledKey& k = im.keys[key_id];
  if (k.key.kind != KeyKind::kUnknown) k.row = &internal::KeySemantics(k.key.kind);
  k.static_all = NewMask(k);
  k.value = NewMask(k);
  k.neg = NewMask(k);
  k.plain = NewMask(k);
  k.any = NewMask(k);
  k.all = NewMask(k);
  k.absent_true = NewMask(k);
  k.null_present = NewMask(k);
  k.err_numeric = NewMask(k);
  k.err_date = NewMask(k);
  k.err_bool = NewMask(k);
  k.err_ip = NewMask(k);
  for (uint32_t id = k.clause_begin; id < k.clause_end; ++id) {
    const CompiledClause& cl = im.clauses[id];
    if (cl.dynamic) continue;
    const Condition& c = *cl.condition;
    const OperatorFamily family = FamilyOf(c.op);
    SetBit(k.static_all, k, id);
    bool type_error = c.has_type_error;
    for (const std::string& v : c.values) {
      if (!PolicyValueParses(family, v)) type_error = true;
    }
    if (type_error) {
      im.static_uncertain = true;  // T1: the entry is false for every request
      continue;
    }
    if (c.op == ConditionOperator::kNull) {
      for (const std::string& v : c.values) {
        bool want_absent = false;
        if (!internal::ParseBool(v, &want_absent)) continue;
        SetBit(want_absent ? k.absent_true : k.null_present, k, id);
      }
      continue;
    }
    const bool negated = IsNegated(c.op);
    // docs/semantics.md §3.1 step 2, first matching rule wins.
    bool absent_result;
    if (c.set == SetQualifier::kForAnyValue) {
      absent_result = false;
    } else if (c.if_exists) {
      absent_result = true;
    } else if (c.set == SetQualifier::kForAllValues) {
      absent_result = true;
    } else {
      absent_result = negated;
    }
    if (absent_result) SetBit(k.absent_true, k, id);
    SetBit(k.value, k, id);
    if (negated) SetBit(k.neg, k, id);
    switch (c.set) {
      case SetQualifier::kNone:
        SetBit(k.plain, k, id);
        k.checks |= internal::kCheckMulti;
        break;
      case SetQualifier::kForAnyValue:
        SetBit(k.any, k, id);
        break;
      case SetQualifier::kForAllValues:
        SetBit(k.all, k, id);
        break;
    }
    AddClauseAtoms(k, id, c);
  }
  uint8_t f = 0;
  if (!k.exact.empty()) f |= internal::kFeatExact;
  if (!k.folded.empty()) f |= internal::kFeatFolded;
  if (!k.globs.empty()) f |= internal::kFeatGlobs;
  if (!k.arns.empty() || (k.checks & internal::kCheckArnShape)) f |= internal::kFeatArn;
  if (k.typed != 0) f |= internal::kFeatTyped;
  if (!k.binaries.empty()) f |= internal::kFeatBinary;
  if (k.checks & (internal::kCheckNonAscii | internal::kCheckNewline | internal::kCheckUpper)) {
    f |= internal::kFeatChecks;
  }
  if (!k.folded.empty() || !k.arns.empty() || !k.binaries.empty()) {
    f |= internal::kFeatOutOfLine;
  }
  k.features = f;
  SetValuePath(&k);
  if (k.row != nullptr && k.row->field == internal::RequestField::kPort &&
      f == internal::kFeatTyped && k.typed == internal::kTypedNumeric && k.n_words == 1) {
    k.int_port = true;
    for (const internal::NumericAtom& a : k.numbers) k.int_port = k.int_port && a.is_int;
  }
  if (k.n_words == 1) {
    const auto& m = im.masks;
    k.one.static_all = m[k.static_all];
    k.one.value = m[k.value];
    k.one.neg = m[k.neg];
    k.one.plain = m[k.plain];
    k.one.any = m[k.any];
    k.one.all = m[k.all];
    k.one.absent_true = m[k.absent_true];
    k.one.null_present = m[k.null_present];
    k.one.miss_bits = k.one.Bits(0);
    k.one.absent_bits = k.one.absent_true & k.one.static_all;
  }
  BuildIp4Texts(&k, im.masks);
  k.exact_index.Build(k.exact, [&](internal::MaskRef mask, internal::ExactHit* hit) {
    if (k.n_words != 1) return;
    hit->word = im.masks[mask];
    hit->bits = k.one.Bits(hit->word);
  });
  impl_->memory_used += k.exact_index.memory();
  if (!k.globs.empty()) {
    size_t before = budget_;
    absl::Status s = k.globs.Compile(&budget_);
    if (!s.ok()) return s;
    impl_->memory_used += before - budget_;
  }
  return absl::OkStatus();
}

void Compiler::BuildPrincipal(const Statement& s, internal::PrincipalCheck* out) {
  using Kind = internal::PrincipalCheck::Kind;
  CompiledPolicy::Impl& im = *impl_;
  if (im.doc.is_identity_policy) {
    out->kind = Kind::kAlways;
    return;
  }
  const PrincipalSpec& spec = s.principal;
  if (!spec.service.empty()) im.principal_uncertain = true;  // P-S
  if (s.not_principal) {
    im.principal_uncertain = true;  // N1
    if (spec.wildcard) {
      out->kind = Kind::kNever;  // every caller is exempt
      return;
    }
    out->kind = Kind::kNotList;
    for (const std::string& v : spec.aws) {
      if (IsAccountId(v)) out->accounts.push_back(v);
      std::array<std::string_view, 6> f;
      if (internal::SplitArn(v, &f) && f[2] == "iam" && f[5] == "root" &&
          !f[4].empty()) {
        out->accounts.emplace_back(f[4]);
      }
      out->values.push_back(v);
    }
    return;
  }
  if (spec.wildcard) {
    out->kind = Kind::kAlways;
    return;
  }
  out->kind = Kind::kList;
  for (const std::string& v : spec.aws) {
    if (IsAccountId(v)) {
      out->accounts.push_back(v);
      continue;
    }
    std::array<std::string_view, 6> f;
    if (!internal::SplitArn(v, &f)) continue;
    if (f[2] == "iam" && f[5] == "root") {
      if (!f[4].empty()) out->accounts.emplace_back(f[4]);
    } else if (f[2] == "sts" && StartsWith(f[5], "assumed-role/")) {
      out->sessions.push_back(v);
    } else {
      out->arns.push_back(v);
    }
  }
  if (out->accounts.empty() && out->sessions.empty() && out->arns.empty()) {
    out->kind = Kind::kNever;
  }
}

absl::Status Compiler::BuildResource(const Statement& s,
                                     internal::ResourceCheck* out) {
  using Kind = internal::ResourcePattern::Kind;
  CompiledPolicy::Impl& im = *impl_;
  const bool vars = VariablesActive(im.doc);
  out->negate = s.not_resource;
  for (const std::string& pattern : s.resources) {
    if (pattern == "*") {
      out->has_star = true;
      continue;
    }
    im.triggers |= internal::kTriggerConnectResource;  // K1 on Connect
    const bool is_arn = StartsWith(pattern, "arn:");
    if (is_arn) {
      std::array<std::string_view, 6> f;
      if (internal::SplitArn(pattern, &f) && f[2] == "vpc-lattice" &&
          StartsWith(f[5], "servicenetwork")) {
        im.static_uncertain = true;  // R2: never matches
        continue;
      }
    }
    if (!im.doc.has_version && pattern.find("${") != std::string::npos) {
      im.static_uncertain = true;  // G2
    }
    internal::ResourcePattern p;
    if (is_arn) {
      size_t pos = 0;
      int colons = 0;
      while (colons < 5 && pos < pattern.size()) {
        if (pattern[pos] == ':') ++colons;
        ++pos;
      }
      // docs/semantics.md §1.6 rule 2 as amended (D1, docs/semantics.md §9): a `*`
      // ending one of the first five segments (or the pattern) crosses
      // colons. When every head wildcard is such a `*`, the pattern is an
      // ordinary whole-string glob; otherwise it is matched by segments.
      const std::string_view tail =
          colons < 5 ? std::string_view() : std::string_view(pattern).substr(pos);
      if (colons == 5 && vars) NoteVariableKeys(tail, SubstituteFor::kGlob);
      if (colons == 5 && vars && internal::HasVariable(tail)) {
        p.kind = Kind::kDynamicArn;
        p.text = pattern;
        p.head_glob = internal::GlobFromPolicyText(
            std::string_view(pattern).substr(0, pos));
        p.tail_pos = pos;
        p.dynamic_slot = im.dynamic_resource_count++;
        if (internal::ArnSegmentGlob::NeedsSegments(p.head_glob)) {
          p.use_segments = true;
          p.segments = internal::ArnSegmentGlob::Parse(p.head_glob, /*dynamic_tail=*/true);
        }
      } else {
        // No variables in the resource segment, or no resource segment at
        // all (fewer than five colons: every `${` is literal text).
        const std::string glob = internal::GlobFromPolicyText(pattern);
        if (internal::ArnSegmentGlob::NeedsSegments(glob)) {
          p.kind = Kind::kArnSegments;
          p.segments = internal::ArnSegmentGlob::Parse(glob, /*dynamic_tail=*/false);
        } else {
          p.kind = Kind::kGlob;
          p.glob = internal::GlobPattern::Parse(glob);
        }
      }
    } else {
      if (vars) NoteVariableKeys(pattern, SubstituteFor::kGlob);
      if (vars && internal::HasVariable(pattern)) {
        p.kind = Kind::kDynamicGlob;
        p.text = pattern;
        p.dynamic_slot = im.dynamic_resource_count++;
      } else {
        p.kind = Kind::kGlob;
        p.glob = internal::GlobPattern::Parse(internal::GlobFromPolicyText(pattern));
      }
    }
    absl::Status st = Charge(sizeof(internal::ResourcePattern) + 2 * pattern.size());
    if (!st.ok()) return st;
    out->patterns.push_back(std::move(p));
  }
  return absl::OkStatus();
}

absl::Status Compiler::BuildStatement(const Statement& s, int index,
                                      CompiledStatement* out) {
  CompiledPolicy::Impl& im = *impl_;
  out->index = index;
  out->effect = s.effect;
  bool invoke = false;
  bool connect = false;
  for (const std::string& pattern : s.actions) {
    if (pattern.find('?') != std::string::npos) im.static_uncertain = true;  // A1
    invoke = invoke || internal::ActionMatches(pattern, kInvokeAction);
    connect = connect || internal::ActionMatches(pattern, kConnectAction);
  }
  out->invoke = s.not_action ? !invoke : invoke;
  out->connect = s.not_action ? !connect : connect;
  BuildPrincipal(s, &out->principal);
  out->principal_always =
      out->principal.kind == internal::PrincipalCheck::Kind::kAlways;
  absl::Status st = BuildResource(s, &out->resource);
  out->resource_always = out->resource.has_star && !out->resource.negate;
  return st;
}

// The query_first table of both plans (SimplePlan::query_first,
// Impl::query_first): the first bytes a raw query pair needs to be looked
// at: a referenced key's first byte in both ASCII cases, `%` (an encoded
// key) and every non-ASCII byte (Unicode case folding, Q1); every byte when
// a key is empty or starts with a non-ASCII byte. A superset only costs
// time: the scanners skip the pairs whose first byte is not in it.
void FillQueryFirst(const std::vector<std::string_view>& keys, std::array<bool, 256>* first) {
  std::array<bool, 256>& t = *first;
  t['%'] = true;
  for (int b = 0x80; b < 0x100; ++b) t[static_cast<size_t>(b)] = true;
  for (std::string_view key : keys) {
    const unsigned char c = key.empty() ? 0x80 : static_cast<unsigned char>(key[0]);
    if (c >= 0x80) {
      t.fill(true);
      return;
    }
    t[c] = true;
    if (c >= 'a' && c <= 'z') t[c - 'a' + 'A'] = true;
    if (c >= 'A' && c <= 'Z') t[c - 'A' + 'a'] = true;
  }
}

void Compiler::BuildSimplePlan() {
  CompiledPolicy::Impl& im = *impl_;
  internal::SimplePlan& sp = im.simple;
  sp = internal::SimplePlan();
  if (im.total_words > 1 || !im.dynamic_clauses.empty() ||
      im.dynamic_resource_count != 0 || im.query_keys.size() > 8) {
    return;
  }
  auto make = [&im](const CompiledKey& k) {
    internal::SimpleKey s;
    s.key = &k;
    s.neg = k.one.neg;
    s.value = k.one.value;
    s.absent_true = k.one.absent_true;
    s.null_present = k.one.null_present;
    s.static_all = k.one.static_all;
    s.plain = k.one.plain;
    s.any = k.one.any;
    s.all = k.one.all;
    s.has_exact = !k.exact.empty();
    s.multi_check = (k.checks & internal::kCheckMulti) != 0;
    s.case_sibling = k.query_case_sibling;
    s.suffix = k.key.suffix;
    s.plain_only = k.one.any == 0 && k.one.all == 0;
    switch (k.key.kind) {
      case KeyKind::kRequestMethod:
        s.string_field = &RequestView::method;
        break;
      case KeyKind::kRequestPath:
        s.string_field = &RequestView::path;
        break;
      case KeyKind::kServiceArn:
        s.optional_field = &RequestView::service_arn;
        break;
      case KeyKind::kServiceNetworkArn:
        s.optional_field = &RequestView::service_network_arn;
        break;
      case KeyKind::kSourceVpc:
        s.optional_field = &RequestView::source_vpc;
        break;
      case KeyKind::kSourceVpcOwnerAccount:
        s.optional_field = &RequestView::source_vpc_owner_account;
        break;
      case KeyKind::kSourceIp:
        s.optional_field = &RequestView::source_ip;
        break;
      case KeyKind::kCurrentTime:
        s.optional_field = &RequestView::time;
        break;
      default:
        break;
    }
    const auto& entries = k.exact.entries();
    if (entries.size() <= internal::SimpleKey::kInlineEntries) {
      s.n_entries = static_cast<int>(entries.size());
      for (size_t i = 0; i < entries.size(); ++i) {
        internal::InlineEntry& e = s.entries[i];
        e.data = entries[i].value.data();
        e.mask = im.masks[entries[i].mask];
        e.size = static_cast<uint32_t>(entries[i].value.size());
        e.bits = (((e.mask ^ s.neg) & s.value) | s.null_present) & s.static_all;
      }
    }
    s.miss_bits = ((s.neg & s.value) | s.null_present) & s.static_all;
    s.absent_bits = s.absent_true & s.static_all;
    s.raw_exact = !s.suffix.empty() && s.suffix.find_first_of("%&=") == std::string_view::npos;
    return s;
  };
  for (const CompiledKey& k : im.keys) {
    if (k.key.kind == KeyKind::kUnknown) {
      sp.const_res |= k.one.absent_bits;
      continue;
    }
    if ((k.features & ~internal::kFeatExact) != 0 ||
        k.key.kind == KeyKind::kPrincipalOrgPaths) {
      sp = internal::SimplePlan();
      return;
    }
    if (k.key.kind == KeyKind::kRequestQueryString) continue;
    internal::SimpleKey s = make(k);
    if (s.optional_field != nullptr) {
      sp.optional_keys.push_back(std::move(s));
    } else if (s.string_field != nullptr) {
      sp.string_keys.push_back(std::move(s));
    } else {
      sp.other_keys.push_back(std::move(s));
    }
  }
  for (uint32_t kid : im.query_keys) sp.query.push_back(make(im.keys[kid]));
  std::vector<std::string_view> query_names;
  for (const internal::SimpleKey& q : sp.query) query_names.push_back(q.suffix);
  FillQueryFirst(query_names, &sp.query_first);
  sp.one_plain_query = sp.query.size() == 1 && sp.query[0].plain_only &&
                       sp.query[0].raw_exact && !sp.query[0].case_sibling;
  sp.base_uncertain[0] = im.static_uncertain || im.principal_uncertain;
  sp.base_uncertain[1] = im.static_uncertain;
  for (const CompiledStatement& cs : im.statements) {
    internal::SimpleStatement ss;
    ss.cond = cs.cond_one;
    ss.index = cs.index;
    ss.deny = cs.effect == Effect::kDeny;
    ss.invoke = cs.invoke;
    ss.connect = cs.connect;
    ss.trivial = cs.principal_always && cs.resource_always;
    sp.any_nontrivial = sp.any_nontrivial || !ss.trivial;
    ss.full = &cs;
    sp.statements.push_back(ss);
  }
  sp.enabled = true;
}

// A single-valued key of the simple plan fits the equality plan when its
// value lives in a plain field and only equality entries can set its bits.
bool EqKeyFits(const internal::SimpleKey& k) {
  return (k.optional_field != nullptr || k.string_field != nullptr) && k.n_entries >= 0 &&
         k.neg == 0 && k.null_present == 0 && k.any == 0 && k.all == 0 &&
         k.miss_bits == 0 && k.absent_bits == 0;
}

// The query key of the simple plan fits when it is a plain, literal name
// compared by plain equality only (no set qualifier, negation or Null) with
// values without `%`, and an absent key yields no clause.
bool EqQueryFits(const internal::SimpleKey& q) {
  for (int i = 0; i < q.n_entries; ++i) {
    if (std::memchr(q.entries[i].data, '%', q.entries[i].size) != nullptr) return false;
  }
  return q.plain_only && q.raw_exact && !q.case_sibling && q.n_entries >= 0 && q.neg == 0 &&
         q.null_present == 0 && (q.absent_true & q.static_all) == 0;
}

// EqKey::words for a key with one or two values of one size, 1 to 16.
void FillEqWords(internal::EqKey* key) {
  internal::EqKey& e = *key;
  const uint32_t size = e.n_entries >= 1 ? e.entries[0].size : 0;
  if (e.n_entries < 1 || e.n_entries > 2 || size == 0 || size > 16 ||
      e.entries[e.n_entries - 1].size != size) {
    return;
  }
  for (int i = 0; i < 2; ++i) {
    const internal::InlineEntry& entry = e.entries[i < e.n_entries ? i : 0];
    internal::EqWords(entry.data, size, &e.words[i][0], &e.words[i][1]);
    e.word_bits[i] = entry.bits;
  }
  e.word_size = size;
}

// Impl::eq from the simple plan (see internal::EqPlan), or disabled.
void BuildEqPlan(CompiledPolicy::Impl* impl) {
  CompiledPolicy::Impl& im = *impl;
  const internal::SimplePlan& sp = im.simple;
  internal::EqPlan& ep = im.eq;
  ep = internal::EqPlan();
  const size_t n_keys = sp.optional_keys.size() + sp.string_keys.size();
  if (!sp.enabled || sp.any_nontrivial || !sp.other_keys.empty() || sp.query.size() > 1 ||
      n_keys > internal::EqPlan::kMaxKeys ||
      (im.triggers & (internal::kTriggerAnonymousAccount |
                      internal::kTriggerSignedAwsService)) != 0) {
    return;
  }
  internal::EqPlan out;
  for (const auto* list : {&sp.optional_keys, &sp.string_keys}) {
    for (const internal::SimpleKey& k : *list) {
      if (!EqKeyFits(k)) return;
      internal::EqKey& e = out.keys[out.n_keys++];
      e.optional_field = k.optional_field;
      e.string_field = k.string_field;
      e.n_entries = k.n_entries;
      for (int i = 0; i < k.n_entries; ++i) {
        e.entries[i] = k.entries[i];
        out.key_bits |= k.entries[i].bits;
      }
      FillEqWords(&e);
    }
  }
  out.n_optional = static_cast<int>(sp.optional_keys.size());
  if (!sp.query.empty()) {
    const internal::SimpleKey& q = sp.query[0];
    if (!EqQueryFits(q)) return;
    out.has_query = true;
    out.query_key = q.suffix;
    out.query_multi_check = q.multi_check;
    if (!q.suffix.empty()) {
      const char c = q.suffix[0];
      const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      const char upper = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      const char splat[4] = {'&', '%', lower, upper};
      for (int i = 0; i < 4; ++i) std::memset(out.splat[i], splat[i], sizeof(out.splat[i]));
      out.query_short_scan = true;
    }
    out.n_query_entries = q.n_entries;
    for (int i = 0; i < q.n_entries; ++i) {
      internal::InlineEntry e = q.entries[i];
      e.bits = e.mask & q.value & q.plain & q.static_all;
      out.query_entries[i] = e;
      const size_t pair_size = q.suffix.size() + 1 + e.size;
      if (e.size == 0 || pair_size > sizeof(out.pair_bytes[0]) ||
          std::memchr(e.data, '&', e.size) != nullptr) {
        continue;  // a raw pair never holds `&`
      }
      const int k = out.n_pairs++;
      std::memcpy(out.pair_bytes[k], q.suffix.data(), q.suffix.size());
      out.pair_bytes[k][q.suffix.size()] = '=';
      std::memcpy(out.pair_bytes[k] + q.suffix.size() + 1, e.data, e.size);
      out.pair_size[k] = static_cast<uint32_t>(pair_size);
      out.pair_bits[k] = e.bits;
    }
  }
  for (const internal::SimpleStatement& s : sp.statements) {
    if (!s.invoke) continue;
    if (out.n_statements == internal::EqPlan::kMaxStatements) return;
    out.statements[out.n_statements++] = internal::EqStatement{s.cond, s.index, s.deny};
  }
  uint64_t cond_bits = 0;
  for (int i = 0; i < out.n_statements; ++i) cond_bits |= out.statements[i].cond;
  out.small_pick = cond_bits < 256;
  for (int i = 0; i < out.n_statements; ++i) {
    Decision& d = out.picked[i + 1];
    d.kind = out.statements[i].deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
    d.statement = out.statements[i].index;
  }
  for (unsigned r = 0; out.small_pick && r < 256; ++r) {
    for (int i = 0; i < out.n_statements; ++i) {
      if ((r & out.statements[i].cond) == out.statements[i].cond) {
        out.pick[r] = static_cast<uint8_t>(i + 1);
        break;
      }
    }
    static_assert(offsetof(Decision, uncertain) == sizeof(uint64_t), "kind, statement: 8 bytes");
    std::memcpy(&out.picked_head[r], &out.picked[out.pick[r]], sizeof(uint64_t));
  }
  out.base_uncertain[0] = sp.base_uncertain[0];
  out.base_uncertain[1] = sp.base_uncertain[1];
  for (int i = 0; i < 2; ++i) out.base_flag[i] = out.base_uncertain[i] ? kMaybeUncertain : 0;
  out.const_res = sp.const_res;
  out.leaf_shape = out.small_pick && out.n_optional == 1 && out.n_keys == 2 && out.has_query &&
                   out.query_short_scan && out.n_pairs > 0;
  out.enabled = true;
  ep = out;
}

// 1a. Clauses and the uncertainty their keys and values cause; sorted by key
// into im.clauses.
absl::Status Compiler::CollectClauses() {
  CompiledPolicy::Impl& im = *impl_;
  const PolicyDocument& doc = im.doc;
  const bool vars = VariablesActive(doc);
  std::vector<CompiledClause> clauses;
  for (size_t si = 0; si < doc.statements.size(); ++si) {
    const Statement& s = doc.statements[si];
    for (const Condition& c : s.conditions) {
      if (static_cast<int>(c.op) >= kConditionOperatorCount) {
        return absl::InvalidArgumentError(
            absl::StrCat("condition `", c.pointer, "` has an unknown operator"));
      }
      CompiledClause cl;
      cl.condition = &c;
      cl.statement = static_cast<int32_t>(si);
      cl.key = InternKey(c.key);
      NoteKeyReference(c.key);
      const OperatorFamily family = FamilyOf(c.op);
      if (internal::RecordsT3(c.op, c.key.kind)) im.static_uncertain = true;
      if (internal::OperatorSemantics(c.op).variables) {
        for (const std::string& v : c.values) {
          if (!doc.has_version && v.find("${") != std::string::npos) {
            im.static_uncertain = true;  // G2
          }
          if (vars) {
            NoteVariableKeys(v, SubstituteFor::kLiteral);
            if (internal::HasVariable(v)) cl.dynamic = true;
          }
        }
      }
      bool type_error = c.has_type_error;
      for (const std::string& v : c.values) {
        if (!PolicyValueParses(family, v)) type_error = true;
      }
      if (type_error) cl.dynamic = false;  // constant false
      clauses.push_back(cl);
    }
  }
  std::stable_sort(clauses.begin(), clauses.end(),
                   [](const CompiledClause& a, const CompiledClause& b) {
                     return a.key < b.key;
                   });
  im.clauses = std::move(clauses);
  return absl::OkStatus();
}

// 1b. Bits: contiguous per key; a key with at most 64 clauses never straddles
// a word boundary (the evaluator's single-word paths rely on it).
void Compiler::AssignBits() {
  CompiledPolicy::Impl& im = *impl_;
  const uint32_t n_clauses = static_cast<uint32_t>(im.clauses.size());
  uint32_t next_bit = 0;
  for (uint32_t id = 0; id < n_clauses;) {
    const uint32_t key = im.clauses[id].key;
    uint32_t end = id;
    while (end < n_clauses && im.clauses[end].key == key) ++end;
    const uint32_t count = end - id;
    if (count <= 64 && next_bit % 64 + count > 64) next_bit = (next_bit / 64 + 1) * 64;
    CompiledKey& k = im.keys[key];
    k.clause_begin = id;
    k.clause_end = end;
    k.bit_begin = next_bit;
    k.bit_end = next_bit + count;
    for (uint32_t i = id; i < end; ++i) im.clauses[i].bit = next_bit++;
    k.word_lo = k.bit_begin / 64;
    k.n_words = (k.bit_end - 1) / 64 - k.word_lo + 1;
    id = end;
  }
  im.total_words = (next_bit + 63) / 64;
  for (uint32_t id = 0; id < n_clauses; ++id) {
    if (im.clauses[id].dynamic) im.dynamic_clauses.push_back(id);
  }
}

// 1c. Every key's matcher, the key lists by kind, query slots and their
// case siblings (Q1).
absl::Status Compiler::BuildKeys() {
  CompiledPolicy::Impl& im = *impl_;
  for (uint32_t key = 0; key < im.keys.size(); ++key) {
    absl::Status s = BuildKey(key);
    if (!s.ok()) return s;
    CompiledKey& k = im.keys[key];
    if (k.key.kind == KeyKind::kRequestQueryString) {
      k.query_slot = static_cast<int>(im.query_keys.size());
      im.query_keys.push_back(key);
      im.deferred_keys.push_back(key);
    } else if (k.key.kind != KeyKind::kUnknown) {
      im.value_keys.push_back(key);
    } else {
      im.deferred_keys.push_back(key);
    }
  }
  for (uint32_t a : im.query_keys) {
    for (uint32_t b : im.query_keys) {
      if (a != b && internal::EqualsIgnoreCase(im.keys[a].key.suffix, im.keys[b].key.suffix)) {
        im.keys[a].query_case_sibling = true;
      }
    }
  }
  im.deferred_fast = im.keys.size() <= 64 && im.total_words <= 4;
  for (uint32_t kid : im.deferred_keys) {
    const CompiledKey& k = im.keys[kid];
    if (k.n_words != 1) im.deferred_fast = false;
    if (!im.deferred_fast) break;
    im.deferred_mask |= uint64_t{1} << kid;
    im.deferred_absent[k.word_lo] |= k.one.absent_bits;
  }
  std::vector<std::string_view> query_names;
  for (uint32_t kid : im.query_keys) query_names.push_back(im.keys[kid].key.suffix);
  FillQueryFirst(query_names, &im.query_first);
  if (im.query_keys.size() > 8) {
    for (size_t slot = 0; slot < im.query_keys.size(); ++slot) {
      im.query_slot_map.emplace(im.keys[im.query_keys[slot]].key.suffix,
                                static_cast<uint32_t>(slot));
    }
  } else {
    im.query_slot_by_first.fill(CompiledPolicy::Impl::kNoQuerySlot);
    for (size_t slot = 0; slot < im.query_keys.size(); ++slot) {
      const std::string& name = im.keys[im.query_keys[slot]].key.suffix;
      if (name.empty()) continue;  // never looked up: the scans drop empty query keys
      uint8_t& entry = im.query_slot_by_first[static_cast<unsigned char>(name[0])];
      entry = entry == CompiledPolicy::Impl::kNoQuerySlot ? static_cast<uint8_t>(slot)
                                                          : CompiledPolicy::Impl::kScanQuerySlots;
    }
  }
  return absl::OkStatus();
}

// 1d. General plans with fixed-size scratch: the one-word RequestHeader keys
// move from value_keys to header_slots (one pass over the request's headers
// instead of one scan per key); their absent results are precomputed by
// BuildHeaderAbsent, once BuildLazyKeys knows which of them are lazy.
void BuildHeaderSlots(CompiledPolicy::Impl* impl) {
  CompiledPolicy::Impl& im = *impl;
  if (im.total_words > 4 || im.keys.size() > 64) return;
  std::vector<uint32_t> rest;
  for (uint32_t kid : im.value_keys) {
    const CompiledKey& k = im.keys[kid];
    if (k.key.kind != KeyKind::kRequestHeader || k.n_words != 1 ||
        im.header_slots.size() >= 64) {
      rest.push_back(kid);
      continue;
    }
    internal::HeaderSlot slot;
    slot.name = k.key.suffix.data();
    slot.size = static_cast<uint32_t>(k.key.suffix.size());
    slot.key = kid;
    slot.compiled = &k;
    im.header_by_size[slot.size < 63 ? slot.size : 63] |= uint64_t{1} << im.header_slots.size();
    im.header_slots.push_back(slot);
  }
  im.value_keys = std::move(rest);
}

// 1e. The general plan's ValueOp per value key (after BuildHeaderSlots, which
// takes the header keys out of value_keys).
void BuildValueOps(CompiledPolicy::Impl* impl) {
  CompiledPolicy::Impl& im = *impl;
  using internal::ValueOp;
  im.value_ops.clear();
  for (std::vector<ValueOp>& ops : im.exact_ops) ops.clear();
  for (uint32_t kid : im.value_keys) {
    const CompiledKey& k = im.keys[kid];
    internal::ValueOp op;
    op.key = &k;
    op.kid = kid;
    op.path = k.value_path;
    op.absent_on_connect = k.row != nullptr && k.row->absent_on_connect;
    if (k.int_port) {
      op.source = internal::ValueOp::kPort;
    } else if (k.string_field != nullptr) {
      op.source = internal::ValueOp::kString;
      op.string_field = k.string_field;
    } else if (k.optional_field != nullptr) {
      op.source = internal::ValueOp::kOptional;
      op.optional_field = k.optional_field;
    } else {
      op.source = internal::ValueOp::kOther;
      using internal::RequestField;
      const RequestField field = k.row != nullptr ? k.row->field : RequestField::kNone;
      const std::string Principal::*text = nullptr;  // SingleKeyValue's principal_text
      if (field == RequestField::kPrincipalType) text = &Principal::type;
      if (field == RequestField::kPrincipalArn) text = &Principal::arn;
      if (field == RequestField::kPrincipalAccount) text = &Principal::account;
      if (field == RequestField::kPrincipalOrgId) text = &Principal::org_id;
      if (text != nullptr) {
        op.source = internal::ValueOp::kPrincipal;
        op.principal_field = text;
        op.anonymous_value = k.row->anonymous_value;
      } else if (field == RequestField::kPrincipalOrgPaths) {
        op.source = internal::ValueOp::kNever;
      }
    }
    if (op.path == internal::kPathExactOne &&
        (op.source == ValueOp::kString || op.source == ValueOp::kOptional ||
         op.source == ValueOp::kPrincipal)) {
      op.exact = &k.exact_index;
      op.miss_bits = k.one.miss_bits;
      op.absent_bits = k.one.absent_bits;
      op.word = k.word_lo;
      im.exact_ops[op.source - ValueOp::kString].push_back(op);
    } else {
      im.value_ops.push_back(op);
    }
  }
}

// 2. Statements: Deny first, each group in document order, with their
// condition masks.
absl::Status Compiler::BuildStatements() {
  CompiledPolicy::Impl& im = *impl_;
  const PolicyDocument& doc = im.doc;
  const uint32_t n_clauses = static_cast<uint32_t>(im.clauses.size());
  std::vector<std::vector<std::pair<uint32_t, uint64_t>>> words(doc.statements.size());
  for (uint32_t id = 0; id < n_clauses; ++id) {
    auto& w = words[im.clauses[id].statement];
    const uint32_t word = im.clauses[id].bit / 64;
    const uint64_t bit = uint64_t{1} << (im.clauses[id].bit % 64);
    if (!w.empty() && w.back().first == word) {
      w.back().second |= bit;
    } else {
      w.emplace_back(word, bit);
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    const Effect effect = pass == 0 ? Effect::kDeny : Effect::kAllow;
    for (size_t si = 0; si < doc.statements.size(); ++si) {
      const Statement& s = doc.statements[si];
      if (s.effect != effect) continue;
      CompiledStatement cs;
      absl::Status st = BuildStatement(s, static_cast<int>(si), &cs);
      if (!st.ok()) return st;
      auto& w = words[si];
      std::sort(w.begin(), w.end());
      cs.cond_begin = static_cast<uint32_t>(im.cond_words.size());
      for (const auto& p : w) {
        if (!im.cond_words.empty() && im.cond_words.size() > cs.cond_begin &&
            im.cond_words.back().first == p.first) {
          im.cond_words.back().second |= p.second;
        } else {
          im.cond_words.push_back(p);
        }
      }
      cs.cond_end = static_cast<uint32_t>(im.cond_words.size());
      if (im.total_words == 1 && cs.cond_end > cs.cond_begin) {
        cs.cond_one = im.cond_words[cs.cond_begin].second;
      }
      if (im.total_words <= 4) {
        for (uint32_t i = cs.cond_begin; i < cs.cond_end; ++i) {
          cs.cond_small[im.cond_words[i].first] |= im.cond_words[i].second;
        }
      }
      im.statements.push_back(std::move(cs));
    }
  }
  if (im.total_words <= 4) {
    for (const CompiledStatement& cs : im.statements) {
      internal::GeneralStatement g;
      for (int w = 0; w < 4; ++w) g.cond[w] = cs.cond_small[w];
      g.full = &cs;
      g.index = cs.index;
      g.deny = cs.effect == Effect::kDeny;
      g.invoke = cs.invoke;
      g.connect = cs.connect;
      g.trivial = cs.principal_always && cs.resource_always;
      im.general_statements.push_back(g);
    }
  }
  return absl::OkStatus();
}

// 2b. The statement pick's sentinel filter (see Impl::stmt_filter). A
// statement's sentinel is its clause on the key with the most policy values
// (accounts and paths rather than methods): the one most often false;
// preferably a clause on a query or unknown key that is false when the key
// is absent (see `preferred`).
void BuildStatementFilter(CompiledPolicy::Impl* impl) {
  CompiledPolicy::Impl& im = *impl;
  if (im.general_statements.empty() || im.general_statements.size() > 64) return;
  std::vector<int> position(im.doc.statements.size(), -1);
  for (size_t i = 0; i < im.general_statements.size(); ++i) {
    position[im.general_statements[i].index] = static_cast<int>(i);
  }
  // A clause on a query or unknown key is preferred when it compares values,
  // is false for an absent key and is not negated (so rarely true): those
  // keys are resolved for every request anyway, so its sentinel costs no
  // key of its own and the statement's other keys can stay lazy
  // (BuildLazyKeys).
  std::vector<bool> deferred(im.keys.size(), false);
  for (uint32_t kid : im.deferred_keys) deferred[kid] = true;
  auto preferred = [&](const CompiledClause& c) {
    const CompiledKey& k = im.keys[c.key];
    if (!deferred[c.key] || c.dynamic) return false;
    const size_t word = c.bit / 64 - k.word_lo;
    const uint64_t bit = uint64_t{1} << (c.bit % 64);
    return (im.masks[k.value + word] & bit) != 0 && (im.masks[k.absent_true + word] & bit) == 0 &&
           (im.masks[k.neg + word] & bit) == 0;
  };
  auto rank = [&](const CompiledClause& c) {
    const CompiledKey& k = im.keys[c.key];
    const size_t values = k.exact.size() + k.folded.size() + k.globs.size() + k.arns.size() +
                          k.numbers.size() + k.dates.size() + k.ips.size() + k.binaries.size();
    return std::make_pair(preferred(c), values);
  };
  std::vector<int> best(im.doc.statements.size(), -1);  // clause id per statement
  for (size_t id = 0; id < im.clauses.size(); ++id) {
    const CompiledClause& c = im.clauses[id];
    int& b = best[c.statement];
    if (b < 0 || rank(c) >= rank(im.clauses[b])) b = static_cast<int>(id);
  }
  for (size_t si = 0; si < best.size(); ++si) {
    if (position[si] < 0) continue;
    const uint64_t stmt_bit = uint64_t{1} << position[si];
    if (best[si] < 0) {
      im.stmt_always |= stmt_bit;
      continue;
    }
    const uint32_t bit = im.clauses[best[si]].bit;
    im.sentinel_mask[bit / 64] |= uint64_t{1} << (bit % 64);
    im.sentinel_of[bit] = static_cast<uint8_t>(position[si]);
  }
  im.stmt_filter = true;
}

// Moves the ops of `lazy` keys from `*ops` to `*lazy_ops` (order kept).
void SplitLazyOps(uint64_t lazy, std::vector<internal::ValueOp>* ops,
                  std::vector<internal::ValueOp>* lazy_ops) {
  std::vector<internal::ValueOp> eager;
  for (const internal::ValueOp& op : *ops) {
    ((lazy >> op.kid) & 1 ? lazy_ops : &eager)->push_back(op);
  }
  *ops = std::move(eager);
}

// The lazy keys' steps, their clause bits and each statement's lazy keys
// in cost order (Impl::lazy_order), and the statements' eager clauses.
// `stmt_keys[i]` has a bit per key id that general_statements[i] reads.
void BuildLazyOrder(const uint64_t (&stmt_keys)[64], CompiledPolicy::Impl* impl) {
  using Step = CompiledPolicy::Impl::LazyStep;
  CompiledPolicy::Impl& im = *impl;
  for (int source = 0; source < 3; ++source) {
    for (size_t i = 0; i < im.lazy_exact_ops[source].size(); ++i) {
      Step& st = im.lazy_steps[im.lazy_exact_ops[source][i].kid];
      st.kind = Step::kExactOp;
      st.source = static_cast<uint8_t>(source);
      st.index = static_cast<uint32_t>(i);
    }
  }
  for (size_t i = 0; i < im.lazy_value_ops.size(); ++i) {
    Step& st = im.lazy_steps[im.lazy_value_ops[i].kid];
    st.kind = Step::kValueOp;
    st.index = static_cast<uint32_t>(i);
  }
  for (size_t i = 0; i < im.header_slots.size(); ++i) {
    const uint32_t kid = im.header_slots[i].key;
    if (((im.lazy_keys >> kid) & 1) == 0) continue;
    im.lazy_steps[kid].kind = Step::kHeader;
    im.lazy_steps[kid].index = static_cast<uint32_t>(i);
  }
  uint64_t lazy_bits[4] = {0, 0, 0, 0};
  for (uint32_t kid = 0; kid < im.keys.size(); ++kid) {
    const CompiledKey& k = im.keys[kid];
    for (uint32_t bit = k.bit_begin; bit < k.bit_end; ++bit) {
      im.key_bits[kid][bit / 64] |= uint64_t{1} << (bit % 64);
    }
    if ((im.lazy_keys >> kid) & 1) {
      for (int w = 0; w < 4; ++w) lazy_bits[w] |= im.key_bits[kid][w];
    }
  }
  // Cheapest first: one exact lookup, an integer port, a typed value, a
  // glob set, then anything else; headers after other sources of the same
  // path (their value is looked for among the request's headers).
  auto cost = [&](uint32_t kid) {
    const CompiledKey& k = im.keys[kid];
    const int path = k.int_port                              ? 1
                     : k.value_path == internal::kPathExactOne ? 0
                     : k.value_path == internal::kPathTypedOne ? 2
                     : k.value_path == internal::kPathGlobOne  ? 3
                                                               : 4;
    return 2 * path + (im.lazy_steps[kid].kind == Step::kHeader ? 1 : 0);
  };
  for (size_t i = 0; i < im.general_statements.size(); ++i) {
    internal::GeneralStatement& g = im.general_statements[i];
    for (int w = 0; w < 4; ++w) g.eager_cond[w] = g.cond[w] & ~lazy_bits[w];
    g.lazy_begin = static_cast<uint16_t>(im.lazy_order.size());
    std::vector<uint32_t> keys;
    for (uint64_t m = stmt_keys[i] & im.lazy_keys; m != 0; m &= m - 1) {
      keys.push_back(static_cast<uint32_t>(__builtin_ctzll(m)));
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [&](uint32_t a, uint32_t b) { return cost(a) < cost(b); });
    for (uint32_t kid : keys) im.lazy_order.push_back(static_cast<uint8_t>(kid));
    g.lazy_end = static_cast<uint16_t>(im.lazy_order.size());
  }
}

// 2c. Lazy keys (see Impl::lazy), after the statement filter.
void BuildLazyKeys(CompiledPolicy::Impl* impl) {
  CompiledPolicy::Impl& im = *impl;
  if (!im.stmt_filter || im.keys.size() > 64 || im.total_words > 4 ||
      !im.dynamic_clauses.empty() || im.dynamic_resource_count > 0) {
    return;
  }
  std::vector<int> position(im.doc.statements.size(), -1);
  for (size_t i = 0; i < im.general_statements.size(); ++i) {
    position[im.general_statements[i].index] = static_cast<int>(i);
  }
  uint64_t stmt_keys[64] = {};
  uint64_t all = 0;
  for (const CompiledClause& c : im.clauses) {
    const int pos = position[c.statement];
    if (pos >= 0) stmt_keys[pos] |= uint64_t{1} << c.key;
    all |= uint64_t{1} << c.key;
  }
  // Eager: the query and unknown keys (finalized together, after the
  // query scan) and the keys of the sentinel clauses (they pick the
  // candidates). Statements without a sentinel have no clauses.
  uint64_t eager = 0;
  for (uint32_t kid : im.deferred_keys) eager |= uint64_t{1} << kid;
  for (const CompiledClause& c : im.clauses) {
    if ((im.sentinel_mask[c.bit / 64] >> (c.bit % 64)) & 1) eager |= uint64_t{1} << c.key;
  }
  // The statement pick resolves a lazy key from its op or its header slot
  // (Impl::lazy_steps): a key with neither stays eager.
  uint64_t resolvable = 0;
  for (const auto& ops : im.exact_ops) {
    for (const internal::ValueOp& op : ops) resolvable |= uint64_t{1} << op.kid;
  }
  for (const internal::ValueOp& op : im.value_ops) resolvable |= uint64_t{1} << op.kid;
  for (const internal::HeaderSlot& slot : im.header_slots) resolvable |= uint64_t{1} << slot.key;
  const uint64_t lazy = all & ~eager & resolvable;
  if (lazy == 0) return;
  im.lazy = true;
  im.lazy_keys = lazy;
  for (uint32_t kid = 0; kid < im.keys.size(); ++kid) {
    const CompiledKey& k = im.keys[kid];
    const bool quiet = k.value_path == internal::kPathExactOne || k.int_port;
    if (((lazy >> kid) & 1) && !quiet) im.lazy_loud |= uint64_t{1} << kid;
  }
  for (int source = 0; source < 3; ++source) {
    SplitLazyOps(lazy, &im.exact_ops[source], &im.lazy_exact_ops[source]);
  }
  SplitLazyOps(lazy, &im.value_ops, &im.lazy_value_ops);
  BuildLazyOrder(stmt_keys, &im);
}

// 2d. The header pass's absent results (Impl::header_absent), after
// BuildLazyKeys: the OR of the absent results of the header slots' eager
// keys (all of them unless the plan is lazy), and the lazy slots' masks.
void BuildHeaderAbsent(CompiledPolicy::Impl* impl) {
  CompiledPolicy::Impl& im = *impl;
  for (size_t s = 0; s < im.header_slots.size(); ++s) {
    const internal::HeaderSlot& slot = im.header_slots[s];
    if (((im.lazy_keys >> slot.key) & 1) == 0) {
      im.eager_header_slots |= uint64_t{1} << s;
      im.header_absent[slot.compiled->word_lo] |= slot.compiled->one.absent_bits;
    }
  }
  // The header pass locates the eager slots only (LazyHeader finds the
  // others when they are needed).
  for (uint64_t& slots : im.header_by_size) slots &= im.eager_header_slots;
}

absl::StatusOr<std::unique_ptr<const CompiledPolicy::Impl>> Compiler::Run() {
  CompiledPolicy::Impl& im = *impl_;
  if (im.doc.statements.empty()) im.static_uncertain = true;  // G3
  absl::Status s = CollectClauses();
  if (!s.ok()) return s;
  AssignBits();
  s = BuildKeys();
  if (!s.ok()) return s;
  BuildHeaderSlots(&im);
  BuildValueOps(&im);
  s = BuildStatements();
  if (!s.ok()) return s;
  BuildStatementFilter(&im);
  BuildLazyKeys(&im);
  BuildHeaderAbsent(&im);
  im.memory_used += im.masks.size() * sizeof(uint64_t);
  im.base_uncertain[0] = im.static_uncertain || im.principal_uncertain;
  im.base_uncertain[1] = im.static_uncertain;
  im.has_dynamic = !im.dynamic_clauses.empty() || im.dynamic_resource_count > 0;
  BuildSimplePlan();
  BuildEqPlan(&im);
  im.general = internal::PickGeneralRunner(im);
  return std::unique_ptr<const CompiledPolicy::Impl>(std::move(impl_));
}

std::string DescribeMask(const CompiledPolicy::Impl& im, const CompiledKey& k,
                         MaskRef m) {
  std::vector<std::string> ids;
  for (uint32_t bit = k.bit_begin; bit < k.bit_end; ++bit) {
    const uint64_t w = im.masks[m + bit / 64 - k.word_lo];
    if (w & (uint64_t{1} << (bit % 64))) ids.push_back(absl::StrCat("c", bit));
  }
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
}

}  // namespace

CompiledPolicy::CompiledPolicy(std::unique_ptr<const Impl> impl)
    : impl_(std::move(impl)) {}
CompiledPolicy::~CompiledPolicy() = default;

const PolicyDocument& CompiledPolicy::document() const { return impl_->doc; }
size_t CompiledPolicy::statement_count() const { return impl_->statements.size(); }
size_t CompiledPolicy::predicate_count() const { return impl_->clauses.size(); }
size_t CompiledPolicy::key_count() const { return impl_->keys.size(); }

std::string CompiledPolicy::DebugString() const {
  const Impl& im = *impl_;
  std::string out = absl::StrCat(
      "compiled policy: ", im.statements.size(), " statements, ",
      im.clauses.size(), " predicates, ", im.keys.size(), " keys, ",
      im.total_words, " words, ~", im.memory_used, " bytes\n");
  absl::StrAppend(&out, "uncertain: ", im.static_uncertain ? "always" : "per request",
                  im.principal_uncertain ? " (+principal)" : "", "\n");
  absl::StrAppend(&out, "evaluator: ",
                  im.eq.enabled       ? "simple (equality atoms, one word), equality shape"
                  : im.simple.enabled ? "simple (equality atoms, one word)"
                                      : absl::StrCat("general, ", im.total_words, " words"),
                  "\n");
  for (size_t ki = 0; ki < im.keys.size(); ++ki) {
    const internal::CompiledKey& k = im.keys[ki];
    absl::StrAppend(&out, "key k", ki, " `", k.key.name, "` clauses c",
                    k.bit_begin, "..c", k.bit_end - 1, "\n");
    if (!k.exact.empty()) {
      std::vector<std::string> parts;
      for (const auto& e : k.exact.entries()) {
        parts.push_back(absl::StrCat("`", e.value, "`->", DescribeMask(im, k, e.mask)));
      }
      absl::StrAppend(&out, "  exact ", absl::StrJoin(parts, " "), "\n");
    }
    if (!k.folded.empty()) {
      std::vector<std::string> parts;
      for (const auto& e : k.folded.entries()) {
        parts.push_back(absl::StrCat("`", e.value, "`->", DescribeMask(im, k, e.mask)));
      }
      absl::StrAppend(&out, "  folded ", absl::StrJoin(parts, " "), "\n");
    }
    for (size_t i = 0; i < k.globs.size(); ++i) {
      absl::StrAppend(&out, "  like ", k.globs.pattern(i).Describe(), "->",
                      DescribeMask(im, k, k.glob_masks[i]), "\n");
    }
    for (const auto& a : k.arns) {
      absl::StrAppend(&out, "  arn `", a.glob, "`->", DescribeMask(im, k, a.mask), "\n");
    }
    for (const auto& a : k.numbers) {
      absl::StrAppend(&out, "  number ", CmpName(a.cmp), " ", a.value, "->",
                      DescribeMask(im, k, a.mask), "\n");
    }
    for (const auto& a : k.dates) {
      absl::StrAppend(&out, "  date ", CmpName(a.cmp), " ", a.millis, "ms->",
                      DescribeMask(im, k, a.mask), "\n");
    }
    for (const auto& a : k.bools) {
      absl::StrAppend(&out, "  bool ", a.value ? "true" : "false", "->",
                      DescribeMask(im, k, a.mask), "\n");
    }
    for (const auto& a : k.binaries) {
      absl::StrAppend(&out, "  binary ", a.bytes.size(), " bytes->",
                      DescribeMask(im, k, a.mask), "\n");
    }
    for (const auto& a : k.ips) {
      absl::StrAppend(&out, "  ip /", a.net.prefix, a.net.v6 ? " v6" : " v4", "->",
                      DescribeMask(im, k, a.mask), "\n");
    }
    absl::StrAppend(&out, "  neg ", DescribeMask(im, k, k.neg), " any ",
                    DescribeMask(im, k, k.any), " all ", DescribeMask(im, k, k.all),
                    " absent-true ", DescribeMask(im, k, k.absent_true), "\n");
  }
  for (uint32_t id : im.dynamic_clauses) {
    absl::StrAppend(&out, "dynamic c", im.clauses[id].bit, " ",
                    im.clauses[id].condition->pointer, "\n");
  }
  for (const internal::CompiledStatement& s : im.statements) {
    std::vector<std::string> ids;
    for (uint32_t i = s.cond_begin; i < s.cond_end; ++i) {
      const auto& p = im.cond_words[i];
      for (int b = 0; b < 64; ++b) {
        if (p.second & (uint64_t{1} << b)) ids.push_back(absl::StrCat("c", p.first * 64 + b));
      }
    }
    const char* principal = "";
    switch (s.principal.kind) {
      case internal::PrincipalCheck::Kind::kAlways: principal = "any"; break;
      case internal::PrincipalCheck::Kind::kNever: principal = "none"; break;
      case internal::PrincipalCheck::Kind::kList: principal = "listed"; break;
      case internal::PrincipalCheck::Kind::kNotList: principal = "not-listed"; break;
    }
    absl::StrAppend(&out, "statement ", s.index, " ",
                    s.effect == Effect::kDeny ? "Deny" : "Allow",
                    " principal=", principal, " invoke=", s.invoke ? 1 : 0,
                    " connect=", s.connect ? 1 : 0, " resource=",
                    s.resource.negate ? "not " : "",
                    s.resource.has_star ? "*" : "", s.resource.patterns.size(),
                    " patterns, when ", ids.empty() ? "always" : absl::StrJoin(ids, "&"),
                    "\n");
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Compile(
    const PolicyDocument& doc, const CompileOptions& options) {
  Compiler compiler(doc, options);
  auto impl = compiler.Run();
  if (!impl.ok()) return impl.status();
  return std::make_shared<const CompiledPolicy>(*std::move(impl));
}

}  // namespace latticepol
