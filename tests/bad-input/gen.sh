#!/usr/bin/env bash
# tests/bad-input/gen.sh DIR — writes the large hostile records into DIR
# (generated at test time, not committed); expectations.tsv lists them
# with the committed ones.
#   html-20mb.json                 20 MB of html: over input.max.bytes (16 MiB)
#   html-unclosed-100k-deep.json   100k <div> never closed
#   html-25k-paragraphs.json       25k <p> blocks: over clean.max.paragraphs
#   text-5mb-line.json             one 5 MB line of words
#   text-25k-lines.json            25k short lines: over clean.max.paragraphs
set -eu
dir=$1
mkdir -p "$dir"
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
def w(name, parts):
    with open(f"{d}/{name}", "wb") as f:
        for p in parts:
            f.write(p)
para = b"<p>The harbour authority said the new ferry route opens in spring.</p>"
w("html-20mb.json", [b'{"html":"<html><body>', para * (20_000_000 // len(para)), b'</body></html>"}'])
w("html-unclosed-100k-deep.json", [b'{"html":"<html><body>', b"<div>" * 100_000, b'text"}'])
w("html-25k-paragraphs.json", [b'{"html":"<html><body><article>', para * 25_000, b'</article></body></html>"}'])
words = b"ferry harbour spring route council budget "
w("text-5mb-line.json", [b'{"text":"', words * (5_000_000 // len(words)), b'"}'])
w("text-25k-lines.json", [b'{"text":"', b"Line of text.\\n" * 25_000, b'"}'])
PY
