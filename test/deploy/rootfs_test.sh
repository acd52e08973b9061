#!/bin/bash
# wingmate as PID 1 of a minimal Debian 12 root file system, without Docker:
#
#   rootfs_test.sh prepare         build or reuse the cached trees (rootfs.sh)
#   rootfs_test.sh demo            the bundle on base + runtime packages, on the demo
#   rootfs_test.sh self_contained  the bundle on base alone: lib/ is all it needs
#   rootfs_test.sh image           the image's layout (Dockerfile) and entry script
#   rootfs_test.sh probe           the Kubernetes config and liveness probe in it
#   rootfs_test.sh nginx           the nginx example: SIGQUIT stop, log rotation
#   rootfs_test.sh sshd            the sshd example through pidfile:
#   rootfs_test.sh sshd_wmpidproxy the sshd example the Go way, through wmpidproxy
#   rootfs_test.sh go_layout       the Go wingmate's layout, run unchanged
#
# Needs root. Everything it starts runs under a watchdog and is killed on
# exit; its mounts live in a mount namespace of its own.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=rootfs.sh
. "$here/rootfs.sh"

[ $# -eq 1 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
case_name=$1
wm_need_root
wm_rootfs_private "$@"
trap wm_rootfs_cleanup EXIT
# A timeout's SIGTERM (CTest's) runs the EXIT trap too.
trap 'exit 143' TERM INT

log=""
dump_log() {
  [ -z "$log" ] || [ ! -f "$log" ] || { echo "--- output of PID 1:" >&2; cat "$log" >&2; }
}

# Fails with PID 1's output unless LOG has a line matching the extended
# regular expression.
expect_line() {
  grep -Eq -- "$1" "$log" || { dump_log; wm_fail "no line matching '$1' in PID 1's output"; }
}

# Stops PID 1 with SIGTERM and expects exit code 0 within 10 s (the stop
# deadline of the default config is 5 + 2 s).
stop_expect_zero() {
  wm_step "SIGTERM to PID 1"
  local started=$SECONDS
  wm_rootfs_stop 10
  [ "$WM_EXIT" -eq 0 ] || { dump_log; wm_fail "PID 1 exited with $WM_EXIT after SIGTERM, not 0"; }
  wm_step "exited 0 after $((SECONDS - started)) s"
}

# The demo (deploy/examples/demo) in ROOT/etc/wingmate, run by the bundle.
run_demo() {
  local root=$1 port
  cp -a "$WM_TOP/deploy/examples/demo" "$root/etc/wingmate"
  port=$(wm_free_port)
  log=$WM_ROOTFS_WORK/pid1.log
  WM_ENV=("DEMO_PORT=$port")
  wm_step "wingmate from /opt/wingmate as PID 1 on the demo (web on 127.0.0.1:$port)"
  wm_rootfs_start "$root" "$log" /opt/wingmate/bin/wingmate
  [ "$(readlink "/proc/$WM_PID1/exe")" = "$root/opt/wingmate/bin/wingmate" ] ||
    [ "$(cat "/proc/$WM_PID1/comm")" = wingmate ] || wm_fail "PID 1 is not wingmate"
  wm_wait_until 20 "the demo web server answering on 127.0.0.1:$port" wm_http_get "$port" /
  wm_http_get "$port" / | grep -q 'wingmate demo' ||
    wm_fail "the demo web server's page does not say 'wingmate demo'"
  wm_wait_until 10 "the worker's first job" grep -q 'worker.*processed job 1' "$log"
  expect_line 'service\[flaky\]: started'
  stop_expect_zero
  expect_line 'worker.*stop requested'
}

case_prepare() {
  wm_rootfs_prepare
  local base runtime package
  base=$(wm_rootfs_base)
  runtime=$(wm_rootfs_runtime)
  wm_step "the base tree has every package of deploy/base-packages.txt"
  for package in $(wm_packages "$WM_TOP/deploy/base-packages.txt"); do
    chroot "$base" dpkg-query -W "$package" >/dev/null 2>&1 ||
      wm_fail "$package (deploy/base-packages.txt) is not in the minbase tree $base"
  done
  wm_step "the runtime tree has the runtime packages, the base tree none of them"
  for package in $(wm_packages "$WM_TOP/deploy/runtime-packages.txt"); do
    chroot "$runtime" dpkg-query -W "$package" >/dev/null 2>&1 ||
      wm_fail "$package is not installed in $runtime"
    # shellcheck disable=SC2016 # a dpkg-query format, not a variable
    if chroot "$base" dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q installed; then
      wm_fail "$package is installed in the base tree $base, which must lack it"
    fi
  done
  echo "trees: $base $runtime"
}

case_demo() {
  wm_rootfs_mount "$(wm_rootfs_runtime)"
  wm_rootfs_bundle "$WM_ROOT"
  run_demo "$WM_ROOT"
}

case_self_contained() {
  local root=$WM_ROOT lib
  wm_rootfs_mount "$(wm_rootfs_base)"
  root=$WM_ROOT
  wm_rootfs_bundle "$root"
  wm_step "none of the bundle's libraries is on the base system"
  for lib in "$root"/opt/wingmate/lib/*; do
    if chroot "$root" sh -c "ldconfig -p | grep -q '$(basename "$lib") '"; then
      wm_fail "the base tree has $(basename "$lib") itself, so it proves nothing"
    fi
  done
  wm_step "every library of the three programs resolves, the bundled ones to /opt/wingmate/lib"
  local program out
  for program in wingmate wmexec wmpidproxy; do
    out=$(wm_rootfs_run "$root" /usr/bin/ldd "/opt/wingmate/bin/$program" 2>&1) ||
      wm_fail "ldd $program in the base tree: $out"
    ! grep -q 'not found' <<< "$out" || wm_fail "$program lacks libraries in the base tree: $out"
    for lib in "$root"/opt/wingmate/lib/*; do
      if grep -q "$(basename "$lib") " <<< "$out"; then
        grep -Eq "$(basename "$lib") => /opt/wingmate/(bin/\.\./)?lib/" <<< "$out" ||
          wm_fail "$program finds $(basename "$lib") elsewhere: $out"
      fi
    done
    wm_rootfs_run "$root" "/opt/wingmate/bin/$program" --version >/dev/null ||
      wm_fail "$program --version does not run in the base tree"
  done
  run_demo "$root"
}

# The runtime stage of deploy/docker/Dockerfile, without Docker: the tree
# with the runtime packages, the installed programs in /usr/local/bin, the
# image's config in /etc/wingmate and the entry script. dockerfile_test.py
# checks that the Dockerfile puts them in these places.
image_layout() {
  wm_rootfs_mount "$(wm_rootfs_runtime)"
  cmake --install "$WM_BUILD_DIR" --prefix "$WM_ROOT/usr/local" >/dev/null
  rm -rf "$WM_ROOT/etc/wingmate"
  cp -a "$WM_TOP/deploy/docker/config" "$WM_ROOT/etc/wingmate"
  cp -p "$WM_TOP/deploy/docker/entrypoint.sh" "$WM_ROOT/usr/local/bin/wingmate-entrypoint"
}

# Runs COMMAND inside the namespaces and root of PID 1, as `docker exec` or
# a Kubernetes exec probe does.
exec_in_pid1() {
  timeout -s KILL 20 nsenter -t "$WM_PID1" -p -m -r -w \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

case_image() {
  image_layout
  log=$WM_ROOTFS_WORK/pid1.log
  wm_step "ENTRYPOINT with CMD [] as PID 1: the entry script execs wingmate"
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate-entrypoint
  wm_wait_until 10 "the example service's first line" \
    grep -q "hello.*example config is running" "$log"
  [ "$(cat "/proc/$WM_PID1/comm")" = wingmate ] ||
    wm_fail "PID 1 is $(cat "/proc/$WM_PID1/comm"), not wingmate"
  stop_expect_zero
  expect_line 'hello.*stopping'

  wm_step "docker run IMAGE -- CMD: wingmate as PID 1 exits with CMD's code"
  log=$WM_ROOTFS_WORK/main.log
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate-entrypoint \
    -- /bin/sh -c 'echo "main runs as pid $$"; exit 7'
  local deadline=$((SECONDS + 15))
  while kill -0 "$WM_JOB" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] ||
      { dump_log; wm_fail "wingmate did not end with its main command"; }
    sleep 0.05
  done
  WM_EXIT=0
  wait "$WM_JOB" || WM_EXIT=$?
  [ "$WM_EXIT" -eq 7 ] || { dump_log; wm_fail "exit code $WM_EXIT, not the main command's 7"; }
  expect_line 'main runs as pid [0-9]+'
}

# The k8s manifest's liveness probe command.
k8s_probe() {
  "$WM_PYTHON" - "$WM_TOP/deploy/k8s/deployment.yaml" <<'EOF'
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc.get("kind") == "Deployment":
        container = doc["spec"]["template"]["spec"]["containers"][0]
        print("\n".join(container["livenessProbe"]["exec"]["command"]))
EOF
}

case_probe() {
  image_layout
  local probe=() line
  while IFS= read -r line; do probe+=("$line"); done < <(k8s_probe)
  [ "${#probe[@]}" -gt 0 ] || wm_fail "no liveness probe in deploy/k8s/deployment.yaml"
  wm_step "the ConfigMap's wingmate.yaml as /etc/wingmate, as the pod mounts it"
  rm -rf "$WM_ROOT/etc/wingmate"
  mkdir -p "$WM_ROOT/etc/wingmate"
  "$WM_PYTHON" - "$WM_TOP/deploy/k8s/configmap.yaml" "$WM_ROOT/etc/wingmate" <<'EOF'
import os, sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    for key, value in (doc or {}).get("data", {}).items():
        open(os.path.join(sys.argv[2], key), "w").write(value)
EOF
  log=$WM_ROOTFS_WORK/pid1.log
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate-entrypoint
  wm_wait_until 10 "the greeter's first line" grep -q 'greeter.*hello from' "$log"
  sleep 1.5
  wm_step "the probe (${probe[*]}) passes while every service runs"
  local out status=0
  out=$(exec_in_pid1 "${probe[@]}" 2>&1) || status=$?
  [ "$status" -eq 0 ] || { dump_log; wm_fail "the probe exited $status: $out"; }
  stop_expect_zero

  wm_step "the probe fails while a service crash-loops (backoff)"
  printf '%s\n' 'service:' '  broken:' '    command: [/bin/false]' \
    > "$WM_ROOT/etc/wingmate/wingmate.yml"
  log=$WM_ROOTFS_WORK/pid1-broken.log
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate-entrypoint
  wm_wait_until 10 "the broken service's restarts" grep -q 'service\[broken\]' "$log"
  sleep 1
  status=0
  out=$(exec_in_pid1 "${probe[@]}" 2>&1) || status=$?
  [ "$status" -eq 1 ] || { dump_log; wm_fail "the probe exited $status, not 1: $out"; }
  [[ $out == *broken* ]] || wm_fail "the probe's message does not name the service: $out"
  stop_expect_zero
}

# The bundle in /opt/wingmate, reached through symbolic links in
# /usr/local/bin as an image would put it in PATH; the example in
# /etc/wingmate, wingmate's default.
bundle_with_example() {
  local example=$1
  wm_rootfs_mount "$(wm_rootfs_runtime)"
  wm_rootfs_bundle "$WM_ROOT"
  local program
  for program in wingmate wmexec wmpidproxy; do
    ln -s "/opt/wingmate/bin/$program" "$WM_ROOT/usr/local/bin/$program"
  done
  rm -rf "$WM_ROOT/etc/wingmate"
  cp -a "$WM_TOP/deploy/examples/$example" "$WM_ROOT/etc/wingmate"
  log=$WM_ROOTFS_WORK/pid1.log
}

case_nginx() {
  bundle_with_example nginx
  local port conf=$WM_ROOT/etc/wingmate/nginx/nginx.conf
  port=$(wm_free_port)
  # On the host's network (a PID namespace shares it): loopback, a free port.
  sed -i "s/^\( *\)listen 80;/\1listen 127.0.0.1:$port;/" "$conf"
  grep -q "listen 127.0.0.1:$port;" "$conf" || wm_fail "no 'listen 80;' line in $conf"
  wm_rootfs_run "$WM_ROOT" /usr/sbin/nginx -t -q -c /etc/wingmate/nginx/nginx.conf ||
    wm_fail "nginx -t rejects the example's nginx.conf"
  wm_step "nginx under wingmate on 127.0.0.1:$port"
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate
  wm_wait_until 20 "nginx answering on 127.0.0.1:$port" wm_http_get "$port" /
  wm_http_get "$port" /?before-rotation | grep -q 'nginx under wingmate' ||
    wm_fail "nginx does not serve the example's page"
  local logs=$WM_ROOT/var/log/nginx
  wm_wait_until 5 "the request in access.log" grep -q 'before-rotation' "$logs/access.log"

  wm_step "the rotation job's command, run as the cron job runs it"
  local out
  out=$(exec_in_pid1 /etc/wingmate/bin/rotate-nginx-logs 2>&1) || wm_fail "rotation failed: $out"
  [[ $out == *"rotated"* ]] || wm_fail "rotation said: $out"
  grep -q 'before-rotation' "$logs/access.log.1" || wm_fail "access.log.1 lacks the old request"
  wm_step "nginx reopened its logs (SIGUSR1): new requests go to a fresh access.log"
  local deadline=$((SECONDS + 10))
  until [ -f "$logs/access.log" ] && grep -q after-rotation "$logs/access.log"; do
    [ "$SECONDS" -lt "$deadline" ] || wm_fail "nginx did not reopen access.log within 10 s"
    wm_http_get "$port" /?after-rotation >/dev/null || true
    sleep 0.2
  done
  ! grep -q after-rotation "$logs/access.log.1" || wm_fail "access.log.1 got a new request"

  wm_step "SIGTERM: wingmate stops nginx with SIGQUIT (graceful)"
  stop_expect_zero
  expect_line 'nginx.*signal 3 \(SIGQUIT\)'
}

# The sshd example in a fresh root (no host keys yet), listening on
# 127.0.0.1 (the host's network: a PID namespace shares it) on a free port;
# sets port.
sshd_root() {
  bundle_with_example sshd
  port=$(wm_free_port)
  rm -f "$WM_ROOT"/etc/ssh/ssh_host_*
  printf 'Port %s\nListenAddress 127.0.0.1\n' "$port" \
    > "$WM_ROOT/etc/ssh/sshd_config.d/wingmate-test.conf"
}

# sshd answers, has made its host keys, was started once, is started again
# when the daemon dies, and SIGTERM ends everything with 0.
sshd_checks() {
  wm_wait_until 30 "sshd answering on 127.0.0.1:$port" wm_tcp_banner "$port"
  wm_tcp_banner "$port" | grep -q '^SSH-2.0-OpenSSH' || wm_fail "not an SSH server on $port"
  [ -s "$WM_ROOT/etc/ssh/ssh_host_ed25519_key" ] || wm_fail "no host keys were made"
  local daemon
  daemon=$(cat "$WM_ROOT/run/sshd.pid")
  sleep 2
  [ "$(grep -c 'service\[sshd\]: started' "$log")" -eq 1 ] ||
    { dump_log; wm_fail "wingmate started sshd more than once while the daemon ran"; }

  wm_step "the daemon dies: wingmate starts sshd again"
  exec_in_pid1 kill -KILL "$daemon"
  wm_wait_until 20 "a new sshd daemon" \
    sh -c "[ -s '$WM_ROOT/run/sshd.pid' ] && [ \"\$(cat '$WM_ROOT/run/sshd.pid')\" != '$daemon' ]"
  wm_wait_until 20 "sshd answering again" wm_tcp_banner "$port"
  stop_expect_zero
}

case_sshd() {
  local port
  sshd_root
  wm_step "sshd under wingmate through its pidfile, on 127.0.0.1:$port"
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate
  sshd_checks
}

# The same daemon as the Go wingmate ran it: wmpidproxy in front of it, so
# that the service is a foreground process. Works without pidfile: support.
case_sshd_wmpidproxy() {
  local port
  sshd_root
  printf '%s\n' 'service:' '  sshd:' \
    '    command: [wmpidproxy, --pid-file, /run/sshd.pid, --, /etc/wingmate/bin/start-sshd]' \
    > "$WM_ROOT/etc/wingmate/wingmate.yaml"
  wm_step "sshd under wingmate through wmpidproxy, on 127.0.0.1:$port"
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate
  sshd_checks
}

case_go_layout() {
  bundle_with_example go-layout
  wm_step "the Go wingmate's layout as /etc/wingmate, run unchanged"
  wm_rootfs_start "$WM_ROOT" "$log" /usr/local/bin/wingmate
  wm_wait_until 10 "the spooler's first job" grep -q 'spooler.sh.*queued job 1 as uid 1200' "$log"
  wm_wait_until 10 "the heartbeat" grep -q 'heartbeat.sh.*alive' "$log"
  wm_wait_until 10 "the clock service" grep -Eq 'clock.*[0-9]{2}:[0-9]{2}:[0-9]{2}' "$log"
  [ "$(stat -c %u "$WM_ROOT/var/spool/example/job-1")" = 1200 ] ||
    wm_fail "the spooler's job file is not owned by uid 1200"
  wm_step "the every-minute crontab job runs (within 65 s)"
  wm_wait_until 65 "crontab line 3 (sweep.sh)" grep -q 'swept [0-9]* job' "$log"
  stop_expect_zero
}

declare -F "case_$case_name" >/dev/null || wm_fail "unknown case $case_name"
"case_$case_name"
