#!/usr/bin/env bash
# tests/soak.sh SECONDS — a long run: kafka-mock (3 brokers) and one stage,
# a steady stream of generated articles (bench/gen_articles, 5% bad input,
# 20% html) produced at SOAK_RATE records/s for SECONDS, with a broker fault
# every minute (one broker down for 10 s, then Produce and Fetch request
# errors). Every SOAK_SAMPLE seconds it records the stage's RSS (VmRSS) and
# open file descriptors in $T/soak.csv. Nothing is restarted.
#
# Fails when, after the warm-up (the first quarter of the run, at least
# 60 s), RSS grows by more than max(16 MiB, 20%) from its level right after
# the warm-up to its level at the end (medians of 5 samples each, so a GC-like
# bump does not count), when open fds grow by more than 16, when the stage
# dies, or when it has not committed every input offset 120 s after the
# stream stops. Only the stage's memory counts: the mock never frees any
# (KAFKA-MOCK.md), which is also why the rate is modest and the input topic
# has 32 partitions (~5 MiB retention each).
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
SECS=${1:-900}
RATE=${SOAK_RATE:-20}
SAMPLE=${SOAK_SAMPLE:-5}
WARM=$((SECS / 4 > 60 ? SECS / 4 : 60))
echo "# soak: ${SECS}s at ${RATE} records/s, warm-up ${WARM}s, logs in $T"

start_mock -b 3 -t in:32 -t out:16 -t dlq:4
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_stage soak -X input.topic=in -X output.topic=out \
        -X errors.deadletterqueue.topic.name=dlq -X group.id=soak \
        -X metrics.listen=127.0.0.1:$PORT -X reconnect.backoff.max.ms=1000 \
        -X log.level=info
S=$STAGE_PID

# The stream: generated up front, paced by the second into one producer.
"$BUILD"/bench/gen_articles -n $((SECS * RATE)) -s 42 -b 5 -H 20 -i soak -t >"$T/stream.tsv"
python3 -c '
import sys, time
rate = int(sys.argv[1]); t0 = time.time(); n = 0
for line in sys.stdin:
    sys.stdout.write(line); n += 1
    if n % rate == 0:
        sys.stdout.flush()
        time.sleep(max(0.0, t0 + n / rate - time.time()))
sys.stdout.flush()
' "$RATE" <"$T/stream.tsv" | "$NF_KAFKA" produce -b "$BROKERS" -t in -k \
        -X message.timeout.ms=600000 2>"$T/producer.log" &
PROD=$!
PIDS+=($PROD)

sample() { # t rss_kb fds
        local rss fds
        rss=$(awk '/^VmRSS:/ {print $2}' /proc/$S/status 2>/dev/null) || return 1
        fds=$(ls /proc/$S/fd 2>/dev/null | wc -l)
        [ -n "$rss" ] && echo "$1,$rss,$fds" >>"$T/soak.csv"
}
echo "t,rss_kb,fds" >"$T/soak.csv"
start=$SECONDS
next=0
dead=0
while [ $((SECONDS - start)) -lt "$SECS" ]; do
        t=$((SECONDS - start))
        if [ "$t" -ge "$next" ]; then
                sample "$t" || { dead=1; break; }
                next=$((next + SAMPLE))
        fi
        # one fault per minute: broker 2 down 10 s, then request errors
        case $((t % 60)) in
        20) [ "${last:-}" != "$t" ] && mock_cmd "down 2" >/dev/null ;;
        30) [ "${last:-}" != "$t" ] && mock_cmd "up 2" >/dev/null ;;
        40) [ "${last:-}" != "$t" ] && mock_cmd "errors Produce NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT NOT_ENOUGH_REPLICAS" >/dev/null ;;
        50) [ "${last:-}" != "$t" ] && mock_cmd "errors Fetch NOT_LEADER_FOR_PARTITION _TRANSPORT" >/dev/null ;;
        esac
        last=$t
        sleep 0.5
done
mock_cmd "up 2" >/dev/null
check "the stage ran ${SECS}s without dying" test $dead = 0
check "the producer delivered the whole stream" wait_exit $PROD 120
check "the stage commits every input offset after the stream" \
        wait_for 120 committed_at_end in soak quiet
committed_at_end in soak | tail -1
sample "$((SECONDS - start))"
stop_pid $S 60
rc=$?
check "stage exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
grep 'stage stopped' "$T/soak.log" | sed 's/^/# /' | cut -c1-400

check "RSS and open fds do not grow after the warm-up" \
        python3 - "$T/soak.csv" "$WARM" <<'PY'
import statistics, sys
rows = [tuple(map(int, l.split(","))) for l in open(sys.argv[1]).read().split("\n")[1:] if l]
warm = int(sys.argv[2])
after = [r for r in rows if r[0] >= warm]
assert len(after) >= 10, "too few samples after the warm-up: %d" % len(after)
mb = lambda kb: kb / 1024.0
base = statistics.median(r[1] for r in after[:5])
end = statistics.median(r[1] for r in after[-5:])
top = max(r[1] for r in rows)
n = len(after)
tm = sum(r[0] for r in after) / n
rm = sum(r[1] for r in after) / n
slope = sum((r[0] - tm) * (r[1] - rm) for r in after) / max(1e-9, sum((r[0] - tm) ** 2 for r in after))
fd0 = statistics.median(r[2] for r in after[:5])
fdmax = max(r[2] for r in after)
print("# RSS MiB: start %.1f, after warm-up %.1f, end %.1f, max %.1f; slope after warm-up %.1f KiB/min"
      % (mb(rows[0][1]), mb(base), mb(end), mb(top), slope * 60))
print("# open fds: start %d, after warm-up %d, end %d, max %d" % (rows[0][2], fd0, rows[-1][2], max(r[2] for r in rows)))
bound = max(16 * 1024, 0.2 * base)
assert end - base <= bound, "RSS grew %.1f MiB after the warm-up (bound %.1f)" % (mb(end - base), mb(bound))
assert fdmax - fd0 <= 16, "open fds grew from %d to %d" % (fd0, fdmax)
PY
[ "$FAILS" = 0 ]
