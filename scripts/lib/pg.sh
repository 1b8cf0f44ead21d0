# shellcheck shell=bash
# A throwaway PostgreSQL cluster for tests and benchmarks. Source after deps.sh:
#   pg_start            starts a cluster in a fresh temp dir (socket there too) and exports
#                       SIGNET_TEST_PG_URL, PG_DIR, PG_BIN; stops it on exit (trap)
#   pg_stop / pg_restart  stop or restart it (the tests stop it mid-run)
# PostgreSQL refuses to run as root, so initdb and pg_ctl run as `postgres` (runuser).

pg_bin_dir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$d" ] || { echo "pg: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; return 1; }
    printf '%s\n' "$d"
}

_pg_as() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
        _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
    return 0
}

pg_cleanup() {
    pg_stop
    [ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
    return 0
}

pg_restart() {
    _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -o "-k $PG_DIR -c listen_addresses='' -c max_connections=200" \
        -l "$PG_DIR/log" -w start >/dev/null
}

pg_start() {
    PG_BIN=$(pg_bin_dir)
    PG_DIR=$(mktemp -d /tmp/signet-pg.XXXXXX)
    export PG_BIN PG_DIR
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
    chmod 0755 "$PG_DIR"
    trap pg_cleanup EXIT
    _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U signet --no-sync >/dev/null
    pg_restart
    # host= is the socket directory (libpq's convention); no password on a trust cluster.
    export SIGNET_TEST_PG_URL="postgresql://signet@${PG_DIR//\//%2F}/signet"
    "$PG_BIN/createdb" -h "$PG_DIR" -U signet signet
}
