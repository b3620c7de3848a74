// File: tests/fuzz/parse_fuzzer.cc
// Stage: fuzzing (parse). Feeds arbitrary bytes to ParsePolicy in strict and
// lenient mode (and as an identity policy). Invariants: no crash, no hang;
// every issue is readable and located inside the input; strict-ok implies
// lenient-ok; an accepted document serialises (PolicyToJson) to text that
// parses again to the same serialisation, and compiles.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/parse.h"
#include "latticepol/policy.h"

namespace {

using latticepol::fuzz::Fail;

void CheckAccepted(const latticepol::PolicyDocument& doc, latticepol::ParseOptions options,
                   std::string_view text) {
  std::string json = latticepol::PolicyToJson(doc);
  options.max_size = json.size() + 1;  // serialisation may escape more than the source did
  options.warn_size = options.max_size;
  latticepol::ParseResult again = latticepol::ParsePolicy(json, options);
  if (!again.ok()) {
    Fail("PolicyToJson output does not parse again",
         std::string(text) + "\n-> " + json + "\n" + latticepol::FormatIssues(again.issues, "json"));
  }
  std::string json2 = latticepol::PolicyToJson(again.doc);
  if (json2 != json) {
    Fail("PolicyToJson is not stable", std::string(text) + "\n-> " + json + "\n-> " + json2);
  }
  auto compiled = latticepol::Compile(doc);
  if (!compiled.ok() && compiled.status().code() != absl::StatusCode::kResourceExhausted) {
    Fail("an accepted policy does not compile",
         std::string(text) + "\n" + std::string(compiled.status().message()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > latticepol::fuzz::kMaxInputBytes) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  latticepol::ParseOptions strict;
  latticepol::ParseResult s = latticepol::ParsePolicy(text, strict);
  latticepol::fuzz::CheckIssues(s.issues, text, "strict");

  latticepol::ParseOptions lenient;
  lenient.strict = false;
  latticepol::ParseResult l = latticepol::ParsePolicy(text, lenient);
  latticepol::fuzz::CheckIssues(l.issues, text, "lenient");

  if (s.ok() && !l.ok()) {
    Fail("strict accepts what lenient rejects",
         std::string(text) + "\n" + latticepol::FormatIssues(l.issues, "lenient"));
  }
  if (s.ok()) CheckAccepted(s.doc, strict, text);
  if (l.ok()) CheckAccepted(l.doc, lenient, text);

  latticepol::ParseOptions identity;
  identity.identity_policy = true;
  identity.strict = size % 2 == 0;
  latticepol::ParseResult i = latticepol::ParsePolicy(text, identity);
  latticepol::fuzz::CheckIssues(i.issues, text, "identity");
  if (i.ok()) CheckAccepted(i.doc, identity, text);
  return 0;
}
