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
#
# Needs root (namespaces, chroots, mounts). Installs its own dependencies.
# WINGMATE_TEST_STAGES picks stages ("release asan"); arguments go to ctest
# in every stage (`scripts/test.sh -L unit`). Benchmarks are not run here
# (see test/bench/README.md).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
stages=${WINGMATE_TEST_STAGES:-release asan}

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
    *) echo "test.sh: unknown stage '$stage' (known: release asan)" >&2; exit 2 ;;
  esac
done
echo "== every test stage passed: $stages" >&2
