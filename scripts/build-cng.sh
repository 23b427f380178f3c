#!/usr/bin/env bash
# Builds @msal-mtls/cng's addon in one step: cmake-js (mingw-w64 cross build on Linux, MSVC on
# Windows), packaged by prebuildify as packages/cng/prebuilds/win32-x64/*.node (N-API: one binary
# for every Node version). With CNG_BUILD_TEST_FIXTURES=1 it also builds the stand-in
# AttestationClientLib.dll the tests use (into packages/cng/build/test-fixtures, never shipped).
set -euo pipefail
cd "$(dirname "$0")/../packages/cng"
start=$(date +%s)
rm -rf prebuilds/win32-x64
case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*)
    # On Windows (Git Bash) prebuildify cannot spawn a shell script as its node-gyp; build with
    # cmake-js (MSVC) and put the file where prebuildify would (the same name and folder).
    bash ../../scripts/cng-cmake-js.sh
    mkdir -p prebuilds/win32-x64 && cp build/Release/cng.node "prebuilds/win32-x64/@msal-mtls+cng.node" ;;
  *)
    ./node_modules/.bin/prebuildify --napi --strip=false --platform win32 --arch x64 \
      --node-gyp "$(pwd)/../../scripts/cng-cmake-js.sh" >/dev/null ;;
esac
ls prebuilds/win32-x64/*.node >/dev/null
echo "cng: built $(ls prebuilds/win32-x64/) in $(( $(date +%s) - start )) s"
