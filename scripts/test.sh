#!/usr/bin/env bash
# Runs every test: typecheck and build all packages, cross-build the Windows addon
# (@msal-mtls/cng) and run it under Wine, the API reference (TypeDoc, warnings are errors), the
# published tarballs installed into a fresh project (tests/pack), then jest over all of them.
# MSAL_MTLS_SKIP_WINE=1 skips the Windows part (no Wine, no mingw-w64 on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
pnpm run build
if [ "${MSAL_MTLS_SKIP_WINE:-0}" != 1 ]; then
  bash scripts/ensure-wine.sh
  CNG_BUILD_TEST_FIXTURES=1 bash scripts/build-cng.sh
fi
status=0
pnpm run docs:api || status=$?
node --test tests/pack/ || status=$?
report="$(mktemp)"
pnpm exec jest --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
rm -f "$report"
exit $status
