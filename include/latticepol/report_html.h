// File: latticepol/report_html.h
// Stage: report. Renders the library's report objects as ONE self-contained
// HTML page (`--format html`): inline CSS and inline SVG only, no script, no
// external font, image or style sheet, readable without JavaScript and
// printable. The page reads the same report objects as the text and JSON
// forms and adds no semantics of its own; it only arranges what they carry:
//
//   header        the input files with their SHA-256, the command line, the
//                 latticepol version, the overall result;
//   reachability  callers x request classes, each cell coloured by decision
//                 with its request count and a mark naming the deciding
//                 statement (simulation with request classes); else callers
//                 x decisions;
//   expectations  pass/fail per expectation with its violating samples;
//   change view   what a candidate (`--shadow`) opens and closes, by region,
//                 with witnesses;
//   statements    hits per statement as an SVG bar chart, statements that
//                 decided no request marked (analyze: applies / effective).
//
// The exact-analysis pages (diff, prove, analyze) mark what is proved for
// every request, and say when the analysis was incomplete.
//
// ESCAPING. Every value that comes from input (Sids, caller names, request
// JSON, file names, the command line) is escaped for HTML text and quoted
// attributes; the output is also well-formed XML (XHTML-compatible markup),
// with invalid UTF-8 replaced by U+FFFD and control characters shown as \xNN.
//
// SIZE. The page does not grow with the request count: samples are capped at
// kHtmlMaxSamples per finding, each sample's text at kHtmlMaxSampleBytes, the
// matrix at kHtmlMaxRows x kHtmlMaxColumns (the rest summed into "other"),
// the bar chart at kHtmlMaxBars statements, the replay's uncertain request
// classes at kHtmlMaxUncertainClasses (the rest counted in one line). The
// JSON form has everything.
//
// Example:
//   latticepol::HtmlReportContext context;
//   context.command_line = "latticepol simulate scenario.yaml --format html";
//   context.inputs.push_back(*latticepol::HashInputFile("scenario", "scenario.yaml"));
//   std::string page = latticepol::SimulationReportToHtml(report, context);
#ifndef LATTICEPOL_REPORT_HTML_H_
#define LATTICEPOL_REPORT_HTML_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/analysis.h"
#include "latticepol/replay.h"
#include "latticepol/simulate.h"

namespace latticepol {

inline constexpr int kHtmlMaxSamples = 10;
inline constexpr size_t kHtmlMaxSampleBytes = 2048;
inline constexpr int kHtmlMaxRows = 40;
inline constexpr int kHtmlMaxColumns = 40;
inline constexpr int kHtmlMaxBars = 200;
inline constexpr size_t kHtmlMaxUncertainClasses = 50;

// One input file named in the page header.
struct HtmlInputFile {
  std::string role;    // e.g. "scenario", "service policy", "candidate"
  std::string path;    // as given on the command line
  std::string sha256;  // lower-case hex
  uint64_t bytes = 0;
};

struct HtmlReportContext {
  // What the page is about when the report object does not name it (diff:
  // "old.json -> new.json", prove: the scenario, analyze: the policy).
  std::string subject;
  std::string command_line;  // shown verbatim (escaped)
  std::string version;       // latticepol version
  std::vector<HtmlInputFile> inputs;
  bool include_timing = true;  // wall time and throughput (not deterministic)
};

// Hashes `bytes` (the content of `path`).
HtmlInputFile HashInput(std::string role, std::string path, std::string_view bytes);
// Reads and hashes a file; NotFound / PermissionDenied-style errors when it
// cannot be read.
absl::StatusOr<HtmlInputFile> HashInputFile(std::string role, std::string path);

// A synthetic simulation (`latticepol simulate`). Run the simulation with
// SimulationOptions::request_classes for the callers x request-class matrix.
std::string SimulationReportToHtml(const SimulationReport& report,
                                   const HtmlReportContext& context);
// A replay of recorded traffic (`latticepol simulate --replay`).
std::string ReplayReportToHtml(const ReplayReport& report, const HtmlReportContext& context);

// Exact analysis (latticepol/analysis.h): `latticepol diff` (the change view
// by region with witnesses), `prove` (expectations with "proved" marks and
// counterexamples), `analyze` (callers x regions with "proved" marks, the
// statements never effective).
std::string DiffResultToHtml(const DiffResult& result, const HtmlReportContext& context);
std::string ProofResultToHtml(const ProofResult& result, const HtmlReportContext& context);
std::string AnalyzeResultToHtml(const AnalyzeResult& result, const HtmlReportContext& context);

}  // namespace latticepol

#endif  // LATTICEPOL_REPORT_HTML_H_
