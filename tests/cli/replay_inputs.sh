#!/usr/bin/env bash
# CLI tests for `latticepol simulate --replay` over many inputs: several
# files, quoted globs, .gz files and stdin; per-file line numbers in the
# malformed-line messages; bad inputs (no match, directory, device, corrupt
# gzip) exit 4 naming the path.
# Usage: bash replay_inputs.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$(cd "$2" && pwd)"
POLICY="$SRC/policies/shared-service/auth-policy.json"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in

BLUE='{"query":"q=blue","sourceVpcOwnerAccount":"111111111111"}'
mkdir -p "$TMP/logs"
printf '%s\n%s\n{"methd":"GET"}\n' "$BLUE" "$BLUE" >"$TMP/logs/a.jsonl"
printf '%s\n\n[]\n%s\n' "$BLUE" "$BLUE" | gzip -c >"$TMP/logs/b.jsonl.gz"
cat "$TMP/logs/a.jsonl" >"$TMP/all.jsonl"
gzip -dc "$TMP/logs/b.jsonl.gz" >>"$TMP/all.jsonl"

run "two files" 0 "$LP" simulate --replay "$TMP/logs/a.jsonl" --replay "$TMP/logs/b.jsonl.gz" --policy "$POLICY"
expect_in "two files" "$TMP/out" "7 lines"
expect_in "two files" "$TMP/out" "2 malformed"
expect_in "two files" "$TMP/err" "a.jsonl:3:"
expect_in "two files" "$TMP/err" "b.jsonl.gz:3:"
cp "$TMP/out" "$TMP/two.txt"

run "glob" 0 "$LP" simulate --replay "$TMP/logs/*.jsonl*" --policy "$POLICY"
grep -v 'MB/s' "$TMP/out" >"$TMP/glob.txt"
grep -v 'MB/s' "$TMP/two.txt" >"$TMP/two-notime.txt"
cmp -s "$TMP/glob.txt" "$TMP/two-notime.txt" || fail "glob: report differs from the explicit files"

run "repeated option" 0 "$LP" simulate --replay "$TMP/logs/a.jsonl" --replay "$TMP/logs/b.jsonl.gz" \
  --policy "$POLICY" --format json
expect_in "repeated option" "$TMP/out" '"lines": 7'
expect_in "repeated option" "$TMP/out" '"source": "'"$TMP/logs/b.jsonl.gz"'"'

# The totals equal those of the concatenation.
run "concatenation" 0 "$LP" simulate --replay "$TMP/all.jsonl" --policy "$POLICY" --format json
grep -F '"ALLOW"' "$TMP/out" >"$TMP/allow-one"
"$LP" simulate --replay "$TMP/logs/a.jsonl" --replay "$TMP/logs/b.jsonl.gz" --policy "$POLICY" --format json \
  2>/dev/null | grep -F '"ALLOW"' >"$TMP/allow-two"
cmp -s "$TMP/allow-one" "$TMP/allow-two" || fail "concatenation: totals differ"

# --replay takes one value per occurrence: a second bare file is not swallowed.
run "two values after one --replay" 2 "$LP" simulate --replay "$TMP/logs/a.jsonl" "$TMP/logs/b.jsonl.gz" \
  --policy "$POLICY"
expect_in "two values after one --replay" "$TMP/err" "looks like replay input, not a SCENARIO"
expect_in "two values after one --replay" "$TMP/err" "give each input its own --replay"
run "three values after one --replay" 2 "$LP" simulate --replay "$TMP/logs/a.jsonl" "$TMP/all.jsonl" \
  "$TMP/logs/b.jsonl.gz" --policy "$POLICY"
# Options and the SCENARIO may follow --replay FILE.
run "scenario after --replay" 0 "$LP" simulate --replay "$TMP/logs/a.jsonl" \
  "$SRC/policies/shared-service/scenario.yaml" --format json
expect_in "scenario after --replay" "$TMP/out" '"lines": 3'
run "--replay without a value" 2 "$LP" simulate --policy "$POLICY" --replay

run "gzip from stdin" 0 "$LP" simulate --replay - --policy "$POLICY" <"$TMP/logs/b.jsonl.gz"
expect_in "gzip from stdin" "$TMP/out" "4 lines"

run "no match" 4 "$LP" simulate --replay "$TMP/logs/*.none" --policy "$POLICY"
expect_in "no match" "$TMP/err" "no file matches"
run "directory" 4 "$LP" simulate --replay "$TMP/logs" --policy "$POLICY"
expect_in "directory" "$TMP/err" "it is a directory"
run "device" 4 "$LP" simulate --replay /dev/zero --policy "$POLICY"
expect_in "device" "$TMP/err" "not a regular file"
head -c 30 "$TMP/logs/b.jsonl.gz" >"$TMP/cut.jsonl.gz"
run "truncated gzip" 4 "$LP" simulate --replay "$TMP/cut.jsonl.gz" --policy "$POLICY"
expect_in "truncated gzip" "$TMP/err" "cut.jsonl.gz"

# --- per-caller identities, the source IP and uncertain request classes ---------------
SVC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/16"},"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"}}}]}'
printf '%s' "$SVC" >"$TMP/svc.json"
rec() {  # caller method authDeniedReason sourceIpPort
  printf '{"requestMethod":"%s","requestPath":"/","sourceVpcArn":"arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0b1e","callerPrincipal":"%s","authDeniedReason":"%s","sourceIpPort":"%s"}\n' "$2" "$1" "$3" "$4"
}
{
  rec "arn:aws:sts::111111111111:assumed-role/blue/s1" GET - 10.0.0.7:40000    # uncertain (query)
  rec "arn:aws:sts::111111111111:assumed-role/blue/s1" GET Service 10.9.0.7:1   # outside: denied, agrees
  rec "arn:aws:iam::222222222222:user/u" PUT - 10.0.0.8:2                      # identity denies
} >"$TMP/ids.log"
printf '{"callers":[{"principal":"arn:aws:iam::222222222222:user/u","identityDecision":"EXPLICIT_DENY"}]}' >"$TMP/ids.json"
run "identities" 3 "$LP" simulate --replay "$TMP/ids.log" --policy "$TMP/svc.json" --identities "$TMP/ids.json" \
  --format json
expect_in "identities" "$TMP/out" '"EXPLICIT_DENY": 1'
expect_in "identities" "$TMP/out" '"loggedAllowedCandidateDenies": 1'
expect_in "identities" "$TMP/out" '"caller": "arn:aws:iam::111111111111:role/blue"'
expect_in "identities" "$TMP/out" '"vpc-lattice-svcs:RequestQueryString/q": 1'
run "classes in text" 3 "$LP" simulate --replay "$TMP/ids.log" --policy "$TMP/svc.json" --identities "$TMP/ids.json"
expect_in "classes in text" "$TMP/out" "arn:aws:iam::111111111111:role/blue, vpc-0b1e, GET: 1 (1 disagree); vpc-lattice-svcs:RequestQueryString/q (1)"
printf '{"callers":[{"principal":"x","identityDecision":"DENY"}]}' >"$TMP/bad-ids.json"
run "bad identities" 4 "$LP" simulate --replay "$TMP/ids.log" --policy "$TMP/svc.json" --identities "$TMP/bad-ids.json"
expect_in "bad identities" "$TMP/err" "bad-ids.json:1:"
expect_in "bad identities" "$TMP/err" "/callers/0/identityDecision"
run "identities without replay" 2 "$LP" simulate "$SRC/policies/shared-service/scenario.yaml" \
  --identities "$TMP/ids.json"

if [ "$failures" -ne 0 ]; then
  echo "replay_inputs.sh: $failures failure(s)" >&2
  exit 1
fi
echo "replay_inputs.sh: all checks passed"
