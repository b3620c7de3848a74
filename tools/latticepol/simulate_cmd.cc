// File: tools/latticepol/simulate_cmd.cc
// Stage: CLI. `latticepol simulate`: runs a scenario's synthetic request
// stream (or replays recorded traffic with --replay) through the Lattice chain
// and prints the report. Exit codes: 0 every expectation holds (replay: the
// candidate agrees with every certain logged verdict), 3 an expectation is
// violated (replay: a certain disagreement), 4 invalid input (replay with
// --strict: a malformed line), 2 usage errors.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "html_common.h"
#include "output_file.h"
#include "latticepol/parse.h"
#include "latticepol/replay.h"
#include "latticepol/replay_identities.h"
#include "latticepol/replay_inputs.h"
#include "latticepol/report_html.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"

namespace latticepol::cli {
namespace {

struct SimulateOptions {
  bool as_submitted = false;  // --as-submitted: refuse pretty-printed policies
  std::string scenario;
  std::optional<uint64_t> count;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  std::optional<int> samples;
  std::string shadow;
  Format format = Format::kText;
  std::string output;
  bool force = false;
  bool no_progress = false;
  std::vector<std::string> replay;  // files, globs, .gz; "-" = stdin
  std::string policy;
  std::string replay_format = "auto";
  std::string identities;  // per-caller identity inputs (replay)
  bool strict = false;
  std::string emit;
};

// Draws a progress bar on stderr once the run has taken more than a second,
// and only when stderr is a terminal. Stops (and clears its line) on
// destruction.
class ProgressBar {
 public:
  ProgressBar(const std::atomic<uint64_t>* done, uint64_t total, bool enabled)
      : done_(done), total_(total) {
    if (!enabled || total == 0 || !isatty(STDERR_FILENO)) return;
    thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressBar() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
    bool drawn = false;
    while (!stop_) {
      const uint64_t done = done_->load(std::memory_order_relaxed);
      const double fraction = static_cast<double>(done) / static_cast<double>(total_);
      constexpr int kWidth = 40;
      const int filled = static_cast<int>(fraction * kWidth);
      std::string bar(filled, '#');
      bar.append(kWidth - filled, '.');
      std::fprintf(stderr, "\r[%s] %5.1f%% %llu/%llu", bar.c_str(), fraction * 100.0,
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_));
      std::fflush(stderr);
      drawn = true;
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
    }
    if (drawn) {
      std::fprintf(stderr, "\r%*s\r", 80, "");
      std::fflush(stderr);
    }
  }

  const std::atomic<uint64_t>* done_;
  uint64_t total_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Loads the scenario file, or reads it from stdin for `-` (relative policy
// paths then resolve against the current directory).
ScenarioLoadResult LoadScenario(const std::string& path) {
  if (path != "-") return LoadScenarioFile(path);
  std::string text, error;
  if (!ReadFileWithLimit(path, kMaxInputBytes, &text, &error)) {
    ScenarioLoadResult result;
    Issue issue;
    issue.code = "file-not-found";
    issue.message = error;
    result.issues.push_back(std::move(issue));
    return result;
  }
  return ParseScenario(text, SourceName(path), "");
}

// Writes the report to stdout or publishes it at --output (output_file.h:
// without --force, refusing a file that appeared during the run).
bool Emit(const SimulateOptions& opts, const std::string& text) {
  if (opts.output.empty() || opts.output == "-") {
    std::cout << text;
    std::cout.flush();
    return true;
  }
  std::string error;
  if (!PublishFile(opts.output, text, opts.force, &error)) {
    PrintError("simulate", error);
    return false;
  }
  return true;
}

// Writes the scenario's stream as canonical request JSON Lines.
ExitCode EmitRequests(const SimulateOptions& opts, const Simulation& sim) {
  OutputFile file;
  std::string error;
  std::FILE* out = stdout;
  if (opts.emit != "-") {
    if (!file.Open(opts.emit, opts.force, &error)) {
      PrintError("simulate", error);
      return ExitCode::kFailure;
    }
    out = file.file();
  }
  std::string line;
  bool ok = true;
  for (uint64_t i = 0; i < sim.count() && ok; ++i) {
    line = RequestToJson(sim.GenerateRequest(i));
    line.push_back('\n');
    ok = std::fwrite(line.data(), 1, line.size(), out) == line.size();
  }
  ok = ok && std::fflush(out) == 0;
  if (ok && opts.emit != "-") ok = file.Publish(&error);
  if (!ok) {
    PrintError("simulate", error.empty() ? "cannot write `" + opts.emit + "`" : error);
    return ExitCode::kFailure;
  }
  return ExitCode::kOk;
}

ExitCode RunReplay(const SimulateOptions& opts, const CommandContext& context) {
  ReplayOptions ro;
  if (!ParseReplayFormat(opts.replay_format, &ro.format)) {
    PrintError("simulate", "invalid --replay-format `" + opts.replay_format + "`");
    return ExitCode::kUsage;
  }
  ro.strict = opts.strict;
  ro.threads = opts.threads.value_or(0);
  ro.max_samples = opts.samples.value_or(5);
  if (opts.scenario.empty() && opts.policy.empty()) {
    PrintError("simulate", "--replay needs --policy (or a scenario to take the policies from)");
    return ExitCode::kUsage;
  }
  const bool replay_stdin =
      std::find(opts.replay.begin(), opts.replay.end(), "-") != opts.replay.end();
  if (opts.policy == "-" && replay_stdin) {
    PrintError("simulate", "only one input can be read from stdin (`-`)");
    return ExitCode::kUsage;
  }
  std::optional<Scenario> scenario;
  if (!opts.scenario.empty()) {
    ScenarioLoadResult loaded = LoadScenario(opts.scenario);
    PrintIssues(loaded.issues, SourceName(opts.scenario));
    if (!loaded.ok()) return ExitCode::kInvalidInput;
    scenario = std::move(loaded.scenario);
  }
  std::optional<PolicyDocument> policy, shadow;
  if (!opts.policy.empty()) {
    policy = LoadPolicy(opts.policy, ParseOptions(), opts.as_submitted);
    if (!policy) return ExitCode::kInvalidInput;
  }
  if (!opts.shadow.empty()) {
    shadow = LoadPolicy(opts.shadow, ParseOptions(), opts.as_submitted);
    if (!shadow) return ExitCode::kInvalidInput;
    ro.shadow_service_policy = &*shadow;
    ro.shadow_name = opts.shadow;
  }
  ChainPolicies chain;
  if (scenario) chain = ScenarioChain(*scenario);
  if (policy) chain.service_policy = &*policy;
  std::optional<ReplayIdentities> identities;
  if (!opts.identities.empty()) {
    ReplayIdentitiesResult loaded = LoadReplayIdentitiesFile(opts.identities);
    PrintIssues(loaded.issues, SourceName(opts.identities));
    if (!loaded.ok()) return ExitCode::kInvalidInput;
    identities = std::move(loaded.identities);
    ro.identities = &*identities;
  }

  absl::StatusOr<std::vector<std::string>> inputs = ExpandReplayInputs(opts.replay);
  absl::StatusOr<ReplayReport> report =
      inputs.ok() ? ReplayInputFiles(*inputs, chain, ro) : inputs.status();
  if (!report.ok()) {
    PrintError("simulate", std::string(report.status().message()));
    return ExitCode::kInvalidInput;
  }
  if (report->stopped) {
    const ReplayLineError& e = report->errors.front();
    std::cerr << (e.source.empty() ? report->source : e.source) << ":" << e.line;
    if (e.column > 0) std::cerr << ":" << e.column;
    std::cerr << ": error: " << e.message << "\n";
    return ExitCode::kInvalidInput;
  }
  for (const ReplayLineError& e : report->errors) {
    std::cerr << (e.source.empty() ? report->source : e.source) << ":" << e.line;
    if (e.column > 0) std::cerr << ":" << e.column;
    std::cerr << ": error: " << e.message << "\n";
  }
  std::string text;
  if (opts.format == Format::kHtml) {
    std::vector<NamedInput> inputs = {{"scenario", opts.scenario}, {"service policy", opts.policy},
                                      {"candidate", opts.shadow},
                                      {"identities", opts.identities}};
    for (const std::string& traffic : opts.replay) inputs.push_back({"traffic", traffic});
    if (scenario && opts.policy.empty()) {
      inputs.push_back({"service policy", scenario->service_policy_path});
    }
    if (scenario) inputs.push_back({"network policy", scenario->network_policy_path});
    text = ReplayReportToHtml(*report, MakeHtmlContext(context, inputs));
  } else {
    text = opts.format == Format::kJson ? ReplayReportToJson(*report) : ReplayReportToText(*report);
  }
  if (!Emit(opts, text)) return ExitCode::kFailure;
  // Nothing but malformed lines: the input is not what it was meant to be.
  if (report->requests == 0 && report->malformed > 0) {
    PrintError("simulate", "no valid request in `" + report->source + "` (" +
                               std::to_string(report->malformed) + " malformed lines)");
    return ExitCode::kInvalidInput;
  }
  return report->log_allowed_now_denied + report->log_denied_now_allowed > 0 ? ExitCode::kDeny
                                                                              : ExitCode::kOk;
}

// True for a name that is replay input rather than a scenario (JSON Lines,
// logs, gzip): `simulate --replay a.jsonl b.jsonl` leaves `b.jsonl` as the
// SCENARIO since --replay takes one value per occurrence.
bool LooksLikeTraffic(const std::string& path) {
  for (const char* ext : {".jsonl", ".ndjson", ".log", ".gz"}) {
    const std::string e(ext);
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

ExitCode RunSimulate(const SimulateOptions& opts, const CommandContext& context) {
  int from_stdin = 0;
  for (const std::string* input : {&opts.scenario, &opts.policy, &opts.shadow}) {
    from_stdin += *input == "-";
  }
  from_stdin += static_cast<int>(std::count(opts.replay.begin(), opts.replay.end(), "-"));
  if (from_stdin > 1) {
    PrintError("simulate", "only one input can be read from stdin (`-`)");
    return ExitCode::kUsage;
  }
  // Refuse an output that could not be published before the run starts.
  for (const std::string* target : {&opts.output, &opts.emit}) {
    std::string error;
    if (!target->empty() && *target != "-" && !CheckOutputTarget(*target, opts.force, &error)) {
      PrintError("simulate", error);
      return ExitCode::kUsage;
    }
  }
  if (!opts.replay.empty() && LooksLikeTraffic(opts.scenario)) {
    PrintError("simulate",
               "`" + opts.scenario + "` looks like replay input, not a SCENARIO: "
               "--replay takes one file or quoted glob; give each input its own --replay");
    return ExitCode::kUsage;
  }
  if (!opts.replay.empty()) return RunReplay(opts, context);
  if (opts.scenario.empty()) {
    PrintError("simulate", "give a SCENARIO file (or --replay FILE)");
    return ExitCode::kUsage;
  }
  if (!opts.policy.empty() || opts.strict || !opts.identities.empty()) {
    PrintError("simulate", "--policy, --strict and --identities only apply with --replay");
    return ExitCode::kUsage;
  }
  ScenarioLoadResult loaded = LoadScenario(opts.scenario);
  PrintIssues(loaded.issues, SourceName(opts.scenario));
  if (!loaded.ok()) return ExitCode::kInvalidInput;

  SimulationOptions so;
  so.count = opts.count;
  so.seed = opts.seed;
  so.threads = opts.threads;
  so.max_samples = opts.samples;
  so.request_classes = opts.format == Format::kHtml;
  if (!opts.shadow.empty()) {
    std::optional<PolicyDocument> shadow = LoadPolicy(opts.shadow, ParseOptions(), opts.as_submitted);
    if (!shadow) return ExitCode::kInvalidInput;
    so.shadow_service_policy = std::move(shadow);
    so.shadow_name = opts.shadow;
  }
  auto sim = Simulation::Create(loaded.scenario, so);
  if (!sim.ok()) {
    PrintError("simulate", std::string(sim.status().message()));
    return ExitCode::kInvalidInput;
  }
  // Export the stream as canonical JSON Lines (e.g. to feed --replay).
  if (!opts.emit.empty()) return EmitRequests(opts, **sim);
  std::atomic<uint64_t> progress{0};
  SimulationReport report;
  {
    ProgressBar bar(&progress, (*sim)->count(), !opts.no_progress);
    report = (*sim)->Run(&progress);
  }
  std::string text;
  if (opts.format == Format::kHtml) {
    std::vector<NamedInput> inputs = {
        {"scenario", opts.scenario},
        {"service policy", loaded.scenario.service_policy_path},
        {"network policy", loaded.scenario.network_policy_path}};
    for (const ScenarioCaller& c : loaded.scenario.callers) {
      inputs.push_back({"identity policy (" + c.name + ")", c.identity_policy_path});
    }
    inputs.push_back({"candidate", opts.shadow});
    text = SimulationReportToHtml(report, MakeHtmlContext(context, inputs));
  } else {
    text = opts.format == Format::kJson ? ReportToJson(report) : ReportToText(report);
  }
  if (!Emit(opts, text)) return ExitCode::kFailure;
  return report.expectations_hold() ? ExitCode::kOk : ExitCode::kDeny;
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app, CommandContext& context) {
  auto opts = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Simulate a scenario's traffic (or replay logs) through the Lattice chain");
  // The long description heads the command's own --help (footer).
  const std::string long_description =
      "Generate a scenario's request stream (callers, request mix, count, seed), "
      "evaluate every request through the Lattice chain with the compiled matcher "
      "and report totals, a caller x decision matrix, per-statement hits, "
      "expectation violations with sample requests, uncertain counts and "
      "throughput. With --replay, evaluate recorded traffic instead: JSON Lines of "
      "canonical requests or VPC Lattice access-log records (compared with their "
      "logged verdicts). With --shadow, the expectations are checked against the "
      "candidate too. Exit code 0 when every expectation holds, 3 when one is "
      "violated, by the scenario's policies or the candidate (replay: the candidate "
      "disagrees with a logged verdict), 4 for invalid input, 2 for usage errors.";
  cmd->footer(long_description + "\n\n" +
              "Examples:\n"
      "  latticepol simulate policies/shared-service/scenario.yaml\n"
      "  latticepol simulate policies/shared-service/scenario.yaml --count 1000000 "
      "--shadow candidate.json --format json --output report.json\n"
      "  latticepol simulate --replay access.log --policy policies/shared-service/auth-policy.json");
  cmd->add_option("scenario", opts->scenario, "Scenario file (YAML or JSON; `-` for stdin)");
  // Digits only: CLI11 would otherwise read `-1` as 2^64-1.
  cmd->add_option("--count", opts->count, "Requests to generate (overrides the scenario)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            const bool digits = !value.empty() && value.size() <= 20 &&
                                value.find_first_not_of("0123456789") == std::string::npos;
            if (!digits || std::stold(value) > static_cast<long double>(kMaxScenarioCount)) {
              return "--count must be a whole number from 0 to " +
                     std::to_string(kMaxScenarioCount);
            }
            return "";
          },
          "0.." + std::to_string(kMaxScenarioCount)));
  cmd->add_option("--seed", opts->seed, "Seed of the stream (overrides the scenario)");
  cmd->add_option("--threads", opts->threads, "Worker threads, 0 = every core")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--samples", opts->samples, "Sample requests kept per finding")
      ->check(CLI::Range(0, 10000));
  cmd->add_option("--shadow", opts->shadow,
                  "A candidate service policy evaluated on the same stream; the "
                  "expectations are checked against it too");
  AddFormatOption(cmd, &opts->format, /*allow_html=*/true);
  cmd->add_option("--output", opts->output, "Write the report to this file");
  cmd->add_flag("--force", opts->force, "Overwrite an existing --output file");
  AddAsSubmittedOption(cmd, &opts->as_submitted);
  cmd->add_flag("--no-progress", opts->no_progress, "Never draw the progress bar");
  // One value per occurrence: `--replay a --replay 'logs/*.gz'`. A second
  // bare value would otherwise swallow the SCENARIO or be read as one.
  cmd->add_option("--replay", opts->replay,
                  "Replay recorded traffic from this JSON Lines file, quoted glob or .gz "
                  "file (`-` for stdin); repeat --replay for more inputs")
      ->allow_extra_args(false);
  cmd->add_option("--policy", opts->policy,
                  "Replay: the candidate service policy (overrides the scenario's)");
  cmd->add_option("--replay-format", opts->replay_format,
                  "Replay: line format, detected per line by default")
      ->check(CLI::IsMember({"auto", "jsonl", "accesslog"}));
  cmd->add_flag("--strict", opts->strict, "Replay: stop at the first malformed line (exit 4)");
  cmd->add_option("--identities", opts->identities,
                  "Replay: per-caller identity inputs, a JSON file mapping caller principal "
                  "ARNs to an identity decision or identity policy "
                  "(docs/formats/identities.md)");
  cmd->add_option("--emit-requests", opts->emit,
                  "Write the scenario's stream as canonical request JSON Lines to this "
                  "file (`-` for stdout) instead of evaluating it");
  cmd->callback([opts, &context] { context.Exit(RunSimulate(*opts, context)); });
}

}  // namespace latticepol::cli
