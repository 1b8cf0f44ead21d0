# shellcheck shell=bash
# A throwaway PostgreSQL cluster for tests and benchmarks. Source after deps.sh:
#   pg_start            starts a cluster in a fresh temp dir (socket there too) and exports
#                       SIGNET_TEST_PG_URL, PG_DIR, PG_BIN; stops it on exit (trap)
#   pg_stop / pg_restart  stop or restart it (the tests stop it mid-run)
#   pg_start_tls        a second cluster that takes only TLS connections, on a 127.0.0.1 port,
#                       its certificate (DNS:localhost) from a throwaway CA; exports
#                       SIGNET_TEST_PG_TLS_PORT, SIGNET_TEST_PG_TLS_CA and SIGNET_TEST_PG_TLS_OTHER_CA
#                       (an unrelated CA); stopped by the same exit trap
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
    if [ -n "${PG_TLS_DIR:-}" ]; then
        [ -f "$PG_TLS_DIR/data/postmaster.pid" ] &&
            _pg_as "$PG_BIN/pg_ctl" -D "$PG_TLS_DIR/data" -m fast -w stop >/dev/null 2>&1
        rm -rf "$PG_TLS_DIR"
    fi
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

pg_start_tls() {
    PG_BIN=${PG_BIN:-$(pg_bin_dir)}
    PG_TLS_DIR=$(mktemp -d /tmp/signet-pgtls.XXXXXX)
    export PG_BIN PG_TLS_DIR
    trap pg_cleanup EXIT
    local d=$PG_TLS_DIR port ca
    for ca in ca other-ca; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj "/CN=Signet test $ca" -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$d/$ca.key" -out "$d/$ca.crt" 2>/dev/null
    done
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null
    chmod 0600 "$d/server.key"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$d"; fi
    chmod 0755 "$d"
    _pg_as "$PG_BIN/initdb" -D "$d/data" -A trust -U signet --no-sync >/dev/null
    # TLS or nothing over TCP: a connection that succeeds there was encrypted.
    printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n' |
        _pg_as tee "$d/data/pg_hba.conf" >/dev/null
    _pg_as "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/log" -w start -o "-k $d -p $port -c listen_addresses=127.0.0.1 \
        -c ssl=on -c ssl_cert_file=$d/server.crt -c ssl_key_file=$d/server.key" >/dev/null
    "$PG_BIN/createdb" -h "$d" -p "$port" -U signet signet
    export SIGNET_TEST_PG_TLS_PORT=$port SIGNET_TEST_PG_TLS_CA=$d/ca.crt SIGNET_TEST_PG_TLS_OTHER_CA=$d/other-ca.crt
}
