#!/usr/bin/env bash
# test_eos.sh — processing.guarantee=exactly_once against kafka-mock: the
# control flow only. The mock accepts transactions without enforcing them
# (KAFKA-MOCK.md): it writes no markers (aborted records stay visible), stores
# no offsets from send_offsets_to_transaction and fences nobody. So this
# checks:
#   - the API sequence (init, then begin / send_offsets / commit per batch,
#     abort + rewind on an abortable error), from the stage's debug log;
#   - abort and rewind under errors injected on EndTxn, AddPartitionsToTxn,
#     AddOffsetsToTxn and InitProducerId (the epoch bump after
#     UNKNOWN_PRODUCER_ID), every input still coming out, none on the DLQ;
#   - retriable InitProducerId errors at start are retried;
#   - a record the broker refuses for good aborts its transaction once, then
#     its input goes to the DLQ;
#   - fatal errors (fenced on EndTxn, authorization on InitProducerId) stop
#     the stage with exit 1 and a clear message;
#   - no input offset is committed outside a transaction: the consumer has
#     auto-commit off and never commits, and the mock stores nothing from
#     send_offsets_to_transaction, so the group's committed offsets must stay
#     absent (-1001). A single OffsetCommit from the consumer would show here.
# The guarantee itself (read_committed sees each input once after kill -9)
# needs a real broker: deploy/verify-eos.sh.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

start_mock -t in:4 -t out:4 -t dlq:1 -t p.in:1 -t p.out:1 -t p.dlq:1 \
        -t f.in:1 -t f.out:1 -t f.dlq:1

# gen PREFIX FROM TO: keyed records with ids PREFIX-FROM..PREFIX-TO
gen() {
        local i
        for i in $(seq "$2" "$3"); do
                printf '%s-%d\t{"id":"%s-%d","title":"Story %d","text":"Paragraph one of story %d tells what happened today in the city.\\n\\nParagraph two adds detail."}\n' \
                        "$1" "$i" "$1" "$i" "$i" "$i"
        done
}
# has_ids TOPIC PREFIX N: every id PREFIX-1..N is on TOPIC
has_ids() {
        nfk consume -t "$1" -e -T 10000 2>/dev/null | python3 -c '
import json, sys
ids = {json.loads(json.loads(l)["value"])["id"] for l in sys.stdin}
want = {"%s-%d" % (sys.argv[1], i) for i in range(1, int(sys.argv[2]) + 1)}
sys.exit(0 if want <= ids else 1)' "$2" "$3"
}
count() { grep -c "$2" "$T/$1.log"; }
# no_commits TOPIC GROUP: no partition has a committed offset
no_commits() {
        nfk offsets -t "$1" -g "$2" | tee "$T/offsets.$2" |
                awk '$1 == "partition" && $4 != -1001 {bad = 1} END {exit bad}'
}

EOS=(-X processing.guarantee=exactly_once -X processors=clean
        -X transaction.interval.ms=100 -X log.level=debug)

# --- one stage through a series of abortable errors ----------------------
start_stage a "${EOS[@]}" -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X group.id=g-eos -X workers=2
A=$STAGE_PID
check "transactions initialised (transactional.id from group.id and host)" \
        wait_for 20 grep -q "transactions initialised\" transactional.id=g-eos\.$(hostname)" "$T/a.log"
gen b1 1 300 >"$T/b1.tsv"
check "produce 300 records" nfk produce -t in -k -f "$T/b1.tsv"
check "300 records out, each once (no fault, no abort)" \
        eval 'nfk consume -t out -n 300 -T 30000 >"$T/out1.jsonl" && has_ids out b1 300'
check "at least one transaction committed" \
        wait_for 10 grep -q 'txn: commit_transaction' "$T/a.log"

n=1
for fault in "EndTxn NOT_ENOUGH_REPLICAS" \
        "AddPartitionsToTxn TOPIC_AUTHORIZATION_FAILED" \
        "AddOffsetsToTxn UNKNOWN_PRODUCER_ID" \
        "EndTxn UNKNOWN_PRODUCER_ID;InitProducerId CONCURRENT_TRANSACTIONS COORDINATOR_LOAD_IN_PROGRESS"; do
        n=$((n + 1))
        IFS=';' read -ra cmds <<<"$fault"
        for c in "${cmds[@]}"; do
                mock_cmd errors $c >/dev/null
        done
        gen "b$n" 1 40 >"$T/b$n.tsv"
        nfk produce -t in -k -f "$T/b$n.tsv" 2>/dev/null
        if wait_for 30 eval '[ "$(count a "txn: abort_transaction")" -ge $((n - 1)) ]' &&
                wait_for 30 grep -q "txn: input rewound" "$T/a.log" &&
                wait_for 30 has_ids out "b$n" 40; then
                ok "errors $fault: transaction aborted, input rewound, batch out"
        else
                not_ok "errors $fault: transaction aborted, input rewound, batch out" \
                        "aborts=$(count a 'txn: abort_transaction')"
        fi
done
check "the stage is still running" kill -0 $A
check "abortable errors were logged as such" \
        test "$(count a 'txn: abortable error')" -ge 4

check "transient errors never reached the DLQ" test "$(count_topic dlq)" = 0
stop_pid $A
rc=$?
check "stage exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
check "summary: 4 aborts, 4 rewinds, the rest committed" \
        grep -Eq 'msg="transactions" begun=[0-9]+ committed=[0-9]+ aborted=4 rewinds=4 retries=0 records=460$' "$T/a.log"
check "API sequence: init, then per batch begin, send_offsets, commit, or abort and rewind" \
        python3 - "$T/a.log" <<'EOF'
import re, sys
code = {"init_transactions": "I", "begin_transaction": "B",
        "send_offsets_to_transaction": "S", "commit_transaction": "C",
        "abort_transaction": "A"}
seq = ""
for l in open(sys.argv[1]):
    m = re.search(r'msg="txn: ([a-z_]+)"', l)
    if m and m.group(1) in code:
        seq += code[m.group(1)]
    elif 'msg="txn: input rewound' in l:
        seq += "R"
assert re.fullmatch(r"I(B(SC|SCAR|SAR|AR))+", seq), seq
assert seq.count("AR") == 4, seq
EOF
check "every input id reached the output (aborted copies stay visible on the mock)" \
        eval 'has_ids out b1 300 && has_ids out b2 40 && has_ids out b5 40'
check "no input offset was committed outside a transaction (g-eos: all -1001)" \
        no_commits in g-eos
sed 's/^/# /' "$T/offsets.g-eos"

# --- a rebalance with a transaction open -----------------------------------
# r1's transactions would stay open for 10 minutes; a second member (with
# its own transactional.id, as two live instances must have) joins, the
# cooperative rebalance revokes some of r1's partitions, and r1 commits its
# open transaction before it gives them up; nothing is aborted.
start_stage r1 "${EOS[@]}" -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X group.id=g-rb \
        -X transactional.id=g-rb.r1 -X transaction.interval.ms=600000 \
        -X transaction.max.records=1000000
R1=$STAGE_PID
check "r1 reads the 460 records in one open transaction" \
        wait_for 60 eval '[ "$(nfk offsets -t out -g none | sed -n "s/^committed [0-9]* end //p")" -ge 920 ]'
start_stage r2 "${EOS[@]}" -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X group.id=g-rb \
        -X transactional.id=g-rb.r2
R2=$STAGE_PID
check "r2 joins: r1 gives partitions up (revoked, not lost)" \
        wait_for 60 grep -q 'msg="partitions revoked"' "$T/r1.log"
check "r1 committed its open transaction (460 records) before the revoke" \
        eval "sed -n '/txn: commit_transaction\" records=460/,\$p' '$T/r1.log' | grep -q 'msg=\"partitions revoked\"'"
check "r1 aborted nothing" test "$(count r1 'txn: abort_transaction')" = 0
# (stopping r2 before its first assignment would trip librdkafka 2.0.2's
# cooperative-sticky close bug, confluentinc/librdkafka#4312)
check "r2 gets r1's revoked partitions" wait_for 30 eval '[ -n "$(assignment r2)" ]'
for p in $R2 $R1; do
        stop_pid $p
        rc=$?
        check "members exit 0 (rc=$rc)" test "$rc" = 0
done

# --- retriable InitProducerId at start; a record refused for good --------
# The Produce error hits the first produce request after it is queued: the
# input is written first, so that is the stage's output record.
gen p 1 1 | nfk produce -t p.in -k 2>/dev/null
mock_cmd errors InitProducerId COORDINATOR_NOT_AVAILABLE CONCURRENT_TRANSACTIONS >/dev/null
mock_cmd errors Produce MSG_SIZE_TOO_LARGE >/dev/null
start_stage p "${EOS[@]}" -X input.topic=p.in -X output.topic=p.out \
        -X errors.deadletterqueue.topic.name=p.dlq -X group.id=g-p
P=$STAGE_PID
check "retriable InitProducerId errors are retried: transactions initialised" \
        eval 'wait_for 20 grep -q "transactions initialised" "$T/p.log" && grep -q "Failed to acquire transactional PID.*retrying" "$T/p.log"'
check "a record refused for good: its input reaches the DLQ after one abort" \
        eval 'nfk consume -t p.dlq -n 1 -T 20000 >"$T/p.dlq.jsonl" && grep -q "produce.msg_size_too_large" "$T/p.dlq.jsonl"'
stop_pid $P
rc=$?
check "stage exits 0 (rc=$rc)" test "$rc" = 0
check "one abort, then committed" \
        grep -Eq 'msg="transactions" begun=2 committed=1 aborted=1 rewinds=1' "$T/p.log"

# --- fatal errors: exit 1 with a clear message ----------------------------
gen f 1 5 | nfk produce -t f.in -k 2>/dev/null
mock_cmd errors EndTxn PRODUCER_FENCED >/dev/null
start_stage f "${EOS[@]}" -X input.topic=f.in -X output.topic=f.out \
        -X errors.deadletterqueue.topic.name=f.dlq -X group.id=g-f
wait_exit $STAGE_PID 40
rc=$?
check "PRODUCER_FENCED on EndTxn is fatal: exit 1 (rc=$rc)" test "$rc" = 1
check "the fatal error is logged with the fencing explained" \
        grep -q 'msg="stopping" error="exactly-once: commit_transaction failed (fatal): _FENCED: .*another producer with this transactional.id' "$T/f.log"
check "nothing committed by the fenced stage (g-f: all -1001)" no_commits f.in g-f

mock_cmd errors InitProducerId TRANSACTIONAL_ID_AUTHORIZATION_FAILED >/dev/null
start_stage f2 "${EOS[@]}" -X input.topic=f.in -X output.topic=f.out \
        -X errors.deadletterqueue.topic.name=f.dlq -X group.id=g-f
wait_exit $STAGE_PID 40
rc=$?
check "TRANSACTIONAL_ID_AUTHORIZATION_FAILED on InitProducerId: exit 1 at start (rc=$rc)" \
        test "$rc" = 1
check "... with the reason logged" \
        grep -q 'msg="cannot start exactly-once" .*init_transactions failed (fatal): TRANSACTIONAL_ID_AUTHORIZATION_FAILED' "$T/f2.log"
exit 0
