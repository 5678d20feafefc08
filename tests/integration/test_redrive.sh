#!/usr/bin/env bash
# test_redrive.sh — `newsflow redrive` against kafka-mock, the way an
# operator uses it: a stage with a too small input.max.bytes sends the
# large records to the DLQ (with unparsable ones); after the fix (a new
# stage with the default limit), `redrive --filter reason=decode.too_large`
# puts exactly those back into the input, with their original key, value
# and headers and no __connect.errors.* header, and they come out; the
# others stay on the DLQ. The counts are reported; --to sends a copy of
# everything to another topic.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

start_mock -t in:2 -t out:2 -t dlq:1 -t scratch:1
{
        for i in 1 2 3; do
                printf 'big-%d\t{"id":"big-%d","text":"A long story number %d. %s"}\n' \
                        "$i" "$i" "$i" "$(printf 'word %.0s' $(seq 1 200))"
        done
        for i in 1 2; do printf 'bad-%d\tnot JSON %d\n' "$i" "$i"; done
        for i in 1 2 3 4; do
                printf 'ok-%d\t{"id":"ok-%d","text":"A short story number %d."}\n' "$i" "$i" "$i"
        done
} >"$T/in.tsv"
check "produce 3 large, 2 unparsable and 4 good records" \
        nfk produce -t in -k -f "$T/in.tsv" -H origin=it
ARGS=(-X input.topic=in -X output.topic=out
        -X errors.deadletterqueue.topic.name=dlq -X processors=clean
        -X group.id=g-r)
start_stage a "${ARGS[@]}" -X input.max.bytes=500
check "5 records on the DLQ" eval 'nfk consume -t dlq -n 5 -T 30000 >/dev/null'
check "4 records out" eval 'nfk consume -t out -n 4 -T 30000 >/dev/null'
stop_pid $STAGE_PID
start_stage b "${ARGS[@]}"
check "the fixed stage has joined" \
        wait_for 30 grep -q 'msg="partitions assigned"' "$T/b.log"

"$NEWSFLOW" redrive --from-dlq dlq --filter reason=decode.too_large \
        -X bootstrap.servers="$BROKERS" >"$T/redrive.out" 2>"$T/redrive.log"
rc=$?
check "redrive exits 0 (rc=$rc)" test "$rc" = 0
check "it reports read 5, selected 3, redriven 3" \
        grep -q 'read 5, selected 3, redriven 3, failed 0' "$T/redrive.out"
check "the 3 large records come out now" \
        eval 'nfk consume -t out -n 7 -T 30000 >"$T/out.jsonl"'
nfk consume -t in -e -T 20000 >"$T/in.jsonl" 2>/dev/null
check "re-injected: original key, value and headers, no __connect.errors.*" \
        python3 - "$T/in.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
by_key = {}
for r in recs:
    by_key.setdefault(r["key"], []).append(r)
for i in (1, 2, 3):
    copies = by_key["big-%d" % i]
    assert len(copies) == 2, copies
    a, b = copies
    assert a["value"] == b["value"], (a, b)
    assert b["headers"] == {"origin": "it"}, b["headers"]
for i in (1, 2):
    assert len(by_key["bad-%d" % i]) == 1
assert len(recs) == 12, len(recs)
PY
check "the DLQ still holds the 5, and nothing new" \
        test "$(count_topic dlq)" = 5

"$NEWSFLOW" redrive --from-dlq dlq --to scratch \
        -X bootstrap.servers="$BROKERS" >"$T/redrive2.out" 2>/dev/null
rc=$?
check "redrive --to scratch: everything, 5 records (rc=$rc)" \
        eval 'grep -q "read 5, selected 5, redriven 5" "$T/redrive2.out" && test "$(count_topic scratch)" = 5'
"$NEWSFLOW" redrive --from-dlq dlq --filter reason=decode.* --to scratch \
        -X bootstrap.servers="$BROKERS" >"$T/redrive3.out" 2>/dev/null
check "a prefix filter (reason=decode.*) selects all 5" \
        grep -q "selected 5, redriven 5" "$T/redrive3.out"
"$NEWSFLOW" redrive --from-dlq dlq --filter colour=blue \
        -X bootstrap.servers="$BROKERS" >/dev/null 2>&1
rc=$?
check "an unknown filter key is a usage error (rc=$rc)" test "$rc" = 2
stop_pid $STAGE_PID
rc=$?
check "the stage exits 0 (rc=$rc)" test "$rc" = 0
exit 0
