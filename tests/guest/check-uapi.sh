#!/usr/bin/env bash
# The guest programs compile against one kernel's UAPI: every linux/, asm/, asm-generic/ and
# drm/ header they include comes from Debian's 7.3.4 headers (linux-libc-dev 7.3.4, unpacked
# by scripts/guest/fetch-kernel.sh), none from the build machine's own (6.1 on Debian 12).
# A mix is what broke fresh machines: 7.3.4's drm/amdxdna_accel.h needs 7.3.4's
# linux/stddef.h (__counted_by), and a machine with 6.1's found the wrong one.
#   check-uapi.sh BUILD_DIR UAPI_ROOT SOURCE...
# Each SOURCE is compiled again, with the exact command compile_commands.json holds, under
# -M (headers only, no object).
set -euo pipefail
build=$1
uapi=$(realpath "$2")
shift 2
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$build/compile_commands.json" ] || fail "no $build/compile_commands.json"
for source in "$@"; do
    command=$(python3 - "$build/compile_commands.json" "$source" <<'PY'
import json, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"] == sys.argv[2]:
        args = shlex.split(entry["command"])
        # Drop the object output; list the headers instead.
        out = []
        skip = False
        for a in args:
            if skip:
                skip = False
                continue
            if a == "-o":
                skip = True
                continue
            if a in ("-MD", "-MMD") or a == "-MF" or a == "-MT":
                skip = a in ("-MF", "-MT")
                continue
            out.append(a)
        print(entry["directory"] + "\n" + shlex.join(out + ["-M"]))
        break
PY
)
    [ -n "$command" ] || fail "$source is not in compile_commands.json"
    dir=$(head -n1 <<<"$command")
    headers=$(cd "$dir" && eval "$(tail -n1 <<<"$command")" | tr ' \\' '\n\n' | grep -E '\.h$' || true)
    [ -n "$headers" ] || fail "$source: the compiler listed no headers"
    kernel=$(grep -E '/(linux|asm|asm-generic|drm)/[^/]+\.h$' <<<"$headers" || true)
    [ -n "$kernel" ] || fail "$source includes no kernel UAPI header at all"
    foreign=$(grep -v -F "$uapi/" <<<"$kernel" || true)
    if [ -n "$foreign" ]; then
        echo "$source includes kernel UAPI headers from outside $uapi:" >&2
        sed 's/^/    /' <<<"$foreign" >&2
        fail "$source mixes two kernels' UAPI headers"
    fi
    echo "ok: $source: $(wc -l <<<"$kernel") kernel UAPI headers, all from $uapi"
done
echo "PASS: every guest program compiles against the 7.3.4 UAPI only"
