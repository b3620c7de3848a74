#!/usr/bin/env bash
# Installs the Debian 12 packages latticepol builds and tests with.
# Skips apt entirely when everything is already installed.
set -euo pipefail
packages=(
  cmake ninja-build g++ pkg-config git
  libabsl-dev libre2-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-pytest python3-setuptools python3-pip
  python3-yaml python3-jsonschema
  clang libclang-rt-14-dev
  zlib1g-dev python3-numpy python3-dask python3-distributed
  chromium  # the HTML report's browser test (tests/browser)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "latticepol: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
