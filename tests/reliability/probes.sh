#!/usr/bin/env bash
# Reliability probes: each runs one bad or adversarial input through the CLI,
# bounded in time (timeout) and memory (ulimit -v), and checks the exit code
# and the message. Every probe reproduces a failure that once happened (a
# silent wrong answer, a crash, a hang, unbounded memory or a lost file).
# Usage: bash probes.sh <path-to-latticepol> <source-dir>
set -uo pipefail

LP="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRC="$(cd "$2" && pwd)"
SHARED="$SRC/policies/shared-service"
SCENARIO="$SHARED/scenario.yaml"
POLICY="$SHARED/auth-policy.json"
. "$SRC/tests/cli/lib.sh"  # TMP, failures, fail, run, expect_in
MEMORY_KB=${LATTICEPOL_PROBE_MEMORY_KB:-1048576}  # 1 GiB of address space
SECONDS_LIMIT=${LATTICEPOL_PROBE_SECONDS:-20}

# probe <name> <expected-exit> <cmd...>: runs bounded; stdout -> $TMP/out,
# stderr -> $TMP/err. A timeout (124) or a signal (>128) always fails.
probe() {
  local name="$1" expected="$2"
  shift 2
  local code=0
  (ulimit -v "$MEMORY_KB"; exec timeout "$SECONDS_LIMIT" "$@") >"$TMP/out" 2>"$TMP/err" || code=$?
  if [ "$code" -ne "$expected" ]; then
    fail "$name: exit code $code, expected $expected"
    echo "--- stdout" >&2; head -30 "$TMP/out" >&2
    echo "--- stderr" >&2; head -30 "$TMP/err" >&2
  fi
}

expect_not_in() {
  if grep -qF -- "$3" "$2"; then fail "$1: \`$3\` found in $(basename "$2")"; fi
}

# --- issue 16 item 1+2: a candidate that breaks the scenario ----------------------
# A candidate that lets green read blue once passed with exit 0.
printf '%s' '{"Version":"2012-10-17","Statement":[{"Sid":"OpenToAll","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}' >"$TMP/open.json"
probe "shadow candidate violates" 3 "$LP" simulate "$SCENARIO" --count 20000 --shadow "$TMP/open.json"
expect_in "shadow candidate violates" "$TMP/out" "Violated by the candidate #"
expect_in "shadow candidate violates" "$TMP/out" "decided by service #0 OpenToAll"
expect_in "shadow candidate violates" "$TMP/out" "  by caller: "
expect_in "shadow candidate violates" "$TMP/out" "      why: service layer: "
expect_not_in "shadow candidate violates" "$TMP/out" "expectations hold"
probe "shadow candidate json" 3 "$LP" simulate "$SCENARIO" --count 20000 --shadow "$TMP/open.json" --format json
python3 - "$TMP/out" <<'PY' || fail "shadow candidate json: unexpected report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "fail" and r["violations"] == 0, r["result"]
assert r["shadow"]["violations"] > 0
bad = [e for e in r["expectations"] if e["candidate"]["violations"] > 0]
assert bad
for e in bad:
    assert sum(e["candidate"]["violationsByCaller"].values()) == e["candidate"]["violations"]
    for s in e["candidate"]["samples"]:
        assert s["explanation"], s
PY
# The current policy as its own candidate: everything holds.
probe "shadow candidate holds" 0 "$LP" simulate "$SCENARIO" --count 20000 --shadow "$POLICY"
expect_in "shadow candidate holds" "$TMP/out" "expectations hold, for the candidate too"

# --- items 3, 4: counts and weights -------------------------------------------------
probe "count -1" 2 "$LP" simulate "$SCENARIO" --count -1
expect_in "count -1" "$TMP/err" "--count must be a whole number"
probe "count above the format's limit" 2 "$LP" simulate "$SCENARIO" --count 4611686018427387905
probe "count 2^64-1" 2 "$LP" simulate "$SCENARIO" --count 18446744073709551615
cat >"$TMP/weights.yaml" <<YAML
policies:
  service: $POLICY
count: 1000
mix:
  methods: {GET: 1e308, POST: 1e308, PUT: 1e-300}
callers:
  - name: blue
YAML
probe "weights overflow" 4 "$LP" simulate "$TMP/weights.yaml"
expect_in "weights overflow" "$TMP/err" "weights.yaml:5:"
expect_in "weights overflow" "$TMP/err" "add up to more than the largest number"
cat >"$TMP/callers.yaml" <<YAML
policies:
  service: $POLICY
count: 1000
callers:
  - {name: a, weight: 1.7e308}
  - {name: b, weight: 1.7e308}
YAML
probe "caller weights overflow" 4 "$LP" simulate "$TMP/callers.yaml"
expect_in "caller weights overflow" "$TMP/err" "add up to more than the largest number"
sed "s/1e308, POST: 1e308, PUT: 1e-300/.inf/" "$TMP/weights.yaml" >"$TMP/inf.yaml"
probe "weight inf" 4 "$LP" simulate "$TMP/inf.yaml"

# --- item 5: YAML aliases and second documents -----------------------------------
# A 224 KB scenario whose paths repeat an alias of a 10,000-character string
# once aborted with std::bad_alloc after 12 s.
python3 - "$TMP/bomb.yaml" "$POLICY" <<'PY'
import sys
out, policy = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    f.write("policies:\n  service: %s\ncount: 10\nmix:\n  paths: [&a \"/%s\"" % (policy, "x" * 10000))
    f.write(", *a" * 70000)
    f.write("]\ncallers:\n  - name: blue\n")
PY
probe "scenario alias bomb" 4 "$LP" simulate "$TMP/bomb.yaml"
expect_in "scenario alias bomb" "$TMP/err" "bomb.yaml:5:"
expect_in "scenario alias bomb" "$TMP/err" "aliases expand the scenario beyond"
# Nested aliases (billion laughs) in a topology.
python3 - "$TMP/laughs.yaml" <<'PY'
import sys
lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
for i in range(1, 12):
    lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
probe "topology billion laughs" 4 "$LP" generate "$TMP/laughs.yaml" --out "$TMP/gen" --dry-run
expect_in "topology billion laughs" "$TMP/err" "aliases expand the topology beyond"
# A small alias stays fine.
cat >"$TMP/alias-ok.yaml" <<YAML
policies:
  service: $POLICY
count: 100
mix:
  methods: &m {GET: 3, POST: 1}
callers:
  - name: blue
    mix: {methods: *m}
YAML
probe "scenario small alias" 0 "$LP" simulate "$TMP/alias-ok.yaml"
# A second document is an error, not ignored.
printf -- '---\npolicies:\n  service: %s\ncount: 10\ncallers:\n  - name: blue\n---\ncount: 20\n' "$POLICY" >"$TMP/two.yaml"
probe "scenario second document" 4 "$LP" simulate "$TMP/two.yaml"
expect_in "scenario second document" "$TMP/err" "two.yaml:7:"
expect_in "scenario second document" "$TMP/err" "a second document"
printf -- 'consumers: []\n---\nconsumers: []\n' >"$TMP/two-topology.yaml"
probe "topology second document" 4 "$LP" generate "$TMP/two-topology.yaml" --out "$TMP/gen" --dry-run
expect_in "topology second document" "$TMP/err" "a second document"

# --- item 8: files written ------------------------------------------------------
# A dangling symbolic link at --output is refused (it once created the link's target).
ln -s "$TMP/nowhere.txt" "$TMP/dangling.txt"
probe "dangling symlink output" 2 "$LP" simulate "$SCENARIO" --count 10 --output "$TMP/dangling.txt" --force
expect_in "dangling symlink output" "$TMP/err" "symbolic link to a file that does not exist"
[ -e "$TMP/nowhere.txt" ] && fail "dangling symlink output: the link's target was created"
# A device is written in place (with --force, as before).
probe "output to /dev/null" 0 "$LP" simulate "$SCENARIO" --count 100 --output /dev/null --force
# The folder is checked before the run.
probe "output folder missing" 2 "$LP" simulate "$SCENARIO" --count 10 --output "$TMP/no/such/report.txt"
expect_in "output folder missing" "$TMP/err" "does not exist"
# A file that appears during the run is not overwritten without --force (it
# once was: the existence check ran only before the run).
mkdir -p "$TMP/race"
"$LP" simulate "$SCENARIO" --count 200000 --emit-requests "$TMP/race/requests.jsonl" \
  >"$TMP/race.out" 2>"$TMP/race.err" &
racer=$!
for _ in $(seq 1 400); do
  ls -a "$TMP/race" | grep -q latticepol-tmp && break
  sleep 0.01
done
printf 'mine\n' >"$TMP/race/requests.jsonl"
code=0
wait "$racer" || code=$?
[ "$code" -eq 1 ] || fail "file created during the run: exit code $code, expected 1"
[ "$(cat "$TMP/race/requests.jsonl")" = "mine" ] || fail "file created during the run was overwritten"
grep -qF "created by someone else during the run" "$TMP/race.err" ||
  fail "file created during the run: no message"
ls -a "$TMP/race" | grep -q latticepol-tmp && fail "file created during the run: temporary left behind"
# Two generate runs into one folder never both write: the second is refused
# while the first holds the folder (here: an flock(1) holder).
mkdir -p "$TMP/gen-locked"
flock -n "$TMP/gen-locked" -c "sleep 5" &
holder=$!
sleep 0.3
probe "generate into a locked folder" 1 "$LP" generate "$SHARED/topology.yaml" --out "$TMP/gen-locked"
expect_in "generate into a locked folder" "$TMP/err" "another latticepol process is writing into"
[ -z "$(ls -A "$TMP/gen-locked")" ] || fail "generate into a locked folder: files were written"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# An existing stack file with nested aliases is refused, not expanded.
mkdir -p "$TMP/stack/blue-service"
python3 - "$TMP/stack/blue-service/Pulumi.dev.yaml" <<'PY'
import sys
lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
for i in range(1, 10):
    lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
lines.append("config:\n  aws:region: us-east-1")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
probe "stack file billion laughs" 4 "$LP" generate "$SHARED/topology.yaml" --out "$TMP/stack" --force
expect_in "stack file billion laughs" "$TMP/err" "aliases expand the stack file beyond"

# --- item 10: smaller input paths ----------------------------------------------------
probe "replay a directory" 4 "$LP" simulate --replay "$TMP" --policy "$POLICY"
expect_in "replay a directory" "$TMP/err" "cannot read \`$TMP\`: it is a directory"
printf 'garbage\n{"x":\n' >"$TMP/malformed.jsonl"
probe "replay only malformed lines" 4 "$LP" simulate --replay "$TMP/malformed.jsonl" --policy "$POLICY"
expect_in "replay only malformed lines" "$TMP/err" "no valid request"
(cd "$SHARED" && (ulimit -v "$MEMORY_KB"; timeout "$SECONDS_LIMIT" "$LP" simulate - --count 1000) \
  <"$SCENARIO" >"$TMP/out" 2>"$TMP/err") || fail "simulate - : exit code $?"
expect_in "simulate -" "$TMP/out" "latticepol simulate: <stdin>"
expect_in "simulate -" "$TMP/out" "Result: all 7 expectations hold"
probe "two inputs from stdin" 2 "$LP" simulate - --shadow - </dev/null

# An empty case file and /dev/null alike (the device was refused).
: >"$TMP/empty.jsonl"
probe "check empty case file" 0 "$LP" check --policy "$POLICY" --cases "$TMP/empty.jsonl"
cp "$TMP/out" "$TMP/empty.out"
probe "check /dev/null" 0 "$LP" check --policy "$POLICY" --cases /dev/null
cmp -s "$TMP/out" "$TMP/empty.out" || fail "check /dev/null: output differs from an empty file"
probe "check a folder" 4 "$LP" check --policy "$POLICY" --cases "$TMP"
expect_in "check a folder" "$TMP/err" "it is a directory"
# /dev/zero: one endless line, refused at the per-line cap, quickly.
probe "check /dev/zero" 4 "$LP" check --policy "$POLICY" --cases /dev/zero
expect_in "check /dev/zero" "$TMP/err" "case-line-too-long"

# --- item 11: case streams over 64 MiB on stdin, memory bounded by the piece -------
# 18 cases of ~4 MiB each (75 MB) once hit the 64 MiB whole-file cap; under
# a 600 MiB address-space limit they must all run.
python3 - "$SHARED/cases.jsonl" >"$TMP/big-cases.jsonl" <<'PY'
import json, sys
case = json.loads(open(sys.argv[1]).readline())
for i in range(18):
    case["name"] = "case-%d-%s" % (i, "n" * (4 << 20))
    print(json.dumps(case))
PY
MEMORY_KB=614400 probe "check 75 MB on stdin" 0 bash -c "\"$LP\" check --policy \"$POLICY\" --cases - <\"$TMP/big-cases.jsonl\""
expect_in "check 75 MB on stdin" "$TMP/out" "18 passed, 0 failed"
rm -f "$TMP/big-cases.jsonl"

if [ "$failures" -ne 0 ]; then
  echo "$failures reliability probe(s) failed" >&2
  exit 1
fi
echo "all reliability probes passed"
