// File: tools/latticepol/simulate_cmd.cc
// Stage: CLI. `latticepol simulate`: runs a scenario's synthetic request
// stream (or replays recorded traffic with --replay) through the Lattice chain
// and prints the report. Exit codes: 0 every expectation holds (replay: the
// candidate agrees with every certain logged verdict), 3 an expectation is
// violated (replay: a certain disagreement), 4 invalid input (replay with
// --strict: a malformed line), 2 usage errors.
#include <unistd.h>

#include <atomic>
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

#include "CLI/CLI.hpp"
#include "cli_common.h"
#include "latticepol/parse.h"
#include "latticepol/replay.h"
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
  std::string replay;
  std::string policy;
  std::string replay_format = "auto";
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

// Writes the report to stdout or to --output (refusing to overwrite).
bool Emit(const SimulateOptions& opts, const std::string& text) {
  if (opts.output.empty() || opts.output == "-") {
    std::cout << text;
    std::cout.flush();
    return true;
  }
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text)) {
    PrintError("simulate", "cannot write `" + opts.output + "`");
    return false;
  }
  return true;
}

ExitCode RunReplay(const SimulateOptions& opts) {
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
  if (opts.policy == "-" && opts.replay == "-") {
    PrintError("simulate", "only one input can be read from stdin (`-`)");
    return ExitCode::kUsage;
  }
  std::optional<Scenario> scenario;
  if (!opts.scenario.empty()) {
    ScenarioLoadResult loaded = LoadScenarioFile(opts.scenario);
    PrintIssues(loaded.issues, opts.scenario);
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
  if (scenario) {
    chain.config.network_auth_type = scenario->network_auth_type;
    chain.config.service_auth_type = scenario->service_auth_type;
    chain.network_policy = scenario->network_policy ? &*scenario->network_policy : nullptr;
    chain.service_policy = scenario->service_policy ? &*scenario->service_policy : nullptr;
  }
  if (policy) chain.service_policy = &*policy;

  std::FILE* file = stdin;
  if (opts.replay != "-") {
    file = std::fopen(opts.replay.c_str(), "rb");
    if (file == nullptr) {
      PrintError("simulate", "cannot read `" + opts.replay + "`");
      return ExitCode::kInvalidInput;
    }
  }
  absl::StatusOr<ReplayReport> report = ReplayFile(file, chain, ro);
  if (file != stdin) std::fclose(file);
  if (!report.ok()) {
    PrintError("simulate", std::string(report.status().message()));
    return ExitCode::kInvalidInput;
  }
  report->source = SourceName(opts.replay);
  if (report->stopped) {
    const ReplayLineError& e = report->errors.front();
    std::cerr << report->source << ":" << e.line;
    if (e.column > 0) std::cerr << ":" << e.column;
    std::cerr << ": error: " << e.message << "\n";
    return ExitCode::kInvalidInput;
  }
  for (const ReplayLineError& e : report->errors) {
    std::cerr << report->source << ":" << e.line;
    if (e.column > 0) std::cerr << ":" << e.column;
    std::cerr << ": error: " << e.message << "\n";
  }
  const std::string text = opts.format == Format::kJson ? ReplayReportToJson(*report)
                                                        : ReplayReportToText(*report);
  if (!Emit(opts, text)) return ExitCode::kFailure;
  return report->log_allowed_now_denied + report->log_denied_now_allowed > 0 ? ExitCode::kDeny
                                                                              : ExitCode::kOk;
}

ExitCode RunSimulate(const SimulateOptions& opts) {
  if (!opts.output.empty() && opts.output != "-" && !opts.force &&
      std::filesystem::exists(opts.output)) {
    PrintError("simulate", "`" + opts.output + "` exists: use --force to overwrite it");
    return ExitCode::kUsage;
  }
  if (!opts.replay.empty()) return RunReplay(opts);
  if (opts.scenario.empty()) {
    PrintError("simulate", "give a SCENARIO file (or --replay FILE)");
    return ExitCode::kUsage;
  }
  if (!opts.policy.empty() || opts.strict) {
    PrintError("simulate", "--policy and --strict only apply with --replay");
    return ExitCode::kUsage;
  }
  ScenarioLoadResult loaded = LoadScenarioFile(opts.scenario);
  PrintIssues(loaded.issues, opts.scenario);
  if (!loaded.ok()) return ExitCode::kInvalidInput;

  SimulationOptions so;
  so.count = opts.count;
  so.seed = opts.seed;
  so.threads = opts.threads;
  so.max_samples = opts.samples;
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
  if (!opts.emit.empty()) {
    // Export the stream as canonical JSON Lines (e.g. to feed --replay).
    if (opts.emit != "-" && !opts.force && std::filesystem::exists(opts.emit)) {
      PrintError("simulate", "`" + opts.emit + "` exists: use --force to overwrite it");
      return ExitCode::kUsage;
    }
    std::ofstream file;
    if (opts.emit != "-") file.open(opts.emit, std::ios::binary | std::ios::trunc);
    std::ostream& out = opts.emit == "-" ? std::cout : file;
    std::string line;
    for (uint64_t i = 0; i < (*sim)->count() && out; ++i) {
      line = RequestToJson((*sim)->GenerateRequest(i));
      line.push_back('\n');
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    out.flush();
    if (!out) {
      PrintError("simulate", "cannot write `" + opts.emit + "`");
      return ExitCode::kFailure;
    }
    return ExitCode::kOk;
  }
  std::atomic<uint64_t> progress{0};
  SimulationReport report;
  {
    ProgressBar bar(&progress, (*sim)->count(), !opts.no_progress);
    report = (*sim)->Run(&progress);
  }
  const std::string text =
      opts.format == Format::kJson ? ReportToJson(report) : ReportToText(report);
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
      "logged verdicts). Exit code 0 when every expectation holds, 3 when one is "
      "violated (replay: the candidate disagrees with a logged verdict), 4 for "
      "invalid input, 2 for usage errors.";
  cmd->footer(long_description + "\n\n" +
              "Examples:\n"
      "  latticepol simulate policies/shared-service/scenario.yaml\n"
      "  latticepol simulate policies/shared-service/scenario.yaml --count 1000000 "
      "--shadow candidate.json --format json --output report.json\n"
      "  latticepol simulate --replay access.log --policy policies/shared-service/auth-policy.json");
  cmd->add_option("scenario", opts->scenario, "Scenario file (YAML or JSON)");
  cmd->add_option("--count", opts->count, "Requests to generate (overrides the scenario)");
  cmd->add_option("--seed", opts->seed, "Seed of the stream (overrides the scenario)");
  cmd->add_option("--threads", opts->threads, "Worker threads, 0 = every core")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--samples", opts->samples, "Sample requests kept per finding")
      ->check(CLI::Range(0, 10000));
  cmd->add_option("--shadow", opts->shadow,
                  "A candidate service policy evaluated on the same stream");
  AddFormatOption(cmd, &opts->format);
  cmd->add_option("--output", opts->output, "Write the report to this file");
  cmd->add_flag("--force", opts->force, "Overwrite an existing --output file");
  AddAsSubmittedOption(cmd, &opts->as_submitted);
  cmd->add_flag("--no-progress", opts->no_progress, "Never draw the progress bar");
  cmd->add_option("--replay", opts->replay,
                  "Replay recorded traffic from this JSON Lines file (`-` for stdin)");
  cmd->add_option("--policy", opts->policy,
                  "Replay: the candidate service policy (overrides the scenario's)");
  cmd->add_option("--replay-format", opts->replay_format,
                  "Replay: line format, detected per line by default")
      ->check(CLI::IsMember({"auto", "jsonl", "accesslog"}));
  cmd->add_flag("--strict", opts->strict, "Replay: stop at the first malformed line (exit 4)");
  cmd->add_option("--emit-requests", opts->emit,
                  "Write the scenario's stream as canonical request JSON Lines to this "
                  "file (`-` for stdout) instead of evaluating it");
  cmd->callback([opts, &context] { context.Exit(RunSimulate(*opts)); });
}

}  // namespace latticepol::cli
