#!/usr/bin/env bash
# bench/bench-html.sh — HTML extraction throughput on one core over the
# html-eval pages (decompressed in memory first). Target: >= 250 pages/s for
# pages averaging ~175 KB. Prints per-round and median pages/s and MB/s.
#
#   HTML_EVAL_DIR=/path/to/html-eval bench/bench-html.sh [-r ROUNDS]
set -eu
BUILD=${BUILD:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
data=${HTML_EVAL_DIR:-$here/../shared/data/html-eval}
exec "$BUILD/bench/bench_html" "$@" "$data"
