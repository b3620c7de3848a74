#!/usr/bin/env bash
# CLI tests for what requests carry on the way in: a percent-encoded raw query
# keeps DECISION Q3 through `eval` and `check` (issue 16 item 13), and a
# request with 100,000 query keys is read in linear time (item 7; bounded
# with `timeout` at many times the expected run time, not a timed assertion).
# Usage: bash input_paths.sh <path-to-latticepol> <source-dir>
set -euo pipefail

LP="$1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'\
'"Action":"vpc-lattice-svcs:Invoke","Resource":"*",'\
'"Condition":{"StringEquals":{"vpc-lattice-svcs:RequestQueryString/q":"blue"}}}]}' >"$TMP/policy.json"

# --- Q3 through eval (request JSON) and check (case files) ----------------------
echo '{"query": "q=%62lue"}' >"$TMP/encoded.json"
out="$("$LP" eval --policy "$TMP/policy.json" --request "$TMP/encoded.json" || true)"
grep -qx 'uncertain: Q3' <<<"$out" || fail "eval: encoded query should be uncertain Q3, got: $out"
echo '{"query": "q=blue"}' >"$TMP/plain.json"
out="$("$LP" eval --policy "$TMP/policy.json" --request "$TMP/plain.json" || true)"
grep -qx 'uncertain: none' <<<"$out" || fail "eval: plain query should be certain, got: $out"

echo '{"name":"encoded","request":{"query":"q=%62lue"},"expect":"ALLOW"}' >"$TMP/cases.jsonl"
out="$("$LP" check --policy "$TMP/policy.json" --cases "$TMP/cases.jsonl" --format json || true)"
grep -qF '"uncertain":["Q3"]' <<<"$out" || fail "check: encoded query should be uncertain Q3, got: $out"

# --- 100,000 query keys: objects, pairs and raw text ---------------------------
# Each run takes well under a second; the quadratic reader took 45 s for the
# object form. 30 s leaves room for sanitizer builds and a loaded machine.
/usr/bin/python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
n = 100000
json.dump({"query": {"k%d" % i: "v" for i in range(n)}}, open(tmp + "/object.json", "w"))
json.dump({"query": [["k%d" % i, "v"] for i in range(n)]}, open(tmp + "/pairs.json", "w"))
json.dump({"query": "&".join("%d" % i for i in range(n))}, open(tmp + "/raw.json", "w"))
with open(tmp + "/many.jsonl", "w") as f:
    f.write(json.dumps({"name": "many", "request": {"query": {"k%d" % i: "v" for i in range(n)}},
                        "expect": "IMPLICIT_DENY"}) + "\n")
PY
for form in object pairs raw; do
  code=0
  timeout 30 "$LP" eval --policy "$TMP/policy.json" --request "$TMP/$form.json" >"$TMP/out" 2>&1 || code=$?
  [ "$code" -eq 3 ] || { fail "eval with 100,000 query keys ($form): exit $code"; head -c 500 "$TMP/out" >&2; }
done
code=0
timeout 30 "$LP" check --policy "$TMP/policy.json" --cases "$TMP/many.jsonl" >"$TMP/out" 2>&1 || code=$?
[ "$code" -eq 0 ] || { fail "check with 100,000 query keys: exit $code"; head -c 500 "$TMP/out" >&2; }

# --- 220 statements on `q` and a 1 MiB value (issue 16 item 6) -------------------
# Explanations cut long values (saying how many bytes), so the output stays
# small; before, every statement's trace copied the whole value (443 MB of
# JSON, 1.4 GB of memory).
/usr/bin/python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
st = [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
       "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestQueryString/q": str(i)}}}
      for i in range(220)]
open(tmp + "/p220.json", "w").write(json.dumps({"Version": "2012-10-17", "Statement": st},
                                                separators=(",", ":")))
json.dump({"query": [["q", "x" * 1000000]]}, open(tmp + "/big.json", "w"))
PY
for format in text json; do
  code=0
  timeout 60 "$LP" eval --policy "$TMP/p220.json" --request "$TMP/big.json" --format "$format" \
    >"$TMP/out" 2>/dev/null || code=$?
  size=$(wc -c <"$TMP/out")
  [ "$code" -eq 3 ] || fail "eval 220 x 1 MiB ($format): exit $code"
  [ "$size" -lt 2000000 ] || fail "eval 220 x 1 MiB ($format): $size bytes of output"
  grep -qF 'bytes cut]' "$TMP/out" || fail "eval 220 x 1 MiB ($format): no cut marker"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "input_paths: ok"
