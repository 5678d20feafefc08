#!/usr/bin/env bash
# stage/demo.sh — `make demo`: newsflow's main job on the bundled broker.
#
# Starts kafka-mock with the topics, loads the raw scraped articles of
# stage/demo/articles.jsonl (navigation lines, repeated bodies, share
# buttons, a few duplicates and a few bad records) into the input topic,
# runs `newsflow run` until the input is drained (committed offsets == end
# offsets), stops it with SIGTERM, and prints what happened: records
# in/out/DLQ with reasons, and one enriched record.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
NF_KAFKA=$BUILD/tools/nf-kafka
ARTICLES=stage/demo/articles.jsonl
IN=articles OUT=articles.enriched DLQ=articles.dlq GROUP=newsflow-demo
T=$(mktemp -d "${TMPDIR:-/tmp}/newsflow-demo.XXXXXX")
pids=()

cleanup() {
        local p
        for p in "${pids[@]}"; do
                kill -TERM "$p" 2>/dev/null
        done
        wait 2>/dev/null
        rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
        echo "demo: $*" >&2
        [ -f "$T/stage.log" ] && tail -20 "$T/stage.log" >&2
        exit 1
}

# Polls CMD until it succeeds or SECONDS pass.
wait_for() {
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                [ $SECONDS -ge $deadline ] && return 1
                sleep 0.2
        done
}

echo "== starting kafka-mock (librdkafka's mock cluster, a separate process)"
"$BUILD/kafka-mock" -t "$IN:4" -t "$OUT:4" -t "$DLQ:1" >"$T/mock.out" \
        2>"$T/mock.err" </dev/null &
pids+=($!)
wait_for 10 test -s "$T/mock.out" || die "kafka-mock did not start"
BROKERS=$(head -1 "$T/mock.out")
echo "   bootstrap.servers=$BROKERS; topics $IN, $OUT, $DLQ"

echo "== loading $(wc -l <"$ARTICLES") raw scraped articles into '$IN'"
"$NF_KAFKA" produce -b "$BROKERS" -t "$IN" -f "$ARTICLES" -H crawler=demo \
        2>"$T/produce.err" || die "could not load the articles"

echo "== running: newsflow run (consumer group '$GROUP')"
"$BUILD/newsflow" run -X bootstrap.servers="$BROKERS" -X input.topic="$IN" \
        -X output.topic="$OUT" -X errors.deadletterqueue.topic.name="$DLQ" \
        -X group.id="$GROUP" -X session.timeout.ms=6000 \
        -X heartbeat.interval.ms=1000 -X auto.commit.interval.ms=1000 \
        2>"$T/stage.log" &
stage=$!
pids+=($stage)
drained() {
        "$NF_KAFKA" offsets -b "$BROKERS" -t "$IN" -g "$GROUP" >/dev/null 2>&1
}
started=$SECONDS
wait_for 90 drained || die "the input was not drained within 90 s"
echo "   input drained (committed offsets == end offsets) after $((SECONDS - started)) s"

kill -TERM $stage
wait $stage
rc=$?
[ $rc = 0 ] || die "newsflow exited with status $rc"
echo "   SIGTERM: finished in-flight records, committed, left the group, exit 0"

"$NF_KAFKA" consume -b "$BROKERS" -t "$OUT" -e -V -T 20000 >"$T/out.jsonl" 2>/dev/null
"$NF_KAFKA" consume -b "$BROKERS" -t "$DLQ" -e -T 20000 >"$T/dlq.jsonl" 2>/dev/null
n_in=$(wc -l <"$ARTICLES")
n_out=$(wc -l <"$T/out.jsonl")
n_dlq=$(wc -l <"$T/dlq.jsonl")
summary=$(grep -o 'msg="stage stopped".*' "$T/stage.log" |
        sed -e 's/msg="stage stopped" //' -e 's/ dlq_reasons=.*//')

echo
echo "== summary"
printf '   records in        %4d   (%s)\n' "$n_in" "$IN"
printf '   records out       %4d   (%s, keyed by document id)\n' "$n_out" "$OUT"
printf '   records to DLQ    %4d   (%s), by reason:\n' "$n_dlq" "$DLQ"
grep -o '"__connect.errors.reason":"[^"]*"' "$T/dlq.jsonl" | cut -d'"' -f4 |
        sort | uniq -c | sed 's/^ */                     /'
printf '   dropped by a processor (duplicates): %d\n' \
        "$(echo "$summary" | sed -n 's/.*dropped=\([0-9]*\).*/\1/p')"
echo "   stage's own counters: $summary"

pick=$(grep -m1 '"id":"nf-demo-002"' "$T/out.jsonl")
[ -n "$pick" ] || pick=$(head -1 "$T/out.jsonl")
echo
echo "== one enriched record ($OUT)"
echo "$pick" | "$NF_KAFKA" pretty
