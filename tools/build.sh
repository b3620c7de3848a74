#!/usr/bin/env bash
# Configures and builds latticepol into build/ (Release, Ninja). Extra
# arguments are passed to cmake at configure time.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLATTICEPOL_BUILD_PYTHON=ON \
      -DPython3_EXECUTABLE=/usr/bin/python3 -DLATTICEPOL_WERROR=ON "${launcher[@]}" "$@" >/dev/null
cmake --build build -j "$(nproc)"
