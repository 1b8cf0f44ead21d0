//! Used by the header test: the C text of `signet_result`, generated from the
//! one table in `result.rs` (cbindgen cannot see macro-generated items).

use crate::result::signet_result;

fn screaming(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The C name of a result constant (`SIGNET_RESULT_KEY_TOO_SMALL`).
pub fn c_name(r: signet_result) -> String {
    format!("SIGNET_RESULT_{}", screaming(r.rust_name()))
}

/// `typedef uint32_t signet_result;` and the enum of its values.
pub fn result_enum_c() -> String {
    let mut s = String::from(
        "/**\n * The result of every fallible call: SIGNET_RESULT_OK (0) or an error\n * number. Numbers are grouped by domain (1000s order/JSON/dates, 2000s\n * key policy, 3000s budgets, 4000s grants, 5000s counters, 6000s tokens,\n * verification, certificates, CMS, 7000s sign, 9000s misuse of this API)\n * and never reused. signet_result_code_str() gives the stable code string.\n */\ntypedef uint32_t signet_result;\n\nenum signet_result_value {\n",
    );
    for r in signet_result::ALL {
        s.push_str(&format!(
            "  /** {} (`{}`) */\n  {} = {},\n",
            r.description(),
            r.code(),
            c_name(*r),
            *r as u32
        ));
    }
    s.push_str("};\n");
    s
}
