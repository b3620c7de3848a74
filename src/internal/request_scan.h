// File: src/internal/request_scan.h
// Stage: request (internal). A single-pass scanner for request JSON in the
// compact shape RequestToJson writes (docs/formats/request-json.md), for the
// replay of JSON Lines: no tree, no allocation in steady state, string values
// are views into the line.
//
// Contract: when ScanCanonicalRequest returns true, ParseRequestJson(line)
// accepts the line (no error issues) and `out->view` describes the same
// request as ParseRequestJson's `request.view()` (same fields, same query
// form). It returns false on anything it does not handle (whitespace between
// tokens, escapes, `null` for an optional field, object-form query or
// headers, headers needing normalisation (H1-H3), duplicate keys, principals
// whose type or account must be inferred from the ARN (L2), unknown fields,
// any syntax error, lines over 1 MiB); the caller then runs the general
// reader, which decides and reports. False never means "invalid".
//
// Keys may come in any order. Non-ASCII bytes in strings are accepted when
// they are valid UTF-8 (the general reader's rule).
//
// Thread-compatible: a ScannedRequest is one thread's scratch buffer.
#ifndef LATTICEPOL_INTERNAL_REQUEST_SCAN_H_
#define LATTICEPOL_INTERNAL_REQUEST_SCAN_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "latticepol/request.h"

namespace latticepol::internal {

// The scanned request: `view` points into the scanned line and into the
// vectors and principal below, which are reused from line to line.
struct ScannedRequest {
  RequestView view;
  Principal principal;
  std::vector<StringViewPair> query, headers, tags;
  std::vector<StringViewPair> principal_tags;  // scratch before the copy into `principal`
  std::vector<uint64_t> quote_bits;            // the scanner's per-line bit map
};

// Scans one line (no trailing newline). `readable`: how many bytes from
// line.data() may be read (at least line.size(); more lets the scanner read
// whole 16-byte blocks past the end of the line, never using those bytes).
// See the contract above.
bool ScanCanonicalRequest(std::string_view line, size_t readable, ScannedRequest* out);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_REQUEST_SCAN_H_
