#!/usr/bin/env bash
# Installs the web app's npm packages (when the lockfile changed) and builds it into web/dist.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
