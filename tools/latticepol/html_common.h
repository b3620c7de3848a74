// File: tools/latticepol/html_common.h
// Stage: CLI. What `--format html` adds to a command: the page header's
// context (the command line as typed, the version, the input files with
// their SHA-256).
#ifndef LATTICEPOL_TOOLS_LATTICEPOL_HTML_COMMON_H_
#define LATTICEPOL_TOOLS_LATTICEPOL_HTML_COMMON_H_

#include <string>
#include <vector>

#include "cli_common.h"
#include "latticepol/report_html.h"

namespace latticepol::cli {

// The arguments joined with spaces, each quoted for a POSIX shell when needed.
std::string ShellCommandLine(const std::vector<std::string>& argv);

// Files named on the command line, as role + path ("-" and empty paths are
// skipped; a file that cannot be read is listed without a hash).
struct NamedInput {
  std::string role;
  std::string path;
};

HtmlReportContext MakeHtmlContext(const CommandContext& context,
                                  const std::vector<NamedInput>& inputs);

}  // namespace latticepol::cli

#endif  // LATTICEPOL_TOOLS_LATTICEPOL_HTML_COMMON_H_
