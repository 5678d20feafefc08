# tests/integration/lib.sh — helpers for the integration tests, sourced by
# each tests/integration/test_*.sh. Every process started here is killed on
# exit; every wait has a deadline (conditions are polled, never slept on).
#
#   start_mock -t in:4 ...     kafka-mock in the background; sets BROKERS
#   mock_cmd "down -1"         one fault command; prints the mock's reply
#   start_stage NAME ARGS...   `newsflow run` with test settings; log in
#                              $T/NAME.log, pid in STAGE_PID
#   stop_pid PID [SECONDS]     SIGTERM, wait; returns the exit status
#   wait_for SECONDS CMD...    polls CMD until it succeeds; 1 on deadline
#   check NAME CMD...          "ok - NAME" if CMD succeeds, else "not ok"
#   ok NAME / not_ok NAME [DIAGNOSTIC...]
#   nfk ARGS...                build/tools/nf-kafka with -b $BROKERS
#   committed_at_end TOPIC GROUP [quiet]   committed == end offsets
set -u
BUILD=${BUILD:-build}
NEWSFLOW=$BUILD/newsflow
KAFKA_MOCK=$BUILD/kafka-mock
NF_KAFKA=$BUILD/tools/nf-kafka
T=$(mktemp -d "${TMPDIR:-/tmp}/nf-test.XXXXXX")
PIDS=()
FAILS=0
BROKERS=
STAGE_PID=

cleanup() {
        local p deadline=$((SECONDS + 10))
        for p in "${PIDS[@]}"; do
                kill -TERM "$p" 2>/dev/null
        done
        for p in "${PIDS[@]}"; do
                while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
                        sleep 0.1
                done
                kill -KILL "$p" 2>/dev/null
        done
        exec 7>&- 2>/dev/null
        if [ "$FAILS" != 0 ] || [ -n "${KEEP_TMP:-}" ]; then
                echo "# logs kept in $T"
        else
                rm -rf "$T"
        fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $1"; }

not_ok() {
        echo "not ok - $1"
        FAILS=$((FAILS + 1))
        shift
        local l
        for l in "$@"; do
                echo "# $l"
        done
}

check() {
        local name=$1
        shift
        if "$@"; then ok "$name"; else not_ok "$name"; fi
}

wait_for() {
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                [ $SECONDS -ge $deadline ] && return 1
                sleep 0.1
        done
}

# kafka-mock reads fault commands from a FIFO held open on fd 7.
start_mock() {
        mkfifo "$T/mock.ctl"
        "$KAFKA_MOCK" "$@" <"$T/mock.ctl" >"$T/mock.out" 2>"$T/mock.err" &
        PIDS+=($!)
        exec 7>"$T/mock.ctl"
        if ! wait_for 10 test -s "$T/mock.out"; then
                echo "Bail out! kafka-mock printed no bootstrap line"
                exit 1
        fi
        BROKERS=$(head -1 "$T/mock.out")
}

mock_cmd() {
        local n
        n=$(wc -l <"$T/mock.out")
        echo "$*" >&7
        wait_for 10 test "$(wc -l <"$T/mock.out")" -gt "$n" || return 1
        tail -1 "$T/mock.out"
}

nfk() {
        local cmd=$1
        shift
        "$NF_KAFKA" "$cmd" -b "$BROKERS" "$@"
}

start_stage() {
        local name=$1
        shift
        "$NEWSFLOW" run -X bootstrap.servers="$BROKERS" \
                -X session.timeout.ms=6000 -X heartbeat.interval.ms=1000 \
                "$@" 2>>"$T/$name.log" &
        STAGE_PID=$!
        PIDS+=($STAGE_PID)
}

stop_pid() {
        local pid=$1 secs=${2:-40}
        kill -TERM "$pid" 2>/dev/null
        if ! wait_for "$secs" eval "! kill -0 $pid 2>/dev/null"; then
                kill -KILL "$pid" 2>/dev/null
                wait "$pid" 2>/dev/null
                return 124
        fi
        wait "$pid"
}

# Waits for a process to exit by itself; returns its status (124: deadline).
wait_exit() {
        local pid=$1 secs=${2:-40}
        wait_for "$secs" eval "! kill -0 $pid 2>/dev/null" || return 124
        wait "$pid"
}

# The current assignment of a stage, from its last assignment log line.
assignment() {
        grep -o 'assignment=[0-9,"]*' "$T/$1.log" | tail -1 | tr -d '"' |
                sed 's/assignment=//'
}

# Whether group GROUP has committed the end offset of every partition of
# TOPIC; the per-partition table goes to the log as comments unless a third
# argument (quiet) is given.
committed_at_end() {
        if [ -n "${3:-}" ]; then
                nfk offsets -t "$1" -g "$2" >/dev/null
                return
        fi
        nfk offsets -t "$1" -g "$2" | sed 's/^/# /'
        return "${PIPESTATUS[0]}"
}

# Number of messages on a topic (reads to the end of every partition).
count_topic() {
        nfk consume -t "$1" -e -T 20000 | wc -l
}
