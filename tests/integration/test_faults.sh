#!/usr/bin/env bash
# test_faults.sh — the fault matrix, at least once, on a 3-broker kafka-mock.
# Broker 1 leads the input, broker 2 the output and the DLQ, broker 3 is the
# group coordinator; so errors queued on one broker hit only the stage's
# requests of that kind (the test driver produces to broker 1 and reads
# from broker 2), and `pending` shows the stage met every one of them.
#
# One stage runs through all of it. After each fault a batch of records
# goes through; checked: every record comes out exactly once (the faults
# are injected before the write, so the idempotent producer must not
# repeat: see KAFKA-MOCK.md), the stage is still running, the transient
# errors never reach the DLQ (the one bad record sent on purpose does), and
# the committed offsets reach the end of the input.
#   - Produce: NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT,
#     NOT_ENOUGH_REPLICAS;
#   - Fetch: NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT;
#   - OffsetCommit: REQUEST_TIMED_OUT, COORDINATOR_NOT_AVAILABLE,
#     NOT_COORDINATOR;
#   - the group coordinator moves to another broker and back;
#   - the input's leader is down for a while;
#   - the output's leader is down for a while (the output is unwritable):
#     input pauses once the producer queue is full
#     (queue.buffering.max.messages=1000 here), the stage's RSS stays
#     bounded (sampled), and it resumes by itself when the broker is back.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

start_mock -b 3 -t in:12 -t out:12 -t dlq:1
for c in "leader in 0-11 1" "leader out 0-11 2" "leader dlq 0 2" \
        "coordinator group g-f 3"; do
        [ "$(mock_cmd "$c")" = ok ] || echo "Bail out! kafka-mock: $c"
done

# batch NAME N [PAD]: N keyed records NAME-1..NAME-N (PAD: words of filler)
batch() {
        python3 - "$@" <<'EOF' | nfk produce -t in -k 2>/dev/null
import sys
name, n = sys.argv[1], int(sys.argv[2])
pad = " filler" * int(sys.argv[3]) if len(sys.argv) > 3 else ""
for i in range(1, n + 1):
    print('%s-%d\t{"id":"%s-%d","text":"Record %d of %s says the council met on Monday about the bridge.%s"}'
          % (name, i, name, i, i, name, pad))
EOF
}
# Records on the output (end offsets: cheap to poll). Every record id is
# checked once, at the end.
EXPECT=0
out_count() { nfk offsets -t out -g none | sed -n 's/^committed [0-9]* end //p'; }
# sent N: N more records are expected on the output
sent() { EXPECT=$((EXPECT + $1)); }
caught_up() { [ "$(out_count)" -ge "$EXPECT" ]; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$A/status"; }

start_stage a -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X group.id=g-f \
        -X processors=clean -X auto.commit.interval.ms=500 \
        -X reconnect.backoff.max.ms=1000 -X log.level=debug \
        -X producer.queue.buffering.max.messages=1000 \
        -X consumer.queued.max.messages.kbytes=4096
A=$STAGE_PID
check "the stage joins the group" \
        wait_for 30 grep -q 'msg="partitions assigned"' "$T/a.log"
echo 'not JSON at all' | nfk produce -t in -p 0 2>/dev/null
batch base 200
sent 200
check "baseline: 200 records out, the bad one on the DLQ" \
        eval 'wait_for 30 caught_up && nfk consume -t dlq -n 1 -T 20000 >/dev/null'

# fault NAME BROKER API ERR...: queue the errors, send a batch, expect it
# out and the errors used up by the stage.
fault() {
        local name=$1 broker=$2 api=$3
        shift 3
        mock_cmd broker-errors "$broker" "$api" "$@" >/dev/null
        batch "$name" 300
        sent 300
        if wait_for 60 caught_up &&
                wait_for 30 eval '[ "$(mock_cmd pending "$broker" "$api")" = "ok 0" ]'; then
                ok "$api $*: every record out, the stage met all $# errors"
        else
                not_ok "$api $*: every record out, the stage met all $# errors" \
                        "$(mock_cmd pending "$broker" "$api") pending"
        fi
}
fault p1 2 Produce NOT_LEADER_FOR_PARTITION NOT_LEADER_FOR_PARTITION NOT_LEADER_FOR_PARTITION
fault p2 2 Produce REQUEST_TIMED_OUT REQUEST_TIMED_OUT REQUEST_TIMED_OUT
fault p3 2 Produce NOT_ENOUGH_REPLICAS NOT_ENOUGH_REPLICAS NOT_ENOUGH_REPLICAS
fault f1 1 Fetch NOT_LEADER_FOR_PARTITION NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT
fault c1 3 OffsetCommit REQUEST_TIMED_OUT COORDINATOR_NOT_AVAILABLE NOT_COORDINATOR
check "commits go through again after OffsetCommit errors" \
        wait_for 30 committed_at_end in g-f quiet

mock_cmd coordinator group g-f 1 >/dev/null
batch m1 300
sent 300
check "group coordinator moved to broker 1: records out, offsets committed" \
        eval 'wait_for 60 caught_up && wait_for 30 committed_at_end in g-f quiet'
mock_cmd coordinator group g-f 3 >/dev/null
batch m2 300
sent 300
check "group coordinator moved back: records out, offsets committed" \
        eval 'wait_for 60 caught_up && wait_for 30 committed_at_end in g-f quiet'

# The input's leader goes down (right after the batch is written) and
# comes back: fetching stalls, then resumes.
batch d1 300
sent 300
mock_cmd down 1 >/dev/null
check "the stage notices the input leader is down" \
        wait_for 30 grep -q '127.0.0.1:[0-9]*/1: .*Connection refused' "$T/a.log"
mock_cmd up 1 >/dev/null
check "input leader back: every record out" wait_for 60 caught_up

# The output's leader goes down with 30 MB of input behind it.
N=15000
base=$(rss_kb)
pauses_before=$(grep -c 'msg="producer queue full: input paused"' "$T/a.log")
mock_cmd down 2 >/dev/null
batch big $N 300
sent $N
check "output unwritable: input paused (producer queue full)" \
        wait_for 30 eval '[ "$(grep -c "msg=\"producer queue full: input paused\"" "$T/a.log")" -gt "$pauses_before" ]'
peak=$base
for _ in 1 2 3 4 5 6 7 8 9 10; do
        sleep 0.5 # sampling interval, not a wait on a condition
        r=$(rss_kb)
        [ "$r" -gt "$peak" ] && peak=$r
done
echo "# faults: RSS ${base} kB before, peak ${peak} kB while the output was down (input ~30 MB)"
check "memory bounded while the output is down (RSS +$(((peak - base) / 1024)) MB < 16 MB)" \
        test $((peak - base)) -lt $((16 * 1024))
check "the stage is still running" kill -0 $A
mock_cmd up 2 >/dev/null
check "output leader back: the stage resumes by itself, all $N records out" \
        wait_for 90 caught_up
check "committed offsets reach the end of the input" \
        wait_for 30 committed_at_end in g-f quiet

nfk consume -t out -e -T 30000 2>/dev/null >"$T/out.jsonl"
check "every record of every batch out exactly once ($EXPECT)" \
        python3 - "$T/out.jsonl" "$N" <<'EOF'
import collections, json, sys
n = collections.Counter(json.loads(json.loads(l)["value"])["id"] for l in open(sys.argv[1]))
want = {"base": 200, "big": int(sys.argv[2])}
for b in ("p1", "p2", "p3", "f1", "c1", "m1", "m2", "d1"):
    want[b] = 300
ids = ["%s-%d" % (b, i) for b, k in want.items() for i in range(1, k + 1)]
missing = [i for i in ids if i not in n]
assert not missing, missing[:5]
d = {i: k for i, k in n.items() if k > 1}
assert not d, list(d.items())[:5]
assert len(n) == len(ids), (len(n), len(ids))
EOF
check "only the bad record reached the DLQ" test "$(count_topic dlq)" = 1
stop_pid $A
rc=$?
check "stage exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
exit 0
