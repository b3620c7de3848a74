// File: tests/unit/differential_test.cc
// Stage: compile vs evaluate. The comparative tester, in the spirit of RE2's
// engine-vs-engine tests: random policies (latticepol/random.h) are parsed in
// strict mode, compiled, and evaluated against random requests biased towards
// their values, by the reference evaluator (the gold standard) and by the
// compiled matcher, each on a view with the query pre-split AND on a view
// with the raw query string. Every disagreement is a bug in one of them.
//
// Environment:
//   LATTICEPOL_DIFF_PAIRS  policy/request pairs to run (default 200000)
//   LATTICEPOL_DIFF_SEED   base seed (default 20260101)
//   LATTICEPOL_DIFF_ONLY   run only the policy with this (printed) seed
// A failure prints the seed, the policy JSON, the request JSON and both
// decisions. tools/difftest.sh runs any number of pairs.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "internal/glob_set.h"
#include "internal/text.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "testing/random.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"

namespace latticepol {
namespace {

constexpr uint64_t kDefaultPairs = 200000;
constexpr uint64_t kDefaultSeed = 20260101;
constexpr int kRequestsPerPolicy = 50;
constexpr int kMaxReportedFailures = 10;

uint64_t EnvU64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 0);
}

bool EnvSet(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

std::string DescribeDecision(const Decision& d) {
  std::ostringstream out;
  out << DecisionName(d.kind) << " statement=" << d.statement << " uncertain=";
  if (d.uncertain == kMaybeUncertain) {
    out << "maybe";
  } else {
    std::vector<std::string> names = DecisionIdNames(d.uncertain);
    out << "[";
    for (size_t i = 0; i < names.size(); ++i) out << (i ? "," : "") << names[i];
    out << "]";
  }
  return out.str();
}

// Returns true iff `name` is a canonical key (family) spelled with other
// letter case (K2), the form RandomPolicyOptions::lenient_percent produces.
bool IsMiscasedKey(const std::string& name) {
  static const char* const kCanonical[] = {"vpc-lattice-svcs:Port",
                                           "vpc-lattice-svcs:RequestMethod",
                                           "vpc-lattice-svcs:RequestPath",
                                           "vpc-lattice-svcs:RequestHeader/",
                                           "vpc-lattice-svcs:RequestQueryString/",
                                           "vpc-lattice-svcs:ServiceArn",
                                           "vpc-lattice-svcs:ServiceNetworkArn",
                                           "vpc-lattice-svcs:SourceVpc",
                                           "vpc-lattice-svcs:SourceVpcOwnerAccount",
                                           "aws:PrincipalType",
                                           "aws:PrincipalArn",
                                           "aws:PrincipalAccount",
                                           "aws:PrincipalOrgID",
                                           "aws:PrincipalOrgPaths",
                                           "aws:PrincipalTag/",
                                           "aws:PrincipalIsAWSService",
                                           "aws:ResourceTag/",
                                           "aws:SourceIp",
                                           "aws:CurrentTime",
                                           "aws:EpochTime"};
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (const char* k : kCanonical) {
    std::string canonical = k;
    bool family = canonical.back() == '/';
    std::string head = family ? name.substr(0, std::min(name.size(), canonical.size())) : name;
    if (lower(head) == lower(canonical) && head != canonical) return true;
  }
  return false;
}

// What the generator produced, over all the seeds of a run.
struct Coverage {
  std::set<int> ops, ops_if_exists, sets, keys;
  std::set<std::string> features;

  void Record(const PolicyDocument& doc) {
    features.insert(doc.version == PolicyVersion::k2012_10_17 ? "version-2012" : "version-2008");
    if (!doc.has_version) features.insert("version-missing");
    if (doc.statements.size() > 64) features.insert("over-64-statements");
    size_t entries = 0;
    for (const Statement& st : doc.statements) {
      for (const Condition& c : st.conditions) entries += c.values.size();
    }
    if (entries > 128) features.insert("over-128-condition-values");
    for (const Statement& st : doc.statements) {
      features.insert(st.effect == Effect::kAllow ? "allow" : "deny");
      if (st.not_principal) features.insert("not-principal");
      if (st.not_principal && st.effect == Effect::kAllow) features.insert("not-principal-allow");
      if (!st.principal.federated.empty()) features.insert("principal-federated");
      if (!st.principal.canonical_user.empty()) features.insert("principal-canonical-user");
      if (st.not_action) features.insert("not-action");
      if (st.not_resource) features.insert("not-resource");
      const PrincipalSpec& p = st.principal;
      if (p.wildcard) features.insert("principal-*");
      if (!p.service.empty()) features.insert("principal-service");
      for (const std::string& a : p.aws) {
        if (a.size() == 12) {
          features.insert("principal-account");
        } else if (a.find(":root") != std::string::npos) {
          features.insert("principal-root");
        } else if (a.find(":role/") != std::string::npos) {
          features.insert("principal-role");
        } else if (a.find(":user/") != std::string::npos) {
          features.insert("principal-user");
        } else if (a.find(":assumed-role/") != std::string::npos) {
          features.insert("principal-session");
        }
      }
      for (const std::string& a : st.actions) {
        if (a.find_first_of("*?") != std::string::npos) features.insert("action-wildcard");
      }
      for (const std::string& r : st.resources) {
        if (r.find_first_of("*?") != std::string::npos) features.insert("resource-wildcard");
        if (r.rfind("arn:", 0) == 0) {
          std::array<std::string_view, 6> f;
          // D1: a segment-ending `*` in a short ARN, and a head wildcard
          // that must stay inside its segment.
          if (!internal::SplitArn(r, &f) && r.find_first_of("*?") != std::string::npos) {
            features.insert("resource-short-arn-star");
          }
          if (internal::ArnSegmentGlob::NeedsSegments(internal::GlobFromPolicyText(r))) {
            features.insert("resource-mid-segment-wildcard");
          }
        }
        if (r.find("${") != std::string::npos) features.insert("resource-variable");
        if (r.find(":servicenetwork/") != std::string::npos) {
          features.insert("service-network-resource");
        }
      }
      for (const Condition& c : st.conditions) {
        if (c.key.kind == KeyKind::kPrincipalAccount) features.insert("principal-account-key");
        ops.insert(static_cast<int>(c.op));
        if (c.if_exists) ops_if_exists.insert(static_cast<int>(c.op));
        sets.insert(static_cast<int>(c.set));
        keys.insert(static_cast<int>(c.key.kind));
        if (c.values.size() > 1) features.insert("several-values");
        if (c.has_type_error) features.insert("type-error");
        if (c.key.kind == KeyKind::kUnknown && IsMiscasedKey(c.key.name)) {
          features.insert("miscased-key");
        }
        if (c.key.kind == KeyKind::kRequestHeader &&
            c.key.suffix.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
          features.insert("uppercase-header");
        }
        for (const std::string& v : c.values) {
          if (v.find("${aws:PrincipalAccount}") != std::string::npos) {
            features.insert("var-principal-account");
          }
          if (v.find("${aws:PrincipalTag/team") != std::string::npos) {
            features.insert("var-principal-tag");
          }
          if (v.find(", '") != std::string::npos) features.insert("var-default");
          if (v.find("${*}") != std::string::npos) features.insert("var-escape");
          if ((c.op == ConditionOperator::kStringLike || c.op == ConditionOperator::kArnLike) &&
              v.find('*') != std::string::npos) {
            features.insert("like-star");
          }
          if ((c.op == ConditionOperator::kStringLike || c.op == ConditionOperator::kArnLike) &&
              v.find('?') != std::string::npos) {
            features.insert("like-question");
          }
        }
      }
    }
  }

  // Returns what is missing; empty when everything was generated.
  std::vector<std::string> Missing() const {
    std::vector<std::string> missing;
    for (int i = 0; i < kConditionOperatorCount; ++i) {
      auto op = static_cast<ConditionOperator>(i);
      if (!ops.count(i)) missing.push_back("operator " + std::string(OperatorName(op)));
      if (op != ConditionOperator::kNull && !ops_if_exists.count(i)) {
        missing.push_back("operator " + std::string(OperatorName(op)) + "IfExists");
      }
    }
    for (int i = 0; i < 3; ++i) {
      if (!sets.count(i)) missing.push_back("set qualifier " + std::to_string(i));
    }
    for (int i = 0; i <= static_cast<int>(KeyKind::kUnknown); ++i) {
      if (!keys.count(i)) missing.push_back("key kind " + std::to_string(i));
    }
    for (const char* f : {"version-2012",
                          "version-2008",
                          "version-missing",
                          "allow",
                          "deny",
                          "not-principal",
                          "not-action",
                          "not-resource",
                          "principal-*",
                          "principal-service",
                          "principal-account",
                          "principal-root",
                          "principal-role",
                          "principal-user",
                          "principal-session",
                          "action-wildcard",
                          "resource-wildcard",
                          "resource-variable",
                          "resource-short-arn-star",
                          "resource-mid-segment-wildcard",
                          "principal-account-key",
                          "several-values",
                          "var-principal-account",
                          "var-principal-tag",
                          "var-default",
                          "var-escape",
                          "like-star",
                          "like-question",
                          "over-64-statements",
                          "over-128-condition-values"}) {
      if (!features.count(f)) missing.push_back(f);
    }
    return missing;
  }
};

// The running test, for replay hints.
std::string Filter() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

bool SameDecision(const Decision& ref, const Decision& fast) {
  return ref.kind == fast.kind && ref.statement == fast.statement &&
         (ref.uncertain == 0 || fast.uncertain != 0);
}

// Parses the generator's JSON as a user's policy would be parsed.
::testing::AssertionResult ParseGenerated(const PolicyDocument& generated, bool identity,
                                          bool lenient, uint64_t seed, PolicyDocument* out,
                                          std::string* json) {
  *json = PolicyToJson(generated);
  ParseOptions options;
  options.identity_policy = identity;
  options.strict = !lenient;
  ParseResult parsed = ParsePolicy(*json, options);
  if (!parsed.ok()) {
    return ::testing::AssertionFailure()
           << "generated policy rejected in " << (lenient ? "lenient" : "strict") << " mode (seed "
           << seed << ")\n"
           << *json << "\n"
           << FormatIssues(parsed.issues, "policy.json");
  }
  *out = std::move(parsed.doc);
  return ::testing::AssertionSuccess();
}

// Returns true iff `st`'s Resource test passed only because of D1 (a `*`
// that crossed a colon): no pattern matches under the old field-wise reading of
// docs/semantics.md §1.6 rule 2 (patterns with variables are skipped, so this undercounts).
bool MatchedOnlyByCrossing(const Statement& st, const StatementTrace& t) {
  if (!t.resource_matched || st.not_resource || t.request_resource.empty()) return false;
  bool crossing = false;
  for (const std::string& r : st.resources) {
    if (r == "*" || r.find("${") != std::string::npos) return false;
    const std::string glob = internal::GlobFromPolicyText(r);
    if (r.rfind("arn:", 0) != 0) {
      if (internal::GlobMatch(glob, t.request_resource)) return false;
    } else if (internal::ArnGlobMatch(glob, t.request_resource)) {
      return false;
    } else {
      crossing = true;
    }
  }
  return crossing;
}

// Returns true iff the policy mentions aws:PrincipalAccount (key or variable).
bool MentionsPrincipalAccount(const PolicyDocument& doc) {
  for (const Statement& st : doc.statements) {
    for (const std::string& r : st.resources) {
      if (r.find("aws:PrincipalAccount") != std::string::npos) return true;
    }
    for (const Condition& c : st.conditions) {
      if (c.key.kind == KeyKind::kPrincipalAccount) return true;
      for (const std::string& v : c.values) {
        if (v.find("aws:PrincipalAccount") != std::string::npos) return true;
      }
    }
  }
  return false;
}

// Runs `pairs` policy/request pairs from `base`; policies come from
// `policy_options` and are parsed strictly unless `lenient`.
void RunPairs(uint64_t pairs, uint64_t base, const RandomPolicyOptions& policy_options,
              bool lenient, Coverage* coverage_out) {
  const bool only = EnvSet("LATTICEPOL_DIFF_ONLY");
  const uint64_t only_seed = EnvU64("LATTICEPOL_DIFF_ONLY", 0);

  Coverage coverage;
  uint64_t done = 0;
  uint64_t policies = 0;
  uint64_t allows = 0, explicit_denies = 0, uncertain = 0, maybe_uncertain = 0;
  uint64_t crossing_matches = 0, anonymous_account = 0;
  int failures = 0;
  for (uint64_t i = 0; done < pairs && failures < kMaxReportedFailures; ++i) {
    const uint64_t seed = only ? only_seed : MixSeed(base, i);
    Rng rng(seed);
    PolicyDocument doc;
    std::string json;
    ASSERT_TRUE(
        ParseGenerated(RandomPolicy(rng, policy_options), false, lenient, seed, &doc, &json));
    coverage.Record(doc);
    ++policies;
    auto compiled = Compile(doc);
    if (!compiled.ok()) {  // a valid policy must compile; keep looking for other bugs
      ++failures;
      ADD_FAILURE() << "valid policy does not compile: " << compiled.status()
                    << "\n  replay: LATTICEPOL_DIFF_ONLY=" << seed
                    << " differential_test --gtest_filter=" << Filter() << "\n  policy: " << json;
      continue;
    }

    std::vector<Request> requests;
    std::vector<std::string> raws;
    for (int j = 0; j < kRequestsPerPolicy && done < pairs; ++j, ++done) {
      std::string raw;
      requests.push_back(RandomRequest(rng, doc, RandomRequestOptions(), &raw));
      raws.push_back(std::move(raw));
    }
    std::vector<RequestView> views;
    for (size_t j = 0; j < requests.size(); ++j) {
      views.push_back(requests[j].view());
      views.push_back(RawQueryView(requests[j], raws[j]));
    }
    std::vector<Decision> batch(views.size());
    ASSERT_TRUE(EvaluateBatch(**compiled, views, absl::MakeSpan(batch)).ok());
    const bool mentions_account = MentionsPrincipalAccount(doc);

    for (size_t v = 0; v < views.size(); ++v) {
      const Request& request = requests[v / 2];
      const bool raw_view = v % 2 == 1;
      const Evaluation ref_eval = EvaluateReference(doc, views[v]);
      const Decision& ref = ref_eval.decision;
      const Decision fast = Evaluate(**compiled, views[v]);
      if (!raw_view) {
        for (size_t s = 0; s < doc.statements.size(); ++s) {
          if (MatchedOnlyByCrossing(doc.statements[s], ref_eval.statements[s])) {
            ++crossing_matches;
            break;
          }
        }
        anonymous_account += mentions_account && !request.principal;
        allows += ref.kind == DecisionKind::kAllow;
        explicit_denies += ref.kind == DecisionKind::kExplicitDeny;
        uncertain += ref.uncertain != 0;
        maybe_uncertain += fast.uncertain != 0;
      }
      const bool batch_ok = batch[v].kind == fast.kind && batch[v].statement == fast.statement &&
                            batch[v].uncertain == fast.uncertain;
      if (!SameDecision(ref, fast) || !batch_ok) {
        ++failures;
        ADD_FAILURE() << "compiled and reference disagree\n"
                      << "  replay: LATTICEPOL_DIFF_ONLY=" << seed
                      << " differential_test --gtest_filter=" << Filter() << " (request #" << v / 2
                      << ", " << (raw_view ? "raw query" : "pre-split query") << ")\n"
                      << "  policy: " << json << "\n"
                      << "  request: " << RequestToJson(request) << "\n"
                      << "  raw query: " << raws[v / 2] << "\n"
                      << "  reference: " << DescribeDecision(ref) << "\n"
                      << "  compiled:  " << DescribeDecision(fast) << "\n"
                      << "  batch:     " << DescribeDecision(batch[v]);
        if (failures >= kMaxReportedFailures) break;
      }
      if (raw_view) {
        // The same request from the raw query must decide the same way.
        const Decision split = EvaluateReference(doc, views[v - 1]).decision;
        if (split.kind != ref.kind || split.statement != ref.statement) {
          ++failures;
          ADD_FAILURE() << "reference differs between raw and pre-split query\n"
                        << "  replay: LATTICEPOL_DIFF_ONLY=" << seed
                        << " differential_test --gtest_filter=" << Filter() << " (request #"
                        << v / 2 << ")\n"
                        << "  policy: " << json << "\n"
                        << "  request: " << RequestToJson(request) << "\n"
                        << "  raw query: " << raws[v / 2] << "\n"
                        << "  pre-split: " << DescribeDecision(split) << "\n"
                        << "  raw:       " << DescribeDecision(ref);
        }
      }
    }
    if (only) break;
  }
  std::printf(
      "differential: %llu pairs (x2 views) over %llu policies: %llu allow, %llu "
      "explicit deny, %llu uncertain (compiled: %llu maybe-uncertain); %llu resource "
      "matches only by a colon-crossing `*` (D1), %llu anonymous callers vs a "
      "PrincipalAccount policy (D2)\n",
      static_cast<unsigned long long>(done), static_cast<unsigned long long>(policies),
      static_cast<unsigned long long>(allows), static_cast<unsigned long long>(explicit_denies),
      static_cast<unsigned long long>(uncertain),
      static_cast<unsigned long long>(maybe_uncertain),
      static_cast<unsigned long long>(crossing_matches),
      static_cast<unsigned long long>(anonymous_account));
  if (only) return;
  // Both doc-driven deviations must be exercised, or agreement proves little.
  EXPECT_GT(crossing_matches, done / 1000) << "D1 colon-crossing resource matches too rare";
  EXPECT_GT(anonymous_account, done / 1000) << "D2 anonymous PrincipalAccount pairs too rare";
  // The run must exercise both outcomes often, or it proves little.
  EXPECT_GT(allows, done / 50) << "too few ALLOW decisions: requests do not hit the policies";
  EXPECT_GT(explicit_denies, done / 100) << "too few EXPLICIT_DENY decisions";
  if (policies >= 1000) {
    std::vector<std::string> missing = coverage.Missing();
    EXPECT_TRUE(missing.empty()) << "the generator lost coverage: missing " << missing.size()
                                 << ", first: " << (missing.empty() ? "" : missing[0]);
  }
  if (coverage_out != nullptr) *coverage_out = coverage;
}

TEST(DifferentialTest, CompiledMatchesReference) {
  RunPairs(EnvU64("LATTICEPOL_DIFF_PAIRS", kDefaultPairs),
           EnvU64("LATTICEPOL_DIFF_SEED", kDefaultSeed), RandomPolicyOptions(),
           /*lenient=*/false, nullptr);
}

// Lenient mode keeps what strict mode rejects (mis-cased keys, uppercase
// header names, T1 type errors, Federated principals, NotPrincipal with
// Allow, service-network resources); the compiled path must agree there too.
TEST(DifferentialTest, LenientPoliciesMatchReference) {
  RandomPolicyOptions options;
  options.lenient_percent = 25;
  Coverage coverage;
  RunPairs(std::max<uint64_t>(10000, EnvU64("LATTICEPOL_DIFF_PAIRS", kDefaultPairs) / 4),
           EnvU64("LATTICEPOL_DIFF_SEED", kDefaultSeed) ^ 0x1E41E47u, options, /*lenient=*/true,
           &coverage);
  if (EnvSet("LATTICEPOL_DIFF_ONLY")) return;
  for (const char* f :
       {"type-error", "miscased-key", "uppercase-header", "principal-federated",
        "principal-canonical-user", "not-principal-allow", "service-network-resource"}) {
    EXPECT_TRUE(coverage.features.count(f)) << "lenient construct never generated: " << f;
  }
}

// Regression for diff-findings F1: a small valid policy whose keys each have
// many multi-star globs must compile with the default budget, and agree.
TEST(DifferentialTest, ManyGlobbedKeysCompileAndAgree) {
  std::string json =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringLike":{)";
  for (int k = 0; k < 12; ++k) {
    json += (k ? ",\"" : "\"") + std::string("vpc-lattice-svcs:RequestHeader/x-h") +
            std::to_string(k) + "\":[";
    for (int i = 0; i < 16; ++i) {
      json += (i ? ",\"a*b*" : "\"a*b*") + std::to_string(i) + "\"";
    }
    json += "]";
  }
  json += "}}}]}";
  ParseResult parsed = ParsePolicy(json);
  ASSERT_TRUE(parsed.ok()) << FormatIssues(parsed.issues, "policy.json");
  ASSERT_LT(json.size(), 10000u);
  auto compiled = Compile(parsed.doc);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (int hit = 0; hit < 2; ++hit) {
    Request request;
    for (int k = 0; k < 12; ++k) {
      request.AddHeader("x-h" + std::to_string(k), hit ? "a-b-7" : "a-c-7");
    }
    const Decision ref = EvaluateReference(parsed.doc, request.view()).decision;
    const Decision fast = Evaluate(**compiled, request.view());
    EXPECT_EQ(ref.kind, hit ? DecisionKind::kAllow : DecisionKind::kImplicitDeny);
    EXPECT_EQ(fast.kind, ref.kind);
  }
}

// The Lattice chain: Authorize (compiled) vs AuthorizeReference.
TEST(DifferentialTest, ChainMatchesReference) {
  const uint64_t pairs =
      std::max<uint64_t>(1000, EnvU64("LATTICEPOL_DIFF_PAIRS", kDefaultPairs) / 10);
  const uint64_t base = EnvU64("LATTICEPOL_DIFF_SEED", kDefaultSeed) ^ 0xC4A1u;
  constexpr int kRequestsPerChain = 20;
  uint64_t done = 0;
  int failures = 0;
  std::set<int> layers_seen;
  const bool only = EnvSet("LATTICEPOL_DIFF_ONLY");
  for (uint64_t i = 0; done < pairs && failures < kMaxReportedFailures; ++i) {
    if (only && i > 0) break;
    const uint64_t seed = only ? EnvU64("LATTICEPOL_DIFF_ONLY", 0) : MixSeed(base, i);
    Rng rng(seed);
    RandomPolicyOptions service_options;
    RandomPolicyOptions identity_options;
    identity_options.identity_policy = true;

    std::string network_json, service_json, identity_json;
    PolicyDocument network, service, identity;
    const bool has_network = rng.Percent(70);
    const bool has_service = rng.Percent(85);
    const bool has_identity = rng.Percent(40);
    ASSERT_TRUE(ParseGenerated(RandomPolicy(rng, service_options), false, false, seed, &network,
                               &network_json));
    ASSERT_TRUE(ParseGenerated(RandomPolicy(rng, service_options), false, false, seed, &service,
                               &service_json));
    ASSERT_TRUE(ParseGenerated(RandomPolicy(rng, identity_options), true, false, seed, &identity,
                               &identity_json));

    ChainConfig config;
    config.network_auth_type = rng.Percent(60) ? AuthType::kAwsIam : AuthType::kNone;
    config.service_auth_type = rng.Percent(80) ? AuthType::kAwsIam : AuthType::kNone;
    if (!has_identity && rng.Percent(50)) {
      config.identity_decision = static_cast<DecisionKind>(rng.Uniform(3));
    }

    CompiledChain chain;
    chain.config = config;
    ChainPolicies policies;
    policies.config = config;
    auto compile = [&](const PolicyDocument& doc, const std::string& json) {
      auto c = Compile(doc);
      EXPECT_TRUE(c.ok()) << "seed " << seed << ": " << c.status() << "\n" << json;
      return c.ok() ? *c : nullptr;
    };
    if (has_network) {
      chain.network_policy = compile(network, network_json);
      policies.network_policy = &network;
    }
    if (has_service) {
      chain.service_policy = compile(service, service_json);
      policies.service_policy = &service;
    }
    if (has_identity) {
      chain.identity_policy = compile(identity, identity_json);
      policies.identity_policy = &identity;
    }

    for (int j = 0; j < kRequestsPerChain; ++j, ++done) {
      std::string raw;
      const PolicyDocument& bias = rng.Percent(50) ? service : network;
      Request request = RandomRequest(rng, bias, RandomRequestOptions(), &raw);
      RequestView view = rng.Percent(50) ? request.view() : RawQueryView(request, raw);
      ChainResult ref = AuthorizeReference(policies, view).result;
      ChainResult fast = Authorize(chain, view);
      layers_seen.insert(static_cast<int>(ref.layer));
      auto layer_same = [](const LayerResult& a, const LayerResult& b) {
        return a.evaluated == b.evaluated && a.has_policy == b.has_policy &&
               a.assumed == b.assumed && a.decision.kind == b.decision.kind &&
               a.decision.statement == b.decision.statement;
      };
      const bool same =
          ref.decision == fast.decision && ref.layer == fast.layer &&
          ref.failing_layers == fast.failing_layers && layer_same(ref.network, fast.network) &&
          layer_same(ref.service, fast.service) && layer_same(ref.identity, fast.identity) &&
          (ref.uncertain == 0 || fast.uncertain != 0);
      if (!same) {
        ++failures;
        ADD_FAILURE()
            << "chain: compiled and reference disagree\n  replay: LATTICEPOL_DIFF_ONLY=" << seed
            << " differential_test --gtest_filter=" << Filter() << " (request #" << j << ")\n"
            << "  auth types: network " << AuthTypeName(config.network_auth_type) << ", service "
            << AuthTypeName(config.service_auth_type) << ", identity decision "
            << (config.identity_decision ? DecisionName(*config.identity_decision) : "none") << "\n"
            << "  network policy: " << (has_network ? network_json : "none") << "\n"
            << "  service policy: " << (has_service ? service_json : "none") << "\n"
            << "  identity policy: " << (has_identity ? identity_json : "none") << "\n"
            << "  request: " << RequestToJson(request) << "\n"
            << "  reference: " << DecisionName(ref.decision) << " layer " << LayerName(ref.layer)
            << " network " << DescribeDecision(ref.network.decision) << " service "
            << DescribeDecision(ref.service.decision) << " identity "
            << DescribeDecision(ref.identity.decision) << "\n"
            << "  compiled:  " << DecisionName(fast.decision) << " layer " << LayerName(fast.layer)
            << " network " << DescribeDecision(fast.network.decision) << " service "
            << DescribeDecision(fast.service.decision) << " identity "
            << DescribeDecision(fast.identity.decision);
        if (failures >= kMaxReportedFailures) break;
      }
    }
  }
  std::printf("chain differential: %llu requests\n", static_cast<unsigned long long>(done));
  // Every deciding layer should have been seen.
  if (!only) {
    EXPECT_EQ(layers_seen.size(), 4u);
  }
}

}  // namespace
}  // namespace latticepol
