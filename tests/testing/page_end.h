// File: tests/testing/page_end.h
// Test support: text placed so that it ends exactly where readable memory
// ends, for matchers that load whole vectors past a text's end (never into
// the next page): reading one byte too far faults instead of passing.
#ifndef LATTICEPOL_TESTS_TESTING_PAGE_END_H_
#define LATTICEPOL_TESTS_TESTING_PAGE_END_H_

#include <cstddef>
#include <cstring>
#include <string_view>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace latticepol::testing {

#if defined(__linux__)
// A readable page followed by an inaccessible one: text placed by Place()
// ends exactly at the boundary, so any read past its end faults.
class PageEnd {
 public:
  PageEnd() {
    const long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    page_ = static_cast<size_t>(page);
    void* base = mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return;
    base_ = static_cast<char*>(base);
    ok_ = mprotect(base_ + page_, page_, PROT_NONE) == 0;
  }
  ~PageEnd() {
    if (base_ != nullptr) munmap(base_, 2 * page_);
  }
  PageEnd(const PageEnd&) = delete;
  PageEnd& operator=(const PageEnd&) = delete;

  bool ok() const { return ok_; }
  // Copies `text` (at most a page) to the end of the readable page; the view
  // is valid until the next Place.
  std::string_view Place(std::string_view text) {
    char* const at = base_ + page_ - text.size();
    std::memcpy(at, text.data(), text.size());
    return std::string_view(at, text.size());
  }

 private:
  size_t page_ = 0;
  char* base_ = nullptr;
  bool ok_ = false;
};
#endif

}  // namespace latticepol::testing

#endif  // LATTICEPOL_TESTS_TESTING_PAGE_END_H_
