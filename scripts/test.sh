#!/usr/bin/env bash
# Installs what is missing and runs every check and test: formatting, lints, the web app's
# tests, Rust unit tests and the end-to-end media tests with real browsers and GStreamer peers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build-web.sh
(cd tests/browser && { [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund; })
(cd web && npm test)
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
# The API tests run against SQLite and against this real PostgreSQL (or the one named by
# CONNECT_RIGHT_TEST_POSTGRES, an admin URL that may create databases).
if [ -z "${CONNECT_RIGHT_TEST_POSTGRES:-}" ]; then
  read -r pg_dir pg_url < <(scripts/test-postgres.sh)
  trap 'scripts/test-postgres.sh stop "$pg_dir"' EXIT
  export CONNECT_RIGHT_TEST_POSTGRES="$pg_url"
fi
# Unit tests and the API tests share no real-time media, so they run in parallel. The
# end-to-end media tests run one at a time, since each measures real-time behaviour on a
# 2-core machine, and each in a process of its own (cargo-nextest, on our machines), so that
# nothing one test leaves behind can slow the next one's media.
if cargo nextest --version >/dev/null 2>&1; then
  # Most API tests wait on their own server and database: more of them at once than cores.
  cargo nextest run --locked --no-fail-fast --lib --bins --test api --test-threads 4
  cargo nextest run --locked --no-fail-fast --test e2e --test-threads 1
else
  cargo test --locked --lib --bins --test api
  cargo test --locked --test e2e -- --test-threads=1
fi
