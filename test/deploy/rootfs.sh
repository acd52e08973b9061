# shellcheck shell=bash
# Minimal Debian 12 root file systems for the deploy tests (bash; sourced
# after lib.sh). No Docker: debootstrap builds them, chroot and a new PID
# namespace run wingmate inside them as PID 1.
#
# Two trees, each built once and cached (WINGMATE_ROOTFS_CACHE, default
# /var/cache/wingmate-rootfs), named after a hash of what went into them so
# that a change of package list builds new ones:
#   base-KEY     `debootstrap --variant=minbase bookworm` plus the programs
#                the examples run (WM_EXAMPLE_PACKAGES), but none of
#                wingmate's runtime packages;
#   runtime-KEY  base plus exactly the packages of deploy/runtime-packages.txt.
# Tests never change a cached tree: each run mounts an overlay over one
# (a copy where overlayfs is unavailable) and throws it away afterwards.
# All mounts are made in the test's own mount namespace (wm_rootfs_private),
# so the kernel removes them when the test ends, however it ends.

WM_SUITE=bookworm
WM_MIRROR=${WINGMATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
WM_ROOTFS_CACHE=${WINGMATE_ROOTFS_CACHE:-/var/cache/wingmate-rootfs}
# What the examples run; none of them brings a library of wingmate's
# runtime packages (the self-containment test checks that).
WM_EXAMPLE_PACKAGES="python3 nginx openssh-server"
# Bump when the way a tree is made changes.
WM_ROOTFS_RECIPE=1

wm_rootfs_key() {
  printf '%s\n' "$@" | sha256sum | cut -c1-16
}

wm_rootfs_base_key() {
  wm_rootfs_key "$WM_ROOTFS_RECIPE" "$WM_SUITE" "$(dpkg --print-architecture)" \
    "$WM_EXAMPLE_PACKAGES"
}

wm_rootfs_runtime_key() {
  wm_rootfs_key "$(wm_rootfs_base_key)" "$(wm_packages "$WM_TOP/deploy/runtime-packages.txt")"
}

wm_rootfs_base() {
  echo "$WM_ROOTFS_CACHE/base-$(wm_rootfs_base_key)"
}

wm_rootfs_runtime() {
  echo "$WM_ROOTFS_CACHE/runtime-$(wm_rootfs_runtime_key)"
}

# Re-runs the calling test script in a mount namespace of its own, once.
wm_rootfs_private() {
  if [ -z "${WM_ROOTFS_PRIVATE:-}" ]; then
    WM_ROOTFS_PRIVATE=1 exec unshare --mount --propagation private bash "$0" "$@"
  fi
}

wm_rootfs_make_base() {
  local dir=$1 tmp=$1.tmp
  command -v debootstrap >/dev/null ||
    wm_fail "debootstrap is not installed (it is in deploy/build-packages.txt:" \
      "run scripts/build.sh)"
  rm -rf "$tmp"
  wm_step "debootstrap --variant=minbase $WM_SUITE with $WM_EXAMPLE_PACKAGES into $dir"
  if ! debootstrap --variant=minbase --include="${WM_EXAMPLE_PACKAGES// /,}" \
      "$WM_SUITE" "$tmp" "$WM_MIRROR" > "$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    rm -rf "$tmp"
    wm_fail "debootstrap failed (whole log: $dir.log); it needs $WM_MIRROR"
  fi
  rm -f "$tmp"/var/cache/apt/archives/*.deb
  mv "$tmp" "$dir"
}

wm_rootfs_make_runtime() {
  local base=$1 dir=$2 tmp=$2.tmp
  rm -rf "$tmp"
  wm_step "installing deploy/runtime-packages.txt into a copy of the base tree"
  cp -a "$base" "$tmp"
  mkdir -p "$tmp/tmp/runtime-debs"
  local packages
  packages=$(wm_packages "$WM_TOP/deploy/runtime-packages.txt")
  # Fetched with the host's apt (the same archive), installed with the
  # tree's dpkg: exactly these packages, and dpkg refuses them if one
  # needed anything that the base system lacks.
  # shellcheck disable=SC2086 # one word per package
  if ! (cd "$tmp/tmp/runtime-debs" && apt-get download -q $packages) > "$dir.log" 2>&1 &&
     ! { apt-get update -q && (cd "$tmp/tmp/runtime-debs" && apt-get download -q $packages); } \
       >> "$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    rm -rf "$tmp"
    wm_fail "apt-get download of the runtime packages failed (log: $dir.log)"
  fi
  if ! chroot "$tmp" sh -c 'dpkg -i /tmp/runtime-debs/*.deb' >> "$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    rm -rf "$tmp"
    wm_fail "dpkg could not install the runtime packages into the base tree (log: $dir.log)"
  fi
  rm -rf "$tmp/tmp/runtime-debs"
  mv "$tmp" "$dir"
}

# Builds whichever cached tree is missing; the lock keeps two test runs (or
# two checkouts) from building the same tree at once.
wm_rootfs_prepare() {
  mkdir -p "$WM_ROOTFS_CACHE"
  local base runtime
  base=$(wm_rootfs_base)
  runtime=$(wm_rootfs_runtime)
  exec 9> "$WM_ROOTFS_CACHE/lock"
  flock -w 1200 9 || wm_fail "another run holds $WM_ROOTFS_CACHE/lock for 20 minutes"
  [ -d "$base" ] || wm_rootfs_make_base "$base"
  [ -d "$runtime" ] || wm_rootfs_make_runtime "$base" "$runtime"
  touch "$base" "$runtime"
  # Trees of other package lists that nobody used for two weeks.
  find "$WM_ROOTFS_CACHE" -mindepth 1 -maxdepth 1 -type d -mtime +14 \
    \( -name 'base-*' -o -name 'runtime-*' \) -exec rm -rf {} +
  exec 9>&-
}

# wm_rootfs_mount TREE: a writable root over the cached TREE, in WM_ROOT.
# wm_rootfs_cleanup (an EXIT trap of the caller) removes it. Not in a
# subshell: it sets variables.
WM_ROOTFS_WORK=""
WM_ROOT=""
wm_rootfs_mount() {
  local tree=$1
  [ -d "$tree" ] || wm_fail "no cached tree $tree; run the test deploy.rootfs.prepare first"
  WM_ROOTFS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/wingmate-rootfs.XXXXXX")
  WM_ROOT=$WM_ROOTFS_WORK/root
  mkdir -p "$WM_ROOT" "$WM_ROOTFS_WORK/upper" "$WM_ROOTFS_WORK/work"
  if ! mount -t overlay overlay \
      -o "lowerdir=$tree,upperdir=$WM_ROOTFS_WORK/upper,workdir=$WM_ROOTFS_WORK/work" \
      "$WM_ROOT" 2>/dev/null; then
    cp -a "$tree/." "$WM_ROOT/"
  fi
}

wm_rootfs_cleanup() {
  wm_rootfs_stop_all
  if [ -n "$WM_ROOTFS_WORK" ]; then
    umount -R "$WM_ROOTFS_WORK/root" 2>/dev/null || true
    rm -rf "$WM_ROOTFS_WORK"
  fi
}

# wm_rootfs_bundle ROOT [DIR]: unpacks the bundle the test deploy.bundle made
# into ROOT/DIR (default /opt/wingmate).
wm_rootfs_bundle() {
  local root=$1 dir=${2:-/opt/wingmate}
  local tarballs=("$WM_BUILD_DIR"/deploy/wingmate-*-linux-*.tar.gz)
  local tarball=${tarballs[0]}
  [ -f "$tarball" ] ||
    wm_fail "no bundle in $WM_BUILD_DIR/deploy; run the test deploy.bundle first"
  mkdir -p "$root$dir"
  tar -C "$root$dir" --strip-components=1 -xzf "$tarball"
}

# wm_rootfs_run ROOT COMMAND...: runs COMMAND chrooted into ROOT with /proc
# mounted (the dynamic loader needs /proc/self/exe to expand $ORIGIN, and a
# container always has /proc), in the foreground, for at most 30 s.
wm_rootfs_run() {
  local root=$1
  shift
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    timeout -s KILL 30 unshare --kill-child --pid --fork --mount-proc --root="$root" "$@"
}

# wm_rootfs_start ROOT LOG COMMAND...: runs COMMAND chrooted into ROOT as
# PID 1 of a new PID namespace, with a clean environment and its output in
# LOG; the array WM_ENV adds VAR=VALUE words to the environment. Sets WM_PID1
# (its pid as seen from here; empty when it ended before it was seen) and
# WM_JOB (the background job to wait for). A
# watchdog kills the namespace after 150 s whatever happens to this script.
WM_ENV=()
WM_KILL=()
wm_rootfs_start() {
  local root=$1 log=$2
  shift 2
  # exec: the job's pid is timeout's itself (a shell with traps set would
  # otherwise stay in between).
  (exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 "${WM_ENV[@]}" \
    timeout -s KILL 150 unshare --kill-child --pid --fork --mount-proc --root="$root" \
    "$@") > "$log" 2>&1 < /dev/null &
  WM_JOB=$!
  WM_KILL+=("$WM_JOB:$BASHPID")
  # timeout -> unshare -> PID 1 of the namespace, each recorded for
  # wm_rootfs_stop_all as soon as it is seen.
  local deadline=$((SECONDS + 10)) unshare_pid=""
  WM_PID1=""
  while [ -z "$WM_PID1" ]; do
    # A command that ended at once (a main command's quick exit) has no pid.
    kill -0 "$WM_JOB" 2>/dev/null || return 0
    [ "$SECONDS" -lt "$deadline" ] || { cat "$log" >&2; wm_fail "PID 1 did not start"; }
    if [ -z "$unshare_pid" ]; then
      unshare_pid=$(wm_children_of "$WM_JOB" | head -n 1)
      [ -z "$unshare_pid" ] || WM_KILL+=("$unshare_pid:$WM_JOB")
    fi
    [ -z "$unshare_pid" ] || WM_PID1=$(wm_children_of "$unshare_pid" | head -n 1)
    [ -n "$WM_PID1" ] || sleep 0.05
  done
  WM_KILL+=("$WM_PID1:$unshare_pid")
}

# wm_rootfs_stop SECONDS: SIGTERM to PID 1, then waits for the run to end;
# sets WM_EXIT to its exit code.
# shellcheck disable=SC2034 # WM_EXIT is for the tests that source this
wm_rootfs_stop() {
  local seconds=$1
  kill -TERM "$WM_PID1" 2>/dev/null || true
  local deadline=$((SECONDS + seconds))
  while kill -0 "$WM_JOB" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || wm_fail "PID 1 did not exit within ${seconds} s of SIGTERM"
    sleep 0.05
  done
  WM_EXIT=0
  wait "$WM_JOB" || WM_EXIT=$?
}

# Ends, by pid, every PID 1, unshare and watchdog this script started that
# is still there, innermost first: SIGKILL to a namespace's PID 1 ends
# everything inside it. A pid is signalled only while its parent is still
# the one recorded, so a pid the system reused for another process is
# spared. A watchdog (timeout) gets SIGTERM, which it passes on to unshare,
# whose death kills PID 1 (--kill-child): that covers a namespace whose
# pids were not seen yet.
wm_rootfs_stop_all() {
  local i pid parent line ppid
  for ((i = ${#WM_KILL[@]} - 1; i >= 0; i--)); do
    pid=${WM_KILL[i]%:*}
    parent=${WM_KILL[i]#*:}
    line=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r _ ppid _ <<< "${line##*) }"
    [ "$ppid" = "$parent" ] || continue
    if [ "$parent" = "$BASHPID" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      local tries=0
      while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 30 ] &&
            ! grep -q '^State:.*zombie' "/proc/$pid/status" 2>/dev/null; do
        sleep 0.1
        tries=$((tries + 1))
      done
    fi
    kill -KILL "$pid" 2>/dev/null || true
  done
  WM_KILL=()
}
