#!/usr/bin/env python3
"""The layering rule of docs/architecture.md section 1, checked: a library includes only its own
headers and those of the libraries it links, directly or transitively.

Input: the build's layering.json (cmake/Aie4simTargets.cmake, aie4sim_write_layering): every
aie4sim_library with its sources and direct links. A project header belongs to the library that
compiles its .cpp twin; a header without one belongs to the library with sources in its folder
(the lowest one, when several share the folder). Every `#include "..."` of every library
source and of the headers it owns is checked; an include of a header no library owns, or of a
library not linked, is reported with the file and line.

Usage: check-layering.py SOURCE_ROOT LAYERING_JSON
"""
import json
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(root, layering_file):
    root = pathlib.Path(root)
    libs = json.loads(pathlib.Path(layering_file).read_text())

    def closure(lib, seen=None):
        seen = set() if seen is None else seen
        for dep in libs[lib]["links"]:
            if dep in libs and dep not in seen:
                seen.add(dep)
                closure(dep, seen)
        return seen

    reach = {lib: closure(lib) | {lib} for lib in libs}
    owner = {}
    folder_libs = {}
    for lib, info in libs.items():
        for src in info["sources"]:
            path = pathlib.PurePosixPath(src)
            owner[str(path.with_suffix(".h"))] = lib
            folder_libs.setdefault(str(path.parent), set()).add(lib)

    def owner_of(header):
        if header in owner:
            return owner[header]
        if (root / header).with_suffix(".cpp").is_file():
            return None  # its .cpp is an executable's, not a library's
        folder = str(pathlib.PurePosixPath(header).parent)
        candidates = folder_libs.get(folder)
        if not candidates:
            return None
        # The lowest: the one the others in the folder build on.
        return min(candidates, key=lambda lib: (len(reach[lib]), lib))

    problems = []
    checked = 0
    for lib, info in sorted(libs.items()):
        files = set(info["sources"])
        files |= {h for h, o in owner.items() if o == lib and (root / h).is_file()}
        files |= {h for h in (str(p.relative_to(root)) for folder in
                              {str(pathlib.PurePosixPath(s).parent) for s in info["sources"]}
                              for p in (root / folder).glob("*.h"))
                  if owner_of(h) == lib}
        for name in sorted(files):
            text = (root / name).read_text(errors="replace")
            for match in INCLUDE.finditer(text):
                header = match.group(1)
                line = text.count("\n", 0, match.start()) + 1
                checked += 1
                beside = pathlib.PurePosixPath(name).parent / header
                if not (root / header).is_file() and (root / beside).is_file():
                    header = str(beside)  # "aie4sim_ring.h" beside its includer (C, QEMU)
                if not (root / header).is_file():
                    problems.append(f"{name}:{line}: {lib} includes \"{header}\", which is not a "
                                    "project header")
                    continue
                target = owner_of(header)
                if target is None:
                    problems.append(f"{name}:{line}: {lib} includes \"{header}\", which no "
                                    "library owns")
                elif target not in reach[lib]:
                    problems.append(f"{name}:{line}: {lib} includes \"{header}\" of {target}, "
                                    f"which it does not link")
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} include(s) across the layering rule", file=sys.stderr)
        return 1
    print(f"PASS: {checked} includes of {len(libs)} libraries follow the layering rule")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
