#!/usr/bin/env bash
# bench/eval-html.sh — `make eval-html`: scores the HTML extractor on the
# html-eval development set (../shared/data/html-eval, see its README) with
# trafilatura's snippet method and prints precision, recall, F1 and pages/s.
#
#   HTML_EVAL_DIR=/path/to/html-eval bench/eval-html.sh [-v] [-d DUMPDIR]
set -eu
BUILD=${BUILD:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
data=${HTML_EVAL_DIR:-$here/../shared/data/html-eval}
if [ ! -f "$data/evaldata.json" ]; then
  echo "eval-html: no evaldata.json under $data (set HTML_EVAL_DIR)" >&2
  exit 1
fi
echo "# html-eval: $(ls "$data/pages" | wc -l) pages in $data"
echo "# published F1 on this set: trafilatura 0.924, justext 0.862, readability-lxml 0.826"
exec "$BUILD/bench/eval_html" "$@" "$data"
