#!/usr/bin/env bash
# A private apt configuration for the suites the system's own configuration does not list
# (bookworm deb-src, trixie-backports). It never touches /etc/apt: the registry address and
# key are read from the machine's own sources at run time, so no host name lives in the project.
#
# Usage: source this file, then:  apt_private_init DIR ; apt_private <apt-get args...>
#        apt_private_closure OUT [-t SUITE] [--assume-installed PKG]... PKG[=VERSION]...
set -euo pipefail

apt_private_system_sources() {
    local f
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    echo "aie4sim: no deb822 .sources file under /etc/apt/sources.list.d to derive a registry from" >&2
    return 1
}

# Writes DIR/sources/aie4sim.sources with the given stanzas, derived from the system's first
# stanza that serves plain Debian (its URIs: and Signed-By: lines; only Types and Suites change).
apt_private_init() {
    local dir=$1 src uri key
    src=$(apt_private_system_sources)
    uri=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$src")
    key=$(awk '/^Signed-By:/ {print $2; exit}' "$src")
    if [ -z "$uri" ] || [ -z "$key" ]; then
        echo "aie4sim: could not read URIs/Signed-By from $src" >&2
        return 1
    fi
    mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial"
    cat > "$dir/sources/aie4sim.sources.new" <<SRC
Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: $key

Types: deb
URIs: $uri
Suites: trixie-backports trixie
Components: main
Signed-By: $key
SRC
    if ! cmp -s "$dir/sources/aie4sim.sources.new" "$dir/sources/aie4sim.sources"; then
        mv "$dir/sources/aie4sim.sources.new" "$dir/sources/aie4sim.sources"
        rm -f "$dir/lists/.updated"
    else
        rm -f "$dir/sources/aie4sim.sources.new"
    fi
    APT_PRIVATE_DIR=$dir
    if [ ! -f "$dir/lists/.updated" ]; then
        apt_private update -qq
        touch "$dir/lists/.updated"
    fi
}

apt_private() {
    local dir=${APT_PRIVATE_DIR:?apt_private_init first}
    apt-get -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$dir/sources" \
        -o Dir::State::Lists="$dir/lists" -o Dir::Cache::Archives="$dir/cache/archives" \
        -o APT::Sandbox::User=root "$@"
}

# apt_private_closure OUT [-t SUITE] [--assume-installed PKG]... PKG[=VERSION]...
# Resolves the dependency closure of PKGs as apt's own solver would install them on an empty
# system (no recommends), and writes it to OUT, one NAME=VERSION a line, sorted. Nothing is
# installed or downloaded: the solver runs in simulation against an empty dpkg status file.
# A package named with --assume-installed is taken as present (a stand-in in that status file
# satisfies any dependency on it), so it and everything only it needs stay out of the closure.
apt_private_closure() {
    local out=$1 dir=${APT_PRIVATE_DIR:?apt_private_init first} status sim
    shift
    local args=() standins=()
    while [ $# -gt 0 ]; do
        case $1 in
            -t) args+=(-t "$2"); shift 2 ;;
            --assume-installed) standins+=("$2"); shift 2 ;;
            *) args+=("$1"); shift ;;
        esac
    done
    status=$(mktemp "$dir/status.XXXXXX")
    local p
    for p in ${standins[@]+"${standins[@]}"}; do
        printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nVersion: 0~stand-in\nArchitecture: all\nMulti-Arch: foreign\nDescription: stand-in (assumed installed)\n\n' "$p" >> "$status"
    done
    if ! sim=$(apt_private -o Dir::State::status="$status" -o Debug::NoLocking=1 \
                  --no-install-recommends -s install "${args[@]}" 2>&1); then
        rm -f "$status"
        echo "$sim" >&2
        echo "aie4sim: apt could not resolve the dependencies of: ${args[*]}" >&2
        return 1
    fi
    rm -f "$status"
    # "Inst NAME (VERSION SUITE [ARCH])" for every package the solver would unpack.
    awk '$1 == "Inst" { v = $3; sub(/^\(/, "", v); print $2 "=" v }' <<<"$sim" | LC_ALL=C sort > "$out"
    [ -s "$out" ] || { echo "aie4sim: apt resolved nothing for: ${args[*]}" >&2; return 1; }
}
