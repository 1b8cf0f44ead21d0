//! One spelling of each name: the CLI offers core's canonical names for key
//! types, roles, devices and products, accepts core's documented aliases, and
//! answers with the canonical name.

mod common;
use common::{error_code, ok, scratch, signet, stdout};

#[test]
fn help_lists_the_canonical_names() {
    let dir = scratch("names-help");
    let init = stdout(&signet(&dir, &["init", "--help"]));
    assert!(
        init.contains("[possible values: ecc-p256, ecc-p384, rsa-3072, rsa-4096]"),
        "{init}"
    );
    assert!(init.contains("[default: ecc-p256]"), "{init}");
    let buy = stdout(&signet(&dir, &["budget", "buy", "--help"]));
    assert!(
        buy.contains(
            "[possible values: administrator, manager, standard_user, limited_user, finance_manager]"
        ),
        "{buy}"
    );
    assert!(buy.contains("[default: standard_user]"), "{buy}");
    let csr = stdout(&signet(&dir, &["csr", "check", "--help"]));
    assert!(
        csr.contains("[possible values: etoken-5110-cc, etoken-5110-fips, etoken-5110, hsm, keylocker]"),
        "{csr}"
    );
    let validate = stdout(&signet(&dir, &["validate", "--help"]));
    assert!(
        validate.contains("[possible values: code_signing, code_signing_ev]"),
        "{validate}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn aliases_are_accepted_and_answered_with_the_canonical_name() {
    let dir = scratch("names-alias");
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.extend(["--state", "st", "--user", "alice"]);
        all
    }
    ok(&dir, &with(&["init", "--key-type", "p384", "--budget", "5"]));
    assert_eq!(ok(&dir, &with(&["status"]))["key_type"], "ecc-p384");
    ok(&dir, &with(&["init", "--key-type", "ecc-p256", "--force"]));
    assert_eq!(ok(&dir, &with(&["status"]))["key_type"], "ecc-p256");
    // A standard user may not buy: the same refusal under either spelling.
    let canonical = error_code(
        &signet(
            &dir,
            &with(&[
                "budget",
                "buy",
                "--signatures",
                "1",
                "--role",
                "standard_user",
                "--json",
            ]),
        ),
        1,
    );
    let alias = error_code(
        &signet(
            &dir,
            &with(&[
                "budget",
                "buy",
                "--signatures",
                "1",
                "--role",
                "standard-user",
                "--json",
            ]),
        ),
        1,
    );
    assert_eq!(canonical, alias);
    // Anything else is a usage error, not a guess.
    for bad in [
        &["init", "--key-type", "ecc_p256", "--force"][..],
        &["init", "--key-type", "P256", "--force"][..],
        &["budget", "buy", "--signatures", "1", "--role", "Standard_User"][..],
    ] {
        assert_eq!(signet(&dir, &with(bad)).status.code(), Some(2), "{bad:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
