// File: latticepol/replay_inputs.h
// Stage: simulate (replay). The reader layer in front of Replay (replay.h):
// many files, globs and gzip-compressed files, each replayed as its own
// stream and merged with MergeReplayReports, so line numbers in the merged
// report are per file and errors and samples name their file.
//
// FILES. A path must name a regular file (OpenRegularFile, input_file.h):
// directories, FIFOs and devices are refused with the path and the reason;
// "-" is standard input. A file is read as gzip when its first two bytes are
// the gzip magic (1f 8b), whatever its name; concatenated gzip members are
// read as one stream. Memory is bounded by ReplayOptions::batch_bytes plus
// zlib's window, whatever the file size.
#ifndef LATTICEPOL_REPLAY_INPUTS_H_
#define LATTICEPOL_REPLAY_INPUTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/authorize.h"
#include "latticepol/replay.h"

namespace latticepol {

// Expands shell-style patterns (`*`, `?`, `[...]`; glob(3) without tilde or
// brace expansion) into sorted paths. A pattern that matches nothing is an
// error naming it; a plain path (no pattern characters) and "-" are kept as
// they are (their errors come when they are read).
absl::StatusOr<std::vector<std::string>> ExpandReplayInputs(
    const std::vector<std::string>& patterns);

// Replays one input (plain or gzip, or "-" for stdin); the report's `source`
// is the path ("<stdin>" for "-"). Fails for an unreadable or non-regular
// file, a corrupt gzip stream (naming the file) or a policy that does not
// compile.
absl::StatusOr<ReplayReport> ReplayInputFile(const std::string& path, const ChainPolicies& chain,
                                             const ReplayOptions& options);

// Replays every input in order and merges the reports (MergeReplayReports).
// With `options.strict`, stops at the first input that stops.
absl::StatusOr<ReplayReport> ReplayInputFiles(const std::vector<std::string>& paths,
                                              const ChainPolicies& chain,
                                              const ReplayOptions& options);

}  // namespace latticepol

#endif  // LATTICEPOL_REPLAY_INPUTS_H_
