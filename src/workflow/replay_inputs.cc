// File: src/workflow/replay_inputs.cc
// Stage: simulate (replay). Files, globs and gzip in front of Replay; see
// latticepol/replay_inputs.h.
#include "latticepol/replay_inputs.h"

#include <glob.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "internal/strings.h"
#include "latticepol/input_file.h"

namespace latticepol {

using internal::kMaxQuotedPathChars;
using internal::QuoteForMessage;
using internal::StrCat;

absl::StatusOr<std::vector<std::string>> ExpandReplayInputs(
    const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const std::string& pattern : patterns) {
    if (pattern == "-" || pattern.find_first_of("*?[") == std::string::npos) {
      out.push_back(pattern);
      continue;
    }
    glob_t g;
    std::memset(&g, 0, sizeof(g));
    const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
    if (rc != 0) {
      ::globfree(&g);
      return absl::InvalidArgumentError(
          StrCat(rc == GLOB_NOMATCH ? "no file matches " : "cannot expand ",
                 QuoteForMessage(pattern, kMaxQuotedPathChars)));
    }
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);  // sorted by glob
    ::globfree(&g);
  }
  return out;
}

namespace {

// Reads a plain or gzip-compressed descriptor. zlib's gz* layer detects the
// gzip magic itself and passes other bytes through unchanged.
class FdReader {
 public:
  FdReader(int fd, std::string name) : name_(std::move(name)) {
    file_ = ::gzdopen(fd, "rb");
    if (file_ == nullptr) ::close(fd);
    if (file_ != nullptr) ::gzbuffer(file_, 1 << 17);
  }
  ~FdReader() {
    if (file_ != nullptr) ::gzclose(file_);
  }
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  bool ok() const { return file_ != nullptr; }
  const std::string& error() const { return error_; }

  int64_t Read(char* buffer, size_t size) {
    // gzread takes an unsigned count: read in chunks of at most 1 GiB.
    const unsigned n = static_cast<unsigned>(std::min<size_t>(size, size_t{1} << 30));
    const int got = ::gzread(file_, buffer, n);
    int code = Z_OK;
    const char* msg = got <= 0 ? ::gzerror(file_, &code) : nullptr;
    // A truncated gzip stream ends with 0 and Z_BUF_ERROR ("unexpected end
    // of file"), not with -1.
    if (got < 0 || (got == 0 && code != Z_OK && code != Z_STREAM_END)) {
      error_ = StrCat("cannot read ", name_, ": ",
                      code == Z_ERRNO ? std::strerror(errno) : (msg ? msg : "read error"));
      return -1;
    }
    return got;
  }

 private:
  gzFile file_ = nullptr;
  std::string name_;
  std::string error_;
};

}  // namespace

absl::StatusOr<ReplayReport> ReplayInputFile(const std::string& path, const ChainPolicies& chain,
                                             const ReplayOptions& options) {
  const bool is_stdin = path == "-";
  const std::string source = is_stdin ? "<stdin>" : path;
  int fd = 0;
  if (is_stdin) {
    fd = ::dup(STDIN_FILENO);
    if (fd < 0) return absl::InternalError(StrCat("cannot read <stdin>: ", std::strerror(errno)));
  } else {
    absl::StatusOr<int> opened = OpenRegularFile(path);
    if (!opened.ok()) return opened.status();
    fd = *opened;
  }
  // The descriptor was opened non-blocking (FIFO safety); reads of a regular
  // file are unaffected.
  FdReader reader(fd, QuoteForMessage(source, kMaxQuotedPathChars));
  if (!reader.ok()) {
    return absl::ResourceExhaustedError(StrCat("cannot read ", QuoteForMessage(source)));
  }
  absl::StatusOr<ReplayReport> report =
      Replay([&](char* buffer, size_t size) { return reader.Read(buffer, size); }, chain, options);
  if (!report.ok()) {
    if (!reader.error().empty()) return absl::DataLossError(reader.error());
    return report.status();
  }
  report->source = source;
  return report;
}

absl::StatusOr<ReplayReport> ReplayInputFiles(const std::vector<std::string>& paths,
                                              const ChainPolicies& chain,
                                              const ReplayOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<ReplayReport> parts;
  for (const std::string& path : paths) {
    absl::StatusOr<ReplayReport> report = ReplayInputFile(path, chain, options);
    if (!report.ok()) return report.status();
    parts.push_back(*std::move(report));
    if (options.strict && parts.back().stopped) break;
  }
  if (parts.size() == 1) return std::move(parts.front());
  ReplayReport merged = MergeReplayReports(std::move(parts), options);
  merged.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  merged.megabytes_per_second =
      merged.wall_seconds > 0 ? static_cast<double>(merged.bytes) / 1e6 / merged.wall_seconds : 0;
  return merged;
}

}  // namespace latticepol
