#!/usr/bin/env bash
# test_kafka_group.sh — two stage processes in one consumer group split the
# input partitions (cooperative-sticky) and together output every record
# exactly once; both exit 0 on SIGTERM and the group's committed offsets
# reach the end offsets.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

N=400
start_mock -t in:4 -t out:4 -t dlq:1

ARGS=(-X input.topic=in -X output.topic=out -X errors.deadletterqueue.topic.name=dlq
        -X group.id=pair)
start_stage a "${ARGS[@]}"
A=$STAGE_PID
start_stage b "${ARGS[@]}"
B=$STAGE_PID

# Both members hold some partitions, none twice, all four covered.
split_ok() {
        local a b
        a=$(assignment a)
        b=$(assignment b)
        [ -n "$a" ] && [ -n "$b" ] || return 1
        [ "$(printf '%s\n' ${a//,/ } ${b//,/ } | sort -n | tr '\n' ' ')" = "0 1 2 3 " ]
}
if wait_for 60 split_ok; then
        ok "the two stages split the 4 partitions (a=$(assignment a) b=$(assignment b))"
else
        not_ok "the two stages split the 4 partitions" \
                "a=$(assignment a) b=$(assignment b)"
fi

for i in $(seq 1 $N); do
        printf 'doc-%d\t{"id":"doc-%d","title":"T%d","text":"Body of document %d."}\n' \
                "$i" "$i" "$i" "$i"
done >"$T/in.tsv"
# Keyed, so the records spread over the partitions by hash (unkeyed ones
# would stick to one partition per batch).
check "produce $N records" nfk produce -t in -k -f "$T/in.tsv"
check "$N records reach the output topic" \
        eval 'nfk consume -t out -n $N -T 60000 >"$T/out.jsonl"'

# Offsets are committed while both run (auto-commit of stored offsets).
# Stopping one member makes the group rebalance; on the mock broker that
# holds commits off for session.timeout.ms - 1 s, so the commit-on-SIGTERM
# path is tested by test_kafka_stage.sh, with one member.
check "committed offsets reach the end offsets while both run" \
        wait_for 30 committed_at_end in pair quiet
stop_pid $A
rc=$?
check "stage a exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
stop_pid $B
rc=$?
check "stage b exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0

ina=$(sed -n 's/.*msg="stage stopped" in=\([0-9]*\) .*/\1/p' "$T/a.log")
inb=$(sed -n 's/.*msg="stage stopped" in=\([0-9]*\) .*/\1/p' "$T/b.log")
check "both stages processed records (a=$ina b=$inb)" \
        test "${ina:-0}" -gt 0 -a "${inb:-0}" -gt 0 -a $((ina + inb)) = $N

nfk consume -t out -e -T 20000 >"$T/out.jsonl"
check "together they output every record exactly once" \
        python3 - "$T/out.jsonl" "$N" <<'EOF'
import json, sys
ids = sorted(json.loads(json.loads(l)["value"])["id"] for l in open(sys.argv[1]))
want = sorted("doc-%d" % i for i in range(1, int(sys.argv[2]) + 1))
assert ids == want, (len(ids), len(want))
EOF
check "output came from all 4 input partitions (meta.partition)" \
        python3 - "$T/out.jsonl" <<'EOF'
import json, sys
parts = {json.loads(json.loads(l)["value"])["meta"]["partition"] for l in open(sys.argv[1])}
assert parts == {0, 1, 2, 3}, parts
EOF
check "committed offsets still == end offsets after both stopped" \
        committed_at_end in pair
exit 0
