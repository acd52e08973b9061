#!/bin/sh
# Installs the Debian packages listed in the given files (default: the build
# list) with apt-get, skipping the whole step when every one is present.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$here/deploy/build-packages.txt"

wanted=$(sed -e 's/#.*//' "$@" | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=""
for package in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $package"
  fi
done
[ -n "$missing" ] || exit 0

echo "install-deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first: it is faster and works
# offline when the lists are current; refresh only if that fails.
# shellcheck disable=SC2086
$sudo apt-get install -y --no-install-recommends $missing ||
  { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends $missing; }
