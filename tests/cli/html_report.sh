#!/usr/bin/env bash
# CLI tests for `--format html` (latticepol/report_html.h): simulate and
# replay pages are well-formed XML (XHTML-compatible markup), carry the
# expected sections, and do not grow with the request count (10^4 vs 10^5
# requests: same order, under 1 MB); an access-log replay page tables the
# uncertain records per request class exactly as the JSON report counts them. The browser checks are in
# tests/browser/html_browser.sh.
# diff, prove and analyze pages are checked the same way.
# Usage: bash html_report.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$(cd "$2" && pwd)"
SHARED="$SRC/policies/shared-service"
SCENARIO="$SHARED/scenario.yaml"
POLICY="$SHARED/auth-policy.json"
. "$SRC/tests/cli/lib.sh"  # TMP, failures, fail, run, expect_in

# well_formed <file> <needle>...: parses as XML and contains every needle.
well_formed() {
  local file="$1"
  shift
  python3 - "$file" "$@" <<'PY' || fail "$file: not well-formed or missing content"
import sys, xml.etree.ElementTree as ET
path, needles = sys.argv[1], sys.argv[2:]
ET.parse(path)
text = open(path, encoding="utf-8").read()
missing = [n for n in needles if n not in text]
if missing:
    sys.exit(f"missing {missing}")
PY
}

# --- simulate ------------------------------------------------------------------------
code=0
"$LP" simulate "$SCENARIO" --count 10000 --format html --output "$TMP/s4.html" --no-progress || code=$?
[ "$code" -eq 0 ] || fail "simulate --format html: exit $code"
well_formed "$TMP/s4.html" 'id="reachability"' 'id="expectations"' 'id="statements"' \
  'PASS' 'AllowBlue' 'sha256:' 'auth-policy.json' '--format html' 'class="matrix"'
"$LP" simulate "$SCENARIO" --count 100000 --format HTML --output "$TMP/s5.html" --no-progress
python3 - "$TMP/s4.html" "$TMP/s5.html" <<'PY' || fail "the page grows with the request count"
import os, sys
a, b = (os.path.getsize(p) for p in sys.argv[1:])
print(f"10^4 requests: {a} bytes, 10^5 requests: {b} bytes")
assert b < 1 << 20 and b < 2 * a and a < 2 * b, (a, b)
PY
# Shadow: the change view with witnesses.
python3 - "$POLICY" "$TMP/candidate.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["Statement"][0]["Condition"]["StringEquals"].pop("vpc-lattice-svcs:RequestMethod")
json.dump(p, open(sys.argv[2], "w"))
PY
"$LP" simulate "$SCENARIO" --count 20000 --shadow "$TMP/candidate.json" --format html \
  --output "$TMP/shadow.html" --no-progress || true
well_formed "$TMP/shadow.html" 'id="change"' 'id="opens"' 'Opened: witnesses' 'candidate.json'
# Stdout when no --output; an existing --output is refused without --force.
"$LP" simulate "$SCENARIO" --count 1000 --format html --no-progress >"$TMP/stdout.html"
well_formed "$TMP/stdout.html" '<!DOCTYPE html>'
code=0
"$LP" simulate "$SCENARIO" --count 1000 --format html --output "$TMP/s4.html" 2>/dev/null || code=$?
[ "$code" -eq 2 ] || fail "existing --output: exit $code, expected 2"

# --- replay ---------------------------------------------------------------------------
"$LP" simulate "$SCENARIO" --count 2000 --emit-requests "$TMP/stream.jsonl"
printf '{"method": 7}\n' >>"$TMP/stream.jsonl"
code=0
"$LP" simulate --replay "$TMP/stream.jsonl" --policy "$POLICY" --shadow "$TMP/candidate.json" \
  --format html --output "$TMP/replay.html" 2>/dev/null || code=$?
[ "$code" -eq 0 ] || fail "replay --format html: exit $code"
well_formed "$TMP/replay.html" 'id="malformed"' 'id="change"' 'id="statements"' 'stream.jsonl' \
  'sha256:'

# --- replay of access logs: uncertain records per request class, as in the JSON ---------
python3 - "$TMP/access.log" <<'PY'
import json, sys
svc = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0"
def rec(caller, vpc, method, denied):
    return {"startTime": "2024-06-11T10:00:00Z", "serviceArn": svc, "requestMethod": method,
            "sourceVpcArn": f"arn:aws:ec2:us-east-1:{vpc}", "requestPath": "/items",
            "callerPrincipal": caller, "authDeniedReason": "Service" if denied else "-",
            "responseCode": 403 if denied else 200}
role = "arn:aws:iam::111111111111:role/<b>blue&co</b>"
records = [rec(role, "111111111111:vpc/vpc-0b1e", "GET", False)] * 3 + \
          [rec(role, "111111111111:vpc/vpc-0b1e", "GET", True),
           rec("-", "222222222222:vpc/vpc-06ee", "GET", True)]
open(sys.argv[1], "w").write("".join(json.dumps(r) + "\n" for r in records))
PY
for format in json html; do
  code=0
  "$LP" simulate --replay "$TMP/access.log" --policy "$POLICY" --format $format \
    --output "$TMP/access.$format" 2>/dev/null || code=$?
  [ "$code" -eq 0 ] || fail "replay access log --format $format: exit $code"
done
well_formed "$TMP/access.html" 'id="logged"' 'id="uncertain-classes"' '&lt;b&gt;blue&amp;co&lt;/b&gt;'
python3 - "$TMP/access.json" "$TMP/access.html" <<'PY' || fail "replay access log: the HTML uncertain table differs from the JSON report"
import json, sys, xml.etree.ElementTree as ET
classes = json.load(open(sys.argv[1]))["loggedVerdicts"]["uncertainClasses"]
table = [t for t in ET.parse(sys.argv[2]).iter("table") if t.get("id") == "uncertain-classes"][0]
rows = [["".join(td.itertext()) for td in tr.iter("td")] for tr in table.iter("tr") if tr.get("class") == "uc"]
expected = [[c["caller"], c["sourceVpc"] or "\u2014", c["method"], f"{c['requests']:,}", f"{c['disagree']:,}",
             "".join(f"{k} ({n:,})" for k, n in sorted(c["keys"].items()))] for c in classes]
assert len(classes) == 2 and sum(c["requests"] for c in classes) == 5, classes
sys.exit(0 if rows == expected else f"{rows} != {expected}")
PY

# --- diff, prove, analyze ---------------------------------------------------------------
code=0
"$LP" diff "$POLICY" "$TMP/candidate.json" --format html >"$TMP/diff.html" || code=$?
[ "$code" -eq 1 ] || fail "diff --format html: exit $code, expected 1"
well_formed "$TMP/diff.html" 'id="change-regions"' 'DIFFERENT' 'opens' 'sha256:' 'candidate.json'
"$LP" diff "$POLICY" "$POLICY" --format html >"$TMP/same.html"
well_formed "$TMP/same.html" 'EQUIVALENT'
code=0
"$LP" prove "$SCENARIO" --policy "$SHARED/examples/backdoor-purge.json" --format html \
  >"$TMP/prove.html" || code=$?
[ "$code" -eq 3 ] || fail "prove --format html: exit $code, expected 3"
well_formed "$TMP/prove.html" 'id="expectations"' 'Counterexample to' 'proved' 'backdoor-purge.json'
"$LP" analyze "$POLICY" --scenario "$SCENARIO" --format html >"$TMP/analyze.html"
well_formed "$TMP/analyze.html" 'id="reachability"' 'AllowBlue' 'id="statements"' 'Complete'

# --- help -----------------------------------------------------------------------------
for cmd in simulate diff prove analyze; do
  "$LP" $cmd --help | grep -q 'text|json|html' || fail "$cmd --help does not list html"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "html_report.sh: all passed"
