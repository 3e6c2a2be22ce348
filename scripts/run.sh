#!/usr/bin/env bash
# Installs what is missing, builds the web app and the server, and runs the server on its
# defaults (SQLite under data/, recordings/ , http://127.0.0.1:8080). Extra arguments go to
# `connect-right serve` (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
scripts/build-web.sh
cargo build --release --locked
exec target/release/connect-right serve "$@"
