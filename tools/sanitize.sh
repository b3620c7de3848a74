#!/usr/bin/env bash
# File: tools/sanitize.sh
# Stage: hardening. Builds the library, the CLI and the unit tests with
# AddressSanitizer + UndefinedBehaviorSanitizer (-DLATTICEPOL_SANITIZE=ON, any
# error aborts) into build-asan/ and runs ctest there (unit and CLI tests; the
# install test is not registered in a sanitizer build). Extra arguments go to
# ctest, e.g. `tools/sanitize.sh -R parse_test`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1: sanitizer builds of the unit tests are compile-bound; -O1 keeps them
# fast to build while the tests still run quickly.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      "${launcher[@]}" -DLATTICEPOL_SANITIZE=ON -DLATTICEPOL_BUILD_TESTS=ON \
      -DLATTICEPOL_BUILD_PYTHON=OFF -DLATTICEPOL_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# The differential test's 200,000 pairs run in the Release build
# (tools/test.sh); under ASan a fifth of them keeps CI time down.
export LATTICEPOL_DIFF_PAIRS="${LATTICEPOL_DIFF_PAIRS:-40000}"
# The reliability probes bound memory with `ulimit -v`, which ASan's shadow
# memory cannot run under; they run in the Release build (tools/test.sh).
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -LE 'install|reliability' "$@"
