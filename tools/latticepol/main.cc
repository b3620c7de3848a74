// File: tools/latticepol/main.cc
// Stage: CLI. Entry point of `latticepol`: builds the command table, parses
// the command line and returns the exit code the chosen subcommand set. It
// contains no command logic: each subcommand lives in its own <name>_cmd.cc.
#include <iostream>

#include "CLI/CLI.hpp"
#include "cli_common.h"

#ifndef LATTICEPOL_VERSION
#define LATTICEPOL_VERSION "unknown"
#endif

// The subcommands, in the order `--help` lists them. To add a command `foo`,
// write tools/latticepol/foo_cmd.cc defining
//   void latticepol::cli::RegisterFooCommand(CLI::App&, CommandContext&);
// and add one line `X(Foo)` here (see cli_common.h).
#define LATTICEPOL_CLI_COMMANDS(X) \
  X(Eval)                          \
  X(Fmt)                           \
  X(Check)                         \
  X(Generate)                      \
  X(Simulate)                      \
  X(Validate)                      \
  X(Diff)                          \
  X(Prove)                         \
  X(Analyze)

namespace latticepol::cli {
#define LATTICEPOL_DECLARE_COMMAND(Name) \
  void Register##Name##Command(CLI::App& app, CommandContext& context);
LATTICEPOL_CLI_COMMANDS(LATTICEPOL_DECLARE_COMMAND)
#undef LATTICEPOL_DECLARE_COMMAND
}  // namespace latticepol::cli

int main(int argc, char** argv) {
  using latticepol::cli::CommandContext;
  using latticepol::cli::ExitCode;

  CLI::App app(
      "latticepol checks AWS VPC Lattice auth policies: it validates policy\n"
      "documents, evaluates requests against them with AWS's semantics (including\n"
      "the service-network/service/identity chain) and explains every decision.",
      "latticepol");
  app.set_version_flag("--version", "latticepol " LATTICEPOL_VERSION,
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok/ALLOW, 1 failure (a failing case, internal error), "
      "2 usage error, 3 deny (eval), 4 invalid input.\n" +
      latticepol::cli::InputLimitsHelp() +
      "\nRun `latticepol <command> --help` for a command's options and an example.");

  CommandContext context;
  context.argv.assign(argv, argv + argc);
#define LATTICEPOL_REGISTER_COMMAND(Name) \
  latticepol::cli::Register##Name##Command(app, context);
  LATTICEPOL_CLI_COMMANDS(LATTICEPOL_REGISTER_COMMAND)
#undef LATTICEPOL_REGISTER_COMMAND

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version or the error
    return code == 0 ? static_cast<int>(ExitCode::kOk)
                     : static_cast<int>(ExitCode::kUsage);
  }
  return context.exit_code;
}
