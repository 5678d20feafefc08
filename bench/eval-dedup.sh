#!/usr/bin/env bash
# bench/eval-dedup.sh — `make eval-dedup`: precision/recall of the dedup
# processor on five seeded labelled streams built from the real pages of
# ../shared/data/html-eval and tests/fixtures/dedup/articles.txt, with the
# exact-Jaccard and SimHash baselines (see bench/eval_dedup.c).
#
#   PAGES=DIR                 other gzipped HTML pages
#   SEEDS=N                   number of seeded streams (default 5)
#   EVAL_DEDUP_VARIANTS=1     also rebuild and score the sketch variants the
#                             choice was made from (shingle size, signature
#                             bits, anchors)
#   EVAL_DEDUP_DEBUG=1        list every miss and false flag
# Exits non-zero when a target is missed.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PAGES=${PAGES:-../shared/data/html-eval/pages}
SEEDS=${SEEDS:-5}
FIXTURE=tests/fixtures/dedup/articles.txt
if [ ! -d "$PAGES" ]; then
  echo "eval-dedup: no pages at $PAGES (set PAGES=DIR to the gzipped HTML pages)" >&2
  exit 2
fi
status=0
"$BUILD"/bench/eval_dedup -s "$SEEDS" -b "$PAGES" "$FIXTURE" || status=$?

if [ "${EVAL_DEDUP_VARIANTS:-0}" = 1 ]; then
  # Each variant recompiles the three dedup sources and the evaluator with
  # other constants, linked before libnewsflow.a so that they win.
  CC=${CC:-gcc}
  CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -I. $(pkg-config --cflags libxml-2.0 jansson)"
  LIBS="$(pkg-config --libs libxml-2.0 jansson libutf8proc libxxhash) -lpthread -lm"
  while read -r name defs; do
    out=$BUILD/bench/variants/$name
    mkdir -p "$out"
    for src in processors/fingerprint.c processors/dedup_index.c processors/dedup.c bench/eval_dedup.c; do
      $CC $CFLAGS $defs -c "$src" -o "$out/$(basename "$src" .c).o"
    done
    $CC -o "$out/eval_dedup" "$out"/*.o "$BUILD/libnewsflow.a" $LIBS
    echo
    echo "== variant $name ($defs)"
    "$out/eval_dedup" -s "$SEEDS" -t 0.4 -t 0.45 -t 0.5 "$PAGES" "$FIXTURE" | sed -n '/^method/,/^$/p' || true
  done <<'VARIANTS'
bits128 -DNF_FP_BINS_LOG2=7
shingle3 -DNF_FP_SHINGLE=3
shingle4 -DNF_FP_SHINGLE=4
anchors3 -DNF_FP_ANCHORS=3
anchors8 -DNF_FP_ANCHORS=8
VARIANTS
fi
exit $status
