#!/usr/bin/env bash
# bench/bench-dedup.sh — the dedup benchmark (bench/bench_dedup.c) on real
# text: the texts of one evaluation stream (pages of ../shared/data/html-eval
# plus written articles), or the test fixtures when the pages are missing.
# Prints one table; exits non-zero when a target is missed.
#   PAGES=DIR   other gzipped HTML pages;  QUICK=1   1/10 sizes
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PAGES=${PAGES:-../shared/data/html-eval/pages}
args=()
[ "${QUICK:-0}" = 1 ] && args+=(-q)
if [ -d "$PAGES" ]; then
  texts=$BUILD/bench/dedup-texts.txt
  "$BUILD"/bench/eval_dedup -o "$texts" "$PAGES" tests/fixtures/dedup/articles.txt
  args+=("$texts")
fi
exec "$BUILD"/bench/bench_dedup "${args[@]}"
