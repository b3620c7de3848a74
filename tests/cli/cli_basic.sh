#!/usr/bin/env bash
# CLI tests for `latticepol eval`, `check` and `validate`: outputs, exit codes,
# stdin input, issue locations, --help and --version.
# Usage: bash cli_basic.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$2"
POLICY="$SRC/policies/shared-service/auth-policy.json"
CASES="$SRC/policies/shared-service/cases.jsonl"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in

# --- check on the shipped cases ----------------------------------------------
run "check shipped cases" 0 "$LP" check --cases "$CASES" --policy "$POLICY"
n_cases=$(grep -c . "$CASES")
tail -n 1 "$TMP/out" | grep -qxE "$n_cases passed, 0 failed" ||
  fail "check shipped cases: last line is \`$(tail -n 1 "$TMP/out")\`, expected \`$n_cases passed, 0 failed\`"

run "check shipped cases json" 0 "$LP" check --cases "$CASES" --policy "$POLICY" --format json
expect_in "check json" "$TMP/out" "\"passed\":$n_cases"
expect_in "check json" "$TMP/out" '"failed":0'

# --- a failing case exits 1 and is explained ---------------------------------
cat >"$TMP/failing.jsonl" <<'CASES'
{"name": "really allowed", "request": {"query": "q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "ALLOW"}

{"name": "wrongly expected allow", "request": {"query": "q=green", "sourceVpcOwnerAccount": "111111111111"}, "expect": "ALLOW"}
{"name": "skipped one", "request": {}, "expect": "ALLOW", "skip": "not yet", "comment": "unknown fields are ignored"}
CASES
run "check failing case" 1 "$LP" check --cases "$TMP/failing.jsonl" --policy "$POLICY"
expect_in "check failing case" "$TMP/out" "FAIL wrongly expected allow (line 3)"
expect_in "check failing case" "$TMP/out" "expected: ALLOW"
expect_in "check failing case" "$TMP/out" "got:      IMPLICIT_DENY"
expect_in "check failing case" "$TMP/out" "AllowBlue"
if grep -qF "really allowed" "$TMP/out"; then fail "check failing case: a passing case was printed"; fi
[ "$(tail -n 1 "$TMP/out")" = "1 passed, 1 failed, 1 skipped" ] ||
  fail "check failing case: last line is \`$(tail -n 1 "$TMP/out")\`"

# --- a broken case file exits 4 naming the line ------------------------------
cat >"$TMP/broken.jsonl" <<'CASES'
{"name": "fine", "request": {"query": "q=blue"}, "expect": "ALLOW"}
{"name": "bad expect", "request": {"query": "q=blue"}, "expect": "PERMIT"}
{"name": "syntax", "request": {
CASES
run "check broken file" 4 "$LP" check --cases "$TMP/broken.jsonl" --policy "$POLICY"
expect_in "check broken file" "$TMP/err" "broken.jsonl:2"
expect_in "check broken file" "$TMP/err" "/expect"
expect_in "check broken file" "$TMP/err" "broken.jsonl:3"

printf '%s\n' '{"name": "bad request", "request": {"methd": "GET"}, "expect": "ALLOW"}' >"$TMP/badreq.jsonl"
run "check bad request field" 4 "$LP" check --cases "$TMP/badreq.jsonl" --policy "$POLICY"
expect_in "check bad request field" "$TMP/err" "badreq.jsonl:1"
expect_in "check bad request field" "$TMP/err" "/request"

# A case without any policy, and no --policy: invalid input.
run "check without policy" 4 "$LP" check --cases "$TMP/failing.jsonl"
expect_in "check without policy" "$TMP/err" "failing.jsonl:1"

# An invalid --policy: invalid input.
printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":"*","Action":"*","Resource":"*"}]}' >"$TMP/bad-policy.json"
run "check invalid policy" 4 "$LP" check --cases "$CASES" --policy "$TMP/bad-policy.json"

# --- eval ---------------------------------------------------------------------
echo '{"query": "q=blue", "sourceVpcOwnerAccount": "111111111111"}' >"$TMP/blue.json"
run "eval allow from stdin" 0 "$LP" eval --policy "$POLICY" --request - <"$TMP/blue.json"
expect_in "eval allow" "$TMP/out" "decision: ALLOW"
expect_in "eval allow" "$TMP/out" "layer: none"
expect_in "eval allow" "$TMP/out" "AllowBlue"

run "eval deny from stdin" 3 "$LP" eval --policy "$POLICY" --request - \
  <<<'{"query": "q=green", "sourceVpcOwnerAccount": "111111111111"}'
expect_in "eval deny" "$TMP/out" "decision: IMPLICIT_DENY"
expect_in "eval deny" "$TMP/out" "layer: service"

run "eval uncertain" 3 "$LP" eval --policy "$POLICY" --request - --format json \
  <<<'{"query": "q=blue&q=blue", "sourceVpcOwnerAccount": "111111111111"}'
expect_in "eval uncertain json" "$TMP/out" '"decision":"IMPLICIT_DENY"'
expect_in "eval uncertain json" "$TMP/out" '"Q2"'

# The chain: network AWS_IAM without a network policy denies at the network layer.
run "eval chain" 3 "$LP" eval --policy "$POLICY" --request "$TMP/blue.json" --network-auth-type AWS_IAM
expect_in "eval chain" "$TMP/out" "layer: network"
run "eval chain E1" 0 "$LP" eval --request "$TMP/blue.json" --network-auth-type NONE --service-auth-type NONE
expect_in "eval chain E1" "$TMP/out" "decision: ALLOW"

echo '{"query": "q=blue", "methd": "GET"}' >"$TMP/badreq.json"
run "eval invalid request" 4 "$LP" eval --policy "$POLICY" --request "$TMP/badreq.json"
expect_in "eval invalid request" "$TMP/err" "badreq.json"
run "eval missing file" 4 "$LP" eval --policy "$TMP/does-not-exist.json" --request "$TMP/blue.json"
expect_in "eval missing file" "$TMP/err" "does-not-exist.json"
run "eval without --policy" 2 "$LP" eval --request "$TMP/blue.json"
run "eval bad auth type" 2 "$LP" eval --policy "$POLICY" --request "$TMP/blue.json" --service-auth-type IAM

# --- validate -------------------------------------------------------------------
run "validate shipped policy" 0 "$LP" validate "$POLICY"
expect_in "validate shipped policy" "$TMP/out" "valid"
run "validate bad policy" 4 "$LP" validate "$TMP/bad-policy.json"
expect_in "validate bad policy" "$TMP/out" "/Statement/0/Effect"
expect_in "validate bad policy" "$TMP/out" "bad-policy.json:"
run "validate bad policy json" 4 "$LP" validate "$TMP/bad-policy.json" --format json
expect_in "validate bad policy json" "$TMP/out" '"valid":false'
expect_in "validate bad policy json" "$TMP/out" '"/Statement/0/Effect"'
printf '{"Version": "2012-10-17",\n  "Statement": [}' >"$TMP/syntax.json"
run "validate syntax error" 4 "$LP" validate "$TMP/syntax.json"
expect_in "validate syntax error" "$TMP/out" "syntax.json:2:"

# --- uncertain DECISION ids are shown once ---------------------------------------
cat >"$TMP/uncertain.jsonl" <<'CASES'
{"name": "repeated q", "request": {"query": "q=blue&q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "IMPLICIT_DENY"}
{"name": "repeated q, chain", "request": {"query": "q=blue&q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "IMPLICIT_DENY", "networkAuthType": "NONE"}
CASES
run "check uncertain" 0 "$LP" check --cases "$TMP/uncertain.jsonl" --policy "$POLICY" --verbose
n=$(grep -c 'uncertain: Q2' "$TMP/out" || true)
[ "$n" -eq 2 ] || { fail "check uncertain: \`uncertain: Q2\` printed $n times for 2 cases"; cat "$TMP/out" >&2; }
run "eval uncertain text" 3 "$LP" eval --policy "$POLICY" --request - \
  <<<'{"query": "q=blue&q=blue", "sourceVpcOwnerAccount": "111111111111"}'
n=$(grep -c 'uncertain: Q2' "$TMP/out" || true)
[ "$n" -eq 1 ] || { fail "eval uncertain text: \`uncertain: Q2\` printed $n times"; cat "$TMP/out" >&2; }

# --- input limits and special files (F5) -----------------------------------------
run "validate a directory" 4 "$LP" validate "$TMP"
expect_in "validate a directory" "$TMP/err" "is a directory"
mkfifo "$TMP/fifo"
run "validate a FIFO" 4 timeout 10 "$LP" validate "$TMP/fifo"
expect_in "validate a FIFO" "$TMP/err" "not a regular file"
# Case files are read streaming: /dev/null is an empty case file.
run "check /dev/null" 0 "$LP" check --cases /dev/null --policy "$POLICY"
expect_in "check /dev/null" "$TMP/out" "0 passed, 0 failed"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TMP/big-policy.json"
run "validate over 1 MiB" 4 "$LP" validate "$TMP/big-policy.json"
expect_in "validate over 1 MiB" "$TMP/err" "big-policy.json\` is larger than the 1 MiB limit"
run "eval policy over 1 MiB" 4 "$LP" eval --policy "$TMP/big-policy.json" --request "$TMP/blue.json"
expect_in "eval policy over 1 MiB" "$TMP/err" "is larger than the 1 MiB limit"
run "validate stdin over 1 MiB" 4 "$LP" validate - <"$TMP/big-policy.json"
expect_in "validate stdin over 1 MiB" "$TMP/err" "input \`<stdin>\` is larger than the 1 MiB limit"
# Exactly at the limit is read (and then rejected by the parser as empty JSON).
head -c $((1024 * 1024)) /dev/zero | tr '\0' ' ' >"$TMP/at-limit.json"
run "validate at 1 MiB" 4 "$LP" validate "$TMP/at-limit.json"
grep -qF "larger than" "$TMP/err" && fail "validate at 1 MiB: refused as too large"
run "cases file over 1 MiB is fine" 0 "$LP" check --cases "$TMP/big-policy.json" --policy "$POLICY"
run "--help states the limits" 0 "$LP" --help
expect_in "--help limits" "$TMP/out" "policy files up to 1 MiB"

# --- help, version, usage -------------------------------------------------------
run "--version" 0 "$LP" --version
grep -qE '^latticepol [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out" || fail "--version printed \`$(cat "$TMP/out")\`"
run "--help" 0 "$LP" --help
for cmd in eval check validate; do
  grep -qE "^  $cmd " "$TMP/out" || fail "--help does not list \`$cmd\`"
done
for cmd in eval check validate; do
  run "$cmd --help" 0 "$LP" "$cmd" --help
  expect_in "$cmd --help" "$TMP/out" "Example:"
  expect_in "$cmd --help" "$TMP/out" "latticepol $cmd"
done
run "no subcommand" 2 "$LP"
run "unknown subcommand" 2 "$LP" frobnicate
run "unknown option" 2 "$LP" check --cases "$CASES" --bogus
run "check without --cases" 2 "$LP" check --policy "$POLICY"
run "bad --format" 2 "$LP" validate "$POLICY" --format yaml

if [ "$failures" -ne 0 ]; then
  echo "$failures CLI assertion(s) failed" >&2
  exit 1
fi
echo "all CLI assertions passed"
