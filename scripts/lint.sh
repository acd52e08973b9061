#!/bin/sh
# Static analysis of wingmate's own code (actors/, main/, messages/,
# wmtools/; not the tests, not third-party headers): clang-tidy with
# .clang-tidy and cppcheck with .cppcheck-suppressions, over the sources
# that BUILD_DIR/compile_commands.json lists (default build/; configured
# here when missing, nothing is built). Exits non-zero on any finding.
#
#   scripts/lint.sh [tidy|cppcheck]     # default: both
#   LINT_JOBS=N                          # parallel jobs (default: cores)
#   LINT_SINCE=REV                       # clang-tidy only on the sources
#       changed since REV (all of them when a header changed); clang-tidy
#       over everything takes about 15 minutes on two cores
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$top/build}
jobs=${LINT_JOBS:-$(nproc)}
what=${1:-all}
own='/(actors|main|messages|wmtools)/'

sh "$top/scripts/install-deps.sh" "$top/deploy/build-packages.txt" \
  "$top/deploy/lint-packages.txt"
[ -f "$build_dir/compile_commands.json" ] ||
  cmake -S "$top" -B "$build_dir" -DWINGMATE_WERROR=ON >/dev/null

status=0

# What clang-tidy checks: every source of ours, or with LINT_SINCE the
# sources changed since then (as many regular expressions, one per file).
tidy_files="$top$own"
if [ -n "${LINT_SINCE:-}" ]; then
  changed=$(git -C "$top" diff --name-only "$LINT_SINCE" -- actors main messages wmtools)
  if ! printf '%s\n' "$changed" | grep -q '\.hpp$'; then
    tidy_files=$(printf '%s\n' "$changed" | grep '\.cpp$' | sed "s|^|$top/|") || true
    [ -n "$tidy_files" ] || tidy_files=none
  fi
fi

if [ "$tidy_files" = none ] && { [ "$what" = all ] || [ "$what" = tidy ]; }; then
  echo "lint: clang-tidy: no source changed since $LINT_SINCE"
elif [ "$what" = all ] || [ "$what" = tidy ]; then
  start=$(date +%s)
  # run-clang-tidy prints each file's findings in one piece and fails when
  # any file has one (.clang-tidy makes every warning an error).
  # shellcheck disable=SC2086
  if run-clang-tidy-14 -quiet -j "$jobs" -p "$build_dir" $tidy_files \
    >"$build_dir/clang-tidy.log" 2>&1; then
    echo "lint: clang-tidy: no findings ($(($(date +%s) - start)) s)"
  else
    # Without the colours run-clang-tidy asks for, one line per finding.
    sed 's/\x1b\[[0-9;]*m//g' "$build_dir/clang-tidy.log" | grep -E '(warning|error):' |
      sort -u || true
    echo "lint: clang-tidy: findings above (full log: $build_dir/clang-tidy.log)" >&2
    status=1
  fi
fi

if [ "$what" = all ] || [ "$what" = cppcheck ]; then
  start=$(date +%s)
  if cppcheck --project="$build_dir/compile_commands.json" --std=c++20 --library=posix \
    --file-filter="$top/actors/*" --file-filter="$top/main/*" \
    --file-filter="$top/messages/*" --file-filter="$top/wmtools/*" \
    --enable=warning,style,performance,portability --inline-suppr \
    --suppressions-list="$top/.cppcheck-suppressions" --error-exitcode=1 -j "$jobs" \
    --quiet --template='{file}:{line}: {severity} ({id}): {message}' \
    >"$build_dir/cppcheck.log" 2>&1; then
    echo "lint: cppcheck: no findings ($(($(date +%s) - start)) s)"
  else
    sort -u "$build_dir/cppcheck.log"
    echo "lint: cppcheck: findings above" >&2
    status=1
  fi
fi

exit "$status"
