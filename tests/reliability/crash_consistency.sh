#!/usr/bin/env bash
# Crash consistency of the files latticepol writes: a `simulate
# --emit-requests --force` run is killed with SIGKILL at several points of a
# large write; the target must then hold the old content or the complete new
# content, never a mix, a truncated file or nothing, and the next run must
# sweep the dead run's temporary file.
# Usage: bash crash_consistency.sh <path-to-latticepol> <source-dir>
set -uo pipefail

LP="$1"
SRC="$(cd "$2" && pwd)"
SCENARIO="$SRC/policies/shared-service/scenario.yaml"
. "$SRC/tests/cli/lib.sh"  # TMP, failures, fail, run, expect_in
COUNT=${LATTICEPOL_CRASH_COUNT:-60000}

TARGET="$TMP/out/requests.jsonl"
mkdir -p "$TMP/out"
# The complete new content, for comparison.
timeout 60 "$LP" simulate "$SCENARIO" --count "$COUNT" --emit-requests "$TMP/full.jsonl" ||
  fail "reference run failed"
printf 'OLD CONTENT\n' >"$TMP/old"

for delay in 0.05 0.2 0.4 0.8 1.5 5; do
  cp "$TMP/old" "$TARGET"
  # Not under `timeout`: the kill must reach latticepol itself.
  "$LP" simulate "$SCENARIO" --count "$COUNT" --emit-requests "$TARGET" --force &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if cmp -s "$TARGET" "$TMP/old"; then
    state=old
  elif cmp -s "$TARGET" "$TMP/full.jsonl"; then
    state=new
  else
    state=mixed
    fail "kill after ${delay}s: the target is neither the old nor the new content ($(wc -c <"$TARGET") bytes)"
  fi
  echo "kill after ${delay}s: the target holds the $state content"
done

# A finished run sweeps the temporaries the killed runs left behind.
timeout 60 "$LP" simulate "$SCENARIO" --count 10 --output "$TMP/out/report.txt" >/dev/null ||
  fail "sweeping run failed"
if ls -a "$TMP/out" | grep -q latticepol-tmp; then
  fail "temporary files left behind: $(ls -a "$TMP/out" | tr '\n' ' ')"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures crash-consistency check(s) failed" >&2
  exit 1
fi
echo "crash consistency: all checks passed"
