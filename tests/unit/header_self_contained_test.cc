// File: tests/unit/header_self_contained_test.cc
// Stage: hardening. Checks the public headers as a contract: none includes a
// private dependency (nlohmann, re2, yaml-cpp, simdjson) or an internal
// header, each has its include guard, and all of them compile together. That
// each one also compiles *alone* is checked by the build: CMake generates one
// translation unit per header (target latticepol_header_check, a dependency
// of this test), so a header that is not self-contained breaks the build.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
// Every public header, together (order matters nothing).
#include "latticepol/authorize.h"
#include "latticepol/cases.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/evaluate.h"
#include "latticepol/issue.h"
#include "latticepol/latticepol.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"
#include "testing/random.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/topology.h"

namespace {

namespace fs = std::filesystem;

struct Header {
  std::string name;  // e.g. parse.h
  std::string text;
};

std::vector<Header> PublicHeaders() {
  std::vector<Header> headers;
  fs::path dir = fs::path(LATTICEPOL_SOURCE_DIR) / "include" / "latticepol";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".h") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    headers.push_back({entry.path().filename().string(), buffer.str()});
  }
  return headers;
}

std::vector<std::string> Includes(const std::string& text) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"][^>"]+[>"]))");
  std::vector<std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kInclude)) out.push_back(m[1].str());
  }
  return out;
}

// Returns why `include` is not allowed in a public header, or "".
std::string Forbidden(const std::string& include) {
  static const char* const kPrivate[] = {"nlohmann", "re2/", "yaml-cpp", "simdjson",
                                         "internal/", "CLI/", "pybind11", "gtest", "benchmark"};
  for (const char* p : kPrivate) {
    if (include.find(p) != std::string::npos) return std::string("private dependency ") + p;
  }
  // Quoted includes must be other public headers or absl.
  if (include[0] == '"' && include.rfind("\"latticepol/", 0) != 0 &&
      include.rfind("\"absl/", 0) != 0) {
    return "quoted include outside latticepol/ and absl/";
  }
  // Angle-bracket includes must be standard headers (no slash, no .h).
  if (include[0] == '<' && (include.find('/') != std::string::npos ||
                            include.find(".h>") != std::string::npos)) {
    return "non-standard system header";
  }
  return "";
}

TEST(PublicHeaders, ThereAreHeadersToCheck) {
  std::vector<Header> headers = PublicHeaders();
  EXPECT_GE(headers.size(), 13u);
}

TEST(PublicHeaders, NoPrivateDependencies) {
  for (const Header& h : PublicHeaders()) {
    for (const std::string& include : Includes(h.text)) {
      EXPECT_EQ(Forbidden(include), "") << h.name << " includes " << include;
    }
  }
}

TEST(PublicHeaders, NoPrivateTypesMentioned) {
  // Catches forward declarations (`namespace re2 { class RE2; }`) and
  // type mentions that an include check alone would miss.
  static const std::regex kPrivateType(
      R"(\b(nlohmann::|re2::|RE2\b|YAML::|simdjson::))");
  for (const Header& h : PublicHeaders()) {
    std::istringstream lines(h.text);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      ++n;
      std::string code = line.substr(0, line.find("//"));  // comments may name them
      EXPECT_FALSE(std::regex_search(code, kPrivateType)) << h.name << ":" << n << ": " << line;
    }
  }
}

TEST(PublicHeaders, IncludeGuardAndFileComment) {
  for (const Header& h : PublicHeaders()) {
    std::string stem = h.name.substr(0, h.name.size() - 2);
    std::string guard = "LATTICEPOL_";
    for (char c : stem) guard += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    guard += "_H_";
    EXPECT_NE(h.text.find("#ifndef " + guard + "\n"), std::string::npos) << h.name;
    EXPECT_NE(h.text.find("#define " + guard + "\n"), std::string::npos) << h.name;
    EXPECT_EQ(h.text.rfind("// ", 0), 0u) << h.name << " does not open with a comment";
    EXPECT_EQ(h.text.find("using namespace"), std::string::npos) << h.name;
  }
}

TEST(PublicHeaders, ForbiddenIncludesAreDetected) {
  // The checker itself must be able to fail.
  EXPECT_NE(Forbidden("<nlohmann/json.hpp>"), "");
  EXPECT_NE(Forbidden("\"re2/re2.h\""), "");
  EXPECT_NE(Forbidden("<yaml-cpp/yaml.h>"), "");
  EXPECT_NE(Forbidden("<simdjson.h>"), "");
  EXPECT_NE(Forbidden("\"internal/text.h\""), "");
  EXPECT_EQ(Forbidden("<string_view>"), "");
  EXPECT_EQ(Forbidden("\"absl/status/statusor.h\""), "");
  EXPECT_EQ(Forbidden("\"latticepol/issue.h\""), "");
  EXPECT_EQ(Includes("#include <vector>\n  # include \"a/b.h\"\n"),
            (std::vector<std::string>{"<vector>", "\"a/b.h\""}));
}

}  // namespace
