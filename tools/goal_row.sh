#!/usr/bin/env bash
# The goal table of tools/bench.sh (issue 15), as shell functions other
# measurement scripts can source and call:
#
#   source tools/goal_row.sh
#   goal_table_header
#   goal_row NAME MEASURED GOAL UNIT [YARDSTICK]
#
# NAME       the goal, e.g. "seed, 1M stream" (quote it)
# MEASURED   a number, or "n/a" when it could not be measured
# GOAL       "<=N" (lower is better), ">=N" (higher is better) or "-" (no goal,
#            informational row)
# UNIT       e.g. ns/decision, us, M req/s, GB/s/core, %
# YARDSTICK  optional: the hand-written check's number, same unit
#
# A row is one Markdown table line:
#   | NAME | MEASURED UNIT | GOAL UNIT | YARDSTICK | pass/FAIL/- |

goal_table_header() {
  echo "| goal | measured | goal | hand-written | result |"
  echo "|---|---|---|---|---|"
}

goal_row() {
  local name="$1" measured="$2" goal="$3" unit="$4" yard="${5:--}"
  local verdict="-"
  if [ "$measured" = "n/a" ] || [ -z "$measured" ]; then
    measured="n/a"
    [ "$goal" != "-" ] && verdict="n/a"
  elif [ "$goal" != "-" ]; then
    local op="${goal:0:2}" bound="${goal:2}"
    if awk -v m="$measured" -v b="$bound" -v op="$op" \
        'BEGIN { exit !((op == "<=" && m + 0 <= b + 0) || (op == ">=" && m + 0 >= b + 0)) }'; then
      verdict="pass"
    else
      verdict="FAIL"
    fi
  fi
  local measured_text="$measured $unit"
  [ "$measured" = "n/a" ] && measured_text="n/a"
  local yard_text="-"
  [ "$yard" != "-" ] && yard_text="$yard $unit"
  local goal_text="-"
  [ "$goal" != "-" ] && goal_text="${goal:0:2} ${goal:2} $unit"
  echo "| $name | $measured_text | $goal_text | $yard_text | $verdict |"
}

# load_average: the 1-, 5- and 15-minute load averages (for the table's footer).
load_average() {
  cut -d' ' -f1-3 /proc/loadavg
}
