#!/usr/bin/env bash
# CLI tests for `latticepol simulate`: exit codes (0 expectations hold, 3
# violated or a logged verdict contradicted, 4 invalid input, 2 usage),
# scenario errors with file:line:column, --format json, --output/--force,
# --shadow, --emit-requests, and --replay of both line formats with --strict.
# Usage: bash simulate.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$(cd "$2" && pwd)"
SHARED="$SRC/policies/shared-service"
SCENARIO="$SHARED/scenario.yaml"
POLICY="$SHARED/auth-policy.json"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in

# --- the shipped scenario: every expectation holds -----------------------------
run "shipped scenario" 0 "$LP" simulate "$SCENARIO" --count 20000 --threads 2
expect_in "shipped scenario" "$TMP/out" "Result: all 7 expectations hold"
expect_in "shipped scenario" "$TMP/out" "20,000 requests, seed 20240611"
expect_in "shipped scenario" "$TMP/out" "AllowBlue"
[ -s "$TMP/err" ] && fail "shipped scenario: stderr not empty (no progress bar off a terminal)"

run "json report" 0 "$LP" simulate "$SCENARIO" --count 5000 --format json
python3 - "$TMP/out" <<'EOF' || fail "json report: not the expected JSON"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["count"] == 5000 and r["result"] == "pass"
assert sum(r["totals"].values()) == 5000
assert len(r["callers"]) == 5 and len(r["expectations"]) == 7
EOF

# Same seed, same report (timing aside), whatever the thread count.
"$LP" simulate "$SCENARIO" --count 40000 --threads 1 --format json | grep -v -e Seconds -e PerSecond -e '"threads"' >"$TMP/a.json"
"$LP" simulate "$SCENARIO" --count 40000 --threads 3 --format json | grep -v -e Seconds -e PerSecond -e '"threads"' >"$TMP/b.json"
cmp -s "$TMP/a.json" "$TMP/b.json" || fail "determinism: reports differ between 1 and 3 threads"
"$LP" simulate "$SCENARIO" --count 40000 --seed 5 --format json | grep -v -e Seconds -e PerSecond -e '"threads"' >"$TMP/c.json"
cmp -s "$TMP/a.json" "$TMP/c.json" && fail "determinism: another seed gave the same report"

# --- a violated expectation: exit 3 with samples -----------------------------
cat >"$TMP/violated.yaml" <<EOF
policies:
  service: $POLICY
count: 3000
callers:
  - name: blue
    sourceVpcOwnerAccount: "111111111111"
mix:
  methods: {GET: 1, POST: 1}
  query: {q: blue}
expectations:
  - match: {caller: blue}
    expect: ALLOW
EOF
run "violated" 3 "$LP" simulate "$TMP/violated.yaml" --samples 2
expect_in "violated" "$TMP/out" "Violated #0"
expect_in "violated" "$TMP/out" '"method":"POST"'
expect_in "violated" "$TMP/out" "Result: 1 of 1 expectations violated"

# A sample pasted into `latticepol eval` gives the same decision.
grep -m1 '^      {' "$TMP/out" | sed 's/^ *//' >"$TMP/sample.json"
run "sample in eval" 3 "$LP" eval --policy "$POLICY" --request "$TMP/sample.json"
expect_in "sample in eval" "$TMP/out" "IMPLICIT_DENY"

# --- shadow ------------------------------------------------------------------
printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}' >"$TMP/allow-all.json"
run "shadow" 3 "$LP" simulate "$TMP/violated.yaml" --shadow "$TMP/allow-all.json" --format json
python3 - "$TMP/out" <<'EOF' || fail "shadow: unexpected diff"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["shadow"]
denied = r["totals"]["IMPLICIT_DENY"] + r["totals"]["EXPLICIT_DENY"]
assert s["deniedToAllowed"] == denied > 0, s
assert s["allowedToDenied"] == 0
assert len(s["deniedToAllowedSamples"]) == 5
EOF

# --- invalid input: exit 4, located errors -----------------------------------
cat >"$TMP/bad.yaml" <<EOF
policies:
  service: $POLICY
callers:
  - name: blue
    weight: -1
  - name: green
    wieght: 2
EOF
run "bad scenario" 4 "$LP" simulate "$TMP/bad.yaml"
expect_in "bad scenario" "$TMP/err" "bad.yaml:5:13: /callers/0/weight: error: weight must be a non-negative number"
expect_in "bad scenario" "$TMP/err" "bad.yaml:7:5: /callers/1/wieght: error: unknown field \`wieght\`; did you mean \`weight\`?"
run "missing scenario" 4 "$LP" simulate "$TMP/nope.yaml"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"allow"}]}' >"$TMP/bad-policy.json"
run "bad shadow policy" 4 "$LP" simulate "$SCENARIO" --count 10 --shadow "$TMP/bad-policy.json"

# --- usage: exit 2 -----------------------------------------------------------------
run "no scenario" 2 "$LP" simulate
run "unknown option" 2 "$LP" simulate "$SCENARIO" --bogus
run "bad format" 2 "$LP" simulate "$SCENARIO" --format yaml
run "replay without policy" 2 "$LP" simulate --replay "$TMP/x.jsonl"

# --- --output refuses to overwrite without --force ----------------------------
run "output" 0 "$LP" simulate "$SCENARIO" --count 1000 --output "$TMP/report.txt"
expect_in "output" "$TMP/report.txt" "Result: all 7 expectations hold"
[ -s "$TMP/out" ] && fail "output: the report also went to stdout"
run "output exists" 2 "$LP" simulate "$SCENARIO" --count 1000 --output "$TMP/report.txt"
expect_in "output exists" "$TMP/err" "use --force"
run "output force" 0 "$LP" simulate "$SCENARIO" --count 1000 --output "$TMP/report.txt" --force --format json
expect_in "output force" "$TMP/report.txt" '"result": "pass"'

# --- replay: canonical JSON Lines --------------------------------------------------
run "emit" 0 "$LP" simulate "$SCENARIO" --count 3000 --emit-requests "$TMP/stream.jsonl"
[ "$(wc -l <"$TMP/stream.jsonl")" -eq 3000 ] || fail "emit: expected 3000 lines"
"$LP" simulate "$SCENARIO" --count 3000 --format json >"$TMP/sim.json"
run "replay stream" 0 "$LP" simulate --replay "$TMP/stream.jsonl" --policy "$POLICY" --format json
python3 - "$TMP/sim.json" "$TMP/out" <<'EOF' || fail "replay stream: totals differ from the simulation"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["totals"] == b["totals"], (a["totals"], b["totals"])
assert b["requests"] == 3000 and b["malformed"] == 0
EOF
run "replay stdin" 0 "$LP" simulate --replay - --policy "$POLICY" <"$TMP/stream.jsonl"
expect_in "replay stdin" "$TMP/out" "3,000 lines: 3,000 canonical requests"

{ head -3 "$TMP/stream.jsonl"; echo '{"methd":"GET"}'; echo 'not json'; tail -2 "$TMP/stream.jsonl"; } >"$TMP/broken.jsonl"
run "replay malformed" 0 "$LP" simulate --replay "$TMP/broken.jsonl" --policy "$POLICY"
expect_in "replay malformed" "$TMP/out" "2 malformed"
expect_in "replay malformed" "$TMP/err" "broken.jsonl:4:2: error: /methd: unknown request field \`methd\`; did you mean \`method\`?"
expect_in "replay malformed" "$TMP/err" "broken.jsonl:5:"
run "replay strict" 4 "$LP" simulate --replay "$TMP/broken.jsonl" --policy "$POLICY" --strict
expect_in "replay strict" "$TMP/err" "broken.jsonl:4:2: error:"

# --- replay: access logs ------------------------------------------------------------
SVC="arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0"
cat >"$TMP/access.log" <<EOF
{"startTime":"2024-06-11T10:00:00Z","serviceArn":"$SVC","sourceVpcArn":"arn:aws:ec2:us-east-1:999999999999:vpc/vpc-0bad","requestMethod":"POST","requestPath":"/items","callerPrincipal":"-","authDeniedReason":"Service","responseCode":403}
EOF
run "access log agrees" 0 "$LP" simulate --replay "$TMP/access.log" --policy "$POLICY" --replay-format accesslog
expect_in "access log agrees" "$TMP/out" "agree: 1"
cat >>"$TMP/access.log" <<EOF
{"startTime":"2024-06-11T10:00:01Z","serviceArn":"$SVC","sourceVpcArn":"arn:aws:ec2:us-east-1:999999999999:vpc/vpc-0bad","requestMethod":"GET","requestPath":"/items","callerPrincipal":"-","authDeniedReason":"-","responseCode":200}
EOF
run "access log disagrees" 3 "$LP" simulate --replay "$TMP/access.log" --policy "$POLICY"
expect_in "access log disagrees" "$TMP/out" "logged allowed, candidate denies: 1"
expect_in "access log disagrees" "$TMP/out" "line 2: IMPLICIT_DENY; logged allowed"

# --- the stream is pinned ---------------------------------------------------------
# The requests of a seed and the report on them are part of the contract
# (latticepol/simulate.h): a faster draw must give the same bytes. The hashes
# were recorded before the draw was rewritten (per-caller draw plans). The
# scenario reaches every path of the draw: picks above 127 (130 paths), a key
# with one choice (no draw), a random key with one choice (a draw for its
# value only), random values of several lengths, weights that put thresholds
# inside the pick tables' buckets, and two callers with different keys.
paths=$(for i in $(seq 0 129); do printf '/p%d, ' "$i"; done)
cat >"$TMP/pin.yaml" <<EOF
policies:
  service: $POLICY
count: 4000
seed: 99
callers:
  - name: a
    weight: 3
    sourceVpcOwnerAccount: "111111111111"
    principal: {account: "111111111111"}
  - name: b
    sourceVpcOwnerAccount: "222222222222"
    principal: anonymous
    mix:
      headers:
        x-one: [{random: {min: 0, max: 2, alphabet: "xy"}}]
mix:
  methods: {GET: 5, POST: 2, PUT: 1}
  paths: [${paths%, }]
  port: {443: 3, 8443: 1}
  query:
    q: [{value: blue, weight: 5}, {absent: true}, {repeat: [blue, green]}, {random: {min: 1, max: 4, alphabet: "ab%&="}}]
    k: v
  headers:
    x-t: [{value: a}, {random: 3}]
expectations:
  - match: {caller: a, method: GET, query: {q: blue}}
    expect: ALLOW
  - match: {caller: b}
    expect: DENY
EOF
run "pinned stream" 0 "$LP" simulate "$TMP/pin.yaml" --emit-requests -
[ "$(sha256sum <"$TMP/out" | cut -d' ' -f1)" = c8fef6aa8e3ecc5a71577ba921f46ef48ab6b9fff1ffa158bbb6a4f21779d3ba ] ||
  fail "pinned stream: the requests of seed 99 changed"
for threads in 1 3; do
  run "pinned report" 0 "$LP" simulate "$TMP/pin.yaml" --threads "$threads" --format json
  [ "$(grep -v -e Seconds -e PerSecond -e '"threads"' -e '"scenario"' "$TMP/out" | sha256sum | cut -d' ' -f1)" = \
    0ac18b3ee230317443c61fe8ae26eabfcf4c7ca2093d522967423f61088de89a ] ||
    fail "pinned report: the report on seed 99 changed ($threads threads)"
done

if [ "$failures" -ne 0 ]; then
  echo "simulate.sh: $failures failure(s)" >&2
  exit 1
fi
echo "simulate.sh: all checks passed"
