//! TLS to the shared store (`postgres-tls`), against a real server that takes
//! only TLS connections over TCP: `scripts/pg-test.sh` starts it
//! (`pg_start_tls` in scripts/lib/pg.sh) and runs this file with the
//! feature. Its certificate names `localhost` and comes from a throwaway CA
//! (`SIGNET_TEST_PG_TLS_CA`); `SIGNET_TEST_PG_TLS_OTHER_CA` is unrelated.
//! The server rejects plain TCP connections, so every connection that works
//! here was encrypted.
#![cfg(feature = "postgres-tls")]

use signet_host::store::PgStore;

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run scripts/pg-test.sh (it starts the TLS server)"))
}

fn refused(setting: &str, code: &str, says: &str) {
    let e = PgStore::migrate_setting(setting).unwrap_err();
    assert_eq!(e.code(), code, "{setting}: {}", e.message());
    assert!(e.message().contains(says), "{setting}: {}", e.message());
}

/// One test: it sets PGSSLMODE, PGSSLROOTCERT and HOME, which the others
/// would read.
#[test]
fn tls_connections_follow_libpq_settings() {
    let port = env("SIGNET_TEST_PG_TLS_PORT");
    let ca = env("SIGNET_TEST_PG_TLS_CA");
    let other = env("SIGNET_TEST_PG_TLS_OTHER_CA");
    let home = std::env::temp_dir().join(format!("signet-pg-tls-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    // SAFETY: the only test in this process; nothing else reads the environment.
    unsafe {
        // No ~/.postgresql/root.crt of the machine's user decides anything here.
        std::env::set_var("HOME", &home);
        std::env::remove_var("PGSSLMODE");
        std::env::remove_var("PGSSLROOTCERT");
    }
    let url = |host: &str, query: &str| format!("postgresql://signet@{host}:{port}/signet?{query}");

    // verify-full: the chain and the host name; the schema goes in over TLS.
    let (version, _) = PgStore::migrate_setting(&url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .unwrap();
    assert!(version >= 1);
    let store = PgStore::connect(
        &url("localhost", &format!("sslmode=verify-full&sslrootcert={ca}")),
        1,
    )
    .unwrap();
    assert_eq!(store.role(), "signet");
    drop(store);
    // The server takes no plain text: disable is refused by it.
    refused(
        &url("localhost", "sslmode=disable"),
        "store_unavailable",
        "unavailable",
    );
    // prefer and require (no root certificate): encrypted, unverified.
    PgStore::migrate_setting(&url("localhost", "sslmode=prefer")).unwrap();
    PgStore::migrate_setting(&url("localhost", "sslmode=require")).unwrap();
    PgStore::migrate_setting(&url("127.0.0.1", "")).unwrap();
    // Another CA: the chain does not verify, in every verifying mode (require
    // with a root certificate verifies the chain, as libpq does).
    for mode in ["verify-full", "verify-ca", "require"] {
        refused(
            &url("localhost", &format!("sslmode={mode}&sslrootcert={other}")),
            "store_unavailable",
            "certificate",
        );
    }
    // 127.0.0.1 is not the name in the certificate: verify-full refuses it,
    // verify-ca (the chain only) accepts it.
    refused(
        &url("127.0.0.1", &format!("sslmode=verify-full&sslrootcert={ca}")),
        "store_unavailable",
        "certificate",
    );
    PgStore::migrate_setting(&url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}"))).unwrap();
    // A verifying mode with no root certificate anywhere is a setting error.
    refused(
        &url("localhost", "sslmode=verify-full"),
        "store_url_invalid",
        "root certificate",
    );
    // The key=value form, and the environment for what the setting leaves out.
    PgStore::migrate_setting(&format!(
        "host=localhost port={port} user=signet dbname=signet sslmode=verify-full sslrootcert='{ca}'"
    ))
    .unwrap();
    // SAFETY: as above.
    unsafe {
        std::env::set_var("PGSSLMODE", "verify-full");
        std::env::set_var("PGSSLROOTCERT", &ca);
    }
    PgStore::migrate_setting(&url("localhost", "")).unwrap();
    refused(&url("127.0.0.1", ""), "store_unavailable", "certificate");
    // SAFETY: as above.
    unsafe { std::env::set_var("PGSSLROOTCERT", &other) };
    refused(&url("localhost", ""), "store_unavailable", "certificate");
    // The setting wins over the environment.
    PgStore::migrate_setting(&url("localhost", &format!("sslrootcert={ca}"))).unwrap();
    // libpq's default root certificate, ~/.postgresql/root.crt.
    // SAFETY: as above.
    unsafe { std::env::remove_var("PGSSLROOTCERT") };
    std::fs::create_dir_all(home.join(".postgresql")).unwrap();
    std::fs::copy(&ca, home.join(".postgresql/root.crt")).unwrap();
    PgStore::migrate_setting(&url("localhost", "")).unwrap();
    let _ = std::fs::remove_dir_all(&home);
}
