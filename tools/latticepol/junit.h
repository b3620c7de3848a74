// File: tools/latticepol/junit.h
// Stage: CLI. A small JUnit XML writer shared by the commands that offer
// `--format junit` (validate, check; diff and prove can use it too): suites of
// test cases, each passed, failed (with a message and a text body) or
// skipped. The output is the de-facto JUnit schema CI systems read
// (`<testsuites><testsuite name tests failures skipped><testcase name
// classname><failure message type>text</failure></testcase>...`).
#ifndef LATTICEPOL_TOOLS_LATTICEPOL_JUNIT_H_
#define LATTICEPOL_TOOLS_LATTICEPOL_JUNIT_H_

#include <string>
#include <string_view>
#include <vector>

namespace latticepol::cli {

struct JUnitCase {
  std::string name;
  std::string classname;
  bool failed = false;
  bool skipped = false;
  std::string message;  // failure or skip message (one line)
  std::string type;     // failure type, e.g. an issue code
  std::string text;     // failure body (may span lines)
};

struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
};

// Renders the suites as one JUnit XML document (UTF-8, ends with a newline).
// Text is escaped for XML; characters XML 1.0 cannot carry are replaced by
// `\xNN`-style escapes.
std::string JUnitXml(const std::vector<JUnitSuite>& suites, std::string_view name);

}  // namespace latticepol::cli

#endif  // LATTICEPOL_TOOLS_LATTICEPOL_JUNIT_H_
