//! Used by the header test: the C text of `signet_result`, generated from
//! core's table of codes (cbindgen cannot see it: it is data in another crate).

use crate::result::signet_result;

/// The C name of a result constant: `SIGNET_RESULT_` and the code in upper
/// case, without the `ffi_` prefix of misuse codes (`SIGNET_RESULT_KEY_TOO_SMALL`,
/// `SIGNET_RESULT_NULL_POINTER`).
pub fn c_name(r: signet_result) -> String {
    let code = r.code();
    let code = code.strip_prefix("ffi_").unwrap_or(code);
    format!("SIGNET_RESULT_{}", code.to_ascii_uppercase())
}

/// `typedef uint32_t signet_result;` and the enum of its values.
pub fn result_enum_c() -> String {
    let mut s = String::from(
        "/**\n * The result of every fallible call: SIGNET_RESULT_OK (0) or an error\n * number. Numbers are grouped by domain (1000s order/JSON/dates, 2000s\n * key policy, 3000s budgets, 4000s grants, 5000s counters, 6000s tokens,\n * verification, certificates, CMS, 7000s sign, 8000s the host layer's\n * state, 9000s misuse of this API) and never reused; they come from\n * signet-core's one table of codes. signet_result_code_str() gives the\n * stable code string, signet_result_domain_str() its domain.\n */\ntypedef uint32_t signet_result;\n\nenum signet_result_value {\n",
    );
    for r in signet_result::ALL {
        s.push_str(&format!(
            "  /** {} (`{}`) */\n  {} = {},\n",
            r.description(),
            r.code(),
            c_name(r),
            r.number()
        ));
    }
    s.push_str("};\n");
    s
}
