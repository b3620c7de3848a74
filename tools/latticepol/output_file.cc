// File: tools/latticepol/output_file.cc
// Stage: CLI. Temporary file + link/rename publishing, stale-temporary
// sweeping and folder locks (see output_file.h).
#include "output_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace latticepol::cli {
namespace {

constexpr char kTempPrefix[] = ".latticepol-tmp.";

std::string Quote(const std::string& path) { return "`" + path + "`"; }

std::string FolderOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Removes `.latticepol-tmp.<pid>.*` files of processes that are gone.
void SweepStaleTemporaries(const std::string& folder) {
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return;
  const size_t prefix = sizeof(kTempPrefix) - 1;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.compare(0, prefix, kTempPrefix) != 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + prefix, &end, 10);
    if (end == nullptr || *end != '.' || pid <= 0) continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive
    unlink((folder + "/" + name).c_str());
  }
  closedir(dir);
}

}  // namespace

bool CheckOutputTarget(const std::string& path, bool force, std::string* error) {
  if (path.empty()) {
    *error = "empty output path";
    return false;
  }
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    struct stat target;
    if (S_ISLNK(st.st_mode) && stat(path.c_str(), &target) != 0) {
      *error = Quote(path) + " is a symbolic link to a file that does not exist; refusing to write through it";
      return false;
    }
    if (S_ISDIR(st.st_mode) || (S_ISLNK(st.st_mode) && S_ISDIR(target.st_mode))) {
      *error = Quote(path) + " is a folder";
      return false;
    }
    if (!force) {
      *error = Quote(path) + " exists: use --force to overwrite it";
      return false;
    }
  }
  const std::string folder = FolderOf(path);
  struct stat dir;
  if (stat(folder.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) {
    *error = "folder " + Quote(folder) + " does not exist";
    return false;
  }
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    *error = "folder " + Quote(folder) + " is not writable: " + std::strerror(errno);
    return false;
  }
  return true;
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!temp_.empty()) unlink(temp_.c_str());
}

bool OutputFile::Open(const std::string& path, bool force, std::string* error) {
  static std::atomic<unsigned> counter{0};
  // A device or a pipe (`--output /dev/null --force`) is written directly:
  // there is nothing to publish atomically.
  struct stat target;
  if (stat(path.c_str(), &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode)) {
    path_ = path;
    direct_ = true;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      *error = "cannot write " + Quote(path) + ": " + std::strerror(errno);
      return false;
    }
    return true;
  }
  // Write through an existing symbolic link to its target (a dangling link
  // is refused by CheckOutputTarget).
  path_ = path;
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char* real = realpath(path.c_str(), nullptr);
    if (real == nullptr) {
      *error = Quote(path) + " is a symbolic link to a file that does not exist; refusing to write through it";
      return false;
    }
    path_ = real;
    std::free(real);
  }
  force_ = force;
  const std::string folder = FolderOf(path_);
  SweepStaleTemporaries(folder);
  temp_ = folder + "/" + kTempPrefix + std::to_string(getpid()) + "." +
          std::to_string(counter.fetch_add(1)) + "." + BaseName(path_);
  const int fd = open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    *error = "cannot create a file in " + Quote(folder) + ": " + std::strerror(errno);
    temp_.clear();
    return false;
  }
  // An overwrite keeps the permissions of the file it replaces (a script
  // stays executable, a private file stays private).
  struct stat existing;
  if (stat(path_.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
    fchmod(fd, existing.st_mode & 07777);
  }
  file_ = fdopen(fd, "wb");
  if (file_ == nullptr) {
    close(fd);
    *error = "cannot write " + Quote(path_) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool OutputFile::Publish(std::string* error) {
  if (file_ == nullptr) {
    *error = "cannot write " + Quote(path_);
    return false;
  }
  if (direct_) {
    const bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
    const int write_errno = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!ok || !closed) *error = "cannot write " + Quote(path_) + ": " + std::strerror(write_errno);
    return ok && closed;
  }
  bool ok = std::fflush(file_) == 0 && !std::ferror(file_) && fsync(fileno(file_)) == 0;
  const int write_errno = errno;
  ok &= std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok) {
    *error = "cannot write " + Quote(path_) + ": " + std::strerror(write_errno);
    return false;
  }
  if (force_) {
    if (rename(temp_.c_str(), path_.c_str()) != 0) {
      *error = "cannot replace " + Quote(path_) + ": " + std::strerror(errno);
      return false;
    }
  } else {
    if (link(temp_.c_str(), path_.c_str()) != 0) {
      *error = errno == EEXIST ? Quote(path_) + " was created by someone else during the run; "
                                 "nothing was overwritten (use --force to overwrite it)"
                               : "cannot create " + Quote(path_) + ": " + std::strerror(errno);
      return false;
    }
    unlink(temp_.c_str());
  }
  temp_.clear();
  // Make the new directory entry durable too.
  const int dir = open(FolderOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return true;
}

bool PublishFile(const std::string& path, std::string_view content, bool force,
                 std::string* error) {
  OutputFile out;
  if (!out.Open(path, force, error)) return false;
  if (!content.empty() && std::fwrite(content.data(), 1, content.size(), out.file()) != content.size()) {
    *error = "cannot write " + Quote(path) + ": " + std::strerror(errno);
    return false;
  }
  return out.Publish(error);
}

bool WriteReport(const std::string& path, std::string_view content, bool force,
                 std::string* error) {
  if (!path.empty() && path != "-") return PublishFile(path, content, force, error);
  if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() ||
      std::fflush(stdout) != 0) {
    *error = std::string("cannot write the report to stdout: ") + std::strerror(errno);
    return false;
  }
  return true;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

bool FolderLock::Acquire(const std::string& folder, std::string* error) {
  fd_ = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) {
    *error = "cannot open folder " + Quote(folder) + ": " + std::strerror(errno);
    return false;
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    *error = errno == EWOULDBLOCK
                 ? "another latticepol process is writing into " + Quote(folder) + "; nothing was written"
                 : "cannot lock folder " + Quote(folder) + ": " + std::strerror(errno);
    close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

}  // namespace latticepol::cli
