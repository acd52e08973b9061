#!/bin/sh
# One stage of scripts/test.sh: test-stage.sh STAGE [CTEST ARGS...] (the
# release and asan stages pass the arguments to ctest). See
# test.sh for what each stage does; run through it to get the time budget.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
stage=$1
shift

case $stage in
  release)
    build_dir=${BUILD_DIR:-$top/build}
    BUILD_DIR=$build_dir sh "$top/scripts/build.sh"
    cd "$build_dir"
    ctest -j "$jobs" --timeout 200 --output-on-failure "$@"
    ;;
  asan)
    build_dir=$top/build-asan
    BUILD_DIR=$build_dir sh "$top/scripts/build.sh" -DWINGMATE_SANITIZE=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cd "$build_dir"
    # Every finding fails its test: leaks at exit, the first ASan report,
    # and any UBSan report (the build also stops recovery).
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest -j "$jobs" --timeout 300 --output-on-failure -LE deploy "$@"
    ;;
  fuzz)
    # Every libFuzzer target, 30 s each (a long run: scripts/fuzz.sh 3600).
    sh "$top/scripts/fuzz.sh" "${WINGMATE_FUZZ_SECONDS:-30}"
    ;;
  lint)
    # clang-tidy and cppcheck over all of our own code; the release stage
    # (or this) provides build/compile_commands.json.
    BUILD_DIR=${BUILD_DIR:-$top/build} sh "$top/scripts/lint.sh"
    ;;
  *)
    echo "test-stage.sh: unknown stage '$stage' (known: release asan fuzz lint)" >&2
    exit 2
    ;;
esac
