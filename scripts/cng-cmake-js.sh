#!/usr/bin/env bash
# prebuildify always calls node-gyp; this stands in for it (prebuildify --node-gyp). It ignores
# node-gyp's arguments, builds the addon with cmake-js (cross-building with mingw-w64 off Windows)
# and leaves the result where prebuildify looks for it: build/Release/*.node in the package.
set -euo pipefail
package_dir="$(pwd)"
native_dir="$(cd "$package_dir/../../native" && pwd)"
out="$package_dir/build/cmake"
mkdir -p "$package_dir/build"
args=(rebuild --directory "$package_dir" --out "$out" --arch x64 --config Release)
case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*|Windows_NT) ;;
  *) args+=(--CDCMAKE_TOOLCHAIN_FILE="$native_dir/cmake/mingw-w64-x86_64.cmake") ;;
esac
[ "${CNG_BUILD_TEST_FIXTURES:-0}" = 1 ] && args+=(--CDCNG_BUILD_TEST_FIXTURES=ON)
"$package_dir/node_modules/.bin/cmake-js" "${args[@]}" >"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
mkdir -p "$package_dir/build/Release"
built="$(find "$out" -name cng.node -print -quit)"
cp "$built" "$package_dir/build/Release/cng.node"
fixture="$(find "$out" -name AttestationClientLib.dll -print -quit)"
[ -n "$fixture" ] && mkdir -p "$package_dir/build/test-fixtures" && cp "$fixture" "$package_dir/build/test-fixtures/"
exit 0
