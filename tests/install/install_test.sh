#!/usr/bin/env bash
# File: tests/install/install_test.sh
# Stage: install test. Installs latticepol into a temporary prefix, configures
# and builds tests/install/consumer against the installed CMake package
# (find_package(latticepol CONFIG REQUIRED) -> latticepol::latticepol), runs it
# and checks its output, the installed CLI and the installed headers.
#
#   tests/install/install_test.sh                    # configure + build a fresh tree (Release)
#   tests/install/install_test.sh --build-dir build  # reuse an already built tree (ctest does this)
#
# Exits non-zero on the first failure. The temporary directory is removed.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$(cd "$2" && pwd)"; shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR]" >&2; exit 2 ;;
  esac
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/latticepol-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

if [ -z "$build_dir" ]; then
  build_dir="$tmp/build"
  echo "install_test: configuring and building latticepol in $build_dir"
  cmake -S "$src" -B "$build_dir" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DLATTICEPOL_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build_dir" -j "$(nproc)" >/dev/null
fi

prefix="$tmp/prefix"
echo "install_test: cmake --install $build_dir --prefix $prefix"
# Only the latticepol component set (no Python module, which installs elsewhere).
cmake --install "$build_dir" --prefix "$prefix" >/dev/null

fail() { echo "install_test: FAIL: $*" >&2; exit 1; }
libdir=""
for d in lib lib64 lib/x86_64-linux-gnu; do
  [ -f "$prefix/$d/cmake/latticepol/latticepolConfig.cmake" ] && libdir="$prefix/$d"
done
[ -n "$libdir" ] || fail "no latticepolConfig.cmake under $prefix"
[ -f "$libdir/cmake/latticepol/latticepolConfigVersion.cmake" ] || fail "no version file"
ls "$libdir"/liblatticepol.* >/dev/null 2>&1 || fail "no liblatticepol under $libdir"
[ -x "$prefix/bin/latticepol" ] || fail "no bin/latticepol"
[ -f "$prefix/include/latticepol/parse.h" ] || fail "no include/latticepol/parse.h"
# Public headers must not expose private dependencies or internal headers.
if grep -nE '#[[:space:]]*include[[:space:]]*[<"](nlohmann/|re2/|yaml-cpp/|simdjson|internal/)' \
     "$prefix"/include/latticepol/*.h; then
  fail "an installed header includes a private dependency"
fi
"$prefix/bin/latticepol" --version >/dev/null || fail "installed CLI --version failed"

echo "install_test: building the consumer against $prefix"
cmake -S "$src/tests/install/consumer" -B "$tmp/consumer" "${generator[@]}" "${launcher[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/consumer.log" 2>&1 ||
  { cat "$tmp/consumer.log" >&2; fail "configuring the consumer"; }
cmake --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 ||
  { cat "$tmp/consumer.log" >&2; fail "building the consumer"; }

out="$("$tmp/consumer/consumer")" || { echo "$out" >&2; fail "the consumer exited non-zero"; }
expected=$'q=blue: ALLOW\nq=green: IMPLICIT_DENY\nbad policy: invalid-type\n1 passed, 0 failed'
if [ "$out" != "$expected" ]; then
  printf 'install_test: got:\n%s\nexpected:\n%s\n' "$out" "$expected" >&2
  fail "unexpected consumer output"
fi
# The engine tier alone: latticepol::core links without the workflow
# dependencies, and the test generators are not installed.
[ ! -e "$prefix/include/latticepol/random.h" ] || fail "random.h is installed"
echo "install_test: building the core-only consumer against $prefix"
cmake -S "$src/tests/install/core_consumer" -B "$tmp/core" "${generator[@]}" "${launcher[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/core.log" 2>&1 ||
  { cat "$tmp/core.log" >&2; fail "configuring the core consumer"; }
cmake --build "$tmp/core" >>"$tmp/core.log" 2>&1 ||
  { cat "$tmp/core.log" >&2; fail "building the core consumer"; }
# The link command (Ninja: the last command of the target; Makefiles: link.txt).
if [ -f "$tmp/core/build.ninja" ]; then
  link_line="$(cd "$tmp/core" && ninja -t commands core_consumer | tail -n 1)"
else
  link_line="$(cat "$(find "$tmp/core" -name link.txt | head -n 1)")"
fi
[ -n "$link_line" ] || fail "no link command found for the core consumer"
case "$link_line" in
  *liblatticepol_core*) ;;
  *) fail "the core consumer does not link liblatticepol_core: $link_line" ;;
esac
if grep -qE 'yaml-cpp|libyaml|simdjson' <<<"$link_line"; then
  fail "the core consumer's link line names yaml-cpp or simdjson: $link_line"
fi
out="$("$tmp/core/core_consumer")" || { echo "$out" >&2; fail "the core consumer exited non-zero"; }
[ "$out" = $'q=blue: ALLOW\nq=green: DENY' ] || { echo "$out" >&2; fail "unexpected core consumer output"; }
echo "install_test: OK"
