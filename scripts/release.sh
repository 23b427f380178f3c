#!/usr/bin/env bash
# Publishes the packages whose version is not on the registry yet (after `pnpm version-packages`
# and a commit). Everything is rebuilt first and the tarballs are checked the way users get them:
# the win32-x64 prebuild of @msal-mtls/cng must be in its tarball, so the Windows build cannot be
# skipped here. `pnpm publish` (through `changeset publish`) rewrites workspace: and catalog:
# ranges exactly as `pnpm pack` does in tests/pack. Needs `npm login` (or NPM_TOKEN) beforehand.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${MSAL_MTLS_SKIP_WINE:-0}" = 1 ]; then
  echo "release: MSAL_MTLS_SKIP_WINE=1 would publish @msal-mtls/cng without its prebuild; refusing." >&2
  exit 1
fi
bash scripts/ensure-tools.sh
node scripts/version-packages.mjs --check
pnpm run build
bash scripts/ensure-wine.sh
bash scripts/build-cng.sh
pnpm run docs:api
node --test tests/pack/
pnpm exec changeset publish
