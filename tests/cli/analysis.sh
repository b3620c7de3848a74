#!/usr/bin/env bash
# CLI tests for the exact analysis: `latticepol prove` (0 all hold, 3 violated,
# 4 invalid input, 2 usage), `diff` (0 equivalent, 1 different, --fail-on
# new-access, --format json) and `analyze`; `--output FILE [--force]` of all
# three. The three backdoor candidates of policies/shared-service/examples/
# pass `simulate` (its sampled mix never visits their corners) but `prove`
# catches each with a counterexample.
# Usage: bash analysis.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$(cd "$2" && pwd)"
SHARED="$SRC/policies/shared-service"
SCENARIO="$SHARED/scenario.yaml"
POLICY="$SHARED/auth-policy.json"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in

json() {  # json <name> <python expression over `d`>
  /usr/bin/python3 -c "import json,sys; d=json.load(open('$TMP/out')); assert $2, d" \
    || fail "$1: JSON check failed: $2"
}

# ---- prove: the shipped scenario holds ---------------------------------------
run "prove shipped" 0 "$LP" prove "$SCENARIO"
expect_in "prove shipped" "$TMP/out" "PROVED: all 7 expectations hold"
run "prove shipped json" 0 "$LP" prove "$SCENARIO" --format json
json "prove shipped json" "d['complete'] and all(e['holds'] and e['counterexample'] is None for e in d['expectations'])"

# ---- the backdoors: simulate passes them, prove does not ----------------------
check_backdoor() {  # <file> <violated expectation> <caller> <witness field check>
  local file="$SHARED/examples/$1"
  # A scenario whose service policy is the candidate, for simulate.
  sed "s|^  service: auth-policy.json.*|  service: $file|" "$SCENARIO" >"$TMP/scenario.yaml"
  run "simulate $1" 0 "$LP" simulate "$TMP/scenario.yaml" --count 20000 --threads 1
  run "prove $1" 3 "$LP" prove "$SCENARIO" --policy "$file"
  expect_in "prove $1" "$TMP/out" "VIOLATED  $2"
  run "prove $1 json" 3 "$LP" prove "$SCENARIO" --policy "$file" --format json
  json "prove $1 json" "[e for e in d['expectations'] if e['name']=='$2' and not e['holds'] and e['caller']=='$3' and e['decision']=='ALLOW' and $4]"
}
check_backdoor backdoor-debug-header.json "green never reads blue" green \
  "['x-debug','on'] in e['counterexample']['headers']"
check_backdoor backdoor-reports.json "green never reads blue" green \
  "e['counterexample']['path'].startswith('/reports/')"
check_backdoor backdoor-purge.json "unknown accounts get nothing" unknown-account \
  "e['counterexample']['method']=='PURGE'"

# ---- diff ------------------------------------------------------------------
run "diff same" 0 "$LP" diff "$POLICY" "$POLICY"
expect_in "diff same" "$TMP/out" "EQUIVALENT"
run "diff backdoor" 1 "$LP" diff "$POLICY" "$SHARED/examples/backdoor-purge.json"
expect_in "diff backdoor" "$TMP/out" "IMPLICIT_DENY -> ALLOW  [new access]"
run "diff backdoor json" 1 "$LP" diff "$POLICY" "$SHARED/examples/backdoor-purge.json" --format json
json "diff backdoor json" "not d['equivalent'] and d['complete'] and all(x['old']=='IMPLICIT_DENY' and x['new']=='ALLOW' and x['witness']['method']=='PURGE' for x in d['differences'])"
# Reverse direction removes access only: --fail-on new-access passes.
run "diff removal new-access" 0 "$LP" diff "$SHARED/examples/backdoor-purge.json" "$POLICY" --fail-on new-access
run "diff removal any" 1 "$LP" diff "$SHARED/examples/backdoor-purge.json" "$POLICY"
run "diff anonymous only" 1 "$LP" diff "$POLICY" "$SHARED/examples/backdoor-purge.json" --callers anonymous --format json
json "diff anonymous only" "all(x['witness']['principal'] is None for x in d['differences'])"

# ---- analyze ----------------------------------------------------------------
run "analyze" 0 "$LP" analyze "$POLICY"
expect_in "analyze" "$TMP/out" "allowed (2 regions)"
expect_in "analyze" "$TMP/out" "0 (AllowBlue) Allow: effective"
run "analyze json" 0 "$LP" analyze "$POLICY" --scenario "$SCENARIO" --format json
json "analyze json" "len(d['allowed'])==2 and all(s['effective'] for s in d['statements'])"

# ---- many value classes on one repeated key ----------------------------------
# 120 values of `q` in one entry: two value classes (any of them / none), so
# repeated keys are modelled exactly and the analysis stays fast (it used to
# make one class per value and walk every subset mask).
/usr/bin/python3 - "$TMP/many.json" <<'PY'
import json, sys
values = ["v%03d" % i for i in range(120)]
stmt = {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
        "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestQueryString/q": values}}}
json.dump({"Version": "2012-10-17", "Statement": [stmt]}, open(sys.argv[1], "w"), separators=(",", ":"))
PY
run "analyze many classes" 0 timeout 60 "$LP" analyze "$TMP/many.json" --format json
json "analyze many classes" "d['complete'] and len(d['allowed']) >= 1"

# ---- eval: "would pass with" from the analysis --------------------------------
# Two conditions fail (method and q): the hint names both, and is checked.
echo '{"method": "DELETE", "path": "/x", "sourceVpcOwnerAccount": "111111111111"}' >"$TMP/deny.json"
run "eval would pass" 3 "$LP" eval --policy "$POLICY" --request "$TMP/deny.json"
expect_in "eval would pass" "$TMP/out" 'would pass with: method = "GET" (was "DELETE"), query q = "blue" (was absent) (checked: ALLOW by both evaluators)'
run "eval would pass json" 3 "$LP" eval --policy "$POLICY" --request "$TMP/deny.json" --format json
json "eval would pass json" "[c['field'] for c in d['wouldPass']['changes']]==['method','query q'] and d['wouldPass']['request']['method']=='GET'"
# The VPC owner is not the caller's to change.
echo '{"method": "GET", "query": "q=blue", "sourceVpcOwnerAccount": "333333333333"}' >"$TMP/other.json"
run "eval no change passes" 3 "$LP" eval --policy "$POLICY" --request "$TMP/other.json"
expect_in "eval no change passes" "$TMP/out" "no change of method, path, query or headers passes"

# ---- JUnit output (CI test reports) -----------------------------------------
# junit <name> <python expression over the parsed <testsuites> root `t`>
junit() {
  /usr/bin/python3 - "$TMP/out" "$2" <<'PY' || fail "$1: JUnit check \`$2\` failed"
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot()
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
run "diff junit equivalent" 0 "$LP" diff "$POLICY" "$POLICY" --format junit
junit "diff junit equivalent" "t.get('failures')=='0' and t.find('testsuite/testcase').get('name')=='equivalent'"
run "diff junit backdoor" 1 "$LP" diff "$POLICY" "$SHARED/examples/backdoor-reports.json" --format junit
junit "diff junit backdoor" "t.get('failures')=='1' and t.find('.//failure').get('type')=='new-access' and '/reports/' in t.find('.//failure').text"
run "diff junit removal" 0 "$LP" diff "$SHARED/examples/backdoor-purge.json" "$POLICY" --fail-on new-access --format junit
junit "diff junit removal" "t.get('failures')=='0' and int(t.get('tests'))>=1"
run "prove junit" 0 "$LP" prove "$SCENARIO" --format junit
junit "prove junit" "t.get('tests')=='7' and t.get('failures')=='0'"
run "prove junit backdoor" 3 "$LP" prove "$SCENARIO" --policy "$SHARED/examples/backdoor-debug-header.json" --format junit
junit "prove junit backdoor" "int(t.get('failures'))>=1 and all('x-debug' in f.text for f in t.iter('failure'))"
run "analyze has no junit" 2 "$LP" analyze "$POLICY" --format junit

# ---- --output FILE [--force] (published atomically, never clobbered) ----------
# same_report <name> <stdout copy> <file> [<argument text the file's command line adds>]:
# the published file is what stdout printed (an HTML page names its own command line).
same_report() {
  /usr/bin/python3 - "$2" "$3" "${4:-}" <<'PY' || fail "$1: --output file differs from stdout"
import sys
expected, actual = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
sys.exit(0 if expected and actual.replace(sys.argv[3].encode(), b"") == expected else 1)
PY
}
output_case() {  # <cmd> <exit> <format> <args...>: stdout vs --output, refusal, --force
  local cmd="$1" code="$2" format="$3"
  shift 3
  local file="$TMP/report-$cmd.$format"
  run "$cmd $format stdout" "$code" "$LP" "$cmd" "$@" --format "$format"
  cp "$TMP/out" "$TMP/expected"
  echo "old content" >"$file"
  cp "$file" "$TMP/old"
  run "$cmd $format no clobber" 2 "$LP" "$cmd" "$@" --format "$format" --output "$file"
  expect_in "$cmd $format no clobber" "$TMP/err" "$file"
  cmp -s "$file" "$TMP/old" || fail "$cmd $format no clobber: the old file changed"
  run "$cmd $format force" "$code" "$LP" "$cmd" "$@" --format "$format" --output "$file" --force
  [ -s "$TMP/out" ] && fail "$cmd $format force: the report also went to stdout"
  same_report "$cmd $format force" "$TMP/expected" "$file" " --output $file --force"
  rm -f "$file"
  run "$cmd $format new file" "$code" "$LP" "$cmd" "$@" --format "$format" --output "$file"
  same_report "$cmd $format new file" "$TMP/expected" "$file" " --output $file"
}
output_case diff 1 text "$POLICY" "$SHARED/examples/backdoor-purge.json"
output_case diff 1 json "$POLICY" "$SHARED/examples/backdoor-purge.json"
output_case diff 1 html "$POLICY" "$SHARED/examples/backdoor-purge.json"
output_case diff 0 junit "$POLICY" "$POLICY"
output_case prove 3 text "$SCENARIO" --policy "$SHARED/examples/backdoor-purge.json"
output_case prove 0 json "$SCENARIO"
output_case prove 3 html "$SCENARIO" --policy "$SHARED/examples/backdoor-purge.json"
output_case prove 0 junit "$SCENARIO"
output_case analyze 0 text "$POLICY"
output_case analyze 0 json "$POLICY" --scenario "$SCENARIO"
output_case analyze 0 html "$POLICY" --scenario "$SCENARIO"
# A target that cannot be published is refused before the run; `-` is stdout.
run "diff output no folder" 2 "$LP" diff "$POLICY" "$POLICY" --output "$TMP/none/r.txt"
[ -e "$TMP/none" ] && fail "diff output no folder: the folder was created"
run "prove output dash" 0 "$LP" prove "$SCENARIO" --output -
expect_in "prove output dash" "$TMP/out" "PROVED: all 7 expectations hold"

# ---- errors -------------------------------------------------------------------
run "diff missing" 4 "$LP" diff "$POLICY" "$TMP/nope.json"
run "diff invalid" 4 "$LP" diff "$POLICY" "$SRC/policies/invalid/json-syntax.json"
run "diff usage" 2 "$LP" diff "$POLICY"
run "diff bad fail-on" 2 "$LP" diff "$POLICY" "$POLICY" --fail-on sometimes
run "prove usage" 2 "$LP" prove
run "prove bad candidate" 4 "$LP" prove "$SCENARIO" --policy "$SRC/policies/invalid/unknown-operator.json"
echo "callers: [" >"$TMP/bad.yaml"
run "prove bad scenario" 4 "$LP" prove "$TMP/bad.yaml"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "analysis CLI tests passed"
