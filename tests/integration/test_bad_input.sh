#!/usr/bin/env bash
# test_bad_input.sh — the hostile corpus (tests/bad-input/: one raw Kafka
# message value per file, plus the large ones gen.sh writes now), interleaved
# with good records, through one stage on kafka-mock and through file mode:
#   - every good record, and every hostile one the expectations call "ok",
#     is on the output;
#   - every other hostile record is on the DLQ, once, under its file name as
#     key, with the expected __connect.errors.reason and message part;
#   - the committed offsets reach the end of every input partition;
#   - the stage is still alive and healthy (/healthz, /readyz) afterwards
#     and exits 0 on SIGTERM;
#   - `newsflow process` gives the same reasons as error lines.
# html-20mb.json (over input.max.bytes) runs in file mode only: kafka-mock
# keeps ~5 MiB per partition, so a 20 MB record cannot be carried. The
# other large records each get an input partition of their own.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

EXP=tests/bad-input/expectations.tsv
GEN=$T/gen
tests/bad-input/gen.sh "$GEN" || { not_ok "gen.sh writes the large records"; exit 1; }
path_of() { if [ -f "tests/bad-input/$1" ]; then echo "tests/bad-input/$1"; else echo "$GEN/$1"; fi; }

# Good records: generated articles (30% html), one file each.
mkdir -p "$T/good"
# -d 0: no re-posts, so the dedup processor keeps every good record
"$BUILD"/bench/gen_articles -n 60 -s 11 -d 0 -i good -H 30 >"$T/good.jsonl"
i=0
while IFS= read -r line; do
        printf '%s' "$line" >"$T/good/good-$i.json"
        i=$((i + 1))
done <"$T/good.jsonl"
NGOOD=$i

# Partitions 0-3: the small hostile records, each after a good one;
# 4-7: one large record each (text-25k-lines shares 6 with the 500 kB one).
declare -a P0 P1 P2 P3
small=() large=(text-5mb-line.json html-25k-paragraphs.json
        html-unclosed-100k-deep.json unknown-field-100k-array.json text-25k-lines.json)
while IFS=$'\t' read -r name reason part; do
        case $name in '#'* | '') continue ;; esac
        [ "$name" = html-20mb.json ] && continue
        [[ " ${large[*]} " == *" $name "* ]] && continue
        small+=("$name")
done <"$EXP"
g=0
for k in "${!small[@]}"; do
        p=$((k % 4))
        eval "P$p+=(\"\$T/good/good-$g.json\" \"\$(path_of ${small[$k]})\")"
        g=$(((g + 1) % NGOOD))
done
# the good records not used yet go to partition 0
while [ $g -ne 0 ] && [ $g -lt $NGOOD ]; do P0+=("$T/good/good-$g.json"); g=$((g + 1)); done

start_mock -t in:8 -t out:4 -t dlq:16
PROD=(-X message.max.bytes=20000000)
ok_all=1
for p in 0 1 2 3; do
        eval "files=(\"\${P$p[@]}\")"
        nfk produce -t in -p "$p" -r "${PROD[@]}" "${files[@]}" 2>>"$T/produce.log" || ok_all=0
done
nfk produce -t in -p 4 -r "${PROD[@]}" "$GEN/text-5mb-line.json" 2>>"$T/produce.log" || ok_all=0
nfk produce -t in -p 5 -r "${PROD[@]}" "$GEN/html-25k-paragraphs.json" 2>>"$T/produce.log" || ok_all=0
nfk produce -t in -p 6 -r "${PROD[@]}" "$GEN/html-unclosed-100k-deep.json" "$GEN/text-25k-lines.json" 2>>"$T/produce.log" || ok_all=0
nfk produce -t in -p 7 -r "${PROD[@]}" tests/bad-input/unknown-field-100k-array.json 2>>"$T/produce.log" || ok_all=0
NIN=$((NGOOD + ${#small[@]} + ${#large[@]}))
check "produce $NGOOD good and $((${#small[@]} + ${#large[@]})) hostile records ($NIN)" test $ok_all = 1

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_stage a -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X metrics.listen=127.0.0.1:$PORT
A=$STAGE_PID

# done: committed everything, or dead (then the checks below say why)
done_or_dead() { ! kill -0 $A 2>/dev/null || committed_at_end in newsflow quiet; }
wait_for 240 done_or_dead
check "the stage commits every input offset (end of every partition)" \
        committed_at_end in newsflow quiet
committed_at_end in newsflow
nfk consume -t out -e -T 30000 -X fetch.max.bytes=50000000 >"$T/out.jsonl"
nfk consume -t dlq -e -T 30000 -X fetch.max.bytes=50000000 >"$T/dlq.jsonl"

scrape() { python3 -c 'import sys, urllib.request; r = urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5); print(r.status)' "$PORT" "$1" 2>/dev/null; }
check "the stage is still running" kill -0 $A
check "/healthz answers 200 afterwards" test "$(scrape /healthz)" = 200
check "/readyz answers 200 afterwards" test "$(scrape /readyz)" = 200

check "every good and every accepted hostile record is on the output" \
        python3 - "$T/out.jsonl" "$EXP" "$NGOOD" <<'PY'
import json, sys
ids = {json.loads(json.loads(l)["value"])["id"] for l in open(sys.argv[1])}
want = {"good-%d" % i for i in range(int(sys.argv[3]))}
for l in open(sys.argv[2]):
    f = l.rstrip("\n").split("\t")
    if not l.startswith("#") and len(f) == 3 and f[1] == "ok":
        want.add("bad-input:" + f[0][:-5])
missing = sorted(want - ids)
assert not missing, "missing on the output: %s" % missing
PY

check "every rejected hostile record is on the DLQ once, with its reason and message" \
        python3 - "$T/dlq.jsonl" "$EXP" <<'PY'
import json, sys
got = {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    got.setdefault(r["key"], []).append(r["headers"])
bad = []
for l in open(sys.argv[2]):
    f = l.rstrip("\n").split("\t")
    if l.startswith("#") or len(f) != 3 or f[1] == "ok" or f[0] == "html-20mb.json":
        continue
    name, reason, part = f
    h = got.pop(name, None)
    if not h:
        bad.append("%s: not on the DLQ" % name)
        continue
    if len(h) != 1:
        bad.append("%s: %d times on the DLQ" % (name, len(h)))
    h = h[0]
    if h.get("__connect.errors.reason") != reason:
        bad.append("%s: reason %s, want %s" % (name, h.get("__connect.errors.reason"), reason))
    if part != "-" and part not in h.get("__connect.errors.exception.message", ""):
        bad.append("%s: message %r lacks %r" % (name, h.get("__connect.errors.exception.message"), part))
if got:
    bad.append("unexpected on the DLQ: %s" % sorted(got))
assert not bad, "\n".join(bad)
PY

stop_pid $A
rc=$?
check "stage exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0

# File mode: the records without a line break as the lines of one input,
# each other one alone (file mode cuts at line breaks and skips blank lines).
check "file mode: every hostile record gives its expected error line (or output)" \
        python3 - "$NEWSFLOW" "$EXP" "$GEN" "$T" <<'PY'
import json, os, subprocess, sys
newsflow, exp, gen, tmp = sys.argv[1:]
cases = []
for l in open(exp):
    f = l.rstrip("\n").split("\t")
    if l.startswith("#") or len(f) != 3:
        continue
    path = "tests/bad-input/" + f[0]
    cases.append((f[0], f[1], f[2], path if os.path.exists(path) else gen + "/" + f[0]))

def process(data):
    """Runs newsflow process on data; returns (outputs by line, errors by line)."""
    with open(tmp + "/fm.in", "wb") as fp:
        fp.write(data)
    with open(tmp + "/fm.in", "rb") as fin:
        r = subprocess.run([newsflow, "process", "-X", "log.level=error",
                            "-X", "errors.file=" + tmp + "/fm.err"],
                           stdin=fin, stdout=subprocess.PIPE)
    assert r.returncode == 0, "newsflow process exited %d" % r.returncode
    outs = {}
    for l in r.stdout.splitlines():
        o = json.loads(l)
        outs.setdefault(o["meta"]["line"], []).append(o)
    errs = {}
    for l in open(tmp + "/fm.err"):
        e = json.loads(l)
        errs.setdefault(e["line"], []).append(e)
    return outs, errs

def judge(name, reason, part, outs, errs, size):
    if size == 0:
        return None if not outs and not errs else "an empty record gave lines"
    if reason == "ok":
        ok = len(outs) == 1 and not errs and outs[0]["id"] == "bad-input:" + name[:-5]
        return None if ok else "not accepted: %s" % errs[:1]
    if outs or not errs:
        return "accepted, want %s" % reason
    wrong = [e for e in errs if e["reason"] != reason or (part != "-" and part not in e["message"])]
    return None if not wrong else "error line %s, want %s / %s" % (wrong[0], reason, part)

bad = []
single, alone = [], []
for c in cases:
    data = open(c[3], "rb").read()
    (alone if (b"\n" in data or b"\r" in data or not data) else single).append((c, data))
outs, errs = process(b"".join(d + b"\n" for _, d in single))
for n, (c, data) in enumerate(single, 1):
    why = judge(c[0], c[1], c[2], outs.get(n, []), errs.get(n, []), len(data))
    if why:
        bad.append("%s: %s" % (c[0], why))
for c, data in alone:
    o, e = process(data)
    why = judge(c[0], c[1], c[2], sum(o.values(), []), sum(e.values(), []), len(data))
    if why:
        bad.append("%s: %s" % (c[0], why))
print("# file mode: %d records in one input, %d alone" % (len(single), len(alone)))
assert not bad, "\n".join(bad)
PY
exit 0
