#!/bin/bash
# The relocatable bundle (scripts/bundle.sh), made from this build's
# programs into WM_BUILD_DIR/deploy/, where the rootfs tests take it from.
# Checks its name and layout, the run path, that lib/ holds exactly the
# libraries of deploy/runtime-packages.txt (and that the programs find them
# there first), that the documented system requirements are the ones the
# programs really need, and that two runs give the same tarball.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

grep -q '^WINGMATE_BUNDLE_RPATH:BOOL=ON$' "$WM_BUILD_DIR/CMakeCache.txt" ||
  wm_skip "this build was configured without -DWINGMATE_BUNDLE_RPATH=ON (scripts/build.sh sets it)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$WM_BUILD_DIR/deploy
rm -f "$out"/wingmate-*-linux-*.tar.gz

wm_step "scripts/bundle.sh --no-build on $WM_BUILD_DIR"
tarball=$(BUILD_DIR=$WM_BUILD_DIR sh "$WM_TOP/scripts/bundle.sh" --no-build -o "$out")
version=$("$WM_WINGMATE" --version | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)
name=wingmate-$version-linux-$(dpkg --print-architecture)
[ "$tarball" = "$out/$name.tar.gz" ] ||
  wm_fail "the bundle is $tarball, expected $out/$name.tar.gz"

wm_step "layout: $name/ with README, bin/ (three programs) and lib/"
tar -C "$work" -xzf "$tarball"
[ "$(ls "$work")" = "$name" ] || wm_fail "the tarball holds $(ls "$work"), not one folder $name"
root=$work/$name
[ "$(ls "$root")" = "$(printf '%s\n' README bin lib)" ] || wm_fail "top level: $(ls "$root")"
[ "$(ls "$root/bin")" = "$(printf '%s\n' wingmate wmexec wmpidproxy)" ] ||
  wm_fail "bin/ holds $(ls "$root/bin")"
"$root/bin/wingmate" --version | grep -q "$version" || wm_fail "bin/wingmate --version"

wm_step "run path \$ORIGIN/../lib; every bundled library found in lib/"
expected_libs=""
for package in $(wm_packages "$WM_TOP/deploy/runtime-packages.txt"); do
  # The shared objects the package ships (its real files, by soname).
  for file in $(dpkg -L "$package" | grep -E '/lib[^/]*\.so[.0-9]*$'); do
    soname=$(readelf -d "$file" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    [ -z "$soname" ] || expected_libs="$expected_libs $soname"
  done
done
expected_libs=$(echo "$expected_libs" | tr ' ' '\n' | grep -v '^$' | sort -u)
bundled=$(cd "$root/lib" && printf '%s\n' *)
[ "$bundled" = "$expected_libs" ] ||
  wm_fail "lib/ holds [$(tr '\n' ' ' <<< "$bundled")], the runtime packages ship" \
    "[$(tr '\n' ' ' <<< "$expected_libs")]"
for program in "$root"/bin/*; do
  # shellcheck disable=SC2016 # literal $ORIGIN
  readelf -d "$program" | grep -q 'Library runpath: \[\$ORIGIN/../lib\]' ||
    wm_fail "$(basename "$program") has no run path \$ORIGIN/../lib"
  resolved=$(ldd "$program")
  for lib in $expected_libs; do
    if grep -q "^[[:space:]]*$lib " <<< "$resolved"; then
      grep -q "$lib => $root/bin/../lib/$lib" <<< "$resolved" ||
        wm_fail "$(basename "$program") loads $lib from elsewhere: $resolved"
    fi
  done
done

wm_step "requirements: the glibc and libstdc++ versions in README and docs are the real ones"
max_version() {
  objdump -T "$root"/bin/* "$root"/lib/* | grep -o "($1_[0-9.]*)" | tr -d '()' |
    sed "s/^$1_//" | sort -V | tail -n 1
}
glibc=$(max_version GLIBC)
glibcxx=$(max_version GLIBCXX)
grep -q "glibc $glibc or newer" "$root/README" || wm_fail "README does not say glibc $glibc"
grep -q "GLIBCXX_$glibcxx" "$root/README" || wm_fail "README does not say GLIBCXX_$glibcxx"
docs=$(cat "$WM_TOP/README.md")
grep -q "glibc $glibc" <<< "$docs" || wm_fail "README.md does not say glibc $glibc"
grep -q "GLIBCXX_$glibcxx" <<< "$docs" || wm_fail "README.md does not say GLIBCXX_$glibcxx"

wm_step "reproducible: a second run gives the same bytes"
first=$(sha256sum < "$tarball")
BUILD_DIR=$WM_BUILD_DIR sh "$WM_TOP/scripts/bundle.sh" --no-build -o "$work/again" >/dev/null 2>&1
[ "$(sha256sum < "$work/again/$name.tar.gz")" = "$first" ] || wm_fail "two runs differ"

echo "passed: bundle $tarball (glibc >= $glibc, GLIBCXX_$glibcxx)"
