#!/usr/bin/env bash
# The main job: installs the Debian packages, configures and builds latticepol
# into build/, then checks the shipped blue/green policy against its cases.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
build/latticepol simulate policies/shared-service/scenario.yaml
