#!/usr/bin/env bash
# CLI tests for `latticepol validate` as a linter: the four severities, many
# files and globs, --fail-on exit codes, and the json, sarif (validated against
# the SARIF 2.1.0 subset schema in tests/data/sarif/) and junit formats.
# Usage: bash validate_lint.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$2"
SEED="$SRC/policies/shared-service/auth-policy.json"
CLEAN="$SRC/tests/data/lint/clean"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in
expect_not_in() {
  if grep -qF -- "$3" "$2"; then fail "$1: \`$3\` unexpectedly in $(basename "$2"):"; cat "$2" >&2; fi
}

# An Allow open to anonymous callers from anywhere (security) with a
# lower-case method (warning), and an empty Sid (suggestion).
printf '%s' '{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestMethod":"get"}}}]}' >"$TMP/open.json"
printf '%s' '{"Version":"2012-10-17","Statement":[{"Sid":"W","Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:RequestPath":"api","vpc-lattice-svcs:SourceVpc":"vpc-0abc1234"}}}]}' >"$TMP/warn.json"
printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":"*","Action":"*","Resource":"*"}]}' >"$TMP/bad.json"

# --- clean policies: no error, security or warning -----------------------------
run "clean policies" 0 "$LP" validate "$SEED" "$CLEAN"/*.json --fail-on warning
expect_not_in "clean policies" "$TMP/out" ": security:"
expect_not_in "clean policies" "$TMP/out" ": warning:"
expect_in "clean policies" "$TMP/out" "anonymous-network-restricted"
expect_in "clean policies" "$TMP/out" "(0 errors, 0 security findings, 0 warnings, 2 suggestions)"

# --- severities and --fail-on ----------------------------------------------------
run "default fail-on error" 0 "$LP" validate "$TMP/open.json"
expect_in "default fail-on error" "$TMP/out" "open.json:1:38: /Statement/0: security: this Allow lets anonymous"
expect_in "default fail-on error" "$TMP/out" "warning: no request carries \`get\`"
expect_in "default fail-on error" "$TMP/out" "suggestion: the \`Sid\` is empty"
run "fail-on security" 1 "$LP" validate "$TMP/open.json" --fail-on security
run "fail-on warning, warnings only" 1 "$LP" validate "$TMP/warn.json" --fail-on warning
run "fail-on security, warnings only" 0 "$LP" validate "$TMP/warn.json" --fail-on security
run "fail-on suggestion" 1 "$LP" validate "$SEED" --fail-on suggestion
run "errors exit 4" 4 "$LP" validate "$TMP/bad.json" "$SEED"
expect_in "errors exit 4" "$TMP/out" "bad.json: invalid"
expect_in "errors exit 4" "$TMP/out" "auth-policy.json: valid"
run "bad fail-on" 2 "$LP" validate "$SEED" --fail-on loud

# --- globs -----------------------------------------------------------------------
run "quoted glob" 0 "$LP" validate "$CLEAN/*.json"
[ "$(grep -c ': valid (' "$TMP/out")" -eq 4 ] || fail "quoted glob: expected 4 files: $(cat "$TMP/out")"
run "glob without match" 4 "$LP" validate "$TMP/nothing-*.json"
expect_in "glob without match" "$TMP/err" "no file matches"

# --- json -------------------------------------------------------------------------
run "json one file" 0 "$LP" validate "$TMP/open.json" --format json
python3 - "$TMP/out" <<'PY' || fail "json one file: shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["security"] == 1 and d["warnings"] == 1 and d["suggestions"] == 1, d
for i in d["issues"]:
    assert set(i) >= {"severity", "code", "message", "pointer", "line", "column"}, i
PY
run "json many files" 4 "$LP" validate "$TMP/open.json" "$TMP/bad.json" --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [f["valid"] for f in d["files"]]==[True,False], d' "$TMP/out" ||
  fail "json many files: shape"

# --- sarif, validated against the schema ---------------------------------------------
run "sarif" 4 "$LP" validate "$TMP/open.json" "$TMP/bad.json" "$SEED" --format sarif
cp "$TMP/out" "$TMP/log.sarif"
python3 - "$TMP/log.sarif" "$SRC/tests/data/sarif/sarif-2.1.0-subset.schema.json" <<'PY' || fail "sarif: schema"
import json, sys
import jsonschema
log = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator.check_schema(schema)
jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
results = log["runs"][0]["results"]
rules = log["runs"][0]["tool"]["driver"]["rules"]
assert len(results) >= 5, results
for r in results:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"], r
    assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1, r
levels = {r["ruleId"]: r["level"] for r in results}
assert levels["allow-anonymous-any-network"] == "error", levels
assert levels["impossible-value"] == "warning", levels
assert levels["empty-sid"] == "note", levels
assert levels["invalid-effect"] == "error", levels
PY
# A log that breaks the schema must be rejected (the check can fail).
python3 - "$TMP/log.sarif" "$SRC/tests/data/sarif/sarif-2.1.0-subset.schema.json" <<'PY' || fail "sarif: schema accepts a broken log"
import json, sys
import jsonschema
log = json.load(open(sys.argv[1]))
log["runs"][0]["results"][0]["level"] = "security"
try:
    jsonschema.Draft4Validator(json.load(open(sys.argv[2]))).validate(log)
except jsonschema.ValidationError:
    sys.exit(0)
sys.exit(1)
PY

# --- junit ---------------------------------------------------------------------------
run "junit" 1 "$LP" validate "$TMP/open.json" "$SEED" --format junit --fail-on warning
python3 - "$TMP/out" <<'PY' || fail "junit: structure"
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 2, suites
assert int(suites[0].get("failures")) == 2, ET.tostring(suites[0])
assert int(suites[1].get("failures")) == 0 and suites[1].find("testcase").get("name") == "valid"
assert int(root.get("failures")) == 2
PY

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all validate lint tests passed"
