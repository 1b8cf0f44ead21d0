#!/usr/bin/env bash
# The shared store (PostgreSQL) against a real server: starts a throwaway cluster in a temp
# dir (initdb + pg_ctl as the `postgres` user, Unix socket in that dir, stopped on exit),
# exports SIGNET_TEST_PG_URL, PG_BIN and PG_DIR, and runs the Rust scenarios in
# cli/tests/postgres.rs (four hosts on one budget, SIGKILLed hosts, the server stopped
# mid-run, a grant shared by hosts, an approval race, identity and settling). Then the
# `postgres-tls` feature against a second cluster that takes only TLS (host/tests/pg_tls.rs).
#
# Usage: scripts/pg-test.sh [scenario-name-filter...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
# shellcheck source=lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
# shellcheck source=lib/pg.sh
source "$ROOT/scripts/lib/pg.sh"
ensure_postgresql
# The postgres-tls feature links the system OpenSSL.
ensure_apt libssl-dev pkg-config openssl
cargo build -q -p signet-cli --tests
pg_start
echo "pg-test: throwaway PostgreSQL in $PG_DIR"
cargo test -q -p signet-cli --test postgres -- --ignored "$@"
if [ "$#" -eq 0 ]; then
    echo "== TLS to the store (postgres-tls feature)"
    pg_start_tls
    cargo test -q -p signet-host --features postgres-tls --test pg_tls
fi
