#!/usr/bin/env bash
# Installs Chrome DevTools' trace engine (npm @paulirish/trace_engine) into BUILD/deps/trace-engine
# with this machine's own npm and npm configuration (registry, certificates), for the optional
# DevTools load check of the trace tests (docs/tracing.md). Not part of the default build: a
# fresh Debian machine reaches only Debian's registry. Re-run cmake (or ./aie4sim build) after it.
#   scripts/fetch-trace-engine.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
version=0.0.65
command -v npm >/dev/null && command -v node >/dev/null ||
    { echo "fetch-trace-engine: needs node and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
mkdir -p "$build/deps/trace-engine"
npm install --prefix "$build/deps/trace-engine" --no-audit --no-fund --loglevel=error \
    "@paulirish/trace_engine@$version"
echo "fetch-trace-engine: installed in $build/deps/trace-engine; re-run cmake to use it"
