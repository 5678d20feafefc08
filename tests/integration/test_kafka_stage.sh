#!/usr/bin/env bash
# test_kafka_stage.sh — one stage against kafka-mock, as separate processes:
#   - N good and M bad records in give N out and M on the DLQ, each DLQ
#     record with its original key/value/headers and the right
#     __connect.errors.* headers (reason, stage, origin);
#   - SIGTERM exits 0 and leaves committed offsets == end offsets;
#   - a restarted stage reprocesses nothing that was committed, and
#     processes new input.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

N=60
K=15
BAD=tests/fixtures/kafka/bad.tsv
M=$(wc -l <"$BAD")

start_mock -t in:4 -t out:4 -t dlq:2

# Good records keyed by id; bad ones keyed by the reason they must get.
for i in $(seq 1 $N); do
        printf 'good-%d\t{"id":"good-%d","title":"Title %d","text":"First paragraph of story %d.\\n\\nSecond paragraph."}\n' \
                "$i" "$i" "$i" "$i"
done >"$T/good.tsv"
check "produce $N good records" \
        nfk produce -t in -k -f "$T/good.tsv" -H origin=it
check "produce $M bad records" nfk produce -t in -k -f "$BAD" -H origin=it

STAGE_ARGS=(-X input.topic=in -X output.topic=out
        -X errors.deadletterqueue.topic.name=dlq
        -X input.max.bytes=4096 -X json.max.depth=8)
start_stage a "${STAGE_ARGS[@]}"
A=$STAGE_PID

check "$N records reach the output topic" \
        eval 'nfk consume -t out -n $N -T 60000 >"$T/out1.jsonl"'
check "$M records reach the DLQ" \
        eval 'nfk consume -t dlq -n $M -T 30000 >"$T/dlq.jsonl"'
nfk consume -t in -e -T 20000 >"$T/in.jsonl"

stop_pid $A
rc=$?
check "stage exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
check "committed offsets == end offsets after SIGTERM" \
        committed_at_end in newsflow

count=$(count_topic out)
check "exactly $N records out (got $count)" test "$count" = "$N"
count=$(count_topic dlq)
check "exactly $M records on the DLQ (got $count)" test "$count" = "$M"

check "output records: key = id, every good id once, meta origin" \
        python3 - "$T/out1.jsonl" "$N" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ids = sorted(json.loads(r["value"])["id"] for r in recs)
want = sorted("good-%d" % i for i in range(1, int(sys.argv[2]) + 1))
assert ids == want, (ids[:5], want[:5])
for r in recs:
    v = json.loads(r["value"])
    assert r["key"] == v["id"], r["key"]
    assert v["meta"]["topic"] == "in" and v["meta"]["offset"] >= 0, v["meta"]
    assert v["title"].startswith("Title "), v["title"]
EOF

check "DLQ records: original key/value/headers + __connect.errors.* with the right reason" \
        python3 - "$T/dlq.jsonl" "$T/in.jsonl" <<'EOF'
import json, sys
dlq = [json.loads(l) for l in open(sys.argv[1])]
src = {}
for l in open(sys.argv[2]):
    r = json.loads(l)
    src[r.get("value", r.get("value_hex"))] = r
reasons = []
for r in dlq:
    h = r["headers"]
    v = r.get("value", r.get("value_hex"))
    assert v in src, "DLQ value is not an input value: %r" % v[:60]
    orig = src[v]
    assert r["key"] == orig["key"], (r["key"], orig["key"])
    assert h["origin"] == "it", h
    assert h["__connect.errors.reason"] == r["key"], (h, r["key"])
    assert h["__connect.errors.stage"] == "decode", h
    assert h["__connect.errors.topic"] == "in", h
    assert h["__connect.errors.partition"] == str(orig["partition"]), h
    assert h["__connect.errors.offset"] == str(orig["offset"]), h
    assert len(h["__connect.errors.exception.message"]) > 10, h
    reasons.append(h["__connect.errors.reason"])
want = sorted(l.split("\t")[0] for l in open("tests/fixtures/kafka/bad.tsv", "rb").read().decode("latin-1").splitlines())
assert sorted(reasons) == want, (sorted(reasons), want)
EOF

check "stage logged a summary with the DLQ reasons" \
        grep -q 'msg="stage stopped" in=68 out=60 dlq=8 .*decode.too_large' "$T/a.log"

# Restart: nothing committed may be processed again.
start_stage b "${STAGE_ARGS[@]}"
B=$STAGE_PID
check "restarted stage joins the group" \
        wait_for 30 grep -q 'partitions assigned' "$T/b.log"
for i in $(seq 1001 $((1000 + K))); do
        printf 'good-%d\t{"id":"good-%d","title":"Title %d","text":"New story %d."}\n' \
                "$i" "$i" "$i" "$i"
done >"$T/new.tsv"
check "produce $K new records" nfk produce -t in -k -f "$T/new.tsv"
check "new records are processed" \
        eval "nfk consume -t out -n $((N + K)) -T 60000 >/dev/null"
stop_pid $B
rc=$?
check "restarted stage exits 0 (rc=$rc)" test "$rc" = 0
count=$(count_topic out)
check "restart reprocessed nothing: $((N + K)) records out (got $count)" \
        test "$count" = $((N + K))
count=$(count_topic dlq)
check "restart reprocessed no bad record: $M on the DLQ (got $count)" \
        test "$count" = "$M"
check "committed offsets == end offsets after the second SIGTERM" \
        committed_at_end in newsflow
check "restarted stage consumed only the new records" \
        grep -q "msg=\"stage stopped\" in=$K out=$K dlq=0 " "$T/b.log"
exit 0
