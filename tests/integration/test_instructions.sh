#!/usr/bin/env bash
# test_instructions.sh — the regression guard on cost: callgrind counts the
# instructions per article of decode, each processor, encode and the whole
# chain on a small fixed input (tests/fixtures/perf/articles.jsonl: 16 text
# and 4 HTML generated articles) and compares them with the committed
# baseline (tests/fixtures/perf/instructions.baseline). A figure more than
# 3x its baseline fails: that is a change that made a step several times
# more expensive, which timing noise on a shared machine would hide.
# Instruction counts are stable across runs and machines of one build.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

BASE=tests/fixtures/perf/instructions.baseline
IN=tests/fixtures/perf/articles.jsonl
MARGIN=3
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
        echo "# skip: valgrind is not installed (make deps installs it); nothing checked"
        exit 0
fi
n=$(wc -l <"$IN")
valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" "$NEWSFLOW" process \
        -X dedup.action=mark <"$IN" >"$T/out.jsonl" 2>"$T/valgrind.log"
check "the chain ran under callgrind ($n articles in, $(wc -l <"$T/out.jsonl") out)" \
        test "$(wc -l <"$T/out.jsonl")" = "$n"
callgrind_annotate --inclusive=yes --threshold=100 "$T/cg.out" >"$T/cg.txt" 2>/dev/null
while read -r fn base; do
        case $fn in '#'* | '') continue ;; esac
        ir=$(awk -v f=":$fn " 'index($0, f) && $2 ~ /^\(/ {gsub(",", "", $1); print $1; exit}' "$T/cg.txt")
        if [ -z "$ir" ]; then
                echo "# skip: $fn is not in this build's profile (processor not registered?)"
                continue
        fi
        per=$((ir / n))
        if [ "$per" -le $((base * MARGIN)) ]; then
                ok "$fn: $per instructions per article (baseline $base, limit ${MARGIN}x)"
        else
                not_ok "$fn: $per instructions per article, over ${MARGIN}x the baseline $base" \
                        "if this is intended, update $BASE (see its header)"
        fi
done <"$BASE"
