// File: bindings/python/_latticepol.cc
// Stage: Python bindings. pybind11 shims over the public C++ API, in the
// spirit of re2's `_re2.cc`: they adapt types (text in, plain objects out),
// hold the parsed and compiled objects alive, and release the GIL around bulk
// work. There is no policy logic here: parsing, evaluation, explanation, case
// files, simulation and generation all happen in the library. The Pythonic API
// (exceptions, enums, keyword arguments, docstrings) is `latticepol/__init__.py`.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "latticepol/authorize.h"
#include "latticepol/cases.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/explain.h"
#include "latticepol/generate.h"
#include "latticepol/issue.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"
#include "latticepol/topology.h"

namespace py = pybind11;

namespace latticepol::python {
namespace {

// Library text may quote invalid UTF-8 from user input (an issue about exactly
// that): decode with replacement instead of raising UnicodeDecodeError.
py::str Text(const std::string& s) {
  PyObject* obj = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (obj == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(obj);
}

py::list TextList(const std::vector<std::string>& v) {
  py::list out;
  for (const std::string& s : v) out.append(Text(s));
  return out;
}

std::string TrimNewlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

py::list IssueList(const std::vector<Issue>& issues) {
  py::list out;
  for (const Issue& issue : issues) out.append(py::cast(issue));
  return out;
}

DecisionKind DecisionFromName(const std::string& name) {
  DecisionKind kind;
  if (!ParseDecisionName(name, &kind)) {
    throw py::value_error("unknown decision `" + name +
                          "`: expected ALLOW, EXPLICIT_DENY or IMPLICIT_DENY");
  }
  return kind;
}

AuthType AuthTypeFromName(const std::string& name) {
  AuthType type;
  if (!ParseAuthTypeName(name, &type)) {
    throw py::value_error("unknown auth type `" + name + "`: expected AWS_IAM or NONE");
  }
  return type;
}

// ---- Policies -----------------------------------------------------------------

// A parsed and compiled policy. Immutable after construction, so one instance
// is shared freely between Python threads (and between GIL-free batches).
struct PolicyCore {
  std::string text;
  bool strict = true;
  bool identity = false;
  PolicyDocument doc;
  std::shared_ptr<const CompiledPolicy> compiled;
  std::vector<Issue> warnings;
};
using PolicyPtr = std::shared_ptr<PolicyCore>;  // never mutated after construction

// Parses and compiles. Returns (PolicyCore or None, issues).
py::tuple ParsePolicyText(const std::string& text, bool strict, bool identity) {
  ParseOptions options;
  options.strict = strict;
  options.identity_policy = identity;
  ParseResult parsed = ParsePolicy(text, options);
  if (!parsed.ok()) return py::make_tuple(py::none(), IssueList(parsed.issues));
  auto compiled = Compile(parsed.doc);
  if (!compiled.ok()) {
    Issue issue;
    issue.code = "compile-failed";
    issue.message = "cannot compile the policy: " + std::string(compiled.status().message());
    parsed.issues.push_back(issue);
    return py::make_tuple(py::none(), IssueList(parsed.issues));
  }
  auto core = std::make_shared<PolicyCore>();
  core->text = text;
  core->strict = strict;
  core->identity = identity;
  core->doc = std::move(parsed.doc);
  core->compiled = *std::move(compiled);
  core->warnings = parsed.issues;
  return py::make_tuple(PolicyPtr(std::move(core)), IssueList(parsed.issues));
}

// ---- Requests -----------------------------------------------------------------

struct RequestCore {
  Request request;
};
using RequestPtr = std::shared_ptr<RequestCore>;  // never mutated after construction

py::tuple ParseRequestText(const std::string& text) {
  RequestParseResult parsed = ParseRequestJson(text);
  if (!parsed.ok()) return py::make_tuple(py::none(), IssueList(parsed.issues));
  auto core = std::make_shared<RequestCore>();
  core->request = std::move(parsed.request);
  return py::make_tuple(RequestPtr(std::move(core)), IssueList(parsed.issues));
}

// ---- Single-policy results --------------------------------------------------------

// One decision of the compiled path. When the fast path flags the request as
// maybe uncertain, the reference evaluator runs at once for the exact ids
// (and the agreement check); its trace is dropped to keep batches small and
// recomputed by `Explain`.
struct ResultCore {
  PolicyPtr policy;
  RequestPtr request;
  Decision fast;
  bool checked = false;              // the reference path ran
  DecisionIdMask exact_uncertain = 0;
  std::string internal_error;        // the two paths disagreed
  std::optional<Evaluation> trace;   // cached by Explain

  bool maybe_uncertain() const { return (fast.uncertain & kMaybeUncertain) != 0; }

  // Runs the reference evaluator and compares it with the compiled decision as
  // DecideRequest does. Touches no Python objects: safe without the GIL on a
  // result Python cannot see yet.
  const Evaluation& Check(Evaluation* scratch) {
    Evaluation& ref = trace ? *trace : *scratch;
    if (!trace) ref = EvaluateReference(policy->doc, request->request.view());
    checked = true;
    exact_uncertain = ref.decision.uncertain;
    internal_error.clear();
    if (ref.decision.kind != fast.kind || ref.decision.statement != fast.statement) {
      internal_error = "compiled path decided " + std::string(DecisionName(fast.kind)) +
                       " (statement " + std::to_string(fast.statement) +
                       ") but the reference path decided " +
                       std::string(DecisionName(ref.decision.kind)) + " (statement " +
                       std::to_string(ref.decision.statement) + ")";
    }
    return ref;
  }
  std::vector<std::string> Uncertain() const {
    return checked ? DecisionIdNames(exact_uncertain) : std::vector<std::string>{};
  }
  const Evaluation& Trace() {
    if (!trace) {
      trace = EvaluateReference(policy->doc, request->request.view());
      Evaluation unused;
      Check(&unused);
    }
    return *trace;
  }
  std::string Explain(int max_closest) {
    ExplainOptions options;
    options.max_closest = max_closest;
    return TrimNewlines(ExplainText(Trace(), options));
  }
  std::string ExplainJsonText(int max_closest) {
    ExplainOptions options;
    options.max_closest = max_closest;
    return ExplainJson(Trace(), options);
  }
};
using ResultPtr = std::shared_ptr<ResultCore>;

ResultPtr EvaluateOne(const PolicyPtr& policy, const RequestPtr& request) {
  auto out = std::make_shared<ResultCore>();
  out->policy = policy;
  out->request = request;
  out->fast = Evaluate(*policy->compiled, request->request.view());
  if (out->maybe_uncertain()) {
    Evaluation scratch;
    out->Check(&scratch);
  }
  return out;
}

// Evaluates a batch. The requests are collected with the GIL held; the batch
// (compiled path, plus the reference path for requests flagged as maybe
// uncertain) runs with the GIL released unless `release_gil` is false (used
// by the tests as a control).
py::list EvaluateMany(const PolicyPtr& policy, const py::list& items, bool release_gil) {
  std::vector<RequestPtr> requests;
  requests.reserve(items.size());
  for (py::handle item : items) requests.push_back(item.cast<RequestPtr>());

  std::vector<ResultPtr> results(requests.size());
  auto run = [&] {
    std::vector<RequestView> views;
    views.reserve(requests.size());
    for (const RequestPtr& r : requests) views.push_back(r->request.view());
    std::vector<Decision> decisions(views.size());
    // Same sizes by construction, so the status is always ok.
    EvaluateBatch(*policy->compiled, absl::MakeConstSpan(views), absl::MakeSpan(decisions))
        .IgnoreError();
    Evaluation scratch;
    for (size_t i = 0; i < requests.size(); ++i) {
      auto result = std::make_shared<ResultCore>();
      result->policy = policy;
      result->request = requests[i];
      result->fast = decisions[i];
      if (result->maybe_uncertain()) result->Check(&scratch);
      results[i] = std::move(result);
    }
  };
  if (release_gil) {
    py::gil_scoped_release release;
    run();
  } else {
    run();
  }
  py::list out;
  for (ResultPtr& r : results) out.append(py::cast(std::move(r)));
  return out;
}

// ---- The Lattice chain --------------------------------------------------------------

py::dict LayerDict(const LayerResult& layer) {
  py::dict d;
  d["evaluated"] = layer.evaluated;
  d["has_policy"] = layer.has_policy;
  d["assumed"] = layer.assumed;
  d["decision"] = std::string(DecisionName(layer.decision.kind));
  d["statement"] = layer.decision.statement;
  return d;
}

py::list LayerNames(const std::vector<Layer>& layers) {
  py::list out;
  for (Layer layer : layers) out.append(std::string(LayerName(layer)));
  return out;
}

// Decides with the compiled chain (per-layer results) and DecideRequest
// (exact uncertainty, explanation, agreement of both paths).
py::dict AuthorizeChain(const RequestPtr& request, const PolicyPtr& service,
                        const PolicyPtr& network, const PolicyPtr& identity,
                        const std::string& service_auth_type,
                        const std::string& network_auth_type,
                        const std::optional<std::string>& identity_decision,
                        int max_closest) {
  ChainConfig config;
  config.service_auth_type = AuthTypeFromName(service_auth_type);
  config.network_auth_type = AuthTypeFromName(network_auth_type);
  if (identity_decision) config.identity_decision = DecisionFromName(*identity_decision);

  RequestView view = request->request.view();
  CompiledChain chain;
  chain.config = config;
  if (service) chain.service_policy = service->compiled;
  if (network) chain.network_policy = network->compiled;
  if (identity) chain.identity_policy = identity->compiled;
  ChainResult fast = Authorize(chain, view);

  DecideInput input;
  input.chain = true;
  input.config = config;
  input.policy = service ? &service->doc : nullptr;
  input.network_policy = network ? &network->doc : nullptr;
  input.identity_policy = identity ? &identity->doc : nullptr;
  ExplainOptions options;
  options.max_closest = max_closest;
  auto outcome = DecideRequest(input, view, options);
  if (!outcome.ok()) throw std::runtime_error(std::string(outcome.status().message()));

  py::dict d;
  d["decision"] = std::string(DecisionName(outcome->decision));
  d["layer"] = std::string(LayerName(outcome->layer));
  d["failing_layers"] = LayerNames(outcome->failing_layers);
  d["uncertain"] = TextList(outcome->uncertain);
  d["explanation"] = Text(outcome->explanation);
  d["explanation_json"] = Text(DecideOutcomeToJson(*outcome));
  d["internal_error"] = Text(outcome->internal_error);
  d["network"] = LayerDict(fast.network);
  d["service"] = LayerDict(fast.service);
  d["identity"] = LayerDict(fast.identity);
  return d;
}

// ---- Case files -----------------------------------------------------------------------

py::dict CaseResultDict(const CaseResult& r) {
  py::dict d;
  d["name"] = Text(r.name);
  d["line"] = r.line;
  d["expected"] = std::string(DecisionName(r.expected));
  d["got"] = std::string(DecisionName(r.got));
  d["layer"] = std::string(LayerName(r.layer));
  d["chain"] = r.chain;
  d["passed"] = r.passed;
  d["skipped"] = r.skipped;
  d["skip_reason"] = Text(r.skip_reason);
  d["internal_error"] = r.internal_error;
  d["uncertain"] = TextList(r.uncertain);
  d["explanation"] = Text(r.explanation);
  return d;
}

// Parses a case file and runs it. Returns a dict: "parse_issues" (errors mean
// nothing ran), and when it ran "issues", "results", "passed", "failed",
// "skipped", "text", "text_verbose", "json".
py::dict CheckCases(const PolicyPtr& policy, const std::string& cases_text, bool strict) {
  CaseParseOptions parse_options;
  parse_options.policy_options.strict = strict;
  CaseFile file = ParseCases(cases_text, parse_options);
  py::dict d;
  d["parse_issues"] = IssueList(file.issues);
  if (!file.ok()) return d;
  CheckReport report = RunCases(file.cases, policy ? &policy->doc : nullptr);
  d["issues"] = IssueList(report.issues);
  py::list results;
  for (const CaseResult& r : report.results) results.append(CaseResultDict(r));
  d["results"] = results;
  d["passed"] = report.passed;
  d["failed"] = report.failed;
  d["skipped"] = report.skipped;
  d["ok"] = report.all_passed();
  d["text"] = Text(CheckReportToText(report, /*verbose=*/false));
  d["text_verbose"] = Text(CheckReportToText(report, /*verbose=*/true));
  d["json"] = Text(CheckReportToJson(report));
  return d;
}

// ---- Simulation ---------------------------------------------------------------------------

struct ScenarioCore {
  Scenario scenario;
};
using ScenarioPtr = std::shared_ptr<ScenarioCore>;

py::tuple WrapScenario(ScenarioLoadResult loaded) {
  if (!loaded.ok()) return py::make_tuple(py::none(), IssueList(loaded.issues));
  auto core = std::make_shared<ScenarioCore>();
  core->scenario = std::move(loaded.scenario);
  return py::make_tuple(ScenarioPtr(std::move(core)), IssueList(loaded.issues));
}

// Runs a simulation with the GIL released. Returns (text, json).
py::tuple Simulate(const ScenarioPtr& scenario, std::optional<uint64_t> count,
                   std::optional<uint64_t> seed, std::optional<int> threads,
                   std::optional<int> max_samples, const PolicyPtr& shadow,
                   const std::string& shadow_name, bool include_timing) {
  SimulationOptions options;
  options.count = count;
  options.seed = seed;
  options.threads = threads;
  options.max_samples = max_samples;
  if (shadow) {
    options.shadow_service_policy = shadow->doc;
    options.shadow_name = shadow_name;
  }
  std::string text, json;
  absl::Status status;
  {
    py::gil_scoped_release release;
    auto sim = Simulation::Create(scenario->scenario, options);
    if (!sim.ok()) {
      status = sim.status();
    } else {
      SimulationReport report = (*sim)->Run();
      ReportFormatOptions format;
      format.include_timing = include_timing;
      text = ReportToText(report, format);
      json = ReportToJson(report, format);
    }
  }
  if (!status.ok()) throw py::value_error(std::string(status.message()));
  return py::make_tuple(Text(text), Text(json));
}

// ---- Generation ------------------------------------------------------------------------------

struct TopologyCore {
  Topology topology;
};
using TopologyPtr = std::shared_ptr<TopologyCore>;

py::tuple ParseTopologyText(const std::string& text, const std::string& source_name) {
  TopologyParseResult parsed = ParseTopology(text, source_name);
  if (!parsed.ok()) return py::make_tuple(py::none(), IssueList(parsed.issues));
  auto core = std::make_shared<TopologyCore>();
  core->topology = std::move(parsed.topology);
  return py::make_tuple(TopologyPtr(std::move(core)), IssueList(parsed.issues));
}

// `read_existing(path) -> str | None` (may be None) gives the current content
// of an output file so stack files are merged rather than overwritten.
py::dict GenerateFiles(const TopologyPtr& topology, std::optional<std::string> stack_outputs,
                       const std::string& stack_outputs_source, const std::string& format,
                       const std::string& command_root, py::object read_existing) {
  GenerateOptions options;
  options.stack_outputs_json = std::move(stack_outputs);
  options.stack_outputs_source = stack_outputs_source;
  if (!ParseOutputFormatName(format, &options.format)) {
    throw py::value_error("unknown format `" + format +
                          "`: expected pulumi, cloudformation or terraform");
  }
  options.command_root = command_root;
  std::optional<py::error_already_set> callback_error;
  if (!read_existing.is_none()) {
    options.read_existing = [&](const std::string& path) -> std::optional<std::string> {
      if (callback_error) return std::nullopt;
      try {
        py::object content = read_existing(path);
        if (content.is_none()) return std::nullopt;
        return content.cast<std::string>();
      } catch (py::error_already_set& e) {
        callback_error.emplace(std::move(e));
        return std::nullopt;
      }
    };
  }
  auto result = Generate(topology->topology, options);
  if (callback_error) throw std::move(*callback_error);
  if (!result.ok()) throw std::runtime_error(std::string(result.status().message()));
  py::dict files;
  for (const auto& [path, content] : result->files) files[Text(path)] = Text(content);
  py::dict d;
  d["files"] = files;
  d["pending_commands"] = TextList(result->pending_commands);
  d["issues"] = IssueList(result->issues);
  d["issues_source"] = Text(result->issues_source);
  d["classes_checked"] = result->verification.classes_checked;
  d["failures"] = TextList(result->verification.failures);
  d["policy_json"] = Text(result->policy_json);
  d["ok"] = result->ok();
  return d;
}

}  // namespace
}  // namespace latticepol::python

PYBIND11_MODULE(_latticepol, m) {
  using namespace latticepol;          // NOLINT: module definition only
  using namespace latticepol::python;  // NOLINT
  m.doc() = "pybind11 shims over the latticepol C++ library; use the `latticepol` package";
#ifdef LATTICEPOL_VERSION
  m.attr("__version__") = LATTICEPOL_VERSION;
#endif

  py::class_<Issue>(m, "Issue", "One problem in user input, with its location.")
      .def_property_readonly("severity", [](const Issue& i) {
        return i.severity == Severity::kError ? "error" : "warning";
      }, "`error` or `warning`.")
      .def_property_readonly("code", [](const Issue& i) { return Text(i.code); },
                             "Stable kebab-case identifier, e.g. `invalid-effect`.")
      .def_property_readonly("message", [](const Issue& i) { return Text(i.message); },
                             "One lowercase line, user input in backticks.")
      .def_property_readonly("pointer", [](const Issue& i) { return Text(i.location.json_pointer); },
                             "RFC 6901 JSON pointer of the element, e.g. `/Statement/0/Effect`.")
      .def_property_readonly("line", [](const Issue& i) { return i.location.line; },
                             "1-based line, 0 when unknown.")
      .def_property_readonly("column", [](const Issue& i) { return i.location.column; },
                             "1-based column, 0 when unknown.")
      .def_property_readonly("offset", [](const Issue& i) { return i.location.offset; },
                             "Byte offset, -1 when unknown.")
      .def_property_readonly("is_error", [](const Issue& i) { return i.severity == Severity::kError; })
      .def("format", [](const Issue& i, const std::string& source) { return Text(FormatIssue(i, source)); },
           py::arg("source_name") = "",
           "`file:line:col: pointer: severity: message [code]`.")
      .def("to_dict", [](const Issue& i) {
        py::dict d;
        d["severity"] = i.severity == Severity::kError ? "error" : "warning";
        d["code"] = Text(i.code);
        d["message"] = Text(i.message);
        d["pointer"] = Text(i.location.json_pointer);
        d["line"] = i.location.line;
        d["column"] = i.location.column;
        return d;
      })
      .def("__str__", [](const Issue& i) { return Text(FormatIssue(i, "")); })
      .def("__repr__", [](const Issue& i) {
        return py::str("<Issue {}>").format(Text(FormatIssue(i, "")));
      });

  py::class_<PolicyCore, PolicyPtr>(m, "PolicyCore")
      .def_property_readonly("text", [](const PolicyCore& p) { return Text(p.text); })
      .def_property_readonly("strict", [](const PolicyCore& p) { return p.strict; })
      .def_property_readonly("identity", [](const PolicyCore& p) { return p.identity; })
      .def_property_readonly("warnings", [](const PolicyCore& p) { return IssueList(p.warnings); })
      .def_property_readonly("statement_count", [](const PolicyCore& p) { return p.doc.statements.size(); })
      .def_property_readonly("sids", [](const PolicyCore& p) {
        py::list out;
        for (const Statement& s : p.doc.statements) out.append(Text(s.sid));
        return out;
      })
      .def("canonical_json", [](const PolicyCore& p) { return Text(PolicyToJson(p.doc)); })
      .def("debug_string", [](const PolicyCore& p) { return Text(p.compiled->DebugString()); })
      .def("evaluate", &EvaluateOne)
      .def("evaluate_many", &EvaluateMany, py::arg("requests"), py::arg("release_gil") = true)
      .def(py::pickle(
          [](const PolicyCore& p) { return py::make_tuple(p.text, p.strict, p.identity); },
          [](const py::tuple& state) {
            if (state.size() != 3) throw std::runtime_error("invalid PolicyCore state");
            py::tuple parsed = ParsePolicyText(state[0].cast<std::string>(), state[1].cast<bool>(),
                                               state[2].cast<bool>());
            if (parsed[0].is_none()) throw py::value_error("pickled policy no longer parses");
            return parsed[0].cast<PolicyPtr>();
          }));

  py::class_<RequestCore, RequestPtr>(m, "RequestCore")
      .def("to_json", [](const RequestCore& r) { return Text(RequestToJson(r.request)); })
      .def_property_readonly("is_signed", [](const RequestCore& r) { return r.request.principal.has_value(); })
      .def(py::pickle(
          [](const RequestCore& r) { return py::make_tuple(RequestToJson(r.request)); },
          [](const py::tuple& state) {
            py::tuple parsed = ParseRequestText(state[0].cast<std::string>());
            if (parsed[0].is_none()) throw py::value_error("pickled request no longer parses");
            return parsed[0].cast<RequestPtr>();
          }));

  py::class_<ResultCore, ResultPtr>(m, "ResultCore")
      .def_property_readonly("decision", [](const ResultCore& r) { return std::string(DecisionName(r.fast.kind)); })
      .def_property_readonly("statement", [](const ResultCore& r) { return r.fast.statement; })
      .def_property_readonly("maybe_uncertain", &ResultCore::maybe_uncertain)
      .def_property_readonly("uncertain", [](ResultCore& r) { return TextList(r.Uncertain()); })
      .def("internal_error", [](ResultCore& r) { return Text(r.internal_error); })
      .def("explain", [](ResultCore& r, int max_closest) { return Text(r.Explain(max_closest)); },
           py::arg("max_closest") = 3)
      .def("explain_json", [](ResultCore& r, int max_closest) { return Text(r.ExplainJsonText(max_closest)); },
           py::arg("max_closest") = 3)
      .def_property_readonly("request", [](const ResultCore& r) { return r.request; });

  py::class_<ScenarioCore, ScenarioPtr>(m, "ScenarioCore")
      .def_property_readonly("count", [](const ScenarioCore& s) { return s.scenario.count; })
      .def_property_readonly("callers", [](const ScenarioCore& s) {
        py::list out;
        for (const ScenarioCaller& c : s.scenario.callers) out.append(Text(c.name));
        return out;
      });
  py::class_<TopologyCore, TopologyPtr>(m, "TopologyCore")
      .def_property_readonly("consumers", [](const TopologyCore& t) {
        py::list out;
        for (const Consumer& c : t.topology.consumers) out.append(Text(c.name));
        return out;
      });

  m.def("parse_policy", &ParsePolicyText, py::arg("text"), py::arg("strict") = true,
        py::arg("identity") = false);
  m.def("parse_request", &ParseRequestText, py::arg("text"));
  m.def("authorize", &AuthorizeChain, py::arg("request"), py::arg("service"), py::arg("network"),
        py::arg("identity"), py::arg("service_auth_type"), py::arg("network_auth_type"),
        py::arg("identity_decision"), py::arg("max_closest") = 3);
  m.def("check", &CheckCases, py::arg("policy"), py::arg("cases_text"), py::arg("strict") = true);
  m.def("parse_scenario", [](const std::string& text, const std::string& source_name,
                             const std::string& base_dir) {
    return WrapScenario(ParseScenario(text, source_name, base_dir));
  }, py::arg("text"), py::arg("source_name"), py::arg("base_dir"));
  m.def("load_scenario_file", [](const std::string& path) {
    return WrapScenario(LoadScenarioFile(path));
  }, py::arg("path"));
  m.def("simulate", &Simulate, py::arg("scenario"), py::arg("count"), py::arg("seed"),
        py::arg("threads"), py::arg("max_samples"), py::arg("shadow"), py::arg("shadow_name"),
        py::arg("include_timing"));
  m.def("parse_topology", &ParseTopologyText, py::arg("text"), py::arg("source_name"));
  m.def("generate", &GenerateFiles, py::arg("topology"), py::arg("stack_outputs"),
        py::arg("stack_outputs_source"), py::arg("format"), py::arg("command_root"),
        py::arg("read_existing"));
  m.def("decision_id_names", []() {
    std::vector<std::string> out;
    for (int i = 0; i < static_cast<int>(DecisionId::kCount); ++i) {
      out.emplace_back(DecisionIdName(static_cast<DecisionId>(i)));
    }
    return out;
  }, "Every DECISION id of the spec, in order.");
}
