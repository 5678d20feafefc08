#!/usr/bin/env bash
# bench/eval-tag.sh — `make eval-tag`: topic accuracy of the shipped rules on
# the labelled sets, plus the seed's tags. A document counts as right when
# its label's IPTC topic is its FIRST topic.
#   tests/fixtures/tag/eval.jsonl       120 BBC-style articles, 24 per category
#   tests/fixtures/tag/eval-hard.jsonl   40 articles written after the rules,
#                                        mixing topics on purpose
#   tests/fixtures/tag/eval-policy.jsonl  8 policy stories (politics vs crime,
#                                        health, education) and two controls
set -eu
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
for f in tests/fixtures/tag/eval.jsonl tests/fixtures/tag/eval-hard.jsonl tests/fixtures/tag/eval-policy.jsonl; do
  echo "== $f"
  "$BUILD/bench/eval_tag" -v "$f"
  echo
done
echo "== both sets"
cat tests/fixtures/tag/eval.jsonl tests/fixtures/tag/eval-hard.jsonl > "$BUILD/eval-tag-all.jsonl"
"$BUILD/bench/eval_tag" "$BUILD/eval-tag-all.jsonl"
echo
echo "== seed (tests/fixtures/seed-article.json), tags with scores"
"$BUILD/bench/eval_tag" -s tests/fixtures/seed-article.json
