#!/usr/bin/env bash
# Measures `latticepol simulate` end to end, as the README reports it:
#   1. the shipped blue/green scenario (10^7 requests) on 1 thread and on
#      $THREADS threads: requests/s (wall, the report's own timing) and
#      requests/s per core (CPU time, user + sys from /usr/bin/time -v);
#   2. peak RSS for 10^6 and 10^8 requests (memory must not grow with count);
#   3. replay of canonical JSON Lines (the scenario's stream, exported with
#      --emit-requests; REPLAY_LINES=2400000 makes a file of about 1.25 GB) and
#      of access-log records: MB/s on 1 and $THREADS threads.
# Then the goal rows of issue 15 (tools/goal_row.sh). "Per core" divides the
# work by the CPU time the run used, so it holds on a machine other jobs keep
# busy; the wall-time rows do not.
# Usage: tools/throughput.sh [build-dir]   (default build/, built if missing)
#        THREADS=2 REPLAY_LINES=2400000 LOG_LINES=400000 BIG=100000000 tools/throughput.sh
#        GOAL_ROWS=1 tools/throughput.sh build-bench   only the runs of the goal
#          rows, printed as rows (tools/bench.sh appends them to its table)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
THREADS="${THREADS:-2}"
REPLAY_LINES="${REPLAY_LINES:-2400000}"
BIG="${BIG:-100000000}"
if [ ! -x "$BUILD/latticepol" ]; then
  if [ -f "$BUILD/CMakeCache.txt" ]; then
    cmake --build "$BUILD" --target latticepol_cli >/dev/null
  else
    tools/build.sh
  fi
fi
source tools/goal_row.sh
LP="$BUILD/latticepol"
SCENARIO=policies/shared-service/scenario.yaml
POLICY=policies/shared-service/auth-policy.json
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# timed <name> <cmd...>: runs under /usr/bin/time -v, report JSON in $TMP/<name>.json.
timed() {
  local name="$1"
  shift
  /usr/bin/time -v "$@" --format json --output "$TMP/$name.json" --force 2>"$TMP/$name.time" || {
    local code=$?
    # 3 = an expectation violated / a logged verdict contradicted: still a measurement.
    [ "$code" -eq 3 ] || { cat "$TMP/$name.time" >&2; exit "$code"; }
  }
}
rss_mb() { awk '/Maximum resident set size/ {printf "%.1f", $6 / 1024}' "$TMP/$1.time"; }
# CPU seconds (user + system) of a run: the "per core" figures divide by it,
# so they hold even on a machine that other jobs keep busy.
cpu_s() { awk '/User time|System time/ {t += $NF} END {printf "%.3f", t}' "$TMP/$1.time"; }
# sim_row <label> <name>, replay_row <label> <name> <threads>
sim_row() {
  printf '  %-14s %12s requests  %8.3f s  %6.2f M requests/s  %6.2f M/s per core  peak RSS %s MB\n' "$1" \
    "$(field "$2" 'r["count"]')" "$(field "$2" 'r["timing"]["wallSeconds"]')" \
    "$(field "$2" 'r["timing"]["requestsPerSecond"] / 1e6')" \
    "$(python3 -c "print($(field "$2" 'r["count"]') / $(cpu_s "$2") / 1e6)")" "$(rss_mb "$2")"
}
replay_row() {
  printf '  %-24s %2s thread(s)  %10s bytes  %8.3f s  %7.1f MB/s  %7.1f MB/s per core  peak RSS %s MB\n' \
    "$1" "$3" "$(field "$2" 'r["bytes"]')" "$(field "$2" 'r["timing"]["wallSeconds"]')" \
    "$(field "$2" 'r["timing"]["megabytesPerSecond"]')" \
    "$(python3 -c "print($(field "$2" 'r["bytes"]') / 1e6 / $(cpu_s "$2"))")" "$(rss_mb "$2")"
}
field() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$TMP/$1.json" "$2"; }

# The goal rows (issue 15): simulate >= 30 M requests/s on 2 cores (the
# report's wall-time rate with $THREADS threads; the per-core CPU rate beside
# it), replay of canonical JSON Lines >= 1 GB/s per core (CPU time).
per_core_sim() { python3 -c "print(round($(field "$1" 'r["count"]') / $(cpu_s "$1") / 1e6, 2))"; }
per_core_replay() { python3 -c "print(round($(field "$1" 'r["bytes"]') / 1e6 / $(cpu_s "$1"), 1))"; }
goal_rows() {
  goal_row "simulate, shipped scenario, $THREADS threads" \
      "$(field sim7 'round(r["timing"]["requestsPerSecond"] / 1e6, 2)')" ">=30" "M req/s"
  goal_row "simulate, shipped scenario, per core (CPU time, $THREADS threads)" \
      "$(per_core_sim sim7)" - "M req/s/core"
  goal_row "simulate, shipped scenario, 1 thread" \
      "$(field sim7t1 'round(r["timing"]["requestsPerSecond"] / 1e6, 2)')" - "M req/s"
  goal_row "replay, canonical JSONL ($(field jsonl1 'round(r["bytes"] / 1e9, 2)') GB), per core" \
      "$(per_core_replay jsonl1)" ">=1000" "MB/s/core"
  goal_row "replay, canonical JSONL, $THREADS threads (wall)" \
      "$(field "jsonl$THREADS" 'round(r["timing"]["megabytesPerSecond"], 1)')" - "MB/s"
}
emit_stream() {
  "$LP" simulate "$SCENARIO" --count "$REPLAY_LINES" --emit-requests "$TMP/stream.jsonl"
}

if [ -n "${GOAL_ROWS:-}" ]; then
  timed sim7t1 "$LP" simulate "$SCENARIO" --threads 1
  timed sim7 "$LP" simulate "$SCENARIO" --threads "$THREADS"
  emit_stream
  for threads in 1 "$THREADS"; do
    timed "jsonl$threads" "$LP" simulate --replay "$TMP/stream.jsonl" --policy "$POLICY" \
        --threads "$threads"
  done
  goal_rows
  exit 0
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== simulate $SCENARIO"
timed sim7t1 "$LP" simulate "$SCENARIO" --threads 1
sim_row "10^7, 1 thread" sim7t1
timed sim7 "$LP" simulate "$SCENARIO" --threads "$THREADS"
sim_row "10^7, $THREADS threads" sim7
timed sim6 "$LP" simulate "$SCENARIO" --threads "$THREADS" --count 1000000
sim_row "10^6" sim6
timed simbig "$LP" simulate "$SCENARIO" --threads "$THREADS" --count "$BIG"
sim_row "big" simbig

echo
echo "== replay"
emit_stream
python3 - "$TMP/access.log" "${LOG_LINES:-400000}" <<'EOF'
import sys
svc = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0"
sn = "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001"
with open(sys.argv[1], "w") as out:
    for i in range(int(sys.argv[2])):
        owner = ["111111111111", "222222222222", "999999999999"][i % 3]
        denied = owner == "999999999999"
        out.write('{"startTime":"2024-06-11T10:00:%02dZ","serviceNetworkArn":"%s","serviceArn":"%s",'
                  '"sourceVpcArn":"arn:aws:ec2:us-east-1:%s:vpc/vpc-0abc","sourceVpcId":"vpc-0abc",'
                  '"requestMethod":"%s","requestPath":"/items/%d","protocol":"HTTP/1.1",'
                  '"hostHeader":"shared.example","userAgent":"curl/8.0","callerPrincipal":"%s",'
                  '"authDeniedReason":"%s","responseCode":%d,"tlsVersion":"TLSv1.3","duration":3}\n'
                  % (i % 60, sn, svc, owner, "GET" if i % 5 else "POST", i % 100,
                     "-" if i % 2 else "arn:aws:sts::%s:assumed-role/app/s%d" % (owner, i % 7),
                     "Service" if denied else "-", 403 if denied else 200))
EOF
for threads in 1 "$THREADS"; do
  timed "jsonl$threads" "$LP" simulate --replay "$TMP/stream.jsonl" --policy "$POLICY" --threads "$threads"
  replay_row "canonical JSONL" "jsonl$threads" "$threads"
done
for threads in 1 "$THREADS"; do
  timed "log$threads" "$LP" simulate --replay "$TMP/access.log" --policy "$POLICY" --threads "$threads"
  replay_row "access logs (L3 checks)" "log$threads" "$threads"
done

echo
echo "== goal rows (issue 15), load average $(load_average)"
goal_table_header
goal_rows
