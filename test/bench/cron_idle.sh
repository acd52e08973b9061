#!/bin/sh
# Idle cost of the cron clock: wingmate's CPU time and wake-ups while it has
# cron jobs scheduled and nothing else to do. Not part of the test suite.
#
# usage: test/bench/cron_idle.sh WINGMATE [SECONDS [JOBS [EVERY_MINUTE]]]
#
#   WINGMATE      the wingmate binary (build/main/wingmate)
#   SECONDS       how long to measure (default 300)
#   JOBS          cron jobs in all (default 100)
#   EVERY_MINUTE  how many of them run /bin/true every minute (default 5); the
#                 others run at fixed times far away (once a year)
#
# wingmate runs as PID 1 of its own PID namespace (unshare, so run it as
# root) with only a crontab. After a 5 s settling time the script sums, over
# every thread of wingmate, the CPU time from /proc/PID/task/*/schedstat and
# the voluntary and involuntary context switches from /proc/PID/task/*/status
# at the start and the end of the window, then prints the difference, per
# thread and in all. The children's own CPU time is not counted.
set -eu

wingmate=${1:?usage: cron_idle.sh WINGMATE [SECONDS [JOBS [EVERY_MINUTE]]]}
seconds=${2:-300}
jobs=${3:-100}
every_minute=${4:-5}
[ "$every_minute" -le "$jobs" ] || { echo "EVERY_MINUTE must not exceed JOBS" >&2; exit 2; }

dir=$(mktemp -d /tmp/wm-cron-bench-XXXXXX)
unshare_pid=""
pid=""
# wingmate stops on SIGTERM; --kill-child ends it too should unshare die.
cleanup() {
  [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
  [ -z "$unshare_pid" ] || wait "$unshare_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Fixed-time jobs are spread over the year so that each has its own next
# run to compute.
i=0
: >"$dir/crontab"
while [ "$i" -lt "$jobs" ]; do
  if [ "$i" -lt "$every_minute" ]; then
    echo "* * * * * /bin/true" >>"$dir/crontab"
  else
    echo "$((i % 60)) $((i % 24)) $((i % 28 + 1)) $((i % 12 + 1)) * /bin/true" >>"$dir/crontab"
  fi
  i=$((i + 1))
done

unshare --kill-child -p -f --mount-proc "$wingmate" -c "$dir" >"$dir/out.log" 2>&1 &
unshare_pid=$!
# wingmate is the only child of unshare.
for _ in $(seq 50); do
  pid=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null | tr -d ' ') || true
  [ -n "$pid" ] && break
  sleep 0.1
done
[ -n "$pid" ] || { echo "wingmate did not start" >&2; cat "$dir/out.log" >&2; exit 1; }
sleep 5

# One line per thread: tid name cpu_ns voluntary involuntary
sample() {
  for task in /proc/"$pid"/task/*; do
    tid=${task##*/}
    name=$(cat "$task/comm")
    cpu=$(cut -d' ' -f1 "$task/schedstat")
    vol=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$task/status")
    invol=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$task/status")
    echo "$tid $name $cpu $vol $invol"
  done
}

sample >"$dir/before"
sleep "$seconds"
sample >"$dir/after"
runs=$(grep -c 'started (pid' "$dir/out.log" || true)

echo "wingmate $("$wingmate" --version | cut -d' ' -f2): $jobs cron jobs" \
  "($every_minute every minute), ${seconds} s idle, $runs runs started in the window and before"
awk -v seconds="$seconds" '
  NR == FNR { cpu[$1] = $3; vol[$1] = $4; invol[$1] = $5; next }
  {
    dcpu = $3 - cpu[$1]; dvol = $4 - vol[$1]; dinvol = $5 - invol[$1]
    printf "  thread %-16s cpu %8.3f ms  wake-ups %6d (voluntary %d, involuntary %d)\n",
           $2, dcpu / 1e6, dvol + dinvol, dvol, dinvol
    total_cpu += dcpu; total_vol += dvol; total_invol += dinvol
  }
  END {
    printf "  all threads             cpu %8.3f ms  wake-ups %6d (voluntary %d, involuntary %d)\n",
           total_cpu / 1e6, total_vol + total_invol, total_vol, total_invol
    printf "  per minute              cpu %8.3f ms  wake-ups %8.1f\n",
           total_cpu / 1e6 / seconds * 60, (total_vol + total_invol) / seconds * 60
  }' "$dir/before" "$dir/after"
