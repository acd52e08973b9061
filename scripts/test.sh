#!/bin/sh
# Builds wingmate and runs every test, in stages, each with a time budget so
# that the whole run stays well inside CI's limits on two cores:
#
#   release  the optimised build (warnings are errors) and every test: unit,
#            actor, end-to-end (PID namespaces), cron at real minute
#            boundaries, deploy (the first rootfs run fetches a minimal
#            Debian from Debian's archive, cached afterwards)
#   asan     the same code built with AddressSanitizer and
#            UndefinedBehaviorSanitizer (leak checks on), and every test but
#            the deploy ones (they test the release build's bundle)
#   fuzz     the libFuzzer targets (clang 14), 30 s each
#   lint     clang-tidy and cppcheck over our own code, no finding allowed
#
# Needs root (namespaces, chroots, mounts). Installs its own dependencies.
# WINGMATE_TEST_STAGES picks stages (default "release asan fuzz lint");
# arguments go to ctest in the release and asan stages
# (`WINGMATE_TEST_STAGES=release scripts/test.sh -L unit`). Benchmarks are not run here
# (see test/bench/README.md).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
stages=${WINGMATE_TEST_STAGES:-release asan fuzz lint}

# run_stage NAME MINUTES COMMAND...: runs COMMAND, killed after MINUTES.
run_stage() {
  name=$1 minutes=$2
  shift 2
  echo "== test stage $name (budget $minutes min)" >&2
  started=$(date +%s)
  status=0
  timeout --kill-after=30 "${minutes}m" "$@" || status=$?
  took=$(($(date +%s) - started))
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "== test stage $name ran out of its $minutes min budget" >&2
  fi
  echo "== test stage $name: exit $status after $((took / 60)) min $((took % 60)) s" >&2
  return "$status"
}

for stage in $stages; do
  case $stage in
    release | asan) run_stage "$stage" 40 sh "$top/scripts/test-stage.sh" "$stage" "$@" ;;
    fuzz) run_stage fuzz 20 sh "$top/scripts/test-stage.sh" fuzz ;;
    lint) run_stage lint 25 sh "$top/scripts/test-stage.sh" lint ;;
    *) echo "test.sh: unknown stage '$stage' (known: release asan fuzz lint)" >&2; exit 2 ;;
  esac
done
echo "== every test stage passed: $stages" >&2
