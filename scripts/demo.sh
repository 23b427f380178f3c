#!/usr/bin/env bash
# The demo: starts the bundled emulator in-process and runs the whole flow against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
pnpm run build >/dev/null
pnpm --silent msal-mtls demo "$@"
