#!/bin/sh
# Configures and builds wingmate in BUILD_DIR (default: build/ at the top of
# the checkout), after installing the build dependencies. Extra arguments go
# to cmake's configure step (-DWINGMATE_SANITIZE=ON, say). The installed
# programs get the bundle's run path (WINGMATE_BUNDLE_RPATH), so that the
# deploy tests can make the relocatable bundle from this build.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$top/build}

sh "$top/scripts/install-deps.sh"
cmake -S "$top" -B "$build_dir" -DWINGMATE_WERROR=ON -DWINGMATE_BUNDLE_RPATH=ON "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
