// File: tests/fuzz/case_file_fuzzer.cc
// Stage: fuzzing (check). Feeds arbitrary bytes to ParseCases as a JSON Lines
// case file; accepted cases are run against a default policy (or their inline
// policies) and the report is rendered. Invariants: no crash, no hang; issues
// are readable and carry the case's line; the compiled and the reference
// path never disagree (CaseResult::internal_error); counts add up.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "latticepol/cases.h"
#include "latticepol/parse.h"

namespace {

using latticepol::fuzz::Fail;

const latticepol::PolicyDocument& DefaultPolicy() {
  static const latticepol::PolicyDocument* doc = [] {
    latticepol::ParseResult r = latticepol::ParsePolicy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue","vpc-lattice-svcs:SourceVpcOwnerAccount":"111111111111"}}},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalType":"Anonymous"}}}]})");
    if (!r.ok()) Fail("the default policy does not parse", latticepol::FormatIssues(r.issues, "p"));
    return new latticepol::PolicyDocument(std::move(r.doc));
  }();
  return *doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > latticepol::fuzz::kMaxInputBytes) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  latticepol::CaseFile file = latticepol::ParseCases(text);
  latticepol::fuzz::CheckIssues(file.issues, text, "cases");
  for (const latticepol::Issue& issue : file.issues) {
    if (issue.severity == latticepol::Severity::kError && issue.location.line <= 0) {
      Fail("a case file error without a line", latticepol::FormatIssue(issue, "cases"));
    }
  }
  if (file.cases.empty() || file.cases.size() > 64) return 0;
  const bool with_default = size % 2 == 0;
  latticepol::CheckReport report =
      latticepol::RunCases(file.cases, with_default ? &DefaultPolicy() : nullptr);
  if (report.results.size() != file.cases.size()) {
    Fail("RunCases returned a different number of results", std::string(text));
  }
  if (report.passed + report.failed + report.skipped != static_cast<int>(file.cases.size())) {
    Fail("passed + failed + skipped != cases", std::string(text));
  }
  for (const latticepol::CaseResult& r : report.results) {
    if (r.internal_error) {
      Fail("compiled and reference paths disagree on a case",
           std::string(text) + "\ncase line " + std::to_string(r.line) + ": " + r.explanation);
    }
  }
  (void)latticepol::CheckReportToJson(report);
  (void)latticepol::CheckReportToText(report, true);
  return 0;
}
