#!/usr/bin/env bash
# bench/bench_clean.sh — throughput of the clean processor (text path), one
# core: seed-shaped articles and the golden scraped pages, median of 5 runs
# each (bench_clean.c), then a machine-independent figure: instructions per
# byte of clean process(), counted by callgrind (when valgrind is there).
#
# Usage: bench/bench_clean.sh        (from the repository root)
set -eu
BUILD=${BUILD:-build}
make --no-print-directory "$BUILD/bench/bench_clean" >/dev/null
bin=$BUILD/bench/bench_clean
core=$(( $(nproc) - 1 ))
pin() { if command -v taskset >/dev/null; then taskset -c "$core" "$@"; else "$@"; fi; }

echo "== seed-shaped articles (generated from tests/fixtures/seed-article.txt)"
pin "$bin" -n 2000 -r 5
echo
echo "== golden scraped pages (tests/fixtures/clean/*.json + the seed)"
pin "$bin" -r 5 $(ls tests/fixtures/clean/*.json | grep -v expect) tests/fixtures/seed-article.json

if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" -n 200 -r 1 -s 0 >/dev/null 2>&1
  ir=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
       awk '/clean\.c:clean_process$/ {gsub(",", "", $1); print $1; exit}')
  rm -f "$out"
  # 200 articles of the seed's size; the one-off Unicode table build
  # (about 40M instructions, at the first call) is inside this figure.
  bytes=$(( 200 * $(wc -c < tests/fixtures/seed-article.txt) ))
  echo
  echo "== callgrind: clean process() on 200 seed-shaped articles"
  echo "$ir instructions, $(( ir / bytes )) per byte of text (one-off table build included)"
fi
