// File: src/evaluate_simple.cc
// Stage: evaluate (fast path). The simple compiled plan: policies whose keys
// are all single-valued exact-match keys (plus query keys) are decided with
// one lookup per key and no clause bit sets. Shared prologue:
// internal/compiled_eval.h.
#include "internal/compiled_eval.h"

namespace latticepol {
namespace internal {
namespace {

// Returns the Action test of `st` for an action other than the two known ones.
bool ActionTest(const Statement& st, std::string_view action) {
  bool any = false;
  for (const std::string& pattern : st.actions) {
    if (internal::ActionMatches(pattern, action)) {
      any = true;
      break;
    }
  }
  return st.not_action ? !any : any;
}

// The shared decoder, kept out of line: percent-encoded pairs are rare and
// the simple plan's scan loop stays small.
template <typename Fn>
__attribute__((noinline)) void WithDecodedPair(std::string_view key, std::string_view value,
                                               Fn& fn) {
  WithDecodedQueryPair(key, value, fn);
}

LATTICEPOL_ALWAYS_INLINE uint64_t SimpleLookup(const CompiledPolicy::Impl& im,
                                               const SimpleKey& k, std::string_view v) {
  if (k.n_entries >= 0) {
    const size_t n = v.size();
    for (int i = 0; i < k.n_entries; ++i) {
      const InlineEntry& e = k.entries[i];
      if (e.size == n && BytesEqual(e.data, v.data(), n)) return e.mask;
    }
    return 0;
  }
  const MaskRef* m = k.key->exact.Find(v);
  return m == nullptr ? 0 : im.masks[*m];
}

// The clause bits a present single value `v` of key `k` yields.
LATTICEPOL_ALWAYS_INLINE uint64_t SimpleValueBits(const CompiledPolicy::Impl& im,
                                                  const SimpleKey& k, std::string_view v) {
  return ((SimpleLookup(im, k, v) ^ k.neg) & k.value) | k.null_present;
}

}  // namespace

Decision EvaluateSimple(const CompiledPolicy::Impl& im, const RequestView& r,
                        bool ignore_principal) {
  const SimplePlan& sp = im.simple;
  const std::string_view action = r.action;
  int action_kind = 2;  // 0 Invoke, 1 Connect, 2 other
  if (action.size() == kInvokeAction.size() &&
      BytesEqual(action.data(), kInvokeAction.data(), action.size())) {
    action_kind = 0;
  } else if (action.size() == kConnectAction.size() &&
             BytesEqual(action.data(), kConnectAction.data(), action.size())) {
    action_kind = 1;
  }
  const bool connect = action_kind == 0 ? false : action_kind == 1 ? true : r.is_connect();
  bool unc = sp.base_uncertain[ignore_principal ? 1 : 0];
  if (im.triggers != 0) {
    if (connect && (im.triggers & (kTriggerConnectKeys | kTriggerConnectResource))) {
      unc = true;  // K1
    }
    if (r.principal == nullptr) {
      if (im.triggers & kTriggerAnonymousAccount) unc = true;  // A2
    } else if (im.triggers & kTriggerSignedAwsService) {
      unc = true;  // A3
    }
  }

  // Single-valued keys: one lookup each decides all their clauses.
  uint64_t res = sp.const_res;
  for (const SimpleKey& k : sp.optional_keys) {
    const OptionalText& t = r.*k.optional_field;
    res |= (t.present ? SimpleValueBits(im, k, t.value) : k.absent_true) & k.static_all;
  }
  for (const SimpleKey& k : sp.string_keys) {
    res |= (connect ? k.absent_true : SimpleValueBits(im, k, r.*k.string_field)) & k.static_all;
  }
  if (!sp.other_keys.empty()) {
    char num_buf[24];
    for (const SimpleKey& k : sp.other_keys) {
      std::string_view v;
      const bool present = SingleValue(k.key->key, r, connect, num_buf, &v);
      res |= (present ? SimpleValueBits(im, k, v) : k.absent_true) & k.static_all;
    }
  }

  // Query keys: stream every value, then apply the set/Q2 rules. A
  // plain-only key (no set qualifier) keeps its first value, looked up once
  // after the scan and only when it is the key's only value.
  if (!sp.query.empty()) {
    if (connect) {
      for (const SimpleKey& q : sp.query) res |= q.absent_true & q.static_all;
    } else {
      uint64_t first = 0;     // bits of each key's first value, once resolved
      uint64_t resolved = 0;  // slots whose first value is already in `first`
      uint64_t any = 0;
      uint64_t all = ~uint64_t{0};
      uint64_t once = 0;
      uint64_t many = 0;
      // By slot (the plan has at most 8); read only for slots in `once`, so
      // left uninitialised.
      const char* first_data[8];
      size_t first_size[8];
      const size_t nq = sp.query.size();
      auto find_slot = [&](std::string_view key) __attribute__((always_inline)) -> int {
        const size_t n = key.size();
        for (size_t i = 0; i < nq; ++i) {
          const SimpleKey& q = sp.query[i];
          if (q.suffix.size() == n && BytesEqual(q.suffix.data(), key.data(), n)) {
            return static_cast<int>(i);
          }
        }
        return -1;
      };
      auto no_slot = [&](std::string_view key) {  // Q1
        if (unc) return;
        for (const SimpleKey& q : sp.query) {
          if (EqualsIgnoreCase(key, q.suffix)) {
            unc = true;
            return;
          }
        }
      };
      // `stable`: `value` outlives the scan (it points into the request).
      auto add = [&](int slot, std::string_view value, bool stable)
                     __attribute__((always_inline)) {
        const SimpleKey& q = sp.query[static_cast<size_t>(slot)];
        if (value.empty()) unc = true;  // Q4
        if (q.case_sibling) unc = true;  // Q1 for the sibling key
        const uint64_t bit = uint64_t{1} << slot;
        const bool seen = (once & bit) != 0;
        many |= once & bit;
        once |= bit;
        if (q.plain_only && stable) {
          if (!seen) {
            first_data[slot] = value.data();
            first_size[slot] = value.size();
          }
          return;
        }
        const uint64_t rr = (SimpleLookup(im, q, value) ^ q.neg) & q.value;
        if (!seen) {
          first |= rr;
          resolved |= bit;
        }
        any |= rr;
        all &= rr | ~q.value;
      };
      if (r.query_is_raw) {
        const std::string_view raw = r.raw_query;
        const char* const data = raw.data();
        const size_t n = raw.size();
        // Decoded pairs live in WithDecodedPair's buffers: not stable.
        auto decoded_pair = [&](std::string_view dk, std::string_view dv, bool decoded) {
          const int slot = find_slot(dk);
          if (slot < 0) {
            no_slot(dk);
            return;
          }
          if (decoded) unc = true;  // Q3
          add(slot, dv, false);
        };
        size_t pos = 0;
        RawQueryPair pair;
        while (pos <= n) {
          if (!NextRawQueryPair(data, n, &pos, &pair)) continue;  // empty key: dropped
          if (pair.pct) {
            WithDecodedPair(pair.key, pair.value, decoded_pair);
            continue;
          }
          const int slot = find_slot(pair.key);
          if (slot < 0) {
            no_slot(pair.key);
            continue;
          }
          add(slot, pair.value, true);
        }
      } else {
        for (size_t i = 0; i < r.query.size(); ++i) {
          const std::string_view name = r.query.name(i);
          const int slot = find_slot(name);
          if (slot < 0) {
            no_slot(name);
            continue;
          }
          add(slot, r.query.value(i), true);
        }
      }
      for (size_t i = 0; i < nq; ++i) {
        const SimpleKey& q = sp.query[i];
        const uint64_t bit = uint64_t{1} << i;
        uint64_t out = q.absent_true;
        if (once & bit) {
          const bool two = (many & bit) != 0;
          if (two && q.multi_check) unc = true;  // Q2
          uint64_t single = 0;
          if (!two) {
            single = (resolved & bit) ? first
                                      : (SimpleLookup(im, q, std::string_view(first_data[i],
                                                                              first_size[i])) ^
                                         q.neg) &
                                            q.value;
          }
          out = (single & q.plain) | (any & q.any) | (all & q.all) | q.null_present;
        }
        res |= out & q.static_all;
      }
    }
  }

  // Statements: Deny first, then Allow, each in document order.
  Decision d;
  d.uncertain = unc ? kMaybeUncertain : 0;
  if (!sp.any_nontrivial) {
    // Every statement passes its Principal and Resource tests.
    for (const SimpleStatement& s : sp.statements) {
      if ((res & s.cond) != s.cond) continue;
      const bool act = action_kind == 0   ? s.invoke
                       : action_kind == 1 ? s.connect
                                          : ActionTest(im.doc.statements[s.index], action);
      if (!act) continue;
      d.kind = s.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
      d.statement = s.index;
      break;
    }
    return d;
  }
  // The resource state (and its ARN buffer) only for statements that test
  // a Resource pattern.
  char arn_buf[kArnBuffer];
  std::optional<ResourceState> rs;
  for (const SimpleStatement& s : sp.statements) {
    if ((res & s.cond) != s.cond) continue;
    const bool act = action_kind == 0   ? s.invoke
                     : action_kind == 1 ? s.connect
                                        : ActionTest(im.doc.statements[s.index], action);
    if (!act) continue;
    if (!s.trivial) {
      const CompiledStatement& full = *s.full;
      if (!full.resource_always) {
        if (!rs) rs.emplace(r, connect, arn_buf);
        if (!rs->Matches(full.resource, nullptr)) continue;
      }
      if (!full.principal_always && !ignore_principal &&
          !PrincipalTest(full.principal, r.principal)) {
        continue;
      }
    }
    d.kind = s.deny ? DecisionKind::kExplicitDeny : DecisionKind::kAllow;
    d.statement = s.index;
    break;
  }
  return d;
}

}  // namespace internal
}  // namespace latticepol
