// File: bindings/python/_latticepol.cc
// Stage: Python bindings. pybind11 shims over the public C++ API, in the
// spirit of re2's `_re2.cc`: they adapt types (text in, plain objects out),
// hold the parsed and compiled objects alive, and release the GIL around bulk
// work. There is no policy logic here: parsing, evaluation, explanation, case
// files, simulation and generation all happen in the library. The Pythonic API
// (exceptions, enums, keyword arguments, docstrings) is `latticepol/__init__.py`.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "latticepol/analysis.h"
#include "latticepol/authorize.h"
#include "latticepol/cases.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/explain.h"
#include "latticepol/generate.h"
#include "latticepol/input_file.h"
#include "latticepol/issue.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "latticepol/replay.h"
#include "latticepol/replay_identities.h"
#include "latticepol/replay_inputs.h"
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

// Policies this module compiled (parse_policy, parse_identities): tests
// check that a distributed replay compiles once per worker process.
std::atomic<uint64_t> g_compiles{0};

// Parses and compiles. Returns (PolicyCore or None, issues).
py::tuple ParsePolicyText(const std::string& text, bool strict, bool identity) {
  ParseOptions options;
  options.strict = strict;
  options.identity_policy = identity;
  ParseResult parsed = ParsePolicy(text, options);
  if (!parsed.ok()) return py::make_tuple(py::none(), IssueList(parsed.issues));
  auto compiled = Compile(parsed.doc);
  g_compiles.fetch_add(1, std::memory_order_relaxed);
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

// ---- Files -----------------------------------------------------------------------

// Reads a whole input file with the library's limits and file checks.
// Returns (bytes, "", 0) or (None, message, errno): ENOENT, EACCES, EISDIR,
// EFBIG (over the limit), EINVAL (not a regular file) or EIO. Python raises
// the matching OSError.
py::tuple ReadInputFileShim(const std::string& path, size_t max_bytes) {
  absl::StatusOr<std::string> text;
  {
    py::gil_scoped_release release;
    text = ReadInputFile(path, max_bytes);
  }
  if (text.ok()) return py::make_tuple(py::bytes(*text), "", 0);
  const std::string message(text.status().message());
  int code = EIO;
  switch (text.status().code()) {
    case absl::StatusCode::kNotFound: code = ENOENT; break;
    case absl::StatusCode::kPermissionDenied: code = EACCES; break;
    case absl::StatusCode::kResourceExhausted: code = EFBIG; break;
    case absl::StatusCode::kFailedPrecondition:
      code = message.find("directory") != std::string::npos ? EISDIR : EINVAL;
      break;
    default: break;
  }
  return py::make_tuple(py::none(), Text(message), code);
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

py::list LayerNames(const LayerSet& layers) {
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
  // The Policy objects hold their compiled forms: the compiled chain is
  // filled from them rather than compiled again.
  CompiledChain compiled;
  compiled.config = config;
  if (service) compiled.service_policy = service->compiled;
  if (network) compiled.network_policy = network->compiled;
  if (identity) compiled.identity_policy = identity->compiled;
  ChainResult fast = Authorize(compiled, view);

  ChainPolicies chain;
  chain.config = config;
  chain.service_policy = service ? &service->doc : nullptr;
  chain.network_policy = network ? &network->doc : nullptr;
  chain.identity_policy = identity ? &identity->doc : nullptr;
  ExplainOptions options;
  options.max_closest = max_closest;
  auto outcome = DecideRequest(chain, view, options);
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
    throw py::value_error("unknown format `" + format + "`: expected " + OutputFormatNamesText());
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


// ---- Bulk decisions and replay ------------------------------------------------------------

// A C-contiguous byte view of any buffer-protocol object (bytes, bytearray,
// memoryview, mmap, numpy arrays), released on destruction. While it is held,
// a bytearray cannot be resized, so the bytes stay put with the GIL released.
class ByteView {
 public:
  explicit ByteView(const py::object& obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) {
      throw py::error_already_set();
    }
  }
  ~ByteView() { PyBuffer_Release(&view_); }
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;
  std::string_view bytes() const {
    return std::string_view(static_cast<const char*>(view_.buf), static_cast<size_t>(view_.len));
  }

 private:
  Py_buffer view_{};
};

// The chain of a bulk call: the policies stay alive in the PolicyPtrs.
// Per-caller identity inputs (replay_identities.h), parsed and compiled once.
struct IdentitiesCore {
  ReplayIdentities identities;
};
using IdentitiesPtr = std::shared_ptr<IdentitiesCore>;

// Returns (IdentitiesCore or None, issues).
py::tuple ParseIdentitiesText(const std::string& text, const std::string& base_dir) {
  ReplayIdentitiesResult parsed = ParseReplayIdentities(text, base_dir);
  auto count = [](const CallerIdentityInput& input) {
    if (input.compiled) g_compiles.fetch_add(1, std::memory_order_relaxed);
  };
  for (const auto& [principal, input] : parsed.identities.callers) count(input);
  if (parsed.identities.default_input) count(*parsed.identities.default_input);
  if (!parsed.ok()) return py::make_tuple(py::none(), IssueList(parsed.issues));
  auto core = std::make_shared<IdentitiesCore>();
  core->identities = std::move(parsed.identities);
  return py::make_tuple(IdentitiesPtr(std::move(core)), IssueList(parsed.issues));
}

struct ChainArgs {
  PolicyPtr service, network, identity;
  std::string service_auth_type = "AWS_IAM", network_auth_type = "NONE";
  std::optional<std::string> identity_decision;
  IdentitiesPtr identities;
  PolicyPtr candidate;  // replay only (ReplayArgs::candidate)

  // The policies' compiled forms: Replay compiles nothing again.
  ReplayOptions::Precompiled Precompiled() const {
    ReplayOptions::Precompiled p;
    if (network) p.network = network->compiled;
    if (service) p.service = service->compiled;
    if (identity) p.identity = identity->compiled;
    if (candidate) p.shadow = candidate->compiled;
    return p;
  }

  ChainPolicies Chain() const {
    ChainPolicies chain;
    chain.config.service_auth_type = AuthTypeFromName(service_auth_type);
    chain.config.network_auth_type = AuthTypeFromName(network_auth_type);
    if (identity_decision) chain.config.identity_decision = DecisionFromName(*identity_decision);
    chain.service_policy = service ? &service->doc : nullptr;
    chain.network_policy = network ? &network->doc : nullptr;
    chain.identity_policy = identity ? &identity->doc : nullptr;
    return chain;
  }
};

ReplayFormat FormatFromName(const std::string& name) {
  ReplayFormat format;
  if (!ParseReplayFormat(name, &format)) {
    throw py::value_error("unknown format `" + name + "`: expected auto, jsonl or accesslog");
  }
  return format;
}

// One uint8 per non-blank line (ReplayOptions::line_decisions without the
// blank marks), returned as a bytearray for numpy.frombuffer.
py::object DecideLines(const py::object& data, const ChainArgs& args, const std::string& format,
                       int threads) {
  ReplayOptions options;
  options.format = FormatFromName(format);
  options.threads = threads;
  options.max_samples = 0;
  options.max_errors = 0;
  const ChainPolicies chain = args.Chain();
  const ReplayOptions::Precompiled precompiled = args.Precompiled();
  options.precompiled = &precompiled;
  if (args.identities) options.identities = &args.identities->identities;
  std::vector<uint8_t> marks;
  options.line_decisions = &marks;
  ByteView view(data);
  absl::Status status;
  size_t kept = 0;
  {
    py::gil_scoped_release release;
    absl::StatusOr<ReplayReport> report = ReplayText(view.bytes(), chain, options);
    status = report.status();
    for (uint8_t m : marks) {
      if (m != kReplayBlankLine) marks[kept++] = m;
    }
  }
  if (!status.ok()) throw py::value_error(std::string(status.message()));
  PyObject* out = PyByteArray_FromStringAndSize(reinterpret_cast<const char*>(marks.data()),
                                                static_cast<Py_ssize_t>(kept));
  if (out == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(out);
}

struct ReplayArgs {
  ChainArgs chain;
  PolicyPtr candidate;
  std::string candidate_name = "candidate";
  std::string format = "auto";
  bool strict = false;
  int threads = 1;
  int max_samples = 5;
  int max_errors = 20;
  uint64_t first_line = 0;
  IdentitiesPtr identities;

  // `precompiled` must outlive the options.
  ReplayOptions Options(ReplayOptions::Precompiled* precompiled = nullptr) const {
    ReplayOptions options;
    if (precompiled != nullptr) {
      ChainArgs with_candidate = chain;
      with_candidate.candidate = candidate;
      *precompiled = with_candidate.Precompiled();
      options.precompiled = precompiled;
    }
    if (identities) options.identities = &identities->identities;
    options.format = FormatFromName(format);
    options.strict = strict;
    options.threads = threads;
    options.max_samples = max_samples;
    options.max_errors = max_errors;
    options.first_line = first_line;
    if (candidate) {
      options.shadow_service_policy = &candidate->doc;
      options.shadow_name = candidate_name;
    }
    return options;
  }
};

struct ReplayCore {
  ReplayReport report;
};
using ReplayPtr = std::shared_ptr<ReplayCore>;

ReplayPtr WrapReport(absl::StatusOr<ReplayReport> report) {
  if (!report.ok()) {
    const absl::StatusCode code = report.status().code();
    const std::string message(report.status().message());
    // Bad options, policies or patterns; everything else is an input file
    // problem (OSError in Python).
    if (code == absl::StatusCode::kInvalidArgument) throw py::value_error(message);
    throw std::runtime_error(message);
  }
  auto core = std::make_shared<ReplayCore>();
  core->report = *std::move(report);
  return core;
}

ReplayPtr ReplayBuffer(const py::object& data, const ReplayArgs& args, const std::string& source) {
  const ChainPolicies chain = args.chain.Chain();
  ReplayOptions::Precompiled precompiled;
  const ReplayOptions options = args.Options(&precompiled);
  ByteView view(data);
  absl::StatusOr<ReplayReport> report;
  {
    py::gil_scoped_release release;
    report = ReplayText(view.bytes(), chain, options);
  }
  if (report.ok()) report->source = source;
  return WrapReport(std::move(report));
}

ReplayPtr ReplayFiles(const std::vector<std::string>& paths, const ReplayArgs& args) {
  const ChainPolicies chain = args.chain.Chain();
  ReplayOptions::Precompiled precompiled;
  const ReplayOptions options = args.Options(&precompiled);
  absl::StatusOr<ReplayReport> report;
  {
    py::gil_scoped_release release;
    absl::StatusOr<std::vector<std::string>> expanded = ExpandReplayInputs(paths);
    report = expanded.ok() ? ReplayInputFiles(*expanded, chain, options)
                           : absl::StatusOr<ReplayReport>(expanded.status());
  }
  return WrapReport(std::move(report));
}

ReplayPtr MergeReports(const std::vector<ReplayPtr>& parts, const ReplayArgs& args,
                       double wall_seconds) {
  std::vector<ReplayReport> reports;
  reports.reserve(parts.size());
  for (const ReplayPtr& p : parts) reports.push_back(p->report);
  auto core = std::make_shared<ReplayCore>();
  core->report = MergeReplayReports(std::move(reports), args.Options());
  if (wall_seconds > 0) {
    core->report.wall_seconds = wall_seconds;
    core->report.megabytes_per_second =
        static_cast<double>(core->report.bytes) / 1e6 / wall_seconds;
  }
  return core;
}

// Pickle state of a report: plain tuples, so partial reports travel between
// Dask worker processes and the client with any pickle protocol.
py::tuple SampleState(const ReplaySample& s) {
  return py::make_tuple(s.line, py::bytes(s.source), static_cast<int>(s.decision),
                        static_cast<int>(s.shadow_decision), static_cast<int>(s.layer), s.logged,
                        s.logged_denied, py::bytes(s.logged_reason), py::bytes(s.logged_response),
                        s.uncertain, py::bytes(s.request_json));
}

ReplaySample SampleFromState(const py::tuple& t) {
  ReplaySample s;
  s.line = t[0].cast<uint64_t>();
  s.source = t[1].cast<std::string>();
  s.decision = static_cast<DecisionKind>(t[2].cast<int>());
  s.shadow_decision = static_cast<DecisionKind>(t[3].cast<int>());
  s.layer = static_cast<Layer>(t[4].cast<int>());
  s.logged = t[5].cast<bool>();
  s.logged_denied = t[6].cast<bool>();
  s.logged_reason = t[7].cast<std::string>();
  s.logged_response = t[8].cast<std::string>();
  s.uncertain = t[9].cast<bool>();
  s.request_json = t[10].cast<std::string>();
  return s;
}

py::tuple SamplesState(const std::vector<ReplaySample>& v) {
  py::list out;
  for (const ReplaySample& s : v) out.append(SampleState(s));
  return py::tuple(out);
}

std::vector<ReplaySample> SamplesFromState(const py::tuple& t) {
  std::vector<ReplaySample> out;
  for (py::handle h : t) out.push_back(SampleFromState(h.cast<py::tuple>()));
  return out;
}

py::tuple ReportState(const ReplayReport& r) {
  py::list errors;
  for (const ReplayLineError& e : r.errors) {
    errors.append(py::make_tuple(e.line, py::bytes(e.source), e.column, py::bytes(e.message)));
  }
  py::list hits;
  for (const auto& [name, n] : r.statement_hits) hits.append(py::make_tuple(py::bytes(name), n));
  py::list ids;
  for (const auto& [id, n] : r.by_id) ids.append(py::make_tuple(id, n));
  std::vector<uint64_t> counts = {
      r.lines, r.blank, r.malformed, r.requests, r.canonical, r.access_log, r.fallback, r.bytes,
      r.flagged, r.checked, r.uncertain_checked, r.log_compared, r.log_agree,
      r.log_allowed_now_denied, r.log_denied_now_allowed, r.log_uncertain,
      r.log_uncertain_disagree, r.port_inferred, r.shadow_allowed_to_denied,
      r.shadow_denied_to_allowed, r.shadow_deny_kind_changed};
  for (uint64_t x : r.totals) counts.push_back(x);
  for (uint64_t x : r.by_layer) counts.push_back(x);
  for (uint64_t x : r.shadow_totals) counts.push_back(x);
  counts.push_back(r.log_uncertain_other);
  py::list classes;
  for (const ReplayUncertainClass& c : r.log_uncertain_classes) {
    py::list keys;
    for (const auto& [key, n] : c.keys) keys.append(py::make_tuple(py::bytes(key), n));
    classes.append(py::make_tuple(py::bytes(c.caller), py::bytes(c.source_vpc),
                                  py::bytes(c.method), c.requests, c.disagree, py::tuple(keys)));
  }
  return py::make_tuple(3, py::bytes(r.source), counts, r.stopped, r.shadow_enabled,
                        py::bytes(r.shadow_name), py::tuple(errors), py::tuple(hits),
                        py::tuple(ids), SamplesState(r.log_disagreement_samples),
                        SamplesState(r.shadow_allowed_to_denied_samples),
                        SamplesState(r.shadow_denied_to_allowed_samples), r.wall_seconds,
                        py::tuple(classes));
}

ReplayPtr ReportFromState(const py::tuple& t) {
  if (t.size() != 14 || t[0].cast<int>() != 3) throw py::value_error("invalid replay report state");
  auto core = std::make_shared<ReplayCore>();
  ReplayReport& r = core->report;
  r.source = t[1].cast<std::string>();
  std::vector<uint64_t> c = t[2].cast<std::vector<uint64_t>>();
  if (c.size() != 32) throw py::value_error("invalid replay report state");
  uint64_t* fields[] = {&r.lines, &r.blank, &r.malformed, &r.requests, &r.canonical,
                        &r.access_log, &r.fallback, &r.bytes, &r.flagged, &r.checked,
                        &r.uncertain_checked, &r.log_compared, &r.log_agree,
                        &r.log_allowed_now_denied, &r.log_denied_now_allowed, &r.log_uncertain,
                        &r.log_uncertain_disagree, &r.port_inferred, &r.shadow_allowed_to_denied,
                        &r.shadow_denied_to_allowed, &r.shadow_deny_kind_changed};
  size_t i = 0;
  for (uint64_t* f : fields) *f = c[i++];
  for (uint64_t& x : r.totals) x = c[i++];
  for (uint64_t& x : r.by_layer) x = c[i++];
  for (uint64_t& x : r.shadow_totals) x = c[i++];
  r.log_uncertain_other = c[i++];
  for (py::handle h : t[13].cast<py::tuple>()) {
    py::tuple e = h.cast<py::tuple>();
    ReplayUncertainClass u;
    u.caller = e[0].cast<std::string>();
    u.source_vpc = e[1].cast<std::string>();
    u.method = e[2].cast<std::string>();
    u.requests = e[3].cast<uint64_t>();
    u.disagree = e[4].cast<uint64_t>();
    for (py::handle k : e[5].cast<py::tuple>()) {
      py::tuple kv = k.cast<py::tuple>();
      u.keys[kv[0].cast<std::string>()] = kv[1].cast<uint64_t>();
    }
    r.log_uncertain_classes.push_back(std::move(u));
  }
  r.stopped = t[3].cast<bool>();
  r.shadow_enabled = t[4].cast<bool>();
  r.shadow_name = t[5].cast<std::string>();
  for (py::handle h : t[6].cast<py::tuple>()) {
    py::tuple e = h.cast<py::tuple>();
    r.errors.push_back(ReplayLineError{e[0].cast<uint64_t>(), e[2].cast<int>(),
                                       e[3].cast<std::string>(), e[1].cast<std::string>()});
  }
  for (py::handle h : t[7].cast<py::tuple>()) {
    py::tuple e = h.cast<py::tuple>();
    r.statement_hits.emplace_back(e[0].cast<std::string>(), e[1].cast<uint64_t>());
  }
  for (py::handle h : t[8].cast<py::tuple>()) {
    py::tuple e = h.cast<py::tuple>();
    r.by_id[e[0].cast<std::string>()] = e[1].cast<uint64_t>();
  }
  r.log_disagreement_samples = SamplesFromState(t[9].cast<py::tuple>());
  r.shadow_allowed_to_denied_samples = SamplesFromState(t[10].cast<py::tuple>());
  r.shadow_denied_to_allowed_samples = SamplesFromState(t[11].cast<py::tuple>());
  r.wall_seconds = t[12].cast<double>();
  r.megabytes_per_second =
      r.wall_seconds > 0 ? static_cast<double>(r.bytes) / 1e6 / r.wall_seconds : 0;
  return core;
}

// ---- Exact analysis (analysis.h): JSON text, parsed by the Python layer ----

AnalysisOptions MakeAnalysisOptions(const PolicyPtr& network, const std::string& service_auth,
                                    const std::string& network_auth,
                                    const std::string& identity_decision,
                                    const std::string& callers, const std::string& service_arn) {
  AnalysisOptions o;
  if (network) {
    o.network_policy = &network->doc;
    o.config.network_auth_type = AuthType::kAwsIam;
  }
  if (!service_auth.empty()) o.config.service_auth_type = AuthTypeFromName(service_auth);
  if (!network_auth.empty()) o.config.network_auth_type = AuthTypeFromName(network_auth);
  if (!identity_decision.empty()) o.config.identity_decision = DecisionFromName(identity_decision);
  if (callers != "any" && callers != "anonymous" && callers != "signed") {
    throw py::value_error("callers must be `any`, `anonymous` or `signed`");
  }
  o.include_anonymous = callers != "signed";
  o.include_signed = callers != "anonymous";
  if (!service_arn.empty()) o.context.service_arn = service_arn;
  return o;
}

template <typename T>
std::string AnalysisJson(const absl::StatusOr<T>& result, std::string (*render)(const T&)) {
  if (!result.ok()) throw std::runtime_error(std::string(result.status().message()));
  return render(*result);
}

std::string DiffJson(const PolicyPtr& old_policy, const PolicyPtr& new_policy,
                     const AnalysisOptions& options) {
  absl::StatusOr<DiffResult> result;
  {
    py::gil_scoped_release release;
    result = DiffPolicies(old_policy->doc, new_policy->doc, options);
  }
  return AnalysisJson(result, &DiffResultToJson);
}

std::string AnalyzeJson(const PolicyPtr& policy, const AnalysisOptions& options) {
  absl::StatusOr<AnalyzeResult> result;
  {
    py::gil_scoped_release release;
    result = AnalyzePolicy(policy->doc, options);
  }
  return AnalysisJson(result, &AnalyzeResultToJson);
}

std::string WouldPassJson(const PolicyPtr& policy, const RequestPtr& request,
                          const AnalysisOptions& options) {
  absl::StatusOr<WouldPassResult> result;
  {
    py::gil_scoped_release release;
    result = WouldPassWith(&policy->doc, request->request, options);
  }
  return AnalysisJson(result, &WouldPassToJson);
}

std::string ProveJson(const ScenarioPtr& scenario, const PolicyPtr& candidate) {
  absl::StatusOr<ProofResult> result;
  {
    py::gil_scoped_release release;
    result = ProveScenario(scenario->scenario, candidate ? &candidate->doc : nullptr);
  }
  return AnalysisJson(result, &ProofResultToJson);
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
        return std::string(SeverityName(i.severity));
      }, "`error`, `security`, `warning` or `suggestion`.")
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
        d["severity"] = std::string(SeverityName(i.severity));
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
      // __reduce__ rather than py::pickle: pickle protocols 0 and 1 would
      // otherwise allocate the object through copyreg, which pybind11 refuses.
      // The restoring function is a plain Python one (pybind11 functions do
      // not pickle by reference).
      .def("__reduce__", [](const PolicyCore& p) {
        return py::make_tuple(py::module_::import("latticepol").attr("_restore_policy_core"),
                              py::make_tuple(py::bytes(p.text), p.strict, p.identity));
      });

  py::class_<RequestCore, RequestPtr>(m, "RequestCore")
      .def("to_json", [](const RequestCore& r) { return Text(RequestToJson(r.request)); })
      .def_property_readonly("is_signed", [](const RequestCore& r) { return r.request.principal.has_value(); })
      .def("__reduce__", [](const RequestCore& r) {
        return py::make_tuple(py::module_::import("latticepol").attr("_restore_request_core"),
                              py::make_tuple(py::bytes(RequestToJson(r.request))));
      });

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
  m.def("_restore_policy", [](const std::string& text, bool strict, bool identity) {
    py::tuple parsed = ParsePolicyText(text, strict, identity);
    if (parsed[0].is_none()) throw py::value_error("pickled policy no longer parses");
    return parsed[0].cast<PolicyPtr>();
  });
  m.def("_restore_request", [](const std::string& text) {
    py::tuple parsed = ParseRequestText(text);
    if (parsed[0].is_none()) throw py::value_error("pickled request no longer parses");
    return parsed[0].cast<RequestPtr>();
  });
  m.def("read_input_file", &ReadInputFileShim, py::arg("path"), py::arg("max_bytes"));
  m.attr("MAX_POLICY_BYTES") = kMaxPolicyFileBytes;
  m.attr("MAX_INPUT_BYTES") = kMaxInputFileBytes;
  m.attr("REPLAY_GROUP_LINES") = kReplayGroupLines;
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
  py::class_<ChainArgs>(m, "ChainArgs")
      .def(py::init<>())
      .def_readwrite("service", &ChainArgs::service)
      .def_readwrite("network", &ChainArgs::network)
      .def_readwrite("identity", &ChainArgs::identity)
      .def_readwrite("service_auth_type", &ChainArgs::service_auth_type)
      .def_readwrite("network_auth_type", &ChainArgs::network_auth_type)
      .def_readwrite("identity_decision", &ChainArgs::identity_decision)
      .def_readwrite("identities", &ChainArgs::identities);
  py::class_<IdentitiesCore, IdentitiesPtr>(m, "IdentitiesCore")
      .def("to_json", [](const IdentitiesCore& i) { return Text(ReplayIdentitiesToJson(i.identities)); })
      .def_property_readonly("callers", [](const IdentitiesCore& i) {
        py::list out;
        for (const auto& [principal, input] : i.identities.callers) out.append(Text(principal));
        return out;
      })
      .def_property_readonly("has_default", [](const IdentitiesCore& i) {
        return i.identities.default_input.has_value();
      });
  m.def("parse_identities", &ParseIdentitiesText, py::arg("text"), py::arg("base_dir"));
  m.def("compile_count", []() {
    return g_compiles.load(std::memory_order_relaxed) + ReplayCompileCount();
  }, "Policies compiled in this process: by this module (parse_policy, parse_identities) "
     "and by the native replay.");
  py::class_<ReplayArgs>(m, "ReplayArgs")
      .def(py::init<>())
      .def_readwrite("chain", &ReplayArgs::chain)
      .def_readwrite("candidate", &ReplayArgs::candidate)
      .def_readwrite("candidate_name", &ReplayArgs::candidate_name)
      .def_readwrite("format", &ReplayArgs::format)
      .def_readwrite("strict", &ReplayArgs::strict)
      .def_readwrite("threads", &ReplayArgs::threads)
      .def_readwrite("max_samples", &ReplayArgs::max_samples)
      .def_readwrite("max_errors", &ReplayArgs::max_errors)
      .def_readwrite("first_line", &ReplayArgs::first_line)
      .def_readwrite("identities", &ReplayArgs::identities);
  py::class_<ReplayCore, ReplayPtr>(m, "ReplayCore")
      .def("to_json", [](const ReplayCore& r, bool timing) {
        return Text(ReplayReportToJson(r.report, timing));
      }, py::arg("include_timing") = true)
      .def("to_text", [](const ReplayCore& r, bool timing) {
        return Text(ReplayReportToText(r.report, timing));
      }, py::arg("include_timing") = true)
      .def_property_readonly("lines", [](const ReplayCore& r) { return r.report.lines; })
      .def_property_readonly("stopped", [](const ReplayCore& r) { return r.report.stopped; })
      .def_property_readonly("disagreements", [](const ReplayCore& r) {
        return r.report.log_allowed_now_denied + r.report.log_denied_now_allowed;
      })
      .def("errors", [](const ReplayCore& r) {
        py::list out;
        for (const ReplayLineError& e : r.report.errors) {
          out.append(py::make_tuple(Text(e.source), e.line, e.column, Text(e.message)));
        }
        return out;
      })
      .def("__reduce__", [](const ReplayCore& r) {
        return py::make_tuple(py::module_::import("latticepol").attr("_restore_replay_core"),
                              py::make_tuple(ReportState(r.report)));
      });
  m.def("_restore_replay", &ReportFromState);
  m.def("decide_lines", &DecideLines, py::arg("data"), py::arg("chain"), py::arg("format"),
        py::arg("threads"));
  m.def("count_lines", [](const py::object& data) {
    ByteView view(data);
    py::gil_scoped_release release;
    return CountReplayLines(view.bytes());
  }, py::arg("data"));
  m.def("replay_buffer", &ReplayBuffer, py::arg("data"), py::arg("args"), py::arg("source"));
  m.def("replay_files", &ReplayFiles, py::arg("paths"), py::arg("args"));
  m.def("merge_replay_reports", &MergeReports, py::arg("parts"), py::arg("args"),
        py::arg("wall_seconds"));
  m.def("diff", [](const PolicyPtr& old_policy, const PolicyPtr& new_policy, const PolicyPtr& network,
                   const std::string& service_auth, const std::string& network_auth,
                   const std::string& identity_decision, const std::string& callers,
                   const std::string& service_arn) {
    return DiffJson(old_policy, new_policy,
                    MakeAnalysisOptions(network, service_auth, network_auth, identity_decision,
                                        callers, service_arn));
  }, py::arg("old"), py::arg("new"), py::arg("network"), py::arg("service_auth_type"),
        py::arg("network_auth_type"), py::arg("identity_decision"), py::arg("callers"),
        py::arg("service_arn"));
  m.def("analyze", [](const PolicyPtr& policy, const PolicyPtr& network,
                      const std::string& service_auth, const std::string& network_auth,
                      const std::string& identity_decision, const std::string& callers,
                      const std::string& service_arn) {
    return AnalyzeJson(policy, MakeAnalysisOptions(network, service_auth, network_auth,
                                                   identity_decision, callers, service_arn));
  }, py::arg("policy"), py::arg("network"), py::arg("service_auth_type"),
        py::arg("network_auth_type"), py::arg("identity_decision"), py::arg("callers"),
        py::arg("service_arn"));
  m.def("would_pass", [](const PolicyPtr& policy, const RequestPtr& request, const PolicyPtr& network,
                         const std::string& service_auth, const std::string& network_auth,
                         const std::string& identity_decision) {
    return WouldPassJson(policy, request,
                         MakeAnalysisOptions(network, service_auth, network_auth, identity_decision,
                                             "any", ""));
  }, py::arg("policy"), py::arg("request"), py::arg("network"), py::arg("service_auth_type"),
        py::arg("network_auth_type"), py::arg("identity_decision"));
  m.def("prove", &ProveJson, py::arg("scenario"), py::arg("candidate"));
  m.def("decision_id_names", []() {
    std::vector<std::string> out;
    for (int i = 0; i < static_cast<int>(DecisionId::kCount); ++i) {
      out.emplace_back(DecisionIdName(static_cast<DecisionId>(i)));
    }
    return out;
  }, "Every DECISION id (docs/semantics.md §8), in order.");
}
