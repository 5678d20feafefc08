#!/usr/bin/env bash
# bench/bench-tag.sh — speed of the tag engine (see bench/bench_tag.c):
# MB/s on one core (median of runs; the machine is noisy), the 1k -> 10k
# alias scaling, the one-regex-per-alias and one-alternation baselines, and
# stable figures: callgrind instructions per byte inside nf_tag_engine_tag.
set -eu
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
"$BUILD/bench/bench_tag" -n "${RUNS:-7}"
command -v valgrind >/dev/null || exit 0
ir_per_byte() { # label, bench_tag arguments...
  local label=$1 out bytes ir
  shift
  out=$(mktemp)
  bytes=$(valgrind --tool=callgrind --callgrind-out-file="$out" \
            --toggle-collect=nf_tag_engine_tag "$BUILD/bench/bench_tag" "$@" 2>/dev/null |
          sed -n 's/^bytes //p')
  ir=$(callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
  rm -f "$out"
  awk -v ir="$ir" -v b="$bytes" -v l="$label" \
    'BEGIN { printf "callgrind, %-36s %6.1f instructions per byte\n", l ":", ir / b }'
}
ir_per_byte "shipped rules, eval articles" -i tests/fixtures/tag/eval.jsonl
ir_per_byte "shipped rules, seed article" -i tests/fixtures/seed-article.json
ir_per_byte "1k synthetic aliases" -g 1000
ir_per_byte "10k synthetic aliases" -g 10000
