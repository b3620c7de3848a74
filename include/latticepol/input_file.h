// File: latticepol/input_file.h
// Stage: input. Reading a whole input file (a policy, a case file, a
// topology) with the same checks everywhere: the CLI, the Python module and
// the workflows use this one function, so a mistaken path (a directory, a
// FIFO, /dev/zero, a multi-gigabyte log) is refused the same way by all of
// them, quickly and with a one-line message naming the path.
#ifndef LATTICEPOL_INPUT_FILE_H_
#define LATTICEPOL_INPUT_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace latticepol {

// Size limits of the files read whole (F5). Both are far above anything real
// (Lattice itself caps an auth policy at a few KiB).
inline constexpr size_t kMaxPolicyFileBytes = size_t{1} << 20;  // 1 MiB
inline constexpr size_t kMaxInputFileBytes = size_t{64} << 20;  // 64 MiB

// "1 MiB", "64 MiB", else "N bytes".
std::string ByteLimitText(size_t bytes);

// Opens `path` for reading and checks that it names a regular file. Returns
// the open file descriptor (the caller closes it; O_CLOEXEC), or:
//   NotFound / PermissionDenied / ... "cannot read `p`: <strerror>";
//   FailedPrecondition "cannot read `p`: it is a directory" or "... not a
//   regular file (...)" for FIFOs, sockets and devices (opening never blocks).
// `*size` receives the file's size at open time when not null.
absl::StatusOr<int> OpenRegularFile(const std::string& path, size_t* size = nullptr);

// Reads the regular file `path` whole. Input over `max_bytes` is refused with
// ResourceExhausted "file `p` is larger than the 1 MiB limit" (checked on the
// size first, then while reading, in case the file grows). `path` is quoted
// and escaped in every message; "-" is not special here.
absl::StatusOr<std::string> ReadInputFile(const std::string& path, size_t max_bytes);

}  // namespace latticepol

#endif  // LATTICEPOL_INPUT_FILE_H_
