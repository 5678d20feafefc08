#!/usr/bin/env bash
# test_file_mode.sh — `newsflow process` on the seed article (no broker),
# checked against the issue's contract: the title is the headline; each of
# the 23 body paragraphs (taken from the scraped page itself: the lines
# between the first headline and its repetition) is in `text` exactly once;
# no navigation or share line; paragraphs separated by one blank line; the
# teaser is the summary, not body.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

"$NEWSFLOW" process <tests/fixtures/seed-article.json >"$T/out.jsonl" 2>"$T/err.log"
rc=$?
check "newsflow process exits 0 on the seed (rc=$rc)" test "$rc" = 0
check "one output line" test "$(wc -l <"$T/out.jsonl")" = 1
check "seed contract: title, 23 paragraphs once each, no navigation, summary" \
        python3 - "$T/out.jsonl" tests/fixtures/seed-article.txt <<'PY'
import json, sys
rec = json.loads(open(sys.argv[1]).readline())
page = [l.strip() for l in open(sys.argv[2], encoding="utf-8").read().split("\n")]
head = "Russia Agrees To \u2018Help\u2019 Pakistan Fight Terrorism"
first = page.index(head)
second = page.index(head, first + 1)
# whitespace is collapsed by clean, as the contract asks
body = [" ".join(l.split()) for l in page[first + 1:second] if l]
assert len(body) == 23, len(body)
assert rec["id"] == "seed-0001", rec["id"]
assert rec["title"] == head, rec["title"]
text = rec["text"]
for p in body:
    assert text.count(p) == 1, (text.count(p), p[:60])
paras = text.split("\n\n")
assert len(paras) == 23, len(paras)
assert all(p.strip() == p and p and "\n" not in p for p in paras)
for nav in ("Skip to main content", "Latest news", "Thumbnail", "Share this post", head):
    assert nav not in text, nav
assert rec["summary"] and rec["summary"].startswith("Following bilateral talks"), rec["summary"]
assert rec["summary"] not in text
# a word is a whitespace-separated token with a letter or digit ("–" is not)
import re
assert rec["word_count"] == len([w for w in text.split() if re.search(r"\w", w)]), rec["word_count"]
PY
check "no error lines for a good record" \
        test "$(grep -c '"reason"' "$T/err.log")" = 0
exit 0
