// File: tests/fuzz/fuzz_util.h
// Stage: fuzzing. Helpers shared by the libFuzzer targets: input caps (as
// re2's fuzzer does, inputs that could only blow up are skipped), a loud
// abort with context for invariant violations, and issue sanity checks.
#ifndef LATTICEPOL_TESTS_FUZZ_FUZZ_UTIL_H_
#define LATTICEPOL_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "internal/json_reader.h"
#include "latticepol/issue.h"

namespace latticepol::fuzz {

// Inputs above this are not interesting: every parser has a documented size
// limit far below what libFuzzer generates anyway (-max_len), and the huge
// cases are covered by tests/unit/bad_input_test.cc.
inline constexpr size_t kMaxInputBytes = 64 << 10;

// Returns true iff the invariant tagged `tag` is listed in the environment
// variable LATTICEPOL_FUZZ_KNOWN (comma-separated), i.e. a known finding that
// should not stop a run looking for new ones. Tags: multiline-message,
// control-character, invalid-utf8-message, offset-past-end.
inline bool KnownFinding(std::string_view tag) {
  const char* known = std::getenv("LATTICEPOL_FUZZ_KNOWN");
  return known != nullptr && std::string_view(known).find(tag) != std::string_view::npos;
}

// Prints `what` and the details, then aborts (libFuzzer saves the input).
[[noreturn]] inline void Fail(std::string_view what, std::string_view details) {
  std::fprintf(stderr, "\n==== latticepol fuzz invariant violated: %.*s\n%.*s\n====\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(details.size()),
               details.data());
  std::abort();
}

// Every issue must be readable: a code, a one-line message, a sane location.
inline void CheckIssues(const std::vector<Issue>& issues, std::string_view text,
                        std::string_view what) {
  for (const Issue& issue : issues) {
    std::string formatted = FormatIssue(issue, "fuzz");
    if (issue.code.empty()) Fail("issue without a code", formatted);
    if (issue.message.empty()) Fail("issue without a message", formatted);
    if (issue.message.find('\n') != std::string::npos && !KnownFinding("multiline-message")) {
      Fail("multi-line issue message", formatted);
    }
    if (!internal::IsValidUtf8(issue.message) && !KnownFinding("invalid-utf8-message")) {
      Fail("an issue message is not valid UTF-8", formatted);
    }
    for (char c : issue.message) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && !KnownFinding("control-character")) {
        Fail("raw control character in an issue message", formatted);
      }
    }
    if (issue.location.line < 0 || issue.location.column < 0) {
      Fail("negative line or column", formatted);
    }
    if (issue.location.offset > static_cast<int64_t>(text.size()) &&
        !KnownFinding("offset-past-end")) {
      Fail("issue offset past the end of the input", formatted);
    }
    // Lines are 1-based and cannot exceed the number of lines of the input.
    if (issue.location.line > 0) {
      size_t lines = 1;
      for (char c : text) lines += c == '\n';
      if (static_cast<size_t>(issue.location.line) > lines + 1 && !KnownFinding("offset-past-end")) {
        Fail("issue line past the end of the input", formatted);
      }
    }
    (void)what;
  }
  (void)IssuesToJson(issues);
  (void)FormatIssues(issues, "fuzz");
}

}  // namespace latticepol::fuzz

#endif  // LATTICEPOL_TESTS_FUZZ_FUZZ_UTIL_H_
