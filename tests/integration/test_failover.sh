#!/usr/bin/env bash
# test_failover.sh — scale-out and failover at least once, on kafka-mock:
# three instances in one group (cooperative-sticky) share a 24-partition
# input; 50k small records stream in and one instance is killed with
# SIGKILL at a random point; once the survivors have caught up it is started
# again, a fourth instance is added and the first removed (SIGTERM) while
# 10k more records flow.
#
# Checked: every input id reaches the output; the survivors keep their
# partitions when the victim dies (incremental assignment); every duplicate
# lies in the victim's uncommitted window, and there are no more of them
# than that window held. The window W is measured at the kill: the output
# records made from the victim's partitions at or after the offsets the
# group had committed for them. At least once, W is what the victim output
# since its last auto-commit (auto.commit.interval.ms, 1000 here) plus what
# was in flight; the new owner reads those partitions again from the
# committed offsets, so each record of W comes out twice, and nothing else
# does. The measured figures are printed as "# failover: ..." lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

N=50000
N2=10000
start_mock -t in:24 -t out:24 -t dlq:1

# feed FROM TO [RATE]: keyed records f-FROM..f-TO to the input, at about
# RATE records/s when given (so that there is work in flight whenever an
# instance dies), else at once.
feed() {
        python3 - "$@" <<'EOF' | nfk produce -t in -k 2>/dev/null
import sys, time
a, b = int(sys.argv[1]), int(sys.argv[2])
rate = int(sys.argv[3]) if len(sys.argv) > 3 else 0
t0 = time.monotonic()
for i in range(a, b + 1):
    sys.stdout.write('f-%d\t{"id":"f-%d","text":"Record %d reports that the council '
                     'met on Monday to discuss the bridge and the budget."}\n' % (i, i, i))
    if rate and i % 250 == 0:
        sys.stdout.flush()
        time.sleep(max(0.0, t0 + (i - a) / rate - time.monotonic()))
EOF
}

out_end() { nfk offsets -t out -g none | sed -n 's/^committed [0-9]* end //p'; }

ARGS=(-X input.topic=in -X output.topic=out
        -X errors.deadletterqueue.topic.name=dlq -X group.id=fo
        -X processors=clean -X auto.commit.interval.ms=1000)
declare -A PID
for s in a b c; do
        start_stage $s "${ARGS[@]}"
        PID[$s]=$STAGE_PID
done
covers() {
        local all
        all=$(for s in "$@"; do assignment "$s" | tr ',' '\n'; done | sort -n | uniq | wc -l)
        [ "$all" = 24 ] && for s in "$@"; do [ -n "$(assignment "$s")" ] || return 1; done
}
if wait_for 60 covers a b c; then
        ok "three instances share the 24 partitions (a=$(assignment a) b=$(assignment b) c=$(assignment c))"
else
        not_ok "three instances share the 24 partitions" \
                "a=$(assignment a) b=$(assignment b) c=$(assignment c)"
fi

# The input arrives as a stream of about 10k records/s; b dies when the
# output has reached a random 20-70% of it.
feed 1 $N 10000 &
feeder=$!
at=$((N * (20 + RANDOM % 51) / 100))
wait_for 60 eval "[ \"\$(out_end)\" -ge $at ]"
a_before=$(assignment a)
c_before=$(assignment c)
b_parts=$(assignment b)
kill -KILL "${PID[b]}"
wait "${PID[b]}" 2>/dev/null
# What b had committed, and what it had written after that.
nfk offsets -t in -g fo >"$T/committed.at-kill"
killed_out=$(out_end)
nfk consume -t out -e -T 20000 >"$T/out.at-kill" 2>/dev/null
echo "# failover: b (partitions $b_parts) killed with $killed_out of $N records out"
wait "$feeder"


# The survivors take b's partitions over (after session.timeout.ms) and
# keep their own: cooperative, incremental.
superset() { # NAME BEFORE: NAME's assignment holds every partition of BEFORE
        local now p
        now=",$(assignment "$1"),"
        for p in ${2//,/ }; do [[ $now == *",$p,"* ]] || return 1; done
}
check "a and c take b's partitions over" wait_for 60 covers a c
check "a and c kept their own partitions (cooperative)" \
        eval "superset a '$a_before' && superset c '$c_before'"
has_all() { # FILE FROM TO: every id f-FROM..f-TO is in FILE (output JSON lines)
        python3 - "$@" <<'EOF'
import json, sys
ids = {json.loads(json.loads(l)["value"])["id"] for l in open(sys.argv[1])}
missing = [i for i in range(int(sys.argv[2]), int(sys.argv[3]) + 1) if "f-%d" % i not in ids]
if missing:
    print("# missing %d ids, e.g. %s" % (len(missing), missing[:5]))
sys.exit(1 if missing else 0)
EOF
}
# Once the group has committed the end of the input, every record is out
# (offsets are committed only after their output is acknowledged); the
# output is read once then.
all_out() { # FROM TO
        nfk consume -t out -e -T 30000 >"$T/out.jsonl" 2>/dev/null && has_all "$T/out.jsonl" "$1" "$2"
}
check "the committed offsets reach the end of the input" \
        wait_for 90 committed_at_end in fo quiet
check "every one of the $N input ids reaches the output" all_out 1 $N

check "duplicates only from b's uncommitted window, at most its size" \
        python3 - "$T/out.jsonl" "$T/out.at-kill" "$T/committed.at-kill" "$b_parts" <<'EOF'
import collections, json, sys
out, at_kill, committed, parts = sys.argv[1:5]
parts = {int(p) for p in parts.split(",")}
c = {}
for l in open(committed):
    f = l.split()
    if f[0] == "partition":
        c[int(f[1])] = int(f[3])
def meta(l):
    v = json.loads(json.loads(l)["value"])
    return v["id"], v["meta"]["partition"], v["meta"]["offset"]
def in_window(p, o):
    return p in parts and o >= max(c.get(p, 0), 0)
window = {i for i, p, o in map(meta, open(at_kill)) if in_window(p, o)}
n = collections.Counter()
where = {}
for i, p, o in map(meta, open(out)):
    n[i] += 1
    where[i] = (p, o)
dups = {i: k - 1 for i, k in n.items() if k > 1}
outside = [i for i in dups if not in_window(*where[i])]
total = sum(dups.values())
print("# failover: %d duplicates, window at the kill %d records (%.1f%% of it repeated); %d outside the window"
      % (total, len(window), 100.0 * total / max(len(window), 1), len(outside)))
assert not outside, outside[:5]
assert max(dups.values(), default=1) == 1, "a record repeated more than once"
assert total <= len(window) + 0, (total, len(window))
EOF

# --- b back and d added, then a removed, while input flows --------------
start_stage b2 "${ARGS[@]}"
PID[b2]=$STAGE_PID
start_stage d "${ARGS[@]}"
PID[d]=$STAGE_PID
feed $((N + 1)) $((N + N2 / 2))
check "b (restarted) and d (added) get partitions" \
        wait_for 60 eval '[ -n "$(assignment b2)" ] && [ -n "$(assignment d)" ] && covers a b2 c d'
stop_pid "${PID[a]}"
rc=$?
check "a, removed with SIGTERM, exits 0 (rc=$rc)" test "$rc" = 0
feed $((N + N2 / 2 + 1)) $((N + N2))
check "b2, c and d take a's partitions over" wait_for 60 covers b2 c d
check "the committed offsets reach the end of the input again" \
        wait_for 90 committed_at_end in fo quiet
check "every one of the $N2 later ids reaches the output" \
        all_out $((N + 1)) $((N + N2))
python3 - "$T/out.jsonl" $N <<'EOF'
import collections, json, sys
n = collections.Counter(json.loads(json.loads(l)["value"])["id"] for l in open(sys.argv[1]))
later = sum(k - 1 for i, k in n.items() if int(i[2:]) > int(sys.argv[2]))
print("# failover: %d duplicates among the later records (graceful add/remove)" % later)
EOF
for s in b2 c d; do
        stop_pid "${PID[$s]}"
        rc=$?
        check "$s exits 0 on SIGTERM (rc=$rc)" test "$rc" = 0
done
check "no record reached the DLQ" test "$(count_topic dlq)" = 0
exit 0
