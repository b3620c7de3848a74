// File: tools/latticepol/output_file.h
// Stage: CLI. Every file the CLI writes (`--output`, `--emit-requests`,
// `generate --out`) goes through here, so an output is either absent, the old
// content or the new content, never a mix, an empty file or lost:
//
// - the content is written to a temporary file in the target's folder
//   (`.latticepol-tmp.<pid>.<n>.<name>`), flushed to disk, then published:
//   with `force` by rename(2) (atomic replace), without it by link(2), which
//   fails with EEXIST when the target appeared meanwhile (no-clobber at the
//   moment of publishing, not only before the run);
// - an existing target is written through when it is a symbolic link (the
//   link stays) and its permission bits are kept;
// - temporaries of processes that no longer exist (a kill -9) are swept from
//   the folder on the next publish there;
// - a device or pipe (e.g. /dev/null with --force) is written in place;
// - a target that is a dangling symbolic link, a directory or in a folder
//   that does not exist or is not writable is refused before the run starts
//   (CheckOutputTarget);
// - a folder can be locked (FolderLock, flock(2) on the folder itself, freed
//   by the kernel when the process dies) so that two `generate` runs into one
//   folder never both write.
#ifndef LATTICEPOL_TOOLS_LATTICEPOL_OUTPUT_FILE_H_
#define LATTICEPOL_TOOLS_LATTICEPOL_OUTPUT_FILE_H_

#include <cstdio>
#include <string>
#include <string_view>

namespace latticepol::cli {

// Before a run: fails with a one-line message when `path` could not be
// published (see above), or, without `force`, when it exists already.
bool CheckOutputTarget(const std::string& path, bool force, std::string* error);

// An output being written. Open() creates the temporary file; write through
// file(); Publish() flushes, syncs and publishes it. Destroying an unpublished
// OutputFile removes the temporary.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  bool Open(const std::string& path, bool force, std::string* error);
  std::FILE* file() { return file_; }
  bool Publish(std::string* error);

 private:
  std::string path_, temp_;
  bool force_ = false;
  bool direct_ = false;  // a device or pipe, written in place
  std::FILE* file_ = nullptr;
};

// Writes `content` to `path` as above (Open + write + Publish).
bool PublishFile(const std::string& path, std::string_view content, bool force,
                 std::string* error);

// A report: written to stdout when `path` is empty or "-", else published at
// `path` with PublishFile. Callers check the target with CheckOutputTarget
// before the run.
bool WriteReport(const std::string& path, std::string_view content, bool force,
                 std::string* error);

// An exclusive, non-blocking lock on a folder (created if missing). Held
// until destruction or process death.
class FolderLock {
 public:
  FolderLock() = default;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();
  // Fails (with a message) when another process holds the lock.
  bool Acquire(const std::string& folder, std::string* error);

 private:
  int fd_ = -1;
};

}  // namespace latticepol::cli

#endif  // LATTICEPOL_TOOLS_LATTICEPOL_OUTPUT_FILE_H_
