#!/usr/bin/env bash
# bench/eos-vs-alo.sh — what exactly-once costs against at-least-once, on
# build/kafka-mock, same machine, same run.
#
# N generated raw articles (gen_articles -n N -d 0 -b 0: 2-10 KB, no
# duplicates, no bad records) are loaded into a fresh mock's input topic
# (one mock per run: it never frees memory), then one newsflow instance
# drains them with processing.guarantee=at_least_once or exactly_once,
# alternating, RUNS times each. A drain is timed from the instance's group
# join (its "partitions assigned" log line: the mock's first join takes
# ~3 s and is not the stage's cost) until the output topic holds N records;
# a run that does not deliver exactly N records fails the benchmark. Prints
# every run, the medians in records/s and the ratio EOS / ALO.
#
# The mock does not enforce transactions (no markers, no fencing: see
# KAFKA-MOCK.md) but speaks the whole transactional protocol, so the
# client-side cost (AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit,
# EndTxn round trips, the flush at every commit) is in the figure; the
# broker-side cost of markers and of read_committed readers is not.
#
# Environment: EOS_BENCH_RECORDS (20000), EOS_BENCH_RUNS (3),
# EOS_BENCH_PARTITIONS (24: ~3.4 MB of input per partition, under the mock's
# ~5 MiB retention), EOS_BENCH_CHAIN (the full chain: clean,dedup,tag with
# dedup.action=mark so nothing is dropped), EOS_BENCH_X (more -X settings
# for both modes, e.g. "transaction.interval.ms=1000").
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
NF=$BUILD/newsflow
MOCK=$BUILD/kafka-mock
NFK=$BUILD/tools/nf-kafka
GEN=$BUILD/bench/gen_articles
N=${EOS_BENCH_RECORDS:-20000}
RUNS=${EOS_BENCH_RUNS:-3}
PARTS=${EOS_BENCH_PARTITIONS:-24}
CHAIN=${EOS_BENCH_CHAIN:-}
W=$(mktemp -d "${TMPDIR:-/tmp}/nf-eos-bench.XXXXXX")
MOCK_PID=
STAGE_PID=

for f in "$NF" "$MOCK" "$NFK" "$GEN"; do
        if [ ! -x "$f" ]; then
                echo "eos-vs-alo: $f is not built (make all $BUILD/tools/nf-kafka $GEN)" >&2
                exit 2
        fi
done

cleanup() {
        [ -n "$STAGE_PID" ] && kill -TERM "$STAGE_PID" 2>/dev/null
        [ -n "$MOCK_PID" ] && kill -TERM "$MOCK_PID" 2>/dev/null
        wait 2>/dev/null
        rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now_ms() { date +%s%3N; }
out_count() {
        "$NFK" offsets -b "$BROKERS" -t out -g none 2>/dev/null |
                sed -n 's/^committed [0-9]* end //p'
}

EXTRA=()
for kv in ${EOS_BENCH_X:-}; do EXTRA+=(-X "$kv"); done
if [ -n "$CHAIN" ]; then
        EXTRA+=(-X "processors=$CHAIN")
fi

"$GEN" -n "$N" -d 0 -b 0 -t >"$W/in.tsv"
echo "# eos-vs-alo: $N records, $(($(wc -c <"$W/in.tsv") / 1048576)) MiB, $PARTS partitions, chain: ${CHAIN:-default (every processor)}, dedup.action=mark ${EOS_BENCH_X:-}"

# run MODE: one drain on a fresh mock; prints "MODE SECONDS RATE TXNS"
run() {
        local mode=$1
        mkfifo "$W/ctl"
        "$MOCK" -t in:"$PARTS" -t out:"$PARTS" -t dlq:1 <"$W/ctl" >"$W/mock.out" 2>/dev/null &
        MOCK_PID=$!
        exec 8>"$W/ctl"
        rm -f "$W/ctl"
        while [ ! -s "$W/mock.out" ]; do sleep 0.05; done
        BROKERS=$(head -1 "$W/mock.out")
        "$NFK" produce -b "$BROKERS" -t in -k -f "$W/in.tsv" 2>/dev/null || {
                echo "eos-vs-alo: loading the input failed" >&2
                exit 1
        }
        : >"$W/stage.log"
        "$NF" run -X bootstrap.servers="$BROKERS" -X input.topic=in \
                -X output.topic=out -X errors.deadletterqueue.topic.name=dlq \
                -X group.id="bench-$mode" -X processing.guarantee="$mode" \
                -X dedup.action=mark -X session.timeout.ms=6000 \
                -X heartbeat.interval.ms=1000 "${EXTRA[@]}" 2>"$W/stage.log" &
        STAGE_PID=$!
        local deadline=$((SECONDS + 600)) joined="" n=0
        until [ -n "$joined" ]; do
                joined=$(sed -n 's/^ts=\([^ ]*\) .*msg="partitions assigned".*/\1/p' "$W/stage.log" | head -1)
                [ $SECONDS -ge $deadline ] && break
                sleep 0.05
        done
        until [ "$n" -ge "$N" ] || [ $SECONDS -ge $deadline ]; do
                sleep 0.1
                n=$(out_count)
                n=${n:-0}
        done
        local t1
        t1=$(now_ms)
        kill -TERM "$STAGE_PID"
        wait "$STAGE_PID"
        STAGE_PID=
        n=$(out_count)
        kill -TERM "$MOCK_PID"
        wait "$MOCK_PID" 2>/dev/null
        MOCK_PID=
        exec 8>&-
        if [ "${n:-0}" != "$N" ] || [ -z "$joined" ]; then
                echo "eos-vs-alo: $mode delivered ${n:-0} of $N records" >&2
                exit 1
        fi
        local t0 txns
        t0=$(date -d "$joined" +%s%3N)
        txns=$(sed -n 's/.*msg="transactions" begun=[0-9]* committed=\([0-9]*\).*/\1/p' "$W/stage.log")
        awk -v m="$mode" -v ms=$((t1 - t0)) -v n="$N" -v tx="${txns:--}" \
                'BEGIN {printf "%s %.2f %.0f %s\n", m, ms / 1000, n / (ms / 1000), tx}'
}

for r in $(seq 1 "$RUNS"); do
        if [ $((r % 2)) = 1 ]; then order="at_least_once exactly_once"; else order="exactly_once at_least_once"; fi
        for mode in $order; do
                line=$(run "$mode") || exit 1
                echo "$line" >>"$W/runs"
                set -- $line
                printf '# run %d %-14s %6.2f s %7.0f records/s  transactions %s\n' "$r" "$1" "$2" "$3" "$4"
        done
done
alo=$(awk '$1 == "at_least_once" {print $3}' "$W/runs" | median)
eos=$(awk '$1 == "exactly_once" {print $3}' "$W/runs" | median)
txns=$(awk '$1 == "exactly_once" {print $4}' "$W/runs" | median)
printf 'mode           records/s (median of %d)\n' "$RUNS"
printf 'at_least_once  %.0f\n' "$alo"
printf 'exactly_once   %.0f  (%s transactions per drain)\n' "$eos" "$txns"
awk -v a="$alo" -v e="$eos" 'BEGIN {printf "ratio EOS/ALO  %.2f\n", e / a}'
