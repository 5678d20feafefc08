#!/usr/bin/env bash
# test_kafka_workers.sh — workers=2 (two processing threads in one stage)
# against kafka-mock:
#   - every input record is on the output topic exactly once, bad ones on
#     the DLQ, nothing else;
#   - per-partition order is kept: within each output partition, the records
#     that came from one input partition have increasing meta.offset;
#   - SIGTERM exits 0 with committed offsets == end offsets.
# The chain is the default one with dedup.action=mark, so nothing is
# dropped; the input is the seed article under many ids, a few records bad.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

N=600
start_mock -t in:6 -t out:4 -t dlq:2

# The seed article under N ids (dedup marks the copies), every 40th bad.
python3 - "$N" >"$T/in.tsv" <<'EOF'
import json, sys
seed = json.load(open("tests/fixtures/seed-article.json"))
for i in range(int(sys.argv[1])):
    if i % 40 == 7:
        print("bad-%d\t{not json" % i)
        continue
    a = dict(seed, id="w-%d" % i, title="Story %d" % i)
    print("w-%d\t%s" % (i, json.dumps(a)))
EOF
check "produce $N records" nfk produce -t in -k -f "$T/in.tsv"

start_stage w -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X workers=2 \
        -X dedup.action=mark
W=$STAGE_PID

# Wait until every input offset is committed: then all is out.
check "every input record is processed (committed == end)" \
        wait_for 120 committed_at_end in newsflow quiet
stop_pid $W
rc=$?
check "stage exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
check "committed offsets == end offsets after SIGTERM" \
        committed_at_end in newsflow

nfk consume -t out -e -T 30000 >"$T/out.jsonl"
nfk consume -t dlq -e -T 30000 >"$T/dlq.jsonl"
nfk consume -t in -e -T 30000 >"$T/in.jsonl"
check "every record once: output + DLQ == input, no duplicates" \
        python3 - "$T/in.jsonl" "$T/out.jsonl" "$T/dlq.jsonl" <<'EOF'
import json, sys
ins = [json.loads(l) for l in open(sys.argv[1])]
outs = [json.loads(l) for l in open(sys.argv[2])]
dlq = [json.loads(l) for l in open(sys.argv[3])]
origin = []
for r in outs:
    m = json.loads(r["value"])["meta"]
    origin.append((m["partition"], m["offset"]))
for r in dlq:
    h = r["headers"]
    origin.append((int(h["__connect.errors.partition"]),
                   int(h["__connect.errors.offset"])))
want = sorted((r["partition"], r["offset"]) for r in ins)
assert len(origin) == len(set(origin)), "duplicates"
assert sorted(origin) == want, (len(origin), len(want))
assert len(outs) > len(ins) // 2 and dlq, (len(outs), len(dlq))
EOF
check "per-partition order: meta.offset increases per input partition" \
        python3 - "$T/out.jsonl" <<'EOF'
import json, sys
last = {}
for l in open(sys.argv[1]):
    r = json.loads(l)  # nf-kafka prints each partition in offset order
    m = json.loads(r["value"])["meta"]
    k = (r["partition"], m["partition"])
    assert m["offset"] > last.get(k, -1), (k, m["offset"], last[k])
    last[k] = m["offset"]
assert len({k[1] for k in last}) == 6, last
EOF
check "two worker threads ran (log names workers=2 at start)" \
        grep -q 'workers=2' "$T/w.log"
