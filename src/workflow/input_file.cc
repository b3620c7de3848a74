// File: src/workflow/input_file.cc
// Stage: input. Whole-file reads with the shared size limits and file-type
// checks; see latticepol/input_file.h.
#include "latticepol/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "internal/strings.h"

namespace latticepol {

using internal::kMaxQuotedPathChars;
using internal::QuoteForMessage;
using internal::StrCat;

std::string ByteLimitText(size_t bytes) {
  constexpr size_t kMiB = size_t{1} << 20;
  if (bytes % kMiB == 0) return StrCat(bytes / kMiB, " MiB");
  return StrCat(bytes, " bytes");
}

absl::StatusOr<int> OpenRegularFile(const std::string& path, size_t* size) {
  const std::string name = QuoteForMessage(path, kMaxQuotedPathChars);
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can
  // refuse it. It has no effect on the reads of a regular file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err), StrCat("cannot read ", name, ": ", std::strerror(err)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return absl::Status(absl::ErrnoToStatusCode(err), StrCat("cannot read ", name, ": ", std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(StrCat("cannot read ", name, ": it is a directory"));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(
        StrCat("cannot read ", name,
               ": not a regular file (to read a pipe or device, pass `-` and redirect it)"));
  }
  if (size != nullptr) *size = static_cast<size_t>(st.st_size);
  return fd;
}

absl::StatusOr<std::string> ReadInputFile(const std::string& path, size_t max_bytes) {
  size_t size = 0;
  absl::StatusOr<int> fd = OpenRegularFile(path, &size);
  if (!fd.ok()) return fd.status();
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{*fd};
  const std::string name = QuoteForMessage(path, kMaxQuotedPathChars);
  const std::string too_large =
      StrCat("file ", name, " is larger than the ", ByteLimitText(max_bytes), " limit");
  if (size > max_bytes) return absl::ResourceExhaustedError(too_large);
  std::string out;
  out.reserve(size);
  // The file may grow while it is read: stop one byte past the limit.
  char chunk[64 * 1024];
  while (out.size() <= max_bytes) {
    const ssize_t n = ::read(*fd, chunk, sizeof(chunk));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      return absl::Status(absl::ErrnoToStatusCode(err), StrCat("cannot read ", name, ": ", std::strerror(err)));
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  if (out.size() > max_bytes) return absl::ResourceExhaustedError(too_large);
  return out;
}

}  // namespace latticepol
