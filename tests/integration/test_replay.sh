#!/usr/bin/env bash
# test_replay.sh — `newsflow replay` against kafka-mock while the live group
# keeps running:
#   - a time range (batch B, between two instants) replayed into another
#     topic gives, record for record, what the live stage gave for it: same
#     keys (document ids), same values apart from meta.processed_at, same
#     newsflow.config.digest header;
#   - the live group is not touched: it keeps consuming new input, its
#     committed offsets reach the end, and its output holds no replayed
#     copy;
#   - an offset range per partition reads exactly those records;
#   (replay.time.lookup=scan: the mock has no time index, its ListOffsets
#   answers -1 for any timestamp, so offsets_for_times() is not exercised.)
#   - progress: log lines when stderr is not a terminal, a redrawn
#     "done/total, rate, ETA" line when it is.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

start_mock -t in:4 -t out:4 -t dlq:1 -t rep:4 -t rep2:4 -t rep3:4
CHAIN=(-X processors=clean,tag)

# batch NAME N: N keyed records NAME-1..NAME-N
batch() {
        python3 - "$@" <<'EOF' | nfk produce -t in -k 2>/dev/null
import sys
name, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    print('%s-%d\t{"id":"%s-%d","title":"Talks in Geneva, part %d","text":"The United Nations said on Monday that talks in Geneva between France and Germany would resume, in story %d of batch %s.\\n\\nOfficials of the European Union welcomed the news."}'
          % (name, i, name, i, i, i, name))
EOF
}
now_ms() { date +%s%3N; }

start_stage live -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X group.id=live "${CHAIN[@]}"
LIVE=$STAGE_PID
batch a 100
t1=$(now_ms)
sleep 0.05 # the range boundary must fall strictly between two batches
batch b 150
sleep 0.05
t2=$(now_ms)
batch c 100
check "the live stage outputs batches a, b, c" \
        eval 'nfk consume -t out -n 350 -T 60000 >"$T/out1.jsonl"'

# The live group keeps working while the replay runs.
batch d 200
from=$(date -u -d "@$((t1 / 1000)).$(printf %03d $((t1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ)
"$NEWSFLOW" replay --from "$from" --to "@$t2" --output rep \
        -X replay.time.lookup=scan \
        -X bootstrap.servers="$BROKERS" -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq "${CHAIN[@]}" \
        2>"$T/replay.log"
rc=$?
check "replay --from $from --to @$t2 exits 0 (rc=$rc)" test "$rc" = 0
check "it logged the range and a summary: 150 in, 150 out, the rest skipped" \
        eval 'grep -q "msg=\"replay: reading the range\"" "$T/replay.log" &&
              grep -q "msg=\"replay done\" in=150 out=150 dlq=0 dropped=0 failed=0 out_of_time_range=[1-9]" "$T/replay.log"'
nfk consume -t rep -e -T 20000 >"$T/rep.jsonl" 2>/dev/null
check "the replayed range equals the first pass apart from meta.processed_at" \
        python3 - "$T/out1.jsonl" "$T/rep.jsonl" <<'EOF'
import json, sys
def load(path):
    recs = {}
    for l in open(path):
        r = json.loads(l)
        v = json.loads(r["value"])
        assert v["meta"].pop("processed_at"), v["meta"]
        recs[v["id"]] = (r["key"], v, r["headers"].get("newsflow.config.digest"))
    return recs
first, rep = load(sys.argv[1]), load(sys.argv[2])
want = {"b-%d" % i for i in range(1, 151)}
assert set(rep) == want, sorted(set(rep) ^ want)[:5]
for i in want:
    assert rep[i] == first[i], (i, rep[i], first[i])
assert len(rep[next(iter(want))][2]) == 32
assert rep["b-1"][1]["tags"]["countries"], rep["b-1"][1]["tags"]
EOF

check "the live stage went on: batch d out" \
        eval 'nfk consume -t out -n 550 -T 60000 >/dev/null'
check "the live group's committed offsets reach the end of the input" \
        wait_for 30 committed_at_end in live quiet
check "the live output holds no replayed copy (550 records)" \
        test "$(count_topic out)" = 550

# Offsets: partition 0 from 0 to 10, partition 1 from 5 to 10, no other.
"$NEWSFLOW" replay --from 0:0,1:5 --to 0:10,1:10 --output rep3 \
        -X bootstrap.servers="$BROKERS" -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq "${CHAIN[@]}" \
        2>"$T/replay3.log"
rc=$?
nfk consume -t rep3 -e -T 20000 >"$T/rep3.jsonl" 2>/dev/null
check "replay by offsets reads exactly [0:0-9, 1:5-9] (rc=$rc)" \
        python3 - "$T/rep3.jsonl" <<'EOF'
import json, sys
got = sorted((v["meta"]["partition"], v["meta"]["offset"])
             for v in (json.loads(json.loads(l)["value"]) for l in open(sys.argv[1])))
want = [(0, o) for o in range(10)] + [(1, o) for o in range(5, 10)]
assert got == want, got
EOF

# On a terminal: the redrawn progress line.
script -qec "$NEWSFLOW replay --from beginning --output rep2 \
        -X bootstrap.servers=$BROKERS -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X processors=clean,tag" \
        /dev/null >"$T/tty.out" 2>&1
check "on a terminal: a progress line with done/total, rate and ETA" \
        grep -aq $'\rreplay: 550/550 records (100%), [0-9]*/s, ETA 0m00s' "$T/tty.out"
stop_pid $LIVE
rc=$?
check "the live stage exits 0 (rc=$rc)" test "$rc" = 0
exit 0
