//! `signet_result`: the number of every result, taken from core's one table
//! of codes (`signet_core::codes::TABLE`: code, C number, domain,
//! description) plus `SIGNET_RESULT_OK` = 0. This crate keeps no table of its
//! own: the C `enum` in `include/signet.h` is generated from core's table
//! (`header_support::result_enum_c`), and the NUL-terminated strings C gets
//! are built from it at compile time.

use core::ffi::{CStr, c_char};

use signet_core::codes::{Code, Domain, TABLE};

/// The result of every fallible call: `SIGNET_RESULT_OK` (0) or the C number
/// of a code in core's table. In C it is a `uint32_t` (the header's typedef);
/// the Rust side only ever *returns* it, and every function that takes a
/// result number takes a plain `u32`. A value is always 0 or a number of the
/// table: the field is private and the constructors check.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct signet_result(u32);

/// Rows of the C view: `ok`, then core's table in order.
const ROWS: usize = TABLE.len() + 1;

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The number of `code` in core's table, at compile time: a code that is
/// not in the table fails the build.
const fn number_of(code: &str) -> signet_result {
    let mut i = 0;
    while i < TABLE.len() {
        if same(TABLE[i].code, code) {
            return signet_result(TABLE[i].number);
        }
        i += 1;
    }
    panic!("the code is not in signet_core::codes::TABLE")
}

impl signet_result {
    /// Success.
    pub const OK: signet_result = signet_result(0);
    /// `ffi_null_pointer`.
    pub const NULL_POINTER: signet_result = number_of("ffi_null_pointer");
    /// `ffi_invalid_utf8`.
    pub const INVALID_UTF8: signet_result = number_of("ffi_invalid_utf8");
    /// `ffi_panic`.
    pub const PANIC: signet_result = number_of("ffi_panic");
    /// `ffi_buffer_too_small`.
    pub const BUFFER_TOO_SMALL: signet_result = number_of("ffi_buffer_too_small");
    /// `ffi_invalid_argument`.
    pub const INVALID_ARGUMENT: signet_result = number_of("ffi_invalid_argument");
    /// `ffi_index_out_of_range`.
    pub const INDEX_OUT_OF_RANGE: signet_result = number_of("ffi_index_out_of_range");
    /// `ffi_unmapped_core_error`.
    pub const UNMAPPED_CORE_ERROR: signet_result = number_of("ffi_unmapped_core_error");

    /// Every result: `OK`, then core's table in order.
    pub const ALL: [signet_result; ROWS] = {
        let mut all = [signet_result(0); ROWS];
        let mut i = 0;
        while i < TABLE.len() {
            all[i + 1] = signet_result(TABLE[i].number);
            i += 1;
        }
        all
    };

    /// The number C sees.
    pub const fn number(self) -> u32 {
        self.0
    }

    /// The row of core's table (`None` for `OK`).
    pub fn row(self) -> Option<&'static Code> {
        signet_core::codes::by_number(self.0)
    }

    /// Index in [`ALL`](Self::ALL) (and in the string tables below).
    fn index(self) -> usize {
        TABLE.iter().position(|c| c.number == self.0).map_or(0, |i| i + 1)
    }

    /// The stable code string (`"key_too_small"`, `"ffi_null_pointer"`, `"ok"`).
    pub fn code(self) -> &'static str {
        self.row().map_or("ok", |c| c.code)
    }

    /// The code as a NUL-terminated static string.
    pub fn code_c(self) -> &'static CStr {
        CODES.get(self.index())
    }

    /// The domain (`None` for `OK`).
    pub fn domain(self) -> Option<Domain> {
        self.row().map(|c| c.domain)
    }

    /// A short fixed description.
    pub fn description(self) -> &'static str {
        self.row().map_or("Success.", |c| c.description)
    }

    /// The result with number `n`, if there is one.
    pub fn from_u32(n: u32) -> Option<signet_result> {
        (n == 0 || signet_core::codes::by_number(n).is_some()).then_some(signet_result(n))
    }

    /// The result for a code (core's, or `"ok"`).
    pub fn from_code(code: &str) -> Option<signet_result> {
        if code == "ok" {
            return Some(signet_result::OK);
        }
        signet_core::codes::lookup(code).map(|c| signet_result(c.number))
    }
}

impl From<signet_result> for u32 {
    fn from(r: signet_result) -> u32 {
        r.0
    }
}

/// Which text of a row a string table holds.
#[derive(Clone, Copy)]
enum Field {
    Code,
    Domain,
}

/// The text of row `i` (0 = `ok`): its code, or its domain's name (`""` for `ok`).
const fn text(i: usize, field: Field) -> &'static str {
    if i == 0 {
        return match field {
            Field::Code => "ok",
            Field::Domain => "",
        };
    }
    match field {
        Field::Code => TABLE[i - 1].code,
        Field::Domain => TABLE[i - 1].domain.name(),
    }
}

const fn strings_len(field: Field) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ROWS {
        n += text(i, field).len() + 1;
        i += 1;
    }
    n
}

/// NUL-terminated copies of one text per row, made at compile time (the C
/// strings are static: nothing to allocate, nothing to free).
struct Strings<const N: usize> {
    bytes: [u8; N],
    starts: [usize; ROWS],
}

impl<const N: usize> Strings<N> {
    const fn build(field: Field) -> Self {
        let mut bytes = [0u8; N];
        let mut starts = [0usize; ROWS];
        let mut at = 0;
        let mut i = 0;
        while i < ROWS {
            starts[i] = at;
            let t = text(i, field).as_bytes();
            let mut j = 0;
            while j < t.len() {
                bytes[at] = t[j];
                at += 1;
                j += 1;
            }
            // bytes[at] stays 0: the terminator.
            at += 1;
            i += 1;
        }
        Strings { bytes, starts }
    }

    fn get(&'static self, i: usize) -> &'static CStr {
        self.starts
            .get(i)
            .and_then(|&s| self.bytes.get(s..))
            .and_then(|b| CStr::from_bytes_until_nul(b).ok())
            .unwrap_or(c"")
    }
}

const CODE_BYTES: usize = strings_len(Field::Code);
const DOMAIN_BYTES: usize = strings_len(Field::Domain);
static CODES: Strings<CODE_BYTES> = Strings::build(Field::Code);
static DOMAINS: Strings<DOMAIN_BYTES> = Strings::build(Field::Domain);

/// The code string for a result number (static, NUL-terminated; the caller
/// must not free it), or NULL for a number that is not in the table.
#[unsafe(no_mangle)]
pub extern "C" fn signet_result_code_str(result: u32) -> *const c_char {
    match signet_result::from_u32(result) {
        Some(r) => r.code_c().as_ptr(),
        None => core::ptr::null(),
    }
}

/// The name of a result number's domain (static, NUL-terminated; the caller
/// must not free it): `invalid_request`, `key_policy`, `budget`, `grant`,
/// `counter`, `token`, `sign`, `verification`, `state` or `usage`. Every
/// binding derives its error class from it. NULL for `SIGNET_RESULT_OK` (no
/// domain) and for a number that is not in the table.
#[unsafe(no_mangle)]
pub extern "C" fn signet_result_domain_str(result: u32) -> *const c_char {
    match signet_result::from_u32(result) {
        Some(r) if r != signet_result::OK => DOMAINS.get(r.index()).as_ptr(),
        _ => core::ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_strings_are_the_table_strings() {
        assert_eq!(signet_result::ALL.len(), TABLE.len() + 1);
        for r in signet_result::ALL {
            assert_eq!(r.code_c().to_str().unwrap(), r.code());
            assert_eq!(signet_result::from_code(r.code()), Some(r));
            match r.domain() {
                Some(d) => assert_eq!(DOMAINS.get(r.index()).to_str().unwrap(), d.name()),
                None => assert_eq!(r, signet_result::OK),
            }
        }
        assert_eq!(signet_result::NULL_POINTER.number(), 9001);
        assert_eq!(signet_result::from_u32(1), None);
        assert_eq!(signet_result::OK.description(), "Success.");
    }
}
