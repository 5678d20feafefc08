#!/usr/bin/env bash
# test_kafka_errors.sh — the stage's error paths against kafka-mock:
#   - errors.tolerance=none without a DLQ: bad input stops the stage
#     (non-zero exit) without committing past the bad record;
#   - an output record the producer refuses for good (over
#     message.max.bytes) sends the original input to the DLQ with the
#     producer's error as reason, and is not lost;
#   - a tiny producer queue (QUEUE_FULL all the time) pauses input instead
#     of dropping: every record still comes out, once.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

start_mock -t none.in:1 -t none.out:1 -t big.in:1 -t big.out:1 -t big.dlq:1 \
        -t bp.in:2 -t bp.out:2

# --- errors.tolerance=none: stop at the bad record, commit up to it ------
{
        for i in 1 2 3; do echo "{\"id\":\"n$i\",\"text\":\"good $i\"}"; done
        echo 'this is not JSON'
        for i in 4 5; do echo "{\"id\":\"n$i\",\"text\":\"good $i\"}"; done
} >"$T/none.jsonl"
check "produce 5 good and 1 bad record to one partition" \
        nfk produce -t none.in -p 0 -f "$T/none.jsonl"
start_stage none -X input.topic=none.in -X output.topic=none.out \
        -X errors.tolerance=none -X group.id=g-none
wait_exit $STAGE_PID 60
rc=$?
check "bad input with errors.tolerance=none stops the stage, exit 1 (rc=$rc)" \
        test "$rc" = 1
check "the stop is logged with the reason" \
        grep -q 'errors.tolerance=none.*reason=decode.json_invalid' "$T/none.log"
offs=$(nfk offsets -t none.in -g g-none | sed -n 's/^partition 0 committed \([-0-9]*\) .*/\1/p')
check "committed offset stops at the bad record (offset 3, got $offs)" \
        test "$offs" = 3
count=$(count_topic none.out)
check "only the 3 records before it were output (got $count)" test "$count" = 3

# --- a record the producer refuses goes to the DLQ, not lost ------------
long_id=$(head -c 900 /dev/zero | tr '\0' 'k')
{
        echo '{"id":"small","text":"fits"}'
        echo "{\"id\":\"$long_id\",\"text\":\"its key and value together exceed message.max.bytes\"}"
        echo '{"id":"after","text":"fits too"}'
} >"$T/big.jsonl"
check "produce records, one whose output exceeds message.max.bytes" \
        nfk produce -t big.in -f "$T/big.jsonl"
start_stage big -X input.topic=big.in -X output.topic=big.out \
        -X errors.deadletterqueue.topic.name=big.dlq -X group.id=g-big \
        -X producer.message.max.bytes=2000
check "the refused record reaches the DLQ" \
        eval 'nfk consume -t big.dlq -n 1 -T 30000 >"$T/big.dlq.jsonl"'
check "the other two reach the output" \
        eval 'nfk consume -t big.out -n 2 -T 30000 >/dev/null'
stop_pid $STAGE_PID
rc=$?
check "stage exits 0 (rc=$rc)" test "$rc" = 0
check "DLQ record: original value, stage produce, reason produce.msg_size_too_large" \
        python3 - "$T/big.dlq.jsonl" "$long_id" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
h = r["headers"]
assert json.loads(r["value"])["id"] == sys.argv[2]
assert h["__connect.errors.stage"] == "produce", h
assert h["__connect.errors.reason"] == "produce.msg_size_too_large", h
assert h["__connect.errors.offset"] == "1", h
assert "big.out" in h["__connect.errors.exception.message"], h
EOF
check "committed offsets == end offsets" committed_at_end big.in g-big
count=$(count_topic big.out)
check "exactly 2 records out (got $count)" test "$count" = 2

# --- backpressure: QUEUE_FULL pauses input, nothing is dropped -----------
N=300
for i in $(seq 1 $N); do
        printf 'bp-%d\t{"id":"bp-%d","text":"record %d"}\n' "$i" "$i" "$i"
done >"$T/bp.tsv"
check "produce $N records" nfk produce -t bp.in -k -f "$T/bp.tsv"
# Each resume waits for the fetch in flight (up to fetch.wait.max.ms, 500 ms
# by default): lowered so the ~50 pause/resume cycles take 2 s, not 25.
start_stage bp -X input.topic=bp.in -X output.topic=bp.out -X group.id=g-bp \
        -X errors.tolerance=none -X producer.queue.buffering.max.messages=5 \
        -X consumer.fetch.wait.max.ms=20
check "$N records out through a 5-message producer queue" \
        eval 'nfk consume -t bp.out -n $N -T 60000 >/dev/null'
stop_pid $STAGE_PID
rc=$?
check "stage exits 0 (rc=$rc)" test "$rc" = 0
pauses=$(sed -n 's/.*msg="stage stopped" .* pauses=\([0-9]*\) .*/\1/p' "$T/bp.log")
check "input was paused for backpressure ($pauses times)" test "${pauses:-0}" -gt 0
count=$(count_topic bp.out)
check "exactly $N records out, none dropped or duplicated (got $count)" \
        test "$count" = $N
check "committed offsets == end offsets" committed_at_end bp.in g-bp
exit 0
