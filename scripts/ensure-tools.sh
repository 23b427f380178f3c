#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with Node 20: pnpm (pinned, from the npm
# registry: corepack's own download does not work offline-ish CI), openssl (the tests check CSRs and
# make PFX files with it), then the workspace's dependencies from the lockfile. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9

need_apt=()
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt-get"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION with npm"
  npm install -g "pnpm@$PNPM_VERSION" --loglevel=error >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
