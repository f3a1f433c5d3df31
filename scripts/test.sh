#!/usr/bin/env bash
# The project's whole test run, as CI runs it (`.ci/run` calls this): install, typecheck, lint,
# rebuild dist/ and fail if it differs from the committed bundle, start the Docker test bed, then
# the unit and end-to-end tests. Here the end-to-end tests are mandatory: a missing test bed fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CI:-}" = "true" ] || [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm run typecheck
npm run lint
npm run build
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ differs from a fresh build of src/: run 'npm run build' and commit dist/" >&2
  git status --short -- dist >&2
  exit 1
fi

bash scripts/testbed.sh up
eval "$(bash scripts/testbed.sh env)"
ML_CONTAINER_REQUIRE_E2E=1 npx vitest run

# The benchmark runs once in a quick mode (every figure, on the small example) so it cannot rot;
# the full run is by hand: npm run bench (bench/README.md).
node bench/run.mjs --quick
