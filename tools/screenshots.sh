#!/usr/bin/env bash
# Renders the HTML reports of the shipped examples and screenshots them with
# headless Chromium into docs/img/ (the pictures in README.md):
#   simulate.png  the blue/green scenario, 10^6 requests
#   shadow.png    the same stream against policies/shared-service/candidate.json
#   replay.png    a replay of 10^5 recorded requests against the candidate
#   diff.png      latticepol diff of the policy and the candidate
#   prove.png     latticepol prove of the scenario with a backdoor candidate
#   analyze.png   latticepol analyze of the shipped policy
# The pages themselves are left in build/screenshots/. Needs build/latticepol
# (tools/build.sh) and chromium (tools/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LP=build/latticepol
SHARED=policies/shared-service
WORK=build/screenshots
OUT=docs/img
mkdir -p "$WORK" "$OUT"
PROFILES="$(mktemp -d)"
trap 'rm -rf "$PROFILES"' EXIT

# shot <page> <height>: $WORK/<page>.html -> $OUT/<page>.png, 1280 px wide.
shot() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$(mktemp -d "$PROFILES/p.XXXX")" --window-size="1280,$2" \
    --screenshot="$OUT/$1.png" "file://$PWD/$WORK/$1.html" 2>/dev/null
  echo "$OUT/$1.png"
}

# Exit code 3 (an expectation violated, a verdict changed) still writes the page.
"$LP" simulate "$SHARED/scenario.yaml" --count 1000000 --format html --no-progress \
  >"$WORK/simulate.html" || [ $? -eq 3 ]
"$LP" simulate "$SHARED/scenario.yaml" --count 1000000 --shadow "$SHARED/candidate.json" \
  --format html --no-progress >"$WORK/shadow.html" || [ $? -eq 3 ]
"$LP" simulate "$SHARED/scenario.yaml" --count 100000 --emit-requests "$WORK/traffic.jsonl" --force
"$LP" simulate --replay "$WORK/traffic.jsonl" --policy "$SHARED/auth-policy.json" \
  --shadow "$SHARED/candidate.json" --format html >"$WORK/replay.html" || [ $? -eq 3 ]
"$LP" diff "$SHARED/auth-policy.json" "$SHARED/candidate.json" --format html \
  >"$WORK/diff.html" || [ $? -eq 1 ]
"$LP" prove "$SHARED/scenario.yaml" --policy "$SHARED/examples/backdoor-purge.json" \
  --format html >"$WORK/prove.html" || [ $? -eq 3 ]
"$LP" analyze "$SHARED/auth-policy.json" --scenario "$SHARED/scenario.yaml" --format html \
  >"$WORK/analyze.html"

shot simulate 1700
shot shadow 2300
shot replay 1500
shot diff 1150
shot prove 1250
shot analyze 1300
