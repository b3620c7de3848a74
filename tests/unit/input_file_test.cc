// File: tests/unit/input_file_test.cc
// Stage: input. ReadInputFile / OpenRegularFile: regular files only (devices,
// FIFOs and directories refused without blocking), the size limit checked on
// the size and while reading, messages naming the path.
#include "latticepol/input_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace latticepol {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/latticepol_input_file_test_" +
         std::to_string(::getpid()) + "_" + name;
}

TEST(InputFileTest, ReadsARegularFile) {
  const std::string path = TempPath("ok.json");
  std::ofstream(path) << "{\"a\": 1}\n";
  auto text = ReadInputFile(path, 100);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "{\"a\": 1}\n");
  std::remove(path.c_str());
}

TEST(InputFileTest, RefusesFilesOverTheLimit) {
  const std::string path = TempPath("big.json");
  std::ofstream(path) << std::string(101, 'x');
  auto text = ReadInputFile(path, 100);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("larger than the 100 bytes limit"));
  EXPECT_TRUE(ReadInputFile(path, 101).ok());  // exactly at the limit
  std::remove(path.c_str());
}

TEST(InputFileTest, RefusesDevicesDirectoriesAndFifos) {
  auto zero = ReadInputFile("/dev/zero", kMaxPolicyFileBytes);
  EXPECT_EQ(zero.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(zero.status().message()), HasSubstr("`/dev/zero`: not a regular file"));
  auto dir = ReadInputFile("/", kMaxPolicyFileBytes);
  EXPECT_THAT(std::string(dir.status().message()), HasSubstr("it is a directory"));
  const std::string fifo = TempPath("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto f = ReadInputFile(fifo, kMaxPolicyFileBytes);  // must not block
  EXPECT_EQ(f.status().code(), absl::StatusCode::kFailedPrecondition);
  std::remove(fifo.c_str());
  auto missing = ReadInputFile(TempPath("missing"), 10);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(InputFileTest, ByteLimitText) {
  EXPECT_EQ(ByteLimitText(kMaxPolicyFileBytes), "1 MiB");
  EXPECT_EQ(ByteLimitText(kMaxInputFileBytes), "64 MiB");
  EXPECT_EQ(ByteLimitText(1000), "1000 bytes");
}

}  // namespace
}  // namespace latticepol
