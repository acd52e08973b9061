#!/bin/bash
# Runs shellcheck on every shell script of the deploy work: scripts/, the entry
# script, the examples' scripts and these tests. Skipped when shellcheck is
# not installed (it is in deploy/build-packages.txt).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

command -v shellcheck >/dev/null || wm_skip "shellcheck is not installed"
scripts=()
while IFS= read -r file; do
  scripts+=("$file")
done < <(
  {
    find "$WM_TOP/scripts" "$WM_TOP/deploy" "$WM_TOP/.ci" -type f
    find "$here" -name '*.sh'
  } | while IFS= read -r file; do
    case $file in
      *.sh) echo "$file" ;;
      *) head -n 1 "$file" | grep -Eq '^#!(/usr)?/bin/(env )?(ba)?sh' && echo "$file" ;;
    esac
  done | sort -u
)
[ "${#scripts[@]}" -gt 5 ] || wm_fail "found only ${#scripts[@]} scripts; is WM_TOP right?"
wm_step "shellcheck on ${#scripts[@]} scripts"
shellcheck -x -P "$here" "${scripts[@]}"
echo "passed: shellcheck (${#scripts[@]} scripts)"
