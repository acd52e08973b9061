#!/bin/bash
# The image's entry script (deploy/docker/entrypoint.sh), run by the shell
# the image has (/bin/sh: dash on Debian), with a fake wingmate first in
# PATH that records its arguments and its pid. Checks each branch, and that
# every branch execs (the program keeps the entry script's pid, as PID 1
# must).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

entry=$WM_TOP/deploy/docker/entrypoint.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
cat > "$work/bin/wingmate" <<EOF
#!/bin/sh
echo "\$\$" > "$work/pid"
printf '%s\n' "wingmate" "\$@" > "$work/argv"
EOF
chmod +x "$work/bin/wingmate"

# run_entry ARGS...: runs the entry script in the background (so that its
# pid is known), waits up to 10 s; sets entry_pid, entry_status, entry_out.
run_entry() {
  rm -f "$work/pid" "$work/argv"
  # shellcheck disable=SC2016 # for the inner shell
  PATH=$work/bin:/usr/bin:/bin timeout -s KILL 10 /bin/sh -c 'echo $$ > "$0"; exec "$@"' \
    "$work/shell-pid" /bin/sh "$entry" "$@" > "$work/out" 2>&1 &
  local job=$!
  entry_status=0
  wait "$job" || entry_status=$?
  entry_pid=$(cat "$work/shell-pid")
  entry_out=$(cat "$work/out")
}

# expect_wingmate ARGS...: the last run exec'd the fake wingmate with ARGS.
expect_wingmate() {
  [ -f "$work/argv" ] || wm_fail "wingmate was not run (output: $entry_out)"
  local expected
  expected=$(printf '%s\n' wingmate "$@")
  if [ "$(cat "$work/argv")" != "$expected" ]; then
    got=$(tr '\n' ' ' < "$work/argv")
    wm_fail "wingmate got [$got], expected [$(tr '\n' ' ' <<< "$expected")]"
  fi
  [ "$(cat "$work/pid")" = "$entry_pid" ] ||
    wm_fail "wingmate runs as pid $(cat "$work/pid")," \
      "not in place of the entry script ($entry_pid)"
  [ "$entry_status" -eq 0 ] || wm_fail "exit status $entry_status"
}

wm_step "no arguments: exec wingmate"
run_entry
expect_wingmate

wm_step "options: exec wingmate with them"
run_entry --log-format json --log-level debug
expect_wingmate --log-format json --log-level debug

wm_step "-- CMD: exec wingmate with the main command"
run_entry -- /bin/sleep 1
expect_wingmate -- /bin/sleep 1

wm_step "a command: exec it instead of wingmate"
# shellcheck disable=SC2016 # $$ is for the inner shell
run_entry /bin/sh -c 'echo "pid $$ args $0 $1" && exit 3' 'two words' x
[ ! -f "$work/argv" ] || wm_fail "wingmate ran for a command"
[ "$entry_out" = "pid $entry_pid args two words x" ] ||
  wm_fail "the command did not run in place of the entry script: $entry_out"
[ "$entry_status" -eq 3 ] || wm_fail "the command's exit status 3 became $entry_status"

wm_step "a command that does not exist: the shell's 127"
run_entry no-such-command-here
[ "$entry_status" -eq 127 ] || wm_fail "status $entry_status, not 127 ($entry_out)"
[[ $entry_out == *no-such-command-here* ]] || wm_fail "no message names the command: $entry_out"

echo "passed: entry script"
