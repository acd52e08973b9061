# shellcheck shell=bash
# Shared by the deploy tests (bash; sourced, not run). Every test prints what
# it checks, fails with "FAIL: reason" (exit 1) and skips with "SKIP:
# reason" (exit 77, which CTest reports as skipped).
#
# The tests get WM_TOP (the checkout) and WM_BUILD_DIR (the build) from
# CTest; run by hand they fall back to the checkout around this file and
# its build/.

WM_TOP=${WM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
WM_BUILD_DIR=${WM_BUILD_DIR:-$WM_TOP/build}
WM_WINGMATE=$WM_BUILD_DIR/main/wingmate
# Debian's Python, which has python3-yaml (deploy/build-packages.txt), not
# whatever python3 comes first in PATH.
WM_PYTHON=${WM_PYTHON:-/usr/bin/python3}
export WM_TOP WM_BUILD_DIR WM_WINGMATE WM_PYTHON

wm_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

wm_skip() {
  echo "SKIP: $*" >&2
  exit 77
}

wm_step() {
  echo "--- $*" >&2
}

wm_need_root() {
  [ "$(id -u)" -eq 0 ] || wm_skip "needs root (chroot, mounts, PID namespaces)"
}

# Package names from one of deploy/'s list files.
wm_packages() {
  sed -e 's/#.*//' "$1" | tr -s ' \t' '\n' | grep -v '^$' || true
}

# wm_wait_until SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; fails the test naming WHAT when SECONDS pass first.
wm_wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || wm_fail "$what: not within ${seconds} s"
    sleep 0.1
  done
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
wm_free_port() {
  "$WM_PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wm_http_get PORT PATH: prints the body of http://127.0.0.1:PORT/PATH;
# fails (non-zero) on a connection error or a status other than 200.
wm_http_get() {
  "$WM_PYTHON" - "$1" "$2" <<'EOF'
import sys, urllib.request
url = "http://127.0.0.1:%s/%s" % (sys.argv[1], sys.argv[2].lstrip("/"))
with urllib.request.urlopen(url, timeout=2) as answer:
    sys.stdout.write(answer.read().decode("utf-8", "replace"))
EOF
}

# wm_tcp_banner PORT: prints the first line a server on 127.0.0.1:PORT sends.
wm_tcp_banner() {
  "$WM_PYTHON" - "$1" <<'EOF'
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
    print(s.makefile("rb").readline().decode("ascii", "replace").strip())
EOF
}

# The pids whose parent is $1.
wm_children_of() {
  local parent=$1 stat line ppid
  for stat in /proc/[0-9]*/stat; do
    line=$(cat "$stat" 2>/dev/null) || continue
    # The name (field 2) may hold spaces: read on after its parenthesis.
    read -r _ ppid _ <<< "${line##*) }"
    [ "$ppid" != "$parent" ] || basename "$(dirname "$stat")"
  done
}

