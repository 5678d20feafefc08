#!/usr/bin/env bash
# test_metrics.sh — the stage against kafka-mock with metrics on: /readyz
# turns 200 once the group is joined, /metrics counts exactly the records
# sent (in, out, DLQ by reason, per-processor), the consumer lag of the
# input drains to 0, and no secret from the configuration is served.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

N=40
BAD=tests/fixtures/kafka/bad.tsv
M=$(wc -l <"$BAD")
start_mock -t in:2 -t out:2 -t dlq:1
for i in $(seq 1 $N); do
        printf 'k%d\t{"id":"m-%d","text":"Paragraph one of story %d.\\n\\nParagraph two."}\n' "$i" "$i" "$i"
done >"$T/good.tsv"
check "produce $N good and $M bad records" \
        eval 'nfk produce -t in -k -f "$T/good.tsv" && nfk produce -t in -k -f "$BAD"'

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_stage a -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X input.max.bytes=4096 \
        -X json.max.depth=8 -X metrics.listen=127.0.0.1:$PORT \
        -X consumer.statistics.interval.ms=500 -X sasl.password=hunter2-it
scrape() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5).read().decode())' "$PORT" "$1" 2>/dev/null; }
value() { scrape /metrics | awk -v s="$1" '$1 == s {print $2}'; }

check "/readyz turns 200 (group joined, polling)" wait_for 30 deploy/healthcheck.sh "$PORT" /readyz
check "every record counted in and out" \
        wait_for 60 eval 'test "$(value newsflow_records_in_total)" = $((N + M)) && test "$(value newsflow_records_out_total)" = $N'
scrape /metrics >"$T/metrics.txt"
dlq=$(awk '$1 ~ /^newsflow_dlq_records_total/ {s += $2} END {print s + 0}' "$T/metrics.txt")
check "DLQ counters by reason add up to $M (got $dlq)" test "$dlq" = "$M"
check "clean saw every decoded record" \
        test "$(value 'newsflow_processor_records_total{processor="clean",outcome="out"}')" = $N
check "consumer lag of both partitions drains to 0" \
        wait_for 30 eval 'scrape /metrics | grep -c "^newsflow_consumer_lag{topic=\"in\",partition=\"[01]\"} 0$" | grep -qx 2'
check "no secret in /metrics" eval '! grep -q hunter2 "$T/metrics.txt"'
check "no secret in the log" eval '! grep -q hunter2 "$T/a.log"'
stop_pid $STAGE_PID
check "SIGTERM -> exit 0" test $? = 0
[ "$FAILS" = 0 ]
