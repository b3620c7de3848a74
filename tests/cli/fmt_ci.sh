#!/usr/bin/env bash
# CLI tests for `latticepol fmt` (--minify, --pretty, --check, --write), for
# pretty-printed policies in eval/check (warning, or refusal with
# --as-submitted), `check --format junit`, `expect: DENY` and the did-you-mean
# of case files, and the one-line subcommand list of `latticepol --help`.
# Usage: bash fmt_ci.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
SRC="$2"
SEED="$SRC/policies/shared-service/auth-policy.json"
CASES="$SRC/policies/shared-service/cases.jsonl"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # TMP, fail, run, expect_in

# --- fmt ----------------------------------------------------------------------------
run "fmt check seed" 0 "$LP" fmt --check "$SEED"
run "fmt pretty" 0 "$LP" fmt --pretty "$SEED"
cp "$TMP/out" "$TMP/pretty.json"
[ "$(wc -l <"$TMP/pretty.json")" -gt 10 ] || fail "fmt pretty: not indented"
run "fmt check pretty file" 1 "$LP" fmt --check "$TMP/pretty.json"
expect_in "fmt check pretty file" "$TMP/out" "pretty.json: not formatted (--minify)"
run "fmt check pretty file as pretty" 0 "$LP" fmt --check --pretty "$TMP/pretty.json"
run "fmt minify to stdout" 0 "$LP" fmt "$TMP/pretty.json"
cmp -s "$TMP/out" "$SEED" || fail "fmt minify: differs from the seed"
cp "$TMP/pretty.json" "$TMP/rewrite.json"
run "fmt write" 0 "$LP" fmt --minify --write "$TMP/rewrite.json"
cmp -s "$TMP/rewrite.json" "$SEED" || fail "fmt write: file not minified"
ls -A "$TMP" | grep -q "latticepol-tmp" && fail "fmt write: temporary file left behind"
# --write through a symbolic link rewrites its target (the link stays) and keeps the mode.
mkdir -p "$TMP/real"
cp "$TMP/pretty.json" "$TMP/real/policy.json"
chmod 640 "$TMP/real/policy.json"
ln -s real/policy.json "$TMP/link.json"
run "fmt write through link" 0 "$LP" fmt --minify --write "$TMP/link.json"
[ -L "$TMP/link.json" ] || fail "fmt write through link: the link was replaced by a file"
cmp -s "$TMP/real/policy.json" "$SEED" || fail "fmt write through link: target not minified"
[ "$(stat -c %a "$TMP/real/policy.json")" = 640 ] || fail "fmt write: mode not kept ($(stat -c %a "$TMP/real/policy.json"))"
printf '{"Version": ' >"$TMP/broken.json"
run "fmt syntax error" 4 "$LP" fmt "$TMP/broken.json"
expect_in "fmt syntax error" "$TMP/err" "broken.json:1:"
run "fmt several files need a mode" 2 "$LP" fmt "$SEED" "$TMP/pretty.json"
run "fmt exclusive layouts" 2 "$LP" fmt --minify --pretty "$SEED"

# --- pretty-printed policies in eval and check ---------------------------------------
echo '{"query": "q=blue", "sourceVpcOwnerAccount": "111111111111"}' >"$TMP/req.json"
run "eval pretty policy" 0 "$LP" eval --policy "$TMP/pretty.json" --request "$TMP/req.json"
expect_in "eval pretty policy" "$TMP/out" "decision: ALLOW"
expect_in "eval pretty policy" "$TMP/err" "warning: the policy contains newlines"
expect_in "eval pretty policy" "$TMP/err" "[policy-has-newlines]"
run "eval pretty policy as submitted" 4 "$LP" eval --policy "$TMP/pretty.json" --request "$TMP/req.json" --as-submitted
expect_in "eval pretty policy as submitted" "$TMP/err" "error: the policy contains newlines"
run "check pretty policy" 0 "$LP" check --cases "$CASES" --policy "$TMP/pretty.json"
run "check pretty policy as submitted" 4 "$LP" check --cases "$CASES" --policy "$TMP/pretty.json" --as-submitted

# --- check --format junit ------------------------------------------------------------------
printf '%s\n' '{"name": "blue ok", "request": {"query": "q=blue", "sourceVpcOwnerAccount": "111111111111"}, "expect": "ALLOW"}' \
  '{"name": "red <denied>", "request": {"query": "q=red"}, "expect": "ALLOW"}' \
  '{"name": "anonymous denied", "request": {"query": "q=red"}, "expect": "DENY"}' >"$TMP/cases.jsonl"
run "check junit" 1 "$LP" check --cases "$TMP/cases.jsonl" --policy "$SEED" --format junit
python3 - "$TMP/out" <<'PY' || fail "check junit: structure"
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.find("testsuite").findall("testcase")
assert [c.get("name") for c in cases] == ["blue ok", "red <denied>", "anonymous denied"], cases
assert cases[0].find("failure") is None and cases[2].find("failure") is None
assert "expected ALLOW, got IMPLICIT_DENY" in cases[1].find("failure").get("message")
assert root.get("failures") == "1"
PY

# --- case files: DENY and did-you-mean --------------------------------------------------------
printf '%s\n' '{"name": "typo", "request": {}, "expcet": "ALLOW"}' >"$TMP/typo.jsonl"
run "case field typo" 4 "$LP" check --cases "$TMP/typo.jsonl" --policy "$SEED"
expect_in "case field typo" "$TMP/err" "/expcet: error: missing field \`expect\`: unknown field \`expcet\`: did you mean \`expect\`?"
sed -n 3p "$TMP/cases.jsonl" >"$TMP/deny.jsonl"
run "check DENY passes" 0 "$LP" check --cases "$TMP/deny.jsonl" --policy "$SEED"
expect_in "check DENY passes" "$TMP/out" "1 passed, 0 failed"

# --- --help: one short line per subcommand ----------------------------------------------------
run "help" 0 "$LP" --help
awk '/^Subcommands:/{on=1; next} on && /^$/{on=0} on' "$TMP/out" >"$TMP/subs"
[ "$(wc -l <"$TMP/subs")" -ge 9 ] || fail "help: subcommands missing: $(cat "$TMP/subs")"
if awk 'length($0) > 110' "$TMP/subs" | grep -q .; then fail "help: long subcommand lines: $(awk 'length($0) > 110' "$TMP/subs")"; fi
run "generate help keeps the long text" 0 "$LP" generate --help
expect_in "generate help keeps the long text" "$TMP/out" "Before anything is"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all fmt/ci tests passed"
