#!/usr/bin/env bash
# deploy/verify-eos.sh — the exactly-once failover test, on the real Apache
# Kafka broker of deploy/docker-compose.yml (the mock broker of `make test`
# does not enforce transactions: see tests/integration/test_eos.sh).
#
#   1. starts the compose file's Kafka broker (KRaft, one node) and creates
#      fresh topics for this run: input (12 partitions), output (12), DLQ;
#   2. loads the first half of N generated articles, each with a unique id;
#   3. starts two newsflow instances in one group with
#      processing.guarantee=exactly_once (transactional.id set per instance);
#   4. once output flows, kills instance 1 with SIGKILL (mid-transaction),
#      loads the second half, and starts instance 1 again (same
#      transactional.id: it fences its dead incarnation, whose open
#      transaction the broker aborts);
#   5. waits until the group's transactional offsets reach the input's end,
#      then reads the output with isolation.level=read_committed and checks
#      that every input id is there exactly once: zero loss, zero duplicates.
#
# Usage (from anywhere; needs docker with the compose plugin, or podman):
#   deploy/verify-eos.sh                       N=20000
#   N=50000 ENGINE=podman deploy/verify-eos.sh
#   GUARANTEE=at_least_once deploy/verify-eos.sh  the same failover at least
#                                   once: duplicates are reported, not failed
#   KEEP=1 deploy/verify-eos.sh     leave the containers up for inspection
# Exit status: 0 when the check passes, 1 when it fails, 2 on a set-up error.
# shellcheck disable=SC2317,SC2016 # functions run via trap/wait_for; eval text quoted on purpose
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
ENGINE=${ENGINE:-docker}
GUARANTEE=${GUARANTEE:-exactly_once}
RUN=${RUN:-$(date +%s)}
PROJECT=nf-verify-eos
IN=eos-$RUN.in
OUT=eos-$RUN.out
DLQ=eos-$RUN.dlq
GROUP=verify-eos-$RUN
KBIN=/opt/kafka/bin
BOOT=localhost:9092
COMPOSE=("$ENGINE" compose -f deploy/docker-compose.yml -p "$PROJECT")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/verify-eos.XXXXXX")
INSTANCES=()

log() { printf '%s verify-eos: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
        log "$*"
        exit 2
}

cleanup() {
        local rc=$?
        if [ -n "${KEEP:-}" ]; then
                log "KEEP set: containers left running; files in $WORK"
                exit "$rc"
        fi
        local c
        for c in "${INSTANCES[@]}"; do
                "$ENGINE" rm -f "$c" >/dev/null 2>&1 || true
        done
        "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
        rm -rf "$WORK"
        exit "$rc"
}
trap cleanup EXIT

# Runs a Kafka CLI tool inside the broker container.
kafka() { "${COMPOSE[@]}" exec -T kafka "$@"; }

# Polls "$@" every second for up to $1 seconds.
wait_for() {
        local secs=$1
        shift
        local deadline=$((SECONDS + secs))
        until "$@"; do
                if [ $SECONDS -ge "$deadline" ]; then
                        return 1
                fi
                sleep 1
        done
}

# gen FROM TO: "id<TAB>json" lines, ids eos-FROM..eos-TO.
gen() {
        awk -v from="$1" -v to="$2" 'BEGIN {
                for (i = from; i <= to; i++) {
                        printf "eos-%d\t{\"id\":\"eos-%d\",\"title\":\"Story number %d\",\"source\":\"verify-eos\",\"text\":\"Story %d begins with a first paragraph about the council meeting held on Monday evening in the old town hall.\\n\\nIts second paragraph says the vote on the new bridge was postponed until the next session in %d.\"}\n", i, i, i, i, 2000 + i % 100
                }
        }'
}

load() {
        gen "$1" "$2" | kafka "$KBIN/kafka-console-producer.sh" \
                --bootstrap-server "$BOOT" --topic "$IN" \
                --property parse.key=true --property $'key.separator=\t' \
                --producer-property acks=all
}

# Sum of the end offsets of a topic (transaction markers included).
end_offsets() {
        kafka "$KBIN/kafka-get-offsets.sh" --bootstrap-server "$BOOT" \
                --topic "$1" --time -1 |
                awk -F: '{s += $3} END {print s + 0}'
}

# The group's committed offsets equal the input's end offsets: with
# exactly-once these were committed by the transactions themselves.
group_done() {
        kafka "$KBIN/kafka-consumer-groups.sh" --bootstrap-server "$BOOT" \
                --describe --group "$GROUP" 2>/dev/null >"$WORK/group.txt" ||
                return 1
        awk -v t="$IN" '$2 == t {n++; if ($6 != "0") bad = 1}
                END {exit !(n > 0 && !bad)}' "$WORK/group.txt"
}

# start_instance I: newsflow instance I in the compose network.
start_instance() {
        local name=$PROJECT-$RUN-$1
        "${COMPOSE[@]}" run -d --no-deps --name "$name" newsflow \
                -X processing.guarantee="$GUARANTEE" \
                -X transactional.id="$GROUP-$1" \
                -X group.id="$GROUP" -X input.topic="$IN" \
                -X output.topic="$OUT" \
                -X errors.deadletterqueue.topic.name="$DLQ" \
                -X processors=clean -X dedup.state.topic= \
                -X session.timeout.ms=10000 -X heartbeat.interval.ms=1000 \
                -X producer.transaction.timeout.ms=30000 \
                -X log.format=logfmt >/dev/null
        INSTANCES+=("$name")
}

command -v "$ENGINE" >/dev/null || die "$ENGINE not found (set ENGINE=podman?)"
"${COMPOSE[@]}" version >/dev/null 2>&1 ||
        die "'$ENGINE compose' is not available"
[ "$N" -ge 100 ] 2>/dev/null || die "N must be a number >= 100"

log "building the image and starting Kafka (project $PROJECT)"
"${COMPOSE[@]}" build newsflow >&2
"${COMPOSE[@]}" up -d kafka >&2
wait_for 180 kafka "$KBIN/kafka-broker-api-versions.sh" \
        --bootstrap-server "$BOOT" >/dev/null 2>&1 ||
        die "Kafka did not come up"
for spec in "$IN:12" "$OUT:12" "$DLQ:1"; do
        kafka "$KBIN/kafka-topics.sh" --bootstrap-server "$BOOT" --create \
                --topic "${spec%:*}" --partitions "${spec##*:}" \
                --replication-factor 1 >/dev/null
done

half=$((N / 2))
log "loading $half of $N articles into $IN"
load 1 "$half"
start_instance 1
start_instance 2

log "waiting for output, then SIGKILL to instance 1"
wait_for 180 eval '[ "$(end_offsets "$OUT")" -ge $((N / 8)) ]' ||
        die "no output after 180 s (see: $ENGINE logs ${INSTANCES[0]})"
"$ENGINE" kill --signal KILL "${INSTANCES[0]}" >/dev/null
killed_at=$(end_offsets "$OUT")
log "killed instance 1 with $killed_at output offsets written"
load $((half + 1)) "$N"
sleep 2
log "restarting instance 1 (same transactional.id)"
"$ENGINE" start "${INSTANCES[0]}" >/dev/null

log "waiting for the group to commit the end of $IN"
wait_for 600 group_done ||
        die "the group did not reach the end of $IN in 600 s: $(cat "$WORK/group.txt")"

log "reading $OUT with isolation.level=read_committed"
kafka "$KBIN/kafka-console-consumer.sh" --bootstrap-server "$BOOT" \
        --topic "$OUT" --from-beginning --isolation-level read_committed \
        --property print.key=true --property $'key.separator=\t' \
        --timeout-ms 20000 2>/dev/null | cut -f1 >"$WORK/out.keys" || true
kafka "$KBIN/kafka-console-consumer.sh" --bootstrap-server "$BOOT" \
        --topic "$DLQ" --from-beginning --isolation-level read_committed \
        --timeout-ms 10000 2>/dev/null >"$WORK/dlq.txt" || true
gen 1 "$N" | cut -f1 | sort >"$WORK/in.keys"

total=$(wc -l <"$WORK/out.keys")
distinct=$(sort -u "$WORK/out.keys" | wc -l)
dups=$((total - distinct))
missing=$(sort -u "$WORK/out.keys" | comm -23 "$WORK/in.keys" - | wc -l)
extra=$(sort -u "$WORK/out.keys" | comm -13 "$WORK/in.keys" - | wc -l)
dlq=$(wc -l <"$WORK/dlq.txt")
for c in "${INSTANCES[@]}"; do
        "$ENGINE" logs "$c" 2>&1 | grep -E 'msg="?(transactions|stage stopped|stopping)' |
                sed "s/^/$c: /" >&2 || true
done
log "guarantee=$GUARANTEE input=$N read_committed output=$total distinct=$distinct duplicates=$dups missing=$missing unknown=$extra dlq=$dlq"

fail=0
if [ "$missing" != 0 ] || [ "$extra" != 0 ] || [ "$dlq" != 0 ]; then
        log "FAIL: loss (missing ids), unknown ids or DLQ records"
        fail=1
fi
if [ "$dups" != 0 ]; then
        if [ "$GUARANTEE" = exactly_once ]; then
                log "FAIL: $dups duplicates in the read_committed output"
                fail=1
        else
                log "at least once: $dups duplicates (the killed instance's uncommitted window)"
        fi
fi
if [ "$fail" = 0 ]; then
        log "PASS: every input id exactly once in the read_committed output"
fi
exit "$fail"
