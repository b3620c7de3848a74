// File: tests/unit/report_html_test.cc
// Stage: report. The HTML report: escaping (HTML text, attributes, SVG) of
// hostile input, well-formed and balanced markup, no script or external
// reference, bounded size whatever the report holds, and the grouping of
// request classes into matrix columns.
#include "latticepol/report_html.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "workflow/internal/html.h"
#include "workflow/internal/reachability.h"

namespace latticepol {
namespace {

constexpr char kScript[] = "<script>document.title='pwned'</script>";
constexpr char kImg[] = "\"><img src=x onerror=\"document.title='pwned'\">";

// Checks that every tag is closed in order (or self-closed) and returns the
// first problem, or "" when the markup is balanced. Relies on the renderer
// never writing a raw '<' in text or attribute values.
std::string Unbalanced(const std::string& html) {
  std::vector<std::string> stack;
  for (size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    const size_t end = html.find('>', i);
    if (end == std::string::npos) return "unterminated tag";
    const std::string tag = html.substr(i + 1, end - i - 1);
    if (tag.rfind("!DOCTYPE", 0) == 0) continue;
    if (!tag.empty() && tag.back() == '/') continue;
    if (!tag.empty() && tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return "unexpected </" + tag.substr(1) + ">";
      stack.pop_back();
      continue;
    }
    stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
  }
  return stack.empty() ? "" : "unclosed <" + stack.back() + ">";
}

bool Has(const std::string& html, const std::string& needle) {
  return html.find(needle) != std::string::npos;
}

size_t Count(const std::string& html, const std::string& needle) {
  size_t n = 0;
  for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) ++n;
  return n;
}

void ExpectSafe(const std::string& html) {
  EXPECT_EQ(Unbalanced(html), "");
  EXPECT_FALSE(Has(html, "<script"));
  EXPECT_FALSE(Has(html, "<img"));
  EXPECT_FALSE(Has(html, "onerror=\""));
  EXPECT_FALSE(Has(html, "@import"));
  EXPECT_FALSE(Has(html, "href=\"h"));
  // Nothing loaded from elsewhere: the only URL is the SVG namespace name.
  EXPECT_EQ(Count(html, "http:"), Count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(Count(html, "https:"), 0u);
  EXPECT_TRUE(Has(html, "Content-Security-Policy"));
}

TEST(HtmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(internal::Escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(internal::Escape(kScript), "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;");
  EXPECT_EQ(internal::Escape("tab\tnl\n"), "tab\tnl\n");
}

TEST(HtmlEscapeTest, ControlsAndInvalidUtf8BecomeVisibleText) {
  EXPECT_EQ(internal::Escape(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(internal::Escape("\x1b[31m\x7f"), "\\x1B[31m\\x7F");
  EXPECT_EQ(internal::Escape("\xC2\x85"), "\\u{85}");             // C1 control
  EXPECT_EQ(internal::Escape("\xEF\xBF\xBE"), "\\u{FFFE}");       // XML non-character
  EXPECT_EQ(internal::Escape("\xff"), "\xEF\xBF\xBD");            // invalid byte
  EXPECT_EQ(internal::Escape("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
  EXPECT_EQ(internal::Escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(internal::Escape("\xF4\x90\x80\x80").size(), 12u);   // above U+10FFFF: 4 x U+FFFD
  EXPECT_EQ(internal::Escape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x94\x92"),
            "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x94\x92");  // valid UTF-8 kept
}

TEST(HtmlEscapeTest, ShortenCutsAtACharacterBoundary) {
  EXPECT_EQ(internal::Shorten("abc", 3), "abc");
  EXPECT_EQ(internal::Shorten("ab\xC3\xA9z", 3), "ab \xE2\x80\xA6 (3 more bytes)");
  EXPECT_EQ(internal::Grouped(1234567), "1,234,567");
  EXPECT_EQ(internal::Compact(999), "999");
  EXPECT_EQ(internal::Compact(12345), "12k");
  EXPECT_EQ(internal::Compact(1234567), "1.2M");
}

SimulationSample HostileSample(uint64_t index, size_t padding) {
  SimulationSample s;
  s.index = index;
  s.caller = kImg;
  s.decision = DecisionKind::kImplicitDeny;
  s.layer = Layer::kService;
  s.request_json = std::string("{\"headers\":{\"x\":\"") + kScript + std::string(padding, 'p') + "\"}}";
  s.statement = std::string("service #0 ") + kScript;
  s.explanation = std::string("IMPLICIT_DENY: no statement matched\n  ") + kImg;
  return s;
}

SimulationReport HostileReport(int samples, size_t padding) {
  SimulationReport r;
  r.scenario = std::string("scenario ") + kScript;
  r.count = 100;
  r.totals = {40, 10, 50};
  r.callers = {kImg, "green"};
  r.caller_decisions = {{20, 5, 25}, {20, 5, 25}};
  r.statements.push_back({Layer::kService, 0, kScript, Effect::kAllow, 40});
  r.statements.push_back({Layer::kService, 1, kImg, Effect::kDeny, 0});
  ExpectationResult e;
  e.name = kScript;
  e.expect = ExpectedOutcome::kAllow;
  e.matched = 50;
  e.by_decision = {30, 0, 20};
  e.violations = 20;
  for (int i = 0; i < samples; ++i) e.samples.push_back(HostileSample(i, padding));
  e.violations_by_caller = {20, 0};
  e.shadow_by_decision = {35, 0, 15};
  e.shadow_violations = 15;
  e.shadow_violations_by_caller = {0, 15};
  for (int i = 0; i < samples; ++i) e.shadow_samples.push_back(HostileSample(i, padding));
  r.expectations.push_back(e);
  r.violations = 20;
  r.shadow.violations = 15;
  r.shadow.enabled = true;
  r.shadow.name = kImg;
  r.shadow.totals = {45, 10, 45};
  r.shadow.denied_to_allowed = 5;
  for (int i = 0; i < samples; ++i) r.shadow.denied_to_allowed_samples.push_back(HostileSample(i, padding));
  r.class_dimensions = {"method", std::string("query ") + kScript};
  RequestClassCell a;
  a.caller = 0;
  a.values = {"GET", kImg};
  a.decisions = {40, 0, 10};
  a.shadow_decisions = {45, 0, 5};
  a.statement = {0, -1, -1};
  RequestClassCell b = a;
  b.caller = 1;
  b.values = {"POST", kScript};
  b.decisions = {0, 10, 40};
  b.shadow_decisions = {0, 10, 40};
  b.statement = {-1, 1, -1};
  r.classes = {a, b};
  r.uncertain.by_id[kScript] = 3;
  return r;
}

HtmlReportContext HostileContext() {
  HtmlReportContext c;
  c.command_line = std::string("latticepol simulate '") + kScript + "'";
  c.version = "0.1.0";
  c.inputs.push_back(HashInput(kImg, kScript, "{}"));
  return c;
}

TEST(ReportHtmlTest, SimulationPageEscapesEveryInputValue) {
  const std::string html = SimulationReportToHtml(HostileReport(3, 0), HostileContext());
  ExpectSafe(html);
  EXPECT_TRUE(Has(html, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
  EXPECT_TRUE(Has(html, "&quot;&gt;&lt;img src=x onerror=&quot;"));
  // The sections the page promises.
  for (const char* id : {"id=\"verdict\"", "id=\"reachability\"", "id=\"expectations\"",
                         "id=\"change\"", "id=\"statements\"", "id=\"statement-chart\"",
                         "id=\"inputs\"", "id=\"command\"", "@media print"}) {
    EXPECT_TRUE(Has(html, id)) << id;
  }
  EXPECT_TRUE(Has(html, "FAIL"));
  EXPECT_TRUE(Has(html, "never decided a request"));
  EXPECT_TRUE(Has(html, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
  EXPECT_TRUE(Has(html, "opens"));
  // Violation samples carry the deciding statement and the explanation; the
  // candidate's violations are listed on their own.
  EXPECT_TRUE(Has(html, "decided by service #0 &lt;script&gt;"));
  EXPECT_TRUE(Has(html, "class=\"explain\">IMPLICIT_DENY: no statement matched"));
  EXPECT_TRUE(Has(html, "id=\"candidate-violation-0\""));
  EXPECT_TRUE(Has(html, "candidate violations"));
  EXPECT_TRUE(Has(html, "By caller: green 15"));
  EXPECT_TRUE(Has(html, "15 with the candidate"));
}

TEST(ReportHtmlTest, ReplayPageEscapesEveryInputValue) {
  ReplayReport r;
  r.source = kScript;
  r.lines = r.requests = r.access_log = r.log_compared = 3;
  r.totals = {1, 1, 1};
  r.errors.push_back({2, 5, kImg, {}});
  r.malformed = 1;
  r.statement_hits = {{kScript, 2}, {kImg, 0}};
  r.log_denied_now_allowed = 1;
  ReplaySample s;
  s.line = 1;
  s.logged = true;
  s.logged_denied = true;
  s.logged_reason = kImg;
  s.request_json = kScript;
  r.log_disagreement_samples.push_back(s);
  r.shadow_enabled = true;
  r.shadow_name = kImg;
  r.shadow_denied_to_allowed_samples.push_back(s);
  r.shadow_denied_to_allowed = 1;
  const std::string html = ReplayReportToHtml(r, HostileContext());
  ExpectSafe(html);
  EXPECT_TRUE(Has(html, "id=\"malformed\""));
  EXPECT_TRUE(Has(html, "id=\"logged\""));
  EXPECT_TRUE(Has(html, "never decided a request"));
  EXPECT_TRUE(Has(html, "FAIL"));
}

// The numbers in the cells of class `cls` of the rows of class "uc", in order.
std::vector<std::string> UncertainCells(const std::string& html, const std::string& cls) {
  std::vector<std::string> cells;
  const std::string open = "<td class=\"" + cls + "\">";
  for (size_t row = html.find("<tr class=\"uc\">"); row != std::string::npos;
       row = html.find("<tr class=\"uc\">", row + 1)) {
    const size_t row_end = html.find("</tr>", row);
    for (size_t at = html.find(open, row); at < row_end; at = html.find(open, at + 1)) {
      const size_t begin = at + open.size();
      cells.push_back(html.substr(begin, html.find("</td>", begin) - begin));
    }
  }
  return cells;
}

TEST(ReportHtmlTest, ReplayPageListsUncertainClassesEscapedAndBounded) {
  ReplayReport r;
  r.source = "access.jsonl";
  r.lines = r.requests = r.access_log = r.log_compared = 5000;
  ReplayUncertainClass hostile;
  hostile.caller = kImg;
  hostile.source_vpc = kScript;
  hostile.method = kImg;
  hostile.requests = 1234;
  hostile.disagree = 56;
  hostile.keys = {{std::string("aws:PrincipalTag/") + kScript, 1234}, {"vpc-lattice-svcs:RequestQueryString/a", 7}};
  r.log_uncertain_classes.push_back(hostile);
  ReplayUncertainClass anonymous;
  anonymous.caller = "anonymous";
  anonymous.method = "GET";
  anonymous.requests = 9;
  anonymous.keys = {{"vpc-lattice-svcs:RequestHeader/x-tenant", 9}};
  r.log_uncertain_classes.push_back(anonymous);
  r.log_uncertain = 1234 + 9;
  r.log_uncertain_disagree = 56;

  std::string html = ReplayReportToHtml(r, HostileContext());
  ExpectSafe(html);
  EXPECT_TRUE(Has(html, "id=\"uncertain-classes\""));
  EXPECT_EQ(Count(html, "<tr class=\"uc\">"), 2u);
  // Every user value escaped, in its cell.
  EXPECT_TRUE(Has(html, "<td class=\"mono\">&quot;&gt;&lt;img src=x onerror=&quot;"));
  EXPECT_TRUE(Has(html, "<td class=\"mono\">&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;</td>"));
  EXPECT_TRUE(Has(html, "aws:PrincipalTag/&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; (1,234)"
                        "<br/>vpc-lattice-svcs:RequestQueryString/a (7)"));
  EXPECT_TRUE(Has(html, "<td class=\"mono\">vpc-lattice-svcs:RequestHeader/x-tenant (9)</td>"));
  // A record without a source VPC shows a dash; the counts are the report's.
  EXPECT_TRUE(Has(html, "<td class=\"mono\">anonymous</td><td class=\"mono\">\xE2\x80\x94</td>"));
  EXPECT_EQ(UncertainCells(html, "n"), (std::vector<std::string>{"1,234", "56", "9", "0"}));
  EXPECT_FALSE(Has(html, "id=\"uncertain-other\""));

  // Beyond kHtmlMaxUncertainClasses rows, the rest (and the report's own
  // overflow) is summed in one line, so the listed and summed records are
  // the report's total.
  r.log_uncertain_classes.clear();
  uint64_t total = 0;
  for (size_t i = 0; i < kHtmlMaxUncertainClasses + 30; ++i) {
    ReplayUncertainClass c = anonymous;
    c.caller = "arn:aws:iam::111122223333:role/r" + std::to_string(i);
    c.requests = 1000 - i;
    c.disagree = i % 3;
    c.keys = {{"aws:PrincipalTag/team", c.requests}};
    total += c.requests;
    r.log_uncertain_classes.push_back(c);
  }
  r.log_uncertain_other = 77;
  r.log_uncertain = total + 77;
  html = ReplayReportToHtml(r, HostileContext());
  ExpectSafe(html);
  EXPECT_EQ(Count(html, "<tr class=\"uc\">"), kHtmlMaxUncertainClasses);
  const std::vector<std::string> numbers = UncertainCells(html, "n");
  ASSERT_EQ(numbers.size(), 2 * kHtmlMaxUncertainClasses);
  uint64_t listed = 0;
  for (size_t i = 0; i < numbers.size(); i += 2) {
    std::string digits = numbers[i];
    digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
    listed += std::stoull(digits);
  }
  const uint64_t rest = r.log_uncertain - listed;
  EXPECT_EQ(rest, 77u + 30 * 1000 - (kHtmlMaxUncertainClasses + kHtmlMaxUncertainClasses + 29) * 30 / 2);
  EXPECT_TRUE(Has(html, "id=\"uncertain-other\">and " + internal::Grouped(rest) +
                            " uncertain records in other request classes"));
}

TEST(ReportHtmlTest, SizeIsBoundedWhateverTheReportHolds) {
  // 100 samples of 100 kB per finding: the page keeps kHtmlMaxSamples of each, cut.
  const std::string small = SimulationReportToHtml(HostileReport(1, 10), HostileContext());
  const std::string big = SimulationReportToHtml(HostileReport(100, 100000), HostileContext());
  EXPECT_LT(big.size(), size_t{200000});
  // Three sample lists: violations, candidate violations, opened witnesses.
  EXPECT_LT(big.size(), small.size() + 3 * kHtmlMaxSamples * (kHtmlMaxSampleBytes + 600));
  EXPECT_TRUE(Has(big, "more bytes)"));
  ExpectSafe(big);
  // Many statements, callers and classes.
  SimulationReport r = HostileReport(1, 0);
  for (int i = 0; i < 3000; ++i) {
    r.statements.push_back({Layer::kService, i + 2, "s" + std::to_string(i), Effect::kAllow, 1});
    r.callers.push_back("caller" + std::to_string(i));
    r.caller_decisions.push_back({1, 0, 0});
    RequestClassCell c;
    c.caller = 2 + i;
    c.values = {"M" + std::to_string(i), "v"};
    c.decisions = {1, 0, 0};
    c.statement = {2 + i, -1, -1};
    r.classes.push_back(c);
  }
  const std::string many = SimulationReportToHtml(r, HostileContext());
  EXPECT_LT(many.size(), size_t{1} << 20);
  EXPECT_EQ(Unbalanced(many), "");
}

Witness HostileWitness(DecisionKind kind) {
  Witness w;
  w.request.method = kScript;
  w.request.path = std::string("/") + kImg;
  w.decision = kind;
  w.layer = Layer::kService;
  w.deciding = {std::string("service: statement 0 (") + kScript + ")"};
  w.uncertain = {kImg};
  return w;
}

Region HostileRegion() {
  Region r;
  r.constraints.push_back({"caller", kImg});
  r.constraints.push_back({"method", std::string("= \"") + kScript + "\""});
  return r;
}

TEST(ReportHtmlTest, AnalysisPagesEscapeEveryInputValue) {
  HtmlReportContext context = HostileContext();
  context.subject = kImg;
  DiffResult diff;
  diff.equivalent = false;
  diff.complete = false;
  diff.incomplete_reasons = {kScript};
  Difference d;
  d.region = HostileRegion();
  d.old_decision = DecisionKind::kImplicitDeny;
  d.new_decision = DecisionKind::kAllow;
  d.old_witness = HostileWitness(DecisionKind::kImplicitDeny);
  d.new_witness = HostileWitness(DecisionKind::kAllow);
  diff.differences = {d, d};
  const std::string diff_html = DiffResultToHtml(diff, context);
  ExpectSafe(diff_html);
  for (const char* want : {"id=\"change-regions\"", "DIFFERENT", "opens", "id=\"completeness\"",
                           "Incomplete"}) {
    EXPECT_TRUE(Has(diff_html, want)) << want;
  }
  ProofResult proof;
  ExpectationProof holds;
  holds.name = kScript;
  ExpectationProof fails = holds;
  fails.holds = false;
  fails.caller = kImg;
  fails.counterexample = HostileWitness(DecisionKind::kExplicitDeny);
  proof.expectations = {holds, fails};
  const std::string proof_html = ProofResultToHtml(proof, context);
  ExpectSafe(proof_html);
  EXPECT_TRUE(Has(proof_html, "proved"));
  EXPECT_TRUE(Has(proof_html, "id=\"counterexample-1\""));
  EXPECT_TRUE(Has(proof_html, "FAIL"));
  proof.expectations = {holds};
  EXPECT_TRUE(Has(ProofResultToHtml(proof, context), "PROVED"));
  AnalyzeResult analyze;
  analyze.allowed.push_back({HostileRegion(), HostileWitness(DecisionKind::kAllow)});
  analyze.explicitly_denied.push_back({Region{}, HostileWitness(DecisionKind::kExplicitDeny)});
  StatementReach never;
  never.sid = kScript;
  analyze.statements = {never};
  const std::string analyze_html = AnalyzeResultToHtml(analyze, context);
  ExpectSafe(analyze_html);
  for (const char* want : {"id=\"reachability\"", "never effective", "never applies",
                           "class=\"c al\"", "class=\"c ed\"", "\xE2\x9C\x93"}) {
    EXPECT_TRUE(Has(analyze_html, want)) << want;
  }
}

TEST(ReachabilityTest, MergesValuesWithTheSameOutcomeAndDropsIrrelevantDimensions) {
  SimulationReport r;
  r.callers = {"blue", "green"};
  r.class_dimensions = {"method", "path", "query q"};
  auto cell = [&](int caller, std::string m, std::string p, std::string q, int kind, int st) {
    RequestClassCell c;
    c.caller = caller;
    c.values = {m, p, q};
    c.decisions[kind] = 10;
    c.shadow_decisions[kind] = 10;
    c.statement[kind] = st;
    r.classes.push_back(c);
  };
  for (const char* path : {"/", "/items"}) {
    for (const char* method : {"GET", "POST", "PUT"}) {
      for (const char* q : {"blue", "green", "(absent)"}) {
        const bool get = std::string(method) == "GET";
        cell(0, method, path, q, get && std::string(q) == "blue" ? 0 : 2,
             get && std::string(q) == "blue" ? 0 : -1);
        if (std::string(method) == "PUT" && std::string(path) == "/items") continue;  // sparse
        cell(1, method, path, q, get && std::string(q) == "green" ? 0 : 2,
             get && std::string(q) == "green" ? 1 : -1);
      }
    }
  }
  const internal::ReachabilityMatrix m = internal::GroupRequestClasses(r, 40);
  EXPECT_EQ(m.dropped, std::vector<std::string>{"path"});
  // method {GET} {POST, PUT} x q {blue} {green} {(absent)}.
  ASSERT_EQ(m.columns.size(), 6u);
  EXPECT_EQ(m.columns[0].parts[0].second, std::vector<std::string>{"GET"});
  EXPECT_EQ(m.columns[0].parts[1].second, std::vector<std::string>{"blue"});
  EXPECT_EQ(m.columns[3].parts[0].second, (std::vector<std::string>{"POST", "PUT"}));
  EXPECT_EQ(m.cells[0][0].decisions[0], 20u);  // blue GET q=blue over both paths
  EXPECT_EQ(m.cells[0][0].statement[0], 0);
  EXPECT_EQ(m.cells[1][1].decisions[0], 20u);  // green GET q=green
  EXPECT_EQ(m.cells[1][1].statement[0], 1);
  EXPECT_EQ(m.cells[1][3].decisions[2], 30u);  // green POST|PUT q=blue: 3 cells (one sparse)
  // A column limit sums the smallest columns into "other".
  const internal::ReachabilityMatrix few = internal::GroupRequestClasses(r, 3);
  ASSERT_EQ(few.columns.size(), 3u);
  EXPECT_TRUE(few.columns.back().other);
  uint64_t total = 0;
  for (const auto& row : few.cells) {
    for (const auto& c : row) total += c.total();
  }
  EXPECT_EQ(total, 10u * static_cast<uint64_t>(r.classes.size()));
}

}  // namespace
}  // namespace latticepol
