// File: tests/unit/replay_inputs_test.cc
// Stage: simulate (replay). Many files, globs and gzip: the merged report
// equals the replay of the concatenation (counts, totals), line numbers stay
// per file, corrupt or truncated gzip and non-regular files are errors that
// name the file.
#include "latticepol/replay_inputs.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "latticepol/parse.h"

namespace latticepol {
namespace {

using ::testing::HasSubstr;

class ReplayInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::string(tmp ? tmp : "/tmp") + "/latticepol_replay_inputs_" +
           std::to_string(::getpid());
    ::mkdir(dir_.c_str(), 0700);
    ParseResult r = ParsePolicy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
        R"("Action":"*","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"GET"}}}]})");
    ASSERT_TRUE(r.ok());
    policy_ = r.doc;
    chain_.service_policy = &policy_;
  }
  void TearDown() override {
    for (const std::string& p : files_) std::remove(p.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string Plain(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    files_.push_back(path);
    return path;
  }
  std::string Gzip(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
    files_.push_back(path);
    return path;
  }

  std::string dir_;
  std::vector<std::string> files_;
  PolicyDocument policy_;
  ChainPolicies chain_;
};

const char kA[] = "{\"method\":\"GET\"}\n{\"method\":\"POST\"}\n{\"methd\":1}\n";
const char kB[] = "{\"method\":\"GET\"}\n\n[]\n{\"method\":\"GET\"}";

TEST_F(ReplayInputsTest, ManyFilesAndGzipMergeLikeOneStream) {
  const std::string a = Plain("a.jsonl", kA);
  const std::string b = Gzip("b.jsonl.gz", kB);
  auto merged = ReplayInputFiles({a, b}, chain_, ReplayOptions());
  ASSERT_TRUE(merged.ok()) << merged.status();
  auto whole = ReplayText(std::string(kA) + kB, chain_, ReplayOptions());
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(merged->lines, whole->lines);
  EXPECT_EQ(merged->totals, whole->totals);
  EXPECT_EQ(merged->malformed, 2u);
  EXPECT_EQ(merged->source, a + ", " + b);
  ASSERT_EQ(merged->errors.size(), 2u);
  EXPECT_EQ(merged->errors[0].source, a);
  EXPECT_EQ(merged->errors[0].line, 3u);
  EXPECT_EQ(merged->errors[1].source, b);
  EXPECT_EQ(merged->errors[1].line, 3u);  // per-file line numbers
  // One file: the report of ReplayText, named after the file.
  auto one = ReplayInputFile(b, chain_, ReplayOptions());
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->source, b);
  EXPECT_EQ(one->errors[0].source, "");
}

TEST_F(ReplayInputsTest, GlobsExpandSortedAndMustMatch) {
  const std::string b = Plain("b.jsonl", kA);
  const std::string a = Gzip("a.jsonl.gz", kB);
  auto paths = ExpandReplayInputs({dir_ + "/*.jsonl*", "-", "plain-path"});
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, (std::vector<std::string>{a, b, "-", "plain-path"}));
  auto none = ExpandReplayInputs({dir_ + "/*.none"});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("no file matches"));
}

TEST_F(ReplayInputsTest, BadFilesAreErrorsNamingTheFile) {
  const std::string gz = Gzip("t.jsonl.gz", std::string(20000, 'x') + "\n");
  std::string bytes;
  {
    std::ifstream in(gz, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cut = Plain("cut.jsonl.gz", bytes.substr(0, bytes.size() - 10));
  auto truncated = ReplayInputFile(cut, chain_, ReplayOptions());
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(std::string(truncated.status().message()), HasSubstr(cut));
  std::string bad = bytes;
  bad[bad.size() / 2] ^= 0x55;
  const std::string corrupt = Plain("corrupt.jsonl.gz", bad);
  EXPECT_FALSE(ReplayInputFile(corrupt, chain_, ReplayOptions()).ok());
  auto dir = ReplayInputFile(dir_, chain_, ReplayOptions());
  EXPECT_THAT(std::string(dir.status().message()), HasSubstr("it is a directory"));
  auto dev = ReplayInputFiles({"/dev/zero"}, chain_, ReplayOptions());
  EXPECT_THAT(std::string(dev.status().message()), HasSubstr("not a regular file"));
}

}  // namespace
}  // namespace latticepol
