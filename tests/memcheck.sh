#!/usr/bin/env bash
# tests/memcheck.sh [NAME-FILTER] — runs every unit test binary
# ($BUILD/tests/test_*) under valgrind memcheck: any memory error or any
# definitely/possibly lost block fails it (--error-exitcode). Still-reachable
# blocks (libraries' one-time globals) are listed in the log only.
# Logs: $BUILD/memcheck/NAME.log. Ends with "N passed, N failed" (binaries).
set -u
BUILD=${BUILD:-build}
filter=${1:-}
mkdir -p "$BUILD/memcheck"
passed=0
failed=0
for bin in "$BUILD"/tests/test_*; do
        [ -x "$bin" ] || continue
        name=$(basename "$bin")
        [ -n "$filter" ] && [[ $name != *$filter* ]] && continue
        log=$BUILD/memcheck/$name.log
        if timeout 1800 valgrind --tool=memcheck --leak-check=full \
                --errors-for-leak-kinds=definite,possible --show-leak-kinds=definite,possible \
                --error-exitcode=1 --track-origins=yes --num-callers=30 \
                --suppressions=tests/valgrind.supp \
                "$bin" >"$log" 2>&1; then
                passed=$((passed + 1))
                echo "ok   memcheck $name ($(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log" | tail -1))"
        else
                failed=$((failed + 1))
                echo "FAIL memcheck $name (log: $log)"
                grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and|Argument|[0-9,]+ bytes in)|ERROR SUMMARY|FAILED' "$log" | head -10 | sed 's/^/    /'
        fi
done
echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
