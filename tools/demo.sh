#!/usr/bin/env bash
# The main job: installs the Debian packages, configures and builds latticepol
# into build/, then simulates 10 million requests of the shipped blue/green
# scenario (policies/shared-service/scenario.yaml) and checks its expectations.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
build/latticepol simulate policies/shared-service/scenario.yaml
