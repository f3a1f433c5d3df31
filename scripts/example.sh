#!/usr/bin/env bash
# The main job on the bundled example, on this machine: start the test bed (Docker, registry,
# index, base image), then build and smoke-test examples/sklearn-iris with the CLI. Extra
# arguments go to `ml-container run`, e.g. `--push true`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
[ -f dist/cli/index.js ] || npm run build
bash scripts/testbed.sh up
eval "$(bash scripts/testbed.sh env)"
mkdir -p .ml-container
node dist/cli/index.js run examples/sklearn-iris \
  --image "$ML_CONTAINER_TEST_REGISTRY/examples/sklearn-iris" \
  --base-image "$ML_CONTAINER_TEST_BASE_IMAGE" \
  --index-url "$ML_CONTAINER_TEST_INDEX_URL" \
  --network "$ML_CONTAINER_TEST_NETWORK" \
  --sbom-generator "$ML_CONTAINER_TEST_SBOM_GENERATOR" \
  --smoke-command "python predict.py 5.1 3.5 1.4 0.2" \
  --out .ml-container/sklearn-iris \
  --summary .ml-container/sklearn-iris/summary.md \
  "$@"
echo "summary: .ml-container/sklearn-iris/summary.md" >&2
