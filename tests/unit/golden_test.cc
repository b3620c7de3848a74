// File: tests/unit/golden_test.cc
// Golden files for the texts users read: the issues of every policy under
// policies/invalid/ (tests/golden/issues/<name>.txt) and the explanation of
// every case of policies/shared-service/cases.jsonl
// (tests/golden/explanations/shared-service.txt).
//
// After an intended change of wording, regenerate them and review the diff:
//   LATTICEPOL_UPDATE_GOLDEN=1 build/golden_test && git diff tests/golden
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/evaluate.h"
#include "latticepol/explain.h"
#include "latticepol/issue.h"
#include "latticepol/parse.h"
#include "latticepol/request_json.h"
#include "nlohmann/json.hpp"

namespace latticepol {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = LATTICEPOL_SOURCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool Updating() {
  const char* v = std::getenv("LATTICEPOL_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// Compares `actual` with the golden file, or rewrites it when updating.
void ExpectGolden(const fs::path& golden, const std::string& actual) {
  if (Updating()) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing: run with LATTICEPOL_UPDATE_GOLDEN=1";
  EXPECT_EQ(ReadFile(golden), actual)
      << golden << " differs; if the change is intended, run with LATTICEPOL_UPDATE_GOLDEN=1";
}

TEST(GoldenTest, IssueTextsOfInvalidPolicies) {
  std::vector<fs::path> policies;
  for (const auto& entry : fs::directory_iterator(kSource / "policies/invalid")) {
    if (entry.path().extension() == ".json") policies.push_back(entry.path());
  }
  std::sort(policies.begin(), policies.end());
  ASSERT_FALSE(policies.empty());
  for (const fs::path& policy : policies) {
    const ParseResult r = ParsePolicy(ReadFile(policy));
    const std::string name = policy.filename().string();
    EXPECT_FALSE(r.issues.empty()) << name;
    ExpectGolden(kSource / "tests/golden/issues" / (policy.stem().string() + ".txt"),
                 FormatIssues(r.issues, name) + "\n");
  }
}

TEST(GoldenTest, ExplanationsOfSharedServiceCases) {
  const fs::path dir = kSource / "policies/shared-service";
  const ParseResult policy = ParsePolicy(ReadFile(dir / "auth-policy.json"));
  ASSERT_TRUE(policy.ok());
  std::istringstream cases(ReadFile(dir / "cases.jsonl"));
  std::string line;
  std::string out;
  int count = 0;
  while (std::getline(cases, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::ordered_json c = nlohmann::ordered_json::parse(line);
    const RequestParseResult request = ParseRequestJson(c.at("request").dump());
    ASSERT_TRUE(request.ok()) << line;
    const Evaluation e = EvaluateReference(policy.doc, request.request.view());
    out += "== " + c.value("name", std::string()) + "\n" + ExplainText(e) + "\n";
    ++count;
  }
  ASSERT_GT(count, 0);
  ExpectGolden(kSource / "tests/golden/explanations/shared-service.txt", out);
}

}  // namespace
}  // namespace latticepol
