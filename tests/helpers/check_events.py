#!/usr/bin/env python3
"""check_events FILE EXPR...: every line of FILE that starts with "{" is a
JSON event of tcptool --json; each Python expression must hold, or the
events are printed and the exit status is 1.  In scope: evs (the events in
order), seg (the segment events), one(NAME) (the one event of that name),
kind(KIND, DIR) (the segments of that kind, and direction "out" or "in"),
plus(A, N) (sequence arithmetic) and nagle_stats(seg), which follows the
outgoing data and the incoming ACKs and returns (segments that carried
data, those of them that left while earlier data was still
unacknowledged: a FIN aside, which Nagle's rule never holds back).  Names
bound with (NAME := ...) carry over to the next expressions."""
import json
import sys

path, exprs = sys.argv[1], sys.argv[2:]
evs = [json.loads(l) for l in open(path) if l.startswith("{")]
seg = [e for e in evs if e["event"] == "segment"]


def one(name):
    found = [e for e in evs if e["event"] == name]
    assert len(found) == 1, f"{len(found)} {name} events"
    return found[0]


def kind(k, d=None):
    return [e for e in seg if e["kind"] == k and (d is None or e["dir"] == d)]


def plus(a, n):
    return (a + n) % 2**32


def nagle_stats(segments):
    sent = acked = None
    data = overlapping = 0
    for e in segments:
        if e["dir"] == "in" and "ACK" in e["flags"].split(","):
            acked = e["ack"]
        if e["dir"] == "out" and e["len"] > 0:
            data += 1
            if sent is not None and acked != sent and "FIN" not in e["flags"].split(","):
                overlapping += 1
            sent = plus(e["seq"], e["len"])
    return data, overlapping


scope = dict(globals())
for x in exprs:
    try:
        ok = eval(x, scope)
    except Exception as err:
        ok = False
        x += f"  ({err!r})"
    if not ok:
        print("# does not hold: " + x, file=sys.stderr)
        for e in evs:
            print("#   " + json.dumps(e), file=sys.stderr)
        sys.exit(1)
