# File: tests/cli/lib.sh
# Shared helpers of the CLI test scripts (sourced, not run): a scratch folder
# $TMP removed on exit, a failure counter and three assertions.
#
#   fail <message>                      count a failure and print it
#   run <name> <expected-exit> <cmd...> run a command, stdout -> $TMP/out,
#                                       stderr -> $TMP/err, check the exit code
#   expect_in <name> <file> <string>    the fixed string occurs in the file
#
# A script ends with `if [ "$failures" -ne 0 ]; then ...; exit 1; fi`.
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

run() {
  local name="$1" expected="$2"
  shift 2
  local code=0
  "$@" >"$TMP/out" 2>"$TMP/err" || code=$?
  if [ "$code" -ne "$expected" ]; then
    fail "$name: exit code $code, expected $expected"
    echo "--- stdout" >&2; head -40 "$TMP/out" >&2
    echo "--- stderr" >&2; head -40 "$TMP/err" >&2
  fi
}

expect_in() {
  grep -qF -- "$3" "$2" || { fail "$1: \`$3\` not found in $(basename "$2"):"; head -40 "$2" >&2; }
}
