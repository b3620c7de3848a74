#!/usr/bin/env bash
# Runs every test: installs the Debian packages, configures and builds
# latticepol into build/, then runs ctest, the single entry point for the unit
# tests, the CLI tests and the Python tests. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
