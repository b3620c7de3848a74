// File: src/analysis/render.cc
// Stage: analysis. Text and JSON renderings of the analysis results, shared
// by the CLI and the Python module. Requests are canonical request JSON
// (request_json.h).
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/analysis.h"
#include "latticepol/request_json.h"

namespace latticepol {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Quote(items[i]);
  return out + "]";
}

std::string RegionJson(const Region& r) {
  std::string out = "{\"description\": " + Quote(r.Describe()) + ", \"constraints\": [";
  for (size_t i = 0; i < r.constraints.size(); ++i) {
    out += (i ? ", " : "") + std::string("{\"field\": ") + Quote(r.constraints[i].field) +
           ", \"description\": " + Quote(r.constraints[i].description) + "}";
  }
  return out + "]}";
}

std::string Completeness(bool complete, const std::vector<std::string>& reasons) {
  return "\"complete\": " + std::string(complete ? "true" : "false") +
         ",\n  \"incomplete_reasons\": " + List(reasons);
}

std::string DecidedBy(const Witness& w) {
  if (w.deciding.empty()) return "";
  std::string out = " (";
  for (size_t i = 0; i < w.deciding.size(); ++i) out += (i ? "; " : "") + w.deciding[i];
  return out + ")";
}

void TextReasons(bool complete, const std::vector<std::string>& reasons, std::string* out) {
  if (complete) return;
  *out += "INCOMPLETE: the answer rests on verified witnesses but is not a proof:\n";
  for (const std::string& r : reasons) *out += "  - " + r + "\n";
}

// Regions with the same deciding statements are listed once: the one with
// the shortest description, and how many more there are (the JSON lists all).
void GroupedRegions(const std::vector<DecidedRegion>& regions, std::string* out) {
  std::vector<std::string> keys;
  std::vector<std::vector<const DecidedRegion*>> groups;
  for (const DecidedRegion& r : regions) {
    const std::string key = DecidedBy(r.witness);
    size_t i = 0;
    while (i < keys.size() && keys[i] != key) ++i;
    if (i == keys.size()) {
      keys.push_back(key);
      groups.emplace_back();
    }
    groups[i].push_back(&r);
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const DecidedRegion* best = groups[i][0];
    for (const DecidedRegion* r : groups[i]) {
      if (r->region.Describe().size() < best->region.Describe().size()) best = r;
    }
    *out += "  - " + best->region.Describe() + keys[i];
    if (groups[i].size() > 1) {
      *out += "  [+" + std::to_string(groups[i].size() - 1) + " more region" +
              (groups[i].size() == 2 ? "" : "s") + " decided alike; --format json lists them]";
    }
    *out += "\n";
  }
}

}  // namespace

std::string DiffResultToJson(const DiffResult& result) {
  std::string out = "{\n  \"equivalent\": " + std::string(result.equivalent ? "true" : "false") +
                    ",\n  " + Completeness(result.complete, result.incomplete_reasons) +
                    ",\n  \"new_access\": " + (result.has_new_access() ? "true" : "false") +
                    ",\n  \"differences\": [";
  for (size_t i = 0; i < result.differences.size(); ++i) {
    const Difference& d = result.differences[i];
    std::vector<std::string> uncertain = d.old_witness.uncertain;
    for (const std::string& u : d.new_witness.uncertain) {
      bool seen = false;
      for (const std::string& x : uncertain) seen |= x == u;
      if (!seen) uncertain.push_back(u);
    }
    out += std::string(i ? "," : "") + "\n    {\"old\": " + Quote(DecisionName(d.old_decision)) +
           ", \"new\": " + Quote(DecisionName(d.new_decision)) +
           ", \"new_access\": " + (d.new_access() ? "true" : "false") +
           ",\n     \"region\": " + RegionJson(d.region) +
           ",\n     \"old_statements\": " + List(d.old_witness.deciding) +
           ", \"new_statements\": " + List(d.new_witness.deciding) +
           ",\n     \"witness\": " + RequestToJson(d.old_witness.request);
    if (!uncertain.empty()) out += ",\n     \"uncertain\": " + List(uncertain);
    out += "}";
  }
  return out + (result.differences.empty() ? "]\n}" : "\n  ]\n}");
}

std::string DiffResultToText(const DiffResult& result) {
  std::string out;
  if (result.equivalent) {
    out += result.complete ? "EQUIVALENT: every request gets the same decision\n"
                           : "NO DIFFERENCE FOUND\n";
  } else {
    out += "DIFFERENT: " + std::to_string(result.differences.size()) + " changed region" +
           (result.differences.size() == 1 ? "" : "s") +
           (result.has_new_access() ? " (NEW ACCESS)" : "") + "\n";
  }
  TextReasons(result.complete, result.incomplete_reasons, &out);
  for (size_t i = 0; i < result.differences.size(); ++i) {
    const Difference& d = result.differences[i];
    out += "\n" + std::to_string(i + 1) + ". " + std::string(DecisionName(d.old_decision)) +
           " -> " + std::string(DecisionName(d.new_decision)) +
           (d.new_access() ? "  [new access]" : "") + "\n";
    out += "   region:  " + d.region.Describe() + "\n";
    out += "   old:     " + std::string(DecisionName(d.old_decision)) + DecidedBy(d.old_witness) + "\n";
    out += "   new:     " + std::string(DecisionName(d.new_decision)) + DecidedBy(d.new_witness) + "\n";
    out += "   witness: " + RequestToJson(d.old_witness.request) + "\n";
    if (!d.new_witness.uncertain.empty() || !d.old_witness.uncertain.empty()) {
      std::string u;
      for (const auto* w : {&d.old_witness, &d.new_witness}) {
        for (const std::string& x : w->uncertain) {
          if (u.find(x) == std::string::npos) u += (u.empty() ? "" : ", ") + x;
        }
      }
      out += "   uncertain: " + u + "\n";
    }
  }
  return out;
}

std::string ProofResultToJson(const ProofResult& result) {
  std::string out = "{\n  " + Completeness(result.complete, result.incomplete_reasons) +
                    ",\n  \"all_hold\": " + (result.all_hold() ? "true" : "false") +
                    ",\n  \"expectations\": [";
  for (size_t i = 0; i < result.expectations.size(); ++i) {
    const ExpectationProof& e = result.expectations[i];
    out += std::string(i ? "," : "") + "\n    {\"name\": " + Quote(e.name) +
           ", \"expect\": " + Quote(ExpectedOutcomeName(e.expected)) +
           ", \"holds\": " + (e.holds ? "true" : "false") + ", \"counterexample\": ";
    if (!e.counterexample) {
      out += "null}";
      continue;
    }
    const Witness& w = *e.counterexample;
    out += RequestToJson(w.request) + ",\n     \"caller\": " + Quote(e.caller) +
           ", \"decision\": " + Quote(DecisionName(w.decision)) +
           ", \"statements\": " + List(w.deciding);
    if (!w.uncertain.empty()) out += ", \"uncertain\": " + List(w.uncertain);
    out += "}";
  }
  return out + (result.expectations.empty() ? "]\n}" : "\n  ]\n}");
}

std::string ProofResultToText(const ProofResult& result) {
  std::string out;
  size_t violated = 0;
  for (const ExpectationProof& e : result.expectations) violated += e.holds ? 0 : 1;
  if (violated == 0) {
    out += (result.complete ? "PROVED: all " : "NO VIOLATION FOUND: ") +
           std::to_string(result.expectations.size()) +
           " expectations hold for every request the callers can send\n";
  } else {
    out += "VIOLATED: " + std::to_string(violated) + " of " +
           std::to_string(result.expectations.size()) + " expectations\n";
  }
  TextReasons(result.complete, result.incomplete_reasons, &out);
  for (const ExpectationProof& e : result.expectations) {
    out += std::string(e.holds ? "  holds     " : "  VIOLATED  ") + e.name + " (expect " +
           std::string(ExpectedOutcomeName(e.expected)) + ")\n";
    if (!e.counterexample) continue;
    const Witness& w = *e.counterexample;
    out += "            counterexample from caller `" + e.caller + "`: " +
           std::string(DecisionName(w.decision)) + DecidedBy(w) + "\n";
    out += "            " + RequestToJson(w.request) + "\n";
  }
  return out;
}

std::string AnalyzeResultToJson(const AnalyzeResult& result) {
  auto regions = [](const std::vector<DecidedRegion>& rs) {
    std::string out = "[";
    for (size_t i = 0; i < rs.size(); ++i) {
      out += std::string(i ? "," : "") + "\n    {\"region\": " + RegionJson(rs[i].region) +
             ", \"statements\": " + List(rs[i].witness.deciding) +
             ",\n     \"witness\": " + RequestToJson(rs[i].witness.request) + "}";
    }
    return out + (rs.empty() ? "]" : "\n  ]");
  };
  std::string out = "{\n  " + Completeness(result.complete, result.incomplete_reasons) +
                    ",\n  \"allowed\": " + regions(result.allowed) +
                    ",\n  \"explicitly_denied\": " + regions(result.explicitly_denied) +
                    ",\n  \"statements\": [";
  for (size_t i = 0; i < result.statements.size(); ++i) {
    const StatementReach& s = result.statements[i];
    out += std::string(i ? "," : "") + "\n    {\"index\": " + std::to_string(s.index) +
           ", \"sid\": " + Quote(s.sid) + ", \"effect\": " +
           Quote(s.effect == Effect::kAllow ? "Allow" : "Deny") +
           ", \"applicable\": " + (s.applicable ? "true" : "false") +
           ", \"escapes_denies\": " + (s.escapes_denies ? "true" : "false") +
           ", \"effective\": " + (s.effective ? "true" : "false") + ", \"witness\": " +
           (s.effective_witness ? RequestToJson(s.effective_witness->request)
            : s.applies_witness ? RequestToJson(*s.applies_witness)
                                : std::string("null")) +
           "}";
  }
  return out + (result.statements.empty() ? "]\n}" : "\n  ]\n}");
}

std::string AnalyzeResultToText(const AnalyzeResult& result) {
  std::string out;
  TextReasons(result.complete, result.incomplete_reasons, &out);
  out += "allowed (" + std::to_string(result.allowed.size()) + " region" +
         (result.allowed.size() == 1 ? "" : "s") + "):\n";
  if (result.allowed.empty()) out += "  nothing: every request is denied\n";
  GroupedRegions(result.allowed, &out);
  out += "explicitly denied (" + std::to_string(result.explicitly_denied.size()) + "):\n";
  if (result.explicitly_denied.empty()) out += "  none\n";
  GroupedRegions(result.explicitly_denied, &out);
  out += "statements:\n";
  for (const StatementReach& s : result.statements) {
    out += "  " + std::to_string(s.index) + (s.sid.empty() ? "" : " (" + s.sid + ")") + " " +
           (s.effect == Effect::kAllow ? "Allow" : "Deny") + ": " +
           (!s.applicable ? (result.complete ? "never applies (unsatisfiable)"
                                             : "no applying request found (analysis incomplete)")
            : s.effective ? "effective"
            : s.effect == Effect::kAllow && !s.escapes_denies
                ? "always overridden by a Deny (shadowed)"
                : "applies but never changes a decision (redundant)") +
           "\n";
  }
  return out;
}

}  // namespace latticepol
