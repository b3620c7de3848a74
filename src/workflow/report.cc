// File: src/workflow/report.cc
// Stage: simulate (output). Renders a SimulationReport as aligned text tables
// (the CLI default) or as one JSON object (`--format json`). Sample requests
// are embedded as canonical request JSON objects so they can be pasted into
// `latticepol eval`.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "internal/strings.h"
#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/replay.h"
#include "latticepol/simulate.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

using internal::StrAppend;
using internal::StrCat;

using Json = nlohmann::ordered_json;

constexpr DecisionKind kKinds[] = {DecisionKind::kAllow, DecisionKind::kExplicitDeny,
                                   DecisionKind::kImplicitDeny};

std::string Grouped(uint64_t n) {
  std::string digits = StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return absl::StrFormat("%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string Rate(double per_second) {
  if (per_second >= 1e6) return absl::StrFormat("%.1f M", per_second / 1e6);
  if (per_second >= 1e3) return absl::StrFormat("%.1f k", per_second / 1e3);
  return absl::StrFormat("%.0f ", per_second);
}

Json DecisionCounts(const std::array<uint64_t, 3>& counts) {
  Json j = Json::object();
  for (DecisionKind k : kKinds) j[std::string(DecisionName(k))] = counts[static_cast<int>(k)];
  return j;
}

Json SampleJson(const SimulationSample& s, bool shadow) {
  Json j;
  j["index"] = s.index;
  j["caller"] = s.caller;
  j["decision"] = std::string(DecisionName(s.decision));
  if (shadow) j["shadowDecision"] = std::string(DecisionName(s.shadow_decision));
  j["layer"] = std::string(LayerName(s.layer));
  Json request = Json::parse(s.request_json, nullptr, /*allow_exceptions=*/false);
  j["request"] = request.is_discarded() ? Json(s.request_json) : request;
  if (!s.statement.empty()) j["statement"] = s.statement;
  if (!s.explanation.empty()) j["explanation"] = s.explanation;
  return j;
}

// {"caller": violations} for the callers with any.
Json ByCallerJson(const std::vector<std::string>& callers, const std::vector<uint64_t>& counts) {
  Json j = Json::object();
  for (size_t c = 0; c < counts.size() && c < callers.size(); ++c) {
    if (counts[c] != 0) j[callers[c]] = counts[c];
  }
  return j;
}

void Row(std::string* out, const std::vector<std::string>& cells, const std::vector<int>& widths) {
  std::string line = " ";
  for (size_t i = 0; i < cells.size(); ++i) {
    const int w = i < widths.size() ? widths[i] : 0;
    if (w < 0) {  // left-aligned
      StrAppend(&line, " ", cells[i], std::string(std::max<int>(0, -w - static_cast<int>(cells[i].size())), ' '));
    } else {
      StrAppend(&line, " ", std::string(std::max<int>(0, w - static_cast<int>(cells[i].size())), ' '), cells[i]);
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  StrAppend(out, line, "\n");
}

// `candidate`: expectation violations by the candidate, which lead with the
// candidate's decision and its deciding statement.
void SamplesText(std::string* out, const std::vector<SimulationSample>& samples, bool shadow,
                 bool candidate = false) {
  for (const SimulationSample& s : samples) {
    if (candidate) {
      StrAppend(out, "    [", s.index, "] ", s.caller, " -> candidate ",
                DecisionName(s.shadow_decision));
      if (!s.statement.empty()) StrAppend(out, ", decided by ", s.statement);
      StrAppend(out, " (current: ", DecisionName(s.decision));
      if (s.layer != Layer::kNone) StrAppend(out, ", layer ", LayerName(s.layer));
      StrAppend(out, ")");
    } else {
      StrAppend(out, "    [", s.index, "] ", s.caller, " -> ", DecisionName(s.decision));
      if (shadow) StrAppend(out, " (candidate: ", DecisionName(s.shadow_decision), ")");
      if (s.layer != Layer::kNone) StrAppend(out, ", layer ", LayerName(s.layer));
      if (!s.statement.empty()) StrAppend(out, ", decided by ", s.statement);
    }
    StrAppend(out, "\n      ", s.request_json, "\n");
    if (!s.explanation.empty()) {
      // The explanation, indented under its request.
      std::string_view text = s.explanation;
      std::string_view prefix = "      why: ";
      while (!text.empty()) {
        const size_t nl = text.find('\n');
        StrAppend(out, prefix, text.substr(0, nl), "\n");
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
        prefix = "           ";
      }
    }
  }
}

// One violated expectation: what it expected, what it got, by caller, samples.
void ViolationText(std::string* out, const SimulationReport& r, const ExpectationResult& e,
                   bool candidate) {
  const std::array<uint64_t, 3>& got = candidate ? e.shadow_by_decision : e.by_decision;
  const std::vector<uint64_t>& by_caller =
      candidate ? e.shadow_violations_by_caller : e.violations_by_caller;
  StrAppend(out, "\nViolated ", candidate ? "by the candidate " : "", "#", e.index, " ", e.name,
            ": expected ", ExpectedOutcomeName(e.expect), ", got");
  for (DecisionKind k : kKinds) {
    const uint64_t n = got[static_cast<int>(k)];
    if (n != 0 && !OutcomeSatisfies(e.expect, k)) StrAppend(out, " ", DecisionName(k), " x", Grouped(n));
  }
  StrAppend(out, "\n  by caller:");
  for (size_t c = 0; c < by_caller.size() && c < r.callers.size(); ++c) {
    if (by_caller[c] != 0) StrAppend(out, " ", r.callers[c], " ", Grouped(by_caller[c]));
  }
  StrAppend(out, "\n  samples (lowest request index first):\n");
  SamplesText(out, candidate ? e.shadow_samples : e.samples, candidate, candidate);
}

}  // namespace

std::string ReportToText(const SimulationReport& r, const ReportFormatOptions& options) {
  std::string out;
  StrAppend(&out, "latticepol simulate: ", r.scenario, "\n");
  StrAppend(&out, "  ", Grouped(r.count), " requests, seed ", r.seed, ", ", r.threads,
                  r.threads == 1 ? " thread" : " threads");
  if (options.include_timing) {
    StrAppend(&out, absl::StrFormat(", %.3f s, %srequests/s", r.wall_seconds,
                                          Rate(r.requests_per_second)));
  }
  StrAppend(&out, "\n\nDecisions\n");
  for (DecisionKind k : kKinds) {
    const uint64_t n = r.totals[static_cast<int>(k)];
    Row(&out, {std::string(DecisionName(k)), Grouped(n), Percent(n, r.count)}, {-14, 14, 7});
  }
  StrAppend(&out, "  deciding layer of denials:");
  for (Layer l : {Layer::kNetwork, Layer::kService, Layer::kIdentity}) {
    StrAppend(&out, " ", LayerName(l), " ", Grouped(r.by_layer[static_cast<int>(l)]));
  }
  StrAppend(&out, "\n\nBy caller\n");
  int name_width = 8;
  for (const std::string& c : r.callers) name_width = std::max<int>(name_width, c.size());
  Row(&out, {"caller", "ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY"}, {-name_width, 12, 14, 14});
  for (size_t c = 0; c < r.callers.size(); ++c) {
    Row(&out,
        {r.callers[c], Grouped(r.caller_decisions[c][0]), Grouped(r.caller_decisions[c][1]),
         Grouped(r.caller_decisions[c][2])},
        {-name_width, 12, 14, 14});
  }
  if (!r.statements.empty()) {
    StrAppend(&out, "\nStatements (requests each one decided)\n");
    int sid_width = 6;
    for (const StatementHits& h : r.statements) sid_width = std::max<int>(sid_width, h.sid.size());
    Row(&out, {"layer", "#", "sid", "effect", "hits"}, {-8, 3, -sid_width, -6, 12});
    for (const StatementHits& h : r.statements) {
      Row(&out,
          {std::string(LayerName(h.layer)), StrCat(h.index), h.sid.empty() ? "-" : h.sid,
           h.effect == Effect::kAllow ? "Allow" : "Deny", Grouped(h.hits)},
          {-8, 3, -sid_width, -6, 12});
    }
  }
  if (!r.expectations.empty()) {
    StrAppend(&out, "\nExpectations (first match wins)\n");
    int w = 11;
    for (const ExpectationResult& e : r.expectations) w = std::max<int>(w, e.name.size());
    std::vector<std::string> head = {"#", "expectation", "expect", "matched", "violations"};
    std::vector<int> widths = {2, -w, -13, 12, 12};
    if (r.shadow.enabled) {
      head.push_back("candidate");
      widths.push_back(12);
    }
    Row(&out, head, widths);
    for (const ExpectationResult& e : r.expectations) {
      std::vector<std::string> cells = {StrCat(e.index), e.name,
                                        std::string(ExpectedOutcomeName(e.expect)),
                                        Grouped(e.matched), Grouped(e.violations)};
      if (r.shadow.enabled) cells.push_back(Grouped(e.shadow_violations));
      Row(&out, cells, widths);
    }
    StrAppend(&out, "  unmatched requests: ", Grouped(r.unmatched), "\n");
    for (const ExpectationResult& e : r.expectations) {
      if (e.violations != 0) ViolationText(&out, r, e, false);
    }
    for (const ExpectationResult& e : r.expectations) {
      if (r.shadow.enabled && e.shadow_violations != 0) ViolationText(&out, r, e, true);
    }
  }
  StrAppend(&out, "\nUncertain: ", Grouped(r.uncertain.uncertain), " requests rest on a DECISION (see docs/semantics.md)");
  StrAppend(&out, " (fast path flagged ", Grouped(r.uncertain.flagged), ", unverified ",
                  Grouped(r.uncertain.unverified), ")\n");
  for (const auto& [id, n] : r.uncertain.by_id) {
    StrAppend(&out, "  ", id, ": ", Grouped(n), "\n");
  }
  if (r.shadow.enabled) {
    StrAppend(&out, "\nShadow policy ", r.shadow.name, "\n");
    for (DecisionKind k : kKinds) {
      Row(&out, {std::string(DecisionName(k)), Grouped(r.shadow.totals[static_cast<int>(k)])}, {-14, 14});
    }
    StrAppend(&out, "  allowed -> denied: ", Grouped(r.shadow.allowed_to_denied),
                    "   denied -> allowed: ", Grouped(r.shadow.denied_to_allowed),
                    "   deny kind changed: ", Grouped(r.shadow.deny_kind_changed), "\n");
    if (!r.shadow.allowed_to_denied_samples.empty()) {
      StrAppend(&out, "  allowed -> denied samples:\n");
      SamplesText(&out, r.shadow.allowed_to_denied_samples, true);
    }
    if (!r.shadow.denied_to_allowed_samples.empty()) {
      StrAppend(&out, "  denied -> allowed samples:\n");
      SamplesText(&out, r.shadow.denied_to_allowed_samples, true);
    }
  }
  int violated = 0, candidate_violated = 0;
  for (const ExpectationResult& e : r.expectations) {
    violated += e.violations != 0;
    candidate_violated += e.shadow_violations != 0;
  }
  if (r.expectations.empty()) {
    StrAppend(&out, "\nResult: no expectations\n");
  } else if (r.expectations_hold()) {
    StrAppend(&out, "\nResult: all ", r.expectations.size(), " expectations hold");
    if (r.shadow.enabled) StrAppend(&out, ", for the candidate too");
    StrAppend(&out, "\n");
  } else if (r.violations == 0) {
    StrAppend(&out, "\nResult: ", candidate_violated, " of ", r.expectations.size(),
              " expectations violated by the candidate ", r.shadow.name, " (",
              Grouped(r.shadow.violations), " requests); the current policies hold them all\n");
  } else {
    StrAppend(&out, "\nResult: ", violated, " of ", r.expectations.size(),
                    " expectations violated (", Grouped(r.violations), " requests)");
    if (r.shadow.enabled) {
      StrAppend(&out, "; by the candidate: ", candidate_violated, " (",
                Grouped(r.shadow.violations), " requests)");
    }
    StrAppend(&out, "\n");
  }
  return out;
}

std::string ReportToJson(const SimulationReport& r, const ReportFormatOptions& options) {
  Json j;
  j["scenario"] = r.scenario;
  j["count"] = r.count;
  j["seed"] = r.seed;
  j["threads"] = r.threads;
  j["totals"] = DecisionCounts(r.totals);
  Json layers = Json::object();
  for (Layer l : {Layer::kNone, Layer::kNetwork, Layer::kService, Layer::kIdentity}) {
    layers[std::string(LayerName(l))] = r.by_layer[static_cast<int>(l)];
  }
  j["layers"] = layers;
  Json callers = Json::array();
  for (size_t c = 0; c < r.callers.size(); ++c) {
    Json row;
    row["name"] = r.callers[c];
    row["decisions"] = DecisionCounts(r.caller_decisions[c]);
    callers.push_back(row);
  }
  j["callers"] = callers;
  Json statements = Json::array();
  for (const StatementHits& h : r.statements) {
    Json s;
    s["layer"] = std::string(LayerName(h.layer));
    s["index"] = h.index;
    s["sid"] = h.sid;
    s["effect"] = h.effect == Effect::kAllow ? "Allow" : "Deny";
    s["hits"] = h.hits;
    statements.push_back(s);
  }
  j["statements"] = statements;
  Json expectations = Json::array();
  for (const ExpectationResult& e : r.expectations) {
    Json x;
    x["index"] = e.index;
    x["name"] = e.name;
    x["expect"] = std::string(ExpectedOutcomeName(e.expect));
    x["matched"] = e.matched;
    x["decisions"] = DecisionCounts(e.by_decision);
    x["violations"] = e.violations;
    x["violationsByCaller"] = ByCallerJson(r.callers, e.violations_by_caller);
    Json samples = Json::array();
    for (const SimulationSample& s : e.samples) samples.push_back(SampleJson(s, false));
    x["samples"] = samples;
    if (r.shadow.enabled) {
      Json c;
      c["decisions"] = DecisionCounts(e.shadow_by_decision);
      c["violations"] = e.shadow_violations;
      c["violationsByCaller"] = ByCallerJson(r.callers, e.shadow_violations_by_caller);
      Json cs = Json::array();
      for (const SimulationSample& s : e.shadow_samples) cs.push_back(SampleJson(s, true));
      c["samples"] = cs;
      x["candidate"] = c;
    }
    expectations.push_back(x);
  }
  j["expectations"] = expectations;
  j["unmatched"] = r.unmatched;
  j["violations"] = r.violations;
  Json uncertain;
  uncertain["requests"] = r.uncertain.uncertain;
  uncertain["flagged"] = r.uncertain.flagged;
  uncertain["unverified"] = r.uncertain.unverified;
  Json ids = Json::object();
  for (const auto& [id, n] : r.uncertain.by_id) ids[id] = n;
  uncertain["byId"] = ids;
  j["uncertain"] = uncertain;
  if (r.shadow.enabled) {
    Json s;
    s["policy"] = r.shadow.name;
    s["totals"] = DecisionCounts(r.shadow.totals);
    s["allowedToDenied"] = r.shadow.allowed_to_denied;
    s["deniedToAllowed"] = r.shadow.denied_to_allowed;
    s["denyKindChanged"] = r.shadow.deny_kind_changed;
    s["violations"] = r.shadow.violations;
    Json a = Json::array(), b = Json::array();
    for (const SimulationSample& x : r.shadow.allowed_to_denied_samples) a.push_back(SampleJson(x, true));
    for (const SimulationSample& x : r.shadow.denied_to_allowed_samples) b.push_back(SampleJson(x, true));
    s["allowedToDeniedSamples"] = a;
    s["deniedToAllowedSamples"] = b;
    j["shadow"] = s;
  }
  if (options.include_timing) {
    Json t;
    t["wallSeconds"] = r.wall_seconds;
    t["requestsPerSecond"] = r.requests_per_second;
    j["timing"] = t;
  }
  j["result"] = r.expectations_hold() ? "pass" : "fail";
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

// ---- Replay reports --------------------------------------------------------------

namespace {

void ReplaySamplesText(std::string* out, const std::vector<ReplaySample>& samples, bool shadow) {
  for (const ReplaySample& s : samples) {
    StrAppend(out, "    ", s.source, s.source.empty() ? "" : " ", "line ", s.line, ": ",
              DecisionName(s.decision));
    if (shadow) StrAppend(out, " -> candidate ", DecisionName(s.shadow_decision));
    if (s.logged) {
      StrAppend(out, "; logged ", s.logged_denied ? "denied" : "allowed");
      if (!s.logged_reason.empty()) StrAppend(out, " (authDeniedReason ", s.logged_reason, ")");
      if (!s.logged_response.empty()) StrAppend(out, " responseCode ", s.logged_response);
    }
    StrAppend(out, "\n      ", s.request_json, "\n");
  }
}

// The uncertain records by request class (the busiest ones in text).
void ReplayClassesText(std::string* out, const ReplayReport& r) {
  constexpr size_t kListed = 20;
  if (r.log_uncertain_classes.empty()) return;
  StrAppend(out, "  uncertain by request class (caller, source vpc, method: requests; keys the "
                 "log lacks):\n");
  for (size_t i = 0; i < r.log_uncertain_classes.size() && i < kListed; ++i) {
    const ReplayUncertainClass& c = r.log_uncertain_classes[i];
    StrAppend(out, "    ", c.caller, ", ", c.source_vpc.empty() ? "-" : c.source_vpc, ", ",
              c.method, ": ", Grouped(c.requests), " (", Grouped(c.disagree), " disagree);");
    for (const auto& [key, n] : c.keys) StrAppend(out, " ", key, " (", Grouped(n), ")");
    StrAppend(out, "\n");
  }
  uint64_t more = r.log_uncertain_other;
  for (size_t i = kListed; i < r.log_uncertain_classes.size(); ++i) {
    more += r.log_uncertain_classes[i].requests;
  }
  if (more > 0) StrAppend(out, "    ... and ", Grouped(more), " in other classes\n");
}

Json ReplayClassesJson(const ReplayReport& r) {
  Json list = Json::array();
  for (const ReplayUncertainClass& c : r.log_uncertain_classes) {
    Json x;
    x["caller"] = c.caller;
    x["sourceVpc"] = c.source_vpc;
    x["method"] = c.method;
    x["requests"] = c.requests;
    x["disagree"] = c.disagree;
    Json keys = Json::object();
    for (const auto& [key, n] : c.keys) keys[key] = n;
    x["keys"] = keys;
    list.push_back(x);
  }
  return list;
}

Json ReplaySampleJson(const ReplaySample& s, bool shadow) {
  Json j;
  if (!s.source.empty()) j["source"] = s.source;
  j["line"] = s.line;
  j["decision"] = std::string(DecisionName(s.decision));
  if (shadow) j["shadowDecision"] = std::string(DecisionName(s.shadow_decision));
  j["layer"] = std::string(LayerName(s.layer));
  if (s.logged) {
    j["loggedDenied"] = s.logged_denied;
    j["authDeniedReason"] = s.logged_reason.empty() ? "-" : s.logged_reason;
    j["responseCode"] = s.logged_response;
  }
  Json request = Json::parse(s.request_json, nullptr, false);
  j["request"] = request.is_discarded() ? Json(s.request_json) : request;
  return j;
}

}  // namespace

std::string ReplayReportToText(const ReplayReport& r, bool include_timing) {
  std::string out;
  StrAppend(&out, "latticepol simulate --replay: ", r.source, "\n");
  StrAppend(&out, "  ", Grouped(r.lines), " lines: ", Grouped(r.canonical), " canonical requests (",
         Grouped(r.fallback), " via the full reader), ", Grouped(r.access_log),
         " access-log records, ", Grouped(r.malformed), " malformed, ", Grouped(r.blank), " blank\n");
  if (include_timing) {
    StrAppend(&out, absl::StrFormat("  %s bytes in %.3f s, %.1f MB/s\n", Grouped(r.bytes),
                                 r.wall_seconds, r.megabytes_per_second));
  }
  if (!r.errors.empty()) {
    StrAppend(&out, "\nMalformed lines", r.malformed > r.errors.size() ? " (first ones)" : "", "\n");
    for (const ReplayLineError& e : r.errors) {
      StrAppend(&out, "  ", e.source, e.source.empty() ? "" : " ", "line ", e.line);
      if (e.column > 0) StrAppend(&out, ":", e.column);
      StrAppend(&out, ": ", e.message, "\n");
    }
  }
  StrAppend(&out, "\nDecisions\n");
  for (DecisionKind k : kKinds) {
    const uint64_t n = r.totals[static_cast<int>(k)];
    Row(&out, {std::string(DecisionName(k)), Grouped(n), Percent(n, r.requests)}, {-14, 14, 7});
  }
  if (!r.statement_hits.empty()) {
    StrAppend(&out, "\nStatements (requests each one decided)\n");
    for (const auto& [name, hits] : r.statement_hits) Row(&out, {name, Grouped(hits)}, {-30, 12});
  }
  if (r.access_log > 0) {
    StrAppend(&out, "\nAgainst the logged verdicts (", Grouped(r.log_compared), " records)\n");
    StrAppend(&out, "  agree: ", Grouped(r.log_agree), "\n");
    StrAppend(&out, "  logged allowed, candidate denies: ", Grouped(r.log_allowed_now_denied), "\n");
    StrAppend(&out, "  logged denied, candidate allows: ", Grouped(r.log_denied_now_allowed), "\n");
    StrAppend(&out, "  uncertain (L2/L3 in docs/semantics.md: the policy tests keys logs lack): ", Grouped(r.log_uncertain),
           " (", Grouped(r.log_uncertain_disagree), " of them disagree)\n");
    StrAppend(&out, "  port inferred (L3): ", Grouped(r.port_inferred), "\n");
    ReplayClassesText(&out, r);
    if (!r.log_disagreement_samples.empty()) {
      StrAppend(&out, "  disagreements (lowest line numbers first):\n");
      ReplaySamplesText(&out, r.log_disagreement_samples, false);
    }
  }
  StrAppend(&out, "\nUncertain: fast path flagged ", Grouped(r.flagged), "; reference-checked ",
         Grouped(r.checked), ", of which ", Grouped(r.uncertain_checked), " rest on a DECISION\n");
  for (const auto& [id, n] : r.by_id) StrAppend(&out, "  ", id, ": ", Grouped(n), "\n");
  if (r.shadow_enabled) {
    StrAppend(&out, "\nShadow policy ", r.shadow_name, "\n");
    StrAppend(&out, "  allowed -> denied: ", Grouped(r.shadow_allowed_to_denied),
           "   denied -> allowed: ", Grouped(r.shadow_denied_to_allowed),
           "   deny kind changed: ", Grouped(r.shadow_deny_kind_changed), "\n");
    if (!r.shadow_allowed_to_denied_samples.empty()) {
      StrAppend(&out, "  allowed -> denied samples:\n");
      ReplaySamplesText(&out, r.shadow_allowed_to_denied_samples, true);
    }
    if (!r.shadow_denied_to_allowed_samples.empty()) {
      StrAppend(&out, "  denied -> allowed samples:\n");
      ReplaySamplesText(&out, r.shadow_denied_to_allowed_samples, true);
    }
  }
  return out;
}

std::string ReplayReportToJson(const ReplayReport& r, bool include_timing) {
  Json j;
  j["source"] = r.source;
  j["lines"] = r.lines;
  j["blank"] = r.blank;
  j["malformed"] = r.malformed;
  j["requests"] = r.requests;
  j["canonical"] = r.canonical;
  j["accessLog"] = r.access_log;
  j["fallback"] = r.fallback;
  j["bytes"] = r.bytes;
  j["stopped"] = r.stopped;
  Json errors = Json::array();
  for (const ReplayLineError& e : r.errors) {
    Json x;
    if (!e.source.empty()) x["source"] = e.source;
    x["line"] = e.line;
    x["column"] = e.column;
    x["message"] = e.message;
    errors.push_back(x);
  }
  j["errors"] = errors;
  j["totals"] = DecisionCounts(r.totals);
  Json hits = Json::array();
  for (const auto& [name, n] : r.statement_hits) {
    Json x;
    x["statement"] = name;
    x["hits"] = n;
    hits.push_back(x);
  }
  j["statements"] = hits;
  Json u;
  u["flagged"] = r.flagged;
  u["checked"] = r.checked;
  u["uncertainChecked"] = r.uncertain_checked;
  Json ids = Json::object();
  for (const auto& [id, n] : r.by_id) ids[id] = n;
  u["byId"] = ids;
  j["uncertain"] = u;
  if (r.access_log > 0) {
    Json l;
    l["compared"] = r.log_compared;
    l["agree"] = r.log_agree;
    l["loggedAllowedCandidateDenies"] = r.log_allowed_now_denied;
    l["loggedDeniedCandidateAllows"] = r.log_denied_now_allowed;
    l["uncertain"] = r.log_uncertain;
    l["uncertainDisagree"] = r.log_uncertain_disagree;
    l["portInferred"] = r.port_inferred;
    l["uncertainClasses"] = ReplayClassesJson(r);
    l["uncertainOther"] = r.log_uncertain_other;
    Json samples = Json::array();
    for (const ReplaySample& s : r.log_disagreement_samples) samples.push_back(ReplaySampleJson(s, false));
    l["samples"] = samples;
    j["loggedVerdicts"] = l;
  }
  if (r.shadow_enabled) {
    Json s;
    s["policy"] = r.shadow_name;
    s["totals"] = DecisionCounts(r.shadow_totals);
    s["allowedToDenied"] = r.shadow_allowed_to_denied;
    s["deniedToAllowed"] = r.shadow_denied_to_allowed;
    s["denyKindChanged"] = r.shadow_deny_kind_changed;
    Json a = Json::array(), b = Json::array();
    for (const ReplaySample& x : r.shadow_allowed_to_denied_samples) a.push_back(ReplaySampleJson(x, true));
    for (const ReplaySample& x : r.shadow_denied_to_allowed_samples) b.push_back(ReplaySampleJson(x, true));
    s["allowedToDeniedSamples"] = a;
    s["deniedToAllowedSamples"] = b;
    j["shadow"] = s;
  }
  if (include_timing) {
    Json t;
    t["wallSeconds"] = r.wall_seconds;
    t["megabytesPerSecond"] = r.megabytes_per_second;
    j["timing"] = t;
  }
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace latticepol
