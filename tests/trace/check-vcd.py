#!/usr/bin/env python3
"""Checks a VCD waveform written by aie4sim --vcd: the header is well formed ($timescale,
nested $scope/$upscope, $var declarations with unique identifiers, $enddefinitions), time
stamps only grow, every value change names a declared signal with a value of its width, and
the signals a hardware engineer looks at are there and move: a lock, a DMA channel's running
state, a core's in_kernel state and a function's MSI-X count each change at least once.

  check-vcd.py WAVEFORM [--vfs N]
"""
import argparse
import re
import sys


class Failure(Exception):
    pass


def parse(path):
    with open(path, encoding="ascii") as f:
        text = f.read()
    head, sep, body = text.partition("$enddefinitions")
    if not sep:
        raise Failure("no $enddefinitions")
    body = body.split("$end", 1)[1] if "$end" in body else ""
    body = re.sub(r"\$comment\b.*?\$end", " ", body, flags=re.S)
    if not re.search(r"\$timescale\s+\d+\s*[munpf]?s\s+\$end", head):
        raise Failure("no $timescale")
    scopes, signals = [], {}
    for m in re.finditer(r"\$(scope|upscope|var)\b(.*?)\$end", head, re.S):
        kind, words = m.group(1), m.group(2).split()
        if kind == "scope":
            if len(words) != 2:
                raise Failure(f"bad $scope: {words}")
            scopes.append(words[1])
        elif kind == "upscope":
            if not scopes:
                raise Failure("$upscope without $scope")
            scopes.pop()
        else:
            if len(words) < 4:
                raise Failure(f"bad $var: {words}")
            width, ident, name = int(words[1]), words[2], words[3]
            if ident in signals:
                raise Failure(f"identifier {ident} declared twice")
            # SystemC puts everything under a top scope named "SystemC".
            path = scopes[1:] if scopes[:1] == ["SystemC"] else scopes
            signals[ident] = {"name": ".".join(path + [name]), "width": width, "values": []}
    if scopes:
        raise Failure(f"unclosed $scope {scopes}")
    if not signals:
        raise Failure("no signals")
    time = -1
    vector = None  # a vector value waiting for its identifier
    for token in body.split():
        if vector is not None:
            if token not in signals:
                raise Failure(f"value change for an undeclared identifier: {token}")
            sig = signals[token]
            if len(vector) > sig["width"]:
                raise Failure(f"value b{vector} wider than {sig['name']}")
            sig["values"].append((time, int(re.sub("[xzXZ]", "0", vector), 2)))
            vector = None
        elif token.startswith("$"):
            continue  # $dumpvars / $end
        elif token.startswith("#"):
            t = int(token[1:])
            if t < time:
                raise Failure(f"time goes backwards: #{t} after #{time}")
            time = t
        elif token[0] in "bB":
            vector = token[1:]
            if not re.fullmatch(r"[01xzXZ]+", vector):
                raise Failure(f"bad vector value {token}")
        elif token[0] in "01xzXZ" and token[1:] in signals:
            sig = signals[token[1:]]
            if sig["width"] != 1:
                raise Failure(f"scalar value for {sig['name']} of width {sig['width']}")
            sig["values"].append((time, token[0]))
        else:
            raise Failure(f"unexpected token {token!r}")
    return signals, time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("vcd")
    p.add_argument("--vfs", type=int, default=1)
    a = p.parse_args()
    try:
        signals, end = parse(a.vcd)
        by_name = {s["name"]: s for s in signals.values()}

        def changing(pattern):
            names = [n for n in by_name if re.search(pattern, n)]
            if not names:
                raise Failure(f"no signal matches {pattern}")
            moved = [n for n in names if len({v for _, v in by_name[n]["values"]}) > 1]
            if not moved:
                raise Failure(f"none of the {len(names)} signals matching {pattern} changes")
            return len(names), len(moved)

        report = []
        for what, pattern in [
            ("locks", r"^array\.c\d+_r\d+\.lock\d+$"),
            ("DMA channels running", r"^array\.c\d+_r\d+\.(s2mm|mm2s)\d+\.running$"),
            ("DMA lock stalls", r"^array\.c\d+_r\d+\.(s2mm|mm2s)\d+\.lock_stall$"),
            ("cores in a kernel", r"^array\.c\d+_r\d+\.core\.in_kernel$"),
            ("column owners", r"^array\.column\d+_owner$"),
            ("MSI-X", r"^pcie\.(pf|vf\d+)\.msix_sent$"),
        ]:
            total, moved = changing(pattern)
            report.append(f"{what} {moved}/{total}")
        for n in range(1, a.vfs + 1):
            if f"pcie.vf{n}.msix_sent" not in by_name:
                raise Failure(f"no MSI-X signal for VF{n}")
    except (Failure, OSError, ValueError) as e:
        print(f"FAIL: {a.vcd}: {e}", file=sys.stderr)
        return 1
    print(f"{a.vcd}: {len(signals)} signals up to #{end}; changing: " + ", ".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
