#!/bin/sh
# Builds wingmate and runs every test (unit, actor and end-to-end; the
# end-to-end tests make PID namespaces, so this needs root). Installs its own
# dependencies. Benchmarks are not run here (see test/bench/README.md).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$top/build}

sh "$top/scripts/build.sh"
cd "$build_dir"
ctest -j "$(nproc)" --timeout 180 --output-on-failure
