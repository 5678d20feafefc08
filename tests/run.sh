#!/usr/bin/env bash
# tests/run.sh — runs the unit tests (cmocka binaries) and the integration
# tests (tests/integration/*.sh), counts test cases, and ends with one line:
#   N passed, N failed
#
# Usage: tests/run.sh [unit|integration] [NAME-FILTER]
# Integration scripts print "ok - name" / "not ok - name" per check (see
# tests/integration/lib.sh); a script that exits non-zero without reporting a
# failure counts as one failure.
set -u
BUILD=${BUILD:-build}
which=${1:-all}
filter=${2:-}
passed=0
failed=0
failures=()
logdir=$BUILD/test-logs
mkdir -p "$logdir"

run_unit() {
  local bin name out rc p f
  for bin in "$BUILD"/tests/test_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    [ -n "$filter" ] && [[ $name != *$filter* ]] && continue
    out=$(cd "$(dirname "$0")/.." && timeout 300 "$bin" 2>&1); rc=$?
    echo "$out" > "$logdir/$name.log"
    p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" != 0 ]; then
      failures+=("$name"); echo "FAIL unit $name (log: $logdir/$name.log)"
      echo "$out" | grep -E '^\[  (FAILED|ERROR) \]|^\[   LINE   \]|error:|Assertion|Failure' | head -20 | sed 's/^/    /'
    else
      echo "ok   unit $name ($p)"
    fi
  done
}

run_integration() {
  local t name out rc p f
  for t in tests/integration/test_*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    [ -n "$filter" ] && [[ $name != *$filter* ]] && continue
    out=$(BUILD=$BUILD timeout 900 bash "$t" 2>&1); rc=$?
    echo "$out" > "$logdir/$name.log"
    p=$(echo "$out" | grep -c '^ok - ')
    f=$(echo "$out" | grep -c '^not ok - ')
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" != 0 ]; then
      failures+=("$name"); echo "FAIL integration $name (rc=$rc, log: $logdir/$name.log)"
      echo "$out" | grep -E '^not ok|^#' | head -20 | sed 's/^/    /'
    else
      echo "ok   integration $name ($p)"
    fi
  done
}

case $which in
  unit) run_unit ;;
  integration) run_integration ;;
  *) run_unit; run_integration ;;
esac
echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
