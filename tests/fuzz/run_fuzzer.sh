#!/usr/bin/env bash
# File: tests/fuzz/run_fuzzer.sh
# Stage: fuzzing. Runs one libFuzzer target for N seconds on its seed corpus
# (assembled by make_corpus.sh on first use) plus the corpus it has grown.
#
#   tests/fuzz/run_fuzzer.sh <fuzzer binary> <source dir> <work dir> <seconds>
#
# Work dir layout: seeds/<target>/ (regenerated each run), corpus/<target>/
# (grows across runs), artifacts/<target>/ (crash-*, timeout-*, oom-* inputs),
# logs/<target>.log. Exits non-zero iff the target found a failure.
set -euo pipefail
bin="$1"; src="$2"; work="$3"; seconds="$4"
name="$(basename "$bin")"
mkdir -p "$work/corpus/$name" "$work/artifacts/$name" "$work/logs"
rm -rf "$work/seeds/$name"
bash "$src/tests/fuzz/make_corpus.sh" "$src" "$work/seeds.tmp.$$" >/dev/null
mkdir -p "$work/seeds"
mv "$work/seeds.tmp.$$/$name" "$work/seeds/$name"
rm -rf "$work/seeds.tmp.$$"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:detect_stack_use_after_return=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
log="$work/logs/$name.log"
set +e
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: unbounded
# memory is a bug; -max_len: the parsers' own limits are tested elsewhere.
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
       -print_final_stats=1 -artifact_prefix="$work/artifacts/$name/" \
       "$work/corpus/$name" "$work/seeds/$name" >"$log" 2>&1
rc=$?
set -e
runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')"
if [ "$rc" -ne 0 ]; then
  echo "FAIL $name after ${seconds}s budget: exit $rc (log: $log, artifacts: $work/artifacts/$name/)"
  grep -E "==ERROR|runtime error|invariant violated|SUMMARY|Test unit written" "$log" | head -8
  exit 1
fi
echo "ok   $name: ${seconds}s clean, $runs executions, coverage $cov"
