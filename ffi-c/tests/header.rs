//! The committed header is what cbindgen generates from the sources now;
//! `SIGNET_UPDATE_HEADER=1 cargo test -p signet-ffi --test header` rewrites it.

use std::path::PathBuf;

fn generate() -> String {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(signet::header_support::result_enum_c());
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn committed_header_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include/signet.h");
    let fresh = generate();
    if std::env::var_os("SIGNET_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/signet.h is out of date: run SIGNET_UPDATE_HEADER=1 cargo test -p signet-ffi --test header"
    );
}

#[test]
fn header_declares_every_exported_function() {
    let header = generate();
    let sources = [
        "cert", "counter", "report", "result", "state", "token", "util", "lib",
    ];
    let mut n = 0;
    for s in sources {
        let text =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("src/{s}.rs")))
                .unwrap();
        for line in text.lines() {
            let line = line.trim();
            if let Some(rest) = line
                .strip_prefix("pub unsafe extern \"C\" fn ")
                .or_else(|| line.strip_prefix("pub extern \"C\" fn "))
            {
                let name = rest.split('(').next().unwrap();
                assert!(name.starts_with("signet_"), "{name}: unprefixed export");
                assert!(
                    header.contains(&format!("{name}(")),
                    "{name} missing from the header"
                );
                n += 1;
            }
        }
    }
    assert!(n > 50, "only {n} exported functions found");
}
