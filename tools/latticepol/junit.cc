// File: tools/latticepol/junit.cc
// Stage: CLI. The JUnit XML writer (see junit.h).
#include "junit.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace latticepol::cli {
namespace {

// Escapes `s` for an XML attribute or text node. Control characters other
// than tab/newline/CR are not allowed in XML 1.0: they become `\xNN`.
std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (u < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02X", u);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

}  // namespace

std::string JUnitXml(const std::vector<JUnitSuite>& suites, std::string_view name) {
  int tests = 0, failures = 0, skipped = 0;
  for (const JUnitSuite& suite : suites) {
    for (const JUnitCase& c : suite.cases) {
      ++tests;
      failures += c.failed ? 1 : 0;
      skipped += c.skipped ? 1 : 0;
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + XmlEscape(name) + "\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(skipped) + "\">\n";
  for (const JUnitSuite& suite : suites) {
    int f = 0, s = 0;
    for (const JUnitCase& c : suite.cases) {
      f += c.failed ? 1 : 0;
      s += c.skipped ? 1 : 0;
    }
    out += "  <testsuite name=\"" + XmlEscape(suite.name) + "\" tests=\"" +
           std::to_string(suite.cases.size()) + "\" failures=\"" + std::to_string(f) +
           "\" errors=\"0\" skipped=\"" + std::to_string(s) + "\">\n";
    for (const JUnitCase& c : suite.cases) {
      out += "    <testcase name=\"" + XmlEscape(c.name) + "\" classname=\"" +
             XmlEscape(c.classname) + "\"";
      if (!c.failed && !c.skipped) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (c.failed) {
        out += "      <failure message=\"" + XmlEscape(c.message) + "\" type=\"" +
               XmlEscape(c.type) + "\">" + XmlEscape(c.text) + "</failure>\n";
      } else {
        out += "      <skipped message=\"" + XmlEscape(c.message) + "\"/>\n";
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace latticepol::cli
