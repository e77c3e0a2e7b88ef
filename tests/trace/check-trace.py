#!/usr/bin/env python3
"""Checks a trace-event JSON file (Chrome / Perfetto) against the format's rules, and that the
tracks a device timeline must have are there.

  check-trace.py TRACE [--require KIND ...] [--devtools DEVTOOLS_LOAD_MJS]

Format rules checked (the Trace Event Format document): the JSON Object Format with a
traceEvents list; every event an object with a known phase and that phase's required fields
(B: name ts pid tid; E: ts pid tid; X: name ts dur pid tid; i/I: name ts pid, s in g/p/t;
C: name ts pid and numeric args; M: a known metadata name, pid, and its args); ts and dur
non-negative numbers; args and cat of the right types; on every track (pid, tid) time never
goes backwards in file order (the time of an instant, the end of a complete slice, a B or an E),
every E closes an open B of the same name, X slices nest, and
nothing is left open at the end; every pid is named by process_name and every track with
events by thread_name.

Track kinds (--require): contexts, columns, dma, cores, mailbox, flr, msix.

With --devtools, the file is also loaded by Chrome DevTools' own trace engine (the npm package
@paulirish/trace_engine, run by node), and the slices it finds on each track must be exactly
the ones this checker found. The engine is optional (cmake/TraceViewer.cmake): when
TRACE_ENGINE_DIR is empty or unset, the checker says so and checks the format alone.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from collections import defaultdict

PHASES = {"B", "E", "X", "i", "I", "C", "M"}
METADATA = {"process_name", "thread_name", "process_sort_index", "thread_sort_index",
            "process_labels"}


class Failure(Exception):
    pass


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def integer(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check(trace_path, require, devtools):
    with open(trace_path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        raise Failure("not the JSON Object Format: no traceEvents list")
    if doc.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        raise Failure("displayTimeUnit must be ms or ns")
    events = doc["traceEvents"]
    if not events:
        raise Failure("no events")

    process_names = {}
    thread_names = {}
    open_slices = defaultdict(list)      # (pid, tid) -> [(name, ts, args)]
    last_ts = {}                         # (pid, tid) or (pid, "C", name) -> ts
    slices = defaultdict(list)           # (pid, tid) -> [(name, cat, ts, dur, args)]
    instants = defaultdict(list)         # (pid, tid) -> [(name, cat, args)]
    x_events = defaultdict(list)
    counters = defaultdict(int)
    used_pids, used_tracks = set(), set()

    for n, e in enumerate(events):
        where = f"event {n}"
        if not isinstance(e, dict):
            raise Failure(f"{where}: not an object")
        ph = e.get("ph")
        if ph not in PHASES:
            raise Failure(f"{where}: unknown phase {ph!r}")
        where = f"event {n} ({ph} {e.get('name', '')!r})"
        if not integer(e.get("pid")):
            raise Failure(f"{where}: pid must be an integer")
        if "args" in e and not isinstance(e["args"], dict):
            raise Failure(f"{where}: args must be an object")
        if "cat" in e and not isinstance(e["cat"], str):
            raise Failure(f"{where}: cat must be a string")
        if ph != "E" and not isinstance(e.get("name"), str):
            raise Failure(f"{where}: name must be a string")
        pid = e["pid"]
        if ph == "M":
            if e["name"] not in METADATA:
                raise Failure(f"{where}: unknown metadata event")
            args = e.get("args", {})
            if e["name"] in ("process_name", "thread_name") and not isinstance(args.get("name"), str):
                raise Failure(f"{where}: needs args.name")
            if e["name"].endswith("sort_index") and not integer(args.get("sort_index")):
                raise Failure(f"{where}: needs an integer args.sort_index")
            if e["name"].startswith("thread") and not integer(e.get("tid")):
                raise Failure(f"{where}: needs a tid")
            if e["name"] == "process_name":
                process_names[pid] = args["name"]
            elif e["name"] == "thread_name":
                thread_names[(pid, e["tid"])] = args["name"]
            continue
        ts = e.get("ts")
        if not number(ts) or ts < 0:
            raise Failure(f"{where}: ts must be a non-negative number")
        used_pids.add(pid)
        if ph == "C":
            if not e.get("args") or not all(number(v) for v in e["args"].values()):
                raise Failure(f"{where}: a counter needs numeric args")
            key = (pid, "C", e["name"])
            if round(ts * 1e6) < last_ts.get(key, 0):
                raise Failure(f"{where}: counter time goes backwards")
            last_ts[key] = round(ts * 1e6)
            counters[process_names.get(pid, pid)] += 1
            continue
        if not integer(e.get("tid")):
            raise Failure(f"{where}: tid must be an integer")
        track = (pid, e["tid"])
        used_tracks.add(track)
        # The time an event is written at: a complete slice's end, anything else's ts.
        # In whole picoseconds: the file's microseconds have six decimals, and float sums of
        # them would differ in the last bit.
        at = round(ts * 1e6) + (round(e["dur"] * 1e6) if ph == "X" and number(e.get("dur")) else 0)
        if at < last_ts.get(track, 0):
            raise Failure(f"{where}: time goes backwards on track {track} "
                          f"({at / 1e6} after {last_ts[track] / 1e6})")
        last_ts[track] = at
        if ph == "B":
            open_slices[track].append((e["name"], e.get("cat", ""), ts, dict(e.get("args", {}))))
        elif ph == "E":
            if not open_slices[track]:
                raise Failure(f"{where}: E with no open B on track {track}")
            name, cat, start, args = open_slices[track].pop()
            if "name" in e and e["name"] != name:
                raise Failure(f"{where}: E named {e['name']!r} closes B {name!r}")
            args.update(e.get("args", {}))
            slices[track].append((name, cat, start, ts - start, args))
        elif ph == "X":
            if not number(e.get("dur")) or e["dur"] < 0:
                raise Failure(f"{where}: X needs a non-negative dur")
            start = round(ts * 1e6)
            x_events[track].append((start, start + round(e["dur"] * 1e6), e["name"]))
            slices[track].append((e["name"], e.get("cat", ""), ts, e["dur"], e.get("args", {})))
        else:  # instant
            if e.get("s", "t") not in ("g", "p", "t"):
                raise Failure(f"{where}: instant scope must be g, p or t")
            instants[track].append((e["name"], e.get("cat", ""), e.get("args", {})))

    for track, stack in open_slices.items():
        if stack:
            raise Failure(f"track {track}: {len(stack)} slice(s) never ended "
                          f"(innermost {stack[-1][0]!r})")
    for track, xs in x_events.items():
        stack = []
        for start, end, name in sorted(xs, key=lambda x: (x[0], -x[1])):
            while stack and stack[-1] <= start:
                stack.pop()
            if stack and end > stack[-1]:
                raise Failure(f"track {track}: X slice {name!r} overlaps its parent")
            stack.append(end)
    for pid in used_pids:
        if pid not in process_names:
            raise Failure(f"pid {pid} has events but no process_name")
    for track in used_tracks:
        if track not in thread_names:
            raise Failure(f"track {track} has events but no thread_name")

    def tracks_of(process):
        return [t for t in used_tracks if process_names.get(t[0]) == process]

    def has_slice(process, test):
        return any(test(s) for t in tracks_of(process) for s in slices[t])

    def has_instant(process, test):
        return any(test(i) for t in tracks_of(process) for i in instants[t])

    kinds = {
        "contexts": lambda: has_slice("VF contexts", lambda s: s[0].startswith("command ") and
                                      "queue_delay_us" in s[4] and "status" in s[4]) and
        has_instant("VF contexts", lambda i: i[0] == "doorbell"),
        "columns": lambda: has_slice("Array columns", lambda s: s[1] == "column"),
        "dma": lambda: has_slice("DMA channels", lambda s: s[1] == "dma" and
                                 s[4].get("bytes", 0) > 0),
        "cores": lambda: has_slice("Cores", lambda s: s[1] == "kernel" and s[3] > 0),
        "mailbox": lambda: has_slice("Firmware", lambda s: s[1] == "mailbox" and
                                     "status" in s[4]),
        "flr": lambda: has_slice("Firmware", lambda s: s[0] == "function level reset"),
        "msix": lambda: has_instant("Interrupts", lambda i: i[0].startswith("MSI-X vector") and
                                    i[2].get("outcome") == "sent"),
    }
    for kind in require:
        if kind not in kinds:
            raise Failure(f"unknown track kind {kind!r} (known: {', '.join(kinds)})")
        if not kinds[kind]():
            raise Failure(f"no {kind} track with the events it should have")

    per_process = defaultdict(int)
    for t in used_tracks:
        per_process[process_names[t[0]]] += 1
    print(f"{trace_path}: {len(events)} events, {sum(len(s) for s in slices.values())} slices on "
          f"{len(used_tracks)} tracks: " +
          ", ".join(f"{p} {n}" for p, n in sorted(per_process.items())) +
          f"; {sum(counters.values())} counter samples")
    if require:
        print("track kinds present: " + ", ".join(require))

    if devtools and not os.environ.get("TRACE_ENGINE_DIR"):
        print("note: DevTools' trace engine not installed; checked the trace-event format only")
    elif devtools:
        out = subprocess.run(["node", devtools, trace_path], capture_output=True, text=True,
                             timeout=600)
        if out.returncode != 0:
            raise Failure(f"DevTools' trace engine could not load the file:\n{out.stderr[-2000:]}")
        seen = json.loads(out.stdout)
        compared = 0
        for track, ours in slices.items():
            if not ours:
                continue
            key = f"{track[0]}:{track[1]}"
            theirs = seen.get(key)
            if theirs is None:
                raise Failure(f"DevTools' trace engine shows no track {thread_names[track]!r}")
            if theirs["name"] != thread_names[track]:
                raise Failure(f"track {key}: DevTools names it {theirs['name']!r}")
            a = sorted((round(s[2], 3), round(s[3], 3), s[0]) for s in ours)
            b = sorted((round(x[0], 3), round(x[1], 3), x[2]) for x in theirs["slices"])
            if a != b:
                diff = [x for x in a if x not in b][:3] + [x for x in b if x not in a][:3]
                raise Failure(f"track {thread_names[track]!r}: DevTools finds {len(b)} slices, "
                              f"the checker {len(a)}; differing: {diff}")
            compared += len(a)
        print(f"DevTools' trace engine loaded it: the same {compared} slices on "
              f"{sum(1 for s in slices.values() if s)} tracks")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("trace")
    p.add_argument("--require", nargs="*", default=[])
    p.add_argument("--devtools")
    a = p.parse_args()
    try:
        check(a.trace, a.require, a.devtools)
    except (Failure, OSError, ValueError, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {a.trace}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
