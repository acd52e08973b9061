#!/bin/sh
# Builds the libFuzzer targets (clang 14, ASan + UBSan, in FUZZ_BUILD_DIR,
# default build-fuzz/) and runs each for SECONDS_PER_TARGET seconds (default
# 30), two at a time on a machine with two cores or more. Fails when any
# target crashes, leaks, times out on one input or runs out of memory; the
# input that did it is left in FUZZ_BUILD_DIR/fuzz-work/NAME/. The corpus a
# target grows stays there too, so a later run goes on from it; the seeds in
# test/fuzz/corpus/ are only read.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#   FUZZ_TARGETS="schedule config_yaml" scripts/fuzz.sh 3600   # a long run
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build_dir=${FUZZ_BUILD_DIR:-$top/build-fuzz}
targets=${FUZZ_TARGETS:-"crontab schedule config_json config_yaml duration signal pidfile
  local_time status wingmate_cli wmexec_cli wmpidproxy_cli"}
parallel=$(nproc)
[ "$parallel" -le 2 ] || parallel=2

sh "$top/scripts/install-deps.sh" "$top/deploy/build-packages.txt" \
  "$top/deploy/fuzz-packages.txt"
cmake -S "$top" -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWINGMATE_FUZZ=ON -DWINGMATE_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target fuzz -j "$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

# Runs one target; its output goes to fuzz-work/NAME/log.
run_target() {
  name=$1
  work="$build_dir/fuzz-work/$name"
  mkdir -p "$work/corpus"
  dict=""
  [ ! -f "$top/test/fuzz/$name.dict" ] || dict="-dict=$top/test/fuzz/$name.dict"
  # New inputs go to the first directory; the seeds are read only.
  # shellcheck disable=SC2086
  "$build_dir/test/fuzz/${name}_fuzz" $dict \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" "$top/test/fuzz/corpus/$name" >"$work/log" 2>&1
}

# Prints one line per target: how it ended and how many inputs it ran.
report() {
  name=$1 status=$2
  log="$build_dir/fuzz-work/$name/log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  if [ "$status" -eq 0 ]; then
    printf 'fuzz: %-15s ok      %12s runs %8s/s\n' "$name" "${runs:-?}" "${rate:-?}"
  else
    printf 'fuzz: %-15s FAILED  (exit %s); the end of %s:\n' "$name" "$status" "$log"
    tail -n 40 "$log" | sed 's/^/    /'
    for input in "$build_dir/fuzz-work/$name"/crash-* "$build_dir/fuzz-work/$name"/leak-* \
                 "$build_dir/fuzz-work/$name"/timeout-* "$build_dir/fuzz-work/$name"/oom-*; do
      if [ -e "$input" ]; then echo "    input: $input"; fi
    done
  fi
}

failed=0
# shellcheck disable=SC2086 # the target names are words, split on purpose
set -- $targets
while [ $# -gt 0 ]; do
  # A batch of up to $parallel targets at once.
  batch="" pids=""
  i=0
  while [ $# -gt 0 ] && [ "$i" -lt "$parallel" ]; do
    run_target "$1" &
    batch="$batch $1" pids="$pids $!"
    i=$((i + 1))
    shift
  done
  for name in $batch; do
    pid=${pids# }
    pid=${pid%% *}
    pids=${pids# }
    pids=${pids#"$pid"}
    status=0
    wait "$pid" || status=$?
    report "$name" "$status"
    [ "$status" -eq 0 ] || failed=1
  done
done

if [ "$failed" -ne 0 ]; then
  echo "fuzz: a target failed; make its input a regression test (docs-hardening-fuzz.md)" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"
