#!/bin/sh
# Builds wingmate and runs every test (unit, actor, end-to-end and deploy;
# the end-to-end and rootfs tests make PID namespaces and chroots, so this
# needs root, and the first rootfs run fetches a minimal Debian from Debian's
# archive, cached afterwards). Installs its own dependencies. Arguments go to
# ctest: `scripts/test.sh -L deploy` runs only the deploy tests, `-LE rootfs`
# all but the slow ones. Benchmarks are not run here (see test/bench/README.md).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$top/build}

sh "$top/scripts/build.sh"
cd "$build_dir"
ctest -j "$(nproc)" --timeout 180 --output-on-failure "$@"
