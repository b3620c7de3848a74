// File: src/workflow/internal/html.h
// Stage: report (internal). Escaping and small building blocks of the HTML
// report (report_html.cc): every input-derived string goes through Escape.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_HTML_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_HTML_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace latticepol::internal {

// Appends `text` escaped for HTML text and double- or single-quoted attribute
// values (also inside inline SVG): & < > " ' become entities, invalid UTF-8
// becomes U+FFFD, control characters other than tab and newline (and the
// XML-forbidden U+FFFE/U+FFFF) become the visible text \xNN / \u{FFFE}, so the
// result is also well-formed XML character data.
void AppendEscaped(std::string* out, std::string_view text);
std::string Escape(std::string_view text);

// `text` cut to at most `max_bytes` at a UTF-8 character boundary, with a
// note of how many bytes were left out.
std::string Shorten(std::string_view text, size_t max_bytes);

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n);
// 1234567 -> "1.2M", 12345 -> "12k", 999 -> "999".
std::string Compact(uint64_t n);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_HTML_H_
