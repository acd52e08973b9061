#!/bin/sh
# Makes the relocatable bundle: wingmate-<version>-linux-<arch>.tar.gz holding
# one folder with bin/ (wingmate, wmexec, wmpidproxy) and lib/ (the shared
# libraries of deploy/runtime-packages.txt, which a base Debian 12 system
# lacks). The programs find lib/ through their run path, $ORIGIN/../lib, so
# the unpacked folder works wherever it is copied. Prints the tarball's path.
#
#   scripts/bundle.sh [-o OUT_DIR] [--no-build]
#
# OUT_DIR defaults to dist/ at the top of the checkout. The programs are
# built in BUILD_DIR (default: build-bundle/), configured with
# -DWINGMATE_BUNDLE_RPATH=ON; --no-build takes them from BUILD_DIR as they
# are (the tests use that on their own build).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$top/build-bundle}
out_dir=$top/dist
build=1
runtime_list=$top/deploy/runtime-packages.txt
base_list=$top/deploy/base-packages.txt

die() {
  echo "bundle: $*" >&2
  exit 1
}

usage() {
  echo "usage: scripts/bundle.sh [-o OUT_DIR] [--no-build]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case $1 in
    -o) [ $# -ge 2 ] || usage; out_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
done

# Package names from a list file: comments and blank lines dropped.
packages() {
  sed -e 's/#.*//' "$1" | tr -s ' \t' '\n' | grep -v '^$' || true
}

# The package owning a library path, as dpkg knows it. ldd prints /lib/...
# paths while a package may have recorded /usr/lib/... (or the other way):
# Debian 12 has a merged /usr, so try both spellings.
owner_of() {
  for candidate in "$1" "/usr$1" "${1#/usr}"; do
    owner=$(dpkg-query -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    if [ -n "$owner" ]; then
      echo "$owner"
      return 0
    fi
  done
  return 1
}

# The highest version of a symbol version family (GLIBC, GLIBCXX) that any
# of the given ELF files needs.
max_symbol_version() {
  family=$1
  shift
  objdump -T "$@" 2>/dev/null | grep -o "(${family}_[0-9.]*)" | tr -d '()' |
    sed "s/^${family}_//" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}

if [ "$build" -eq 1 ]; then
  sh "$top/scripts/install-deps.sh"
  if [ -f "$build_dir/CMakeCache.txt" ]; then
    cmake -S "$top" -B "$build_dir" -DWINGMATE_BUNDLE_RPATH=ON >/dev/null
  else
    cmake -S "$top" -B "$build_dir" -DWINGMATE_BUNDLE_RPATH=ON -DWINGMATE_TESTS=OFF \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$build_dir" -j "$(nproc)" --target wingmate wmexec wmpidproxy
fi

cache=$build_dir/CMakeCache.txt
[ -f "$cache" ] ||
  die "$build_dir is not a configured build (no CMakeCache.txt); run without --no-build"
grep -q '^WINGMATE_BUNDLE_RPATH:BOOL=ON$' "$cache" ||
  die "$build_dir was configured without -DWINGMATE_BUNDLE_RPATH=ON, so its installed" \
    "programs would not find lib/; reconfigure it with that option"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$cache")
[ -n "$version" ] || die "no project version in $cache"
arch=$(dpkg --print-architecture)
name=wingmate-$version-linux-$arch

stage=$(mktemp -d "${TMPDIR:-/tmp}/wingmate-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/$name
cmake --install "$build_dir" --prefix "$root" >/dev/null
mkdir -p "$root/lib"

for program in wingmate wmexec wmpidproxy; do
  [ -x "$root/bin/$program" ] || die "cmake --install put no bin/$program into the bundle"
  # shellcheck disable=SC2016 # $ORIGIN is literal: the dynamic loader expands it.
  readelf -d "$root/bin/$program" | grep -q 'Library runpath: \[\$ORIGIN/../lib\]' ||
    die "bin/$program has no run path \$ORIGIN/../lib; was $build_dir configured with" \
      "-DWINGMATE_BUNDLE_RPATH=ON?"
done
installed=$(find "$root" -type f | sed "s|^$root/||" | sort | tr '\n' ' ')
[ "$installed" = "bin/wingmate bin/wmexec bin/wmpidproxy " ] ||
  die "cmake --install gave more or less than the three programs: $installed"

runtime=$(packages "$runtime_list")
base=$(packages "$base_list")
used=""
for program in "$root"/bin/*; do
  # "libfmt.so.9 => /lib/x86_64-linux-gnu/libfmt.so.9 (0x...)"; the loader
  # itself and the vDSO have no "=>" and belong to the base system.
  ldd "$program" | awk '$2 == "=>" { print $1, $3 }' > "$stage/libs"
  while read -r soname path; do
    name_of_program=$(basename "$program")
    [ "$path" != "not" ] || die "$name_of_program needs $soname, which this system cannot find"
    package=$(owner_of "$path") ||
      die "no Debian package owns $path, which $name_of_program needs"
    if echo "$base" | grep -qx "$package"; then
      continue
    fi
    echo "$runtime" | grep -qx "$package" ||
      die "$name_of_program needs $soname from $package, which is neither in $runtime_list" \
        "nor in $base_list; add it to $runtime_list"
    # A run path (DT_RUNPATH) serves only the program's own needs, not those
    # of the libraries it loads; a bundled library the program needs only
    # through another one would be looked up on the system instead.
    readelf -d "$program" | grep -q "Shared library: \[$soname\]" ||
      die "$name_of_program needs $soname only through another library, so lib/ would not" \
        "be searched for it; link it directly"
    cp -L "$path" "$root/lib/$soname"
    used="$used $package"
  done < "$stage/libs"
done
rm -f "$stage/libs"

for package in $runtime; do
  echo "$used" | tr ' ' '\n' | grep -qx "$package" ||
    die "$runtime_list lists $package, but none of the programs links a library of it; remove it"
done

glibc=$(max_symbol_version GLIBC "$root"/bin/* "$root"/lib/*)
glibcxx=$(max_symbol_version GLIBCXX "$root"/bin/* "$root"/lib/*)
case $glibcxx in
  3.4.29) gcc=" (GCC 11)" ;;
  3.4.30) gcc=" (GCC 12)" ;;
  3.4.31) gcc=" (GCC 13)" ;;
  *) gcc="" ;;
esac
# Debian 12 has glibc 2.36 and GCC 12's libstdc++; Ubuntu 22.04 has 2.35 and
# also GCC 12's.
systems="as Debian 12, Ubuntu 22.04 and later releases of both do."
if [ "$(printf '%s\n' "$glibc" 2.35 | sort -V | tail -n 1)" != 2.35 ] ||
   [ "$(printf '%s\n' "$glibcxx" 3.4.30 | sort -V | tail -n 1)" != 3.4.30 ]; then
  systems="as Debian 12 and later do."
fi
libs=$(cd "$root/lib" && printf '%s ' * | sed 's/ $//')
cat > "$root/README" <<EOF
wingmate $version for Linux ($arch): an init and process supervisor for containers.

bin/   wingmate, wmexec, wmpidproxy
lib/   the shared libraries they need beyond a base Debian 12 system:
       $libs

Copy this folder anywhere (say /opt/wingmate) and run bin/wingmate; the
programs find lib/ by themselves (run path \$ORIGIN/../lib), so nothing
needs installing, and symbolic links to them (in /usr/local/bin, say) work
too. The system must provide the C and C++ runtime: glibc $glibc or newer
and libstdc++ with GLIBCXX_$glibcxx$gcc or newer,
$systems
EOF

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
tarball=$out_dir/$name.tar.gz
# Reproducible: fixed owner and order, the commit's time as every mtime.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -cf - "$name" | gzip -n -9 > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "bundle: $name: lib/ holds $libs; needs glibc >= $glibc, GLIBCXX_$glibcxx" >&2
echo "$tarball"
