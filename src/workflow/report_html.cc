// File: src/workflow/report_html.cc
// Stage: report. The self-contained HTML form of the simulation and replay
// reports (see latticepol/report_html.h). Each report kind is one small
// function over its report object; the pieces (page frame, decision bar,
// matrix, statement chart, sample list) are shared. Every string that comes
// from input goes through Escape(); the markup is XHTML-compatible.
#include "latticepol/report_html.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "latticepol/authorize.h"
#include "latticepol/decision.h"
#include "latticepol/request_json.h"
#include "internal/strings.h"
#include "workflow/internal/html.h"
#include "workflow/internal/reachability.h"
#include "workflow/internal/sha256.h"

namespace latticepol {
namespace {

using internal::StrAppend;
using internal::StrCat;
using internal::Compact;
using internal::Escape;
using internal::Grouped;

constexpr DecisionKind kKinds[] = {DecisionKind::kAllow, DecisionKind::kExplicitDeny,
                                   DecisionKind::kImplicitDeny};
// CSS class of each DecisionKind.
constexpr const char* kKindClass[] = {"al", "ed", "id"};

constexpr char kCss[] = R"css(
:root{--al:#1a7f37;--al-bg:#d3f5dc;--ed:#c4222e;--ed-bg:#ffe0dd;--id:#57606a;--id-bg:#e7ebef;
--ink:#1f2328;--mute:#5d6670;--line:#d8dee4;--head:#0f2236;--accent:#2f6fb3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--ink);background:#f3f5f8}
header.top{background:var(--head);color:#e8eef5;padding:22px 28px 18px}
.wrap{max-width:1180px;margin:0 auto}
main.wrap{padding:0 28px 40px}
.brand{font-size:11px;letter-spacing:.14em;text-transform:uppercase;color:#8fb6dc;font-weight:600}
h1{font-size:23px;margin:2px 0 12px;font-weight:650;word-break:break-all}
.verdict{display:inline-block;padding:5px 14px;border-radius:999px;font-weight:650;font-size:14px}
.verdict.pass{background:var(--al-bg);color:var(--al)}.verdict.fail{background:var(--ed-bg);color:var(--ed)}
.verdict.neutral{background:#dfe7f1;color:#24466b}
dl.facts{display:flex;flex-wrap:wrap;gap:6px 30px;margin:14px 0 8px}
dl.facts div{min-width:70px}dl.facts dt{font-size:11px;color:#8fb6dc;text-transform:uppercase;letter-spacing:.06em}
dl.facts dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
table.inputs{margin-top:8px;font-size:12.5px;color:#cfdae6}
table.inputs td{border:0;padding:1px 14px 1px 0}
table.inputs td.role{color:#8fb6dc}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,monospace}
.cmd{margin:8px 0 0;font-size:12.5px;color:#cfdae6;word-break:break-all}
nav{margin:14px 0 0;font-size:13px}nav a{color:#9cc3ea;margin-right:16px;text-decoration:none}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:22px 0;box-shadow:0 1px 2px rgba(15,34,54,.05)}
h2{font-size:17px;margin:0 0 2px}h3{font-size:14px;margin:16px 0 4px}
p.note{color:var(--mute);margin:0 0 12px;font-size:13px}
table{border-collapse:collapse}
th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:11.5px;color:var(--mute);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
table.matrix th.col{text-transform:none;letter-spacing:0;font-weight:500;font-size:12px;color:var(--ink);vertical-align:bottom;min-width:78px;max-width:150px}
table.matrix th.col .k{display:block;color:var(--mute);font-size:10.5px}
table.matrix th.col .v{display:block;font-family:ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:break-word}
table.matrix th.row{text-transform:none;letter-spacing:0;font-size:13px;color:var(--ink);font-weight:600;max-width:230px;overflow-wrap:anywhere}
table.matrix td.c{text-align:center;border:3px solid #fff;border-radius:6px;font-variant-numeric:tabular-nums;font-weight:600;min-width:70px;padding:7px 6px}
td.c.al{background:var(--al-bg);color:var(--al)}td.c.ed{background:var(--ed-bg);color:var(--ed)}
td.c.id{background:var(--id-bg);color:var(--id)}td.c.none{background:#fafbfc;color:#b8c0c8;font-weight:400}
td.c.mixed{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,0) 0 5px,rgba(255,255,255,.65) 5px 9px)}
td.c small{display:block;font-weight:500;font-size:10.5px;opacity:.85}
.st{font-size:10px;font-weight:700;vertical-align:super;margin-left:2px}
.chg{display:block;font-size:10.5px;font-weight:700}.chg.open{color:#9a6700}.chg.close{color:#6639ba}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12.5px;margin:10px 0 4px;color:var(--mute)}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-1px;margin-right:5px}
.sw.al{background:var(--al)}.sw.ed{background:var(--ed)}.sw.id{background:#8c959f}
.badge{display:inline-block;padding:1px 9px;border-radius:5px;font-size:11.5px;font-weight:700;letter-spacing:.03em}
.badge.pass,.badge.al{background:var(--al-bg);color:var(--al)}.badge.fail,.badge.ed{background:var(--ed-bg);color:var(--ed)}
.badge.id{background:var(--id-bg);color:var(--id)}.badge.never{background:#fff4d6;color:#7a5200}
pre.explain{background:#fffbea;border-color:#f0dca0;margin-top:-8px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:7px 10px;font-size:12px;line-height:1.45;margin:4px 0 12px}
.sample{margin:8px 0 0}.sample .h{font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 14px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:170px}
.card .big{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}
.card.open .big{color:#9a6700}.card.close .big{color:#6639ba}
.foot{font-size:12.5px;color:var(--mute);columns:2;column-gap:30px;margin-top:8px}
.foot div{break-inside:avoid}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main a{color:var(--accent);text-decoration:none}
footer{color:var(--mute);font-size:12px;text-align:center;padding:10px 0 30px}
@media print{body{background:#fff;font-size:11px}header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 10px}
dl.facts dt,table.inputs td.role,.brand{color:#444}table.inputs,.cmd{color:#000}nav{display:none}
section{box-shadow:none;border:0;border-top:1px solid #999;border-radius:0;padding:10px 0;break-inside:avoid-page}
.scroll{overflow:visible}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)css";

// ---- Page frame ------------------------------------------------------------------

struct Fact {
  std::string label, value;
};

enum class Verdict { kPass, kFail, kNeutral };

struct PageHead {
  std::string kind;     // "simulate", "simulate --replay"
  std::string subject;  // scenario or source
  Verdict verdict = Verdict::kNeutral;
  std::string verdict_text;
  std::vector<Fact> facts;
  std::vector<std::pair<std::string, std::string>> nav;  // anchor, label
};

void BeginPage(std::string* out, const PageHead& head, const HtmlReportContext& context) {
  StrAppend(out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\"/>\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            "<meta name=\"generator\" content=\"latticepol ", Escape(context.version), "\"/>\n",
            "<title>latticepol ", Escape(head.kind), ": ", Escape(head.subject), "</title>\n<style>",
            kCss, "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\">\n",
            "<div class=\"brand\">latticepol ", Escape(head.kind), "</div>\n<h1>",
            Escape(head.subject), "</h1>\n");
  const char* verdict = head.verdict == Verdict::kPass   ? "pass"
                        : head.verdict == Verdict::kFail ? "fail"
                                                         : "neutral";
  StrAppend(out, "<div class=\"verdict ", verdict, "\" id=\"verdict\">", Escape(head.verdict_text),
            "</div>\n<dl class=\"facts\">");
  for (const Fact& f : head.facts) {
    StrAppend(out, "<div><dt>", Escape(f.label), "</dt><dd>", Escape(f.value), "</dd></div>");
  }
  StrAppend(out, "</dl>\n");
  if (!context.inputs.empty()) {
    StrAppend(out, "<table class=\"inputs\" id=\"inputs\">");
    for (const HtmlInputFile& f : context.inputs) {
      StrAppend(out, "<tr><td class=\"role\">", Escape(f.role), "</td><td class=\"mono\">",
                Escape(f.path), "</td><td class=\"mono\" title=\"SHA-256\">sha256:",
                Escape(f.sha256), "</td><td>", Grouped(f.bytes), " bytes</td></tr>");
    }
    StrAppend(out, "</table>\n");
  }
  if (!context.command_line.empty()) {
    StrAppend(out, "<p class=\"cmd\">$ <code id=\"command\">", Escape(context.command_line),
              "</code></p>\n");
  }
  StrAppend(out, "<nav>");
  for (const auto& [anchor, label] : head.nav) {
    StrAppend(out, "<a href=\"#", anchor, "\">", Escape(label), "</a>");
  }
  StrAppend(out, "</nav>\n</div></header>\n<main class=\"wrap\">\n");
}

void EndPage(std::string* out, const HtmlReportContext& context) {
  StrAppend(out, "</main>\n<footer>latticepol ", Escape(context.version),
            " \xC2\xB7 one self-contained page: no script, nothing loaded from elsewhere. "
            "DECISION ids are explained in docs/semantics.md.</footer>\n</body>\n</html>\n");
}

void BeginSection(std::string* out, std::string_view id, std::string_view title,
                  std::string_view note) {
  StrAppend(out, "<section id=\"", id, "\">\n<h2>", Escape(title), "</h2>\n");
  if (!note.empty()) StrAppend(out, "<p class=\"note\">", Escape(note), "</p>\n");
}

// ---- Shared pieces ---------------------------------------------------------------

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return absl::StrFormat("%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

void Legend(std::string* out) {
  StrAppend(out, "<div class=\"legend\">");
  for (DecisionKind k : kKinds) {
    StrAppend(out, "<span><span class=\"sw ", kKindClass[static_cast<int>(k)], "\"></span>",
              DecisionName(k), "</span>");
  }
  StrAppend(out, "</div>\n");
}

// A horizontal stacked bar of decision counts (inline SVG, `width` px).
void DecisionBar(std::string* out, const std::array<uint64_t, 3>& counts, int width, int height) {
  const uint64_t total = counts[0] + counts[1] + counts[2];
  StrAppend(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", width, "\" height=\"",
            height, "\" role=\"img\"><title>");
  for (DecisionKind k : kKinds) {
    StrAppend(out, DecisionName(k), " ", Grouped(counts[static_cast<int>(k)]), "  ");
  }
  StrAppend(out, "</title><rect width=\"", width, "\" height=\"", height,
            "\" rx=\"3\" fill=\"#eef1f4\"/>");
  static constexpr const char* kFill[] = {"#2da44e", "#d1242f", "#8c959f"};
  double x = 0;
  for (int k = 0; k < 3; ++k) {
    if (total == 0 || counts[k] == 0) continue;
    const double w = static_cast<double>(width) * static_cast<double>(counts[k]) /
                     static_cast<double>(total);
    StrAppend(out, absl::StrFormat("<rect x=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                                   x, w, height, kFill[k]));
    x += w;
  }
  StrAppend(out, "</svg>");
}

void DecisionTotals(std::string* out, const std::array<uint64_t, 3>& totals, uint64_t whole) {
  StrAppend(out, "<div>");
  DecisionBar(out, totals, 640, 22);
  StrAppend(out, "</div>\n<table><tr><th>decision</th><th class=\"n\">requests</th>"
                 "<th class=\"n\">share</th></tr>");
  for (DecisionKind k : kKinds) {
    const uint64_t n = totals[static_cast<int>(k)];
    StrAppend(out, "<tr><td><span class=\"badge ", kKindClass[static_cast<int>(k)], "\">",
              DecisionName(k), "</span></td><td class=\"n\">", Grouped(n), "</td><td class=\"n\">",
              Percent(n, whole), "</td></tr>");
  }
  StrAppend(out, "</table>\n");
}

struct Bar {
  std::string label;  // from input: escaped when written
  uint64_t hits = 0;
  int effect = -1;    // 0 Allow, 1 Deny, -1 unknown
};

// Hits per statement as an SVG bar chart; zero-hit statements are marked.
void StatementChart(std::string* out, const std::vector<Bar>& bars) {
  const size_t shown = std::min<size_t>(bars.size(), kHtmlMaxBars);
  uint64_t max_hits = 1;
  for (size_t i = 0; i < shown; ++i) max_hits = std::max(max_hits, bars[i].hits);
  constexpr int kRow = 26, kLabel = 300, kBar = 520, kWidth = kLabel + kBar + 150;
  const int height = static_cast<int>(shown) * kRow + 8;
  StrAppend(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"statement-chart\" width=\"",
            kWidth, "\" height=\"", height, "\" viewBox=\"0 0 ", kWidth, " ", height,
            "\" role=\"img\">\n<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
            "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"3\" "
            "height=\"6\" fill=\"#e3b341\"/></pattern></defs>\n");
  for (size_t i = 0; i < shown; ++i) {
    const Bar& b = bars[i];
    const int y = static_cast<int>(i) * kRow + 4;
    const std::string label = internal::Shorten(b.label, 46);
    const char* fill = b.effect == 0 ? "#2da44e" : b.effect == 1 ? "#d1242f" : "#2f6fb3";
    StrAppend(out, "<g><title>", Escape(b.label), ": ", Grouped(b.hits),
              b.hits == 0 ? " requests (decided none)" : " requests", "</title>");
    StrAppend(out, "<text x=\"", kLabel - 10, "\" y=\"", y + 16, "\" text-anchor=\"end\" "
              "font-size=\"12.5\" fill=\"#1f2328\">", Escape(label), "</text>");
    if (b.hits == 0) {
      StrAppend(out, "<rect x=\"", kLabel, "\" y=\"", y + 3, "\" width=\"60\" height=\"17\" "
                "rx=\"3\" fill=\"url(#hatch)\" opacity=\"0.55\"/><text x=\"", kLabel + 68,
                "\" y=\"", y + 16, "\" font-size=\"12\" fill=\"#7a5200\" "
                "font-weight=\"600\">never decided a request</text></g>\n");
      continue;
    }
    const double w = std::max(2.0, static_cast<double>(kBar) * static_cast<double>(b.hits) /
                                       static_cast<double>(max_hits));
    StrAppend(out, absl::StrFormat("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"17\" "
                                   "rx=\"3\" fill=\"%s\"/>", kLabel, y + 3, w, fill));
    StrAppend(out, absl::StrFormat("<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#1f2328\">"
                                   "%s</text></g>\n", kLabel + w + 8, y + 16, Grouped(b.hits)));
  }
  StrAppend(out, "</svg>\n");
  if (bars.size() > shown) {
    StrAppend(out, "<p class=\"note\">", Grouped(bars.size() - shown),
              " more statements are in the JSON report.</p>\n");
  }
}

struct SampleView {
  std::string heading;  // from input: escaped when written
  std::string decision_class;
  std::string request_json;
  std::string explanation;  // why the chain decided so (may be empty)
};

void Samples(std::string* out, const std::vector<SampleView>& samples, uint64_t total) {
  const size_t shown = std::min<size_t>(samples.size(), kHtmlMaxSamples);
  for (size_t i = 0; i < shown; ++i) {
    const SampleView& s = samples[i];
    StrAppend(out, "<div class=\"sample\"><div class=\"h\">", Escape(s.heading), "</div><pre>",
              Escape(internal::Shorten(s.request_json, kHtmlMaxSampleBytes)), "</pre>");
    if (!s.explanation.empty()) {
      StrAppend(out, "<pre class=\"explain\">", Escape(internal::Shorten(s.explanation, kHtmlMaxSampleBytes)),
                "</pre>");
    }
    StrAppend(out, "</div>\n");
  }
  if (total > shown) {
    StrAppend(out, "<p class=\"note\">", Grouped(shown), " of ", Grouped(total),
              " shown (lowest first); `--samples` and `--format json` give more.</p>\n");
  }
}

SampleView FromSimulation(const SimulationSample& s, bool shadow) {
  SampleView v;
  v.heading = StrCat("request #", s.index, " \xC2\xB7 caller ", s.caller, " \xC2\xB7 ",
                     DecisionName(s.decision));
  if (shadow) StrAppend(&v.heading, " \xE2\x86\x92 candidate ", DecisionName(s.shadow_decision));
  if (s.layer != Layer::kNone) StrAppend(&v.heading, " (", LayerName(s.layer), " layer)");
  if (!s.statement.empty()) StrAppend(&v.heading, " \xC2\xB7 decided by ", s.statement);
  v.request_json = s.request_json;
  v.explanation = s.explanation;
  return v;
}

SampleView FromReplay(const ReplaySample& s, bool shadow) {
  SampleView v;
  v.heading = StrCat("line ", s.line, " \xC2\xB7 ", DecisionName(s.decision));
  if (shadow) StrAppend(&v.heading, " \xE2\x86\x92 candidate ", DecisionName(s.shadow_decision));
  if (s.layer != Layer::kNone) StrAppend(&v.heading, " (", LayerName(s.layer), " layer)");
  if (s.logged) {
    StrAppend(&v.heading, " \xC2\xB7 logged ", s.logged_denied ? "denied" : "allowed");
    if (!s.logged_reason.empty()) StrAppend(&v.heading, " (", s.logged_reason, ")");
    if (!s.logged_response.empty()) StrAppend(&v.heading, " responseCode ", s.logged_response);
  }
  if (s.uncertain) StrAppend(&v.heading, " \xC2\xB7 uncertain (L2/L3)");
  v.request_json = s.request_json;
  return v;
}

void UncertainIds(std::string* out, const std::map<std::string, uint64_t>& by_id) {
  if (by_id.empty()) return;
  StrAppend(out, "<table><tr><th>DECISION</th><th class=\"n\">requests</th></tr>");
  for (const auto& [id, n] : by_id) {
    StrAppend(out, "<tr><td class=\"mono\">", Escape(id), "</td><td class=\"n\">", Grouped(n),
              "</td></tr>");
  }
  StrAppend(out, "</table>\n");
}

// ---- Simulation report --------------------------------------------------------

// The short label of statement index i of report.statements: S followed by i + 1.
std::string StatementRef(int statement) { return StrCat("S", statement + 1); }

std::string StatementName(const SimulationReport& r, int statement) {
  if (statement < 0 || static_cast<size_t>(statement) >= r.statements.size()) {
    return "no network or service statement (default deny, identity layer or E1/E2)";
  }
  const StatementHits& h = r.statements[statement];
  return StrCat(LayerName(h.layer), " #", h.index, h.sid.empty() ? "" : " ", h.sid, " (",
                h.effect == Effect::kAllow ? "Allow" : "Deny", ")");
}

std::string ColumnTitle(const internal::MatrixColumn& col) {
  if (col.other) return StrCat("other: ", col.merged, " smaller request classes");
  std::string t;
  for (const auto& [dim, values] : col.parts) {
    StrAppend(&t, t.empty() ? "" : "; ", dim, " ");
    for (size_t i = 0; i < values.size(); ++i) StrAppend(&t, i ? " | " : "", values[i]);
  }
  return t.empty() ? "all requests" : t;
}

void ColumnHeader(std::string* out, const internal::MatrixColumn& col) {
  StrAppend(out, "<th class=\"col\" title=\"", Escape(ColumnTitle(col)), "\">");
  if (col.other) StrAppend(out, "<span class=\"k\">other</span><span class=\"v\">", col.merged,
                           " classes</span>");
  if (!col.other && col.parts.empty()) StrAppend(out, "<span class=\"v\">all requests</span>");
  for (const auto& [dim, values] : col.parts) {
    std::string shown;
    for (size_t i = 0; i < values.size() && i < 3; ++i) StrAppend(&shown, i ? " | " : "", values[i]);
    if (values.size() > 3) StrAppend(&shown, " +", values.size() - 3);
    StrAppend(out, "<span class=\"k\">", Escape(dim), "</span><span class=\"v\">",
              Escape(internal::Shorten(shown, 60)), "</span>");
  }
  StrAppend(out, "</th>");
}

void MatrixCellHtml(std::string* out, const SimulationReport& r, const std::string& where,
                    const internal::MatrixCell& cell, std::vector<int>* cited) {
  if (!cell.present) {
    StrAppend(out, "<td class=\"c none\" title=\"", Escape(where), ": no requests\">\xC2\xB7</td>");
    return;
  }
  int top = 0, kinds = 0;
  for (int k = 0; k < 3; ++k) {
    kinds += cell.decisions[k] != 0;
    if (cell.decisions[k] > cell.decisions[top]) top = k;
  }
  std::string title = where + ":";
  for (DecisionKind k : kKinds) {
    const int i = static_cast<int>(k);
    if (cell.decisions[i] == 0) continue;
    StrAppend(&title, "\n", DecisionName(k), " ", Grouped(cell.decisions[i]), ", decided by ",
              StatementName(r, cell.statement[i]));
    if (cell.statement[i] >= 0 &&
        std::find(cited->begin(), cited->end(), cell.statement[i]) == cited->end()) {
      cited->push_back(cell.statement[i]);
    }
  }
  const int64_t opened = static_cast<int64_t>(cell.shadow[0]) - static_cast<int64_t>(cell.decisions[0]);
  if (r.shadow.enabled && opened != 0) {
    StrAppend(&title, "\ncandidate: ALLOW ", Grouped(cell.shadow[0]), " (net ",
              opened > 0 ? "+" : "", opened, ")");
  }
  StrAppend(out, "<td class=\"c ", kKindClass[top], kinds > 1 ? " mixed" : "", "\" title=\"",
            Escape(title), "\">", Compact(cell.total()));
  if (cell.statement[top] >= 0) {
    StrAppend(out, "<span class=\"st\">", StatementRef(cell.statement[top]), "</span>");
  }
  if (kinds > 1) StrAppend(out, "<small>", Percent(cell.decisions[top], cell.total()), " ",
                           top == 0 ? "allow" : "deny", "</small>");
  if (r.shadow.enabled && opened > 0) {
    StrAppend(out, "<span class=\"chg open\">\xE2\x96\xB2 opens ", Compact(opened), "</span>");
  } else if (r.shadow.enabled && opened < 0) {
    StrAppend(out, "<span class=\"chg close\">\xE2\x96\xBC closes ", Compact(-opened), "</span>");
  }
  StrAppend(out, "</td>");
}

void MatrixFootnotes(std::string* out, const SimulationReport& r, std::vector<int> cited) {
  std::sort(cited.begin(), cited.end());
  StrAppend(out, "<div class=\"foot\" id=\"matrix-statements\">");
  for (int s : cited) {
    StrAppend(out, "<div><b>", StatementRef(s), "</b> ", Escape(StatementName(r, s)), "</div>");
  }
  StrAppend(out, "<div>a cell without a mark: ", Escape(StatementName(r, -1)), "</div></div>\n");
}

void ClassMatrix(std::string* out, const SimulationReport& r) {
  const internal::ReachabilityMatrix m = internal::GroupRequestClasses(r, kHtmlMaxColumns);
  std::string note =
      "Callers \xC3\x97 the request classes this run's outcomes distinguished: values of "
      "the method, path and query keys are merged where every caller got the same outcome. "
      "Each cell: requests, coloured by the most frequent decision (striped when mixed), with "
      "the statement that decided it (hover a cell for the full breakdown).";
  if (!m.dropped.empty()) {
    StrAppend(&note, " No outcome depended on:");
    for (size_t i = 0; i < m.dropped.size(); ++i) StrAppend(&note, i ? ", " : " ", m.dropped[i]);
    StrAppend(&note, ".");
  }
  BeginSection(out, "reachability", "Reachability", note);
  Legend(out);
  StrAppend(out, "<div class=\"scroll\"><table class=\"matrix\"><tr><th>caller</th>");
  for (const internal::MatrixColumn& col : m.columns) ColumnHeader(out, col);
  StrAppend(out, "</tr>\n");
  std::vector<int> cited;
  const size_t rows = std::min<size_t>(r.callers.size(), kHtmlMaxRows);
  for (size_t c = 0; c < rows; ++c) {
    StrAppend(out, "<tr><th class=\"row\">", Escape(r.callers[c]), "</th>");
    for (size_t col = 0; col < m.columns.size(); ++col) {
      MatrixCellHtml(out, r, StrCat(r.callers[c], " \xC3\x97 ", ColumnTitle(m.columns[col])),
                     m.cells[c][col], &cited);
    }
    StrAppend(out, "</tr>\n");
  }
  StrAppend(out, "</table></div>\n");
  if (r.callers.size() > rows) {
    StrAppend(out, "<p class=\"note\">", Grouped(r.callers.size() - rows),
              " more callers are in the JSON report.</p>\n");
  }
  MatrixFootnotes(out, r, std::move(cited));
  StrAppend(out, "</section>\n");
}

// Without request classes: callers x decisions.
void CallerMatrix(std::string* out, const SimulationReport& r) {
  BeginSection(out, "reachability", "Reachability",
               r.classes_omitted
                   ? "Callers \xC3\x97 decisions (the scenario has too many request classes "
                     "for a class matrix)."
                   : "Callers \xC3\x97 decisions.");
  Legend(out);
  StrAppend(out, "<div class=\"scroll\"><table class=\"matrix\"><tr><th>caller</th><th></th>");
  for (DecisionKind k : kKinds) StrAppend(out, "<th class=\"n\">", DecisionName(k), "</th>");
  StrAppend(out, "</tr>\n");
  const size_t rows = std::min<size_t>(r.callers.size(), kHtmlMaxRows);
  for (size_t c = 0; c < rows && c < r.caller_decisions.size(); ++c) {
    StrAppend(out, "<tr><th class=\"row\">", Escape(r.callers[c]), "</th><td>");
    DecisionBar(out, r.caller_decisions[c], 260, 16);
    StrAppend(out, "</td>");
    for (int k = 0; k < 3; ++k) {
      StrAppend(out, "<td class=\"n\">", Grouped(r.caller_decisions[c][k]), "</td>");
    }
    StrAppend(out, "</tr>\n");
  }
  StrAppend(out, "</table></div>\n</section>\n");
}

// One violated expectation (`candidate`: as checked against the --shadow
// policy): what was got, by caller, and the samples with their explanations.
void ViolatedExpectation(std::string* out, const SimulationReport& r, const ExpectationResult& e,
                         bool candidate) {
  const uint64_t violations = candidate ? e.shadow_violations : e.violations;
  if (violations == 0) return;
  const auto& by_decision = candidate ? e.shadow_by_decision : e.by_decision;
  const auto& by_caller = candidate ? e.shadow_violations_by_caller : e.violations_by_caller;
  std::string got;
  for (DecisionKind k : kKinds) {
    const uint64_t n = by_decision[static_cast<int>(k)];
    if (n != 0 && !OutcomeSatisfies(e.expect, k)) StrAppend(&got, " ", DecisionName(k), " \xC3\x97", Grouped(n));
  }
  StrAppend(out, "<h3 id=\"", candidate ? "candidate-violation-" : "violation-", e.index, "\">",
            candidate ? "Violated by the candidate #" : "Violated #", e.index, " ", Escape(e.name),
            ": expected ", ExpectedOutcomeName(e.expect), ", got", got, "</h3>\n");
  std::string callers;
  for (size_t c = 0; c < by_caller.size() && c < r.callers.size(); ++c) {
    if (by_caller[c] != 0) StrAppend(&callers, callers.empty() ? "" : ", ", r.callers[c], " ", Grouped(by_caller[c]));
  }
  if (!callers.empty()) StrAppend(out, "<p class=\"note\">By caller: ", Escape(callers), "</p>\n");
  std::vector<SampleView> samples;
  for (const SimulationSample& s : candidate ? e.shadow_samples : e.samples) {
    samples.push_back(FromSimulation(s, candidate));
  }
  Samples(out, samples, violations);
}

void Expectations(std::string* out, const SimulationReport& r) {
  if (r.expectations.empty()) return;
  BeginSection(out, "expectations", "Expectations",
               StrCat("First matching expectation wins; ", Grouped(r.unmatched),
                      " requests matched none."));
  const bool shadow = r.shadow.enabled;
  StrAppend(out, "<table><tr><th></th><th class=\"n\">#</th><th>expectation</th><th>expect</th>"
                 "<th class=\"n\">matched</th><th>decisions</th><th class=\"n\">violations</th>",
            shadow ? "<th class=\"n\">candidate violations</th>" : "", "</tr>\n");
  for (const ExpectationResult& e : r.expectations) {
    const bool ok = e.violations == 0 && e.shadow_violations == 0;
    StrAppend(out, "<tr><td><span class=\"badge ", ok ? "pass\">PASS" : "fail\">FAIL",
              "</span></td><td class=\"n\">", e.index, "</td><td>", Escape(e.name), "</td><td>",
              ExpectedOutcomeName(e.expect), "</td><td class=\"n\">", Grouped(e.matched),
              "</td><td>");
    DecisionBar(out, e.by_decision, 160, 14);
    StrAppend(out, "</td><td class=\"n\">", Grouped(e.violations), "</td>");
    if (shadow) StrAppend(out, "<td class=\"n\">", Grouped(e.shadow_violations), "</td>");
    StrAppend(out, "</tr>\n");
  }
  StrAppend(out, "</table>\n");
  for (const ExpectationResult& e : r.expectations) {
    ViolatedExpectation(out, r, e, false);
    ViolatedExpectation(out, r, e, true);
  }
  StrAppend(out, "</section>\n");
}

void ChangeRegions(std::string* out, const SimulationReport& r) {
  if (r.classes.empty()) return;
  const internal::ReachabilityMatrix m = internal::GroupRequestClasses(r, kHtmlMaxColumns);
  struct Region {
    std::string where;
    internal::MatrixCell cell;
    int64_t net = 0;
  };
  std::vector<Region> regions;
  for (size_t c = 0; c < m.cells.size(); ++c) {
    for (size_t col = 0; col < m.columns.size(); ++col) {
      const internal::MatrixCell& cell = m.cells[c][col];
      if (cell.shadow == cell.decisions) continue;
      regions.push_back({StrCat(r.callers[c], " \xC3\x97 ", ColumnTitle(m.columns[col])), cell,
                         static_cast<int64_t>(cell.shadow[0]) - static_cast<int64_t>(cell.decisions[0])});
    }
  }
  if (regions.empty()) return;
  std::stable_sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) {
    return std::abs(a.net) > std::abs(b.net);
  });
  StrAppend(out, "<h3>By region (caller \xC3\x97 request class)</h3>\n<table id=\"change-regions\">"
                 "<tr><th>region</th><th>now</th><th>candidate</th><th class=\"n\">net ALLOW</th></tr>\n");
  for (size_t i = 0; i < regions.size() && i < static_cast<size_t>(kHtmlMaxRows); ++i) {
    const Region& g = regions[i];
    StrAppend(out, "<tr><td>", Escape(g.where), "</td><td>");
    DecisionBar(out, g.cell.decisions, 140, 14);
    StrAppend(out, "</td><td>");
    DecisionBar(out, g.cell.shadow, 140, 14);
    StrAppend(out, "</td><td class=\"n\">", g.net > 0 ? "+" : "", g.net, "</td></tr>\n");
  }
  StrAppend(out, "</table>\n");
}

void ChangeCards(std::string* out, uint64_t opens, uint64_t closes, uint64_t kind_changed) {
  StrAppend(out, "<div class=\"cards\"><div class=\"card open\" id=\"opens\"><div class=\"big\">",
            Grouped(opens), "</div>opened: denied now, allowed by the candidate</div>"
            "<div class=\"card close\" id=\"closes\"><div class=\"big\">", Grouped(closes),
            "</div>closed: allowed now, denied by the candidate</div>");
  if (kind_changed != UINT64_MAX) {
    StrAppend(out, "<div class=\"card\"><div class=\"big\">", Grouped(kind_changed),
              "</div>deny kind changed (explicit \xE2\x86\x94 implicit)</div>");
  }
  StrAppend(out, "</div>\n");
}

void SimulationChange(std::string* out, const SimulationReport& r) {
  if (!r.shadow.enabled) return;
  BeginSection(out, "change", StrCat("Change: candidate ", r.shadow.name),
               "The candidate service policy evaluated on the same request stream.");
  ChangeCards(out, r.shadow.denied_to_allowed, r.shadow.allowed_to_denied, r.shadow.deny_kind_changed);
  StrAppend(out, "<table><tr><th></th><th>decisions</th></tr><tr><td>now</td><td>");
  DecisionBar(out, r.totals, 420, 16);
  StrAppend(out, "</td></tr><tr><td>candidate</td><td>");
  DecisionBar(out, r.shadow.totals, 420, 16);
  StrAppend(out, "</td></tr></table>\n");
  ChangeRegions(out, r);
  std::vector<SampleView> opened, closed;
  for (const SimulationSample& s : r.shadow.denied_to_allowed_samples) opened.push_back(FromSimulation(s, true));
  for (const SimulationSample& s : r.shadow.allowed_to_denied_samples) closed.push_back(FromSimulation(s, true));
  if (!opened.empty()) {
    StrAppend(out, "<h3>Opened: witnesses</h3>\n");
    Samples(out, opened, r.shadow.denied_to_allowed);
  }
  if (!closed.empty()) {
    StrAppend(out, "<h3>Closed: witnesses</h3>\n");
    Samples(out, closed, r.shadow.allowed_to_denied);
  }
  StrAppend(out, "</section>\n");
}

void SimulationStatements(std::string* out, const SimulationReport& r) {
  if (r.statements.empty()) return;
  BeginSection(out, "statements", "Statements",
               "Requests each network and service statement decided (the lowest applicable "
               "statement of the winning effect). A statement that decided none is marked.");
  std::vector<Bar> bars;
  for (size_t i = 0; i < r.statements.size(); ++i) {
    const StatementHits& h = r.statements[i];
    bars.push_back({StrCat(StatementRef(static_cast<int>(i)), "  ", LayerName(h.layer), " #",
                           h.index, h.sid.empty() ? "" : " ", h.sid),
                    h.hits, h.effect == Effect::kAllow ? 0 : 1});
  }
  StatementChart(out, bars);
  StrAppend(out, "</section>\n");
}

PageHead SimulationHead(const SimulationReport& r, const HtmlReportContext& context) {
  PageHead head;
  head.kind = "simulate";
  head.subject = r.scenario;
  if (r.expectations.empty()) {
    head.verdict_text = "no expectations";
  } else if (r.expectations_hold()) {
    head.verdict = Verdict::kPass;
    head.verdict_text = StrCat("PASS \xC2\xB7 all ", r.expectations.size(), " expectations hold");
  } else {
    int violated = 0;
    for (const ExpectationResult& e : r.expectations) {
      violated += e.violations != 0 || e.shadow_violations != 0;
    }
    head.verdict = Verdict::kFail;
    head.verdict_text = StrCat("FAIL \xC2\xB7 ", violated, " of ", r.expectations.size(),
                               " expectations violated (",
                               r.violations != 0 ? StrCat(Grouped(r.violations), " requests") : "",
                               r.violations != 0 && r.shadow.violations != 0 ? ", " : "",
                               r.shadow.violations != 0
                                   ? StrCat(Grouped(r.shadow.violations), " with the candidate")
                                   : "",
                               ")");
  }
  head.facts = {{"requests", Grouped(r.count)}, {"seed", StrCat(r.seed)},
                {"callers", StrCat(r.callers.size())}, {"threads", StrCat(r.threads)}};
  if (context.include_timing) {
    head.facts.push_back({"wall time", absl::StrFormat("%.3f s", r.wall_seconds)});
    head.facts.push_back({"throughput", StrCat(Compact(static_cast<uint64_t>(r.requests_per_second)), " req/s")});
  }
  head.facts.push_back({"version", context.version});
  head.nav = {{"decisions", "Decisions"}, {"reachability", "Reachability"}};
  if (!r.expectations.empty()) head.nav.emplace_back("expectations", "Expectations");
  if (r.shadow.enabled) head.nav.emplace_back("change", "Change");
  if (!r.statements.empty()) head.nav.emplace_back("statements", "Statements");
  head.nav.emplace_back("uncertain", "Uncertain");
  return head;
}

}  // namespace

std::string SimulationReportToHtml(const SimulationReport& r, const HtmlReportContext& context) {
  std::string out;
  out.reserve(64 << 10);
  BeginPage(&out, SimulationHead(r, context), context);
  BeginSection(&out, "decisions", "Decisions",
               StrCat(Grouped(r.count), " requests through the Lattice chain; denials by layer: "
                      "network ", Grouped(r.by_layer[static_cast<int>(Layer::kNetwork)]),
                      ", service ", Grouped(r.by_layer[static_cast<int>(Layer::kService)]),
                      ", identity ", Grouped(r.by_layer[static_cast<int>(Layer::kIdentity)]), "."));
  DecisionTotals(&out, r.totals, r.count);
  StrAppend(&out, "</section>\n");
  if (!r.classes.empty()) {
    ClassMatrix(&out, r);
  } else {
    CallerMatrix(&out, r);
  }
  Expectations(&out, r);
  SimulationChange(&out, r);
  SimulationStatements(&out, r);
  BeginSection(&out, "uncertain", "Uncertain",
               StrCat(Grouped(r.uncertain.uncertain), " requests rest on a DECISION (fast path "
                      "flagged ", Grouped(r.uncertain.flagged), ", unverified ",
                      Grouped(r.uncertain.unverified), ")."));
  UncertainIds(&out, r.uncertain.by_id);
  StrAppend(&out, "</section>\n");
  EndPage(&out, context);
  return out;
}

namespace {

// The uncertain records by request class (caller x source VPC x method), the
// busiest kHtmlMaxUncertainClasses of them, with the keys the log lacked.
void ReplayUncertainClasses(std::string* out, const ReplayReport& r) {
  if (r.log_uncertain_classes.empty()) return;
  StrAppend(out, "<h3>Uncertain by request class</h3>\n<p class=\"note\">Records whose verdict "
                 "rests on keys the access log does not carry (L2/L3 in docs/semantics.md), per "
                 "caller, source VPC and method, with the keys and the records each made "
                 "uncertain.</p>\n<table id=\"uncertain-classes\"><tr><th>caller</th><th>source "
                 "VPC</th><th>method</th><th class=\"n\">records</th><th class=\"n\">disagree</th>"
                 "<th>keys the log lacks (records)</th></tr>\n");
  const size_t shown = std::min(r.log_uncertain_classes.size(), kHtmlMaxUncertainClasses);
  for (size_t i = 0; i < shown; ++i) {
    const ReplayUncertainClass& c = r.log_uncertain_classes[i];
    StrAppend(out, "<tr class=\"uc\"><td class=\"mono\">", Escape(internal::Shorten(c.caller, 400)),
              "</td><td class=\"mono\">",
              c.source_vpc.empty() ? "\xE2\x80\x94" : Escape(internal::Shorten(c.source_vpc, 200)),
              "</td><td class=\"mono\">", Escape(internal::Shorten(c.method, 100)),
              "</td><td class=\"n\">", Grouped(c.requests), "</td><td class=\"n\">",
              Grouped(c.disagree), "</td><td class=\"mono\">");
    const char* separator = "";
    for (const auto& [key, n] : c.keys) {
      StrAppend(out, separator, Escape(internal::Shorten(key, 200)), " (", Grouped(n), ")");
      separator = "<br/>";
    }
    StrAppend(out, "</td></tr>\n");
  }
  StrAppend(out, "</table>\n");
  uint64_t more = r.log_uncertain_other;
  for (size_t i = shown; i < r.log_uncertain_classes.size(); ++i) {
    more += r.log_uncertain_classes[i].requests;
  }
  if (more > 0) {
    StrAppend(out, "<p class=\"note\" id=\"uncertain-other\">and ", Grouped(more),
              " uncertain records in other request classes (`--format json` lists up to ",
              Grouped(kMaxUncertainClasses), " classes).</p>\n");
  }
}

void ReplayLogged(std::string* out, const ReplayReport& r) {
  if (r.access_log == 0) return;
  BeginSection(out, "logged", "Against the logged verdicts",
               StrCat(Grouped(r.log_compared), " access-log records compared with the verdict "
                      "Lattice logged for them."));
  StrAppend(out, "<div class=\"cards\"><div class=\"card\"><div class=\"big\">", Grouped(r.log_agree),
            "</div>agree</div><div class=\"card close\"><div class=\"big\">",
            Grouped(r.log_allowed_now_denied), "</div>logged allowed, candidate denies</div>"
            "<div class=\"card open\"><div class=\"big\">", Grouped(r.log_denied_now_allowed),
            "</div>logged denied, candidate allows</div><div class=\"card\"><div class=\"big\">",
            Grouped(r.log_uncertain), "</div>uncertain (L2/L3), ", Grouped(r.log_uncertain_disagree),
            " disagree</div></div>\n<p class=\"note\">Port inferred (L3) for ",
            Grouped(r.port_inferred), " records.</p>\n");
  ReplayUncertainClasses(out, r);
  std::vector<SampleView> samples;
  for (const ReplaySample& s : r.log_disagreement_samples) samples.push_back(FromReplay(s, false));
  if (!samples.empty()) {
    StrAppend(out, "<h3>Disagreements</h3>\n");
    Samples(out, samples, r.log_allowed_now_denied + r.log_denied_now_allowed);
  }
  StrAppend(out, "</section>\n");
}

void ReplayChange(std::string* out, const ReplayReport& r) {
  if (!r.shadow_enabled) return;
  BeginSection(out, "change", StrCat("Change: candidate ", r.shadow_name),
               "The candidate service policy evaluated on the same recorded requests.");
  ChangeCards(out, r.shadow_denied_to_allowed, r.shadow_allowed_to_denied, UINT64_MAX);
  StrAppend(out, "<table><tr><th></th><th>decisions</th></tr><tr><td>now</td><td>");
  DecisionBar(out, r.totals, 420, 16);
  StrAppend(out, "</td></tr><tr><td>candidate</td><td>");
  DecisionBar(out, r.shadow_totals, 420, 16);
  StrAppend(out, "</td></tr></table>\n");
  std::vector<SampleView> opened, closed;
  for (const ReplaySample& s : r.shadow_denied_to_allowed_samples) opened.push_back(FromReplay(s, true));
  for (const ReplaySample& s : r.shadow_allowed_to_denied_samples) closed.push_back(FromReplay(s, true));
  if (!opened.empty()) {
    StrAppend(out, "<h3>Opened: witnesses</h3>\n");
    Samples(out, opened, r.shadow_denied_to_allowed);
  }
  if (!closed.empty()) {
    StrAppend(out, "<h3>Closed: witnesses</h3>\n");
    Samples(out, closed, r.shadow_allowed_to_denied);
  }
  StrAppend(out, "</section>\n");
}

void ReplayErrors(std::string* out, const ReplayReport& r) {
  if (r.errors.empty()) return;
  BeginSection(out, "malformed", "Malformed lines",
               StrCat(Grouped(r.malformed), " malformed lines", r.stopped ? " (stopped at the first)" : "",
                      r.malformed > r.errors.size() ? "; the first ones:" : ":"));
  StrAppend(out, "<table><tr><th class=\"n\">line</th><th>error</th></tr>");
  for (const ReplayLineError& e : r.errors) {
    StrAppend(out, "<tr><td class=\"n\">", e.line, e.column > 0 ? StrCat(":", e.column) : "",
              "</td><td class=\"mono\">", Escape(internal::Shorten(e.message, 400)), "</td></tr>");
  }
  StrAppend(out, "</table>\n</section>\n");
}

PageHead ReplayHead(const ReplayReport& r, const HtmlReportContext& context) {
  PageHead head;
  head.kind = "simulate --replay";
  head.subject = r.source;
  const uint64_t disagree = r.log_allowed_now_denied + r.log_denied_now_allowed;
  if (r.access_log == 0) {
    head.verdict_text = StrCat("replayed ", Grouped(r.requests), " requests");
  } else if (disagree == 0) {
    head.verdict = Verdict::kPass;
    head.verdict_text = "PASS \xC2\xB7 the candidate agrees with every certain logged verdict";
  } else {
    head.verdict = Verdict::kFail;
    head.verdict_text = StrCat("FAIL \xC2\xB7 ", Grouped(disagree), " certain logged verdicts differ");
  }
  head.facts = {{"lines", Grouped(r.lines)},         {"requests", Grouped(r.requests)},
                {"canonical", Grouped(r.canonical)}, {"access-log", Grouped(r.access_log)},
                {"malformed", Grouped(r.malformed)}, {"bytes", Grouped(r.bytes)}};
  if (context.include_timing) {
    head.facts.push_back({"wall time", absl::StrFormat("%.3f s", r.wall_seconds)});
    head.facts.push_back({"throughput", absl::StrFormat("%.1f MB/s", r.megabytes_per_second)});
  }
  head.facts.push_back({"version", context.version});
  head.nav = {{"decisions", "Decisions"}};
  if (!r.errors.empty()) head.nav.emplace_back("malformed", "Malformed");
  if (r.access_log > 0) head.nav.emplace_back("logged", "Logged verdicts");
  if (r.shadow_enabled) head.nav.emplace_back("change", "Change");
  if (!r.statement_hits.empty()) head.nav.emplace_back("statements", "Statements");
  head.nav.emplace_back("uncertain", "Uncertain");
  return head;
}

}  // namespace

std::string ReplayReportToHtml(const ReplayReport& r, const HtmlReportContext& context) {
  std::string out;
  out.reserve(64 << 10);
  BeginPage(&out, ReplayHead(r, context), context);
  BeginSection(&out, "decisions", "Decisions",
               StrCat(Grouped(r.requests), " recorded requests through the Lattice chain (",
                      Grouped(r.fallback), " read by the full request reader)."));
  DecisionTotals(&out, r.totals, r.requests);
  StrAppend(&out, "</section>\n");
  ReplayErrors(&out, r);
  ReplayLogged(&out, r);
  ReplayChange(&out, r);
  if (!r.statement_hits.empty()) {
    BeginSection(&out, "statements", "Statements",
                 "Requests each network and service statement decided. A statement that "
                 "decided none is marked.");
    std::vector<Bar> bars;
    for (const auto& [name, hits] : r.statement_hits) bars.push_back({name, hits, -1});
    StatementChart(&out, bars);
    StrAppend(&out, "</section>\n");
  }
  BeginSection(&out, "uncertain", "Uncertain",
               StrCat("Fast path flagged ", Grouped(r.flagged), "; reference-checked ",
                      Grouped(r.checked), ", of which ", Grouped(r.uncertain_checked),
                      " rest on a DECISION."));
  UncertainIds(&out, r.by_id);
  StrAppend(&out, "</section>\n");
  EndPage(&out, context);
  return out;
}

// ---- Exact analysis: diff, prove, analyze ------------------------------------------

namespace {

std::string Badge(DecisionKind k) {
  return StrCat("<span class=\"badge ", kKindClass[static_cast<int>(k)], "\">", DecisionName(k),
                "</span>");
}

std::string Proved(bool complete) {
  return complete ? "<span class=\"badge pass\" title=\"holds for every request\">\xE2\x9C\x93 proved</span>"
                  : "<span class=\"badge never\" title=\"the analysis is incomplete: see "
                    "Completeness\">not a proof</span>";
}

void WitnessBlock(std::string* out, std::string_view heading, const Witness& w) {
  std::string h = StrCat(heading, DecisionName(w.decision));
  if (w.layer != Layer::kNone) StrAppend(&h, " (", LayerName(w.layer), " layer)");
  for (const std::string& d : w.deciding) StrAppend(&h, " \xC2\xB7 ", d);
  if (!w.uncertain.empty()) {
    StrAppend(&h, " \xC2\xB7 rests on");
    for (const std::string& id : w.uncertain) StrAppend(&h, " ", id);
  }
  StrAppend(out, "<div class=\"sample\"><div class=\"h\">", Escape(h), "</div><pre>",
            Escape(internal::Shorten(RequestToJson(w.request), kHtmlMaxSampleBytes)),
            "</pre></div>\n");
}

void Completeness(std::string* out, bool complete, const std::vector<std::string>& reasons) {
  BeginSection(out, "completeness", "Completeness",
               complete ? "Complete: every request was covered, so the answers above are proofs."
                        : "Incomplete: the answers are backed by verified witnesses but are not "
                          "proofs, because:");
  if (!reasons.empty()) {
    StrAppend(out, "<ul>");
    for (const std::string& r : reasons) StrAppend(out, "<li>", Escape(r), "</li>");
    StrAppend(out, "</ul>\n");
  }
  StrAppend(out, "</section>\n");
}

PageHead AnalysisHead(std::string kind, const HtmlReportContext& context, bool complete) {
  PageHead head;
  head.kind = std::move(kind);
  head.subject = context.subject;
  head.facts.push_back({"complete", complete ? "yes" : "no"});
  head.facts.push_back({"version", context.version});
  return head;
}

}  // namespace

std::string DiffResultToHtml(const DiffResult& r, const HtmlReportContext& context) {
  PageHead head = AnalysisHead("diff", context, r.complete);
  uint64_t opens = 0, closes = 0, kinds = 0;
  for (const Difference& d : r.differences) {
    if (d.new_access()) {
      ++opens;
    } else if (d.old_decision == DecisionKind::kAllow) {
      ++closes;
    } else {
      ++kinds;
    }
  }
  if (r.equivalent) {
    head.verdict = r.complete ? Verdict::kPass : Verdict::kNeutral;
    head.verdict_text = r.complete ? "EQUIVALENT \xC2\xB7 the same decision for every request"
                                   : "no difference found (not a complete proof)";
  } else {
    head.verdict = Verdict::kFail;
    head.verdict_text = StrCat("DIFFERENT \xC2\xB7 ", r.differences.size(), " regions change, ",
                               opens, " open new access");
  }
  head.facts.insert(head.facts.begin(), {{"regions", StrCat(r.differences.size())},
                                         {"opened", StrCat(opens)}, {"closed", StrCat(closes)}});
  head.nav = {{"change", "Change"}, {"completeness", "Completeness"}};
  std::string out;
  BeginPage(&out, head, context);
  BeginSection(&out, "change", "Change",
               "Every region of requests whose decision differs between the old and the new "
               "policy, with a witness request checked by both evaluators.");
  ChangeCards(&out, opens, closes, kinds);
  if (!r.differences.empty()) {
    StrAppend(&out, "<table id=\"change-regions\"><tr><th class=\"n\">#</th><th>region</th><th>old</th>"
                    "<th>new</th></tr>\n");
    const size_t shown = std::min<size_t>(r.differences.size(), kHtmlMaxBars);
    for (size_t i = 0; i < shown; ++i) {
      const Difference& d = r.differences[i];
      StrAppend(&out, "<tr><td class=\"n\"><a href=\"#region-", i, "\">", i + 1, "</a></td><td>",
                Escape(d.region.Describe()), "</td><td>", Badge(d.old_decision), "</td><td>",
                Badge(d.new_decision), d.new_access() ? " <span class=\"chg open\">\xE2\x96\xB2 opens</span>" : "",
                "</td></tr>\n");
    }
    StrAppend(&out, "</table>\n");
    for (size_t i = 0; i < shown && i < static_cast<size_t>(kHtmlMaxSamples) * 3; ++i) {
      const Difference& d = r.differences[i];
      StrAppend(&out, "<h3 id=\"region-", i, "\">Region ", i + 1, ": ", Escape(internal::Shorten(d.region.Describe(), 300)), "</h3>\n");
      WitnessBlock(&out, "old policy: ", d.old_witness);
      WitnessBlock(&out, "new policy: ", d.new_witness);
    }
    if (r.differences.size() > shown) {
      StrAppend(&out, "<p class=\"note\">", r.differences.size() - shown,
                " more regions are in the JSON report.</p>\n");
    }
  }
  StrAppend(&out, "</section>\n");
  Completeness(&out, r.complete, r.incomplete_reasons);
  EndPage(&out, context);
  return out;
}

std::string ProofResultToHtml(const ProofResult& r, const HtmlReportContext& context) {
  PageHead head = AnalysisHead("prove", context, r.complete);
  int failed = 0;
  for (const ExpectationProof& e : r.expectations) failed += !e.holds;
  if (failed > 0) {
    head.verdict = Verdict::kFail;
    head.verdict_text = StrCat("FAIL \xC2\xB7 ", failed, " of ", r.expectations.size(),
                               " expectations have a counterexample");
  } else if (r.complete) {
    head.verdict = Verdict::kPass;
    head.verdict_text = StrCat("PROVED \xC2\xB7 all ", r.expectations.size(),
                               " expectations hold for every request");
  } else {
    head.verdict_text = "no counterexample found (not a complete proof)";
  }
  head.facts.insert(head.facts.begin(), {{"expectations", StrCat(r.expectations.size())},
                                         {"counterexamples", StrCat(failed)}});
  head.nav = {{"expectations", "Expectations"}, {"completeness", "Completeness"}};
  std::string out;
  BeginPage(&out, head, context);
  BeginSection(&out, "expectations", "Expectations",
               "Each expectation over every request its callers can send (first match wins).");
  StrAppend(&out, "<table><tr><th></th><th class=\"n\">#</th><th>expectation</th><th>expect</th>"
                  "<th>counterexample</th></tr>\n");
  for (size_t i = 0; i < r.expectations.size(); ++i) {
    const ExpectationProof& e = r.expectations[i];
    StrAppend(&out, "<tr><td>", e.holds ? Proved(r.complete) : "<span class=\"badge fail\">FAIL</span>",
              "</td><td class=\"n\">", i, "</td><td>", Escape(e.name), "</td><td>",
              ExpectedOutcomeName(e.expected), "</td><td>");
    if (e.counterexample) {
      StrAppend(&out, "<a href=\"#counterexample-", i, "\">caller ", Escape(e.caller), ": ",
                Badge(e.counterexample->decision), "</a>");
    }
    StrAppend(&out, "</td></tr>\n");
  }
  StrAppend(&out, "</table>\n");
  for (size_t i = 0; i < r.expectations.size(); ++i) {
    const ExpectationProof& e = r.expectations[i];
    if (!e.counterexample) continue;
    StrAppend(&out, "<h3 id=\"counterexample-", i, "\">Counterexample to #", i, " ", Escape(e.name),
              ": expected ", ExpectedOutcomeName(e.expected), "</h3>\n");
    WitnessBlock(&out, StrCat("caller ", e.caller, " \xC2\xB7 "), *e.counterexample);
  }
  StrAppend(&out, "</section>\n");
  Completeness(&out, r.complete, r.incomplete_reasons);
  EndPage(&out, context);
  return out;
}

namespace {

// Callers x the rest of each region, for the analyze matrix.
void RegionMatrix(std::string* out, const AnalyzeResult& r) {
  struct Entry {
    DecisionKind kind;
    const DecidedRegion* region;
  };
  std::vector<std::string> rows, cols;
  std::map<std::pair<size_t, size_t>, std::vector<Entry>> cells;
  auto index = [](std::vector<std::string>* v, const std::string& key) {
    auto it = std::find(v->begin(), v->end(), key);
    if (it != v->end()) return static_cast<size_t>(it - v->begin());
    v->push_back(key);
    return v->size() - 1;
  };
  auto add = [&](const std::vector<DecidedRegion>& regions, DecisionKind kind) {
    for (const DecidedRegion& d : regions) {
      std::string caller, rest;
      for (const FieldConstraint& c : d.region.constraints) {
        std::string& to = c.field == "caller" ? caller : rest;
        StrAppend(&to, to.empty() ? "" : ", ", c.field == "caller" ? "" : c.field + " ", c.description);
      }
      const size_t row = index(&rows, caller.empty() ? "any caller" : caller);
      const size_t col = index(&cols, rest.empty() ? "any request" : rest);
      cells[{row, col}].push_back({kind, &d});
    }
  };
  add(r.allowed, DecisionKind::kAllow);
  add(r.explicitly_denied, DecisionKind::kExplicitDeny);
  BeginSection(out, "reachability", "Reachability",
               "Callers \xC3\x97 the request regions the policy decides: ALLOW and the regions a "
               "Deny statement carves out; every other request is denied implicitly. \xE2\x9C\x93 "
               "marks a region proved for every request in it.");
  Legend(out);
  const size_t nr = std::min<size_t>(rows.size(), kHtmlMaxRows);
  const size_t nc = std::min<size_t>(cols.size(), kHtmlMaxColumns);
  StrAppend(out, "<div class=\"scroll\"><table class=\"matrix\"><tr><th>caller</th>");
  for (size_t c = 0; c < nc; ++c) {
    StrAppend(out, "<th class=\"col\" title=\"", Escape(cols[c]), "\"><span class=\"v\">",
              Escape(internal::Shorten(cols[c], 120)), "</span></th>");
  }
  StrAppend(out, "</tr>\n");
  for (size_t row = 0; row < nr; ++row) {
    StrAppend(out, "<tr><th class=\"row\">", Escape(internal::Shorten(rows[row], 200)), "</th>");
    for (size_t c = 0; c < nc; ++c) {
      auto it = cells.find({row, c});
      if (it == cells.end()) {
        StrAppend(out, "<td class=\"c id\" title=\"IMPLICIT_DENY\">\xC2\xB7</td>");
        continue;
      }
      const Entry& e = it->second.front();
      std::string title = StrCat(DecisionName(e.kind), ": ", e.region->region.Describe());
      for (const std::string& d : e.region->witness.deciding) StrAppend(&title, "\n", d);
      StrAppend(out, "<td class=\"c ", kKindClass[static_cast<int>(e.kind)], "\" title=\"",
                Escape(title), "\">", e.kind == DecisionKind::kAllow ? "ALLOW" : "DENY",
                r.complete ? " \xE2\x9C\x93" : "", "</td>");
    }
    StrAppend(out, "</tr>\n");
  }
  StrAppend(out, "</table></div>\n");
  if (rows.size() > nr || cols.size() > nc) {
    StrAppend(out, "<p class=\"note\">The matrix shows ", nr, " of ", rows.size(), " caller classes and ",
              nc, " of ", cols.size(), " request regions; the JSON report has all.</p>\n");
  }
  StrAppend(out, "</section>\n");
}

void StatementReachTable(std::string* out, const std::vector<StatementReach>& statements) {
  BeginSection(out, "statements", "Statements",
               "Whether each statement ever applies to a request and whether it is ever effective "
               "(removing it changes some decision). Never-effective statements are marked.");
  StrAppend(out, "<table><tr><th class=\"n\">#</th><th>sid</th><th>effect</th><th>applies</th>"
                 "<th>effective</th><th>witness</th></tr>\n");
  const size_t shown = std::min<size_t>(statements.size(), kHtmlMaxBars);
  for (size_t i = 0; i < shown; ++i) {
    const StatementReach& s = statements[i];
    StrAppend(out, "<tr><td class=\"n\">", s.index, "</td><td>", Escape(s.sid.empty() ? "-" : s.sid),
              "</td><td>", s.effect == Effect::kAllow ? "Allow" : "Deny", "</td><td>",
              s.applicable ? "yes" : "<span class=\"badge never\">never applies</span>", "</td><td>",
              s.effective ? "yes" : "<span class=\"badge never\">never effective</span>",
              s.effective || !s.applicable || s.effect != Effect::kAllow ? ""
              : s.escapes_denies ? " (redundant: other Allows cover it)"
                                 : " (shadowed by Deny statements)",
              "</td><td>");
    if (s.effective_witness) {
      StrAppend(out, "<code>", Escape(internal::Shorten(RequestToJson(s.effective_witness->request), 300)),
                "</code>");
    }
    StrAppend(out, "</td></tr>\n");
  }
  StrAppend(out, "</table>\n</section>\n");
}

}  // namespace

std::string AnalyzeResultToHtml(const AnalyzeResult& r, const HtmlReportContext& context) {
  PageHead head = AnalysisHead("analyze", context, r.complete);
  int never = 0;
  for (const StatementReach& s : r.statements) never += !s.effective;
  head.verdict = never > 0 ? Verdict::kFail : Verdict::kNeutral;
  head.verdict_text = StrCat(r.allowed.size(), " allowed regions, ", r.explicitly_denied.size(),
                             " explicitly denied", never > 0 ? StrCat(", ", never, " statements never effective") : "");
  head.facts.insert(head.facts.begin(), {{"allowed regions", StrCat(r.allowed.size())},
                                         {"denied regions", StrCat(r.explicitly_denied.size())},
                                         {"statements", StrCat(r.statements.size())}});
  head.nav = {{"reachability", "Reachability"}, {"regions", "Regions"}, {"statements", "Statements"},
              {"completeness", "Completeness"}};
  std::string out;
  BeginPage(&out, head, context);
  RegionMatrix(&out, r);
  BeginSection(&out, "regions", "Regions", "Each region with a witness request checked by both evaluators.");
  int n = 0;
  for (const auto* list : {&r.allowed, &r.explicitly_denied}) {
    for (const DecidedRegion& d : *list) {
      if (n++ >= kHtmlMaxSamples * 3) break;
      StrAppend(&out, "<h3>", Escape(internal::Shorten(d.region.Describe(), 300)), "</h3>\n");
      WitnessBlock(&out, "witness: ", d.witness);
    }
  }
  StrAppend(&out, "</section>\n");
  StatementReachTable(&out, r.statements);
  Completeness(&out, r.complete, r.incomplete_reasons);
  EndPage(&out, context);
  return out;
}

// ---- Inputs -----------------------------------------------------------------------

HtmlInputFile HashInput(std::string role, std::string path, std::string_view bytes) {
  HtmlInputFile f;
  f.role = std::move(role);
  f.path = std::move(path);
  f.sha256 = internal::Sha256Hex(bytes);
  f.bytes = bytes.size();
  return f;
}

absl::StatusOr<HtmlInputFile> HashInputFile(std::string role, std::string path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read `", path, "`"));
  internal::Sha256 hasher;
  uint64_t bytes = 0;
  std::string block(1 << 16, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto n = static_cast<size_t>(in.gcount());
    hasher.Update(std::string_view(block.data(), n));
    bytes += n;
  }
  if (in.bad()) return absl::DataLossError(StrCat("error reading `", path, "`"));
  HtmlInputFile f;
  f.role = std::move(role);
  f.path = std::move(path);
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint8_t b : hasher.Finish()) {
    f.sha256.push_back(kHex[b >> 4]);
    f.sha256.push_back(kHex[b & 15]);
  }
  f.bytes = bytes;
  return f;
}

}  // namespace latticepol
