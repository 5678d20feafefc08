#!/usr/bin/env bash
# test_dedup_kafka.sh — dedup across instances through the state topic, on
# kafka-mock with separate processes:
#   - an article consumed by instance A, and a near-copy consumed later by
#     instance B (another partition), is near_duplicate of A's id; the time
#     for A's fingerprint to reach B is measured (B's index gauge);
#   - an exact re-post is duplicate, the same id again stays unique;
#   - a restarted instance restores the index from the state topic before it
#     consumes, re-marks nothing, and still knows A's document.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

start_mock -t in:2 -t out:2 -t dlq:1 -t state:1
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
scrape() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())' "$1" 2>/dev/null; }
gauge() { scrape "$1" | awk -v s="$2" '$1 == s {print $2}'; }

ARGS=(-X input.topic=in -X output.topic=out -X errors.deadletterqueue.topic.name=dlq
        -X group.id=dd -X dedup.state.topic=state -X dedup.action=mark
        -X processors=clean,dedup)
PA=$(port)
PB=$(port)
start_stage a "${ARGS[@]}" -X metrics.listen=127.0.0.1:$PA
A=$STAGE_PID
start_stage b "${ARGS[@]}" -X metrics.listen=127.0.0.1:$PB
B=$STAGE_PID
split_ok() { [ -n "$(assignment a)" ] && [ -n "$(assignment b)" ] && [ "$(assignment a)" != "$(assignment b)" ]; }
check "A and B hold one partition each" wait_for 60 split_ok
PARTA=$(assignment a)
PARTB=$(assignment b)

# One story, a syndicated copy (other site furniture, curly quotes, one
# paragraph dropped, a sentence added) and the same text again.
python3 - "$T" <<'PY'
import json, sys
paras = [
    "The regional water authority said on Monday that reservoir levels had fallen to their lowest point in two decades after a summer with almost no rain across the northern valleys.",
    "Engineers have begun drawing on emergency wells near the old mill district, and households in twelve towns have been asked to cut daily use by a fifth until the autumn storms arrive.",
    "\"We are not yet at the point of rationing, but we are close,\" the authority's chief hydrologist told reporters at a briefing in the provincial capital.",
    "Farmers' groups warned that the restrictions would hit fruit growers hardest, since orchards need steady irrigation through the harvest months of September and October.",
    "The authority will publish weekly figures for each reservoir on its website and review the measures at the start of next month.",
]
copy = [p.replace('"', "\u201c", 1).replace('"', "\u201d", 1) for p in paras]
del copy[3]
copy.append("Reporting by the regional desk; additional reporting by agencies.")
def rec(i, text): return json.dumps({"id": i, "text": text})
open(sys.argv[1] + "/orig.jsonl", "w").write(rec("orig-1", "\n\n".join(paras)) + "\n")
open(sys.argv[1] + "/copy.jsonl", "w").write(
    rec("copy-1", "Home\nWorld\nSubscribe\n\n" + "\n\n".join(copy) + "\n\nShare this article") + "\n")
open(sys.argv[1] + "/copy2.jsonl", "w").write(rec("copy-2", "\n\n".join(copy)) + "\n")
open(sys.argv[1] + "/again.jsonl", "w").write(
    rec("repost-1", "\n\n".join(paras)) + "\n" + rec("orig-1", "\n\n".join(paras)) + "\n")
PY

check "produce the original to A's partition $PARTA" nfk produce -t in -p "$PARTA" -f "$T/orig.jsonl"
check "the original is out" eval 'nfk consume -t out -n 1 -T 30000 >/dev/null'
t0=$(date +%s%N)
if wait_for 30 eval 'test "$(gauge $PB newsflow_dedup_index_documents)" = 1'; then
        t1=$(date +%s%N)
        lag=$(gauge $PB newsflow_dedup_state_lag_seconds)
        ok "B learned A's document through the state topic (state record applied ${lag}s after it was produced; gauge seen $(((t1 - t0) / 1000000)) ms after A's output)"
else
        not_ok "B learned A's document through the state topic" "gauge=$(gauge $PB newsflow_dedup_index_documents)"
fi
check "produce the near-copy to B's partition $PARTB" nfk produce -t in -p "$PARTB" -f "$T/copy.jsonl"
check "produce an exact re-post and the same id again to B's partition" \
        nfk produce -t in -p "$PARTB" -f "$T/again.jsonl"
check "4 records out" eval 'nfk consume -t out -n 4 -T 30000 >"$T/out.jsonl"'
check "statuses: orig unique; copy near_duplicate of orig (on B); re-post duplicate; same id unique" \
        python3 - "$T/out.jsonl" "$PARTB" <<'PY'
import json, sys
recs = [json.loads(json.loads(l)["value"]) for l in open(sys.argv[1])]
by = {}
for r in recs:
    by.setdefault(r["id"], []).append(r)
assert [r["dedup"]["status"] for r in by["orig-1"]] == ["unique", "unique"], by["orig-1"]
c = by["copy-1"][0]
assert c["dedup"]["status"] == "near_duplicate", c["dedup"]
assert c["dedup"]["duplicate_of"] == "orig-1", c["dedup"]
assert 0.45 <= c["dedup"]["similarity"] < 1.0, c["dedup"]
assert c["meta"]["partition"] == int(sys.argv[2])
d = by["repost-1"][0]["dedup"]
assert d["status"] == "duplicate" and d["duplicate_of"] == "orig-1" and d["similarity"] == 1.0, d
PY
check "committed offsets reach the end" wait_for 30 committed_at_end in dd quiet
stop_pid $A
stop_pid $B

# Restart: one new instance restores the state topic before consuming.
start_stage c "${ARGS[@]}"
C=$STAGE_PID
check "C restored the state topic before consuming" \
        wait_for 60 grep -q 'msg="dedup state restored" topic=state records=1 ' "$T/c.log"
check "C is assigned both partitions" wait_for 60 eval '[ "$(assignment c)" = "0,1" ]'
check "produce another copy (to partition $PARTA)" nfk produce -t in -p "$PARTA" -f "$T/copy2.jsonl"
check "exactly one more record out" eval 'nfk consume -t out -n 5 -T 30000 >"$T/out2.jsonl" && ! nfk consume -t out -n 6 -T 2000 >/dev/null'
check "after restart: the copy is near_duplicate of A's document; nothing re-marked" \
        python3 - "$T/out2.jsonl" <<'PY'
import json, sys
recs = [json.loads(json.loads(l)["value"]) for l in open(sys.argv[1])]
new = [r for r in recs if r["id"] == "copy-2"]
assert len(new) == 1, len(new)
assert new[0]["dedup"]["status"] == "near_duplicate" and new[0]["dedup"]["duplicate_of"] == "orig-1", new[0]["dedup"]
PY
stop_pid $C
check "C exits 0 on SIGTERM" test $? = 0
exit 0
